/** The operators' shared inbox list (O1, O2). */
import { Elysia } from 'elysia'
import * as v from 'valibot'
import { ConversationStatus, wireString } from '../../protocol/index.ts'
import { principalOf, type HttpContext } from './context.ts'
import { QueryBool, QueryInt } from './schemas.ts'

export function inboxRoutes(ctx: HttpContext) {
  return new Elysia().get(
    '/api/inbox',
    async ({ headers, query }) =>
      ctx.chat.listInbox(await principalOf(ctx, headers), {
        unansweredOnly: query.unanswered ?? false,
        status: query.status,
        cursor: query.cursor ?? null,
        limit: query.limit,
      }),
    {
      query: v.object({
        unanswered: v.optional(QueryBool),
        status: v.optional(ConversationStatus),
        cursor: v.optional(v.pipe(wireString('cursor'), v.maxLength(512))),
        limit: v.optional(QueryInt),
      }),
    },
  )
}
