/** ConversationQueries behaviour every dialect must show. Registered by repository-suite.ts. */
import { describe, expect, test } from 'bun:test'
import type { ConversationRecord, Store } from '../../../actors/ports.ts'
import type { Conversation, ConversationStatus } from '../../../protocol/index.ts'
import {
  T0,
  conversation,
  createWrite,
  operatorParty,
  rejectionOf,
  seedMessages,
} from '../fixtures.ts'

type InboxOptions = Parameters<Store['queries']['listInbox']>[0]

function wire(record: ConversationRecord): Conversation {
  const { ownerEpoch: _epoch, locale: _locale, ...rest } = record
  return rest
}

async function createAll(store: Store, records: ConversationRecord[]): Promise<void> {
  await Promise.all(records.map((r) => store.conversations.write(createWrite(r))))
}

/** Follows cursors to the end; returns every page's ids. */
async function walk(store: Store, opts: Omit<InboxOptions, 'cursor'>): Promise<string[][]> {
  const pages: string[][] = []
  let cursor: string | null = null
  do {
    const page = await store.queries.listInbox({ ...opts, cursor })
    pages.push(page.items.map((c) => c.id))
    cursor = page.nextCursor
  } while (cursor !== null && pages.length < 1000)
  return pages
}

const statuses: ConversationStatus[] = ['open', 'resolved', 'closed']

