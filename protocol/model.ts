/**
 * The shapes the server sends: conversations, messages, events. Schemas first; every TS type
 * is inferred from its schema so client and server cannot drift.
 */
import * as v from 'valibot'
import { MAX_ATTACHMENTS_PER_MESSAGE, MAX_RATING_COMMENT, MAX_TEXT_LENGTH } from './limits.ts'

export {
  AA_CONTRAST,
  contrastWithWhite,
  MAX_ATTACHMENTS_PER_MESSAGE,
  MAX_CONVERSATION_LABELS,
  MAX_INBOX_LABELS,
  MAX_LABEL_NAME,
  MAX_SNOOZE_MS,
  VIEWING_TTL_MS,
  MAX_NOTE_MENTIONS,
  MAX_RATING_COMMENT,
  MAX_TEXT_LENGTH,
  RATING_CHANGE_MS,
  relativeLuminance,
} from './limits.ts'

/**
 * `pending` (issue 20, M4): an operator answered and waits on the visitor. It leaves the open
 * list and the queue, nothing escalates or auto-replies, and the visitor's next message opens it
 * again; inactivity resolves it like an open one. The visitor never sees it: to them it is open
 * (`forVisitor`, and its status events are operators' only).
 */
export const ConversationStatus = v.picklist(['open', 'pending', 'resolved', 'closed'])
export type ConversationStatus = v.InferOutput<typeof ConversationStatus>

/** Still being worked on: open, or pending on the visitor (issue 20). */
export function isActive(status: ConversationStatus): status is 'open' | 'pending' {
  return status === 'open' || status === 'pending'
}

/**
 * How urgent a conversation is (issue 20): routing gives the queue's most urgent first, and the
 * list can sort by it. A conversation is `normal` until someone sets another.
 */
export const ConversationPriority = v.picklist(['urgent', 'high', 'normal', 'low'])
export type ConversationPriority = v.InferOutput<typeof ConversationPriority>
/** Most urgent first: the order routing and the list's priority sort use. */
export const PRIORITY_RANK: Record<ConversationPriority, number> = {
  urgent: 0,
  high: 1,
  normal: 2,
  low: 3,
}

/**
 * A label an inbox defines (issue 20): operators put them on its conversations, filter the
 * list by them. `color` is #rrggbb.
 */
export const Label = v.object({
  id: v.string(),
  inboxId: v.string(),
  name: v.string(),
  color: v.string(),
  createdAt: v.number(),
})
export type Label = v.InferOutput<typeof Label>

/** Who did something: the visitor of the conversation, an operator, or the system. */
export const Party = v.object({
  kind: v.picklist(['visitor', 'operator', 'system']),
  id: v.string(),
})
export type Party = v.InferOutput<typeof Party>
export type PartyKind = Party['kind']

/**
 * A file on a message (F1-F6), as every reader sees it. The bytes are fetched from
 * `GET /api/conversations/:conversationId/attachments/:id` (with the reader's token) or from a
 * signed link (docs/protocol.md 7); nothing here is a URL, so an event reads the same forever.
 */
export const Attachment = v.object({
  id: v.string(),
  /** The file name as uploaded, made safe (no path, no control characters, <= 200 chars). */
  name: v.string(),
  /** Bytes as stored (images: after their metadata was stripped). */
  size: v.number(),
  /** Sniffed from the bytes at upload, never taken from the client. */
  contentType: v.string(),
  /** Images: pixel size after orientation, so a thread can reserve the space before loading. */
  width: v.nullable(v.number()),
  height: v.nullable(v.number()),
  /** True when a small preview exists (`?variant=thumb`). */
  thumbnail: v.boolean(),
})
export type Attachment = v.InferOutput<typeof Attachment>

