/**
 * Whether a well-signed visitor token still counts: neither its visitor nor its inbox was
 * signed out since the token was issued, and a verified visitor proved its identity after the
 * inbox's identity secret last rotated. This runs on every visitor connection auth and HTTP
 * call, so the per-visitor and per-inbox times are cached; revocations (revocation.ts) drop the
 * entries on every node, and entries also expire, in case a node missed a revocation.
 */
import type { Store } from '../../actors/index.ts'
import { ParleyError } from '../../protocol/index.ts'
import type { VisitorClaims } from './visitor-tokens.ts'

/** How long a cached time is trusted without a revocation telling otherwise. */
const CACHE_MS = 60_000
/** Most visitors cached per node; the oldest entry goes first. */
const MAX_VISITORS = 50_000

interface VisitorTimes {
  inboxId: string
  signedOutAt: number
  verified: boolean
  until: number
}

interface InboxTimes {
  visitorsSignedOutAt: number
  identityRotatedAt: number
  until: number
}

/** The revocation check of visitor tokens, with its per-node cache. */
export class VisitorGate {
  private readonly visitors = new Map<string, VisitorTimes>()
  private readonly inboxes = new Map<string, InboxTimes>()
  /**
   * Bumped by every forget: a lookup that started before it may have read the old times, so
   * its result is used once but not cached.
   */
  private generation = 0

  constructor(
    private readonly store: Store,
    private readonly now: () => number,
  ) {}

  /** Throws `unauthenticated` for a revoked token, `identity_required` after a rotation. */
  async check(claims: VisitorClaims): Promise<void> {
    const [visitor, inbox] = await Promise.all([
      this.visitor(claims.visitorId),
      this.inbox(claims.inboxId),
    ])
    if (!visitor || !inbox || visitor.inboxId !== claims.inboxId) {
      throw new ParleyError('unauthenticated', 'invalid token')
    }
    if (claims.issuedAt <= visitor.signedOutAt || claims.issuedAt <= inbox.visitorsSignedOutAt) {
      throw new ParleyError('unauthenticated', 'session revoked')
    }
    if (visitor.verified && claims.issuedAt <= inbox.identityRotatedAt) {
      throw new ParleyError(
        'identity_required',
        "the site's identity secret changed: verify the visitor again",
      )
    }
  }

  forgetVisitor(id: string): void {
    this.generation++
    this.visitors.delete(id)
  }

  forgetInbox(id: string): void {
    this.generation++
    this.inboxes.delete(id)
  }

  forgetAll(): void {
    this.generation++
    this.visitors.clear()
    this.inboxes.clear()
  }

  private async visitor(id: string): Promise<VisitorTimes | null> {
    const now = this.now()
    const hit = this.visitors.get(id)
    if (hit && hit.until > now) return hit
    const generation = this.generation
    const row = await this.store.visitors.getById(id)
    if (!row) return null
    const times: VisitorTimes = {
      inboxId: row.inboxId,
      signedOutAt: row.signedOutAt,
      verified: row.externalId !== null,
      until: now + CACHE_MS,
    }
    if (generation === this.generation) {
      this.visitors.delete(id)
      if (this.visitors.size >= MAX_VISITORS) {
        const oldest = this.visitors.keys().next().value
        if (oldest !== undefined) this.visitors.delete(oldest)
      }
      this.visitors.set(id, times)
    }
    return times
  }

  private async inbox(id: string): Promise<InboxTimes | null> {
    const now = this.now()
    const hit = this.inboxes.get(id)
    if (hit && hit.until > now) return hit
    const generation = this.generation
    const row = await this.store.inboxes.get(id)
    if (!row) return null
    const times: InboxTimes = {
      visitorsSignedOutAt: row.visitorsSignedOutAt,
      identityRotatedAt: row.identityRotatedAt,
      until: now + CACHE_MS,
    }
    if (generation === this.generation) this.inboxes.set(id, times)
    return times
  }
}
