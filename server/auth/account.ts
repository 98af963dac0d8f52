/**
 * The actions that end or narrow access: signing out (one session or everywhere), changing
 * one's password, and an admin signing visitors out or rotating an inbox's identity secret.
 * Each writes the store first, then revokes (revocation.ts), so that every node forgets what
 * it cached and cuts or re-authorizes the live connections concerned.
 */
import { randomBytes } from 'node:crypto'
import type { Clock, InboxRecord, Principal, Store } from '../../actors/index.ts'
import { ParleyError } from '../../protocol/index.ts'
import { RateLimiter } from '../limits.ts'
import type { Revocations } from './revocation.ts'
import { sha256, type AuthService } from './service.ts'

type OperatorPrincipal = Extract<Principal, { kind: 'operator' }>

/** Sign-out, password change and visitor sign-out, each followed by its revocation. */
export class AccountService {
  /** Wrong current passwords cost attempts: a stolen session must not guess the password. */
  private readonly passwordAttempts: RateLimiter

  constructor(
    private readonly deps: {
      store: Store
      auth: AuthService
      revocations: Revocations
      clock: Clock
    },
  ) {
    this.passwordAttempts = new RateLimiter(5, 5, () => deps.clock.now())
  }

  /** Ends the session of this token (if it is one) and cuts the connections it opened. */
  async logout(token: string): Promise<void> {
    const revocation = await this.deps.auth.logout(token)
    if (revocation) await this.deps.revocations.revoke(revocation)
  }

  /** Ends every session of the operator, this one included, on every device. */
  async logoutEverywhere(operator: OperatorPrincipal): Promise<void> {
    await this.deps.store.sessions.deleteForOperator(operator.id)
    await this.deps.revocations.revoke({
      kind: 'operator',
      operatorId: operator.id,
      reason: 'signed_out_everywhere',
    })
  }

  /**
   * Changes the operator's own password after checking the current one. Every other session
   * ends; the one making the change (`token`) stays, with its connections.
   */
  async changePassword(
    operator: OperatorPrincipal,
    token: string,
    passwords: { current: string; next: string },
  ): Promise<void> {
    this.passwordAttempts.take(operator.id, 'password attempts')
    const record = await this.deps.store.operators.getById(operator.id)
    if (!record || !(await Bun.password.verify(passwords.current, record.passwordHash))) {
      throw new ParleyError('forbidden', 'the current password is wrong')
    }
    await this.deps.store.operators.update(operator.id, {
      passwordHash: await this.deps.auth.hashPassword(passwords.next),
      updatedAt: this.deps.clock.now(),
    })
    const keep = sha256(token)
    await this.deps.store.sessions.deleteForOperator(operator.id, keep)
    await this.deps.revocations.revoke({
      kind: 'operator',
      operatorId: operator.id,
      reason: 'password_changed',
      keep,
    })
  }

  /**
   * An admin changed an operator. Deactivation or a password reset ends all its sessions; a
   * new role, chat permission or inbox membership authorizes its connections again.
   */
  async operatorChanged(
    operatorId: string,
    change: 'deactivated' | 'password_reset' | 'rights',
  ): Promise<void> {
    if (change === 'rights') {
      await this.deps.revocations.revoke({ kind: 'operator_rights', operatorId })
      return
    }
    await this.deps.store.sessions.deleteForOperator(operatorId)
    await this.deps.revocations.revoke({ kind: 'operator', operatorId, reason: change })
  }

  /** Voids every token the visitor holds; its live connections are cut. */
  async signOutVisitor(visitorId: string): Promise<void> {
    const now = this.deps.clock.now()
    if (!(await this.deps.store.visitors.signOut(visitorId, now))) {
      throw new ParleyError('not_found', 'visitor not found')
    }
    await this.deps.revocations.revoke({ kind: 'visitor', visitorId })
    await this.pastMillisecond(now)
  }

  /**
   * Erases the visitor's profile (issue 18, S8) and voids every token they hold; their live
   * connections are cut on every node. False: no such visitor.
   */
  async eraseVisitorProfile(visitorId: string): Promise<boolean> {
    const now = this.deps.clock.now()
    if (!(await this.deps.store.visitors.erase(visitorId, now))) return false
    await this.deps.revocations.revoke({ kind: 'visitor', visitorId })
    await this.pastMillisecond(now)
    return true
  }

  /** Voids every visitor token of the inbox issued so far; live visitor connections are cut. */
  /**
   * The inbox's sites changed (already stored): every node drops its cached list and checks
   * the inbox's visitor connections against the new one.
   */
  inboxSitesChanged(inboxId: string): Promise<void> {
    return this.deps.revocations.revoke({ kind: 'inbox_sites', inboxId })
  }

  async signOutInboxVisitors(inboxId: string): Promise<InboxRecord> {
    const now = this.deps.clock.now()
    const inbox = await this.deps.store.inboxes.update(inboxId, {
      visitorsSignedOutAt: now,
      updatedAt: now,
    })
    if (!inbox) throw new ParleyError('not_found', 'inbox not found')
    await this.deps.revocations.revoke({ kind: 'inbox_visitors', inboxId, only: 'all' })
    await this.pastMillisecond(now)
    return inbox
  }

  /**
   * A new identity secret for the inbox: verified visitors must prove their identity again
   * with it (their tokens are refused with identity_required, their connections cut).
   * Anonymous visitors are not affected.
   */
  async rotateIdentitySecret(inboxId: string): Promise<InboxRecord> {
    const now = this.deps.clock.now()
    const inbox = await this.deps.store.inboxes.update(inboxId, {
      identitySecret: randomBytes(32).toString('base64url'),
      identityRotatedAt: now,
      updatedAt: now,
    })
    if (!inbox) throw new ParleyError('not_found', 'inbox not found')
    await this.deps.revocations.revoke({ kind: 'inbox_visitors', inboxId, only: 'verified' })
    await this.pastMillisecond(now)
    return inbox
  }

  /**
   * Visitor tokens are void when issued at or before the revocation's millisecond. Answering
   * only once that millisecond has passed makes every token issued in reply to the answer (a
   * new session, a proved identity) valid, on this node's clock. Bounded, for clocks that do
   * not move by themselves (tests).
   */
  private async pastMillisecond(at: number): Promise<void> {
    for (let i = 0; i < 5 && this.deps.clock.now() <= at; i++) await Bun.sleep(1)
  }
}
