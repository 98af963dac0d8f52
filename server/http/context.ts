/** What every route module needs, built once by the app. */
import type { CampaignService } from '../campaigns.ts'
import type { CaptchaGuard } from '../captcha.ts'
import type { RateLimiter } from '../limits.ts'
import type { AuditTrail } from '../audit.ts'
import type { OriginGuard } from '../origins.ts'
import type { Clock, Logger, Principal, Store } from '../../actors/index.ts'
import type { AccountService, AuthService, FirstRunSetup } from '../auth/index.ts'
import { isApiToken, type ApiTokens } from '../auth/api-tokens.ts'
import type { AvailabilityService } from '../availability.ts'
import type { ChatService } from '../chat.ts'
import type { Metrics } from '../metrics.ts'
import { ParleyError } from '../../protocol/index.ts'
import { requestOrigin } from './cors.ts'
import type { Gateway } from '../realtime/gateway.ts'
import type { StreamSessions } from '../realtime/streams.ts'

export interface HttpContext {
  store: Store
  auth: AuthService
  /** Who did what (issue 18, S6). */
  audit: AuditTrail
  /** Which sites may use an inbox's widget (issue 18, S3). */
  origins: OriginGuard
  /** Challenges for risky visitors (issue 18, S4). */
  captcha: CaptchaGuard | null
  /** Challenges issued per client address (each costs the server a hash). */
  challengeLimiter: RateLimiter
  /** The first admin, when none exists yet (issue 16: first run). */
  setup: FirstRunSetup
  /** Integrations' credentials (issue 17, I3): `Bearer pat_...` on the REST API. */
  apiTokens: ApiTokens
  /** Sign-out, password change, visitor sign-out: what revokes access (server/auth/account.ts). */
  accounts: AccountService
  chat: ChatService
  /** What the widget shows: online, busy or offline, per branch (R5, R6). */
  availability: AvailabilityService
  /** Proactive messages (issue 20): offers, showings, the campaign a first message answers. */
  campaigns: CampaignService
  gateway: Gateway
  streams: StreamSessions
  metrics: Metrics
  log: Logger
  clock: Clock
  /** The peer address of a request, for per-client limits. */
  clientKey(request: Request): string
  /** True while draining: readiness fails so load balancers stop sending traffic. */
  isDraining(): boolean
  /** False while this node has lost its cluster link (always true on a single node). */
  clusterUp(): boolean
}

/** The bearer token of a request, if any. */
export function bearer(headers: Record<string, string | undefined>): string | null {
  const value = headers.authorization
  if (!value) return null
  const match = /^Bearer\s+(\S+)$/i.exec(value)
  return match?.[1] ?? null
}

/**
 * Who is calling. A visitor's call is also checked against the inbox's sites (S3): a token
 * proves its holder got it on an allowed page, but a page on a site the list does not name
 * cannot use one (a token taken from an allowed site, or an inbox whose list shrank since).
 */
export async function principalOf(
  ctx: HttpContext,
  headers: Record<string, string | undefined>,
): Promise<Principal> {
  const token = bearer(headers)
  // An API token's scope and budget were checked for this request by `apiTokenGuard`.
  if (token !== null && isApiToken(token)) return ctx.apiTokens.resolve(token)
  const principal = await ctx.auth.resolve(token)
  if (principal.kind === 'visitor' && headers.origin !== undefined) {
    await ctx.origins.admit(principal.inboxId, requestOrigin(headers), {
      entry: 'http',
      opaqueAdmitted: true,
    })
  }
  return principal
}

export async function requireAdmin(ctx: HttpContext, headers: Record<string, string | undefined>) {
  const principal = await principalOf(ctx, headers)
  if (principal.kind !== 'operator' || principal.role !== 'admin') {
    throw new ParleyError('forbidden', 'admins only')
  }
  return principal
}

/** Refuses a caller that is an API token: what only a signed-in person may do. */
export function refuseApiToken(principal: Principal, what: string): void {
  if (principal.kind === 'operator' && principal.token) {
    throw new ParleyError('forbidden', `${what} needs a signed-in operator, not an API token`)
  }
}
