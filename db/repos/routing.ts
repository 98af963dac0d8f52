/**
 * Routing and badge queries for the inbox and operator actors: load per assignee, the queue
 * of unassigned conversations, pending escalations and unread counts. Each is one statement
 * served by an index (see the schemas and the query-plan tests in tests/db/sqlite.test.ts and
 * tests/db/specs/postgres-schema.ts).
 */
import {
  and,
  asc,
  count,
  desc,
  eq,
  gt,
  gte,
  inArray,
  isNotNull,
  isNull,
  lt,
  lte,
  or,
  sql,
  type SQLWrapper,
} from 'drizzle-orm'
import type { ConversationQueries } from '../../actors/ports.ts'
import type { SqlDialect } from '../sql/dialect.ts'
import { field, param, selectFields } from '../sql/statements.ts'
import type { Tables } from '../sql/tables.ts'
import { STATUS_RANK, logSummarySql, waitingSql } from './rows.ts'
import { conversationNo } from './log-key.ts'

export type RoutingQueries = Pick<
  ConversationQueries,
  | 'openCountsByAssignee'
  | 'queuedConversations'
  | 'queueAhead'
  | 'branchQueues'
  | 'pendingEscalations'
  | 'pendingSnoozes'
  | 'pendingSlaDeadlines'
  | 'waitingConversations'
  | 'recentFirstResponses'
  | 'operatorBadges'
  | 'countVisitorMessagesAfter'
>

type Badge = Awaited<ReturnType<ConversationQueries['operatorBadges']>>[number]

/**
 * Visitor messages of the conversation numbered `conversationNo` (SQL: a lookup by id, or the
 * outer query's column) that are not deleted and come after `afterSeq`: a range of the log's
 * primary key (conv_no, seq), the unread tail only, filtered on its rows.
 */
function unreadCondition(
  e: Tables['events'],
  conversationNo: SQLWrapper,
  afterSeq: SQLWrapper,
  upToSeq?: SQLWrapper,
) {
  return and(
    eq(e.convNo, conversationNo),
    gt(e.seq, afterSeq),
    upToSeq ? lte(e.seq, upToSeq) : undefined,
    eq(e.name, 'message.created'),
    eq(e.authorKind, 'visitor'),
    isNull(e.deletedAt),
  )
}

export class SqlRoutingQueries implements RoutingQueries {
  readonly #openCounts
  readonly #queued
  readonly #snoozes
  readonly #slaDeadlines
  readonly #ahead
  readonly #branchQueues
  readonly #escalations
  readonly #waiting
  readonly #firstResponses
  readonly #visitorMessagesAfter
  readonly #badges
  readonly #badge

