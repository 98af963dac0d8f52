/**
 * Duration figures (protocol/analytics.ts durationsOf: order statistics by selection) against a
 * sort: random lists with repeats, nulls, even and odd lengths, sorted and reversed ones.
 */
import { describe, expect, test } from 'bun:test'
import { durationsOf, type Durations } from '../../protocol/analytics.ts'

/** The rule of docs/analytics.md, straight from a sorted copy. */
function bySort(values: ReadonlyArray<number | null>): Durations {
  const known = values.filter((v): v is number => v !== null).sort((a, b) => a - b)
  const n = known.length
  if (n === 0) return { count: 0, averageMs: null, medianMs: null, p90Ms: null }
  const median =
    n % 2 === 1
      ? (known[(n - 1) / 2] ?? null)
      : Math.round(((known[n / 2 - 1] ?? 0) + (known[n / 2] ?? 0)) / 2)
  return {
    count: n,
    averageMs: Math.round(known.reduce((s, v) => s + v, 0) / n),
    medianMs: median,
    p90Ms: known[Math.max(0, Math.ceil(0.9 * n) - 1)] ?? null,
  }
}

describe('analytics durations', () => {
  test('durations - count, average, median and 90th percentile equal a sort of the values', () => {
    let state = 7
    const next = (n: number) => {
      state = (state * 48_271) % 2_147_483_647
      return state % n
    }
    for (let round = 0; round < 2000; round++) {
      const length = next(40)
      const spread = 1 + next(round % 3 === 0 ? 5 : 100_000)
      const values: Array<number | null> = Array.from({ length }, () =>
        next(10) === 0 ? null : next(spread),
      )
      if (round % 50 === 1) values.sort((a, b) => (a ?? 0) - (b ?? 0))
      if (round % 50 === 2) values.sort((a, b) => (b ?? 0) - (a ?? 0))
      expect({ round, got: durationsOf(values) }).toEqual({ round, got: bySort(values) })
    }
    const big = Array.from({ length: 100_001 }, (_, i) => (i * 7919) % 100_003)
    expect(durationsOf(big)).toEqual(bySort(big))
  })
})
