/**
 * The realtime gateway: decodes and validates client frames, routes them to the chat service,
 * answers each `req` with `ack` or `error`, and manages subscriptions with resume by seq.
 * Transport-agnostic: WebSocket, SSE and long-poll connections all come through here.
 */
import * as v from 'valibot'
import type { Logger, Store } from '../../actors/index.ts'
import type { AuthService } from '../auth/index.ts'
import type { OriginGuard } from '../origins.ts'
import type { ChatService } from '../chat.ts'
import type { Metrics } from '../metrics.ts'
import {
  CLIENT_FRAME_SCHEMAS,
  ClientFrame,
  decodeFrame,
  isOperatorOnly,
  ParleyError,
  RefusedFrame,
  ReqId,
  toWireError,
  type ReqId as ReqIdT,
  type WatchMode,
  type WireError,
} from '../../protocol/index.ts'
import { openWatched } from '../supervisor.ts'
import { Subscription, type Connection } from './connection.ts'
import type { Hub } from './hub.ts'

export interface GatewayLimits {
  /** Connections (all transports) one visitor may hold at once: its tabs (seed 003). */
  maxVisitorConnections: number
  /** Connections (all transports) one operator may hold at once: its tabs and devices. */
  maxOperatorConnections: number
  maxFrameBytes: number
  /** Requests one connection may have in flight at once. */
  maxInflight: number
  /** Conversations one connection may watch at once. */
  maxSubscriptions: number
  /** A connection must authenticate within this long. */
  authTimeoutMs: number
}

/** Events replayed per store read while resuming. */
const REPLAY_PAGE = 500
/** A replay whose client reads nothing for this long is cut as a slow consumer. */
const REPLAY_STALL_MS = 30_000

export class Gateway {
  readonly connections = new Set<Connection>()
  /** Live connections per principal ("kind:id"): the per-user connection limit (T3). */
  private readonly byPrincipal = new Map<string, Set<Connection>>()
  private draining = false
  /** Subscriptions that watch invisibly (O5): their connection's receipts and typing are refused. */
  private readonly invisible = new WeakSet<Subscription>()

  constructor(
    private readonly deps: {
      auth: AuthService
      /** Which sites may use an inbox (S3). */
      origins: OriginGuard
      chat: ChatService
      hub: Hub
      store: Store
      metrics: Metrics
      log: Logger
      limits: GatewayLimits
    },
  ) {}

  /** A new connection, not yet authenticated. Refused while draining. */
  open(conn: Connection): void {
    if (this.draining) {
      conn.close({ type: 'reconnect', reason: 'server is restarting', afterMs: 1000 }, 1012)
      return
    }
    this.connections.add(conn)
    this.deps.metrics.inc('parley_connections_opened_total', 'Connections opened.', {
      transport: conn.transport,
    })
    if (!conn.principal) {
      setTimeout(() => {
        if (!conn.closed && !conn.principal) {
          conn.send({
            type: 'error',
            code: 'unauthenticated',
            message: 'authenticate first',
            retryable: false,
          })
          conn.close(null, 4001)
        }
      }, this.deps.limits.authTimeoutMs).unref?.()
    }
  }

  closed(conn: Connection): void {
    if (!this.connections.delete(conn)) return
    for (const sub of conn.subs.values()) this.deps.hub.remove(sub)
    conn.subs.clear()
    if (conn.principal?.kind === 'operator') {
      this.deps.hub.unwatchFeed(conn.principal.id, conn)
      this.deps.chat.operatorDisconnected(conn.principal.id, conn.id)
    }
    if (conn.principal) {
      const key = principalKey(conn.principal)
      const set = this.byPrincipal.get(key)
      set?.delete(conn)
      if (set?.size === 0) this.byPrincipal.delete(key)
    }
  }

