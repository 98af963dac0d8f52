/**
 * Authentication: visitor sessions (HMAC tokens), operator login (argon2id via Bun.password)
 * with opaque session tokens stored hashed, and token -> Principal resolution for every
 * transport.
 */
import { createHash, randomBytes } from 'node:crypto'
import {
  newId,
  type Clock,
  type InboxRecord,
  type Logger,
  type OperatorRecord,
  type Principal,
  type Store,
} from '../../actors/index.ts'
import { isParleyError, ParleyError } from '../../protocol/index.ts'
import { RateLimiter } from '../limits.ts'
import type { HashGate } from './hash-gate.ts'
import type { LoginThrottle, ThrottleScope } from './throttle.ts'
import type { Revocation } from './revocation.ts'
import { VisitorGate } from './visitor-gate.ts'
import {
  isVisitorToken,
  signVisitorToken,
  verifyIdentityHash,
  verifyVisitorToken,
} from './visitor-tokens.ts'

/** An operator as the API shows it: never the password hash. */
export type OperatorView = Omit<OperatorRecord, 'passwordHash' | 'updatedAt'>

export function operatorView(op: OperatorRecord): OperatorView {
  return {
    id: op.id,
    email: op.email,
    name: op.name,
    displayName: op.displayName,
    avatarId: op.avatarId,
    role: op.role,
    canChat: op.canChat,
    active: op.active,
    status: op.status,
    locale: op.locale ?? null,
    createdAt: op.createdAt,
  }
}

export interface VisitorSession {
  token: string
  visitorId: string
  inboxId: string
  expiresAt: number
}

const OPERATOR_PREFIX = 'op_'
/** Why a login was refused before its password was checked, as logged. */
const REFUSAL_REASONS: Record<ThrottleScope, string> = {
  address: 'too many attempts from this address',
  subnet: 'too many attempts from this subnet',
  account: 'too many failures for this account',
}
/** Resolved operator sessions are cached this long; revocations (revocation.ts) drop them at once. */
const SESSION_CACHE_MS = 10_000

/** True for a string shaped like an operator session token. */
export function isOperatorToken(token: string): boolean {
  return token.startsWith(OPERATOR_PREFIX) && token.length <= 128
}

export class AuthService {
  private readonly sessionCache = new Map<
    string,
    { principal: Principal; until: number; expiresAt: number }
  >()
  private readonly sessionLimiter: RateLimiter
  /** A real hash to verify against when the email is unknown, so timing reveals nothing. */
  private readonly dummyHash: Promise<string>
  private gate: VisitorGate | null = null
  /**
   * Bumped by every revocation applied here: a session looked up before it is not cached, and
   * a caller that saw it change while it resolved (see `revocations`) resolves again.
   */
  private generation = 0

  constructor(
    private readonly store: Store,
    private readonly opts: {
      secret: string
      visitorTtlSec: number
      operatorTtlSec: number
      clock: Clock
      /**
       * Supervisors and admins see every inbox (`all`, the default) or only their own like
       * agents (`members`): the principal's `inboxIds` (O6).
       */
      elevatedScope?: 'all' | 'members'
      /** Login limits (per address, subnet and account) and the bound on password checks. */
      login: { throttle: LoginThrottle; hashGate: HashGate; log: Logger; hashMemoryKiB: number }
    },
  ) {
    const now = () => opts.clock.now()
    this.sessionLimiter = new RateLimiter(30, 30, now)
    this.dummyHash = this.hashPassword(randomBytes(16).toString('hex'))
  }

  /** An argon2id hash of a new password, with this server's memory cost. */
  hashPassword(password: string): Promise<string> {
    return Bun.password.hash(password, {
      algorithm: 'argon2id',
      memoryCost: this.opts.login.hashMemoryKiB,
      timeCost: 2,
    })
  }

  /**
   * A visitor session for an inbox (W2). With userId + userHash the site vouches for its user:
   * the same user always gets the same visitor. With a still-valid token of the same inbox the
   * visitor keeps its identity (renewal). Otherwise a new anonymous visitor is created.
   */
  async visitorSession(
    input: { inboxId: string; token?: string; userId?: string; userHash?: string },
    clientKey: string,
  ): Promise<VisitorSession> {
    this.sessionLimiter.take(`session:${clientKey}`, 'new sessions')
    const inbox = await this.store.inboxes.get(input.inboxId)
    if (!inbox) throw new ParleyError('not_found', 'inbox not found')
    const now = this.opts.clock.now()
    const visitorId = await this.resolveVisitor(inbox, input, now)
    const expiresAt = now + this.opts.visitorTtlSec * 1000
    return {
      token: signVisitorToken(this.opts.secret, {
        visitorId,
        inboxId: inbox.id,
        expiresAt,
        issuedAt: now,
      }),
      visitorId,
      inboxId: inbox.id,
      expiresAt,
    }
  }

