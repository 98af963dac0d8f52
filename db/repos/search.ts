/**
 * SearchQueries over both dialects (issue 16). The ranking statement is each dialect's own
 * (FTS5 with bm25 on SQLite; GIN expression indexes with ts_rank on Postgres, see the search
 * migrations); the rows it names are then read with the shared statements.
 */
import { and, eq, inArray, or, sql, type SQL } from 'drizzle-orm'
import { PgDialect } from 'drizzle-orm/pg-core'
import { SQLiteSyncDialect } from 'drizzle-orm/sqlite-core'
import {
  SEARCH_LIMITS,
  type SearchMessageHit,
  type SearchPage,
  type SearchQueries,
  type SearchVisitorHit,
} from '../../actors/ports.ts'
import type { ConversationStatus } from '../../protocol/index.ts'
import type { SqlDialect } from '../sql/dialect.ts'
import { rawQuery, selectRows } from '../sql/statements.ts'
import type { Rows } from '../sql/tables.ts'
import { toConversation } from './rows.ts'
import {
  fts5Match,
  highlight,
  hitRanges,
  parseSearchQuery,
  snippet,
  tsQuery,
  type SearchTerm,
} from './search-text.ts'
import { inLogOf } from './log-key.ts'

const MAX_SEARCH_PAGE = SEARCH_LIMITS.page
const MAX_SEARCH_OFFSET = SEARCH_LIMITS.offset
/**
 * Most message hits (and most visitor hits) one search ranks: the newest in scope. Bounds the
 * cost of a word found in most of the log; `SearchPage.capped` says when it was reached.
 */
export const MAX_CANDIDATES = 2000
/** Message hits shown per conversation. */
export const HITS_PER_CONVERSATION = 3

/**
 * The indexed documents on Postgres, exactly as the indexes of db/migrations/postgres/
 * 0014_search.sql define them: the planner uses an expression index only for the same
 * expression, and the partial one only when the query repeats its condition with literals.
 */
const PG_MESSAGE_DOC = sql.raw(
  `to_tsvector('simple', regexp_replace(e."text", '[[:punct:]]+', ' ', 'g'))`,
)
const PG_MESSAGE_ROWS = sql.raw(`e."name" = 'message.created' and e."deleted_at" is null`)
const PG_VISITOR_DOC = sql.raw(
  `(to_tsvector('simple', regexp_replace(` +
    `coalesce(vi."name", '') || ' ' || coalesce(vi."email", '') || ' ' || coalesce(vi."phone", ''), ` +
    `'[[:punct:]]+', ' ', 'g')) || json_to_tsvector('simple', vi."attributes", '["string", "numeric"]'))`,
)

/**
 * A row of the ranking statement: a conversation of the page, a message hit, or the count
 * (kind 't': `total`, and `seq` 1 when the candidates were capped).
 */
interface RankRow {
  kind: 'c' | 'm' | 't'
  cid: string | null
  seq: number | string | null
  score: number | string | null
  total: number | string | null
}

interface Scope {
  inboxIds: readonly string[] | null
  status?: ConversationStatus
  limit: number
  offset: number
}

export class SqlSearchQueries implements SearchQueries {
  constructor(private readonly db: SqlDialect) {}

