/**
 * Who may read and write what an inbox defines for its team (canned replies, labels, macros):
 * one rule for every such route, so they can never disagree.
 */
import { canOperatorAccess, inScope, type Principal } from '../../actors/index.ts'
import { ParleyError } from '../../protocol/index.ts'
import { principalOf, type HttpContext } from './context.ts'

export type Operator = Extract<Principal, { kind: 'operator' }>

/** The caller, who must be an operator (`forbidden` otherwise). */
export async function operatorOf(
  ctx: HttpContext,
  headers: Record<string, string | undefined>,
): Promise<Operator> {
  const principal = await principalOf(ctx, headers)
  if (principal.kind !== 'operator') throw new ParleyError('forbidden', 'operators only')
  return principal
}

/**
 * Those who may view the inbox's conversations, and admins (they manage every inbox's
 * settings, and could make themselves members anyway).
 */
export function mayReadInbox(op: Operator, inboxId: string): boolean {
  return op.role === 'admin' || (canOperatorAccess(op, 'view') && inScope(op, inboxId))
}

/** Admins, and supervisors whose scope includes the inbox. */
export function mayWriteInbox(op: Operator, inboxId: string): boolean {
  return op.role === 'admin' || (op.role === 'supervisor' && mayReadInbox(op, inboxId))
}
