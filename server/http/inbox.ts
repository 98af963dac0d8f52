/** The operators' shared inbox list (O1, O2). */
import { Elysia } from 'elysia'
import * as v from 'valibot'
import {
  ConversationPriority,
  ConversationStatus,
  ParleyError,
  wireString,
} from '../../protocol/index.ts'
import { principalOf, type HttpContext } from './context.ts'
import { Id, QueryBool, QueryInt } from './schemas.ts'
import { doc } from './responses.ts'
import { InboxCountsShape, InboxNamesShape, InboxPageShape, TeamShape } from './shapes-chat.ts'

/** Filters the list and its counts share; unknown parameters are refused, not ignored. */
const filterEntries = {
  status: v.optional(ConversationStatus),
  inbox: v.optional(Id),
  assignee: v.optional(Id),
  unanswered: v.optional(QueryBool),
  /** A label of an inbox the caller sees (issue 20). */
  label: v.optional(Id),
  priority: v.optional(ConversationPriority),
  /** Only snoozed ones (true) or those not snoozed (false). */
  snoozed: v.optional(QueryBool),
  /** Only the conversations the caller follows (issue 20). */
  following: v.optional(QueryBool),
  /** `key:value`: only conversations whose attribute holds that value (issue 20). */
  attribute: v.optional(
    v.pipe(
      wireString('attribute'),
      v.maxLength(600),
      v.regex(/^[a-z][a-z0-9_]{0,31}:./s, 'use key:value'),
    ),
  ),
}
const CountsQuery = v.strictObject(filterEntries)
const ListQuery = v.strictObject({
  ...filterEntries,
  view: v.optional(v.picklist(['all', 'mine', 'unassigned'])),
  sort: v.optional(v.picklist(['activity', 'waiting', 'priority'])),
  cursor: v.optional(v.pipe(wireString('cursor'), v.maxLength(512))),
  limit: v.optional(QueryInt),
})

function filterOf(query: v.InferOutput<typeof CountsQuery>) {
  return {
    status: query.status,
    inboxId: query.inbox,
    assigneeId: query.assignee,
    unansweredOnly: query.unanswered ?? false,
    labelId: query.label,
    priority: query.priority,
    snoozed: query.snoozed,
    following: query.following,
    attribute: query.attribute === undefined ? undefined : attributeFilter(query.attribute),
  }
}

/**
 * The values `key:value` may stand for: the text, and the number or yes/no it reads as (the
 * filter does not know the attribute's type; a stored value has one of these forms).
 */
function attributeFilter(param: string) {
  const at = param.indexOf(':')
  const key = param.slice(0, at)
  const text = param.slice(at + 1)
  const values: (string | number | boolean)[] = [text]
  if (/^-?\d+(\.\d+)?$/.test(text)) values.push(Number(text))
  if (text === 'true' || text === 'false') values.push(text === 'true')
  return { key, values }
}

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
        {
          params: v.object({ id: Id }),
          detail: doc({
            summary: "An inbox's team",
            tag: 'inbox',
            description:
              'Who can take a conversation of this inbox (transfer targets): its branches and ' +
              'their operators with status, presence and open conversations. Members of the ' +
              'inbox, supervisors and admins.',
            access: 'operator',
            ok: TeamShape,
          }),
        },
      )
      // The inboxes the operator may see, named (the list's inbox filter and row labels).
      .get(
        '/api/inboxes',
        async ({ headers }) => {
          const principal = await principalOf(ctx, headers)
          if (principal.kind !== 'operator') throw new ParleyError('forbidden', 'operators only')
          const scope = principal.inboxIds ?? null
          const all = await ctx.store.inboxes.list()
          return {
            inboxes: all
              .filter((inbox) => scope === null || scope.includes(inbox.id))
              .map((inbox) => ({ id: inbox.id, name: inbox.name })),
          }
        },
        {
          detail: doc({
            summary: 'Inboxes I may see',
            tag: 'inbox',
            description: "Ids and names of the inboxes in the operator's scope.",
            access: 'operator',
            ok: InboxNamesShape,
          }),
        },
      )
      // The operators' list and its counts (issue 16, docs/protocol.md "Inbox list").
      .get(
        '/api/inbox',
        async ({ headers, query }) =>
          ctx.chat.listInbox(await principalOf(ctx, headers), {
            ...filterOf(query),
            view: query.view,
            sort: query.sort,
            cursor: query.cursor ?? null,
            limit: query.limit,
          }),
        {
          query: ListQuery,
          detail: doc({
            summary: 'The conversation list',
            tag: 'inbox',
            description:
              "The operators' list: a view (`all`, `mine`, `unassigned`) under filters, in an " +
              "order (`activity`, `waiting`, `priority`), of the inboxes in the caller's scope; each row " +
              'with its visitor, newest message and assignee. Cursor pages: pass `nextCursor` ' +
              'as `cursor`; null on the last page. `limit` at most 100 (default 30).',
            access: 'operator',
            ok: InboxPageShape,
          }),
        },
      )
      .get(
        '/api/inbox/counts',
        async ({ headers, query }) =>
          ctx.chat.listCounts(await principalOf(ctx, headers), filterOf(query)),
        {
          query: CountsQuery,
          detail: doc({
            summary: 'Counts of the list views',
            tag: 'inbox',
            description: 'How many conversations each view shows under the same filters.',
            access: 'operator',
            ok: InboxCountsShape,
          }),
        },
      )
  )
}
