/**
 * Manual assignment through the real server (R4 ground): "assign to me", transfer, release,
 * who may do which, and concurrent requests that must never give one conversation to two
 * operators. Every change is one `conversation.assigned` event in the conversation's log.
 */
import { describe, expect, test } from 'bun:test'
import { useServers } from '../helpers/lifecycle.ts'
import {
  member,
  nextFeed,
  Observer,
  openTab,
  signIn,
  signInMany,
  visitorStarts,
} from '../helpers/routing.ts'
import type { TestServer } from '../helpers/server.ts'
import type { Frame } from '../helpers/ws.ts'

const u = useServers()

/** A conversation that waits unassigned: every member present is away. */
async function waitingConversation(s: TestServer, obs: Observer) {
  const conv = await visitorStarts(s)
  expect(await obs.assigneeNow(conv.id)).toBeNull()
  return conv
}

const assignedEvents = (log: Frame[]) => log.filter((e) => e.name === 'conversation.assigned')

describe('manual assignment (R4 ground)', () => {
  test('assign - "assign to me" takes an unassigned conversation, with no escalation deadline', async () => {
    const s = await u.server()
    const obs = await Observer.create(u, s)
    const a = await signIn(u, s)
    await a.tab.ok({ type: 'set_operator_status', status: 'away' })
    const conv = await waitingConversation(s, obs)

    const taken = await a.tab.ok({ type: 'assign', conversationId: conv.id, operatorId: a.id })
    expect(taken).toMatchObject({ id: conv.id, assigneeId: a.id, escalationAt: null })
    const [event] = assignedEvents(await obs.log(conv.id))
    expect(event!.data).toEqual({
      assigneeId: a.id,
      previousAssigneeId: null,
      reason: 'manual',
      by: { kind: 'operator', id: a.id },
    })
    // Own action: the feed reports the change, but no alert.
    await nextFeed(a.tab, 'conversation', 0, (d) => d.change === 'assigned')
    expect(a.tab.frames.filter((f) => f.name === 'alert')).toEqual([])
  })

  test("assign - an operator cannot take a colleague's conversation (conflict), a supervisor can", async () => {
    const s = await u.server()
    const obs = await Observer.create(u, s)
    const a = await signIn(u, s)
    const conv = await visitorStarts(s)
    await obs.assigned(conv.id, a.id)
    const b = await signIn(u, s)

    const refused = await b.tab.request({
      type: 'assign',
      conversationId: conv.id,
      operatorId: b.id,
    })
    expect(refused).toMatchObject({ type: 'error', code: 'conflict' })
    const http = await s.http(`/api/conversations/${conv.id}/assign`, {
      token: b.token,
      body: { operatorId: b.id },
    })
    expect(http.status).toBe(409)
    // Nor release it or pass it to a third colleague: that is for the assignee or a supervisor.
    const c = await member(s)
    for (const operatorId of [null, c.id]) {
      const other = await b.tab.request({ type: 'assign', conversationId: conv.id, operatorId })
      expect(other).toMatchObject({ type: 'error', code: 'forbidden' })
    }
    expect((await obs.conversation(conv.id)).assigneeId).toBe(a.id)

    const supervisor = await s.operator({ role: 'supervisor', inboxIds: [] })
    const taken = await s.http(`/api/conversations/${conv.id}/assign`, {
      token: supervisor.token,
      body: { operatorId: supervisor.id },
    })
    expect(taken.status).toBe(200)
    expect(taken.body.conversation).toMatchObject({ assigneeId: supervisor.id, escalationAt: null })
    const away = await nextFeed(a.tab, 'alert', 0, (d) => d.kind === 'reassigned_away')
    expect(away.data).toMatchObject({
      reason: 'manual',
      assigneeId: supervisor.id,
      previousAssigneeId: a.id,
    })
  })

  test('assign - non-members, operators without chat permission and visitors are forbidden', async () => {
    const s = await u.server()
    const obs = await Observer.create(u, s)
    const conv = await visitorStarts(s)
    const outsider = await s.operator({ inboxIds: [] })
    const viewer = await member(s, { role: 'supervisor', canChat: false })
    // An operator outside the inbox does not even see the conversation (O6: scoped access);
    // a supervisor who sees it but may not chat may not take it.
    for (const [op, code] of [
      [outsider, 'not_found'],
      [viewer, 'forbidden'],
    ] as const) {
      const tab = await u.client(s, op.token)
      const reply = await tab.request({
        type: 'assign',
        conversationId: conv.id,
        operatorId: op.id,
      })
      expect(reply).toMatchObject({ type: 'error', code })
    }
    const visitor = await u.client(s, conv.token)
    const reply = await visitor.request({
      type: 'assign',
      conversationId: conv.id,
      operatorId: null,
    })
    expect(reply).toMatchObject({ type: 'error', code: 'forbidden' })
    const http = await s.http(`/api/conversations/${conv.id}/assign`, {
      token: conv.token,
      body: { operatorId: null },
    })
    expect(http.status).toBe(403)
    expect(assignedEvents(await obs.log(conv.id))).toEqual([])
  })

  test('assign - a transfer must target a member who may chat; only open conversations move', async () => {
    const s = await u.server()
    const obs = await Observer.create(u, s)
    const a = await signIn(u, s)
    const conv = await visitorStarts(s)
    await obs.assigned(conv.id, a.id)
    const outsider = await s.operator({ inboxIds: [] })
    const viewer = await member(s, { role: 'supervisor', canChat: false })
    for (const target of [outsider.id, viewer.id, 'no-such-operator']) {
      const reply = await a.tab.request({
        type: 'assign',
        conversationId: conv.id,
        operatorId: target,
      })
      expect(reply).toMatchObject({ type: 'error', code: 'validation_failed' })
    }
    await a.tab.ok({ type: 'set_status', conversationId: conv.id, status: 'resolved' })
    const closed = await a.tab.request({
      type: 'assign',
      conversationId: conv.id,
      operatorId: a.id,
    })
    expect(closed).toMatchObject({ type: 'error', code: 'conflict' })
    expect(assignedEvents(await obs.log(conv.id))).toHaveLength(1)
  })

  test('assign - the assignee releases it: it is routed to someone else, never back to them', async () => {
    const s = await u.server()
    const obs = await Observer.create(u, s)
    const [a, b] = await signInMany(u, s, 2)
    const conv = await visitorStarts(s)
    const first = await obs.routed(conv.id)
    const [owner, other] = first === a!.id ? [a!, b!] : [b!, a!]

    const released = await owner.tab.ok({
      type: 'assign',
      conversationId: conv.id,
      operatorId: null,
    })
    expect(released).toMatchObject({ assigneeId: null, escalationAt: null })
    const rerouted = await obs.assigned(conv.id, other.id)
    expect(rerouted.data).toMatchObject({ reason: 'auto', previousAssigneeId: null })
    const log = assignedEvents(await obs.log(conv.id)).map((e) => [
      e.data.assigneeId,
      e.data.reason,
    ])
    expect(log).toEqual([
      [owner.id, 'auto'],
      [null, 'released'],
      [other.id, 'auto'],
    ])
  })
})

