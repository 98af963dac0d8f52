/**
 * The analytics projection (issue 19; server/analytics/): marks of conversations with uncounted
 * events, per-conversation figures, ratings, 15-minute counts and drill-down events, and the
 * range queries the reports read. Every query is a range of an indexed moment within a list of
 * inboxes; nothing here scans the log.
 */
import {
  and,
  asc,
  desc,
  eq,
  gte,
  inArray,
  isNull,
  lt,
  or,
  sql,
  type Column,
  type SQL,
} from 'drizzle-orm'
import type {
  AnalyticsCount,
  AnalyticsEventRecord,
  AnalyticsFacts,
  AnalyticsMoment,
  AnalyticsProjection,
  AnalyticsRatingRecord,
  AnalyticsScope,
  AnalyticsStore,
} from '../../actors/ports.ts'
import { ParleyError } from '../../protocol/index.ts'
import { BUCKET_MS } from '../../protocol/analytics.ts'
import { insertStep, queryStep, type SqlDialect, type Step } from '../sql/dialect.ts'
import {
  bound,
  field,
  insertInto,
  param,
  rawQuery,
  remove,
  selectFields,
  selectRows,
  update,
} from '../sql/statements.ts'
import type { Rows } from '../sql/tables.ts'

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

/** Rows per statement when a rebuild marks every conversation. */
const RESET_BATCH = 5000

export class SqlAnalyticsStore implements AnalyticsStore {
  readonly #insertFacts = insertInto('analyticsConversations')
  readonly #updateFacts
  readonly #upsertRating
  readonly #addCounts
  readonly #insertEvents = insertInto('analyticsEvents', { doNothing: true })
  readonly #eraseComments
  readonly #settle

