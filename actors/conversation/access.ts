/**
 * Who may do what to a conversation (S1, O6). One function decides for the actor and for the
 * HTTP routes, so a socket and a route can never disagree.
 */
import { ParleyError, type Party } from '../../protocol/index.ts'
import type { ConversationRecord, OperatorRole } from '../ports.ts'

/** The authenticated caller, resolved from a token by the server. */
export type Principal =
  | { kind: 'visitor'; id: string; inboxId: string }
  | {
      kind: 'operator'
      id: string
      role: OperatorRole
      canChat: boolean
      /**
       * The inboxes whose conversations this operator may see and handle (their memberships);
       * null or absent: every inbox (supervisors and admins, unless scoped by configuration).
       * The server always sets it from the store; see `inScope`.
       */
      inboxIds?: readonly string[] | null
      /**
       * Set when the caller is an API token acting as this operator (issue 17, I3): its id and
       * scope. `role` is then already capped by the scope (server/auth/api-tokens.ts).
       */
      token?: { id: string; scope: 'read' | 'write' | 'admin' }
    }
  /**
   * The system acting on one inbox's conversations (issue 20's automation rules, id
   * `rule:<ruleId>/<depth>`): built by the server, never from a request. Everything an
   * operator may do to that inbox's conversations, nothing elsewhere.
   */
  | { kind: 'system'; id: string; inboxId: string }

/** view: read history, subscribe. participate: send, edit, delete, typing, receipts. manage: status. */
export type Access = 'view' | 'participate' | 'manage'

export function partyOf(principal: Principal): Party {
  return { kind: principal.kind, id: principal.id }
}

export function partyKey(party: Party): string {
  return `${party.kind}:${party.id}`
}

/**
 * Throws unless principal may perform access on conv. To a visitor, a conversation that is not
 * theirs is indistinguishable from one that does not exist.
 */
export function authorize(
  principal: Principal,
  conv: ConversationRecord | null,
  access: Access,
): ConversationRecord {
  if (principal.kind === 'visitor') {
    if (!conv || conv.visitorId !== principal.id || conv.inboxId !== principal.inboxId) {
      throw new ParleyError('not_found', 'conversation not found')
    }
    if (access === 'manage') throw new ParleyError('forbidden', 'visitors cannot change the status')
    return conv
  }
  if (principal.kind === 'system') {
    if (!conv || conv.inboxId !== principal.inboxId) {
      throw new ParleyError('not_found', 'conversation not found')
    }
    return conv
  }
  if (!canOperatorAccess(principal, access)) {
    throw new ParleyError('forbidden', 'this operator has no permission to handle chats')
  }
  // Outside the operator's inboxes a conversation is as absent as one that does not exist.
  if (!conv || !inScope(principal, conv.inboxId)) {
    throw new ParleyError('not_found', 'conversation not found')
  }
  return conv
}

/** Operators need the chat permission to act; supervisors and admins may also view without it. */
export function canOperatorAccess(
  principal: Extract<Principal, { kind: 'operator' }>,
  access: Access,
): boolean {
  if (principal.canChat) return true
  return access === 'view' && (principal.role === 'supervisor' || principal.role === 'admin')
}

/** Whether the operator's inbox scope includes this inbox (O6: access scoping). */
export function inScope(
  principal: Extract<Principal, { kind: 'operator' }>,
  inboxId: string,
): boolean {
  return principal.inboxIds == null || principal.inboxIds.includes(inboxId)
}
