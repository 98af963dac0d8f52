/**
 * The analytics projection's writes (issue 19; db/repos/analytics.ts, server/analytics/): the
 * steps of one projector round, planned as plain data (AnalyticsOps) so the SQLite writer
 * thread builds them on its own connection, in the group commit with the conversation writes.
 * A figures row is written only over the one the round read (`projected_seq`): a second
 * projector's round finds it moved and fails whole (conflict), counting nothing twice.
 */
import { and, eq, inArray, isNull, sql } from 'drizzle-orm'
import type { AnalyticsCount, AnalyticsFacts, AnalyticsProjection } from '../../actors/ports.ts'
import { BUCKET_MS, PERIOD_MS } from '../../protocol/analytics.ts'
import { ParleyError } from '../../protocol/index.ts'
import { insertStep, queryStep, type SqlDialect, type Step } from '../sql/dialect.ts'
import { bound, field, insertInto, param, rawQuery, remove, update } from '../sql/statements.ts'
import type { Rows } from '../sql/tables.ts'
import { conversationNo } from './log-key.ts'

/** One projector round: the conversations it folded and the marks it may drop. */
export interface AnalyticsOps {
  projections: AnalyticsProjection[]
  settle: string[]
  /**
   * Periods' durations packed by a report (db/repos/analytics-periods.ts), in base64: a write
   * reaches the SQLite writer thread as JSON.
   */
  caches?: Array<Omit<Rows['analyticsPeriodCache'], 'data'> & { data: string }>
}

/** Columns of the figures row a projection rewrites (all but the key). */
const FACT_COLUMNS = [
  'inboxId',
  'branchId',
  'channel',
  'country',
  'region',
  'createdAt',
  'status',
  'assigneeId',
  'projectedSeq',
  'offline',
  'firstMessageAt',
  'firstResponseAt',
  'firstResponseMs',
  'firstResponseBusinessMs',
  'firstResponderId',
  'firstAssignedAt',
  'firstAssigneeId',
  'firstResolvedAt',
  'resolutionMs',
  'resolutionOperatorId',
  'erasedAt',
] as const satisfies readonly (keyof AnalyticsFacts)[]

/** The key of analytics_open_loads. */
const OPEN_KEY = [
  'inboxId',
  'period',
  'operatorId',
  'branchId',
  'channel',
  'country',
  'region',
] as const

const HOUR_MS = 3_600_000
const DAY_MS = 86_400_000
/** analytics_series.grain */
export const GRAIN = { quarter: 0, hour: 1 } as const

export class AnalyticsSteps {
  readonly #insertFacts = insertInto('analyticsConversations')
  readonly #updateFacts
  readonly #upsertRating
  readonly #addCounts
  readonly #insertEvents = insertInto('analyticsEvents', { doNothing: true })
  readonly #addSeries
  readonly #addDays
  readonly #eraseComments
  readonly #dropErasedComments
  readonly #settle
  readonly #insertLoads = insertInto('analyticsLoad')
  readonly #endLoad
  readonly #closeOpenLoad
  readonly #addOpenLoads
  readonly #bumpPeriods
  readonly #putCaches

