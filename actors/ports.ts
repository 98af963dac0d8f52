/**
 * Ports: what actors need from the outside world. Actors import only these interfaces; db/
 * implements the stores, server/ the publisher, and tests may pass fakes for unit tests.
 */
import type {
  Attachment,
  Conversation,
  ConversationEvent,
  ConversationPriority,
  ConversationStatus,
  Message,
  Label,
  Note,
  Party,
  PartyKind,
  RatingScale,
  ReadState,
  StoredEventData,
  OperatorStatus,
  VisitorLocation,
  PanelLocale,
} from '../protocol/index.ts'
import type { WebhookDeliveryStatus, WebhookEventType } from '../protocol/webhooks.ts'
import type { Macro } from '../protocol/macros.ts'
import type { Rule } from '../protocol/rules.ts'
import type { AttributeDefinition } from '../protocol/attributes.ts'
import type { ConversationSla, SlaPolicy } from '../protocol/sla.ts'
import type { Campaign } from '../protocol/campaigns.ts'
import type {
  ArticleStatus,
  HelpArticle,
  HelpCategory,
  HelpFigures,
  HelpImage,
  HelpLanguage,
  HelpRevision,
} from '../protocol/help.ts'
import type { Durations, LoadEdges } from '../protocol/analytics.ts'

export type { HelpFigures }
import type { Schedule } from './inbox/schedule.ts'

/** A conversation row as the actor keeps it: the wire shape plus the owner's fencing epoch. */
export interface ConversationRecord extends Conversation {
  /** Ownership epoch for write fencing in a cluster; 0 on a single node. */
  ownerEpoch: number
  branchId: string
  location: VisitorLocation | null
  /** The widget's language at the start: automatic replies speak it (null: English). */
  locale?: Locale | null
}

/**
 * Fields of a conversation row that a write may change. `snooze: null` wakes it (an absent
 * field changes nothing).
 */
export type ConversationPatch = {
  snooze?: { until: number | null } | null
  /** null removes it. */
  sla?: ConversationSla | null
} & Partial<
  Pick<
    ConversationRecord,
    | 'status'
    | 'assigneeId'
    | 'lastSeq'
    | 'hasUnansweredIncoming'
    | 'waitingSince'
    | 'lastMessageAt'
    | 'escalationAt'
    | 'updatedAt'
    | 'branchId'
    | 'priority'
    | 'attributes'
    | 'labels'
  >
>

/** Changes to an existing message (edit or soft delete). */
export interface MessagePatch {
  id: string
  text?: string
  editedAt?: number
  deletedAt?: number
  deletedBy?: Party
}

/**
 * Everything one actor command changes, written atomically: all of it or none of it.
 * The store may put several of these (from any conversations) in one transaction (group
 * commit), but never splits one.
 */
export interface ConversationWrite {
  conversationId: string
  /**
   * Write fencing for a cluster: when set, the write commits only if the stored row's
   * `ownerEpoch` still equals this value, checked inside the write's transaction. Otherwise
   * nothing of it is stored and it rejects with a retryable `unavailable` error (ownership has
   * moved to a newer owner, see `ConversationStore.claim`). Unset: no check, as on a single
   * node. With `create`, the new row's `ownerEpoch` must equal it.
   */
  expectedEpoch?: number
  /** Insert this conversation row (first write of a new conversation). */
  create?: ConversationRecord
  /** Update the existing row. */
  update?: ConversationPatch
  /**
   * True when `update` changes only what this write's events imply (last seq, last message
   * time, unanswered flag, updated time): the summary is then a projection of the log, which
   * the store may write behind (coalesced) and rebuild from the log after a crash.
   */
  summaryFollowsLog?: boolean
  /** Edits and deletes of stored messages (a new message is its `message.created` event). */
  updateMessages?: MessagePatch[]
  /**
   * Uploads this write's new message carries: each goes from `uploaded` to `linked` in the same
   * transaction, only if it still is an upload of this conversation by `uploader` (a concurrent
   * cleanup or another message that took it makes the whole write fail with `conflict`).
   */
  linkAttachments?: { messageId: string; ids: string[]; uploader: Party }
  /** A deleted message's files: `deleted`, their bytes removed by the cleanup job after purgeAt. */
  deleteAttachments?: { messageId: string; purgeAt: number }
  /**
   * Erase the conversation's content (issue 18), in this write's transaction: every message's
   * and note's text and files' metadata, every page context, its files (`deleted`, bytes
   * removed by the cleanup job from `at`), the city of its location; `redact` replaces the
   * data of these log rows (the creation event without context, ratings without comment).
   * The row gets `erasedAt`. Seqs, times, authors, statuses and scores stay.
   */
  erase?: { at: number; redact: { seq: number; data: StoredEventData['data'] }[] }
  /** Upsert these watermarks (keyed by conversation + reader kind + reader id). */
  readStates?: ReadState[]
  /**
   * Mark this write's events for the webhook dispatcher in its own transaction (the
   * transactional outbox, issue 17): set when the conversation's inbox has an endpoint.
   */
  outbox?: boolean
  /**
   * Mark this write's events for the automation rules runner in its own transaction (issue
   * 20): set when the conversation's inbox has enabled rules.
   */
  ruleMark?: boolean
  /**
   * Append these events; (conversationId, seq) is unique. A `message.created` event stores its
   * message: its client id is taken once per conversation.
   */
  events: ConversationEvent[]
}

/** Persistence for the conversation actor. Every method is safe to call concurrently. */
export interface ConversationStore {
  /** The row and all read watermarks, or null when no such conversation exists. */
  loadConversation(
    id: string,
  ): Promise<{ conversation: ConversationRecord; readStates: ReadState[] } | null>
  getMessage(conversationId: string, messageId: string): Promise<Message | null>
  /** The message an author already posted with this client id, if any (idempotent send). */
  findMessageByClientId(
    conversationId: string,
    author: { kind: PartyKind; id: string },
    clientMsgId: string,
  ): Promise<Message | null>
  /** The note an author already wrote with this client id, if any (idempotent note). */
  findNoteByClientId(
    conversationId: string,
    author: { kind: PartyKind; id: string },
    clientMsgId: string,
  ): Promise<Note | null>
  /** Events with seq > afterSeq in seq order, at most `limit`. */
  eventsAfter(conversationId: string, afterSeq: number, limit: number): Promise<ConversationEvent[]>
  /** Durably commit one write (group-committed with others). Resolves only after commit. */
  write(write: ConversationWrite): Promise<void>
  /**
   * Takes ownership of a conversation for writes fenced by `expectedEpoch`: raises the row's
   * `ownerEpoch` to `epoch`; from then on writes that expect any other epoch are refused. Epochs
   * only go up: claiming an epoch lower than the stored one rejects with `unavailable` (a newer
   * owner exists); claiming the stored epoch again succeeds and changes nothing. Resolves to
   * false when no such conversation exists (its first write then carries the epoch in `create`).
   */
  claim(conversationId: string, epoch: number): Promise<boolean>
  /**
   * Takes ownership with a fresh epoch: raises the row's `ownerEpoch` by one and returns the new
   * value, so every activation in a cluster fences out all earlier ones whatever NATS remembers.
   * Null when no such conversation exists (its creating write then carries epoch 0).
   */
  acquire(conversationId: string): Promise<number | null>
  /**
   * The visitor's current wait for an answer (R7): when it began (the first visitor message
   * after the last operator message) and whether its automatic waiting reply is stored. Null
   * when nothing waits.
   */
  waitingState(conversationId: string): Promise<{ since: number; replied: boolean } | null>
  /** The conversation's newest event of this name (a log probe from its end); null: none. */
  lastEvent<
    N extends
      | 'conversation.created'
      | 'conversation.status'
      | 'conversation.rated'
      | 'conversation.context',
  >(
    conversationId: string,
    name: N,
  ): Promise<Extract<ConversationEvent, { name: N }> | null>
  /**
   * The pages the visitor was on (the sidebar's "pages visited"): the conversation's
   * `conversation.created` and `conversation.context` events, newest first, at most `limit`.
   */
  pageEvents(
    conversationId: string,
    limit: number,
  ): Promise<
    Array<Extract<ConversationEvent, { name: 'conversation.created' | 'conversation.context' }>>
  >
}

/**
 * What a visitor's list shows of one conversation besides its summary: the newest message
 * (null before the first; a deleted one has empty text) and the operator messages after the
 * visitor's read watermark.
 */
export interface VisitorSummary {
  conversationId: string
  lastMessage: Message | null
  unread: number
}

/** Cursor-paginated page. `nextCursor` is null on the last page. */
export interface Page<T> {
  items: T[]
  nextCursor: string | null
}

/**
 * Filters of the operators' inbox list and of its counts (issue 16). Every field narrows:
 * absent means no restriction.
 */
export interface InboxFilter {
  /** The caller's scope: only conversations of these inboxes; null: every inbox. */
  inboxIds: readonly string[] | null
  inboxId?: string
  status?: ConversationStatus
  assigneeId?: string
  unansweredOnly: boolean
  /** Only conversations carrying this label (issue 20). */
  labelId?: string
  /** Only snoozed ones (true) or only those not snoozed (false) (issue 20). */
  snoozed?: boolean
  priority?: ConversationPriority
  /**
   * Only conversations whose attribute `key` holds one of `values` (issue 20): the value as
   * text read as each type it can be (text, and a number or true/false when it reads as one).
   */
  attribute?: { key: string; values: readonly (string | number | boolean)[] }
  /** Only these conversations (what the caller follows, issue 20); none when empty. */
  conversationIds?: readonly string[]
}

/** all; mine: assigned to the caller; unassigned: open and assigned to nobody. */
export type InboxView = 'all' | 'mine' | 'unassigned'
/**
 * activity: open first, then resolved, then closed; within a status newest activity first.
 * waiting: within a status the longest waiting first; those where nobody waits follow, newest
 * activity first. priority: within a status the most urgent first, then as activity.
 */
export type InboxSort = 'activity' | 'waiting' | 'priority'

/** What the list shows per row besides the conversation, read per page (a fixed few queries). */
export interface InboxRowDetails {
  visitors: Map<string, { name: string | null; email: string | null }>
  /** The newest message by a person, per conversation (automatic replies skipped). */
  lastMessages: Map<string, Message>
  operators: Map<
    string,
    { id: string; name: string; displayName: string | null; avatarId: string | null }
  >
}

