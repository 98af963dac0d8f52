/** ConversationQueries: read-side lists for HTTP routes, keyset-paginated. */
import {
  and,
  asc,
  desc,
  eq,
  getTableColumns,
  gt,
  inArray,
  isNull,
  lt,
  or,
  sql,
  type SQL,
} from 'drizzle-orm'
import type { ConversationQueries, Page, VisitorSummary } from '../../actors/ports.ts'
import type { Conversation, ConversationStatus, Message } from '../../protocol/index.ts'
import type { SqlDialect } from '../sql/dialect.ts'
import { field, param, selectFields, selectRows } from '../sql/statements.ts'
import { afterKey, decodeCursor, encodeCursor, type InboxKey } from './cursor.ts'
import {
  STATUS_RANK,
  logSummarySql,
  toConversation,
  toMessage,
  type ConversationRow,
} from './rows.ts'
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
  readonly #summaries

  constructor(private readonly db: SqlDialect) {
    this.#routing = new SqlRoutingQueries(db)
    const { conversations: c, events: e, readStates: rs } = db.tables
    // Per conversation of the visitor, probes of its log: the newest message's seq, and the
    // operator messages after the visitor's own read watermark (0 when they never read it).
    const readSeq = sql`coalesce(${rs.readSeq}, 0)`
    const messages = and(eq(e.conversationId, c.id), eq(e.name, 'message.created'))
    this.#summaries = selectFields(
      {
        conversationId: field(c.id),
        lastMessageSeq: sql`(select max(${e.seq}) from ${e} where ${messages})`.mapWith(
          (v: unknown) => (v === null ? null : Number(v)),
        ),
        unread: sql`(select count(*) from ${e} where ${and(
          messages,
          gt(e.seq, readSeq),
          eq(e.authorKind, 'operator'),
          isNull(e.deletedAt),
        )})`.mapWith(Number),
      },
      'conversations',
      {
        leftJoin: {
          table: 'readStates',
          on: and(
            eq(rs.conversationId, c.id),
            eq(rs.readerKind, 'visitor'),
            eq(rs.readerId, param('visitorId')),
          ),
        },
        where: eq(c.visitorId, param('visitorId')),
      },
    )
  }

  /**
   * Conversations whose stored summary may be behind their log (written behind, by any node:
   * db/write-behind.ts), with the summary their log gives, among those matching `where` on
   * the fields that are never written behind. Marks are few: the conversations written to
   * within about one flush.
   */
  async #behind(where: SQL | undefined): Promise<ConversationRow[]> {
    const { conversations: c, pendingProjections: pp } = this.db.tables
    const columns: Record<string, SQL> = {}
    for (const [name, column] of Object.entries(getTableColumns(c))) columns[name] = field(column)
    const log = logSummarySql(this.db.tables)
    const query = selectFields(
      {
        ...columns,
        logSeq: log.lastSeq,
        messageAt: log.lastMessageAt,
        messageAuthor: log.lastMessageAuthor,
      },
      'pendingProjections',
      {
        leftJoin: { table: 'conversations', on: eq(c.id, pp.conversationId) },
        where,
      },
    )
    const rows = (await this.db.all(query)) as unknown as (ConversationRow & {
      logSeq: number
      messageAt: number | null
      messageAuthor: string | null
    })[]
    return rows.map(({ logSeq, messageAt, messageAuthor, ...row }) => {
      if (logSeq <= row.lastSeq) return row
      const lastMessageAt = messageAt
      return {
        ...row,
        lastSeq: logSeq,
        lastMessageAt,
        lastActivityAt: lastMessageAt ?? row.createdAt,
        hasUnansweredIncoming: messageAuthor === 'visitor',
      }
    })
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
    // Those behind first: a summary written between the two reads is then read newer, never
    // older (see listInbox).
    const behind = await this.#behind(eq(c.visitorId, visitorId))
    const list = selectRows('conversations', { where: eq(c.visitorId, visitorId) })
    const rows = mergeBehind(await this.db.all(list), behind, behind)
    return rows
      .sort((a, b) => b.lastActivityAt - a.lastActivityAt || compareIds(a.id, b.id))
      .map(toConversation)
  }

  async visitorSummaries(visitorId: string): Promise<VisitorSummary[]> {
    const rows = await this.db.all(this.#summaries, { visitorId })
    const withMessage = rows.filter((r) => r.lastMessageSeq !== null)
    const e = this.db.tables.events
    const newest =
      withMessage.length === 0
        ? []
        : await this.db.all(
            selectRows('events', {
              where: or(
                ...withMessage.map((r) =>
                  and(eq(e.conversationId, r.conversationId), eq(e.seq, r.lastMessageSeq ?? 0)),
                ),
              ),
            }),
          )
    const byId = new Map(newest.map((row) => [row.conversationId, toMessage(row)]))
    return rows.map((r) => ({
      conversationId: r.conversationId,
      unread: r.unread,
      lastMessage: byId.get(r.conversationId) ?? null,
    }))
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
    const cursor = opts.cursor !== null ? decodeCursor(opts.cursor) : null
    // Summaries written behind their log sort and filter by what their log says. They are read
    // first, so one written between the two reads is read newer, never older; the stored page
    // is then read long enough to fill the page whatever of it they replace.
    const inScope = and(
      opts.inboxIds !== null ? inArray(c.inboxId, opts.inboxIds) : undefined,
      opts.status !== undefined ? eq(c.statusRank, STATUS_RANK[opts.status]) : undefined,
    )
    const behind = await this.#behind(inScope)
    const shown = behind.filter(
      (row) =>
        (!opts.unansweredOnly || row.hasUnansweredIncoming) &&
        (cursor === null || compareKeys(keyOf(row), cursor) > 0),
    )
    const page = selectRows('conversations', {
      where: and(
        inScope,
        opts.unansweredOnly ? eq(c.hasUnansweredIncoming, true) : undefined,
        cursor !== null ? afterKey(c, cursor) : undefined,
      ),
      orderBy: [asc(c.statusRank), desc(c.lastActivityAt), asc(c.id)],
      // One extra row tells whether another page exists without a count query.
      limit: limit + 1 + behind.length,
    })
    const rows = mergeBehind(await this.db.all(page), behind, shown)
      .sort((a, b) => compareKeys(keyOf(a), keyOf(b)))
      .slice(0, limit + 1)
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
    branchId: string,
    limit: number,
  ): Promise<Array<{ id: string; createdAt: number }>> {
    return this.#routing.queuedConversations(inboxId, branchId, limit)
  }

  queueAhead(inboxId: string, branchId: string, createdAt: number, id: string): Promise<number> {
    return this.#routing.queueAhead(inboxId, branchId, createdAt, id)
  }

  pendingEscalations(
    inboxId: string,
  ): Promise<Array<{ id: string; assigneeId: string; escalationAt: number }>> {
    return this.#routing.pendingEscalations(inboxId)
  }

  recentFirstResponses(
    branchId: string,
    since: number,
    limit: number,
  ): ReturnType<ConversationQueries['recentFirstResponses']> {
    return this.#routing.recentFirstResponses(branchId, since, limit)
  }

  waitingConversations(
    inboxId: string,
    activeSince: number,
  ): ReturnType<ConversationQueries['waitingConversations']> {
    return this.#routing.waitingConversations(inboxId, activeSince)
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

/**
 * The stored rows without any of those behind their log (their stored keys are stale), plus
 * the ones of those (read from the log) that the list shows.
 */
function mergeBehind(
  stored: ConversationRow[],
  behind: ConversationRow[],
  shown: ConversationRow[],
): ConversationRow[] {
  const replaced = new Set(behind.map((row) => row.id))
  return [...stored.filter((row) => !replaced.has(row.id)), ...shown]
}

function keyOf(row: ConversationRow): InboxKey {
  return { rank: row.statusRank, activity: row.lastActivityAt, id: row.id }
}

/** The inbox order: status rank ascending, last activity descending, id ascending. */
function compareKeys(a: InboxKey, b: InboxKey): number {
  return a.rank - b.rank || b.activity - a.activity || compareIds(a.id, b.id)
}

/** Ids (UUIDs: ASCII) in the order both databases sort them. */
function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}