  constructor(db: SqlDialect) {
    const { analyticsConversations: f, analyticsRatings: r, analyticsBuckets: b } = db.tables
    const { analyticsMarks: m, events: e, analyticsSeries: series, analyticsDays: days } = db.tables
    // Applies only over the row as it was read: a second projector's write finds no row.
    this.#updateFacts = update(
      'analyticsConversations',
      Object.fromEntries(FACT_COLUMNS.map((c) => [c, bound(c)])),
      and(eq(f.conversationId, param('conversationId')), eq(f.projectedSeq, param('over'))),
      { id: field(f.conversationId) },
    )
    this.#upsertRating = insertInto('analyticsRatings', {
      target: ['conversationId', 'resolutionSeq'],
      set: {
        operatorId: sql.raw('excluded.operator_id'),
        score: sql.raw('excluded.score'),
        comment: sql.raw('excluded.comment'),
      },
    })
    this.#addCounts = insertInto('analyticsBuckets', {
      target: [
        'inboxId',
        'bucket',
        'metric',
        'branchId',
        'operatorId',
        'channel',
        'country',
        'region',
      ],
      set: { value: sql`${b.value} + excluded.value` },
    })
    this.#addSeries = insertInto('analyticsSeries', {
      target: ['inboxId', 'dim', 'key', 'grain', 'bucket', 'metric'],
      set: { value: sql`${series.value} + excluded.value` },
    })
    this.#addDays = insertInto('analyticsDays', {
      target: ['inboxId', 'day', 'dim', 'key', 'metric'],
      set: { value: sql`${days.value} + excluded.value` },
    })
    const periods = db.tables.analyticsPeriods
    this.#bumpPeriods = insertInto('analyticsPeriods', {
      target: ['inboxId', 'period'],
      set: { gen: sql`${periods.gen} + 1` },
    })
    this.#putCaches = insertInto('analyticsPeriodCache', {
      target: ['inboxId', 'kind', 'period'],
      set: { gen: sql.raw('excluded.gen'), data: sql.raw('excluded.data') },
    })
    const load = db.tables.analyticsLoad
    // The time going on at the stored figures (at most one per conversation) ends.
    this.#endLoad = update(
      'analyticsLoad',
      { untilAt: bound('at') },
      and(eq(load.conversationId, param('conversationId')), isNull(load.untilAt)),
      { id: field(load.conversationId) },
    )
    // The counts of spans going on (analytics_open_loads): one more per span begun and going on
    // at the end of a fold, one less for the span going on at the stored figures that ends
    // (read from its row, before the row is ended).
    const open = db.tables.analyticsOpenLoads
    this.#addOpenLoads = insertInto('analyticsOpenLoads', {
      target: [...OPEN_KEY],
      set: { count: sql`${open.count} + excluded.count` },
    })
    const names = sql.join(
      OPEN_KEY.map((k) => sql.identifier(open[k].name)),
      sql`, `,
    )
    // Grouped: one upsert may not touch a key twice.
    this.#closeOpenLoad = (conversationIds: readonly string[]) => {
      const period = sql`${load.fromAt} / ${sql.raw(String(PERIOD_MS))}`
      const dims = [load.operatorId, load.branchId, load.channel, load.country, load.region]
      return rawQuery(sql`insert into ${open} (${names}, ${sql.identifier(open.count.name)})
        select ${load.inboxId}, ${period}, ${sql.join(dims, sql`, `)}, -count(*)
        from ${load}
        where ${inArray(load.conversationId, [...conversationIds])} and ${load.untilAt} is null
        group by ${load.inboxId}, ${period}, ${sql.join(dims, sql`, `)}
        on conflict (${names}) do update set ${sql.identifier(open.count.name)} = ${open.count} + excluded.count`)
    }
    const conv = db.tables.conversations
    this.#dropErasedComments = (ids: readonly string[]) =>
      update(
        'analyticsRatings',
        { comment: null },
        and(
          inArray(r.conversationId, [...ids]),
          sql`${r.comment} is not null`,
          sql`exists (select 1 from ${conv} where ${conv.id} = ${r.conversationId} and ${conv.erasedAt} is not null)`,
        ),
        { id: field(r.conversationId) },
      )
    this.#eraseComments = update(
      'analyticsRatings',
      { comment: null },
      eq(r.conversationId, param('conversationId')),
      { id: field(r.conversationId) },
    )
    // A mark goes only when no event lies past the stored figures (a newer append keeps it).
    const marked = sql`${sql.identifier('analytics_marks')}.${sql.identifier('conversation_id')}`
    const projected = sql`(select ${f.projectedSeq} from ${f} where ${f.conversationId} = ${marked})`
    const later = sql`select 1 from ${e} where ${e.convNo} = ${conversationNo(db.tables.conversations, marked)} and ${e.seq} > coalesce(${projected}, 0)`
    this.#settle = (ids: readonly string[]) =>
      remove(
        'analyticsMarks',
        and(inArray(m.conversationId, [...ids]), sql`not exists (${later})`),
        {
          id: field(m.conversationId),
        },
      )
  }

  /** The steps of the rounds in a batch (normally one), each round's after the other's. */
  steps(rounds: readonly AnalyticsOps[]): Step[] {
    return rounds.flatMap((round) => this.#round(round))
  }

  #round({ projections, settle, caches = [] }: AnalyticsOps): Step[] {
    const steps: Step[] = []
    steps.push(
      ...insertStep(
        this.#putCaches,
        caches.map((c) => ({ ...c, data: Buffer.from(c.data, 'base64') })),
      ),
    )
    const created = projections.filter((p) => p.over === null).map((p) => p.facts)
    steps.push(...insertStep(this.#insertFacts, created))
    for (const p of projections) {
      if (p.over === null) continue
      const { conversationId } = p.facts
      steps.push(
        queryStep(this.#updateFacts, { ...p.facts, over: p.over }, (rows) => {
          if (rows.length !== 1) {
            throw new ParleyError('conflict', `analytics of ${conversationId} moved meanwhile`)
          }
        }),
      )
    }
    const ratings = lastPerKey(
      projections.flatMap((p) => p.ratings),
      (r) => `${r.conversationId}\u0000${r.resolutionSeq}`,
    )
    steps.push(...insertStep(this.#upsertRating, ratings))
    if (ratings.length > 0) {
      // A conversation erased after the fold read its rating: no comment kept (erasure.ts).
      const rated = [...new Set(ratings.map((r) => r.conversationId))]
      steps.push(queryStep(this.#dropErasedComments(rated), {}))
    }
    for (const p of projections) {
      if (p.erased) {
        steps.push(queryStep(this.#eraseComments, { conversationId: p.facts.conversationId }))
      }
    }
    // Ended before those begun in the same fold are written (they are still going too).
    const ending = projections.filter((p) => p.loadEndedAt !== null)
    if (ending.length > 0) {
      steps.push(queryStep(this.#closeOpenLoad(ending.map((p) => p.facts.conversationId)), {}))
    }
    for (const p of ending) {
      steps.push(
        queryStep(this.#endLoad, { conversationId: p.facts.conversationId, at: p.loadEndedAt }),
      )
    }
    const begun = projections.flatMap((p) => p.loads)
    steps.push(...insertStep(this.#insertLoads, begun))
    const opened = new Map<string, Rows['analyticsOpenLoads']>()
    for (const l of begun) {
      if (l.untilAt !== null) continue
      const row = {
        inboxId: l.inboxId,
        period: Math.floor(l.fromAt / PERIOD_MS),
        operatorId: l.operatorId,
        branchId: l.branchId,
        channel: l.channel,
        country: l.country,
        region: l.region,
        count: 1,
      }
      const key = OPEN_KEY.map((k) => row[k]).join('\u0000')
      const same = opened.get(key)
      if (same) same.count++
      else opened.set(key, row)
    }
    steps.push(...insertStep(this.#addOpenLoads, [...opened.values()]))
    const counts = summed(projections.flatMap((p) => p.counts))
    steps.push(...insertStep(this.#addCounts, counts))
    steps.push(...insertStep(this.#addSeries, seriesOf(counts)))
    steps.push(...insertStep(this.#addDays, daysOf(counts)))
    steps.push(
      ...insertStep(
        this.#insertEvents,
        projections.flatMap((p) => p.events),
      ),
    )
    // A changed period's cached durations stop counting (a new generation), in this transaction.
    // A load span begun or ended changes its period and every later one up to the period going
    // on (as one going on, it is in each of them): the round may come late, after a report
    // packed them.
    const bumped = new Map<string, Rows['analyticsPeriods']>()
    const bump = (inboxId: string, period: number) =>
      bumped.set(`${inboxId}\u0000${period}`, { inboxId, period, gen: 1 })
    const going = Math.floor(Date.now() / PERIOD_MS)
    const bumpOn = (inboxId: string, at: number) => {
      const from = Math.floor(at / PERIOD_MS)
      for (let period = from; period <= Math.max(from, going); period++) bump(inboxId, period)
    }
    for (const p of projections) {
      const { inboxId } = p.facts
      for (const period of p.periods) bump(inboxId, period)
      for (const load of p.loads) bumpOn(inboxId, load.fromAt)
      if (p.loadEndedAt !== null) bumpOn(inboxId, p.loadEndedAt)
    }
    steps.push(...insertStep(this.#bumpPeriods, [...bumped.values()]))
    if (settle.length > 0) steps.push(queryStep(this.#settle(settle), {}))
    return steps
  }
}

/** One row per key, the last one given (a multi-row upsert may not touch a key twice). */
function lastPerKey<T>(rows: readonly T[], key: (row: T) => string): T[] {
  const byKey = new Map<string, T>()
  for (const row of rows) byKey.set(key(row), row)
  return [...byKey.values()]
}

/** Counts with the same dimensions added up into one row. */
function summed(counts: readonly AnalyticsCount[]): Rows['analyticsBuckets'][] {
  const byKey = new Map<string, Rows['analyticsBuckets']>()
  for (const c of counts) {
    const key = [
      c.inboxId,
      c.bucket,
      c.metric,
      c.branchId,
      c.operatorId,
      c.channel,
      c.country,
      c.region,
    ].join('\u0000')
    const seen = byKey.get(key)
    if (seen) seen.value += c.value
    else byKey.set(key, { ...c })
  }
  // A count taken back and added again in one round (nothing changed) writes nothing.
  return [...byKey.values()].filter((c) => c.value !== 0)
}

/** The per-dimension rows of counts: each count once per dimension (and the whole), per grain. */
function seriesOf(counts: readonly Rows['analyticsBuckets'][]): Rows['analyticsSeries'][] {
  const byKey = new Map<string, Rows['analyticsSeries']>()
  for (const c of counts) {
    const at = c.bucket * BUCKET_MS
    const dims: Array<[string, string]> = [
      ['', ''],
      ['branch', c.branchId],
      ['operator', c.operatorId],
      ['channel', c.channel],
      ['country', c.country],
      ['region', c.region],
    ]
    for (const [grain, size] of [
      [GRAIN.quarter, BUCKET_MS],
      [GRAIN.hour, HOUR_MS],
    ] as const) {
      const bucket = Math.floor(at / size)
      for (const [dim, key] of dims) {
        const id = [c.inboxId, dim, key, grain, bucket, c.metric].join('\u0000')
        const seen = byKey.get(id)
        if (seen) seen.value += c.value
        else
          byKey.set(id, {
            inboxId: c.inboxId,
            dim,
            key,
            grain,
            bucket,
            metric: c.metric,
            value: c.value,
          })
      }
    }
  }
  return [...byKey.values()].filter((c) => c.value !== 0)
}

/** The per-dimension day rows of counts (UTC days). */
function daysOf(counts: readonly Rows['analyticsBuckets'][]): Rows['analyticsDays'][] {
  const byKey = new Map<string, Rows['analyticsDays']>()
  for (const c of counts) {
    const day = Math.floor((c.bucket * BUCKET_MS) / DAY_MS)
    for (const [dim, key] of [
      ['', ''],
      ['branch', c.branchId],
      ['operator', c.operatorId],
      ['channel', c.channel],
      ['country', c.country],
      ['region', c.region],
    ] as const) {
      const id = [c.inboxId, day, dim, key, c.metric].join('\u0000')
      const seen = byKey.get(id)
      if (seen) seen.value += c.value
      else byKey.set(id, { inboxId: c.inboxId, day, dim, key, metric: c.metric, value: c.value })
    }
  }
  return [...byKey.values()].filter((c) => c.value !== 0)
}
