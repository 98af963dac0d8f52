/**
 * Conversation summaries written behind the log (db/write-behind.ts): a write whose summary
 * follows its log appends now and leaves the summary held (one row update per conversation per
 * flush); no reader on any store (another node, or this one after a crash) sees it behind, since
 * a marked summary is read from the log; a repair rebuilds every summary a crash left behind.
 * Registered by repository-suite.ts.
 */
import { describe, expect, test } from 'bun:test'
import type { ConversationWrite, Store } from '../../../actors/ports.ts'
import {
  T0,
  conversation,
  createWrite,
  message,
  operatorParty,
  postWrite,
  visitorParty,
  type DialectHarness,
} from '../fixtures.ts'

/** A message write as the actor makes it: its summary follows the log. */
function post(seq: number, author = operatorParty()): ConversationWrite {
  return { ...postWrite(message('c1', seq, { author })), summaryFollowsLog: true }
}

/** A visitor's post, the unanswered one. */
function visitorPost(seq: number): ConversationWrite {
  return { ...postWrite(message('c1', seq)), summaryFollowsLog: true }
}

/** What the summary is after `seq` (a message at T0 + seq s), as the lists show it. */
function after(seq: number, unanswered: boolean) {
  return { lastSeq: seq, lastMessageAt: T0 + seq * 1000, hasUnansweredIncoming: unanswered }
}

async function listed(store: Store) {
  const page = await store.queries.listInbox({
    inboxIds: null,
    unansweredOnly: false,
    cursor: null,
    limit: 10,
  })
  return page.items.map((c) => ({
    lastSeq: c.lastSeq,
    lastMessageAt: c.lastMessageAt,
    hasUnansweredIncoming: c.hasUnansweredIncoming,
  }))
}

