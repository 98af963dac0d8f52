/**
 * The webhook dispatcher (issue 17, I1). Two steps per round, both resumable after kill -9:
 *
 * 1. Fan-out: each outbox mark (a conversation whose log holds events not fanned out, marked
 *    in the events' own transaction) becomes one delivery row per event and subscribed
 *    endpoint, bodies built from the log as it is now; rows and the mark's advance commit
 *    together, and a row stored twice (a dispatcher that lost its lease mid-way) is stored once.
 * 2. Delivery: pending rows that are due go out, at most `concurrency` at once, one at a time
 *    per conversation and endpoint in log order (a row waits for its queue's head, even while
 *    the head backs off). A 2xx delivers it; anything else (refused target, timeout, redirect,
 *    error status) retries with exponential backoff and jitter until `retryForMs` after it was
 *    queued, then it fails and the endpoint shows `failing` until its next success.
 *
 * At least once: a row is delivered until a 2xx is recorded; a node killed between the
 * receiver's 2xx and the record sends it again (same event id, for the receiver to dedupe).
 * In a cluster only the holder of the `webhooks.dispatcher` lease runs rounds, so one node at a
 * time dispatches any conversation's outbox.
 */
import type {
  Clock,
  Logger,
  OutboxMark,
  Store,
  Timer,
  VisitorRecord,
  WebhookAttempt,
  WebhookDeferral,
  WebhookDeliveryRecord,
  WebhookEndpointRecord,
} from '../../actors/index.ts'
import { ParleyError, type Conversation } from '../../protocol/index.ts'
import type { Metrics } from '../metrics.ts'
import { payloadOf, webhookTypesOf, type WebhookPayload } from './events.ts'
import { signatureHeader, SIGNATURE_HEADER } from './signature.ts'
import type { TargetPolicy } from './target.ts'
import { post, type PostResult } from './sender.ts'

/** Marks fanned out per round; a round takes the next ones. */
const MARKS_PER_ROUND = 100
/** Log events read per mark per round. */
const EVENTS_PER_MARK = 200
/** First retry after this long; each later one waits twice as long, up to MAX_BACKOFF_MS. */
const FIRST_BACKOFF_MS = 30_000
const MAX_BACKOFF_MS = 3_600_000

export interface DispatcherOptions {
  concurrency: number
  timeoutMs: number
  retryForMs: number
  /** Extra CA certificates targets may use. */
  ca: string | null
  /** How often (real ms) the dispatcher looks for marks it was not told of (other nodes'). */
  pollMs?: number
}

/** The cluster's lease as the dispatcher holds it; null on a single node (always the holder). */
export interface DispatchLease {
  /** True when this node holds it now (claimed now if free). */
  hold(): Promise<boolean>
}

export interface DispatcherStats {
  fannedOut: number
  delivered: number
  retried: number
  failed: number
  inFlight: number
}

/** The wait before retry number `attempt` (1: the first retry), with ±20 % jitter. */
export function backoffMs(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(MAX_BACKOFF_MS, FIRST_BACKOFF_MS * 2 ** Math.max(0, attempt - 1))
  return Math.round(base * (0.8 + 0.4 * random()))
}

