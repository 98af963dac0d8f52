/** Runs the repository suite against real SQLite files, plus SQLite-only checks. */
import { afterAll, describe, expect, test } from 'bun:test'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Store } from '../../actors/ports.ts'
import { openStore } from '../../db/index.ts'
import { openSqlite } from '../../db/sqlite.ts'
import { repositorySuite } from './repository-suite.ts'

const dir = mkdtempSync(join(tmpdir(), 'parley-db-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const paths = new WeakMap<Store, string>()
let opened = 0

async function freshStore(): Promise<Store> {
  const path = join(dir, `store-${++opened}.db`)
  const store = await openStore(`sqlite:${path}`)
  paths.set(store, path)
  return store
}

async function reopen(store: Store): Promise<Store> {
  const path = paths.get(store)
  if (!path) throw new Error('store was not opened by this file')
  await store.close()
  const again = await openStore(path)
  paths.set(again, path)
  return again
}

repositorySuite('sqlite', freshStore, reopen)

describe('openStore (sqlite)', () => {
  test('openStore - accepts sqlite:, file: and plain paths, creating parent folders', async () => {
    for (const url of [
      `sqlite:${join(dir, 'a', 'one.db')}`,
      `file:${join(dir, 'b', 'two.db')}`,
      join(dir, 'c', 'd', 'three.db'),
      ':memory:',
    ]) {
      const store = await openStore(url)
      await store.ping()
      await store.close()
    }
    expect(existsSync(join(dir, 'c', 'd', 'three.db'))).toBe(true)
  })

  test('openStore - a Postgres URL says it is not supported yet', async () => {
    await expect(openStore('postgres://localhost/parley')).rejects.toThrow(
      'Postgres support arrives with the Postgres issue',
    )
  })

  test('openStore - an unknown scheme is rejected', async () => {
    await expect(openStore('mysql://localhost/parley')).rejects.toThrow('unsupported database URL')
  })
})

describe('sqlite connection', () => {
  test('sqlite - opens in WAL mode with full sync, foreign keys and a busy timeout', () => {
    const handle = openSqlite(join(dir, 'pragmas', 'p.db'))
    try {
      const pragma = (name: string) =>
        Object.values(
          handle.client.query<Record<string, unknown>, []>(`pragma ${name}`).get() ?? {},
        )[0]
      expect(pragma('journal_mode')).toBe('wal')
      expect(pragma('synchronous')).toBe(2)
      expect(pragma('foreign_keys')).toBe(1)
      expect(pragma('busy_timeout')).toBe(5000)
    } finally {
      handle.close()
    }
  })

  // The SQL mirrors listInbox's ORDER BY; it checks the schema's indexes serve that order.
  test('sqlite - the inbox order is served by an index without a sort', () => {
    const handle = openSqlite(':memory:')
    try {
      const order = 'order by status_rank, last_activity_at desc, id limit 11'
      for (const where of ['', 'where inbox_id = ?', 'where has_unanswered_incoming = 1']) {
        const plan = handle.client
          .query<{ detail: string }, []>(
            `explain query plan select * from conversations ${where} ${order}`,
          )
          .all()
          .map((row) => row.detail)
        expect(plan.join('; ')).toMatch(/USING INDEX conversations_/)
        expect(plan.join('; ')).not.toContain('TEMP B-TREE')
      }
    } finally {
      handle.close()
    }
  })
})
