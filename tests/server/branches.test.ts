/**
 * Branches through the real server (R1, R5): the admin API and its refusals, GeoIP rules that
 * send a visitor's conversation to a branch (real lookups in the shipped database, the address
 * named by a trusted proxy), routing within the branch's pool, working hours that hold the
 * queue until the branch opens (FakeClock), escalation falling back to the default branch, and
 * the widget's availability answer.
 */
import { describe, expect, test } from 'bun:test'
import { DEFAULT_INBOX_SETTINGS, FakeClock } from '../../actors/index.ts'
import { startFrom } from '../helpers/http.ts'
import { useServers } from '../helpers/lifecycle.ts'
import { MINUTE, Observer, openTab, signIn } from '../helpers/routing.ts'
import type { TestServer } from '../helpers/server.ts'

const u = useServers()

/** Yandex's public resolver (RU) and Google's (US), in the shipped country database. */
const RU_ADDRESS = '77.88.8.8'
const US_ADDRESS = '8.8.8.8'

const WEEKDAYS_9_18 = {
  timeZone: 'Europe/Moscow',
  week: Object.fromEntries(
    ['mon', 'tue', 'wed', 'thu', 'fri'].map((d) => [d, [{ from: '09:00', to: '18:00' }]]),
  ),
  exceptions: [],
}

/** Monday 2026-12-07, 08:50 in Moscow (UTC+3): ten minutes before a 09:00 opening. */
const MONDAY_0850_MSK = Date.parse('2026-12-07T05:50:00Z')

/** A server whose clients all come through a trusted proxy on loopback (X-Real-IP counts). */
function proxied(opts: { clock?: FakeClock } = {}) {
  return u.server({ env: { TRUST_PROXY: '127.0.0.1' }, clock: opts.clock })
}

async function admin(s: TestServer, path: string, method: string, body?: unknown) {
  return s.http(path, { method, body, token: await s.adminToken() })
}

async function createBranch(s: TestServer, body: Record<string, unknown>) {
  const inboxId = await s.defaultInboxId()
  const res = await admin(s, `/api/admin/inboxes/${inboxId}/branches`, 'POST', body)
  expect(res.status).toBe(201)
  return res.body as { id: string; inboxId: string; name: string; operatorIds: string[] }
}

async function availability(s: TestServer, address: string) {
  const res = await fetch(`${s.url}/api/visitor/availability?inboxId=${await s.defaultInboxId()}`, {
    headers: { 'x-real-ip': address },
  })
  expect(res.status).toBe(200)
  expect(res.headers.get('cache-control')).toBe('private, max-age=10')
  return (await res.json()) as Record<string, any>
}

