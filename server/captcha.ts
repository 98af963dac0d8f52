/**
 * A challenge instead of a flood (issue 18, S4): a visitor whose behaviour looks like abuse
 * must solve a proof of work (protocol/captcha.ts) before going on; everyone else never sees
 * one. Per inbox (`captcha` in its settings):
 * - `off`: never; `always`: before every new conversation; `auto` (the default): when risk is
 *   high:
 *   - new visitor sessions from one address (or 4x as many from its subnet, /24 or /64) in ten
 *     minutes over `sessionsPer10Min`;
 *   - new conversations from one address (or subnet) in ten minutes over `conversationsPer10Min`;
 *   - a visitor's messages in a minute over `messagesPerMinute`;
 *   - a known-bad pattern: a message with three or more links.
 * - Difficulty rises with the risk: each doubling of a count past its threshold is a level,
 *   and each level doubles the work (about 0.1 s in a browser at level 1, 6 s at the top).
 * - A solved challenge is bound to who asked for it (the visitor, or for a new session the
 *   address) and to the inbox, expires after ten minutes, and is taken once: the cluster's
 *   shared counters (ThrottleStore) remember it, so a replay is refused on any node. It gives a
 *   pass at its level for half an hour: the visitor goes on until the risk doubles again.
 * - Loopback addresses are not counted (a local proxy without TRUST_PROXY would make every
 *   visitor one address; load tests run there); `always` still applies to them.
 */
import { createHash, createHmac, randomBytes, randomInt, timingSafeEqual } from 'node:crypto'
import type { CaptchaSettings, Clock } from '../actors/index.ts'
import { ParleyError } from '../protocol/index.ts'
import { MAX_SOLUTION_LENGTH, type Challenge } from '../protocol/captcha.ts'
import { subnetOf, type ThrottleRecord, type ThrottleStore } from './auth/throttle.ts'
import type { Metrics } from './metrics.ts'

export type { CaptchaSettings }

/** What a challenge is asked before. */
export type CaptchaPurpose = 'session' | 'conversation' | 'message'

/** Who asks: a new session knows only its address; later, the visitor. */
export interface Requester {
  inboxId: string
  address: string
  visitorId?: string
}

/** Work at level 1 (the largest secret number); each level above doubles it. */
const BASE_WORK = 50_000
export const MAX_LEVEL = 7
const CHALLENGE_TTL_MS = 10 * 60_000
const PASS_MS = 30 * 60_000
const WINDOW_MS: Record<CaptchaPurpose, number> = {
  session: 10 * 60_000,
  conversation: 10 * 60_000,
  message: 60_000,
}
const CAPTCHA_HELP = 'CAPTCHA challenges asked for and solved, by purpose (issue 18).'
/** Message counters a node keeps at most (expired ones go first). */
const MAX_LOCAL_COUNTERS = 100_000
/** A subnet may do this many times what one address may. */
const SUBNET_FACTOR = 4
/** Links in one message that make it look like spam. */
const SPAM_LINKS = 3
const LINK = /\bhttps?:\/\/|\bwww\./gi

function digest(value: string): string {
  return createHash('sha256').update(value).digest('hex').slice(0, 24)
}

function isLoopback(address: string): boolean {
  return address === 'unknown' || address === '::1' || address.startsWith('127.')
}

/** Level of a count against its threshold: 0 up to it, then one more per doubling. */
export function levelOf(count: number, threshold: number): number {
  if (threshold <= 0 || count <= threshold) return 0
  return Math.min(MAX_LEVEL, 1 + Math.floor(Math.log2(count / threshold)))
}

export class CaptchaGuard {
  readonly #key: Buffer
  /** Message counters of this node: key and window -> count. */
  readonly #local = new Map<string, { count: number; forgetAt: number }>()

  constructor(
    private readonly deps: {
      secret: string
      throttle: ThrottleStore
      clock: Clock
      metrics: Metrics
    },
  ) {
    this.#key = createHmac('sha256', deps.secret).update('parley captcha v1').digest()
  }

