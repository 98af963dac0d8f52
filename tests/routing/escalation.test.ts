import { afterEach, describe, expect, test } from 'bun:test'
import { MINUTE, spawnRouting, type RoutingHarness } from './harness.ts'

let h: RoutingHarness
afterEach(async () => {
  await h?.close()
})

/** Two operators online; a conversation routed to the first. */
async function assignedToA() {
  h = await spawnRouting({ operators: 2 })
  const [a, b] = h.ops as [string, string]
  await h.connect(a)
  await h.connect(b)
  const id = await h.start()
  expect(await h.assignee(id)).toBe(a)
  return { a, b, id }
}

async function open(id: string, operatorId: string) {
  await h.system.conversations.ask(id, { type: 'open', principal: h.operator(operatorId) })
  await h.settle()
}

describe('escalation (R3)', () => {
  test('unopened for 4 minutes, the conversation moves to the next operator and both are told', async () => {
    const { a, b, id } = await assignedToA()
    await h.clock.advance(4 * MINUTE - 1)
    await h.settle()
    expect(await h.assignee(id)).toBe(a)
    await h.clock.advance(1)
    await h.settle()
    expect(await h.assignee(id)).toBe(b)
    const escalations = (operatorId: string) =>
      h.feed
        .of(operatorId, 'alert')
        .filter((f) => f.name === 'alert' && 'reason' in f.data && f.data.reason === 'escalation')
    expect(escalations(a)).toEqual([
      {
        type: 'feed',
        name: 'alert',
        data: {
          kind: 'reassigned_away',
          conversationId: id,
          reason: 'escalation',
          assigneeId: b,
          previousAssigneeId: a,
        },
      },
    ])
    expect(escalations(b)).toEqual([
      {
        type: 'feed',
        name: 'alert',
        data: {
          kind: 'assigned_to_you',
          conversationId: id,
          reason: 'escalation',
          assigneeId: b,
          previousAssigneeId: a,
        },
      },
    ])
    const events = await h.store.conversations.eventsAfter(id, 0, 100)
    expect(
      events
        .filter((e) => e.name === 'conversation.assigned')
        .map((e) => e.name === 'conversation.assigned' && e.data),
    ).toEqual([
      {
        assigneeId: a,
        previousAssigneeId: null,
        reason: 'auto',
        by: { kind: 'system', id: 'routing' },
      },
      {
        assigneeId: b,
        previousAssigneeId: a,
        reason: 'escalation',
        by: { kind: 'system', id: 'routing' },
      },
    ])
  })

  test('the new assignee gets a fresh deadline: unopened again, it moves on again', async () => {
    const { a, b, id } = await assignedToA()
    await h.clock.advance(4 * MINUTE)
    await h.settle()
    expect(await h.assignee(id)).toBe(b)
    await h.clock.advance(4 * MINUTE)
    await h.settle()
    expect(await h.assignee(id)).toBe(a)
  })

  test('opening at 3:59 stops the escalation for good', async () => {
    const { a, id } = await assignedToA()
    await h.clock.advance(4 * MINUTE - 1000)
    await open(id, a)
    await h.clock.advance(60 * MINUTE)
    await h.settle()
    expect(await h.assignee(id)).toBe(a)
    const conv = await h.system.conversations.ask(id, { type: 'peek' })
    expect(conv?.escalationAt).toBeNull()
  })

  test('opening by someone else does not stop it', async () => {
    const { b, id } = await assignedToA()
    await open(id, b)
    await h.clock.advance(4 * MINUTE)
    await h.settle()
    expect(await h.assignee(id)).toBe(b)
  })

  test('the escalation period is the inbox setting', async () => {
    h = await spawnRouting({ operators: 2, settings: { escalationMinutes: 10 } })
    const [a, b] = h.ops as [string, string]
    await h.connect(a)
    await h.connect(b)
    const id = await h.start()
    await h.clock.advance(9 * MINUTE)
    await h.settle()
    expect(await h.assignee(id)).toBe(a)
    await h.clock.advance(MINUTE)
    await h.settle()
    expect(await h.assignee(id)).toBe(b)
  })

  test('with nobody else available it stays, and moves as soon as someone comes online', async () => {
    h = await spawnRouting({ operators: 2 })
    const [a, b] = h.ops as [string, string]
    await h.connect(a)
    const id = await h.start()
    await h.clock.advance(10 * MINUTE)
    await h.settle()
    expect(await h.assignee(id)).toBe(a)
    await h.connect(b)
    expect(await h.assignee(id)).toBe(b)
  })

  test('the handler is idempotent: a repeated or stale escalation changes nothing', async () => {
    const { a, b, id } = await assignedToA()
    const conv = await h.system.conversations.ask(id, { type: 'peek' })
    const due = {
      type: 'escalate' as const,
      conversationId: id,
      assigneeId: a,
      escalationAt: conv!.escalationAt!,
    }
    await h.system.inboxes.ask(h.inboxId, due)
    await h.system.inboxes.ask(h.inboxId, due)
    await h.settle()
    expect(await h.assignee(id)).toBe(b)
    const assignments = (await h.store.conversations.eventsAfter(id, 0, 100)).filter(
      (e) => e.name === 'conversation.assigned',
    )
    expect(assignments.length).toBe(2) // auto to a, escalation to b; the repeat did nothing
  })

  test('resolving the conversation cancels its escalation', async () => {
    const { a, id } = await assignedToA()
    await h.system.conversations.ask(id, {
      type: 'set_status',
      principal: h.operator(a),
      status: 'resolved',
    })
    await h.clock.advance(10 * MINUTE)
    await h.settle()
    expect(await h.assignee(id)).toBe(a)
  })
})

