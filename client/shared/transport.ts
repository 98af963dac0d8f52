/**
 * The realtime transport shared by widget and panel (docs/protocol.md sections 3, 6 and 10).
 *
 * One state enum, changed only by `setState`. Requests are numbered and kept by `req` until
 * their ack or error; a lost connection fails every pending one with a retryable error, except
 * durable requests (sends with a clientMsgId), which wait in order and are resent with the same
 * frame after the next auth, so the server answers a retry with the original ack. After every
 * (re)connect: auth, then resubscribe each conversation from the last seq seen (resume), then
 * resend. WebSocket first; when it fails to open twice while the server answers HTTP, SSE + POST,
 * then long-poll. Reconnects wait a jittered exponential backoff, or what a `reconnect` frame says.
 *
 * Liveness (docs/protocol.md section 3.3): any frame from the server proves the connection alive.
 * After `pingIntervalMs` (12 s) of silence a `ping` goes out; no answer within `pongTimeoutMs`
 * (3 s) and the connection counts as lost at once (reconnecting), so a dead network shows within
 * 15 s even when the browser does not notice. `wentOffline` (the browser's `offline` event) drops
 * it at once; while the `online` option says the browser is offline no attempt is made until
 * `reconnectNow` (its `online` event), for up to a minute (past it, attempts resume in case the
 * browser is wrong).
 */
import { backoffDelay, DEFAULT_BACKOFF } from './backoff.ts'
import { CHANNEL_ORDER, type Channel, type ChannelKind } from './channel.ts'
import { DurableQueue } from './durable.ts'
import { assertNever, Emitter } from './emitter.ts'
import { disconnected, fromWire, isDisconnected } from './errors.ts'
import {
  ParleyError,
  type ClientFrame,
  type ErrorCode,
  type EventFrame,
  type ReqId,
  type ServerFrame,
  type EphemeralEventFrame,
} from './protocol.ts'
import type {
  Outgoing,
  Pending,
  SubscribeAck,
  TransportEvents,
  TransportOptions,
  TransportState,
} from './transport-types.ts'

export type * from './transport-types.ts'

type Timer = ReturnType<typeof setTimeout>

/** Open failures of one kind, while the server answers HTTP, before falling back to the next. */
const BLOCKED_AFTER = 2
/** Silence after which a ping goes out, and how long its pong may take (section 3.3). */
const PING_INTERVAL_MS = 12_000
const PONG_TIMEOUT_MS = 3_000
/** Offline longer than this, attempts resume anyway (at the backoff's pace): onLine can lie. */
const OFFLINE_TRUST_MS = 60_000

export class Transport {
  private current: TransportState = 'idle'
  private kindIndex = 0
  private channel: Channel | null = null
  /** Bumped whenever a channel is dropped: callbacks of older channels are ignored. */
  private generation = 0
  private token: string | null = null
  private readonly pending = new Map<ReqId, Pending>()
  private nextReq = 1
  /** Subscribed conversations and the highest seq seen in each. */
  private readonly cursors = new Map<string, number>()
  /** Those of them watched invisibly (supervisors, docs/protocol.md 4.4). */
  private readonly invisible = new Set<string>()
  private readonly durable = new DurableQueue(
    (frame) => this.send(frame),
    () => this.current === 'connected',
    (error) => this.emitter.emit('retrying', error),
  )
  private retryTimer: Timer | undefined
  /** The next ping while connected and silent, or the deadline of the ping in flight. */
  private heartbeat: Timer | undefined
  /** When attempts started being held back because the browser said it was offline. */
  private offlineSince: number | null = null
  private attempt = 0
  private openFailures = 0
  private reconnectAfterMs: number | null = null
  private readonly emitter = new Emitter<TransportEvents>()
  private readonly kinds: readonly ChannelKind[]

  constructor(private readonly opts: TransportOptions) {
    this.kinds = opts.kinds ?? CHANNEL_ORDER
  }

  get state(): TransportState {
    return this.current
  }

  /** The channel kind in use, or the one the next connect will try. */
  get kind(): ChannelKind {
    return this.kinds[this.kindIndex] ?? 'poll'
  }

  on<K extends keyof TransportEvents>(name: K, fn: (value: TransportEvents[K]) => void) {
    return this.emitter.on(name, fn)
  }

  start(): void {
    if (this.current === 'idle' || this.current === 'closed') void this.connect()
  }

  /** Skips the backoff wait (the browser came back online, the tab became visible). */
  reconnectNow(): void {
    if (this.current === 'disconnected') void this.connect()
  }

  /** The browser lost its network: the connection is lost now, not at the next missed ping. */
  wentOffline(): void {
    if (this.current === 'connected' || this.current === 'connecting') this.lost(true)
  }

