/**
 * Full-text search (issue 16) on SQLite: query latency over a large log, and what indexing
 * (behind the log, on the indexer's thread: db/sqlite/search-index.ts) costs the write path.
 *
 *   node_modules/.bin/bun bench/search.ts
 *
 * Environment: PARLEY_SEARCH_MESSAGES (default 1000000) messages to seed,
 * PARLEY_SEARCH_SEED_SECONDS (default 600) bound on seeding (fewer messages are then used and
 * said), PARLEY_SEARCH_RUNS (default 30) runs per query, PARLEY_SEARCH_WRITE_SECONDS (default
 * 3, 0 skips) per write phase.
 *
 * 1. Seeds a temporary database, created by the store's own migrations, with messages of 4 to
 *    24 words drawn from a Zipf vocabulary (English and Russian words plus made-up ones), 10
 *    per conversation, one named visitor per conversation, in transactions of 10 000 rows, then
 *    indexes them all (the indexer's steps, timed: its rate is printed).
 * 2. Times store.search.search (the code the route runs: ranking, hits, snippets) for a rare
 *    word, a common word, the most common word, two words and a prefix, next to the baseline
 *    measured in the same run on the same database: one history page (store.queries.
 *    listMessages of one conversation, 30 messages). Prints p50 / p95 and their ratios.
 * 3. Write cost: conversation actors sending messages through the store (group commit, the
 *    writer thread) for a few seconds on a fresh database indexed as in production (the
 *    indexer thread and the edit/delete triggers) and on one not indexed at all (no triggers,
 *    no mark for the indexer), alternating, three pairs: messages per second and the ratio.
 */
import { Database } from 'bun:sqlite'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Principal, Store } from '../actors/index.ts'
import { conversationActors } from './lib/store-actors.ts'
import { prng, timedRuns } from './lib/stats.ts'
import { openStore } from '../db/index.ts'
import { indexStep } from '../db/sqlite/search-index.ts'

const MESSAGES = Number(process.env.PARLEY_SEARCH_MESSAGES ?? 1_000_000)
const SEED_SECONDS = Number(process.env.PARLEY_SEARCH_SEED_SECONDS ?? 600)
const RUNS = Number(process.env.PARLEY_SEARCH_RUNS ?? 30)
const WRITE_SECONDS = Number(process.env.PARLEY_SEARCH_WRITE_SECONDS ?? 3)
const PER_CONVERSATION = 10
const BATCH = 10_000
const T0 = Date.UTC(2026, 0, 1)
/** The rare word: in exactly RARE_COUNT messages, and nowhere in the vocabulary. */
const RARE = 'quasarium'
const RARE_COUNT = 20

const random = prng(16)
const REAL = (
  'the to and a i you is it order for my of please on in not can help with this that your we ' +
  'delivery refund payment account password card invoice shipping parcel tracking number ' +
  'hello thanks problem today tomorrow cancel return price discount support email phone ' +
  'и в не на я что с вы по заказ доставка оплата здравствуйте спасибо пожалуйста помогите ' +
  'номер карта счёт возврат отмена посылка курьер адрес телефон почта проблема сегодня завтра'
).split(' ')
const SYLLABLES = 'ba ko ri mu te la po sa ne vi do ga lu fe zo ka mi ro ta ve ni bu'.split(' ')
/** Vocabulary by rank: real words first (the frequent ones), then made-up ones. */
const VOCABULARY = [...REAL]
while (VOCABULARY.length < 50_000) {
  const n = 2 + Math.floor(random() * 3)
  VOCABULARY.push(Array.from({ length: n }, () => SYLLABLES[Math.floor(random() * 22)]).join(''))
}
/** Zipf (s = 1) cumulative weights over the vocabulary's ranks. */
const CUMULATIVE = (() => {
  let sum = 0
  return VOCABULARY.map((_, rank) => (sum += 1 / (rank + 1)))
})()
function word(): string {
  const x = random() * (CUMULATIVE.at(-1) ?? 1)
  let lo = 0
  let hi = CUMULATIVE.length - 1
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if ((CUMULATIVE[mid] ?? 0) < x) lo = mid + 1
    else hi = mid
  }
  return VOCABULARY[lo] ?? 'the'
}
function messageText(i: number): string {
  const words = Array.from({ length: 4 + Math.floor(random() * 21) }, word)
  if (i % Math.floor(MESSAGES / RARE_COUNT) === 7) words.splice(2, 0, RARE)
  return words.join(' ')
}

