/**
 * Analytics reports (issue 19): the dashboard's figures for a range, a time zone and filters,
 * read from the projection (never the log), scoped to the inboxes the reader may see. The rules
 * of every figure are in docs/analytics.md.
 */
import type {
  AnalyticsDimension,
  AnalyticsDurationGroup,
  AnalyticsFacts,
  AnalyticsLoadGroup,
  AnalyticsLoadRecord,
  AnalyticsRatingCount,
  AnalyticsRatingRecord,
  AnalyticsScope,
  LocalCounts,
  Store,
} from '../../actors/ports.ts'
import type { Principal } from '../../actors/index.ts'
import type { Clock } from '../../actors/runtime/clock.ts'
import { ParleyError } from '../../protocol/index.ts'
import {
  ANALYTICS_PAGE,
  BUCKET_MS,
  MAX_ANALYTICS_DAYS,
  type AnalyticsComment,
  type AnalyticsConversation,
  type AnalyticsConversationPage,
  type AnalyticsDrillQuery,
  type AnalyticsExportQuery,
  type AnalyticsAttributes,
  type AnalyticsLabels,
  type AnalyticsSla,
  type AnalyticsCampaigns,
  type AnalyticsQuery,
  type AnalyticsReport,
  type AnalyticsTotals,
  type BreakdownRow,
  durationsOf,
  type Durations,
  type LoadEdges,
  type LoadFigures,
  type RatingFigures,
} from '../../protocol/analytics.ts'
import { csv } from '../csv.ts'
import { requireElevated } from '../supervisor.ts'
import {
  loadPerKey,
  loadWithinEdges,
  noPresence,
  onlineWithin,
  presenceByOperator,
  type PresenceSpan,
} from './load.ts'
import { isTimeZone, LocalTime, partsOfLocal, type LocalParts } from './time.ts'

/** Conversations read per page by the labels report. */
const LABEL_PAGE = 1000

/** Comments a report lists at most. */
const MAX_COMMENTS = 100

type Dimension = 'operators' | 'branches' | 'inboxes' | 'countries' | 'regions' | 'channels'
/** Each breakdown table and the dimension of the counts it is per. */
const DIMENSIONS: ReadonlyArray<readonly [Dimension, AnalyticsDimension]> = [
  ['operators', 'operator'],
  ['branches', 'branch'],
  ['inboxes', 'inbox'],
  ['countries', 'country'],
  ['regions', 'region'],
  ['channels', 'channel'],
]
const HOUR = 3_600_000
const DAY = 86_400_000

export interface AnalyticsServiceDeps {
  store: Store
  clock: Clock
  /**
   * How long an append may stay unmarked for analytics (its summary written behind:
   * SUMMARY_FLUSH_MS); the figures are exact up to that long ago at best.
   */
  behindMs?: number
}

export class AnalyticsService {
  constructor(private readonly deps: AnalyticsServiceDeps) {}

  async report(principal: Principal, q: AnalyticsQuery): Promise<AnalyticsReport> {
    const scope = await this.#scope(principal, q)
    const local = LocalTime.of(q.tz)
    const span = q.to - q.from
    const previousScope = { ...scope, from: q.from - span, to: q.from }
    const { analytics } = this.deps.store
    // Hours serve a zone whose offset stays whole hours (most zones), else quarter hours.
    const hourly = q.from % HOUR === 0 && q.to % HOUR === 0 && local.wholeHours(q.from, q.to)
    const now = this.deps.clock.now()
    const series = seriesOf(q, local)
    const bounds = [...series.map((e) => e.at), q.to]
    const [byTime, period, previous, medians, oldestMark, oldestBehind] = await Promise.all([
      analytics.countsInLocalTime(scope, hourly, local.offsets(q.from, q.to), SERIES_METRICS),
      this.#period(scope, now, true),
      this.#period(previousScope, now, false),
      analytics.responseMedians(scope, bounds),
      analytics.oldestMark(),
      analytics.oldestBehind(),
    ])
    const { byDimension, ratings, time } = period
    const totals = totalsOf(period)
    const names = await this.#names()
    countInto(series, q, byTime.days)
    const loads = loadWithinEdges(time.edges, bounds, now)
    const online = onlineWithin(time.presence, bounds)
    series.forEach((e, k) => {
      e.loadAverage = round2(loads[k]?.average ?? 0)
      e.loadPeak = loads[k]?.peak ?? 0
      e.onlineMs = online[k] ?? 0
      e.firstResponseMedianMs = medians[k] ?? null
    })
    return {
      query: { from: q.from, to: q.to, tz: q.tz, interval: q.interval },
      previousRange: { from: previousScope.from, to: previousScope.to },
      totals,
      previous: totalsOf(previous),
      series,
      heatmap: heatmapOf(byTime.hours, 'visitor_messages'),
      heatmapConversations: heatmapOf(byTime.hours, 'started'),
      ...breakdowns(byDimension, period, ratings, time, names),
      // Exact up to the oldest event not counted: a mark, a summary still behind (its appends
      // are marked when it is written), or what the flush may still hold.
      asOf: Math.min(
        oldestMark ?? Infinity,
        oldestBehind ?? Infinity,
        this.deps.clock.now() - (this.deps.behindMs ?? 0),
      ),
    }
  }

