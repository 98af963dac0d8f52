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
import { expectFoldedHistory, writeMessagesTheOldWay } from './specs/folded-history.ts'
import { journalPrefix, readJournal } from './specs/journal-prefix.ts'

const MIGRATIONS = join(import.meta.dir, '..', '..', 'db', 'migrations', 'postgres')

const journal = readJournal(MIGRATIONS)
const dir = mkdtempSync(join(tmpdir(), 'parley-pg-migrations-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

await withPostgres('postgres migrations', async (adminUrl) => {
  const database = await createDatabase(adminUrl)
  afterAll(() => dropDatabase(adminUrl, database.name))

  describe('postgres migrations', () => {
    test('migrations - a database from before the log held the messages reads back complete', async () => {
      const before = journal.entries.findIndex((e) => e.tag === '0003_fold_messages_into_log')
      expect(before).toBeGreaterThan(0)
      const sql = postgres(database.url, { max: 1, onnotice: () => {} })
      try {
        await migrate(drizzle({ client: sql }), {
          migrationsFolder: journalPrefix(MIGRATIONS, before, dir),
        })
        await writeMessagesTheOldWay({
          run: (statement, params) => sql.unsafe(statement, params as never[]),
          placeholder: (i) => `$${i}`,
        })
      } finally {
        await sql.end({ timeout: 1 })
      }
      const store = await openStore(database.url)
      try {
        await expectFoldedHistory(store)
      } finally {
        await store.close()
      }
    })
  })
})
