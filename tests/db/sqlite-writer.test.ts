/**
 * The SQLite writer thread (db/sqlite/writer.ts): conversation writes of a file database
 * commit on a worker's connection. Its errors arrive as the types the store classifies (a
 * taken key is a conflict, the fence's refusal and a missing row keep their codes), a thread
 * that dies fails what it had in flight as retryable and is replaced for the next batch, and
 * closing the store lets every accepted write commit first.
 */
import { afterEach, describe, expect, test } from 'bun:test'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Store } from '../../actors/ports.ts'
import { openSqlite } from '../../db/sqlite/connection.ts'
import { sqliteDialect } from '../../db/sqlite/dialect.ts'
import { SqliteWriterThread } from '../../db/sqlite/writer.ts'
import { createStore } from '../../db/store.ts'
import { ConversationWriter } from '../../db/repos/writes.ts'
import {
  T0,
  conversation,
  createWrite,
  inbox,
  message,
  operator,
  postWrite,
  rejectionOf,
  seedMessages,
} from './fixtures.ts'

const dirs: string[] = []
const stores: Store[] = []
afterEach(async () => {
  await Promise.all(stores.splice(0).map((s) => s.close()))
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

/** A store on a new file whose conversation writes go through `thread`. */
async function open(): Promise<{ store: Store; thread: SqliteWriterThread; path: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'parley-writer-'))
  dirs.push(dir)
  const path = join(dir, 'parley.db')
  const dialect = sqliteDialect(openSqlite(path))
  const thread = await SqliteWriterThread.start(path)
  const store = createStore(dialect, { writer: thread })
  stores.push(store)
  return { store, thread, path }
}