  async conversations(
    principal: Principal,
    q: AnalyticsDrillQuery,
  ): Promise<AnalyticsConversationPage> {
    const scope = await this.#scope(principal, q)
    const after = q.cursor === undefined ? null : parseCursor(q.cursor)
    const { analytics } = this.deps.store
    const limit = ANALYTICS_PAGE + 1
    let rows: Array<{ at: number; id: string }>
    let facts: AnalyticsFacts[]
    let scores = new Map<string, number | null>()
    switch (q.metric) {
      case 'created':
      case 'offline':
      case 'unanswered':
      case 'first_response':
      case 'first_assigned': {
        const moment =
          q.metric === 'first_response'
            ? 'response'
            : q.metric === 'first_assigned'
              ? 'assigned'
              : 'created'
        const where = q.metric === 'offline' || q.metric === 'unanswered' ? q.metric : 'all'
        facts = await analytics.pageAt(scope, moment, where, after, limit)
        rows = facts.map((f) => ({
          at:
            (moment === 'response'
              ? f.firstResponseAt
              : moment === 'assigned'
                ? f.firstAssignedAt
                : f.createdAt) ?? 0,
          id: f.conversationId,
        }))
        break
      }
      case 'rated': {
        // A conversation rated again (another resolution) shows once on a page, the newest.
        const page: AnalyticsRatingRecord[] = []
        const seen = new Set<string>()
        for (let cursor = after; page.length < limit;) {
          const batch = await analytics.ratingsPage(scope, 'scored', cursor, limit)
          for (const r of batch) {
            if (seen.has(r.conversationId) || page.length >= limit) continue
            seen.add(r.conversationId)
            page.push(r)
          }
          const last = batch.at(-1)
          if (batch.length < limit || !last) break
          cursor = { at: last.at, id: last.conversationId }
        }
        rows = page.map((r) => ({ at: r.at, id: r.conversationId }))
        scores = new Map(page.map((r) => [r.conversationId, r.score]))
        facts = await analytics.facts(rows.map((r) => r.id))
        break
      }
      default: {
        const kind =
          ({ escalated: 'escalated', transferred: 'transferred' } as const)[
            q.metric as 'escalated' | 'transferred'
          ] ?? (q.metric as 'resolved' | 'closed' | 'reopened')
        const events = await analytics.pageEvents(scope, kind, after, limit)
        rows = events.map((e) => ({ at: e.at, id: e.conversationId }))
        facts = await analytics.facts(rows.map((r) => r.id))
      }
    }
    const byId = new Map(facts.map((f) => [f.conversationId, f]))
    if (q.metric !== 'rated') {
      const latest = await analytics.latestRatings(rows.map((r) => r.id))
      scores = new Map(latest.map((r) => [r.conversationId, r.score]))
    }
    const more = rows.length > ANALYTICS_PAGE
    const shown = rows.slice(0, ANALYTICS_PAGE)
    const items: AnalyticsConversation[] = shown.flatMap(({ id }) => {
      const f = byId.get(id)
      return f ? [conversationOf(f, scores.get(id) ?? null)] : []
    })
    const last = shown.at(-1)
    return { items, next: more && last ? `${last.at}:${last.id}` : null }
  }

