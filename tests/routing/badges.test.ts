import { afterEach, describe, expect, test } from 'bun:test'
import { spawnRouting, type RoutingHarness } from './harness.ts'

let h: RoutingHarness
afterEach(async () => {
  await h?.close()
})

const badges = async (operatorId: string) =>
  (await h.system.operators.ask(operatorId, { type: 'snapshot' })).badges

async function visitorSays(id: string, text: string) {
  await h.system.conversations.ask(id, {
    type: 'send',
    principal: await h.visitorOf(id),
    clientMsgId: text,
    text,
  })
  await h.settle()
}

async function operatorDoes(id: string, operatorId: string, what: 'read' | 'reply' | 'resolve') {
  const principal = h.operator(operatorId)
  if (what === 'read') {
    const conv = await h.system.conversations.ask(id, { type: 'peek' })
    await h.system.conversations.ask(id, { type: 'mark', principal, readSeq: conv!.lastSeq })
  } else if (what === 'reply') {
    await h.system.conversations.ask(id, {
      type: 'send',
      principal,
      clientMsgId: `r${Math.random()}`,
      text: 'on it',
    })
  } else {
    await h.system.conversations.ask(id, { type: 'set_status', principal, status: 'resolved' })
  }
  await h.settle()
}

describe('badges (O2, O3)', () => {
  test('unread and unanswered totals stay right through send, read, reply, assignment and resolve', async () => {
    h = await spawnRouting({ operators: 2, roles: ['operator', 'supervisor'] })
    const [a, b] = h.ops as [string, string]
    await h.connect(a)
    const id = await h.start('hi') // routed to a (b is offline)
    // settle() counts event-loop turns; on a loaded machine the routing write may still be on
    // its way: wait for it (bounded), then read the badges it implies.
    for (let tries = 0; tries < 200 && (await h.assignee(id)) !== a; tries++) await h.settle()
    expect(await h.assignee(id)).toBe(a)
    expect(await badges(a)).toEqual({ unread: 1, unanswered: 1 })
    expect(await badges(b)).toEqual({ unread: 0, unanswered: 0 }) // assigned to a: not in b's set

    await visitorSays(id, 'anyone?')
    expect(await badges(a)).toEqual({ unread: 2, unanswered: 1 })

    await operatorDoes(id, a, 'read')
    expect(await badges(a)).toEqual({ unread: 0, unanswered: 1 })

    await operatorDoes(id, a, 'reply')
    expect(await badges(a)).toEqual({ unread: 0, unanswered: 0 })

    await visitorSays(id, 'thanks, one more thing')
    expect(await badges(a)).toEqual({ unread: 1, unanswered: 1 })

    // A supervisor moves it to b: it leaves a's set and enters b's, with b's own watermark.
    await h.system.inboxes.ask(h.inboxId, {
      type: 'assign',
      conversationId: id,
      operatorId: b,
      principal: h.operator(b),
    })
    await h.settle()
    expect(await badges(a)).toEqual({ unread: 0, unanswered: 0 })
    expect(await badges(b)).toEqual({ unread: 3, unanswered: 1 })

    await operatorDoes(id, b, 'resolve')
    expect(await badges(b)).toEqual({ unread: 0, unanswered: 0 })
    expect(h.feed.of(b, 'badges').at(-1)).toEqual({
      type: 'feed',
      name: 'badges',
      data: { unread: 0, unanswered: 0 },
    })
  })

  test('unassigned conversations count for every member; a deleted visitor message stops counting', async () => {
    h = await spawnRouting({ operators: 2 })
    const [a, b] = h.ops as [string, string]
    const id = await h.start('first') // nobody online: unassigned
    // a's actor is live and counts incrementally; b's starts later and loads from the store.
    await h.system.operators.ask(a, { type: 'snapshot' })
    const visitor = await h.visitorOf(id)
    const ack = await h.system.conversations.ask(id, {
      type: 'send',
      principal: visitor,
      clientMsgId: 'oops',
      text: 'oops',
    })
    await h.settle()
    expect(await badges(a)).toEqual({ unread: 2, unanswered: 1 })
    expect(await badges(b)).toEqual({ unread: 2, unanswered: 1 })
    await h.system.conversations.ask(id, {
      type: 'delete',
      principal: visitor,
      messageId: ack.messageId,
    })
    await h.settle()
    expect(await badges(a)).toEqual({ unread: 1, unanswered: 1 })
    expect((await h.system.operators.ask(a, { type: 'snapshot' })).unread).toEqual({ [id]: 1 })
  })

  test("every change in the inbox reaches the feed with the operator's own unread count", async () => {
    h = await spawnRouting({ operators: 2 })
    const [a, b] = h.ops as [string, string]
    await h.connect(a)
    await h.system.operators.ask(b, { type: 'snapshot' }) // b's actor is live but b is offline
    await h.start('hi')
    const seen = (op: string) =>
      h.feed
        .of(op, 'conversation')
        .map((f) => f.name === 'conversation' && [f.data.change, f.data.unread])
    expect(seen(a)).toEqual([
      ['created', 1],
      ['assigned', 1],
    ])
    // b sees the conversation arrive, then leave its badge set when a gets it.
    expect(seen(b)).toEqual([
      ['created', 1],
      ['assigned', null],
    ])
    expect(h.feed.of(a, 'alert').map((f) => f.name === 'alert' && f.data.kind)).toEqual([
      'assigned_to_you',
    ])
  })
})

describe('badges - exact under load', () => {
  test('messages committed while the operator actor loads a conversation are counted once', async () => {
    h = await spawnRouting({ operators: 2, roles: ['operator', 'supervisor'] })
    const [a, b] = h.ops as [string, string]
    await h.connect(a)
    await h.connect(b)
    const id = await h.start('hi') // routed to a
    await h.system.operators.ask(b, { type: 'snapshot' })
    const visitor = await h.visitorOf(id)
    // Hold b's load of the conversation until five more visitor messages are committed: their
    // changes then wait in b's mailbox although the load already counts them.
    let release!: () => void
    const held = new Promise<void>((r) => (release = r))
    let loading!: () => void
    const loadStarted = new Promise<void>((r) => (loading = r))
    const queries = h.store.queries
    const load = queries.operatorBadges.bind(queries)
    queries.operatorBadges = async (operatorId, inboxIds, conversationId) => {
      if (operatorId === b) {
        loading()
        await held
      }
      return load(operatorId, inboxIds, conversationId)
    }
    const takeover = h.system.inboxes.ask(h.inboxId, {
      type: 'assign',
      conversationId: id,
      operatorId: b,
      principal: h.operator(b),
    })
    await loadStarted
    for (let i = 1; i <= 5; i++) {
      await h.system.conversations.ask(id, {
        type: 'send',
        principal: visitor,
        clientMsgId: `v${i}`,
        text: `more ${i}`,
      })
    }
    release()
    await takeover
    await h.settle()
    expect(await badges(b)).toEqual({ unread: 6, unanswered: 1 })
  })
})
