/**
 * An independent computation of the analytics figures (docs/analytics.md) straight from the
 * raw event logs: no projection, no buckets, no shared code with server/analytics. Local time
 * comes from Intl's own calendar fields, not from offsets. The tests compare every figure the
 * API returns with this.
 */
import type { Schedule } from '../../actors/inbox/schedule.ts'

export interface RawEvent {
  conversationId: string
  seq: number
  name: string
  at: number
  data: any
}

export interface Range {
  from: number
  to: number
  tz: string
  interval: 'day' | 'week' | 'month'
  operator?: string
}

export interface Durations {
  count: number
  averageMs: number | null
  medianMs: number | null
  p90Ms: number | null
}

function stats(values: number[]): Durations {
  const v = [...values].sort((a, b) => a - b)
  if (v.length === 0) return { count: 0, averageMs: null, medianMs: null, p90Ms: null }
  const n = v.length
  const median = n % 2 === 1 ? v[(n - 1) / 2]! : Math.round((v[n / 2 - 1]! + v[n / 2]!) / 2)
  let sum = 0
  for (const x of v) sum += x
  return {
    count: n,
    averageMs: Math.round(sum / n),
    medianMs: median,
    p90Ms: v[Math.ceil(0.9 * n) - 1]!,
  }
}

/** Local calendar fields of an instant, read from Intl. */
const formats = new Map<string, Intl.DateTimeFormat>()

/** One formatter per zone: building one per call is most of the cost of walking a year. */
function format(tz: string): Intl.DateTimeFormat {
  let f = formats.get(tz)
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      weekday: 'short',
      hourCycle: 'h23',
    })
    formats.set(tz, f)
  }
  return f
}

export function local(tz: string, at: number) {
  const parts = Object.fromEntries(
    format(tz)
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  )
  const weekday = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].indexOf(parts.weekday!)
  const date = `${parts.year}-${parts.month}-${parts.day}`
  return { date, month: `${parts.year}-${parts.month}`, weekday, hour: Number(parts.hour) }
}

/** ISO week label of a local date: the week's Thursday names the year. */
function isoWeek(date: string, weekday: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number]
  const thursday = new Date(Date.UTC(y, m - 1, d + 3 - weekday))
  const year = thursday.getUTCFullYear()
  const jan1 = Date.UTC(year, 0, 1)
  const week = Math.floor((thursday.getTime() - jan1) / (7 * 86_400_000)) + 1
  return `${year}-W${String(week).padStart(2, '0')}`
}

function periodOf(r: Range, at: number): string {
  const l = local(r.tz, at)
  return r.interval === 'day'
    ? l.date
    : r.interval === 'month'
      ? l.month
      : isoWeek(l.date, l.weekday)
}

