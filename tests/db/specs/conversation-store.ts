/** ConversationStore behaviour every dialect must show. Registered by repository-suite.ts. */
import { describe, expect, test } from 'bun:test'
import type { Store } from '../../../actors/ports.ts'
import type { ConversationEvent } from '../../../protocol/index.ts'
import {
  T0,
  conversation,
  createWrite,
  message,
  messageCreated,
  operatorParty,
  postWrite,
  seedMessages,
  visitorParty,
  rejectionOf,
} from '../fixtures.ts'

export function conversationStoreSpecs(store: () => Store): void {
  describe('conversations', () => {
    test('conversations - a created conversation loads back with its owner epoch', async () => {
      const record = conversation('c1', { ownerEpoch: 3, assigneeId: 'op-1' })
      await store().conversations.write(createWrite(record))
      expect(await store().conversations.loadConversation('c1')).toEqual({
        conversation: record,
        readStates: [],
      })
    })

    test('conversations - an unknown id loads as null', async () => {
      expect(await store().conversations.loadConversation('missing')).toBeNull()
    })

    test('conversations - one write stores row update, message, read states and events', async () => {
      await store().conversations.write(createWrite(conversation('c1')))
      const m = message('c1', 2)
      await store().conversations.write({
        ...postWrite(m),
        readStates: [{ reader: visitorParty(), deliveredSeq: 2, readSeq: 2 }],
      })
      const loaded = await store().conversations.loadConversation('c1')
      expect(loaded?.conversation).toMatchObject({
        lastSeq: 2,
        lastMessageAt: m.createdAt,
        hasUnansweredIncoming: true,
      })
      expect(loaded?.readStates).toEqual([{ reader: visitorParty(), deliveredSeq: 2, readSeq: 2 }])
      expect(await store().conversations.getMessage('c1', m.id)).toEqual(m)
      const events = await store().conversations.eventsAfter('c1', 1, 10)
      expect(events).toEqual([messageCreated(m)])
    })

    test('conversations - a write that fails in one part changes nothing', async () => {
      await seedMessages(store(), 'c1', 1)
      // seq 2 is taken: the log append fails after the row update ran.
      const m = message('c1', 2, { id: 'taken-seq', clientMsgId: 'fresh' })
      expect(await rejectionOf(store().conversations.write(postWrite(m)))).toMatchObject({
        code: 'conflict',
      })
      expect(await store().conversations.getMessage('c1', m.id)).toBeNull()
      expect((await store().conversations.loadConversation('c1'))?.conversation.lastSeq).toBe(2)
      await store().conversations.write(postWrite(message('c1', 3, { id: 'after' })))
      expect((await store().conversations.loadConversation('c1'))?.conversation.lastSeq).toBe(3)
    })

    test('conversations - patching an unknown conversation rejects', async () => {
      const write = { conversationId: 'missing', update: { lastSeq: 4 }, events: [] }
      expect(await rejectionOf(store().conversations.write(write))).toMatchObject({
        code: 'not_found',
      })
    })

    test('conversations - writes of many conversations issued together share a transaction', async () => {
      const before = store().stats()
      await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          store().conversations.write(createWrite(conversation(`c${i}`))),
        ),
      )
      const after = store().stats()
      expect(after.transactions - before.transactions).toBe(1)
      expect(after.writesCommitted - before.writesCommitted).toBe(50)
      expect(after.maxBatch).toBeGreaterThanOrEqual(50)
    })

    test('conversations - a bad write fails alone and its batch commits', async () => {
      await store().conversations.write(createWrite(conversation('dup')))
      const results = await Promise.allSettled([
        store().conversations.write(createWrite(conversation('a'))),
        store().conversations.write(createWrite(conversation('dup'))),
        store().conversations.write(createWrite(conversation('b'))),
      ])
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled'])
      expect(await store().conversations.loadConversation('a')).not.toBeNull()
      expect(await store().conversations.loadConversation('b')).not.toBeNull()
    })
  })

  describe('messages', () => {
    test('messages - a second send with the same author and client id is rejected', async () => {
      await seedMessages(store(), 'c1', 1)
      const retry = message('c1', 3, { id: 'other', clientMsgId: 'client-2' })
      expect(await rejectionOf(store().conversations.write(postWrite(retry)))).toMatchObject({
        code: 'conflict',
      })
      // The same client id from another author is another message.
      const fromOperator = message('c1', 3, { clientMsgId: 'client-2', author: operatorParty() })
      await store().conversations.write(postWrite(fromOperator))
      expect(await store().conversations.getMessage('c1', fromOperator.id)).toEqual(fromOperator)
    })

    test('messages - findMessageByClientId finds the original send of that author', async () => {
      const [first] = await seedMessages(store(), 'c1', 2)
      const found = await store().conversations.findMessageByClientId(
        'c1',
        visitorParty(),
        'client-2',
      )
      expect(found).toEqual(first ?? null)
      const c = store().conversations
      expect(await c.findMessageByClientId('c1', operatorParty(), 'client-2')).toBeNull()
      expect(await c.findMessageByClientId('c2', visitorParty(), 'client-2')).toBeNull()
    })

    test('messages - a NUL character in text or client id is refused the same on every dialect', async () => {
      await store().conversations.write(createWrite(conversation('c1')))
      const c = store().conversations
      for (const m of [
        message('c1', 2, { text: 'a\u0000b' }),
        message('c1', 2, { clientMsgId: 'id\u0000' }),
      ]) {
        expect(await rejectionOf(c.write(postWrite(m)))).toMatchObject({
          code: 'validation_failed',
        })
      }
      expect(await store().queries.listMessages('c1', { limit: 10 })).toEqual([])
    })

    test('messages - messages without a client id never collide', async () => {
      await store().conversations.write(createWrite(conversation('c1')))
      await store().conversations.write(postWrite(message('c1', 2, { clientMsgId: null })))
      await store().conversations.write(postWrite(message('c1', 3, { clientMsgId: null })))
      expect(await store().queries.listMessages('c1', { limit: 10 })).toHaveLength(2)
    })

    test('messages - an edit and a delete patch the stored message; deleted text reads empty', async () => {
      const [m] = await seedMessages(store(), 'c1', 1)
      if (!m) throw new Error('seed failed')
      const c = store().conversations
      await c.write({
        conversationId: 'c1',
        updateMessages: [{ id: m.id, text: 'edited', editedAt: T0 + 5000 }],
        events: [],
      })
      expect(await c.getMessage('c1', m.id)).toEqual({
        ...m,
        text: 'edited',
        editedAt: T0 + 5000,
      })
      await c.write({
        conversationId: 'c1',
        updateMessages: [{ id: m.id, deletedAt: T0 + 6000, deletedBy: operatorParty() }],
        events: [],
      })
      expect(await c.getMessage('c1', m.id)).toEqual({
        ...m,
        text: '',
        editedAt: T0 + 5000,
        deletedAt: T0 + 6000,
        deletedBy: operatorParty(),
      })
    })

    test('messages - a patch for a message of another conversation rejects and changes nothing', async () => {
      const [m] = await seedMessages(store(), 'c1', 1)
      await store().conversations.write(createWrite(conversation('c2')))
      const write = {
        conversationId: 'c2',
        update: { lastSeq: 9 },
        updateMessages: [{ id: m?.id ?? '', text: 'hijack' }],
        events: [],
      }
      expect(await rejectionOf(store().conversations.write(write))).toMatchObject({
        code: 'not_found',
      })
      expect((await store().conversations.getMessage('c1', m?.id ?? ''))?.text).toBe('text 2')
      expect((await store().conversations.loadConversation('c2'))?.conversation.lastSeq).toBe(1)
    })
  })

  describe('events', () => {
    test('events - eventsAfter returns later events in seq order, at most limit', async () => {
      await seedMessages(store(), 'c1', 5)
      await seedMessages(store(), 'c2', 3)
      const c = store().conversations
      expect((await c.eventsAfter('c1', 0, 100)).map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6])
      expect((await c.eventsAfter('c1', 2, 2)).map((e) => e.seq)).toEqual([3, 4])
      expect(await c.eventsAfter('c1', 6, 10)).toEqual([])
      expect(await c.eventsAfter('c1', 0, 0)).toEqual([])
      const all = await c.eventsAfter('c2', 0, 10)
      expect(all.every((e) => e.conversationId === 'c2')).toBe(true)
      expect(all[0]?.name).toBe('conversation.created')
    })

    test('events - replay carries each message as it is now: edits applied, deleted text blank', async () => {
      const [kept, gone] = await seedMessages(store(), 'c1', 2)
      if (!kept || !gone) throw new Error('seed failed')
      const edited = { ...gone, text: 'edited', editedAt: T0 + 9000 }
      const updated: ConversationEvent = {
        name: 'message.updated',
        data: { message: edited },
        conversationId: 'c1',
        seq: 4,
        at: T0 + 9000,
      }
      const c = store().conversations
      await c.write({
        conversationId: 'c1',
        update: { lastSeq: 4 },
        updateMessages: [{ id: gone.id, text: 'edited', editedAt: T0 + 9000 }],
        events: [updated],
      })
      await c.write({
        conversationId: 'c1',
        update: { lastSeq: 5 },
        updateMessages: [{ id: gone.id, deletedAt: T0 + 10_000, deletedBy: visitorParty() }],
        readStates: [{ reader: operatorParty(), deliveredSeq: 5, readSeq: 5 }],
        events: [
          {
            name: 'read.updated',
            data: { reader: operatorParty(), deliveredSeq: 5, readSeq: 5 },
            conversationId: 'c1',
            seq: 5,
            at: T0 + 10_000,
          },
        ],
      })
      const events = await c.eventsAfter('c1', 1, 10)
      const now = { ...edited, text: '', deletedAt: T0 + 10_000, deletedBy: visitorParty() }
      expect(events).toEqual([
        messageCreated(kept),
        messageCreated(now),
        { ...updated, data: { message: now } },
        {
          name: 'read.updated',
          data: { reader: operatorParty(), deliveredSeq: 5, readSeq: 5 },
          conversationId: 'c1',
          seq: 5,
          at: T0 + 10_000,
        },
      ])
      // The edited-away text is nowhere in the log any more.
      expect(JSON.stringify(await c.eventsAfter('c1', 0, 10))).not.toContain('text 3')
    })
  })

  describe('read states', () => {
    test('read states - watermarks never move back', async () => {
      await store().conversations.write(createWrite(conversation('c1')))
      const c = store().conversations
      const mark = (deliveredSeq: number, readSeq: number) =>
        c.write({
          conversationId: 'c1',
          readStates: [{ reader: operatorParty(), deliveredSeq, readSeq }],
          events: [],
        })
      await mark(5, 3)
      await mark(4, 4)
      await mark(2, 1)
      const loaded = await c.loadConversation('c1')
      expect(loaded?.readStates).toEqual([{ reader: operatorParty(), deliveredSeq: 5, readSeq: 4 }])
    })

    test('read states - each reader has its own watermark', async () => {
      await store().conversations.write(createWrite(conversation('c1')))
      await store().conversations.write({
        conversationId: 'c1',
        readStates: [
          { reader: visitorParty(), deliveredSeq: 1, readSeq: 1 },
          { reader: operatorParty('op-1'), deliveredSeq: 1, readSeq: 0 },
          { reader: operatorParty('op-2'), deliveredSeq: 0, readSeq: 0 },
        ],
        events: [],
      })
      const loaded = await store().conversations.loadConversation('c1')
      expect(loaded?.readStates).toHaveLength(3)
      expect(loaded?.readStates).toContainEqual({
        reader: operatorParty('op-1'),
        deliveredSeq: 1,
        readSeq: 0,
      })
    })
  })
}
