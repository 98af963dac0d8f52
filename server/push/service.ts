/**
 * Web Push to operators (issue 20): no vendor relay, the browsers' own push services. The
 * installation's VAPID keys are made at first need and kept in the database (every node signs
 * with the same). A notification is queued as one outbox row per subscription of each operator
 * it is for (`notify`); the sender (one node in a cluster: the `push.sender` lease) posts each
 * encrypted (RFC 8291) and signed (RFC 8292) to its endpoint, checked like a webhook target
 * (no private addresses unless allowed), and tries again with backoff for a day. A push service
 * answering 404 or 410 has forgotten the subscription: it is removed; so is one whose operator
 * session has ended (signed out there, expired, revoked). Operators who are busy,
 * deactivated or without the chat permission get none; the service worker shows one only when
 * no panel window has focus.
 */
import { isQuiet } from './quiet.ts'
import {
  newId,
  type Clock,
  type Logger,
  type PushDelivery,
  type Store,
} from '../../actors/index.ts'
import type { PanelLocale } from '../../protocol/index.ts'
import type { Metrics } from '../metrics.ts'
import { post } from '../webhooks/sender.ts'
import type { TargetPolicy } from '../webhooks/target.ts'
import { encryptPayload, generateVapidKeys, vapidAuthorization, type VapidKeys } from './crypto.ts'

/** What the service worker gets (JSON, encrypted). */
export interface PushMessage {
  kind: 'new_conversation' | 'assigned' | 'mentioned' | 'sla_breached' | 'message' | 'test'
  conversationId: string | null
  title: string
  body: string
  /** Where a click goes: the panel, at the conversation. */
  url: string
  /** Notifications of one conversation replace each other. */
  tag: string
  at: number
}

/** Waits after each failed attempt; after the last the push is dropped. */
const BACKOFF_MS = [10_000, 30_000, 60_000, 300_000, 900_000, 3_600_000, 10_800_000, 21_600_000]
/** A push not delivered within a day is dropped (the push service keeps one a day, TTL). */
const GIVE_UP_MS = 86_400_000
const TTL_SECONDS = 86_400
const BATCH = 50
/** How long whether an operator has a subscription is kept (another node's change shows then). */
const KNOWN_MS = 30_000

export interface PushDeps {
  store: Store
  clock: Clock
  log: Logger
  metrics: Metrics
  policy: TargetPolicy
  /** The contact the push services may reach the installation's operator at (VAPID `sub`). */
  subject: string
  timeoutMs: number
  everyMs: number
  /** Null on one node; in a cluster, true while this node holds the sender's lease. */
  lease: { hold(): Promise<boolean> } | null
}

export class PushService {
  #keys: Promise<VapidKeys> | null = null
  readonly #known = new Map<string, { any: boolean; at: number }>()
  #timer: ReturnType<typeof setTimeout> | null = null
  #running: Promise<void> | null = null
  #stopped = false

  constructor(private readonly deps: PushDeps) {}

  /** The installation's VAPID key pair, made and stored at first need. */
  keys(): Promise<VapidKeys> {
    this.#keys ??= this.deps.store.push
      .serverKey('vapid', () => JSON.stringify(generateVapidKeys()), this.deps.clock.now())
      .then((value) => JSON.parse(value) as VapidKeys)
      .catch((error: unknown) => {
        this.#keys = null
        throw error
      })
    return this.#keys
  }

  /** Whether the operator has a subscription (kept a little, so most events read nothing). */
  async #subscribed(operatorId: string): Promise<boolean> {
    const kept = this.#knownAny(operatorId)
    if (kept !== undefined) return kept
    const now = this.deps.clock.now()
    const any = (await this.deps.store.push.list(operatorId)).length > 0
    if (this.#known.size > 10_000) this.#known.clear()
    this.#known.set(operatorId, { any, at: now })
    return any
  }

  /**
   * False when every one of these operators is known (freshly) to have no subscription: the
   * caller need not build a message or await `notify`. True when any may have one.
   */
  mayNotify(operatorIds: readonly string[]): boolean {
    return operatorIds.some((id) => this.#knownAny(id) !== false)
  }

  /** What is known (freshly) of whether the operator has a subscription; undefined: nothing. */
  #knownAny(operatorId: string): boolean | undefined {
    const kept = this.#known.get(operatorId)
    return kept && this.deps.clock.now() - kept.at < KNOWN_MS ? kept.any : undefined
  }

  /** The operator's subscriptions changed on this node: read them again next time. */
  forget(operatorId: string): void {
    this.#known.delete(operatorId)
  }

