/**
 * Latency samples and the delivery checks every scenario shares: a stream of seq-numbered
 * events must arrive once each, in order, without gaps.
 */

/** Latency samples in milliseconds; percentiles by sorting once at the end. */
export class Samples {
  private values: number[] = []

  add(ms: number): void {
    this.values.push(ms)
  }

  get count(): number {
    return this.values.length
  }

  summary(): LatencySummary {
    const sorted = Float64Array.from(this.values).sort()
    const at = (p: number) =>
      sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!
    let sum = 0
    for (const v of sorted) sum += v
    return {
      count: sorted.length,
      mean: sorted.length ? sum / sorted.length : 0,
      p50: at(0.5),
      p95: at(0.95),
      p99: at(0.99),
      max: sorted.length ? sorted[sorted.length - 1]! : 0,
    }
  }
}

/** Percentiles of one latency metric, milliseconds. */
export interface LatencySummary {
  count: number
  mean: number
  p50: number
  p95: number
  p99: number
  max: number
}

/** Loss, duplication and reordering counts, summed over every stream of a scenario. */
export interface Delivery {
  /** Events that never arrived (gaps that were never filled, or missing at the end). */
  lost: number
  duplicated: number
  outOfOrder: number
}

export function emptyDelivery(): Delivery {
  return { lost: 0, duplicated: 0, outOfOrder: 0 }
}

export function addDelivery(into: Delivery, d: Delivery): void {
  into.lost += d.lost
  into.duplicated += d.duplicated
  into.outOfOrder += d.outOfOrder
}

/**
 * One subscriber's view of one conversation. Seqs must arrive as last + 1; a seq seen before is
 * a duplicate, a lower unseen one (a late gap filler) is out of order. What is still missing
 * when the stream is checked against the server's last seq counts as lost.
 */
export class SeqTracker {
  last = 0
  private readonly seen = new Set<number>()
  duplicated = 0
  outOfOrder = 0

  constructor(readonly from = 0) {
    this.last = from
  }

  /** Records one event; returns false when it broke the order. */
  accept(seq: number): boolean {
    if (seq <= this.from || this.seen.has(seq)) {
      this.duplicated++
      return false
    }
    this.seen.add(seq)
    if (seq < this.last) {
      // A late filler of a gap: it came after a higher seq.
      this.outOfOrder++
      return false
    }
    const inOrder = seq === this.last + 1
    // A jump leaves a gap; it counts as lost in check() unless a late filler arrives.
    this.last = seq
    return inOrder
  }

  /** Loss against the server's final last seq: every seq in (from, serverLast] seen once. */
  check(serverLast: number): Delivery {
    let lost = 0
    for (let s = this.from + 1; s <= serverLast; s++) if (!this.seen.has(s)) lost++
    return { lost, duplicated: this.duplicated, outOfOrder: this.outOfOrder }
  }

  has(seq: number): boolean {
    return this.seen.has(seq)
  }
}

/** Milliseconds with sub-millisecond precision, comparable across processes on this machine. */
export function nowMs(): number {
  return performance.timeOrigin + performance.now()
}

/** p50 and p95 in ms of `runs` sequential calls of `run`, after a few unmeasured ones. */
export async function timedRuns(
  run: () => Promise<unknown>,
  runs: number,
  warmup = 3,
): Promise<{ p50: number; p95: number }> {
  for (let i = 0; i < warmup; i++) await run()
  const samples = new Samples()
  for (let i = 0; i < runs; i++) {
    const t = performance.now()
    await run()
    samples.add(performance.now() - t)
  }
  const { p50, p95 } = samples.summary()
  return { p50, p95 }
}

/** A small deterministic PRNG (mulberry32): every run of a bench seeds the same data. */
export function prng(seed: number): () => number {
  let a = seed
  return () => {
    a = (a + 0x6d2b79f5) | 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