  /**
   * Labels (issue 20): the conversations created in the range, in the scope, counted by the
   * labels they carry now. Pages through them (LABEL_PAGE at a time), so a year is never read
   * into memory at once; labels come from the conversations' rows.
   */
  async labels(principal: Principal, q: AnalyticsQuery): Promise<AnalyticsLabels> {
    const scope = await this.#scope(principal, q)
    const { analytics, queries, labels } = this.deps.store
    const counts = new Map<string, number>()
    let conversations = 0
    let unlabelled = 0
    for (let after: { at: number; id: string } | null = null; ;) {
      const page = await analytics.pageAt(scope, 'created', 'all', after, LABEL_PAGE)
      for (const row of await queries.conversationsById(page.map((f) => f.conversationId))) {
        conversations++
        const carried = row.labels ?? []
        if (carried.length === 0) unlabelled++
        for (const id of carried) counts.set(id, (counts.get(id) ?? 0) + 1)
      }
      const last = page.at(-1)
      if (page.length < LABEL_PAGE || !last) break
      after = { at: last.createdAt, id: last.conversationId }
    }
    const defined = (await Promise.all(scope.inboxIds.map((id) => labels.list(id)))).flat()
    return {
      conversations,
      unlabelled,
      labels: defined
        .map((l) => ({
          id: l.id,
          inboxId: l.inboxId,
          name: l.name,
          color: l.color,
          conversations: counts.get(l.id) ?? 0,
        }))
        .sort((a, b) => b.conversations - a.conversations || a.name.localeCompare(b.name)),
    }
  }

