/**
 * Retention of conversations (issue 18, S7) with the fake clock, on SQLite or Postgres: an
 * inbox's resolved conversations idle for `closeResolvedAfterDays` are closed by the system
 * (an event every reader sees, "Closed automatically"); one with activity since, an open one,
 * another inbox's (setting 0) and one reopened before the round stay as they are. A round
 * after a restart finishes what a killed one left. Bad settings are typed errors.
 */
import { describe, expect, test } from 'bun:test'
import { FakeClock } from '../../actors/index.ts'
import { httpStart } from '../helpers/http.ts'
import { useServers } from '../helpers/lifecycle.ts'
import { metric, rawEventLog } from '../helpers/server.ts'

const DAY = 86_400_000
const { server, restart } = useServers()

describe('retention: closing resolved conversations', () => {
  test('retention - resolved and idle for N days: closed by the system; anything else stays', async () => {
    const clock = new FakeClock(Date.parse('2026-03-01T10:00:00Z'))
    // Operator sessions last the whole test (the clock moves six days).
    const env = { RETENTION_SWEEP_MS: '0', OPERATOR_SESSION_TTL: String(7 * 86400) }
    let s = await server({ clock, env })
    const admin = await s.adminToken()
    const inboxId = await s.defaultInboxId()
    const patch = (settings: object) =>
      s.http(`/api/admin/inboxes/${inboxId}`, { method: 'PATCH', token: admin, body: { settings } })
    for (const bad of [-1, 3651, 1.5, '3']) {
      const res = await patch({ closeResolvedAfterDays: bad })
      expect({ bad, status: res.status }).toEqual({ bad, status: 422 })
    }
    expect((await patch({ closeResolvedAfterDays: 3 })).status).toBe(200)
    const op = await s.operator({ inboxIds: [inboxId] })
    const status = (id: string, to: string) =>
      s.http(`/api/conversations/${id}/status`, { token: op.token, body: { status: to } })
    const idle = await httpStart(s, undefined, 'resolved and then quiet')
    const busy = await httpStart(s, undefined, 'resolved but the visitor writes again')
    const open = await httpStart(s, undefined, 'still open')
    const reopened = await httpStart(s, undefined, 'resolved, reopened later')
    for (const c of [idle, busy, reopened])
      expect((await status(c.id, 'resolved')).status).toBe(200)

    await clock.advance(2 * DAY)
    expect((await s.runRetention()).closed).toBe(0)
    // Activity on one, a reopen of another, before the third day is over.
    const note = await s.http(`/api/conversations/${busy.id}/notes`, {
      token: op.token,
      body: { text: 'waiting for the courier', clientMsgId: 'n1' },
    })
    expect(note.status).toBe(201)
    expect((await status(reopened.id, 'open')).status).toBe(200)
    await clock.advance(1 * DAY + 1000)
    // A restart in between: the round on the new server does the work.
    s = await restart(s, { clock, env })
    const report = await s.runRetention()
    expect(report.closed).toBe(1)
    const view = async (id: string) =>
      (await s.http(`/api/conversations/${id}`, { token: op.token })).body.conversation.status
    expect(await view(idle.id)).toBe('closed')
    expect(await view(busy.id)).toBe('resolved')
    expect(await view(open.id)).toBe('open')
    expect(await view(reopened.id)).toBe('open')
    // Closed by the system, in the log every reader replays.
    const events = await s.store.conversations.eventsAfter(idle.id, 0, 100)
    expect(events.at(-1)).toMatchObject({
      name: 'conversation.status',
      data: { status: 'closed', by: { kind: 'system' } },
    })
    // Nothing more to do: a second round closes nothing.
    expect((await s.runRetention()).closed).toBe(0)
    // The busy one goes after its own three quiet days.
    await clock.advance(3 * DAY)
    expect((await s.runRetention()).closed).toBe(1)
    expect(await view(busy.id)).toBe('closed')
    expect(await metric(s, 'parley_retention_total{kind="conversation_closed"}')).toBe(2)
  })

  test('retention - 0 (the default) never closes anything', async () => {
    const clock = new FakeClock(Date.parse('2026-03-01T10:00:00Z'))
    const s = await server({ clock, env: { RETENTION_SWEEP_MS: '0' } })
    const inboxId = await s.defaultInboxId()
    const op = await s.operator({ inboxIds: [inboxId] })
    const c = await httpStart(s, undefined, 'resolved long ago')
    await s.http(`/api/conversations/${c.id}/status`, {
      token: op.token,
      body: { status: 'resolved' },
    })
    await clock.advance(40 * DAY)
    expect((await s.runRetention()).closed).toBe(0)
  })

  test('retention - closed and unchanged for M days: content erased by the system; a visitor with nothing left is erased too', async () => {
    const clock = new FakeClock(Date.parse('2026-03-01T10:00:00Z'))
    const env = { RETENTION_SWEEP_MS: '0', OPERATOR_SESSION_TTL: String(7 * 86400) }
    const s = await server({ clock, env })
    const admin = await s.adminToken()
    const inboxId = await s.defaultInboxId()
    const patch = (settings: object) =>
      s.http(`/api/admin/inboxes/${inboxId}`, { method: 'PATCH', token: admin, body: { settings } })
    for (const bad of [-1, 3651, 0.5, null]) {
      const res = await patch({ eraseClosedAfterDays: bad })
      expect({ bad, status: res.status }).toEqual({ bad, status: 422 })
    }
    expect((await patch({ eraseClosedAfterDays: 1 })).status).toBe(200)
    const op = await s.operator({ inboxIds: [inboxId] })
    const close = async (id: string) =>
      expect(
        (
          await s.http(`/api/conversations/${id}/status`, {
            token: op.token,
            body: { status: 'closed' },
          })
        ).status,
      ).toBe(200)
    // One visitor with one conversation, closed; another with a closed one and an open one.
    const alone = await httpStart(s, undefined, 'old news brambleworth')
    await s.http('/api/visitor/profile', {
      method: 'PATCH',
      token: alone.token,
      body: { name: 'Old Visitor', email: 'old@example.com' },
    })
    await close(alone.id)
    const twice = await httpStart(s, undefined, 'closed long ago quintarel')
    await close(twice.id)
    const still = await httpStart(s, twice.token, 'still talking')
    await clock.advance(DAY / 2)
    const recent = await httpStart(s, undefined, 'closed only lately')
    await close(recent.id)
    await clock.advance(DAY / 2 + 60_000)

    const report = await s.runRetention()
    expect({ erased: report.erased, visitors: report.visitorsErased }).toEqual({
      erased: 2,
      visitors: 1,
    })
    const conversation = async (id: string) =>
      (await s.http(`/api/conversations/${id}`, { token: op.token })).body.conversation
    for (const id of [alone.id, twice.id]) {
      expect((await conversation(id)).erasedAt).toBeNumber()
      const history = await s.http(`/api/conversations/${id}/messages`, { token: op.token })
      expect(history.body.messages.map((m: { text: string }) => m.text)).toEqual([''])
      const events = await s.store.conversations.eventsAfter(id, 0, 100)
      expect(events.at(-1)).toMatchObject({
        name: 'conversation.erased',
        data: { by: { kind: 'system', id: 'retention' } },
      })
    }
    expect((await conversation(recent.id)).erasedAt).toBeUndefined()
    expect((await conversation(still.id)).erasedAt).toBeUndefined()
    // The visitor with nothing left is erased (signed out); the other stays as they were.
    const profile = await s.store.visitors.getById((await conversation(alone.id)).visitorId)
    expect(profile).toMatchObject({ name: null, email: null, erasedAt: expect.any(Number) })
    const kept = await s.store.visitors.getById((await conversation(twice.id)).visitorId)
    expect(kept?.erasedAt ?? null).toBeNull()
    const rows = JSON.stringify(await rawEventLog(s))
    expect(rows).not.toContain('brambleworth')
    expect(rows).not.toContain('quintarel')
    expect(rows).toContain('closed only lately')
    // Nothing more to do; counted in /metrics.
    expect((await s.runRetention()).erased).toBe(0)
    expect(await metric(s, 'parley_retention_total{kind="conversation_erased"}')).toBe(2)
    expect(await metric(s, 'parley_retention_total{kind="visitor_erased"}')).toBe(1)
  })
})
