/**
 * Analytics (issue 19, A1/A2; docs/analytics.md): what the dashboard asks and what it gets.
 * Every figure is computed from the committed event log through a projection; the rules of
 * each figure are in docs/analytics.md. Times are epoch milliseconds; durations milliseconds.
 *
 * Admins see every inbox, supervisors their own; operators none (403).
 */
import * as v from 'valibot'
import { wireString } from './strings.ts'

/**
 * Counts are kept per 15 minutes: every time zone's offset is a multiple of it, so any zone's
 * hours, days and months are sums of whole buckets. A range's ends must be multiples of it.
 */
export const BUCKET_MS = 15 * 60_000
/**
 * The length of an analytics period (7 days from the epoch, a Thursday): the durations the
 * figures rank are packed per inbox and finished period (analytics_periods,
 * analytics_period_cache), and load spans going on are counted per period of their start
 * (analytics_open_loads; the migration that filled it has the value written out: 604800000).
 */
export const PERIOD_MS = 7 * 86_400_000
/**
 * The key of a visitor's region in counts and breakdowns: the country code, '/', the region's
 * name as GeoIP gives it ("DE/Bayern"), so two countries' regions never meet; '' when unknown.
 */
export function regionKey(country: string | null, region: string | null): string {
  return region ? `${country ?? ''}/${region}` : ''
}

/** Longest range one report covers, in days. */
export const MAX_ANALYTICS_DAYS = 400
/** Conversations a drill-down page lists at most. */
export const ANALYTICS_PAGE = 50
export const ANALYTICS_INTERVALS = ['day', 'week', 'month'] as const
export const AnalyticsInterval = v.picklist(ANALYTICS_INTERVALS)
export type AnalyticsInterval = v.InferOutput<typeof AnalyticsInterval>
export const ANALYTICS_CHANNELS = ['widget', 'api', 'email', 'telegram'] as const

/**
 * The figures a drill-down lists the conversations of: `created` (started in the range),
 * `resolved` / `closed` / `reopened` (a resolution, closing or reopening in the range),
 * `first_response` (first answered in the range), `first_assigned` (first given to an operator
 * in the range: the queue wait's), `offline` (offline requests started in the
 * range), `rated` (rated in the range), `escalated` / `transferred` (in the range), `unanswered`
 * (started in the range, never answered).
 */
export const ANALYTICS_DRILLS = [
  'created',
  'resolved',
  'closed',
  'reopened',
  'first_response',
  'first_assigned',
  'offline',
  'rated',
  'escalated',
  'transferred',
  'unanswered',
] as const
export const AnalyticsDrill = v.picklist(ANALYTICS_DRILLS)
export type AnalyticsDrill = v.InferOutput<typeof AnalyticsDrill>

/** The tables `GET /api/analytics/export` writes as CSV. */
export const ANALYTICS_TABLES = [
  'series',
  'heatmap',
  'operators',
  'branches',
  'inboxes',
  'countries',
  'regions',
  'channels',
  'ratings',
  'comments',
] as const
export const AnalyticsTable = v.picklist(ANALYTICS_TABLES)
export type AnalyticsTable = v.InferOutput<typeof AnalyticsTable>

const id = (name: string) => v.optional(v.pipe(wireString(name), v.maxLength(64)))
const instant = (name: string) =>
  v.pipe(
    wireString(name),
    v.regex(/^\d{1,15}$/, `${name}: epoch milliseconds`),
    v.transform(Number),
  )

/**
 * The query string of every analytics request: a range [from, to) in epoch ms, the viewer's
 * IANA time zone (days, weeks from Monday, months and hours are local to it) and filters.
 */
export const AnalyticsQuery = v.strictObject({
  from: instant('from'),
  to: instant('to'),
  tz: v.optional(v.pipe(wireString('tz'), v.maxLength(64)), 'UTC'),
  interval: v.optional(AnalyticsInterval, 'day'),
  inbox: id('inbox'),
  branch: id('branch'),
  operator: id('operator'),
  channel: v.optional(v.picklist(ANALYTICS_CHANNELS)),
  /** ISO 3166-1 alpha-2. */
  country: v.optional(v.pipe(wireString('country'), v.regex(/^[A-Z]{2}$/, 'country: ISO code'))),
})
export type AnalyticsQuery = v.InferOutput<typeof AnalyticsQuery>

