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

/** An invisible view goes on the audit trail (and, as before, in the log). */
export async function auditInvisibleView(
  deps: { chat: ChatService; log: Logger },
  op: OperatorPrincipal,
  conversationId: string,
  address: string | null,
): Promise<void> {
  deps.log.info('audit: conversation viewed invisibly', {
    operatorId: op.id,
    conversationId,
    address,
  })
  await deps.chat.audit?.record({
    actor: op,
    action: 'conversation.viewed_invisibly',
    target: { kind: 'conversation', id: conversationId },
    address,
  })
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
  await auditInvisibleView(deps, op, conversationId, address)
  return view
}