/** One chat message as clients see it. Timestamps are Unix epoch milliseconds. */
export const Message = v.object({
  id: v.string(),
  conversationId: v.string(),
  /** The seq of the `message.created` event that introduced this message. */
  seq: v.number(),
  author: Party,
  /** Empty once deleted, and may be empty when the message carries files. */
  text: v.string(),
  /** Files sent with the message, in the sender's order; absent when none or once deleted. */
  attachments: v.optional(v.array(Attachment)),
  clientMsgId: v.nullable(v.string()),
  createdAt: v.number(),
  editedAt: v.nullable(v.number()),
  deletedAt: v.nullable(v.number()),
  deletedBy: v.nullable(Party),
})
export type Message = v.InferOutput<typeof Message>

/** Where the visitor was when the conversation started, from their address (GeoIP, R1). */
export const VisitorLocation = v.object({
  /** ISO 3166-1 alpha-2, upper case. */
  country: v.string(),
  /** Subdivision code (ISO 3166-2 without the country) or name, when the database knows it. */
  region: v.nullable(v.string()),
  city: v.nullable(v.string()),
})
export type VisitorLocation = v.InferOutput<typeof VisitorLocation>

const SlaKindShape = v.picklist(['first_response', 'next_response', 'resolution'])
const Minutes = v.nullable(v.number())
/** protocol/sla.ts ConversationSla, checked on the wire (issue 20). */
export const ConversationSlaShape = v.object({
  policyId: v.string(),
  name: v.string(),
  businessHours: v.boolean(),
  firstResponseMinutes: Minutes,
  nextResponseMinutes: Minutes,
  resolutionMinutes: Minutes,
  appliedAt: v.number(),
  responded: v.boolean(),
  firstResponseDue: v.nullable(v.number()),
  nextResponseDue: v.nullable(v.number()),
  resolutionDue: v.nullable(v.number()),
  breaches: v.array(v.object({ kind: SlaKindShape, due: v.number(), at: v.number() })),
})

/** A conversation as listed in an inbox or a visitor's list. */
export const Conversation = v.object({
  id: v.string(),
  inboxId: v.string(),
  visitorId: v.string(),
  status: ConversationStatus,
  assigneeId: v.nullable(v.string()),
  /** Seq of the newest event; a client that has it is up to date. */
  lastSeq: v.number(),
  /**
   * True while the newest message by a person is the visitor's: no operator has answered it
   * (O2). Automatic replies answer nothing.
   */
  hasUnansweredIncoming: v.boolean(),
  lastMessageAt: v.nullable(v.number()),
  /**
   * Since when the visitor waits for a reply: the time of the first visitor message after the
   * last operator message; null when nobody waits. Automatic replies answer nothing. Optional
   * so payloads from before it parse.
   */
  waitingSince: v.optional(v.nullable(v.number())),
  /**
   * When the assignment escalates to another operator unless the assignee opens the
   * conversation first (R3); null when no escalation is pending.
   */
  escalationAt: v.nullable(v.number()),
  /** The branch whose team and hours it is routed by (R1). */
  branchId: v.optional(v.string()),
  location: v.optional(v.nullable(VisitorLocation)),
  /** Left as a request while nobody could answer (R6). */
  offline: v.optional(v.boolean()),
  /**
   * Where it came from (issue 17): `api` (started by an integration for a contact), `email`,
   * `telegram`; absent: the widget.
   */
  channel: v.optional(v.picklist(['api', 'email', 'telegram'])),
  createdAt: v.number(),
  updatedAt: v.number(),
  /** How urgent it is (issue 20); absent: `normal`. */
  priority: v.optional(ConversationPriority),
  /** Ids of its inbox's labels, in the order they were added (issue 20); absent: none. */
  labels: v.optional(v.array(v.string())),
  /**
   * Values of its inbox's conversation attributes by key (issue 20, protocol/attributes.ts);
   * absent: none. Operators only.
   */
  attributes: v.optional(v.record(v.string(), v.union([v.string(), v.number(), v.boolean()]))),
  /**
   * The SLA it runs under (issue 20, protocol/sla.ts ConversationSla): deadlines pending and
   * breaches; absent: none. Operators only.
   */
  sla: v.optional(ConversationSlaShape),
  /**
   * Set aside by an operator until a time, or (`until` null) until the visitor writes (issue
   * 20); absent: not snoozed. Only an open conversation is; its visitor's message, the time,
   * resolving it or an operator wakes it.
   */
  snooze: v.optional(v.object({ until: v.nullable(v.number()) })),
  /**
   * The campaign whose proactive message the visitor answered to start it (issue 20,
   * protocol/campaigns.ts); absent: none.
   */
  campaignId: v.optional(v.string()),
  /**
   * When its content was erased (a data-subject request or retention, issue 18): every
   * message and note is empty, files and context are gone, nothing more can be written to it.
   * Absent while it was not.
   */
  erasedAt: v.optional(v.number()),
})
export type Conversation = v.InferOutput<typeof Conversation>

