/**
 * The webhook dispatcher (issue 17, I1), resumable after kill -9 at any point:
 *
 * 1. Fan-out (#fanOut, #processMark): for each outbox mark (a conversation whose log holds
 *    events not sent yet, marked in the events' own transaction) it reads the events, builds
 *    their bodies from the log as it is now, and sends them to each subscribed endpoint in log
 *    order (endpoints side by side). Then one write, in the chat's group commit, records every
 *    delivery in its final state (delivered; or pending with its body, for a retry) and moves
 *    the mark past what it covered. Killed before that write, the mark is still there and the
 *    events go again (same ids). An endpoint whose queue for the conversation already has a
 *    pending row gets the new events queued behind it, unsent; after a failure, so do the rest.
 * 2. Retries (#startDue, #runQueue): pending rows that are due go out one queue (endpoint and
 *    conversation) at a time, in log order, the rows after a delivered head following at once.
 *    Anything but a 2xx (refused target, timeout, redirect, error status) retries with
 *    exponential backoff and jitter until `retryForMs` after the row was made; then it fails
 *    and the endpoint shows `failing` until its next success.
 *
 * Deliveries share `concurrency` slots; while the chat path is busy (#busy) one slot, paced.
 * In a cluster only the holder of the `webhooks.dispatcher` lease runs rounds, so one node at a
 * time dispatches any conversation's outbox.
 */
import { isTeamMailTarget, parseTeamMailTarget, TEAM_MAIL_GAP_MS, teamMail } from './team-mail.ts'
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
import { WEBHOOK_SNIPPET_LENGTH } from '../../protocol/webhooks.ts'
import type { Metrics } from '../metrics.ts'
import { payloadOf, webhookTypesOf, type WebhookPayload } from './events.ts'
import { signatureHeader, SIGNATURE_HEADER } from './signature.ts'
import type { TargetPolicy } from './target.ts'
import { post, type PostResult } from './sender.ts'
import type { Mailer, OutgoingMail } from '../mail/mailer.ts'
import { mailTest, offlineReply } from '../mail/templates.ts'
import {
  isMailTarget,
  MAIL_DELAY_MS,
  mailDomain,
  mailNotifies,
  parseMailTarget,
  threadRoot,
} from './mail-replies.ts'
import {
  callBotApi,
  channelNotifies,
  isTelegramChannel,
  formatBatch,
  isTelegramTarget,
  notifies,
  parseTelegramTarget,
  sendTelegram,
  TELEGRAM_GAP_MS,
} from './telegram.ts'

/** Marks fanned out per round; a round takes the next ones. */
const MARKS_PER_ROUND = 100
/** Log events read per mark per round. */
const EVENTS_PER_MARK = 200
/** Fan-out passes, at most one per this many ms while marks keep coming (and the chat is calm). */
const FAN_OUT_EVERY_MS = 100
/** The same while the chat path is busy. */
const BUSY_FAN_OUT_EVERY_MS = 1000
/**
 * The chat path counts as busy from this many conversation commands queued or running: the
 * dispatcher then yields, one queue in flight and fewer fan-out passes, and catches up after.
 */
export const BUSY_MAILBOX_DEPTH = 32
/**
 * ... or from this much event-loop lag (ms, averaged): timers running late mean the loop has
 * no time to spare, whatever fills it (the dispatcher's own work included).
 */
