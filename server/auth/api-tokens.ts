/**
 * API tokens (issue 17, I3; docs/api.md): an admin makes a named token that acts as one
 * operator on the REST API (`Authorization: Bearer pat_...`). The secret is shown once and
 * stored as its SHA-256 (a 256-bit random secret needs no slow hash). Rights are the operator's
 * own, capped by the scope:
 * - `read`: GET/HEAD only; an admin's token acts as a supervisor (no admin API);
 * - `write`: every method; an admin's token acts as a supervisor (no admin API);
 * - `admin`: the operator's full rights (the admin API only while the operator is an admin).
 * Every use is counted against the token's budget (API_TOKEN_RATE_PER_MINUTE, cluster-wide
 * through the throttle store) and its last use is written at most once a minute per node.
 * A resolved token is cached briefly; revoking it, or deactivating its operator or changing
 * their rights, drops the cached entry on every node (server/auth/revocation.ts).
 */
import { randomBytes } from 'node:crypto'
import {
  newId,
  type ApiTokenRecord,
  type Clock,
  type Logger,
  type OperatorRecord,
  type Principal,
  type Store,
} from '../../actors/index.ts'
import {
  API_TOKEN_PREFIX,
  MAX_API_TOKENS,
  type ApiToken,
  type ApiTokenScope,
  type CreateApiTokenBody,
} from '../../protocol/api-tokens.ts'
import { ParleyError } from '../../protocol/index.ts'
import type { Revocation } from './revocation.ts'
import { sha256 } from './service.ts'
import { takeShared, type ThrottleStore } from './throttle.ts'

/** How long a resolved token is trusted without reading the store again. */
const CACHE_MS = 10_000
/** Last-use times are written at most this often per token and node. */
const TOUCH_EVERY_MS = 60_000
/** The burst a token may spend at once: a tenth of its minute, at least 10. */
const burstOf = (perMinute: number) => Math.max(10, Math.ceil(perMinute / 10))
const READ_METHODS = new Set(['GET', 'HEAD'])

type OperatorPrincipal = Extract<Principal, { kind: 'operator' }>

/** True for a string shaped like an API token. */
export function isApiToken(token: string): boolean {
  return token.startsWith(API_TOKEN_PREFIX) && token.length <= 128
}

export class ApiTokens {
  private readonly cache = new Map<
    string,
    { principal: OperatorPrincipal; until: number; expiresAt: number | null }
  >()
  private readonly touched = new Map<string, number>()
  /** Bumped by each revocation applied here: a resolution begun before it is not cached. */
  private generation = 0

  constructor(
    private readonly deps: {
      store: Store
      clock: Clock
      log: Logger
      /** Counters shared by the cluster (NATS KV), or this node's memory. */
      throttle: ThrottleStore
      ratePerMinute: number
      elevatedScope: 'all' | 'members'
    },
  ) {}

  /** A new token acting as `operatorId` (default: the admin); the secret is returned once. */
  async create(
    admin: OperatorPrincipal,
    body: CreateApiTokenBody,
  ): Promise<{ record: ApiTokenRecord; secret: string }> {
    const operatorId = body.operatorId ?? admin.id
    const operator = await this.deps.store.operators.getById(operatorId)
    if (!operator) throw new ParleyError('not_found', 'operator not found')
    if (!operator.active)
      throw new ParleyError('validation_failed', 'operatorId: the operator is deactivated')
    if (body.scope === 'admin' && operator.role !== 'admin')
      throw new ParleyError(
        'validation_failed',
        'scope: an admin token must act as an admin; choose read or write',
      )
    const secret = API_TOKEN_PREFIX + randomBytes(32).toString('base64url')
    const now = this.deps.clock.now()
    const record: ApiTokenRecord = {
      id: newId(),
      tokenHash: sha256(secret),
      prefix: secret.slice(0, API_TOKEN_PREFIX.length + 4),
      name: body.name.trim(),
      scope: body.scope,
      operatorId,
      createdBy: admin.id,
      createdAt: now,
      lastUsedAt: null,
      expiresAt: body.expiresInDays === undefined ? null : now + body.expiresInDays * 86_400_000,
      revokedAt: null,
    }
    await this.deps.store.apiTokens.create(record, MAX_API_TOKENS)
    return { record, secret }
  }

  /** Every token with the names of the operators it concerns, newest first. */
  async list(): Promise<ApiToken[]> {
    const records = await this.deps.store.apiTokens.list()
    const names = new Map<string, OperatorRecord | null>()
    for (const r of records) {
      for (const id of [r.operatorId, r.createdBy]) {
        if (id !== null && !names.has(id))
          names.set(id, await this.deps.store.operators.getById(id))
      }
    }
    return records.map((r) => this.view(r, names))
  }

  /** One token as the API shows it. */
  async describe(record: ApiTokenRecord): Promise<ApiToken> {
    const names = new Map<string, OperatorRecord | null>()
    for (const id of [record.operatorId, record.createdBy]) {
      if (id !== null) names.set(id, await this.deps.store.operators.getById(id))
    }
    return this.view(record, names)
  }

