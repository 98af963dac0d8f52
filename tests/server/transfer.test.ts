/**
 * Transfer through the real server (R4): to a colleague (at once when available, else into
 * their branch's queue), to the first free operator of a branch, with a note only the receiver
 * sees; one `conversation.assigned` event (reason `transfer`) each; the receiver's escalation
 * deadline starts anew; who may transfer what, and refusals that change nothing.
 */
import { describe, expect, test } from 'bun:test'
import { FakeClock } from '../../actors/index.ts'
import { useServers } from '../helpers/lifecycle.ts'
import { MINUTE, nextFeed, Observer, openTab, signIn } from '../helpers/routing.ts'
import type { TestServer } from '../helpers/server.ts'
import { httpStart } from '../helpers/http.ts'

const u = useServers()

async function admin(s: TestServer, path: string, method: string, body?: unknown) {
  return s.http(path, { method, body, token: await s.adminToken() })
}

async function branch(s: TestServer, name: string, operatorIds: string[]) {
  const res = await admin(s, `/api/admin/inboxes/${await s.defaultInboxId()}/branches`, 'POST', {
    name,
    operatorIds,
  })
  expect(res.status).toBe(201)
  return res.body.id as string
}

const transferEvents = (log: any[]) =>
  log.filter((e) => e.name === 'conversation.assigned' && e.data.reason === 'transfer')

