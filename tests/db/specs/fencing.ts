/**
 * Write fencing for a cluster: a conversation row carries its owner's epoch; a write that
 * expects another epoch is refused inside its transaction, and a new owner takes over by
 * claiming a higher epoch. Registered by repository-suite.ts.
 */
import { describe, expect, test } from 'bun:test'
import type { ConversationWrite, Store } from '../../../actors/ports.ts'
import {
  conversation,
  createWrite,
  message,
  operatorParty,
  postWrite,
  type DialectHarness,
  rejectionOf,
} from '../fixtures.ts'

const ownershipMoved = {
  code: 'unavailable',
  retryable: true,
  message: 'conversation ownership moved; retry',
}

/** Posts message `seq` to c1, expecting the owner epoch to be `epoch`. */
function fencedPost(seq: number, epoch: number | undefined): ConversationWrite {
  return { ...postWrite(message('c1', seq)), expectedEpoch: epoch }
}

export function fencingSpecs(store: () => Store, dialect: DialectHarness): void {
  describe('fencing', () => {
    test('fencing - without expectedEpoch a write commits whatever the stored epoch', async () => {
      await store().conversations.write(createWrite(conversation('c1', { ownerEpoch: 7 })))
      await store().conversations.write(fencedPost(2, undefined))
      expect((await store().conversations.loadConversation('c1'))?.conversation.lastSeq).toBe(2)
    })

    test('fencing - a write expecting the stored epoch commits', async () => {
      await store().conversations.write(createWrite(conversation('c1', { ownerEpoch: 7 })))
      await store().conversations.write(fencedPost(2, 7))
      expect(await store().conversations.getMessage('c1', 'c1-m2')).toEqual(message('c1', 2))
    })

    test('fencing - a write expecting another epoch is refused and stores nothing of it', async () => {
      await store().conversations.write(createWrite(conversation('c1', { ownerEpoch: 7 })))
      const write: ConversationWrite = {
        ...fencedPost(2, 6),
        readStates: [{ reader: operatorParty(), deliveredSeq: 2, readSeq: 2 }],
      }
      expect(await rejectionOf(store().conversations.write(write))).toMatchObject(ownershipMoved)
      const loaded = await store().conversations.loadConversation('c1')
      expect(loaded?.conversation).toEqual(conversation('c1', { ownerEpoch: 7 }))
      expect(loaded?.readStates).toEqual([])
      expect(await store().conversations.getMessage('c1', 'c1-m2')).toBeNull()
      expect((await store().conversations.eventsAfter('c1', 1, 10)).length).toBe(0)
    })

    test('fencing - after a claim the old owner is refused and the new owner commits', async () => {
      const c = store().conversations
      await c.write(createWrite(conversation('c1', { ownerEpoch: 1 })))
      expect(await c.claim('c1', 2)).toBe(true)
      expect(await rejectionOf(c.write(fencedPost(2, 1)))).toMatchObject(ownershipMoved)
      await c.write(fencedPost(2, 2))
      const loaded = await c.loadConversation('c1')
      expect(loaded?.conversation).toMatchObject({ ownerEpoch: 2, lastSeq: 2 })
    })

    test('fencing - epochs only go up: a lower claim is refused, the same one is a no-op', async () => {
      const c = store().conversations
      await c.write(createWrite(conversation('c1')))
      expect(await c.claim('c1', 5)).toBe(true)
      expect(await rejectionOf(c.claim('c1', 3))).toMatchObject(ownershipMoved)
      expect(await c.claim('c1', 5)).toBe(true)
      expect((await c.loadConversation('c1'))?.conversation.ownerEpoch).toBe(5)
    })

    test('fencing - acquire raises the epoch by one per activation and fences the older owner', async () => {
      const c = store().conversations
      await c.write(createWrite(conversation('c1', { ownerEpoch: 4 })))
      expect(await c.acquire('c1')).toBe(5)
      const second = await c.acquire('c1')
      expect(second).toBe(6)
      expect(await rejectionOf(c.write(fencedPost(2, 5)))).toMatchObject(ownershipMoved)
      await c.write(fencedPost(2, 6))
      expect((await c.loadConversation('c1'))?.conversation).toMatchObject({
        ownerEpoch: 6,
        lastSeq: 2,
      })
    })

    test('fencing - concurrent acquires each get their own epoch', async () => {
      const c = store().conversations
      await c.write(createWrite(conversation('c1')))
      const epochs = await Promise.all(Array.from({ length: 8 }, () => c.acquire('c1')))
      expect(new Set(epochs).size).toBe(8)
      expect(Math.max(...(epochs as number[]))).toBe(8)
    })

    test('fencing - acquiring a conversation that does not exist resolves null', async () => {
      expect(await store().conversations.acquire('missing')).toBeNull()
    })

    test('fencing - claiming a conversation that does not exist resolves false', async () => {
      expect(await store().conversations.claim('missing', 1)).toBe(false)
      expect(await store().conversations.loadConversation('missing')).toBeNull()
    })

    test('fencing - a refused write fails alone; the rest of its batch commits', async () => {
      const c = store().conversations
      await c.write(createWrite(conversation('c1', { ownerEpoch: 3 })))
      await c.write(createWrite(conversation('c2', { ownerEpoch: 3 })))
      const results = await Promise.allSettled([
        c.write({ ...postWrite(message('c1', 2)), expectedEpoch: 3 }),
        c.write({ ...postWrite(message('c2', 2)), expectedEpoch: 2 }),
        c.write(postWrite(message('c2', 2, { id: 'unfenced' }))),
      ])
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled'])
      expect(await c.getMessage('c1', 'c1-m2')).not.toBeNull()
      expect(await c.getMessage('c2', 'c2-m2')).toBeNull()
      expect(await c.getMessage('c2', 'unfenced')).not.toBeNull()
    })

    test('fencing - one batch fences many conversations, one of them twice; a missing one fails alone', async () => {
      const c = store().conversations
      for (const id of ['c1', 'c2', 'c3']) {
        await c.write(createWrite(conversation(id, { ownerEpoch: 7 })))
      }
      const results = await Promise.allSettled([
        c.write({ ...postWrite(message('c3', 2)), expectedEpoch: 7 }),
        c.write({ ...postWrite(message('c1', 2)), expectedEpoch: 7 }),
        c.write({ ...postWrite(message('c1', 3)), expectedEpoch: 7 }),
        c.write({ ...postWrite(message('gone', 2)), expectedEpoch: 7 }),
        c.write({ ...postWrite(message('c2', 2)), expectedEpoch: 7 }),
      ])
      expect(results.map((r) => r.status)).toEqual([
        'fulfilled',
        'fulfilled',
        'fulfilled',
        'rejected',
        'fulfilled',
      ])
      expect((results[3] as PromiseRejectedResult).reason).toMatchObject({ code: 'not_found' })
      for (const [id, seq] of [
        ['c1', 2],
        ['c1', 3],
        ['c2', 2],
        ['c3', 2],
      ] as const) {
        expect(await c.getMessage(id, `${id}-m${seq}`)).toEqual(message(id, seq))
      }
    })

    test('fencing - a claim through another connection fences the first one', async () => {
      await store().conversations.write(createWrite(conversation('c1', { ownerEpoch: 1 })))
      const other = await dialect.twin(store())
      try {
        expect(await other.conversations.claim('c1', 2)).toBe(true)
        expect(await rejectionOf(store().conversations.write(fencedPost(2, 1)))).toMatchObject(
          ownershipMoved,
        )
        await other.conversations.write(fencedPost(2, 2))
      } finally {
        await other.close()
      }
      expect(await store().conversations.getMessage('c1', 'c1-m2')).toEqual(message('c1', 2))
    })

    test('fencing - a first write creates the row with its epoch', async () => {
      const record = conversation('c1', { ownerEpoch: 4 })
      await store().conversations.write({ ...createWrite(record), expectedEpoch: 4 })
      expect((await store().conversations.loadConversation('c1'))?.conversation).toEqual(record)
      const wrong = { ...createWrite(conversation('c2', { ownerEpoch: 4 })), expectedEpoch: 5 }
      expect(await rejectionOf(store().conversations.write(wrong))).toMatchObject({
        message: expect.stringContaining('another epoch'),
      })
      expect(await store().conversations.loadConversation('c2')).toBeNull()
    })

    test('fencing - an event refused with its write is not replayed', async () => {
      await store().conversations.write(createWrite(conversation('c1', { ownerEpoch: 2 })))
      expect(await rejectionOf(store().conversations.write(fencedPost(2, 1)))).toMatchObject({
        code: 'unavailable',
      })
      const replay = await store().conversations.eventsAfter('c1', 0, 10)
      expect(replay).toEqual(createWrite(conversation('c1', { ownerEpoch: 2 })).events)
    })
  })
}
