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
import { metric } from '../helpers/server.ts'

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
})
