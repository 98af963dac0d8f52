/**
 * The visitor session (docs/protocol.md section 2.1). Anonymous: the token is stored (in the
 * host page's storage, through the loader) and renewed halfway through its life (renewal needs
 * a still-valid token), so a returning or long-lived page keeps its visitor; only a token that
 * could not be renewed makes the browser a new visitor. Verified (W2): the site vouches for its
 * user with data-user-id and data-user-hash, and every session is asked for with those instead.
 * When the server refuses them (the inbox's identity secret rotated: `identity_required`, or a
 * hash that no longer verifies), the page is asked for a new hash once and nothing is requested
 * until it comes: resending a refused hash could only be refused again.
 */
import { httpJson, ParleyError, type ErrorCode, type TokenSource } from '../shared/index.ts'
import type { Identity } from './config.ts'
import type { KeyValue } from './storage.ts'

interface StoredSession {
  token: string
  visitorId: string
  expiresAt: number
  issuedAt: number
  /** The verified user the session belongs to; null for an anonymous visitor. */
  userId: string | null
}

interface SessionReply {
  token: string
  visitorId: string
  expiresAt: number
}

const KEY = 'session'
/**
 * The ticket the server wrote into this frame's page (server/origins.ts): it shows the page was
 * framed by a site the inbox allows, which is how a new session is given to the sandboxed
 * frame. It expires and is bound to the address the page was loaded from.
 */
const FRAME_TICKET =
  document.querySelector<HTMLMetaElement>('meta[name="parley-frame-ticket"]')?.content || undefined
/** A page older than this whose ticket is refused reloads for a new one. */
const TICKET_FRESH_MS = 60_000
/** Refusals of a verified session that only a new hash from the site can cure. */
const REPROVE: ReadonlySet<ErrorCode> = new Set(['identity_required', 'unauthenticated'])

export class VisitorSession implements TokenSource {
  private current: StoredSession | null
  private refreshing: Promise<string> | null = null
  private renewTimer: ReturnType<typeof setTimeout> | undefined
  /** The server refused the identity; set until the page names its user anew. */
  private identityWanted = false
  /** Solves a challenge for a new session when the server asks for one (S4). */
  onCaptcha: (() => Promise<string>) | null = null

  constructor(
    private readonly baseUrl: string,
    private readonly inboxId: string,
    private identity: Identity | null,
    private readonly storage: KeyValue,
    /** Called when the visitor id changes (first session, or a new visitor after expiry). */
    private readonly onVisitor: (visitorId: string | null) => void,
    /** Called once per refused identity: the host page should prove its user again. */
    private readonly onIdentityRequired: () => void,
  ) {
    const stored = storage.get<StoredSession>(KEY)
    const owner = identity?.userId ?? null
    this.current =
      stored && stored.expiresAt > Date.now() && stored.userId === owner ? stored : null
    if (this.current) this.scheduleRenewal(this.current)
  }

  get visitorId(): string | null {
    return this.current?.visitorId ?? null
  }

  get exists(): boolean {
    return this.current !== null
  }

  token(): Promise<string> {
    const s = this.current
    if (s && Date.now() < renewAt(s)) return Promise.resolve(s.token)
    return (this.refreshing ??= this.refresh().finally(() => (this.refreshing = null)))
  }

  rejected(token: string, code: ErrorCode): void {
    if (this.current?.token !== token) return // already replaced by a renewed one
    this.current = null
    this.storage.remove(KEY)
    // The same user proved again keeps the same visitor: the conversation stays on screen.
    if (code !== 'identity_required') this.onVisitor(null)
  }

  /**
   * The page named its user anew (or nobody, signed out): sessions are asked for with that.
   * True when that is another user than the current session's, whose session is then dropped.
   */
  setIdentity(identity: Identity | null): boolean {
    const same =
      identity?.userId === this.identity?.userId && identity?.userHash === this.identity?.userHash
    if (same && !this.identityWanted) return false
    this.identity = identity
    this.identityWanted = false
    if (!this.current || this.current.userId === (identity?.userId ?? null)) return false
    // Not theirs: neither the stored session nor what it showed.
    this.current = null
    this.storage.remove(KEY)
    this.onVisitor(null)
    return true
  }

  private async refresh(): Promise<string> {
    const inboxId = this.inboxId
    if (this.identity) {
      if (this.identityWanted) {
        throw new ParleyError('identity_required', 'waiting for the site to prove its user')
      }
      try {
        return this.keep(await this.post({ inboxId, ...this.identity }))
      } catch (error) {
        if (error instanceof ParleyError && REPROVE.has(error.code)) {
          this.identityWanted = true
          this.onIdentityRequired()
        }
        throw error
      }
    }
    const s = this.current
    if (s && s.expiresAt > Date.now() + 5000) {
      try {
        return this.keep(await this.post({ inboxId, token: s.token }))
      } catch (error) {
        // A retryable failure keeps the old token for now; a refusal starts a new visitor.
        if (!(error instanceof ParleyError) || error.retryable) throw error
      }
    }
    return this.keep(await this.post({ inboxId }))
  }

  private async post(
    body: { inboxId: string } & Partial<Identity> & { token?: string; captcha?: string },
  ): Promise<SessionReply> {
    try {
      return await httpJson<SessionReply>(this.baseUrl, '/api/visitor/session', {
        body: { ...body, frameTicket: FRAME_TICKET },
      })
    } catch (error) {
      // Many new visitors from this address: prove this one is worth it, then ask again.
      if (error instanceof ParleyError && error.code === 'captcha_required' && this.onCaptcha) {
        if (body.captcha === undefined)
          return this.post({ ...body, captcha: await this.onCaptcha() })
      }
      // The ticket expired, or the visitor's address changed since the page loaded: a fresh
      // page brings a fresh one (the frame's state lives in the host page's storage).
      if (
        error instanceof ParleyError &&
        error.code === 'origin_not_allowed' &&
        performance.now() > TICKET_FRESH_MS
      )
        location.reload()
      throw error
    }
  }

  private keep(reply: SessionReply): string {
    const previous = this.current?.visitorId ?? null
    this.current = { ...reply, issuedAt: Date.now(), userId: this.identity?.userId ?? null }
    this.storage.set(KEY, this.current)
    if (reply.visitorId !== previous) this.onVisitor(reply.visitorId)
    this.scheduleRenewal(this.current)
    return reply.token
  }

  private scheduleRenewal(s: StoredSession): void {
    clearTimeout(this.renewTimer)
    const delay = Math.max(1000, renewAt(s) - Date.now() + 1000)
    this.renewTimer = setTimeout(() => void this.token().catch(() => undefined), delay)
  }
}

function renewAt(s: StoredSession): number {
  return s.issuedAt + (s.expiresAt - s.issuedAt) / 2
}
