/**
 * Operators' password reset by e-mail (issue 17, I4):
 * - `request(email)`: when an active operator has that address, a link with a one-time token
 *   (32 random bytes; stored as its SHA-256) valid RESET_MINUTES goes to it; older unused links
 *   of that operator end. The answer is the same whether or not the address has an account,
 *   and the e-mail is sent after answering, so neither the answer nor its timing tells.
 *   Limited per client address and per e-mail address, across the cluster.
 * - `confirm(token, password)`: the link is used (once), the password set, and every session
 *   of the operator ends on every node.
 * The link is built from PUBLIC_URL only, never from the request's Host header (which a caller
 * chooses: a "reset poisoning" link to someone else's server). Without PUBLIC_URL or SMTP the
 * feature is off (`not_configured`).
 */
import { randomBytes } from 'node:crypto'
import type { Clock, Logger, Store } from '../../actors/index.ts'
import { ParleyError } from '../../protocol/index.ts'
import type { Mailer } from '../mail/mailer.ts'
import { passwordReset, type MailLang } from '../mail/templates.ts'
import type { AccountService } from './account.ts'
import { sha256, type AuthService } from './service.ts'
import { takeShared, throttleKey, type ThrottleStore } from './throttle.ts'

export const RESET_MINUTES = 30
const RESET_PREFIX = 'prt_'
/** Requests per client address: a burst of 5, then 5 an hour. */
const PER_ADDRESS = { burst: 5, perMinute: 5 / 60 }
/** Requests per e-mail address: a burst of 3, then 3 an hour. */
const PER_EMAIL = { burst: 3, perMinute: 3 / 60 }

export class PasswordResets {
  constructor(
    private readonly deps: {
      store: Store
      clock: Clock
      log: Logger
      mailer: Mailer | null
      publicUrl: string | null
      throttle: ThrottleStore
      accounts: AccountService
      auth: AuthService
    },
  ) {}

  /** Whether this server can send reset links (SMTP and PUBLIC_URL are set). */
  get available(): boolean {
    return this.deps.mailer !== null && this.deps.publicUrl !== null
  }

  /** Sends a link when the address has an active account; answers the same either way. */
  async request(email: string, locale: MailLang, address: string): Promise<void> {
    const { mailer, publicUrl, store, clock, log } = this.deps
    if (!mailer || !publicUrl) {
      throw new ParleyError(
        'not_configured',
        'password reset by e-mail is not set up on this server (SMTP_HOST and PUBLIC_URL)',
      )
    }
    const normalized = email.trim().toLowerCase()
    await this.take(`reset.address.${throttleKey(address)}`, PER_ADDRESS)
    await this.take(`reset.email.${throttleKey(normalized)}`, PER_EMAIL)
    const op = await store.operators.getByEmail(normalized)
    if (!op || !op.active) return
    const token = RESET_PREFIX + randomBytes(32).toString('base64url')
    const now = clock.now()
    await store.passwordResets.create({
      tokenHash: sha256(token),
      operatorId: op.id,
      createdAt: now,
      expiresAt: now + RESET_MINUTES * 60_000,
      usedAt: null,
    })
    const link = `${publicUrl.replace(/\/$/, '')}/panel/#reset=${token}`
    const mail = passwordReset(op.locale === 'ru' ? 'ru' : locale, {
      name: op.displayName ?? op.name,
      link,
      minutes: RESET_MINUTES,
    })
    // After answering: the time the relay takes would tell that the account exists.
    void mailer.send({ to: op.email, ...mail }).then((sent) => {
      if (!sent.ok)
        log.warn('password reset e-mail not sent', { operatorId: op.id, error: sent.error })
    })
  }

  /** Sets the password of the link's operator and ends all their sessions. */
  async confirm(token: string, password: string): Promise<string> {
    const { store, clock } = this.deps
    const invalid = new ParleyError('unauthenticated', 'the reset link is invalid or expired')
    if (!token.startsWith(RESET_PREFIX) || token.length > 128) throw invalid
    const now = clock.now()
    const reset = await store.passwordResets.consume(sha256(token), now)
    if (!reset) throw invalid
    const op = await store.operators.getById(reset.operatorId)
    if (!op || !op.active) throw invalid
    await store.operators.update(op.id, {
      passwordHash: await this.deps.auth.hashPassword(password),
      updatedAt: now,
    })
    await this.deps.accounts.operatorChanged(op.id, 'password_reset')
    return op.id
  }

  private take(key: string, limit: { burst: number; perMinute: number }): Promise<void> {
    return takeShared(
      this.deps.throttle,
      key,
      limit,
      this.deps.clock.now(),
      'too many reset requests; try again later',
    )
  }
}
