/**
 * Escalation through the real server (R3), on a FakeClock: an assignment the assignee has not
 * opened within the inbox's escalation period moves to the next available operator, both are
 * told; the first open stops it for good; the stored deadline survives a restart.
 */
import { describe, expect, test } from 'bun:test'
import { FakeClock } from '../../actors/index.ts'
import { useServers } from '../helpers/lifecycle.ts'
import {
  feedFrames,
  member,
  MINUTE,
  nextFeed,
  Observer,
  openTab,
  SECOND,
  signIn,
  visitorStarts,
  type Desk,
} from '../helpers/routing.ts'
import type { TestServer } from '../helpers/server.ts'

const u = useServers()

/** A conversation routed to a (the only one online), then b signs in too. */
async function assignedToA(s: TestServer) {
  const obs = await Observer.create(u, s)
  const a = await signIn(u, s)
  const conv = await visitorStarts(s)
  await obs.assigned(conv.id, a.id)
  const b = await signIn(u, s)
  return { obs, a, b, conv }
}

function alert(desk: Desk, kind: string, conversationId: string) {
  return nextFeed(
    desk.tab,
    'alert',
    0,
    (d) => d.kind === kind && d.conversationId === conversationId,
  )
}

describe('escalation (R3)', () => {
  test('escalation - unopened for 4 minutes, the conversation moves to the next operator and both are told', async () => {
    const clock = new FakeClock()
    const s = await u.server({ clock })
    const { obs, a, b, conv } = await assignedToA(s)
    const t0 = clock.now()
    expect((await obs.conversation(conv.id)).escalationAt).toBe(t0 + 4 * MINUTE)
    await b.tab.ok({ type: 'subscribe', conversationId: conv.id, afterSeq: 0 })

    await clock.advance(4 * MINUTE - SECOND)
    expect(await obs.assigneeNow(conv.id)).toBe(a.id)
    await clock.advance(SECOND)

    const data = {
      conversationId: conv.id,
      reason: 'escalation',
      assigneeId: b.id,
      previousAssigneeId: a.id,
    }
    expect((await alert(a, 'reassigned_away', conv.id)).data).toEqual({
      kind: 'reassigned_away',
      ...data,
    })
    expect((await alert(b, 'assigned_to_you', conv.id)).data).toEqual({
      kind: 'assigned_to_you',
      ...data,
    })
    const expected = {
      name: 'conversation.assigned',
      at: t0 + 4 * MINUTE,
      data: {
        assigneeId: b.id,
        previousAssigneeId: a.id,
        reason: 'escalation',
        by: { kind: 'system', id: 'routing' },
      },
    }
    const live = await b.tab.next((f) => f.type === 'event' && f.data.reason === 'escalation')
    expect(live).toMatchObject(expected)
    // a was not watching (watching is opening); subscribing now replays the same event.
    await a.tab.ok({ type: 'subscribe', conversationId: conv.id, afterSeq: 0 })
    expect(a.tab.events(conv.id).filter((e) => e.data.reason === 'escalation')).toEqual([live])

    // b has a deadline of its own now.
    expect(await obs.conversation(conv.id)).toMatchObject({
      assigneeId: b.id,
      escalationAt: t0 + 8 * MINUTE,
    })
  })

  test('escalation - the assignee opening at 3:59 stops it for good', async () => {
    const clock = new FakeClock()
    const s = await u.server({ clock })
    const { obs, a, b, conv } = await assignedToA(s)
    await clock.advance(4 * MINUTE - SECOND)
    const view = await a.tab.ok({ type: 'subscribe', conversationId: conv.id, afterSeq: 0 })
    expect(view.conversation).toMatchObject({ assigneeId: a.id, escalationAt: null })

    await clock.advance(SECOND)
    await clock.advance(3 * 60 * MINUTE)
    expect(await obs.assigneeNow(conv.id)).toBe(a.id)
    expect((await obs.conversation(conv.id)).escalationAt).toBeNull()
    expect(feedFrames(b.tab, 'alert')).toEqual([])
    expect((await obs.log(conv.id)).filter((e) => e.name === 'conversation.assigned')).toHaveLength(
      1,
    )
  })

  test('escalation - a manual transfer gives the new assignee a deadline; unopened, it moves on', async () => {
    const clock = new FakeClock()
    const s = await u.server({ clock })
    const { obs, a, b, conv } = await assignedToA(s)
    await clock.advance(MINUTE)
    const moved = await a.tab.ok({ type: 'assign', conversationId: conv.id, operatorId: b.id })
    const deadline = clock.now() + 4 * MINUTE
    expect(moved).toMatchObject({ assigneeId: b.id, escalationAt: deadline })
    expect((await alert(b, 'assigned_to_you', conv.id)).data).toMatchObject({
      reason: 'manual',
      previousAssigneeId: a.id,
    })

    await clock.advance(4 * MINUTE)
    const event = await obs.assigned(conv.id, a.id, 'escalation')
    expect(event.data).toMatchObject({ reason: 'escalation', previousAssigneeId: b.id })
    expect(event.at).toBe(deadline)
  })

  test('escalation - the period is the inbox setting escalationMinutes', async () => {
    const clock = new FakeClock()
    const s = await u.server({ clock })
    const inboxId = await s.defaultInboxId()
    const patched = await s.http(`/api/admin/inboxes/${inboxId}`, {
      method: 'PATCH',
      token: await s.adminToken(),
      body: { settings: { escalationMinutes: 2 } },
    })
    expect(patched.status).toBe(200)
    const { obs, b, conv } = await assignedToA(s)
    const t0 = clock.now()
    expect((await obs.conversation(conv.id)).escalationAt).toBe(t0 + 2 * MINUTE)
    await clock.advance(2 * MINUTE)
    expect((await obs.assigned(conv.id, b.id)).at).toBe(t0 + 2 * MINUTE)
  })

  test('escalation - with nobody else available it waits, and moves as soon as someone is', async () => {
    const clock = new FakeClock()
    const s = await u.server({ clock })
    const obs = await Observer.create(u, s)
    const a = await signIn(u, s)
    const b = await member(s)
    const conv = await visitorStarts(s)
    await obs.assigned(conv.id, a.id)
    await clock.advance(10 * MINUTE)
    expect(await obs.assigneeNow(conv.id)).toBe(a.id)
    await openTab(u, s, b.token)
    expect((await obs.assigned(conv.id, b.id)).at).toBe(clock.now())
  })

  test('escalation - an overdue conversation moves as soon as a colleague has room again', async () => {
    const clock = new FakeClock()
    const s = await u.server({ clock })
    const inboxId = await s.defaultInboxId()
    await s.http(`/api/admin/inboxes/${inboxId}`, {
      method: 'PATCH',
      token: await s.adminToken(),
      body: { settings: { maxOpenPerOperator: 1 } },
    })
    const { obs, a, b, conv } = await assignedToA(s)
    const other = await visitorStarts(s)
    await obs.assigned(other.id, b.id)
    await b.tab.ok({ type: 'subscribe', conversationId: other.id, afterSeq: 0 }) // b's is opened

    await clock.advance(4 * MINUTE)
    expect(await obs.assigneeNow(conv.id)).toBe(a.id) // b is full
    await b.tab.ok({ type: 'set_status', conversationId: other.id, status: 'resolved' })
    const moved = await obs.assigned(conv.id, b.id)
    expect(moved.data).toMatchObject({ reason: 'escalation', previousAssigneeId: a.id })
  })
})