  constructor(private readonly db: SqlDialect) {
    const { analyticsConversations: f, analyticsRatings: r, analyticsBuckets: b } = db.tables
    const { analyticsMarks: m, events: e } = db.tables
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
      target: ['inboxId', 'bucket', 'metric', 'branchId', 'operatorId', 'channel', 'country'],
      set: { value: sql`${b.value} + excluded.value` },
    })
    this.#eraseComments = update(
      'analyticsRatings',
      { comment: null },
      eq(r.conversationId, param('conversationId')),
      { id: field(r.conversationId) },
    )
    // A mark goes only when no event lies past the stored figures (a newer append keeps it).
    const marked = sql`${sql.identifier('analytics_marks')}.${sql.identifier('conversation_id')}`
    const projected = sql`(select ${f.projectedSeq} from ${f} where ${f.conversationId} = ${marked})`
    const later = sql`select 1 from ${e} where ${e.conversationId} = ${marked} and ${e.seq} > coalesce(${projected}, 0)`
    this.#settle = (ids: readonly string[]) =>
      remove(
        'analyticsMarks',
        and(inArray(m.conversationId, [...ids]), sql`not exists (${later})`),
        {
          id: field(m.conversationId),
        },
      )
  }

  async marks(limit: number): Promise<Array<{ conversationId: string; markedAt: number }>> {
    const m = this.db.tables.analyticsMarks
    return this.db.all(
      selectFields(
        { conversationId: field(m.conversationId), markedAt: field(m.markedAt) },
        'analyticsMarks',
        { orderBy: [asc(m.markedAt), asc(m.conversationId)], limit },
      ),
    )
  }

  async facts(conversationIds: readonly string[]): Promise<AnalyticsFacts[]> {
    if (conversationIds.length === 0) return []
    const f = this.db.tables.analyticsConversations
    return this.db.all(
      selectRows('analyticsConversations', {
        where: inArray(f.conversationId, [...conversationIds]),
      }),
    )
  }

  async apply(
    projections: readonly AnalyticsProjection[],
    settle: readonly string[],
  ): Promise<void> {
    const steps: Step[] = []
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
    for (const p of projections) {
      if (p.erased) {
        steps.push(queryStep(this.#eraseComments, { conversationId: p.facts.conversationId }))
      }
    }
    const counts = summed(projections.flatMap((p) => p.counts))
    steps.push(...insertStep(this.#addCounts, counts))
    const events = projections.flatMap((p) => p.events)
    steps.push(...insertStep(this.#insertEvents, events))
    if (settle.length > 0) steps.push(queryStep(this.#settle(settle), {}))
    if (steps.length === 0) return
    try {
      await this.db.transaction(steps)
    } catch (error) {
      // A row another projector inserted first: the same race as a moved row.
      if (this.db.classify(error) === 'unique_violation') {
        throw new ParleyError('conflict', 'analytics moved meanwhile', { cause: error })
      }
      throw error
    }
  }

  async oldestMark(): Promise<number | null> {
    const m = this.db.tables.analyticsMarks
    const [row] = await this.db.all(
      selectFields(
        { at: sql<number | null>`min(${m.markedAt})`.mapWith(nullableNumber) },
        'analyticsMarks',
      ),
    )
    return row?.at ?? null
  }

  async reset(): Promise<number> {
    const c = this.db.tables.conversations
    const wipe = (
      [
        'analyticsConversations',
        'analyticsRatings',
        'analyticsBuckets',
        'analyticsEvents',
        'analyticsMarks',
      ] as const
    ).map((table) => queryStep(rawQuery(sql`delete from ${this.db.tables[table]}`), {}))
    await this.db.transaction(wipe)
    let marked = 0
    let after = ''
    for (;;) {
      const rows = await this.db.all(
        selectFields({ id: field(c.id), createdAt: field(c.createdAt) }, 'conversations', {
          where: sql`${c.id} > ${after}`,
          orderBy: [asc(c.id)],
          limit: RESET_BATCH,
        }),
      )
      if (rows.length === 0) return marked
      await this.db.insert(
        insertInto('analyticsMarks', { doNothing: true }),
        rows.map((r) => ({ conversationId: r.id, markedAt: r.createdAt })),
      )
      marked += rows.length
      after = rows[rows.length - 1]?.id ?? after
    }
  }

  async countsByBucket(
    scope: AnalyticsScope,
  ): Promise<Array<{ bucket: number; metric: string; value: number }>> {
    const b = this.db.tables.analyticsBuckets
    const total = sql<number>`sum(${b.value})`.mapWith(Number)
    return this.db.all(
      selectFields(
        { bucket: field(b.bucket), metric: field(b.metric), value: total },
        'analyticsBuckets',
        {
          where: this.#bucketScope(scope),
          groupBy: [sql`${b.bucket}`, sql`${b.metric}`],
        },
      ),
    )
  }

  async countsByDimension(scope: AnalyticsScope): Promise<AnalyticsCount[]> {
    const b = this.db.tables.analyticsBuckets
    const total = sql<number>`sum(${b.value})`.mapWith(Number)
    const rows = await this.db.all(
      selectFields(
        {
          inboxId: field(b.inboxId),
          metric: field(b.metric),
          branchId: field(b.branchId),
          operatorId: field(b.operatorId),
          channel: field(b.channel),
          country: field(b.country),
          value: total,
        },
        'analyticsBuckets',
        {
          where: this.#bucketScope(scope),
          groupBy: [b.inboxId, b.metric, b.branchId, b.operatorId, b.channel, b.country].map(
            (column) => sql`${column}`,
          ),
        },
      ),
    )
    return rows.map((r) => ({ ...r, bucket: 0 }))
  }

  async factsAt(scope: AnalyticsScope, moment: AnalyticsMoment): Promise<AnalyticsFacts[]> {
    return this.db.all(
      selectRows('analyticsConversations', { where: this.#factScope(scope, moment) }),
    )
  }

  async ratings(scope: AnalyticsScope): Promise<AnalyticsRatingRecord[]> {
    const r = this.db.tables.analyticsRatings
    return this.db.all(
      selectRows('analyticsRatings', {
        where: and(
          inArray(r.inboxId, [...scope.inboxIds]),
          gte(r.at, scope.from),
          lt(r.at, scope.to),
          scope.branchId === undefined ? undefined : eq(r.branchId, scope.branchId),
          scope.operatorId === undefined ? undefined : eq(r.operatorId, scope.operatorId),
          scope.channel === undefined ? undefined : eq(r.channel, scope.channel),
          scope.country === undefined ? undefined : eq(r.country, scope.country),
        ),
        orderBy: [desc(r.at), desc(r.conversationId)],
      }),
    )
  }

  async pageAt(
    scope: AnalyticsScope,
    moment: AnalyticsMoment,
    where: 'all' | 'offline' | 'unanswered',
    after: { at: number; id: string } | null,
    limit: number,
  ): Promise<AnalyticsFacts[]> {
    const f = this.db.tables.analyticsConversations
    const at = momentColumn(f, moment)
    return this.db.all(
      selectRows('analyticsConversations', {
        where: and(
          this.#factScope(scope, moment),
          where === 'offline' ? eq(f.offline, true) : undefined,
          where === 'unanswered' ? isNull(f.firstResponseAt) : undefined,
          after ? before(at, f.conversationId, after) : undefined,
        ),
        orderBy: [desc(at), desc(f.conversationId)],
        limit,
      }),
    )
  }

  async pageEvents(
    scope: AnalyticsScope,
    kind: AnalyticsEventRecord['kind'],
    after: { at: number; id: string } | null,
    limit: number,
  ): Promise<AnalyticsEventRecord[]> {
    const e = this.db.tables.analyticsEvents
    const rows = await this.db.all(
      selectRows('analyticsEvents', {
        where: and(
          inArray(e.inboxId, [...scope.inboxIds]),
          eq(e.kind, kind),
          gte(e.at, scope.from),
          lt(e.at, scope.to),
          ...dimensionFilters(e, scope),
          after ? before(e.at, e.conversationId, after) : undefined,
        ),
        orderBy: [desc(e.at), desc(e.conversationId)],
        limit,
      }),
    )
    return rows as AnalyticsEventRecord[]
  }

  #bucketScope(scope: AnalyticsScope): SQL | undefined {
    const b = this.db.tables.analyticsBuckets
    return and(
      inArray(b.inboxId, [...scope.inboxIds]),
      gte(b.bucket, Math.floor(scope.from / BUCKET_MS)),
      lt(b.bucket, Math.ceil(scope.to / BUCKET_MS)),
      ...dimensionFilters(b, scope),
    )
  }

  #factScope(scope: AnalyticsScope, moment: AnalyticsMoment): SQL | undefined {
    const f = this.db.tables.analyticsConversations
    const at = momentColumn(f, moment)
    const operator = {
      created: f.firstAssigneeId,
      response: f.firstResponderId,
      resolved: f.resolutionOperatorId,
      assigned: f.firstAssigneeId,
    }[moment]
    return and(
      inArray(f.inboxId, [...scope.inboxIds]),
      gte(at, scope.from),
      lt(at, scope.to),
      scope.branchId === undefined ? undefined : eq(f.branchId, scope.branchId),
      scope.operatorId === undefined ? undefined : eq(operator, scope.operatorId),
      scope.channel === undefined ? undefined : eq(f.channel, scope.channel),
      scope.country === undefined ? undefined : eq(f.country, scope.country),
    )
  }
}


type FactsTable = SqlDialect['tables']['analyticsConversations']

function momentColumn(f: FactsTable, moment: AnalyticsMoment) {
  return {
    created: f.createdAt,
    response: f.firstResponseAt,
    resolved: f.firstResolvedAt,
    assigned: f.firstAssignedAt,
  }[moment]
}

/** Rows strictly after the cursor in (at desc, id desc) order. */
function before(at: Column, id: Column, after: { at: number; id: string }) {
  return or(lt(at, after.at), and(eq(at, after.at), lt(id, after.id)))
}

/** Filters on the '' -for-none dimension columns of counts and drill-down events. */
function dimensionFilters(
  t: SqlDialect['tables']['analyticsBuckets'] | SqlDialect['tables']['analyticsEvents'],
  scope: AnalyticsScope,
): (SQL | undefined)[] {
  return [
    scope.branchId === undefined ? undefined : eq(t.branchId, scope.branchId),
    scope.operatorId === undefined ? undefined : eq(t.operatorId, scope.operatorId),
    scope.channel === undefined ? undefined : eq(t.channel, scope.channel),
    scope.country === undefined ? undefined : eq(t.country, scope.country),
  ]
}

function nullableNumber(value: unknown): number | null {
  return value === null || value === undefined ? null : Number(value)
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
    ].join('\u0000')
    const seen = byKey.get(key)
    if (seen) seen.value += c.value
    else byKey.set(key, { ...c })
  }
  return [...byKey.values()]
}
