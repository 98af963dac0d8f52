/**
 * SQLite schema. Migrations are generated from this file by drizzle-kit (`npm run db:generate`)
 * and never edited by hand. Timestamps are integer Unix epoch milliseconds. The Postgres schema
 * (db/postgres/schema.ts) mirrors this one table for table; db/sql/tables.ts checks that both
 * infer the same row types, which is what lets the repositories serve both dialects.
 */
import { sql } from 'drizzle-orm'
import {
  blob,
  check,
  foreignKey,
  index,
  integer,
  primaryKey,
  sqliteTable,
  text,
  uniqueIndex,
} from 'drizzle-orm/sqlite-core'
import type { Schedule } from '../../actors/inbox/schedule.ts'
import type {
  AttachmentStatus,
  BranchSettings,
  GeoRule,
  InboxSettings,
  OperatorRole,
  OperatorStatus,
  VisitorAttributes,
} from '../../actors/ports.ts'
import type {
  Attachment,
  ConversationStatus,
  PartyKind,
  StoredEventData,
} from '../../protocol/index.ts'
import type { WebhookDeliveryStatus, WebhookEventType } from '../../protocol/webhooks.ts'
import type { ApiTokenScope } from '../../protocol/api-tokens.ts'
import type { ArticleStatus, HelpLanguage } from '../../protocol/help.ts'

export const inboxes = sqliteTable('inboxes', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  identitySecret: text('identity_secret').notNull(),
  settings: text('settings', { mode: 'json' }).$type<InboxSettings>().notNull(),
  createdAt: integer('created_at').notNull(),
  updatedAt: integer('updated_at').notNull(),
  /** Visitor tokens of this inbox issued at or before this time are void (0: never). */
  visitorsSignedOutAt: integer('visitors_signed_out_at').notNull().default(0),
  /** Tokens of verified visitors issued at or before this time are void: the secret rotated. */
  identityRotatedAt: integer('identity_rotated_at').notNull().default(0),
  /** The branch a conversation goes to when no rule matches; null: the branch whose id is the inbox's. */
  defaultBranchId: text('default_branch_id'),
  /** Country/region -> branch rules (R1), first match by precedence (db/repos/branches.ts). */
  geoRules: text('geo_rules', { mode: 'json' }).$type<GeoRule[]>().notNull().default([]),
})

export const operators = sqliteTable(
  'operators',
  {
    id: text('id').primaryKey(),
    email: text('email').notNull().unique(),
    name: text('name').notNull(),
    /** What visitors see; null: the first word of `name`. */
    displayName: text('display_name'),
    /** The uploaded picture visitors see (its blob is `avatars/...<id>.webp`); null: initials. */
    avatarId: text('avatar_id'),
    role: text('role').$type<OperatorRole>().notNull(),
    canChat: integer('can_chat', { mode: 'boolean' }).notNull(),
    active: integer('active', { mode: 'boolean' }).notNull(),
    /** The default also fills rows written before the column existed. */
    status: text('status').$type<OperatorStatus>().notNull().default('online'),
    /** The panel language the operator chose; null: the device's. */
    locale: text('locale').$type<'en' | 'ru'>(),
    passwordHash: text('password_hash').notNull(),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  // Lookups lower-case the input; the check keeps a writer that forgot from breaking them.
  (t) => [check('operators_email_lower', sql`${t.email} = lower(${t.email})`)],
)

/** Which operators handle which inbox (routing candidates and badge scope). */
export const inboxMembers = sqliteTable(
  'inbox_members',
  {
    inboxId: text('inbox_id')
      .notNull()
      .references(() => inboxes.id, { onDelete: 'cascade' }),
    operatorId: text('operator_id')
      .notNull()
      .references(() => operators.id, { onDelete: 'cascade' }),
    createdAt: integer('created_at')
      .notNull()
      .$defaultFn(() => Date.now()),
  },
  (t) => [
    primaryKey({ columns: [t.inboxId, t.operatorId] }),
    index('inbox_members_operator_idx').on(t.operatorId, t.inboxId),
  ],
)

/**
 * Branches (R1): teams of operators within an inbox, each with its own working hours, settings
 * and routing pool. Every inbox has at least its default branch, whose id is the inbox's own.
 */
export const branches = sqliteTable(
  'branches',
  {
    id: text('id').primaryKey(),
    inboxId: text('inbox_id')
      .notNull()
      .references(() => inboxes.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    /** Weekly hours in an IANA time zone plus dated exceptions (actors/inbox/schedule.ts). */
    schedule: text('schedule', { mode: 'json' }).$type<Schedule>().notNull(),
    settings: text('settings', { mode: 'json' }).$type<BranchSettings>().notNull(),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [index('branches_inbox_idx').on(t.inboxId, t.name)],
)

/** Which operators take the conversations of which branch; one operator may be in several. */
export const branchMembers = sqliteTable(
  'branch_members',
  {
    branchId: text('branch_id')
      .notNull()
      .references(() => branches.id, { onDelete: 'cascade' }),
    operatorId: text('operator_id')
      .notNull()
      .references(() => operators.id, { onDelete: 'cascade' }),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.branchId, t.operatorId] }),
    index('branch_members_operator_idx').on(t.operatorId, t.branchId),
  ],
)

export const operatorSessions = sqliteTable(
  'operator_sessions',
  {
    tokenHash: text('token_hash').primaryKey(),
    operatorId: text('operator_id')
      .notNull()
      .references(() => operators.id, { onDelete: 'cascade' }),
    createdAt: integer('created_at').notNull(),
    expiresAt: integer('expires_at').notNull(),
  },
  (t) => [
    index('operator_sessions_operator_idx').on(t.operatorId),
    index('operator_sessions_expires_idx').on(t.expiresAt),
  ],
)

export const visitors = sqliteTable(
  'visitors',
  {
    id: text('id').primaryKey(),
    inboxId: text('inbox_id')
      .notNull()
      .references(() => inboxes.id),
    externalId: text('external_id'),
    createdAt: integer('created_at').notNull(),
    /** This visitor's tokens issued at or before this time are void (0: never). */
    signedOutAt: integer('signed_out_at').notNull().default(0),
    name: text('name'),
    email: text('email'),
    phone: text('phone'),
    /** Pre-chat form answers and what the site set about the visitor (key -> value). */
    attributes: text('attributes', { mode: 'json' })
      .$type<VisitorAttributes>()
      .notNull()
      .default({}),
    /** When the visitor was erased (S8): every field above that named them is empty since. */
    erasedAt: integer('erased_at'),
  },
  // NULLs are distinct in a unique index, so any number of anonymous visitors may share an inbox.
  (t) => [
    uniqueIndex('visitors_inbox_external_uq').on(t.inboxId, t.externalId),
    // A data-subject request finds a visitor by e-mail or the site's user id in any inbox.
    index('visitors_email_idx').on(t.email),
    index('visitors_external_idx').on(t.externalId),
  ],
)

/**
 * No foreign keys to inboxes, visitors or operators: the conversation actor owns this row and
 * must be testable against a real store without seeding accounts; routes check those ids.
 */
