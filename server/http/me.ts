/** The signed-in operator's own status, badges, names and panel language (O2, O3, O4). */
import { Elysia } from 'elysia'
import * as v from 'valibot'
import { OperatorStatus, PanelLocale, ParleyError, wireString } from '../../protocol/index.ts'
import { operatorView } from '../auth/index.ts'
import { principalOf, type HttpContext } from './context.ts'
import { DisplayName, Name, QueryInt } from './schemas.ts'
import { doc } from './responses.ts'
import { OperatorShape } from './shapes-admin.ts'
import { AvailabilityShape, BadgesShape } from './shapes-chat.ts'

const MentionsShape = v.object({
  items: v.array(
    v.object({
      conversationId: v.string(),
      seq: v.number(),
      at: v.number(),
      by: v.object({ kind: v.literal('operator'), id: v.string() }),
      excerpt: v.string(),
    }),
  ),
  nextCursor: v.nullable(v.string()),
})

export function meRoutes(ctx: HttpContext) {
  return (
    new Elysia({ prefix: '/api/me' })
      .get(
        '/badges',
        async ({ headers }) => ctx.chat.operatorSnapshot(await principalOf(ctx, headers)),
        {
          detail: doc({
            summary: 'My status and badges',
            tag: 'me',
            description:
              'Status, presence, unread and unanswered totals, and unread per conversation.',
            access: 'operator',
            ok: BadgesShape,
          }),
        },
      )
      .get(
        '/mentions',
        async ({ headers, query }) =>
          ctx.chat.mentions(await principalOf(ctx, headers), {
            cursor: query.cursor ?? null,
            limit: query.limit,
          }),
        {
          query: v.strictObject({
            cursor: v.optional(v.pipe(wireString('cursor'), v.maxLength(512))),
            limit: v.optional(QueryInt),
          }),
          detail: doc({
            summary: 'Notes that mention me',
            tag: 'me',
            description:
              'The private notes that mention the caller (issue 20), newest first, in the ' +
              'inboxes they see: conversation, seq, time, author and the first 140 characters. ' +
              'Pass `nextCursor` as `cursor`; `limit` at most 100 (default 30).',
            access: 'operator',
            ok: MentionsShape,
          }),
        },
      )
      .put(
        '/status',
        async ({ headers, body }) =>
          ctx.chat.setOperatorStatus(await principalOf(ctx, headers), body.status),
        {
          body: v.strictObject({ status: OperatorStatus }),
          detail: doc({
            summary: 'Set my status',
            tag: 'me',
            description: 'Online, away or busy, for every tab and device of the operator.',
            access: 'operator',
            ok: AvailabilityShape,
          }),
        },
      )
      // The operator's own names: the full one colleagues see, and the one visitors see
      // ("Anna from Support"; null: the first word of the full one).
      .patch(
        '/profile',
        async ({ headers, body }) => {
          const principal = await principalOf(ctx, headers)
          if (principal.kind !== 'operator') throw new ParleyError('forbidden', 'operators only')
          const updated = await ctx.store.operators.update(principal.id, {
            ...(body.displayName !== undefined ? { displayName: body.displayName } : {}),
            ...(body.name !== undefined ? { name: body.name } : {}),
            ...(body.locale !== undefined ? { locale: body.locale } : {}),
            updatedAt: ctx.clock.now(),
          })
          if (!updated) throw new ParleyError('not_found', 'operator not found')
          // Routing and the team lists cache names: the operator's inboxes hear of it.
          if (body.name !== undefined) {
            for (const inboxId of await ctx.store.inboxes.inboxesOf(principal.id)) {
              ctx.chat.refreshInbox(inboxId)
            }
          }
          return operatorView(updated)
        },
        {
          body: v.pipe(
            v.strictObject({
              displayName: v.optional(v.nullable(DisplayName)),
              name: v.optional(Name),
              locale: v.optional(v.nullable(PanelLocale)),
            }),
            v.check(
              (b) => b.displayName !== undefined || b.name !== undefined || b.locale !== undefined,
              'name, displayName or locale is required',
            ),
          ),
          detail: doc({
            summary: 'Change my names or language',
            tag: 'me',
            description:
              'The full name colleagues see, the name visitors see (null: the first word of ' +
              "the full one) and the panel language (null: each device's own).",
            access: 'operator',
            ok: OperatorShape,
          }),
        },
      )
  )
}
