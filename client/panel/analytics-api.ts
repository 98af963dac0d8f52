/**
 * The analytics dashboard's state and calls (issue 19, A1/A2): the filters as the page's hash
 * keeps them (`#analytics?range=7d&inbox=...`, so a reload shows the same figures), the range
 * they stand for in the viewer's time zone, and the GET calls. Only the dashboard's lazy
 * chunk (components/Analytics.tsx) loads this module.
 */
import type {
  AnalyticsAttributes,
  AnalyticsCampaigns,
  AnalyticsComment,
  AnalyticsConversationPage,
  AnalyticsDrill,
  AnalyticsInterval,
  AnalyticsLabels,
  AnalyticsReport,
  AnalyticsSla,
  AnalyticsTable,
} from '../../protocol/analytics.ts'
import type { HelpFigures } from '../../protocol/help.ts'
import { fromWire, httpJson, ParleyError, type WireError } from '../shared/index.ts'

/** The help center's figures (issue 21). */
export type AnalyticsHelp = HelpFigures

export type {
  AnalyticsAttributes,
  AnalyticsCampaigns,
  AnalyticsComment,
  AnalyticsConversation,
  AnalyticsConversationPage,
  AnalyticsDrill,
  AnalyticsInterval,
  AnalyticsLabels,
  AnalyticsReport,
  AnalyticsSla,
  AnalyticsTable,
  AnalyticsTotals,
  BreakdownRow,
  Durations,
  LoadFigures,
  PresenceFigures,
  RatingFigures,
} from '../../protocol/analytics.ts'

/** One interval of the report's series (its counts, median first response, load, time online). */
export type AnalyticsPoint = AnalyticsReport['series'][number]

/** The date ranges offered; `custom` takes the two dates. */
export const PRESETS = ['today', '7d', '30d', 'month', 'prev_month', 'custom'] as const
export type Preset = (typeof PRESETS)[number]
export const INTERVALS: readonly AnalyticsInterval[] = ['day', 'week', 'month']
export const CHANNELS = ['widget', 'api', 'email', 'telegram'] as const

/** What the filter bar holds; empty strings: no filter. Dates are yyyy-mm-dd, both inclusive. */
export interface Filters {
  range: Preset
  from: string
  to: string
  interval: AnalyticsInterval
  inbox: string
  branch: string
  operator: string
  channel: string
  country: string
}

/** Names by id, for the rows that carry ids only (drill-down, comments). */
export interface Names {
  operators: Record<string, string>
  inboxes: Record<string, string>
  branches: Record<string, string>
}

export const HASH = '#analytics'
const FILTER_KEYS = ['inbox', 'branch', 'operator', 'channel', 'country'] as const
/** A filter of the analytics calls (`?inbox=...`). */
export type FilterKey = (typeof FILTER_KEYS)[number]

/**
 * A drill-down: the conversations behind one figure (a headline, a chart's interval, a
 * breakdown's row). `query` is the report's own, narrowed to the figure: other bounds (whole
 * quarter hours, as every interval's start is), one more filter.
 */
export interface DrillRequest {
  /** The dialog's title: the figure's label and what narrows it ("Resolved · Anna Petrova"). */
  title: string
  metric: AnalyticsDrill
  query: URLSearchParams
}

/** What narrows a drill-down: a range within the report's, a filter. */
export type Narrowing = Partial<Record<FilterKey | 'from' | 'to', string | number>>

/** `q` with some of its bounds or filters replaced (a copy; `q` stays as it was). */
export function narrowed(q: URLSearchParams, by: Narrowing): URLSearchParams {
  const p = new URLSearchParams(q)
  for (const [key, value] of Object.entries(by)) if (value !== undefined) p.set(key, String(value))
  return p
}

/** The filters in a `#analytics?...` hash (anything unknown falls back to the defaults). */
export function filtersFromHash(hash: string): Filters {
  const q = new URLSearchParams(hash.startsWith(`${HASH}?`) ? hash.slice(HASH.length + 1) : '')
  const pick = <T extends string>(value: string | null, allowed: readonly T[], fallback: T) =>
    allowed.includes(value as T) ? (value as T) : fallback
  const date = (value: string | null) => (value && /^\d{4}-\d{2}-\d{2}$/.test(value) ? value : '')
  const filters: Filters = {
    range: pick(q.get('range'), PRESETS, '7d'),
    from: date(q.get('from')),
    to: date(q.get('to')),
    interval: pick(q.get('interval'), INTERVALS, 'day'),
    inbox: '',
    branch: '',
    operator: '',
    channel: '',
    country: '',
  }
  for (const key of FILTER_KEYS) filters[key] = (q.get(key) ?? '').slice(0, 64)
  if (filters.range === 'custom' && (!filters.from || !filters.to)) filters.range = '7d'
  return filters
}

/** The hash that keeps these filters (defaults left out). */
export function hashOf(f: Filters): string {
  const q = new URLSearchParams()
  if (f.range !== '7d') q.set('range', f.range)
  if (f.range === 'custom') {
    q.set('from', f.from)
    q.set('to', f.to)
  }
  if (f.interval !== 'day') q.set('interval', f.interval)
  for (const key of FILTER_KEYS) if (f[key]) q.set(key, f[key])
  const s = q.toString()
  return s ? `${HASH}?${s}` : HASH
}