/** A duration figure over a set of conversations: null when the set is empty. */
export interface Durations {
  count: number
  averageMs: number | null
  medianMs: number | null
  p90Ms: number | null
}

/** Count, average, median and 90th percentile (nearest rank) of the known values. */
export function durationsOf(values: ReadonlyArray<number | null>): Durations {
  const known = new Float64Array(values.length)
  let n = 0
  for (const v of values) {
    if (v === null) continue
    known[n++] = v
  }
  return durationsOfKnown(known.subarray(0, n))
}

/** durationsOf of values all known; reorders `a` (a scratch copy of the caller's). */
export function durationsOfKnown(a: Float64Array): Durations {
  const n = a.length
  if (n === 0) return { count: 0, averageMs: null, medianMs: null, p90Ms: null }
  let sum = 0
  for (let i = 0; i < n; i++) sum += a[i]!
  // Order statistics by selection, not a sort (a year's 100k values, per breakdown row).
  const mid = n >> 1
  const upper = select(a, mid, 0, n - 1)
  let median = upper
  if (n % 2 === 0) {
    // The largest of the lower half: everything before `mid` is at most a[mid] now.
    let lower = a[0] ?? 0
    for (let i = 1; i < mid; i++) if ((a[i] ?? 0) > lower) lower = a[i] ?? 0
    median = Math.round((lower + upper) / 2)
  }
  const rank = Math.max(0, Math.ceil(0.9 * n) - 1)
  const p90 =
    rank === mid ? upper : rank > mid ? select(a, rank, mid, n - 1) : select(a, rank, 0, mid)
  return { count: n, averageMs: Math.round(sum / n), medianMs: median, p90Ms: p90 }
}

/**
 * The k-th smallest of a[lo..hi] (Hoare's selection, pivot the median of three); reorders that
 * part so that a[k] holds it, nothing before it greater and nothing after it smaller.
 */
export function select(a: Float64Array, k: number, lo: number, hi: number): number {
  while (hi > lo) {
    const m = (lo + hi) >> 1
    const x = a[lo] ?? 0
    const y = a[m] ?? 0
    const z = a[hi] ?? 0
    const pivot = x < y ? (y < z ? y : x < z ? z : x) : x < z ? x : y < z ? z : y
    let i = lo
    let j = hi
    while (i <= j) {
      while ((a[i] ?? 0) < pivot) i++
      while ((a[j] ?? 0) > pivot) j--
      if (i <= j) {
        const t = a[i] ?? 0
        a[i] = a[j] ?? 0
        a[j] = t
        i++
        j--
      }
    }
    if (k <= j) hi = j
    else if (k >= i) lo = i
    else return a[k] ?? 0
  }
  return a[k] ?? 0
}

/**
 * Operators' connected time in the range by the status they chose, in ms (docs/analytics.md,
 * "Online time"): connected means at least one panel open, or its grace period after the last
 * one closed.
 */
export interface PresenceFigures {
  onlineMs: number
  awayMs: number
  busyMs: number
}

/**
 * Open conversations assigned to operators, at the same time (docs/analytics.md, "Operator
 * load"): `average` is the assigned-and-open conversation time in the range over the range's
 * length (2.5: two or three at a time on average), `peak` the most at one instant.
 */
export interface LoadFigures {
  average: number
  peak: number
}

/** The headline numbers of one period. */
export interface AnalyticsTotals {
  conversations: number
  resolved: number
  closed: number
  reopened: number
  offline: number
  /** Started in the range and not answered by an operator (yet). */
  unanswered: number
  visitorMessages: number
  operatorMessages: number
  escalations: number
  transfers: number
  firstResponse: Durations
  /** The same, counting only the branch's working hours. */
  firstResponseBusiness: Durations
  resolution: Durations
  /** Creation to the first assignment. */
  queueWait: Durations
  ratings: RatingFigures
  /** Every operator in scope, summed. */
  presence: PresenceFigures
  /** All operators in scope together (the team's load). */
  load: LoadFigures
}