export function writeBehindSpecs(store: () => Store, dialect: DialectHarness): void {
  describe('write-behind summaries', () => {
    test('write-behind - messages append at once and their summary is held until a list reads it', async () => {
      const s = store()
      await s.conversations.write(createWrite(conversation('c1')))
      const before = s.stats().transactions
      for (const seq of [2, 3, 4]) await s.conversations.write(visitorPost(seq))
      // Three appends, three commits; the summary is held.
      expect(s.stats().transactions - before).toBe(3)
      expect(s.stats().summariesHeld).toBe(1)
      expect((await s.conversations.eventsAfter('c1', 1, 10)).map((e) => e.seq)).toEqual([2, 3, 4])
      // The list reads a marked conversation's summary from its log: no commit for it.
      expect(await listed(s)).toEqual([after(4, true)])
      expect(s.stats().summariesHeld).toBe(1)
      expect(s.stats().transactions - before).toBe(3)
      // Closing writes it: one update for all three messages.
      await s.close()
      expect(s.stats().transactions - before).toBe(4)
      expect(s.stats().summariesHeld).toBe(0)
    })

    test('write-behind - another store completes the held summary from the log', async () => {
      const s = store()
      await s.conversations.write(createWrite(conversation('c1')))
      const other = await dialect.twin(s)
      try {
        await s.conversations.write(visitorPost(2))
        await s.conversations.write(post(3))
        // Its stored row is behind, but the lists, the actor's state and the badges of a node
        // that does not hold the summary read it from the log.
        expect(await listed(other)).toEqual([after(3, false)])
        expect(await other.queries.listVisitorConversations('visitor-1')).toMatchObject([
          after(3, false),
        ])
        const loaded = await other.conversations.loadConversation('c1')
        expect(loaded?.conversation).toMatchObject({ ...after(3, false), updatedAt: T0 + 3000 })
        const [badge] = await other.queries.operatorBadges('op-2', ['inbox-1'])
        expect(badge).toMatchObject({ lastSeq: 3, hasUnansweredIncoming: false, unread: 1 })
        // As after a crash of the first store: the repair rebuilds the row from the log.
        expect(await other.repairSummaries()).toBe(1)
        expect(await listed(other)).toEqual([after(3, false)])
        expect(await other.repairSummaries()).toBe(0)
      } finally {
        await other.close()
      }
      // The held summary, written late, changes nothing and leaves no mark.
      expect(await listed(s)).toEqual([after(3, false)])
      expect(await s.repairSummaries()).toBe(0)
    })

    test('write-behind - lists order, filter and page summaries behind their log by the log', async () => {
      const s = store()
      const other = await dialect.twin(s)
      try {
        // c1..c6 created at T0; messages: c2 at 20 s (visitor), c4 at 40 s (operator), c5 at
        // 50 s (visitor), c6 resolved. c2 and c4 are held by `s` (behind in the table).
        for (const id of ['c1', 'c2', 'c3', 'c4', 'c5']) {
          await s.conversations.write(createWrite(conversation(id)))
        }
        await s.conversations.write(createWrite(conversation('c6', { status: 'resolved' })))
        const at = (id: string, seq: number, sec: number, author = visitorParty()) => ({
          ...postWrite(message(id, seq, { author, createdAt: T0 + sec * 1000 })),
          summaryFollowsLog: true,
        })
        await s.conversations.write(at('c2', 2, 20))
        await s.conversations.write(at('c4', 2, 40, operatorParty()))
        // Written through: stored as is.
        await s.conversations.write({ ...at('c5', 2, 50), summaryFollowsLog: false })
        expect(s.stats().summariesHeld).toBe(2)
        for (const reader of [s, other]) {
          const order: string[] = []
          let cursor: string | null = null
          do {
            const page = await reader.queries.listInbox({
              inboxIds: ['inbox-1'],
              unansweredOnly: false,
              cursor,
              limit: 2,
            })
            order.push(...page.items.map((c) => c.id))
            cursor = page.nextCursor
          } while (cursor !== null)
          expect(order).toEqual(['c5', 'c4', 'c2', 'c1', 'c3', 'c6'])
          const unanswered = await reader.queries.listInbox({
            inboxIds: null,
            unansweredOnly: true,
            cursor: null,
            limit: 10,
          })
          expect(unanswered.items.map((c) => c.id)).toEqual(['c5', 'c2'])
          const resolved = await reader.queries.listInbox({
            inboxIds: null,
            unansweredOnly: false,
            status: 'resolved',
            cursor: null,
            limit: 10,
          })
          expect(resolved.items.map((c) => c.id)).toEqual(['c6'])
        }
      } finally {
        await other.close()
      }
    })

    test('write-behind - a store opened on a database with summaries behind rebuilds them first', async () => {
      const s = store()
      await s.conversations.write(createWrite(conversation('c1')))
      await s.conversations.write(visitorPost(2))
      const other = await dialect.twin(s)
      try {
        expect(await listed(other)).toEqual([after(2, true)])
        expect(await other.repairSummaries()).toBe(0)
      } finally {
        await other.close()
      }
    })

    test('write-behind - a late summary never replaces a newer one', async () => {
      const s = store()
      await s.conversations.write(createWrite(conversation('c1')))
      await s.conversations.write(visitorPost(2))
      const other = await dialect.twin(s)
      try {
        // Another writer moves the conversation on (a status change carries its whole summary).
        await other.conversations.write({
          conversationId: 'c1',
          update: { status: 'resolved', lastSeq: 3, updatedAt: T0 + 3000 },
          events: [
            {
              name: 'conversation.status',
              data: { status: 'resolved', by: operatorParty() },
              conversationId: 'c1',
              seq: 3,
              at: T0 + 3000,
            },
          ],
        })
      } finally {
        await other.close()
      }
      // The first store's held summary (seq 2) is older than the row (seq 3): not written.
      const [row] = (
        await s.queries.listInbox({ inboxIds: null, unansweredOnly: false, cursor: null, limit: 9 })
      ).items
      expect(row).toMatchObject({ status: 'resolved', lastSeq: 3 })
    })

    test('write-behind - a write that changes more than the log implies writes the summary at once', async () => {
      const s = store()
      await s.conversations.write(createWrite(conversation('c1')))
      await s.conversations.write(visitorPost(2))
      await s.conversations.write({
        conversationId: 'c1',
        update: { ...after(3, true), assigneeId: 'op-1', updatedAt: T0 + 3000 },
        summaryFollowsLog: false,
        events: [
          {
            name: 'conversation.assigned',
            data: {
              assigneeId: 'op-1',
              previousAssigneeId: null,
              reason: 'auto',
              by: { kind: 'system', id: 'routing' },
            },
            conversationId: 'c1',
            seq: 3,
            at: T0 + 3000,
          },
        ],
      })
      const other = await dialect.twin(s)
      try {
        expect(await other.queries.openCountsByAssignee('inbox-1')).toEqual({ 'op-1': 1 })
        // Its mark went with it: nothing is left to repair.
        expect(await other.repairSummaries()).toBe(0)
      } finally {
        await other.close()
      }
    })

    test('write-behind - closing the store writes what it holds', async () => {
      const s = await dialect.fresh()
      await s.conversations.write(createWrite(conversation('c1')))
      await s.conversations.write(visitorPost(2))
      const reopened = await dialect.reopen(s)
      try {
        expect(await reopened.repairSummaries()).toBe(0)
        expect(await listed(reopened)).toEqual([after(2, true)])
      } finally {
        await reopened.close()
      }
    })
  })
}
