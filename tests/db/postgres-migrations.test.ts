/**
 * Postgres migrations: a database written by a release from before the log held the messages
 * (migrated with drizzle's own migrator from a prefix of the journal, then filled as that
 * release wrote) upgrades when the current store opens it and reads back complete.
 */
import { afterAll, describe, expect, test } from 'bun:test'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { drizzle } from 'drizzle-orm/postgres-js'
import { migrate } from 'drizzle-orm/postgres-js/migrator'
import postgres from 'postgres'
import { openStore } from '../../db/index.ts'
import { createDatabase, dropDatabase, withPostgres } from '../helpers/postgres.ts'
import type { Store } from '../../actors/ports.ts'
import {
  expectFoldedHistory,
  writeMessagesTheOldWay,
  type OldDatabase,
} from './specs/folded-history.ts'
import { expectNumberedLog, writeLogBeforeNumbers } from './specs/numbered-log.ts'
import { journalPrefix, readJournal } from './specs/journal-prefix.ts'

const MIGRATIONS = join(import.meta.dir, '..', '..', 'db', 'migrations', 'postgres')

const journal = readJournal(MIGRATIONS)
const dir = mkdtempSync(join(tmpdir(), 'parley-pg-migrations-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/**
 * Migrates the database at `url` to just before the migration `tag` (drizzle's own migrator),
 * writes what `write` writes as that release would, then opens it with the current store and
 * hands the store to `expectations`.
 */
async function upgradeFrom(
  url: string,
  tag: string,
  write: (db: OldDatabase) => Promise<void>,
  expectations: (store: Store) => Promise<void>,
): Promise<void> {
  const before = journal.entries.findIndex((e) => e.tag === tag)
  expect(before).toBeGreaterThan(0)
  const sql = postgres(url, { max: 1, onnotice: () => {} })
  try {
    await migrate(drizzle({ client: sql }), {
      migrationsFolder: journalPrefix(MIGRATIONS, before, dir),
    })
    await write({
      run: (statement, params) => sql.unsafe(statement, params as never[]),
      placeholder: (i) => `$${i}`,
    })
  } finally {
    await sql.end({ timeout: 1 })
  }
  const store = await openStore(url)
  try {
    await expectations(store)
  } finally {
    await store.close()
  }
}

await withPostgres('postgres migrations', async (adminUrl) => {
  const database = await createDatabase(adminUrl)
  afterAll(() => dropDatabase(adminUrl, database.name))

  describe('postgres migrations', () => {
    test('migrations - a database from before the log was keyed by number reads back complete', async () => {
      const numbered = await createDatabase(adminUrl)
      try {
        await upgradeFrom(
          numbered.url,
          '0051_log_conversation_number',
          writeLogBeforeNumbers,
          expectNumberedLog,
        )
        const check = postgres(numbered.url, { max: 1, onnotice: () => {} })
        try {
          // Numbered in the order the rows were inserted; new ones from the sequence after them.
          const rows = await check<{ id: string; no: number }[]>`
            select id, no::int as no from conversations order by no`
          expect(rows.map((r) => [r.id, r.no])).toEqual([
            ['num-c', 1],
            ['num-a', 2],
            ['num-b', 3],
            ['num-new', 4],
          ])
        } finally {
          await check.end({ timeout: 1 })
        }
      } finally {
        await dropDatabase(adminUrl, numbered.name)
      }
    })

    test('migrations - a database from before the log held the messages reads back complete', async () => {
      await upgradeFrom(
        database.url,
        '0003_fold_messages_into_log',
        writeMessagesTheOldWay,
        expectFoldedHistory,
      )
    })
  })
})
