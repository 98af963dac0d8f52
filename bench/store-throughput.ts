/**
 * Store throughput: messages per second through the conversation actor with group commit, on
 * SQLite and on Postgres, each printed as a ratio to the raw driver's insert rate measured in
 * the same run: bun:sqlite prepared inserts and postgres.js inserts of the same message row,
 * one commit per insert, from as many concurrent writers as there are conversations.
 *
 *   node_modules/.bin/bun bench/store-throughput.ts [--seconds 2] [--writers 64]
 *
 * Bounded in time (about 4 x seconds plus setup); loopback only. Postgres comes from
 * PARLEY_TEST_POSTGRES (default postgres://postgres@127.0.0.1:5432/postgres), in a database
 * created for the run and dropped after; it is skipped, with the reason, when unreachable.
 */
import { Database } from 'bun:sqlite'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import postgres from 'postgres'
import type { Principal, Store } from '../actors/index.ts'
import { conversationActors } from './lib/store-actors.ts'
import { openStore } from '../db/index.ts'
import { createDatabase, dropDatabase, ensurePostgres } from '../tests/helpers/postgres.ts'

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '2' },
    writers: { type: 'string', default: '64' },
  },
})
const SECONDS = Number(values.seconds)
const WRITERS = Number(values.writers)
const TEXT = 'a message of about the usual length for a support chat, 80 characters or so.'

/** One row for the printed table. */
interface Result {
  dialect: string
  rawPerSecond: number
  actorPerSecond: number
  transactions: number
  maxBatch: number
}

/** One loop per writer, each calling `once` until SECONDS are up; returns calls per second. */
async function rate<W>(writers: W[], once: (writer: W, n: number) => Promise<void>) {
  const deadline = performance.now() + SECONDS * 1000
  let done = 0
  const started = performance.now()
  await Promise.all(
    writers.map(async (writer) => {
      for (let n = 0; performance.now() < deadline; n++) {
        await once(writer, n)
        done++
      }
    }),
  )
  return done / ((performance.now() - started) / 1000)
}

const writerNumbers = Array.from({ length: WRITERS }, (_, w) => w)

/** A message's log row as the store writes it; `n` and `writer` keep ids and seqs unique. */
function messageValues(writer: number, n: number): (string | number | null)[] {
  const at = Date.now()
  return [
    writer + 1,
    `raw-conv-${writer}`,
    n + 1,
    'message.created',
    '{}',
    at,
    `raw-${writer}-${n}`,
    'visitor',
    `v-${writer}`,
    TEXT,
    `c-${n}`,
    null,
    null,
  ]
}

const INSERT_MESSAGE = `insert into events (conv_no, conversation_id, seq, name, data, at,
  message_id, author_kind, author_id, text, client_msg_id, edited_at, deleted_at)`

/** Conversation rows the raw inserts reference (the log has a foreign key). */
function rawConversations(): string {
  const rows = Array.from(
    { length: WRITERS },
    (_, w) =>
      `('raw-conv-${w}', ${w + 1}, 'bench', 'v-${w}', 'open', 0, null, 0, false, null, 0, 0, 0, 0, null)`,
  )
  return `insert into conversations (id, no, inbox_id, visitor_id, status, status_rank, assignee_id,
    last_seq, has_unanswered_incoming, last_message_at, last_activity_at, created_at, updated_at,
    owner_epoch, escalation_at) values ${rows.join(', ')}`
}

/** Messages per second through the actor: WRITERS conversations, each sending in turn. */
async function actorRate(
  store: Store,
): Promise<{ perSecond: number; transactions: number; maxBatch: number }> {
  const registry = conversationActors(store)
  const writers = writerNumbers.map((w) => {
    const principal: Principal = { kind: 'visitor', id: `visitor-${w}`, inboxId: 'bench' }
    return { conversationId: `bench-conv-${w}`, principal }
  })
  await Promise.all(
    writers.map((w) => registry.ask(w.conversationId, { type: 'create', principal: w.principal })),
  )
  const before = store.stats()
  const perSecond = await rate(writers, async (w, n) => {
    await registry.ask(w.conversationId, {
      type: 'send',
      principal: w.principal,
      clientMsgId: `m${n}`,
      text: TEXT,
    })
  })
  const after = store.stats()
  await registry.shutdown()
  return {
    perSecond,
    transactions: after.transactions - before.transactions,
    maxBatch: after.maxBatch,
  }
}

