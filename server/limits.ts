/** Token-bucket rate limiter keyed by string, with bounded memory. */
import { ParleyError } from '../protocol/index.ts'

export class RateLimiter {
  /** Each bucket keeps its own capacity and rate (per token per ms): callers may override them. */
  private readonly buckets = new Map<
    string,
    { tokens: number; at: number; capacity: number; rate: number }
  >()

  /**
   * @param capacity burst size
   * @param perMinute sustained rate
   */
  constructor(
    private readonly capacity: number,
    private readonly perMinute: number,
    private readonly now: () => number = Date.now,
    private readonly maxKeys = 100_000,
  ) {}

  /** Takes one token or throws a retryable rate_limited error saying when to retry. */
  take(key: string, what = 'requests'): void {
    const wait = this.tryTake(key)
    if (wait > 0) {
      throw new ParleyError('rate_limited', `too many ${what}; slow down`, { retryAfterMs: wait })
    }
  }

  /** 0 when a token was taken, otherwise milliseconds until one is available. */
  tryTake(key: string, capacity = this.capacity, perMinute = this.perMinute): number {
    const now = this.now()
    const rate = perMinute / 60_000
    let bucket = this.buckets.get(key)
    if (!bucket) {
      if (this.buckets.size >= this.maxKeys) this.evict(now)
      bucket = { tokens: capacity, at: now, capacity, rate }
      this.buckets.set(key, bucket)
    }
    bucket.tokens = Math.min(capacity, bucket.tokens + (now - bucket.at) * rate)
    bucket.at = now
    bucket.capacity = capacity
    bucket.rate = rate
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1
      return 0
    }
    return Math.ceil((1 - bucket.tokens) / rate)
  }

  /**
   * Makes room in a full table: drops full buckets (they behave exactly like absent ones), then
   * the oldest buckets that would let a request through. A locked bucket (less than one token)
   * is kept even past maxKeys: forgetting it would hand the client it refuses a fresh burst.
   * Each unlocks within one token's refill time, and the next eviction may then drop it.
   */
  private evict(now: number): void {
    const tokensOf = (b: { tokens: number; at: number; capacity: number; rate: number }) =>
      Math.min(b.capacity, b.tokens + (now - b.at) * b.rate)
    for (const [key, b] of this.buckets) {
      if (tokensOf(b) >= b.capacity) this.buckets.delete(key)
    }
    // Map order is insertion order: oldest first.
    for (const [key, b] of this.buckets) {
      if (this.buckets.size < this.maxKeys) return
      if (tokensOf(b) >= 1) this.buckets.delete(key)
    }
  }
}