  async search(opts: {
    query: string
    inboxIds: readonly string[] | null
    status?: ConversationStatus
    limit: number
    offset: number
  }): Promise<SearchPage> {
    const terms = parseSearchQuery(opts.query)
    if (terms.length === 0) return { results: [], total: 0, capped: false }
    if (opts.inboxIds !== null && opts.inboxIds.length === 0) {
      return { results: [], total: 0, capped: false }
    }
    const scope: Scope = {
      inboxIds: opts.inboxIds,
      status: opts.status,
      limit: Math.max(1, Math.min(MAX_SEARCH_PAGE, Math.floor(opts.limit))),
      offset: Math.max(0, Math.min(MAX_SEARCH_OFFSET, Math.floor(opts.offset))),
    }
    // Every message committed before the search began is in the index (SQLite writes it
    // behind the log; this waits, bounded, for the indexer to catch up).
    await this.db.flushSearch?.()
    const statement =
      this.db.name === 'sqlite' ? sqliteRanking(terms, scope) : postgresRanking(terms, scope)
    const ranked = await this.db.all(rawQuery<RankRow>(statement))
    const page = ranked.filter((r) => r.kind === 'c')
    const count = ranked.find((r) => r.kind === 't')
    const total = Number(count?.total ?? 0)
    const capped = Number(count?.seq ?? 0) === 1
    if (page.length === 0) return { results: [], total, capped }
    const hits = ranked.filter((r) => r.kind === 'm')
    const [conversations, events] = await Promise.all([
      this.#conversations(page.map((r) => String(r.cid))),
      this.#events(hits.map((r) => ({ cid: String(r.cid), seq: Number(r.seq) }))),
    ])
    const visitors = await this.#visitors([...new Set(conversations.map((c) => c.visitorId))])
    const byId = new Map(conversations.map((c) => [c.id, c]))
    const visitorById = new Map(visitors.map((v) => [v.id, v]))
    const eventByKey = new Map(events.map((e) => [`${e.conversationId}:${e.seq}`, e]))
    const results = page.flatMap((rank) => {
      const row = byId.get(String(rank.cid))
      if (!row) return []
      const visitor = visitorById.get(row.visitorId) ?? null
      const messages: SearchMessageHit[] = hits
        .filter((h) => h.cid === rank.cid)
        .sort((a, b) => Number(b.score) - Number(a.score) || Number(b.seq) - Number(a.seq))
        .flatMap((h) => {
          const e = eventByKey.get(`${row.id}:${Number(h.seq)}`)
          // Deleted since the ranking statement read it: no longer a hit.
          if (!e || e.messageId === null || e.authorKind === null || e.deletedAt !== null) {
            return []
          }
          return [
            {
              seq: e.seq,
              messageId: e.messageId,
              authorKind: e.authorKind,
              at: e.at,
              snippet: snippet(e.text ?? '', terms),
            },
          ]
        })
      return [
        {
          conversation: toConversation(row),
          visitor: visitor && { id: visitor.id, name: visitor.name, email: visitor.email },
          score: Number(rank.score),
          messages,
          visitorFields: visitor ? visitorHits(visitor, terms) : [],
        },
      ]
    })
    return { results, total, capped }
  }

  #conversations(ids: string[]): Promise<Rows['conversations'][]> {
    const c = this.db.tables.conversations
    return this.db.all(selectRows('conversations', { where: inArray(c.id, ids) }))
  }

  #events(keys: Array<{ cid: string; seq: number }>): Promise<Rows['events'][]> {
    if (keys.length === 0) return Promise.resolve([])
    const e = this.db.tables.events
    const where = or(...keys.map((k) => and(inLogOf(this.db.tables, k.cid), eq(e.seq, k.seq))))
    return this.db.all(selectRows('events', { where }))
  }

  #visitors(ids: string[]): Promise<Rows['visitors'][]> {
    if (ids.length === 0) return Promise.resolve([])
    const v = this.db.tables.visitors
    return this.db.all(selectRows('visitors', { where: inArray(v.id, ids) }))
  }
}

/** The visitor's fields with a matched word, highlighted. */
function visitorHits(visitor: Rows['visitors'], terms: readonly SearchTerm[]): SearchVisitorHit[] {
  const fields: Array<[SearchVisitorHit['field'], string | null, string | null]> = [
    ['name', null, visitor.name],
    ['email', null, visitor.email],
    ['phone', null, visitor.phone],
    ...Object.entries(visitor.attributes).map(
      ([key, value]): [SearchVisitorHit['field'], string | null, string | null] => [
        'attribute',
        key,
        typeof value === 'boolean' ? null : String(value),
      ],
    ),
  ]
  return fields.flatMap(([field, key, text]) =>
    text && hitRanges(text, terms).length > 0
      ? [{ field, key, snippet: highlight(text, terms) }]
      : [],
  )
}

/** `c.inbox_id in (...)` and `c.status = ...` as the scope asks (values bound). */
function scopeSql(scope: Scope): SQL {
  const inbox =
    scope.inboxIds === null
      ? sql`1 = 1`
      : sql`c.inbox_id in (${sql.join(
          scope.inboxIds.map((id) => sql`${id}`),
          sql`, `,
        )})`
  return scope.status === undefined ? inbox : sql`${inbox} and c.status = ${scope.status}`
}

/**
 * The rest of the ranking statement once `m` (message hits in scope: cid, seq, score) and `v`
 * (visitor hits in scope: cid, score) are defined: each conversation ranked by its best hit,
 * the page, the page's best message hits, and the count of the conversations found (with
 * whether the candidates were cut at MAX_CANDIDATES). Higher scores first.
 */
