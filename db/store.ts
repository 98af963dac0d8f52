/** Assembles the repositories over a dialect into the `Store` the server wires. */
import type { ConversationWrite, Store } from '../actors/ports.ts'
import { ParleyError } from '../protocol/index.ts'
import { GroupCommitter } from './group-commit.ts'
import { HealthTracker } from './health.ts'
import { SqlOperatorStore, SqlSessionStore } from './repos/accounts.ts'
import { asConflict } from './repos/conflicts.ts'
import { SqlAttachmentStore } from './repos/attachments.ts'
import { SqlBranchStore } from './repos/branches.ts'
import { SqlAuditStore } from './repos/audit.ts'
import { SqlCannedReplyStore } from './repos/canned.ts'
import { SqlLabelStore } from './repos/labels.ts'
import { SqlAttributeStore } from './repos/attributes.ts'
import { SqlCampaignStore } from './repos/campaigns.ts'
import { SqlHelpStore } from './repos/help.ts'
import { SqlSlaStore } from './repos/sla.ts'
import { SqlPushStore } from './repos/push.ts'
import { SqlMacroStore } from './repos/macros.ts'
import { SqlRuleStore } from './repos/rules.ts'
import { SqlFollowerStore } from './repos/followers.ts'
import { SqlConversationStore } from './repos/conversations.ts'
import { SqlInboxStore, SqlVisitorStore } from './repos/directory.ts'
import { SqlConversationQueries } from './repos/queries.ts'
import { SqlSearchQueries } from './repos/search.ts'
import { SqlWebhookStore } from './repos/webhooks.ts'
import { SqlApiTokenStore } from './repos/api-tokens.ts'
import { SqlPasswordResetStore } from './repos/password-resets.ts'
import { SqlNotificationPrefsStore } from './repos/notification-prefs.ts'
import { SqlTelegramOffsetStore } from './repos/telegram-offsets.ts'
import { SqlAnalyticsStore } from './repos/analytics.ts'
import { ConversationWriter, projectionWrite, type PlannedWrite } from './repos/writes.ts'
import type { Projection } from './repos/patches.ts'
import type { SqlDialect } from './sql/dialect.ts'
import { field, selectFields, type Params } from './sql/statements.ts'
import type { TableName } from './sql/tables.ts'
import { WriteBehind } from './write-behind.ts'

export interface StoreOptions {
  /** An operation running longer than this makes the store not ready. Default 2000. */
  stallMs?: number
  /**
   * Commits a batch of conversation writes somewhere else than on this dialect's connection
   * (the SQLite writer thread), in one durable transaction; its errors classify like the
   * dialect's. `close` runs after the last batch. Default: a transaction on the dialect.
   */
  writer?: {
    commit(units: readonly PlannedWrite[]): Promise<void>
    /**
     * Inserts plain rows of one table in one durable transaction there too: the store sends it
     * the inserts whose rows JSON carries unchanged and that need no SQL of their own (no
     * conflict update, no derived column). Without it every insert runs on the dialect.
     */
    insert?(table: TableName, doNothing: boolean, rows: readonly Params[]): Promise<void>
    close(): Promise<void>
  }
  /**
   * Longest a conversation summary is written behind its log, in ms (db/write-behind.ts);
   * 0 writes it with every append. Default 1000.
   */
  summaryFlushMs?: number
  /**
   * How often summaries left behind by a crashed process (of this node or another) are rebuilt
   * from the log, in ms; 0 never (only `repairSummaries`). Default 30000.
   */
  repairEveryMs?: number
}

/** Default of StoreOptions.summaryFlushMs. */
export const SUMMARY_FLUSH_MS = 1000

