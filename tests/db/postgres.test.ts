/**
 * Runs the repository suite against Postgres at 127.0.0.1:5432, in a database created for this
 * run and dropped after it, plus Postgres-only checks. With CI=true an unreachable server fails
 * the run; otherwise the file skips with the reason printed.
 */
import { afterAll, describe, expect, test } from 'bun:test'
import postgres from 'postgres'
import type { Store } from '../../actors/ports.ts'
import { openStore } from '../../db/index.ts'
import { createDatabase, databaseUrl, dropDatabase, withPostgres } from '../helpers/postgres.ts'
import { rejectionOf } from './fixtures.ts'
import { repositorySuite } from './repository-suite.ts'
import { postgresSchemaSpecs } from './specs/postgres-schema.ts'

await withPostgres('postgres', async (adminUrl) => {
  const database = await createDatabase(adminUrl)
  const cleaner = postgres(database.url, { max: 1, onnotice: () => {} })
  afterAll(async () => {
    await cleaner.end({ timeout: 1 })
    await dropDatabase(adminUrl, database.name)
  })

  /**
   * One database per run, a clean slate per test: every table emptied, children first.
   * DELETE rather than TRUNCATE: on a few rows it takes a millisecond, not fifty.
   */
  async function emptyAllTables(): Promise<void> {
    const tables = await cleaner<{ name: string }[]>`
      select tablename as name from pg_tables where schemaname = 'public'`
    if (tables.length === 0) return
    const order = ['pending_projections', 'events', 'read_states', 'conversations', 'visitors']
    const rank = (name: string) => (order.includes(name) ? order.indexOf(name) : order.length)
    const names = tables.map((t) => t.name).sort((a, b) => rank(a) - rank(b))
    await cleaner.begin((sql) => names.map((name) => sql.unsafe(`delete from "${name}"`)))
  }

  repositorySuite({
    name: 'postgres',
    async fresh() {
      await emptyAllTables()
      return openStore(database.url)
    },
    async reopen(store: Store) {
      await store.close()
      return openStore(database.url)
    },
    twin: () => openStore(database.url, { maxConnections: 2 }),
  })

  postgresSchemaSpecs(database.url)

  describe('openStore (postgres)', () => {
    test('openStore - accepts postgres:// and postgresql:// URLs', async () => {
      for (const url of [database.url, database.url.replace(/^postgres:/, 'postgresql:')]) {
        const store = await openStore(url)
        await store.ping()
        await store.close()
      }
    })

    test('openStore - a database that does not exist is named in the error', async () => {
      const missing = databaseUrl(adminUrl, 'parley_no_such_database')
      expect(await rejectionOf(openStore(missing))).toMatchObject({
        message: expect.stringContaining('parley_no_such_database'),
      })
    })

    test('openStore - nodes starting together on a new database migrate it once', async () => {
      const fresh = await createDatabase(adminUrl)
      try {
        const stores = await Promise.all(Array.from({ length: 4 }, () => openStore(fresh.url)))
        await Promise.all(stores.map((s) => s.ping()))
        await Promise.all(stores.map((s) => s.close()))
        const sql = postgres(fresh.url, { max: 1 })
        try {
          const applied = await sql`select count(*)::int as n from drizzle.__drizzle_migrations`
          expect(applied[0]?.n).toBeGreaterThan(0)
          const [{ n } = { n: -1 }] = await sql<{ n: number }[]>`
            select count(*)::int as n from (select hash from drizzle.__drizzle_migrations
              group by hash having count(*) > 1) as twice`
          expect(n).toBe(0)
        } finally {
          await sql.end({ timeout: 1 })
        }
      } finally {
        await dropDatabase(adminUrl, fresh.name)
      }
    })
  })
})
