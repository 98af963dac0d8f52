/**
 * The in-memory token buckets (server/limits.ts) keep bounded memory without ever forgetting a
 * client that is being refused: a full table drops full buckets, then the oldest that would let
 * a request through, and keeps the locked ones.
 */
import { describe, expect, test } from 'bun:test'
import { RateLimiter } from '../../server/limits.ts'

describe('rate limiter', () => {
  test('rate limiter - a full table never forgets a locked bucket', () => {
    let now = 0
    const limiter = new RateLimiter(1, 1, () => now, 3)
    for (const key of ['a', 'b', 'c']) expect(limiter.tryTake(key)).toBe(0)
    // Every bucket is empty (locked for a minute) and the table is full.
    now = 1000
    expect(limiter.tryTake('d')).toBe(0)
    for (const key of ['a', 'b', 'c']) expect(limiter.tryTake(key)).toBeGreaterThan(0)
  })

  test('rate limiter - a full table drops the oldest unlocked buckets first', () => {
    let now = 0
    const limiter = new RateLimiter(2, 1, () => now, 3)
    // "a" still has a token (unlocked), "b" and "c" are spent.
    expect(limiter.tryTake('a')).toBe(0)
    for (const key of ['b', 'c']) {
      expect(limiter.tryTake(key)).toBe(0)
      expect(limiter.tryTake(key)).toBe(0)
    }
    expect(limiter.tryTake('d')).toBe(0)
    // "a" was dropped: a fresh bucket has its whole burst again.
    expect(limiter.tryTake('a')).toBe(0)
    expect(limiter.tryTake('a')).toBe(0)
    expect(limiter.tryTake('a')).toBeGreaterThan(0)
    // "b" and "c" were kept, still refused.
    for (const key of ['b', 'c']) expect(limiter.tryTake(key)).toBeGreaterThan(0)
  })

  test('rate limiter - buckets that refilled are dropped before any other', () => {
    let now = 0
    const limiter = new RateLimiter(1, 60, () => now, 2)
    expect(limiter.tryTake('old')).toBe(0)
    now = 500
    expect(limiter.tryTake('young')).toBe(0)
    // "old" has refilled by now, "young" has not.
    now = 1200
    expect(limiter.tryTake('new')).toBe(0)
    expect(limiter.tryTake('young')).toBeGreaterThan(0)
  })
})
