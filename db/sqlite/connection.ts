/**
 * Opening a SQLite file: pragmas, migrations, the transaction runner and error classification.
 * db/sqlite/dialect.ts runs the shared statements over the handle this returns.
 */
import { Database, SQLiteError } from 'bun:sqlite'
import { mkdirSync, statSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { sql } from 'drizzle-orm'
import { drizzle, type BunSQLiteDatabase } from 'drizzle-orm/bun-sqlite'
import { migrate } from 'drizzle-orm/bun-sqlite/migrator'
import { driverError } from '../sql/dialect.ts'
import * as schema from './schema.ts'
import { catchUp } from './search-index.ts'

/** The Drizzle database the repositories query. */
export type SqliteDb = BunSQLiteDatabase<typeof schema>

/** An open SQLite database plus the few operations whose SQL or driver calls differ by dialect. */
export interface SqliteHandle {
  db: SqliteDb
  /** The driver connection, for checks the query builder cannot express (pragmas, plans). */
  client: Database
  /**
   * Runs `fn` in one write transaction: committed when it returns, rolled back when it throws.
   * `fn` must be synchronous: bun:sqlite commits as soon as the callback returns, so anything
   * awaited inside would run after the commit.
   */
  transaction(fn: () => void): void
  /** True for a violated UNIQUE or PRIMARY KEY constraint. */
  isUniqueViolation(error: unknown): boolean
  /**
   * True when the file cannot take writes for now: disk full, I/O error, read-only, locked by
   * another process past the busy timeout, removed or replaced (DatabaseFileGone).
   */
  isUnavailable(error: unknown): boolean
  /**
   * Throws DatabaseFileGone when the path no longer names the file this connection has open
   * (removed or replaced): writes would still succeed, into a file nobody will ever open again.
   */
  checkFile(): void
  /** Throws when the database is closed or unreadable. */
  ping(): void
  /** A durable write transaction that changes no data (see SqlDialect.probe). */
  probe(): void
  /**
   * Resolves once the message search index covers every committed message (it is written
   * behind the log: db/sqlite/search-index.ts), or after a bounded wait with what it has.
   */
  flushSearch(): Promise<void>
  /** Closes the connection; resolves once the checkpoint thread has closed its own too. */
  close(): Promise<void>
}

/** Longest a search waits for the index to catch up before it searches what is indexed. */
const SEARCH_FLUSH_WAIT_MS = 2000

/**
 * Runs the message search indexer on a worker thread with its own connection (see
 * search-worker.ts); null when the thread cannot start (the caller indexes inline).
 */
function startSearchIndexer(
  path: string,
): { flush(): Promise<void>; stop(): Promise<void> } | null {
  let worker: Worker
  try {
    worker = new Worker(new URL('./search-worker.ts', import.meta.url).href)
  } catch {
    return null
  }
  let next = 0
  const waiting = new Map<number, () => void>()
  const { promise: stopped, resolve: onStopped } = Promise.withResolvers<void>()
  worker.onmessage = (event: MessageEvent<{ type: string; id?: number }>) => {
    if (event.data.type === 'flushed') {
      waiting.get(event.data.id ?? -1)?.()
      waiting.delete(event.data.id ?? -1)
    } else if (event.data.type === 'stopped') {
      worker.terminate()
      onStopped()
    }
  }
  worker.postMessage({ type: 'start', path })
  ;(worker as Worker & { unref?: () => void }).unref?.()
  return {
    flush() {
      const id = next++
      const { promise, resolve } = Promise.withResolvers<void>()
      waiting.set(id, resolve)
      worker.postMessage({ type: 'flush', id })
      const timeout = setTimeout(() => {
        waiting.delete(id)
        resolve()
      }, SEARCH_FLUSH_WAIT_MS)
      return promise.finally(() => clearTimeout(timeout))
    },
    stop() {
      for (const resolve of waiting.values()) resolve()
      waiting.clear()
      worker.postMessage({ type: 'stop' })
      const timeout = new Promise<void>((r) => setTimeout(r, 2000).unref?.())
      return Promise.race([stopped, timeout]).finally(() => worker.terminate())
    },
  }
}

/**
 * Hands WAL checkpoints to a worker thread with its own connection and turns the main
 * connection's automatic ones off. If the worker cannot start, automatic checkpoints stay on.
 */
function startCheckpointer(client: Database, path: string): { stop(): Promise<void> } | null {
  let worker: Worker
  try {
    worker = new Worker(new URL('./checkpoint-worker.ts', import.meta.url).href)
  } catch {
    return null
  }
  client.run('PRAGMA wal_autocheckpoint = 0')
  const { promise: stopped, resolve } = Promise.withResolvers<void>()
  worker.onmessage = (event: MessageEvent<{ type: string }>) => {
    // Its connection is closed: the thread can go.
    if (event.data.type !== 'stopped') return
    worker.terminate()
    resolve()
  }
  worker.postMessage({ type: 'start', path })
  // The worker must not keep a finished process alive.
  ;(worker as Worker & { unref?: () => void }).unref?.()
  return {
    stop() {
      client.run('PRAGMA wal_autocheckpoint = 1000')
      worker.postMessage({ type: 'stop' })
      // Bounded: a thread that does not answer is ended anyway.
      const timeout = new Promise<void>((r) => setTimeout(r, 2000).unref?.())
      return Promise.race([stopped, timeout]).finally(() => worker.terminate())
    },
  }
}

/** The database file was removed or replaced under a running server. */
export class DatabaseFileGone extends Error {
  constructor(path: string) {
    super(`the database file ${path} was removed or replaced; restore it and restart`)
    this.name = 'DatabaseFileGone'
  }
}

/**
 * Result codes after which a later attempt may succeed: out of space, I/O errors, a read-only
 * file system, locks held elsewhere, a file that cannot be opened or reads as damaged.
 */
const UNAVAILABLE = /^SQLITE_(FULL|IOERR|READONLY|BUSY|LOCKED|CANTOPEN|CORRUPT|NOTADB|PROTOCOL)/

/**
 * How long a write waits for a lock another process holds. bun:sqlite waits synchronously, on
 * the event loop, so this is short; only external tools (a backup, the sqlite3 shell) take it.
 */
const SERVING_BUSY_TIMEOUT_MS = 2000

/** Resolved from this module, not the cwd, so the server and tests start from any directory. */
const MIGRATIONS_FOLDER = join(import.meta.dir, '..', 'migrations', 'sqlite')

/**
 * A SQLite error that crossed from the writer thread (db/sqlite/writer.ts): the same result
 * code, so it classifies as the driver's own error would.
 */
export class SqliteThreadError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message)
    this.name = 'SQLiteError'
  }
}

