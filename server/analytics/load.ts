/**
 * Operator load and online time (issue 19; docs/analytics.md): figures over time spans. Pure,
 * so the report and the tests' independent computation can be checked against each other.
 */
import {
  edgesOf,
  type LoadEdges,
  type LoadFigures,
  type PresenceFigures,
} from '../../protocol/analytics.ts'

/** A half-open time span [from, until); `weight` of them at once (1 when absent). */
export interface Span {
  from: number
  until: number
  weight?: number
}

/**
 * Load within each window [bounds[k], bounds[k + 1]): how many spans overlap on average over the
 * part of the window before `now` (what has happened), and the most at one instant. Spans are
 * half-open, so one that ends when another begins never counts as two.
 */
export function loadWithin(
  spans: readonly Span[],
  bounds: readonly number[],
  now: number,
): LoadFigures[] {
  const lo = bounds[0] ?? 0
  const hi = Math.min(bounds[bounds.length - 1] ?? 0, now)
  return loadWithinEdges(
    edgesOf(spans, lo, hi, () => 0),
    bounds,
    now,
  )
}

/**
 * loadWithin over edges already clipped to [bounds[0], min(last bound, now)) and in time order
 * (edgesOf): one pass over them and the bounds, however many windows.
 */
export function loadWithinEdges(
  edges: LoadEdges<unknown>,
  bounds: readonly number[],
  now: number,
): LoadFigures[] {
  const windows = bounds.length - 1
  if (windows < 1) return []
  const hi = Math.min(bounds[windows] ?? 0, now)
  const area = new Float64Array(windows)
  const peak = new Float64Array(windows)
  let level = 0
  let k = 0
  let prev = bounds[0] ?? 0
  /** The level held from `prev` to `at`, window by window. */
  const hold = (at: number) => {
    for (;;) {
      const end = k < windows - 1 ? (bounds[k + 1] ?? Infinity) : Infinity
      const until = Math.min(at, end, hi)
      if (until > prev) {
        area[k] = (area[k] ?? 0) + level * (until - prev)
        if (level > (peak[k] ?? 0)) peak[k] = level
      }
      if (end > at) break
      prev = Math.max(prev, end)
      k++
    }
    prev = Math.max(prev, at)
  }
  const { at, delta } = edges
  for (let j = 0; j < edges.n; j++) {
    if (at[j] !== prev) hold(at[j]!)
    // Every change at one instant is applied before the piece that follows it.
    level += delta[j]!
  }
  return Array.from(area, (sum, w) => {
    const elapsed = Math.min(bounds[w + 1] ?? 0, now) - (bounds[w] ?? 0)
    return { average: elapsed > 0 ? sum / elapsed : 0, peak: peak[w] ?? 0 }
  })
}

/**
 * Load per key over [from, until) in one sweep of edges in time order clipped to that window
 * (edgesOf): every change at one instant is applied before that key's level is taken as a peak.
 */
export function loadPerKey<G>(
  edges: LoadEdges<G>,
  keyOf: (group: G) => string,
  from: number,
  until: number,
): Map<string, LoadFigures> {
  // Each group's key's slot first (a few hundred groups), then the sweep over typed arrays.
  const slots = new Map<string, number>()
  const slotOf = new Int32Array(edges.groups.length)
  edges.groups.forEach((g, i) => {
    const key = keyOf(g)
    let slot = slots.get(key)
    if (slot === undefined) slots.set(key, (slot = slots.size))
    slotOf[i] = slot
  })
  const n = slots.size
  const level = new Float64Array(n)
  const last = new Float64Array(n)
  const area = new Float64Array(n)
  const peak = new Float64Array(n)
  // The slots changed at the current instant, and the instant each was last changed at.
  const changed = new Int32Array(n)
  const stamp = new Int32Array(n).fill(-1)
  let count = 0
  let instant = 0
  const { at, delta, group } = edges
  for (let j = 0; j < edges.n; j++) {
    const s = slotOf[group[j]!]!
    const t = at[j]!
    area[s]! += level[s]! * (t - last[s]!)
    last[s] = t
    level[s]! += delta[j]!
    if (stamp[s] !== instant) {
      stamp[s] = instant
      changed[count++] = s
    }
    // The last edge at this instant: the levels now hold until the next one.
    if (j + 1 === edges.n || at[j + 1] !== t) {
      for (let c = 0; c < count; c++) {
        const u = changed[c]!
        if (level[u]! > peak[u]!) peak[u] = level[u]!
      }
      count = 0
      instant++
    }
  }
  const elapsed = until - from
  const figures = new Map<string, LoadFigures>()
  for (const [key, s] of slots) {
    figures.set(key, { average: elapsed > 0 ? area[s]! / elapsed : 0, peak: peak[s]! })
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
