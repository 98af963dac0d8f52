/**
 * The durations the analytics figures rank (first response, resolution, wait for an operator),
 * as columns: one entry per conversation with a moment in the set, its time, its durations
 * (NaN: unknown) and the index of its dimensions in a small table of distinct tuples. A period
 * of an inbox is packed into one analytics_period_cache row: a report over a year reads 53 rows
 * per moment instead of every conversation's index entry.
 */
import { emptyEdges, pushEdge, regionKey, sortEdges } from '../../protocol/analytics.ts'
import type { AnalyticsLoadRecord, AnalyticsMomentFacts } from '../../actors/ports.ts'

export type RankedMoment = 'response' | 'resolved' | 'assigned'

/**
 * What a packed period holds: a moment's durations, or the edges of the load spans in time
 * order (`load_edges`; `load`, spans, is no longer written: migration 0034 deleted it).
 */
export type PackedKind = RankedMoment | 'load_edges'

/** How many values an entry of a kind has (a copy of another width is packed again). */
export const PACKED_WIDTH: Record<PackedKind, number> = {
  response: 2,
  resolved: 1,
  assigned: 1,
  load_edges: 1,
}

/** inbox, branch, operator, channel, country, region: '' for none (as the counts). */
export type Tuple = readonly [string, string, string, string, string, string]

export const TUPLE = {
  inbox: 0,
  branch: 1,
  operator: 2,
  channel: 3,
  country: 4,
  region: 5,
} as const

/** A set of entries, column by column. */
export interface Segment {
  n: number
  at: Float64Array
  /** One column per duration of the moment (DURATIONS_WIDTH); NaN where unknown. */
  values: Float64Array[]
  /** Each entry's index into `tuples`. */
  tuple: Uint32Array
  tuples: Tuple[]
}

/** How many durations a moment's entries have. */
export const DURATIONS_WIDTH: Record<RankedMoment, number> = {
  response: 2,
  resolved: 1,
  assigned: 1,
}

/** A moment's index row as one entry: its time, durations, operator (the moment's own). */
function entryOf<M extends RankedMoment>(
  moment: M,
  row: AnalyticsMomentFacts[M],
): { at: number | null; values: Array<number | null>; operatorId: string | null } {
  if (moment === 'response') {
    const r = row as AnalyticsMomentFacts['response']
    return {
      at: r.firstResponseAt,
      values: [r.firstResponseMs, r.firstResponseBusinessMs],
      operatorId: r.firstResponderId,
    }
  }
  if (moment === 'resolved') {
    const r = row as AnalyticsMomentFacts['resolved']
    return { at: r.firstResolvedAt, values: [r.resolutionMs], operatorId: r.resolutionOperatorId }
  }
  const r = row as AnalyticsMomentFacts['assigned']
  return {
    at: r.firstAssignedAt,
    values: [r.firstAssignedAt === null ? null : r.firstAssignedAt - r.createdAt],
    operatorId: r.firstAssigneeId,
  }
}

/** The entries of a moment's index rows (AnalyticsStore.factsAt). */
export function segmentOf<M extends RankedMoment>(
  moment: M,
  rows: ReadonlyArray<AnalyticsMomentFacts[M]>,
): Segment {
  const n = rows.length
  const width = DURATIONS_WIDTH[moment]
  const segment: Segment = {
    n,
    at: new Float64Array(n),
    values: Array.from({ length: width }, () => new Float64Array(n)),
    tuple: new Uint32Array(n),
    tuples: [],
  }
  const tupleIndex = tupleIndexer(segment.tuples)
  for (let i = 0; i < n; i++) {
    const row = rows[i]!
    const entry = entryOf(moment, row)
    segment.at[i] = entry.at ?? NaN
    for (let k = 0; k < width; k++) segment.values[k]![i] = entry.values[k] ?? NaN
    const tuple: Tuple = [
      row.inboxId,
      row.branchId ?? '',
      entry.operatorId ?? '',
      row.channel,
      row.country ?? '',
      regionKey(row.country, row.region),
    ]
    segment.tuple[i] = tupleIndex(tuple)
  }
  return segment
}

