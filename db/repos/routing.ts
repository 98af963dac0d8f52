/**
 * Routing and badge queries for the inbox and operator actors: load per assignee, the queue
 * of unassigned conversations, pending escalations and unread counts. Each is one statement
 * served by an index (see the schema and the query-plan tests in tests/db/sqlite.test.ts).
 */
import {
  and,
  asc,
  count,
  eq,
  gt,
  inArray,
  isNotNull,
  isNull,
  lte,
  or,
  sql,
  type SQLWrapper,
} from 'drizzle-orm'
import type { ConversationQueries } from '../../actors/ports.ts'
import * as t from '../schema.sqlite.ts'
import type { SqliteDb } from '../sqlite.ts'
import { STATUS_RANK } from './rows.ts'

export type RoutingQueries = Pick<
  ConversationQueries,
  | 'openCountsByAssignee'
  | 'queuedConversations'
  | 'pendingEscalations'
  | 'operatorBadges'
  | 'countVisitorMessagesAfter'
>

type Badge = Awaited<ReturnType<ConversationQueries['operatorBadges']>>[number]

const c = t.conversations
const m = t.messages
const rs = t.readStates

/**
 * Visitor messages of `conversationId` (a value or the outer query's column) that are not
 * deleted and come after `afterSeq`. The terms match messages_unread_idx column for column
 * (`deleted_at is null` is an equality there), so the count never reads the table.
 */
function unreadCondition(conversationId: SQLWrapper, afterSeq: SQLWrapper, upToSeq?: SQLWrapper) {
  return and(
    eq(m.conversationId, conversationId),
    eq(m.authorKind, 'visitor'),
    isNull(m.deletedAt),
    gt(m.seq, afterSeq),
    upToSeq ? lte(m.seq, upToSeq) : undefined,
  )
}

export class SqlRoutingQueries implements RoutingQueries {
  readonly #openCounts
  readonly #queued
  readonly #escalations
  readonly #visitorMessagesAfter

  constructor(private readonly db: SqliteDb) {
    const inbox = sql.placeholder('inboxId')
    const open = eq(c.statusRank, STATUS_RANK.open)
    this.#openCounts = db
      .select({ assigneeId: c.assigneeId, n: count() })
      .from(c)
      .where(and(eq(c.inboxId, inbox), open, isNotNull(c.assigneeId)))
      .groupBy(c.assigneeId)
      .prepare()
    this.#queued = db
      .select({ id: c.id, createdAt: c.createdAt })
      .from(c)
      .where(and(eq(c.inboxId, inbox), open, isNull(c.assigneeId)))
      .orderBy(asc(c.createdAt), asc(c.id))
      .limit(sql.placeholder('limit'))
      .prepare()
    this.#escalations = db
      .select({ id: c.id, assigneeId: c.assigneeId, escalationAt: c.escalationAt })
      .from(c)
      .where(and(eq(c.inboxId, inbox), isNotNull(c.escalationAt), open, isNotNull(c.assigneeId)))
      .orderBy(asc(c.escalationAt), asc(c.id))
      .prepare()
    this.#visitorMessagesAfter = db
      .select({ n: count() })
      .from(m)
      .where(
        unreadCondition(
          sql.placeholder('conversationId'),
          sql.placeholder('afterSeq'),
          sql.placeholder('upToSeq'),
        ),
      )
      .prepare()
  }

  async openCountsByAssignee(inboxId: string): Promise<Record<string, number>> {
    const counts: Record<string, number> = {}
    for (const row of this.#openCounts.all({ inboxId })) {
      if (row.assigneeId !== null) counts[row.assigneeId] = row.n
    }
    return counts
  }

  async queuedConversations(
    inboxId: string,
    limit: number,
  ): Promise<Array<{ id: string; createdAt: number }>> {
    if (limit <= 0) return []
    return this.#queued.all({ inboxId, limit: Math.floor(limit) })
  }

  async pendingEscalations(
    inboxId: string,
  ): Promise<Array<{ id: string; assigneeId: string; escalationAt: number }>> {
    const pending: Array<{ id: string; assigneeId: string; escalationAt: number }> = []
    // The WHERE clause excludes nulls; the checks only narrow the types.
    for (const row of this.#escalations.all({ inboxId })) {
      if (row.assigneeId === null || row.escalationAt === null) continue
      pending.push({ id: row.id, assigneeId: row.assigneeId, escalationAt: row.escalationAt })
    }
    return pending
  }

  /**
   * One statement: the LEFT JOIN finds the operator's own watermark (0 when they never read
   * the conversation) and a correlated count, one index range per conversation, counts the
   * visitor messages after it. Ordered by conversation id.
   */
  async operatorBadges(operatorId: string, inboxIds: string[]): Promise<Badge[]> {
    if (inboxIds.length === 0) return []
    const readSeq = sql<number>`coalesce(${rs.readSeq}, 0)`
    const unread = this.db.select({ n: count() }).from(m).where(unreadCondition(c.id, readSeq))
    return this.db
      .select({
        conversationId: c.id,
        readSeq: readSeq.mapWith(Number),
        unread: sql<number>`${unread}`.mapWith(Number),
        hasUnansweredIncoming: c.hasUnansweredIncoming,
        lastSeq: c.lastSeq,
      })
      .from(c)
      .leftJoin(
        rs,
        and(
          eq(rs.conversationId, c.id),
          eq(rs.readerKind, 'operator'),
          eq(rs.readerId, operatorId),
        ),
      )
      .where(
        and(
          inArray(c.inboxId, inboxIds),
          eq(c.statusRank, STATUS_RANK.open),
          or(eq(c.assigneeId, operatorId), isNull(c.assigneeId)),
        ),
      )
      .orderBy(asc(c.id))
  }

  async countVisitorMessagesAfter(
    conversationId: string,
    afterSeq: number,
    upToSeq: number,
  ): Promise<number> {
    return this.#visitorMessagesAfter.get({ conversationId, afterSeq, upToSeq })?.n ?? 0
  }
}
