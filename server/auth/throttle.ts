/**
 * Login throttling: how many password checks an address, its subnet and an account can cause.
 *
 * - An address and its subnet (IPv4 /24, IPv6 /64) each have a token bucket that every attempt
 *   draws from, whichever account it names: one client cannot spray guesses over many accounts.
 * - An account counts consecutive failures. After `freeFailures` of them each further attempt
 *   waits twice as long as the one before (1 s, 2 s, 4 s, ... up to `maxBackoffMs`), from any
 *   address. It is never locked for good: once the wait is over the right password works, and
 *   a success resets the count. An attempt is counted when it starts, so guesses sent in
 *   parallel cannot slip past the count while their hashes run.
 *
 * Accounts are keyed by the normalized e-mail whether an operator has it or not, so an unknown
 * e-mail is limited exactly like a known one. The counters live in a ThrottleStore: this
 * process's memory on a single node, or a JetStream KV bucket every node of a cluster shares
 * (another node is no second budget).
 */
import { createHash } from 'node:crypto'
import { ParleyError } from '../../protocol/index.ts'

/** The limits, from the LOGIN_* settings. */
export interface LoginLimits {
  /** Attempts per minute (and burst) from one address. */
  perAddress: number
  /** Attempts per minute (and burst) from one subnet. */
  perSubnet: number
  /** Consecutive failures of an account allowed back to back. */
  freeFailures: number
  /** Longest wait between two attempts on an account, in ms. */
  maxBackoffMs: number
}

/** Consecutive failures are forgotten this long after the last one. */
export const FAILURE_MEMORY_MS = 24 * 3_600_000

/** One counter as stored: the same small JSON in memory and in KV. */
export interface ThrottleRecord {
  /** A bucket: tokens left at `at`. An account: attempts since its last success. */
  count: number
  /** When `count` was computed (ms). */
  at: number
  /** Attempts are refused until then (ms); 0 when they are not. */
  until: number
  /** After this (ms) the record means nothing any more: a full bucket, a quiet account. */
  forgetAt: number
  /** The current refusal has been logged (one warning per wait, not per refused try). */
  noted: boolean
}

/** What `change` decides: the record to store (`current` itself: no write; null: delete). */
export interface ThrottleChange<R> {
  next: ThrottleRecord | null
  result: R
}

/** Where the counters live. Implementations: throttle-stores.ts. */
export interface ThrottleStore {
  /**
   * Reads the record at `key` (null when absent; one past its forgetAt may still be handed
   * over, and counts as absent), lets `change` decide the next one and stores it atomically:
   * when another node changed the record meanwhile,
   * `change` runs again on the fresh one. Rejects with `unavailable` when the store does not
   * answer.
   */
  update<R>(key: string, change: (current: ThrottleRecord | null) => ThrottleChange<R>): Promise<R>
}

/** Which limit refused an attempt. */
export type ThrottleScope = 'address' | 'subnet' | 'account'

/** An attempt that must wait. */
export interface Refusal {
  scope: ThrottleScope
  retryAfterMs: number
  /** The first refusal of this wait (log it; later ones are the same story). */
  first: boolean
}

/** What one limit decides about one attempt. */
interface Decision {
  next: ThrottleRecord | null
  /** 0: go ahead; otherwise ms to wait. */
  wait: number
  first: boolean
}

/** The login limits of the file comment, counted in a ThrottleStore. */
export class LoginThrottle {
  constructor(
    private readonly store: ThrottleStore,
    private readonly limits: LoginLimits,
    private readonly now: () => number,
  ) {}

  /**
   * Counts an attempt on `account` from `address` before its password is checked. Null when it
   * may go ahead, otherwise which limit refuses it and for how long. A limit that refuses
   * stops the count there: the later ones are not charged.
   */
  async admit(address: string, account: string): Promise<Refusal | null> {
    const now = this.now()
    const { perAddress, perSubnet } = this.limits
    return (
      (await this.check('address', `addr.${digest(address)}`, (r) =>
        takeToken(r, now, perAddress),
      )) ??
      (await this.check('subnet', `net.${digest(subnetOf(address))}`, (r) =>
        takeToken(r, now, perSubnet),
      )) ??
      (await this.check('account', `acct.${digest(account)}`, (r) => attempt(r, now, this.limits)))
    )
  }

  /** The right password: the account's count starts again. */
  async succeeded(account: string): Promise<void> {
    await this.store.update(`acct.${digest(account)}`, () => ({ next: null, result: undefined }))
  }