async function sqlite(dir: string): Promise<Result> {
  const rawPath = join(dir, 'raw.db')
  await (await openStore(`sqlite:${rawPath}`)).close()
  const raw = new Database(rawPath)
  // The store's own settings: WAL, every commit synced.
  raw.run('PRAGMA journal_mode = WAL')
  raw.run('PRAGMA synchronous = FULL')
  raw.run('PRAGMA foreign_keys = ON')
  raw.run(rawConversations())
  const insert = raw.prepare(`${INSERT_MESSAGE} values (${Array(13).fill('?').join(', ')})`)
  const rawPerSecond = await rate(writerNumbers, async (w, n) => {
    insert.run(...messageValues(w, n))
  })
  raw.close()
  const store = await openStore(`sqlite:${join(dir, 'actor.db')}`)
  try {
    const actor = await actorRate(store)
    return { dialect: 'sqlite', rawPerSecond, actorPerSecond: actor.perSecond, ...actor }
  } finally {
    await store.close()
  }
}

async function postgresResult(adminUrl: string): Promise<Result> {
  const rawDb = await createDatabase(adminUrl, 'parley_bench')
  const actorDb = await createDatabase(adminUrl, 'parley_bench')
  try {
    await (await openStore(rawDb.url)).close()
    // The store's pool size (10), shared by all writers as the store's pool is.
    const raw = postgres(rawDb.url, { max: 10, onnotice: () => {} })
    await raw.unsafe(rawConversations())
    const statement = `${INSERT_MESSAGE} values (${Array.from({ length: 13 }, (_, i) => `$${i + 1}`).join(', ')})`
    const rawPerSecond = await rate(writerNumbers, async (w, n) => {
      await raw.unsafe(statement, messageValues(w, n), { prepare: true })
    })
    await raw.end()
    const store = await openStore(actorDb.url)
    try {
      const actor = await actorRate(store)
      return { dialect: 'postgres', rawPerSecond, actorPerSecond: actor.perSecond, ...actor }
    } finally {
      await store.close()
    }
  } finally {
    await dropDatabase(adminUrl, rawDb.name)
    await dropDatabase(adminUrl, actorDb.name)
  }
}

function print(results: Result[]): void {
  const header = ['dialect', 'raw inserts/s', 'actor msgs/s', 'ratio', 'transactions', 'max batch']
  const rows = [
    header,
    ...results.map((r) => [
      r.dialect,
      r.rawPerSecond.toFixed(0),
      r.actorPerSecond.toFixed(0),
      `${(r.actorPerSecond / r.rawPerSecond).toFixed(2)}x`,
      String(r.transactions),
      String(r.maxBatch),
    ]),
  ]
  const widths = header.map((_, i) => Math.max(...rows.map((r) => r[i]?.length ?? 0)))
  const pad = (cell: string, i: number) =>
    i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0)
  for (const row of rows) console.log(row.map(pad).join('  '))
  console.log('ratio: actor messages per second / raw driver inserts per second, same run')
}

const dir = mkdtempSync(join(tmpdir(), 'parley-bench-'))
try {
  console.log(`${WRITERS} concurrent writers, ${SECONDS} s per measurement`)
  const results = [await sqlite(dir)]
  const service = await ensurePostgres()
  if (service.ok) results.push(await postgresResult(service.adminUrl))
  else console.log(`postgres skipped: ${service.reason}`)
  print(results)
} finally {
  rmSync(dir, { recursive: true, force: true })
}