/** A piece of a searched text; `hit` marks the words the search matched. Never HTML. */
export interface SearchTextPart {
  text: string
  hit: boolean
}

/** A message that matched a search, with a snippet of its text around the matched words. */
export interface SearchMessageHit {
  seq: number
  messageId: string
  authorKind: PartyKind
  at: number
  snippet: SearchTextPart[]
}

/** A field of the conversation's visitor with words the search matched. */
export interface SearchVisitorHit {
  field: 'name' | 'email' | 'phone' | 'attribute'
  /** The attribute's key (field 'attribute'), else null. */
  key: string | null
  snippet: SearchTextPart[]
}

/** One conversation a search found: its best message hits (at most 3) and visitor hits. */
export interface SearchResult {
  conversation: Conversation
  visitor: { id: string; name: string | null; email: string | null } | null
  /** Higher is better; comparable only within one search. */
  score: number
  messages: SearchMessageHit[]
  visitorFields: SearchVisitorHit[]
}

/** A page of search results, best first; `total` counts the conversations found. */
export interface SearchPage {
  results: SearchResult[]
  total: number
  /**
   * True when the words matched more messages (or visitors) than one search ranks: only the
   * newest of them were ranked and counted, so `total` is a lower bound.
   */
  capped: boolean
}

/** Limits of SearchQueries.search, the same for every store and for the route. */
export const SEARCH_LIMITS = {
  /** Characters in a query. */
  queryLength: 200,
  /** Words in a query. */
  words: 12,
  /** Results per page. */
  page: 50,
  /** Deepest offset: past it, refining the query does better than paging. */
  offset: 1000,
} as const

/**
 * Full-text search over message text and the visitors' name, e-mail, phone and attribute
 * values (issue 16), read-side only. Every word must match (a word of two or more characters
 * as a prefix), in one message or in the visitor's fields.
 */
export interface SearchQueries {
  /**
   * Conversations of `inboxIds` (null: every inbox) that match `query`, best first. Rejects
   * an empty query or one over 200 characters with `validation_failed`; a query with no word
   * (only punctuation) finds nothing.
   */
  search(opts: {
    query: string
    inboxIds: readonly string[] | null
    status?: ConversationStatus
    limit: number
    offset: number
  }): Promise<SearchPage>
}

/** Read-side queries used by HTTP routes; never by actors for decisions. */
export interface ConversationQueries {
  /** Messages by seq: `beforeSeq` pages backwards (newest first is NOT used: items are ascending). */
  listMessages(
    conversationId: string,
    opts: { beforeSeq?: number; afterSeq?: number; limit: number },
  ): Promise<Message[]>
  /**
   * The stored conversations of these ids, in no order (their summary may lag their log by a
   * flush): for readers of many at once (rules, webhooks, analytics).
   */
  conversationsById(ids: readonly string[]): Promise<Conversation[]>
  listVisitorConversations(visitorId: string): Promise<Conversation[]>
  /**
   * Ids of the inbox's resolved conversations whose stored last change is before `before`,
   * oldest first, at most `limit` (retention; the actor checks again before acting).
   */
  resolvedIdleBefore(inboxId: string, before: number, limit: number): Promise<string[]>
  /**
   * The inbox's closed conversations not erased yet whose stored last change is before
   * `before`, oldest first, at most `limit` (retention), with their visitors.
   */
  closedBefore(
    inboxId: string,
    before: number,
    limit: number,
  ): Promise<Array<{ id: string; visitorId: string }>>
  /** Each conversation of the visitor's newest message and unread count (the widget's list). */
  visitorSummaries(visitorId: string): Promise<VisitorSummary[]>
  /**
   * Inbox list: open first, then resolved, then closed; within a status newest activity first.
   * `inboxIds` null means every inbox. Cursor is opaque.
   */
  listInbox(
    opts: InboxFilter & {
      /** 'all' when absent. */
      view?: InboxView
      /** The caller: required by the `mine` view. */
      operatorId?: string
      /** 'activity' when absent. */
      sort?: InboxSort
      cursor: string | null
      limit: number
    },
  ): Promise<Page<Conversation>>
  /** How many rows each view of listInbox returns under these filters (the same predicates). */
  countInbox(
    opts: InboxFilter & { operatorId: string },
  ): Promise<{ all: number; mine: number; unassigned: number; unanswered: number }>
  /** Visitors, newest messages and assignees of a page of conversations, in one batch. */
  inboxRowDetails(conversations: readonly Conversation[]): Promise<InboxRowDetails>

  /** Open conversations of the inbox per assignee (operators with none are absent). */
  openCountsByAssignee(inboxId: string): Promise<Record<string, number>>
  /**
   * A branch's routing queue: open, unassigned conversations of it, most urgent first, then
   * oldest first.
   */
  queuedConversations(
    inboxId: string,
    branchId: string,
    limit: number,
  ): Promise<Array<{ id: string; createdAt: number }>>
  /**
   * Waiting conversations of the branch queued before (priority rank, createdAt, id): its place
   * minus one.
   */
  queueAhead(
    inboxId: string,
    branchId: string,
    priority: number,
    createdAt: number,
    id: string,
  ): Promise<number>
  /**
   * The supervisors' overview (O5): per branch of the inbox (null: rows from before branches),
   * its open conversations waiting unassigned, the oldest one's createdAt, and its open
   * conversations with an unanswered visitor message (from the stored summary, which may be
   * one summary flush behind its log). Branches with no open conversation are absent.
   */
  branchQueues(inboxId: string): Promise<
    Array<{
      branchId: string | null
      waiting: number
      oldestWaitingAt: number | null
      unanswered: number
    }>
  >
  /**
   * Notes that mention the operator (issue 20), newest first, after `before`, in these inboxes
   * (null: any); each with its note's author and text as stored.
   */
  mentionsOf(
    operatorId: string,
    inboxIds: readonly string[] | null,
    before: { at: number; conversationId: string; seq: number } | null,
    limit: number,
  ): Promise<
    Array<{
      conversationId: string
      seq: number
      at: number
      inboxId: string | null
      authorId: string | null
      text: string | null
    }>
  >
  /**
   * Open conversations of the inbox, not snoozed, whose last message (else their start) is
   * before `before` (issue 20's auto-resolve), oldest first.
   */
  openIdleBefore(inboxId: string, before: number, limit: number): Promise<string[]>
  /** Conversations of the inbox snoozed until a time (issue 20), soonest first. */
  pendingSnoozes(inboxId: string): Promise<Array<{ id: string; until: number }>>
  /** The inbox's conversations with an SLA deadline pending (issue 20), earliest first. */
  pendingSlaDeadlines(inboxId: string): Promise<Array<{ id: string; due: number }>>
  /** Open conversations of the inbox with an escalation pending (escalationAt not null). */
  pendingEscalations(
    inboxId: string,
  ): Promise<Array<{ id: string; assigneeId: string; escalationAt: number }>>
  /**
   * Open conversations of the inbox active since `activeSince` whose visitor waits for an
   * answer (R7): when the wait began (the first visitor message after the last operator
   * message) and whether its automatic waiting reply is already stored.
   */
  waitingConversations(
    inboxId: string,
    activeSince: number,
  ): Promise<Array<{ id: string; branchId: string | null; since: number; replied: boolean }>>
  /**
   * The branch's newest conversations created since `since` (offline requests left out), at
   * most `limit`, newest first: when the visitor first wrote and when an operator first wrote
   * (null when nobody has). Automatic replies are not an operator's answer.
   */
  recentFirstResponses(
    branchId: string,
    since: number,
    limit: number,
  ): Promise<Array<{ askedAt: number | null; answeredAt: number | null }>>
  /**
   * The operator's badge set (O2, O3): open conversations of these inboxes assigned to the
   * operator or to nobody, with the operator's read watermark and the number of visitor
   * messages (not deleted) after it. Conversations with nothing unread are included too.
   */
  operatorBadges(
    operatorId: string,
    inboxIds: string[],
    /** Only this conversation (a conversation entering the badge set). */
    conversationId?: string,
  ): Promise<
    Array<{
      conversationId: string
      readSeq: number
      unread: number
      hasUnansweredIncoming: boolean
      /** The conversation's lastSeq in the same read: the counts cover changes up to it. */
      lastSeq: number
    }>
  >
  /**
   * Visitor messages (not deleted) of the conversation with afterSeq < seq <= upToSeq. The upper
   * bound lets a caller count exactly what one change covers, whatever has been written since.
   */
  countVisitorMessagesAfter(
    conversationId: string,
    afterSeq: number,
    upToSeq: number,
  ): Promise<number>
}

export type OperatorRole = 'operator' | 'supervisor' | 'admin'
export type { OperatorStatus }

export interface OperatorRecord {
  id: string
  email: string
  name: string
  /** What visitors see ("Anna"); null: the first word of `name`. */
  displayName: string | null
  /** The uploaded picture (`/api/avatars/:id`); null: the client draws initials. */
  avatarId: string | null
  role: OperatorRole
  /** Explicit permission to handle chats (O6). */
  canChat: boolean
  active: boolean
  /** Chosen status; stored so it survives reloads and restarts (O4). New operators: online. */
  status: OperatorStatus
  /** The panel language they chose, on every device; null or absent: each device's own. */
  locale?: PanelLocale | null
  passwordHash: string
  createdAt: number
  updatedAt: number
}

export interface OperatorStore {
  create(op: OperatorRecord): Promise<void>
  getById(id: string): Promise<OperatorRecord | null>
  /** Email is matched case-insensitively (stored lower-cased). */
  getByEmail(email: string): Promise<OperatorRecord | null>
  list(): Promise<OperatorRecord[]>
  update(
    id: string,
    patch: Partial<
      Pick<
        OperatorRecord,
        | 'name'
        | 'displayName'
        | 'avatarId'
        | 'role'
        | 'canChat'
        | 'active'
        | 'passwordHash'
        | 'status'
      >
    > & {
      updatedAt: number
    },
  ): Promise<OperatorRecord | null>
  countActiveAdmins(): Promise<number>
}

export interface SessionRecord {
  /** SHA-256 of the opaque token, hex. The token itself is never stored. */
  tokenHash: string
  operatorId: string
  createdAt: number
  expiresAt: number
}

export interface SessionStore {
  create(s: SessionRecord): Promise<void>
  get(tokenHash: string): Promise<SessionRecord | null>
  delete(tokenHash: string): Promise<void>
  /** Deletes every session of the operator except the one with hash `keep`, if given. */
  deleteForOperator(operatorId: string, keep?: string): Promise<void>
  deleteExpired(now: number): Promise<number>
}

