/**
 * Operator load and online time (issue 19; docs/analytics.md): figures over time spans. Pure,
 * so the report and the tests' independent computation can be checked against each other.
 */
import type { LoadFigures, PresenceFigures } from '../../protocol/analytics.ts'

/** A half-open time span [from, until); `weight` of them at once (1 when absent). */
export interface Span {
  from: number
  until: number
  weight?: number
}

/**
 * Load within each window [bounds[k], bounds[k + 1]): how many spans overlap on average over the
 * part of the window before `now` (what has happened), and the most at one instant. One sweep
 * over the spans' edges and the bounds, however many windows; spans are half-open, so one that
 * ends when another begins never counts as two.
 */
export function loadWithin(
  spans: readonly Span[],
  bounds: readonly number[],
  now: number,
): LoadFigures[] {
  const windows = bounds.length - 1
  if (windows < 1) return []
  const lo = bounds[0] ?? 0
  const hi = Math.min(bounds[windows] ?? 0, now)
  const area = new Array<number>(windows).fill(0)
  const peak = new Array<number>(windows).fill(0)
  // Each point changes the level by its delta; the bounds are points of no change, so no piece
  // between two points crosses a window's edge.
  const points: Array<[at: number, delta: number]> = bounds.map((b) => [b, 0])
  for (const s of spans) {
    const from = Math.max(s.from, lo)
    const until = Math.min(s.until, hi)
    const weight = s.weight ?? 1
    if (until > from) points.push([from, weight], [until, -weight])
  }
  points.sort((a, b) => a[0] - b[0])
  let level = 0
  let k = 0
  for (let j = 0; j < points.length; j++) {
    const [at, delta] = points[j] ?? [0, 0]
    level += delta
    const next = points[j + 1]?.[0]
    // Every change at one instant is applied before the piece that follows it.
    if (next === undefined || next === at || at >= hi) continue
    while (k < windows - 1 && (bounds[k + 1] ?? Infinity) <= at) k++
    area[k] = (area[k] ?? 0) + level * (Math.min(next, hi) - at)
    if (level > (peak[k] ?? 0)) peak[k] = level
  }
  return area.map((sum, w) => {
    const start = bounds[w] ?? 0
    const elapsed = Math.min(bounds[w + 1] ?? 0, now) - start
    return { average: elapsed > 0 ? sum / elapsed : 0, peak: peak[w] ?? 0 }
  })
}

/** A span's start (+weight) or end (-weight) within the window a sweep covers. */
export interface Edge<S extends Span> {
  at: number
  delta: number
  span: S
}

/** The edges of the spans clipped to [from, until), in time order: sorted once, swept often. */
export function edgesOf<S extends Span>(
  spans: readonly S[],
  from: number,
  until: number,
): Array<Edge<S>> {
  const edges: Array<Edge<S>> = []
  for (const span of spans) {
    const start = Math.max(span.from, from)
    const end = Math.min(span.until, until)
    const weight = span.weight ?? 1
    if (end > start)
      edges.push({ at: start, delta: weight, span }, { at: end, delta: -weight, span })
  }
  return edges.sort((a, b) => a.at - b.at)
}

/**
 * Load per key over [from, until) in one sweep of edges sorted once (edgesOf with the same
 * window): every change at one instant is applied before that key's level is taken as a peak.
 */
export function loadPerKey<S extends Span>(
  edges: ReadonlyArray<Edge<S>>,
  keyOf: (span: S) => string,
  from: number,
  until: number,
): Map<string, LoadFigures> {
  const state = new Map<string, { level: number; last: number; area: number; peak: number }>()
  const touched = new Set<{ level: number; last: number; area: number; peak: number }>()
  for (let j = 0; j < edges.length; j++) {
    const edge = edges[j]!
    const key = keyOf(edge.span)
    let s = state.get(key)
    if (!s) state.set(key, (s = { level: 0, last: edge.at, area: 0, peak: 0 }))
    s.area += s.level * (edge.at - s.last)
    s.last = edge.at
    s.level += edge.delta
    touched.add(s)
    // The last edge at this instant: the levels now hold until the next one.
    if (edges[j + 1]?.at !== edge.at) {
      for (const t of touched) if (t.level > t.peak) t.peak = t.level
      touched.clear()
    }
  }
  const elapsed = until - from
  const figures = new Map<string, LoadFigures>()
  for (const [key, s] of state) {
    figures.set(key, { average: elapsed > 0 ? s.area / elapsed : 0, peak: s.peak })
  }
  return figures
}

/** A connected time of one operator in one status. */
export interface PresenceSpan extends Span {
  operatorId: string
  status: 'online' | 'away' | 'busy'
}

export const noPresence = (): PresenceFigures => ({ onlineMs: 0, awayMs: 0, busyMs: 0 })

/** Each operator's connected time by status within [from, to). */
export function presenceByOperator(
  spans: readonly PresenceSpan[],
  from: number,
  to: number,
): Map<string, PresenceFigures> {
  const byOperator = new Map<string, PresenceFigures>()
  for (const s of spans) {
    const ms = Math.min(s.until, to) - Math.max(s.from, from)
    if (ms <= 0) continue
    let figures = byOperator.get(s.operatorId)
    if (!figures) byOperator.set(s.operatorId, (figures = noPresence()))
    if (s.status === 'online') figures.onlineMs += ms
    else if (s.status === 'away') figures.awayMs += ms
    else figures.busyMs += ms
  }
  return byOperator
}

/** Time connected in status online within each window [bounds[k], bounds[k + 1]), summed. */
export function onlineWithin(spans: readonly PresenceSpan[], bounds: readonly number[]): number[] {
  const windows = Math.max(0, bounds.length - 1)
  const online = new Array<number>(windows).fill(0)
  for (const s of spans) {
    if (s.status !== 'online') continue
    // The first window that ends after the span begins (bounds ascend).
    let k = firstEndingAfter(bounds, s.from)
    for (; k < windows; k++) {
      const start = bounds[k] ?? 0
      if (start >= s.until) break
      const ms = Math.min(s.until, bounds[k + 1] ?? 0) - Math.max(s.from, start)
      if (ms > 0) online[k] = (online[k] ?? 0) + ms
    }
  }
  return online
}

/** The index of the first window [bounds[k], bounds[k + 1]) with bounds[k + 1] > at. */
function firstEndingAfter(bounds: readonly number[], at: number): number {
  let lo = 0
  let hi = bounds.length - 1
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if ((bounds[mid + 1] ?? Infinity) > at) hi = mid
    else lo = mid + 1
  }
  return lo
}
