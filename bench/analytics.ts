/**
 * Analytics (issue 19) over a large history: how fast the projection counts it, and how fast
 * the dashboard's queries answer.
 *
 *   node_modules/.bin/bun bench/analytics.ts [--db sqlite|postgres]
 *
 * Environment: PARLEY_ANALYTICS_CONVERSATIONS (default 100000), 10 messages each (1M
 * messages), spread over PARLEY_ANALYTICS_DAYS (default 365) days; PARLEY_ANALYTICS_RUNS
 * (default 7) runs per query. PARLEY_ANALYTICS_KEEP=<sqlite file or Postgres URL>: the history
 * is seeded and counted there once and kept; a later run with the same value only times the
 * queries (to measure a change of the reports without seeding again).
 *
 * 1. Seeds a temporary database made by the store's own migrations with conversation logs as
 *    the actors write them (rows built by db/repos/rows.ts): created, 5 visitor and 5 operator
 *    messages, an assignment, a resolution for 4 of 5, a rating for 1 of 4 (stars, some with a
 *    comment), a transfer for 1 of 20, across 3 branches, 8 operators, 2 channels, 6 countries.
 *    Every conversation is marked, as the migration marks an existing database's. Each of the
 *    8 operators has four presence spans a day (online, away, online, busy). The search
 *    index (SQLite) catches up before anything is timed.
 * 2. Counts it all: the projector's rounds until no mark is left; prints conversations and
 *    events per second (the chat path appends a few thousand events a second: the projection
 *    must count faster than that).
 * 3. On Postgres, vacuums and analyzes the database first (what autovacuum does for a store in
 *    service; this machine's Postgres runs with autovacuum off). Times each query a dashboard
 *    view makes (the store calls the report runs, then the whole
 *    report as the API builds it, a drill-down page, the comments; then the report from a store
 *    just opened, whose packed periods come from the database) for a day, a week, a month
 *    and a year, p50 / p95 in ms; target < 200 ms each.
 */
import { parseArgs } from 'node:util'
import postgres from 'postgres'
import type { AnalyticsScope, ConversationRecord, Store } from '../actors/index.ts'
import { silentLogger } from '../actors/runtime/log.ts'
import type { ConversationEvent } from '../protocol/index.ts'
import { openDialect, openStore } from '../db/index.ts'
import { conversationRow, eventRow } from '../db/repos/rows.ts'
import { insertInto } from '../db/sql/statements.ts'
import { AnalyticsProjector } from '../server/analytics/projector.ts'
import { AnalyticsService } from '../server/analytics/report.ts'
import { LocalTime } from '../server/analytics/time.ts'
import { prng, Samples, timedRuns } from './lib/stats.ts'
import { scratchDatabase } from './lib/scratch-db.ts'

const { values } = parseArgs({ options: { db: { type: 'string', default: 'sqlite' } } })
const DB = values.db
if (DB !== 'sqlite' && DB !== 'postgres') throw new Error('--db must be sqlite or postgres')
const CONVERSATIONS = Number(process.env.PARLEY_ANALYTICS_CONVERSATIONS ?? 100_000)
const DAYS = Number(process.env.PARLEY_ANALYTICS_DAYS ?? 365)
const RUNS = Number(process.env.PARLEY_ANALYTICS_RUNS ?? 7)
const DAY = 86_400_000
const END = Date.UTC(2026, 11, 1)
const START = END - DAYS * DAY
const INBOX = 'inbox-1'
const BRANCHES = ['inbox-1', 'branch-2', 'branch-3']
const OPERATORS = Array.from({ length: 8 }, (_, i) => `operator-${i + 1}`)
const COUNTRIES = ['RU', 'DE', 'US', 'KZ', 'FR', 'BR']

const random = prng(19)
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!