  /**
   * Queues the message for these operators' browsers (those who may get one now: with a
   * subscription, active, allowed to chat, not busy); `message` is asked only when someone
   * will get it. Never throws: a push is a courtesy, the panel has it all.
   */
  async notify(
    operatorIds: readonly string[],
    message: (locale: PanelLocale) => Promise<Omit<PushMessage, 'at'>> | Omit<PushMessage, 'at'>,
  ): Promise<void> {
    try {
      const at = this.deps.clock.now()
      for (const id of new Set(operatorIds)) {
        if (!(await this.#subscribed(id))) continue
        const op = await this.deps.store.operators.getById(id)
        if (!op || !op.active || !op.canChat || op.status === 'busy') continue
        const content = await message(op.locale ?? 'en')
        // Quiet hours silence everything but a test the operator asked for.
        if (content.kind !== 'test') {
          const quiet = (await this.deps.store.notificationPrefs.get(op.id))?.quietHours
          if (quiet && isQuiet(quiet, at)) continue
        }
        const payload = JSON.stringify({ ...content, at })
        const queued = await this.deps.store.push.queue([op.id], payload, at, newId)
        if (queued > 0) this.kick()
      }
    } catch (error) {
      this.deps.log.warn('push not queued', {
        error: error instanceof Error ? error.message : String(error),
      })
    }
  }

  start(): void {
    this.#stopped = false
    this.#schedule(this.deps.everyMs)
  }

  async stop(): Promise<void> {
    this.#stopped = true
    if (this.#timer) clearTimeout(this.#timer)
    this.#timer = null
    await this.#running
  }

  /** Sends what is due now (soon, not in this call). */
  kick(): void {
    if (!this.#stopped && this.#timer) this.#schedule(0)
  }

  /** One pass over the due rows; resolves when they are all tried. For tests and the loop. */
  async drain(): Promise<void> {
    while (this.#running) await this.#running
    this.#running = this.#round().finally(() => (this.#running = null))
    await this.#running
  }

  #schedule(ms: number): void {
    if (this.#timer) clearTimeout(this.#timer)
    this.#timer = setTimeout(() => {
      void this.drain()
        .catch((error: unknown) =>
          this.deps.log.warn('push round failed', {
            error: error instanceof Error ? error.message : String(error),
          }),
        )
        .finally(() => {
          if (!this.#stopped) this.#schedule(this.deps.everyMs)
        })
    }, ms)
  }

  async #round(): Promise<void> {
    if (this.deps.lease && !(await this.deps.lease.hold())) return
    const due = await this.deps.store.push.due(this.deps.clock.now(), BATCH)
    if (due.length === 0) return
    const keys = await this.keys()
    await Promise.all(due.map((d) => this.#send(d, keys)))
  }

  async #send(d: PushDelivery, keys: VapidKeys): Promise<void> {
    const { store, clock, policy, metrics } = this.deps
    const count = (outcome: string) =>
      metrics.inc('parley_push_total', 'Web Push attempts by outcome.', { outcome })
    if (d.sessionExpiresAt === null || d.sessionExpiresAt <= clock.now()) {
      // Signed out there (or the session expired, or was revoked): never push to it again.
      count('signed_out')
      await store.push.removeSubscription(d.subscriptionId)
      return
    }
    let status: number | null = null
    let error: string | null = null
    try {
      const target = await policy.resolve(policy.parse(d.endpoint))
      const body = encryptPayload(Buffer.from(d.payload), { p256dh: d.p256dh, auth: d.auth })
      const result = await post(target, body, {
        headers: {
          'content-type': 'application/octet-stream',
          'content-encoding': 'aes128gcm',
          ttl: String(TTL_SECONDS),
          urgency: 'high',
          authorization: vapidAuthorization(d.endpoint, keys, this.deps.subject, clock.now()),
        },
        timeoutMs: this.deps.timeoutMs,
        ca: null,
      })
      status = result.status
      error = result.error
    } catch (e) {
      error = e instanceof Error ? e.message : String(e)
    }
    if (status !== null && status >= 200 && status < 300) {
      count('sent')
      await store.push.done(d.id)
      return
    }
    if (status === 404 || status === 410) {
      // The browser unsubscribed or the push service expired it: it is gone for good.
      count('expired')
      await store.push.removeSubscription(d.subscriptionId)
      return
    }
    const attempts = d.attempts + 1
    const wait = BACKOFF_MS[attempts - 1]
    const now = clock.now()
    if (
      wait === undefined ||
      now + wait - d.createdAt > GIVE_UP_MS ||
      (status !== null && status < 500 && status !== 429)
    ) {
      count('dropped')
      this.deps.log.warn('push dropped', { subscriptionId: d.subscriptionId, status, error })
      await store.push.done(d.id)
      return
    }
    count('retry')
    await store.push.retry(d.id, attempts, now + wait)
  }
}
