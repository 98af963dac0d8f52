/**
 * Frames on every transport (WebSocket JSON or MessagePack, SSE + POST, long-poll).
 * A client request carries `req`; the server answers it with `ack` or `error` carrying the same
 * `req`. Events arrive as `event` frames. See docs/protocol.md.
 */
import * as v from 'valibot'
import {
  ConversationPriority,
  ConversationStatus,
  MAX_ATTACHMENTS_PER_MESSAGE,
  MAX_CONVERSATION_LABELS,
  MAX_NOTE_MENTIONS,
  MAX_RATING_COMMENT,
  MAX_TEXT_LENGTH,
  OperatorStatus,
  type AssignReason,
  type Conversation,
  type Party,
  type ConversationEvent,
  type TypingData,
} from './model.ts'
import type { WireError } from './errors.ts'
import { wireString } from './strings.ts'

/**
 * Request id chosen by the client: a short string or a non-negative integer. The integer comes
 * first: every first-party client counts its requests, and a union builds an issue object for
 * each option a value fails before the one it passes (twice per frame: the gateway reads `req`
 * before the frame).
 */
export const ReqId = v.union([
  v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(Number.MAX_SAFE_INTEGER)),
  v.pipe(wireString('req'), v.minLength(1), v.maxLength(64)),
])
export type ReqId = v.InferOutput<typeof ReqId>

const Id = v.pipe(wireString('id'), v.minLength(1), v.maxLength(64))
const Seq = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(Number.MAX_SAFE_INTEGER))
/**
 * Client message id for idempotent send (C3). Like every client string: well-formed Unicode,
 * no NUL (see strings.ts).
 */
/** The languages the widget speaks. */
export const Locale = v.picklist(['en', 'ru'])

export const ClientMsgId = v.pipe(wireString('clientMsgId'), v.minLength(1), v.maxLength(64))
/** Message text: trimmed content must be non-empty, at most MAX_TEXT_LENGTH characters (C7). */
export const MessageText = v.pipe(
  wireString('text'),
  v.maxLength(MAX_TEXT_LENGTH, `text is longer than ${MAX_TEXT_LENGTH} characters`),
  v.check((s) => s.trim().length > 0, 'text is empty'),
)

/**
 * Uploaded files (POST /api/conversations/:id/attachments) to send with a message: distinct,
 * at most MAX_ATTACHMENTS_PER_MESSAGE. A message has text, files, or both.
 */
export const AttachmentIds = v.pipe(
  v.array(Id),
  v.minLength(1, 'attachmentIds is empty'),
  v.maxLength(
    MAX_ATTACHMENTS_PER_MESSAGE,
    `a message carries at most ${MAX_ATTACHMENTS_PER_MESSAGE} files`,
  ),
  v.check((ids) => new Set(ids).size === ids.length, 'attachmentIds names a file twice'),
)

/** Operator ids a note mentions: distinct, at most MAX_NOTE_MENTIONS. */
export const NoteMentions = v.pipe(
  v.array(Id),
  v.maxLength(MAX_NOTE_MENTIONS, `a note mentions at most ${MAX_NOTE_MENTIONS} operators`),
  v.check((ids) => new Set(ids).size === ids.length, 'mentions names an operator twice'),
)