describe('branches - admin API (R1)', () => {
  test('branches - every inbox has its default branch; create, rename, schedule, members, delete', async () => {
    const s = await u.server()
    const inboxId = await s.defaultInboxId()
    const listed = await admin(s, `/api/admin/inboxes/${inboxId}/branches`, 'GET')
    expect(listed.status).toBe(200)
    expect(listed.body).toMatchObject({
      defaultBranchId: inboxId,
      geoRules: [],
      branches: [{ id: inboxId, name: 'Main', isDefault: true }],
    })
    const op = await s.operator()
    const branch = await createBranch(s, {
      name: 'Moscow',
      schedule: WEEKDAYS_9_18,
      operatorIds: [op.id],
    })
    expect(branch).toMatchObject({ name: 'Moscow', operatorIds: [op.id], isDefault: false })
    // A branch member handles the inbox: it sees the inbox's conversations.
    const inboxMembers = await admin(s, `/api/admin/inboxes/${inboxId}/members`, 'GET')
    expect(inboxMembers.body.operatorIds).toContain(op.id)

    const renamed = await admin(s, `/api/admin/branches/${branch.id}`, 'PATCH', {
      name: 'Moscow office',
      settings: { escalateToDefault: false },
    })
    expect(renamed.body).toMatchObject({
      name: 'Moscow office',
      settings: { escalateToDefault: false },
      schedule: { timeZone: 'Europe/Moscow' },
    })
    const members = await admin(s, `/api/admin/branches/${branch.id}/members`, 'PUT', {
      operatorIds: [],
    })
    expect(members.body).toEqual({ operatorIds: [] })

    const deleted = await admin(s, `/api/admin/branches/${branch.id}`, 'DELETE')
    expect(deleted.body).toEqual({ ok: true, movedTo: inboxId })
    expect((await admin(s, `/api/admin/branches/${branch.id}`, 'GET')).status).toBe(404)
  })

  test('branches - bad schedules, rules and targets are refused with typed errors and change nothing', async () => {
    const s = await u.server()
    const inboxId = await s.defaultInboxId()
    const branch = await createBranch(s, { name: 'Night shift' })
    const refusals: Array<[unknown, RegExp]> = [
      [{ ...WEEKDAYS_9_18, timeZone: 'Mars/Olympus' }, /timeZone.*IANA/],
      [{ ...WEEKDAYS_9_18, week: { mon: [{ from: '18:00', to: '09:00' }] } }, /ends before/],
      [
        {
          ...WEEKDAYS_9_18,
          week: {
            tue: [
              { from: '09:00', to: '13:00' },
              { from: '12:00', to: '18:00' },
            ],
          },
        },
        /overlaps/,
      ],
      [{ ...WEEKDAYS_9_18, exceptions: [{ date: '2026-02-30', hours: [] }] }, /not a date/],
    ]
    for (const [schedule, message] of refusals) {
      const res = await admin(s, `/api/admin/branches/${branch.id}`, 'PATCH', {
        name: 'Renamed?',
        schedule,
      })
      expect(res.status).toBe(422)
      expect(res.body.error).toMatchObject({ code: 'validation_failed' })
      expect(res.body.error.message).toMatch(message)
    }
    const text = { en: 'Thanks for waiting', ru: 'Спасибо за ожидание' }
    for (const waitingReply of [
      { on: true, text, afterSeconds: 5 },
      { on: true, text, afterSeconds: 90.5 },
      { on: true, text, afterSeconds: 2 * 24 * 3600 },
      { on: true, text: { en: 'x'.repeat(1001), ru: '' }, afterSeconds: 60 },
      { on: true, text },
    ]) {
      const res = await admin(s, `/api/admin/branches/${branch.id}`, 'PATCH', {
        name: 'Renamed?',
        settings: { waitingReply },
      })
      expect(res.status).toBe(422)
      expect(res.body.error).toMatchObject({ code: 'validation_failed' })
    }
    const after = await admin(s, `/api/admin/branches/${branch.id}`, 'GET')
    expect(after.body.name).toBe('Night shift')
    expect(after.body.settings.waitingReply).toMatchObject({ on: false, afterSeconds: 300 })

    const unknownRule = await admin(s, `/api/admin/inboxes/${inboxId}/routing`, 'PUT', {
      geoRules: [{ country: 'RU', branchId: 'no-such-branch' }],
    })
    expect(unknownRule.status).toBe(422)
    expect(unknownRule.body.error.message).toMatch(/branchId/)
    const unknownDefault = await admin(s, `/api/admin/inboxes/${inboxId}/routing`, 'PUT', {
      defaultBranchId: 'no-such-branch',
      geoRules: [{ country: 'RU', branchId: branch.id }],
    })
    expect(unknownDefault.status).toBe(422)
    const routing = await admin(s, `/api/admin/inboxes/${inboxId}/branches`, 'GET')
    expect(routing.body).toMatchObject({ defaultBranchId: inboxId, geoRules: [] })

    const deleteDefault = await admin(s, `/api/admin/branches/${inboxId}`, 'DELETE')
    expect(deleteDefault.status).toBe(409)
    const foreignMember = await admin(s, `/api/admin/branches/${branch.id}/members`, 'PUT', {
      operatorIds: ['no-such-operator'],
    })
    expect(foreignMember.status).toBe(404)

    const op = await s.operator({ inboxIds: [inboxId] })
    for (const [path, method, body] of [
      [`/api/admin/inboxes/${inboxId}/branches`, 'GET', undefined],
      [`/api/admin/inboxes/${inboxId}/branches`, 'POST', { name: 'Mine' }],
      [`/api/admin/branches/${branch.id}`, 'PATCH', { name: 'Mine' }],
      [`/api/admin/branches/${branch.id}`, 'DELETE', undefined],
      [`/api/admin/branches/${branch.id}/members`, 'PUT', { operatorIds: [op.id] }],
      [`/api/admin/inboxes/${inboxId}/routing`, 'PUT', { defaultBranchId: branch.id }],
    ] as const) {
      const res = await s.http(path, { method, token: op.token, body })
      expect(res.status).toBe(403)
    }
    expect((await admin(s, `/api/admin/branches/${branch.id}`, 'GET')).body).toMatchObject({
      name: 'Night shift',
      operatorIds: [],
      isDefault: false,
    })
  })
})

