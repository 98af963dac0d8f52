/**
 * Postgres migrations: a database written by a release from before the log held the messages
 * (migrated with drizzle's own migrator from a prefix of the journal, then filled as that
 * release wrote) upgrades when the current store opens it and reads back complete.
 */
import { afterAll, describe, expect, test } from 'bun:test'
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { drizzle } from 'drizzle-orm/postgres-js'
import { migrate } from 'drizzle-orm/postgres-js/migrator'
import postgres from 'postgres'
import { openStore } from '../../db/index.ts'
import { createDatabase, dropDatabase, withPostgres } from '../helpers/postgres.ts'
import { expectFoldedHistory, writeMessagesTheOldWay } from './specs/folded-history.ts'

const MIGRATIONS = join(import.meta.dir, '..', '..', 'db', 'migrations', 'postgres')

interface Journal {
  entries: { idx: number; when: number; tag: string }[]
}

const journal: Journal = JSON.parse(readFileSync(join(MIGRATIONS, 'meta', '_journal.json'), 'utf8'))
const dir = mkdtempSync(join(tmpdir(), 'parley-pg-migrations-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** A folder holding only the first `count` migrations of the journal. */
function prefixFolder(count: number): string {
  const folder = join(dir, `migrations-${count}`)
  mkdirSync(join(folder, 'meta'), { recursive: true })
  const entries = journal.entries.slice(0, count)
  for (const entry of entries) {
    copyFileSync(join(MIGRATIONS, `${entry.tag}.sql`), join(folder, `${entry.tag}.sql`))
  }
  writeFileSync(join(folder, 'meta', '_journal.json'), JSON.stringify({ ...journal, entries }))
  return folder
}

await withPostgres('postgres migrations', async (adminUrl) => {
  const database = await createDatabase(adminUrl)
  afterAll(() => dropDatabase(adminUrl, database.name))

  describe('postgres migrations', () => {
    test('migrations - a database from before the log held the messages reads back complete', async () => {
      const before = journal.entries.findIndex((e) => e.tag === '0003_fold_messages_into_log')
      expect(before).toBeGreaterThan(0)
      const sql = postgres(database.url, { max: 1, onnotice: () => {} })
      try {
        await migrate(drizzle({ client: sql }), { migrationsFolder: prefixFolder(before) })
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