  stop(): void {
    this.setState('closed')
    clearTimeout(this.retryTimer)
    this.lost(true)
    this.durable.rejectAll(new ParleyError('unavailable', 'stopped'))
  }

  /**
   * Sends a request and resolves with its ack data. A plain request fails at once (retryable)
   * when not connected or when the connection drops. A durable one waits for the connection,
   * survives reconnects (resent unchanged: keep its clientMsgId), and runs strictly after the
   * durable requests before it.
   */
  request<T>(frame: Outgoing, opts: { durable?: boolean } = {}): Promise<T> {
    if (this.current === 'closed') return Promise.reject(new ParleyError('unavailable', 'stopped'))
    return opts.durable ? this.durable.push<T>(frame) : this.send<T>(frame)
  }

  /**
   * Streams a conversation's events after `afterSeq`, now and after every reconnect; watched
   * invisibly when `invisible` (supervisors and admins).
   */
  subscribe(conversationId: string, afterSeq: number, invisible = false): void {
    this.cursors.set(conversationId, afterSeq)
    if (invisible) this.invisible.add(conversationId)
    else this.invisible.delete(conversationId)
    if (this.current === 'connected') this.resubscribe(conversationId)
  }

  unsubscribe(conversationId: string): void {
    this.invisible.delete(conversationId)
    if (!this.cursors.delete(conversationId)) return
    this.send({ type: 'unsubscribe', conversationId }).catch(() => undefined)
  }

  /** The highest seq seen in a subscribed conversation. */
  cursor(conversationId: string): number | undefined {
    return this.cursors.get(conversationId)
  }

  /** The only place the state changes. */
  private setState(next: TransportState): void {
    if (this.current === next) return
    this.current = next
    this.emitter.emit('state', next)
  }

  private async connect(): Promise<void> {
    clearTimeout(this.retryTimer)
    this.setState('connecting')
    const generation = ++this.generation
    let token: string
    try {
      token = await this.opts.auth.token()
    } catch {
      // No session (server down or refusing): not a sign that WebSocket is blocked.
      if (generation === this.generation && this.current === 'connecting') this.lost(true)
      return
    }
    if (generation !== this.generation || this.current !== 'connecting') return
    this.token = token
    const live = () => generation === this.generation
    this.channel = this.opts.channels(
      this.kind,
      { baseUrl: this.opts.baseUrl, token },
      {
        open: () => {
          if (live()) this.opened(token)
        },
        frame: (frame) => {
          if (live()) this.receive(frame)
        },
        close: (info) => {
          if (live()) this.lost(info.opened)
        },
      },
    )
  }

  private opened(token: string): void {
    if (!this.channel?.needsAuth) return this.authenticated()
    this.send({ type: 'auth', token }, true).then(
      () => this.authenticated(),
      (error: ParleyError) => {
        if (isDisconnected(error)) return // the channel is gone; lost() already handled it
        if (isRefusal(error.code)) this.opts.auth.rejected(token, error.code)
        if (error.retryAfterMs !== undefined) this.reconnectAfterMs = error.retryAfterMs
        this.lost(true)
      },
    )
  }

  private authenticated(): void {
    this.attempt = 0
    this.openFailures = 0
    this.offlineSince = null
    this.setState('connected')
    this.heard()
    for (const conversationId of this.cursors.keys()) this.resubscribe(conversationId)
    this.durable.pump()
  }

  /** Drops the channel (if any), fails pending requests, and schedules the next attempt. */
  private lost(opened: boolean): void {
    this.generation++
    this.channel?.close()
    this.channel = null
    clearTimeout(this.heartbeat)
    const failed = [...this.pending.values()]
    this.pending.clear()
    for (const p of failed) p.reject(disconnected())
    if (this.current === 'closed') return
    this.setState('disconnected')
    if (opened) return this.scheduleRetry()
    void this.noteFailedOpen(this.kind).finally(() => this.scheduleRetry())
  }

  private async noteFailedOpen(kind: ChannelKind): Promise<void> {
    if (this.kindIndex >= this.kinds.length - 1 || !this.opts.probe) return
    const reachable = await this.opts.probe().catch(() => false)
    if (!reachable || this.kind !== kind) return
    if (++this.openFailures < BLOCKED_AFTER) return
    this.kindIndex++
    this.openFailures = 0
    this.attempt = 0
  }

  private scheduleRetry(): void {
    if (this.current !== 'disconnected') return
    clearTimeout(this.retryTimer)
    const random = (this.opts.random ?? Math.random)()
    const delay =
      this.reconnectAfterMs !== null
        ? Math.round(this.reconnectAfterMs * (1 + random))
        : backoffDelay(this.attempt++, this.opts.backoff ?? DEFAULT_BACKOFF, random)
    this.reconnectAfterMs = null
    this.retryTimer = setTimeout(() => {
      // Offline: the attempt would fail; the `online` event calls reconnectNow.
      if (this.opts.online?.() === false) {
        this.offlineSince ??= Date.now()
        if (Date.now() - this.offlineSince < OFFLINE_TRUST_MS) return this.scheduleRetry()
      } else this.offlineSince = null
      void this.connect()
    }, delay)
  }

