import { afterEach, describe, expect, test } from 'bun:test'
import { spawnRouting, type RoutingHarness } from './harness.ts'

let h: RoutingHarness
afterEach(async () => {
  await h?.close()
})

async function resolve(conversationId: string) {
  const assignee = await h.assignee(conversationId)
  await h.system.conversations.ask(conversationId, {
    type: 'set_status',
    principal: h.operator(assignee ?? h.ops[0]!),
    status: 'resolved',
  })
  await h.settle()
}

describe('routing (R2)', () => {
  test('least-loaded first, ties round-robin across 3 operators', async () => {
    h = await spawnRouting({ operators: 3 })
    const [a, b, c] = h.ops as [string, string, string]
    for (const op of h.ops) await h.connect(op)
    const assigned: Array<string | null> = []
    for (let i = 0; i < 6; i++) assigned.push(await h.assignee(await h.start()))
    expect(assigned).toEqual([a, b, c, a, b, c])
    // Freeing one of b's conversations makes b the least loaded.
    const bConversation = (
      await h.store.queries.listInbox({
        inboxIds: null,
        unansweredOnly: false,
        cursor: null,
        limit: 100,
      })
    ).items.find((conv) => conv.assigneeId === b)
    await resolve(bConversation!.id)
    expect(await h.assignee(await h.start())).toBe(b)
  })

  test('ties rotate: with equal load the next operator after the last one routed to gets it', async () => {
    h = await spawnRouting({ operators: 3 })
    const [a, b, c] = h.ops as [string, string, string]
    for (const op of h.ops) await h.connect(op)
    const assigned: Array<string | null> = []
    for (let i = 0; i < 4; i++) {
      const id = await h.start()
      assigned.push(await h.assignee(id))
      await resolve(id) // load stays 0 for everyone: only the rotation decides
    }
    expect(assigned).toEqual([a, b, c, a])
  })

  test('away and busy operators get nothing', async () => {
    h = await spawnRouting({ operators: 3 })
    const [a, b, c] = h.ops as [string, string, string]
    for (const op of h.ops) await h.connect(op)
    await h.setStatus(a, 'away')
    await h.setStatus(b, 'busy')
    for (let i = 0; i < 4; i++) expect(await h.assignee(await h.start())).toBe(c)
  })

  test('with nobody available conversations wait, and the queue drains oldest first when someone comes online', async () => {
    h = await spawnRouting({ operators: 2, settings: { maxOpenPerOperator: 2 } })
    const [a] = h.ops as [string]
    const waiting = [await h.start('first'), await h.start('second'), await h.start('third')]
    for (const id of waiting) expect(await h.assignee(id)).toBeNull()
    await h.connect(a)
    expect(await Promise.all(waiting.map((id) => h.assignee(id)))).toEqual([a, a, null])
  })

  test('capacity is respected; a freed slot takes the next waiting conversation', async () => {
    h = await spawnRouting({ operators: 1, settings: { maxOpenPerOperator: 2 } })
    const [a] = h.ops as [string]
    await h.connect(a)
    const [one, , three] = [await h.start(), await h.start(), await h.start()]
    expect(await h.assignee(three!)).toBeNull()
    await resolve(one!)
    expect(await h.assignee(three!)).toBe(a)
  })

  test('an operator who is offline gets nothing, even with status online', async () => {
    h = await spawnRouting({ operators: 2 })
    const [, b] = h.ops as [string, string]
    await h.connect(b)
    for (let i = 0; i < 3; i++) expect(await h.assignee(await h.start())).toBe(b)
  })

  test('concurrent "assign to me" requests give the conversation to exactly one operator', async () => {
    h = await spawnRouting({ operators: 8 })
    const id = await h.start() // nobody connected: stays unassigned
    const results = await Promise.allSettled(
      h.ops.map((op) =>
        h.system.inboxes.ask(h.inboxId, {
          type: 'assign',
          conversationId: id,
          operatorId: op,
          principal: h.operator(op),
        }),
      ),
    )
    const won = results.filter((r) => r.status === 'fulfilled')
    expect(won.length).toBe(1)
    for (const r of results)
      if (r.status === 'rejected') expect(r.reason).toMatchObject({ code: 'conflict' })
    const events = await h.store.conversations.eventsAfter(id, 0, 100)
    const assignments = events.filter((e) => e.name === 'conversation.assigned')
    expect(assignments.length).toBe(1)
    expect(await h.assignee(id)).toBe(
      assignments[0]?.name === 'conversation.assigned' ? assignments[0].data.assigneeId : 'none',
    )
  })
})

describe('presence (O4)', () => {
  test('two tabs: available until the last closes plus the grace, then not', async () => {
    h = await spawnRouting({ operators: 1 })
    const [a] = h.ops as [string]
    await h.connect(a, 'tab-1')
    await h.connect(a, 'tab-2')
    await h.disconnect(a, 'tab-1')
    expect(h.system.board.isAvailable(a)).toBe(true)
    await h.disconnect(a, 'tab-2')
    await h.clock.advance(14_000)
    expect(h.system.board.isAvailable(a)).toBe(true)
    expect(await h.assignee(await h.start())).toBe(a)
    await h.clock.advance(2_000)
    await h.settle()
    expect(h.system.board.isAvailable(a)).toBe(false)
    expect(await h.assignee(await h.start())).toBeNull()
  })

  test('a reconnect within the grace keeps presence without a gap', async () => {
    h = await spawnRouting({ operators: 1 })
    const [a] = h.ops as [string]
    await h.connect(a, 'tab-1')
    await h.disconnect(a, 'tab-1')
    await h.clock.advance(10_000)
    await h.connect(a, 'tab-1')
    await h.clock.advance(60_000)
    await h.settle()
    expect(h.system.board.isAvailable(a)).toBe(true)
  })

  test('status is shared by all tabs, pushed to the feed, and survives a restart', async () => {
    h = await spawnRouting({ operators: 1 })
    const [a] = h.ops as [string]
    await h.connect(a)
    await h.setStatus(a, 'busy')
    expect(h.feed.of(a, 'status').at(-1)).toMatchObject({ data: { status: 'busy', present: true } })
    await h.restart()
    const snapshot = await h.system.operators.ask(a, { type: 'snapshot' })
    expect(snapshot.status).toBe('busy')
  })
})
