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
  close(): void
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
    client.run('PRAGMA journal_mode = WAL')
    client.run('PRAGMA synchronous = FULL')
    client.run('PRAGMA foreign_keys = ON')
    client.run('PRAGMA busy_timeout = 5000')
    const db = drizzle({ client, schema })
    migrate(db, { migrationsFolder: MIGRATIONS_FOLDER })
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
      close() {
        // throwOnError finalizes the prepared statements too: without it they keep the
        // connection alive and would still run after the store is closed.
        client.close(true)
      },
    }
  } catch (error) {
    client.close()
    throw error
  }
}
