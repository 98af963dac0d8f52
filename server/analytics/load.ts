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
