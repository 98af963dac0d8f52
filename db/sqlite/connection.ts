/**
 * Opening a SQLite file: pragmas, migrations, the transaction runner and error classification.
 * db/sqlite/dialect.ts runs the shared statements over the handle this returns.
 */
import { Database, SQLiteError } from 'bun:sqlite'
import { mkdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { sql } from 'drizzle-orm'
import { drizzle, type BunSQLiteDatabase } from 'drizzle-orm/bun-sqlite'
import { migrate } from 'drizzle-orm/bun-sqlite/migrator'
import { driverError } from '../sql/dialect.ts'
import * as schema from './schema.ts'

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
  /** Throws when the database is closed or unreadable. */
  ping(): void
  /** Closes the connection; resolves once the checkpoint thread has closed its own too. */
  close(): Promise<void>
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

/** Resolved from this module, not the cwd, so the server and tests start from any directory. */
const MIGRATIONS_FOLDER = join(import.meta.dir, '..', 'migrations', 'sqlite')

/** Opens (creating if needed) the database at `path` and brings its schema up to date. */
export function openSqlite(path: string): SqliteHandle {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true })
  const client = new Database(path, { create: true, readwrite: true })
  try {
    // WAL lets readers run beside the writer; FULL syncs every commit, because an acknowledged
    // message must survive a power cut, not only a process crash.
    // First: a checkpoint of a previous process or store on this file may hold its lock.
    client.run('PRAGMA busy_timeout = 5000')
    client.run('PRAGMA journal_mode = WAL')
    client.run('PRAGMA synchronous = FULL')
    client.run('PRAGMA foreign_keys = ON')
    const db = drizzle({ client, schema })
    migrate(db, { migrationsFolder: MIGRATIONS_FOLDER })
    // Checkpoints run on a worker thread: done by the committing connection, a checkpoint
    // stalls every socket for tens of milliseconds now and then (the p99 of chat latency).
    const checkpointer = path === ':memory:' ? null : startCheckpointer(client, path)
    return {
      db,
      client,
      transaction(fn) {
        // IMMEDIATE takes the write lock up front, so a second process on the same file waits
        // (busy_timeout) instead of failing mid-transaction on a lock upgrade.
        client.transaction(fn).immediate()
      },
      isUniqueViolation(error) {
        const cause = driverError(error)
        return (
          cause instanceof SQLiteError &&
          (cause.code === 'SQLITE_CONSTRAINT_UNIQUE' ||
            cause.code === 'SQLITE_CONSTRAINT_PRIMARYKEY')
        )
      },
      ping() {
        db.get(sql`select 1`)
      },
      async close() {
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