/** When visitors must solve a challenge (issue 18, S4); see server/captcha.ts. */
export interface CaptchaSettings {
  /** off: never; auto: when risk is high; always: also before every new conversation. */
  mode: 'off' | 'auto' | 'always'
  /** New sessions from one address in ten minutes before a challenge (4x for its subnet). */
  sessionsPer10Min: number
  /** New conversations from one address in ten minutes before a challenge (4x for its subnet). */
  conversationsPer10Min: number
  /** A visitor's messages in a minute before a challenge. */
  messagesPerMinute: number
}

export interface InboxSettings {
  /**
   * The inbox's e-mail address (issue 17, I5): mail the inbound listener gets for it becomes
   * conversations, and answers go out with it as Reply-To. Null or absent: no e-mail channel.
   */
  emailAddress?: string | null
  /** Minutes before an unopened assignment escalates (R3, next issue). */
  escalationMinutes: number
  /** Most open conversations per operator; 0 = unlimited (next issue). */
  maxOpenPerOperator: number
  /** Messages a visitor may send per minute (S5). */
  visitorMessagesPerMinute: number
  /**
   * Retention (issue 18, S7): a resolved conversation with no activity for this many days is
   * closed by the system; 0: never.
   */
  closeResolvedAfterDays: number
  /**
   * Auto-resolve (issue 20): an open conversation without a message for this many days (and
   * not snoozed) is resolved by the system, after `autoResolveMessage` in its language when
   * one is written; 0: never.
   */
  autoResolveAfterDays: number
  /** What the visitor is told when it is auto-resolved; empty in both languages: nothing. */
  autoResolveMessage: LocalizedText
  /**
   * Retention (issue 18, S7): a closed conversation unchanged for this many days has its
   * content erased by the system (as on a data-subject request; counts stay); 0: never.
   */
  eraseClosedAfterDays: number
  /**
   * The frequency cap of proactive messages (issue 20, protocol/campaigns.ts): a visitor is
   * shown at most one campaign in this many minutes; 0: no gap between different campaigns.
   */
  campaignGapMinutes: number
  /** When visitors must solve a challenge first (issue 18, S4; server/captcha.ts). */
  captcha: CaptchaSettings
  /** Largest file, in bytes, either side may upload (F1). */
  attachmentMaxBytes: number
  /**
   * Most bytes the files of one message may total (F1), checked when the message is sent. Set
   * on its own: below attachmentMaxBytes, a file that large can be uploaded but not sent.
   */
  attachmentMaxMessageBytes: number
  /** MIME types (as sniffed from the bytes) either side may upload (F1). */
  attachmentTypes: string[]
  /** How the widget asks for a rating after resolve (C10); off: it does not, none is taken. */
  rating: 'off' | RatingScale
  /** What the widget asks the visitor before or after the first message. */
  preChat: PreChatForm
  /** How the widget looks and what it shows (customization). */
  appearance: WidgetAppearance
  /**
   * Sites the widget may run on (S3), normalized by `normalizeAllowedOrigins`: browsers on
   * other sites are refused (`origin_not_allowed`) and cannot frame the widget. `[]`: any
   * website, as the admin chose. `null`: not chosen yet (an inbox created through the API
   * without it), so it runs on no site, only in the panel's preview, until an admin decides.
   * The default inbox of a first start and inboxes from before the setting existed (migrated)
   * have `[]`, which is what they did.
   */
  allowedOrigins: string[] | null
}

/** The widget's look, per inbox (customization). */
export interface WidgetAppearance {
  /** The header's title in each language; empty: the inbox's name. */
  title: LocalizedText
  /**
   * The accent (#rrggbb) of the header, the launcher and the visitor's own messages, always with
   * white text on it: refused below WCAG AA (4.5:1 against white).
   */
  accentColor: string
  /** Which bottom corner the launcher and the window sit in. */
  position: 'right' | 'left'
  /** Text beside the launcher's icon; empty: the icon alone. */
  launcherLabel: LocalizedText
  /** The widget's language unless the embed says: `auto` follows the page, then the browser. */
  language: 'auto' | 'en' | 'ru'
  /** Show "Typically replies in ~N min" while online. */
  showReplyTime: boolean
  /** Show the visitor's place in line while waiting. */
  showQueuePosition: boolean
}

/** One question of the pre-chat form. */
export interface PreChatField {
  /** `name`, `email`, `phone`: the visitor's own fields; any other key names an attribute. */
  key: string
  /** `email` and `phone` for those keys; `text` or `select` otherwise (`name` is text). */
  type: 'text' | 'select' | 'email' | 'phone'
  label: LocalizedText
  required: boolean
  /** A select's choices (stored as given). */
  options?: string[]
}

/**
 * The pre-chat form (identity and context): `off`; `before`: the widget shows it before the
 * first message and the server refuses a new conversation while a required field is empty;
 * `after`: asked in the thread after the first message ("in case we get disconnected").
 */
export interface PreChatForm {
  mode: 'off' | 'before' | 'after'
  fields: PreChatField[]
}

/** At most this many attributes per visitor. */
export const MAX_ATTRIBUTES = 50

/** The built-in fields of the pre-chat form and the visitor's profile. */
export const PROFILE_FIELDS = ['name', 'email', 'phone'] as const

/**
 * What an upload may be by default (F1): MIME types exactly as sniffed from the bytes (without
 * parameters). SVG, HTML and executables are not among them: SVG and HTML can carry script.
 * Plain text (CSV too: no byte tells it from other text) is `text/plain`.
 */
export const DEFAULT_ATTACHMENT_TYPES: readonly string[] = [
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/webp',
  'application/pdf',
  'text/plain',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  'application/vnd.oasis.opendocument.text',
  'application/vnd.oasis.opendocument.spreadsheet',
  'application/zip',
  'video/mp4',
  'video/webm',
  'audio/mpeg',
  'audio/ogg',
]

/** A new inbox's settings; a stored inbox lacking a newer setting reads it from here. */
export const DEFAULT_INBOX_SETTINGS: InboxSettings = {
  emailAddress: null,
  allowedOrigins: null,
  escalationMinutes: 4,
  maxOpenPerOperator: 0,
  visitorMessagesPerMinute: 30,
  closeResolvedAfterDays: 0,
  autoResolveAfterDays: 0,
  autoResolveMessage: { en: '', ru: '' },
  eraseClosedAfterDays: 0,
  // One campaign per visitor per hour (DEFAULT_CAMPAIGN_GAP_MINUTES; a literal: the panel
  // imports this file, protocol/campaigns.ts would bring valibot along).
  campaignGapMinutes: 60,
  captcha: {
    mode: 'auto',
    sessionsPer10Min: 60,
    conversationsPer10Min: 20,
    messagesPerMinute: 20,
  },
  attachmentMaxBytes: 20 * 1024 * 1024,
  attachmentMaxMessageBytes: 50 * 1024 * 1024,
  attachmentTypes: [...DEFAULT_ATTACHMENT_TYPES],
  rating: 'off',
  appearance: {
    title: { en: '', ru: '' },
    accentColor: '#4f46e5',
    position: 'right',
    launcherLabel: { en: '', ru: '' },
    language: 'auto',
    showReplyTime: true,
    showQueuePosition: true,
  },
  preChat: {
    mode: 'off',
    fields: [
      { key: 'name', type: 'text', label: { en: 'Name', ru: 'Имя' }, required: false },
      { key: 'email', type: 'email', label: { en: 'E-mail', ru: 'Эл. почта' }, required: true },
    ],
  },
}

/** A text an admin writes once per language the widget speaks. */
export interface LocalizedText {
  en: string
  ru: string
}

/** An automatic message (R7): on or off, and what it says. */
export interface AutoReply {
  on: boolean
  text: LocalizedText
}

/** A branch's own settings (R1, R6, R7). */
export interface BranchSettings {
  /**
   * When an escalation finds nobody free in this branch, look in the inbox's default branch
   * before waiting (the default branch itself ignores this).
   */
  escalateToDefault: boolean
  /** The widget's line while offline; empty: the widget's own words. */
  offlineText: LocalizedText
  /** Shown by the widget before the visitor's first message (never stored). */
  greeting: AutoReply
  /** The answer to a new conversation's first message while the branch is online or busy. */
  firstReply: AutoReply
  /** The answer to a new conversation's first message while the branch is offline. */
  offlineReply: AutoReply
  /**
   * Sent once when a visitor's message has waited this long for an operator's answer, within
   * the branch's hours (again only after an answer and a new wait).
   */
  waitingReply: AutoReply & { afterSeconds: number }
}

export const DEFAULT_BRANCH_SETTINGS: BranchSettings = {
  escalateToDefault: true,
  offlineText: { en: '', ru: '' },
  greeting: {
    on: false,
    text: { en: 'Hi! How can we help?', ru: 'Здравствуйте! Чем можем помочь?' },
  },
  firstReply: {
    on: false,
    text: {
      en: 'Thanks, an operator will answer shortly.',
      ru: 'Спасибо, оператор скоро ответит.',
    },
  },
  offlineReply: {
    on: false,
    text: {
      en: "We're offline now. We'll answer as soon as we're back.",
      ru: 'Сейчас мы не в сети. Ответим, как только вернёмся.',
    },
  },
  waitingReply: {
    on: false,
    afterSeconds: 300,
    text: {
      en: 'Sorry for the wait, an operator will be with you soon.',
      ru: 'Извините за ожидание, оператор скоро ответит.',
    },
  },
}

/** The author id of automatic replies (R7): a `system` party, never an operator. */
export const AUTO_REPLY_AUTHOR = 'auto-reply'
/** The client id of a waiting reply is this prefix and the time its wait began (ms). */
export const WAITING_CLIENT_ID_PREFIX = 'waiting:'

/** Bounds of BranchSettings.waitingReply.afterSeconds. */
export const WAITING_REPLY_SECONDS = { min: 10, max: 24 * 3600 } as const

/** The widget's two languages (its i18n); anything else reads English. */
export type Locale = keyof LocalizedText

/** One routing rule (R1): visitors located in `country` (and `region`, when set) go to `branchId`. */
export interface GeoRule {
  country: string
  region?: string | null
  branchId: string
}

