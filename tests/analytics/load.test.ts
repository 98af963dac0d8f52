/**
 * Operator load sweeps (server/analytics/load.ts) against a walk over every instant: random
 * spans on a small integer timeline (weights, spans sharing edges, spans out of the range),
 * random windows and a `now` inside or past them.
 */
import { describe, expect, test } from 'bun:test'
import { edgesOf } from '../../protocol/analytics.ts'
import { loadPerKey, loadWithin, type Span } from '../../server/analytics/load.ts'

/** Park-Miller: the same cases on every run. */
function random(seed: number): (n: number) => number {
  let state = seed
  return (n) => {
    state = (state * 48_271) % 2_147_483_647
    return state % n
  }
}

interface Keyed extends Span {
  key: string
}

function spansOf(next: (n: number) => number, count: number): Keyed[] {
  return Array.from({ length: count }, () => {
    const from = next(120) - 10
    return {
      from,
      until: from + 1 + next(40),
      weight: 1 + next(3),
      key: ['a', 'b', 'c'][next(3)] ?? 'a',
    }
  })
}

/** The level at instant t: the weights of the spans holding it. */
const levelAt = (spans: readonly Span[], t: number) =>
  spans.reduce((n, s) => (s.from <= t && t < s.until ? n + (s.weight ?? 1) : n), 0)

/** Average and peak over the instants of [from, min(to, now)), averaged over that length. */
function walk(spans: readonly Span[], from: number, to: number, now: number) {
  const until = Math.min(to, now)
  let area = 0
  let peak = 0
  for (let t = from; t < until; t++) {
    const level = levelAt(spans, t)
    area += level
    peak = Math.max(peak, level)
  }
  return { average: until > from ? area / (until - from) : 0, peak }
}

describe('analytics load', () => {
  test('load - per window: the same average and peak as a walk over every instant', () => {
    for (let seed = 1; seed <= 300; seed++) {
      const next = random(seed)
      const spans = spansOf(next, next(12))
      const cuts = new Set<number>([next(20), 100])
      for (let k = next(6); k > 0; k--) cuts.add(next(100))
      const bounds = [...cuts].sort((a, b) => a - b)
      const now = 20 + next(100)
      const got = loadWithin(spans, bounds, now)
      const want = bounds.slice(1).map((to, w) => walk(spans, bounds[w] ?? 0, to, now))
      expect({ seed, got }).toEqual({ seed, got: want })
    }
  })

  test('load - per key in one sweep: the same as a walk over each key spans alone', () => {
    for (let seed = 1; seed <= 300; seed++) {
      const next = random(seed)
      const spans = spansOf(next, next(15))
      const from = next(30)
      const until = from + 1 + next(90)
      const got = loadPerKey(
        edgesOf(spans, from, until, (s) => s.key),
        (key) => key,
        from,
        until,
      )
      const want = new Map<string, { average: number; peak: number }>()
      for (const key of new Set(spans.map((s) => s.key))) {
        const own = spans.filter((s) => s.key === key)
        // A key with no time in the window has no row.
        if (own.some((s) => Math.min(s.until, until) > Math.max(s.from, from)))
          want.set(key, walk(own, from, until, until))
      }
      expect({ seed, got: [...got].sort() }).toEqual({ seed, got: [...want].sort() })
    }
  })
})