/** One conversation's log as the actor writes it, and its summary row. */
function conversation(i: number): { record: ConversationRecord; events: ConversationEvent[] } {
  const id = `c-${String(i).padStart(7, '0')}`
  // Busier in working hours: the start falls in 08:00-20:00 UTC four times in five.
  const day = START + Math.floor(random() * DAYS) * DAY
  const hour = random() < 0.8 ? 8 + random() * 12 : random() * 24
  let at = Math.floor(day + hour * 3_600_000)
  const branchId = pick(BRANCHES)
  const channel = random() < 0.85 ? undefined : ('email' as const)
  const record: ConversationRecord = {
    id,
    inboxId: INBOX,
    visitorId: `v-${i}`,
    status: 'open',
    assigneeId: null,
    lastSeq: 1,
    hasUnansweredIncoming: false,
    waitingSince: null,
    lastMessageAt: null,
    escalationAt: null,
    branchId,
    location: { country: pick(COUNTRIES), region: null, city: null },
    offline: random() < 0.05,
    ...(channel ? { channel } : {}),
    createdAt: at,
    updatedAt: at,
    ownerEpoch: 0,
  }
  const events: ConversationEvent[] = []
  let seq = 0
  const push = (e: StoredEvent) =>
    events.push({ ...e, conversationId: id, seq: ++seq, at } as ConversationEvent)
  const { ownerEpoch: _epoch, ...wire } = record
  push({ name: 'conversation.created', data: { conversation: wire } })
  const operator = pick(OPERATORS)
  let assignee: string | null = null
  for (let m = 0; m < 10; m++) {
    at += Math.floor(random() * 600_000)
    const visitor = m % 2 === 0
    if (!visitor && assignee === null) {
      assignee = operator
      push({
        name: 'conversation.assigned',
        data: {
          assigneeId: operator,
          previousAssigneeId: null,
          reason: 'auto',
          by: { kind: 'system', id: 'routing' },
        },
      })
    }
    const author = visitor
      ? { kind: 'visitor' as const, id: record.visitorId }
      : { kind: 'operator' as const, id: assignee ?? operator }
    const message = {
      id: `${id}-m${m}`,
      conversationId: id,
      seq: seq + 1,
      author,
      text: visitor ? 'Where is my order?' : 'Let me check that for you.',
      clientMsgId: `${id}-k${m}`,
      createdAt: at,
      editedAt: null,
      deletedAt: null,
      deletedBy: null,
    }
    push({ name: 'message.created', data: { message } })
  }
  if (random() < 0.05) {
    const to = pick(OPERATORS)
    push({
      name: 'conversation.assigned',
      data: {
        assigneeId: to,
        previousAssigneeId: assignee,
        reason: 'transfer',
        by: { kind: 'operator', id: assignee ?? to },
      },
    })
    assignee = to
  }
  if (random() < 0.8) {
    at += Math.floor(random() * 3_600_000)
    push({
      name: 'conversation.status',
      data: { status: 'resolved', by: { kind: 'operator', id: assignee ?? operator } },
    })
    record.status = 'resolved'
    const resolutionSeq = seq
    if (random() < 0.25) {
      at += 60_000
      push({
        name: 'conversation.rated',
        data: {
          rating: {
            scale: 'stars',
            score: 1 + Math.floor(random() * 5),
            comment: random() < 0.3 ? 'Thanks, quick answer' : null,
            resolutionSeq,
            firstRatedAt: at,
          },
          by: { kind: 'visitor', id: record.visitorId },
        },
      })
    }
  }
  record.assigneeId = assignee
  record.lastSeq = seq
  record.lastMessageAt = at
  record.updatedAt = at
  return { record, events }
}
type StoredEvent = Omit<ConversationEvent, 'conversationId' | 'seq' | 'at'>

const databaseUrl = () => scratchDatabase(DB, 'analytics')

async function seed(url: string): Promise<{ events: number; ms: number }> {
  const started = performance.now()
  const db = await openDialect(url)
  let events = 0
  const BATCH = 2000
  try {
    for (let from = 0; from < CONVERSATIONS; from += BATCH) {
      const batch = Array.from({ length: Math.min(BATCH, CONVERSATIONS - from) }, (_, k) =>
        conversation(from + k),
      )
      // Numbered here as the store numbers new conversations: one past the highest.
      await db.insert(
        insertInto('conversations'),
        batch.map((c, k) => ({ ...conversationRow(c.record), no: from + k + 1 })),
      )
      const rows = batch.flatMap((c, k) =>
        c.events.map((e) => ({ ...eventRow(e), convNo: from + k + 1 })),
      )
      for (let k = 0; k < rows.length; k += 5000)
        await db.insert(insertInto('events'), rows.slice(k, k + 5000))
      await db.insert(
        insertInto('analyticsMarks', { doNothing: true }),
        batch.map((c) => ({ conversationId: c.record.id, markedAt: c.record.createdAt })),
      )
      events += rows.length
    }
    // Each operator's working day: online, a lunch away, online again, a busy half hour.
    const DAY_SPANS: Array<[number, number, 'online' | 'away' | 'busy']> = [
      [8, 12, 'online'],
      [12, 13, 'away'],
      [13, 17, 'online'],
      [17, 17.5, 'busy'],
    ]
    const presence = OPERATORS.flatMap((operatorId) =>
      Array.from({ length: DAYS }, (_, d) =>
        DAY_SPANS.map(([from, to, status]) => ({
          operatorId,
          at: START + d * DAY + from * 3_600_000,
          status,
          untilAt: START + d * DAY + to * 3_600_000,
        })),
      ).flat(),
    )
    for (let k = 0; k < presence.length; k += 5000)
      await db.insert(insertInto('analyticsPresence'), presence.slice(k, k + 5000))
  } finally {
    await db.close()
  }
  return { events, ms: performance.now() - started }
}