  /**
   * Attributes (issue 20): the conversations created in the range, in the scope, counted by the
   * value each list or checkbox conversation attribute holds now; paged like `labels`.
   */
  async attributes(principal: Principal, q: AnalyticsQuery): Promise<AnalyticsAttributes> {
    const scope = await this.#scope(principal, q)
    const { analytics, queries, attributes } = this.deps.store
    const defined = (await Promise.all(scope.inboxIds.map((id) => attributes.list(id))))
      .flat()
      .filter((d) => d.scope === 'conversation' && (d.type === 'list' || d.type === 'checkbox'))
    // Per definition: its counts by value (JSON-encoded, so true and "true" stay apart).
    const counts = new Map(defined.map((d) => [d.id, new Map<string, number>()]))
    const unset = new Map(defined.map((d) => [d.id, 0]))
    const byInbox = Map.groupBy(defined, (d) => d.inboxId)
    let conversations = 0
    for (let after: { at: number; id: string } | null = null; ;) {
      const page = await analytics.pageAt(scope, 'created', 'all', after, LABEL_PAGE)
      for (const row of await queries.conversationsById(page.map((f) => f.conversationId))) {
        conversations++
        for (const d of byInbox.get(row.inboxId) ?? []) {
          const value = row.attributes?.[d.key]
          if (value === undefined) unset.set(d.id, (unset.get(d.id) ?? 0) + 1)
          else {
            const byValue = counts.get(d.id)!
            const encoded = JSON.stringify(value)
            byValue.set(encoded, (byValue.get(encoded) ?? 0) + 1)
          }
        }
      }
      const last = page.at(-1)
      if (page.length < LABEL_PAGE || !last) break
      after = { at: last.createdAt, id: last.conversationId }
    }
    return {
      conversations,
      attributes: defined
        .map((d) => {
          const byValue = counts.get(d.id)!
          // Every choice (a checkbox's two), then values no longer among them; most first.
          const known =
            d.type === 'list' ? d.options.map((o) => JSON.stringify(o)) : ['true', 'false']
          const keys = [...new Set([...known, ...byValue.keys()])]
          return {
            id: d.id,
            inboxId: d.inboxId,
            key: d.key,
            name: d.name,
            type: d.type as 'list' | 'checkbox',
            values: keys
              .map((k) => ({
                value: JSON.parse(k) as string | boolean,
                conversations: byValue.get(k) ?? 0,
              }))
              .sort((a, b) => b.conversations - a.conversations),
            unset: unset.get(d.id) ?? 0,
          }
        })
        .sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id)),
    }
  }

  /**
   * SLA (issue 20): the conversations created in the range, in the scope, by the SLA they run
   * under now and the breaches it recorded; paged like `labels`.
   */
  async sla(principal: Principal, q: AnalyticsQuery): Promise<AnalyticsSla> {
    const scope = await this.#scope(principal, q)
    const { analytics, queries } = this.deps.store
    const out: AnalyticsSla = {
      conversations: 0,
      withSla: 0,
      breached: 0,
      breaches: { first_response: 0, next_response: 0, resolution: 0 },
      policies: [],
    }
    const byPolicy = new Map<string, AnalyticsSla['policies'][number]>()
    for (let after: { at: number; id: string } | null = null; ;) {
      const page = await analytics.pageAt(scope, 'created', 'all', after, LABEL_PAGE)
      for (const row of await queries.conversationsById(page.map((f) => f.conversationId))) {
        out.conversations++
        const sla = row.sla
        if (!sla) continue
        out.withSla++
        let policy = byPolicy.get(sla.policyId)
        if (!policy) {
          policy = { policyId: sla.policyId, name: sla.name, conversations: 0, breached: 0 }
          byPolicy.set(sla.policyId, policy)
        }
        policy.conversations++
        if (sla.breaches.length > 0) {
          out.breached++
          policy.breached++
        }
        for (const b of sla.breaches) out.breaches[b.kind]++
      }
      const last = page.at(-1)
      if (page.length < LABEL_PAGE || !last) break
      after = { at: last.createdAt, id: last.conversationId }
    }
    out.policies = [...byPolicy.values()].sort(
      (a, b) => b.conversations - a.conversations || a.name.localeCompare(b.name),
    )
    return out
  }

  /**
   * Proactive messages (issue 20): showings and replies in the range per campaign of the
   * inboxes in scope. The branch, operator, channel and country filters do not apply: a
   * showing has none of them.
   */
  async campaigns(principal: Principal, q: AnalyticsQuery): Promise<AnalyticsCampaigns> {
    const scope = await this.#scope(principal, q)
    const { campaigns } = this.deps.store
    const list = await campaigns.listIn(scope.inboxIds)
    const counts = await campaigns.counts(
      list.map((c) => c.id),
      scope.from,
      scope.to,
    )
    const byId = new Map(list.map((c) => [c.id, c]))
    return {
      campaigns: counts.flatMap((n) => {
        const c = byId.get(n.campaignId)
        return c && (n.shown > 0 || n.replied > 0)
          ? [
              {
                campaignId: c.id,
                inboxId: c.inboxId,
                name: c.name,
                shown: n.shown,
                replied: n.replied,
              },
            ]
          : []
      }),
    }
  }

  async comments(principal: Principal, q: AnalyticsQuery): Promise<AnalyticsComment[]> {
    const scope = await this.#scope(principal, q)
    return commentsOf(
      await this.deps.store.analytics.ratingsPage(scope, 'commented', null, MAX_COMMENTS),
    )
  }

  /** One table of the report as CSV (RFC 4180, formula-safe cells). */
  async export(principal: Principal, q: AnalyticsExportQuery): Promise<string> {
    if (q.table === 'comments') {
      const rows = await this.comments(principal, q)
      return csv(
        ['conversation', 'scale', 'score', 'comment', 'at', 'operator'],
        rows.map((c) => [c.conversationId, c.scale, c.score, c.comment, iso(c.at), c.operatorId]),
      )
    }
    const report = await this.report(principal, q)
    switch (q.table) {
      case 'series':
        return csv(
          [
            'period',
            'start',
            'conversations',
            'resolved',
            'visitor_messages',
            'operator_messages',
            'first_response_median_s',
            'load_average',
            'load_peak',
            'online_s',
          ],
          report.series.map((s) => [
            s.label,
            iso(s.at),
            s.conversations,
            s.resolved,
            s.visitorMessages,
            s.operatorMessages,
            seconds(s.firstResponseMedianMs),
            s.loadAverage,
            s.loadPeak,
            seconds(s.onlineMs),
          ]),
        )
      case 'heatmap':
        return csv(
          ['weekday', ...Array.from({ length: 24 }, (_, h) => `${pad(h)}:00`)],
          report.heatmap.map((row, d) => [WEEKDAYS[d] ?? '', ...row]),
        )
      case 'ratings':
        return csv(
          ['scale', 'score', 'count'],
          report.totals.ratings.scales.flatMap((s) =>
            s.distribution.map((n, score) => [s.scale, score, n]),
          ),
        )
      default: {
        const rows = report[q.table]
        return csv(
          [
            'key',
            'name',
            'conversations',
            'assigned',
            'resolved',
            'visitor_messages',
            'operator_messages',
            'first_responses',
            'first_response_median_s',
            'first_response_average_s',
            'resolution_median_s',
            'rating_average',
            'ratings',
            'load_average',
            'load_peak',
            'online_s',
            'away_s',
            'busy_s',
          ],
          rows.map((r) => [
            r.key,
            r.label,
            r.conversations,
            r.assigned,
            r.resolved,
            r.visitorMessages,
            r.operatorMessages,
            r.firstResponse.count,
            seconds(r.firstResponse.medianMs),
            seconds(r.firstResponse.averageMs),
            seconds(r.resolution.medianMs),
            r.ratingAverage === null ? null : round2(r.ratingAverage),
            r.ratings,
            r.load.average,
            r.load.peak,
            seconds(r.presence?.onlineMs ?? null),
            seconds(r.presence?.awayMs ?? null),
            seconds(r.presence?.busyMs ?? null),
          ]),
        )
      }
    }
  }

  /** What the totals (and, `byDimension`, the breakdowns) of one period are made of. */
  async #period(scope: AnalyticsScope, now: number, byDimension: boolean): Promise<Period> {
    const { analytics } = this.deps.store
    const [byDim, responses, resolutions, waits, ratings, time] = await Promise.all([
      analytics.countsByDimension(scope),
      analytics.durationFigures(scope, 'response', byDimension),
      analytics.durationFigures(scope, 'resolved', byDimension),
      analytics.durationFigures(scope, 'assigned', false),
      analytics.ratingCounts(scope),
      this.#time(scope, now),
    ])
    return { byDimension: byDim, responses, resolutions, waits, ratings, time }
  }

  /**
   * The spans of operator load in the scope (one still going lasts until `now`) and of the
   * connected time of the operators in it: its operator, else its branch's members, else the
   * members of its inboxes (presence has no channel or country).
   */
  async #time(scope: AnalyticsScope, now: number): Promise<TimeSpans> {
    const { store } = this.deps
    const [edges, presence, operators] = await Promise.all([
      // What has happened of the range: load is averaged over it.
      store.analytics.loadEdges(scope, now),
      store.analytics.presenceIn(scope.from, scope.to),
      this.#presenceOperators(scope),
    ])
    return {
      range: { from: scope.from, to: scope.to, now },
      edges,
      presence: presence
        .filter((p) => operators.has(p.operatorId))
        .map((p) => ({ operatorId: p.operatorId, status: p.status, from: p.at, until: p.untilAt })),
    }
  }

  async #presenceOperators(scope: AnalyticsScope): Promise<Set<string>> {
    const { store } = this.deps
    if (scope.operatorId !== undefined) return new Set([scope.operatorId])
    if (scope.branchId !== undefined) {
      // A branch of an inbox out of scope has no members here.
      const branch = await store.branches.get(scope.branchId)
      if (!branch || !scope.inboxIds.includes(branch.inboxId)) return new Set()
      return new Set(await store.branches.members(scope.branchId))
    }
    const members = await Promise.all(
      scope.inboxIds.filter((id) => id !== '').map((id) => store.inboxes.members(id)),
    )
    return new Set(members.flat())
  }

  /** The range and filters as a store scope, checked against what the reader may see. */
  async #scope(principal: Principal, q: AnalyticsQuery): Promise<AnalyticsScope> {
    const op = requireElevated(principal, 'analytics')
    if (!isTimeZone(q.tz))
      throw new ParleyError('validation_failed', `tz: unknown time zone ${q.tz}`)
    if (q.from % BUCKET_MS !== 0 || q.to % BUCKET_MS !== 0) {
      throw new ParleyError(
        'validation_failed',
        'from, to: whole quarter hours (multiples of 900000 ms)',
      )
    }
    if (q.to <= q.from) throw new ParleyError('validation_failed', 'to: must be after from')
    if (q.to - q.from > MAX_ANALYTICS_DAYS * 86_400_000) {
      throw new ParleyError('validation_failed', `from, to: at most ${MAX_ANALYTICS_DAYS} days`)
    }
    const visible = op.inboxIds ?? (await this.deps.store.inboxes.list()).map((i) => i.id)
    if (q.inbox !== undefined && !visible.includes(q.inbox)) {
      throw new ParleyError('forbidden', 'analytics: that inbox is not in your scope')
    }
    const inboxIds = q.inbox !== undefined ? [q.inbox] : visible
    // No inbox at all: a scope that matches nothing (an empty IN list is not valid SQL).
    return {
      inboxIds: inboxIds.length > 0 ? inboxIds : [''],
      from: q.from,
      to: q.to,
      ...(q.branch !== undefined && { branchId: q.branch }),
      ...(q.operator !== undefined && { operatorId: q.operator }),
      ...(q.channel !== undefined && { channel: q.channel }),
      ...(q.country !== undefined && { country: q.country }),
    }
  }

  async #names(): Promise<Names> {
    const { store } = this.deps
    const inboxes = await store.inboxes.list()
    const branches = new Map<string, string>()
    for (const inbox of inboxes) {
      for (const b of await store.branches.list(inbox.id)) branches.set(b.id, b.name)
    }
    return {
      operators: new Map((await store.operators.list()).map((o) => [o.id, o.name])),
      branches,
      inboxes: new Map(inboxes.map((i) => [i.id, i.name])),
    }
  }
}