/** The index of a tuple in `tuples`, added at its first sight. */
function tupleIndexer(tuples: Tuple[]): (tuple: Tuple) => number {
  const index = new Map<string, number>()
  return (tuple) => {
    const key = tuple.join('\u0000')
    let t = index.get(key)
    if (t === undefined) {
      t = tuples.length
      index.set(key, t)
      tuples.push(tuple)
    }
    return t
  }
}

/** A load span as the store reads it (AnalyticsStore.loadsIn): `count` spans alike. */
export type LoadSpanRow = Omit<AnalyticsLoadRecord, 'conversationId' | 'seq'> & { count: number }

/**
 * Load spans cut to `window` as entries: `at` the start, values the end (NaN: going on, only
 * in the part that reaches the range's end, `last`; elsewhere one going on ends with the window)
 * and the weight.
 */
export function spanSegment(rows: readonly LoadSpanRow[], window: Window, last: boolean): Segment {
  const segment: Segment = {
    n: 0,
    at: new Float64Array(rows.length),
    values: [new Float64Array(rows.length), new Float64Array(rows.length)],
    tuple: new Uint32Array(rows.length),
    tuples: [],
  }
  const tupleIndex = tupleIndexer(segment.tuples)
  for (const row of rows) {
    const from = Math.max(row.fromAt, window.from)
    const until = row.untilAt === null ? (last ? NaN : window.to) : Math.min(row.untilAt, window.to)
    if (until <= from) continue
    const tuple: Tuple = [
      row.inboxId,
      row.branchId,
      row.operatorId,
      row.channel,
      row.country,
      row.region,
    ]
    const t = tupleIndex(tuple)
    const i = segment.n++
    segment.at[i] = from
    segment.values[0]![i] = until
    segment.values[1]![i] = row.count
    segment.tuple[i] = t
  }
  return segment
}

/**
 * Load spans' entries (spanSegment) as their edges in time order: `at` the instant, the one
 * value the change (+weight at the start, -weight at the end), the same tuples. A span going
 * on (no end in the segment) ends at `openUntil`.
 */
export function edgeSegment(spans: Segment, openUntil: number): Segment {
  const edges = emptyEdges(2 * spans.n, spans.tuples)
  const [until, weight] = spans.values as [Float64Array, Float64Array]
  for (let i = 0; i < spans.n; i++) {
    const end = Number.isNaN(until[i]!) ? openUntil : until[i]!
    if (!(end > spans.at[i]!)) continue
    pushEdge(edges, spans.at[i]!, weight[i]!, spans.tuple[i]!)
    pushEdge(edges, end, -weight[i]!, spans.tuple[i]!)
  }
  const sorted = sortEdges(edges)
  return {
    n: sorted.n,
    at: sorted.at,
    values: [sorted.delta],
    tuple: sorted.group,
    tuples: spans.tuples,
  }
}

/**
 * A segment as bytes: the JSON header's length (uint32), the header ({ from, to, n, width,
 * tuples }), zeros up to a multiple of 8, then the columns (little-endian: at and each duration
 * as float64, the tuple indexes as uint32).
 */
export function pack(segment: Segment, window: Window): Buffer {
  const { n } = segment
  const width = segment.values.length
  const header = Buffer.from(JSON.stringify({ ...window, n, width, tuples: segment.tuples }))
  const body = align(4 + header.length)
  const buffer = new ArrayBuffer(body + 8 * n * (1 + width) + 4 * n)
  new DataView(buffer).setUint32(0, header.length, true)
  new Uint8Array(buffer, 4, header.length).set(header)
  ;[segment.at, ...segment.values].forEach((column, k) =>
    new Float64Array(buffer, body + 8 * n * k, n).set(column.subarray(0, n)),
  )
  new Uint32Array(buffer, body + 8 * n * (1 + width), n).set(segment.tuple.subarray(0, n))
  return Buffer.from(buffer)
}

