/**
 * SQLite faults through the real store (X5, X6): a file that cannot take writes (read-only
 * connection, full, locked by another process, removed from under the server). Each write fails
 * with the retryable `unavailable`, nothing of it is stored, the store reports itself failing,
 * and a probe write brings it back once the fault is gone. Real SQLite errors, no fakes.
 */
import { Database } from 'bun:sqlite'
import { afterEach, describe, expect, test } from 'bun:test'
import { mkdtempSync, renameSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Store } from '../../actors/ports.ts'
import { HealthTracker } from '../../db/health.ts'
import { openSqlite, type SqliteHandle } from '../../db/sqlite/connection.ts'
import { sqliteDialect } from '../../db/sqlite/dialect.ts'
import { createStore } from '../../db/store.ts'
import { conversation, createWrite, message, postWrite, rejectionOf } from './fixtures.ts'

interface Opened {
  dir: string
  path: string
  handle: SqliteHandle
  store: Store
}

const opened: Opened[] = []

function open(): Opened {
  const dir = mkdtempSync(join(tmpdir(), 'parley-health-'))
  const path = join(dir, 'parley.db')
  const handle = openSqlite(path)
  const store = createStore(sqliteDialect(handle))
  const o = { dir, path, handle, store }
  opened.push(o)
  return o
}

afterEach(async () => {
  for (const o of opened.splice(0)) {
    await o.store.close().catch(() => {})
    rmSync(o.dir, { recursive: true, force: true })
  }
})

/** A write of the next message of c1 fails as unavailable and stores nothing. */
async function expectRefused(store: Store, seq: number): Promise<void> {
  const error = await rejectionOf(store.conversations.write(postWrite(message('c1', seq))))
  expect(error).toMatchObject({ code: 'unavailable', retryable: true })
  expect(await store.conversations.getMessage('c1', `c1-m${seq}`).catch(() => null)).toBeNull()
  expect(store.health()).toMatchObject({ ready: false, failing: true })
}

async function seeded(): Promise<Opened> {
  const o = open()
  await o.store.conversations.write(createWrite(conversation('c1')))
  expect(o.store.health()).toMatchObject({ ready: true, failing: false, reason: null })
  return o
}

describe('store health (sqlite)', () => {
  test('store health - a read-only connection: writes unavailable, probe fails, then back', async () => {
    const { store, handle } = await seeded()
    handle.client.run('PRAGMA query_only = ON')
    await expectRefused(store, 2)
    expect(await rejectionOf(store.probe())).toMatchObject({ code: 'unavailable' })
    handle.client.run('PRAGMA query_only = OFF')
    await store.probe()
    expect(store.health().ready).toBe(true)
    await store.conversations.write(postWrite(message('c1', 2)))
  })

  test('store health - a full database (no page left): writes unavailable until it has room', async () => {
    const { store, handle } = await seeded()
    const { page_count } = handle.client.query('PRAGMA page_count').get() as { page_count: number }
    handle.client.run(`PRAGMA max_page_count = ${page_count}`)
    // Enough text to need new pages.
    let seq = 2
    let refused: unknown = null
    for (; seq < 200 && !refused; seq++) {
      refused = await rejectionOf(
        store.conversations.write(postWrite({ ...message('c1', seq), text: 'x'.repeat(3000) })),
      ).catch(() => null)
    }
    expect(refused).toMatchObject({ code: 'unavailable' })
    expect(store.health()).toMatchObject({ ready: false, failing: true })
    handle.client.run('PRAGMA max_page_count = 1073741823')
    await store.probe()
    expect(store.health().ready).toBe(true)
  })

  test('store health - another process holding the write lock: unavailable after the busy timeout, then back', async () => {
    const { store, path } = await seeded()
    const other = new Database(path)
    other.run('BEGIN IMMEDIATE')
    try {
      await expectRefused(store, 2)
    } finally {
      other.run('ROLLBACK')
      other.close()
    }
    await store.probe()
    expect(store.health().ready).toBe(true)
    await store.conversations.write(postWrite(message('c1', 2)))
  })

  test('store health - the file removed under the store: writes refused (never acked into a lost file), back when restored', async () => {
    const { store, path, dir } = await seeded()
    const away = join(dir, 'moved-away.db')
    renameSync(path, away)
    await expectRefused(store, 2)
    expect(await rejectionOf(store.ping())).toMatchObject({ code: 'unavailable' })
    expect(store.health().reason).toMatch(/removed or replaced/)
    renameSync(away, path)
    await store.probe()
    expect(store.health().ready).toBe(true)
    await store.conversations.write(postWrite(message('c1', 2)))
    expect((await store.conversations.loadConversation('c1'))?.conversation.lastSeq).toBe(2)
  })
})

describe('health tracker', () => {
  test('health tracker - an operation running past the stall bound: not ready, but not failing', () => {
    let now = 0
    const health = new HealthTracker({ stallMs: 1000, now: () => now })
    const end = health.begin()
    now = 999
    expect(health.status().ready).toBe(true)
    now = 1500
    expect(health.status()).toMatchObject({ ready: false, failing: false, forMs: 500 })
    end()
    expect(health.status().ready).toBe(true)
  })

  test('health tracker - a failure lasts until a write succeeds; reads do not end it', () => {
    let now = 0
    const health = new HealthTracker({ stallMs: 1000, now: () => now })
    health.failed('connection reset')
    now = 300
    health.begin()()
    expect(health.status()).toEqual({
      ready: false,
      failing: true,
      reason: 'connection reset',
      forMs: 300,
    })
    health.failed('a later error')
    expect(health.status().reason).toBe('connection reset')
    health.wrote()
    expect(health.status()).toEqual({ ready: true, failing: false, reason: null, forMs: 0 })
  })
})