  /**
   * Binds a token to a connection, enforcing the connection limit (T3). The limit counts the
   * principal's connections, so renewed or re-issued tokens of one user cannot multiply it.
   */
  async authenticate(conn: Connection, token: string): Promise<{ kind: string; id: string }> {
    const { principal, expiresAt } = await this.resolveForConnection(token)
    if (principal.kind === 'operator' && conn.origin.foreign) {
      throw new ParleyError('forbidden', "operator sessions are accepted from the panel's origin")
    }
    if (principal.kind === 'visitor') {
      await this.deps.origins.admit(principal.inboxId, conn.origin, {
        entry: conn.transport === 'ws' ? 'websocket' : 'stream',
        opaqueAdmitted: true,
      })
    }
    if (conn.principal) {
      if (conn.principal.id !== principal.id || conn.principal.kind !== principal.kind) {
        throw new ParleyError('forbidden', 'connection is already authenticated as someone else')
      }
      return { kind: principal.kind, id: principal.id }
    }
    const key = principalKey(principal)
    const set = this.byPrincipal.get(key) ?? new Set<Connection>()
    const limits = this.deps.limits
    const max =
      principal.kind === 'visitor' ? limits.maxVisitorConnections : limits.maxOperatorConnections
    if (set.size >= max) {
      throw new ParleyError(
        'too_many_connections',
        `at most ${max} connections per ${principal.kind}`,
        { retryAfterMs: 5000 },
      )
    }
    set.add(conn)
    this.byPrincipal.set(key, set)
    conn.principal = principal
    conn.token = token
    conn.expiresAt = expiresAt
    // Presence (O4): an operator is present while any of its connections is.
    if (principal.kind === 'operator') this.deps.chat.operatorConnected(principal.id, conn.id)
    return { kind: principal.kind, id: principal.id }
  }

  /**
   * Resolves a token for a connection that is not registered yet: a revocation applied
   * meanwhile would miss it, so it resolves again until none came in between.
   */
  private async resolveForConnection(token: string) {
    const auth = this.deps.auth
    for (let attempt = 0; attempt < 3; attempt++) {
      const seen = auth.revocations
      const session = await auth.resolveSession(token)
      if (auth.revocations === seen) return session
    }
    throw new ParleyError('unavailable', 'access rights are changing; retry', {
      retryAfterMs: 500,
    })
  }

  /** Handles one raw frame. Never throws: every failure becomes an error frame. */
  receive(conn: Connection, raw: string | Uint8Array): void {
    conn.lastSeenAt = Date.now()
    const size = typeof raw === 'string' ? Buffer.byteLength(raw) : raw.byteLength
    if (size > this.deps.limits.maxFrameBytes) {
      this.fail(
        conn,
        undefined,
        new ParleyError(
          'frame_too_large',
          `frames are limited to ${this.deps.limits.maxFrameBytes} bytes`,
        ),
      )
      return
    }
    let frame: ClientFrame
    let req: ReqIdT | undefined
    try {
      const decoded = decodeFrame(raw, conn.format)
      req = reqOf(decoded)
      frame = validate(decoded)
    } catch (error) {
      // A frame refused while decoding can still have a readable req (RefusedFrame).
      this.fail(
        conn,
        req ?? (error instanceof RefusedFrame ? reqOf(error.decoded) : undefined),
        error,
      )
      return
    }
    if (conn.inflight >= this.deps.limits.maxInflight) {
      this.fail(conn, frame.req, INFLIGHT_REFUSED)
      return
    }
    conn.inflight++
    this.handle(conn, frame)
      .then((data) => {
        if (data !== NO_ACK)
          conn.send(
            data === undefined
              ? { type: 'ack', req: frame.req }
              : { type: 'ack', req: frame.req, data },
          )
      })
      .catch((error) => this.fail(conn, frame.req, error))
      .finally(() => conn.inflight--)
  }