/** A team of operators within an inbox, with its own hours, settings and routing pool (R1). */
export interface BranchRecord {
  id: string
  inboxId: string
  name: string
  schedule: Schedule
  settings: BranchSettings
  createdAt: number
  updatedAt: number
}

export interface BranchStore {
  /** Fails with not_found when the inbox does not exist. */
  create(branch: BranchRecord): Promise<void>
  get(id: string): Promise<BranchRecord | null>
  /** The inbox's branches, by name. */
  list(inboxId: string): Promise<BranchRecord[]>
  update(
    id: string,
    patch: Partial<Pick<BranchRecord, 'name' | 'schedule' | 'settings'>> & { updatedAt: number },
  ): Promise<BranchRecord | null>
  /**
   * Removes the branch; its conversations move to the inbox's default branch in the same
   * transaction (their ids are returned). The default branch cannot be removed (`conflict`).
   * Null: no such branch.
   */
  delete(id: string): Promise<{ movedTo: string; moved: string[] } | null>
  /** Operator ids of the branch, in id order. */
  members(branchId: string): Promise<string[]>
  /**
   * Replaces the branch's members; every one also becomes a member of the branch's inbox (its
   * conversations are theirs to see). An unknown operator id is a not_found error.
   */
  setMembers(branchId: string, operatorIds: string[]): Promise<void>
  /** Branch ids this operator belongs to. */
  branchesOf(operatorId: string): Promise<string[]>
  /** Every (branch, operator) pair of the inbox's branches. */
  memberships(inboxId: string): Promise<Array<{ branchId: string; operatorId: string }>>
}

export interface InboxRecord {
  id: string
  name: string
  /** HMAC key the site's backend uses to vouch for a user id (identity verification, W2). */
  identitySecret: string
  settings: InboxSettings
  createdAt: number
  updatedAt: number
  /** Visitor tokens of this inbox issued at or before this time are void; 0: never signed out. */
  visitorsSignedOutAt: number
  /**
   * When `identitySecret` last rotated: tokens of verified visitors issued at or before it are
   * void (their identity must be proved again with the new secret); 0: never.
   */
  identityRotatedAt: number
  /** Where conversations go when no geo rule matches (R1); every inbox has one. */
  defaultBranchId: string
  /** Country/region -> branch rules; the most specific match wins. */
  geoRules: GeoRule[]
}

export interface InboxStore {
  create(inbox: InboxRecord): Promise<void>
  get(id: string): Promise<InboxRecord | null>
  list(): Promise<InboxRecord[]>
  update(
    id: string,
    patch: Partial<
      Pick<
        InboxRecord,
        | 'name'
        | 'settings'
        | 'identitySecret'
        | 'visitorsSignedOutAt'
        | 'identityRotatedAt'
        | 'defaultBranchId'
        | 'geoRules'
      >
    > & {
      updatedAt: number
    },
  ): Promise<InboxRecord | null>
  /** Operator ids that handle this inbox, in id order. */
  members(inboxId: string): Promise<string[]>
  /** Replaces the inbox's member list (an unknown operator id is a not_found error). */
  setMembers(inboxId: string, operatorIds: string[]): Promise<void>
  /** Adds one operator to these inboxes (idempotent). */
  addMember(inboxIds: string[], operatorId: string): Promise<void>
  /** Inbox ids this operator handles. */
  inboxesOf(operatorId: string): Promise<string[]>
}

export interface VisitorRecord {
  id: string
  inboxId: string
  /** The site's own user id when identity was verified; null for anonymous visitors. */
  externalId: string | null
  createdAt: number
  /** This visitor's tokens issued at or before this time are void; 0: never signed out. */
  signedOutAt: number
  /** What the visitor told us about themselves (an offline request, a pre-chat form). */
  name: string | null
  email: string | null
  /** Absent when created: none. */
  phone?: string | null
  /** The pre-chat form's own fields and what the site sets (`setUser`, `setAttributes`). */
  attributes?: VisitorAttributes
  /** When the visitor was erased (issue 18, S8); absent or null: never. */
  erasedAt?: number | null
}

/** A visitor's attributes: short text, numbers or yes/no, by key (a-z, 0-9, _). */
export type VisitorAttributes = Record<string, string | number | boolean>

/** What a visitor may change about themselves; null clears a field or an attribute. */
export interface VisitorProfilePatch {
  name?: string | null
  email?: string | null
  phone?: string | null
  attributes?: Record<string, string | number | boolean | null>
}

export interface VisitorStore {
  create(v: VisitorRecord): Promise<void>
  getById(id: string): Promise<VisitorRecord | null>
  findByExternalId(inboxId: string, externalId: string): Promise<VisitorRecord | null>
  /**
   * Visitors of any inbox with this e-mail (as stored: lower case) or this site user id, oldest
   * first, at most `limit` (a data-subject request, issue 18).
   */
  find(q: { email: string } | { externalId: string }, limit: number): Promise<VisitorRecord[]>
  /** Voids the visitor's tokens issued at or before `at`; false when there is no such visitor. */
  signOut(id: string, at: number): Promise<boolean>
  /**
   * Erases the visitor's profile (issue 18, S8): name, e-mail, phone, attributes and site user
   * id emptied, `erasedAt` set, every token void (signed out at `at`). False: no such visitor.
   */
  erase(id: string, at: number): Promise<boolean>
  /** Stores what the visitor told us; false when there is no such visitor. */
  setContact(id: string, contact: { name: string; email: string }): Promise<boolean>
  /**
   * Applies the patch (attributes merged key by key, null removing one) in one transaction;
   * null when there is no such visitor. An erased visitor is returned unchanged.
   */
  updateProfile(id: string, patch: VisitorProfilePatch): Promise<VisitorRecord | null>
}

/** Counters the store exposes for /metrics and for tests of group commit. */
export interface StoreStats {
  transactions: number
  writesCommitted: number
  /** Largest number of writes that shared one transaction so far. */
  maxBatch: number
  /** Conversation summaries held to be written behind their log right now. */
  summariesHeld: number
}

/** Where an uploaded file is in its life (F2); see the attachments table in db/sqlite/schema.ts. */
export type AttachmentStatus = 'pending' | 'uploaded' | 'linked' | 'deleted'

/** An uploaded file's stored metadata. */
export interface AttachmentRecord extends Attachment {
  conversationId: string
  status: AttachmentStatus
  uploader: Party
  messageId: string | null
  sha256: string
  thumbnailSize: number | null
  createdAt: number
  purgeAt: number | null
}

/** What every reader of a message sees of a stored attachment. */
export function attachmentView(r: AttachmentRecord): Attachment {
  return {
    id: r.id,
    name: r.name,
    size: r.size,
    contentType: r.contentType,
    width: r.width,
    height: r.height,
    thumbnail: r.thumbnail,
  }
}

/** Persistence of attachment metadata (the bytes live in the blob storage). */
export interface AttachmentStore {
  /** A new upload, `pending` until its bytes are stored; expires at `purgeAt` unless linked. */
  create(record: AttachmentRecord): Promise<void>
  /** `pending` -> `uploaded` once its bytes are stored; false when it is no longer pending. */
  markUploaded(id: string): Promise<boolean>
  get(id: string): Promise<AttachmentRecord | null>
  /** These ids of one conversation that exist, in no particular order. */
  getMany(conversationId: string, ids: readonly string[]): Promise<AttachmentRecord[]>
  /**
   * Unlinked uploads (`pending`, `uploaded`) whose purgeAt has passed become `deleted` (at most
   * `limit`); returns their ids. A link racing with this loses or wins as a whole: a row is
   * either linked or deleted, never both.
   */
  expireUploads(now: number, limit: number): Promise<string[]>
  /** What expireUploads would take now, changing nothing (the cleanup's dry run). */
  expirable(now: number, limit: number): Promise<AttachmentRecord[]>
  /**
   * These attachments become `deleted`, their bytes to be removed after purgeAt; returns how many
   * changed. Used for a failed upload, and for retention and erasure (later). The other ways to
   * `deleted` are a message's deletion (ConversationWrite.deleteAttachments, in the message's
   * own transaction) and expireUploads. Whichever way, the bytes and the row leave in one place
   * only: the cleanup job's purge (server/attachments/cleanup.ts).
   */
  markDeleted(ids: readonly string[], purgeAt: number): Promise<number>
  /** `deleted` attachments whose purgeAt has passed, oldest first, at most `limit`. */
  purgeable(now: number, limit: number): Promise<AttachmentRecord[]>
  /** Removes a `deleted` row (its bytes are gone); a row in any other state stays. */
  forget(id: string): Promise<void>
}

/**
 * A saved answer an operator inserts with `/shortcut` (O6): shared by an inbox's members
 * (`inboxId` set, `ownerId` null) or personal to one operator (`ownerId` set, `inboxId` null).
 * A shortcut is unique within its scope.
 */
export interface CannedReplyRecord {
  id: string
  inboxId: string | null
  ownerId: string | null
  shortcut: string
  title: string
  /** `{visitor.name}` and `{operator.name}` are filled in by the panel when inserted. */
  text: string
  createdBy: string | null
  createdAt: number
  updatedAt: number
}

export interface CannedReplyStore {
  /** The operator's own replies and, when given, those shared in the inbox; by shortcut. */
  listFor(operatorId: string, inboxId: string | null): Promise<CannedReplyRecord[]>
  get(id: string): Promise<CannedReplyRecord | null>
  /**
   * Adds a reply unless its scope holds `max` already (`validation_failed`); a shortcut taken
   * in the scope is a `conflict`; a scope whose inbox or operator is gone is `not_found`.
   */
  create(reply: CannedReplyRecord, max: number): Promise<void>
  /** Null: no such reply. A shortcut taken in the scope is a `conflict`. */
  update(
    id: string,
    patch: Partial<Pick<CannedReplyRecord, 'shortcut' | 'title' | 'text'>> & { updatedAt: number },
  ): Promise<CannedReplyRecord | null>
  /** False: no such reply. */
  delete(id: string): Promise<boolean>
}

/** Macros an inbox defines (issue 20). Names are unique per inbox whatever their case. */
export interface MacroStore {
  /** The inbox's macros by name. */
  list(inboxId: string): Promise<Macro[]>
  get(id: string): Promise<Macro | null>
  /** Unless the inbox has `max` (`validation_failed`); a taken name `conflict`; no inbox `not_found`. */
  create(macro: Macro, max: number): Promise<void>
  /** Null: no such macro. A taken name is a `conflict`. */
  update(
    id: string,
    patch: Partial<Pick<Macro, 'name' | 'actions'>> & { updatedAt: number },
  ): Promise<Macro | null>
  /** False: no such macro. */
  delete(id: string): Promise<boolean>
}

