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
  type OperatorRecord,
  type Principal,
  type Store,
} from '../../actors/index.ts'
import { isParleyError, ParleyError } from '../../protocol/index.ts'
import { RateLimiter } from '../limits.ts'
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
    role: op.role,
    canChat: op.canChat,
    active: op.active,
    status: op.status,
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
/** Resolved operator sessions are cached this long; deactivation invalidates at once. */
const SESSION_CACHE_MS = 10_000

export class AuthService {
  private readonly sessionCache = new Map<
    string,
    { principal: Principal; until: number; expiresAt: number }
  >()
  private readonly loginLimiter: RateLimiter
  private readonly sessionLimiter: RateLimiter
  /** A real hash to verify against when the email is unknown, so timing reveals nothing. */
  private readonly dummyHash: Promise<string>

  constructor(
    private readonly store: Store,
    private readonly opts: {
      secret: string
      visitorTtlSec: number
      operatorTtlSec: number
      clock: Clock
    },
  ) {
    const now = () => opts.clock.now()
    this.loginLimiter = new RateLimiter(10, 10, now)
    this.sessionLimiter = new RateLimiter(30, 30, now)
    this.dummyHash = hashPassword(randomBytes(16).toString('hex'))
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
      token: signVisitorToken(this.opts.secret, { visitorId, inboxId: inbox.id, expiresAt }),
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
      return claims.visitorId
    }
    const id = newId()
    await this.store.visitors.create({ id, inboxId: inbox.id, externalId: null, createdAt: now })
    return id
  }

  async login(
    email: string,
    password: string,
    clientKey: string,
  ): Promise<{ token: string; expiresAt: number; operator: OperatorView }> {
    const normalized = email.trim().toLowerCase()
    this.loginLimiter.take(`login:${clientKey}:${normalized}`, 'login attempts')
    const op = await this.store.operators.getByEmail(normalized)
    const ok = await Bun.password.verify(password, op?.passwordHash ?? (await this.dummyHash))
    if (!op || !ok || !op.active)
      throw new ParleyError('unauthenticated', 'wrong email or password')
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

  async logout(token: string): Promise<void> {
    const hash = sha256(token)
    this.sessionCache.delete(hash)
    await this.store.sessions.delete(hash)
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
      return {
        principal: { kind: 'visitor', id: claims.visitorId, inboxId: claims.inboxId },
        expiresAt: claims.expiresAt,
      }
    }
    if (!token.startsWith(OPERATOR_PREFIX) || token.length > 128) {
      throw new ParleyError('unauthenticated', 'invalid token')
    }
    const hash = sha256(token)
    const cached = this.sessionCache.get(hash)
    if (cached && cached.until > now && cached.expiresAt > now)
      return { principal: cached.principal, expiresAt: cached.expiresAt }
    const session = await this.store.sessions.get(hash)
    if (!session) throw new ParleyError('unauthenticated', 'invalid or revoked session')
    if (session.expiresAt <= now)
      throw new ParleyError('token_expired', 'session expired; log in again')
    const op = await this.store.operators.getById(session.operatorId)
    if (!op || !op.active) throw new ParleyError('unauthenticated', 'invalid or revoked session')
    const principal: Principal = { kind: 'operator', id: op.id, role: op.role, canChat: op.canChat }
    if (this.sessionCache.size > 10_000) this.sessionCache.clear()
    this.sessionCache.set(hash, {
      principal,
      until: now + SESSION_CACHE_MS,
      expiresAt: session.expiresAt,
    })
    return { principal, expiresAt: session.expiresAt }
  }

  /** Forget cached sessions of an operator whose role, permission or activity changed. */
  invalidateOperator(operatorId: string): void {
    for (const [hash, entry] of this.sessionCache) {
      if (entry.principal.id === operatorId) this.sessionCache.delete(hash)
    }
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
        passwordHash: await hashPassword(admin.password),
        updatedAt: now,
      })
      return updated ? operatorView(updated) : null
    }
    const op: OperatorRecord = {
      id: newId(),
      email: admin.email,
      name: admin.email.split('@')[0] ?? 'admin',
      role: 'admin',
      canChat: true,
      active: true,
      status: 'online',
      passwordHash: await hashPassword(admin.password),
      createdAt: now,
      updatedAt: now,
    }
    await this.store.operators.create(op)
    return operatorView(op)
  }
}

export function hashPassword(password: string): Promise<string> {
  return Bun.password.hash(password, { algorithm: 'argon2id' })
}

export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex')
}