describe('sqlite writer thread', () => {
  test('writer - writes commit on the thread and read back on the main connection', async () => {
    const { store } = await open()
    const sent = await seedMessages(store, 'c1', 3)
    expect(await store.queries.listMessages('c1', { limit: 10 })).toEqual(sent)
    expect((await store.conversations.loadConversation('c1'))?.conversation.lastSeq).toBe(4)
    // Many conversations at once still share transactions on the thread.
    await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        store.conversations.write(createWrite(conversation(`b${i}`))),
      ),
    )
    const stats = store.stats()
    expect(stats.writesCommitted).toBe(54)
    expect(stats.maxBatch).toBeGreaterThan(1)
  })

  test('writer - its errors classify as on the main connection: conflict, not_found, the fence', async () => {
    const { store } = await open()
    await seedMessages(store, 'c1', 1)
    const taken = message('c1', 2, { id: 'again', clientMsgId: 'other' })
    expect(await rejectionOf(store.conversations.write(postWrite(taken)))).toMatchObject({
      code: 'conflict',
    })
    const missing = { conversationId: 'nope', update: { lastSeq: 2 }, events: [] }
    expect(await rejectionOf(store.conversations.write(missing))).toMatchObject({
      code: 'not_found',
    })
    expect(await store.conversations.acquire('c1')).toBe(1)
    const stale = { ...postWrite(message('c1', 3)), expectedEpoch: 0 }
    expect(await rejectionOf(store.conversations.write(stale))).toMatchObject({
      code: 'unavailable',
    })
    // None of them changed anything.
    expect((await store.conversations.loadConversation('c1'))?.conversation.lastSeq).toBe(2)
  })

  test('writer - plain inserts (a new visitor, a session) commit on the thread, not on the event loop', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'parley-writer-'))
    dirs.push(dir)
    const path = join(dir, 'parley.db')
    const dialect = sqliteDialect(openSqlite(path))
    const thread = await SqliteWriterThread.start(path)
    const onThread: string[] = []
    const store = createStore(dialect, {
      writer: {
        commit: (units) => thread.commit(units),
        insert: (table, doNothing, rows) => {
          onThread.push(table)
          return thread.insert(table, doNothing, rows)
        },
        close: () => thread.close(),
      },
    })
    stores.push(store)
    const visitor = {
      id: 'v1',
      inboxId: 'i1',
      externalId: 'user-1',
      createdAt: T0,
      signedOutAt: 0,
      name: 'Ann',
      email: null,
    }
    // An inbox is created by a transaction of several statements: on the main connection.
    await store.inboxes.create(inbox('i1'))
    await store.visitors.create(visitor)
    expect(onThread).toEqual(['visitors'])
    expect(await store.visitors.findByExternalId('i1', 'user-1')).toMatchObject(visitor)
    // A taken key on the thread is the same typed conflict as on the main connection.
    expect(await rejectionOf(store.visitors.create(visitor))).toMatchObject({ code: 'conflict' })
    await store.operators.create(operator('o1'))
    await store.sessions.create({
      tokenHash: 'h1',
      operatorId: 'o1',
      createdAt: T0,
      expiresAt: T0 + 1,
    })
    expect(onThread).toEqual(['visitors', 'visitors', 'operators', 'operatorSessions'])
    expect(await store.sessions.get('h1')).toMatchObject({ operatorId: 'o1' })
  })

  test('writer - a thread that dies fails its writes retryably; the next write starts another', async () => {
    const { store, thread } = await open()
    await seedMessages(store, 'c1', 1)
    await thread.abort()
    // The thread is gone: the write cannot tell whether it committed, so it is retryable.
    const lost = await rejectionOf(store.conversations.write(postWrite(message('c1', 3))))
    expect(lost).toMatchObject({ code: 'unavailable' })
    expect(store.health()).toMatchObject({ ready: false, failing: true })
    // The retry runs on a new thread.
    await store.conversations.write(postWrite(message('c1', 3)))
    expect((await store.queries.listMessages('c1', { limit: 10 })).map((m) => m.seq)).toEqual([
      2, 3,
    ])
    expect(store.health()).toMatchObject({ ready: true, failing: false })
  })

  test('writer - a write that cannot cross to the thread fails alone; the others commit', async () => {
    const { store } = await open()
    await store.conversations.write(createWrite(conversation('c1')))
    await store.conversations.write(createWrite(conversation('c2')))
    const bad = {
      conversationId: 'c1',
      update: { lastSeq: 2 },
      events: [
        {
          name: 'conversation.status' as const,
          conversationId: 'c1',
          seq: 2,
          at: 2,
          // JSON cannot carry a bigint: this write cannot be handed to the thread.
          data: { status: 'open' as const, by: { kind: 'system' as const, id: 10n as never } },
        },
      ],
    }
    const [refused, kept] = await Promise.allSettled([
      store.conversations.write(bad),
      store.conversations.write(postWrite(message('c2', 2))),
    ])
    expect(refused).toMatchObject({ status: 'rejected' })
    expect(kept).toMatchObject({ status: 'fulfilled' })
    expect((await store.conversations.loadConversation('c1'))?.conversation.lastSeq).toBe(1)
    expect((await store.conversations.loadConversation('c2'))?.conversation.lastSeq).toBe(2)
  })

  test('writer - close lets every accepted write commit, then refuses more', async () => {
    const { store, path } = await open()
    await store.conversations.write(createWrite(conversation('c1')))
    const writes = Array.from({ length: 20 }, (_, i) =>
      store.conversations.write(postWrite(message('c1', i + 2))),
    )
    const closing = store.close()
    await Promise.all(writes)
    await closing
    const late = await rejectionOf(store.conversations.write(postWrite(message('c1', 22))))
    expect(String(late)).toContain('closed')
    const again = createStore(sqliteDialect(openSqlite(path)))
    try {
      expect((await again.conversations.loadConversation('c1'))?.conversation.lastSeq).toBe(21)
    } finally {
      await again.close()
    }
  })

  test('writer - a planned write is plain data (it crosses threads as JSON unchanged)', () => {
    const write = {
      ...postWrite(message('c1', 2)),
      expectedEpoch: 3,
      readStates: [{ reader: { kind: 'operator' as const, id: 'o' }, deliveredSeq: 2, readSeq: 1 }],
      updateMessages: [{ id: 'm', text: 'edited', editedAt: 5 }],
    }
    const planned = ConversationWriter.plan(write)
    expect(JSON.parse(JSON.stringify(planned))).toEqual(planned)
  })
})
