/**
 * The tables as the shared repositories see them: either dialect's table objects (for column
 * references in conditions) and one row type per table. The row types come from the SQLite
 * schema; the check below fails to compile when the Postgres schema infers anything else.
 */
import type { tables as postgresTables } from '../postgres/schema.ts'
import type { tables as sqliteTables } from '../sqlite/schema.ts'

/** Either dialect's tables; a condition built from these columns renders in both. */
export type Tables = typeof sqliteTables | typeof postgresTables

export type TableName = keyof typeof sqliteTables

/** One row of each table, exactly as both dialects read and write it. */
export type Rows = { [K in TableName]: (typeof sqliteTables)[K]['$inferSelect'] }

/**
 * Columns the store assigns when the product inserts a row (an insert's `derived` SQL): a
 * conversation's number, and the log's copy of it. Every other column comes from the row.
 */
export type StoreAssigned = { conversations: 'no'; events: 'convNo' }

/** A row as the product inserts it: without the columns the store assigns. */
export type NewRow<K extends TableName> = K extends keyof StoreAssigned
  ? Omit<Rows[K], StoreAssigned[K]>
  : Rows[K]

type PostgresRows = { [K in TableName]: (typeof postgresTables)[K]['$inferSelect'] }

/** True only when A and B are the same type (not merely assignable one way). */
type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false

/** A table whose Postgres row differs from its SQLite row turns one of these `true`s into an error. */
export const rowParity: { [K in TableName]: Same<Rows[K], PostgresRows[K]> } = {
  inboxes: true,
  operators: true,
  inboxMembers: true,
  branches: true,
  branchMembers: true,
  operatorSessions: true,
  visitors: true,
  conversations: true,
  readStates: true,
  events: true,
  pendingProjections: true,
  attachments: true,
  cannedReplies: true,
  labels: true,
  attributeDefinitions: true,
  slaPolicies: true,
  campaigns: true,
  campaignViews: true,
  serverKeys: true,
  pushSubscriptions: true,
  pushOutbox: true,
  macros: true,
  rules: true,
  ruleMarks: true,
  ruleRuns: true,
  conversationFollowers: true,
  noteMentions: true,
  auditLog: true,
  webhookEndpoints: true,
  webhookOutbox: true,
  webhookDeliveries: true,
  apiTokens: true,
  passwordResets: true,
  notificationPrefs: true,
  telegramOffsets: true,
  analyticsMarks: true,
  analyticsConversations: true,
  analyticsRatings: true,
  analyticsBuckets: true,
  analyticsEvents: true,
  analyticsSeries: true,
  analyticsDays: true,
  analyticsLoad: true,
  analyticsPresence: true,
  analyticsPeriods: true,
  analyticsPeriodCache: true,
  analyticsOpenLoads: true,
  helpCategories: true,
  helpArticles: true,
  helpSlugs: true,
  helpRevisions: true,
  helpFeedback: true,
  helpEvents: true,
  helpImages: true,
}

/** Table names in an order that satisfies every foreign key (parents first). */
export const TABLES_IN_DEPENDENCY_ORDER: readonly TableName[] = [
  'inboxes',
  'operators',
  'inboxMembers',
  'branches',
  'branchMembers',
  'operatorSessions',
  'visitors',
  'conversations',
  'readStates',
  'events',
  'pendingProjections',
  'attachments',
  'cannedReplies',
  'labels',
  'attributeDefinitions',
  'slaPolicies',
  'campaigns',
  'campaignViews',
  'serverKeys',
  'pushSubscriptions',
  'pushOutbox',
  'macros',
  'rules',
  'ruleMarks',
  'ruleRuns',
  'conversationFollowers',
  'noteMentions',
  'auditLog',
  'webhookEndpoints',
  'webhookOutbox',
  'webhookDeliveries',
  'apiTokens',
  'passwordResets',
  'notificationPrefs',
  'telegramOffsets',
  'analyticsMarks',
  'analyticsConversations',
  'analyticsRatings',
  'analyticsBuckets',
  'analyticsEvents',
  'analyticsSeries',
  'analyticsDays',
  'analyticsLoad',
  'analyticsPresence',
  'analyticsPeriods',
  'analyticsPeriodCache',
  'analyticsOpenLoads',
  'helpCategories',
  'helpArticles',
  'helpSlugs',
  'helpRevisions',
  'helpFeedback',
  'helpEvents',
  'helpImages',
]
