/**
 * Migration 0020 (SQLite) / 0019 (Postgres), issue 18 (S3): inboxes stored before the site
 * allowlist existed keep running on any site (`allowedOrigins: []`), their other settings
 * untouched; an inbox stored afterwards without the choice reads as not chosen (null).
 */
import { Database } from 'bun:sqlite'
import { afterAll, describe, expect, test } from 'bun:test'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { drizzle as drizzleSqlite } from 'drizzle-orm/bun-sqlite'
import { migrate as migrateSqlite } from 'drizzle-orm/bun-sqlite/migrator'
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js'
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator'
import postgres from 'postgres'
import { DEFAULT_INBOX_SETTINGS, type Store } from '../../actors/index.ts'
import { openStore } from '../../db/index.ts'
import { newInbox } from '../../server/http/admin.ts'
import { createDatabase, dropDatabase, withPostgres } from '../helpers/postgres.ts'
import { journalPrefix, readJournal } from './specs/journal-prefix.ts'

const dir = mkdtempSync(join(tmpdir(), 'parley-origins-migration-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const T0 = 1_700_000_000_000

/** Settings as a release before the allowlist stored them: no allowedOrigins key. */
const { allowedOrigins: _none, ...OLD_SETTINGS } = {
  ...DEFAULT_INBOX_SETTINGS,
  escalationMinutes: 9,
}
const INSERT = (p: (i: number) => string) =>
  `insert into inboxes (id, name, identity_secret, settings, created_at, updated_at)
   values (${p(1)}, ${p(2)}, 'secret', ${p(3)}, ${p(4)}, ${p(4)})`

function prefixBefore(dialect: 'sqlite' | 'postgres'): string {
  const migrations = join(import.meta.dir, '..', '..', 'db', 'migrations', dialect)
  const at = readJournal(migrations).entries.findIndex((e) => e.tag.endsWith('_allowed_origins'))
  expect(at).toBeGreaterThan(0)
  return journalPrefix(migrations, at, join(dir, dialect))
}

async function expectMigrated(store: Store): Promise<void> {
  const old = await store.inboxes.get('old-inbox')
  expect(old?.settings.allowedOrigins).toEqual([])
  expect(old?.settings.escalationMinutes).toBe(9)
  expect(old?.settings.appearance).toEqual(DEFAULT_INBOX_SETTINGS.appearance)
  const fresh = newInbox('New inbox', T0)
  await store.inboxes.create(fresh)
  expect((await store.inboxes.get(fresh.id))?.settings.allowedOrigins).toBeNull()
}

describe('allowed origins migration', () => {
  test('migration (sqlite) - inboxes from before the allowlist run anywhere; new ones are not chosen', async () => {
    const path = join(dir, 'origins.db')
    const client = new Database(path, { create: true })
    migrateSqlite(drizzleSqlite({ client }), { migrationsFolder: prefixBefore('sqlite') })
    client.run(
      INSERT((i) => `?${i}`),
      ['old-inbox', 'Old', JSON.stringify(OLD_SETTINGS), T0],
    )
    client.close()
    const store = await openStore(`sqlite:${path}`)
    try {
      await expectMigrated(store)
    } finally {
      await store.close()
    }
  })
})

await withPostgres('allowed origins migration (postgres)', async (adminUrl) => {
  const database = await createDatabase(adminUrl)
  afterAll(() => dropDatabase(adminUrl, database.name))
  describe('allowed origins migration (postgres)', () => {
    test('migration (postgres) - inboxes from before the allowlist run anywhere; new ones are not chosen', async () => {
      const sql = postgres(database.url, { max: 1, onnotice: () => {} })
      try {
        await migratePostgres(drizzlePostgres({ client: sql }), {
          migrationsFolder: prefixBefore('postgres'),
        })
        await sql.unsafe(
          INSERT((i) => `$${i}`),
          ['old-inbox', 'Old', JSON.stringify(OLD_SETTINGS), T0] as never[],
        )
      } finally {
        await sql.end({ timeout: 1 })
      }
      const store = await openStore(database.url)
      try {
        await expectMigrated(store)
      } finally {
        await store.close()
      }
    })
  })
})
