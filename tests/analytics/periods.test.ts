/**
 * Packed periods of durations (issue 19; db/repos/analytics-periods.ts) on both dialects, through
 * the real store and projector writes: a history over five periods in two inboxes is folded and
 * applied; every duration figure (totals and each breakdown, with each filter) and the series
 * medians equal a computation over the index rows (AnalyticsStore.factsAt) when the periods are
 * packed, when they are read back packed, and after later folds change entries inside packed
 * periods (a transfer moves them to another branch, a late resolution adds one): a copy of an
 * older generation is never taken.
 */
import { Database } from 'bun:sqlite'
import { afterAll, describe, expect, test } from 'bun:test'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import postgres from 'postgres'
import type {
  AnalyticsLoadGroup,
  AnalyticsDurationGroup,
  AnalyticsMomentFacts,
  AnalyticsLogEvent,
  AnalyticsProjection,
  AnalyticsScope,
  Store,
} from '../../actors/ports.ts'
import { openStore } from '../../db/index.ts'
import type { LoadSpanRow } from '../../db/repos/analytics-periods.ts'
import {
  durationsOf,
  edgesOf,
  type LoadEdges,
  PERIOD_MS,
  regionKey,
} from '../../protocol/analytics.ts'
import { foldConversation } from '../../server/analytics/fold.ts'
import { loadPerKey, loadWithinEdges } from '../../server/analytics/load.ts'
import { createDatabase, dropDatabase, withPostgres } from '../helpers/postgres.ts'

const P = PERIOD_MS
const MINUTE = 60_000
/** A period boundary eight periods back: whole periods after it are settled (packed). */
const BASE = (Math.floor(Date.now() / P) - 8) * P
const N = 240
const OPERATORS = ['op-1', 'op-2', 'op-3']
const BRANCHES = ['b1', 'b2', null]
const COUNTRIES: Array<[string | null, string | null]> = [
  ['RU', 'Moscow'],
  ['DE', null],
  [null, null],
  ['RU', 'Tatarstan'],
]

type Log = AnalyticsLogEvent[]

/** Conversation i's first log: created, a visitor message, assigned, answered, resolved. */
function history(i: number): { id: string; events: Log } {
  const id = `c-${String(i).padStart(4, '0')}`
  const created = BASE - P / 2 + Math.floor((i * 5 * P) / N)
  const [country, region] = COUNTRIES[i % COUNTRIES.length]!
  const operator = OPERATORS[i % 3]!
  const base = { conversationId: id }
  const events: Log = [
    {
      ...base,
      seq: 1,
      at: created,
      name: 'conversation.created',
      data: {
        conversation: {
          id,
          inboxId: i % 5 === 0 ? 'inbox-b' : 'inbox-a',
          branchId: BRANCHES[i % 3],
          channel: i % 4 === 0 ? 'telegram' : 'widget',
          location: country ? { country, region: region ?? undefined } : undefined,
          createdAt: created,
          status: 'open',
          assigneeId: i % 2 === 0 ? operator : null,
        },
      },
    } as never,
    {
      ...base,
      seq: 2,
      at: created + MINUTE,
      name: 'message.created',
      author: { kind: 'visitor', id: 'v' },
    },
    {
      ...base,
      seq: 3,
      at: created + 2 * MINUTE + i * 7_000,
      name: 'conversation.assigned',
      data: {
        assigneeId: operator,
        previousAssigneeId: null,
        reason: 'auto',
        by: { kind: 'system', id: 'routing' },
      },
    } as never,
  ]
  if (i % 9 !== 0) {
    events.push({
      ...base,
      seq: 4,
      at: created + (3 + (i % 11)) * MINUTE,
      name: 'message.created',
      author: { kind: 'operator', id: operator },
    })
  }
  if (i % 4 !== 3) {
    events.push({
      ...base,
      seq: 5,
      at: created + (30 + (i % 17)) * MINUTE,
      name: 'conversation.status',
      data: { status: 'resolved', by: { kind: 'operator', id: operator } },
    } as never)
  }
  return { id, events }
}