  /**
   * Lets the attempt through (and counts it), or throws `captcha_required` (retryable: solve a
   * challenge from `POST /api/visitor/challenge`, then retry) when the risk it would bring is
   * above the pass the requester holds. A refused attempt is not counted, so its retry with a
   * solution meets the same level. `solution` (a new session's) is redeemed first when given.
   */
  async admit(
    purpose: CaptchaPurpose,
    who: Requester,
    settings: CaptchaSettings,
    opts: { text?: string; solution?: string } = {},
  ): Promise<void> {
    if (opts.solution !== undefined) await this.redeem(opts.solution, who)
    const level = await this.assess(purpose, who, settings, opts.text, 'next')
    if (level === 0 || (await this.passLevel(who)) >= level) {
      await this.assess(purpose, who, settings, opts.text, 'count')
      return
    }
    // The challenge asked for next is at least this hard, whatever it is asked for.
    await this.raise(`captcha.need.${subjectOf(who)}`, level, CHALLENGE_TTL_MS)
    this.deps.metrics.inc('parley_captcha_total', CAPTCHA_HELP, { purpose, outcome: 'required' })
    throw new ParleyError(
      'captcha_required',
      'please solve a challenge first (POST /api/visitor/challenge), then try again',
      { retryAfterMs: 1500 },
    )
  }

  /**
   * A challenge at the level the requester's risk needs now: at least 1, at least what their
   * last refusal asked for, at least what `purpose` needs now.
   */
  async challenge(
    purpose: CaptchaPurpose | null,
    who: Requester,
    settings: CaptchaSettings,
  ): Promise<Challenge> {
    const now = this.deps.clock.now()
    const need = await this.deps.throttle.update(`captcha.need.${subjectOf(who)}`, (current) => ({
      next: current,
      result: current && current.forgetAt > now ? current.count : 0,
    }))
    const assessed = purpose ? await this.assess(purpose, who, settings, undefined, 'next') : 0
    const level = Math.min(MAX_LEVEL, Math.max(1, need, assessed))
    const maxnumber = BASE_WORK * 2 ** (level - 1)
    const expires = this.deps.clock.now() + CHALLENGE_TTL_MS
    const params = new URLSearchParams({
      e: String(expires),
      l: String(level),
      s: subjectOf(who),
      i: who.inboxId,
    })
    const salt = `${randomBytes(12).toString('hex')}?${params}`
    const challenge = createHash('sha256')
      .update(salt + randomInt(0, maxnumber + 1))
      .digest('hex')
    return { algorithm: 'SHA-256', challenge, maxnumber, salt, signature: this.sign(challenge) }
  }

  /**
   * Checks a solution against who sends it and takes it (once, cluster-wide); the requester
   * then holds a pass at its level. `captcha_invalid` for anything wrong with it.
   */
  async redeem(solution: string, who: Requester): Promise<number> {
    const s = parseSolution(solution)
    const expected = this.sign(s.challenge)
    if (
      expected.length !== s.signature.length ||
      !timingSafeEqual(Buffer.from(expected), Buffer.from(s.signature))
    ) {
      throw invalid('the challenge is not one of ours')
    }
    if (
      createHash('sha256')
        .update(s.salt + s.number)
        .digest('hex') !== s.challenge
    ) {
      throw invalid('the number does not solve the challenge')
    }
    const params = new URLSearchParams(s.salt.slice(s.salt.indexOf('?') + 1))
    const expires = Number(params.get('e'))
    const level = Number(params.get('l'))
    const now = this.deps.clock.now()
    if (!(expires > now)) throw invalid('the challenge expired; ask for a new one')
    if (params.get('s') !== subjectOf(who) || params.get('i') !== who.inboxId) {
      throw invalid('the challenge was given to someone else')
    }
    const fresh = await this.deps.throttle.update(`captcha.used.${s.challenge}`, (current) =>
      current && current.forgetAt > now
        ? { next: current, result: false }
        : { next: record(1, now, expires), result: true },
    )
    if (!fresh) throw invalid('the challenge was solved already; ask for a new one')
    await this.raise(`captcha.pass.${subjectOf(who)}`, level, PASS_MS)
    this.deps.metrics.inc('parley_captcha_total', CAPTCHA_HELP, {
      purpose: who.visitorId ? 'visitor' : 'session',
      outcome: 'solved',
    })
    return level
  }

