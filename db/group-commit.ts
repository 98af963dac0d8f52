/**
 * Group commit, independent of any database. Units submitted while a transaction is in flight
 * wait and then all go into the next one, whichever conversation they belong to, so a hundred
 * conversations posting at once cost one commit instead of a hundred.
 */

/** Commits every unit in one transaction: all of them or none (then it throws). */
export type CommitBatch<T> = (units: readonly T[]) => Promise<void> | void

/** Counters for /metrics and for tests that prove batching. */
export interface GroupCommitStats {
  /** Transactions that committed. */
  transactions: number
  /** Units that committed. */
  writesCommitted: number
  /** Largest number of units that shared one committed transaction. */
  maxBatch: number
}

export interface GroupCommitterOptions {
  /** Most units in one transaction; the rest wait for the next one. Default 512. */
  maxBatchSize?: number
  /**
   * True for a batch error that is not any one unit's fault (the database is unreachable): every
   * unit of the batch rejects with it at once. Other errors are retried unit by unit, so that
   * only the guilty unit fails.
   */
  failsBatch?: (error: unknown) => boolean
}

interface Pending<T> {
  unit: T
  resolve: () => void
  reject: (error: unknown) => void
}

/** Queues units and commits them in shared transactions. See the module comment. */
export class GroupCommitter<T> {
  readonly #commit: CommitBatch<T>
  readonly #maxBatchSize: number
  readonly #failsBatch: (error: unknown) => boolean
  #queue: Pending<T>[] = []
  /** A flush is scheduled or running; submits only queue until it has drained the queue. */
  #busy = false
  #closed = false
  #idleWaiters: (() => void)[] = []
  readonly #stats: GroupCommitStats = { transactions: 0, writesCommitted: 0, maxBatch: 0 }

  constructor(commit: CommitBatch<T>, options: GroupCommitterOptions = {}) {
    const maxBatchSize = options.maxBatchSize ?? 512
    if (!Number.isInteger(maxBatchSize) || maxBatchSize < 1) {
      throw new RangeError('maxBatchSize must be a positive integer')
    }
    this.#commit = commit
    this.#maxBatchSize = maxBatchSize
    this.#failsBatch = options.failsBatch ?? (() => false)
  }

  /** Resolves once the unit is committed; rejects with the error of its own transaction. */
  submit(unit: T): Promise<void> {
    if (this.#closed) return Promise.reject(new Error('group committer is closed'))
    const { promise, resolve, reject } = Promise.withResolvers<void>()
    this.#queue.push({ unit, resolve, reject })
    if (!this.#busy) {
      this.#busy = true
      // The next macrotask, not a microtask: every unit submitted in this event-loop turn,
      // including by promise continuations, joins the same transaction.
      setImmediate(() => void this.#drain())
    }
    return promise
  }

  stats(): GroupCommitStats {
    return { ...this.#stats }
  }

  /** Refuses new units and resolves when everything already queued has been committed. */
  close(): Promise<void> {
    this.#closed = true
    if (!this.#busy) return Promise.resolve()
    const { promise, resolve } = Promise.withResolvers<void>()
    this.#idleWaiters.push(resolve)
    return promise
  }

  async #drain(): Promise<void> {
    while (this.#queue.length > 0) {
      const batch = this.#queue.splice(0, this.#maxBatchSize)
      await this.#commitBatch(batch)
    }
    this.#busy = false
    for (const resolve of this.#idleWaiters.splice(0)) resolve()
  }

  async #commitBatch(batch: Pending<T>[]): Promise<void> {
    try {
      await this.#commit(batch.map((p) => p.unit))
    } catch (error) {
      if (batch.length === 1 || this.#failsBatch(error)) {
        for (const pending of batch) pending.reject(error)
        return
      }
      // One bad unit must not fail the others: retry each alone so only the guilty one
      // rejects. In submission order, so a unit that depends on an earlier one still sees it.
      for (const pending of batch) await this.#commitBatch([pending])
      return
    }
    this.#stats.transactions += 1
    this.#stats.writesCommitted += batch.length
    this.#stats.maxBatch = Math.max(this.#stats.maxBatch, batch.length)
    for (const pending of batch) pending.resolve()
  }
}