export const BUSY_LAG_MS = 5
/** How often the lag is sampled (ms). */
const LAG_SAMPLE_MS = 10
/** While the chat path is busy, deliveries start at most this often (ms): about 100/s. */
const BUSY_GAP_MS = 10
/** Deliveries one queue sends back to back before it lets others go first. */
const QUEUE_BURST = 50
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
  /** The Bot API's base URL, for `telegram:` endpoints (TELEGRAM_API_URL). */
  telegramApiUrl?: string
  /** The server's public address, for links to the panel in notifications (PUBLIC_URL). */
  publicUrl?: string | null
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
  /** Deliveries in flight, and those waiting for a slot (#slot). */
  #active = 0
  /** When the last delivery started (performance.now()), for the busy pace. */
  #lastStart = 0
  readonly #slotWaiters: (() => void)[] = []
  /** Telegram endpoints: no message to the chat before this (clock ms), by endpoint id. */
  readonly #gates = new Map<string, number>()
  /** Conversations whose outbox mark is being worked off (#processMark). */
  readonly #working = new Set<string>()
  /**
   * Queues whose attempt was recorded since the current round read what is due: that read may
   * predate the record, so they wait for the next round (else a delivered row could go twice).
   */
  readonly #recorded = new Set<string>()
  /** Rounds run one at a time (the loop's and `drain`'s). */
  #roundLock: Promise<void> = Promise.resolve()
  /** Finished attempts waiting to be recorded. */
  #results: { attempt: WebhookAttempt; done: () => void }[] = []
  /** No fan-out pass before this (performance.now() ms). */
  #nextFanOut = 0
  /** What the next round has reason to do: marks may wait, deliveries may be due, a retry. */
  #wantFanOut = true
  #wantDue = true
  #wantRetry = true
  #flushing: Promise<void> | null = null
  #running = false
  #again = false
  #stopped = false
  #poll: ReturnType<typeof setInterval> | null = null
  #lagTimer: ReturnType<typeof setInterval> | null = null
  /** Event-loop lag, averaged (ms); 0 until start(). */
  #lag = 0
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
      /** The chat path's load: conversation commands queued or running on this node. */
      load?: () => number
      /** Outgoing e-mail (SMTP_*), for `email:` endpoints; null: not configured. */
      mailer?: Mailer | null
    },
  ) {}

  stats(): DispatcherStats {
    return { ...this.#stats, inFlight: this.#inFlight.size }
  }

  start(): void {
    // Event-loop lag: how late a 10 ms timer fires, averaged (EWMA, about the last 50 ms).
    let last = performance.now()
    this.#lagTimer = setInterval(() => {
      const now = performance.now()
      this.#lag = 0.8 * this.#lag + 0.2 * Math.max(0, now - last - LAG_SAMPLE_MS)
      last = now
    }, LAG_SAMPLE_MS)
    this.#lagTimer.unref?.()
    // Whatever nobody said: marks of other nodes, a missed wake-up.
    this.#poll = setInterval(() => {
      this.#wantFanOut = this.#wantDue = this.#wantRetry = true
      this.kick()
    }, this.deps.options.pollMs ?? 500)
    this.kick()
  }

  /**
   * Something was queued: outbox marks (a conversation write) or a delivery (a test event, a
   * redelivery). A round soon, coalesced with others.
   */
  nudge(delayMs = 20, what: 'marks' | 'deliveries' = 'marks'): void {
    if (what === 'marks') this.#wantFanOut = true
    else this.#wantDue = true
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
    if (this.#lagTimer) clearInterval(this.#lagTimer)
    if (this.#nudge) clearTimeout(this.#nudge)
    this.#retryTimer?.cancel()
    if (this.#inFlight.size === 0 && this.#working.size === 0 && !this.#running) return
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
      await this.#exclusiveRound(true)
      while (this.#inFlight.size > 0 || this.#working.size > 0 || this.#flushing) {
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

  /** A round after `ms` (real time), unless one is already due sooner. */
  #wakeAt(ms: number): void {
    this.nudge(Math.max(1, Math.ceil(ms)))
  }

  /**
   * Runs fn when fewer than the allowed number of deliveries are in flight (one while the chat
   * path is busy, `concurrency` otherwise), fan-out and retries alike.
   */
  async #slot<T>(fn: () => Promise<T>): Promise<T> {
    for (;;) {
      const busy = this.#busy()
      if (this.#active >= (busy ? 1 : this.deps.options.concurrency)) {
        await new Promise<void>((resolve) => this.#slotWaiters.push(resolve))
        continue
      }
      const wait = busy ? this.#lastStart + BUSY_GAP_MS - performance.now() : 0
      if (wait <= 0) break
      await Bun.sleep(wait)
    }
    this.#lastStart = performance.now()
    this.#active++
    try {
      return await fn()
    } finally {
      this.#active--
      // As many waiters as may start now (the limit may have grown since they queued).
      const free = Math.max(1, (this.#busy() ? 1 : this.deps.options.concurrency) - this.#active)
      for (const wake of this.#slotWaiters.splice(0, free)) wake()
    }
  }

  /** True while the chat path is busy (see BUSY_MAILBOX_DEPTH and BUSY_LAG_MS). */
  #busy(): boolean {
    return this.#lag >= BUSY_LAG_MS || (this.deps.load?.() ?? 0) >= BUSY_MAILBOX_DEPTH
  }

  #settled(): void {
    if (this.#running || this.#inFlight.size > 0 || this.#working.size > 0 || this.#flushing) return
    for (const resolve of this.#idle.splice(0)) resolve()
  }

  #exclusiveRound(unpaced = false): Promise<void> {
    const run = this.#roundLock.catch(() => {}).then(() => this.#round(unpaced))
    this.#roundLock = run
    return run
  }

  /** Does what there is reason to do (see #wantFanOut); `unpaced`: all of it, now. */
  async #round(unpaced: boolean): Promise<void> {
    if (unpaced) this.#wantFanOut = this.#wantDue = this.#wantRetry = true
    if (!this.#wantFanOut && !this.#wantDue && !this.#wantRetry) return
    if (this.deps.lease && !(await this.deps.lease.hold())) return
    if (this.#wantFanOut) {
      this.#wantFanOut = false
      await this.#fanOut(unpaced)
    }
    if (this.#wantDue) {
      this.#wantDue = false
      await this.#startDue()
    }
    if (this.#wantRetry) {
      this.#wantRetry = false
      await this.#armRetry()
    }
  }

  // -- fan-out ----------------------------------------------------------------------------

  /**
   * Takes outbox marks not being worked on, as many as may run now, and works each off in the
   * background (#processMark). Paced: while marks keep coming, a pass at most every
   * FAN_OUT_EVERY_MS, so a busy conversation's events go many at a time.
   */
  async #fanOut(unpaced: boolean): Promise<void> {
    const { store } = this.deps
    const now = performance.now()
    if (!unpaced && now < this.#nextFanOut) {
      this.#wantFanOut = true
      this.#wakeAt(this.#nextFanOut - now)
      return
    }
    const taken = (await store.webhooks.marks(MARKS_PER_ROUND)).filter(
      (m) => !this.#working.has(m.conversationId),
    )
    if (taken.length === 0) return
    this.#nextFanOut = now + (this.#busy() ? BUSY_FAN_OUT_EVERY_MS : FAN_OUT_EVERY_MS)
    const ids = taken.map((m) => m.conversationId)
    const [conversations, heads] = await Promise.all([
      store.queries.conversationsById(ids),
      store.webhooks.heads(ids),
    ])
    const byId = new Map(conversations.map((c) => [c.id, c]))
    const endpoints = new Map<string, Promise<WebhookEndpointRecord[]>>()
    for (const mark of taken) {
      const conversation = byId.get(mark.conversationId) ?? null
      const inbox = conversation?.inboxId ?? ''
      if (conversation && !endpoints.has(inbox)) {
        endpoints.set(
          inbox,
          store.webhooks.listEndpoints(inbox).then((all) => all.filter((e) => e.enabled)),
        )
      }
      this.#working.add(mark.conversationId)
      void this.#processMark(mark, conversation, endpoints.get(inbox), heads).finally(() => {
        this.#working.delete(mark.conversationId)
        this.#wantFanOut = true
        this.kick()
        this.#settled()
      })
    }
  }

  /**
   * Sends the mark's events to their endpoints, in log order per endpoint (endpoints side by
   * side), then records every outcome and moves the mark past what it covered, in one write.
   * Sent before recorded: killed in between, they are sent again (same ids). An endpoint whose
   * queue for this conversation already waits (a retry pending) gets them queued behind it;
   * after a failure the rest wait behind that one.
   */
  async #processMark(
    mark: OutboxMark,
    conversation: Conversation | null,
    endpointsOf: Promise<WebhookEndpointRecord[]> | undefined,
    heads: Map<string, WebhookDeliveryRecord>,
  ): Promise<void> {
    const { store, clock } = this.deps
    const id = mark.conversationId
    try {
      const endpoints = conversation && endpointsOf ? await endpointsOf : []
      // An erased conversation sends nothing more: what it logged before its erasure and was not
      // fanned out yet stays here (its pending deliveries were cancelled with the erasure).
      if (!conversation || conversation.erasedAt !== undefined || endpoints.length === 0) {
        await store.webhooks.fanOut([{ conversationId: id, covered: mark.seq }], [], [])
        return
      }
      const events = await store.conversations.eventsAfter(id, mark.fromSeq - 1, EVENTS_PER_MARK)
      // A full page: the rest next pass. Otherwise the log's end, which may be past the mark
      // (an append committed since the mark was read): covered too, its renewed mark goes.
      const last = events.at(-1)?.seq ?? 0
      const covered = events.length === EVENTS_PER_MARK ? last : Math.max(mark.seq, last)
      const now = clock.now()
      const queues = new Map<string, WebhookDeliveryRecord[]>()
      let visitor: VisitorRecord | null | undefined
      for (const e of events) {
        for (const type of webhookTypesOf(e)) {
          const targets = endpoints.filter((ep) => ep.events.includes(type) && ep.createdAt <= e.at)
          if (targets.length === 0) continue
          if (e.name === 'conversation.created' && visitor === undefined) {
            visitor = await store.visitors.getById(conversation.visitorId)
          }
          const payload = payloadOf(type, e, {
            conversation,
            visitor: visitor ?? null,
            page: events,
          })
          const body = JSON.stringify(payload)
          for (const ep of targets) {
            // A Telegram chat hears only of what needs someone (telegram.ts).
            // So does the team's e-mail address (team-mail.ts).
            if (
              (isTelegramTarget(ep.url) || isTeamMailTarget(ep.url)) &&
              !notifies(payload, parseTelegramTarget(ep.url))
            )
              continue
            // An e-mail endpoint writes to the visitor only when an operator answers offline.
            if (isMailTarget(ep.url) && !mailNotifies(payload)) continue
            // The Telegram channel's bot carries operators' answers in its chats only.
            if (isTelegramChannel(ep.url) && !channelNotifies(payload)) continue
            const queue = queues.get(ep.id) ?? []
            queue.push(pendingRow(ep.id, payload, e.seq, body, now))
            queues.set(ep.id, queue)
          }
        }
      }
      const rows: WebhookDeliveryRecord[] = []
      const attempts: WebhookAttempt[] = []
      await Promise.all(
        [...queues].map(async ([endpointId, queue]) => {
          const endpoint = endpoints.find((e) => e.id === endpointId) ?? null
          const head = heads.get(`${endpointId} ${id}`)
          let waitUntil: number | null = head ? (head.nextAttemptAt ?? now) : null
          // Telegram endpoints are sent in batches by the due path (#runBatch): queued here.
          if (endpoint && (isTelegramTarget(endpoint.url) || isTeamMailTarget(endpoint.url))) {
            waitUntil = Math.max(now, waitUntil ?? now, this.#gates.get(endpointId) ?? now)
          }
          // E-mail replies wait a little, so quick successive answers make one e-mail.
          if (endpoint && isMailTarget(endpoint.url)) {
            waitUntil = Math.max(now + MAIL_DELAY_MS, waitUntil ?? now)
          }
          for (const row of queue) {
            if (waitUntil !== null || this.#stopped) {
              rows.push({ ...row, nextAttemptAt: waitUntil ?? now })
              continue
            }
            const attempt = await this.#slot(() => this.#deliver(row, endpoint))
            this.#count(attempt)
            attempts.push(attempt)
            rows.push(attempted(row, attempt))
            if (attempt.outcome !== 'delivered') waitUntil = attempt.nextAttemptAt ?? now
          }
        }),
      )
      await store.webhooks.fanOut([{ conversationId: id, covered }], rows, attempts)
      this.#stats.fannedOut += rows.length
      if (rows.some((r) => r.status === 'pending')) this.#wantDue = this.#wantRetry = true
    } catch (error) {
      // Stays marked: the next pass tries again (what was sent goes again, same ids).
      this.deps.log.warn('webhook fan-out failed', { conversationId: id, error })
    }
  }

  // -- delivery ---------------------------------------------------------------------------

  async #startDue(): Promise<void> {
    const { store, clock, options } = this.deps
    // Webhooks are background work: while the chat path is busy, one queue at a time.
    const free = (this.#busy() ? 1 : options.concurrency) - this.#inFlight.size
    if (free <= 0) return
    const now = clock.now()
    this.#recorded.clear()
    const read = await store.webhooks.due(now, Math.max(64, free * 4))
    if (read.length === 0) return
    const endpoints = new Map<string, WebhookEndpointRecord | null>()
    for (const row of read) {
      if (!endpoints.has(row.endpointId)) {
        endpoints.set(row.endpointId, await store.webhooks.getEndpoint(row.endpointId))
      }
    }
    const batched = (row: WebhookDeliveryRecord) => {
      const endpoint = endpoints.get(row.endpointId)
      if (!endpoint) return false
      const url = endpoint.url
      return isTelegramTarget(url) || isMailTarget(url) || isTeamMailTarget(url)
    }
    const due = read.filter((row) => !batched(row))
    const batches = await this.#startBatches(read.filter(batched), endpoints, now, free)
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
    let started = batches
    for (const row of start) {
      if (started >= free) {
        // More is due than may go now: again when a queue is free.
        this.#wantDue = true
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
      void this.#runQueue(row, endpoints.get(row.endpointId) ?? null, key)
    }
  }

  /**
   * Sends a queue's head, then (while each is delivered) the rows after it, in log order, up to
   * QUEUE_BURST: a busy conversation's events follow each other at the receiver's pace instead
   * of one per round. Outcomes are recorded in batches; the queue is free again once all of
   * them are.
   */
  async #runQueue(
    head: WebhookDeliveryRecord,
    endpoint: WebhookEndpointRecord | null,
    key: string,
  ): Promise<void> {
    const recorded: Promise<void>[] = []
    let retrying = false
    try {
      let row: WebhookDeliveryRecord | undefined = head
      let next: WebhookDeliveryRecord[] | null = null
      for (let sent = 0; row && sent < QUEUE_BURST && !this.#stopped; sent++) {
        const current: WebhookDeliveryRecord = row
        const attempt = await this.#slot(() => this.#deliver(current, endpoint))
        recorded.push(this.#record(attempt))
        if (attempt.outcome === 'pending') retrying = true
        if (attempt.outcome !== 'delivered' || row.conversationId === null) break
        if (next === null) {
          next = (
            await this.deps.store.webhooks.queue(row.endpointId, row.conversationId, QUEUE_BURST)
          ).filter((r) => r.seq > head.seq || (r.seq === head.seq && r.eventId > head.eventId))
        }
        const now = this.deps.clock.now()
        row = next.shift()
        if (row && (row.nextAttemptAt ?? 0) > now) row = undefined
      }
    } catch (error) {
      this.deps.log.warn('webhook queue failed', { key, error })
    } finally {
      await this.#released(key, recorded, retrying)
    }
  }

  /** A queue or batch is done: once its outcomes are recorded it may run again. */
  async #released(key: string, recorded: Promise<void>[], retrying: boolean): Promise<void> {
    await Promise.all(recorded)
    this.#inFlight.delete(key)
    this.#recorded.add(key)
    this.#wantDue = true
    if (retrying) this.#wantRetry = true
    this.kick()
    this.#settled()
  }

  /**
   * Due rows of batched endpoints. Telegram (issue 17, I2): per endpoint, every row due goes
   * out in one message, at most one message per TELEGRAM_GAP_MS; rows due before the chat's
   * gate is open wait for it. E-mail to visitors (I4): per endpoint and conversation, the whole
   * pending queue goes as one e-mail once its first row is due. Returns how many batches
   * started (each takes a slot).
   */
  async #startBatches(
    rows: readonly WebhookDeliveryRecord[],
    endpoints: ReadonlyMap<string, WebhookEndpointRecord | null>,
    now: number,
    free: number,
  ): Promise<number> {
    const batches = new Map<string, WebhookDeliveryRecord[]>()
    for (const row of rows) {
      const endpoint = endpoints.get(row.endpointId)
      const key =
        endpoint && isMailTarget(endpoint.url)
          ? `mail ${row.endpointId} ${row.conversationId ?? row.eventId}`
          : endpoint && isTeamMailTarget(endpoint.url)
            ? `team ${row.endpointId}`
            : `telegram ${row.endpointId}`
      batches.set(key, [...(batches.get(key) ?? []), row])
    }
    const deferrals: WebhookDeferral[] = []
    let started = 0
    for (const [key, batch] of batches) {
      const endpointId = batch[0]?.endpointId ?? ''
      if (this.#inFlight.has(key) || this.#recorded.has(key)) continue
      // A Telegram chat and a team's address take a message at most every so often.
      const gap = key.startsWith('telegram ')
        ? TELEGRAM_GAP_MS
        : key.startsWith('team ')
          ? TEAM_MAIL_GAP_MS
          : 0
      const gate = gap > 0 ? (this.#gates.get(endpointId) ?? 0) : 0
      if (gate > now) {
        for (const r of batch) deferrals.push({ endpointId, eventId: r.eventId, until: gate })
        continue
      }
      if (started >= free) {
        this.#wantDue = true
        break
      }
      started++
      this.#inFlight.add(key)
      if (gap > 0) this.#gates.set(endpointId, now + gap)
      void this.#runBatch(batch, endpoints.get(endpointId) ?? null, key)
    }
    if (deferrals.length > 0) {
      await this.deps.store.webhooks.record([], deferrals)
      this.#wantRetry = true
    }
    return started
  }

  /** One Telegram message or e-mail for a batch of rows; each row's outcome is that one's. */
  async #runBatch(
    rows: WebhookDeliveryRecord[],
    endpoint: WebhookEndpointRecord | null,
    key: string,
  ): Promise<void> {
    const recorded: Promise<void>[] = []
    let retrying = false
    try {
      const head = rows[0]
      // An e-mail takes the conversation's whole pending queue, due or not yet.
      if (endpoint && isMailTarget(endpoint.url) && head?.conversationId) {
        const queued = await this.deps.store.webhooks.queue(
          endpoint.id,
          head.conversationId,
          QUEUE_BURST,
        )
        const known = new Set(rows.map((r) => r.eventId))
        rows = [...rows, ...queued.filter((r) => !known.has(r.eventId))]
      }
      const ordered = [...rows].sort(
        (a, b) =>
          a.createdAt - b.createdAt ||
          (a.conversationId ?? '').localeCompare(b.conversationId ?? '') ||
          a.seq - b.seq,
      )
      const attempts = await this.#slot(() => this.#deliverBatch(ordered, endpoint))
      for (const attempt of attempts) {
        recorded.push(this.#record(attempt))
        if (attempt.outcome === 'pending') retrying = true
      }
    } catch (error) {
      this.deps.log.warn('batched notification failed', { key, error })
    } finally {
      await this.#released(key, recorded, retrying)
    }
  }

  /** Sends a batch as one Telegram message or e-mail; an attempt per row (never throws). */
  async #deliverBatch(
    rows: readonly WebhookDeliveryRecord[],
    endpoint: WebhookEndpointRecord | null,
  ): Promise<WebhookAttempt[]> {
    if (endpoint && isMailTarget(endpoint.url)) return this.#deliverMail(rows, endpoint)
    if (endpoint && isTeamMailTarget(endpoint.url)) return this.#deliverTeamMail(rows, endpoint)
    const { clock, store, options } = this.deps
    const at = clock.now()
    const target = endpoint ? parseTelegramTarget(endpoint.url) : null
    const sendable = rows.filter((r) => r.body !== null)
    if (!endpoint || !endpoint.enabled || !target || sendable.length === 0) {
      const why = !endpoint
        ? 'endpoint deleted'
        : !endpoint.enabled
          ? 'endpoint disabled'
          : !target
            ? 'not a Telegram chat'
            : 'no body'
      return rows.map((row) => cancelled(row, at, why))
    }
    const payloads = sendable.map((r) => JSON.parse(r.body ?? '{}') as WebhookPayload)
    const names = new Map<string, string>()
    for (const p of payloads) {
      const conversation = (p.data as { conversation?: { visitorId?: string } }).conversation
      const visitorId = conversation?.visitorId
      if (p.conversationId === null || !visitorId || names.has(p.conversationId)) continue
      const visitor = await store.visitors.getById(visitorId)
      if (visitor?.name) names.set(p.conversationId, visitor.name)
    }
    const inbox = await store.inboxes.get(endpoint.inboxId)
    const text = formatBatch(payloads, {
      lang: target.lang,
      publicUrl: options.publicUrl ?? null,
      names,
      inboxName: inbox?.name ?? null,
    })
    const result = await sendTelegram(
      options.telegramApiUrl ?? 'https://api.telegram.org',
      endpoint.secret,
      target.chatId,
      text,
      options.timeoutMs,
    )
    if (result.retryAfterMs !== null) {
      // Telegram asked for a pause: the chat's gate stays shut that long.
      this.#gates.set(endpoint.id, clock.now() + result.retryAfterMs)
    }
    // One wait for the whole batch (the longest backoff among its rows, or Telegram's own):
    // the rows stay together and go as one message again.
    const most = Math.max(...rows.map((r) => r.attempts + 1))
    const wait = Math.max(backoffMs(most), result.retryAfterMs ?? 0)
    return rows.map((row) =>
      row.body === null ? cancelled(row, at, 'no body') : this.#outcome(row, at, result, wait),
    )
  }

  /**
   * An operator's replies in an offline conversation, e-mailed to the visitor (issue 17, I4):
   * one e-mail for the batch, threaded under the conversation's root Message-ID. A ping goes
   * to the sender's own address (a test of the relay).
   */
  async #deliverMail(
    rows: readonly WebhookDeliveryRecord[],
    endpoint: WebhookEndpointRecord,
  ): Promise<WebhookAttempt[]> {
    const { clock, store, mailer } = this.deps
    const at = clock.now()
    const target = parseMailTarget(endpoint.url)
    const sendable = rows.filter((r) => r.body !== null)
    if (!endpoint.enabled || !target || sendable.length === 0) {
      const why = !endpoint.enabled
        ? 'endpoint disabled'
        : !target
          ? 'not an e-mail target'
          : 'no body'
      return rows.map((row) => cancelled(row, at, why))
    }
    const outcomes = (result: PostResult, permanent: boolean) => {
      const most = Math.max(...rows.map((r) => r.attempts + 1))
      const wait = backoffMs(most)
      return rows.map((row) =>
        row.body === null
          ? cancelled(row, at, 'no body')
          : this.#outcome(row, at, result, wait, permanent),
      )
    }
    if (!mailer) {
      return outcomes(
        { status: null, ms: 0, snippet: null, error: 'e-mail is not configured (SMTP_HOST)' },
        false,
      )
    }
    const payloads = sendable.map((r) => JSON.parse(r.body ?? '{}') as WebhookPayload)
    const inbox = await store.inboxes.get(endpoint.inboxId)
    const inboxName = inbox?.name ?? 'Parley'
    const domain = mailDomain(mailer.config.from)
    let mail: OutgoingMail
    const conversationId = sendable[0]?.conversationId ?? null
    if (conversationId === null) {
      const rendered = mailTest(target.lang, { inboxName })
      mail = { to: mailer.config.from, ...rendered }
    } else {
      const conversation = (
        payloads[0]?.data as { conversation?: { visitorId?: string } } | undefined
      )?.conversation
      const visitor = conversation?.visitorId
        ? await store.visitors.getById(conversation.visitorId)
        : null
      if (!visitor?.email || visitor.erasedAt) {
        return rows.map((row) => cancelled(row, at, 'the visitor left no e-mail address'))
      }
      const authors = new Map<string, string>()
      const replies: { author: string; text: string }[] = []
      for (const p of payloads) {
        const message = (p.data as { message?: { author?: { id?: string }; text?: string } })
          .message
        const id = message?.author?.id ?? ''
        if (!authors.has(id)) {
          const op = id ? await store.operators.getById(id) : null
          authors.set(id, op?.displayName ?? op?.name ?? inboxName)
        }
        if (message?.text)
          replies.push({ author: authors.get(id) ?? inboxName, text: message.text })
      }
      const rendered = offlineReply(target.lang, {
        inboxName,
        visitorName: visitor.name,
        replies,
      })
      const root = threadRoot(conversationId, domain)
      const last = sendable.at(-1)
      mail = {
        to: visitor.email,
        ...rendered,
        messageId: `<${conversationId}.${last?.seq ?? 0}.${at}@${domain}>`,
        inReplyTo: root,
        references: [root],
        // The inbox's own address, when it has one (the e-mail channel): answers come back in.
        ...(inbox?.settings.emailAddress ? { replyTo: inbox.settings.emailAddress } : {}),
        headers: { 'x-parley-conversation': conversationId },
      }
    }
    const sent = await mailer.send(mail)
    return outcomes(
      { status: sent.ok ? 250 : null, ms: sent.ms, snippet: sent.response, error: sent.error },
      !sent.ok && !sent.retryable,
    )
  }

  /**
   * What needs someone, e-mailed to the team's address (issue 20, team-mail.ts): the batch in
   * one e-mail, in the words a Telegram chat gets. A ping is a test e-mail to the address.
   */
  async #deliverTeamMail(
    rows: readonly WebhookDeliveryRecord[],
    endpoint: WebhookEndpointRecord,
  ): Promise<WebhookAttempt[]> {
    const { clock, store, mailer, options } = this.deps
    const at = clock.now()
    const target = parseTeamMailTarget(endpoint.url)
    const sendable = rows.filter((r) => r.body !== null)
    if (!endpoint.enabled || !target || sendable.length === 0) {
      const why = !endpoint.enabled
        ? 'endpoint disabled'
        : !target
          ? 'not an e-mail address'
          : 'no body'
      return rows.map((row) => cancelled(row, at, why))
    }
    const outcomes = (result: PostResult, permanent: boolean) => {
      const wait = backoffMs(Math.max(...rows.map((r) => r.attempts + 1)))
      return rows.map((row) =>
        row.body === null
          ? cancelled(row, at, 'no body')
          : this.#outcome(row, at, result, wait, permanent),
      )
    }
    if (!mailer) {
      return outcomes(
        { status: null, ms: 0, snippet: null, error: 'e-mail is not configured (SMTP_HOST)' },
        false,
      )
    }
    const payloads = sendable.map((r) => JSON.parse(r.body ?? '{}') as WebhookPayload)
    const names = new Map<string, string>()
    for (const p of payloads) {
      const visitorId = (p.data as { conversation?: { visitorId?: string } }).conversation
        ?.visitorId
      if (p.conversationId === null || !visitorId || names.has(p.conversationId)) continue
      const visitor = await store.visitors.getById(visitorId)
      if (visitor?.name) names.set(p.conversationId, visitor.name)
    }
    const inbox = await store.inboxes.get(endpoint.inboxId)
    const inboxName = inbox?.name ?? 'Parley'
    const html = payloads.every((p) => p.type === 'ping')
      ? target.lang === 'ru'
        ? 'Parley: проверка уведомлений. Уведомления этого ящика приходят на этот адрес.'
        : 'Parley: test notification. Notifications for this inbox arrive at this address.'
      : formatBatch(payloads, {
          lang: target.lang,
          publicUrl: options.publicUrl ?? null,
          names,
          inboxName,
        })
    const sent = await mailer.send(
      teamMail(target.to, html, { inboxName, count: payloads.length, lang: target.lang }),
    )
    return outcomes(
      { status: sent.ok ? 250 : null, ms: sent.ms, snippet: sent.response, error: sent.error },
      !sent.ok && !sent.retryable,
    )
  }

  /**
   * An operator's answer in a Telegram conversation, to the contact's chat (issue 17, I5), in
   * log order like any webhook delivery. A ping checks the bot's token (`getMe`).
   */
  async #deliverToChat(
    row: WebhookDeliveryRecord,
    endpoint: WebhookEndpointRecord,
    body: string,
  ): Promise<WebhookAttempt> {
    const { clock, store, options } = this.deps
    const at = clock.now()
    const apiUrl = options.telegramApiUrl ?? 'https://api.telegram.org'
    const payload = JSON.parse(body) as WebhookPayload
    const started = performance.now()
    let answer: Awaited<ReturnType<typeof callBotApi>>
    if (payload.type === 'ping') {
      answer = await callBotApi(apiUrl, endpoint.secret, 'getMe', {}, options.timeoutMs)
    } else {
      const data = payload.data as {
        conversation?: { visitorId?: string }
        message?: { text?: string; attachments?: { name: string }[] }
      }
      const visitor = data.conversation?.visitorId
        ? await store.visitors.getById(data.conversation.visitorId)
        : null
      const chatId = visitor?.externalId?.startsWith('telegram:')
        ? visitor.externalId.slice('telegram:'.length)
        : null
      if (!chatId || visitor?.erasedAt)
        return cancelled(row, at, 'the contact has no Telegram chat')
      const files = (data.message?.attachments ?? []).map((a) => `[file: ${a.name}]`)
      const text = [data.message?.text ?? '', ...files].filter(Boolean).join('\n')
      answer = await callBotApi(
        apiUrl,
        endpoint.secret,
        'sendMessage',
        { chat_id: chatId, text: text.slice(0, 4096) },
        options.timeoutMs,
      )
    }
    const result: PostResult = {
      status: answer.ok ? 200 : null,
      ms: performance.now() - started,
      snippet: null,
      error: answer.ok ? null : answer.error,
    }
    return this.#outcome(row, at, result, answer.ok ? null : answer.retryAfterMs)
  }

  /**
   * The attempt a result makes of a row: delivered, a retry (after `waitMs`, by default the
   * row's own backoff), or failed once the retry window is used up (or at once when the
   * refusal is `permanent`, like an SMTP 550).
   */
  #outcome(
    row: WebhookDeliveryRecord,
    at: number,
    result: PostResult,
    waitMs: number | null = null,
    permanent = false,
  ): WebhookAttempt {
    const { clock, options } = this.deps
    const attempt = row.attempts + 1
    const ok = result.error === null && result.status !== null && result.status < 300
    const end = clock.now()
    const outcome = ok
      ? 'delivered'
      : permanent || end - row.createdAt >= options.retryForMs
        ? 'failed'
        : 'pending'
    const wait = waitMs ?? backoffMs(attempt)
    return {
      endpointId: row.endpointId,
      eventId: row.eventId,
      at,
      outcome,
      nextAttemptAt:
        outcome === 'pending' ? Math.min(end + wait, row.createdAt + options.retryForMs) : null,
      responseStatus: result.status,
      responseMs: Math.max(0, Math.round(result.ms)),
      responseSnippet: result.snippet,
      error: ok ? null : (result.error ?? `HTTP ${result.status}`),
    }
  }

  /** One attempt; never throws (what went wrong is the attempt's outcome). */
  async #deliver(
    row: WebhookDeliveryRecord,
    endpoint: WebhookEndpointRecord | null,
  ): Promise<WebhookAttempt> {
    const { clock, policy, options } = this.deps
    const at = clock.now()
    if (!endpoint || !endpoint.enabled || row.body === null) {
      return cancelled(
        row,
        at,
        !endpoint ? 'endpoint deleted' : !endpoint.enabled ? 'endpoint disabled' : 'no body',
      )
    }
    if (isTelegramChannel(endpoint.url)) return this.#deliverToChat(row, endpoint, row.body)
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
    return this.#outcome(row, at, result)
  }

  #count(attempt: WebhookAttempt): void {
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
  }

  /** Counts the attempt and records it with others finishing about now (one commit). */
  #record(attempt: WebhookAttempt): Promise<void> {
    this.#count(attempt)
    const { promise, resolve } = Promise.withResolvers<void>()
    this.#results.push({ attempt, done: resolve })
    if (!this.#flushing) this.#flushing = this.#flush()
    return promise
  }

  /** Records finished attempts in one transaction; each waiter resolves once it is stored. */
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
      for (const r of batch) r.done()
    }
    this.#flushing = null
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
      this.#wantDue = this.#wantRetry = true
      this.kick()
    })
  }
}

