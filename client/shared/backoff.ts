/** Reconnect delays: exponential from minMs to maxMs, each with ±50 % random jitter. */
export interface BackoffOptions {
  minMs: number
  maxMs: number
}

export const DEFAULT_BACKOFF: BackoffOptions = { minMs: 1000, maxMs: 30_000 }

/** Delay before retry number `attempt` (0 first); `random` is in [0, 1). */
export function backoffDelay(attempt: number, opts: BackoffOptions, random: number): number {
  const base = Math.min(opts.maxMs, opts.minMs * 2 ** Math.min(attempt, 30))
  return Math.round(base * (0.5 + random))
}