/** First frame on a socket: present a visitor or operator token. */
export const AuthFrame = v.strictObject({
  type: v.literal('auth'),
  req: ReqId,
  token: v.pipe(wireString('token'), v.maxLength(2048)),
})
/** Liveness check answered by `pong` with the same req. */
export const PingFrame = v.strictObject({ type: v.literal('ping'), req: ReqId })
/** A web address the widget reports: http(s) only, at most 2048 characters. */
/** An IANA time zone this runtime knows (`Europe/Moscow`). */
export const TimeZoneName = v.pipe(
  wireString('timeZone'),
  v.maxLength(64),
  v.check((tz) => {
    try {
      new Intl.DateTimeFormat('en', { timeZone: tz })
      return true
    } catch {
      return false
    }
  }, 'must be an IANA time zone'),
)
const PageUrl = v.pipe(
  wireString('url'),
  v.trim(),
  v.maxLength(2048),
  v.url('must be a URL'),
  v.check((u) => /^https?:/i.test(u), 'must be an http or https URL'),
)
/** The page the visitor is on, as the widget sees it (identity and context). */
export const PageContext = v.strictObject({
  url: v.optional(PageUrl),
  title: v.optional(v.pipe(wireString('title'), v.trim(), v.maxLength(300))),
  referrer: v.optional(v.union([v.literal(''), PageUrl])),
  /** The browser's language (BCP 47). */
  language: v.optional(
    v.pipe(
      wireString('language'),
      v.regex(/^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8}){0,4}$/, 'must be a language tag'),
    ),
  ),
  /** The browser's IANA time zone. */
  timeZone: v.optional(TimeZoneName),
})
export type PageContext = v.InferOutput<typeof PageContext>

/** Visitor only: open a new conversation in the token's inbox, optionally with a first message. */
export const StartFrame = v.strictObject({
  type: v.literal('start'),
  req: ReqId,
  clientMsgId: v.optional(ClientMsgId),
  text: v.optional(MessageText),
  /** The widget's language: automatic replies speak it (R7). */
  locale: v.optional(Locale),
  /** Where the visitor is; the server adds what the user agent says. */
  context: v.optional(PageContext),
  /**
   * The proactive message this first message answers (issue 20): a campaign shown to this
   * visitor (`POST /api/visitor/campaigns/:id/shown`); only with `text`.
   */
  campaignId: v.optional(Id),
})

/**
 * Visitor only: the visitor went to another page while the conversation is open; recorded as a
 * `conversation.context` event (the same page again records nothing).
 */
export const PageFrame = v.strictObject({
  type: v.literal('page'),
  req: ReqId,
  conversationId: Id,
  url: PageUrl,
  title: v.optional(v.pipe(wireString('title'), v.trim(), v.maxLength(300))),
})
/**
 * How a supervisor or admin watches a conversation (O5): `invisible` never moves read marks,
 * never shows typing, and is audited.
 */
export const WatchMode = v.literal('invisible')
export type WatchMode = v.InferOutput<typeof WatchMode>

/**
 * Stream a conversation's events with seq > afterSeq, then live ones. `watch: 'invisible'`
 * (supervisors and admins only, else `forbidden`): while this subscription lasts, the
 * connection's `read`, `delivered` and `typing` for the conversation are refused (`forbidden`).
 */
export const SubscribeFrame = v.strictObject({
  type: v.literal('subscribe'),
  req: ReqId,
  conversationId: Id,
  afterSeq: Seq,
  watch: v.optional(WatchMode),
})
export const UnsubscribeFrame = v.strictObject({
  type: v.literal('unsubscribe'),
  req: ReqId,
  conversationId: Id,
})
/**
 * Post a message: text, uploaded files, or both (neither: validation_failed). A retry with the
 * same clientMsgId gets the original ack.
 */
export const SendFrame = v.strictObject({
  type: v.literal('send'),
  req: ReqId,
  conversationId: Id,
  clientMsgId: ClientMsgId,
  text: v.optional(MessageText),
  attachmentIds: v.optional(AttachmentIds),
})
/**
 * Operators only: a private note in the thread (issue 16), seen by the team and never by the
 * visitor; `mentions` names colleagues to alert (members of the inbox, or supervisors and
 * admins; others are dropped). A retry with the same clientMsgId gets the original ack.
 */
