/**
 * GroupCommitter with a fake commit function. The fake records every transaction and can hold
 * one open, which is how these tests see what queues up behind an in-flight transaction.
 */
import { describe, expect, test } from 'bun:test'
import { GroupCommitter } from '../../db/index.ts'

interface Unit {
  conversationId: string
  seq: number
  /** The fake database refuses this unit, alone or in a batch. */
  bad?: boolean
}

/** A fake database: records each transaction's units; `hold()` keeps the next one open. */
function fakeDatabase() {
  const transactions: Unit[][] = []
  let gate: PromiseWithResolvers<void> | null = null
  let started = Promise.withResolvers<void>()
  return {
    transactions,
    async commit(units: readonly Unit[]): Promise<void> {
      transactions.push([...units])
      started.resolve()
      const held = gate
      gate = null
      if (held) await held.promise
      if (units.some((u) => u.bad)) throw new Error(`refused ${units.length} units`)
    },
    /** Holds the next transaction open until the returned release is called. */
    hold(): () => void {
      const held = Promise.withResolvers<void>()
      gate = held
      return () => held.resolve()
    },
    /** Resolves when the next transaction starts. */
    nextStart(): Promise<void> {
      started = Promise.withResolvers<void>()
      return started.promise
    },
  }
}

const unit = (conversationId: string, seq = 1, bad = false): Unit => ({ conversationId, seq, bad })

describe('group commit', () => {
  test('group commit - units submitted in one event-loop turn share one transaction', async () => {
    const db = fakeDatabase()
    const committer = new GroupCommitter(db.commit)
    await Promise.all([committer.submit(unit('a')), committer.submit(unit('b'))])
    expect(db.transactions).toEqual([[unit('a'), unit('b')]])
  })

  test('group commit - units queued behind an open transaction all go into the next one', async () => {
    const db = fakeDatabase()
    const committer = new GroupCommitter(db.commit)
    const release = db.hold()
    const started = db.nextStart()
    const first = committer.submit(unit('first'))
    await started
    // A hundred conversations each post while the first transaction is still open.
    const queued = Array.from({ length: 100 }, (_, i) => committer.submit(unit(`conv-${i}`)))
    expect(db.transactions).toHaveLength(1)
    release()
    await Promise.all([first, ...queued])
    expect(db.transactions).toHaveLength(2)
    expect(db.transactions[1]).toHaveLength(100)
    expect(new Set(db.transactions[1]?.map((u) => u.conversationId)).size).toBe(100)
    expect(committer.stats()).toEqual({ transactions: 2, writesCommitted: 101, maxBatch: 100 })
  })

  test('group commit - a unit is not acknowledged before its transaction commits', async () => {
    const db = fakeDatabase()
    const committer = new GroupCommitter(db.commit)
    const release = db.hold()
    const started = db.nextStart()
    let acknowledged = false
    const done = committer.submit(unit('a')).then(() => {
      acknowledged = true
    })
    await started
    await Promise.resolve()
    expect(acknowledged).toBe(false)
    release()
    await done
    expect(acknowledged).toBe(true)
  })

  test('group commit - a failing unit rejects alone; the rest of its batch commits', async () => {
    const db = fakeDatabase()
    const committer = new GroupCommitter(db.commit)
    const results = await Promise.allSettled([
      committer.submit(unit('a')),
      committer.submit(unit('b', 1, true)),
      committer.submit(unit('c')),
    ])
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled'])
    expect(results[1]).toMatchObject({ reason: new Error('refused 1 units') })
    // The failed batch, then each of its units alone, in submission order.
    expect(db.transactions.map((t) => t.map((u) => u.conversationId))).toEqual([
      ['a', 'b', 'c'],
      ['a'],
      ['b'],
      ['c'],
    ])
    expect(committer.stats()).toEqual({ transactions: 2, writesCommitted: 2, maxBatch: 1 })
  })

  test("group commit - a batch error that is nobody's fault (failsBatch) rejects every unit at once, with no retries", async () => {
    const db = fakeDatabase()
    const down = new Error('database unreachable')
    const committer = new GroupCommitter<Unit>(
      async (units) => {
        await db.commit(units)
        throw down
      },
      { failsBatch: (error) => error === down },
    )
    const results = await Promise.allSettled([
      committer.submit(unit('a')),
      committer.submit(unit('b')),
      committer.submit(unit('c')),
    ])
    expect(results.map((r) => (r.status === 'rejected' ? r.reason : r.status))).toEqual([
      down,
      down,
      down,
    ])
    expect(db.transactions).toEqual([[unit('a'), unit('b'), unit('c')]])
    expect(committer.stats().transactions).toBe(0)
  })

  test('group commit - a batch never exceeds maxBatchSize', async () => {
    const db = fakeDatabase()
    const committer = new GroupCommitter(db.commit, { maxBatchSize: 4 })
    await Promise.all(Array.from({ length: 10 }, (_, i) => committer.submit(unit(`c${i}`))))
    expect(db.transactions.map((t) => t.length)).toEqual([4, 4, 2])
    expect(committer.stats().maxBatch).toBe(4)
  })

  test('group commit - close waits for queued units, then refuses new ones', async () => {
    const db = fakeDatabase()
    const committer = new GroupCommitter(db.commit)
    const release = db.hold()
    const started = db.nextStart()
    const first = committer.submit(unit('a'))
    await started
    const second = committer.submit(unit('b'))
    let closed = false
    const closing = committer.close().then(() => {
      closed = true
    })
    await Promise.resolve()
    expect(closed).toBe(false)
    release()
    await closing
    await Promise.all([first, second])
    expect(db.transactions.flat().map((u) => u.conversationId)).toEqual(['a', 'b'])
    await expect(committer.submit(unit('c'))).rejects.toThrow('closed')
  })

  test('group commit - close of an idle committer resolves at once', async () => {
    const committer = new GroupCommitter(fakeDatabase().commit)
    await committer.close()
    expect(committer.stats()).toEqual({ transactions: 0, writesCommitted: 0, maxBatch: 0 })
  })

  test('group commit - a synchronous commit function works the same', async () => {
    const seen: number[] = []
    const committer = new GroupCommitter<number>((units) => {
      if (units.includes(2)) throw new Error('bad unit')
      seen.push(...units)
    })
    const results = await Promise.allSettled([1, 2, 3].map((n) => committer.submit(n)))
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled'])
    expect(seen).toEqual([1, 3])
  })
})
