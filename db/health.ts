/**
 * Whether the store can take writes now, as readiness and the cluster need to know: failing (the
 * last write-path failure was not followed by a successful write) or stalled (an operation has
 * been running for longer than the stall bound). Reads prove nothing about writes (a full disk
 * or a locked table still reads), so only a committed write, or a probe that takes the same
 * locks and syncs as one, ends a failure.
 */
import type { StoreHealth } from '../actors/ports.ts'

export interface HealthOptions {
  /** An operation running longer than this makes the store stalled. */
  stallMs: number
  /** Monotonic milliseconds; injectable for tests. */
  now?: () => number
}

export class HealthTracker {
  readonly #stallMs: number
  readonly #now: () => number
  /** Start times of the operations in flight, by ticket. */
  readonly #inflight = new Map<number, number>()
  #nextTicket = 0
  #failure: { reason: string; since: number } | null = null

  constructor(options: HealthOptions) {
    this.#stallMs = options.stallMs
    this.#now = options.now ?? (() => performance.now())
  }

  /** Marks an operation started; call the returned function when it has settled. */
  begin(): () => void {
    const ticket = this.#nextTicket++
    this.#inflight.set(ticket, this.#now())
    return () => this.#inflight.delete(ticket)
  }

  /** A store operation failed in a way that makes the store unusable for now. */
  failed(reason: string): void {
    this.#failure ??= { reason, since: this.#now() }
  }

  /** A write (or a probe) committed: whatever failed before works again. */
  wrote(): void {
    this.#failure = null
  }

  status(): StoreHealth {
    const now = this.#now()
    let oldest = now
    for (const started of this.#inflight.values()) oldest = Math.min(oldest, started)
    const stalledMs = now - oldest
    if (this.#failure) {
      return {
        ready: false,
        failing: true,
        reason: this.#failure.reason,
        forMs: Math.round(now - this.#failure.since),
      }
    }
    if (stalledMs > this.#stallMs) {
      return {
        ready: false,
        failing: false,
        reason: `a store operation has been running for ${Math.round(stalledMs)} ms`,
        forMs: Math.round(stalledMs - this.#stallMs),
      }
    }
    return { ready: true, failing: false, reason: null, forMs: 0 }
  }
}