/** Later events: a transfer to branch b3 (every 10th) and a late resolution (half the unresolved). */
function later(i: number, lastSeq: number, at: number): Log {
  const id = `c-${String(i).padStart(4, '0')}`
  const events: Log = []
  if (i % 10 === 1) {
    events.push({
      conversationId: id,
      seq: lastSeq + 1,
      at,
      name: 'conversation.assigned',
      data: {
        assigneeId: 'op-3',
        previousAssigneeId: null,
        reason: 'transfer',
        by: { kind: 'operator', id: 'op-1' },
        branchId: 'b3',
      },
    } as never)
  }
  if (i % 8 === 3) {
    events.push({
      conversationId: id,
      seq: lastSeq + events.length + 1,
      at: at + MINUTE,
      name: 'conversation.status',
      data: { status: 'resolved', by: { kind: 'operator', id: 'op-2' } },
    } as never)
  }
  return events
}

const MOMENTS = ['response', 'resolved', 'assigned'] as const
type Moment = (typeof MOMENTS)[number]

/** The figures straight from the index rows, grouped here: the reference. */
async function reference(
  store: Store,
  scope: AnalyticsScope,
  moment: Moment,
): Promise<AnalyticsDurationGroup[]> {
  // Every moment's row has the dimensions; each reads its own duration columns.
  type Row = AnalyticsMomentFacts['response'] &
    AnalyticsMomentFacts['resolved'] &
    AnalyticsMomentFacts['assigned']
  const rows = (await store.analytics.factsAt(scope, moment)) as Row[]
  const entry = (r: Row): { values: Array<number | null>; operator: string | null } =>
    moment === 'response'
      ? { values: [r.firstResponseMs, r.firstResponseBusinessMs], operator: r.firstResponderId }
      : moment === 'resolved'
        ? { values: [r.resolutionMs], operator: r.resolutionOperatorId }
        : { values: [(r.firstAssignedAt ?? 0) - r.createdAt], operator: r.firstAssigneeId }
  const keys: Array<[string, (r: Row) => string]> = [
    ['operator', (r) => entry(r).operator ?? ''],
    ['branch', (r) => r.branchId ?? ''],
    ['inbox', (r) => r.inboxId],
    ['channel', (r) => r.channel],
    ['country', (r) => r.country ?? ''],
    ['region', (r) => regionKey(r.country, r.region)],
  ]
  const figures = (group: Row[]) => {
    const width = moment === 'response' ? 2 : 1
    return Array.from({ length: width }, (_, k) =>
      durationsOf(group.map((r) => entry(r).values[k] ?? null)),
    )
  }
  const groups: AnalyticsDurationGroup[] = [{ dim: null, key: '', figures: figures(rows) }]
  for (const [dim, keyOf] of keys) {
    const byKey = new Map<string, Row[]>()
    for (const r of rows) byKey.set(keyOf(r), [...(byKey.get(keyOf(r)) ?? []), r])
    for (const [key, group] of byKey)
      groups.push({ dim: dim as never, key, figures: figures(group) })
  }
  return sorted(groups)
}

const sorted = (groups: AnalyticsDurationGroup[]) =>
  [...groups].sort((a, b) =>
    `${a.dim ?? ''}\u0000${a.key}`.localeCompare(`${b.dim ?? ''}\u0000${b.key}`),
  )

/** Medians per interval straight from the index rows. */
async function referenceMedians(store: Store, scope: AnalyticsScope, bounds: number[]) {
  const rows = await store.analytics.factsAt(scope, 'response')
  return bounds.slice(0, -1).map((from, k) => {
    const to = bounds[k + 1]!
    const within = rows.filter(
      (r) => r.firstResponseAt !== null && r.firstResponseAt >= from && r.firstResponseAt < to,
    )
    return durationsOf(within.map((r) => r.firstResponseMs)).medianMs
  })
}

