/** Token-bucket rate limiter keyed by string, with bounded memory. */
import { ParleyError } from '../protocol/index.ts'

export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>()

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
      bucket = { tokens: capacity, at: now }
      this.buckets.set(key, bucket)
    }
    bucket.tokens = Math.min(capacity, bucket.tokens + (now - bucket.at) * rate)
    bucket.at = now
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1
      return 0
    }
    return Math.ceil((1 - bucket.tokens) / rate)
  }

  /** Drops full buckets (they behave exactly like absent ones). */
  private evict(now: number): void {
    const rate = this.perMinute / 60_000
    for (const [key, b] of this.buckets) {
      if (b.tokens + (now - b.at) * rate >= this.capacity) this.buckets.delete(key)
    }
    if (this.buckets.size >= this.maxKeys) this.buckets.clear()
  }
}
