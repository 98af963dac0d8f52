/**
 * The analytics API (issue 19) through the real server (SQLite, and Postgres in CI's second
 * pass): who may read which inboxes, bad queries refused with typed errors, drill-down pages,
 * rating comments gone with an erasure, CSV that spreadsheets cannot run, and two projectors
 * racing over the same log counting every event once.
 */
import { describe, expect, test } from 'bun:test'
import { FakeClock } from '../../actors/index.ts'
import { silentLogger } from '../../actors/runtime/log.ts'
import { AnalyticsProjector } from '../../server/analytics/projector.ts'
import { httpSend, httpStart } from '../helpers/http.ts'
import { useServers } from '../helpers/lifecycle.ts'
import { MINUTE, signIn } from '../helpers/routing.ts'
import { waitUntil } from '../helpers/processes.ts'
import type { TestServer } from '../helpers/server.ts'

const u = useServers()
const HOUR = 60 * MINUTE
const START = Date.UTC(2026, 5, 1, 9, 0)

function query(q: Record<string, string | number | undefined>): string {
  return new URLSearchParams(
    Object.entries(q).flatMap(([k, v]) => (v === undefined ? [] : [[k, String(v)]])),
  ).toString()
}

const RANGE = { from: START - HOUR, to: START + 24 * HOUR, tz: 'Europe/Moscow' }

async function get(s: TestServer, token: string, path: string, q: Record<string, any> = RANGE) {
  return s.http(`/api/analytics/${path}?${query(q)}`, { token })
}

async function enableStars(s: TestServer) {
  const res = await s.http(`/api/admin/inboxes/${await s.defaultInboxId()}`, {
    method: 'PATCH',
    token: await s.adminToken(),
    body: { settings: { rating: 'stars' } },
  })
  expect(res.status).toBe(200)
}

