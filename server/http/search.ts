/** Full-text search over the conversations an operator may see (issue 16). */
import { Elysia } from 'elysia'
import * as v from 'valibot'
import {
  canOperatorAccess,
  inScope,
  SEARCH_LIMITS,
  type Principal,
  type SearchResult,
} from '../../actors/index.ts'
import { ConversationStatus, ParleyError } from '../../protocol/index.ts'
import { principalOf, type HttpContext } from './context.ts'
import { Id, QueryInt, queryText } from './schemas.ts'
import { doc } from './responses.ts'
import { SearchShape } from './shapes-chat.ts'

/** Results when the request names no limit. */
const DEFAULT_LIMIT = 20

/** One conversation found, with what the list shows of it besides the hits. */
export interface SearchItem extends SearchResult {
  /** The visitor's name, else e-mail; null for an anonymous visitor. */
  visitorLabel: string | null
  /** Who the conversation is assigned to (their full name, as operators see it). */
  assignee: { id: string; name: string } | null
}

/** The answer of GET /api/search. */
export interface SearchResponse {
  results: SearchItem[]
  total: number
  /** True when only the newest matches were ranked: `total` is a lower bound. */
  capped: boolean
  /** Whether the next offset (offset + results) has more. */
  hasMore: boolean
}

const {
  queryLength: MAX_QUERY_LENGTH,
  page: MAX_SEARCH_PAGE,
  offset: MAX_SEARCH_OFFSET,
} = SEARCH_LIMITS

const SearchParams = v.object({
  q: queryText('q', MAX_QUERY_LENGTH),
  inbox: v.optional(Id),
  status: v.optional(ConversationStatus),
  limit: v.optional(
    v.pipe(
      QueryInt,
      v.minValue(1),
      v.maxValue(MAX_SEARCH_PAGE, `limit: at most ${MAX_SEARCH_PAGE}`),
    ),
  ),
  offset: v.optional(
    v.pipe(QueryInt, v.maxValue(MAX_SEARCH_OFFSET, `offset: at most ${MAX_SEARCH_OFFSET}`)),
  ),
})

/** The inboxes the operator searches: theirs, narrowed to `inbox` when asked (and theirs). */
function searchScope(principal: Principal, inbox: string | undefined): readonly string[] | null {
  if (principal.kind !== 'operator' || !canOperatorAccess(principal, 'view')) {
    throw new ParleyError('forbidden', 'this operator has no permission to handle chats')
  }
  if (inbox === undefined) return principal.inboxIds ?? null
  if (!inScope(principal, inbox)) throw new ParleyError('forbidden', 'not a member of this inbox')
  return [inbox]
}

export function searchRoutes(ctx: HttpContext) {
  return new Elysia().get(
    '/api/search',
    async ({ headers, query }): Promise<SearchResponse> => {
      const principal = await principalOf(ctx, headers)
      const inboxIds = searchScope(principal, query.inbox)
      const limit = query.limit ?? DEFAULT_LIMIT
      const offset = query.offset ?? 0
      const page = await ctx.store.search.search({
        query: query.q,
        inboxIds,
        status: query.status,
        limit,
        offset,
      })
      const assigneeIds = new Set(page.results.flatMap((r) => r.conversation.assigneeId ?? []))
      const operators = await Promise.all(
        [...assigneeIds].map((id) => ctx.store.operators.getById(id)),
      )
      const names = new Map(operators.flatMap((op) => (op ? [[op.id, op.name] as const] : [])))
      return {
        results: page.results.map((r) => {
          const assigneeId = r.conversation.assigneeId
          return {
            ...r,
            visitorLabel: r.visitor?.name || r.visitor?.email || null,
            assignee: assigneeId ? { id: assigneeId, name: names.get(assigneeId) ?? '' } : null,
          }
        }),
        total: page.total,
        capped: page.capped,
        // Past the deepest offset there is no next page to ask for.
        hasMore:
          offset + page.results.length < page.total &&
          offset + page.results.length <= MAX_SEARCH_OFFSET,
      }
    },
    {
      query: SearchParams,
      detail: doc({
        summary: 'Search conversations',
        tag: 'search',
        description:
          'Every word of `q` must match (two or more characters as a prefix) in one message or ' +
          "in the visitor's name, e-mail, phone or attributes; best first, with snippets. " +
          'Pages by `offset` (at most 1000) and `limit` (at most 50, default 20); `hasMore` ' +
          'says whether the next offset has more.',
        access: 'operator',
        ok: SearchShape,
      }),
    },
  )
}
