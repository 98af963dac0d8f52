/** Opening a database by URL: which dialect, then its connection, migrations and store. */
import type { Store } from '../actors/ports.ts'
import { openPostgres } from './postgres/connection.ts'
import { postgresDialect } from './postgres/dialect.ts'
import type { SqlDialect } from './sql/dialect.ts'
import { openSqlite } from './sqlite/connection.ts'
import { sqliteDialect } from './sqlite/dialect.ts'
import { SqliteWriterThread } from './sqlite/writer.ts'
import { createStore } from './store.ts'

/** Which database a URL names. */
export type DatabaseTarget =
  { dialect: 'sqlite'; path: string } | { dialect: 'postgres'; url: string }

export interface OpenOptions {
  /** Postgres only: most pooled connections (default 10). */
  maxConnections?: number
  /** Postgres only: application_name of the connections (which node they belong to). */
  applicationName?: string
  /**
   * Deadline of every store operation, in milliseconds (default 5000): on Postgres every
   * statement and transaction, including the wait for a connection. SQLite answers or fails
   * synchronously (lock waits are bounded by its busy timeout).
   */
  timeoutMs?: number
  /** An operation running longer than this makes the store not ready (default 2000). */
  stallMs?: number
  /**
   * SQLite files only: commit conversation writes on a writer thread (default true); false
   * commits them on the event loop's connection.
   */
  writerThread?: boolean
  /** Longest a conversation summary is written behind its log (ms; 0: never). Default 1000. */
  summaryFlushMs?: number
}

const DEFAULT_TIMEOUT_MS = 5000

/**
 * Opens the store named by `databaseUrl` and applies pending migrations.
 * SQLite: `sqlite:<path>`, `file:<path>` or a plain path; `:memory:` for throwaway tests.
 * Postgres: `postgres://...` or `postgresql://...`.
 */
export async function openStore(databaseUrl: string, options: OpenOptions = {}): Promise<Store> {
  const dialect = await openDialect(databaseUrl, options)
  const target = parseDatabaseUrl(databaseUrl)
  // SQLite commits conversation writes on a thread of their own (see db/sqlite/writer.ts); an
  // in-memory database exists on its one connection only.
  const offload =
    target.dialect === 'sqlite' && target.path !== ':memory:' && options.writerThread !== false
  let writer: SqliteWriterThread | undefined
  try {
    writer = offload ? await SqliteWriterThread.start(target.path) : undefined
  } catch (error) {
    await dialect.close()
    throw error
  }
  const store = createStore(dialect, {
    stallMs: options.stallMs,
    writer,
    summaryFlushMs: options.summaryFlushMs,
  })
  try {
    // Summaries a crash left behind their log are rebuilt before anyone reads a list.
    await store.repairSummaries()
  } catch (error) {
    await store.close()
    throw error
  }
  return store
}

/** The dialect behind a store, for tools that move whole tables (db copy). */
export async function openDialect(
  databaseUrl: string,
  options: OpenOptions = {},
): Promise<SqlDialect> {
  const target = parseDatabaseUrl(databaseUrl)
  if (target.dialect === 'postgres') {
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS
    // A connection that cannot open must fail well inside the deadline, so the pool can be
    // renewed before the caller gives up.
    const handle = await openPostgres(target.url, {
      ...options,
      connectTimeoutMs: timeoutMs / 2,
      idleInTransactionMs: timeoutMs,
    })
    return postgresDialect(handle, { timeoutMs })
  }
  return sqliteDialect(openSqlite(target.path))
}

/** Throws for a URL that names no supported database. */
export function parseDatabaseUrl(databaseUrl: string): DatabaseTarget {
  const url = databaseUrl.trim()
  if (/^postgres(ql)?:\/\//i.test(url)) return { dialect: 'postgres', url }
  const path = sqlitePath(url)
  if (path === null) throw new Error(`unsupported database URL: ${databaseUrl}`)
  return { dialect: 'sqlite', path }
}

/** The file path of a SQLite URL, or null when the URL names another kind of database. */
function sqlitePath(url: string): string | null {
  const scheme = /^([a-z][a-z0-9+.-]*):(.*)$/i.exec(url)
  // A Windows drive letter ("C:\data") looks like a scheme but is a plain path.
  if (!scheme || /^[a-z]:[\\/]/i.test(url)) return url === '' ? null : url
  const [, name = '', rest = ''] = scheme
  if (name.toLowerCase() !== 'sqlite' && name.toLowerCase() !== 'file') return null
  // sqlite:///abs/path and file:///abs/path are URL forms of /abs/path.
  const path = rest.startsWith('//') ? rest.slice(2) : rest
  return path === '' ? null : path
}
