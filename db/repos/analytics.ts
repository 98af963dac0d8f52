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
  gt,
  gte,
  inArray,
  isNull,
  lt,
  lte,
  or,
  sql,
  type Column,
  type SQL,
} from 'drizzle-orm'
import type {
  AnalyticsDimension,
  AnalyticsDurationGroup,
  AnalyticsEventRecord,
  AnalyticsLogEvent,
  AnalyticsFacts,
  AnalyticsLoadGroup,
  AnalyticsLoadRecord,
  AnalyticsMoment,
  AnalyticsMomentFacts,
  AnalyticsPresenceRecord,
  AnalyticsProjection,
  AnalyticsRatingCount,
  AnalyticsRatingRecord,
  AnalyticsScope,
  AnalyticsStore,
  LocalCounts,
  LocalOffset,
  PresenceStatus,
} from '../../actors/ports.ts'
import {
  BUCKET_MS,
  PERIOD_MS,
  durationsOf,
  durationsOfKnown,
  emptyEdges,
  type LoadEdges,
  pushEdge,
  regionKey,
  sortEdges,
} from '../../protocol/analytics.ts'
import {
  DURATIONS_WIDTH,
  EPOCH_PERIOD,
  edgeSegment,
  KeptPeriods,
  pack,
  segmentOf,
  spanSegment,
  type LoadSpanRow,
  type PackedKind,
  TUPLE,
  unpack,
  type RankedMoment,
  type Segment,
  type Tuple,
} from './analytics-periods.ts'
import { queryStep, type SqlDialect } from '../sql/dialect.ts'
import type { Rows } from '../sql/tables.ts'
import { analyticsWrite, type PlannedWrite } from './writes.ts'
import { GRAIN, type AnalyticsOps } from './analytics-steps.ts'
import {
  bound,
  field,
  insertInto,
  param,
  rawQuery,
  selectFields,
  selectRows,
  update,
} from '../sql/statements.ts'
import { inLogOf } from './log-key.ts'

/**
 * How many bytes of packed periods a store keeps in memory: a year of one inbox's four kinds in
 * the bench's history is ~15 MB.
 */
const PERIODS_KEPT_BYTES = 64 * 1024 * 1024

/** Rows per statement when a rebuild marks every conversation. */
const RESET_BATCH = 5000