export const conversations = sqliteTable(
  'conversations',
  {
    id: text('id').primaryKey(),
    /**
     * The conversation's number (issue 12): the key of its log, so that every log row and
     * index entry holds a small integer instead of the 36-byte id. The store assigns it when
     * the row is inserted (one more than the highest number stored, in the insert itself (SQLite has one writer)); it never changes.
     */
    no: integer('no').notNull(),
    inboxId: text('inbox_id').notNull(),
    visitorId: text('visitor_id').notNull(),
    status: text('status').$type<ConversationStatus>().notNull(),
    /** Derived from status (open 0, resolved 1, closed 2) so the inbox order can use an index. */
    statusRank: integer('status_rank').notNull(),
    assigneeId: text('assignee_id'),
    lastSeq: integer('last_seq').notNull(),
    hasUnansweredIncoming: integer('has_unanswered_incoming', { mode: 'boolean' }).notNull(),
    lastMessageAt: integer('last_message_at'),
    /** Derived: coalesce(last_message_at, created_at), the "last activity" the lists sort by. */
    lastActivityAt: integer('last_activity_at').notNull(),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
    ownerEpoch: integer('owner_epoch').notNull().default(0),
    /** When an unopened assignment escalates; null when none is pending. */
    escalationAt: integer('escalation_at'),
    /** The branch whose pool and hours it is routed by (R1); null on rows from before branches. */
    branchId: text('branch_id'),
    /** Where the visitor was when it started (GeoIP, R1): ISO country, region code, city. */
    country: text('country'),
    region: text('region'),
    city: text('city'),
    /** Left as a request while nobody could answer (R6): answered by e-mail too. */
    offline: integer('offline', { mode: 'boolean' }).notNull().default(false),
    /** Where it came from (issue 17): widget, api, email, telegram. */
    channel: text('channel')
      .$type<'widget' | 'api' | 'email' | 'telegram'>()
      .notNull()
      .default('widget'),
    /** The widget's language when it started ('en' or 'ru'); automatic replies use it. */
    locale: text('locale'),
    /**
     * Since when the visitor waits for a reply: the time of the first visitor message after
     * the last operator message; null when nobody waits. Sorting by waiting time reads it.
     */
    waitingSince: integer('waiting_since'),
    /** When its content was erased (S8, S7): text, files and context gone, the shape kept. */
    erasedAt: integer('erased_at'),
    /** How urgent (issue 20) as PRIORITY_RANK: urgent 0, high 1, normal 2, low 3. */
    priority: integer('priority').notNull().default(2),
    /**
     * Its inbox's label ids (issue 20) as a JSON array, in the order added. The list filters by
     * one with a LIKE on the quoted id: ids are UUIDs, never LIKE wildcards or quotes.
     */
    labels: text('labels').notNull().default('[]'),
    /**
     * Values of its inbox's conversation attributes (issue 20) as a JSON object by key, written
     * with JSON.stringify (so `"key":<value>` followed by `,` or `}` finds a value with a LIKE);
     * null: none.
     */
    attributes: text('attributes'),
    /**
     * The SLA it runs under (issue 20, protocol/sla.ts ConversationSla) as JSON; null: none.
     * `sla_due` is its earliest pending deadline, for the inbox actor's timers.
     */
    sla: text('sla'),
    slaDue: integer('sla_due'),
    /** Snoozed (issue 20): until `snoozed_until`, or (null) until the visitor writes. */
    snoozed: integer('snoozed', { mode: 'boolean' }).notNull().default(false),
    snoozedUntil: integer('snoozed_until'),
    /** The campaign (issue 20, proactive messages) it answers; null: none. Set at creation. */
    campaignId: text('campaign_id'),
  },
  (t) => [
    // The log's key maps back to its conversation (`no = ?`), and the log's reads by id find
    // the number (`(select no from conversations where id = ?)` is the primary-key lookup).
    uniqueIndex('conversations_no_uq').on(t.no),
    index('conversations_visitor_idx').on(t.visitorId, sql`${t.lastActivityAt} desc`, t.id),
    index('conversations_inbox_order_idx').on(
      t.inboxId,
      t.statusRank,
      sql`${t.lastActivityAt} desc`,
      t.id,
    ),
    index('conversations_order_idx').on(t.statusRank, sql`${t.lastActivityAt} desc`, t.id),
    index('conversations_unanswered_idx').on(
      t.hasUnansweredIncoming,
      t.statusRank,
      sql`${t.lastActivityAt} desc`,
      t.id,
    ),
    // Routing: per-assignee open counts (range on assignee_id, covering) and the queue
    // (assignee_id is null, already in created_at, id order).
    index('conversations_routing_idx').on(t.inboxId, t.statusRank, t.assigneeId, t.createdAt, t.id),
    // Recent conversations of a branch, newest first: its typical first-response time (R6).
    index('conversations_branch_created_idx').on(t.branchId, t.createdAt),
    // The routing queue of one branch (R1): open and unassigned, most urgent first (issue 20),
    // then oldest. Partial: only waiting rows are indexed, a handful at any time.
    index('conversations_queue_idx')
      .on(t.branchId, t.priority, t.createdAt, t.id)
      .where(sql`${t.statusRank} = 0 and ${t.assigneeId} is null`),
    // Partial: only the few rows with an escalation pending are indexed.
    // The inbox actor's snooze timers, armed at its start (issue 20). Partial: only the few
    // snoozed rows with a time are indexed.
    index('conversations_snooze_idx')
      .on(t.inboxId, t.snoozedUntil, t.id)
      .where(sql`${t.snoozedUntil} is not null`),
    index('conversations_escalation_idx')
      .on(t.inboxId, t.escalationAt, t.id)
      .where(sql`${t.escalationAt} is not null`),
    // The inbox actor's SLA timers, armed at its start. Partial: only rows with a deadline.
    index('conversations_sla_idx')
      .on(t.inboxId, t.slaDue, t.id)
      .where(sql`${t.slaDue} is not null`),
    // A campaign's replies in a time range (its counts, analytics). Partial: only answers to
    // campaigns are indexed.
    index('conversations_campaign_idx')
      .on(t.campaignId, t.createdAt)
      .where(sql`${t.campaignId} is not null`),
  ],
)

export const readStates = sqliteTable(
  'read_states',
  {
    conversationId: text('conversation_id')
      .notNull()
      .references(() => conversations.id),
    readerKind: text('reader_kind').$type<PartyKind>().notNull(),
    readerId: text('reader_id').notNull(),
    deliveredSeq: integer('delivered_seq').notNull(),
    readSeq: integer('read_seq').notNull(),
  },
  (t) => [primaryKey({ columns: [t.conversationId, t.readerKind, t.readerId] })],
)