export function createStore(raw: SqlDialect, options: StoreOptions = {}): Store {
  const health = new HealthTracker({ stallMs: options.stallMs ?? 2000 })
  const db = guarded(withOffloadedInserts(raw, options.writer), health)
  const writer = new ConversationWriter(db)
  const offloaded = options.writer
  const commitBatch = offloaded
    ? (units: readonly PlannedWrite[]) => guard(raw, health, true, () => offloaded.commit(units))
    : (units: readonly PlannedWrite[]) => db.transaction(writer.batch(units))
  // A unit is a planned write: validated before it joins a batch, so only a write that
  // conflicts with stored data (or a fenced one) can fail a batch.
  const committer = new GroupCommitter<PlannedWrite>(
    async (units) => {
      try {
        await commitBatch(units)
      } catch (error) {
        // A duplicate seq or client message id is a conflict the actor can act on, not a crash.
        throw asConflict(db, error, 'write conflicts with stored data')
      }
    },
    // The database, not one write, failed: every write of the batch gets the retryable error
    // now; retrying them one by one would only wait out the same fault once per write.
    { failsBatch: (error) => error instanceof DatabaseUnavailable },
  )
  const summaries = new WriteBehind((unit) => committer.submit(unit), {
    flushMs: options.summaryFlushMs ?? SUMMARY_FLUSH_MS,
  })
  const conversations = new SqlConversationStore(db, (write: ConversationWrite) =>
    summaries.write(write),
  )
  const pp = db.tables.pendingProjections
  const marks = selectFields(
    { id: field(pp.conversationId), markedAt: field(pp.markedAt) },
    'pendingProjections',
  )
  /** Rebuilds the summaries marked behind (before `olderThan`, ms) from the log. */
  const repairSummaries = async (olderThan = Infinity): Promise<number> => {
    const stale = (await db.all(marks)).filter((m) => m.markedAt < olderThan)
    if (stale.length === 0) return 0
    const projections: Projection[] = []
    const settles: string[] = []
    // A crashed process's appends were never marked for analytics (the flush would have).
    const analytics: Array<{ conversationId: string; markedAt: number }> = []
    for (const { id, markedAt } of stale) {
      const loaded = await conversations.loadConversation(id)
      if (!loaded) continue
      const { lastSeq, lastMessageAt, hasUnansweredIncoming, waitingSince, updatedAt } =
        loaded.conversation
      projections.push({
        id,
        lastSeq,
        lastMessageAt,
        hasUnansweredIncoming,
        waitingSince,
        updatedAt,
      })
      settles.push(id)
      analytics.push({ conversationId: id, markedAt })
    }
    await committer.submit(projectionWrite(projections, settles, analytics))
    return projections.length
  }
  const repairEveryMs = options.repairEveryMs ?? 30_000
  const repairTimer =
    repairEveryMs > 0
      ? setInterval(() => {
          // Marks older than a repair period belong to no live flush: a crashed node's.
          void repairSummaries(Date.now() - repairEveryMs).catch(() => {})
        }, repairEveryMs)
      : null
  repairTimer?.unref()
  let closing: Promise<void> | null = null

  return {
    conversations,
    queries: new SqlConversationQueries(db),
    search: new SqlSearchQueries(db),
    operators: new SqlOperatorStore(db),
    sessions: new SqlSessionStore(db),
    inboxes: new SqlInboxStore(db),
    visitors: new SqlVisitorStore(db),
    attachments: new SqlAttachmentStore(db),
    branches: new SqlBranchStore(db),
    cannedReplies: new SqlCannedReplyStore(db),
    labels: new SqlLabelStore(db),
    attributes: new SqlAttributeStore(db),
    slaPolicies: new SqlSlaStore(db),
    campaigns: new SqlCampaignStore(db),
    push: new SqlPushStore(db),
    macros: new SqlMacroStore(db),
    rules: new SqlRuleStore(db),
    followers: new SqlFollowerStore(db),
    audit: new SqlAuditStore(db),
    webhooks: new SqlWebhookStore(db, (unit) => committer.submit(unit)),
    apiTokens: new SqlApiTokenStore(db),
    passwordResets: new SqlPasswordResetStore(db),
    notificationPrefs: new SqlNotificationPrefsStore(db),
    telegramOffsets: new SqlTelegramOffsetStore(db),
    analytics: new SqlAnalyticsStore(db, (unit) => committer.submit(unit)),
    help: new SqlHelpStore(db),
    ping: () => db.ping(),
    health: () => health.status(),
    probe: () => db.probe(),
    absorb: (error) => raw.absorb(error),
    stats() {
      return { ...committer.stats(), summariesHeld: summaries.held }
    },
    repairSummaries: () => repairSummaries(),
    flushSummaries: () => summaries.settle(),
    close() {
      if (repairTimer) clearInterval(repairTimer)
      closing ??= summaries
        .close()
        .catch(() => {})
        .then(() => committer.close())
        .then(() => offloaded?.close())
        .then(() => db.close())
      return closing
    },
  }
}

