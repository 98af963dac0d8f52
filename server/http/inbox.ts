/** The operators' shared inbox list (O1, O2). */
import { Elysia } from 'elysia'
import * as v from 'valibot'
import { ConversationStatus, ParleyError, wireString } from '../../protocol/index.ts'
import { principalOf, type HttpContext } from './context.ts'
import { Id, QueryBool, QueryInt } from './schemas.ts'

export function inboxRoutes(ctx: HttpContext) {
  return (
    new Elysia()
      // Who can take a conversation of this inbox (R4): members of the inbox, or the elevated.
      .get(
        '/api/inboxes/:id/team',
        async ({ headers, params }) => {
          const principal = await principalOf(ctx, headers)
          if (principal.kind !== 'operator') throw new ParleyError('forbidden', 'operators only')
          const elevated = principal.role === 'supervisor' || principal.role === 'admin'
          if (!elevated && !(await ctx.store.inboxes.inboxesOf(principal.id)).includes(params.id)) {
            throw new ParleyError('forbidden', 'not a member of this inbox')
          }
          return ctx.availability.team(params.id)
        },
        { params: v.object({ id: Id }) },
      )
      .get(
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
  )
}