  /**
   * The level an attempt needs, counting it (`count`: the counters move) or not (`next`: as if
   * it were counted).
   */
  private async assess(
    purpose: CaptchaPurpose,
    who: Requester,
    settings: CaptchaSettings,
    text: string | undefined,
    mode: 'next' | 'count',
  ): Promise<number> {
    const count = mode === 'count'
    if (settings.mode === 'off') return 0
    let level = settings.mode === 'always' && purpose === 'conversation' ? 1 : 0
    if (isLoopback(who.address)) return level
    if (text && (text.match(LINK)?.length ?? 0) >= SPAM_LINKS) level = Math.max(level, 1)
    const window = Math.floor(this.deps.clock.now() / WINDOW_MS[purpose])
    const counters: Array<{ key: string; threshold: number }> =
      purpose === 'message'
        ? [
            {
              key: `v.${who.visitorId ?? digest(who.address)}`,
              threshold: settings.messagesPerMinute,
            },
          ]
        : [
            {
              key: `a.${digest(who.address)}`,
              threshold:
                purpose === 'session' ? settings.sessionsPer10Min : settings.conversationsPer10Min,
            },
            {
              key: `n.${digest(subnetOf(who.address))}`,
              threshold:
                SUBNET_FACTOR *
                (purpose === 'session'
                  ? settings.sessionsPer10Min
                  : settings.conversationsPer10Min),
            },
          ]
    const now = this.deps.clock.now()
    const forgetAt = (window + 1) * WINDOW_MS[purpose]
    for (const c of counters) {
      // A visitor's messages are counted where its connection is (this node, in memory): a
      // shared counter would cost every message a round trip to the cluster's store.
      if (purpose === 'message') {
        level = Math.max(
          level,
          levelOf(this.countHere(c.key, window, forgetAt, count), c.threshold),
        )
        continue
      }
      const n = await this.deps.throttle.update(
        `captcha.${purpose}.${c.key}.${window}`,
        (current) => {
          const seen = current && current.forgetAt > now ? current.count : 0
          return count
            ? { next: record(seen + 1, now, forgetAt), result: seen + 1 }
            : { next: current, result: seen + 1 }
        },
      )
      level = Math.max(level, levelOf(n, c.threshold))
    }
    return level
  }

  /** Sets the level kept at `key` to at least `level`, for `forMs` from now. */
  private async raise(key: string, level: number, forMs: number): Promise<void> {
    const now = this.deps.clock.now()
    await this.deps.throttle.update(key, (current) => ({
      next: record(
        Math.max(level, current && current.forgetAt > now ? current.count : 0),
        now,
        now + forMs,
      ),
      result: undefined,
    }))
  }

  /** This node's count of `key` in `window` with one more attempt, stored when `count`. */
  private countHere(key: string, window: number, forgetAt: number, count: boolean): number {
    const now = this.deps.clock.now()
    const id = `${key}.${window}`
    const seen = this.#local.get(id)
    const n = (seen && seen.forgetAt > now ? seen.count : 0) + 1
    if (count) {
      if (this.#local.size >= MAX_LOCAL_COUNTERS) {
        for (const [k, v] of this.#local) if (v.forgetAt <= now) this.#local.delete(k)
        if (this.#local.size >= MAX_LOCAL_COUNTERS) this.#local.clear()
      }
      this.#local.set(id, { count: n, forgetAt })
    }
    return n
  }

  private async passLevel(who: Requester): Promise<number> {
    const now = this.deps.clock.now()
    return this.deps.throttle.update(`captcha.pass.${subjectOf(who)}`, (current) => ({
      next: current,
      result: current && current.forgetAt > now ? current.count : 0,
    }))
  }

  private sign(challenge: string): string {
    return createHmac('sha256', this.#key).update(challenge).digest('hex')
  }
}

/** The visitor, or for a new session the address: what a challenge and a pass are bound to. */
function subjectOf(who: Requester): string {
  return who.visitorId ? `v.${who.visitorId}` : `a.${digest(who.address)}`
}

function record(count: number, at: number, forgetAt: number): ThrottleRecord {
  return { count, at, until: 0, forgetAt, noted: false }
}

function invalid(message: string): ParleyError {
  return new ParleyError('captcha_invalid', message)
}

function parseSolution(solution: string): {
  challenge: string
  number: number
  salt: string
  signature: string
} {
  if (solution.length > MAX_SOLUTION_LENGTH) throw invalid('the solution is too long')
  let value: unknown
  try {
    value = JSON.parse(atob(solution))
  } catch {
    throw invalid('the solution is not base64 of JSON')
  }
  const v = value as Record<string, unknown> | null
  if (
    !v ||
    v.algorithm !== 'SHA-256' ||
    typeof v.challenge !== 'string' ||
    !/^[0-9a-f]{64}$/.test(v.challenge) ||
    typeof v.number !== 'number' ||
    !Number.isSafeInteger(v.number) ||
    v.number < 0 ||
    typeof v.salt !== 'string' ||
    v.salt.length > 300 ||
    typeof v.signature !== 'string' ||
    !/^[0-9a-f]{64}$/.test(v.signature)
  ) {
    throw invalid('the solution is malformed')
  }
  return { challenge: v.challenge, number: v.number, salt: v.salt, signature: v.signature }
}