const fmt = (n: number) => n.toFixed(1).padStart(8)

const KEEP = process.env.PARLEY_ANALYTICS_KEEP

/** A kept history already seeded and counted (PARLEY_ANALYTICS_KEEP). */
async function kept(url: string): Promise<boolean> {
  const store = await openStore(url)
  try {
    const last = `c-${String(CONVERSATIONS - 1).padStart(7, '0')}`
    return (
      (await store.analytics.marks(1)).length === 0 &&
      (await store.analytics.facts([last])).length === 1
    )
  } finally {
    await store.close()
  }
}

async function main() {
  const { url, drop } = KEEP
    ? { url: KEEP.includes('://') ? KEEP : `sqlite:${KEEP}`, drop: async () => {} }
    : await databaseUrl()
  try {
    // Migrations first (openStore runs them), then the seed on a plain connection.
    await (await openStore(url)).close()
    if (!KEEP || !(await kept(url))) await seedAndCount(url)
    await timeQueries(url)
  } finally {
    await drop()
  }
}

/** Seeds the history and counts it with the projector; returns the events it wrote. */
async function seedAndCount(url: string): Promise<number> {
  const seeded = await seed(url)
  console.log(
    `${DB}: seeded ${CONVERSATIONS} conversations, ${seeded.events} events (${CONVERSATIONS * 10} messages) over ${DAYS} days in ${(seeded.ms / 1000).toFixed(1)} s`,
  )
  const store: Store = await openStore(url)
  try {
    // The search index catches up with the seeded messages first (a search waits for it):
    // its thread holds the write lock in back-to-back steps meanwhile.
    const indexing = performance.now()
    await store.search.search({ query: 'order', inboxIds: null, limit: 1, offset: 0 })
    console.log(`search index caught up in ${((performance.now() - indexing) / 1000).toFixed(1)} s`)
    const projector = new AnalyticsProjector({
      store,
      log: {
        ...silentLogger,
        warn: (msg: string) => console.log(`  ${new Date().toISOString()} ${msg}`),
      },
    })
    const t = performance.now()
    const folded = await projector.catchUp()
    const seconds = (performance.now() - t) / 1000
    console.log(
      `projection: ${folded} conversations, ${seeded.events} events in ${seconds.toFixed(1)} s = ${Math.round(seeded.events / seconds)} events/s, ${Math.round(folded / seconds)} conversations/s`,
    )
    return seeded.events
  } finally {
    await store.close()
  }
}