  private async resolveVisitor(
    inbox: InboxRecord,
    input: { token?: string; userId?: string; userHash?: string },
    now: number,
  ): Promise<string> {
    if (input.userId !== undefined || input.userHash !== undefined) {
      if (
        !input.userId ||
        !input.userHash ||
        !verifyIdentityHash(inbox.identitySecret, input.userId, input.userHash)
      ) {
        throw new ParleyError('unauthenticated', 'identity verification failed')
      }
      const known = await this.store.visitors.findByExternalId(inbox.id, input.userId)
      if (known) return known.id
      const id = newId()
      try {
        await this.store.visitors.create({
          id,
          inboxId: inbox.id,
          externalId: input.userId,
          createdAt: now,
          signedOutAt: 0,
          name: null,
          email: null,
        })
      } catch (error) {
        // Two first sessions of one user raced and the other one created the visitor.
        if (!isParleyError(error) || error.code !== 'conflict') throw error
        const raced = await this.store.visitors.findByExternalId(inbox.id, input.userId)
        if (!raced) throw error
        return raced.id
      }
      return id
    }
    if (input.token) {
      const claims = verifyVisitorToken(this.opts.secret, input.token, now)
      if (claims.inboxId !== inbox.id)
        throw new ParleyError('unauthenticated', 'token is for another inbox')
      // A revoked token renews nothing, and a verified identity from before the identity
      // secret rotated must be proved again (identity_required).
      await this.visitorGate().check(claims)
      return claims.visitorId
    }
    const id = newId()
    await this.store.visitors.create({
      id,
      inboxId: inbox.id,
      externalId: null,
      createdAt: now,
      signedOutAt: 0,
      name: null,
      email: null,
    })
    return id
  }

  async login(
    email: string,
    password: string,
    clientKey: string,
  ): Promise<{ token: string; expiresAt: number; operator: OperatorView }> {
    const normalized = email.trim().toLowerCase()
    const { throttle, hashGate, log } = this.opts.login
    const refused = await throttle.admit(clientKey, normalized)
    if (refused) {
      if (refused.first) {
        log.warn('login refused', {
          address: clientKey,
          email: normalized,
          reason: REFUSAL_REASONS[refused.scope],
          retryAfterMs: refused.retryAfterMs,
        })
      }
      throw new ParleyError('rate_limited', 'too many login attempts; slow down', {
        retryAfterMs: refused.retryAfterMs,
      })
    }
    const op = await this.store.operators.getByEmail(normalized)
    // An unknown email is checked against a real hash too: it costs the same time and memory.
    const ok = await hashGate.run(async () =>
      Bun.password.verify(password, op?.passwordHash ?? (await this.dummyHash)),
    )
    if (!op || !ok || !op.active) {
      log.warn('login failed', {
        address: clientKey,
        email: normalized,
        reason: !op ? 'unknown email' : !ok ? 'wrong password' : 'operator deactivated',
      })
      throw new ParleyError('unauthenticated', 'wrong email or password')
    }
    await throttle.succeeded(normalized)
    return this.openSession(op)
  }

  /** A new session of the operator: the token is returned once and stored hashed. */
  async openSession(
    op: OperatorRecord,
  ): Promise<{ token: string; expiresAt: number; operator: OperatorView }> {
    const token = OPERATOR_PREFIX + randomBytes(32).toString('base64url')
    const now = this.opts.clock.now()
    const expiresAt = now + this.opts.operatorTtlSec * 1000
    await this.store.sessions.create({
      tokenHash: sha256(token),
      operatorId: op.id,
      createdAt: now,
      expiresAt,
    })
    return { token, expiresAt, operator: operatorView(op) }
  }

  /**
   * Ends the session of an operator token; returns the revocation to apply everywhere, or null
   * when the token names no session.
   */
  async logout(token: string): Promise<Revocation | null> {
    if (!isOperatorToken(token)) return null
    const hash = sha256(token)
    const session = await this.store.sessions.get(hash)
    if (!session) return null
    await this.store.sessions.delete(hash)
    return { kind: 'session', operatorId: session.operatorId, tokenHash: hash }
  }

  /** The principal behind a token, or a typed 401. */
  async resolve(token: string | null | undefined): Promise<Principal> {
    return (await this.resolveSession(token)).principal
  }