describe('analytics API', () => {
  test('analytics - operators get 403, supervisors only their inboxes, admins all', async () => {
    const clock = new FakeClock(START)
    // Supervisors see only their own inboxes' conversations (and figures) in this deployment.
    const s = await u.server({ clock, env: { ANALYTICS_EVERY_MS: '0', ELEVATED_SCOPE: 'members' } })
    const admin = await s.adminToken()
    const other = await s.http('/api/admin/inboxes', { token: admin, body: { name: 'Other' } })
    expect(other.status).toBe(201)
    const otherId = other.body.id as string
    const mainId = await s.defaultInboxId()
    await httpStart(s)
    await httpStart(s, (await s.visitorToken(otherId)).token, 'elsewhere')
    await httpStart(s, (await s.visitorToken(otherId)).token, 'elsewhere too')
    await s.analytics.catchUp()

    const operator = await s.operator({ inboxIds: [mainId], role: 'operator' })
    const refused = await get(s, operator.token, 'report')
    expect(refused.status).toBe(403)
    expect(refused.body.error.code).toBe('forbidden')
    for (const path of ['conversations', 'comments', 'export']) {
      const extra =
        path === 'conversations'
          ? { metric: 'created' }
          : path === 'export'
            ? { table: 'operators' }
            : {}
      expect((await get(s, operator.token, path, { ...RANGE, ...extra })).status).toBe(403)
    }
    expect((await s.http(`/api/analytics/report?${query(RANGE)}`)).status).toBe(401)

    const supervisor = await s.operator({ inboxIds: [mainId], role: 'supervisor' })
    const scoped = await get(s, supervisor.token, 'report')
    expect(scoped.status).toBe(200)
    expect(scoped.body.totals.conversations).toBe(1)
    expect(scoped.body.inboxes.map((r: any) => r.key)).toEqual([mainId])
    const outside = await get(s, supervisor.token, 'report', { ...RANGE, inbox: otherId })
    expect(outside.status).toBe(403)
    const drill = await get(s, supervisor.token, 'conversations', { ...RANGE, metric: 'created' })
    expect(drill.body.items).toHaveLength(1)

    // Admins are scoped to their inboxes too under `members`; the other inbox once they join it.
    expect((await get(s, admin, 'report')).body.totals.conversations).toBe(1)
    expect((await get(s, admin, 'report', { ...RANGE, inbox: otherId })).status).toBe(403)
    const me = await s.http('/api/auth/me', { token: admin })
    const joined = await s.http(`/api/admin/inboxes/${otherId}/members`, {
      method: 'PUT',
      token: admin,
      body: { operatorIds: [me.body.operator.id] },
    })
    expect(joined.status).toBe(200)
    const all = await get(s, admin, 'report')
    expect(all.body.totals.conversations).toBe(3)
    const one = await get(s, admin, 'report', { ...RANGE, inbox: otherId })
    expect(one.body.totals.conversations).toBe(2)
    expect(one.body.inboxes).toMatchObject([{ key: otherId, label: 'Other', conversations: 2 }])
  })

  test('analytics - bad queries get typed 422s', async () => {
    const s = await u.server({ env: { ANALYTICS_EVERY_MS: '0' } })
    const admin = await s.adminToken()
    const bad: Array<[string, Record<string, any>, string]> = [
      ['report', { to: RANGE.to }, 'from'],
      ['report', { ...RANGE, from: RANGE.from + 1 }, 'quarter hours'],
      ['report', { ...RANGE, to: RANGE.from }, 'after from'],
      ['report', { ...RANGE, to: RANGE.from + 401 * 24 * HOUR }, '400 days'],
      ['report', { ...RANGE, tz: 'Mars/Olympus' }, 'time zone'],
      ['report', { ...RANGE, tz: 'x'.repeat(10_000) }, 'tz'],
      ['report', { ...RANGE, interval: 'year' }, 'interval'],
      ['report', { ...RANGE, country: 'russia' }, 'country'],
      ['report', { ...RANGE, channel: 'fax' }, 'channel'],
      ['report', { ...RANGE, from: '-5' }, 'from'],
      ['report', { ...RANGE, from: '1e12' }, 'from'],
      ['report', { ...RANGE, surprise: '1' }, 'surprise'],
      ['conversations', { ...RANGE }, 'metric'],
      ['conversations', { ...RANGE, metric: 'created', cursor: 'nope' }, 'cursor'],
      ['export', { ...RANGE, table: 'secrets' }, 'table'],
    ]
    for (const [path, q, word] of bad) {
      const res = await get(s, admin, path, q)
      const what = [path, q.tz?.length > 100 ? 'long tz' : q]
      expect([...what, res.status, res.body.error?.message]).toEqual([
        ...what,
        422,
        res.body.error?.message,
      ])
      expect(res.body.error.code).toBe('validation_failed')
      expect(res.body.error.message.toLowerCase()).toContain(word.toLowerCase())
    }
  })

  test('analytics - drill-down pages, comments go with an erasure, CSV is formula-safe', async () => {
    const clock = new FakeClock(START)
    const s = await u.server({ clock, env: { ANALYTICS_EVERY_MS: '0' } })
    await enableStars(s)
    const a = await signIn(u, s)
    const started: string[] = []
    for (let i = 0; i < 55; i++) {
      started.push((await httpStart(s, undefined, `q${i}`)).id)
      await clock.advance(MINUTE)
    }
    const rated = await httpStart(s, undefined, 'rate me')
    await httpSend(s, a.token, rated.id, 'r-1', 'Answer')
    const resolved = await s.http(`/api/conversations/${rated.id}/status`, {
      token: a.token,
      body: { status: 'resolved' },
    })
    expect(resolved.status).toBe(200)
    const comment = '=HYPERLINK("http://evil.example","click"), "quoted"'
    const rating = await s.http(`/api/conversations/${rated.id}/rating`, {
      token: rated.token,
      body: { score: 2, comment },
    })
    expect(rating.status).toBe(200)
    await s.analytics.catchUp()
    const admin = await s.adminToken()

    // 56 created: a page of 50, then 6, newest first, no repeats.
    const first = await get(s, admin, 'conversations', { ...RANGE, metric: 'created' })
    expect(first.status).toBe(200)
    expect(first.body.items).toHaveLength(50)
    const second = await get(s, admin, 'conversations', {
      ...RANGE,
      metric: 'created',
      cursor: first.body.next,
    })
    expect(second.body.items).toHaveLength(6)
    expect(second.body.next).toBeNull()
    const listed = [...first.body.items, ...second.body.items].map((c: any) => c.id)
    expect(new Set(listed).size).toBe(56)
    expect(listed.toSorted()).toEqual([...started, rated.id].toSorted())
    const times = [...first.body.items, ...second.body.items].map((c: any) => c.createdAt)
    expect(times).toEqual(times.toSorted((x: number, y: number) => y - x))
    const resolvedList = await get(s, admin, 'conversations', { ...RANGE, metric: 'resolved' })
    expect(resolvedList.body.items).toMatchObject([{ id: rated.id, ratingScore: 2 }])
    const ratedList = await get(s, admin, 'conversations', { ...RANGE, metric: 'rated' })
    expect(ratedList.body.items).toMatchObject([{ id: rated.id, ratingScore: 2 }])
    // The queue wait's conversations: those first given to an operator in the range.
    const waited = (await get(s, admin, 'report', RANGE)).body.totals.queueWait.count
    const assignedList = await get(s, admin, 'conversations', {
      ...RANGE,
      metric: 'first_assigned',
    })
    expect(assignedList.status).toBe(200)
    expect(waited).toBeGreaterThan(0)
    expect(waited).toBe(56)
    expect(assignedList.body.items).toHaveLength(50)
    expect(assignedList.body.items.map((c: any) => c.id)).toContain(rated.id)
    const assignedRest = await get(s, admin, 'conversations', {
      ...RANGE,
      metric: 'first_assigned',
      cursor: assignedList.body.next,
    })
    expect(assignedRest.body.items).toHaveLength(6)
    const unanswered = await get(s, admin, 'conversations', { ...RANGE, metric: 'unanswered' })
    const rest = await get(s, admin, 'conversations', {
      ...RANGE,
      metric: 'unanswered',
      cursor: unanswered.body.next,
    })
    const never = [...unanswered.body.items, ...rest.body.items].map((c: any) => c.id)
    expect(never.toSorted()).toEqual(started.toSorted())

    const comments = await get(s, admin, 'comments')
    expect(comments.body).toMatchObject([{ conversationId: rated.id, score: 2, comment }])

    const csv = await s.http(`/api/analytics/export?${query({ ...RANGE, table: 'comments' })}`, {
      token: admin,
    })
    expect(csv.status).toBe(200)
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8')
    expect(csv.headers.get('content-disposition')).toContain('parley-analytics-comments.csv')
    const lines = String(csv.body).split('\r\n')
    expect(lines[0]).toBe('conversation,scale,score,comment,at,operator')
    // The formula is quoted away and its quotes doubled.
    expect(lines[1]).toContain(`"'=HYPERLINK(""http://evil.example"",""click""), ""quoted"""`)
    const operators = await s.http(
      `/api/analytics/export?${query({ ...RANGE, table: 'operators' })}`,
      { token: admin },
    )
    expect(String(operators.body).split('\r\n')[0]).toStartWith('key,name,conversations,assigned')
    expect(String(operators.body)).toContain(a.id)

    // The visitor erased: the rating counts, its comment is gone.
    const visitorId = (await s.http(`/api/conversations/${rated.id}`, { token: admin })).body
      .conversation.visitorId
    const erased = await s.http(`/api/admin/visitors/${visitorId}/erase`, {
      method: 'POST',
      token: admin,
    })
    expect(erased.status).toBe(200)
    await s.analytics.catchUp()
    expect((await get(s, admin, 'comments')).body).toEqual([])
    const after = await get(s, admin, 'report')
    expect(after.body.totals.ratings.rated).toBe(1)
  })

  test('analytics - two projectors racing over the same log count every event once', async () => {
    const clock = new FakeClock(START)
    const s = await u.server({ clock, env: { ANALYTICS_EVERY_MS: '0' } })
    const a = await signIn(u, s)
    const ids: string[] = []
    for (let i = 0; i < 30; i++) {
      const c = await httpStart(s, undefined, `race ${i}`)
      ids.push(c.id)
      await httpSend(s, a.token, c.id, `a-${i}`, 'hi')
      await httpSend(s, c.token, c.id, `v-${i}`, 'thanks')
    }
    const racers = [0, 1, 2].map(
      () => new AnalyticsProjector({ store: s.store, log: silentLogger }),
    )
    await Promise.all([...racers.map((r) => r.catchUp()), s.analytics.catchUp()])
    // More messages while they race again.
    for (const id of ids.slice(0, 10)) await httpSend(s, a.token, id, `b-${id}`, 'more')
    await Promise.all([...racers.map((r) => r.catchUp()), s.analytics.catchUp()])
    const report = (await get(s, await s.adminToken(), 'report')).body
    expect(report.totals).toMatchObject({
      conversations: 30,
      visitorMessages: 60,
      operatorMessages: 40,
      firstResponse: { count: 30 },
    })
    expect(await s.store.analytics.oldestMark()).toBeNull()
  })
})