/** One rule's run on one conversation for one trigger (issue 20), as the runner records it. */
export interface RuleRunRecord {
  ruleId: string
  conversationId: string
  /** `seq:<n>` (a log event) or `wait:<since>` (a wait that lasted the rule's minutes). */
  trigger: string
  at: number
  /** done: every action done; loop: not run, too deep a chain; failed: an action was refused. */
  outcome: 'done' | 'loop' | 'failed'
  error: string | null
}

/** Automation rules (issue 20): an inbox's ordered rules and the runner's outbox and memory. */
export interface RuleStore {
  /** The inbox's rules by position. */
  list(inboxId: string): Promise<Rule[]>
  /** Every enabled rule, by inbox and position (the runner's directory). */
  enabled(): Promise<Rule[]>
  get(id: string): Promise<Rule | null>
  /**
   * Adds it after the inbox's last rule (its `position` is set so) unless the inbox has `max`
   * (`validation_failed`); a taken name `conflict`; no inbox `not_found`.
   */
  create(rule: Rule, max: number): Promise<Rule>
  /** Null: no such rule. A taken name is a `conflict`. */
  update(
    id: string,
    patch: Partial<
      Pick<Rule, 'name' | 'enabled' | 'event' | 'waitMinutes' | 'conditions' | 'actions'>
    > & { updatedAt: number },
  ): Promise<Rule | null>
  /** False: no such rule. Its runs go with it. */
  delete(id: string): Promise<boolean>
  /**
   * Orders the inbox's rules as `ids` says; `validation_failed` unless `ids` is exactly the
   * inbox's rules. Returns them in their new order.
   */
  reorder(inboxId: string, ids: readonly string[], updatedAt: number): Promise<Rule[]>
  /** Rule outbox marks, oldest first. */
  marks(limit: number): Promise<OutboxMark[]>
  /** Which of these triggers of this conversation every rule already ran for. */
  runs(conversationId: string, triggers: readonly string[]): Promise<RuleRunRecord[]>
  /**
   * In one transaction: records the runs (a run already recorded stays as it is) and their
   * rules' counters and last error, and moves each mark past its `covered` seq (gone when no
   * later write renewed it).
   */
  settle(
    runs: readonly RuleRunRecord[],
    marks: readonly { conversationId: string; covered: number }[],
  ): Promise<void>
  /**
   * The inbox's open, unsnoozed conversations whose visitor waits since `cutoff` or longer
   * but not since before `oldest`, longest wait first, at most `limit`.
   */
  waiting(inboxId: string, cutoff: number, oldest: number, limit: number): Promise<Conversation[]>
  /** The inbox's conversations created since `since`, newest first, at most `limit`. */
  recent(inboxId: string, since: number, limit: number): Promise<Conversation[]>
  /** Removes at most `limit` runs recorded before `before`, oldest first; how many went. */
  prune(before: number, limit: number): Promise<number>
}

/** Teammates following conversations without being assigned (issue 20's participants). */
export interface FollowerStore {
  /** Idempotent; `validation_failed` when the operator follows `max` others already. */
  follow(conversationId: string, operatorId: string, at: number, max: number): Promise<void>
  /** False: they did not follow it. */
  unfollow(conversationId: string, operatorId: string): Promise<boolean>
  /** Who follows it, first follower first. */
  followers(conversationId: string): Promise<string[]>
  /** What the operator follows, latest first, at most `limit`. */
  followedBy(operatorId: string, limit: number): Promise<string[]>
}

/** Labels an inbox defines (issue 20). Names are unique per inbox whatever their case. */
export interface LabelStore {
  /** The inbox's labels by name. */
  list(inboxId: string): Promise<Label[]>
  get(id: string): Promise<Label | null>
  /**
   * Adds a label unless the inbox has `max` already (`validation_failed`); a name taken in the
   * inbox is a `conflict`; an inbox that is gone is `not_found`.
   */
  create(label: Label, max: number): Promise<void>
  /** Null: no such label. A name taken in the inbox is a `conflict`. */
  update(id: string, patch: Partial<Pick<Label, 'name' | 'color'>>): Promise<Label | null>
  /** False: no such label. Conversations keep its id until their actor drops it. */
  delete(id: string): Promise<boolean>
  /** Ids of the inbox's conversations carrying the label, after `afterId` in id order. */
  conversationsWith(
    inboxId: string,
    labelId: string,
    afterId: string,
    limit: number,
  ): Promise<string[]>
}

/** Attribute definitions of inboxes (issue 20, protocol/attributes.ts). */
export interface AttributeStore {
  /** The inbox's definitions: visitor ones first, then by name. */
  list(inboxId: string): Promise<AttributeDefinition[]>
  get(id: string): Promise<AttributeDefinition | null>
  /**
   * Adds one unless the inbox has `max` of its scope already (`validation_failed`); a key taken
   * in the inbox and scope is a `conflict`; an inbox that is gone is `not_found`.
   */
  create(def: AttributeDefinition, max: number): Promise<void>
  /** Null: no such definition. */
  update(
    id: string,
    patch: Partial<Pick<AttributeDefinition, 'name' | 'options'>>,
    at: number,
  ): Promise<AttributeDefinition | null>
  /** False: no such definition. Conversations keep its value until their actor drops it. */
  delete(id: string): Promise<boolean>
  /** Ids of the inbox's conversations holding a value for `key`, after `afterId` in id order. */
  conversationsWith(inboxId: string, key: string, afterId: string, limit: number): Promise<string[]>
}

/** A browser an operator opted in to Web Push from (issue 20). */
export interface PushSubscriptionRecord {
  id: string
  operatorId: string
  endpoint: string
  p256dh: string
  auth: string
  /** The session that registered it (sha256 of its token): pushes stop when it ends. */
  sessionHash: string
  createdAt: number
}

/** A push to send: the outbox row and its subscription. */
export interface PushDelivery {
  id: string
  subscriptionId: string
  payload: string
  attempts: number
  createdAt: number
  endpoint: string
  p256dh: string
  auth: string
  /** When the subscription's session expires; null: it has ended (signed out, revoked). */
  sessionExpiresAt: number | null
}

/** Web Push (issue 20): keys, subscriptions and the outbox of pushes to send. */
export interface PushStore {
  /** The installation's key `name`, made with `make` by the first node that needs it. */
  serverKey(name: string, make: () => string, at: number): Promise<string>
  /** Stores it (an endpoint already known moves to this operator with these keys). */
  subscribe(sub: PushSubscriptionRecord): Promise<PushSubscriptionRecord>
  list(operatorId: string): Promise<PushSubscriptionRecord[]>
  /** False: the operator has no such subscription. */
  unsubscribe(operatorId: string, id: string): Promise<boolean>
  /** A subscription the push service says is gone (404/410), with its pending pushes. */
  removeSubscription(id: string): Promise<void>
  /** Every subscription of the operator (signed out everywhere); how many. */
  removeAll(operatorId: string): Promise<number>
  /** One outbox row per subscription of these operators; how many. */
  queue(
    operatorIds: readonly string[],
    payload: string,
    at: number,
    newId: () => string,
  ): Promise<number>
  /** Rows due by `now`, oldest first. */
  due(now: number, limit: number): Promise<PushDelivery[]>
  done(id: string): Promise<void>
  retry(id: string, attempts: number, nextAt: number): Promise<void>
}

/** SLA policies of inboxes (issue 20, protocol/sla.ts). */
export interface SlaStore {
  /** The inbox's policies by name. */
  list(inboxId: string): Promise<SlaPolicy[]>
  get(id: string): Promise<SlaPolicy | null>
  /** Adds one unless the inbox has `max` already (`validation_failed`); no inbox: `not_found`. */
  create(policy: SlaPolicy, max: number): Promise<void>
  /** Null: no such policy. */
  update(
    id: string,
    patch: Partial<Omit<SlaPolicy, 'id' | 'inboxId' | 'createdAt'>>,
  ): Promise<SlaPolicy | null>
  /** False: no such policy. Conversations keep running under what was applied. */
  delete(id: string): Promise<boolean>
}

/** A campaign as stored: without its counts. */
export type CampaignRecord = Omit<Campaign, 'shown' | 'replied'>

/** Shown and replied counts of one campaign (within a range, or all time). */
export interface CampaignCounts {
  campaignId: string
  shown: number
  replied: number
}

/** Proactive messages of inboxes (issue 20, protocol/campaigns.ts) and their showings. */
export interface CampaignStore {
  /** The inbox's campaigns, oldest first. */
  list(inboxId: string): Promise<CampaignRecord[]>
  /** The campaigns of these inboxes (null: every inbox), oldest first. */
  listIn(inboxIds: readonly string[] | null): Promise<CampaignRecord[]>
  get(id: string): Promise<CampaignRecord | null>
  /**
   * Adds one unless the inbox has `max` already (`validation_failed`) or a campaign of that
   * name (any case: `conflict`); no inbox: `not_found`.
   */
  create(campaign: CampaignRecord, max: number): Promise<void>
  /** Null: no such campaign. A taken name: `conflict`. */
  update(
    id: string,
    patch: Partial<Omit<CampaignRecord, 'id' | 'inboxId' | 'createdAt'>>,
  ): Promise<CampaignRecord | null>
  /** False: no such campaign. Its showings go with it; conversations keep its id. */
  delete(id: string): Promise<boolean>
  /** The ids of the campaigns shown to the visitor, and when they last saw one (null: never). */
  viewsOf(visitorId: string): Promise<{ shown: Set<string>; lastShownAt: number | null }>
  /** Every campaign shown to the visitor and when, first shown first (their data export). */
  showingsOf(visitorId: string): Promise<Array<{ campaignId: string; shownAt: number }>>
  /**
   * Records the showing unless the visitor saw this campaign already, or any campaign after
   * `notAfter` (the frequency cap): `conflict` then. The visitor's row is locked while it
   * checks, so two nodes cannot both record one. No such visitor: `not_found`.
   */
  recordView(campaignId: string, visitorId: string, at: number, notAfter: number): Promise<void>
  /** Whether the visitor was shown the campaign (a reply may name it). */
  wasShown(campaignId: string, visitorId: string): Promise<boolean>
  /** Per campaign: showings at [from, to) and conversations created in reply then. */
  counts(campaignIds: readonly string[], from: number, to: number): Promise<CampaignCounts[]>
}

