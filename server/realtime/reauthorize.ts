/**
 * Applies revocations (server/auth/revocation.ts) to this node's live connections, WebSocket
 * and fallback sessions alike: each connection a revocation concerns is authorized again with
 * the token it authenticated with, as if it connected now. A token that no longer resolves
 * ends the connection (4001, with the refusal's code); an operator that may no longer view
 * is cut (4003); one whose rights changed goes on with the new ones, and each conversation it
 * watches is checked with the rule of `subscribe`: one it may no longer view ends with an
 * error frame naming it.
 */
import { canOperatorAccess, type Logger } from '../../actors/index.ts'
import type { OriginGuard } from '../origins.ts'
import type { AuthService, Revocation } from '../auth/index.ts'
import type { ChatService } from '../chat.ts'
import { requireElevated } from '../supervisor.ts'
import { toWireError, type WireError } from '../../protocol/index.ts'
import type { Connection } from './connection.ts'
import type { Gateway } from './gateway.ts'

/** Close codes (docs/protocol.md section 3.5). */
const CLOSE_REVOKED = 4001
const CLOSE_FORBIDDEN = 4003
/** The check itself failed (the store did not answer): reconnect and authenticate anew. */
const CLOSE_TRY_AGAIN = 1013
/** Connections checked at once when every connection is (so the store is not flooded). */
const RESYNC_PARALLEL = 8

/** The step of the revocation path that reaches this node's live connections. */
export class Reauthorizer {
  /** The latest check started per connection: an older one finishing later changes nothing. */
  private readonly latest = new WeakMap<Connection, number>()
  private checks = 0

  constructor(
    private readonly deps: {
      gateway: Gateway
      auth: AuthService
      chat: ChatService
      /** Which sites may use an inbox (S3): a visitor's connection is checked again too. */
      origins: OriginGuard
      log: Logger
    },
  ) {}

  /** The step of applying a revocation to live connections. */
  async revoked(revocation: Revocation): Promise<void> {
    const conns = this.concerned(revocation)
    if (conns.length === 0) return
    const everything = revocation.kind === 'everything'
    const rights = revocation.kind === 'operator_rights' || everything
    // A revocation fails closed: a connection whose check could not be made is ended too. A
    // resync after a link drop (everything) ends only what is known to be refused.
    const check = (conn: Connection) => this.check(conn, { rights, failClosed: !everything })
    const ended = everything
      ? await inBatches(conns, RESYNC_PARALLEL, check)
      : await Promise.all(conns.map(check))
    this.deps.log.info('revocation applied to connections', {
      kind: revocation.kind,
      checked: conns.length,
      ended: ended.filter(Boolean).length,
    })
  }

  private concerned(revocation: Revocation): Connection[] {
    const { gateway } = this.deps
    switch (revocation.kind) {
      case 'session':
      case 'operator':
      case 'operator_rights':
        return gateway.connectionsOf('operator', revocation.operatorId)
      case 'visitor':
        return gateway.connectionsOf('visitor', revocation.visitorId)
      case 'inbox_visitors':
      case 'inbox_sites':
        return [...gateway.connections].filter(
          (c) => c.principal?.kind === 'visitor' && c.principal.inboxId === revocation.inboxId,
        )
      case 'api_token':
        // API tokens authenticate REST requests only, never a connection.
        return []
      case 'everything':
        return [...gateway.connections].filter((c) => c.principal !== null)
      default:
        return assertNever(revocation)
    }
  }

  /** Authorizes one connection again; true when it was ended. */
  private async check(
    conn: Connection,
    opts: { rights: boolean; failClosed: boolean },
  ): Promise<boolean> {
    const token = conn.token
    if (conn.closed || token === null) return false
    const id = ++this.checks
    this.latest.set(conn, id)
    let resolved: Awaited<ReturnType<AuthService['resolveSession']>>
    try {
      resolved = await this.deps.auth.resolveSession(token)
    } catch (error) {
      const wire = toWireError(error)
      if (wire.code === 'internal_error')
        this.deps.log.error('re-authorizing a connection failed', { conn: conn.id, error })
      if (this.latest.get(conn) !== id || conn.closed) return false
      if (wire.retryable && !opts.failClosed) return false
      this.endRefused(conn, wire)
      return true
    }
    if (this.latest.get(conn) !== id || conn.closed) return false
    const { principal } = resolved
    if (principal.kind === 'operator' && !canOperatorAccess(principal, 'view')) {
      this.deps.gateway.end(
        conn,
        { code: 'forbidden', message: 'permissions changed', retryable: false },
        CLOSE_FORBIDDEN,
      )
      return true
    }
    if (principal.kind === 'visitor') {
      // The inbox's sites may have changed since this connection was opened.
      try {
        await this.deps.origins.admit(principal.inboxId, conn.origin, {
          entry: conn.transport === 'ws' ? 'websocket' : 'stream',
          opaqueAdmitted: true,
        })
      } catch (error) {
        const wire = toWireError(error)
        if (this.latest.get(conn) !== id || conn.closed) return false
        if (wire.retryable && !opts.failClosed) return false
        this.endRefused(conn, wire)
        return true
      }
      if (this.latest.get(conn) !== id || conn.closed) return false
    }
    conn.principal = principal
    conn.expiresAt = resolved.expiresAt
    // A visitor's rights to its own conversations never change; an operator's may.
    if (opts.rights && principal.kind === 'operator') await this.checkSubscriptions(conn, id)
    return false
  }

  private endRefused(conn: Connection, error: WireError): void {
    const { gateway } = this.deps
    if (error.retryable) return gateway.end(conn, error, CLOSE_TRY_AGAIN)
    // The refusal says why in terms of a token ("invalid or revoked session"); to a client
    // holding a live connection, what happened is that its session was revoked.
    const message = error.code === 'unauthenticated' ? 'session revoked' : error.message
    gateway.end(conn, { ...error, message }, CLOSE_REVOKED)
  }

  /** Each watched conversation is opened again with the connection's current rights. */
  private async checkSubscriptions(conn: Connection, id: number): Promise<void> {
    await Promise.all(
      [...conn.subs.keys()].map(async (conversationId) => {
        const principal = conn.principal
        if (!principal) return
        try {
          // Watching invisibly stays a supervisor's or admin's right (O5).
          if (this.deps.gateway.watchesInvisibly(conn, conversationId)) {
            requireElevated(principal, 'watching invisibly')
          }
          await this.deps.chat.open(principal, conversationId)
        } catch (error) {
          const wire = toWireError(error)
          // Not knowing (the conversation is moving between nodes) is not a refusal.
          if (wire.retryable || this.latest.get(conn) !== id || conn.closed) return
          this.deps.gateway.endSubscription(conn, conversationId, wire)
        }
      }),
    )
  }
}

/** Runs fn over items, at most `parallel` at a time; results in order. */
async function inBatches<T, R>(
  items: T[],
  parallel: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = []
  for (let i = 0; i < items.length; i += parallel) {
    results.push(...(await Promise.all(items.slice(i, i + parallel).map(fn))))
  }
  return results
}

function assertNever(value: never): never {
  throw new Error(`unhandled revocation ${JSON.stringify(value)}`)
}