describe('analytics - labels (issue 20)', () => {
  test('analytics labels - conversations created in the range, by the labels they carry now, in scope; typed errors', async () => {
    const clock = new FakeClock(START)
    const s = await u.server({ clock, env: { ANALYTICS_EVERY_MS: '0' } })
    const admin = await s.adminToken()
    const inboxId = await s.defaultInboxId()
    const agent = await s.operator({ inboxIds: [inboxId] })
    const made = async (name: string) =>
      (
        await s.http(`/api/admin/inboxes/${inboxId}/labels`, {
          token: admin,
          body: { name, color: '#225588' },
        })
      ).body.label.id as string
    const [refund, vip, unused] = [await made('Refund'), await made('VIP'), await made('Unused')]
    const ids: string[] = []
    for (let i = 0; i < 5; i++) ids.push((await httpStart(s, undefined, `hello ${i}`)).id)
    const tag = async (id: string, add: string[]) => {
      const res = await s.http(`/api/conversations/${id}/labels`, {
        token: agent.token,
        body: { add },
      })
      expect(res.status).toBe(200)
    }
    await tag(ids[0]!, [refund, vip])
    await tag(ids[1]!, [refund])
    await tag(ids[2]!, [vip])
    await s.analytics.catchUp()

    const res = await get(s, admin, 'labels')
    expect(res.status).toBe(200)
    expect(res.body).toEqual({
      conversations: 5,
      unlabelled: 2,
      labels: [
        { id: refund, inboxId, name: 'Refund', color: '#225588', conversations: 2 },
        { id: vip, inboxId, name: 'VIP', color: '#225588', conversations: 2 },
        { id: unused, inboxId, name: 'Unused', color: '#225588', conversations: 0 },
      ],
    })
    // A range before they were created counts none of them.
    const before = await get(s, admin, 'labels', {
      ...RANGE,
      from: START - 2 * HOUR,
      to: START - HOUR,
    })
    expect(before.body).toMatchObject({ conversations: 0, unlabelled: 0 })
    expect(before.body.labels.map((l: { conversations: number }) => l.conversations)).toEqual([
      0, 0, 0,
    ])
    // Operators may not read it; a bad range is a typed error.
    expect((await get(s, agent.token, 'labels')).status).toBe(403)
    const bad = await get(s, admin, 'labels', { ...RANGE, to: RANGE.from })
    expect(bad.status).toBe(422)
  })
})