describe('escalation across a restart (R3)', () => {
  test('escalation - assigned at 0:00, restarted at 2:00, it still escalates at 4:00', async () => {
    const clock = new FakeClock()
    const first = await u.server({ clock })
    const { a, b, conv } = await assignedToA(first)
    const t0 = clock.now()
    await clock.advance(2 * MINUTE)

    const s = await u.restart(first, { clock })
    const obs = await Observer.create(u, s)
    const tabA = await openTab(u, s, a.token)
    const tabB = await openTab(u, s, b.token)
    await clock.advance(2 * MINUTE - SECOND)
    expect(await obs.assigneeNow(conv.id)).toBe(a.id)

    await clock.advance(SECOND)
    expect((await obs.assigned(conv.id, b.id)).at).toBe(t0 + 4 * MINUTE)
    await nextFeed(tabB.tab, 'alert', 0, (d) => d.kind === 'assigned_to_you')
    await nextFeed(tabA.tab, 'alert', 0, (d) => d.kind === 'reassigned_away')
  })

  test('escalation - a deadline that passed while the server was down fires at once', async () => {
    const clock = new FakeClock()
    const first = await u.server({ clock })
    const { a, b, conv } = await assignedToA(first)
    const t0 = clock.now()
    await clock.advance(MINUTE)

    const s = await u.restart(first, { clock }, () => clock.advance(4 * MINUTE))
    expect(clock.now()).toBe(t0 + 5 * MINUTE)
    // Due timers fire; no time passes. Nobody but the assignee is here yet.
    await clock.advance(0)
    const obs = await Observer.create(u, s)
    await openTab(u, s, a.token)
    expect(await obs.assigneeNow(conv.id)).toBe(a.id)

    await openTab(u, s, b.token)
    const event = await obs.assigned(conv.id, b.id)
    expect(event).toMatchObject({ at: t0 + 5 * MINUTE, data: { reason: 'escalation' } })
  })
})