export class WebhookDispatcher {
  readonly #stats: DispatcherStats = {
    fannedOut: 0,
    delivered: 0,
    retried: 0,
    failed: 0,
    inFlight: 0,
  }
  /** Queues with a delivery in flight, keyed `endpointId conversationId` (or the event, for a test). */
  readonly #inFlight = new Set<string>()
  /**
   * Queues whose attempt was recorded since the current round read what is due: that read may
   * predate the record, so they wait for the next round (else a delivered row could go twice).
   */
  readonly #recorded = new Set<string>()
  /** Rounds run one at a time (the loop's and `drain`'s). */
  #roundLock: Promise<void> = Promise.resolve()
  /** Finished attempts waiting to be recorded. */
  #results: { attempt: WebhookAttempt; key: string }[] = []
  #flushing: Promise<void> | null = null
  #running = false
  #again = false
  #stopped = false
  #poll: ReturnType<typeof setInterval> | null = null
  #nudge: ReturnType<typeof setTimeout> | null = null
  #retryTimer: Timer | null = null
  #retryAt: number | null = null
  readonly #idle: (() => void)[] = []

  constructor(
    private readonly deps: {
      store: Store
      clock: Clock
      log: Logger
      metrics: Metrics | null
      policy: TargetPolicy
      lease: DispatchLease | null
      options: DispatcherOptions
    },
  ) {}

  stats(): DispatcherStats {
    return { ...this.#stats, inFlight: this.#inFlight.size }
  }

  start(): void {
    this.#poll = setInterval(() => this.kick(), this.deps.options.pollMs ?? 500)
    this.kick()
  }

  /** Something was queued: a round soon (coalesced). */
  nudge(delayMs = 20): void {
    if (this.#stopped || this.#nudge) return
    this.#nudge = setTimeout(() => {
      this.#nudge = null
      this.kick()
    }, delayMs)
  }

  /** Stops starting work; resolves when what is in flight has been recorded (or after 5 s). */
  async stop(): Promise<void> {
    this.#stopped = true
    if (this.#poll) clearInterval(this.#poll)
    if (this.#nudge) clearTimeout(this.#nudge)
    this.#retryTimer?.cancel()
    if (this.#inFlight.size === 0 && !this.#running) return
    const { promise, resolve } = Promise.withResolvers<void>()
    this.#idle.push(resolve)
    await Promise.race([promise, Bun.sleep(5000)])
  }

  /** A round now, or right after the one running. */
  kick(): void {
    if (this.#stopped) return
    if (this.#running) {
      this.#again = true
      return
    }
    this.#running = true
    void this.#loop()
  }

  /**
   * Runs rounds until nothing is left to fan out or due, and every delivery started has been
   * recorded (for tests and the CLI; the running dispatcher needs no call).
   */
  async drain(maxRounds = 1000): Promise<void> {
    for (let i = 0; i < maxRounds; i++) {
      await this.#exclusiveRound()
      while (this.#inFlight.size > 0 || this.#flushing) {
        await (this.#flushing ?? Bun.sleep(5))
      }
      const [marks, due] = await Promise.all([
        this.deps.store.webhooks.marks(1),
        this.deps.store.webhooks.due(this.deps.clock.now(), 1),
      ])
      if (marks.length === 0 && due.length === 0) return
    }
  }

  async #loop(): Promise<void> {
    do {
      this.#again = false
      try {
        await this.#exclusiveRound()
      } catch (error) {
        this.deps.log.warn('webhook dispatch round failed', { error })
      }
    } while (this.#again && !this.#stopped)
    this.#running = false
    this.#settled()
  }

  #settled(): void {
    if (this.#running || this.#inFlight.size > 0 || this.#flushing) return
    for (const resolve of this.#idle.splice(0)) resolve()
  }

  #exclusiveRound(): Promise<void> {
    const run = this.#roundLock.catch(() => {}).then(() => this.#round())
    this.#roundLock = run
    return run
  }

  async #round(): Promise<void> {
    if (this.deps.lease && !(await this.deps.lease.hold())) return
    await this.#fanOut()
    await this.#startDue()
    await this.#armRetry()
  }

  // -- fan-out ----------------------------------------------------------------------------

  async #fanOut(): Promise<void> {
    const endpoints = new Map<string, WebhookEndpointRecord[]>()
    const marks = await this.deps.store.webhooks.marks(MARKS_PER_ROUND)
    for (const mark of marks) {
      try {
        await this.#fanOutMark(mark, endpoints)
      } catch (error) {
        // Stays marked: the next round tries again.
        this.deps.log.warn('webhook fan-out failed', { conversationId: mark.conversationId, error })
      }
    }
    if (marks.length === MARKS_PER_ROUND) this.#again = true
  }

  async #fanOutMark(
    mark: OutboxMark,
    byInbox: Map<string, WebhookEndpointRecord[]>,
  ): Promise<void> {
    const { store, clock } = this.deps
    const id = mark.conversationId
    const loaded = await store.conversations.loadConversation(id)
    if (!loaded) {
      await store.webhooks.fanOut(id, mark.seq, [])
      return
    }
    const { ownerEpoch: _e, locale: _l, ...conversation } = loaded.conversation
    let endpoints = byInbox.get(conversation.inboxId)
    if (!endpoints) {
      endpoints = (await store.webhooks.listEndpoints(conversation.inboxId)).filter(
        (e) => e.enabled,
      )
      byInbox.set(conversation.inboxId, endpoints)
    }
    const events = await store.conversations.eventsAfter(id, mark.fromSeq - 1, EVENTS_PER_MARK)
    // A full page: the rest next round. Otherwise the log's end, which may be past the mark
    // (an append committed since the mark was read): covered too, its renewed mark goes.
    const last = events.at(-1)?.seq ?? 0
    const covered = events.length === EVENTS_PER_MARK ? last : Math.max(mark.seq, last)
    const now = clock.now()
    const rows: WebhookDeliveryRecord[] = []
    let visitor: VisitorRecord | null | undefined
    for (const e of events) {
      for (const type of webhookTypesOf(e)) {
        const targets = endpoints.filter((ep) => ep.events.includes(type) && ep.createdAt <= e.at)
        if (targets.length === 0) continue
        if (e.name === 'conversation.created' && visitor === undefined) {
          visitor = await store.visitors.getById(conversation.visitorId)
        }
        const payload = payloadOf(type, e, {
          conversation: conversation as Conversation,
          visitor: visitor ?? null,
          page: events,
        })
        const body = JSON.stringify(payload)
        for (const endpoint of targets)
          rows.push(pendingRow(endpoint.id, payload, e.seq, body, now))
      }
    }
    await store.webhooks.fanOut(id, covered, rows)
    this.#stats.fannedOut += rows.length
  }

  // -- delivery ---------------------------------------------------------------------------

  async #startDue(): Promise<void> {
    const { store, clock, options } = this.deps
    const free = options.concurrency - this.#inFlight.size
    if (free <= 0) return
    const now = clock.now()
    this.#recorded.clear()
    const due = await store.webhooks.due(now, Math.max(64, free * 4))
    if (due.length === 0) return
    // The first due row of each queue not busy now, in log order.
    const candidates = new Map<string, WebhookDeliveryRecord>()
    const waiting = new Map<string, WebhookDeliveryRecord[]>()
    for (const row of due) {
      const key = queueKey(row)
      if (this.#inFlight.has(key)) continue
      const seen = candidates.get(key)
      if (!seen || row.seq < seen.seq || (row.seq === seen.seq && row.eventId < seen.eventId)) {
        candidates.set(key, row)
      }
      const rows = waiting.get(key) ?? []
      rows.push(row)
      waiting.set(key, rows)
    }
    const conversations = [
      ...new Set(
        [...candidates.values()].flatMap((r) => (r.conversationId ? [r.conversationId] : [])),
      ),
    ]
    const heads = await store.webhooks.heads(conversations)
    const deferrals: WebhookDeferral[] = []
    const start: WebhookDeliveryRecord[] = []
    for (const [key, row] of candidates) {
      if (row.conversationId === null) {
        start.push(row)
        continue
      }
      const head = heads.get(key)
      if (!head) continue // no longer pending (recorded meanwhile)
      if (head.eventId === row.eventId || (head.nextAttemptAt ?? 0) <= now) {
        start.push(head)
        continue
      }
      // Its head backs off: the queue waits with it, and stops showing up as due.
      const until = head.nextAttemptAt ?? now
      for (const r of waiting.get(key) ?? []) {
        deferrals.push({ endpointId: r.endpointId, eventId: r.eventId, until })
      }
    }
    if (deferrals.length > 0) await store.webhooks.record([], deferrals)
    const endpoints = new Map<string, WebhookEndpointRecord | null>()
    let started = 0
    for (const row of start) {
      if (started >= free) {
        this.#again = true
        break
      }
      if (!endpoints.has(row.endpointId)) {
        endpoints.set(row.endpointId, await store.webhooks.getEndpoint(row.endpointId))
      }
      const key = queueKey(row)
      // Recorded (or started) since the read: what was read of it is stale.
      if (this.#inFlight.has(key) || this.#recorded.has(key)) continue
      started++
      this.#inFlight.add(key)
      void this.#deliver(row, endpoints.get(row.endpointId) ?? null).then((attempt) =>
        this.#finished(attempt, key),
      )
    }
  }

  /** One attempt; never throws (what went wrong is the attempt's outcome). */
  async #deliver(
    row: WebhookDeliveryRecord,
    endpoint: WebhookEndpointRecord | null,
  ): Promise<WebhookAttempt> {
    const { clock, policy, options } = this.deps
    const at = clock.now()
    const base = { endpointId: row.endpointId, eventId: row.eventId, at }
    if (!endpoint || !endpoint.enabled || row.body === null) {
      return {
        ...base,
        outcome: 'cancelled',
        nextAttemptAt: null,
        responseStatus: null,
        responseMs: 0,
        responseSnippet: null,
        error: !endpoint ? 'endpoint deleted' : !endpoint.enabled ? 'endpoint disabled' : 'no body',
      }
    }
    const attempt = row.attempts + 1
    let result: PostResult
    try {
      const target = await policy.resolve(policy.parse(endpoint.url))
      const secrets = [endpoint.secret]
      if (endpoint.previousSecret && (endpoint.previousSecretUntil ?? 0) > at) {
        secrets.push(endpoint.previousSecret)
      }
      result = await post(target, row.body, {
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Parley-Webhooks/1',
          'parley-event-id': row.eventId,
          'parley-event-type': row.type,
          'parley-delivery-attempt': String(attempt),
          [SIGNATURE_HEADER.toLowerCase()]: signatureHeader(row.body, secrets, at),
        },
        timeoutMs: options.timeoutMs,
        ca: options.ca,
      })
    } catch (error) {
      result = {
        status: null,
        ms: clock.now() - at,
        snippet: null,
        error: error instanceof ParleyError ? `refused: ${error.message}` : String(error),
      }
    }
    const ok = result.error === null && result.status !== null && result.status < 300
    const end = clock.now()
    const outcome = ok
      ? 'delivered'
      : end - row.createdAt >= options.retryForMs
        ? 'failed'
        : 'pending'
    return {
      ...base,
      outcome,
      nextAttemptAt:
        outcome === 'pending'
          ? Math.min(end + backoffMs(attempt), row.createdAt + options.retryForMs)
          : null,
      responseStatus: result.status,
      responseMs: Math.max(0, Math.round(result.ms)),
      responseSnippet: result.snippet,
      error: ok ? null : (result.error ?? `HTTP ${result.status}`),
    }
  }

  #finished(attempt: WebhookAttempt, key: string): void {
    const outcome = attempt.outcome
    if (outcome === 'delivered') this.#stats.delivered++
    else if (outcome === 'pending') this.#stats.retried++
    else if (outcome === 'failed') this.#stats.failed++
    this.deps.metrics?.inc(
      'parley_webhook_attempts_total',
      'Webhook delivery attempts by outcome.',
      {
        outcome,
      },
    )
    this.#results.push({ attempt, key })
    if (!this.#flushing) this.#flushing = this.#flush()
  }

  /** Records finished attempts in one transaction, then frees their queues for the next. */
  async #flush(): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve))
    while (this.#results.length > 0) {
      const batch = this.#results.splice(0)
      try {
        await this.deps.store.webhooks.record(
          batch.map((r) => r.attempt),
          [],
        )
      } catch (error) {
        // Not recorded: still pending in the store, so it is sent again (at least once).
        this.deps.log.warn('webhook attempts could not be recorded', { error })
      }
      for (const r of batch) {
        this.#inFlight.delete(r.key)
        this.#recorded.add(r.key)
      }
    }
    this.#flushing = null
    this.kick()
    this.#settled()
  }

  /** A timer for the next retry due (the fake clock in tests moves it). */
  async #armRetry(): Promise<void> {
    const next = await this.deps.store.webhooks.nextDue()
    if (next === null || next === this.#retryAt) return
    this.#retryTimer?.cancel()
    this.#retryAt = next
    this.#retryTimer = this.deps.clock.schedule(next - this.deps.clock.now(), () => {
      this.#retryAt = null
      this.#retryTimer = null
      this.kick()
    })
  }
}

function queueKey(row: Pick<WebhookDeliveryRecord, 'endpointId' | 'conversationId' | 'eventId'>) {
  return `${row.endpointId} ${row.conversationId ?? row.eventId}`
}

/** A new delivery row, due now. */
export function pendingRow(
  endpointId: string,
  payload: WebhookPayload,
  seq: number,
  body: string,
  now: number,
): WebhookDeliveryRecord {
  return {
    endpointId,
    eventId: payload.id,
    type: payload.type,
    conversationId: payload.conversationId,
    seq,
    status: 'pending',
    body,
    attempts: 0,
    nextAttemptAt: now,
    createdAt: now,
    lastAttemptAt: null,
    deliveredAt: null,
    responseStatus: null,
    responseMs: null,
    responseSnippet: null,
    error: null,
  }
}
