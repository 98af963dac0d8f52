/**
 * A dialect's migrations as an older release shipped them: a folder holding only the first
 * entries of the journal, for drizzle's own migrator to build a database exactly as that
 * release left it.
 */
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

export interface JournalEntry {
  idx: number
  when: number
  tag: string
}

export interface Journal {
  entries: JournalEntry[]
}

/** The journal of the migrations folder `migrations`. */
export function readJournal(migrations: string): Journal {
  return JSON.parse(readFileSync(join(migrations, 'meta', '_journal.json'), 'utf8')) as Journal
}

/** Writes into `under` a folder with the first `count` migrations of `migrations`; its path. */
export function journalPrefix(migrations: string, count: number, under: string): string {
  const journal = readJournal(migrations)
  const folder = join(under, `migrations-${count}`)
  mkdirSync(join(folder, 'meta'), { recursive: true })
  const entries = journal.entries.slice(0, count)
  for (const entry of entries) {
    copyFileSync(join(migrations, `${entry.tag}.sql`), join(folder, `${entry.tag}.sql`))
  }
  writeFileSync(join(folder, 'meta', '_journal.json'), JSON.stringify({ ...journal, entries }))
  return folder
}
