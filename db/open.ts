/** Opening a database by URL: which dialect, then its connection, migrations and store. */
import type { Store } from '../actors/ports.ts'
import { openPostgres } from './postgres/connection.ts'
import { postgresDialect } from './postgres/dialect.ts'
import type { SqlDialect } from './sql/dialect.ts'
import { openSqlite } from './sqlite/connection.ts'
import { sqliteDialect } from './sqlite/dialect.ts'
import { createStore } from './store.ts'

/** Which database a URL names. */
export type DatabaseTarget =
  { dialect: 'sqlite'; path: string } | { dialect: 'postgres'; url: string }

export interface OpenOptions {
  /** Postgres only: most pooled connections (default 10). */
  maxConnections?: number
}

/**
 * Opens the store named by `databaseUrl` and applies pending migrations.
 * SQLite: `sqlite:<path>`, `file:<path>` or a plain path; `:memory:` for throwaway tests.
 * Postgres: `postgres://...` or `postgresql://...`.
 */
export async function openStore(databaseUrl: string, options: OpenOptions = {}): Promise<Store> {
  return createStore(await openDialect(databaseUrl, options))
}

/** The dialect behind a store, for tools that move whole tables (db copy). */
export async function openDialect(
  databaseUrl: string,
  options: OpenOptions = {},
): Promise<SqlDialect> {
  const target = parseDatabaseUrl(databaseUrl)
  if (target.dialect === 'postgres') return postgresDialect(await openPostgres(target.url, options))
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