interface Names {
  operators: Map<string, string>
  branches: Map<string, string>
  inboxes: Map<string, string>
}

/** The load and presence spans a report reads (#time). */
interface TimeSpans {
  /** The range, and the report's own time (what is still going lasts until then). */
  range: { from: number; to: number; now: number }
  /** The load spans' edges within the range up to now, in time order (AnalyticsStore.loadEdges). */
  edges: LoadEdges<AnalyticsLoadGroup>
  presence: PresenceSpan[]
}

/** Durations figures of a period: the whole scope's (dim null) and per dimension value. */
interface DurationSets {
  /** First response: wall time, working hours. */
  responses: AnalyticsDurationGroup[]
  resolutions: AnalyticsDurationGroup[]
  /** Queue wait (totals only). */
  waits: AnalyticsDurationGroup[]
}

const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'] as const

function sumByMetric(rows: ReadonlyArray<{ metric: string; value: number }>): Map<string, number> {
  const sums = new Map<string, number>()
  for (const r of rows) sums.set(r.metric, (sums.get(r.metric) ?? 0) + r.value)
  return sums
}

/** One period's reads (AnalyticsService#period). */
interface Period extends DurationSets {
  byDimension: Array<{ dim: AnalyticsDimension; key: string; metric: string; value: number }>
  ratings: AnalyticsRatingCount[]
  time: TimeSpans
}