async function seed(
  path: string,
): Promise<{ messages: number; seconds: number; indexSeconds: number }> {
  await (await openStore(`sqlite:${path}`)).close()
  const db = new Database(path)
  db.run('PRAGMA journal_mode = WAL')
  db.run('PRAGMA synchronous = NORMAL')
  db.run(`insert into inboxes (id, name, identity_secret, settings, created_at, updated_at)
    values ('bench', 'Bench', 'secret', '{}', ${T0}, ${T0})`)
  const visitor = db.prepare(`insert into visitors (id, inbox_id, created_at, name, email)
    values (?, 'bench', ${T0}, ?, ?)`)
  const conversation = db.prepare(`insert into conversations (id, no, inbox_id, visitor_id,
      status, status_rank, last_seq, has_unanswered_incoming, last_message_at, last_activity_at,
      created_at, updated_at, branch_id)
    values (?, ?, 'bench', ?, 'open', 0, ?, 1, ?, ?, ${T0}, ${T0}, 'bench')`)
  const event = db.prepare(`insert into events (conv_no, conversation_id, seq, name, data, at,
      message_id, author_kind, author_id, text, client_msg_id)
    values (?, ?, ?, 'message.created', '{}', ?, ?, ?, ?, ?, ?)`)
  const started = performance.now()
  let done = 0
  while (done < MESSAGES && performance.now() - started < SEED_SECONDS * 1000) {
    const end = Math.min(MESSAGES, done + BATCH)
    db.transaction(() => {
      for (let i = done; i < end; i++) {
        const c = Math.floor(i / PER_CONVERSATION)
        const seq = (i % PER_CONVERSATION) + 2
        const at = T0 + i * 1000
        if (seq === 2) {
          const first = word()
          visitor.run(`v${c}`, `${first} ${word()}`, `${first}${c}@example.com`)
          const last = at + (PER_CONVERSATION - 1) * 1000
          conversation.run(`c${c}`, c + 1, `v${c}`, PER_CONVERSATION + 1, last, last)
        }
        const author = seq % 2 === 0 ? ['visitor', `v${c}`] : ['operator', 'op']
        event.run(
          c + 1,
          `c${c}`,
          seq,
          at,
          `m${i}`,
          author[0] ?? '',
          author[1] ?? '',
          messageText(i),
          `k${i}`,
        )
      }
    })()
    done = end
    if (done % 100_000 === 0) console.log(`seeded ${done} messages`)
  }
  const seconds = (performance.now() - started) / 1000
  const indexing = performance.now()
  while (indexStep(db, 10_000) > 0) {
    // one bounded transaction per step, as the indexer's thread runs them
  }
  const indexSeconds = (performance.now() - indexing) / 1000
  db.run('PRAGMA wal_checkpoint(TRUNCATE)')
  db.close()
  return { messages: done, seconds, indexSeconds }
}

function countMatches(path: string, match: string): number {
  const db = new Database(path, { readonly: true })
  try {
    const row = db
      .query<{ n: number }, [string]>(
        'select count(*) as n from message_search where message_search match ?',
      )
      .get(match)
    return row?.n ?? 0
  } finally {
    db.close()
  }
}

const TEXT = 'a message of about the usual length for a support chat, 80 characters or so.'

/** Messages per second through 64 conversation actors sending in turn for WRITE_SECONDS. */
async function writeRate(store: Store): Promise<number> {
  const registry = conversationActors(store)
  const writers = Array.from({ length: 64 }, (_, w) => ({
    id: `w-conv-${w}`,
    principal: { kind: 'visitor', id: `visitor-${w}`, inboxId: 'bench' } satisfies Principal,
  }))
  await Promise.all(
    writers.map((w) => registry.ask(w.id, { type: 'create', principal: w.principal })),
  )
  const deadline = performance.now() + WRITE_SECONDS * 1000
  const started = performance.now()
  let sent = 0
  await Promise.all(
    writers.map(async (w) => {
      for (let n = 0; performance.now() < deadline; n++) {
        await registry.ask(w.id, {
          type: 'send',
          principal: w.principal,
          clientMsgId: `m${n}`,
          text: TEXT,
        })
        sent++
      }
    }),
  )
  const rate = sent / ((performance.now() - started) / 1000)
  await registry.shutdown()
  return rate
}

