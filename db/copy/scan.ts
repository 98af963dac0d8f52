/**
 * Reading and fingerprinting whole tables, the same way on every dialect: pages in primary-key
 * order (keyset, so each page is an index range), and a checksum over the rows as the store
 * reads them back, independent of row order so that dialects sorting text differently agree.
 */
import { createHash } from 'node:crypto'
import { asc, count, getTableColumns, sql, type Column, type SQL } from 'drizzle-orm'
import type { SqlDialect } from '../sql/dialect.ts'
import { selectFields, selectRows } from '../sql/statements.ts'
import type { Rows, TableName } from '../sql/tables.ts'

/** Each table's primary key, by property name, in key order. */
export const PRIMARY_KEYS: { [K in TableName]: (keyof Rows[K] & string)[] } = {
  inboxes: ['id'],
  operators: ['id'],
  inboxMembers: ['inboxId', 'operatorId'],
  branches: ['id'],
  branchMembers: ['branchId', 'operatorId'],
  operatorSessions: ['tokenHash'],
  visitors: ['id'],
  conversations: ['id'],
  readStates: ['conversationId', 'readerKind', 'readerId'],
  events: ['convNo', 'seq'],
  pendingProjections: ['conversationId'],
  attachments: ['id'],
  cannedReplies: ['id'],
  labels: ['id'],
  attributeDefinitions: ['id'],
  slaPolicies: ['id'],
  campaigns: ['id'],
  campaignViews: ['campaignId', 'visitorId'],
  serverKeys: ['name'],
  pushSubscriptions: ['id'],
  pushOutbox: ['id'],
  macros: ['id'],
  rules: ['id'],
  ruleMarks: ['conversationId'],
  ruleRuns: ['conversationId', 'trigger', 'ruleId'],
  conversationFollowers: ['conversationId', 'operatorId'],
  noteMentions: ['operatorId', 'conversationId', 'seq'],
  auditLog: ['id'],
  webhookEndpoints: ['id'],
  webhookOutbox: ['conversationId'],
  webhookDeliveries: ['endpointId', 'eventId'],
  apiTokens: ['id'],
  passwordResets: ['tokenHash'],
  notificationPrefs: ['operatorId'],
  telegramOffsets: ['endpointId'],
  analyticsMarks: ['conversationId'],
  analyticsConversations: ['conversationId'],
  analyticsRatings: ['conversationId', 'resolutionSeq'],
  analyticsBuckets: [
    'inboxId',
    'bucket',
    'metric',
    'branchId',
    'operatorId',
    'channel',
    'country',
    'region',
  ],
  analyticsEvents: ['conversationId', 'seq'],
  analyticsSeries: ['inboxId', 'dim', 'key', 'grain', 'bucket', 'metric'],
  analyticsDays: ['inboxId', 'day', 'dim', 'key', 'metric'],
  analyticsLoad: ['conversationId', 'seq'],
  analyticsPresence: ['operatorId', 'at'],
  analyticsPeriods: ['inboxId', 'period'],
  analyticsPeriodCache: ['inboxId', 'kind', 'period'],
  analyticsOpenLoads: [
    'inboxId',
    'period',
    'operatorId',
    'branchId',
    'channel',
    'country',
    'region',
  ],
  helpCategories: ['id'],
  helpArticles: ['id'],
  helpSlugs: ['language', 'slug'],
  helpRevisions: ['articleId', 'revision'],
  helpFeedback: ['id'],
  helpEvents: ['id'],
  helpImages: ['id'],
}

export async function countRows(db: SqlDialect, table: TableName): Promise<number> {
  const [row] = await db.all(selectFields({ n: count() }, table))
  return row?.n ?? 0
}

function columnOf(db: SqlDialect, table: TableName, key: string): Column {
  const columns: Record<string, Column> = getTableColumns(db.tables[table])
  const column = columns[key]
  if (!column) throw new Error(`no column ${key} in ${table}`)
  return column
}

/** The table's rows in primary-key order, `batchSize` at a time. */
export async function* scanTable<K extends TableName>(
  db: SqlDialect,
  table: K,
  batchSize: number,
): AsyncGenerator<Rows[K][]> {
  const keys = PRIMARY_KEYS[table]
  const columns: SQL[] = keys.map((key) => sql`${columnOf(db, table, key)}`)
  let after: Rows[K] | undefined
  for (;;) {
    const position = after
    const page = await db.all(
      selectRows(table, {
        // A row-value comparison: SQLite and Postgres both seek the primary key index with it.
        where: position
          ? sql`(${sql.join(columns, sql`, `)}) > (${sql.join(
              keys.map((key) => sql`${position[key]}`),
              sql`, `,
            )})`
          : undefined,
        orderBy: columns.map((column) => asc(column)),
        limit: batchSize,
      }),
    )
    if (page.length === 0) return
    yield page
    after = page[page.length - 1]
    if (page.length < batchSize) return
  }
}

/** JSON with object keys sorted at every level: one text per value, whatever the key order. */
function canonical(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null'
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`
  const entries = Object.entries(value)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`
}

const MOD = 1n << 128n

/** Row count and checksum: the sum of each row's SHA-256 (first 128 bits), modulo 2^128. */
export async function fingerprint(
  db: SqlDialect,
  table: TableName,
  batchSize = 1000,
): Promise<{ rows: number; checksum: string }> {
  let rows = 0
  let sum = 0n
  for await (const page of scanTable(db, table, batchSize)) {
    for (const row of page) {
      const digest = createHash('sha256').update(canonical(row)).digest('hex')
      sum = (sum + BigInt(`0x${digest.slice(0, 32)}`)) % MOD
      rows++
    }
  }
  return { rows, checksum: sum.toString(16).padStart(32, '0') }
}
