/**
 * Migration 0046 (both dialects), issue 20: the status `pending` ranks between open and
 * resolved, so conversations stored before it keep their order: open stays 0, resolved moves
 * from 1 to 2 and closed from 2 to 3, as db/repos/rows.ts STATUS_RANK now says.
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
import { openStore } from '../../db/index.ts'
import { STATUS_RANK } from '../../db/repos/rows.ts'
import { createDatabase, dropDatabase, withPostgres } from '../helpers/postgres.ts'
import { journalPrefix, readJournal } from './specs/journal-prefix.ts'

const dir = mkdtempSync(join(tmpdir(), 'parley-pending-migration-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const T0 = 1_700_000_000_000
/** Ranks as stored before pending existed. */
const OLD = [
  ['c-open', 'open', 0],
  ['c-resolved', 'resolved', 1],
  ['c-closed', 'closed', 2],
] as const
const INSERT = (p: (i: number) => string) =>
  `insert into conversations (id, inbox_id, visitor_id, status, status_rank, last_seq,
     has_unanswered_incoming, last_activity_at, created_at, updated_at)
   values (${p(1)}, 'inbox-1', 'visitor-1', ${p(2)}, ${p(3)}, 1, ${p(4)}, ${p(5)}, ${p(5)}, ${p(5)})`

function prefixBefore(dialect: 'sqlite' | 'postgres'): string {
  const migrations = join(import.meta.dir, '..', '..', 'db', 'migrations', dialect)
  const at = readJournal(migrations).entries.findIndex((e) => e.tag.endsWith('_pending_status'))
  expect(at).toBeGreaterThan(0)
  return journalPrefix(migrations, at, join(dir, dialect))
}

function expectRanks(rows: Array<{ id: string; status_rank: number | string }>): void {
  const ranks = Object.fromEntries(rows.map((r) => [r.id, Number(r.status_rank)]))
  expect(ranks).toEqual({
    'c-open': STATUS_RANK.open,
    'c-resolved': STATUS_RANK.resolved,
    'c-closed': STATUS_RANK.closed,
  })
  expect([STATUS_RANK.open, STATUS_RANK.pending, STATUS_RANK.resolved]).toEqual([0, 1, 2])
}

describe('pending status migration', () => {
  test('migration (sqlite) - resolved and closed move down one rank for pending; open stays', async () => {
    const path = join(dir, 'pending.db')
    const client = new Database(path, { create: true })
    migrateSqlite(drizzleSqlite({ client }), { migrationsFolder: prefixBefore('sqlite') })
    for (const [id, status, rank] of OLD) {
      client.run(
        INSERT((i) => `?${i}`),
        [id, status, rank, 0, T0],
      )
    }
    client.close()
    const store = await openStore(`sqlite:${path}`)
    await store.close()
    const after = new Database(path, { readonly: true })
    try {
      expectRanks(after.query('select id, status_rank from conversations').all() as never)
    } finally {
      after.close()
    }
  })
})

await withPostgres('pending status migration (postgres)', async (adminUrl) => {
  const database = await createDatabase(adminUrl)
  afterAll(() => dropDatabase(adminUrl, database.name))
  describe('pending status migration (postgres)', () => {
    test('migration (postgres) - resolved and closed move down one rank for pending; open stays', async () => {
      const sql = postgres(database.url, { max: 1, onnotice: () => {} })
      try {
        await migratePostgres(drizzlePostgres({ client: sql }), {
          migrationsFolder: prefixBefore('postgres'),
        })
        // The rows alone, without their inbox and visitor: foreign keys off for this session.
        await sql.unsafe('set session_replication_role = replica')
        for (const [id, status, rank] of OLD) {
          await sql.unsafe(
            INSERT((i) => `$${i}`),
            [id, status, rank, false, T0] as never[],
          )
        }
      } finally {
        await sql.end({ timeout: 1 })
      }
      const store = await openStore(database.url)
      await store.close()
      const check = postgres(database.url, { max: 1, onnotice: () => {} })
      try {
        expectRanks(await check.unsafe('select id, status_rank from conversations'))
      } finally {
        await check.end({ timeout: 1 })
      }
    })
  })
})
