/**
 * Supervisor mode (O5): supervisors and admins may open any conversation of their scope
 * invisibly. The gateway then refuses the connection's read marks and typing for it (the only
 * things about an operator the visitor ever sees), and every invisible view is audited here.
 */
import type { Logger, Principal } from '../actors/index.ts'
import { ParleyError, type WatchMode } from '../protocol/index.ts'
import type { ChatService } from './chat.ts'

export type OperatorPrincipal = Extract<Principal, { kind: 'operator' }>

/** Supervisors and admins: invisible watching and the overview are theirs. */
export function isElevated(principal: Principal): principal is OperatorPrincipal {
  return (
    principal.kind === 'operator' && (principal.role === 'supervisor' || principal.role === 'admin')
  )
}

/** Throws `forbidden` unless the principal is a supervisor or an admin. */
export function requireElevated(principal: Principal, what: string): OperatorPrincipal {
  if (!isElevated(principal))
    throw new ParleyError('forbidden', `${what}: supervisors and admins only`)
  return principal
}

/**
 * The audit trail of invisible views: a structured log line for now. One function, so the
 * audit log (a later issue) can take it over.
 */
export function auditInvisibleView(
  log: Logger,
  entry: { operatorId: string; conversationId: string; address: string | null },
): void {
  log.info('audit: conversation viewed invisibly', entry)
}

/**
 * Opens a conversation for a caller who asked for `watch` (undefined: an ordinary open). An
 * invisible open is checked like any other (scope, view rights) and then audited.
 */
export async function openWatched(
  deps: { chat: ChatService; log: Logger },
  principal: Principal,
  conversationId: string,
  watch: WatchMode | undefined,
  address: string | null,
) {
  if (watch === undefined) return deps.chat.open(principal, conversationId)
  const op = requireElevated(principal, 'watching invisibly')
  const view = await deps.chat.open(op, conversationId)
  auditInvisibleView(deps.log, { operatorId: op.id, conversationId, address })
  return view
}