export function querySpecs(store: () => Store): void {
  describe('listMessages', () => {
    test('listMessages - without bounds gives the newest page, ascending', async () => {
      await seedMessages(store(), 'c1', 10)
      const page = await store().queries.listMessages('c1', { limit: 3 })
      expect(page.map((m) => m.seq)).toEqual([9, 10, 11])
    })

    test('listMessages - beforeSeq pages backwards through all messages exactly once', async () => {
      const seeded = await seedMessages(store(), 'c1', 10)
      const seen: number[] = []
      let beforeSeq: number | undefined
      for (;;) {
        const page = await store().queries.listMessages('c1', { beforeSeq, limit: 3 })
        if (page.length === 0) break
        seen.unshift(...page.map((m) => m.seq))
        beforeSeq = page[0]?.seq
      }
      expect(seen).toEqual(seeded.map((m) => m.seq))
      const justBefore = await store().queries.listMessages('c1', { beforeSeq: 9, limit: 3 })
      expect(justBefore).toEqual(seeded.slice(4, 7))
    })

    test('listMessages - afterSeq pages forwards', async () => {
      await seedMessages(store(), 'c1', 10)
      const q = store().queries
      expect((await q.listMessages('c1', { afterSeq: 2, limit: 3 })).map((m) => m.seq)).toEqual([
        3, 4, 5,
      ])
      expect(await q.listMessages('c1', { afterSeq: 11, limit: 3 })).toEqual([])
    })

    test('listMessages - a deleted message keeps its place with empty text', async () => {
      const [first] = await seedMessages(store(), 'c1', 2)
      await store().conversations.write({
        conversationId: 'c1',
        updateMessages: [{ id: first?.id ?? '', deletedAt: T0 + 9000, deletedBy: operatorParty() }],
        events: [],
      })
      const page = await store().queries.listMessages('c1', { limit: 10 })
      expect(page.map((m) => m.text)).toEqual(['', 'text 3'])
      expect(page[0]).toMatchObject({ deletedAt: T0 + 9000, deletedBy: operatorParty() })
    })
  })

  describe('listVisitorConversations', () => {
    test('listVisitorConversations - lists only that visitor, newest activity first', async () => {
      const older = conversation('c1', { lastMessageAt: T0 + 1000 })
      const newer = conversation('c2', { createdAt: T0 + 3000, updatedAt: T0 + 3000 })
      await createAll(store(), [older, newer, conversation('c3', { visitorId: 'visitor-2' })])
      const list = await store().queries.listVisitorConversations('visitor-1')
      expect(list).toEqual([wire(newer), wire(older)])
    })
  })

  describe('listInbox', () => {
    test('listInbox - open first, then resolved, then closed; newest activity first; then id', async () => {
      await createAll(store(), [
        conversation('a', { lastMessageAt: T0 + 5000 }),
        conversation('b', { createdAt: T0 + 6000 }),
        conversation('c', { lastMessageAt: T0 + 5000 }),
        conversation('d', { status: 'resolved', lastMessageAt: T0 + 9000 }),
        conversation('e', { status: 'closed', lastMessageAt: T0 + 9999 }),
        conversation('f', { status: 'resolved', lastMessageAt: T0 + 1000 }),
      ])
      const page = await store().queries.listInbox({
        inboxIds: null,
        unansweredOnly: false,
        cursor: null,
        limit: 50,
      })
      expect(page.items.map((c) => c.id)).toEqual(['b', 'a', 'c', 'd', 'f', 'e'])
      expect(page.items[1]).toEqual(wire(conversation('a', { lastMessageAt: T0 + 5000 })))
      expect(page.nextCursor).toBeNull()
    })

    test('listInbox - a write that changes status or activity moves the conversation', async () => {
      await createAll(store(), [conversation('a'), conversation('b', { createdAt: T0 + 10 })])
      const list = async () =>
        (
          await store().queries.listInbox({
            inboxIds: null,
            unansweredOnly: false,
            cursor: null,
            limit: 10,
          })
        ).items.map((c) => c.id)
      expect(await list()).toEqual(['b', 'a'])
      const c = store().conversations
      await c.write({ conversationId: 'a', update: { lastMessageAt: T0 + 99 }, events: [] })
      expect(await list()).toEqual(['a', 'b'])
      await c.write({ conversationId: 'a', update: { status: 'resolved' }, events: [] })
      expect(await list()).toEqual(['b', 'a'])
    })

    test('listInbox - filters by inbox, unanswered and status', async () => {
      await createAll(store(), [
        conversation('a', { inboxId: 'in-1', hasUnansweredIncoming: true }),
        conversation('b', { inboxId: 'in-2', hasUnansweredIncoming: true }),
        conversation('c', { inboxId: 'in-1' }),
        conversation('d', { inboxId: 'in-3', status: 'closed', hasUnansweredIncoming: true }),
      ])
      const ids = async (opts: Partial<InboxOptions>) =>
        (
          await store().queries.listInbox({
            inboxIds: null,
            unansweredOnly: false,
            cursor: null,
            limit: 10,
            ...opts,
          })
        ).items
          .map((c) => c.id)
          .sort()
      expect(await ids({ inboxIds: ['in-1'] })).toEqual(['a', 'c'])
      expect(await ids({ inboxIds: ['in-1', 'in-2'] })).toEqual(['a', 'b', 'c'])
      expect(await ids({ inboxIds: [] })).toEqual([])
      expect(await ids({ unansweredOnly: true })).toEqual(['a', 'b', 'd'])
      expect(await ids({ unansweredOnly: true, inboxIds: ['in-1'] })).toEqual(['a'])
      expect(await ids({ status: 'closed' })).toEqual(['d'])
    })

    test('listInbox - cursor pages have no duplicates or gaps', async () => {
      // Few distinct activity times, so many keys tie and the id breaks the tie.
      const records = Array.from({ length: 31 }, (_, i) =>
        conversation(`c${String(i).padStart(2, '0')}`, {
          status: statuses[i % 3],
          lastMessageAt: i % 4 === 0 ? null : T0 + (i % 5) * 1000,
          createdAt: T0 + (i % 2) * 500,
          hasUnansweredIncoming: i % 2 === 0,
        }),
      )
      await createAll(store(), records)
      for (const unansweredOnly of [false, true]) {
        const all = await store().queries.listInbox({
          inboxIds: null,
          unansweredOnly,
          cursor: null,
          limit: 100,
        })
        const pages = await walk(store(), { inboxIds: null, unansweredOnly, limit: 4 })
        expect(pages.flat()).toEqual(all.items.map((c) => c.id))
        expect(pages.slice(0, -1).every((p) => p.length === 4)).toBe(true)
      }
    })

    test('listInbox - a page holds at most 100 conversations', async () => {
      await createAll(
        store(),
        Array.from({ length: 105 }, (_, i) => conversation(`c${i}`)),
      )
      const page = await store().queries.listInbox({
        inboxIds: null,
        unansweredOnly: false,
        cursor: null,
        limit: 1000,
      })
      expect(page.items).toHaveLength(100)
      expect(page.nextCursor).not.toBeNull()
    })

    test('listInbox - a malformed cursor is a bad request', async () => {
      const list = store().queries.listInbox({
        inboxIds: null,
        unansweredOnly: false,
        cursor: 'not-a-cursor',
        limit: 10,
      })
      expect(await rejectionOf(list)).toMatchObject({ code: 'bad_request' })
    })
  })
}