export const events = sqliteTable(
  'events',
  {
    /** Its conversation's number (`conversations.no`): the log's key. */
    convNo: integer('conv_no').notNull(),
    conversationId: text('conversation_id').notNull(),
    seq: integer('seq').notNull(),
    name: text('name').$type<StoredEventData['name']>().notNull(),
    /** The event's data; `{}` for `message.*` events, whose message lives in the columns below. */
    data: text('data', { mode: 'json' }).$type<StoredEventData['data']>().notNull(),
    at: integer('at').notNull(),
    // A `message.created` event is the message: its row holds the message's current state
    // (edits and deletes change it in place). A `message.updated` event names the message by
    // the seq of its `message.created` row and reads its state from there.
    /** message.created: the message's id. */
    messageId: text('message_id'),
    /** message.updated: the seq of the message.created row it changed. */
    messageSeq: integer('message_seq'),
    authorKind: text('author_kind').$type<PartyKind>(),
    authorId: text('author_id'),
    text: text('text'),
    clientMsgId: text('client_msg_id'),
    editedAt: integer('edited_at'),
    deletedAt: integer('deleted_at'),
    deletedByKind: text('deleted_by_kind').$type<PartyKind>(),
    deletedById: text('deleted_by_id'),
    /** message.created: the files sent with the message (their metadata), in order. */
    attachments: text('attachments', { mode: 'json' }).$type<Attachment[]>(),
  },
  (t) => [
    // Every read of the log is a range of one conversation by seq: replay, history pages,
    // unread counts (`conv_no = ? and seq > ?`). Keyed by the conversation's number, not its id:
    // bench/log-shapes.ts measures the same rows 2x faster to append with the integer key
    // (every index entry and page holds the key; a 36-byte text key fills pages 3x faster).
    primaryKey({ columns: [t.convNo, t.seq] }),
    foreignKey({ columns: [t.conversationId], foreignColumns: [conversations.id] }),
    // Idempotent sends (C3): one message per (conversation, author, client id). Partial: only
    // message rows carry a client id.
    uniqueIndex('events_client_msg_uq')
      .on(t.convNo, t.authorKind, t.authorId, t.clientMsgId)
      .where(sql`${t.clientMsgId} is not null`),
    // Edit and delete find a message by id (`message_id = ?`). Ids are time-ordered (UUIDv7),
    // so new entries append at the end of this index.
    uniqueIndex('events_message_uq')
      .on(t.messageId)
      .where(sql`${t.messageId} is not null`),
  ],
)

/**
 * Conversations whose summary (last seq, last activity, unanswered flag) is behind their log:
 * the summary is written behind (coalesced, db/write-behind.ts) and a row here is inserted in
 * the same transaction as every log append that leaves it behind, and deleted once a summary
 * write covers the whole log. After a crash the rows left name exactly the conversations to
 * repair from their log (`repairProjections`). Only the primary key: every access is by
 * conversation id, or a full scan of these few rows (the repair), ordered by `marked_at`.
 */
export const pendingProjections = sqliteTable('pending_projections', {
  conversationId: text('conversation_id')
    .primaryKey()
    .references(() => conversations.id),
  /** When the summary first fell behind (ms); the periodic repair takes rows older than it. */
  markedAt: integer('marked_at').notNull(),
})

/**
 * Uploaded files (F2): metadata only, the bytes live in the blob storage under keys derived
 * from the id. Lifecycle: `pending` (bytes being stored) -> `uploaded` (stored, not yet on a
 * message) -> `linked` (its message committed, in the same transaction) -> `deleted` (message
 * deleted, upload never linked, retention or erasure), then the cleanup job removes the bytes
 * and the row once `purge_at` has passed.
 */
export const attachments = sqliteTable(
  'attachments',
  {
    id: text('id').primaryKey(),
    conversationId: text('conversation_id')
      .notNull()
      .references(() => conversations.id),
    status: text('status').$type<AttachmentStatus>().notNull(),
    uploaderKind: text('uploader_kind').$type<PartyKind>().notNull(),
    uploaderId: text('uploader_id').notNull(),
    /** The message it was sent with, once linked. */
    messageId: text('message_id'),
    name: text('name').notNull(),
    size: integer('size').notNull(),
    contentType: text('content_type').notNull(),
    width: integer('width'),
    height: integer('height'),
    /** Hex SHA-256 of the stored bytes: the strong ETag. */
    sha256: text('sha256').notNull(),
    /** Bytes of the thumbnail (WebP), null when there is none. */
    thumbnailSize: integer('thumbnail_size'),
    createdAt: integer('created_at').notNull(),
    /**
     * When the cleanup job may act (ms): an unlinked upload expires then, a deleted file's
     * bytes go then (after the grace period). Null while linked.
     */
    purgeAt: integer('purge_at'),
  },
  (t) => [
    // The cleanup job: `status in (...) and purge_at <= ?`, oldest first, a bounded batch.
    index('attachments_purge_idx').on(t.status, t.purgeAt),
    // Deleting a message deletes its files: `conversation_id = ? and message_id = ?`.
    index('attachments_message_idx').on(t.conversationId, t.messageId),
  ],
)

/**
 * Canned replies (O6): saved answers an operator inserts with `/shortcut` in the composer.
 * Shared by an inbox's members (`inbox_id` set, `owner_id` null) or personal to one operator
 * (`owner_id` set, `inbox_id` null: usable in every inbox). A shortcut is unique per scope.
 */
