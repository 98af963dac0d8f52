/** The conversation actor's commands and what each one answers. */
import type {
  AssignReason,
  Conversation,
  ConversationPriority,
  ConversationStatus,
  Message,
  Party,
  Rating,
  RatingScale,
  ReadState,
  VisitorContext,
  VisitorLocation,
} from '../../protocol/index.ts'
import type { AttributeValue } from '../../protocol/attributes.ts'
import type { ConversationSla, SlaPolicy } from '../../protocol/sla.ts'
import type { LocalizedText } from '../ports.ts'
import type { Principal } from './access.ts'

/** Ack of a send: the original one when the client message id was seen before. */
export interface SendAck {
  messageId: string
  seq: number
  createdAt: number
  /** True when this ack answers a retry of an already stored message. */
  duplicate: boolean
}

/** Ack of a private note: the original one when the client message id was seen before. */
export interface NoteAck {
  noteId: string
  seq: number
  createdAt: number
  /** The operators it mentions, as stored. */
  mentions: string[]
  duplicate: boolean
}

/** What a subscriber needs besides the event log: current state, watermarks, who is typing. */
export interface ConversationView {
  conversation: Conversation
  readStates: ReadState[]
  typing: Party[]
}

export type ConversationCommand =
  | {
      type: 'create'
      principal: Principal
      first?: { clientMsgId?: string; text: string }
      /** The branch it is routed by and where the visitor is (R1); the inbox id when unset. */
      branchId?: string
      location?: VisitorLocation | null
      /** Left as a request while nobody could answer (R6). */
      offline?: boolean
      /** Where it came from when not the widget (issue 17). */
      channel?: 'api' | 'email' | 'telegram'
      locale?: 'en' | 'ru' | null
      /** An automatic answer to the first message (R7), stored right after it. */
      autoReply?: { text: string }
      /** Where the visitor is (identity and context): kept in the creation event. */
      context?: VisitorContext
      /**
       * The proactive message the first message answers (issue 20, checked by the caller):
       * stored before it, by the system, and the conversation carries the campaign's id.
       */
      campaign?: { id: string; text: string }
    }
  | { type: 'open'; principal: Principal }
  | {
      type: 'send'
      principal: Principal
      clientMsgId: string
      /** May be empty when attachmentIds names files. */
      text: string
      attachmentIds?: readonly string[]
    }
  /**
   * A private note (operators only, never shown to the visitor, never a reply). `mentions` were
   * checked by the caller, which knows the inbox's members.
   */
  | {
      type: 'note'
      principal: Principal
      clientMsgId: string
      text: string
      mentions: readonly string[]
    }
  | { type: 'edit'; principal: Principal; messageId: string; text: string }
  | { type: 'delete'; principal: Principal; messageId: string }
  | { type: 'typing'; principal: Principal; on: boolean }
  | { type: 'typing_expired'; key: string }
  /** An operator has it open (issue 20): lasts `ttlMs` unless sent again; off ends it. */
  | { type: 'viewing'; principal: Principal; on: boolean; ttlMs: number }
  | { type: 'viewing_expired'; operatorId: string }
  | { type: 'mark'; principal: Principal; readSeq?: number; deliveredSeq?: number }
  | { type: 'set_status'; principal: Principal; status: ConversationStatus }
  /** How urgent it is (issue 20): operators of its inbox. */
  | { type: 'set_priority'; principal: Principal; priority: ConversationPriority }
  /**
   * Add and remove labels (issue 20). `add` names labels of its inbox (checked by the caller,
   * which knows them); a label in both lists is refused.
   */
  | {
      type: 'set_labels'
      principal: Principal
      add: readonly string[]
      remove: readonly string[]
    }
  /** Its inbox deleted this label: the system takes it off (no-op when it has none). */
  | { type: 'drop_label'; labelId: string }
  /**
   * Set (or, null, remove) conversation attributes (issue 20). Keys and values are checked by
   * the caller against its inbox's definitions (protocol/attributes.ts).
   */
  | {
      type: 'set_attributes'
      principal: Principal
      changes: Readonly<Record<string, AttributeValue | null>>
    }
  /** Its inbox deleted this attribute: the system removes its value (no-op when none). */
  | { type: 'drop_attribute'; key: string }
  /**
   * Run it under this SLA policy from now (issue 20), or (null) under none. The policy is the
   * inbox's, checked by the caller.
   */
  | { type: 'apply_sla'; principal: Principal; policy: SlaPolicy | null }
  /** The inbox's SLA timer fired: record every deadline passed by now (none: no change). */
  | { type: 'sla_check' }
  /**
   * Set aside until `until` (epoch ms) or, null, until the visitor writes (issue 20). Open
   * conversations only; the time is checked by the actor against its clock.
   */
  | { type: 'snooze'; principal: Principal; until: number | null }
  /** Wake it now (no change when it is not snoozed). */
  | { type: 'unsnooze'; principal: Principal }
  /**
   * The inbox actor's snooze timer: wake it if it is still snoozed until exactly `until` (a
   * snooze moved or ended since changes nothing).
   */
  | { type: 'wake'; until: number }
  /**
   * Retention (issue 18): close the conversation, by the system, if it is still resolved and
   * had no activity since `idleSince` (epoch ms). Anything else changes nothing.
   */
  | { type: 'close_idle'; idleSince: number }
  /**
   * Auto-resolve (issue 20): resolve it, by the system, if it is still open, not snoozed and
   * without a message since `idleSince`; first `text` in its language, when there is one.
   */
  | { type: 'auto_resolve'; idleSince: number; text: LocalizedText }
  /**
   * Erasure (issue 18, S7/S8): the content goes (db/repos/erasure.ts), the conversation is
   * closed and takes nothing more but reads and receipts. Once; a second erase changes nothing.
   */
  | { type: 'erase'; by: Party }
  /**
   * Routing only (the inbox actor): set the assignee and escalation deadline, if the current
   * assignment still matches `expect` (a stale decision changes nothing).
   */
  | {
      type: 'assign'
      assigneeId: string | null
      escalationAt: number | null
      reason: AssignReason
      by: Party
      expect: { assigneeId: string | null; escalationAt?: number | null }
      /** Moves it to this branch too (an escalation to the default branch, a transfer). */
      branchId?: string
      /** A transfer's note, passed on to the receiver's alert. */
      note?: string
    }
  /**
   * Routing only (the inbox actor): the automatic reply to a visitor waiting since `since` for
   * an answer (R7), in the conversation's language. Stored once per wait, whatever is retried.
   */
  | { type: 'waiting_reply'; since: number; text: LocalizedText }
  /**
   * A visitor rates the latest resolution (C10) on the inbox's `scale` (checked by the caller,
   * which knows the inbox), or declines with a null score.
   */
  | {
      type: 'rate'
      principal: Principal
      scale: RatingScale
      score: number | null
      comment: string | null
    }
  /** The visitor is on another page (identity and context). */
  | { type: 'page'; principal: Principal; url: string; title: string | null }
  /** Routing only: the current row, without access checks. Null when it does not exist. */
  | { type: 'peek' }
  /** Its branch was deleted and the store moved it to `to`: the live copy follows. */
  | { type: 'rebranch'; from: string; to: string }
  /**
   * Something shown beside it changed outside the log (its visitor's name or e-mail): its
   * inbox hears of it, so open panels refresh the row and the sidebar. No event, no seq.
   */
  | { type: 'details_changed' }