describe('branches - GeoIP routing (R1)', () => {
  test('branches - a visitor from Russia goes to the Russian branch and its operator; others to the default', async () => {
    const s = await proxied()
    const inboxId = await s.defaultInboxId()
    const obs = await Observer.create(u, s)
    const ru = await s.operator()
    const branch = await createBranch(s, { name: 'Russia', operatorIds: [ru.id] })
    const put = await admin(s, `/api/admin/inboxes/${inboxId}/routing`, 'PUT', {
      geoRules: [{ country: 'ru', branchId: branch.id }],
    })
    expect(put.body.geoRules).toEqual([{ country: 'RU', region: null, branchId: branch.id }])
    await openTab(u, s, ru.token)
    const other = await signIn(u, s) // a member of the default branch

    const fromRu = await startFrom(s, RU_ADDRESS)
    expect(fromRu).toMatchObject({ branchId: branch.id, location: { country: 'RU' } })
    expect(await obs.routed(fromRu.id)).toBe(ru.id)

    const fromUs = await startFrom(s, US_ADDRESS)
    expect(fromUs).toMatchObject({ branchId: inboxId, location: { country: 'US' } })
    expect(await obs.routed(fromUs.id)).toBe(other.id)

    // A private address has no location: the default branch.
    const local = await startFrom(s, '10.1.2.3')
    expect(local).toMatchObject({ branchId: inboxId, location: null })
    // Operators see where the visitor is.
    const seen = await obs.conversation(fromRu.id)
    expect(seen.location).toEqual({ country: 'RU', region: null, city: null })
  })

  test('branches - deleting a branch moves its conversations to the default branch and drops its rules', async () => {
    const s = await proxied()
    const inboxId = await s.defaultInboxId()
    const obs = await Observer.create(u, s)
    const branch = await createBranch(s, { name: 'Russia' })
    await admin(s, `/api/admin/inboxes/${inboxId}/routing`, 'PUT', {
      geoRules: [{ country: 'RU', branchId: branch.id }],
    })
    const waiting = await startFrom(s, RU_ADDRESS)
    expect(waiting.branchId).toBe(branch.id)
    expect(await obs.assigneeNow(waiting.id)).toBeNull()

    expect((await admin(s, `/api/admin/branches/${branch.id}`, 'DELETE')).status).toBe(200)
    const listed = await admin(s, `/api/admin/inboxes/${inboxId}/branches`, 'GET')
    expect(listed.body.geoRules).toEqual([])
    expect((await obs.conversation(waiting.id)).branchId).toBe(inboxId)
    // Waiting in the default branch now: its first member to come online gets it.
    const a = await signIn(u, s)
    expect(await obs.routed(waiting.id)).toBe(a.id)
    expect((await obs.conversation(waiting.id)).branchId).toBe(inboxId)
  })
})

