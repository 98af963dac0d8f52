/**
 * The store's SQLite writer thread, seen from the event loop: `commit(units)` sends a batch of
 * planned conversation writes to a Worker that owns a second connection to the file, and
 * resolves once that transaction committed durably (or rejects with the error it failed with,
 * rebuilt as the type the store classifies). bun:sqlite is synchronous: on the main connection
 * a batch of a few hundred messages holds the event loop for milliseconds (its B-tree work and
 * the fsync of the commit); here sockets keep being served meanwhile, and on a machine with a
 * second core the writes run beside them.
 *
 * A thread that dies fails what it had in flight as `unavailable` (the store then reports not
 * ready until a write succeeds) and is started again for the next batch.
 */
import type { PlannedWrite } from '../repos/writes.ts'
import type { Params } from '../sql/statements.ts'
import type { TableName } from '../sql/tables.ts'
import { SqliteWriterStopped } from './connection.ts'
import { rebuildError, type FromWriter, type ToWriter } from './writer-protocol.ts'

/** Bounded: a thread that does not open or close in this time is ended. */
const START_TIMEOUT_MS = 10_000
const CLOSE_TIMEOUT_MS = 5_000

interface Running {
  worker: Worker & { ref?: () => void; unref?: () => void }
  post(message: ToWriter): void
}

export class SqliteWriterThread {
  #running: Promise<Running> | null = null
  #closed = false
  #nextId = 1
  readonly #pending = new Map<number, { resolve(): void; reject(error: unknown): void }>()

  private constructor(private readonly path: string) {}

  /** Starts the thread on the file at `path` (already created and migrated). */
  static async start(path: string): Promise<SqliteWriterThread> {
    const thread = new SqliteWriterThread(path)
    await thread.#ensure()
    return thread
  }

  /** Commits the batch in one transaction on the writer thread. */
  commit(units: readonly PlannedWrite[]): Promise<void> {
    return this.#request((id) => ({ type: 'commit', id, units: JSON.stringify(units) }))
  }

  /**
   * Inserts plain rows of one table in one transaction on the writer thread (rows JSON carries
   * unchanged: strings, finite numbers, booleans, null, plain objects for JSON columns).
   */
  insert(table: TableName, doNothing: boolean, rows: readonly Params[]): Promise<void> {
    return this.#request((id) => ({
      type: 'insert',
      id,
      table,
      doNothing,
      rows: JSON.stringify(rows),
    }))
  }

  async #request(message: (id: number) => ToWriter): Promise<void> {
    if (this.#closed) throw new SqliteWriterStopped('the store is closed')
    const running = await this.#ensure()
    const id = this.#nextId++
    const { promise, resolve, reject } = Promise.withResolvers<void>()
    // Referenced while a batch is in flight: an unreferenced worker does not keep the process
    // alive, and a script with nothing else to wait for would exit before the answer.
    if (this.#pending.size === 0) running.worker.ref?.()
    this.#pending.set(id, { resolve, reject })
    try {
      running.post(message(id))
    } catch (error) {
      // Not sent (a value JSON cannot carry): nothing to wait for.
      this.#settle(id, error instanceof Error ? error : new Error(String(error)))
    }
    return promise
  }

  /** Lets the batches in flight finish, then closes the thread's connection and the thread. */
  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    const running = await this.#running?.catch(() => null)
    if (!running) return
    const { promise: closed, resolve } = Promise.withResolvers<void>()
    running.worker.addEventListener('message', (event: MessageEvent<FromWriter>) => {
      if (event.data.type === 'closed') resolve()
    })
    // After every commit already posted: the thread handles its messages in order.
    running.worker.ref?.()
    running.post({ type: 'close' })
    const timeout = new Promise<void>((r) => setTimeout(r, CLOSE_TIMEOUT_MS).unref?.())
    await Promise.race([closed, timeout])
    running.worker.terminate()
    this.#fail(new SqliteWriterStopped('the store is closed'))
  }

  /** Ends the thread at once, as a crash would (fault tests); the next batch starts another. */
  async abort(): Promise<void> {
    const running = await this.#running?.catch(() => null)
    running?.worker.terminate()
  }

  #ensure(): Promise<Running> {
    this.#running ??= this.#spawn().catch((error: unknown) => {
      this.#running = null
      throw error
    })
    return this.#running
  }

  async #spawn(): Promise<Running> {
    const worker = new Worker(new URL('./writer-worker.ts', import.meta.url).href)
    const post = (message: ToWriter) => worker.postMessage(message)
    const { promise: opened, resolve, reject } = Promise.withResolvers<void>()
    const stopped = (reason: string) => {
      reject(new SqliteWriterStopped(reason))
      if (this.#running && current) {
        this.#running = null
        this.#fail(new SqliteWriterStopped(reason))
      }
    }
    let current: Running | null = null
    worker.addEventListener('message', (event: MessageEvent<FromWriter>) => {
      const message = event.data
      switch (message.type) {
        case 'ready':
          resolve()
          return
        case 'open_failed':
          reject(rebuildError(message.error))
          return
        case 'committed':
          this.#settle(message.id)
          return
        case 'failed':
          this.#settle(message.id, rebuildError(message.error))
          return
        case 'closed':
          return
      }
    })
    worker.addEventListener('error', (event: ErrorEvent) => {
      stopped(event.message || 'uncaught error')
      worker.terminate()
    })
    worker.addEventListener('close', () => stopped('exited'))
    // Idle, the thread must not keep a finished process alive.
    ;(worker as Running['worker']).unref?.()
    post({ type: 'open', path: this.path })
    const timer = setTimeout(
      () => reject(new SqliteWriterStopped('did not open in time')),
      START_TIMEOUT_MS,
    )
    try {
      await opened
    } catch (error) {
      worker.terminate()
      throw error
    } finally {
      clearTimeout(timer)
    }
    current = { worker, post }
    return current
  }

  #settle(id: number, error?: Error): void {
    const pending = this.#pending.get(id)
    if (!pending) return
    this.#pending.delete(id)
    if (this.#pending.size === 0)
      void this.#running?.then(
        (r) => r.worker.unref?.(),
        () => {},
      )
    if (error) pending.reject(error)
    else pending.resolve()
  }

  /** Every batch in flight fails: whether its thread committed it is unknown. */
  #fail(error: Error): void {
    const pending = [...this.#pending.values()]
    this.#pending.clear()
    for (const p of pending) p.reject(error)
  }
}