  /** The principal behind a token and when the token stops being valid. */
  async resolveSession(
    token: string | null | undefined,
  ): Promise<{ principal: Principal; expiresAt: number }> {
    if (!token) throw new ParleyError('unauthenticated', 'missing token')
    const now = this.opts.clock.now()
    if (isVisitorToken(token)) {
      const claims = verifyVisitorToken(this.opts.secret, token, now)
      await this.visitorGate().check(claims)
      return {
        principal: { kind: 'visitor', id: claims.visitorId, inboxId: claims.inboxId },
        expiresAt: claims.expiresAt,
      }
    }
    if (!isOperatorToken(token)) throw new ParleyError('unauthenticated', 'invalid token')
    const hash = sha256(token)
    const cached = this.sessionCache.get(hash)
    if (cached && cached.until > now && cached.expiresAt > now)
      return { principal: cached.principal, expiresAt: cached.expiresAt }
    const generation = this.generation
    const session = await this.store.sessions.get(hash)
    if (!session) throw new ParleyError('unauthenticated', 'invalid or revoked session')
    // The configured lifetime bounds every session, also those opened while it was longer.
    const expiresAt = Math.min(
      session.expiresAt,
      session.createdAt + this.opts.operatorTtlSec * 1000,
    )
    if (expiresAt <= now) throw new ParleyError('token_expired', 'session expired; log in again')
    const op = await this.store.operators.getById(session.operatorId)
    if (!op || !op.active) throw new ParleyError('unauthenticated', 'invalid or revoked session')
    const elevated = op.role === 'supervisor' || op.role === 'admin'
    const inboxIds =
      elevated && (this.opts.elevatedScope ?? 'all') === 'all'
        ? null
        : await this.store.inboxes.inboxesOf(op.id)
    const principal: Principal = {
      kind: 'operator',
      id: op.id,
      role: op.role,
      canChat: op.canChat,
      inboxIds,
    }
    if (generation === this.generation) {
      if (this.sessionCache.size > 10_000) this.sessionCache.clear()
      this.sessionCache.set(hash, { principal, until: now + SESSION_CACHE_MS, expiresAt })
    }
    return { principal, expiresAt }
  }

  /** Changes each time a revocation is applied on this node. */
  get revocations(): number {
    return this.generation
  }

  /** The first step of applying a revocation here: forget what it makes stale. */
  forget(revocation: Revocation): void {
    this.generation++
    switch (revocation.kind) {
      case 'session':
        this.sessionCache.delete(revocation.tokenHash)
        return
      case 'operator':
      case 'operator_rights':
        for (const [hash, entry] of this.sessionCache) {
          if (entry.principal.id === revocation.operatorId) this.sessionCache.delete(hash)
        }
        return
      case 'visitor':
        this.visitorGate().forgetVisitor(revocation.visitorId)
        return
      case 'inbox_visitors':
        this.visitorGate().forgetInbox(revocation.inboxId)
        return
      case 'inbox_sites':
        // Tokens stay valid; the site check (origins.ts) has its own cache.
        return
      case 'api_token':
        // Not a session: server/auth/api-tokens.ts keeps its own cache.
        return
      case 'everything':
        this.sessionCache.clear()
        this.visitorGate().forgetAll()
        return
      default:
        return assertNever(revocation)
    }
  }

  private visitorGate(): VisitorGate {
    return (this.gate ??= new VisitorGate(this.store, () => this.opts.clock.now()))
  }

  /** Creates the first admin from ADMIN_EMAIL / ADMIN_PASSWORD when no active admin exists. */
  async ensureAdmin(
    admin: { email: string; password: string } | null,
  ): Promise<OperatorView | null> {
    if (!admin || (await this.store.operators.countActiveAdmins()) > 0) return null
    const existing = await this.store.operators.getByEmail(admin.email)
    const now = this.opts.clock.now()
    if (existing) {
      const updated = await this.store.operators.update(existing.id, {
        role: 'admin',
        active: true,
        canChat: true,
        passwordHash: await this.hashPassword(admin.password),
        updatedAt: now,
      })
      return updated ? operatorView(updated) : null
    }
    const op: OperatorRecord = {
      id: newId(),
      email: admin.email,
      name: admin.email.split('@')[0] ?? 'admin',
      displayName: null,
      avatarId: null,
      role: 'admin',
      canChat: true,
      active: true,
      status: 'online',
      passwordHash: await this.hashPassword(admin.password),
      createdAt: now,
      updatedAt: now,
    }
    await this.store.operators.create(op)
    return operatorView(op)
  }
}

function assertNever(value: never): never {
  throw new Error(`unhandled revocation ${JSON.stringify(value)}`)
}

export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex')
}