function queueKey(row: Pick<WebhookDeliveryRecord, 'endpointId' | 'conversationId' | 'eventId'>) {
  return `${row.endpointId} ${row.conversationId ?? row.eventId}`
}

/** The row as its first attempt left it (sent at fan-out). */
function attempted(row: WebhookDeliveryRecord, a: WebhookAttempt): WebhookDeliveryRecord {
  return {
    ...row,
    status: a.outcome,
    // Kept only while it may be sent again.
    body: a.outcome === 'pending' ? row.body : null,
    attempts: a.outcome === 'cancelled' ? 0 : 1,
    nextAttemptAt: a.outcome === 'pending' ? a.nextAttemptAt : null,
    lastAttemptAt: a.outcome === 'cancelled' ? null : a.at,
    deliveredAt: a.outcome === 'delivered' ? a.at : null,
    responseStatus: a.responseStatus,
    responseMs: a.outcome === 'cancelled' ? null : a.responseMs,
    responseSnippet: a.responseSnippet?.slice(0, WEBHOOK_SNIPPET_LENGTH) ?? null,
    error: a.error,
  }
}

/** A row that will not be sent (its endpoint went, or nothing is left to send). */
function cancelled(row: WebhookDeliveryRecord, at: number, error: string): WebhookAttempt {
  return {
    endpointId: row.endpointId,
    eventId: row.eventId,
    at,
    outcome: 'cancelled',
    nextAttemptAt: null,
    responseStatus: null,
    responseMs: 0,
    responseSnippet: null,
    error,
  }
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