/**
 * A conversation in its visitor's own list (`GET /api/visitor/conversations`): the summary
 * plus its newest message (null before the first; a deleted one has empty text) and the
 * operator messages after the visitor's read watermark.
 */
export const VisitorConversation = v.object({
  ...Conversation.entries,
  lastMessage: v.nullable(Message),
  unread: v.number(),
})
export type VisitorConversation = v.InferOutput<typeof VisitorConversation>

/** The visitor of a listed conversation (issue 16); `label` is what the panel shows. */
export const InboxVisitor = v.object({
  name: v.nullable(v.string()),
  email: v.nullable(v.string()),
  /** The name, else the e-mail, else a name derived from the visitor id (visitorLabel). */
  label: v.string(),
})
export type InboxVisitor = v.InferOutput<typeof InboxVisitor>

/** The newest message of a listed conversation, cut for a preview (automatic replies skipped). */
export const InboxLastMessage = v.object({
  authorKind: v.picklist(['visitor', 'operator', 'system']),
  authorId: v.string(),
  /** At most INBOX_PREVIEW_LENGTH characters; empty once deleted or for files only. */
  text: v.string(),
  /** The first file, when it carries any. */
  attachment: v.nullable(v.object({ name: v.string(), contentType: v.string() })),
  deleted: v.boolean(),
  at: v.number(),
})
export type InboxLastMessage = v.InferOutput<typeof InboxLastMessage>

/** Longest message preview in the inbox list, in characters. */
export const INBOX_PREVIEW_LENGTH = 140

/** A conversation in the operators' list (`GET /api/inbox`): the summary and what a row shows. */
export const InboxItem = v.object({
  ...Conversation.entries,
  visitor: InboxVisitor,
  lastMessage: v.nullable(InboxLastMessage),
  /** The assignee as colleagues see them (display name, else first name); null: nobody. */
  assignee: v.nullable(
    v.object({ id: v.string(), name: v.string(), avatarId: v.nullable(v.string()) }),
  ),
})
export type InboxItem = v.InferOutput<typeof InboxItem>

/** How many conversations each list view shows under the same filters (`GET /api/inbox/counts`). */
export const InboxCounts = v.object({
  all: v.number(),
  mine: v.number(),
  unassigned: v.number(),
  unanswered: v.number(),
})
export type InboxCounts = v.InferOutput<typeof InboxCounts>

/** Operator status, set by the operator and shared by all of their tabs and devices (O4). */
export const OperatorStatus = v.picklist(['online', 'away', 'busy'])
export type OperatorStatus = v.InferOutput<typeof OperatorStatus>

/** The panel's UI language an operator chose; null on the operator: follow the device (issue 16). */
export const PanelLocale = v.picklist(['en', 'ru'])
export type PanelLocale = v.InferOutput<typeof PanelLocale>

/** A reader's watermarks: "delivered up to seq N", "read up to seq M" (C5). */
export const ReadState = v.object({
  reader: Party,
  deliveredSeq: v.number(),
  readSeq: v.number(),
})
export type ReadState = v.InferOutput<typeof ReadState>

/**
 * Where the visitor is (identity and context): the page (URL, title, referrer) the widget
 * reported, its language and time zone, and the browser, OS and device the server read from
 * the user agent. Every field may be unknown (null).
 */