  private async handle(conn: Connection, frame: ClientFrame): Promise<unknown> {
    if (frame.type === 'ping') {
      conn.send({ type: 'pong', req: frame.req })
      return NO_ACK
    }
    if (frame.type === 'auth') return this.authenticate(conn, frame.token)
    const principal = conn.principal
    if (!principal) throw new ParleyError('unauthenticated', 'send an auth frame first')
    const chat = this.deps.chat
    switch (frame.type) {
      case 'start': {
        const created = await chat.start(principal, {
          clientMsgId: frame.clientMsgId,
          text: frame.text,
          locale: frame.locale,
          context: frame.context,
          address: conn.address,
          userAgent: conn.userAgent,
          ...(frame.campaignId !== undefined ? { campaignId: frame.campaignId } : {}),
        })
        return { conversation: created.conversation, message: created.message }
      }
      case 'subscribe':
        return this.subscribe(conn, frame.conversationId, frame.afterSeq, frame.watch)
      case 'unsubscribe': {
        const sub = conn.subs.get(frame.conversationId)
        if (sub) {
          this.deps.hub.remove(sub)
          conn.subs.delete(frame.conversationId)
          // A replay waiting for the client stops now (its subscribe gets `conflict`).
          sub.replaced.abort()
        }
        return undefined
      }
      case 'send':
        return chat.send(principal, frame.conversationId, frame.clientMsgId, {
          text: frame.text,
          attachmentIds: frame.attachmentIds,
          address: conn.address,
        })
      case 'note':
        return chat.note(
          principal,
          frame.conversationId,
          frame.clientMsgId,
          frame.text,
          frame.mentions,
        )
      case 'edit':
        return chat.edit(principal, frame.conversationId, frame.messageId, frame.text)
      case 'delete':
        return chat.delete(principal, frame.conversationId, frame.messageId)
      case 'typing':
        this.refuseIfInvisible(conn, frame.conversationId)
        return chat.typing(principal, frame.conversationId, frame.on)
      case 'viewing':
        this.refuseIfInvisible(conn, frame.conversationId)
        return chat.viewing(principal, frame.conversationId, frame.on)
      case 'read':
        this.refuseIfInvisible(conn, frame.conversationId)
        return chat.mark(principal, frame.conversationId, { readSeq: frame.seq })
      case 'delivered':
        this.refuseIfInvisible(conn, frame.conversationId)
        return chat.mark(principal, frame.conversationId, { deliveredSeq: frame.seq })
      case 'set_status':
        return chat.setStatus(principal, frame.conversationId, frame.status)
      case 'set_priority':
        return chat.setPriority(principal, frame.conversationId, frame.priority)
      case 'set_labels':
        return chat.setLabels(principal, frame.conversationId, frame)
      case 'snooze':
        return chat.snooze(principal, frame.conversationId, frame.until ?? null)
      case 'unsnooze':
        return chat.unsnooze(principal, frame.conversationId)
      case 'set_operator_status':
        return chat.setOperatorStatus(principal, frame.status)
      case 'feed_subscribe':
        if (principal.kind !== 'operator') throw new ParleyError('forbidden', 'operators only')
        // Watch first, then snapshot: a change in between arrives twice, never not at all.
        this.deps.hub.watchFeed(principal.id, conn)
        return chat.operatorSnapshot(principal)
      case 'assign':
        return chat.assign(principal, frame.conversationId, frame.operatorId)
      case 'transfer':
        return chat.transfer(principal, frame.conversationId, frame.to, frame.note)
      case 'page':
        return chat.page(principal, frame.conversationId, { url: frame.url, title: frame.title })
      case 'rate':
        return chat.rate(principal, frame.conversationId, frame.score, frame.comment ?? null)
      default:
        return assertNever(frame)
    }
  }

  /**
   * Resume (C2): watch live events first (buffered), replay everything after afterSeq from the
   * store, then flush the buffer skipping what the replay covered. No gap, no duplicate.
   */
  private async subscribe(
    conn: Connection,
    conversationId: string,
    requestedAfter: number,
    watch?: WatchMode,
  ) {
    const principal = conn.principal as NonNullable<Connection['principal']>
    const existing = conn.subs.get(conversationId)
    if (!existing && conn.subs.size >= this.deps.limits.maxSubscriptions) {
      throw new ParleyError(
        'validation_failed',
        `at most ${this.deps.limits.maxSubscriptions} subscriptions per connection`,
      )
    }
    const view = await openWatched(this.deps, principal, conversationId, watch, conn.address)
    // A client ahead of the server (e.g. a restored backup) resumes from what exists; the
    // ack's lastSeq tells it so.
    const afterSeq = Math.min(requestedAfter, view.conversation.lastSeq)
    if (existing) {
      this.deps.hub.remove(existing)
      existing.replaced.abort()
    }
    const sub = new Subscription(conn, conversationId, afterSeq)
    if (watch === 'invisible') this.invisible.add(sub)
    sub.onGap = (s) => void this.catchUp(s)
    conn.subs.set(conversationId, sub)
    this.deps.hub.add(sub)
    // In a cluster: live events from other nodes must flow before the replay reads the store.
    await this.deps.hub.ready()
    let after: number | null
    try {
      after = await this.replay(sub, afterSeq)
      if (after === null) {
        if (conn.closed) return NO_ACK
        throw new ParleyError('conflict', 'replaced by a newer subscribe or unsubscribe')
      }
    } catch (error) {
      if (conn.subs.get(conversationId) === sub) {
        this.deps.hub.remove(sub)
        conn.subs.delete(conversationId)
      }
      throw error
    }
    sub.goLive(after)
    this.deps.hub.live(sub)
    return { ...view, lastSeq: Math.max(after, view.conversation.lastSeq) }
  }