/** What a report's sweeps make of load edges: per dimension value, and per interval. */
type LoadRow = LoadSpanRow
const NOW = BASE + 9 * P
function loadFigures(edges: LoadEdges<AnalyticsLoadGroup>, scope: AnalyticsScope) {
  const until = Math.min(scope.to, NOW)
  const keys = ['operatorId', 'branchId', 'inboxId', 'channel', 'country', 'region'] as const
  const bounds = Array.from(
    { length: 9 },
    (_, k) => scope.from + Math.floor(((scope.to - scope.from) * k) / 8),
  )
  return {
    perKey: keys.map((key) =>
      [...loadPerKey(edges, (g) => g[key], scope.from, until)].sort(([a], [b]) =>
        a.localeCompare(b),
      ),
    ),
    within: loadWithinEdges(edges, bounds, NOW),
  }
}

/** The edges of load rows as a report would sweep them, computed straight from the rows. */
function edgesOfRows(rows: readonly LoadRow[], scope: AnalyticsScope) {
  const spans = rows.map((r) => ({
    ...r,
    from: r.fromAt,
    until: r.untilAt ?? NOW,
    weight: r.count,
  }))
  return edgesOf(spans, scope.from, Math.min(scope.to, NOW), (s) => s as AnalyticsLoadGroup)
}

/** The load rows of the table itself, in the scope: the reference. */
function referenceLoads(table: LoadRow[], scope: AnalyticsScope) {
  return table.filter(
    (r) =>
      scope.inboxIds.includes(r.inboxId) &&
      r.fromAt < scope.to &&
      (r.untilAt === null || r.untilAt > scope.from) &&
      (scope.branchId === undefined || r.branchId === scope.branchId) &&
      (scope.operatorId === undefined || r.operatorId === scope.operatorId) &&
      (scope.channel === undefined || r.channel === scope.channel) &&
      (scope.country === undefined || r.country === scope.country),
  )
}

const RANGE = { from: BASE - P / 3, to: BASE + 4 * P + P / 4 }
const SCOPES: AnalyticsScope[] = [
  { inboxIds: ['inbox-a', 'inbox-b'], ...RANGE },
  { inboxIds: ['inbox-b'], ...RANGE },
  { inboxIds: ['inbox-a', 'inbox-b'], ...RANGE, branchId: 'b1' },
  { inboxIds: ['inbox-a', 'inbox-b'], ...RANGE, operatorId: 'op-2' },
  { inboxIds: ['inbox-a', 'inbox-b'], ...RANGE, channel: 'telegram' },
  { inboxIds: ['inbox-a', 'inbox-b'], ...RANGE, country: 'RU' },
  // Nine whole finished periods: load spans are packed too (eight or more).
  { inboxIds: ['inbox-a', 'inbox-b'], from: BASE - P, to: BASE + 8 * P },
  { inboxIds: ['inbox-a', 'inbox-b'], from: BASE - P, to: BASE + 8 * P, operatorId: 'op-2' },
  // Past the later changes (a week of its own).
  { inboxIds: ['inbox-a', 'inbox-b'], from: BASE + P / 2, to: BASE + 7 * P },
  // Whole periods only, and less than one.
  { inboxIds: ['inbox-a', 'inbox-b'], from: BASE + P, to: BASE + 3 * P },
  { inboxIds: ['inbox-a'], from: BASE + P / 4, to: BASE + P / 2 },
]

async function expectFiguresMatch(store: Store, loads: () => Promise<LoadRow[]>): Promise<void> {
  const table = await loads()
  for (const scope of SCOPES) {
    const edges = await store.analytics.loadEdges(scope, NOW)
    expect({ scope, loads: loadFigures(edges, scope) }).toEqual({
      scope,
      loads: loadFigures(edgesOfRows(referenceLoads(table, scope), scope), scope),
    })
    for (const moment of MOMENTS) {
      for (const byDimension of [true, false]) {
        const got = sorted(await store.analytics.durationFigures(scope, moment, byDimension))
        const want = await reference(store, scope, moment)
        expect({ scope, moment, byDimension, got }).toEqual({
          scope,
          moment,
          byDimension,
          got: byDimension ? want : want.filter((g) => g.dim === null),
        })
      }
    }
    const bounds = Array.from(
      { length: 12 },
      (_, k) => scope.from + Math.floor(((scope.to - scope.from) * k) / 11),
    )
    expect(await store.analytics.responseMedians(scope, bounds)).toEqual(
      await referenceMedians(store, scope, bounds),
    )
  }
}