/** Times each query of a dashboard view over the counted history. */
async function timeQueries(url: string): Promise<void> {
  const store: Store = await openStore(url)
  if (DB === 'postgres') {
    // A store in service is vacuumed and analyzed by autovacuum; this machine's Postgres runs
    // with it off, and the seed and the projection left millions of dead row versions and no
    // statistics behind. Without this the figures are of a store nobody runs.
    const admin = postgres(url, { max: 1, onnotice: () => {} })
    try {
      const t = performance.now()
      await admin.unsafe('vacuum analyze')
      console.log(
        `vacuum analyze (autovacuum's work) in ${((performance.now() - t) / 1000).toFixed(1)} s`,
      )
    } finally {
      await admin.end({ timeout: 1 })
    }
  }
  try {
    const clock = { now: () => END, schedule: () => ({ cancel() {} }) } as never
    const service = new AnalyticsService({ store, clock })
    const reportQuery = (span: number) => ({
      from: END - span,
      to: END,
      tz: 'Europe/Moscow',
      interval: span > 60 * DAY ? ('month' as const) : ('day' as const),
    })
    const admin = { kind: 'operator', id: 'admin', role: 'admin', inboxIds: [INBOX] } as never
    console.log(
      `\n${'query'.padEnd(44)}${'day'.padStart(18)}${'week'.padStart(18)}${'month'.padStart(18)}${'year'.padStart(18)}`,
    )
    console.log(`${''.padEnd(44)}${'  p50 / p95 ms'.padStart(18).repeat(4)}`)
    const spans = [DAY, 7 * DAY, 30 * DAY, 365 * DAY]
    const scopeOf = (span: number): AnalyticsScope => ({
      inboxIds: [INBOX],
      from: END - span,
      to: END,
    })
    const queries: Array<[string, (span: number) => Promise<unknown>]> = [
      [
        'store: counts by local day and hour',
        (span) =>
          store.analytics.countsInLocalTime(
            scopeOf(span),
            true,
            new LocalTime('Europe/Moscow').offsets(END - span, END),
            ['started', 'resolved', 'visitor_messages', 'operator_messages'],
          ),
      ],
      ['store: counts by dimension', (span) => store.analytics.countsByDimension(scopeOf(span))],
      ['store: first responses', (span) => store.analytics.factsAt(scopeOf(span), 'response')],
      ['store: resolutions', (span) => store.analytics.factsAt(scopeOf(span), 'resolved')],
      ['store: first assignments', (span) => store.analytics.factsAt(scopeOf(span), 'assigned')],
      [
        'store: first response figures, by dimension',
        (span) => store.analytics.durationFigures(scopeOf(span), 'response', true),
      ],
      [
        'store: resolution figures, by dimension',
        (span) => store.analytics.durationFigures(scopeOf(span), 'resolved', true),
      ],
      [
        'store: first response medians, per day',
        (span) =>
          store.analytics.responseMedians(
            scopeOf(span),
            Array.from({ length: span / DAY + 1 }, (_, k) => END - span + k * DAY),
          ),
      ],
      [
        'store: ratings by score and dimensions',
        (span) => store.analytics.ratingCounts(scopeOf(span)),
      ],
      ['store: load edges', (span) => store.analytics.loadEdges(scopeOf(span), END)],
      ['store: presence', (span) => store.analytics.presenceIn(END - span, END)],
      [
        'whole report (API), Europe/Moscow, by day',
        (span) => service.report(admin, reportQuery(span)),
      ],
      [
        'drill-down: resolved, first page',
        (span) =>
          service.conversations(admin, {
            from: END - span,
            to: END,
            tz: 'UTC',
            interval: 'day',
            metric: 'resolved',
          }),
      ],
      [
        'comments',
        (span) =>
          service.comments(admin, { from: END - span, to: END, tz: 'UTC', interval: 'day' }),
      ],
    ]
    for (const [name, run] of queries) {
      const cells: string[] = []
      for (const span of spans) {
        const { p50, p95 } = await timedRuns(() => run(span), RUNS, 2)
        cells.push(`${fmt(p50)} /${fmt(p95)}`)
      }
      console.log(`${name.padEnd(44)}${cells.map((c) => c.padStart(18)).join('')}`)
    }
    // The reports above read packed periods this store keeps in memory after the first; one
    // from a store just opened reads them from the database (after a restart, on another node).
    // Its connections and statements are warmed first by a day's report a month back (no whole
    // period in it).
    const cold: string[] = []
    for (const span of spans) {
      const samples = new Samples()
      for (let i = 0; i < RUNS; i++) {
        const fresh: Store = await openStore(url)
        try {
          const opened = new AnalyticsService({ store: fresh, clock })
          await opened.report(admin, {
            ...reportQuery(DAY),
            from: END - 30 * DAY,
            to: END - 29 * DAY,
          })
          const t = performance.now()
          await opened.report(admin, reportQuery(span))
          samples.add(performance.now() - t)
        } finally {
          await fresh.close()
        }
      }
      const { p50, p95 } = samples.summary()
      cold.push(`${fmt(p50)} /${fmt(p95)}`)
    }
    console.log(
      `${'whole report, a store just opened (warmed)'.padEnd(44)}${cold.map((c) => c.padStart(18)).join('')}`,
    )
  } finally {
    await store.close()
  }
}

await main()
