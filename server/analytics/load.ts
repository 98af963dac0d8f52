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

/** A span's start (+weight) or end (-weight) within the window a sweep covers. */
export interface Edge<S extends Span> {
  at: number
  delta: number
  span: S
  /** The span's index in what edgesOf was given (its two edges share it). */
  index: number
}

/** The edges of the spans clipped to [from, until), in time order: sorted once, swept often. */
export function edgesOf<S extends Span>(
  spans: readonly S[],
  from: number,
  until: number,
): Array<Edge<S>> {
  const edges: Array<Edge<S>> = []
  spans.forEach((span, index) => {
    const start = Math.max(span.from, from)
    const end = Math.min(span.until, until)
    const weight = span.weight ?? 1
    if (end > start) {
      edges.push(
        { at: start, delta: weight, span, index },
        { at: end, delta: -weight, span, index },
      )
    }
  })
  return edges.sort((a, b) => a.at - b.at)
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
  return loadWithinEdges(edgesOf(spans, lo, hi), bounds, now)
}

/**
 * loadWithin over edges already clipped to [bounds[0], min(last bound, now)) and sorted
 * (edgesOf): one pass over them and the bounds, however many windows.
 */
export function loadWithinEdges(
  edges: ReadonlyArray<Edge<Span>>,
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
  for (let j = 0; j < edges.length; j++) {
    const edge = edges[j]!
    if (edge.at !== prev) hold(edge.at)
    // Every change at one instant is applied before the piece that follows it.
    level += edge.delta
  }
  return Array.from(area, (sum, w) => {
    const elapsed = Math.min(bounds[w + 1] ?? 0, now) - (bounds[w] ?? 0)
    return { average: elapsed > 0 ? sum / elapsed : 0, peak: peak[w] ?? 0 }
  })
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
  // Each span's key's slot first (once per span), then the sweep over typed arrays (no
  // allocation per edge).
  const { at, delta, closes, index, spans } = arraysOf(edges)
  const slots = new Map<string, number>()
  const bySpan = new Int32Array(spans.length)
  for (let i = 0; i < spans.length; i++) {
    const span = spans[i]
    if (span === undefined) continue
    const key = keyOf(span as S)
    let slot = slots.get(key)
    if (slot === undefined) slots.set(key, (slot = slots.size))
    bySpan[i] = slot
  }
  const slotOf = new Int32Array(at.length)
  for (let j = 0; j < at.length; j++) slotOf[j] = bySpan[index[j]!]!
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
  for (let j = 0; j < at.length; j++) {
    const s = slotOf[j]!
    const t = at[j]!
    area[s]! += level[s]! * (t - last[s]!)
    last[s] = t
    level[s]! += delta[j]!
    if (stamp[s] !== instant) {
      stamp[s] = instant
      changed[count++] = s
    }
    // The last edge at this instant: the levels now hold until the next one.
    if (closes[j] === 1) {
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

/** The edges' times and changes as typed arrays, built once per edges array (every key sweeps them). */
const arrays = new WeakMap<ReadonlyArray<Edge<Span>>, EdgeArrays>()

interface EdgeArrays {
  at: Float64Array
  delta: Float64Array
  /** 1 on the last edge of an instant. */
  closes: Uint8Array
  /** Each edge's span index, and the spans by index (undefined where none was clipped in). */
  index: Int32Array
  spans: Array<Span | undefined>
}

function arraysOf(edges: ReadonlyArray<Edge<Span>>): EdgeArrays {
  let built = arrays.get(edges)
  if (!built) {
    const n = edges.length
    built = {
      at: new Float64Array(n),
      delta: new Float64Array(n),
      closes: new Uint8Array(n),
      index: new Int32Array(n),
      spans: [],
    }
    for (let j = 0; j < n; j++) {
      const edge = edges[j]!
      built.at[j] = edge.at
      built.delta[j] = edge.delta
      built.closes[j] = edges[j + 1]?.at !== edge.at ? 1 : 0
      built.index[j] = edge.index
      built.spans[edge.index] = edge.span
    }
    arrays.set(edges, built)
  }
  return built
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
