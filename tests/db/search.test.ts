/**
 * Full-text search (issue 16) on both dialects: one suite, run against SQLite files and a
 * Postgres database, through the real store and its migrations; plus each dialect's index
 * checks (FTS5 consistency and migration backfill on SQLite, index use on Postgres).
 */
import { Database } from 'bun:sqlite'
import { afterAll, describe, expect, test } from 'bun:test'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { drizzle } from 'drizzle-orm/bun-sqlite'
import { migrate } from 'drizzle-orm/bun-sqlite/migrator'
import postgres from 'postgres'
import type { SearchPage, Store } from '../../actors/ports.ts'
import { openStore } from '../../db/index.ts'
import { MAX_CANDIDATES, rankingSql } from '../../db/repos/search.ts'
import {
  fts5Match,
  highlight,
  hitRanges,
  parseSearchQuery,
  snippet,
  tsQuery,
} from '../../db/repos/search-text.ts'
import type { Message } from '../../protocol/index.ts'
import { createDatabase, dropDatabase, withPostgres } from '../helpers/postgres.ts'
import {
  T0,
  conversation,
  createWrite,
  inbox,
  message,
  messageCreated,
  operatorParty,
  postWrite,
  rejectionOf,
  useStore,
  type StoreFactory,
} from './fixtures.ts'
import { journalPrefix, readJournal } from './specs/journal-prefix.ts'