  private view(r: ApiTokenRecord, operators: Map<string, OperatorRecord | null>): ApiToken {
    const named = (id: string | null) => {
      const op = id === null ? null : operators.get(id)
      return op ? { id: op.id, name: op.displayName ?? op.name } : null
    }
    return {
      id: r.id,
      name: r.name,
      scope: r.scope,
      prefix: r.prefix,
      operator: named(r.operatorId) ?? { id: r.operatorId, name: '' },
      createdBy: named(r.createdBy),
      createdAt: r.createdAt,
      lastUsedAt: r.lastUsedAt,
      expiresAt: r.expiresAt,
      revokedAt: r.revokedAt,
    }
  }

  /** Marks the token revoked; the caller publishes the revocation. Null: no such token. */
  revoke(id: string): Promise<ApiTokenRecord | null> {
    return this.deps.store.apiTokens.revoke(id, this.deps.clock.now())
  }

  /**
   * The principal a request with this token acts as, once its method fits the scope and the
   * token's budget allows one more request; records the use. A typed 401/403/429 otherwise.
   */
  async admit(token: string, method: string): Promise<OperatorPrincipal> {
    const principal = await this.resolve(token)
    const scope = principal.token?.scope
    if (scope === 'read' && !READ_METHODS.has(method.toUpperCase())) {
      throw new ParleyError('forbidden', 'this API token may only read (scope read)')
    }
    const tokenId = principal.token?.id ?? ''
    await this.take(tokenId)
    this.touch(tokenId)
    return principal
  }

  /** The principal behind a token (no scope check, no budget): for the route handlers. */
  async resolve(token: string): Promise<OperatorPrincipal> {
    if (!isApiToken(token)) throw new ParleyError('unauthenticated', 'invalid token')
    const now = this.deps.clock.now()
    const hash = sha256(token)
    const cached = this.cache.get(hash)
    if (cached && cached.until > now && (cached.expiresAt === null || cached.expiresAt > now))
      return cached.principal
    const generation = this.generation
    const record = await this.deps.store.apiTokens.byHash(hash)
    if (!record || record.revokedAt !== null)
      throw new ParleyError('unauthenticated', 'invalid or revoked API token')
    if (record.expiresAt !== null && record.expiresAt <= now)
      throw new ParleyError('token_expired', 'API token expired; make a new one')
    const op = await this.deps.store.operators.getById(record.operatorId)
    if (!op || !op.active)
      throw new ParleyError('unauthenticated', "the API token's operator is deactivated")
    const principal = await this.principalOf(op, record.id, record.scope)
    if (generation === this.generation) {
      if (this.cache.size > 10_000) this.cache.clear()
      this.cache.set(hash, { principal, until: now + CACHE_MS, expiresAt: record.expiresAt })
    }
    return principal
  }

  private async principalOf(
    op: OperatorRecord,
    tokenId: string,
    scope: ApiTokenScope,
  ): Promise<OperatorPrincipal> {
    const elevated = op.role === 'supervisor' || op.role === 'admin'
    const inboxIds =
      elevated && this.deps.elevatedScope === 'all'
        ? null
        : await this.deps.store.inboxes.inboxesOf(op.id)
    // Below `admin` scope an admin's token is a supervisor: every conversation it may see, no
    // admin API (requireAdmin refuses anything but role admin).
    const role = scope !== 'admin' && op.role === 'admin' ? 'supervisor' : op.role
    return {
      kind: 'operator',
      id: op.id,
      role,
      canChat: op.canChat,
      inboxIds,
      token: { id: tokenId, scope },
    }
  }

  /** One request from the token's budget, shared by every node. */
  private async take(tokenId: string): Promise<void> {
    const perMinute = this.deps.ratePerMinute
    await takeShared(
      this.deps.throttle,
      `apitoken.${tokenId}`,
      { burst: burstOf(perMinute), perMinute },
      this.deps.clock.now(),
      'too many requests with this API token; slow down',
    )
  }

  /** Writes the last use, at most once a minute per token on this node, never in the way. */
  private touch(tokenId: string): void {
    const now = this.deps.clock.now()
    const last = this.touched.get(tokenId)
    if (last !== undefined && now - last < TOUCH_EVERY_MS) return
    if (this.touched.size > 10_000) this.touched.clear()
    this.touched.set(tokenId, now)
    this.deps.store.apiTokens.touch(tokenId, now).catch((error: unknown) => {
      this.deps.log.warn('recording an API token use failed', { tokenId, error })
    })
  }

  /** Applies a revocation here: drops what it makes stale. */
  forget(revocation: Revocation): void {
    this.generation++
    switch (revocation.kind) {
      case 'api_token':
        for (const [hash, entry] of this.cache) {
          if (entry.principal.token?.id === revocation.tokenId) this.cache.delete(hash)
        }
        return
      case 'operator':
      case 'operator_rights':
        for (const [hash, entry] of this.cache) {
          if (entry.principal.id === revocation.operatorId) this.cache.delete(hash)
        }
        return
      case 'everything':
        this.cache.clear()
        return
      default:
        return
    }
  }
}