/** The whole scope's figures of a set (the k-th duration of its moment). */
function whole(groups: readonly AnalyticsDurationGroup[], k = 0): Durations {
  return groups.find((g) => g.dim === null)?.figures[k] ?? durationsOf([])
}

function totalsOf(period: Period): AnalyticsTotals {
  const { time, ratings } = period
  const resolution = whole(period.resolutions)
  const counts = sumByMetric(period.byDimension.filter((r) => r.dim === 'inbox'))
  const { range } = time
  const presence = noPresence()
  for (const p of presenceByOperator(time.presence, range.from, range.to).values()) {
    presence.onlineMs += p.onlineMs
    presence.awayMs += p.awayMs
    presence.busyMs += p.busyMs
  }
  const n = (metric: string) => counts.get(metric) ?? 0
  return {
    conversations: n('started'),
    resolved: n('resolved'),
    closed: n('closed'),
    reopened: n('reopened'),
    offline: n('started_offline'),
    unanswered: n('started_unanswered'),
    visitorMessages: n('visitor_messages'),
    operatorMessages: n('operator_messages'),
    escalations: n('escalations'),
    transfers: n('transfers'),
    firstResponse: whole(period.responses),
    firstResponseBusiness: whole(period.responses, 1),
    resolution,
    queueWait: whole(period.waits),
    // Asked: those first resolved in the period.
    ratings: ratingFigures(ratings, resolution.count),
    presence,
    load: loadFigures(time),
  }
}

/** The load over the whole range, the average to two decimals. */
function loadFigures({ edges, range }: TimeSpans): LoadFigures {
  const [figures] = loadWithinEdges(edges, [range.from, range.to], range.now)
  return { average: round2(figures?.average ?? 0), peak: figures?.peak ?? 0 }
}

const SCALE_SIZE = { stars: 6, thumbs: 2, nps: 11 } as const

function ratingFigures(ratings: readonly AnalyticsRatingCount[], asked: number): RatingFigures {
  const scored = ratings.filter((r) => r.score !== null)
  const scales = (['stars', 'thumbs', 'nps'] as const).flatMap((scale) => {
    const of = scored.filter((r) => r.scale === scale)
    const count = of.reduce((n, r) => n + r.count, 0)
    if (count === 0) return []
    const distribution = Array.from({ length: SCALE_SIZE[scale] }, () => 0)
    let sum = 0
    let promoters = 0
    let detractors = 0
    for (const r of of) {
      const score = r.score ?? 0
      if (score >= 0 && score < distribution.length)
        distribution[score] = (distribution[score] ?? 0) + r.count
      sum += score * r.count
      if (score >= 9) promoters += r.count
      if (score <= 6) detractors += r.count
    }
    return [
      {
        scale,
        count,
        average: sum / count,
        distribution,
        nps: scale === 'nps' ? Math.round(((promoters - detractors) / count) * 100) : null,
      },
    ]
  })
  const rated = scored.reduce((n, r) => n + r.count, 0)
  return {
    asked,
    rated,
    responseRate: asked === 0 ? null : rated / asked,
    scales,
  }
}

