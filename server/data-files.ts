/**
 * Who may read the data folder. It holds the HMAC secret and the SQLite database with its WAL
 * (messages, operators' password hashes, inboxes' identity secrets): only the server's own
 * user. A folder created here is 0700 and the database file 0600; SQLite gives the -wal and
 * -shm files it creates the mode of the database file, so they are 0600 too (bun:sqlite alone
 * would create all three 0644 under the usual umask 022). What exists already is left as it
 * is, with a warning naming each path that others may read and its mode.
 */
import { closeSync, mkdirSync, openSync, statSync } from 'node:fs'
import { dirname, join } from 'node:path'
import type { Logger } from '../actors/index.ts'
import { parseDatabaseUrl } from '../db/index.ts'

interface DataPaths {
  dataDir: string
  databaseUrl: string
}

/** The SQLite file of a database URL, or null (Postgres, or an in-memory database). */
function sqliteFile(databaseUrl: string): string | null {
  const target = parseDatabaseUrl(databaseUrl)
  return target.dialect === 'sqlite' && target.path !== ':memory:' ? target.path : null
}

/** Before the store opens: the SQLite file and its folder exist, owner-only if created now. */
export function prepareDataFiles(paths: DataPaths): void {
  const file = sqliteFile(paths.databaseUrl)
  if (file === null) return
  try {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 })
    // 'a' creates a missing file with this mode and never truncates an existing one.
    closeSync(openSync(file, 'a', 0o600))
  } catch {
    // Opening the store reports the problem with the path, as it always did.
  }
}

/**
 * After the store opened: one warning per data file that others may read, and per folder
 * holding one (a folder with nothing of ours in it, e.g. DATA_DIR of a Postgres node given
 * PARLEY_SECRET, is not checked).
 */
export function warnLooseDataFiles(paths: DataPaths, log: Logger): void {
  const file = sqliteFile(paths.databaseUrl)
  const candidates = [join(paths.dataDir, 'secret')]
  if (file) candidates.push(file, `${file}-wal`, `${file}-shm`)
  const files = candidates.filter((path) => modeOf(path) !== null)
  const warn = (path: string, wanted: number) => {
    const mode = modeOf(path)
    if (mode === null || (mode & 0o077) === 0) return
    log.warn('data readable by others', {
      path,
      mode: `0${mode.toString(8)}`,
      fix: `chmod ${wanted.toString(8)} ${path}`,
    })
  }
  for (const folder of new Set(files.map((path) => dirname(path)))) warn(folder, 0o700)
  for (const path of files) warn(path, 0o600)
}

function modeOf(path: string): number | null {
  try {
    return statSync(path).mode & 0o7777
  } catch {
    return null
  }
}
