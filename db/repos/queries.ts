/** ConversationQueries: read-side lists for HTTP routes, keyset-paginated. */
import { and, asc, desc, eq, gt, inArray, lt } from 'drizzle-orm'
import type { ConversationQueries, Page } from '../../actors/ports.ts'
import type { Conversation, ConversationStatus, Message } from '../../protocol/index.ts'
import type { SqlDialect } from '../sql/dialect.ts'
import { selectRows } from '../sql/statements.ts'
import { afterKey, decodeCursor, encodeCursor } from './cursor.ts'
import { STATUS_RANK, toConversation, toMessage } from './rows.ts'
import { SqlRoutingQueries, type RoutingQueries } from './routing.ts'

/** Largest inbox page; bigger requests get this many. */
export const MAX_INBOX_PAGE = 100
/** Largest message page; bigger requests get this many. */
export const MAX_MESSAGE_PAGE = 200

function clampLimit(limit: number, max: number): number {
  return Math.max(1, Math.min(max, Math.floor(limit)))
}

export class SqlConversationQueries implements ConversationQueries {
  readonly #routing: RoutingQueries

  /**
   * @param settle resolves once the conversation summaries this node holds back are written
   *   (db/write-behind.ts): the lists sort and filter by them.
   */
  constructor(
    private readonly db: SqlDialect,
    private readonly settle: () => Promise<void> = () => Promise.resolve(),
  ) {
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
    const e = this.db.tables.events
    const newestFirst = opts.beforeSeq !== undefined || opts.afterSeq === undefined
    // A range of the log's primary key; the messages are its message.created rows.
    const page = selectRows('events', {
      where: and(
        eq(e.conversationId, conversationId),
        eq(e.name, 'message.created'),
        opts.beforeSeq !== undefined ? lt(e.seq, opts.beforeSeq) : undefined,
        opts.afterSeq !== undefined ? gt(e.seq, opts.afterSeq) : undefined,
      ),
      orderBy: [newestFirst ? desc(e.seq) : asc(e.seq)],
      limit: clampLimit(opts.limit, MAX_MESSAGE_PAGE),
    })
    const rows = await this.db.all(page)
    if (newestFirst) rows.reverse()
    return rows.map(toMessage)
  }

  /** Newest activity first. */
  async listVisitorConversations(visitorId: string): Promise<Conversation[]> {
    const c = this.db.tables.conversations
    await this.settle()
    const list = selectRows('conversations', {
      where: eq(c.visitorId, visitorId),
      orderBy: [desc(c.lastActivityAt), asc(c.id)],
    })
    return (await this.db.all(list)).map(toConversation)
  }

  async listInbox(opts: {
    inboxIds: string[] | null
    unansweredOnly: boolean
    status?: ConversationStatus
    cursor: string | null
    limit: number
  }): Promise<Page<Conversation>> {
    if (opts.inboxIds !== null && opts.inboxIds.length === 0) return { items: [], nextCursor: null }
    const c = this.db.tables.conversations
    const limit = clampLimit(opts.limit, MAX_INBOX_PAGE)
    const page = selectRows('conversations', {
      where: and(
        opts.inboxIds !== null ? inArray(c.inboxId, opts.inboxIds) : undefined,
        opts.unansweredOnly ? eq(c.hasUnansweredIncoming, true) : undefined,
        opts.status !== undefined ? eq(c.statusRank, STATUS_RANK[opts.status]) : undefined,
        opts.cursor !== null ? afterKey(c, decodeCursor(opts.cursor)) : undefined,
      ),
      orderBy: [asc(c.statusRank), desc(c.lastActivityAt), asc(c.id)],
      // One extra row tells whether another page exists without a count query.
      limit: limit + 1,
    })
    await this.settle()
    const rows = await this.db.all(page)
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
    conversationId?: string,
  ): ReturnType<ConversationQueries['operatorBadges']> {
    return this.#routing.operatorBadges(operatorId, inboxIds, conversationId)
  }

  countVisitorMessagesAfter(
    conversationId: string,
    afterSeq: number,
    upToSeq: number,
  ): Promise<number> {
    return this.#routing.countVisitorMessagesAfter(conversationId, afterSeq, upToSeq)
  }
}
