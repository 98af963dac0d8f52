/** What every route module needs, built once by the app. */
import type { AuditTrail } from '../audit.ts'
import type { Clock, Logger, Principal, Store } from '../../actors/index.ts'
import type { AccountService, AuthService, FirstRunSetup } from '../auth/index.ts'
import type { AvailabilityService } from '../availability.ts'
import type { ChatService } from '../chat.ts'
import type { Metrics } from '../metrics.ts'
import { ParleyError } from '../../protocol/index.ts'
import type { Gateway } from '../realtime/gateway.ts'
import type { StreamSessions } from '../realtime/streams.ts'

export interface HttpContext {
  store: Store
  auth: AuthService
  /** Who did what (issue 18, S6). */
  audit: AuditTrail
  /** The first admin, when none exists yet (issue 16: first run). */
  setup: FirstRunSetup
  /** Sign-out, password change, visitor sign-out: what revokes access (server/auth/account.ts). */
  accounts: AccountService
  chat: ChatService
  /** What the widget shows: online, busy or offline, per branch (R5, R6). */
  availability: AvailabilityService
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

export async function principalOf(
  ctx: HttpContext,
  headers: Record<string, string | undefined>,
): Promise<Principal> {
  return ctx.auth.resolve(bearer(headers))
}

export async function requireAdmin(ctx: HttpContext, headers: Record<string, string | undefined>) {
  const principal = await principalOf(ctx, headers)
  if (principal.kind !== 'operator' || principal.role !== 'admin') {
    throw new ParleyError('forbidden', 'admins only')
  }
  return principal
}