/**
 * One entry of the audit trail (issue 18, S6): who did what to what, when, from where. Written
 * once, never changed through the product; only retention removes old entries.
 */
export interface AuditEntry {
  /** Time-ordered (UUIDv7): entries of one millisecond keep their order. */
  id: string
  at: number
  /** 'operator' (signed in), 'anonymous' (a failed login), 'system' (retention, routing). */
  actorKind: 'operator' | 'anonymous' | 'system'
  actorId: string | null
  /** Dotted verb: 'auth.login', 'operator.updated', 'conversation.viewed_invisibly', ... */
  action: string
  targetKind: string | null
  targetId: string | null
  /** The client address as the server saw it (behind a trusted proxy: the proxy's header). */
  address: string | null
  /** What changed, small and without secrets (never passwords or tokens). */
  details: Readonly<Record<string, unknown>> | null
}

export interface AuditFilter {
  action?: string
  actorId?: string
  targetId?: string
  from?: number
  to?: number
  /** Entries older than this entry id (the next page). */
  before?: string
  limit: number
}

export interface AuditStore {
  append(entry: AuditEntry): Promise<void>
  /** Newest first. */
  list(filter: AuditFilter): Promise<AuditEntry[]>
  /** Removes entries older than `before` (retention), at most `max` at a time; how many went. */
  purge(before: number, max: number): Promise<number>
}

/** Whether the store takes writes now (readiness, cluster leases). */
export interface StoreHealth {
  /** False while failing or stalled. */
  ready: boolean
  /**
   * Writes fail (errors or deadlines) and no write has succeeded since: a node in a cluster
   * gives its actors to nodes whose store works. Merely slow (stalled) is not failing.
   */
  failing: boolean
  /** Why not ready, for logs and /readyz; null when ready. */
  reason: string | null
  /** How long it has been so, in milliseconds (0 when ready). */
  forMs: number
}

/** The whole store as the server wires it. */
/** A webhook endpoint as stored (issue 17, I1; protocol/webhooks.ts has the wire shape). */
export interface WebhookEndpointRecord {
  id: string
  inboxId: string
  url: string
  description: string
  events: WebhookEventType[]
  enabled: boolean
  secret: string
  previousSecret: string | null
  previousSecretUntil: number | null
  failingSince: number | null
  lastSuccessAt: number | null
  lastFailureAt: number | null
  lastError: string | null
  createdAt: number
  updatedAt: number
}

/** One event for one endpoint (the delivery log's row). */
export interface WebhookDeliveryRecord {
  endpointId: string
  eventId: string
  type: WebhookEventType | 'ping' | 'rule.triggered'
  conversationId: string | null
  seq: number
  status: WebhookDeliveryStatus
  /** The JSON posted; kept only while the delivery is pending. */
  body: string | null
  attempts: number
  nextAttemptAt: number | null
  createdAt: number
  lastAttemptAt: number | null
  deliveredAt: number | null
  responseStatus: number | null
  responseMs: number | null
  responseSnippet: string | null
  error: string | null
}

/** A conversation whose log holds events not fanned out to endpoints yet (the outbox). */
export interface OutboxMark {
  conversationId: string
  /** The first event not fanned out. */
  fromSeq: number
  /** The newest event marked. */
  seq: number
  markedAt: number
}

/** How one attempt ended, as the dispatcher records it. */
export interface WebhookAttempt {
  endpointId: string
  eventId: string
  at: number
  /**
   * delivered; pending: retry at nextAttemptAt; failed: retries used up; cancelled: not sent
   * (its endpoint was disabled or deleted).
   */
  outcome: 'delivered' | 'pending' | 'failed' | 'cancelled'
  nextAttemptAt: number | null
  responseStatus: number | null
  responseMs: number
  responseSnippet: string | null
  error: string | null
}

/** A pending delivery whose turn has not come: it waits for its queue's head until `until`. */
export interface WebhookDeferral {
  endpointId: string
  eventId: string
  until: number
}

export interface WebhookStore {
  /** Endpoints of one inbox, or of every inbox (null), oldest first. */
  listEndpoints(inboxId: string | null): Promise<WebhookEndpointRecord[]>
  getEndpoint(id: string): Promise<WebhookEndpointRecord | null>
  /** Fails with `not_found` (no such inbox) or `validation_failed` (`max` endpoints already). */
  createEndpoint(endpoint: WebhookEndpointRecord, max: number): Promise<void>
  updateEndpoint(
    id: string,
    patch: Partial<Omit<WebhookEndpointRecord, 'id' | 'inboxId' | 'createdAt'>>,
  ): Promise<WebhookEndpointRecord | null>
  /** Removes the endpoint and its delivery log. */
  deleteEndpoint(id: string): Promise<boolean>
  /** Pending deliveries per endpoint (those with none are absent). */
  pendingCounts(endpointIds: readonly string[]): Promise<Map<string, number>>
  /** Outbox marks, oldest first. */
  marks(limit: number): Promise<OutboxMark[]>
  /**
   * In one transaction: stores the deliveries (one already stored is left as it is), moves
   * each conversation's mark past its `covered` seq (gone when nothing newer was marked since)
   * and updates the endpoints' health from the attempts already made (sent at fan-out).
   */
  fanOut(
    marks: readonly { conversationId: string; covered: number }[],
    deliveries: readonly WebhookDeliveryRecord[],
    attempts: readonly WebhookAttempt[],
  ): Promise<void>
  /** The pending deliveries of one endpoint's queue for a conversation, in log order. */
  queue(endpointId: string, conversationId: string, limit: number): Promise<WebhookDeliveryRecord[]>
  /** Pending deliveries due at `now`, oldest due first. */
  due(now: number, limit: number): Promise<WebhookDeliveryRecord[]>
  /**
   * The first pending delivery (lowest seq) of each endpoint's queue for these conversations,
   * keyed `endpointId conversationId`.
   */
  heads(conversationIds: readonly string[]): Promise<Map<string, WebhookDeliveryRecord>>
  /** When the next pending delivery is due; null when none is pending. */
  nextDue(): Promise<number | null>
  /**
   * Records attempts and deferrals in one transaction, with each endpoint's health: a success
   * ends `failing`; a delivery whose retries are used up starts it.
   */
  record(attempts: readonly WebhookAttempt[], deferrals: readonly WebhookDeferral[]): Promise<void>
  /** An endpoint's log, newest first, after the cursor (createdAt, eventId) of the last page. */
  deliveries(
    endpointId: string,
    opts: {
      status?: WebhookDeliveryStatus
      before?: { createdAt: number; eventId: string }
      limit: number
    },
  ): Promise<WebhookDeliveryRecord[]>
  getDelivery(endpointId: string, eventId: string): Promise<WebhookDeliveryRecord | null>
  /** Stores a delivery made outside the outbox (a test event). */
  insertDelivery(delivery: WebhookDeliveryRecord): Promise<void>
  /** Sends a delivery again: pending now with this body, its attempts kept. */
  requeue(
    endpointId: string,
    eventId: string,
    body: string,
    now: number,
  ): Promise<WebhookDeliveryRecord | null>
  /** Removes finished deliveries created before `before` (at most `limit`); how many. */
  prune(before: number, limit: number): Promise<number>
}

/**
 * An API token (issue 17, I3): `tokenHash` is the SHA-256 of the secret, which is shown once.
 * It acts as `operatorId` with at most that operator's rights, narrowed by `scope`.
 */
export interface ApiTokenRecord {
  id: string
  tokenHash: string
  prefix: string
  name: string
  scope: 'read' | 'write' | 'admin'
  operatorId: string
  createdBy: string | null
  createdAt: number
  lastUsedAt: number | null
  expiresAt: number | null
  revokedAt: number | null
}

export interface ApiTokenStore {
  /** Stores a token unless `max` unrevoked ones exist already (`conflict`) or its operator is unknown. */
  create(token: ApiTokenRecord, max: number): Promise<void>
  /** Every token, revoked ones included, newest first. */
  list(): Promise<ApiTokenRecord[]>
  get(id: string): Promise<ApiTokenRecord | null>
  byHash(tokenHash: string): Promise<ApiTokenRecord | null>
  /** Marks the token revoked at `at`; null when there is no such token. A revoked one stays as it was. */
  revoke(id: string, at: number): Promise<ApiTokenRecord | null>
  /** Records a use: `lastUsedAt` moves forward only. */
  touch(id: string, at: number): Promise<void>
}

/** A password reset link (issue 17, I4): the token's SHA-256, for one operator, used once. */
export interface PasswordResetRecord {
  tokenHash: string
  operatorId: string
  createdAt: number
  expiresAt: number
  usedAt: number | null
}

export interface PasswordResetStore {
  /** Stores a new link and voids the operator's unused older ones, in one transaction. */
  create(reset: PasswordResetRecord): Promise<void>
  /**
   * Uses the link: marks it used and returns it, when it exists, is unused and has not expired
   * at `now`; otherwise null. A link is used at most once, however many try at the same time.
   */
  consume(tokenHash: string, now: number): Promise<PasswordResetRecord | null>
  /** Removes links that expired before `before`; how many. */
  deleteExpired(before: number): Promise<number>
}

/** How an operator is notified outside the panel (issue 17, I4). */
export interface NotificationPrefsRecord {
  operatorId: string
  /** E-mail digests of waiting conversations while the operator is offline. */
  emailDigest: boolean
  /** When the last digest went; null: never. */
  digestSentAt: number | null
  updatedAt: number
  /** No Web Push in these hours (issue 20); null: at any hour. */
  quietHours: QuietHours | null
}

/** A daily span of local time ("22:00" to "08:00" crosses midnight) in an IANA zone. */
export interface QuietHours {
  from: string
  to: string
  timeZone: string
}

export interface NotificationPrefsStore {
  get(operatorId: string): Promise<NotificationPrefsRecord | null>
  /** Creates or replaces the operator's choice (the last digest time is kept). */
  setEmailDigest(operatorId: string, on: boolean, at: number): Promise<NotificationPrefsRecord>
  /** Operators who want e-mail digests. */
  digestRecipients(): Promise<NotificationPrefsRecord[]>
  digestSent(operatorId: string, at: number): Promise<void>
  /** Creates or replaces the operator's quiet hours (null: none); the rest is kept. */
  setQuietHours(
    operatorId: string,
    quietHours: QuietHours | null,
    at: number,
  ): Promise<NotificationPrefsRecord>
}