export class SqlAnalyticsStore implements AnalyticsStore {
  readonly #logAfter
  readonly #startPresence = insertInto('analyticsPresence', {
    target: ['operatorId', 'at'],
    set: { status: sql.raw('excluded.status'), untilAt: sql.raw('excluded.until_at') },
  })
  readonly #confirmPresence
  /** Packed periods read or packed here (their bytes: at most PERIODS_KEPT_BYTES). */
  readonly #kept = new KeptPeriods(PERIODS_KEPT_BYTES)

  constructor(
    private readonly db: SqlDialect,
    /** Commits a planned write in the group commit (with the conversation writes). */
    private readonly submit: (unit: PlannedWrite) => Promise<void>,
  ) {
    const p = db.tables.analyticsPresence
    // Only forward: a late confirmation never shortens what a later one recorded.
    this.#confirmPresence = update(
      'analyticsPresence',
      { untilAt: bound('until') },
      and(
        eq(p.operatorId, param('operatorId')),
        eq(p.at, param('since')),
        lt(p.untilAt, param('until')),
      ),
      { at: field(p.at) },
    )
    const e = db.tables.events
    this.#logAfter = selectFields(
      {
        seq: field(e.seq),
        name: field(e.name),
        at: field(e.at),
        authorKind: field(e.authorKind),
        authorId: field(e.authorId),
        data: field(e.data),
      },
      'events',
      {
        where: and(inLogOf(db.tables, param('conversationId')), gt(e.seq, param('afterSeq'))),
        orderBy: [asc(e.seq)],
        limit: param('limit'),
      },
    )
  }

  async marks(
    limit: number,
    after: { markedAt: number; conversationId: string } | null = null,
  ): Promise<Array<{ conversationId: string; markedAt: number }>> {
    const m = this.db.tables.analyticsMarks
    return this.db.all(
      selectFields(
        { conversationId: field(m.conversationId), markedAt: field(m.markedAt) },
        'analyticsMarks',
        {
          where: after
            ? or(
                gt(m.markedAt, after.markedAt),
                and(eq(m.markedAt, after.markedAt), gt(m.conversationId, after.conversationId)),
              )
            : undefined,
          orderBy: [asc(m.markedAt), asc(m.conversationId)],
          limit,
        },
      ),
    )
  }

  async logAfter(
    conversationId: string,
    afterSeq: number,
    limit: number,
  ): Promise<AnalyticsLogEvent[]> {
    const rows = await this.db.all(this.#logAfter, { conversationId, afterSeq, limit })
    return rows.map((row): AnalyticsLogEvent => {
      const base = { conversationId, seq: row.seq, at: row.at }
      switch (row.name) {
        case 'message.created':
          return {
            ...base,
            name: row.name,
            author: { kind: row.authorKind ?? 'system', id: row.authorId ?? '' },
          }
        case 'conversation.created':
        case 'conversation.status':
        case 'conversation.assigned':
        case 'conversation.rated':
        case 'conversation.erased':
          // The store wrote name and data together from one event; the pair matches.
          return { ...base, name: row.name, data: row.data } as AnalyticsLogEvent
        default:
          return { ...base, name: row.name }
      }
    })
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
    if (projections.length === 0 && settle.length === 0) return
    // With the conversation writes: on SQLite the writer thread commits it, off the event loop
    // and without taking the write lock from under them.
    await this.submit(analyticsWrite({ projections: [...projections], settle: [...settle] }))
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

  async oldestBehind(): Promise<number | null> {
    const pp = this.db.tables.pendingProjections
    const [row] = await this.db.all(
      selectFields(
        { at: sql<number | null>`min(${pp.markedAt})`.mapWith(nullableNumber) },
        'pendingProjections',
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
        'analyticsSeries',
        'analyticsDays',
        'analyticsLoad',
        'analyticsPeriodCache',
        'analyticsOpenLoads',
        'analyticsMarks',
      ] as const
    ).map((table) => queryStep(rawQuery(sql`delete from ${this.db.tables[table]}`), {}))
    // The reset epoch moves (copies of periods kept in memory anywhere stop counting); every
    // other generation goes with the rest.
    const g = this.db.tables.analyticsPeriods
    wipe.push(
      queryStep(rawQuery(sql`delete from ${g} where ${g.inboxId} <> ''`), {}),
      queryStep(
        rawQuery(
          sql`insert into ${g} (inbox_id, period, gen) values ('', ${sql.raw(String(EPOCH_PERIOD))}, 1)
            on conflict (inbox_id, period) do update set gen = ${g}.gen + 1`,
        ),
        {},
      ),
    )
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

  async countsInLocalTime(
    scope: AnalyticsScope,
    hourly: boolean,
    offsets: readonly LocalOffset[],
    metrics: readonly string[],
  ): Promise<LocalCounts> {
    const one = singleDimension(scope)
    // Two filters or more: the full cross-product counts, quarter hours; else the dimension's
    // own rows, by hour when the range and the zone allow it.
    const b = this.db.tables.analyticsBuckets
    const t = this.db.tables.analyticsSeries
    const [grain, size] =
      hourly && one !== null ? [GRAIN.hour, HOUR_MS] : [GRAIN.quarter, BUCKET_MS]
    const bucket = one === null ? b.bucket : t.bucket
    const metric = one === null ? b.metric : t.metric
    const where =
      one === null
        ? and(this.#bucketScope(scope), inArray(b.metric, [...metrics]))
        : and(
            inArray(t.inboxId, [...scope.inboxIds]),
            eq(t.dim, one.dim),
            eq(t.key, one.key),
            eq(t.grain, grain),
            gte(t.bucket, Math.floor(scope.from / size)),
            lt(t.bucket, Math.ceil(scope.to / size)),
            inArray(t.metric, [...metrics]),
          )
    const total = sql<number>`sum(${one === null ? b.value : t.value})`.mapWith(Number)
    const local = localMs(bucket, size, offsets)
    const grouped = (by: SQL) =>
      this.db.all(
        selectFields(
          { at: sql<number>`${by}`.mapWith(Number), metric: field(metric), value: total },
          one === null ? 'analyticsBuckets' : 'analyticsSeries',
          { where, groupBy: [by, sql`${metric}`] },
        ),
      )
    // Integer division of whole numbers (both dialects): the local day, the local hour.
    const [days, hours] = await Promise.all([
      grouped(sql`(${local}) / ${sql.raw(String(DAY_MS))}`),
      grouped(sql`((${local}) / ${sql.raw(String(HOUR_MS))}) % 168`),
    ])
    return {
      days: days.map((r) => ({ day: r.at, metric: r.metric, value: r.value })),
      hours: hours.map((r) => ({ hour: r.at, metric: r.metric, value: r.value })),
    }
  }

  async countsByDimension(
    scope: AnalyticsScope,
  ): Promise<Array<{ dim: AnalyticsDimension; key: string; metric: string; value: number }>> {
    const sums = new Map<
      string,
      { dim: AnalyticsDimension; key: string; metric: string; value: number }
    >()
    const add = (dim: AnalyticsDimension, key: string, metric: string, value: number) => {
      const id = `${dim}\u0000${key}\u0000${metric}`
      const seen = sums.get(id)
      if (seen) seen.value += value
      else sums.set(id, { dim, key, metric, value })
    }
    const firstDay = Math.ceil(scope.from / DAY_MS)
    const lastDay = Math.floor(scope.to / DAY_MS)
    // Without filters, the whole UTC days of the range come from the day rows; the rest (its
    // ends, or all of it with filters) from the quarter hours of the full counts.
    const fromDays = !hasFilter(scope) && firstDay < lastDay
    const edges: Array<[number, number]> = fromDays
      ? [
          [scope.from, firstDay * DAY_MS],
          [lastDay * DAY_MS, scope.to],
        ]
      : [[scope.from, scope.to]]
    if (fromDays) {
      const d = this.db.tables.analyticsDays
      const total = sql<number>`sum(${d.value})`.mapWith(Number)
      const key = sql<string>`case when ${d.dim} = '' then ${d.inboxId} else ${d.key} end`
      const rows = await this.db.all(
        selectFields(
          { dim: field(d.dim), key, metric: field(d.metric), value: total },
          'analyticsDays',
          {
            where: and(
              inArray(d.inboxId, [...scope.inboxIds]),
              gte(d.day, firstDay),
              lt(d.day, lastDay),
            ),
            groupBy: [sql`${d.dim}`, key, sql`${d.metric}`],
          },
        ),
      )
      for (const r of rows)
        add(r.dim === '' ? 'inbox' : (r.dim as AnalyticsDimension), r.key, r.metric, r.value)
    }
    const b = this.db.tables.analyticsBuckets
    const total = sql<number>`sum(${b.value})`.mapWith(Number)
    for (const [from, to] of edges) {
      if (to <= from) continue
      const rows = await this.db.all(
        selectFields(
          {
            inboxId: field(b.inboxId),
            metric: field(b.metric),
            branchId: field(b.branchId),
            operatorId: field(b.operatorId),
            channel: field(b.channel),
            country: field(b.country),
            region: field(b.region),
            value: total,
          },
          'analyticsBuckets',
          {
            where: this.#bucketScope({ ...scope, from, to }),
            groupBy: [
              b.inboxId,
              b.metric,
              b.branchId,
              b.operatorId,
              b.channel,
              b.country,
              b.region,
            ].map((column) => sql`${column}`),
          },
        ),
      )
      for (const r of rows) {
        add('inbox', r.inboxId, r.metric, r.value)
        add('branch', r.branchId, r.metric, r.value)
        add('operator', r.operatorId, r.metric, r.value)
        add('channel', r.channel, r.metric, r.value)
        add('country', r.country, r.metric, r.value)
        add('region', r.region, r.metric, r.value)
      }
    }
    return [...sums.values()]
  }

  async factsAt<M extends AnalyticsMoment>(
    scope: AnalyticsScope,
    moment: M,
  ): Promise<Array<AnalyticsMomentFacts[M]>> {
    const f = this.db.tables.analyticsConversations
    // Exactly the columns of the moment's index: the read never touches the table.
    const dims = {
      inboxId: field(f.inboxId),
      branchId: field(f.branchId),
      channel: field(f.channel),
      country: field(f.country),
      region: field(f.region),
    }
    const columns = {
      created: {
        ...dims,
        createdAt: field(f.createdAt),
        offline: field(f.offline),
        firstResponseAt: field(f.firstResponseAt),
        firstAssigneeId: field(f.firstAssigneeId),
      },
      response: {
        ...dims,
        firstResponseAt: field(f.firstResponseAt),
        firstResponseMs: field(f.firstResponseMs),
        firstResponseBusinessMs: field(f.firstResponseBusinessMs),
        firstResponderId: field(f.firstResponderId),
      },
      resolved: {
        ...dims,
        firstResolvedAt: field(f.firstResolvedAt),
        resolutionMs: field(f.resolutionMs),
        resolutionOperatorId: field(f.resolutionOperatorId),
      },
      assigned: {
        ...dims,
        firstAssignedAt: field(f.firstAssignedAt),
        createdAt: field(f.createdAt),
        firstAssigneeId: field(f.firstAssigneeId),
      },
    }[moment]
    const rows = await this.db.all(
      selectFields(columns, 'analyticsConversations', { where: this.#factScope(scope, moment) }),
    )
    // The selection is the moment's own (above); TypeScript cannot tie the lookup to M.
    return rows as unknown as Array<AnalyticsMomentFacts[M]>
  }

  async durationFigures(
    scope: AnalyticsScope,
    moment: Exclude<AnalyticsMoment, 'created'>,
    byDimension: boolean,
  ): Promise<AnalyticsDurationGroup[]> {
    // Grouped here, over the moment's entries (packed periods and index rows). (Postgres ranking
    // them itself, percentile_cont / percentile_disc per GROUPING SETS, measured 3-4x slower for
    // a year than reading the index's rows: a sort per aggregate per group.)
    const segments = await this.#segments(scope, moment)
    const width = DURATIONS_WIDTH[moment]
    // Every distinct tuple the scope takes gets a group id; each duration's known values are
    // laid out by group (a counting sort), so any union of groups is a few copies of ranges.
    const ids = new Map<string, number>()
    const tuples: Tuple[] = []
    const idsOf = segments.map((segment) =>
      segment.tuples.map((t) => {
        if (!takes(scope, t)) return -1
        const key = t.join('\u0000')
        let id = ids.get(key)
        if (id === undefined) {
          ids.set(key, (id = tuples.length))
          tuples.push(t)
        }
        return id
      }),
    )
    const groups = tuples.length
    const columns = Array.from({ length: width }, (_, k) => {
      const start = new Int32Array(groups + 1)
      segments.forEach((segment, s) => {
        const idOf = idsOf[s]!
        const column = segment.values[k]!
        for (let i = 0; i < segment.n; i++) {
          const id = idOf[segment.tuple[i]!]!
          if (id >= 0 && !Number.isNaN(column[i]!)) start[id + 1]!++
        }
      })
      for (let g = 0; g < groups; g++) start[g + 1]! += start[g]!
      const values = new Float64Array(start[groups]!)
      const next = start.slice(0, groups)
      segments.forEach((segment, s) => {
        const idOf = idsOf[s]!
        const column = segment.values[k]!
        for (let i = 0; i < segment.n; i++) {
          const id = idOf[segment.tuple[i]!]!
          const v = column[i]!
          if (id >= 0 && !Number.isNaN(v)) values[next[id]!++] = v
        }
      })
      return { start, values }
    })
    // The figures of a union of groups, ranked in one scratch copy (selection reorders it).
    const scratch = new Float64Array(Math.max(0, ...columns.map((c) => c.values.length)))
    const figuresOf = (members: readonly number[]) =>
      columns.map(({ start, values }) => {
        let n = 0
        for (const g of members) {
          scratch.set(values.subarray(start[g]!, start[g + 1]!), n)
          n += start[g + 1]! - start[g]!
        }
        return durationsOfKnown(scratch.subarray(0, n))
      })
    const dims: Array<[AnalyticsDimension, number]> = byDimension
      ? [
          ['operator', TUPLE.operator],
          ['branch', TUPLE.branch],
          ['inbox', TUPLE.inbox],
          ['channel', TUPLE.channel],
          ['country', TUPLE.country],
          ['region', TUPLE.region],
        ]
      : []
    const all = tuples.map((_, g) => g)
    return [
      { dim: null, key: '', figures: figuresOf(all) },
      ...dims.flatMap(([dim, column]) => {
        const byKey = new Map<string, number[]>()
        tuples.forEach((t, g) => {
          const key = t[column] ?? ''
          const members = byKey.get(key)
          if (members) members.push(g)
          else byKey.set(key, [g])
        })
        return [...byKey].map(([key, members]) => ({ dim, key, figures: figuresOf(members) }))
      }),
    ]
  }

  /**
   * The moment's entries in the scope: each whole finished period of the range from its packed
   * copy when that is of the period's current generation (else from its index rows, packed for
   * the next report), the ends of the range and the period going on from the index rows.
   * Entries of packed periods are not filtered by the scope's dimensions: `takes` does that.
   */
  async #segments(scope: AnalyticsScope, moment: RankedMoment): Promise<Segment[]> {
    const parts = await this.#periods(scope, moment, async (part) =>
      segmentOf(moment, await this.factsAt(part, moment)),
    )
    return parts.map((p) => p.segment)
  }

  /**
   * The entries of `kind` in the scope, in segments: each whole finished period of the range
   * from its packed copy when that is of the period's current generation (else read by `read`
   * for the inbox's whole period, unfiltered, and packed for the next report); the ends of the
   * range and the period going on read by `read` with the scope's filters (`last`: the part
   * that reaches the range's end). Entries of packed periods are not filtered by the scope's
   * dimensions: the caller's `takes` does that.
   */
  async #periods(
    scope: AnalyticsScope,
    kind: PackedKind,
    read: (part: AnalyticsScope, last: boolean) => Promise<Segment>,
    /** Fewer whole finished periods than this: all from `read`. */
    fewest = 1,
  ): Promise<Array<{ from: number; segment: Segment }>> {
    const first = Math.ceil(scope.from / PERIOD_MS)
    // The period going on changes with every round: it is read from the index.
    const end = Math.min(Math.floor(scope.to / PERIOD_MS), Math.floor(Date.now() / PERIOD_MS))
    if (end - first < fewest) return [{ from: scope.from, segment: await read(scope, true) }]
    const g = this.db.tables.analyticsPeriods
    const c = this.db.tables.analyticsPeriodCache
    const inboxes = [...scope.inboxIds]
    const ends: Array<Promise<{ from: number; segment: Segment }>> = []
    if (first * PERIOD_MS > scope.from) {
      const part = { ...scope, to: first * PERIOD_MS }
      ends.push(read(part, false).then((segment) => ({ from: part.from, segment })))
    }
    if (scope.to > end * PERIOD_MS) {
      const part = { ...scope, from: end * PERIOD_MS }
      ends.push(read(part, true).then((segment) => ({ from: part.from, segment })))
    }
    // Generations first: a copy is of its generation or newer (it was packed from rows read after
    // its generation was), so one newer than this read is never taken for current. The epoch
    // (inbox '', period -1) moves with every reset: a copy kept here from before is stale.
    const [segments, gens] = await Promise.all([
      Promise.all(ends),
      this.db.all(
        selectFields(
          { inboxId: field(g.inboxId), period: field(g.period), gen: field(g.gen) },
          'analyticsPeriods',
          {
            where: or(
              and(inArray(g.inboxId, inboxes), gte(g.period, first), lt(g.period, end)),
              and(eq(g.inboxId, ''), eq(g.period, EPOCH_PERIOD)),
            ),
          },
        ),
      ),
    ])
    const key = (inboxId: string, period: number) => `${inboxId}\u0000${period}`
    const current = new Map(gens.map((r) => [key(r.inboxId, r.period), r.gen]))
    const epoch = current.get(key('', EPOCH_PERIOD)) ?? 0
    // No generation yet: nothing has changed there since the periods were introduced.
    const genOf = (inboxId: string, period: number) => current.get(key(inboxId, period)) ?? 0
    const missing: Array<{ inboxId: string; period: number }> = []
    for (const inboxId of inboxes) {
      for (let period = first; period < end; period++) {
        const kept = this.#kept.take(kind, inboxId, period, epoch, genOf(inboxId, period))
        if (kept) segments.push({ from: period * PERIOD_MS, segment: kept })
        else missing.push({ inboxId, period })
      }
    }
    if (missing.length === 0) return segments
    const copies = await this.db.all(
      selectFields(
        {
          inboxId: field(c.inboxId),
          period: field(c.period),
          gen: field(c.gen),
          // The driver's own bytes (the column's decoder would copy them): bytesOf.
          data: sql<unknown>`${c.data}`,
        },
        'analyticsPeriodCache',
        {
          where: and(
            inArray(c.inboxId, [...new Set(missing.map((m) => m.inboxId))]),
            eq(c.kind, kind),
            gte(c.period, Math.min(...missing.map((m) => m.period))),
            lte(c.period, Math.max(...missing.map((m) => m.period))),
          ),
        },
      ),
    )
    const copied = new Map(copies.map((r) => [key(r.inboxId, r.period), r]))
    const packed: NonNullable<AnalyticsOps['caches']> = []
    for (const { inboxId, period } of missing) {
      const gen = genOf(inboxId, period)
      const copy = copied.get(key(inboxId, period))
      const window = { from: period * PERIOD_MS, to: (period + 1) * PERIOD_MS }
      if (copy && copy.gen === gen) {
        try {
          const bytes = bytesOf(copy.data)
          const segment = unpack(bytes, window, kind)
          this.#kept.put(kind, inboxId, period, epoch, gen, segment, bytes.length)
          segments.push({ from: window.from, segment })
          continue
        } catch {
          // Unreadable: packed again below.
        }
      }
      const segment = await read({ inboxIds: [inboxId], ...window }, false)
      segments.push({ from: window.from, segment })
      const bytes = pack(segment, window)
      this.#kept.put(kind, inboxId, period, epoch, gen, segment, bytes.length)
      packed.push({ inboxId, period, kind, gen, data: bytes.toString('base64') })
    }
    if (packed.length > 0) {
      // A copy is derived: the report does not fail when it cannot be written (a store refusing
      // writes still answers reads); the next report packs the period again.
      await this.submit(analyticsWrite({ projections: [], settle: [], caches: packed })).catch(
        () => {},
      )
    }
    return segments
  }

  async responseMedians(
    scope: AnalyticsScope,
    bounds: readonly number[],
  ): Promise<Array<number | null>> {
    const intervals = bounds.length - 1
    const medians: Array<number | null> = Array.from({ length: Math.max(0, intervals) }, () => null)
    if (intervals < 1) return medians
    const values: number[][] = medians.map(() => [])
    for (const segment of await this.#segments(scope, 'response')) {
      const taken = segment.tuples.map((t) => takes(scope, t))
      const ms = segment.values[0]!
      for (let i = 0; i < segment.n; i++) {
        const at = segment.at[i]!
        if (!taken[segment.tuple[i]!] || Number.isNaN(at) || Number.isNaN(ms[i]!)) continue
        if (at < (bounds[0] ?? 0) || at >= (bounds[intervals] ?? 0)) continue
        // The last bound at or before `at` (bounds ascend).
        let lo = 0
        let hi = intervals - 1
        while (lo < hi) {
          const mid = (lo + hi + 1) >> 1
          if ((bounds[mid] ?? Infinity) <= at) lo = mid
          else hi = mid - 1
        }
        values[lo]?.push(ms[i]!)
      }
    }
    return values.map((v) => durationsOf(v).medianMs)
  }

  async latestRatings(
    conversationIds: readonly string[],
  ): Promise<Array<{ conversationId: string; score: number | null }>> {
    if (conversationIds.length === 0) return []
    const r = this.db.tables.analyticsRatings
    const rows = await this.db.all(
      selectFields(
        { conversationId: field(r.conversationId), score: field(r.score) },
        'analyticsRatings',
        {
          where: inArray(r.conversationId, [...conversationIds]),
          orderBy: [asc(r.conversationId), asc(r.resolutionSeq)],
        },
      ),
    )
    // In resolution order: the last one per conversation wins.
    return [...new Map(rows.map((row) => [row.conversationId, row])).values()]
  }

  async ratingsPage(
    scope: AnalyticsScope,
    only: 'scored' | 'commented',
    after: { at: number; id: string } | null,
    limit: number,
  ): Promise<AnalyticsRatingRecord[]> {
    const r = this.db.tables.analyticsRatings
    return this.db.all(
      selectRows('analyticsRatings', {
        where: and(
          this.#ratingScope(scope),
          only === 'scored'
            ? sql`${r.score} is not null`
            : and(sql`${r.comment} is not null`, sql`${r.comment} <> ''`),
          after ? before(r.at, r.conversationId, after) : undefined,
        ),
        // (inbox_id, at) index, newest first: a page reads about its own rows.
        orderBy: [desc(r.at), desc(r.conversationId)],
        limit,
      }),
    )
  }

  async ratingCounts(scope: AnalyticsScope): Promise<AnalyticsRatingCount[]> {
    const r = this.db.tables.analyticsRatings
    const columns = {
      inboxId: field(r.inboxId),
      branchId: field(r.branchId),
      channel: field(r.channel),
      country: field(r.country),
      region: field(r.region),
      operatorId: field(r.operatorId),
      scale: field(r.scale),
      score: field(r.score),
    }
    return this.db.all(
      selectFields(
        { ...columns, count: sql<number>`count(*)`.mapWith(Number) },
        'analyticsRatings',
        {
          where: this.#ratingScope(scope),
          groupBy: Object.values(columns).map((c) => sql`${c}`),
        },
      ),
    )
  }

  #ratingScope(scope: AnalyticsScope): SQL | undefined {
    const r = this.db.tables.analyticsRatings
    return and(
      inArray(r.inboxId, [...scope.inboxIds]),
      gte(r.at, scope.from),
      lt(r.at, scope.to),
      scope.branchId === undefined ? undefined : eq(r.branchId, scope.branchId),
      scope.operatorId === undefined ? undefined : eq(r.operatorId, scope.operatorId),
      scope.channel === undefined ? undefined : eq(r.channel, scope.channel),
      scope.country === undefined ? undefined : eq(r.country, scope.country),
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

  async loadEdges(scope: AnalyticsScope, now: number): Promise<LoadEdges<AnalyticsLoadGroup>> {
    const until = Math.min(scope.to, now)
    // Each part read from the rows counts the spans going on since before it again (a scan of
    // every open one): packed periods pay off over two months or more.
    const segments = await this.#periods(
      scope,
      'load_edges',
      async (part, last) =>
        edgeSegment(spanSegment(await this.#loadRows(part), part, last), Math.min(part.to, now)),
      8,
    )
    // Each segment is in time order and within its own part of the range (from `from` on); the
    // parts do not overlap. One part's segments (one per inbox) are merged, then the parts follow
    // one another in time order.
    const byPart = new Map<number, Segment[]>()
    for (const { from, segment } of segments) {
      if (segment.n > 0) byPart.set(from, [...(byPart.get(from) ?? []), segment])
    }
    const parts = [...byPart.entries()]
      .sort(([a], [b]) => a - b)
      .map(([, same]) => (same.length === 1 ? same[0]! : mergeSegments(same)))
    const groups: AnalyticsLoadGroup[] = []
    const groupIndex = new Map<string, number>()
    const edges = emptyEdges(
      parts.reduce((sum, s) => sum + s.n, 0),
      groups,
    )
    for (const segment of parts) {
      const groupOf = segment.tuples.map((t) => {
        if (!takes(scope, t)) return -1
        const key = t.join('\u0000')
        let g = groupIndex.get(key)
        if (g === undefined) {
          const [inboxId, branchId, operatorId, channel, country, region] = t
          g = groups.push({ inboxId, branchId, operatorId, channel, country, region }) - 1
          groupIndex.set(key, g)
        }
        return g
      })
      const delta = segment.values[0]!
      for (let i = 0; i < segment.n; i++) {
        const g = groupOf[segment.tuple[i]!]!
        if (g < 0) continue
        // Clipping keeps the order; a span clipped away adds and takes back at one instant.
        const at = Math.min(Math.max(segment.at[i]!, scope.from), until)
        pushEdge(edges, at, delta[i]!, g)
      }
    }
    return edges
  }

  /** The load spans of the scope's range, from the rows (those going on since before, counted). */
  async #loadRows(scope: AnalyticsScope): Promise<LoadSpanRow[]> {
    const l = this.db.tables.analyticsLoad
    const dimensions = {
      inboxId: field(l.inboxId),
      operatorId: field(l.operatorId),
      branchId: field(l.branchId),
      channel: field(l.channel),
      country: field(l.country),
      region: field(l.region),
    }
    const columns = { ...dimensions, fromAt: field(l.fromAt), untilAt: field(l.untilAt) }
    const dims = [
      inArray(l.inboxId, [...scope.inboxIds]),
      lt(l.fromAt, scope.to),
      ...dimensionFilters(l, scope),
    ]
    // Reads of the covering index: those ended after the range began, those going on that began
    // in it, and those going on since before it, counted per dimensions (conversations left
    // open pile up over months; each counts the same through the whole range): those begun in
    // the whole periods before the range's from the running counts, the rest from the index.
    const grouped = [l.inboxId, l.operatorId, l.branchId, l.channel, l.country, l.region]
    const since = Math.floor(scope.from / PERIOD_MS)
    const o = this.db.tables.analyticsOpenLoads
    const counted = sql<number>`sum(${o.count})`.mapWith(Number)
    const [ended, began, before, earlier] = await Promise.all([
      this.db.all(
        selectFields(columns, 'analyticsLoad', { where: and(gt(l.untilAt, scope.from), ...dims) }),
      ),
      this.db.all(
        selectFields(columns, 'analyticsLoad', {
          where: and(isNull(l.untilAt), gte(l.fromAt, scope.from), ...dims),
        }),
      ),
      this.db.all(
        selectFields(
          { ...dimensions, count: sql<number>`count(*)`.mapWith(Number) },
          'analyticsLoad',
          {
            where: and(
              isNull(l.untilAt),
              gte(l.fromAt, since * PERIOD_MS),
              lt(l.fromAt, scope.from),
              ...dims,
            ),
            groupBy: grouped.map((column) => sql`${column}`),
          },
        ),
      ),
      this.db.all(
        selectFields(
          {
            inboxId: field(o.inboxId),
            operatorId: field(o.operatorId),
            branchId: field(o.branchId),
            channel: field(o.channel),
            country: field(o.country),
            region: field(o.region),
            count: counted,
          },
          'analyticsOpenLoads',
          {
            where: and(
              inArray(o.inboxId, [...scope.inboxIds]),
              lt(o.period, since),
              ...dimensionFilters(o, scope),
            ),
            groupBy: [o.inboxId, o.operatorId, o.branchId, o.channel, o.country, o.region].map(
              (column) => sql`${column}`,
            ),
          },
        ),
      ),
    ])
    return [
      ...ended.map((row) => ({ ...row, count: 1 })),
      ...began.map((row) => ({ ...row, count: 1 })),
      // A group whose spans have all ended sums to 0.
      ...[...before, ...earlier.filter((row) => row.count !== 0)].map((row) => ({
        ...row,
        fromAt: scope.from,
        untilAt: null,
        count: row.count,
      })),
    ]
  }

  async presenceIn(from: number, to: number): Promise<AnalyticsPresenceRecord[]> {
    const p = this.db.tables.analyticsPresence
    const rows = await this.db.all(
      selectFields(
        {
          operatorId: field(p.operatorId),
          at: field(p.at),
          status: field(p.status),
          untilAt: field(p.untilAt),
        },
        'analyticsPresence',
        { where: and(gt(p.untilAt, from), lt(p.at, to)) },
      ),
    )
    return rows as AnalyticsPresenceRecord[]
  }

  async start(operatorId: string, at: number, status: PresenceStatus): Promise<void> {
    // Two changes within one millisecond: the later status is the one that lasts.
    await this.db.insert(this.#startPresence, [{ operatorId, at, status, untilAt: at }])
  }

  async confirm(operatorId: string, since: number, until: number): Promise<void> {
    await this.db.all(this.#confirmPresence, { operatorId, since, until })
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

/** A binary column as the driver returns it: bytes (bun:sqlite, postgres.js) or bytea's hex text. */
function bytesOf(value: unknown): Uint8Array {
  if (value instanceof Uint8Array) return value
  if (typeof value === 'string' && value.startsWith('\\x'))
    return Buffer.from(value.slice(2), 'hex')
  throw new Error('analytics period cache: not bytes')
}

/** Whether the scope's dimension filters take an entry of this tuple (as #factScope). */
function takes(scope: AnalyticsScope, t: Tuple): boolean {
  return (
    scope.inboxIds.includes(t[TUPLE.inbox]) &&
    (scope.branchId === undefined || t[TUPLE.branch] === scope.branchId) &&
    (scope.operatorId === undefined || t[TUPLE.operator] === scope.operatorId) &&
    (scope.channel === undefined || t[TUPLE.channel] === scope.channel) &&
    (scope.country === undefined || t[TUPLE.country] === scope.country)
  )
}

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
  t:
    | SqlDialect['tables']['analyticsBuckets']
    | SqlDialect['tables']['analyticsEvents']
    | SqlDialect['tables']['analyticsLoad']
    | SqlDialect['tables']['analyticsOpenLoads'],
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

const HOUR_MS = 3_600_000
const DAY_MS = 86_400_000

function hasFilter(scope: AnalyticsScope): boolean {
  return (
    scope.branchId !== undefined ||
    scope.operatorId !== undefined ||
    scope.channel !== undefined ||
    scope.country !== undefined
  )
}

/** The one dimension a scope filters by ('' for none); null when it filters by two or more. */
function singleDimension(scope: AnalyticsScope): { dim: string; key: string } | null {
  const filters = [
    ['branch', scope.branchId],
    ['operator', scope.operatorId],
    ['channel', scope.channel],
    ['country', scope.country],
  ].filter((f): f is [string, string] => f[1] !== undefined)
  if (filters.length > 1) return null
  const [only] = filters
  return only ? { dim: only[0], key: only[1] } : { dim: '', key: '' }
}

/**
 * A bucket's local time in ms as SQL: its UTC start plus the offset in force then (`offsets`
 * ascending; the first applies before the second's `from`). Only whole numbers are written
 * into the statement.
 */
function localMs(bucket: Column, size: number, offsets: readonly LocalOffset[]): SQL {
  const whole = (n: number) => {
    if (!Number.isSafeInteger(n)) throw new Error(`analytics: not a whole number: ${n}`)
    return sql.raw(String(n))
  }
  const [first, ...later] = offsets
  if (!first) throw new Error('analytics: no offset')
  const at = sql`${bucket} * ${whole(size)}`
  if (later.length === 0) return sql`${at} + ${whole(first.offsetMs)}`
  // The latest change at or before the bucket decides.
  const cases = later
    .toReversed()
    .map((o) => sql`when ${bucket} * ${whole(size)} >= ${whole(o.from)} then ${whole(o.offsetMs)}`)
  return sql`${at} + case ${sql.join(cases, sql` `)} else ${whole(first.offsetMs)} end`
}

/** Segments of edges of one part (one per inbox) as one, in time order. */
function mergeSegments(segments: readonly Segment[]): Segment {
  const tuples: Tuple[] = []
  const edges = emptyEdges(
    segments.reduce((sum, s) => sum + s.n, 0),
    tuples,
  )
  for (const segment of segments) {
    const base = tuples.length
    tuples.push(...segment.tuples)
    const delta = segment.values[0]!
    for (let i = 0; i < segment.n; i++) {
      pushEdge(edges, segment.at[i]!, delta[i]!, base + segment.tuple[i]!)
    }
  }
  const sorted = sortEdges(edges)
  return { n: sorted.n, at: sorted.at, values: [sorted.delta], tuple: sorted.group, tuples }
}
