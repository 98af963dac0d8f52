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

/**
 * A thing of an inbox the caller may change (a label, a macro, an attribute, an SLA policy):
 * one they may not even see is `not_found` (`<what> not found`); one they see but may not
 * change is `forbidden` (`only admins and supervisors change an inbox's <plural>`).
 */
export function writableOf<T extends { inboxId: string }>(
  op: Operator,
  found: T | null,
  what: string,
  plural: string,
): T {
  if (!found || !mayReadInbox(op, found.inboxId)) {
    throw new ParleyError('not_found', `${what} not found`)
  }
  if (!mayWriteInbox(op, found.inboxId)) {
    throw new ParleyError('forbidden', `only admins and supervisors change an inbox's ${plural}`)
  }
  return found
}

/** An inbox the caller may see (and that exists): else `not_found`. */
export async function readableInbox(ctx: HttpContext, op: Operator, inboxId: string) {
  if (!mayReadInbox(op, inboxId) || !(await ctx.store.inboxes.get(inboxId))) {
    throw new ParleyError('not_found', 'inbox not found')
  }
}

/**
 * An inbox whose `plural` (labels, rules...) the caller may change: one they may not see is
 * `not_found`, one they see but may not change is `forbidden`.
 */
export async function writableInbox(
  ctx: HttpContext,
  op: Operator,
  inboxId: string,
  plural: string,
) {
  await readableInbox(ctx, op, inboxId)
  if (!mayWriteInbox(op, inboxId)) {
    throw new ParleyError('forbidden', `only admins and supervisors change an inbox's ${plural}`)
  }
}