describe('transfer (R4)', () => {
  test('transfer - to an available colleague with a note: theirs at once, only they see the note', async () => {
    const clock = new FakeClock()
    const s = await u.server({ clock })
    const obs = await Observer.create(u, s)
    const a = await signIn(u, s)
    const conv = await httpStart(s, undefined, 'help')
    await obs.assigned(conv.id, a.id)
    const b = await signIn(u, s)

    const moved = await a.tab.ok({
      type: 'transfer',
      conversationId: conv.id,
      to: { operatorId: b.id },
      note: 'VIP customer, billing question',
    })
    expect(moved).toMatchObject({ assigneeId: b.id, escalationAt: clock.now() + 4 * MINUTE })
    const alert = await nextFeed(b.tab, 'alert', 0, (d) => d.conversationId === conv.id)
    expect(alert.data).toMatchObject({
      kind: 'assigned_to_you',
      reason: 'transfer',
      note: 'VIP customer, billing question',
      by: { kind: 'operator', id: a.id },
    })
    // Their own action: a's feed reports the change, but no alert.
    await nextFeed(
      a.tab,
      'conversation',
      0,
      (d) => d.change === 'assigned' && d.conversation.assigneeId === b.id,
    )
    expect(a.tab.frames.filter((f) => f.name === 'alert' && f.data.reason === 'transfer')).toEqual(
      [],
    )
    const [event] = transferEvents(await obs.log(conv.id))
    expect(event.data).toEqual({
      assigneeId: b.id,
      previousAssigneeId: a.id,
      reason: 'transfer',
      by: { kind: 'operator', id: a.id },
    })
    // The note is nowhere in the thread the visitor replays.
    expect(JSON.stringify(await obs.log(conv.id))).not.toContain('VIP customer')

    // The receiver's deadline runs: unopened for 4 minutes, it moves on (back to a).
    await clock.advance(4 * MINUTE)
    await obs.assigned(conv.id, a.id, 'escalation')
  })

  test('transfer - to a branch: its first free operator gets it, and the conversation is in that branch now', async () => {
    const s = await u.server()
    const obs = await Observer.create(u, s)
    const a = await signIn(u, s)
    const conv = await httpStart(s, undefined, 'help')
    await obs.assigned(conv.id, a.id)
    const x = await s.operator()
    const billing = await branch(s, 'Billing', [x.id])
    await openTab(u, s, x.token)

    const moved = await a.tab.ok({
      type: 'transfer',
      conversationId: conv.id,
      to: { branchId: billing },
    })
    expect(moved).toMatchObject({ assigneeId: x.id, branchId: billing })
    const [event] = transferEvents(await obs.log(conv.id))
    expect(event.data).toMatchObject({ assigneeId: x.id, branchId: billing, reason: 'transfer' })
  })

  test('transfer - to a colleague who is away: it waits in their branch, for whoever there is free', async () => {
    const s = await u.server()
    const obs = await Observer.create(u, s)
    const a = await signIn(u, s)
    const conv = await httpStart(s, undefined, 'help')
    await obs.assigned(conv.id, a.id)
    const y = await s.operator()
    const z = await s.operator()
    const night = await branch(s, 'Night', [y.id, z.id])
    const yTab = await openTab(u, s, y.token)
    await yTab.tab.ok({ type: 'set_operator_status', status: 'away' })

    const moved = await a.tab.ok({
      type: 'transfer',
      conversationId: conv.id,
      to: { operatorId: y.id },
    })
    expect(moved).toMatchObject({ assigneeId: null, branchId: night })
    expect(await obs.assigneeNow(conv.id)).toBeNull()
    // Z of the same branch comes online: routed to Z, not back to a.
    await openTab(u, s, z.token)
    await obs.assigned(conv.id, z.id, 'auto')
  })

  test('transfer - the team: branches open now, operators with status, availability and load', async () => {
    const s = await u.server()
    const inboxId = await s.defaultInboxId()
    const obs = await Observer.create(u, s)
    const a = await signIn(u, s)
    const conv = await httpStart(s, undefined, 'help')
    await obs.assigned(conv.id, a.id)
    const y = await s.operator()
    const night = await branch(s, 'Night', [y.id])
    const team = await s.http(`/api/inboxes/${inboxId}/team`, { token: a.token })
    expect(team.status).toBe(200)
    expect(team.body.branches).toEqual(
      expect.arrayContaining([
        { id: inboxId, name: 'Main', isDefault: true, withinHours: true },
        { id: night, name: 'Night', isDefault: false, withinHours: true },
      ]),
    )
    const byId = new Map(team.body.operators.map((o: any) => [o.id, o]))
    expect(byId.get(a.id)).toMatchObject({
      status: 'online',
      present: true,
      available: true,
      open: 1,
      branchIds: [inboxId],
    })
    expect(byId.get(y.id)).toMatchObject({ present: false, available: false, branchIds: [night] })

    const outsider = await s.operator({ inboxIds: [] })
    expect((await s.http(`/api/inboxes/${inboxId}/team`, { token: outsider.token })).status).toBe(
      403,
    )
    expect((await s.http(`/api/inboxes/${inboxId}/team`, { token: conv.token })).status).toBe(403)
    const sup = await s.operator({ role: 'supervisor', inboxIds: [] })
    expect((await s.http(`/api/inboxes/${inboxId}/team`, { token: sup.token })).status).toBe(200)
  })

  test('transfer - who may transfer what; bad targets are refused and change nothing', async () => {
    const s = await u.server()
    const obs = await Observer.create(u, s)
    const a = await signIn(u, s)
    const conv = await httpStart(s, undefined, 'help')
    await obs.assigned(conv.id, a.id)
    const b = await signIn(u, s)
    const refusals: Array<[any, any, string]> = [
      // A colleague's conversation: only its assignee or a supervisor moves it.
      [b.tab, { to: { operatorId: b.id } }, 'forbidden'],
      [a.tab, { to: { operatorId: 'no-such-operator' } }, 'validation_failed'],
      [a.tab, { to: { branchId: 'no-such-branch' } }, 'validation_failed'],
      [a.tab, { to: { operatorId: a.id } }, 'conflict'],
      [a.tab, { to: { operatorId: b.id }, note: 'x'.repeat(501) }, 'validation_failed'],
      [a.tab, { to: {} }, 'validation_failed'],
    ]
    for (const [tab, frame, code] of refusals) {
      const reply = await tab.request({ type: 'transfer', conversationId: conv.id, ...frame })
      expect(reply).toMatchObject({ type: 'error', code })
    }
    // An operator outside the inbox, and a deactivated one, cannot receive it.
    const outsider = await s.operator({ inboxIds: [] })
    const gone = await s.operator({ inboxIds: [await s.defaultInboxId()] })
    await admin(s, `/api/admin/operators/${gone.id}`, 'PATCH', { active: false })
    for (const operatorId of [outsider.id, gone.id]) {
      const reply = await a.tab.request({
        type: 'transfer',
        conversationId: conv.id,
        to: { operatorId },
      })
      expect(reply).toMatchObject({ type: 'error', code: 'validation_failed' })
    }
    expect(await obs.assigneeNow(conv.id)).toBe(a.id)
    expect(transferEvents(await obs.log(conv.id))).toEqual([])

    // A supervisor moves anyone's; HTTP answers the same as the socket.
    const sup = await s.operator({ role: 'supervisor', inboxIds: [] })
    const http = await s.http(`/api/conversations/${conv.id}/transfer`, {
      token: sup.token,
      body: { to: { operatorId: b.id }, note: 'over to you' },
    })
    expect(http.status).toBe(200)
    expect(http.body.conversation.assigneeId).toBe(b.id)
    // A resolved conversation is not transferred.
    await b.tab.ok({ type: 'set_status', conversationId: conv.id, status: 'resolved' })
    const closed = await b.tab.request({
      type: 'transfer',
      conversationId: conv.id,
      to: { operatorId: a.id },
    })
    expect(closed).toMatchObject({ type: 'error', code: 'conflict' })
  })
})