/** yyyy-mm-dd of a local date. */
export function isoDate(d: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`
}

function localDay(value: string): Date {
  const [y, m, d] = value.split('-').map(Number)
  return new Date(y ?? 1970, (m ?? 1) - 1, d ?? 1)
}

/**
 * The range [from, to) in epoch ms that the filters mean, counted in the browser's time zone
 * (the one the report is asked in): whole local days, up to the end of today.
 */
export function rangeOf(f: Filters, now = new Date()): { from: number; to: number } {
  const y = now.getFullYear()
  const m = now.getMonth()
  const d = now.getDate()
  const tomorrow = new Date(y, m, d + 1).getTime()
  switch (f.range) {
    case 'today':
      return { from: new Date(y, m, d).getTime(), to: tomorrow }
    case '7d':
      return { from: new Date(y, m, d - 6).getTime(), to: tomorrow }
    case '30d':
      return { from: new Date(y, m, d - 29).getTime(), to: tomorrow }
    case 'month':
      return { from: new Date(y, m, 1).getTime(), to: tomorrow }
    case 'prev_month':
      return { from: new Date(y, m - 1, 1).getTime(), to: new Date(y, m, 1).getTime() }
    case 'custom': {
      const a = localDay(f.from)
      const b = localDay(f.to)
      const [start, end] = a <= b ? [a, b] : [b, a]
      const last = new Date(end.getFullYear(), end.getMonth(), end.getDate() + 1)
      return { from: start.getTime(), to: last.getTime() }
    }
  }
}

export const timeZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone

/** The query string every analytics call shares. */
export function queryOf(f: Filters, now?: Date): URLSearchParams {
  const { from, to } = rangeOf(f, now)
  const q = new URLSearchParams({
    from: String(from),
    to: String(to),
    tz: timeZone(),
    interval: f.interval,
  })
  for (const key of FILTER_KEYS) if (f[key]) q.set(key, f[key])
  return q
}

export function analyticsApi(http: { baseUrl: string; token: () => string | null }) {
  const get = <T>(path: string) => httpJson<T>(http.baseUrl, path, { token: http.token() })
  return {
    report: (q: URLSearchParams) => get<AnalyticsReport>(`/api/analytics/report?${q}`),
    comments: (q: URLSearchParams) => get<AnalyticsComment[]>(`/api/analytics/comments?${q}`),
    labels: (q: URLSearchParams) => get<AnalyticsLabels>(`/api/analytics/labels?${q}`),
    attributes: (q: URLSearchParams) => get<AnalyticsAttributes>(`/api/analytics/attributes?${q}`),
    sla: (q: URLSearchParams) => get<AnalyticsSla>(`/api/analytics/sla?${q}`),
    campaigns: (q: URLSearchParams) => get<AnalyticsCampaigns>(`/api/analytics/campaigns?${q}`),
    /** The help center's figures over the same range (an inbox filter is its portal). */
    help(q: URLSearchParams) {
      const p = new URLSearchParams({ from: q.get('from') ?? '', to: q.get('to') ?? '' })
      const inbox = q.get('inbox')
      if (inbox) p.set('portal', inbox)
      return get<AnalyticsHelp>(`/api/help/figures?${p}`)
    },
    conversations(q: URLSearchParams, metric: AnalyticsDrill, cursor: string | null) {
      const p = new URLSearchParams(q)
      p.set('metric', metric)
      if (cursor) p.set('cursor', cursor)
      return get<AnalyticsConversationPage>(`/api/analytics/conversations?${p}`)
    },
    /** Where a table's CSV is (the panel fetches it with its token: no cookie would do). */
    exportPath(q: URLSearchParams, table: AnalyticsTable): string {
      const p = new URLSearchParams(q)
      p.set('table', table)
      return `/api/analytics/export?${p}`
    },
    /**
     * Downloads a table as CSV: fetched with the operator's token (the panel sets no cookie, so
     * a bare link would be refused) and handed to the browser's downloads.
     */
    async download(q: URLSearchParams, table: AnalyticsTable): Promise<void> {
      let res: Response
      try {
        res = await fetch(http.baseUrl + this.exportPath(q, table), {
          headers: { authorization: `Bearer ${http.token() ?? ''}` },
          cache: 'no-store',
        })
      } catch {
        throw new ParleyError('unavailable', 'network error')
      }
      if (!res.ok) {
        const body = (await res.json().catch(() => null)) as { error?: WireError } | null
        throw body?.error
          ? fromWire(body.error)
          : new ParleyError('unavailable', `HTTP ${res.status}`)
      }
      const url = URL.createObjectURL(await res.blob())
      const a = document.createElement('a')
      a.href = url
      const day = (ms: number) => isoDate(new Date(ms))
      a.download = `parley-${table}-${day(Number(q.get('from')))}-${day(Number(q.get('to')) - 1)}.csv`
      a.click()
      setTimeout(() => URL.revokeObjectURL(url), 10_000)
    },
  }
}

export type AnalyticsApi = ReturnType<typeof analyticsApi>