/** Where each Telegram channel bot's update stream was read to (issue 17, I5). */
export interface TelegramOffsetStore {
  /** The next update id to ask for; 0: from whatever Telegram still holds. */
  get(endpointId: string): Promise<number>
  set(endpointId: string, nextUpdateId: number, at: number): Promise<void>
}

/** Analytics (issue 19): a conversation's figures as folded from its log (server/analytics/fold.ts). */
export interface AnalyticsFacts {
  conversationId: string
  inboxId: string
  branchId: string | null
  channel: string
  country: string | null
  region: string | null
  createdAt: number
  status: ConversationStatus
  assigneeId: string | null
  /** Its log is counted up to this seq. */
  projectedSeq: number
  offline: boolean
  firstMessageAt: number | null
  firstResponseAt: number | null
  firstResponseMs: number | null
  firstResponseBusinessMs: number | null
  firstResponderId: string | null
  firstAssignedAt: number | null
  firstAssigneeId: string | null
  firstResolvedAt: number | null
  resolutionMs: number | null
  resolutionOperatorId: string | null
  erasedAt: number | null
}

/** One visitor rating of one resolution, with the dimensions it is counted under. */
export interface AnalyticsRatingRecord {
  conversationId: string
  resolutionSeq: number
  inboxId: string
  branchId: string | null
  channel: string
  country: string | null
  /** regionKey(country, region), null when unknown. */
  region: string | null
  operatorId: string | null
  scale: 'stars' | 'thumbs' | 'nps'
  score: number | null
  comment: string | null
  at: number
}

/** Ratings alike, counted together (AnalyticsStore.ratingCounts). */
export type AnalyticsRatingCount = Pick<
  AnalyticsRatingRecord,
  'inboxId' | 'branchId' | 'channel' | 'country' | 'region' | 'operatorId' | 'scale' | 'score'
> & { count: number }

/** What happened in one 15-minute bucket under one set of dimensions ('' = none). */
export interface AnalyticsCount {
  inboxId: string
  bucket: number
  metric: string
  branchId: string
  operatorId: string
  channel: string
  country: string
  /** regionKey(country, region): '' unknown. */
  region: string
  value: number
}

/** One conversation's fold since its last projection: written in one transaction with others. */
export interface AnalyticsProjection {
  facts: AnalyticsFacts
  /** The stored projectedSeq this applies over; null: the conversation has no row yet. */
  over: number | null
  ratings: AnalyticsRatingRecord[]
  /** The conversation's content was erased: its rating comments go. */
  erased: boolean
  counts: AnalyticsCount[]
  /** The events a drill-down lists the conversation by. */
  events: AnalyticsEventRecord[]
  /** Times it was open and assigned that began in this fold (untilAt null: still going). */
  loads: AnalyticsLoadRecord[]
  /** When the time going on at the stored figures ended (null: it did not, or there was none). */
  loadEndedAt: number | null
  /**
   * The periods (PERIOD_MS) of the inbox whose ranked durations this fold changes: what the
   * stored figures had there and what they have now, where the two differ.
   */
  periods: number[]
}

/** The dimensions of operator load edges (AnalyticsStore.loadEdges). */
export type AnalyticsLoadGroup = Pick<
  AnalyticsLoadRecord,
  'inboxId' | 'operatorId' | 'branchId' | 'channel' | 'country' | 'region'
>

/** A time a conversation was open and assigned to one operator (operator load). */
export interface AnalyticsLoadRecord {
  conversationId: string
  /** The event that began it. */
  seq: number
  inboxId: string
  operatorId: string
  /** '' for none, as in the counts. */
  branchId: string
  channel: string
  country: string
  region: string
  fromAt: number
  /** null while it lasts. */
  untilAt: number | null
}

/** The statuses an operator is counted in while connected (analytics_presence.status). */
export type PresenceStatus = 'online' | 'away' | 'busy'

/** A time an operator was connected in one status, as far as confirmed (`untilAt`). */
export interface AnalyticsPresenceRecord {
  operatorId: string
  at: number
  status: PresenceStatus
  untilAt: number
}

/**
 * Where an operator's actor records its connected time (analytics_presence): `start` a status
 * at `at`; `confirm` that the one started at `since` lasted until `until`.
 */
export interface PresenceLog {
  start(operatorId: string, at: number, status: PresenceStatus): Promise<void>
  confirm(operatorId: string, since: number, until: number): Promise<void>
}

/** A resolution, closing, reopening, escalation or transfer, with its dimensions. */
export interface AnalyticsEventRecord {
  conversationId: string
  seq: number
  inboxId: string
  kind: 'resolved' | 'closed' | 'reopened' | 'escalated' | 'transferred'
  at: number
  branchId: string
  operatorId: string
  channel: string
  country: string
}

/** A zone's offset from UTC from an instant on (a report's range: the first one from its start). */
export interface LocalOffset {
  from: number
  offsetMs: number
}

/** Counts by local day and by local hour of the week (AnalyticsStore.countsInLocalTime). */
export interface LocalCounts {
  days: Array<{ day: number; metric: string; value: number }>
  hours: Array<{ hour: number; metric: string; value: number }>
}

/** The rows an analytics query covers: a range in some inboxes, with optional filters. */
export interface AnalyticsScope {
  /** Never empty (a reader who may see no inbox gets no query). */
  inboxIds: readonly string[]
  from: number
  to: number
  branchId?: string
  operatorId?: string
  channel?: string
  country?: string
}

/**
 * A log row as the analytics fold reads it: a message with its author, the events the figures
 * depend on with their data, the rest by name only (the fold passes over them).
 */
export type AnalyticsLogEvent = { conversationId: string; seq: number; at: number } & (
  | { name: 'message.created'; author: { kind: PartyKind; id: string } }
  | Extract<
      StoredEventData,
      {
        name:
          | 'conversation.created'
          | 'conversation.status'
          | 'conversation.assigned'
          | 'conversation.rated'
          | 'conversation.erased'
      }
    >
  | {
      name:
        | 'message.updated'
        | 'read.updated'
        | 'conversation.context'
        | 'note.created'
        | 'conversation.priority'
        | 'conversation.labels'
        | 'conversation.snoozed'
        | 'conversation.attributes'
        | 'conversation.sla'
    }
)

/** What a breakdown is per: the inbox, or one dimension of the counts. */
export type AnalyticsDimension = 'inbox' | 'branch' | 'operator' | 'channel' | 'country' | 'region'

/** Which moment of a conversation places it in a range (and names its operator). */
export type AnalyticsMoment = 'created' | 'response' | 'resolved' | 'assigned'

type AnalyticsFactDims = Pick<
  AnalyticsFacts,
  'inboxId' | 'branchId' | 'channel' | 'country' | 'region'
>
/** What a report reads of the conversations placed by each moment. */
export interface AnalyticsMomentFacts {
  created: AnalyticsFactDims &
    Pick<AnalyticsFacts, 'createdAt' | 'offline' | 'firstResponseAt' | 'firstAssigneeId'>
  response: AnalyticsFactDims &
    Pick<
      AnalyticsFacts,
      'firstResponseAt' | 'firstResponseMs' | 'firstResponseBusinessMs' | 'firstResponderId'
    >
  resolved: AnalyticsFactDims &
    Pick<AnalyticsFacts, 'firstResolvedAt' | 'resolutionMs' | 'resolutionOperatorId'>
  assigned: AnalyticsFactDims &
    Pick<AnalyticsFacts, 'firstAssignedAt' | 'createdAt' | 'firstAssigneeId'>
}

/** Durations figures of one group of conversations (AnalyticsStore.durationFigures). */
export interface AnalyticsDurationGroup {
  /** null: all of the scope. */
  dim: AnalyticsDimension | null
  key: string
  figures: Durations[]
}

export interface AnalyticsStore extends PresenceLog {
  /** Conversations with uncounted events, oldest mark first (after `after` in that order). */
  marks(
    limit: number,
    after?: { markedAt: number; conversationId: string } | null,
  ): Promise<Array<{ conversationId: string; markedAt: number }>>
  /** The conversation's log after `afterSeq`, in seq order, as the fold reads it. */
  logAfter(conversationId: string, afterSeq: number, limit: number): Promise<AnalyticsLogEvent[]>
  /** The stored figures of these conversations (those that have a row). */
  facts(conversationIds: readonly string[]): Promise<AnalyticsFacts[]>
  /**
   * Writes the projections and drops the marks of `settle` whose log the stored figures now
   * cover, in one transaction. Rejects with `conflict` (and writes nothing) when a stored row
   * moved since it was read (another projector got there first).
   */
  apply(projections: readonly AnalyticsProjection[], settle: readonly string[]): Promise<void>
  /** The oldest mark's time; null when every committed event is counted. */
  oldestMark(): Promise<number | null>
  /**
   * When the oldest summary still written behind fell behind (pending_projections): appends
   * since then may not be marked yet (a dead node's wait for the periodic repair). Null: none.
   */
  oldestBehind(): Promise<number | null>
  /** Drops the whole projection and marks every conversation to be counted again. */
  reset(): Promise<number>
  /**
   * Summed counts of `metrics` in the scope by local time: per local day (days since the
   * epoch, local) and per local hour of the week (0: Thursday 00:00, the epoch's), a bucket's
   * local time being its UTC start plus the zone's offset then (`offsets`). `hourly`: from the
   * hour rows, for a range of whole hours read in a whole-hour zone (else quarter hours).
   */
  countsInLocalTime(
    scope: AnalyticsScope,
    hourly: boolean,
    offsets: readonly LocalOffset[],
    metrics: readonly string[],
  ): Promise<LocalCounts>
  /** Summed counts in the scope per value of each dimension and metric (no time). */
  countsByDimension(
    scope: AnalyticsScope,
  ): Promise<Array<{ dim: AnalyticsDimension; key: string; metric: string; value: number }>>
  /** The conversations whose `moment` lies in the scope (its operator filter: that moment's). */
  factsAt<M extends AnalyticsMoment>(
    scope: AnalyticsScope,
    moment: M,
  ): Promise<Array<AnalyticsMomentFacts[M]>>
  /**
   * Count, average, median and 90th percentile of the durations whose moment lies in the scope:
   * over all of them (`dim` null) and, with `byDimension`, per value of each dimension (the
   * operator: the moment's own; '' for none). `figures` per moment: `response` the first
   * response in wall time then in working hours, `resolved` the resolution, `assigned` the
   * queue wait (created -> first assigned).
   */
  durationFigures(
    scope: AnalyticsScope,
    moment: Exclude<AnalyticsMoment, 'created'>,
    byDimension: boolean,
  ): Promise<AnalyticsDurationGroup[]>
  /**
   * The median first response (wall time) of those first answered in each interval
   * [bounds[k], bounds[k + 1]) of the scope's range; null where none.
   */
  responseMedians(scope: AnalyticsScope, bounds: readonly number[]): Promise<Array<number | null>>
  /** The latest rating of each of these conversations that has one (null score: declined). */
  latestRatings(
    conversationIds: readonly string[],
  ): Promise<Array<{ conversationId: string; score: number | null }>>
  /** The ratings in the scope counted by scale, score and dimensions (what a report sums). */
  ratingCounts(scope: AnalyticsScope): Promise<AnalyticsRatingCount[]>
  /**
   * A page of the scope's ratings, newest first (at, then conversation id, descending), after
   * the cursor: those with a score (`scored`) or with a comment (`commented`).
   */
  ratingsPage(
    scope: AnalyticsScope,
    only: 'scored' | 'commented',
    after: { at: number; id: string } | null,
    limit: number,
  ): Promise<AnalyticsRatingRecord[]>
  /**
   * A page of conversations whose `moment` lies in the scope, newest first, after the cursor
   * (`at` and id of the last one listed).
   */
  pageAt(
    scope: AnalyticsScope,
    moment: AnalyticsMoment,
    where: 'all' | 'offline' | 'unanswered',
    after: { at: number; id: string } | null,
    limit: number,
  ): Promise<AnalyticsFacts[]>
  /**
   * The times conversations in the scope were open and assigned (operator load) as edges in
   * time order, clipped to its range up to `now` (a time still going on lasts until then), each
   * with its dimensions (`groups`).
   */
  loadEdges(scope: AnalyticsScope, now: number): Promise<LoadEdges<AnalyticsLoadGroup>>
  /** The times operators were connected that overlap [from, to) (all operators: filter after). */
  presenceIn(from: number, to: number): Promise<AnalyticsPresenceRecord[]>
  /** A page of events of one kind in the scope, newest first, after the cursor. */
  pageEvents(
    scope: AnalyticsScope,
    kind: AnalyticsEventRecord['kind'],
    after: { at: number; id: string } | null,
    limit: number,
  ): Promise<AnalyticsEventRecord[]>
}