/** The writer thread stopped (crashed or closed) with writes in flight: retry shortly. */
export class SqliteWriterStopped extends Error {
  constructor(reason: string) {
    super(`the SQLite writer thread stopped: ${reason}`)
    this.name = 'SqliteWriterStopped'
  }
}

/** The SQLite result code of a driver error, from this thread or the writer's. */
function resultCode(error: unknown): string {
  const cause = driverError(error)
  if (cause instanceof SQLiteError || cause instanceof SqliteThreadError) return cause.code ?? ''
  return ''
}

export interface OpenSqliteOptions {
  /**
   * `writer`: a second connection to a file another handle already opened and migrated, for the
   * writer thread: no migrations, no checkpoint thread of its own, and a longer busy timeout
   * (it waits on its own thread, not on the event loop). Default `main`.
   */
  role?: 'main' | 'writer'
}

/** Opens (creating if needed) the database at `path` and brings its schema up to date. */
export function openSqlite(path: string, options: OpenSqliteOptions = {}): SqliteHandle {
  const writer = options.role === 'writer'
  let client: Database
  try {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true })
    client = new Database(path, { create: true, readwrite: true })
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error)
    throw new Error(`cannot open the SQLite database ${path}: ${reason}`, { cause: error })
  }
  try {
    // WAL lets readers run beside the writer; FULL syncs every commit, because an acknowledged
    // message must survive a power cut, not only a process crash.
    // First: a checkpoint of a previous process or store on this file may hold its lock.
    client.run('PRAGMA busy_timeout = 5000')
    client.run('PRAGMA journal_mode = WAL')
    client.run('PRAGMA synchronous = FULL')
    client.run('PRAGMA foreign_keys = ON')
    // Erased or deleted text is zeroed in the pages it leaves, where that costs no extra I/O
    // (issue 18): a later read of the file's free space finds nothing of it.
    client.run('PRAGMA secure_delete = FAST')
    const db = drizzle({ client, schema })
    if (!writer) migrate(db, { migrationsFolder: MIGRATIONS_FOLDER })
    // Checkpoints run on a worker thread: done by the committing connection, a checkpoint
    // stalls every socket for tens of milliseconds now and then (the p99 of chat latency).
    // The writer thread's connection leaves them to the main handle's checkpoint thread.
    if (writer) client.run('PRAGMA wal_autocheckpoint = 0')
    const checkpointer = path === ':memory:' || writer ? null : startCheckpointer(client, path)
    const indexer = path === ':memory:' || writer ? null : startSearchIndexer(path)
    if (!writer) client.run(`PRAGMA busy_timeout = ${SERVING_BUSY_TIMEOUT_MS}`)
    const opened = path === ':memory:' ? null : fileIdentity(path)
    const checkFile = () => {
      if (opened !== null && fileIdentity(path) !== opened) throw new DatabaseFileGone(path)
    }
    return {
      db,
      client,
      transaction(fn) {
        // IMMEDIATE takes the write lock up front, so a second process on the same file waits
        // (busy_timeout) instead of failing mid-transaction on a lock upgrade.
        client.transaction(fn).immediate()
      },
      isUniqueViolation(error) {
        const code = resultCode(error)
        return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY'
      },
      isUnavailable(error) {
        const cause = driverError(error)
        if (cause instanceof DatabaseFileGone || cause instanceof SqliteWriterStopped) return true
        return UNAVAILABLE.test(resultCode(error))
      },
      checkFile,
      ping() {
        checkFile()
        db.get(sql`select 1`)
      },
      probe() {
        checkFile()
        // Rewriting the header's user_version with its own value appends a frame to the WAL
        // and syncs it: a full disk, a read-only file system or a held lock fail it as they
        // would fail a message, and no data changes.
        client
          .transaction(() => {
            const row = client.query('PRAGMA user_version').get() as { user_version: number }
            client.run(`PRAGMA user_version = ${Number(row.user_version)}`)
          })
          .immediate()
        checkFile()
      },
      async flushSearch() {
        if (indexer) return indexer.flush()
        // No indexer thread (an in-memory database, or none could start): index here.
        catchUp(client, SEARCH_FLUSH_WAIT_MS)
      },
      async close() {
        await indexer?.stop()
        const stopping = checkpointer?.stop()
        // throwOnError finalizes the prepared statements too: without it they keep the
        // connection alive and would still run after the store is closed.
        client.close(true)
        await stopping
      },
    }
  } catch (error) {
    client.close()
    throw error
  }
}

/** Device and inode of the file at path, or null when there is none. */
function fileIdentity(path: string): string | null {
  try {
    const stat = statSync(path)
    return `${stat.dev}:${stat.ino}`
  } catch {
    return null
  }
}
