/**
 * Escalation deadlines and the routing queries the inbox actor runs: load per assignee, the
 * queue of unassigned conversations and pending escalations. Registered by repository-suite.ts.
 */
import { describe, expect, test } from 'bun:test'
import type { ConversationPatch, ConversationRecord, Store } from '../../../actors/ports.ts'
import {
  T0,
  conversation,
  createWrite,
  message,
  messageCreated,
  operatorParty,
  postWrite,
} from '../fixtures.ts'

async function createAll(store: Store, records: ConversationRecord[]): Promise<void> {
  await Promise.all(records.map((r) => store.conversations.write(createWrite(r))))
}

function patch(store: Store, conversationId: string, update: ConversationPatch): Promise<void> {
  return store.conversations.write({ conversationId, update, events: [] })
}

export function routingSpecs(store: () => Store): void {
  describe('escalation', () => {
    test('escalation - a created conversation loads back with its escalation deadline', async () => {
      const record = conversation('c1', { assigneeId: 'op-1', escalationAt: T0 + 300_000 })
      await store().conversations.write(createWrite(record))
      expect((await store().conversations.loadConversation('c1'))?.conversation).toEqual(record)
      const [listed] = await store().queries.listVisitorConversations('visitor-1')
      expect(listed?.escalationAt).toBe(T0 + 300_000)
    })

    test('escalation - a patch sets, moves and clears the deadline', async () => {
      await store().conversations.write(createWrite(conversation('c1')))
      const deadline = async () =>
        (await store().conversations.loadConversation('c1'))?.conversation.escalationAt
      expect(await deadline()).toBeNull()
      await patch(store(), 'c1', { assigneeId: 'op-1', escalationAt: T0 + 60_000 })
      expect(await deadline()).toBe(T0 + 60_000)
      await patch(store(), 'c1', { escalationAt: T0 + 120_000 })
      expect(await deadline()).toBe(T0 + 120_000)
      await patch(store(), 'c1', { lastSeq: 2 })
      expect(await deadline()).toBe(T0 + 120_000)
      await patch(store(), 'c1', { escalationAt: null })
      expect(await deadline()).toBeNull()
    })
  })

  describe('openCountsByAssignee', () => {
    test('openCountsByAssignee - counts open conversations of the inbox per assignee', async () => {
      await createAll(store(), [
        conversation('a1', { assigneeId: 'op-1' }),
        conversation('a2', { assigneeId: 'op-1' }),
        conversation('a3', { assigneeId: 'op-2' }),
        conversation('queued'),
        conversation('resolved', { assigneeId: 'op-2', status: 'resolved' }),
        conversation('closed', { assigneeId: 'op-3', status: 'closed' }),
        conversation('elsewhere', { assigneeId: 'op-1', inboxId: 'inbox-2' }),
      ])
      expect(await store().queries.openCountsByAssignee('inbox-1')).toEqual({
        'op-1': 2,
        'op-2': 1,
      })
      expect(await store().queries.openCountsByAssignee('inbox-9')).toEqual({})
    })

    test('openCountsByAssignee - follows reassignment and resolution', async () => {
      await createAll(store(), [
        conversation('a1', { assigneeId: 'op-1' }),
        conversation('a2', { assigneeId: 'op-1' }),
      ])
      await patch(store(), 'a1', { assigneeId: 'op-2' })
      await patch(store(), 'a2', { status: 'resolved' })
      expect(await store().queries.openCountsByAssignee('inbox-1')).toEqual({ 'op-2': 1 })
    })
  })

  describe('queuedConversations', () => {
    test('queuedConversations - open and unassigned of the branch only, oldest first, then by id', async () => {
      await createAll(store(), [
        conversation('late', { createdAt: T0 + 300 }),
        conversation('b-early', { createdAt: T0 + 100 }),
        conversation('a-early', { createdAt: T0 + 100 }),
        conversation('first', { createdAt: T0 }),
        conversation('assigned', { createdAt: T0 - 10, assigneeId: 'op-1' }),
        conversation('resolved', { createdAt: T0 - 10, status: 'resolved' }),
        conversation('closed', { createdAt: T0 - 10, status: 'closed' }),
        conversation('elsewhere', { createdAt: T0 - 10, inboxId: 'inbox-2' }),
        conversation('other-branch', { createdAt: T0 - 10, branchId: 'branch-2' }),
      ])
      expect(await store().queries.queuedConversations('inbox-1', 'inbox-1', 10)).toEqual([
        { id: 'first', createdAt: T0 },
        { id: 'a-early', createdAt: T0 + 100 },
        { id: 'b-early', createdAt: T0 + 100 },
        { id: 'late', createdAt: T0 + 300 },
      ])
    })

    test('queuedConversations - returns at most limit, and none for a limit of 0', async () => {
      await createAll(
        store(),
        Array.from({ length: 5 }, (_, i) => conversation(`c${i}`, { createdAt: T0 + i })),
      )
      const q = store().queries
      expect((await q.queuedConversations('inbox-1', 'inbox-1', 2)).map((c) => c.id)).toEqual([
        'c0',
        'c1',
      ])
      expect(await q.queuedConversations('inbox-1', 'inbox-1', 0)).toEqual([])
    })

    test('queuedConversations - an assignment takes a conversation out of the queue', async () => {
      await createAll(store(), [conversation('c1'), conversation('c2', { createdAt: T0 + 1 })])
      await patch(store(), 'c1', { assigneeId: 'op-1' })
      const queue = await store().queries.queuedConversations('inbox-1', 'inbox-1', 10)
      expect(queue.map((c) => c.id)).toEqual(['c2'])
    })
  })

  describe('pendingEscalations', () => {
    test('pendingEscalations - open conversations of the inbox with a deadline, soonest first', async () => {
      await createAll(store(), [
        conversation('later', { assigneeId: 'op-1', escalationAt: T0 + 2000 }),
        conversation('sooner', { assigneeId: 'op-2', escalationAt: T0 + 1000 }),
        conversation('opened', { assigneeId: 'op-1' }),
        conversation('resolved', {
          assigneeId: 'op-1',
          status: 'resolved',
          escalationAt: T0 + 500,
        }),
        conversation('elsewhere', {
          assigneeId: 'op-1',
          inboxId: 'inbox-2',
          escalationAt: T0 + 500,
        }),
      ])
      expect(await store().queries.pendingEscalations('inbox-1')).toEqual([
        { id: 'sooner', assigneeId: 'op-2', escalationAt: T0 + 1000 },
        { id: 'later', assigneeId: 'op-1', escalationAt: T0 + 2000 },
      ])
    })

    test('pendingEscalations - a cleared deadline is no longer pending', async () => {
      await createAll(store(), [
        conversation('c1', { assigneeId: 'op-1', escalationAt: T0 + 1000 }),
      ])
      await patch(store(), 'c1', { escalationAt: null })
      expect(await store().queries.pendingEscalations('inbox-1')).toEqual([])
    })
  })

  describe('waiting (R7)', () => {
    const DAY = 24 * 3600_000
    /** A waiting reply as the conversation actor stores it: no change to the unanswered flag. */
    const autoReply = (conversationId: string, seq: number, since: number) => {
      const m = message(conversationId, seq, {
        author: { kind: 'system', id: 'auto-reply' },
        clientMsgId: `waiting:${since}`,
      })
      return store().conversations.write({
        conversationId,
        update: { lastSeq: seq, lastMessageAt: m.createdAt, updatedAt: m.createdAt },
        events: [messageCreated(m)],
        summaryFollowsLog: true,
      })
    }

    test('waiting - a wait begins at the first visitor message after the last operator message; its reply is found', async () => {
      const s = store()
      await s.conversations.write(createWrite(conversation('c1')))
      expect(await s.conversations.waitingState('c1')).toBeNull()
      await s.conversations.write(postWrite(message('c1', 2)))
      await s.conversations.write(postWrite(message('c1', 3)))
      expect(await s.conversations.waitingState('c1')).toEqual({ since: T0 + 2000, replied: false })
      await autoReply('c1', 4, T0 + 2000)
      expect(await s.conversations.waitingState('c1')).toEqual({ since: T0 + 2000, replied: true })
      const loaded = await s.conversations.loadConversation('c1')
      expect(loaded?.conversation).toMatchObject({ lastSeq: 4, hasUnansweredIncoming: true })

      await s.conversations.write(postWrite(message('c1', 5, { author: operatorParty() })))
      expect(await s.conversations.waitingState('c1')).toBeNull()
      await s.conversations.write(postWrite(message('c1', 6)))
      expect(await s.conversations.waitingState('c1')).toEqual({ since: T0 + 6000, replied: false })
    })

    test('waiting - waitingConversations lists open, recently active waits of the inbox only', async () => {
      const s = store()
      await createAll(s, [
        conversation('waits'),
        conversation('answered'),
        conversation('resolved', { status: 'resolved' }),
        conversation('elsewhere', { inboxId: 'inbox-2' }),
        conversation('long-ago', { createdAt: T0 - 5 * DAY, updatedAt: T0 - 5 * DAY }),
        conversation('silent'),
      ])
      for (const id of ['waits', 'answered', 'resolved', 'elsewhere']) {
        await s.conversations.write(postWrite(message(id, 2)))
      }
      await s.conversations.write(postWrite(message('answered', 3, { author: operatorParty() })))
      await s.conversations.write(
        postWrite(message('long-ago', 2, { createdAt: T0 - 5 * DAY + 1000 })),
      )
      await autoReply('waits', 3, T0 + 2000)
      expect(await s.queries.waitingConversations('inbox-1', T0 - DAY)).toEqual([
        { id: 'waits', branchId: 'inbox-1', since: T0 + 2000, replied: true },
      ])
      const all = await s.queries.waitingConversations('inbox-1', T0 - 10 * DAY)
      expect(all.map((w) => w.id).sort()).toEqual(['long-ago', 'waits'])
    })
  })

  describe('recentFirstResponses (R6)', () => {
    test("recentFirstResponses - the branch's newest conversations since a time: first visitor and first operator message; offline requests left out", async () => {
      const s = store()
      await createAll(s, [
        conversation('old', { createdAt: T0 - 10_000 }),
        conversation('answered', { createdAt: T0 + 1 }),
        conversation('waiting', { createdAt: T0 + 2 }),
        conversation('request', { createdAt: T0 + 3, offline: true }),
        conversation('other-branch', { createdAt: T0 + 4, branchId: 'branch-2' }),
      ])
      for (const id of ['old', 'answered', 'waiting', 'request', 'other-branch']) {
        await s.conversations.write(postWrite(message(id, 2)))
      }
      const auto = message('answered', 3, { author: { kind: 'system', id: 'auto-reply' } })
      await s.conversations.write(postWrite(auto))
      await s.conversations.write(postWrite(message('answered', 4, { author: operatorParty() })))
      await s.conversations.write(postWrite(message('answered', 5, { author: operatorParty() })))
      expect(await s.queries.recentFirstResponses('inbox-1', T0, 10)).toEqual([
        { askedAt: T0 + 2000, answeredAt: null },
        { askedAt: T0 + 2000, answeredAt: T0 + 4000 },
      ])
      expect(await s.queries.recentFirstResponses('inbox-1', T0, 1)).toHaveLength(1)
      expect(await s.queries.recentFirstResponses('inbox-1', T0 - 20_000, 10)).toHaveLength(3)
    })
  })
}