describe('analytics - attributes (issue 20)', () => {
  test('analytics attributes - the range’s conversations by the value each list or checkbox attribute holds now, in scope', async () => {
    const clock = new FakeClock(START)
    const s = await u.server({ clock, env: { ANALYTICS_EVERY_MS: '0' } })
    const admin = await s.adminToken()
    const inboxId = await s.defaultInboxId()
    const agent = await s.operator({ inboxIds: [inboxId] })
    const define = async (body: Record<string, unknown>) => {
      const res = await s.http(`/api/admin/inboxes/${inboxId}/attributes`, { token: admin, body })
      expect(res.status).toBe(201)
      return res.body.attribute.id as string
    }
    const plan = await define({
      scope: 'conversation',
      key: 'plan',
      name: 'Plan',
      type: 'list',
      options: ['free', 'pro', 'team'],
    })
    const vip = await define({ scope: 'conversation', key: 'vip', name: 'VIP', type: 'checkbox' })
    // Neither counted: free text, and a visitor attribute.
    await define({ scope: 'conversation', key: 'note', name: 'Note', type: 'text' })
    await define({ scope: 'visitor', key: 'tier', name: 'Tier', type: 'list', options: ['a'] })
    const ids: string[] = []
    for (let i = 0; i < 4; i++) ids.push((await httpStart(s, undefined, `hello ${i}`)).id)
    const set = async (id: string, attributes: Record<string, unknown>) => {
      const res = await s.http(`/api/conversations/${id}/attributes`, {
        token: agent.token,
        method: 'PATCH',
        body: { attributes },
      })
      expect(res.status).toBe(200)
    }
    await set(ids[0]!, { plan: 'pro', vip: true })
    await set(ids[1]!, { plan: 'pro', vip: false })
    await set(ids[2]!, { plan: 'free' })
    await s.analytics.catchUp()

    const res = await get(s, admin, 'attributes')
    expect(res.status).toBe(200)
    expect(res.body).toEqual({
      conversations: 4,
      attributes: [
        {
          id: plan,
          inboxId,
          key: 'plan',
          name: 'Plan',
          type: 'list',
          values: [
            { value: 'pro', conversations: 2 },
            { value: 'free', conversations: 1 },
            { value: 'team', conversations: 0 },
          ],
          unset: 1,
        },
        {
          id: vip,
          inboxId,
          key: 'vip',
          name: 'VIP',
          type: 'checkbox',
          values: [
            { value: true, conversations: 1 },
            { value: false, conversations: 1 },
          ],
          unset: 2,
        },
      ],
    })
    expect((await get(s, agent.token, 'attributes')).status).toBe(403)
    expect((await get(s, admin, 'attributes', { ...RANGE, to: RANGE.from })).status).toBe(422)
  })
})