  /**
   * Sends the stored events after `from` to the subscription's connection, page by page, while
   * its live events wait in its buffer. Flow-controlled: past the connection's high-water mark
   * it waits for the client to read, so a slow client gets the whole history instead of being
   * cut; one that reads nothing for REPLAY_STALL_MS is cut. Resolves to the last seq sent (or
   * `from`), or null when the connection closed or the subscription was replaced meanwhile.
   */
  private async replay(sub: Subscription, from: number): Promise<number | null> {
    const { conn, conversationId } = sub
    const hideNotes = conn.principal?.kind !== 'operator'
    let after = from
    for (;;) {
      const events = await this.deps.store.conversations.eventsAfter(
        conversationId,
        after,
        REPLAY_PAGE,
      )
      for (const e of events) {
        if (e.seq <= after) continue
        // Private notes never reach a visitor; the seq still counts as delivered.
        if (hideNotes && isOperatorOnly(e.name, e.data)) {
          after = e.seq
          continue
        }
        if (!conn.canWriteMore && !(await this.awaitClient(sub))) return null
        if (!this.isCurrent(sub)) return null
        conn.sendPaced({ type: 'event', ...e })
        after = e.seq
      }
      if (!this.isCurrent(sub)) return null
      if (events.length < REPLAY_PAGE) return after
    }
  }

  /** Waits for a replay's client to read; false when the replay must stop (cut if stalled). */
  private async awaitClient(sub: Subscription): Promise<boolean> {
    const outcome = await sub.conn.whenWritable(REPLAY_STALL_MS, sub.replaced.signal)
    if (outcome !== 'stalled') return outcome === 'writable'
    if (this.isCurrent(sub)) {
      this.deps.log.warn('replay stalled; cutting the connection', { conn: sub.conn.id })
      sub.conn.cutSlow()
    }
    return false
  }

  /** Whether this connection watches the conversation invisibly now (O5). */
  watchesInvisibly(conn: Connection, conversationId: string): boolean {
    const sub = conn.subs.get(conversationId)
    return sub !== undefined && this.invisible.has(sub)
  }

  /**
   * While this connection watches the conversation invisibly (O5), it shows the visitor
   * nothing: its read and delivered marks and its typing are refused, and nothing changes.
   */
  private refuseIfInvisible(conn: Connection, conversationId: string): void {
    if (this.watchesInvisibly(conn, conversationId)) {
      throw new ParleyError(
        'forbidden',
        'watching invisibly: subscribe without watch to mark read or type',
      )
    }
  }

  private isCurrent(sub: Subscription): boolean {
    return !sub.conn.closed && sub.conn.subs.get(sub.conversationId) === sub
  }

  /**
   * Replays a subscription's missed events from the store (a gap in live events, or the
   * cluster link coming back), then goes live again. A connection that cannot catch up is cut
   * and resumes by seq when it reconnects.
   */
  private async catchUp(sub: Subscription): Promise<void> {
    if (sub.catchingUp) return
    sub.catchingUp = true
    this.deps.hub.leaveNative(sub)
    sub.startCatchUp()
    const { conn } = sub
    let after: number | null
    try {
      after = await this.replay(sub, sub.lastSeq)
    } catch (error) {
      this.deps.log.warn('catch-up failed; cutting the connection', { conn: conn.id, error })
      conn.terminate('catch-up failed')
      return
    } finally {
      sub.catchingUp = false
    }
    if (after === null) return
    sub.goLive(after)
    this.deps.hub.live(sub)
  }

  /** The cluster link dropped (clients are told; their requests fail retryably) or came back. */
  clusterLinkChanged(up: boolean): void {
    if (up) return this.catchUpAll()
    for (const conn of this.connections) {
      if (conn.closed) continue
      conn.send({
        type: 'error',
        code: 'unavailable',
        message: 'this server lost its cluster link; requests fail until it is back',
        retryable: true,
      })
    }
  }

  /**
   * Every live subscription replays what it missed from the store, then goes live again: after
   * this node's cluster link came back, or another node's (what it published meanwhile was lost).
   */
  catchUpAll(): void {
    for (const conn of this.connections) {
      if (conn.closed) continue
      for (const sub of conn.subs.values()) if (!sub.replaying) void this.catchUp(sub)
    }
  }