const dir = mkdtempSync(join(tmpdir(), 'parley-search-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** Creates visitor `id` in `inboxId` (the inbox too, once). */
async function visitor(
  store: Store,
  id: string,
  fields: { inboxId?: string; name?: string; email?: string; phone?: string } = {},
  attributes: Record<string, string | number | boolean> = {},
): Promise<void> {
  const inboxId = fields.inboxId ?? 'inbox-1'
  if (!(await store.inboxes.get(inboxId))) await store.inboxes.create(inbox(inboxId))
  await store.visitors.create({
    id,
    inboxId,
    externalId: null,
    createdAt: T0,
    signedOutAt: 0,
    name: fields.name ?? null,
    email: fields.email ?? null,
  })
  if (fields.phone !== undefined || Object.keys(attributes).length > 0) {
    await store.visitors.updateProfile(id, { phone: fields.phone, attributes })
  }
}

/** A conversation with one message per text (seq 2, 3, ...); returns the messages. */
async function chat(
  store: Store,
  id: string,
  texts: string[],
  overrides: { inboxId?: string; visitorId?: string; status?: 'open' | 'resolved' } = {},
): Promise<Message[]> {
  await store.conversations.write(createWrite(conversation(id, overrides)))
  const messages: Message[] = []
  for (const [i, text] of texts.entries()) {
    const m = message(id, i + 2, {
      text,
      author:
        i % 2 === 0 ? { kind: 'visitor', id: overrides.visitorId ?? 'visitor-1' } : operatorParty(),
    })
    await store.conversations.write(postWrite(m))
    messages.push(m)
  }
  return messages
}

const find = (store: Store, query: string, more: { inboxIds?: string[] | null } = {}) =>
  store.search.search({ query, inboxIds: more.inboxIds ?? null, limit: 20, offset: 0 })

const ids = (page: SearchPage) => page.results.map((r) => r.conversation.id)
const marked = (parts: Array<{ text: string; hit: boolean }>) =>
  parts.filter((p) => p.hit).map((p) => p.text)

function searchSuite(name: string, fresh: StoreFactory): void {
  describe(`search (${name})`, () => {
    const store = useStore(fresh)

    test('search - finds messages by English and Russian words, with the hit message', async () => {
      const [hello] = await chat(store(), 'c1', ['Hello, my order never arrived', 'Sorry!'])
      await chat(store(), 'c2', ['Где мой заказ? Жду неделю', 'Проверим'])
      await chat(store(), 'c3', ['unrelated words only'])
      const en = await find(store(), 'order')
      expect(ids(en)).toEqual(['c1'])
      expect(en.total).toBe(1)
      const hit = en.results[0]?.messages[0]
      expect(hit).toMatchObject({
        seq: 2,
        messageId: hello?.id,
        authorKind: 'visitor',
        at: hello?.createdAt,
      })
      expect(hit?.snippet.map((p) => p.text).join('')).toBe('Hello, my order never arrived')
      expect(marked(hit?.snippet ?? [])).toEqual(['order'])
      const ru = await find(store(), 'ЗАКАЗ')
      expect(ids(ru)).toEqual(['c2'])
      expect(marked(ru.results[0]?.messages[0]?.snippet ?? [])).toEqual(['заказ'])
    })

    test('search - the last word matches as a prefix, the others whole; every word is required', async () => {
      await chat(store(), 'c1', ['Номер заказа 12345, доставка завтра'])
      await chat(store(), 'c2', ['заказ отменён'])
      expect(ids(await find(store(), 'заказ')).sort()).toEqual(['c1', 'c2'])
      expect(ids(await find(store(), 'заказа достав'))).toEqual(['c1'])
      expect(ids(await find(store(), 'заказ достав'))).toEqual([])
      expect(ids(await find(store(), '1234'))).toEqual(['c1'])
      expect(ids(await find(store(), 'заказ нет'))).toEqual([])
      // A one-letter last word matches only itself.
      expect(ids(await find(store(), 'заказ о'))).toEqual([])
      const page = await find(store(), 'заказа дост')
      expect(marked(page.results[0]?.messages[0]?.snippet ?? [])).toEqual(['заказа', 'доставка'])
    })

    test('search - finds conversations by the visitor name, e-mail, phone and attribute values', async () => {
      await visitor(
        store(),
        'v-ann',
        { name: 'Ann Lee', email: 'ann.lee@example.com', phone: '+7 912 555-01-02' },
        { plan: 'platinum', seats: 42 },
      )
      await visitor(store(), 'v-bob', { name: 'Bob', email: 'bob@other.org' })
      await chat(store(), 'c-ann', ['hi'], { visitorId: 'v-ann' })
      await chat(store(), 'c-bob', ['hi'], { visitorId: 'v-bob' })
      const byName = await find(store(), 'lee')
      expect(ids(byName)).toEqual(['c-ann'])
      expect(byName.results[0]?.visitor).toEqual({
        id: 'v-ann',
        name: 'Ann Lee',
        email: 'ann.lee@example.com',
      })
      expect(byName.results[0]?.messages).toEqual([])
      const fields = byName.results[0]?.visitorFields ?? []
      expect(fields.map((f) => [f.field, marked(f.snippet)])).toEqual([
        ['name', ['Lee']],
        ['email', ['lee']],
      ])
      expect(ids(await find(store(), 'example.com'))).toEqual(['c-ann'])
      expect(ids(await find(store(), '555'))).toEqual(['c-ann'])
      const attribute = await find(store(), 'platinum')
      expect(ids(attribute)).toEqual(['c-ann'])
      expect(attribute.results[0]?.visitorFields).toEqual([
        { field: 'attribute', key: 'plan', snippet: [{ text: 'platinum', hit: true }] },
      ])
      // Attribute keys are not searched, only their values.
      expect(ids(await find(store(), 'seats'))).toEqual([])
      expect(ids(await find(store(), 'bob'))).toEqual(['c-bob'])
    })

    test('search - a changed visitor profile is searched as it is now', async () => {
      await visitor(store(), 'v1', { name: 'Olga' })
      await chat(store(), 'c1', ['hi'], { visitorId: 'v1' })
      expect(ids(await find(store(), 'olga'))).toEqual(['c1'])
      await store().visitors.setContact('v1', { name: 'Marta', email: 'marta@example.com' })
      await chat(store(), 'c2', ['x'], { visitorId: 'v1' })
      expect(ids(await find(store(), 'olga'))).toEqual([])
      expect(ids(await find(store(), 'marta')).sort()).toEqual(['c1', 'c2'])
    })

    test('search - one result per conversation, at most three message hits, best first', async () => {
      await chat(store(), 'many', ['refund 1', 'refund 2', 'refund 3', 'refund 4', 'refund 5'])
      await chat(store(), 'dense', ['refund refund refund'])
      await chat(store(), 'sparse', [
        'a long message that mentions a refund once among very many other words about shipping, delivery, tracking numbers, parcels and boxes',
      ])
      const page = await find(store(), 'refund')
      expect(page.total).toBe(3)
      expect(new Set(ids(page)).size).toBe(3)
      const many = page.results.find((r) => r.conversation.id === 'many')
      expect(many?.messages).toHaveLength(3)
      // Equal scores: the newest first.
      expect(many?.messages.map((m) => m.seq)).toEqual([6, 5, 4])
      const rank = ids(page)
      expect(rank.indexOf('dense')).toBeLessThan(rank.indexOf('sparse'))
      const scores = page.results.map((r) => r.score)
      expect([...scores].sort((a, b) => b - a)).toEqual(scores)
    })

    test('search - an edited message is found by its new text only, a deleted one not at all', async () => {
      const [m] = await chat(store(), 'c1', ['the password is banana'])
      await chat(store(), 'c2', ['keep this one'])
      if (!m) throw new Error('no message')
      await store().conversations.write({
        conversationId: 'c1',
        events: [],
        updateMessages: [{ id: m.id, text: 'the password is cherry', editedAt: T0 + 9000 }],
      })
      expect(ids(await find(store(), 'banana'))).toEqual([])
      expect(ids(await find(store(), 'cherry'))).toEqual(['c1'])
      expect(
        marked((await find(store(), 'cherry')).results[0]?.messages[0]?.snippet ?? []),
      ).toEqual(['cherry'])
      await store().conversations.write({
        conversationId: 'c1',
        events: [],
        updateMessages: [{ id: m.id, deletedAt: T0 + 9500, deletedBy: operatorParty() }],
      })
      expect(ids(await find(store(), 'cherry'))).toEqual([])
      expect(ids(await find(store(), 'password'))).toEqual([])
      expect(ids(await find(store(), 'keep'))).toEqual(['c2'])
    })

    test('search - only the given inboxes are searched, and a status narrows it', async () => {
      await visitor(store(), 'v-a', { inboxId: 'inbox-a', name: 'Secret Agent' })
      await visitor(store(), 'v-b', { inboxId: 'inbox-b', name: 'Secret Agent' })
      await chat(store(), 'ca', ['secret plans'], { inboxId: 'inbox-a', visitorId: 'v-a' })
      await chat(store(), 'cb', ['secret plans'], { inboxId: 'inbox-b', visitorId: 'v-b' })
      await chat(store(), 'cb2', ['secret plans'], { inboxId: 'inbox-b', status: 'resolved' })
      expect(ids(await find(store(), 'secret', { inboxIds: ['inbox-a'] }))).toEqual(['ca'])
      expect(ids(await find(store(), 'agent', { inboxIds: ['inbox-a'] }))).toEqual(['ca'])
      expect((await find(store(), 'secret', { inboxIds: ['inbox-a'] })).total).toBe(1)
      expect(ids(await find(store(), 'secret', { inboxIds: [] }))).toEqual([])
      expect(ids(await find(store(), 'secret')).sort()).toEqual(['ca', 'cb', 'cb2'])
      const resolved = await store().search.search({
        query: 'secret',
        inboxIds: ['inbox-b'],
        status: 'resolved',
        limit: 10,
        offset: 0,
      })
      expect(ids(resolved)).toEqual(['cb2'])
    })

    test('search - pages by limit and offset with the total of all matches', async () => {
      for (let i = 0; i < 5; i++) await chat(store(), `c${i}`, [`invoice number ${i}`])
      const all = await find(store(), 'invoice')
      const pages: string[] = []
      for (let offset = 0; offset < 5; offset += 2) {
        const page = await store().search.search({
          query: 'invoice',
          inboxIds: null,
          limit: 2,
          offset,
        })
        expect(page.total).toBe(5)
        pages.push(...ids(page))
      }
      expect(pages).toEqual(ids(all))
      const beyond = await store().search.search({
        query: 'invoice',
        inboxIds: null,
        limit: 2,
        offset: 10,
      })
      expect(beyond).toEqual({ results: [], total: 5, capped: false })
    })

    test('search - a word in more messages than one search ranks ranks the newest, and says so', async () => {
      await chat(store(), 'old', ['common word, the oldest'])
      await store().conversations.write(createWrite(conversation('busy')))
      const events = Array.from({ length: MAX_CANDIDATES }, (_, i) =>
        messageCreated(message('busy', i + 2, { text: `common word ${i}` })),
      )
      await store().conversations.write({ conversationId: 'busy', events })
      const page = await find(store(), 'common')
      expect(page.capped).toBe(true)
      // The oldest match is beyond the newest MAX_CANDIDATES: not ranked, not counted.
      expect(ids(page)).toEqual(['busy'])
      expect(page.total).toBe(1)
      expect(page.results[0]?.messages.map((m) => m.seq)).toHaveLength(3)
      expect((await find(store(), 'oldest')).capped).toBe(false)
      expect(ids(await find(store(), 'oldest'))).toEqual(['old'])
    })

    test('search - an empty or too long query is refused with validation_failed', async () => {
      for (const query of [
        '',
        '   ',
        'x'.repeat(201),
        Array.from({ length: 13 }, (_, i) => `w${i}`).join(' '),
      ]) {
        expect(await rejectionOf(find(store(), query))).toMatchObject({ code: 'validation_failed' })
      }
      expect(await find(store(), 'x'.repeat(200))).toEqual({ results: [], total: 0, capped: false })
    })

    test('search - query syntax characters are words and separators, never operators', async () => {
      await chat(store(), 'c1', ['NEAR the "quoted" text: a-b test* (x OR y) it\'s & | ! \\ done'])
      for (const query of [
        '"',
        '*',
        '-',
        ':',
        '"""',
        '(',
        ')',
        '^',
        'NEAR(',
        'a:b',
        "'",
        '&',
        '|',
        '!',
        '\\',
        '*:*',
        'OR',
        'AND NOT',
        '-test',
        'text:*',
        '"quoted',
        '.,;?',
      ])
        await find(store(), query)
      expect(await find(store(), '*:"(-)"')).toEqual({ results: [], total: 0, capped: false })
      expect(ids(await find(store(), 'NEAR'))).toEqual(['c1'])
      expect(ids(await find(store(), '"quoted" text'))).toEqual(['c1'])
      expect(ids(await find(store(), 'test*'))).toEqual(['c1'])
      expect(ids(await find(store(), '-test'))).toEqual(['c1'])
      expect(ids(await find(store(), 'text:quoted'))).toEqual(['c1'])
      expect(ids(await find(store(), 'OR y'))).toEqual(['c1'])
      expect(ids(await find(store(), "it's"))).toEqual(['c1'])
    })

    test('search - a long message gives a snippet around the first hit, cut with an ellipsis', async () => {
      const text = `${'lorem ipsum dolor sit amet '.repeat(20)}the needle is here ${'consectetur adipiscing '.repeat(20)}`
      await chat(store(), 'c1', [text])
      const parts = (await find(store(), 'needle')).results[0]?.messages[0]?.snippet ?? []
      expect(parts[0]).toEqual({ text: '…', hit: false })
      expect(parts.at(-1)).toEqual({ text: '…', hit: false })
      expect(marked(parts)).toEqual(['needle'])
      const body = parts
        .slice(1, -1)
        .map((p) => p.text)
        .join('')
      expect(text).toContain(body)
      expect(body.length).toBeLessThanOrEqual(160)
    })
  })
}

describe('search words and highlights', () => {
  test('search words - quoted for FTS5 and tsquery, the last one a prefix, never an operator', () => {
    const terms = parseSearchQuery('  Café "NEAR" it\'s o:* ')
    expect(terms).toEqual([
      { text: 'café', prefix: false },
      { text: 'near', prefix: false },
      { text: 'it', prefix: false },
      { text: 's', prefix: false },
      { text: 'o', prefix: false },
    ])
    expect(fts5Match(parseSearchQuery('order deliv'))).toBe('"order" AND "deliv"*')
    expect(tsQuery(parseSearchQuery('order deliv'))).toBe("'order' & 'deliv':*")
    expect(parseSearchQuery('"*:-()')).toEqual([])
  })

  test('search highlights - ranges fall on whole words, diacritics and case folded, never split a pair', () => {
    const text = 'Un CAFÉ, deux cafés; 🙂 cafeteria'
    const terms = parseSearchQuery('cafe')
    expect(hitRanges(text, terms).map(([a, b]) => text.slice(a, b))).toEqual([
      'CAFÉ',
      'cafés',
      'cafeteria',
    ])
    expect(
      highlight(text, terms)
        .map((p) => p.text)
        .join(''),
    ).toBe(text)
    const long = `${'🙂'.repeat(100)} needle ${'🙂'.repeat(100)}`
    const parts = snippet(long, parseSearchQuery('needle'))
    const body = parts.map((p) => p.text).join('')
    // No lone surrogate at either cut.
    expect(body).toBe(body.toWellFormed())
    expect(parts.filter((p) => p.hit).map((p) => p.text)).toEqual(['needle'])
  })
})

// SQLite: a file per store, as the server runs (the writer thread commits the writes).
let opened = 0
searchSuite('sqlite', () => openStore(`sqlite:${join(dir, `search-${++opened}.db`)}`))

describe('search (sqlite index)', () => {
  test('sqlite - the indexes stay consistent with their tables through writes, edits and deletes', async () => {
    const path = join(dir, 'integrity.db')
    const store = await openStore(`sqlite:${path}`)
    try {
      await visitor(store, 'v1', { name: 'Ann', email: 'ann@example.com' }, { plan: 'gold' })
      const [a, b] = await chat(store, 'c1', ['first message', 'second message'])
      if (!a || !b) throw new Error('no messages')
      // Messages are indexed behind the log; a search waits for them: the edit and delete below
      // then change rows the index already holds (the triggers' part).
      expect(ids(await find(store, 'first'))).toEqual(['c1'])
      await store.conversations.write({
        conversationId: 'c1',
        events: [],
        updateMessages: [{ id: a.id, text: 'edited', editedAt: T0 + 1 }],
      })
      await store.conversations.write({
        conversationId: 'c1',
        events: [],
        updateMessages: [{ id: b.id, deletedAt: T0 + 2, deletedBy: operatorParty() }],
      })
      await store.visitors.updateProfile('v1', { attributes: { plan: 'silver', city: 'Riga' } })
      await store.visitors.setContact('v1', { name: 'Anna', email: 'anna@example.com' })
      // A message past the mark, edited before the indexer reaches it: indexed as it is then.
      const [c] = await chat(store, 'c2', ['third message'])
      if (!c) throw new Error('no message')
      await store.conversations.write({
        conversationId: 'c2',
        events: [],
        updateMessages: [{ id: c.id, text: 'rewritten', editedAt: T0 + 3 }],
      })
      expect(ids(await find(store, 'rewritten'))).toEqual(['c2'])
      expect(ids(await find(store, 'third'))).toEqual([])
    } finally {
      await store.close()
    }
    const db = new Database(path)
    try {
      // Throws "database disk image is malformed" when an index and its content disagree.
      db.run(`insert into message_search(message_search, rank) values ('integrity-check', 1)`)
      db.run(`insert into visitor_search(visitor_search, rank) values ('integrity-check', 1)`)
      const count = (sql: string) => (db.query(sql).get() as { n: number }).n
      expect(
        count(`select count(*) as n from message_search where message_search match 'edited'`),
      ).toBe(1)
      expect(
        count(`select count(*) as n from message_search where message_search match 'second'`),
      ).toBe(0)
      expect(
        count(`select count(*) as n from visitor_search where visitor_search match 'riga'`),
      ).toBe(1)
      expect(
        count(`select count(*) as n from visitor_search where visitor_search match 'gold'`),
      ).toBe(0)
    } finally {
      db.close()
    }
  })

  test('sqlite - a rowid freed by deleting the last row and taken again is indexed again', async () => {
    const path = join(dir, 'reuse.db')
    const store = await openStore(`sqlite:${path}`)
    const raw = new Database(path)
    try {
      await chat(store, 'r1', ['keeps its words'])
      const [last] = await chat(store, 'r2', ['doomed words'])
      expect(ids(await find(store, 'doomed'))).toEqual(['r2'])
      // Retention or erasure deletes the newest row: the next insert takes its rowid.
      const before = raw.query(`select max(rowid) as id from events`).get() as { id: number }
      raw.run(`delete from events where conversation_id = 'r2' and message_id = ?`, [
        last?.id ?? '',
      ])
      await store.conversations.write(postWrite(message('r1', 3, { text: 'reborn words' })))
      const after = raw.query(`select max(rowid) as id from events`).get() as { id: number }
      expect(after.id).toBe(before.id)
      expect(ids(await find(store, 'doomed'))).toEqual([])
      expect(ids(await find(store, 'reborn'))).toEqual(['r1'])
      expect(ids(await find(store, 'keeps'))).toEqual(['r1'])
      raw.run(`insert into message_search(message_search, rank) values ('integrity-check', 1)`)
    } finally {
      raw.close()
      await store.close()
    }
  })

  test('sqlite - the migration indexes the messages and visitors stored before it', async () => {
    const migrations = join(import.meta.dir, '..', '..', 'db', 'migrations', 'sqlite')
    const journal = readJournal(migrations)
    const at = journal.entries.findIndex((entry) => entry.tag.endsWith('_search'))
    expect(at).toBeGreaterThan(0)
    const path = join(dir, 'backfill.db')
    const client = new Database(path, { create: true })
    migrate(drizzle({ client }), { migrationsFolder: journalPrefix(migrations, at, dir) })
    client.run(
      `insert into inboxes (id, name, identity_secret, settings, created_at, updated_at)
       values ('inbox-1', 'Inbox', 's', ?, ?, ?)`,
      [JSON.stringify(inbox('inbox-1').settings), T0, T0],
    )
    client.run(
      `insert into visitors (id, inbox_id, created_at, name, attributes)
       values ('visitor-1', 'inbox-1', ?, 'Zelda', '{"tier":"bronze"}')`,
      [T0],
    )
    client.run(
      `insert into conversations (id, inbox_id, visitor_id, status, status_rank, last_seq,
         has_unanswered_incoming, last_activity_at, created_at, updated_at, branch_id)
       values ('old', 'inbox-1', 'visitor-1', 'open', 0, 3, 1, ?, ?, ?, 'inbox-1')`,
      [T0, T0, T0],
    )
    for (const [seq, text, deletedAt] of [
      [2, 'archived words', null],
      [3, 'gone words', T0],
    ] as const) {
      client.run(
        `insert into events (conversation_id, seq, name, data, at, message_id, author_kind,
           author_id, text, deleted_at)
         values ('old', ?, 'message.created', '{}', ?, ?, 'visitor', 'visitor-1', ?, ?)`,
        [seq, T0, `old-m${seq}`, text, deletedAt],
      )
    }
    client.close()
    const store = await openStore(`sqlite:${path}`)
    try {
      expect(ids(await find(store, 'archived'))).toEqual(['old'])
      expect(ids(await find(store, 'gone'))).toEqual([])
      expect(ids(await find(store, 'zelda'))).toEqual(['old'])
      expect(ids(await find(store, 'bronze'))).toEqual(['old'])
    } finally {
      await store.close()
    }
  })

  test('sqlite - the ranking statement reads the full-text indexes, never scans the log', () => {
    const client = new Database(join(dir, 'plan.db'), { create: true })
    try {
      const migrations = join(import.meta.dir, '..', '..', 'db', 'migrations', 'sqlite')
      migrate(drizzle({ client }), { migrationsFolder: migrations })
      for (const inboxIds of [null, ['inbox-1']]) {
        const statement = rankingSql('sqlite', 'word другое', inboxIds)
        const plan = client
          .query<{ detail: string }, never[]>(`explain query plan ${statement.sql}`)
          .all(...(statement.params as never[]))
          .map((r) => r.detail)
          .join('; ')
        expect(plan).toMatch(/SCAN message_search VIRTUAL TABLE INDEX/)
        expect(plan).toMatch(/SCAN visitor_search VIRTUAL TABLE INDEX/)
        expect(plan).toMatch(/SEARCH e USING INTEGER PRIMARY KEY \(rowid=\?\)/)
        expect(plan).not.toMatch(/SCAN (e|events|c|conversations|vi|visitors)\b/)
      }
    } finally {
      client.close()
    }
  })
})

await withPostgres('search (postgres)', async (adminUrl) => {
  const database = await createDatabase(adminUrl)
  const admin = postgres(database.url, { max: 1, onnotice: () => {} })
  afterAll(async () => {
    await admin.end({ timeout: 1 })
    await dropDatabase(adminUrl, database.name)
  })
  // Migrated once; every test starts from empty tables (children first).
  await (await openStore(database.url)).close()
  const empty = async () => {
    await admin.begin((sql) =>
      [
        'pending_projections',
        'attachments',
        'events',
        'read_states',
        'conversations',
        'visitors',
        'inboxes',
      ].map((name) => sql.unsafe(`delete from "${name}"`)),
    )
  }
  searchSuite('postgres', async () => {
    await empty()
    return openStore(database.url)
  })

  describe('search (postgres index)', () => {
    test('postgres - searches use the GIN expression indexes', async () => {
      await empty()
      const store = await openStore(database.url)
      try {
        await chat(store, 'c1', ['indexed words'])
      } finally {
        await store.close()
      }
      const statement = rankingSql('postgres', 'indexed', null)
      const plan = await admin.begin(async (sql) => {
        // A few rows: without this the planner rightly prefers reading the table.
        await sql`set local enable_seqscan = off`
        const rows = await sql.unsafe(`explain ${statement.sql}`, statement.params as never[])
        return rows.map((r) => String(r['QUERY PLAN'])).join('\n')
      })
      expect(plan).toContain('events_search_idx')
      expect(plan).toContain('visitors_search_idx')
    })
  })
})