/** Open time between two instants, minute by minute through Intl (slow, obviously right). */
export function openMinutesMs(schedule: Schedule | null, from: number, to: number): number {
  if (!schedule) return to - from
  let total = 0
  // Every schedule boundary is a whole minute; so is every instant the tests use.
  for (let t = from; t < to; t += 60_000) {
    const l = local(schedule.timeZone, t)
    const minuteOfDay =
      Number(
        new Intl.DateTimeFormat('en-US', {
          timeZone: schedule.timeZone,
          hour: '2-digit',
          minute: '2-digit',
          hourCycle: 'h23',
        })
          .formatToParts(t)
          .find((p) => p.type === 'minute')!.value,
      ) +
      l.hour * 60
    const day = (['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const)[l.weekday]!
    const exception = schedule.exceptions.find((e) => e.date === l.date)
    const hours = exception ? exception.hours : (schedule.week[day] ?? [])
    const open = hours.some((h) => {
      const [fh, fm] = h.from.split(':').map(Number) as [number, number]
      const [th, tm] = h.to.split(':').map(Number) as [number, number]
      return minuteOfDay >= fh * 60 + fm && minuteOfDay < th * 60 + tm
    })
    if (open) total += Math.min(60_000, to - t)
  }
  return total
}

interface Conversation {
  id: string
  inboxId: string
  createdAt: number
  offline: boolean
  firstVisitorAt: number | null
  firstResponse: { at: number; ms: number; business: number; by: string } | null
  firstAssigned: { at: number; to: string } | null
  firstResolution: { at: number; by: string | null } | null
}

export interface ReferenceFigures {
  totals: {
    conversations: number
    resolved: number
    closed: number
    reopened: number
    offline: number
    unanswered: number
    visitorMessages: number
    operatorMessages: number
    escalations: number
    transfers: number
    firstResponse: Durations
    firstResponseBusiness: Durations
    resolution: Durations
    queueWait: Durations
    ratings: {
      rated: number
      asked: number
      starsAverage: number | null
      starsDistribution: number[]
    }
  }
  series: Map<
    string,
    {
      conversations: number
      resolved: number
      visitorMessages: number
      operatorMessages: number
      firstResponseMedianMs: number | null
    }
  >
  heatmap: number[][]
  heatmapConversations: number[][]
  /** Per operator: assigned, resolved, operator messages, first responses' median. */
  operators: Map<
    string,
    {
      assigned: number
      resolved: number
      operatorMessages: number
      firstResponseMedianMs: number | null
      conversations: number
      /** Ratings with a score of conversations this operator resolved; the average of stars. */
      ratings: number
      ratingAverage: number | null
    }
  >
}

export function reference(
  logs: ReadonlyMap<string, readonly RawEvent[]>,
  r: Range,
  scheduleOf: (branchId: string | null) => Schedule | null,
): ReferenceFigures {
  const inRange = (at: number) => at >= r.from && at < r.to
  const op = r.operator
  const grid = () => Array.from({ length: 7 }, () => Array.from({ length: 24 }, () => 0))
  const heatmap = grid()
  const heatmapConversations = grid()
  const series = new Map<
    string,
    ReferenceFigures['series'] extends Map<string, infer V> ? V : never
  >()
  const entry = (at: number) => {
    const key = periodOf(r, at)
    let e = series.get(key)
    if (!e) {
      e = {
        conversations: 0,
        resolved: 0,
        visitorMessages: 0,
        operatorMessages: 0,
        firstResponseMedianMs: null,
      }
      series.set(key, e)
    }
    return e
  }
  const operators: ReferenceFigures['operators'] = new Map()
  const opRow = (id: string) => {
    let row = operators.get(id)
    if (!row) {
      row = {
        assigned: 0,
        resolved: 0,
        operatorMessages: 0,
        firstResponseMedianMs: null,
        conversations: 0,
        ratings: 0,
        ratingAverage: null,
      }
      operators.set(id, row)
    }
    return row
  }
  const responsesByOperator = new Map<string, number[]>()
  const starsByOperator = new Map<string, number[]>()
  const responsesByPeriod = new Map<string, number[]>()
  const t = {
    conversations: 0,
    resolved: 0,
    closed: 0,
    reopened: 0,
    offline: 0,
    unanswered: 0,
    visitorMessages: 0,
    operatorMessages: 0,
    escalations: 0,
    transfers: 0,
  }
  const frt: number[] = []
  const frtBusiness: number[] = []
  const resolution: number[] = []
  const queue: number[] = []
  const stars: number[] = []
  let rated = 0
  let asked = 0
  // Ratings: one per (conversation, resolution); the last change wins, counted at its first time.
  const ratings = new Map<
    string,
    { at: number; score: number | null; scale: string; operator: string | null }
  >()

  for (const [, events] of logs) {
    let c: Conversation | null = null
    let status = 'open'
    let assignee: string | null = null
    let branch: string | null = null
    for (const e of events) {
      if (e.name === 'conversation.created') {
        const conv = e.data.conversation
        c = {
          id: e.conversationId,
          inboxId: conv.inboxId,
          createdAt: conv.createdAt,
          offline: conv.offline === true,
          firstVisitorAt: null,
          firstResponse: null,
          firstAssigned: conv.assigneeId ? { at: conv.createdAt, to: conv.assigneeId } : null,
          firstResolution: null,
        }
        status = conv.status
        assignee = conv.assigneeId
        branch = conv.branchId ?? null
        continue
      }
      if (!c) continue
      if (e.name === 'message.created') {
        const author = e.data.message.author
        if (author.kind === 'visitor') {
          c.firstVisitorAt ??= e.at
          if (inRange(e.at) && (op === undefined || assignee === op)) {
            t.visitorMessages++
            entry(e.at).visitorMessages++
            const l = local(r.tz, e.at)
            heatmap[l.weekday]![l.hour]!++
          }
        } else if (author.kind === 'operator') {
          if (c.firstVisitorAt !== null && c.firstResponse === null) {
            c.firstResponse = {
              at: e.at,
              ms: e.at - c.firstVisitorAt,
              business: openMinutesMs(scheduleOf(branch), c.firstVisitorAt, e.at),
              by: author.id,
            }
          }
          if (inRange(e.at) && (op === undefined || author.id === op)) {
            t.operatorMessages++
            entry(e.at).operatorMessages++
            opRow(author.id).operatorMessages++
          }
        }
      } else if (e.name === 'conversation.status') {
        const to = e.data.status
        if (to !== status) {
          const by = e.data.by.kind === 'operator' ? e.data.by.id : null
          const who = assignee ?? by
          const counted = inRange(e.at) && (op === undefined || who === op)
          if (to === 'open') {
            if (counted) t.reopened++
          } else {
            if (counted && to === 'resolved') {
              t.resolved++
              entry(e.at).resolved++
              if (who) opRow(who).resolved++
            }
            if (counted && to === 'closed') t.closed++
            if (status === 'open' && c.firstResolution === null)
              c.firstResolution = { at: e.at, by: who }
          }
          status = to
        }
      } else if (e.name === 'conversation.assigned') {
        const { assigneeId, reason } = e.data
        if (e.data.branchId !== undefined) branch = e.data.branchId
        const counted = inRange(e.at) && (op === undefined || assigneeId === op)
        if (assigneeId !== null) {
          if (counted) opRow(assigneeId).assigned++
          c.firstAssigned ??= { at: e.at, to: assigneeId }
        }
        if (counted && reason === 'escalation') t.escalations++
        if (counted && reason === 'transfer') t.transfers++
        assignee = assigneeId
      } else if (e.name === 'conversation.rated') {
        const rating = e.data.rating
        ratings.set(`${c.id}/${rating.resolutionSeq}`, {
          at: rating.firstRatedAt,
          score: rating.score,
          scale: rating.scale,
          operator: assignee ?? c.firstResolution?.by ?? null,
        })
      }
    }
    if (!c) continue
    const firstAssignee = c.firstAssigned?.to ?? null
    if (inRange(c.createdAt) && (op === undefined || firstAssignee === op)) {
      t.conversations++
      if (c.offline) t.offline++
      if (c.firstResponse === null) t.unanswered++
      entry(c.createdAt).conversations++
      const l = local(r.tz, c.createdAt)
      heatmapConversations[l.weekday]![l.hour]!++
      if (firstAssignee) opRow(firstAssignee).conversations++
    }
    const fr = c.firstResponse
    if (fr && inRange(fr.at) && (op === undefined || fr.by === op)) {
      frt.push(fr.ms)
      frtBusiness.push(fr.business)
      const list = responsesByOperator.get(fr.by) ?? []
      list.push(fr.ms)
      responsesByOperator.set(fr.by, list)
      const key = periodOf(r, fr.at)
      responsesByPeriod.set(key, [...(responsesByPeriod.get(key) ?? []), fr.ms])
    }
    const res = c.firstResolution
    if (res && inRange(res.at) && (op === undefined || res.by === op)) {
      resolution.push(res.at - c.createdAt)
      asked++
    }
    const fa = c.firstAssigned
    if (fa && inRange(fa.at) && (op === undefined || fa.to === op)) queue.push(fa.at - c.createdAt)
  }
  for (const [, rating] of ratings) {
    if (!inRange(rating.at) || rating.score === null) continue
    if (op !== undefined && rating.operator !== op) continue
    rated++
    if (rating.scale === 'stars') stars.push(rating.score)
    if (rating.operator) {
      opRow(rating.operator).ratings++
      if (rating.scale === 'stars') {
        const own = starsByOperator.get(rating.operator) ?? []
        starsByOperator.set(rating.operator, [...own, rating.score])
      }
    }
  }
  for (const [id, list] of starsByOperator)
    opRow(id).ratingAverage = list.reduce((a, b) => a + b, 0) / list.length
  for (const [id, list] of responsesByOperator)
    opRow(id).firstResponseMedianMs = stats(list).medianMs
  for (const [key, list] of responsesByPeriod) {
    const e = series.get(key)
    if (e) e.firstResponseMedianMs = stats(list).medianMs
  }
  const starsDistribution = Array.from({ length: 6 }, () => 0)
  for (const s of stars) starsDistribution[s]!++
  return {
    totals: {
      ...t,
      firstResponse: stats(frt),
      firstResponseBusiness: stats(frtBusiness),
      resolution: stats(resolution),
      queueWait: stats(queue),
      ratings: {
        rated,
        asked,
        starsAverage: stars.length === 0 ? null : stars.reduce((a, b) => a + b, 0) / stars.length,
        starsDistribution,
      },
    },
    series,
    heatmap,
    heatmapConversations,
    operators,
  }
}

export interface LoadReference {
  average: number
  peak: number
}

/**
 * Operator load sampled every `step` ms (exact when every change falls on the grid, which the
 * test checks): at each sample, the conversations open and assigned (to `r.operator` if given),
 * replayed from the logs; up to `now`, since what is still going lasts until then.
 */
export function referenceLoad(
  logs: ReadonlyMap<string, readonly RawEvent[]>,
  r: Range,
  now: number,
  step: number,
): {
  totals: LoadReference
  series: Map<string, LoadReference>
  operators: Map<string, LoadReference>
} {
  // Each conversation's changes: from `at` on, whom it loads (null: nobody).
  const timelines: Array<Array<{ at: number; who: string | null }>> = []
  for (const [, events] of logs) {
    const changes: Array<{ at: number; who: string | null }> = []
    let status = 'open'
    let assignee: string | null = null
    let started = false
    for (const e of events) {
      if (e.name === 'conversation.created') {
        started = true
        status = e.data.conversation.status
        assignee = e.data.conversation.assigneeId
      } else if (!started) continue
      else if (e.name === 'conversation.status') status = e.data.status
      else if (e.name === 'conversation.assigned') assignee = e.data.assigneeId
      else continue
      changes.push({ at: e.at, who: status === 'open' ? assignee : null })
    }
    timelines.push(changes)
  }
  const end = Math.min(r.to, now)
  const sums = { area: 0, peak: 0, samples: 0 }
  const periods = new Map<string, { area: number; peak: number; samples: number }>()
  const perOperator = new Map<string, { area: number; peak: number }>()
  const cursor = timelines.map(() => -1)
  // Every period of the range, so elapsed time counts where nothing was going on too.
  let period = { area: 0, peak: 0, samples: 0 }
  for (let t = r.from; t < r.to; t += step) {
    // A period starts on a quarter hour in every zone: its label is read there.
    if (t === r.from || t % 900_000 === 0) {
      const label = periodOf(r, t)
      const seen = periods.get(label)
      if (seen) period = seen
      else periods.set(label, (period = { area: 0, peak: 0, samples: 0 }))
    }
    if (t >= end) continue
    const counts = new Map<string, number>()
    timelines.forEach((changes, i) => {
      let k = cursor[i]!
      while (k + 1 < changes.length && changes[k + 1]!.at <= t) k++
      cursor[i] = k
      const who = k >= 0 ? changes[k]!.who : null
      if (who !== null && (r.operator === undefined || who === r.operator)) {
        counts.set(who, (counts.get(who) ?? 0) + 1)
      }
    })
    let level = 0
    for (const [who, n] of counts) {
      level += n
      const o = perOperator.get(who) ?? { area: 0, peak: 0 }
      o.area += n * step
      o.peak = Math.max(o.peak, n)
      perOperator.set(who, o)
    }
    sums.area += level * step
    sums.peak = Math.max(sums.peak, level)
    sums.samples++
    period.area += level * step
    period.peak = Math.max(period.peak, level)
    period.samples++
  }
  const elapsed = sums.samples * step
  const round2 = (n: number) => Math.round(n * 100) / 100
  const figures = (area: number, peak: number, ms: number): LoadReference => ({
    average: ms > 0 ? round2(area / ms) : 0,
    peak,
  })
  return {
    totals: figures(sums.area, sums.peak, elapsed),
    series: new Map(
      [...periods].map(([label, p]) => [label, figures(p.area, p.peak, p.samples * step)]),
    ),
    operators: new Map([...perOperator].map(([who, o]) => [who, figures(o.area, o.peak, elapsed)])),
  }
}