/**
 * The database could not take an operation (unreachable, failing, past its deadline): the
 * retryable `unavailable` the caller sees, as opposed to a refusal of one write (the fence).
 */
class DatabaseUnavailable extends ParleyError {
  constructor(cause: unknown) {
    super('unavailable', 'the database is not available; retry shortly', {
      retryAfterMs: 1000,
      cause,
    })
  }
}

/**
 * The dialect as the repositories see it: every operation counted in flight for the stall
 * check, and every failure that means "the database cannot take this now" turned into the
 * retryable `unavailable` (the cause kept for the logs) and recorded as a store failure.
 * Committed writes and probes end a failure.
 */
function guarded(db: SqlDialect, health: HealthTracker): SqlDialect {
  const run = <T>(writes: boolean, op: () => Promise<T>): Promise<T> =>
    guard(db, health, writes, op)
  return {
    name: db.name,
    tables: db.tables,
    all: (query, params) => run(false, () => db.all(query, params)),
    insert: (insert, rows) => run(true, () => db.insert(insert, rows)),
    transaction: (steps) => run(true, () => db.transaction(steps)),
    classify: (error) => db.classify(error),
    ping: () => run(false, () => db.ping()),
    probe: () => run(true, () => db.probe()),
    absorb: (error) => db.absorb(error),
    ...(db.flushSearch ? { flushSearch: db.flushSearch.bind(db) } : {}),
    close: () => db.close(),
  }
}

/**
 * The dialect with its plain inserts (a new visitor, a session, an audit entry) committed by
 * the writer, when there is one: on SQLite's main connection each is a transaction and its
 * fsync on the event loop, which every socket waits out. Anything else runs on the dialect.
 */
function withOffloadedInserts(db: SqlDialect, writer: StoreOptions['writer']): SqlDialect {
  const insertRows = writer?.insert?.bind(writer)
  if (!insertRows) return db
  return {
    ...db,
    insert(insert, rows) {
      const conflict = insert.onConflict
      const plain =
        insert.derived === undefined &&
        (conflict === undefined || 'doNothing' in conflict) &&
        rows.every((row) => carriesAsJson(row as Params))
      return plain
        ? insertRows(insert.into, conflict !== undefined, rows as readonly Params[])
        : db.insert(insert, rows)
    },
  }
}

/**
 * True when JSON carries the row's values unchanged: strings, finite numbers, booleans, null,
 * and plain objects or arrays (JSON columns, which the dialect turns into JSON text anyway).
 * A byte array, a bigint, a Date or an undefined value keeps its insert on the dialect.
 */
function carriesAsJson(row: Params): boolean {
  for (const value of Object.values(row)) {
    if (value === null || typeof value === 'string' || typeof value === 'boolean') continue
    if (typeof value === 'number' && Number.isFinite(value)) continue
    if (
      typeof value === 'object' &&
      (Array.isArray(value) || Object.getPrototypeOf(value) === Object.prototype)
    )
      continue
    return false
  }
  return true
}

/** One store operation, counted and classified as `guarded` describes. */
async function guard<T>(
  db: SqlDialect,
  health: HealthTracker,
  writes: boolean,
  op: () => Promise<T>,
): Promise<T> {
  const end = health.begin()
  try {
    const value = await op()
    if (writes) health.wrote()
    return value
  } catch (error) {
    if (db.classify(error) !== 'unavailable') throw error
    const reason = error instanceof Error ? error.message : String(error)
    health.failed(reason)
    throw new DatabaseUnavailable(error)
  } finally {
    end()
  }
}