  /** Cuts connections whose token has expired; the client gets a new token and reconnects. */
  expireSessions(now: number): void {
    for (const conn of [...this.connections]) {
      if (conn.expiresAt === null || conn.expiresAt > now) continue
      conn.send({
        type: 'error',
        code: 'token_expired',
        message: 'token expired; get a new one and reconnect',
        retryable: false,
      })
      conn.close(null, 4001)
      this.closed(conn)
    }
  }

  private fail(conn: Connection, req: ReqIdT | undefined, error: unknown): void {
    const wire = toWireError(error)
    if (wire.code === 'internal_error')
      this.deps.log.error('request failed', { conn: conn.id, error })
    this.deps.metrics.inc(
      'parley_dispatch_errors_total',
      'Requests answered with an error, by code.',
      { code: wire.code },
    )
    conn.send(req === undefined ? { type: 'error', ...wire } : { type: 'error', req, ...wire })
  }

  /** Counts a slow consumer cut (called by connections). */
  slowConsumer(conn: Connection): void {
    this.deps.metrics.inc(
      'parley_slow_consumers_total',
      'Connections cut for not reading fast enough.',
      { transport: conn.transport },
    )
    this.deps.log.warn('slow consumer cut', { conn: conn.id, transport: conn.transport })
  }

  /** This node's authenticated connections of one principal. */
  connectionsOf(kind: 'visitor' | 'operator', id: string): Connection[] {
    return [...(this.byPrincipal.get(principalKey({ kind, id })) ?? [])]
  }

  /** Ends a connection with a last error frame (its access was revoked). */
  end(conn: Connection, error: WireError, closeCode: number): void {
    conn.send({ type: 'error', ...error })
    conn.close(null, closeCode)
    this.closed(conn)
  }

  /** Ends one subscription that its connection may no longer hold; the client is told which. */
  endSubscription(conn: Connection, conversationId: string, error: WireError): void {
    const sub = conn.subs.get(conversationId)
    if (!sub) return
    this.deps.hub.remove(sub)
    conn.subs.delete(conversationId)
    sub.replaced.abort()
    conn.send({ type: 'error', conversationId, ...error })
  }

  /** Drain: refuse new connections and tell every client to reconnect elsewhere or later. */
  drain(afterMs: number): void {
    this.draining = true
    for (const conn of [...this.connections]) {
      conn.close({ type: 'reconnect', reason: 'server is restarting', afterMs }, 1012)
      this.closed(conn)
    }
  }

  get isDraining(): boolean {
    return this.draining
  }
}

function principalKey(principal: { kind: string; id: string }): string {
  return `${principal.kind}:${principal.id}`
}

/**
 * The refusal of a request past the in-flight limit: one value for every refusal (an error is
 * immutable; building one captures a stack, and a client in a retry loop asks often).
 */
const INFLIGHT_REFUSED = new ParleyError(
  'overloaded',
  'too many requests in flight on this connection',
  {
    retryAfterMs: 100,
  },
)

/** Marker: the handler already replied (or must not). */
const NO_ACK = Symbol('no-ack')

function reqOf(decoded: unknown): ReqIdT | undefined {
  if (typeof decoded !== 'object' || decoded === null || !('req' in decoded)) return undefined
  const parsed = v.safeParse(ReqId, (decoded as { req: unknown }).req)
  return parsed.success ? parsed.output : undefined
}

/** Typed errors for the three ways a frame can be wrong: shape, type, fields. */
function validate(decoded: unknown): ClientFrame {
  if (typeof decoded !== 'object' || decoded === null || Array.isArray(decoded)) {
    throw new ParleyError('invalid_frame', 'a frame is an object with a type')
  }
  const type = (decoded as { type?: unknown }).type
  if (typeof type !== 'string')
    throw new ParleyError('invalid_frame', 'a frame is an object with a type')
  const schema = CLIENT_FRAME_SCHEMAS.get(type)
  if (!schema) throw new ParleyError('unknown_type', `unknown frame type "${type.slice(0, 40)}"`)
  const parsed = v.safeParse(schema, decoded)
  if (!parsed.success) {
    const issue = parsed.issues[0]
    const path = issue.path?.map((p) => String(p.key)).join('.')
    throw new ParleyError('validation_failed', path ? `${path}: ${issue.message}` : issue.message)
  }
  return parsed.output as ClientFrame
}

function assertNever(value: never): never {
  throw new Error(`unhandled frame ${JSON.stringify(value)}`)
}