function suite(
  name: string,
  fresh: () => Promise<{
    store: Store
    /** Another store on the same database (nothing kept in memory yet). */
    reopen(): Promise<Store>
    copies(): Promise<number>
    loads(): Promise<LoadRow[]>
    run(statement: string): Promise<void>
  }>,
) {
  describe(`analytics periods (${name})`, () => {
    test(`periods - ${name}: packed periods give the index rows' figures; a later fold inside one is never hidden by an older copy`, async () => {
      const { store, reopen, copies, loads, run } = await fresh()
      try {
        const projections: AnalyticsProjection[] = []
        const logs = Array.from({ length: N }, (_, i) => history(i))
        for (const { events } of logs) {
          const p = foldConversation(null, events, () => null)
          if (p) projections.push(p)
        }
        expect(projections.every((p) => p.periods.length > 0)).toBe(true)
        for (let k = 0; k < projections.length; k += 50) {
          await store.analytics.apply(projections.slice(k, k + 50), [])
        }
        expect(await copies()).toBe(0)
        await expectFiguresMatch(store, loads)
        // Two inboxes, the whole finished periods of the ranges (nine), three moments; load
        // spans of the ranges of eight periods or more (nine).
        expect(await copies()).toBe(2 * 9 * 3 + 2 * 9)
        // Read back packed: kept in this store's memory, and from the stored copies by another.
        await expectFiguresMatch(store, loads)
        const other = await reopen()
        try {
          await expectFiguresMatch(other, loads)
        } finally {
          await other.close()
        }

        // Later folds change entries inside packed periods.
        const stored = new Map(
          (await store.analytics.facts(logs.map((l) => l.id))).map((f) => [f.conversationId, f]),
        )
        const changes: AnalyticsProjection[] = []
        logs.forEach(({ id, events }, i) => {
          const facts = stored.get(id)!
          const more = later(i, events.at(-1)!.seq, BASE + 6 * P + i * MINUTE)
          if (more.length === 0) return
          const p = foldConversation(facts, more, () => null)!
          changes.push(p)
        })
        expect(changes.length).toBeGreaterThan(40)
        expect(changes.some((p) => p.periods.length > 0)).toBe(true)
        await store.analytics.apply(changes, [])
        await expectFiguresMatch(store, loads)
        // The transferred conversations' response entries are in branch b3 now.
        const b3 = await store.analytics.durationFigures(
          { ...SCOPES[0]!, branchId: 'b3' },
          'response',
          false,
        )
        expect(b3[0]!.figures[0]!.count).toBeGreaterThan(10)

        // Changes of load only: those still open are given to another operator inside a packed
        // period; new conversations assigned in one stay open through the packed period after.
        const now = new Map(
          (await store.analytics.facts(logs.map((l) => l.id))).map((f) => [f.conversationId, f]),
        )
        const loadOnly: AnalyticsProjection[] = []
        for (const facts of now.values()) {
          if (facts.status !== 'open' || facts.assigneeId === 'op-1') continue
          const i = Number(facts.conversationId.slice(2))
          const reassigned: Log = [
            {
              conversationId: facts.conversationId,
              seq: facts.projectedSeq + 1,
              at: BASE + 6 * P + 12 * 3_600_000 + i * MINUTE,
              name: 'conversation.assigned',
              data: {
                assigneeId: 'op-1',
                previousAssigneeId: facts.assigneeId,
                reason: 'manual',
                by: { kind: 'operator', id: 'op-1' },
              },
            } as never,
          ]
          const p = foldConversation(facts, reassigned, () => null)!
          expect(p.periods).toEqual([])
          loadOnly.push(p)
        }
        for (let j = 0; j < 5; j++) {
          const id = `late-${j}`
          const created = BASE + 4 * P + j * MINUTE
          const p = foldConversation(
            null,
            [
              {
                conversationId: id,
                seq: 1,
                at: created,
                name: 'conversation.created',
                data: {
                  conversation: {
                    id,
                    inboxId: 'inbox-a',
                    branchId: 'b2',
                    channel: 'widget',
                    createdAt: created,
                    status: 'open',
                    assigneeId: null,
                  },
                },
              } as never,
              {
                conversationId: id,
                seq: 2,
                at: created + 3_600_000,
                name: 'conversation.assigned',
                data: {
                  assigneeId: 'op-2',
                  previousAssigneeId: null,
                  reason: 'auto',
                  by: { kind: 'system', id: 'routing' },
                },
              } as never,
            ],
            () => null,
          )!
          loadOnly.push(p)
        }
        expect(loadOnly.length).toBeGreaterThan(20)
        await store.analytics.apply(loadOnly, [])
        await expectFiguresMatch(store, loads)

        // Periods with no generation (as before they were introduced) are packed as of
        // generation 0 and kept; a reset (from another process too) wipes every generation, but
        // its epoch moves: nothing kept from before is taken for the wiped projection.
        await run('delete from analytics_periods')
        const all = SCOPES[6]!
        const before = await store.analytics.durationFigures(all, 'response', false)
        expect(before[0]!.figures[0]!.count).toBeGreaterThan(50)
        const resetter = await reopen()
        try {
          await resetter.analytics.reset()
        } finally {
          await resetter.close()
        }
        const after = await store.analytics.durationFigures(all, 'response', false)
        expect(after[0]!.figures[0]!.count).toBe(0)
        expect((await store.analytics.loadEdges(all, NOW)).n).toBe(0)
      } finally {
        await store.close()
      }
    }, 60_000)
  })
}