export interface RatingFigures {
  /** Resolutions in the range that asked for a rating. */
  asked: number
  /** Of them, rated (a score, not declined). */
  rated: number
  /** rated / asked; null when none was asked. */
  responseRate: number | null
  /** Per scale: stars 1-5, thumbs 0-1, nps 0-10. */
  scales: Array<{
    scale: 'stars' | 'thumbs' | 'nps'
    count: number
    average: number | null
    /** count of each score, index = score. */
    distribution: number[]
    /** nps only: % promoters (9-10) - % detractors (0-6). */
    nps: number | null
  }>
}

/** One row of a breakdown table (per operator, branch, inbox, country, channel). */
export interface BreakdownRow {
  /** The id or code; '' for none (no operator: unassigned; no branch or country known). */
  key: string
  /** The operator's, branch's or inbox's name; the code for countries and channels. */
  label: string
  conversations: number
  /** Operators: assignments to them in the range. */
  assigned: number
  resolved: number
  visitorMessages: number
  operatorMessages: number
  firstResponse: Durations
  resolution: Durations
  ratingAverage: number | null
  ratings: number
  /** The conversations of this row assigned and open at the same time. */
  load: LoadFigures
  /** Operators only (null in the other tables): their connected time by status. */
  presence: PresenceFigures | null
}

export interface AnalyticsReport {
  query: {
    from: number
    to: number
    tz: string
    interval: AnalyticsInterval
  }
  /** The period of the same length just before (for the change of each headline). */
  previousRange: { from: number; to: number }
  totals: AnalyticsTotals
  previous: AnalyticsTotals
  /** Over time: one entry per interval (local day, week from Monday, month), in order. */
  series: Array<{
    /** Start of the interval (clamped to the range). */
    at: number
    /** "2026-03-29", "2026-W13" (the Monday's date), "2026-03". */
    label: string
    conversations: number
    resolved: number
    visitorMessages: number
    operatorMessages: number
    firstResponseMedianMs: number | null
    /** Operators' load within the interval (LoadFigures). */
    loadAverage: number
    loadPeak: number
    /** Operators' time connected and online (status online) within the interval, summed. */
    onlineMs: number
  }>
  /** Visitor messages by local weekday (0 = Monday) and hour (0-23): heatmap[weekday][hour]. */
  heatmap: number[][]
  /** Conversations started, by local weekday and hour. */
  heatmapConversations: number[][]
  operators: BreakdownRow[]
  branches: BreakdownRow[]
  inboxes: BreakdownRow[]
  countries: BreakdownRow[]
  /** Per visitor region (GeoIP): key "DE/Bayern", label "Bayern (DE)". */
  regions: BreakdownRow[]
  channels: BreakdownRow[]
  /** When the projection last caught up with the log (figures are exact up to then). */
  asOf: number
}

/** A conversation behind a figure (`GET /api/analytics/conversations`). */
export interface AnalyticsConversation {
  id: string
  inboxId: string
  branchId: string | null
  channel: string
  country: string | null
  createdAt: number
  status: string
  assigneeId: string | null
  firstResponseMs: number | null
  resolutionMs: number | null
  ratingScore: number | null
}

export interface AnalyticsConversationPage {
  items: AnalyticsConversation[]
  /** Pass as `cursor` for the next page; null at the end. */
  next: string | null
}

/** A rating comment (`GET /api/analytics/comments`); erased conversations have none. */
/**
 * Labels in analytics (issue 20): how many of the conversations created in the range (in the
 * scope, filters applied) carry each label now, most used first; a label no conversation
 * carries is listed with 0. `conversations` counts them all, `unlabelled` those with none.
 */
export interface AnalyticsLabels {
  conversations: number
  unlabelled: number
  labels: { id: string; inboxId: string; name: string; color: string; conversations: number }[]
}

/**
 * Conversations by attribute value (issue 20): for each list or checkbox conversation attribute
 * of the inboxes in scope, how many of the range's conversations hold each value now (`unset`:
 * none). A value no longer among a list's choices is still counted.
 */
export interface AnalyticsAttributes {
  conversations: number
  attributes: {
    id: string
    inboxId: string
    key: string
    name: string
    type: 'list' | 'checkbox'
    values: { value: string | boolean; conversations: number }[]
    unset: number
  }[]
}