const TRIGGERS = ['events_search_update', 'events_search_delete']
/** Phases with and without the triggers, back to back; each pair gives one ratio. */
const WRITE_PAIRS = 3

async function writeCost(dir: string): Promise<{ with: number[]; without: number[] }> {
  const result = { with: [] as number[], without: [] as number[] }
  for (let round = 0; round < 2 * WRITE_PAIRS; round++) {
    const indexed = round % 2 === 0
    const path = join(dir, `writes-${round}.db`)
    await (await openStore(`sqlite:${path}`)).close()
    if (!indexed) {
      const db = new Database(path)
      for (const name of TRIGGERS) db.run(`drop trigger ${name}`)
      // No mark: the indexer's steps find nothing to do.
      db.run(`delete from search_progress`)
      db.close()
    }
    const store = await openStore(`sqlite:${path}`)
    try {
      ;(indexed ? result.with : result.without).push(await writeRate(store))
    } finally {
      await store.close()
    }
  }
  return result
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN
const ms = (x: number) => `${x.toFixed(2)} ms`

const dir = mkdtempSync(join(tmpdir(), 'parley-search-bench-'))
try {
  const path = join(dir, 'search.db')
  const seeded = await seed(path)
  console.log(
    `seeded ${seeded.messages} messages (${seeded.messages / PER_CONVERSATION} conversations) ` +
      `in ${seeded.seconds.toFixed(1)} s (${Math.round(seeded.messages / seeded.seconds)} rows/s), ` +
      `indexed in ${seeded.indexSeconds.toFixed(1)} s (${Math.round(seeded.messages / seeded.indexSeconds)} messages/s)`,
  )
  const store = await openStore(`sqlite:${path}`)
  try {
    const conversations = Math.max(1, Math.floor(seeded.messages / PER_CONVERSATION))
    let k = 0
    const baseline = await timedRuns(
      () => store.queries.listMessages(`c${(k++ * 7919) % conversations}`, { limit: 30 }),
      RUNS,
    )
    const queries: Array<[string, string, string]> = [
      ['rare word', RARE, `"${RARE}"*`],
      ['common word', 'refund', '"refund"*'],
      ['most common word', 'the', '"the"*'],
      ['two words', 'order delivery', '"order"* AND "delivery"*'],
      ['prefix', 'дост', '"дост"*'],
    ]
    const rows: string[][] = [
      [
        'baseline: one history page (listMessages, 30)',
        '-',
        ms(baseline.p50),
        ms(baseline.p95),
        '1.0x',
        '1.0x',
      ],
    ]
    for (const [name, query, match] of queries) {
      const found = await store.search.search({ query, inboxIds: null, limit: 20, offset: 0 })
      const t = await timedRuns(
        () => store.search.search({ query, inboxIds: null, limit: 20, offset: 0 }),
        RUNS,
      )
      rows.push([
        `${name}: "${query}" (${countMatches(path, match)} messages, ${found.total} conversations)`,
        String(found.results.length),
        ms(t.p50),
        ms(t.p95),
        `${(t.p50 / baseline.p50).toFixed(0)}x`,
        `${(t.p95 / baseline.p95).toFixed(0)}x`,
      ])
    }
    console.log(
      `\nsearch over ${seeded.messages} messages, ${RUNS} runs each (target: p95 < 200 ms)`,
    )
    console.table(
      rows.map(([what, results, p50, p95, r50, r95]) => ({
        what,
        results,
        p50,
        p95,
        'p50/baseline': r50,
        'p95/baseline': r95,
      })),
    )
  } finally {
    await store.close()
  }
  if (WRITE_SECONDS > 0) {
    const cost = await writeCost(dir)
    // Each pair ran back to back, so its ratio is the least disturbed by the machine's load.
    const ratios = cost.with.map((w, i) => w / (cost.without[i] ?? NaN))
    console.log(
      `\nwrites through the store, 64 conversations, ${WRITE_SECONDS} s per phase:\n` +
        `  indexed (as in production): ${cost.with.map((x) => Math.round(x)).join(', ')} msgs/s\n` +
        `  not indexed:                ${cost.without.map((x) => Math.round(x)).join(', ')} msgs/s\n` +
        `  ratio with / without, per pair: ${ratios.map((r) => r.toFixed(2)).join(', ')}; ` +
        `median ${median(ratios).toFixed(2)}`,
    )
  }
} finally {
  rmSync(dir, { recursive: true, force: true })
}