export const NoteFrame = v.strictObject({
  type: v.literal('note'),
  req: ReqId,
  conversationId: Id,
  clientMsgId: ClientMsgId,
  text: MessageText,
  mentions: v.optional(NoteMentions),
})
/** Edit one's own message while the other side has not read it. */
export const EditFrame = v.strictObject({
  type: v.literal('edit'),
  req: ReqId,
  conversationId: Id,
  messageId: Id,
  text: MessageText,
})
/** Soft-delete one's own message while the other side has not read it. */
export const DeleteFrame = v.strictObject({
  type: v.literal('delete'),
  req: ReqId,
  conversationId: Id,
  messageId: Id,
})
/** Typing on/off; the server expires "on" after about 8 s without a refresh. */
export const TypingFrame = v.strictObject({
  type: v.literal('typing'),
  req: ReqId,
  conversationId: Id,
  on: v.boolean(),
})
/**
 * Operators only: "I have this conversation open" (issue 20, collision detection), on or off.
 * An `on` lasts VIEWING_TTL_MS: the panel sends it again while the thread stays open. Every
 * operator subscribed gets `viewers` events; visitors never do. Refused while watching
 * invisibly.
 */
export const ViewingFrame = v.strictObject({
  type: v.literal('viewing'),
  req: ReqId,
  conversationId: Id,
  on: v.boolean(),
})
/** Move the sender's read watermark up to seq (it never moves back). Implies delivered. */
export const ReadFrame = v.strictObject({
  type: v.literal('read'),
  req: ReqId,
  conversationId: Id,
  seq: Seq,
})
/** Move the sender's delivered watermark up to seq. */
export const DeliveredFrame = v.strictObject({
  type: v.literal('delivered'),
  req: ReqId,
  conversationId: Id,
  seq: Seq,
})
/** Operators only: set open / resolved / closed. */
export const SetStatusFrame = v.strictObject({
  type: v.literal('set_status'),
  req: ReqId,
  conversationId: Id,
  status: ConversationStatus,
})

/** Operators only: set how urgent the conversation is (issue 20). */
export const SetPriorityFrame = v.strictObject({
  type: v.literal('set_priority'),
  req: ReqId,
  conversationId: Id,
  priority: ConversationPriority,
})

/** Label ids to add or remove: distinct, at most MAX_CONVERSATION_LABELS. */
export const LabelIds = v.pipe(
  v.array(Id),
  v.maxLength(
    MAX_CONVERSATION_LABELS,
    `a conversation carries at most ${MAX_CONVERSATION_LABELS} labels`,
  ),
  v.check((ids) => new Set(ids).size === ids.length, 'names a label twice'),
)

/**
 * Operators only: add and remove labels of the conversation's inbox (issue 20). A label named
 * in both lists, or one the inbox does not define in `add`, is refused; adding a label it has
 * or removing one it lacks changes nothing.
 */
export const SetLabelsFrame = v.strictObject({
  type: v.literal('set_labels'),
  req: ReqId,
  conversationId: Id,
  add: v.optional(LabelIds),
  remove: v.optional(LabelIds),
})

/**
 * Operators only: set an open conversation aside (issue 20) until `until` (epoch ms, in the
 * future, at most MAX_SNOOZE_MS ahead) or, without it, until the visitor writes. Snoozing a
 * snoozed one moves its time.
 */
export const SnoozeFrame = v.strictObject({
  type: v.literal('snooze'),
  req: ReqId,
  conversationId: Id,
  until: v.optional(
    v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(Number.MAX_SAFE_INTEGER)),
  ),
})
/** Operators only: wake a snoozed conversation now (a conversation not snoozed: no change). */
export const UnsnoozeFrame = v.strictObject({
  type: v.literal('unsnooze'),
  req: ReqId,
  conversationId: Id,
})

/** Operators only: set one's own status, shared by every tab and device (O4). */
export const SetOperatorStatusFrame = v.strictObject({
  type: v.literal('set_operator_status'),
  req: ReqId,
  status: OperatorStatus,
})
/**
 * Operators only: receive the live feed of one's inboxes (conversation changes, badges, status,
 * alerts). The ack carries a snapshot; `feed` frames follow.
 */
