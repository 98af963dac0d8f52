/**
 * Unread badges: operatorBadges and countVisitorMessagesAfter. An operator's unread count is
 * the visitor messages (not deleted) after that operator's own read watermark.
 * Registered by repository-suite.ts.
 */
import { describe, expect, test } from 'bun:test'
import type { ConversationRecord, Store } from '../../../actors/ports.ts'
import type { Party } from '../../../protocol/index.ts'
import {
  T0,
  conversation,
  createWrite,
  message,
  operatorParty,
  postWrite,
  visitorParty,
} from '../fixtures.ts'

/** Creates the conversation and posts one message per author, with seq 2, 3, ... */
async function seed(store: Store, record: ConversationRecord, authors: Party[]): Promise<void> {
  await store.conversations.write(createWrite(record))
  for (const [i, author] of authors.entries()) {
    await store.conversations.write(postWrite(message(record.id, i + 2, { author })))
  }
}

async function markRead(store: Store, conversationId: string, reader: Party, readSeq: number) {
  await store.conversations.write({
    conversationId,
    readStates: [{ reader, deliveredSeq: readSeq, readSeq }],
    events: [],
  })
}

async function deleteMessage(store: Store, conversationId: string, seq: number) {
  await store.conversations.write({
    conversationId,
    updateMessages: [
      { id: `${conversationId}-m${seq}`, deletedAt: T0 + 99_000, deletedBy: visitorParty() },
    ],
    events: [],
  })
}

const visitor = visitorParty()
const op1 = operatorParty('op-1')
const op2 = operatorParty('op-2')

/**
 * `mine` (op-1): visitor 2, 3; op-1 4; visitor 5; visitor 6 deleted; op-1 read up to 3.
 * `queued` (nobody): visitor 2, 3; never read by op-1.
 * `quiet` (op-1): no messages. `theirs` (op-2), `done` (op-1, resolved) and `elsewhere`
 * (inbox-2, nobody) each have one visitor message.
 */
async function seedInbox(store: Store): Promise<void> {
  await seed(store, conversation('mine', { assigneeId: 'op-1' }), [
    visitor,
    visitor,
    op1,
    visitor,
    visitor,
  ])
  await deleteMessage(store, 'mine', 6)
  await markRead(store, 'mine', op1, 3)
  await seed(store, conversation('queued'), [visitor, visitor])
  await seed(store, conversation('quiet', { assigneeId: 'op-1' }), [])
  await seed(store, conversation('theirs', { assigneeId: 'op-2' }), [visitor])
  await seed(store, conversation('done', { assigneeId: 'op-1', status: 'resolved' }), [visitor])
  await seed(store, conversation('elsewhere', { inboxId: 'inbox-2' }), [visitor])
}

export function badgeSpecs(store: () => Store): void {
  describe('operatorBadges', () => {
    test('operatorBadges - own and unassigned open conversations, with unread after the own watermark', async () => {
      await seedInbox(store())
      expect(await store().queries.operatorBadges('op-1', ['inbox-1'])).toEqual([
        { conversationId: 'mine', readSeq: 3, unread: 1, hasUnansweredIncoming: true, lastSeq: 6 },
        {
          conversationId: 'queued',
          readSeq: 0,
          unread: 2,
          hasUnansweredIncoming: true,
          lastSeq: 3,
        },
        {
          conversationId: 'quiet',
          readSeq: 0,
          unread: 0,
          hasUnansweredIncoming: false,
          lastSeq: 1,
        },
      ])
    })

    test('operatorBadges - narrowed to one conversation: its row, or none outside the badge set', async () => {
      await seedInbox(store())
      expect(await store().queries.operatorBadges('op-1', ['inbox-1'], 'queued')).toEqual([
        {
          conversationId: 'queued',
          readSeq: 0,
          unread: 2,
          hasUnansweredIncoming: true,
          lastSeq: 3,
        },
      ])
      expect(await store().queries.operatorBadges('op-1', ['inbox-1'], 'theirs')).toEqual([])
      expect(await store().queries.operatorBadges('op-1', ['inbox-2'], 'queued')).toEqual([])
    })

    test('operatorBadges - other readers watermarks do not count', async () => {
      await seedInbox(store())
      await markRead(store(), 'queued', op2, 3)
      await markRead(store(), 'queued', visitor, 3)
      const badges = await store().queries.operatorBadges('op-1', ['inbox-1'])
      expect(badges.find((b) => b.conversationId === 'queued')).toMatchObject({
        readSeq: 0,
        unread: 2,
      })
      const theirs = await store().queries.operatorBadges('op-2', ['inbox-1'])
      expect(theirs.map((b) => [b.conversationId, b.readSeq, b.unread])).toEqual([
        ['queued', 3, 0],
        ['theirs', 0, 1],
      ])
    })

    test('operatorBadges - operator messages and deleted messages are never unread', async () => {
      await seed(store(), conversation('c1', { assigneeId: 'op-1' }), [visitor, op1, op1])
      await deleteMessage(store(), 'c1', 2)
      const [badge] = await store().queries.operatorBadges('op-1', ['inbox-1'])
      expect(badge).toEqual({
        conversationId: 'c1',
        readSeq: 0,
        unread: 0,
        hasUnansweredIncoming: false,
        lastSeq: 4,
      })
    })

    test('operatorBadges - covers every inbox asked for and no other', async () => {
      await seedInbox(store())
      const q = store().queries
      const ids = async (inboxIds: string[]) =>
        (await q.operatorBadges('op-1', inboxIds)).map((b) => b.conversationId)
      expect(await ids(['inbox-1', 'inbox-2'])).toEqual(['elsewhere', 'mine', 'queued', 'quiet'])
      expect(await ids(['inbox-2'])).toEqual(['elsewhere'])
      expect(await ids([])).toEqual([])
    })

    test('operatorBadges - a read receipt brings unread to 0 and keeps the row', async () => {
      await seedInbox(store())
      await markRead(store(), 'mine', op1, 6)
      const badges = await store().queries.operatorBadges('op-1', ['inbox-1'])
      expect(badges[0]).toMatchObject({ conversationId: 'mine', readSeq: 6, unread: 0 })
    })
  })

  describe('countVisitorMessagesAfter', () => {
    test('countVisitorMessagesAfter - counts visitor messages, not deleted, in (afterSeq, upToSeq]', async () => {
      await seedInbox(store())
      const q = store().queries
      const all = Number.MAX_SAFE_INTEGER
      expect(await q.countVisitorMessagesAfter('mine', 0, all)).toBe(3)
      expect(await q.countVisitorMessagesAfter('mine', 3, all)).toBe(1)
      expect(await q.countVisitorMessagesAfter('mine', 5, all)).toBe(0)
      expect(await q.countVisitorMessagesAfter('queued', 2, all)).toBe(1)
      expect(await q.countVisitorMessagesAfter('missing', 0, all)).toBe(0)
      // The upper bound: only what one change covers, not what was written after it.
      expect(await q.countVisitorMessagesAfter('mine', 0, 3)).toBe(2)
      expect(await q.countVisitorMessagesAfter('mine', 0, 4)).toBe(2)
      expect(await q.countVisitorMessagesAfter('queued', 0, 2)).toBe(1)
    })
  })
}
