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
  lte,
  ne,
  notInArray,
  or,
  sql,
  type SQL,
} from 'drizzle-orm'
import type {
  ConversationQueries,
  InboxFilter,
  InboxRowDetails,
  InboxSort,
  InboxView,
  Page,
  VisitorSummary,
} from '../../actors/ports.ts'
import type { Conversation, InboxCounts, Message } from '../../protocol/index.ts'
import type { SqlDialect } from '../sql/dialect.ts'
import { field, param, selectFields, selectRows } from '../sql/statements.ts'
import { afterKey, compareRows, decodeCursor, encodeCursor, isAfter, orderBy } from './cursor.ts'
import { inboxPredicate, INBOX_COUNTS, type InboxPredicate } from './inbox-filter.ts'
import {
  logSummarySql,
  STATUS_RANK,
  toConversation,
  toMessage,
  waitingSql,
  type ConversationRow,
} from './rows.ts'
import { SqlRoutingQueries, type RoutingQueries } from './routing.ts'
import { conversationNo, inLogOf } from './log-key.ts'

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
    const messages = and(eq(e.convNo, c.no), eq(e.name, 'message.created'))
    this.#summaries = selectFields(
      {
        conversationId: field(c.id),
        no: field(c.no),
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
        waiting: waitingSql(this.db.tables).since,
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
      waiting: number | null
    })[]
    return rows.map(({ logSeq, messageAt, messageAuthor, waiting, ...row }) => {
      if (logSeq <= row.lastSeq) return row
      const lastMessageAt = messageAt
      return {
        ...row,
        lastSeq: logSeq,
        lastMessageAt,
        lastActivityAt: lastMessageAt ?? row.createdAt,
        hasUnansweredIncoming: messageAuthor === 'visitor',
        waitingSince: waiting,
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
        inLogOf(this.db.tables, conversationId),
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

  /**
   * A range of conversations_inbox_order_idx: the inbox's open and pending rows (issue 20) idle
   * since before `before`, oldest activity first.
   */
  async openIdleBefore(inboxId: string, before: number, limit: number): Promise<string[]> {
    const c = this.db.tables.conversations
    const rows = await this.db.all(
      selectFields({ id: field(c.id) }, 'conversations', {
        where: and(
          eq(c.inboxId, inboxId),
          lte(c.statusRank, STATUS_RANK.pending),
          lt(c.lastActivityAt, before),
          eq(c.snoozed, false),
        ),
        orderBy: [asc(c.lastActivityAt), asc(c.id)],
        limit,
      }),
    )
    return rows.map((r) => r.id)
  }

  async resolvedIdleBefore(inboxId: string, before: number, limit: number): Promise<string[]> {
    const c = this.db.tables.conversations
    const rows = await this.db.all(
      selectFields({ id: field(c.id) }, 'conversations', {
        where: and(eq(c.inboxId, inboxId), eq(c.status, 'resolved'), lt(c.updatedAt, before)),
        orderBy: [asc(c.updatedAt), asc(c.id)],
        limit,
      }),
    )
    return rows.map((r) => r.id)
  }

  async closedBefore(
    inboxId: string,
    before: number,
    limit: number,
  ): Promise<Array<{ id: string; visitorId: string }>> {
    const c = this.db.tables.conversations
    // The last activity is never after the last change: its bound keeps the read to a range
    // of the inbox order index (closed rows, oldest activity first).
    return this.db.all(
      selectFields({ id: field(c.id), visitorId: field(c.visitorId) }, 'conversations', {
        where: and(
          eq(c.inboxId, inboxId),
          eq(c.statusRank, STATUS_RANK.closed),
          lt(c.lastActivityAt, before),
          lt(c.updatedAt, before),
          isNull(c.erasedAt),
        ),
        orderBy: [asc(c.updatedAt), asc(c.id)],
        limit,
      }),
    )
  }

  /** Newest activity first. */
  /**
   * Notes that mention the operator (issue 20's Mentions view), newest first, after `before`
   * (a previous page's last row) and only in these inboxes (null: any): a range of
   * note_mentions_operator_at_idx, each with its note's author and text from its log row.
   */
  async mentionsOf(
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
  > {
    const { noteMentions: m, events: e, conversations: c } = this.db.tables
    const ofNote = (column: typeof e.text | typeof e.authorId) =>
      sql`(select ${column} from ${e} where ${and(
        eq(e.convNo, conversationNo(c, m.conversationId)),
        eq(e.seq, m.seq),
      )})`.mapWith((v: unknown) => (v === null ? null : String(v)))
    const after = before
      ? or(
          lt(m.at, before.at),
          and(
            eq(m.at, before.at),
            or(
              lt(m.conversationId, before.conversationId),
              and(eq(m.conversationId, before.conversationId), lt(m.seq, before.seq)),
            ),
          ),
        )
      : undefined
    return this.db.all(
      selectFields(
        {
          conversationId: field(m.conversationId),
          seq: field(m.seq),
          at: field(m.at),
          inboxId: field(c.inboxId),
          authorId: ofNote(e.authorId),
          text: ofNote(e.text),
        },
        'noteMentions',
        {
          leftJoin: { table: 'conversations', on: eq(c.id, m.conversationId) },
          where: and(
            eq(m.operatorId, operatorId),
            after,
            inboxIds === null ? undefined : inArray(c.inboxId, [...inboxIds]),
          ),
          orderBy: [desc(m.at), desc(m.conversationId), desc(m.seq)],
          limit: Math.max(1, Math.floor(limit)),
        },
      ),
    )
  }

  async conversationsById(ids: readonly string[]): Promise<Conversation[]> {
    if (ids.length === 0) return []
    const c = this.db.tables.conversations
    const rows = await this.db.all(selectRows('conversations', { where: inArray(c.id, [...ids]) }))
    return rows.map(toConversation)
  }

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
                  and(eq(e.convNo, r.no), eq(e.seq, r.lastMessageSeq ?? 0)),
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

  async listInbox(
    opts: InboxFilter & {
      view?: InboxView
      operatorId?: string
      sort?: InboxSort
      cursor: string | null
      limit: number
    },
  ): Promise<Page<Conversation>> {
    if (opts.inboxIds !== null && opts.inboxIds.length === 0) return { items: [], nextCursor: null }
    const c = this.db.tables.conversations
    const sort = opts.sort ?? 'activity'
    const limit = clampLimit(opts.limit, MAX_INBOX_PAGE)
    const cursor = opts.cursor !== null ? decodeCursor(sort, opts.cursor) : null
    const shows = inboxPredicate(c, opts, opts.view ?? 'all', opts.operatorId)
    // Summaries written behind their log sort and filter by what their log says. They are read
    // first, so one written between the two reads is read newer, never older; the stored page
    // is then read long enough to fill the page whatever of it they replace.
    const behind = await this.#behind(shows.stable)
    const shown = behind.filter(
      (row) => shows.test(row) && (cursor === null || isAfter(sort, row, cursor)),
    )
    const page = selectRows('conversations', {
      where: and(shows.where, cursor !== null ? afterKey(c, sort, cursor) : undefined),
      orderBy: orderBy(c, sort),
      // One extra row tells whether another page exists without a count query.
      limit: limit + 1 + behind.length,
    })
    const rows = mergeBehind(await this.db.all(page), behind, shown)
      .sort((a, b) => compareRows(sort, a, b))
      .slice(0, limit + 1)
    const items = rows.slice(0, limit)
    const last = items[items.length - 1]
    return {
      items: items.map(toConversation),
      nextCursor: rows.length > limit && last ? encodeCursor(sort, last) : null,
    }
  }

  async countInbox(opts: InboxFilter & { operatorId: string }): Promise<InboxCounts> {
    if (opts.inboxIds !== null && opts.inboxIds.length === 0) {
      return { all: 0, mine: 0, unassigned: 0, unanswered: 0 }
    }
    const c = this.db.tables.conversations
    // Each count is the predicate of the list view it counts, nothing else.
    const views = {
      all: inboxPredicate(c, opts, 'all', opts.operatorId),
      mine: inboxPredicate(c, opts, 'mine', opts.operatorId),
      unassigned: inboxPredicate(c, opts, 'unassigned', opts.operatorId),
      unanswered: inboxPredicate(c, { ...opts, unansweredOnly: true }, 'all', opts.operatorId),
    }
    // As in listInbox: those behind first, counted from their log; the stored rows without them.
    const behind = await this.#behind(views.all.stable)
    const count = (p: InboxPredicate) =>
      sql`coalesce(sum(case when ${p.where ?? sql`1 = 1`} then 1 else 0 end), 0)`.mapWith(Number)
    const query = selectFields(
      {
        all: count(views.all),
        mine: count(views.mine),
        unassigned: count(views.unassigned),
        unanswered: count(views.unanswered),
      },
      'conversations',
      {
        where: and(
          views.all.where,
          behind.length > 0 ? notInArray(c.id, [...new Set(behind.map((r) => r.id))]) : undefined,
        ),
      },
    )
    const [stored] = await this.db.all(query)
    const counts: InboxCounts = {
      all: stored?.all ?? 0,
      mine: stored?.mine ?? 0,
      unassigned: stored?.unassigned ?? 0,
      unanswered: stored?.unanswered ?? 0,
    }
    for (const row of behind) {
      for (const view of INBOX_COUNTS) if (views[view].test(row)) counts[view]++
    }
    return counts
  }

  /** Four reads per page whatever its size: visitors, newest message seqs, messages, operators. */
  async inboxRowDetails(conversations: readonly Conversation[]): Promise<InboxRowDetails> {
    const details: InboxRowDetails = {
      visitors: new Map(),
      lastMessages: new Map(),
      operators: new Map(),
    }
    if (conversations.length === 0) return details
    const { conversations: c, events: e, visitors: vt, operators: ot } = this.db.tables
    const ids = conversations.map((conv) => conv.id)
    const visitorIds = [...new Set(conversations.map((conv) => conv.visitorId))]
    const assigneeIds = [
      ...new Set(conversations.flatMap((conv) => (conv.assigneeId ? [conv.assigneeId] : []))),
    ]
    // Probes of each log's end: the newest message by a person (automatic replies skipped).
    const newest = selectFields(
      {
        conversationId: field(c.id),
        no: field(c.no),
        seq: sql`(select ${e.seq} from ${e} where ${and(
          eq(e.convNo, c.no),
          eq(e.name, 'message.created'),
          ne(e.authorKind, 'system'),
        )} order by ${e.seq} desc limit 1)`.mapWith((v: unknown) =>
          v === null ? null : Number(v),
        ),
      },
      'conversations',
      { where: inArray(c.id, ids) },
    )
    const [visitors, seqs, operators] = await Promise.all([
      this.db.all(
        selectFields(
          { id: field(vt.id), name: field(vt.name), email: field(vt.email) },
          'visitors',
          { where: inArray(vt.id, visitorIds) },
        ),
      ),
      this.db.all(newest),
      assigneeIds.length === 0
        ? Promise.resolve([])
        : this.db.all(
            selectFields(
              {
                id: field(ot.id),
                name: field(ot.name),
                displayName: field(ot.displayName),
                avatarId: field(ot.avatarId),
              },
              'operators',
              { where: inArray(ot.id, assigneeIds) },
            ),
          ),
    ])
    const withMessage = seqs.filter((r) => r.seq !== null)
    const messages =
      withMessage.length === 0
        ? []
        : await this.db.all(
            selectRows('events', {
              where: or(...withMessage.map((r) => and(eq(e.convNo, r.no), eq(e.seq, r.seq ?? 0)))),
            }),
          )
    for (const v of visitors) details.visitors.set(v.id, { name: v.name, email: v.email })
    for (const row of messages) details.lastMessages.set(row.conversationId, toMessage(row))
    for (const op of operators) details.operators.set(op.id, op)
    return details
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

  queueAhead(
    inboxId: string,
    branchId: string,
    priority: number,
    createdAt: number,
    id: string,
  ): Promise<number> {
    return this.#routing.queueAhead(inboxId, branchId, priority, createdAt, id)
  }

  branchQueues(inboxId: string): ReturnType<ConversationQueries['branchQueues']> {
    return this.#routing.branchQueues(inboxId)
  }

  pendingSnoozes(inboxId: string): Promise<Array<{ id: string; until: number }>> {
    return this.#routing.pendingSnoozes(inboxId)
  }

  pendingSlaDeadlines(inboxId: string): Promise<Array<{ id: string; due: number }>> {
    return this.#routing.pendingSlaDeadlines(inboxId)
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

/** Ids (UUIDs: ASCII) in the order both databases sort them. */
function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}