  constructor(private readonly db: SqlDialect) {
    const { conversations: c, events: e, readStates: rs } = db.tables
    const inbox = param('inboxId')
    const open = eq(c.statusRank, STATUS_RANK.open)
    this.#openCounts = selectFields(
      { assigneeId: field(c.assigneeId), n: count() },
      'conversations',
      {
        where: and(eq(c.inboxId, inbox), open, isNotNull(c.assigneeId)),
        groupBy: [field(c.assigneeId)],
      },
    )
    this.#queued = selectFields(
      { id: field(c.id), createdAt: field(c.createdAt) },
      'conversations',
      {
        // The partial index conversations_queue_idx: this branch's waiting rows, most urgent
        // first (issue 20), then oldest.
        where: and(
          eq(c.branchId, param('branchId')),
          open,
          isNull(c.assigneeId),
          eq(c.inboxId, inbox),
        ),
        orderBy: [asc(c.priority), asc(c.createdAt), asc(c.id)],
        limit: param('limit'),
      },
    )
    // The partial queue index again: this branch's waiting rows ahead of the given one (more
    // urgent, or as urgent and older).
    this.#ahead = selectFields({ n: count() }, 'conversations', {
      where: and(
        eq(c.branchId, param('branchId')),
        open,
        isNull(c.assigneeId),
        eq(c.inboxId, inbox),
        or(
          lt(c.priority, param('priority')),
          and(
            eq(c.priority, param('priority')),
            or(
              lt(c.createdAt, param('createdAt')),
              and(eq(c.createdAt, param('createdAt')), lt(c.id, param('id'))),
            ),
          ),
        ),
      ),
    })
    // The inbox's open rows (conversations_routing_idx range), one group per branch.
    const unassigned = isNull(c.assigneeId)
    const orNull = (v: unknown) => (v === null ? null : Number(v))
    this.#branchQueues = selectFields(
      {
        branchId: field(c.branchId),
        waiting: sql`coalesce(sum(case when ${unassigned} then 1 else 0 end), 0)`.mapWith(Number),
        oldestWaitingAt: sql`min(case when ${unassigned} then ${c.createdAt} end)`.mapWith(orNull),
        unanswered:
          sql`coalesce(sum(case when ${c.hasUnansweredIncoming} then 1 else 0 end), 0)`.mapWith(
            Number,
          ),
      },
      'conversations',
      { where: and(eq(c.inboxId, inbox), open), groupBy: [field(c.branchId)] },
    )
    // The partial index conversations_snooze_idx: the inbox's snoozed rows with a time.
    this.#snoozes = selectFields(
      { id: field(c.id), until: field(c.snoozedUntil) },
      'conversations',
      {
        where: and(eq(c.inboxId, inbox), isNotNull(c.snoozedUntil)),
        orderBy: [asc(c.snoozedUntil), asc(c.id)],
      },
    )
    this.#slaDeadlines = selectFields({ id: field(c.id), due: field(c.slaDue) }, 'conversations', {
      where: and(eq(c.inboxId, inbox), isNotNull(c.slaDue)),
      orderBy: [asc(c.slaDue), asc(c.id)],
    })
    this.#escalations = selectFields(
      { id: field(c.id), assigneeId: field(c.assigneeId), escalationAt: field(c.escalationAt) },
      'conversations',
      {
        where: and(eq(c.inboxId, inbox), isNotNull(c.escalationAt), open, isNotNull(c.assigneeId)),
        orderBy: [asc(c.escalationAt), asc(c.id)],
      },
    )
    // Open conversations of the inbox active lately (conversations_inbox_order_idx), each with
    // probes of its own log for the wait (rows.ts waitingSql).
    this.#waiting = selectFields(
      { id: field(c.id), branchId: field(c.branchId), ...waitingSql(db.tables) },
      'conversations',
      {
        where: and(eq(c.inboxId, inbox), open, gte(c.lastActivityAt, param('activeSince'))),
      },
    )
    // conversations_branch_created_idx, newest first; two probes of each one's log from its
    // start: its first visitor message and its first operator message.
    const firstBy = (kind: 'visitor' | 'operator') =>
      sql`(select ${e.at} from ${e} where ${and(
        eq(e.convNo, c.no),
        eq(e.name, 'message.created'),
        eq(e.authorKind, kind),
      )} order by ${e.seq} limit 1)`.mapWith((v: unknown) => (v === null ? null : Number(v)))
    this.#firstResponses = selectFields(
      { askedAt: firstBy('visitor'), answeredAt: firstBy('operator') },
      'conversations',
      {
        where: and(
          eq(c.branchId, param('branchId')),
          gte(c.createdAt, param('since')),
          eq(c.offline, false),
        ),
        orderBy: [desc(c.createdAt)],
        limit: param('limit'),
      },
    )
    this.#visitorMessagesAfter = selectFields({ n: count() }, 'events', {
      where: unreadCondition(
        e,
        conversationNo(c, param('conversationId')),
        param('afterSeq'),
        param('upToSeq'),
      ),
    })
    // One statement: the LEFT JOIN finds the operator's own watermark (0 when they never read
    // the conversation) and a correlated count, one index range per conversation, counts the
    // visitor messages after it. The inbox list varies, so only the operator is a parameter.
    const readSeq = sql`coalesce(${rs.readSeq}, 0)`
    const unread = sql`(select count(*) from ${e} where ${unreadCondition(e, c.no, readSeq)})`
    // The summary row may be written behind its log (db/write-behind.ts), here or on another
    // node: the newest seq and the unanswered flag come from the log itself, in the same read
    // as the count, so the counts cover exactly the changes up to lastSeq. Both are probes of
    // the end of the log's primary-key range.
    const log = logSummarySql(db.tables)
    const badgeFields = {
      conversationId: field(c.id),
      readSeq: readSeq.mapWith(Number),
      unread: unread.mapWith(Number),
      hasUnansweredIncoming: sql`coalesce(${log.lastMessageAuthor}, '') = 'visitor'`.mapWith(
        (v: unknown) => v === true || v === 1,
      ),
      lastSeq: log.lastSeq,
    }
    const ownReadState = {
      table: 'readStates' as const,
      on: and(
        eq(rs.conversationId, c.id),
        eq(rs.readerKind, 'operator'),
        eq(rs.readerId, param('operatorId')),
      ),
    }
    const inBadgeSet = and(open, or(eq(c.assigneeId, param('operatorId')), isNull(c.assigneeId)))
    // One conversation entering an operator's badge set: built once, a primary-key lookup.
    this.#badge = selectFields({ ...badgeFields, inboxId: field(c.inboxId) }, 'conversations', {
      leftJoin: ownReadState,
      where: and(eq(c.id, param('conversationId')), inBadgeSet),
    })
    this.#badges = (inboxIds: string[]) =>
      selectFields(badgeFields, 'conversations', {
        leftJoin: ownReadState,
        where: and(inArray(c.inboxId, inboxIds), inBadgeSet),
        orderBy: [asc(c.id)],
      })
  }

  async openCountsByAssignee(inboxId: string): Promise<Record<string, number>> {
    const counts: Record<string, number> = {}
    for (const row of await this.db.all(this.#openCounts, { inboxId })) {
      if (row.assigneeId !== null) counts[row.assigneeId] = row.n
    }
    return counts
  }

  async queuedConversations(
    inboxId: string,
    branchId: string,
    limit: number,
  ): Promise<Array<{ id: string; createdAt: number }>> {
    if (limit <= 0) return []
    return this.db.all(this.#queued, { inboxId, branchId, limit: Math.floor(limit) })
  }

  async queueAhead(
    inboxId: string,
    branchId: string,
    priority: number,
    createdAt: number,
    id: string,
  ): Promise<number> {
    const [row] = await this.db.all(this.#ahead, { inboxId, branchId, priority, createdAt, id })
    return row?.n ?? 0
  }

  async branchQueues(inboxId: string): ReturnType<RoutingQueries['branchQueues']> {
    return this.db.all(this.#branchQueues, { inboxId })
  }

  async pendingSnoozes(inboxId: string): Promise<Array<{ id: string; until: number }>> {
    const rows = await this.db.all(this.#snoozes, { inboxId })
    return rows.flatMap((r) => (r.until === null ? [] : [{ id: r.id, until: r.until }]))
  }

  async pendingSlaDeadlines(inboxId: string): Promise<Array<{ id: string; due: number }>> {
    const rows = await this.db.all(this.#slaDeadlines, { inboxId })
    return rows.flatMap((r) => (r.due === null ? [] : [{ id: r.id, due: r.due }]))
  }

  async pendingEscalations(
    inboxId: string,
  ): Promise<Array<{ id: string; assigneeId: string; escalationAt: number }>> {
    const pending: Array<{ id: string; assigneeId: string; escalationAt: number }> = []
    // The WHERE clause excludes nulls; the checks only narrow the types.
    for (const row of await this.db.all(this.#escalations, { inboxId })) {
      if (row.assigneeId === null || row.escalationAt === null) continue
      pending.push({ id: row.id, assigneeId: row.assigneeId, escalationAt: row.escalationAt })
    }
    return pending
  }

  async waitingConversations(
    inboxId: string,
    activeSince: number,
  ): Promise<Array<{ id: string; branchId: string | null; since: number; replied: boolean }>> {
    const waiting: Array<{ id: string; branchId: string | null; since: number; replied: boolean }> =
      []
    for (const row of await this.db.all(this.#waiting, { inboxId, activeSince })) {
      if (row.since !== null) waiting.push({ ...row, since: row.since })
    }
    return waiting
  }

  async recentFirstResponses(
    branchId: string,
    since: number,
    limit: number,
  ): Promise<Array<{ askedAt: number | null; answeredAt: number | null }>> {
    if (limit <= 0) return []
    return this.db.all(this.#firstResponses, { branchId, since, limit: Math.floor(limit) })
  }

  /** Open conversations of these inboxes, the operator's or nobody's, by conversation id. */
  async operatorBadges(
    operatorId: string,
    inboxIds: string[],
    conversationId?: string,
  ): Promise<Badge[]> {
    if (inboxIds.length === 0) return []
    if (conversationId === undefined) return this.db.all(this.#badges(inboxIds), { operatorId })
    const rows = await this.db.all(this.#badge, { operatorId, conversationId })
    return rows
      .filter((row) => inboxIds.includes(row.inboxId))
      .map(({ inboxId: _inbox, ...badge }) => badge)
  }

  async countVisitorMessagesAfter(
    conversationId: string,
    afterSeq: number,
    upToSeq: number,
  ): Promise<number> {
    const [row] = await this.db.all(this.#visitorMessagesAfter, {
      conversationId,
      afterSeq,
      upToSeq,
    })
    return row?.n ?? 0
  }
}
