/**
 * `parley db copy`: a populated SQLite store copied into a fresh Postgres database (and back)
 * opens as the same store; the checksums catch a differing row; a non-empty target is refused.
 */
import { afterAll, describe, expect, test } from 'bun:test'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Store } from '../../actors/ports.ts'
import { copyDatabase, openDialect, openStore } from '../../db/index.ts'
import { fingerprint } from '../../db/copy/scan.ts'
import { createDatabase, dropDatabase, withPostgres } from '../helpers/postgres.ts'
import {
  T0,
  conversation,
  createWrite,
  inbox,
  message,
  operator,
  operatorParty,
  postWrite,
  rejectionOf,
  seedMessages,
  visitorParty,
} from './fixtures.ts'

const dir = mkdtempSync(join(tmpdir(), 'parley-copy-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const root = join(import.meta.dir, '..', '..')
/** Log rows populate() writes: 12 conversations with their messages, one operator reply. */
const EVENTS = 44

/** Runs `bun server/cli.ts ...args` as an operator would. */
async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const child = Bun.spawn([process.execPath, 'server/cli.ts', ...args], {
    cwd: root,
    stdout: 'pipe',
    stderr: 'pipe',
  })
  const [stdout, stderr, code] = await Promise.all([
    new Response(child.stdout).text(),
    new Response(child.stderr).text(),
    child.exited,
  ])
  return { code, stdout, stderr }
}

/** Every table gets rows, including JSON, booleans, nulls, deleted text and watermarks. */
async function populate(store: Store): Promise<void> {
  await store.inboxes.create(inbox('i1', { name: 'Support' }))
  await store.inboxes.create(inbox('i2', { name: 'Sales' }))
  await store.operators.create(operator('o1', { role: 'admin' }))
  await store.operators.create(operator('o2', { canChat: false, status: 'away' }))
  await store.inboxes.setMembers('i1', ['o1', 'o2'])
  await store.sessions.create({
    tokenHash: 'h1',
    operatorId: 'o1',
    createdAt: T0,
    expiresAt: T0 + 1,
  })
  await store.visitors.create({
    id: 'v1',
    inboxId: 'i1',
    externalId: null,
    createdAt: T0,
    signedOutAt: 0,
    name: null,
    email: null,
  })
  await store.visitors.create({
    id: 'v2',
    inboxId: 'i1',
    externalId: 'user-7',
    createdAt: T0,
    signedOutAt: 0,
    name: null,
    email: null,
  })
  for (let i = 0; i < 12; i++) await seedMessages(store, `c${i}`, 1 + (i % 4))
  await store.conversations.write({
    ...postWrite(message('c1', 4, { author: operatorParty('o1'), text: 'héllo ✓ "quoted"' })),
    updateMessages: [{ id: 'c1-m2', deletedAt: T0 + 5, deletedBy: visitorParty() }],
    readStates: [{ reader: operatorParty('o1'), deliveredSeq: 4, readSeq: 2 }],
  })
  await store.conversations.write({
    ...createWrite(conversation('escalating', { assigneeId: 'o1', escalationAt: T0 + 60_000 })),
  })
}

/** Everything a client could read back, for comparing two stores. */
async function contents(store: Store) {
  const ids = ['escalating', ...Array.from({ length: 12 }, (_, i) => `c${i}`)]
  return {
    operators: await store.operators.list(),
    inboxes: await store.inboxes.list(),
    members: await store.inboxes.members('i1'),
    session: await store.sessions.get('h1'),
    visitor: await store.visitors.findByExternalId('i1', 'user-7'),
    conversations: await Promise.all(ids.map((id) => store.conversations.loadConversation(id))),
    messages: await Promise.all(ids.map((id) => store.queries.listMessages(id, { limit: 50 }))),
    events: await Promise.all(ids.map((id) => store.conversations.eventsAfter(id, 0, 50))),
    inbox: await store.queries.listInbox({
      inboxIds: null,
      unansweredOnly: false,
      cursor: null,
      limit: 50,
    }),
  }
}

await withPostgres('db copy', async (adminUrl) => {
  const source = `sqlite:${join(dir, 'source.db')}`
  const seeded = await openStore(source)
  await populate(seeded)
  const expected = await contents(seeded)
  await seeded.close()

  const target = await createDatabase(adminUrl)
  afterAll(() => dropDatabase(adminUrl, target.name))

  describe('db copy', () => {
    test('db copy - a SQLite store copied to Postgres opens with the same data', async () => {
      const report = await copyDatabase(source, target.url, { batchSize: 7 })
      expect(report.ok).toBe(true)
      expect(report.tables.every((t) => t.sourceRows === t.targetRows && t.ok)).toBe(true)
      expect(report.tables.find((t) => t.table === 'events')?.targetRows).toBe(EVENTS)
      const copied = await openStore(target.url)
      try {
        expect(await contents(copied)).toEqual(expected)
      } finally {
        await copied.close()
      }
    })

    test('db copy - a target that already holds rows is refused before anything is written', async () => {
      const refusal = await rejectionOf(copyDatabase(source, target.url))
      expect(refusal).toMatchObject({ name: 'CopyRefused' })
      expect(String(refusal)).toContain('not empty')
    })

    test('db copy - Postgres copies back to SQLite with the same checksums', async () => {
      const back = `sqlite:${join(dir, 'back.db')}`
      const report = await copyDatabase(target.url, back)
      expect(report.ok).toBe(true)
      const again = await openStore(back)
      try {
        expect(await contents(again)).toEqual(expected)
      } finally {
        await again.close()
      }
    })

    test('db copy - checksums agree across dialects and change with any value', async () => {
      const [lite, pg] = await Promise.all([openDialect(source), openDialect(target.url)])
      try {
        for (const table of ['events', 'readStates', 'inboxes'] as const) {
          expect(await fingerprint(pg, table, 5)).toEqual(await fingerprint(lite, table, 1000))
        }
        const before = await fingerprint(pg, 'events')
        const store = await openStore(target.url)
        await store.conversations.write({
          conversationId: 'c3',
          updateMessages: [{ id: 'c3-m2', text: 'changed' }],
          events: [],
        })
        await store.close()
        const after = await fingerprint(pg, 'events')
        expect(after.rows).toBe(before.rows)
        expect(after.checksum).not.toBe(before.checksum)
      } finally {
        await Promise.all([lite.close(), pg.close()])
      }
    })

    test('db copy - the command prints a report and exits 0, or 2 when refused', async () => {
      const fresh = await createDatabase(adminUrl)
      try {
        const first = await cli('db', 'copy', '--from', source, '--to', fresh.url)
        expect(first.code).toBe(0)
        expect(first.stdout).toMatch(/^events +44 +44 +[0-9a-f]{32} +[0-9a-f]{32} +ok$/m)
        expect(first.stdout).toContain('every table matches')
        const again = await cli('db', 'copy', '--from', source, '--to', fresh.url)
        expect(again.code).toBe(2)
        expect(again.stderr).toContain('refused: the target database is not empty')
        expect((await cli('db', 'copy', '--from', source)).code).toBe(2)
      } finally {
        await dropDatabase(adminUrl, fresh.name)
      }
    })

    test('db copy - a conversation started on the copy is numbered after the copied ones', async () => {
      // Postgres numbers conversations from a sequence the copied rows did not move: the copy
      // moves it past them, or the first new conversation would take a copied number.
      for (const url of [target.url, `sqlite:${join(dir, 'back.db')}`]) {
        const store = await openStore(url)
        try {
          await store.conversations.write(createWrite(conversation('after-copy')))
          const m = message('after-copy', 2)
          await store.conversations.write(postWrite(m))
          expect(await store.queries.listMessages('after-copy', { limit: 10 })).toEqual([m])
          expect(await store.queries.listMessages('c1', { limit: 10 })).toEqual(
            expected.messages[2] ?? [],
          )
        } finally {
          await store.close()
        }
      }
    })
  })
})