export interface ConversationReplies {
  rebranch: void
  details_changed: void
  create: { conversation: Conversation; message: SendAck | null }
  open: ConversationView
  send: SendAck
  note: NoteAck
  edit: { message: Message; seq: number }
  delete: { message: Message; seq: number }
  typing: void
  typing_expired: void
  /** The operators who have it open now. */
  viewing: { viewers: string[] }
  viewing_expired: void
  mark: ReadState
  set_status: { status: ConversationStatus; seq: number }
  set_priority: { priority: ConversationPriority; seq: number }
  set_labels: { labels: string[]; seq: number }
  /** True when this call removed it. */
  drop_label: boolean
  /** Every value it holds after the change. */
  set_attributes: { attributes: Record<string, AttributeValue>; seq: number }
  /** True when this call removed it. */
  drop_attribute: boolean
  apply_sla: { sla: ConversationSla | null; seq: number }
  /** How many breaches this call recorded. */
  sla_check: number
  snooze: { snooze: { until: number | null } | null; seq: number }
  unsnooze: { snooze: { until: number | null } | null; seq: number }
  /** True when this call woke it. */
  wake: boolean
  /** True when this call closed it. */
  close_idle: boolean
  /** True when this call resolved it. */
  auto_resolve: boolean
  /** Whether this call erased it; the seq of its `conversation.erased` event either way. */
  erase: { erased: boolean; seq: number }
  assign: { applied: boolean; conversation: Conversation | null }
  peek: Conversation | null
  /** True when this call stored the reply (false: not waiting any more, or already sent). */
  waiting_reply: boolean
  rate: { rating: Rating; seq: number }
  /** The event's seq; null when nothing was recorded (the same page, or not open). */
  page: { seq: number | null }
}