export const FeedSubscribeFrame = v.strictObject({ type: v.literal('feed_subscribe'), req: ReqId })
/**
 * Operators only: assign a conversation to an operator (one's own id: "assign to me"), or
 * release it with null.
 */
export const AssignFrame = v.strictObject({
  type: v.literal('assign'),
  req: ReqId,
  conversationId: Id,
  operatorId: v.nullable(Id),
})

/** How much of a note a mention alert carries. */
export const MENTION_EXCERPT = 140

/** The longest note a transfer carries for its receiver. */
export const MAX_TRANSFER_NOTE = 500

/**
 * Operators only: hand a conversation to a colleague (`operatorId`) or to the first free
 * operator of a branch (`branchId`), with an optional note for the receiver (R4).
 */
export const TransferFrame = v.strictObject({
  type: v.literal('transfer'),
  req: ReqId,
  conversationId: Id,
  to: v.union([v.strictObject({ operatorId: Id }), v.strictObject({ branchId: Id })]),
  note: v.optional(v.pipe(wireString('note'), v.trim(), v.maxLength(MAX_TRANSFER_NOTE))),
})

/**
 * Visitors only: rate the conversation's latest resolution (C10) on the inbox's scale, or
 * decline (`score: null`). Changes are taken for 7 days after the first rating of a resolution.
 */
export const RateFrame = v.strictObject({
  type: v.literal('rate'),
  req: ReqId,
  conversationId: Id,
  score: v.nullable(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(10))),
  comment: v.optional(
    v.nullable(v.pipe(wireString('comment'), v.trim(), v.maxLength(MAX_RATING_COMMENT))),
  ),
})

export const ClientFrame = v.variant('type', [
  AuthFrame,
  PingFrame,
  StartFrame,
  SubscribeFrame,
  UnsubscribeFrame,
  SendFrame,
  NoteFrame,
  EditFrame,
  DeleteFrame,
  TypingFrame,
  ViewingFrame,
  ReadFrame,
  DeliveredFrame,
  SetStatusFrame,
  SetPriorityFrame,
  SetLabelsFrame,
  SnoozeFrame,
  UnsnoozeFrame,
  SetOperatorStatusFrame,
  FeedSubscribeFrame,
  AssignFrame,
  TransferFrame,
  RateFrame,
  PageFrame,
])
export type ClientFrame = v.InferOutput<typeof ClientFrame>
/**
 * Each client frame's own schema, by type. A server checks a frame against its type's schema
 * only: the variant tries its options in turn and builds an issue (a message, the value
 * printed) for every option it passes on the way, on every frame.
 */
export const CLIENT_FRAME_SCHEMAS: ReadonlyMap<string, (typeof ClientFrame.options)[number]> =
  new Map(ClientFrame.options.map((o) => [o.entries.type.literal, o]))

/** Reply to a request. `data` depends on the request type (see docs/protocol.md). */
export interface AckFrame {
  type: 'ack'
  req: ReqId
  data?: unknown
}
/** Reply to a failed request, or a connection-level error without req. */
export interface ErrorFrame extends WireError {
  type: 'error'
  req?: ReqId
  /**
   * Set, without req, when the server ended one subscription on its own (the principal's
   * rights changed): no more events of this conversation arrive on this connection.
   */
  conversationId?: string
}
/** A stored conversation event; `seq` orders it within the conversation. */
export type EventFrame = { type: 'event' } & ConversationEvent
/** Ephemeral typing notice; no seq. */
export interface TypingEventFrame {
  type: 'event'
  name: 'typing'
  conversationId: string
  at: number
  data: TypingData
}
/** Ephemeral: a waiting conversation's place in its branch's queue (R6); null once it left. */
export interface QueueEventFrame {
  type: 'event'
  name: 'queue'
  conversationId: string
  at: number
  data: { position: number | null }
}
/**
 * Ephemeral, operators only (issue 20): the operators who have the conversation open now, after
 * any change (a `viewing` on or off, or one that lapsed).
 */