/**
 * SLA (issue 20): of the conversations created in the range, how many run under an SLA, how
 * many breached one, the breaches by kind (each conversation keeps its newest 20), and the
 * same per policy (by the policy as applied; a deleted one keeps its name).
 */
export interface AnalyticsSla {
  conversations: number
  withSla: number
  breached: number
  breaches: { first_response: number; next_response: number; resolution: number }
  policies: { policyId: string; name: string; conversations: number; breached: number }[]
}

/**
 * Proactive messages (issue 20): per campaign of the inboxes in scope, the visitors it was shown
 * to in the range and the conversations opened in reply in the range; campaigns with neither
 * are left out. Oldest campaign first.
 */
export interface AnalyticsCampaigns {
  campaigns: { campaignId: string; inboxId: string; name: string; shown: number; replied: number }[]
}

export interface AnalyticsComment {
  conversationId: string
  scale: 'stars' | 'thumbs' | 'nps'
  score: number | null
  comment: string
  at: number
  operatorId: string | null
}

export const AnalyticsDrillQuery = v.strictObject({
  ...AnalyticsQuery.entries,
  metric: AnalyticsDrill,
  cursor: v.optional(v.pipe(wireString('cursor'), v.maxLength(200))),
})
export type AnalyticsDrillQuery = v.InferOutput<typeof AnalyticsDrillQuery>

export const AnalyticsExportQuery = v.strictObject({
  ...AnalyticsQuery.entries,
  table: AnalyticsTable,
})
export type AnalyticsExportQuery = v.InferOutput<typeof AnalyticsExportQuery>

/**
 * Changes of a level over time as columns, in time order (operator load: a span's start adds
 * its weight, its end takes it back): `group` indexes `groups`, what the changes are counted
 * by (a load span's dimensions). Built by edgesOf; swept by server/analytics/load.ts.
 */
export interface LoadEdges<G> {
  n: number
  at: Float64Array
  delta: Float64Array
  group: Uint32Array
  groups: readonly G[]
}

/**
 * The edges of half-open spans [from, until) of `weight` (1 when absent) clipped to
 * [lo, hi), in time order; `groupOf` names each span's group (the same value: the same group).
 */
export function edgesOf<S extends { from: number; until: number; weight?: number }, G>(
  spans: readonly S[],
  lo: number,
  hi: number,
  groupOf: (span: S) => G,
): LoadEdges<G> {
  const groups: G[] = []
  const index = new Map<G, number>()
  const edges = emptyEdges(2 * spans.length, groups)
  for (const span of spans) {
    const start = Math.max(span.from, lo)
    const end = Math.min(span.until, hi)
    if (!(end > start)) continue
    const key = groupOf(span)
    let g = index.get(key)
    if (g === undefined) index.set(key, (g = groups.push(key) - 1))
    pushEdge(edges, start, span.weight ?? 1, g)
    pushEdge(edges, end, -(span.weight ?? 1), g)
  }
  return sortEdges(edges)
}

/** Room for `size` edges of `groups`, none yet. */
export function emptyEdges<G>(size: number, groups: readonly G[]): LoadEdges<G> {
  return {
    n: 0,
    at: new Float64Array(size),
    delta: new Float64Array(size),
    group: new Uint32Array(size),
    groups,
  }
}

export function pushEdge<G>(edges: LoadEdges<G>, at: number, delta: number, group: number): void {
  const i = edges.n++
  edges.at[i] = at
  edges.delta[i] = delta
  edges.group[i] = group
}

/** The same edges in time order (edges at one instant in any order: a sweep applies them all). */
export function sortEdges<G>(edges: LoadEdges<G>): LoadEdges<G> {
  const { n, at } = edges
  const order = new Uint32Array(n)
  for (let i = 0; i < n; i++) order[i] = i
  order.sort((a, b) => at[a]! - at[b]!)
  const sorted = emptyEdges(n, edges.groups)
  for (let i = 0; i < n; i++)
    pushEdge(sorted, at[order[i]!]!, edges.delta[order[i]!]!, edges.group[order[i]!]!)
  return sorted
}