describe('branches - working hours (R5)', () => {
  test('branches - outside hours a conversation waits unassigned; at opening it is routed, and the widget knew when', async () => {
    const clock = new FakeClock(MONDAY_0850_MSK)
    const s = await proxied({ clock })
    const inboxId = await s.defaultInboxId()
    const obs = await Observer.create(u, s)
    const patched = await admin(s, `/api/admin/branches/${inboxId}`, 'PATCH', {
      schedule: WEEKDAYS_9_18,
    })
    expect(patched.status).toBe(200)
    const a = await signIn(u, s)

    const conv = await startFrom(s, US_ADDRESS)
    expect(await obs.assigneeNow(conv.id)).toBeNull()
    const closed = await availability(s, US_ADDRESS)
    expect(closed).toEqual({
      state: 'offline',
      branchId: inboxId,
      withinHours: false,
      nextOpeningAt: Date.parse('2026-12-07T06:00:00Z'),
      timeZone: 'Europe/Moscow',
      greeting: null,
      offlineText: null,
      typicalReplyMinutes: null,
      rating: 'off',
      preChat: DEFAULT_INBOX_SETTINGS.preChat,
      appearance: {
        ...DEFAULT_INBOX_SETTINGS.appearance,
        title: 'Default inbox',
        launcherLabel: '',
      },
      campaigns: false,
      help: false,
    })

    await clock.advance(10 * MINUTE)
    expect(await obs.routed(conv.id)).toBe(a.id)
    // The snapshot is kept two seconds; a new one sees the open branch with room.
    await clock.advance(3_000)
    expect(await availability(s, US_ADDRESS)).toMatchObject({
      state: 'online',
      withinHours: true,
      nextOpeningAt: null,
    })
  })

  test('branches - availability: online with room, busy at capacity, offline with nobody available', async () => {
    const clock = new FakeClock()
    const s = await proxied({ clock })
    const inboxId = await s.defaultInboxId()
    await admin(s, `/api/admin/inboxes/${inboxId}`, 'PATCH', {
      settings: { maxOpenPerOperator: 1 },
    })
    const obs = await Observer.create(u, s)
    expect((await availability(s, US_ADDRESS)).state).toBe('offline')
    const a = await signIn(u, s)
    await clock.advance(3_000)
    expect((await availability(s, US_ADDRESS)).state).toBe('online')
    const conv = await startFrom(s, US_ADDRESS)
    expect(await obs.routed(conv.id)).toBe(a.id)
    await clock.advance(3_000)
    expect((await availability(s, US_ADDRESS)).state).toBe('busy')
    await a.tab.ok({ type: 'set_operator_status', status: 'away' })
    await clock.advance(3_000)
    expect((await availability(s, US_ADDRESS)).state).toBe('offline')

    const unknown = await fetch(`${s.url}/api/visitor/availability?inboxId=nope`)
    expect(unknown.status).toBe(404)
    const missing = await fetch(`${s.url}/api/visitor/availability`)
    expect(missing.status).toBe(422)
  })
})

describe('branches - typical reply time (R6)', () => {
  test('branches - online, the widget hears the median first response of the branch, in minutes; unknown with fewer than three', async () => {
    const clock = new FakeClock()
    const s = await proxied({ clock })
    const obs = await Observer.create(u, s)
    const a = await signIn(u, s)
    const answerAfter = async (minutes: number) => {
      const conv = await startFrom(s, US_ADDRESS)
      expect(await obs.routed(conv.id)).toBe(a.id)
      await clock.advance(minutes * MINUTE)
      await a.tab.ok({
        type: 'send',
        conversationId: conv.id,
        clientMsgId: `answer-${conv.id}`,
        text: 'Hello, how can I help?',
      })
      await a.tab.ok({ type: 'set_status', conversationId: conv.id, status: 'resolved' })
    }
    await answerAfter(2)
    await answerAfter(10)
    // Two answers are not enough to say; an unanswered conversation does not count.
    expect((await availability(s, US_ADDRESS)).typicalReplyMinutes).toBeNull()
    await startFrom(s, US_ADDRESS)
    await answerAfter(2.5)
    await clock.advance(61_000) // past the one-minute reuse of the last figure
    const online = await availability(s, US_ADDRESS)
    expect(online).toMatchObject({ state: 'online', typicalReplyMinutes: 3 })
    await a.tab.ok({ type: 'set_operator_status', status: 'away' })
    await clock.advance(61_000)
    expect(await availability(s, US_ADDRESS)).toMatchObject({
      state: 'offline',
      typicalReplyMinutes: null,
    })
  })
})

describe('branches - escalation (R1, R3)', () => {
  test('branches - unopened and nobody else in the branch: escalation moves it to the default branch', async () => {
    const clock = new FakeClock()
    const s = await proxied({ clock })
    const inboxId = await s.defaultInboxId()
    const obs = await Observer.create(u, s)
    const ru = await s.operator()
    const branch = await createBranch(s, { name: 'Russia', operatorIds: [ru.id] })
    await admin(s, `/api/admin/inboxes/${inboxId}/routing`, 'PUT', {
      geoRules: [{ country: 'RU', branchId: branch.id }],
    })
    await openTab(u, s, ru.token)
    const conv = await startFrom(s, RU_ADDRESS)
    expect(await obs.routed(conv.id)).toBe(ru.id)
    const b = await signIn(u, s) // default branch

    await clock.advance(4 * MINUTE)
    const moved = await obs.assigned(conv.id, b.id, 'escalation')
    expect(moved.data.previousAssigneeId).toBe(ru.id)
    expect((await obs.conversation(conv.id)).branchId).toBe(inboxId)
  })
})
