/** ConversationQueries: read-side lists for HTTP routes, keyset-paginated. */
import { and, asc, desc, eq, gt, gte, inArray, lt, or, type SQL } from 'drizzle-orm'
import type { ConversationQueries, Page } from '../../actors/ports.ts'
import {
  ParleyError,
  type Conversation,
  type ConversationStatus,
  type Message,
} from '../../server/protocol/index.ts'
import * as t from '../schema.sqlite.ts'
import type { SqliteDb } from '../sqlite.ts'
import { STATUS_RANK, toConversation, toMessage } from './rows.ts'
import { SqlRoutingQueries, type RoutingQueries } from './routing.ts'

/** Largest inbox page; bigger requests get this many. */
export const MAX_INBOX_PAGE = 100
/** Largest message page; bigger requests get this many. */
export const MAX_MESSAGE_PAGE = 200

/** Position of a conversation in the inbox order: status rank, last activity, id. */
interface InboxKey {
  rank: number
  activity: number
  id: string
}

function clampLimit(limit: number, max: number): number {
  return Math.max(1, Math.min(max, Math.floor(limit)))
}

function encodeCursor(c: Conversation): string {
  const key = [STATUS_RANK[c.status], c.lastMessageAt ?? c.createdAt, c.id]
  return Buffer.from(JSON.stringify(key)).toString('base64url')
}

function decodeCursor(cursor: string): InboxKey {
  let parsed: unknown
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
  } catch {
    parsed = null
  }
  if (
    Array.isArray(parsed) &&
    parsed.length === 3 &&
    Number.isSafeInteger(parsed[0]) &&
    Number.isSafeInteger(parsed[1]) &&
    typeof parsed[2] === 'string'
  ) {
    return { rank: parsed[0], activity: parsed[1], id: parsed[2] }
  }
  throw new ParleyError('bad_request', 'invalid cursor')
}

/**
 * Rows strictly after `key` in the order (rank asc, activity desc, id asc). Directions are
 * mixed, so a row-value comparison cannot express it; the leading `rank >= k` bound still
 * lets the index seek to the cursor's status instead of scanning from the start.
 */
function afterKey(key: InboxKey): SQL | undefined {
  const c = t.conversations
  return and(
    gte(c.statusRank, key.rank),
    or(
      gt(c.statusRank, key.rank),
      and(
        eq(c.statusRank, key.rank),
        or(
          lt(c.lastActivityAt, key.activity),
          and(eq(c.lastActivityAt, key.activity), gt(c.id, key.id)),
        ),
      ),
    ),
  )
}

export class SqlConversationQueries implements ConversationQueries {
  readonly #routing: RoutingQueries

  constructor(private readonly db: SqliteDb) {
    this.#routing = new SqlRoutingQueries(db)
  }

  /**
   * Ascending by seq. With `beforeSeq` (or with neither bound) the newest `limit` messages
   * below it, for scrolling up; with only `afterSeq` the oldest `limit` above it.
   */
  async listMessages(
    conversationId: string,
    opts: { beforeSeq?: number; afterSeq?: number; limit: number },
  ): Promise<Message[]> {
    const m = t.messages
    const newestFirst = opts.beforeSeq !== undefined || opts.afterSeq === undefined
    const rows = await this.db
      .select()
      .from(m)
      .where(
        and(
          eq(m.conversationId, conversationId),
          opts.beforeSeq !== undefined ? lt(m.seq, opts.beforeSeq) : undefined,
          opts.afterSeq !== undefined ? gt(m.seq, opts.afterSeq) : undefined,
        ),
      )
      .orderBy(newestFirst ? desc(m.seq) : asc(m.seq))
      .limit(clampLimit(opts.limit, MAX_MESSAGE_PAGE))
    if (newestFirst) rows.reverse()
    return rows.map(toMessage)
  }

  /** Newest activity first. */
  async listVisitorConversations(visitorId: string): Promise<Conversation[]> {
    const c = t.conversations
    const rows = await this.db
      .select()
      .from(c)
      .where(eq(c.visitorId, visitorId))
      .orderBy(desc(c.lastActivityAt), asc(c.id))
    return rows.map(toConversation)
  }

  async listInbox(opts: {
    inboxIds: string[] | null
    unansweredOnly: boolean
    status?: ConversationStatus
    cursor: string | null
    limit: number
  }): Promise<Page<Conversation>> {
    if (opts.inboxIds !== null && opts.inboxIds.length === 0) return { items: [], nextCursor: null }
    const c = t.conversations
    const limit = clampLimit(opts.limit, MAX_INBOX_PAGE)
    const rows = await this.db
      .select()
      .from(c)
      .where(
        and(
          opts.inboxIds !== null ? inArray(c.inboxId, opts.inboxIds) : undefined,
          opts.unansweredOnly ? eq(c.hasUnansweredIncoming, true) : undefined,
          opts.status !== undefined ? eq(c.statusRank, STATUS_RANK[opts.status]) : undefined,
          opts.cursor !== null ? afterKey(decodeCursor(opts.cursor)) : undefined,
        ),
      )
      .orderBy(asc(c.statusRank), desc(c.lastActivityAt), asc(c.id))
      // One extra row tells whether another page exists without a count query.
      .limit(limit + 1)
    const items = rows.slice(0, limit).map(toConversation)
    const last = items[items.length - 1]
    return { items, nextCursor: rows.length > limit && last ? encodeCursor(last) : null }
  }

  // Routing and badges for the inbox and operator actors live in routing.ts.

  openCountsByAssignee(inboxId: string): Promise<Record<string, number>> {
    return this.#routing.openCountsByAssignee(inboxId)
  }

  queuedConversations(
    inboxId: string,
    limit: number,
  ): Promise<Array<{ id: string; createdAt: number }>> {
    return this.#routing.queuedConversations(inboxId, limit)
  }

  pendingEscalations(
    inboxId: string,
  ): Promise<Array<{ id: string; assigneeId: string; escalationAt: number }>> {
    return this.#routing.pendingEscalations(inboxId)
  }

  operatorBadges(
    operatorId: string,
    inboxIds: string[],
  ): ReturnType<ConversationQueries['operatorBadges']> {
    return this.#routing.operatorBadges(operatorId, inboxIds)
  }

  countVisitorMessagesAfter(conversationId: string, afterSeq: number, upToSeq: number): Promise<number> {
    return this.#routing.countVisitorMessagesAfter(conversationId, afterSeq, upToSeq)
  }
}