export const cannedReplies = sqliteTable(
  'canned_replies',
  {
    id: text('id').primaryKey(),
    inboxId: text('inbox_id').references(() => inboxes.id, { onDelete: 'cascade' }),
    ownerId: text('owner_id').references(() => operators.id, { onDelete: 'cascade' }),
    /** What follows the slash: lower-case letters, digits, '-' and '_'. */
    shortcut: text('shortcut').notNull(),
    title: text('title').notNull(),
    /** The reply; `{visitor.name}` and `{operator.name}` are filled in when inserted. */
    text: text('text').notNull(),
    createdBy: text('created_by'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('canned_replies_inbox_uq')
      .on(t.inboxId, t.shortcut)
      .where(sql`${t.ownerId} is null`),
    uniqueIndex('canned_replies_owner_uq')
      .on(t.ownerId, t.shortcut)
      .where(sql`${t.ownerId} is not null`),
  ],
)

/**
 * Labels an inbox defines (issue 20): conversations name them by id in their `labels` column.
 * A name is unique in its inbox whatever its case (`name_key` is the lower-cased name).
 */
export const labels = sqliteTable(
  'labels',
  {
    id: text('id').primaryKey(),
    inboxId: text('inbox_id')
      .notNull()
      .references(() => inboxes.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    nameKey: text('name_key').notNull(),
    /** #rrggbb. */
    color: text('color').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [uniqueIndex('labels_inbox_name_uq').on(t.inboxId, t.nameKey)],
)

/**
 * SLA policies an inbox defines (issue 20, protocol/sla.ts): targets in minutes (null: none),
 * counted in wall time or in the open hours of the conversation's branch.
 */
export const slaPolicies = sqliteTable(
  'sla_policies',
  {
    id: text('id').primaryKey(),
    inboxId: text('inbox_id')
      .notNull()
      .references(() => inboxes.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    firstResponseMinutes: integer('first_response_minutes'),
    nextResponseMinutes: integer('next_response_minutes'),
    resolutionMinutes: integer('resolution_minutes'),
    businessHours: integer('business_hours', { mode: 'boolean' }).notNull().default(false),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [index('sla_policies_inbox_idx').on(t.inboxId)],
)

/**
 * Proactive messages an inbox defines (issue 20, protocol/campaigns.ts): shown by the widget to
 * the visitors `rules` (JSON, CampaignRules) match, once each. `name_key` (lower case) is unique
 * per inbox. Its sender is an operator (their name and face) or, null, the team.
 */
export const campaigns = sqliteTable(
  'campaigns',
  {
    id: text('id').primaryKey(),
    inboxId: text('inbox_id')
      .notNull()
      .references(() => inboxes.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    nameKey: text('name_key').notNull(),
    text: text('text').notNull(),
    senderId: text('sender_id').references(() => operators.id, { onDelete: 'set null' }),
    enabled: integer('enabled', { mode: 'boolean' }).notNull().default(true),
    startsAt: integer('starts_at'),
    endsAt: integer('ends_at'),
    rules: text('rules').notNull(),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [uniqueIndex('campaigns_inbox_name_uq').on(t.inboxId, t.nameKey)],
)

/**
 * Each showing of a campaign to a visitor (issue 20): at most one per campaign and visitor (the
 * key), recorded before the widget shows it. The visitor index finds their latest showing (the
 * inbox's frequency cap) and what an erasure removes.
 */
export const campaignViews = sqliteTable(
  'campaign_views',
  {
    campaignId: text('campaign_id')
      .notNull()
      .references(() => campaigns.id, { onDelete: 'cascade' }),
    visitorId: text('visitor_id')
      .notNull()
      .references(() => visitors.id, { onDelete: 'cascade' }),
    shownAt: integer('shown_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.campaignId, t.visitorId] }),
    index('campaign_views_visitor_idx').on(t.visitorId, t.shownAt),
  ],
)

/**
 * Attributes an inbox defines (issue 20), of its visitors or of its conversations: a typed key
 * (protocol/attributes.ts). A key is unique per inbox and scope; `options` are a list's choices
 * as a JSON array (`[]` for other types).
 */
export const attributeDefinitions = sqliteTable(
  'attribute_definitions',
  {
    id: text('id').primaryKey(),
    inboxId: text('inbox_id')
      .notNull()
      .references(() => inboxes.id, { onDelete: 'cascade' }),
    scope: text('scope', { enum: ['visitor', 'conversation'] }).notNull(),
    key: text('key').notNull(),
    name: text('name').notNull(),
    type: text('type', { enum: ['text', 'number', 'date', 'list', 'checkbox', 'link'] }).notNull(),
    options: text('options').notNull().default('[]'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [uniqueIndex('attribute_definitions_key_uq').on(t.inboxId, t.scope, t.key)],
)

/**
 * Who a private note mentions (issue 20's Mentions view), written with the note in its
 * conversation's transaction: one row per mentioned operator. Newest first per operator.
 */
export const noteMentions = sqliteTable(
  'note_mentions',
  {
    operatorId: text('operator_id').notNull(),
    conversationId: text('conversation_id').notNull(),
    /** The note's seq in its conversation's log. */
    seq: integer('seq').notNull(),
    at: integer('at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.operatorId, t.conversationId, t.seq] }),
    index('note_mentions_operator_at_idx').on(t.operatorId, t.at),
  ],
)

/**
 * Macros (issue 20): named lists of actions (protocol/macros.ts) an inbox's operators run on a
 * conversation. A name is unique in its inbox whatever its case (`name_key`).
 */
export const macros = sqliteTable(
  'macros',
  {
    id: text('id').primaryKey(),
    inboxId: text('inbox_id')
      .notNull()
      .references(() => inboxes.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    nameKey: text('name_key').notNull(),
    /** The actions as JSON, validated on the way in (MacroActions). */
    actions: text('actions').notNull(),
    createdBy: text('created_by'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [uniqueIndex('macros_inbox_name_uq').on(t.inboxId, t.nameKey)],
)

/**
 * Teammates following a conversation without being assigned (issue 20's participants): its
 * thread shows them, their list can show only what they follow. Read by the conversation
 * (primary key) and by the operator (`conversation_followers_operator`).
 */
export const conversationFollowers = sqliteTable(
  'conversation_followers',
  {
    conversationId: text('conversation_id')
      .notNull()
      .references(() => conversations.id),
    operatorId: text('operator_id')
      .notNull()
      .references(() => operators.id),
    at: integer('at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.conversationId, t.operatorId] }),
    index('conversation_followers_operator').on(t.operatorId, t.at),
  ],
)

/**
 * Automation rules (issue 20, protocol/rules.ts): an inbox's ordered rules. A name is unique in
 * its inbox whatever its case (`name_key`). Conditions and actions are validated JSON. `runs`,
 * `last_run_at` and `last_error*` are what the runner reports. Read per inbox by the unique
 * index's leading column (the list and the runner's directory load read every row: few).
 */
export const rules = sqliteTable(
  'rules',
  {
    id: text('id').primaryKey(),
    inboxId: text('inbox_id')
      .notNull()
      .references(() => inboxes.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    nameKey: text('name_key').notNull(),
    enabled: integer('enabled', { mode: 'boolean' }).notNull(),
    position: integer('position').notNull(),
    event: text('event').notNull(),
    waitMinutes: integer('wait_minutes'),
    conditions: text('conditions').notNull(),
    actions: text('actions').notNull(),
    createdBy: text('created_by'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
    runs: integer('runs').notNull().default(0),
    lastRunAt: integer('last_run_at'),
    lastError: text('last_error'),
    lastErrorAt: integer('last_error_at'),
  },
  (t) => [uniqueIndex('rules_inbox_name_uq').on(t.inboxId, t.nameKey)],
)

/**
 * The rules outbox (issue 20), like `webhook_outbox`: a row per conversation whose log holds
 * events the rules runner has not looked at, upserted in the events' own transaction when the
 * inbox has enabled rules. Deleted by the runner only while `seq` is still what it covered.
 */
export const ruleMarks = sqliteTable('rule_marks', {
  conversationId: text('conversation_id')
    .primaryKey()
    .references(() => conversations.id),
  fromSeq: integer('from_seq').notNull(),
  seq: integer('seq').notNull(),
  markedAt: integer('marked_at').notNull(),
})

/**
 * What each rule did to each conversation, once per triggering event (`trigger`: `seq:<n>` for
 * a log event, `wait:<since>` for a wait): the runner's memory that makes a rule run at most
 * once per trigger across restarts and failover. `outcome`: done, loop (stopped: too deep a
 * chain of rules), failed (an action was refused; `error` says why). Primary-key look-ups only.
 */
export const ruleRuns = sqliteTable(
  'rule_runs',
  {
    ruleId: text('rule_id')
      .notNull()
      .references(() => rules.id, { onDelete: 'cascade' }),
    conversationId: text('conversation_id').notNull(),
    trigger: text('trigger').notNull(),
    at: integer('at').notNull(),
    outcome: text('outcome').notNull(),
    error: text('error'),
  },
  (t) => [
    // The runner's look-up: a conversation's triggers (every rule of them).
    primaryKey({ columns: [t.conversationId, t.trigger, t.ruleId] }),
    // Retention removes old runs oldest first.
    index('rule_runs_at').on(t.at),
  ],
)

/**
 * The audit trail (issue 18, S6): append-only; read newest first, by action, actor or target.
 * No foreign keys: an entry outlives the operator or conversation it names.
 */
export const auditLog = sqliteTable(
  'audit_log',
  {
    id: text('id').primaryKey(),
    at: integer('at').notNull(),
    actorKind: text('actor_kind').$type<'operator' | 'anonymous' | 'system'>().notNull(),
    actorId: text('actor_id'),
    action: text('action').notNull(),
    targetKind: text('target_kind'),
    targetId: text('target_id'),
    address: text('address'),
    details: text('details', { mode: 'json' }).$type<Record<string, unknown>>(),
  },
  (t) => [
    index('audit_log_at').on(t.at, t.id),
    index('audit_log_action').on(t.action, t.at),
    index('audit_log_actor').on(t.actorId, t.at),
    index('audit_log_target').on(t.targetId, t.at),
  ],
)

/**
 * Webhook endpoints (issue 17, I1): per inbox, a URL that receives the events it subscribes to,
 * signed with its secret (and, for a while after a rotation, the previous one too). The secret
 * is kept as written: it signs every delivery.
 */
export const webhookEndpoints = sqliteTable(
  'webhook_endpoints',
  {
    id: text('id').primaryKey(),
    inboxId: text('inbox_id')
      .notNull()
      .references(() => inboxes.id, { onDelete: 'cascade' }),
    url: text('url').notNull(),
    description: text('description').notNull(),
    events: text('events', { mode: 'json' }).$type<WebhookEventType[]>().notNull(),
    enabled: integer('enabled', { mode: 'boolean' }).notNull(),
    secret: text('secret').notNull(),
    previousSecret: text('previous_secret'),
    previousSecretUntil: integer('previous_secret_until'),
    /** A delivery used up its retries after the last success, at this time; null: healthy. */
    failingSince: integer('failing_since'),
    lastSuccessAt: integer('last_success_at'),
    lastFailureAt: integer('last_failure_at'),
    lastError: text('last_error'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [index('webhook_endpoints_inbox').on(t.inboxId, t.createdAt)],
)

/**
 * The transactional outbox (issue 17): a row per conversation whose log holds events no
 * webhook dispatch has fanned out yet, upserted in the same transaction as those events (one
 * primary-key row per conversation per commit, however many events). `fromSeq` is the first
 * event not fanned out, `seq` the newest one marked. The dispatcher deletes the row only while
 * `seq` is still what it covered, so a mark renewed meanwhile stays.
 */
export const webhookOutbox = sqliteTable('webhook_outbox', {
  conversationId: text('conversation_id')
    .primaryKey()
    .references(() => conversations.id),
  fromSeq: integer('from_seq').notNull(),
  seq: integer('seq').notNull(),
  markedAt: integer('marked_at').notNull(),
})

/**
 * One event for one endpoint: the delivery log. Keyed by (endpoint, event id), so fanning out
 * the same event twice (a dispatcher that lost its lease mid-way) stores it once. `body` is
 * kept only while it may still be sent; a redelivery builds it again from the log.
 */
export const webhookDeliveries = sqliteTable(
  'webhook_deliveries',
  {
    endpointId: text('endpoint_id')
      .notNull()
      .references(() => webhookEndpoints.id, { onDelete: 'cascade' }),
    eventId: text('event_id').notNull(),
    type: text('type').$type<WebhookEventType | 'ping' | 'rule.triggered'>().notNull(),
    /** Null for a test event. */
    conversationId: text('conversation_id'),
    /** The log row it reports (0 for a test event): deliveries of a conversation go in order. */
    seq: integer('seq').notNull(),
    status: text('status').$type<WebhookDeliveryStatus>().notNull(),
    body: text('body'),
    attempts: integer('attempts').notNull(),
    nextAttemptAt: integer('next_attempt_at'),
    createdAt: integer('created_at').notNull(),
    lastAttemptAt: integer('last_attempt_at'),
    deliveredAt: integer('delivered_at'),
    responseStatus: integer('response_status'),
    responseMs: integer('response_ms'),
    responseSnippet: text('response_snippet'),
    error: text('error'),
  },
  (t) => [
    primaryKey({ columns: [t.endpointId, t.eventId] }),
    // The delivery log, newest first.
    index('webhook_deliveries_log').on(t.endpointId, t.createdAt),
    // What is due, oldest first: pending rows only.
    index('webhook_deliveries_due')
      .on(t.nextAttemptAt)
      .where(sql`${t.status} = 'pending'`),
    // The head of each endpoint's queue for a conversation (they go in order), and erasure:
    // pending rows only (a delivered one keeps no body).
    index('webhook_deliveries_queue')
      .on(t.conversationId, t.endpointId, t.seq)
      .where(sql`${t.status} = 'pending'`),
  ],
)

/** Every table, by the name the repositories use for it. */
/**
 * API tokens (issue 17, I3): credentials for integrations, stored as the SHA-256 of the token
 * (the token itself is shown once). A token acts as `operator_id` with at most its rights,
 * narrowed by `scope` (read, write, admin). Revoked tokens stay as a record (`revoked_at`).
 */
export const apiTokens = sqliteTable(
  'api_tokens',
  {
    id: text('id').primaryKey(),
    tokenHash: text('token_hash').notNull(),
    /** The token's first characters (`pat_` and four more), to recognize it in the list. */
    prefix: text('prefix').notNull(),
    name: text('name').notNull(),
    scope: text('scope').$type<ApiTokenScope>().notNull(),
    operatorId: text('operator_id')
      .notNull()
      .references(() => operators.id),
    createdBy: text('created_by'),
    createdAt: integer('created_at').notNull(),
    lastUsedAt: integer('last_used_at'),
    expiresAt: integer('expires_at'),
    revokedAt: integer('revoked_at'),
  },
  (t) => [
    uniqueIndex('api_tokens_hash').on(t.tokenHash),
    index('api_tokens_created').on(t.createdAt, t.id),
  ],
)

/**
 * Password reset links (issue 17, I4): the SHA-256 of the token an e-mail carried, for one
 * operator, valid until `expires_at` and only once (`used_at`). A new request voids the older
 * links of the same operator.
 */
export const passwordResets = sqliteTable(
  'password_resets',
  {
    tokenHash: text('token_hash').primaryKey(),
    operatorId: text('operator_id')
      .notNull()
      .references(() => operators.id),
    createdAt: integer('created_at').notNull(),
    expiresAt: integer('expires_at').notNull(),
    usedAt: integer('used_at'),
  },
  (t) => [index('password_resets_operator').on(t.operatorId, t.createdAt)],
)

/**
 * How an operator is notified outside the panel (issue 17, I4): e-mail digests of what waits
 * for them while they are offline, and when the last one went.
 */
export const notificationPrefs = sqliteTable('notification_prefs', {
  operatorId: text('operator_id')
    .primaryKey()
    .references(() => operators.id),
  emailDigest: integer('email_digest', { mode: 'boolean' }).notNull(),
  digestSentAt: integer('digest_sent_at'),
  updatedAt: integer('updated_at').notNull(),
  /**
   * No Web Push in these hours (issue 20, server/push/quiet.ts) as JSON `{from, to, timeZone}`
   * ("22:00", "08:00", IANA); null: pushes at any hour.
   */
  quietHours: text('quiet_hours'),
})

/**
 * Keys the installation makes once and every node shares (issue 20: `vapid`, the Web Push
 * key pair as JSON). Written by whichever node needs one first; the others read it.
 */
export const serverKeys = sqliteTable('server_keys', {
  name: text('name').primaryKey(),
  value: text('value').notNull(),
  createdAt: integer('created_at').notNull(),
})

/**
 * Browsers an operator opted in to Web Push from (issue 20): the push service's endpoint (one
 * browser profile; it follows whoever signed in there last), its encryption keys and the
 * session it belongs to.
 */
export const pushSubscriptions = sqliteTable(
  'push_subscriptions',
  {
    id: text('id').primaryKey(),
    operatorId: text('operator_id')
      .notNull()
      .references(() => operators.id, { onDelete: 'cascade' }),
    endpoint: text('endpoint').notNull(),
    p256dh: text('p256dh').notNull(),
    auth: text('auth').notNull(),
    /**
     * The operator session (`operator_sessions.token_hash`) that registered it: once that
     * session ends (signed out, expired, revoked) nothing is pushed there and it is removed.
     */
    sessionHash: text('session_hash').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [
    uniqueIndex('push_subscriptions_endpoint_uq').on(t.endpoint),
    index('push_subscriptions_operator_idx').on(t.operatorId),
  ],
)

/**
 * Pushes to send (issue 20): one row per subscription and notification, tried again with
 * backoff until sent, refused for good or expired; removed once done.
 */
export const pushOutbox = sqliteTable(
  'push_outbox',
  {
    id: text('id').primaryKey(),
    subscriptionId: text('subscription_id')
      .notNull()
      .references(() => pushSubscriptions.id, { onDelete: 'cascade' }),
    payload: text('payload').notNull(),
    attempts: integer('attempts').notNull().default(0),
    nextAt: integer('next_at').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('push_outbox_next_idx').on(t.nextAt, t.id)],
)

/**
 * The Telegram channel's place in each bot's update stream (issue 17, I5): the next
 * `update_id` to ask for, written once an update is stored (a repeat is deduplicated by its
 * message's client id).
 */
export const telegramOffsets = sqliteTable('telegram_offsets', {
  endpointId: text('endpoint_id')
    .primaryKey()
    .references(() => webhookEndpoints.id, { onDelete: 'cascade' }),
  nextUpdateId: integer('next_update_id').notNull(),
  updatedAt: integer('updated_at').notNull(),
})

/**
 * Analytics (issue 19): conversations whose log holds events the analytics projection has not
 * counted yet. Inserted (or left as it is) in the same transaction as every log append, so a
 * committed event is never missed; the projector deletes a mark only once its conversation's
 * projection covers the whole log. `marked_at` is the time of the oldest uncounted append: the
 * figures are exact up to the oldest mark.
 */
export const analyticsMarks = sqliteTable('analytics_marks', {
  conversationId: text('conversation_id').primaryKey(),
  markedAt: integer('marked_at').notNull(),
})

/**
 * Analytics (issue 19): one row per conversation, its figures as folded from its log up to
 * `projected_seq` (server/analytics/fold.ts; the rules in docs/analytics.md). A projection:
 * rebuilt from the log by `parley analytics rebuild`, never written by the chat path. No
 * foreign keys, so a rebuild or a restore never depends on other tables' order.
 */
export const analyticsConversations = sqliteTable(
  'analytics_conversations',
  {
    conversationId: text('conversation_id').primaryKey(),
    inboxId: text('inbox_id').notNull(),
    /** The branch it is in now (a transfer moves it). */
    branchId: text('branch_id'),
    channel: text('channel').notNull(),
    country: text('country'),
    region: text('region'),
    createdAt: integer('created_at').notNull(),
    status: text('status').$type<ConversationStatus>().notNull(),
    assigneeId: text('assignee_id'),
    /** The log is counted up to this seq; a projection write applies only over this value. */
    projectedSeq: integer('projected_seq').notNull(),
    offline: integer('offline', { mode: 'boolean' }).notNull(),
    /** The visitor's first message. */
    firstMessageAt: integer('first_message_at'),
    /** The first operator message after it, its wall and working-hours delay, and its author. */
    firstResponseAt: integer('first_response_at'),
    firstResponseMs: integer('first_response_ms'),
    firstResponseBusinessMs: integer('first_response_business_ms'),
    firstResponderId: text('first_responder_id'),
    firstAssignedAt: integer('first_assigned_at'),
    firstAssigneeId: text('first_assignee_id'),
    firstResolvedAt: integer('first_resolved_at'),
    resolutionMs: integer('resolution_ms'),
    /** The assignee when it was first resolved (else who resolved it). */
    resolutionOperatorId: text('resolution_operator_id'),
    erasedAt: integer('erased_at'),
  },
  (t) => [
    // Each figure takes the conversations whose moment of it lies in the range, in the inboxes
    // the reader may see: `inbox_id in (...) and <moment> >= ? and <moment> < ?`, and reads
    // only the columns in its index (a year is 100 000 rows: read from the index alone).
    index('analytics_conversations_created_idx').on(
      t.inboxId,
      t.createdAt,
      t.offline,
      t.firstResponseAt,
      t.firstAssigneeId,
      t.branchId,
      t.channel,
      t.country,
      t.region,
    ),
    index('analytics_conversations_response_idx').on(
      t.inboxId,
      t.firstResponseAt,
      t.firstResponseMs,
      t.firstResponseBusinessMs,
      t.firstResponderId,
      t.branchId,
      t.channel,
      t.country,
      t.region,
    ),
    index('analytics_conversations_resolved_idx').on(
      t.inboxId,
      t.firstResolvedAt,
      t.resolutionMs,
      t.resolutionOperatorId,
      t.branchId,
      t.channel,
      t.country,
      t.region,
    ),
    index('analytics_conversations_assigned_idx').on(
      t.inboxId,
      t.firstAssignedAt,
      t.createdAt,
      t.firstAssigneeId,
      t.branchId,
      t.channel,
      t.country,
      t.region,
    ),
  ],
)

/**
 * Analytics (issue 19): one visitor rating of one resolution (a change replaces it). The
 * comment is emptied when the conversation's content is erased.
 */
export const analyticsRatings = sqliteTable(
  'analytics_ratings',
  {
    conversationId: text('conversation_id').notNull(),
    resolutionSeq: integer('resolution_seq').notNull(),
    inboxId: text('inbox_id').notNull(),
    branchId: text('branch_id'),
    channel: text('channel').notNull(),
    country: text('country'),
    region: text('region'),
    /** The assignee when it was rated (else who resolved it). */
    operatorId: text('operator_id'),
    scale: text('scale').$type<'stars' | 'thumbs' | 'nps'>().notNull(),
    /** null: the visitor declined to rate. */
    score: integer('score'),
    comment: text('comment'),
    /** When this resolution was first rated. */
    at: integer('at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.conversationId, t.resolutionSeq] }),
    // Ratings of a range: `inbox_id in (...) and at >= ? and at < ?`.
    index('analytics_ratings_at_idx').on(t.inboxId, t.at),
  ],
)

/**
 * Analytics (issue 19): the same counts as analytics_buckets, summed per single dimension
 * (`dim`: '' for the inbox as a whole, or branch, operator, channel, country, with its `key`)
 * per grain (0: 15 minutes, 1: hour; `bucket` counts grains since the epoch). A series or a
 * heatmap without filters or with one reads only its dimension's rows: a year is a few
 * thousand hours (whole-hour zones) or quarter hours.
 */
export const analyticsSeries = sqliteTable(
  'analytics_series',
  {
    inboxId: text('inbox_id').notNull(),
    dim: text('dim').notNull(),
    key: text('key').notNull(),
    grain: integer('grain').notNull(),
    bucket: integer('bucket').notNull(),
    metric: text('metric').notNull(),
    value: integer('value').notNull(),
  },
  // Every read: one dimension (and key) of some inboxes, one grain, a range of buckets.
  (t) => [primaryKey({ columns: [t.inboxId, t.dim, t.key, t.grain, t.bucket, t.metric] })],
)

/**
 * Analytics (issue 19): the counts per UTC day and per single dimension (as analytics_series),
 * for totals and breakdowns without filters: a range's whole days come from here (a year is
 * some 50 000 rows whatever the traffic), its ends from analytics_buckets.
 */
export const analyticsDays = sqliteTable(
  'analytics_days',
  {
    inboxId: text('inbox_id').notNull(),
    day: integer('day').notNull(),
    dim: text('dim').notNull(),
    key: text('key').notNull(),
    metric: text('metric').notNull(),
    value: integer('value').notNull(),
  },
  // Every read: the days of a range in some inboxes, every dimension.
  (t) => [primaryKey({ columns: [t.inboxId, t.day, t.dim, t.key, t.metric] })],
)

/**
 * Analytics (issue 19): how many load spans (analytics_load) are still going, per inbox, period
 * of their start (PERIOD_MS) and dimensions, moved with the spans in the same transaction: a
 * range's spans going on since before it are these sums for the whole periods before it plus
 * the few begun in its first period, not a scan of every open span.
 */
export const analyticsOpenLoads = sqliteTable(
  'analytics_open_loads',
  {
    inboxId: text('inbox_id').notNull(),
    period: integer('period').notNull(),
    operatorId: text('operator_id').notNull(),
    branchId: text('branch_id').notNull(),
    channel: text('channel').notNull(),
    country: text('country').notNull(),
    region: text('region').notNull(),
    count: integer('count').notNull(),
  },
  // Read: the periods before a range in some inboxes.
  (t) => [
    primaryKey({
      columns: [t.inboxId, t.period, t.operatorId, t.branchId, t.channel, t.country, t.region],
    }),
  ],
)

/**
 * Analytics (issue 19): a generation per inbox and period of PERIOD_MS (28 days; `period` =
 * floor(at / PERIOD_MS)) of the durations the figures rank (first response, resolution, wait
 * for an operator, at their moment). Every projector round that changes one of them moves its
 * period's generation in its own transaction; a cached period (analytics_period_cache) counts
 * only while its generation is the current one.
 */
export const analyticsPeriods = sqliteTable(
  'analytics_periods',
  {
    inboxId: text('inbox_id').notNull(),
    period: integer('period').notNull(),
    gen: integer('gen').notNull(),
  },
  // Read: the periods of a range in some inboxes; written: one row per period a round changes.
  (t) => [primaryKey({ columns: [t.inboxId, t.period] })],
)

/**
 * Analytics (issue 19): a period's durations of one moment (`kind`: response, resolved,
 * assigned) in one inbox, packed as columns (db/repos/analytics-periods.ts), written by
 * the first report that reads the period at generation `gen` and read instead of the period's
 * rows while `gen` is the period's current generation. Derived: deleting it loses nothing.
 */
export const analyticsPeriodCache = sqliteTable(
  'analytics_period_cache',
  {
    inboxId: text('inbox_id').notNull(),
    period: integer('period').notNull(),
    kind: text('kind').notNull(),
    gen: integer('gen').notNull(),
    data: blob('data', { mode: 'buffer' }).notNull(),
  },
  // Read: the periods of a range in some inboxes, one kind.
  (t) => [primaryKey({ columns: [t.inboxId, t.kind, t.period] })],
)

/**
 * Analytics (issue 19): the events a drill-down lists conversations by (a resolution, closing,
 * reopening, escalation, transfer), one row per event, written with its bucket counts.
 */
export const analyticsEvents = sqliteTable(
  'analytics_events',
  {
    conversationId: text('conversation_id').notNull(),
    seq: integer('seq').notNull(),
    inboxId: text('inbox_id').notNull(),
    kind: text('kind').notNull(),
    at: integer('at').notNull(),
    branchId: text('branch_id').notNull(),
    operatorId: text('operator_id').notNull(),
    channel: text('channel').notNull(),
    country: text('country').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.conversationId, t.seq] }),
    // A drill-down: `inbox_id in (...) and kind = ? and at >= ? and at < ?`, newest first.
    index('analytics_events_kind_idx').on(t.inboxId, t.kind, t.at),
  ],
)

/**
 * Analytics (issue 19): counts of what happened per 15 minutes (`bucket` = floor(ms / 900000),
 * a step every time zone's offset is a multiple of, so any zone's hours and days are sums of
 * whole buckets) and per dimension: inbox, branch, operator ('' for none), channel, country
 * ('' unknown), metric (docs/analytics.md). Each event adds to exactly one row per metric, in
 * the same transaction that moves its conversation's `projected_seq` past it.
 */
export const analyticsBuckets = sqliteTable(
  'analytics_buckets',
  {
    inboxId: text('inbox_id').notNull(),
    bucket: integer('bucket').notNull(),
    metric: text('metric').notNull(),
    branchId: text('branch_id').notNull(),
    operatorId: text('operator_id').notNull(),
    channel: text('channel').notNull(),
    country: text('country').notNull(),
    /** '' unknown; else the country code, '/', the region's name ("DE/Bayern"). */
    region: text('region').notNull(),
    value: integer('value').notNull(),
  },
  // Every read is a range of buckets in given inboxes: the key's order serves it.
  (t) => [
    primaryKey({
      columns: [
        t.inboxId,
        t.bucket,
        t.metric,
        t.branchId,
        t.operatorId,
        t.channel,
        t.country,
        t.region,
      ],
    }),
  ],
)

/**
 * Analytics (issue 19): each time a conversation was open and assigned to an operator, from the
 * event that made it so (`seq`) to the one that ended it (`until_at` null while it lasts); the
 * dimensions are the conversation's at the start. Operator load is how many overlap.
 */
export const analyticsLoad = sqliteTable(
  'analytics_load',
  {
    conversationId: text('conversation_id').notNull(),
    seq: integer('seq').notNull(),
    inboxId: text('inbox_id').notNull(),
    operatorId: text('operator_id').notNull(),
    branchId: text('branch_id').notNull(),
    channel: text('channel').notNull(),
    country: text('country').notNull(),
    region: text('region').notNull(),
    fromAt: integer('from_at').notNull(),
    untilAt: integer('until_at'),
  },
  (t) => [
    primaryKey({ columns: [t.conversationId, t.seq] }),
    // A range [from, to): `until_at > from and from_at < to`, and `until_at is null and
    // from_at < to` for those still going; covering, so the read never touches the table.
    index('analytics_load_until_idx').on(
      t.untilAt,
      t.fromAt,
      t.inboxId,
      t.operatorId,
      t.branchId,
      t.channel,
      t.country,
      t.region,
    ),
  ],
)

/**
 * Analytics (issue 19): each time an operator was connected in one status (online, away, busy)
 * from `at`, known to have lasted until `until_at` (moved on by the operator's actor every
 * minute while it lasts, and set when it ends). A node that dies leaves the last confirmation.
 */
export const analyticsPresence = sqliteTable(
  'analytics_presence',
  {
    operatorId: text('operator_id').notNull(),
    at: integer('at').notNull(),
    status: text('status').notNull(),
    untilAt: integer('until_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.operatorId, t.at] }),
    // A range [from, to): `until_at > from and at < to`; covering.
    index('analytics_presence_until_idx').on(t.untilAt, t.at, t.operatorId, t.status),
  ],
)

/**
 * Help-center categories (issue 21, protocol/help.ts): a portal's (an inbox's, or every inbox's
 * when `inbox_id` is null), with a name and a description per language and an order.
 */
export const helpCategories = sqliteTable(
  'help_categories',
  {
    id: text('id').primaryKey(),
    inboxId: text('inbox_id').references(() => inboxes.id, { onDelete: 'cascade' }),
    slug: text('slug').notNull(),
    names: text('names', { mode: 'json' }).$type<Partial<Record<HelpLanguage, string>>>().notNull(),
    descriptions: text('descriptions', { mode: 'json' })
      .$type<Partial<Record<HelpLanguage, string>>>()
      .notNull(),
    position: integer('position').notNull(),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  // Slugs are unique across portals: a category page's address names one.
  (t) => [uniqueIndex('help_categories_slug_uq').on(t.slug)],
)

/**
 * Help-center articles (issue 21): one language's text each; translations share `group_id`.
 * `title_terms` and `body_terms` are the stems of the title and of the body's plain text
 * (server/help/analyze.ts), what the search indexes read (see the help migrations); stemming is
 * done here, once, the same for both dialects, so both find the same articles.
 */
export const helpArticles = sqliteTable(
  'help_articles',
  {
    id: text('id').primaryKey(),
    groupId: text('group_id').notNull(),
    inboxId: text('inbox_id').references(() => inboxes.id, { onDelete: 'cascade' }),
    categoryId: text('category_id').references(() => helpCategories.id, { onDelete: 'set null' }),
    language: text('language').$type<HelpLanguage>().notNull(),
    slug: text('slug').notNull(),
    title: text('title').notNull(),
    body: text('body').notNull(),
    status: text('status').$type<ArticleStatus>().notNull(),
    authorId: text('author_id').references(() => operators.id, { onDelete: 'set null' }),
    updatedBy: text('updated_by').references(() => operators.id, { onDelete: 'set null' }),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
    publishedAt: integer('published_at'),
    revision: integer('revision').notNull(),
    views: integer('views').notNull().default(0),
    helpful: integer('helpful').notNull().default(0),
    notHelpful: integer('not_helpful').notNull().default(0),
    titleTerms: text('title_terms').notNull(),
    bodyTerms: text('body_terms').notNull(),
  },
  (t) => [
    // One translation per language of an article.
    uniqueIndex('help_articles_group_language_uq').on(t.groupId, t.language),
    // A portal's articles of one language and status, newest first (the panel's list, the
    // public home and the search's vocabulary).
    index('help_articles_portal_idx').on(t.inboxId, t.language, t.status, t.updatedAt),
    // A category's articles (its page; a deleted category's articles lose it).
    index('help_articles_category_idx').on(t.categoryId),
  ],
)

/**
 * Every slug an article has had, per language: the current one, and former ones that redirect
 * to it. The key keeps a slug to one article, current or former, so an old link never changes
 * what it points at; an article may take back a former slug of its own.
 */
export const helpSlugs = sqliteTable(
  'help_slugs',
  {
    language: text('language').$type<HelpLanguage>().notNull(),
    slug: text('slug').notNull(),
    articleId: text('article_id')
      .notNull()
      .references(() => helpArticles.id, { onDelete: 'cascade' }),
    current: integer('current', { mode: 'boolean' }).notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.language, t.slug] }),
    index('help_slugs_article_idx').on(t.articleId),
  ],
)

/** An article's saved states (issue 21): its history, and what a restore copies. */
export const helpRevisions = sqliteTable(
  'help_revisions',
  {
    articleId: text('article_id')
      .notNull()
      .references(() => helpArticles.id, { onDelete: 'cascade' }),
    revision: integer('revision').notNull(),
    title: text('title').notNull(),
    body: text('body').notNull(),
    slug: text('slug').notNull(),
    categoryId: text('category_id'),
    status: text('status').$type<ArticleStatus>().notNull(),
    authorId: text('author_id').references(() => operators.id, { onDelete: 'set null' }),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.articleId, t.revision] })],
)

/**
 * Readers' feedback on articles (issue 21): helpful or not, with an optional comment. The
 * article index reads an article's recent votes (ranking by recent helpfulness).
 */
export const helpFeedback = sqliteTable(
  'help_feedback',
  {
    id: text('id').primaryKey(),
    articleId: text('article_id')
      .notNull()
      .references(() => helpArticles.id, { onDelete: 'cascade' }),
    helpful: integer('helpful', { mode: 'boolean' }).notNull(),
    comment: text('comment'),
    visitorId: text('visitor_id').references(() => visitors.id, { onDelete: 'cascade' }),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('help_feedback_article_idx').on(t.articleId, t.createdAt)],
)

/**
 * What readers did in the help center (issue 21): article views and searches (with the number
 * of results), per portal, with the visitor when the widget knows them, for the figures: views,
 * searches without results, and deflection (help used, no conversation after).
 */
export const helpEvents = sqliteTable(
  'help_events',
  {
    id: text('id').primaryKey(),
    kind: text('kind').$type<'view' | 'search'>().notNull(),
    inboxId: text('inbox_id').references(() => inboxes.id, { onDelete: 'cascade' }),
    articleId: text('article_id').references(() => helpArticles.id, { onDelete: 'cascade' }),
    visitorId: text('visitor_id').references(() => visitors.id, { onDelete: 'cascade' }),
    language: text('language').$type<HelpLanguage>().notNull(),
    query: text('query'),
    results: integer('results'),
    at: integer('at').notNull(),
  },
  (t) => [
    // A period's events of a portal (the figures), and a visitor's (deflection, erasure).
    index('help_events_portal_idx').on(t.inboxId, t.kind, t.at),
    index('help_events_visitor_idx').on(t.visitorId, t.at),
  ],
)

/**
 * Images of a portal's articles (issue 21): their bytes live in the attachments' storage under
 * `help-images/..`. `used_at` is set when a saved article first shows one; one never used a day
 * after its upload is removed (an upload the author abandoned), one used once is kept (a
 * revision may show it again).
 */
export const helpImages = sqliteTable(
  'help_images',
  {
    id: text('id').primaryKey(),
    inboxId: text('inbox_id').references(() => inboxes.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    contentType: text('content_type').notNull(),
    size: integer('size').notNull(),
    width: integer('width'),
    height: integer('height'),
    sha256: text('sha256').notNull(),
    createdBy: text('created_by').references(() => operators.id, { onDelete: 'set null' }),
    createdAt: integer('created_at').notNull(),
    usedAt: integer('used_at'),
  },
  // The cleanup's scan: never used, uploaded before a cut-off.
  (t) => [index('help_images_unused_idx').on(t.usedAt, t.createdAt)],
)

export const tables = {
  inboxes,
  operators,
  inboxMembers,
  branches,
  branchMembers,
  operatorSessions,
  visitors,
  conversations,
  readStates,
  events,
  pendingProjections,
  attachments,
  cannedReplies,
  labels,
  attributeDefinitions,
  slaPolicies,
  campaigns,
  campaignViews,
  serverKeys,
  pushSubscriptions,
  pushOutbox,
  macros,
  rules,
  ruleMarks,
  ruleRuns,
  conversationFollowers,
  noteMentions,
  auditLog,
  webhookEndpoints,
  webhookOutbox,
  webhookDeliveries,
  apiTokens,
  passwordResets,
  notificationPrefs,
  telegramOffsets,
  analyticsMarks,
  analyticsConversations,
  analyticsRatings,
  analyticsBuckets,
  analyticsEvents,
  analyticsSeries,
  analyticsDays,
  analyticsLoad,
  analyticsPresence,
  analyticsPeriods,
  analyticsPeriodCache,
  analyticsOpenLoads,
  helpCategories,
  helpArticles,
  helpSlugs,
  helpRevisions,
  helpFeedback,
  helpEvents,
  helpImages,
}