const align = (offset: number) => Math.ceil(offset / 8) * 8

/** The time a packed segment holds the entries of: [from, to). */
export interface Window {
  from: number
  to: number
}

/**
 * The segment `pack` wrote for `window`; throws on anything else, a copy of another window
 * included (the caller then packs the period again).
 */
export function unpack(bytes: Uint8Array, window: Window, kind: PackedKind): Segment {
  if (bytes.length < 4) throw new Error('analytics period cache: no header')
  // Typed arrays over the bytes (over an aligned copy when they are not aligned themselves),
  // no per-value decoding.
  let buffer: ArrayBufferLike = bytes.buffer
  let base = bytes.byteOffset
  if (base % 8 !== 0) {
    buffer = new ArrayBuffer(bytes.length)
    new Uint8Array(buffer).set(bytes)
    base = 0
  }
  const length = new DataView(buffer, base).getUint32(0, true)
  if (4 + length > bytes.length) throw new Error('analytics period cache: no header')
  const header = JSON.parse(Buffer.from(buffer, base + 4, length).toString()) as Window & {
    n: number
    width: number
    tuples: Tuple[]
  }
  const { n, width, tuples } = header
  if (header.from !== window.from || header.to !== window.to) {
    throw new Error('analytics period cache: another window')
  }
  if (header.width !== PACKED_WIDTH[kind]) throw new Error('analytics period cache: another kind')
  const body = base + align(4 + length)
  if (
    !Number.isInteger(n) ||
    !Number.isInteger(width) ||
    !Array.isArray(tuples) ||
    bytes.length !== body - base + 8 * n * (1 + width) + 4 * n
  ) {
    throw new Error('analytics period cache: wrong size')
  }
  const columns = Array.from(
    { length: 1 + width },
    (_, k) => new Float64Array(buffer, body + 8 * n * k, n),
  )
  const tuple = new Uint32Array(buffer, body + 8 * n * (1 + width), n)
  for (let i = 0; i < n; i++) {
    if (tuple[i]! >= tuples.length) throw new Error('analytics period cache: bad tuple index')
  }
  return { n, at: columns[0]!, values: columns.slice(1), tuple, tuples }
}

/** The analytics_periods row whose generation moves with every reset (inbox ''). */
export const EPOCH_PERIOD = -1

/**
 * Packed periods this process has read or packed, with the generation (and reset epoch) they
 * are of: a report takes one only when both are still the current ones, as it does a stored
 * copy, and reads nothing then. Least recently used ones go beyond `budget` bytes.
 */
export class KeptPeriods {
  readonly #kept = new Map<
    string,
    { epoch: number; gen: number; segment: Segment; bytes: number }
  >()
  #bytes = 0

  constructor(private readonly budget: number) {}

  take(
    kind: PackedKind,
    inboxId: string,
    period: number,
    epoch: number,
    gen: number,
  ): Segment | null {
    const key = `${kind}\u0000${inboxId}\u0000${period}`
    const kept = this.#kept.get(key)
    if (!kept || kept.epoch !== epoch || kept.gen !== gen) return null
    // Most recently used last.
    this.#kept.delete(key)
    this.#kept.set(key, kept)
    return kept.segment
  }

  put(
    kind: PackedKind,
    inboxId: string,
    period: number,
    epoch: number,
    gen: number,
    segment: Segment,
    bytes: number,
  ): void {
    const key = `${kind}\u0000${inboxId}\u0000${period}`
    const old = this.#kept.get(key)
    if (old) {
      this.#kept.delete(key)
      this.#bytes -= old.bytes
    }
    if (bytes > this.budget) return
    this.#kept.set(key, { epoch, gen, segment, bytes })
    this.#bytes += bytes
    for (const [oldest, entry] of this.#kept) {
      if (this.#bytes <= this.budget) break
      this.#kept.delete(oldest)
      this.#bytes -= entry.bytes
    }
  }
}

if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) {
  throw new Error('analytics period cache: a big-endian platform is not supported')
}