/** A help-center article's row as the store keeps it: the article and its index terms. */
export interface HelpArticleRecord extends HelpArticle {
  /** Stems of the title (server/help/analyze.ts), what the search index reads. */
  titleTerms: string
  /** Stems of the body's plain text. */
  bodyTerms: string
}

/** Which articles a list shows; every field narrows it. */
export interface HelpArticleFilter {
  /** Portals: these inboxes' articles (null: every inbox's). */
  inboxIds: readonly string[] | null
  /** Also the shared articles (inboxId null). */
  shared: boolean
  language?: HelpLanguage
  status?: ArticleStatus
  categoryId?: string
  limit: number
  offset: number
}

/** A change to an article: a new revision, or the latest one amended (autosave). */
export interface HelpArticleSave {
  article: HelpArticleRecord
  /** The revision the change was made from; another one is a `conflict`. */
  fromRevision: number
  /** The slug before, when it changed (it then redirects). */
  formerSlug: string | null
  /** Amend the latest revision (the same author saving again soon) instead of adding one. */
  amend: boolean
}

/** Help-center articles, categories, slugs, revisions, feedback and reading events (issue 21). */
export interface HelpStore {
  categories(inboxIds: readonly string[] | null, shared: boolean): Promise<HelpCategory[]>
  category(id: string): Promise<HelpCategory | null>
  categoryBySlug(slug: string): Promise<HelpCategory | null>
  /** Adds one; a taken slug is a `conflict`; more than `max` in the portal `validation_failed`. */
  createCategory(category: HelpCategory, max: number): Promise<void>
  updateCategory(
    id: string,
    patch: Partial<Pick<HelpCategory, 'slug' | 'names' | 'descriptions' | 'position'>> & {
      updatedAt: number
    },
  ): Promise<HelpCategory | null>
  /** Removes it; its articles stay, without a category. */
  deleteCategory(id: string): Promise<boolean>

  article(id: string): Promise<HelpArticleRecord | null>
  /** Every translation of an article (the group), by language. */
  translations(groupId: string): Promise<HelpArticleRecord[]>
  articles(filter: HelpArticleFilter): Promise<{ articles: HelpArticleRecord[]; total: number }>
  /**
   * Adds an article with its slug and first revision; a slug taken (now or formerly) by
   * another article, or a second translation in one language, is a `conflict`.
   */
  createArticle(article: HelpArticleRecord): Promise<void>
  /** Saves a change (see HelpArticleSave); keeps at most `maxRevisions` revisions. */
  saveArticle(save: HelpArticleSave, maxRevisions: number): Promise<void>
  deleteArticle(id: string): Promise<boolean>
  revisions(articleId: string): Promise<HelpRevision[]>
  revision(articleId: string, revision: number): Promise<HelpRevision | null>
  /** The article a slug names in a language, and whether it is its current slug. */
  slug(
    language: HelpLanguage,
    slug: string,
  ): Promise<{ articleId: string; current: boolean } | null>
  /**
   * Published articles of the portal (its inbox's and the shared ones) in a language whose
   * index terms match: every term (a prefix term as a prefix), ranked by relevance (title
   * first); at most `limit` candidates, best first.
   */
  searchTerms(opts: {
    inboxId: string | null
    language: HelpLanguage
    terms: ReadonlyArray<{ text: string; prefix: boolean }>
    /** Each inner list is alternatives (typo corrections) for one word: any of them. */
    alternatives?: ReadonlyArray<readonly string[]>
    /** `any`: a match of any word (then more matched words rank higher); default `all`. */
    match?: 'all' | 'any'
    limit: number
  }): Promise<Array<{ id: string; relevance: number }>>
  /** Helpful and not-helpful votes of these articles since `since` (ms). */
  recentVotes(
    articleIds: readonly string[],
    since: number,
  ): Promise<Map<string, { helpful: number; notHelpful: number }>>
  /** Every distinct index term of published articles, for typo correction. */
  vocabulary(): Promise<string[]>
  /** Whether the portal (the inbox's and the shared articles) has a published article. */
  hasPublished(inboxId: string): Promise<boolean>
  /** Changes whenever an article is added, changed or removed (the vocabulary's cache key). */
  version(): Promise<string>
  /** Records a vote (and counts it on the article). */
  addFeedback(feedback: {
    id: string
    articleId: string
    helpful: boolean
    comment: string | null
    visitorId: string | null
    createdAt: number
  }): Promise<boolean>
  /** Records views and searches; a view also counts on its article. */
  addEvents(events: ReadonlyArray<HelpEventRecord>): Promise<void>
  /** Adds an uploaded image (its bytes are stored already). */
  addImage(image: HelpImageRecord): Promise<void>
  /** The images with these ids (those that exist). */
  images(ids: readonly string[]): Promise<HelpImageRecord[]>
  /** Marks these images as shown by a saved article (the first time only). */
  markImagesUsed(ids: readonly string[], at: number): Promise<void>
  /** Images never shown by a saved article and uploaded before `before`, oldest first. */
  unusedImages(before: number, limit: number): Promise<HelpImageRecord[]>
  /** Removes an image's row, only while it is still unused; false when it was used meanwhile. */
  deleteUnusedImage(id: string): Promise<boolean>
  /** What readers did in these portals (null: every one) in [from, to). */
  figures(opts: {
    inboxIds: readonly string[] | null
    from: number
    to: number
  }): Promise<HelpFigures>
}

/** A help-center image as stored (issue 21); its bytes are under helpImageKey(id). */
export interface HelpImageRecord extends Omit<HelpImage, 'url'> {
  /** Hex SHA-256 of the stored bytes (the strong ETag). */
  sha256: string
  createdBy: string | null
  /** When a saved article first showed it; null while none did. */
  usedAt: number | null
}

export interface HelpEventRecord {
  id: string
  kind: 'view' | 'search'
  inboxId: string | null
  articleId: string | null
  visitorId: string | null
  language: HelpLanguage
  query: string | null
  results: number | null
  at: number
}

export interface Store {
  conversations: ConversationStore
  queries: ConversationQueries
  search: SearchQueries
  operators: OperatorStore
  sessions: SessionStore
  inboxes: InboxStore
  visitors: VisitorStore
  attachments: AttachmentStore
  branches: BranchStore
  cannedReplies: CannedReplyStore
  labels: LabelStore
  attributes: AttributeStore
  slaPolicies: SlaStore
  campaigns: CampaignStore
  push: PushStore
  macros: MacroStore
  rules: RuleStore
  followers: FollowerStore
  audit: AuditStore
  webhooks: WebhookStore
  apiTokens: ApiTokenStore
  passwordResets: PasswordResetStore
  notificationPrefs: NotificationPrefsStore
  telegramOffsets: TelegramOffsetStore
  analytics: AnalyticsStore
  help: HelpStore
  /** Throws when the database cannot be reached (readiness). */
  ping(): Promise<void>
  /** What the write path's last outcomes and the operations in flight say. */
  health(): StoreHealth
  /**
   * A write transaction that changes no data but needs what a real write needs; success ends a
   * failure (see StoreHealth). Rejects like a failing write.
   */
  probe(): Promise<void>
  /**
   * Called with an error thrown outside any caller (process level): true when it is a known
   * driver fault the store has recovered from, so the process can go on serving safely.
   */
  absorb(error: unknown): boolean
  stats(): StoreStats
  /**
   * Rebuilds from the log every conversation summary a crash left behind it (written-behind
   * summaries not yet written); resolves with how many. Run before serving.
   */
  repairSummaries(): Promise<number>
  /**
   * Writes the summaries this process holds behind their logs now (and with them the analytics
   * marks of their appends); resolves once durable.
   */
  flushSummaries(): Promise<void>
  /** Waits for queued writes to commit, then closes. */
  close(): Promise<void>
}

/** The name a visitor sees for an operator: the display name, else the first word of the name. */
export function publicName(op: Pick<OperatorRecord, 'name' | 'displayName'>): string {
  return op.displayName ?? op.name.trim().split(/\s+/)[0] ?? op.name
}