describe('analytics - SLA (issue 20)', () => {
  test('analytics sla - the range’s conversations under an SLA, those that breached it, breaches by kind and by policy', async () => {
    const clock = new FakeClock(START)
    const s = await u.server({ clock, env: { ANALYTICS_EVERY_MS: '0' } })
    const admin = await s.adminToken()
    const inboxId = await s.defaultInboxId()
    const agent = await s.operator({ inboxIds: [inboxId] })
    const policy = async (body: Record<string, unknown>) => {
      const res = await s.http(`/api/admin/inboxes/${inboxId}/sla-policies`, { token: admin, body })
      expect(res.status).toBe(201)
      return res.body.policy.id as string
    }
    const fast = await policy({ name: 'Fast', firstResponseMinutes: 5, resolutionMinutes: 10 })
    const slow = await policy({ name: 'Slow', firstResponseMinutes: 600 })
    const ids: string[] = []
    for (let i = 0; i < 4; i++) ids.push((await httpStart(s, undefined, `hello ${i}`)).id)
    const apply = async (id: string, policyId: string) => {
      const res = await s.http(`/api/conversations/${id}/sla`, {
        token: agent.token,
        method: 'PUT',
        body: { policyId },
      })
      expect(res.status).toBe(200)
    }
    await apply(ids[0]!, fast)
    await apply(ids[1]!, fast)
    await apply(ids[2]!, slow)
    // The second is answered in time; the first is not, nor resolved.
    const reply = await s.http(`/api/conversations/${ids[1]}/messages`, {
      token: agent.token,
      body: { clientMsgId: 'r1', text: 'on it' },
    })
    expect(reply.status).toBe(201)
    await clock.advance(15 * 60_000)
    const slaEvents = async (id: string) =>
      (await s.store.conversations.eventsAfter(id, 0, 100)).filter(
        (e) => e.name === 'conversation.sla',
      ).length
    // Each timer re-armed after a breach's commit is due at once: it fires on the next
    // advance, which may come only after that commit, so each poll advances the clock.
    await waitUntil('every breach is recorded', async () => {
      await clock.advance(0)
      return (await slaEvents(ids[0]!)) === 3 && (await slaEvents(ids[1]!)) === 2
    })
    await s.analytics.catchUp()
    const res = await get(s, admin, 'sla')
    expect(res.status).toBe(200)
    expect(res.body).toEqual({
      conversations: 4,
      withSla: 3,
      breached: 2,
      breaches: { first_response: 1, next_response: 0, resolution: 2 },
      policies: [
        { policyId: fast, name: 'Fast', conversations: 2, breached: 2 },
        { policyId: slow, name: 'Slow', conversations: 1, breached: 0 },
      ],
    })
    expect((await get(s, agent.token, 'sla')).status).toBe(403)
  })
})