  private send<T>(frame: Outgoing, beforeAuth = false): Promise<T> {
    const channel = this.channel
    if (!channel || (!beforeAuth && this.current !== 'connected')) {
      return Promise.reject(disconnected())
    }
    const req = this.nextReq++
    return new Promise<T>((resolve, reject) => {
      this.pending.set(req, { resolve: resolve as (data: unknown) => void, reject })
      channel.send({ ...frame, req } as ClientFrame)
    })
  }

  private resubscribe(conversationId: string): void {
    const afterSeq = this.cursors.get(conversationId)
    if (afterSeq === undefined) return
    const watch = this.invisible.has(conversationId) ? { watch: 'invisible' as const } : {}
    this.send<SubscribeAck>({ type: 'subscribe', conversationId, afterSeq, ...watch }).then(
      (view) => {
        const cursor = this.cursors.get(conversationId)
        if (cursor === undefined) return
        // An ack below what we asked for: the server lost events we had (restored backup).
        const behind = view.lastSeq < afterSeq
        this.cursors.set(conversationId, behind ? view.lastSeq : Math.max(cursor, view.lastSeq))
        this.emitter.emit('subscribed', { conversationId, view, behind })
      },
      (error: ParleyError) => {
        if (isDisconnected(error) || error.code === 'conflict') return // resumed or superseded
        if (error.retryable) {
          setTimeout(() => {
            if (this.current === 'connected') this.resubscribe(conversationId)
          }, error.retryAfterMs ?? 1000)
          return
        }
        this.cursors.delete(conversationId)
        this.emitter.emit('subscribeFailed', { conversationId, error })
      },
    )
  }

  private receive(frame: ServerFrame): void {
    this.heard()
    switch (frame.type) {
      case 'ack':
        return this.settle(frame.req, (p) => p.resolve(frame.data))
      case 'pong':
        return this.settle(frame.req, (p) => p.resolve(undefined))
      case 'error':
        if (frame.req !== undefined) return this.settle(frame.req, (p) => p.reject(fromWire(frame)))
        // The server ended one subscription (the rights to it were revoked).
        if (frame.conversationId !== undefined) {
          if (!this.cursors.delete(frame.conversationId)) return
          const error = fromWire(frame)
          return this.emitter.emit('subscribeFailed', {
            conversationId: frame.conversationId,
            error,
          })
        }
        // The token expired or was revoked mid-connection; the server closes with 4001 next.
        if (isRefusal(frame.code) && this.token) this.opts.auth.rejected(this.token, frame.code)
        return
      case 'event':
        return this.onEvent(frame)
      case 'feed':
        return this.emitter.emit('feed', frame)
      case 'reconnect':
        this.reconnectAfterMs = frame.afterMs
        return
      default:
        return assertNever(frame)
    }
  }

  private settle(req: ReqId, fn: (p: Pending) => void): void {
    const pending = this.pending.get(req)
    if (!pending) return
    this.pending.delete(req)
    fn(pending)
  }

  private onEvent(frame: EventFrame | EphemeralEventFrame): void {
    const cursor = this.cursors.get(frame.conversationId)
    if (cursor === undefined) return // not (or no longer) subscribed
    if (frame.name === 'queue') return this.emitter.emit('queue', frame)
    if (frame.name === 'viewers') return this.emitter.emit('viewers', frame)
    if ('seq' in frame) {
      if (frame.seq <= cursor) return // seen already: an overlapping resume
      this.cursors.set(frame.conversationId, frame.seq)
    }
    this.emitter.emit('event', frame)
  }

  /** The server was heard from: the next ping waits for a full interval of silence again. */
  private heard(): void {
    clearTimeout(this.heartbeat)
    if (this.current !== 'connected') return
    this.heartbeat = setTimeout(() => this.ping(), this.opts.pingIntervalMs ?? PING_INTERVAL_MS)
  }

  private ping(): void {
    const generation = this.generation
    // Any frame (the pong or another) re-arms the timer through heard() and so ends this wait.
    this.heartbeat = setTimeout(() => {
      if (generation === this.generation && this.current === 'connected') this.lost(true)
    }, this.opts.pongTimeoutMs ?? PONG_TIMEOUT_MS)
    this.send({ type: 'ping' }).catch(() => undefined)
  }
}

/** Codes that refuse the token itself: the token source must not offer it again. */
function isRefusal(code: ErrorCode): boolean {
  return code === 'token_expired' || code === 'unauthenticated' || code === 'identity_required'
}