describe('concurrent assignment (R3)', () => {
  test('assign - ten operators taking one conversation at once: exactly one gets it, once', async () => {
    const s = await u.server()
    const obs = await Observer.create(u, s)
    const desks = await signInMany(u, s, 10)
    for (const d of desks) await d.tab.ok({ type: 'set_operator_status', status: 'away' })
    const conv = await waitingConversation(s, obs)

    const replies = await Promise.all(
      desks.map((d) =>
        d.tab.request({ type: 'assign', conversationId: conv.id, operatorId: d.id }),
      ),
    )
    const winners = desks.filter((_, i) => replies[i]!.type === 'ack')
    expect(winners).toHaveLength(1)
    const losers = replies.filter((r) => r.type === 'error')
    expect(losers.map((r) => r.code)).toEqual(Array(9).fill('conflict'))

    const winner = winners[0]!.id
    expect((await obs.conversation(conv.id)).assigneeId).toBe(winner)
    const events = assignedEvents(await obs.log(conv.id))
    expect(events.map((e) => e.data)).toEqual([
      {
        assigneeId: winner,
        previousAssigneeId: null,
        reason: 'manual',
        by: { kind: 'operator', id: winner },
      },
    ])
  }, 20_000) // ten operators to create and sign in

  test('assign - "assign to me" racing routing as an operator comes online never gives it to two', async () => {
    const s = await u.server()
    const obs = await Observer.create(u, s)
    const taker = await signIn(u, s)
    await taker.tab.ok({ type: 'set_operator_status', status: 'away' })
    const arriving = await member(s)
    const conv = await waitingConversation(s, obs)

    const [reply] = await Promise.all([
      taker.tab.request({ type: 'assign', conversationId: conv.id, operatorId: taker.id }),
      openTab(u, s, arriving.token),
    ])
    await obs.settled(conv.id)
    const final = (await obs.conversation(conv.id)).assigneeId
    expect(final === taker.id || final === arriving.id).toBe(true)
    expect(reply.type === 'ack').toBe(final === taker.id)
    const events = assignedEvents(await obs.log(conv.id))
    expect(events.map((e) => e.data.assigneeId)).toEqual([final])
  })
})