/** The local day, ISO week or month an instant is in, as the query's interval names it. */
function intervalKey(q: AnalyticsQuery, p: LocalParts): string {
  return q.interval === 'day' ? p.date : q.interval === 'week' ? p.week : p.month
}

/**
 * The report's intervals over the range (each at its first quarter hour), figures still 0. An
 * interval changes only where the local date does (LocalTime.dateChanges).
 */
function seriesOf(q: AnalyticsQuery, local: LocalTime): AnalyticsReport['series'] {
  const series: AnalyticsReport['series'] = []
  let last: string | null = null
  for (const at of local.dateChanges(q.from, q.to)) {
    const key = intervalKey(q, local.parts(at))
    if (key === last) continue
    last = key
    series.push({
      at,
      label: key,
      conversations: 0,
      resolved: 0,
      visitorMessages: 0,
      operatorMessages: 0,
      firstResponseMedianMs: null,
      loadAverage: 0,
      loadPeak: 0,
      onlineMs: 0,
    })
  }
  return series
}

/** The counts the series and the heatmaps show. */
const SERIES_METRICS = ['started', 'resolved', 'visitor_messages', 'operator_messages']

/** The counts of each local day into the interval it falls in. */
function countInto(
  series: AnalyticsReport['series'],
  q: AnalyticsQuery,
  days: LocalCounts['days'],
): void {
  const index = new Map(series.map((e, k) => [e.label, k]))
  const keys = new Map<number, string>()
  for (const r of days) {
    let key = keys.get(r.day)
    if (key === undefined) keys.set(r.day, (key = intervalKey(q, partsOfLocal(r.day * DAY))))
    const e = series[index.get(key) ?? -1]
    if (!e) continue
    if (r.metric === 'resolved') e.resolved += r.value
    else if (r.metric === 'visitor_messages') e.visitorMessages += r.value
    else if (r.metric === 'operator_messages') e.operatorMessages += r.value
    else if (r.metric === 'started') e.conversations += r.value
  }
}

/**
 * Weekday (Monday first) by local hour of one metric's counts; the store's hour of the week
 * counts from Thursday 00:00 (the epoch's weekday).
 */
function heatmapOf(hours: LocalCounts['hours'], metric: string): number[][] {
  const grid = Array.from({ length: 7 }, () => Array.from({ length: 24 }, () => 0))
  for (const r of hours) {
    if (r.metric !== metric) continue
    const row = grid[(Math.floor(r.hour / 24) + 3) % 7]
    if (row) row[r.hour % 24] = (row[r.hour % 24] ?? 0) + r.value
  }
  return grid
}

function loadKey(
  l: Pick<
    AnalyticsLoadRecord,
    'inboxId' | 'operatorId' | 'branchId' | 'channel' | 'country' | 'region'
  >,
  d: Dimension,
): string {
  return d === 'operators'
    ? l.operatorId
    : d === 'branches'
      ? l.branchId
      : d === 'inboxes'
        ? l.inboxId
        : d === 'countries'
          ? l.country
          : d === 'regions'
            ? l.region
            : l.channel
}

function ratingKey(r: AnalyticsRatingCount, d: Dimension): string {
  return (
    (d === 'operators'
      ? r.operatorId
      : d === 'branches'
        ? r.branchId
        : d === 'inboxes'
          ? r.inboxId
          : d === 'countries'
            ? r.country
            : d === 'regions'
              ? r.region
              : r.channel) ?? ''
  )
}

