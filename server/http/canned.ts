/**
 * Canned replies (O6): saved answers operators insert with `/shortcut`. Personal ones belong to
 * their owner alone (anyone else gets `not_found`, as if there were none); an inbox's shared
 * ones are read by whoever may view that inbox and written by supervisors whose scope includes
 * it; admins read and write those of every inbox. Shortcuts are case-insensitive: stored
 * lower-cased, so `/Greet` and `/greet` can never name two replies of one scope.
 */
import { Elysia } from 'elysia'
import * as v from 'valibot'
import { newId, type CannedReplyRecord } from '../../actors/index.ts'
import { MessageText, ParleyError, wireString } from '../../protocol/index.ts'
import type { HttpContext } from './context.ts'
import { mayReadInbox, mayWriteInbox, operatorOf, type Operator } from './inbox-rights.ts'
import { Id } from './schemas.ts'
import { doc } from './responses.ts'
import { CannedListShape, CannedReplyShape } from './shapes-admin.ts'
import { OkShape } from './shapes-common.ts'

/** Replies per scope (one operator's own, or one inbox's shared ones). */
export const MAX_CANNED_PER_SCOPE = 500

const Shortcut = v.pipe(
  wireString('shortcut'),
  v.trim(),
  v.toLowerCase(),
  v.regex(
    /^[a-z0-9][a-z0-9_-]{0,31}$/,
    'use 1 to 32 letters a-z, digits, - or _, starting with a letter or digit',
  ),
)
const Title = v.pipe(
  wireString('title'),
  v.trim(),
  v.minLength(1, 'the title is empty'),
  v.maxLength(100, 'the title is longer than 100 characters'),
)
const Fields = { shortcut: Shortcut, title: Title, text: MessageText }

export function cannedRoutes(ctx: HttpContext) {
  /** A reply the caller may write; one they may not even see is `not_found`. */
  async function writable(op: Operator, id: string): Promise<CannedReplyRecord> {
    const reply = await ctx.store.cannedReplies.get(id)
    const visible =
      reply !== null &&
      (reply.ownerId !== null ? reply.ownerId === op.id : mayReadInbox(op, reply.inboxId ?? ''))
    if (!reply || !visible) throw new ParleyError('not_found', 'canned reply not found')
    if (reply.inboxId !== null && !mayWriteInbox(op, reply.inboxId)) {
      throw new ParleyError('forbidden', "only admins and supervisors change an inbox's replies")
    }
    return reply
  }

  return new Elysia({ prefix: '/api/canned-replies' })
    .get(
      '/',
      async ({ headers, query }) => {
        const op = await operatorOf(ctx, headers)
        const inboxId = query.inbox ?? null
        if (inboxId !== null) {
          if (!mayReadInbox(op, inboxId)) throw new ParleyError('forbidden', 'not your inbox')
          if (!(await ctx.store.inboxes.get(inboxId))) {
            throw new ParleyError('not_found', 'inbox not found')
          }
        }
        return { replies: await ctx.store.cannedReplies.listFor(op.id, inboxId) }
      },
      {
        query: v.object({ inbox: v.optional(Id) }),
        detail: doc({
          summary: 'List canned replies',
          tag: 'canned',
          description:
            "The caller's own replies and, with `inbox`, that inbox's shared ones; by shortcut.",
          access: 'operator',
          ok: CannedListShape,
        }),
      },
    )
    .post(
      '/',
      async ({ headers, body, set }) => {
        const op = await operatorOf(ctx, headers)
        const inboxId = body.scope === 'inbox' ? body.inboxId : null
        if (inboxId !== null && !mayWriteInbox(op, inboxId)) {
          throw new ParleyError('forbidden', "only admins and supervisors add an inbox's replies")
        }
        const now = ctx.clock.now()
        const reply: CannedReplyRecord = {
          id: newId(),
          inboxId,
          ownerId: inboxId === null ? op.id : null,
          shortcut: body.shortcut,
          title: body.title,
          text: body.text,
          createdBy: op.id,
          createdAt: now,
          updatedAt: now,
        }
        await ctx.store.cannedReplies.create(reply, MAX_CANNED_PER_SCOPE)
        set.status = 201
        return reply
      },
      {
        body: v.variant('scope', [
          v.strictObject({ scope: v.literal('personal'), ...Fields }),
          v.strictObject({ scope: v.literal('inbox'), inboxId: Id, ...Fields }),
        ]),
        detail: doc({
          summary: 'Add a canned reply',
          tag: 'canned',
          description:
            "`personal` (the caller's own) or shared in an `inbox` (admins, and supervisors of " +
            'the inbox). A shortcut is unique in its scope (409); at most 500 per scope.',
          access: 'operator',
          ok: CannedReplyShape,
          status: 201,
          okDescription: 'Added.',
          errors: [409],
        }),
      },
    )
    .patch(
      '/:id',
      async ({ headers, params, body }) => {
        const op = await operatorOf(ctx, headers)
        const reply = await writable(op, params.id)
        const updated = await ctx.store.cannedReplies.update(reply.id, {
          ...body,
          updatedAt: ctx.clock.now(),
        })
        if (!updated) throw new ParleyError('not_found', 'canned reply not found')
        return updated
      },
      {
        params: v.object({ id: Id }),
        body: v.pipe(
          v.strictObject({
            shortcut: v.optional(Shortcut),
            title: v.optional(Title),
            text: v.optional(MessageText),
          }),
          v.check((patch) => Object.keys(patch).length > 0, 'nothing to change'),
        ),
        detail: doc({
          summary: 'Change a canned reply',
          tag: 'canned',
          access: 'operator',
          ok: CannedReplyShape,
          errors: [409],
        }),
      },
    )
    .delete(
      '/:id',
      async ({ headers, params }) => {
        const op = await operatorOf(ctx, headers)
        const reply = await writable(op, params.id)
        if (!(await ctx.store.cannedReplies.delete(reply.id))) {
          throw new ParleyError('not_found', 'canned reply not found')
        }
        return { ok: true }
      },
      {
        params: v.object({ id: Id }),
        detail: doc({
          summary: 'Delete a canned reply',
          tag: 'canned',
          access: 'operator',
          ok: OkShape,
        }),
      },
    )
}
