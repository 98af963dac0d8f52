/** The inbox actor's commands and replies. */
import type { Conversation } from '../../protocol/index.ts'
import type { InboxChange } from '../bus.ts'
import type { Principal } from '../conversation/access.ts'

export type InboxCommand =
  | { type: 'change'; change: InboxChange }
  | { type: 'operator_available'; operatorId: string }
  /** Timer: the assignee did not open the conversation by escalationAt. */
  | { type: 'escalate'; conversationId: string; assigneeId: string; escalationAt: number }
  /** Timer: a snoozed conversation's time came (issue 20). */
  | { type: 'wake'; conversationId: string; until: number }
  /** The SLA deadline of a conversation came (issue 20). */
  | { type: 'sla_check'; conversationId: string }
  /** A person assigns (to an operator, to themselves) or releases (null) a conversation. */
  | { type: 'assign'; conversationId: string; operatorId: string | null; principal: Principal }
  /**
   * A person hands the conversation to a colleague or to a branch's first free operator (R4);
   * the note goes to the receiver's alert.
   */
  | {
      type: 'transfer'
      conversationId: string
      to: { operatorId: string } | { branchId: string }
      note?: string
      principal: Principal
    }
  /** Settings or membership changed: reload them, then route what waits. */
  | { type: 'reload' }
  /** Assign what waits in the queue to whoever can take it. */
  | { type: 'route_queue' }
  /** Timer: the branch opens or closes now (R5); re-armed for the next change. */
  | { type: 'hours'; branchId: string }
  /** Timer: the visitor has waited the branch's waiting-reply delay for an answer (R7). */
  | { type: 'waiting'; conversationId: string; since: number }

export interface InboxReplies {
  change: void
  operator_available: void
  escalate: void
  wake: void
  sla_check: void
  assign: Conversation
  transfer: Conversation
  reload: void
  route_queue: number
  hours: void
  waiting: void
}