export const VisitorContext = v.object({
  url: v.nullable(v.string()),
  title: v.nullable(v.string()),
  referrer: v.nullable(v.string()),
  language: v.nullable(v.string()),
  timeZone: v.nullable(v.string()),
  userAgent: v.nullable(v.string()),
  /** "Chrome 131", "Mobile Safari 17.4". */
  browser: v.nullable(v.string()),
  /** "iOS 17.4", "Linux". */
  os: v.nullable(v.string()),
  /** "mobile", "tablet", "desktop" (no device type in the user agent). */
  device: v.nullable(v.string()),
})
export type VisitorContext = v.InferOutput<typeof VisitorContext>

/** A context nothing is known of (yet, or any more: erased). */
export const EMPTY_CONTEXT: VisitorContext = {
  url: null,
  title: null,
  referrer: null,
  language: null,
  timeZone: null,
  userAgent: null,
  browser: null,
  os: null,
  device: null,
}

/** Stored events: each carries a per-conversation seq and is replayed on resume (C2, T4). */
export const ConversationCreatedData = v.object({
  conversation: Conversation,
  /** The visitor's context when it started, when the widget reported it. */
  context: v.optional(VisitorContext),
})
/** The visitor went to another page while the conversation was open. */
export const ContextChangedData = v.object({ context: VisitorContext })
export const MessageCreatedData = v.object({ message: Message })
export const MessageUpdatedData = v.object({ message: Message })
export const ReadUpdatedData = ReadState
export const StatusChangedData = v.object({ status: ConversationStatus, by: Party })
/** Why an assignment changed: routing, a person's action, or escalation of an unopened one. */
export const AssignReason = v.picklist(['auto', 'manual', 'escalation', 'released', 'transfer'])
export type AssignReason = v.InferOutput<typeof AssignReason>
export const AssignedData = v.object({
  assigneeId: v.nullable(v.string()),
  previousAssigneeId: v.nullable(v.string()),
  reason: AssignReason,
  by: Party,
  /** A transfer or an escalation that moved it to another branch: the branch it is in now. */
  branchId: v.optional(v.string()),
})

/** How an inbox asks visitors to rate a resolved conversation (C10). */
export const RatingScale = v.picklist(['stars', 'thumbs', 'nps'])
export type RatingScale = v.InferOutput<typeof RatingScale>

/** A visitor's rating of one resolution of a conversation (C10). */
export const Rating = v.object({
  scale: RatingScale,
  /** stars 1-5, thumbs 0 (down) or 1 (up), nps 0-10; null: the visitor declined to rate. */
  score: v.nullable(v.number()),
  comment: v.nullable(v.string()),
  /** The seq of the `conversation.status` event (resolved or closed) this rating is for. */
  resolutionSeq: v.number(),
  /** When this resolution was first rated; changes are taken for RATING_CHANGE_MS after it. */
  firstRatedAt: v.number(),
})
export type Rating = v.InferOutput<typeof Rating>
export const RatedData = v.object({ rating: Rating, by: Party })

/**
 * A private note (issue 16): an operator-only line in the thread. Never sent to the visitor on
 * any transport, never a reply (the unanswered flag, waiting time and the list's last message
 * ignore it), immutable once written.
 */
export const Note = v.object({
  id: v.string(),
  conversationId: v.string(),
  /** The seq of its `note.created` event. */
  seq: v.number(),
  author: Party,
  text: v.string(),
  /** Operators it mentions (each got an alert), members of the inbox or supervisors/admins. */
  mentions: v.array(v.string()),
  clientMsgId: v.nullable(v.string()),
  createdAt: v.number(),
})
export type Note = v.InferOutput<typeof Note>
export const NoteCreatedData = v.object({ note: Note })

/** An operator (or a rule, or the API) changed its priority (issue 20). Operators only. */
export const PriorityChangedData = v.object({
  priority: ConversationPriority,
  previous: ConversationPriority,
  by: Party,
})
/**
 * Its labels changed (issue 20): the whole set after the change and what it added and removed.
 * Operators only. A label its inbox deleted is removed by the system.
 */
