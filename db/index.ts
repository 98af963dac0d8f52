/** The persistence layer's public surface: open a store by URL; the group committer for reuse. */
import type { Store } from '../actors/ports.ts'
import { openSqlite } from './sqlite.ts'
import { createSqliteStore } from './store.ts'

export { GroupCommitter } from './group-commit.ts'
export type { CommitBatch, GroupCommitStats, GroupCommitterOptions } from './group-commit.ts'

/**
 * Opens the store named by `databaseUrl` and applies pending migrations.
 * SQLite: `sqlite:<path>`, `file:<path>` or a plain path; `:memory:` for throwaway tests.
 */
export async function openStore(databaseUrl: string): Promise<Store> {
  const url = databaseUrl.trim()
  if (/^postgres(ql)?:/i.test(url)) {
    throw new Error('Postgres support arrives with the Postgres issue')
  }
  const path = sqlitePath(url)
  if (path === null) throw new Error(`unsupported database URL: ${databaseUrl}`)
  return createSqliteStore(openSqlite(path))
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