export interface ViewersEventFrame {
  type: 'event'
  name: 'viewers'
  conversationId: string
  at: number
  data: { operators: string[] }
}
/** Events that are never stored and carry no seq. */
export type EphemeralEventFrame = TypingEventFrame | QueueEventFrame | ViewersEventFrame
export interface PongFrame {
  type: 'pong'
  req: ReqId
}
/** Sent before the server closes a connection on purpose (drain, shutdown): reconnect later. */
export interface ReconnectFrame {
  type: 'reconnect'
  reason: string
  afterMs: number
}
/** Unread and unanswered totals over the operator's badge set (O2, O3). */
export interface Badges {
  unread: number
  unanswered: number
}

/**
 * What an operator's feed starts from: the `feed_subscribe` ack, `GET /api/me/badges`, and a
 * `resync` feed frame. `unread`: unread visitor messages per conversation of the badge set
 * (zeros omitted); `present`: docs/protocol.md section 7.1.
 */
export interface FeedSnapshot {
  status: OperatorStatus
  present: boolean
  badges: Badges
  unread: Record<string, number>
}

/**
 * The operator feed (`feed_subscribe`): one frame per change, no seq (state, not a log: apply the
 * newest). `conversation`: any change to a conversation of the operator's inboxes, with the
 * operator's unread count for it (null when it is not in the badge set: assigned to someone
 * else or not open). `badges`: new totals. `status`: the operator's status or presence changed
 * (from another tab too). `alert`: someone else moved a conversation to or away from them, mentioned them in a note, or
 * a deadline of an SLA of theirs passed. `resync`: frames of this feed may have been missed (a
 * cluster node lost its NATS link for a while): take its snapshot as after `feed_subscribe` and
 * read the conversation list again.
 * Two or more frames of one event-loop turn reach the client as one `FeedBatchFrame`.
 */
export type FeedFrame =
  | {
      type: 'feed'
      name: 'conversation'
      data: { conversation: Conversation; change: string; unread: number | null }
    }
  | { type: 'feed'; name: 'badges'; data: Badges }
  | { type: 'feed'; name: 'status'; data: { status: OperatorStatus; present: boolean } }
  | { type: 'feed'; name: 'resync'; data: FeedSnapshot }
  | {
      type: 'feed'
      name: 'alert'
      data: {
        kind: 'assigned_to_you' | 'reassigned_away'
        conversationId: string
        reason: AssignReason
        assigneeId: string | null
        previousAssigneeId: string | null
        /** A transfer's note, to its receiver only (R4). */
        note?: string
        /** Who transferred it (reason `transfer`). */
        by?: Party
      }
    }
  | {
      type: 'feed'
      name: 'alert'
      data: {
        /** A colleague mentioned this operator in a private note. */
        kind: 'mentioned'
        conversationId: string
        /** The note's seq in the conversation. */
        seq: number
        by: Party
        /** The note's first MENTION_EXCERPT characters. */
        excerpt: string
      }
    }
  | {
      type: 'feed'
      name: 'alert'
      data: {
        /** A deadline of the SLA of a conversation assigned to this operator passed (issue 20). */
        kind: 'sla_breached'
        conversationId: string
        /** The deadline's kind and time. */
        slaKind: 'first_response' | 'next_response' | 'resolution'
        due: number
      }
    }

/**
 * Several feed frames in one message: what the operator's feed produced within one event-loop
 * turn, coalesced (only the newest `badges`, `status` and state of each conversation survive;
 * see docs/protocol.md 5.1), in order. Apply `frames` one after the other, as if they had come
 * alone. A turn with a single frame sends that frame bare; a batch never nests.
 */
export interface FeedBatchFrame {
  type: 'feed'
  name: 'batch'
  data: { frames: FeedFrame[] }
}

export type ServerFrame =
  | AckFrame
  | ErrorFrame
  | EventFrame
  | TypingEventFrame
  | PongFrame
  | ReconnectFrame
  | FeedFrame
  | FeedBatchFrame