  private async check(
    scope: ThrottleScope,
    key: string,
    decide: (current: ThrottleRecord | null) => Decision,
  ): Promise<Refusal | null> {
    const decision = await this.store.update(key, (current) => {
      const d = decide(current)
      return { next: d.next, result: d }
    })
    return decision.wait > 0 ? { scope, retryAfterMs: decision.wait, first: decision.first } : null
  }
}

/** A refusal: the record is written only to note the first one. */
function refuse(current: ThrottleRecord, wait: number): Decision {
  if (current.noted) return { next: current, wait, first: false }
  return { next: { ...current, noted: true }, wait, first: true }
}

/**
 * Token bucket of `perMinute` attempts a minute, burst `perMinute`: the next record and the
 * wait (0: go ahead). Any counter kept in a ThrottleStore may use it (uploads do).
 */
export function takeToken(
  current: ThrottleRecord | null,
  now: number,
  perMinute: number,
): Decision {
  return takeFromBucket(current, now, perMinute, perMinute)
}

/** Token bucket of `capacity` attempts at once, refilled at `perMinute` (offline requests). */
export function takeFromBucket(
  current: ThrottleRecord | null,
  now: number,
  capacity: number,
  perMinute: number,
): Decision {
  const rate = perMinute / 60_000
  const live = current !== null && now < current.forgetAt ? current : null
  const tokens = live ? Math.min(capacity, live.count + (now - live.at) * rate) : capacity
  if (live && tokens < 1) return refuse(live, Math.ceil((1 - tokens) / rate))
  const left = tokens - 1
  return {
    next: {
      count: left,
      at: now,
      until: left >= 1 ? 0 : now + Math.ceil((1 - left) / rate),
      forgetAt: now + Math.ceil((capacity - left) / rate),
      noted: false,
    },
    wait: 0,
    first: false,
  }
}

/** One more attempt on an account, unless it must wait. */
function attempt(current: ThrottleRecord | null, now: number, limits: LoginLimits): Decision {
  const live = current !== null && now < current.forgetAt ? current : null
  if (live && now < live.until) return refuse(live, live.until - now)
  const count = (live?.count ?? 0) + 1
  const until =
    count >= limits.freeFailures
      ? now + Math.min(limits.maxBackoffMs, 1000 * 2 ** (count - limits.freeFailures))
      : 0
  return {
    next: {
      count,
      at: now,
      until,
      forgetAt: Math.max(until, now + FAILURE_MEMORY_MS),
      noted: false,
    },
    wait: 0,
    first: false,
  }
}

/** KV keys allow few characters, and e-mails and addresses need not show in the bucket. */
function digest(value: string): string {
  return createHash('sha256').update(value).digest('hex').slice(0, 32)
}

/**
 * The network an address belongs to for the subnet limit: the first three bytes of an IPv4
 * address (/24), the first four groups of an IPv6 address (/64), anything else as it is.
 */
export function subnetOf(address: string): string {
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(address)) {
    return `${address.split('.').slice(0, 3).join('.')}.0/24`
  }
  if (!address.includes(':')) return address
  const halves = address.toLowerCase().split('::')
  if (halves.length > 2) return address
  const groups = (part: string | undefined) => (part ? part.split(':') : [])
  // An embedded IPv4 tail (64:ff9b::1.2.3.4) fills two groups.
  const width = (parts: string[]) => parts.reduce((n, p) => n + (p.includes('.') ? 2 : 1), 0)
  const head = groups(halves[0])
  const tail = groups(halves[1])
  const all =
    halves.length === 2
      ? [...head, ...Array<string>(Math.max(0, 8 - width(head) - width(tail))).fill('0'), ...tail]
      : head
  // Leading zeros dropped, so that every spelling of one network is one key.
  const prefix = all
    .slice(0, 4)
    .map((g) => (/^[0-9a-f]{1,4}$/.test(g) ? parseInt(g, 16).toString(16) : g))
  return `${prefix.join(':')}::/64`
}

/**
 * One attempt from a bucket kept in the throttle store (shared by the cluster): `burst` at
 * once, refilled at `perMinute`. Throws `rate_limited` with the wait when it is empty.
 */
export async function takeShared(
  throttle: ThrottleStore,
  key: string,
  limit: { burst: number; perMinute: number },
  now: number,
  refusal: string,
): Promise<void> {
  const wait = await throttle.update(key, (current) => {
    const decision = takeFromBucket(current, now, limit.burst, limit.perMinute)
    return { next: decision.next, result: decision.wait }
  })
  if (wait > 0) throw new ParleyError('rate_limited', refusal, { retryAfterMs: wait })
}

/** A throttle key part for any string (NATS KV keys allow few characters): a short hash. */
export function throttleKey(value: string): string {
  return createHash('sha256').update(value).digest('hex').slice(0, 32)
}