const LOAD_ROWS = `select inbox_id as "inboxId", operator_id as "operatorId", branch_id as "branchId",
  channel, country, region, from_at as "fromAt", until_at as "untilAt", 1 as count from analytics_load`

const dir = mkdtempSync(join(tmpdir(), 'parley-periods-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

suite('sqlite', async () => {
  const path = join(dir, 'periods.db')
  const store = await openStore(`sqlite:${path}`)
  return {
    store,
    reopen: () => openStore(`sqlite:${path}`),
    async run(statement) {
      const db = new Database(path)
      try {
        db.run(statement)
      } finally {
        db.close()
      }
    },
    async copies() {
      const db = new Database(path, { readonly: true })
      try {
        return (db.query('select count(*) as n from analytics_period_cache').get() as { n: number })
          .n
      } finally {
        db.close()
      }
    },
    async loads() {
      const db = new Database(path, { readonly: true })
      try {
        return db.query(LOAD_ROWS).all() as LoadRow[]
      } finally {
        db.close()
      }
    },
  }
})

await withPostgres('analytics periods (postgres)', async (adminUrl) => {
  const database = await createDatabase(adminUrl)
  const admin = postgres(database.url, { max: 1, onnotice: () => {} })
  afterAll(async () => {
    await admin.end({ timeout: 1 })
    await dropDatabase(adminUrl, database.name)
  })
  suite('postgres', async () => ({
    store: await openStore(database.url),
    reopen: () => openStore(database.url),
    async run(statement) {
      await admin.unsafe(statement)
    },
    async copies() {
      const [row] = await admin`select count(*)::int as n from analytics_period_cache`
      return row!.n as number
    },
    async loads() {
      // bigint columns come as strings.
      const rows = await admin.unsafe<Array<Record<keyof LoadRow, string | null>>>(LOAD_ROWS)
      return rows.map((r): LoadRow => ({
        inboxId: String(r.inboxId),
        operatorId: String(r.operatorId),
        branchId: String(r.branchId),
        channel: String(r.channel),
        country: String(r.country),
        region: String(r.region),
        fromAt: Number(r.fromAt),
        untilAt: r.untilAt === null ? null : Number(r.untilAt),
        count: Number(r.count),
      }))
    },
  }))
})