export const LabelsChangedData = v.object({
  labels: v.array(v.string()),
  added: v.array(v.string()),
  removed: v.array(v.string()),
  by: Party,
})

/**
 * Its attributes changed (issue 20): each changed key with its new value, null where one was
 * removed (its definition deleted: by the system). Operators only.
 */
export const AttributesChangedData = v.object({
  changed: v.record(v.string(), v.nullable(v.union([v.string(), v.number(), v.boolean()]))),
  by: Party,
})

/**
 * Its SLA (issue 20): `applied` (a policy, by an operator or a rule; again: recomputed),
 * `removed`, or `breached` (a deadline of `kind` passed at `due`, by the system). `sla` is the
 * state after the change (null once removed). Operators only.
 */
export const SlaChangedData = v.object({
  change: v.picklist(['applied', 'removed', 'breached']),
  kind: v.optional(SlaKindShape),
  due: v.optional(v.number()),
  sla: v.nullable(ConversationSlaShape),
  by: Party,
})

/**
 * It was snoozed (`snooze` set) or woke up (`snooze` null): by an operator, by its visitor
 * writing, by the system when the time came (`{kind: 'system', id: 'snooze'}`) or with a
 * status change. Operators only.
 */
export const SnoozedData = v.object({
  snooze: v.nullable(v.object({ until: v.nullable(v.number()) })),
  by: Party,
})

/** Its content was erased (issue 18): readers drop what they hold of it and read it again. */
export const ErasedData = v.object({ by: Party })

export const StoredEventData = v.variant('name', [
  v.object({ name: v.literal('conversation.created'), data: ConversationCreatedData }),
  v.object({ name: v.literal('message.created'), data: MessageCreatedData }),
  v.object({ name: v.literal('message.updated'), data: MessageUpdatedData }),
  v.object({ name: v.literal('read.updated'), data: ReadUpdatedData }),
  v.object({ name: v.literal('conversation.status'), data: StatusChangedData }),
  v.object({ name: v.literal('conversation.assigned'), data: AssignedData }),
  v.object({ name: v.literal('conversation.rated'), data: RatedData }),
  v.object({ name: v.literal('conversation.context'), data: ContextChangedData }),
  v.object({ name: v.literal('note.created'), data: NoteCreatedData }),
  v.object({ name: v.literal('conversation.erased'), data: ErasedData }),
  v.object({ name: v.literal('conversation.priority'), data: PriorityChangedData }),
  v.object({ name: v.literal('conversation.labels'), data: LabelsChangedData }),
  v.object({ name: v.literal('conversation.snoozed'), data: SnoozedData }),
  v.object({ name: v.literal('conversation.attributes'), data: AttributesChangedData }),
  v.object({ name: v.literal('conversation.sla'), data: SlaChangedData }),
])
export type StoredEventData = v.InferOutput<typeof StoredEventData>
export type StoredEventName = StoredEventData['name']

/**
 * Events for operators only: a visitor's stream skips them (its seqs then skip numbers), and
 * never gets the ephemeral `viewers`. A status event is the visitor's unless it made the
 * conversation pending: pass the event's data to tell (without it, status events count as the
 * visitor's).
 */
export function isOperatorOnly(name: string, data?: unknown): boolean {
  if (name === 'conversation.status') {
    return (data as { status?: string } | undefined)?.status === 'pending'
  }
  return (
    name === 'note.created' ||
    name === 'conversation.priority' ||
    name === 'conversation.labels' ||
    name === 'conversation.snoozed' ||
    name === 'conversation.attributes' ||
    name === 'conversation.sla' ||
    name === 'viewers'
  )
}

/** A stored event as sent to clients inside an `event` frame. */
export type ConversationEvent = StoredEventData & {
  conversationId: string
  seq: number
  at: number
}

/** Ephemeral: typing on/off. Never stored and carries no seq (C4). */
export const TypingData = v.object({ party: Party, on: v.boolean() })
export type TypingData = v.InferOutput<typeof TypingData>