describe('escalation across restarts (R3)', () => {
  test('a restart at 2:00 still escalates at 4:00', async () => {
    const { a, b, id } = await assignedToA()
    await h.clock.advance(2 * MINUTE)
    await h.restart()
    await h.connect(a)
    await h.connect(b)
    await h.clock.advance(2 * MINUTE - 1)
    await h.settle()
    expect(await h.assignee(id)).toBe(a)
    await h.clock.advance(1)
    await h.settle()
    expect(await h.assignee(id)).toBe(b)
  })

  test('a deadline that passed while the server was down fires at once', async () => {
    const { a, b, id } = await assignedToA()
    await h.system.shutdown()
    await h.clock.advance(5 * MINUTE) // down from 0:00 to 5:00
    await h.restart()
    await h.connect(a)
    expect(await h.assignee(id)).toBe(a) // nobody else is back yet
    await h.connect(b)
    expect(await h.assignee(id)).toBe(b) // at once, no new 4-minute wait
  })
})

describe('escalation - what counts as having it in hand', () => {
  test("the assignee's reply or read stops the escalation, like opening", async () => {
    const { a, id } = await assignedToA()
    await h.system.conversations.ask(id, {
      type: 'send',
      principal: h.operator(a),
      clientMsgId: 'r1',
      text: 'on it',
    })
    await h.settle()
    await h.clock.advance(10 * MINUTE)
    await h.settle()
    expect(await h.assignee(id)).toBe(a)
  })

  test('a released conversation is routed away from whoever had it', async () => {
    h = await spawnRouting({ operators: 3, roles: ['operator', 'operator', 'supervisor'] })
    const [a, b, sup] = h.ops as [string, string, string]
    await h.connect(a)
    const id = await h.start()
    expect(await h.assignee(id)).toBe(a)
    await h.connect(b)
    await h.system.inboxes.ask(h.inboxId, {
      type: 'assign',
      conversationId: id,
      operatorId: null,
      principal: h.operator(sup),
    })
    await h.settle()
    expect(await h.assignee(id)).toBe(b)
  })

  test('a conversation that is no longer open is never assigned', async () => {
    const { a, b, id } = await assignedToA()
    await h.system.conversations.ask(id, {
      type: 'set_status',
      principal: h.operator(a),
      status: 'closed',
    })
    const result = await h.system.conversations.ask(id, {
      type: 'assign',
      assigneeId: b,
      escalationAt: null,
      reason: 'auto',
      by: { kind: 'system', id: 'routing' },
      expect: { assigneeId: a },
    })
    expect(result.applied).toBe(false)
    expect(await h.assignee(id)).toBe(a)
  })
})