function breakdowns(
  counts: ReadonlyArray<{ dim: AnalyticsDimension; key: string; metric: string; value: number }>,
  sets: Pick<DurationSets, 'responses' | 'resolutions'>,
  ratings: readonly AnalyticsRatingCount[],
  time: TimeSpans,
  names: Names,
): Record<Dimension, BreakdownRow[]> {
  const presence = presenceByOperator(time.presence, time.range.from, time.range.to)
  const { edges } = time
  const until = Math.min(time.range.to, time.range.now)
  const result = {} as Record<Dimension, BreakdownRow[]>
  for (const [d, dim] of DIMENSIONS) {
    const rows = new Map<
      string,
      {
        row: BreakdownRow
        /** Stars given and their sum, for the average. */
        stars: number
        starSum: number
      }
    >()
    const at = (key: string) => {
      let found = rows.get(key)
      if (!found) {
        found = {
          row: {
            key,
            label: labelOf(d, key, names),
            conversations: 0,
            assigned: 0,
            resolved: 0,
            visitorMessages: 0,
            operatorMessages: 0,
            firstResponse: durationsOf([]),
            resolution: durationsOf([]),
            ratingAverage: null,
            ratings: 0,
            load: { average: 0, peak: 0 },
            presence: d === 'operators' ? (key === '' ? null : noPresence()) : null,
          },
          stars: 0,
          starSum: 0,
        }
        rows.set(key, found)
      }
      return found
    }
    for (const c of counts) {
      if (c.dim !== dim) continue
      const { row } = at(c.key)
      if (c.metric === 'started') row.conversations += c.value
      else if (c.metric === 'assigned') row.assigned += c.value
      else if (c.metric === 'resolved') row.resolved += c.value
      else if (c.metric === 'visitor_messages') row.visitorMessages += c.value
      else if (c.metric === 'operator_messages') row.operatorMessages += c.value
    }
    for (const g of sets.responses) {
      if (g.dim === dim) at(g.key).row.firstResponse = g.figures[0] ?? durationsOf([])
    }
    for (const g of sets.resolutions) {
      if (g.dim === dim) at(g.key).row.resolution = g.figures[0] ?? durationsOf([])
    }
    for (const r of ratings) {
      if (r.score === null) continue
      const entry = at(ratingKey(r, d))
      entry.row.ratings += r.count
      if (r.scale === 'stars') {
        entry.stars += r.count
        entry.starSum += r.score * r.count
      }
    }
    for (const [key, load] of loadPerKey(edges, (l) => loadKey(l, d), time.range.from, until)) {
      at(key).row.load = { average: round2(load.average), peak: load.peak }
    }
    if (d === 'operators') {
      for (const [key, figures] of presence) at(key).row.presence = figures
    }
    result[d] = [...rows.values()]
      .map(({ row, stars, starSum }) => ({
        ...row,
        ratingAverage: stars === 0 ? null : starSum / stars,
      }))
      .sort(
        (a, b) =>
          b.conversations - a.conversations ||
          b.resolved - a.resolved ||
          a.key.localeCompare(b.key),
      )
  }
  return result
}

function labelOf(d: Dimension, key: string, names: Names): string {
  if (key === '') return ''
  if (d === 'operators') return names.operators.get(key) ?? key
  if (d === 'branches') return names.branches.get(key) ?? key
  if (d === 'inboxes') return names.inboxes.get(key) ?? key
  if (d === 'regions') {
    // "DE/Bayern" reads "Bayern (DE)"; a region of no known country is its name alone.
    const slash = key.indexOf('/')
    const country = key.slice(0, slash)
    const name = key.slice(slash + 1)
    return country ? `${name} (${country})` : name
  }
  return key
}

function commentsOf(ratings: readonly AnalyticsRatingRecord[]): AnalyticsComment[] {
  return ratings
    .filter(
      (r): r is AnalyticsRatingRecord & { comment: string } =>
        r.comment !== null && r.comment !== '',
    )
    .slice(0, MAX_COMMENTS)
    .map((r) => ({
      conversationId: r.conversationId,
      scale: r.scale,
      score: r.score,
      comment: r.comment,
      at: r.at,
      operatorId: r.operatorId,
    }))
}

function conversationOf(f: AnalyticsFacts, ratingScore: number | null): AnalyticsConversation {
  return {
    id: f.conversationId,
    inboxId: f.inboxId,
    branchId: f.branchId,
    channel: f.channel,
    country: f.country,
    createdAt: f.createdAt,
    status: f.status,
    assigneeId: f.assigneeId,
    firstResponseMs: f.firstResponseMs,
    resolutionMs: f.resolutionMs,
    ratingScore,
  }
}

function parseCursor(cursor: string): { at: number; id: string } {
  const match = /^(\d{1,15}):(.{1,64})$/.exec(cursor)
  if (!match) throw new ParleyError('validation_failed', 'cursor: not one this API gave')
  return { at: Number(match[1]), id: match[2] ?? '' }
}

const pad = (n: number) => String(n).padStart(2, '0')
const iso = (at: number) => new Date(at).toISOString()
const seconds = (ms: number | null) => (ms === null ? null : Math.round(ms / 100) / 10)
const round2 = (n: number) => Math.round(n * 100) / 100