function rankingTail(scope: Scope, int: 'integer' | 'bigint'): SQL {
  return sql`,
    best as (
      select cid, max(score) as score from (
        select cid, score from m union all select cid, score from v
      ) as hits group by cid
    ),
    page as materialized (
      select c.id as cid, best.score as score
      from best join conversations c on c.id = best.cid
      order by best.score desc, c.last_activity_at desc, c.id
      limit ${scope.limit} offset ${scope.offset}
    ),
    top as (
      select m.cid, m.seq, m.score,
        row_number() over (partition by m.cid order by m.score desc, m.seq desc) as rn
      from m where m.cid in (select cid from page)
    )
    select 'c' as kind, cid, cast(null as ${sql.raw(int)}) as seq, score,
      cast(null as ${sql.raw(int)}) as total
    from page
    union all
    select 'm', cid, seq, score, null from top where rn <= ${HITS_PER_CONVERSATION}
    union all
    select 't', null,
      case when (select count(*) from m) >= ${MAX_CANDIDATES}
        or (select count(*) from v) >= ${MAX_CANDIDATES} then 1 else 0 end,
      null, count(*)
    from best`
}

/**
 * SQLite: FTS5 finds the rows (message_search, visitor_search), newest first (rowids grow
 * with every insert), up to MAX_CANDIDATES of them in scope; bm25 ranks those (negated:
 * FTS5's best is the lowest). A visitor's name weighs most, attribute values least.
 */
function sqliteRanking(terms: readonly SearchTerm[], scope: Scope): SQL {
  const match = fts5Match(terms)
  const scoped = scope.inboxIds !== null || scope.status !== undefined
  return sql`with
    m as materialized (
      select e.conversation_id as cid, e.seq as seq, -bm25(message_search) as score
      from message_search join events e on e.rowid = message_search.rowid
        ${scoped ? sql`join conversations c on c.id = e.conversation_id` : sql``}
      where message_search match ${match} and ${scopeSql(scope)}
      order by message_search.rowid desc limit ${MAX_CANDIDATES}
    ),
    v as materialized (
      select c.id as cid, -bm25(visitor_search, 4.0, 2.0, 2.0, 1.0) as score
      from visitor_search
        join visitors vi on vi.rowid = visitor_search.rowid
        join conversations c on c.visitor_id = vi.id
      where visitor_search match ${match} and ${scopeSql(scope)}
      order by visitor_search.rowid desc limit ${MAX_CANDIDATES}
    )${rankingTail(scope, 'integer')}`
}

/**
 * Postgres: the GIN indexes find the rows, the newest MAX_CANDIDATES in scope are kept, and
 * ts_rank ranks those (it recomputes each document, so only for the ones kept).
 */
function postgresRanking(terms: readonly SearchTerm[], scope: Scope): SQL {
  const query = tsQuery(terms)
  const scoped = scope.inboxIds !== null || scope.status !== undefined
  return sql`with
    m as materialized (
      select e.cid, e.seq, ts_rank(${PG_MESSAGE_DOC}, to_tsquery('simple', ${query}))::float8 as score
      from (
        select e.conversation_id as cid, e.seq as seq, e."text" as "text"
        from events e
          ${scoped ? sql`join conversations c on c.id = e.conversation_id` : sql``}
        where ${PG_MESSAGE_ROWS} and ${PG_MESSAGE_DOC} @@ to_tsquery('simple', ${query})
          and ${scopeSql(scope)}
        order by e.at desc limit ${MAX_CANDIDATES}
      ) as e
    ),
    v as materialized (
      select vi.cid, ts_rank(${PG_VISITOR_DOC}, to_tsquery('simple', ${query}))::float8 as score
      from (
        select c.id as cid, vi."name", vi."email", vi."phone", vi."attributes"
        from visitors vi join conversations c on c.visitor_id = vi.id
        where ${PG_VISITOR_DOC} @@ to_tsquery('simple', ${query}) and ${scopeSql(scope)}
        order by vi.created_at desc limit ${MAX_CANDIDATES}
      ) as vi
    )${rankingTail(scope, 'bigint')}`
}

/**
 * The ranking statement as text and parameters, for EXPLAIN in the tests and the bench: what
 * `search` sends on this dialect for this query and scope (first page of 20).
 */
export function rankingSql(
  dialect: SqlDialect['name'],
  query: string,
  inboxIds: readonly string[] | null,
): { sql: string; params: unknown[] } {
  const scope = { inboxIds, limit: 20, offset: 0 }
  const terms = parseSearchQuery(query)
  return dialect === 'sqlite'
    ? new SQLiteSyncDialect().sqlToQuery(sqliteRanking(terms, scope))
    : new PgDialect().sqlToQuery(postgresRanking(terms, scope))
}
