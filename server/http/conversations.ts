/**
 * Conversation endpoints for visitors and operators alike: the same chat service as the socket,
 * so the same authorization and error codes.
 */
import { Elysia } from 'elysia'
import * as v from 'valibot'
import {
  AttachmentIds,
  ClientMsgId,
  ConversationStatus,
  MessageText,
  NoteMentions,
  PageFrame,
  RateFrame,
  TransferFrame,
  WatchMode,
} from '../../protocol/index.ts'
import { openWatched } from '../supervisor.ts'
import { principalOf, type HttpContext } from './context.ts'
import { Email, Id, Name, QueryInt } from './schemas.ts'

const Seq = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(Number.MAX_SAFE_INTEGER))

/**
 * `ids=a,b` (the query parser may hand it over split already): at most 20 operator ids.
 */
const IdList = v.pipe(
  v.union([v.string(), v.array(v.string())]),
  v.transform((ids) => (Array.isArray(ids) ? ids : ids.split(',')).filter((id) => id !== '')),
  v.maxLength(20, 'ids: at most 20'),
  v.check((ids) => ids.every((id) => /^[A-Za-z0-9_-]{1,64}$/.test(id)), 'ids: comma-separated ids'),
)

export function conversationRoutes(ctx: HttpContext) {
  const params = v.object({ id: Id })
  const messageParams = v.object({ id: Id, messageId: Id })
  return new Elysia({ prefix: '/api/conversations' })
    .get(
      '/:id',
      async ({ headers, params, query, request }) =>
        openWatched(
          ctx,
          await principalOf(ctx, headers),
          params.id,
          query.watch,
          ctx.clientKey(request),
        ),
      { params, query: v.strictObject({ watch: v.optional(WatchMode) }) },
    )
    .get(
      '/:id/messages',
      async ({ headers, params, query }) =>
        ctx.chat.history(await principalOf(ctx, headers), params.id, {
          beforeSeq: query.before,
          afterSeq: query.after,
          limit: query.limit,
        }),
      {
        params,
        query: v.object({
          before: v.optional(QueryInt),
          after: v.optional(QueryInt),
          limit: v.optional(QueryInt),
        }),
      },
    )
    .post(
      '/:id/notes',
      async ({ headers, params, body, set }) => {
        const ack = await ctx.chat.note(
          await principalOf(ctx, headers),
          params.id,
          body.clientMsgId,
          body.text,
          body.mentions,
        )
        set.status = ack.duplicate ? 200 : 201
        return ack
      },
      {
        params,
        body: v.strictObject({
          clientMsgId: ClientMsgId,
          text: MessageText,
          mentions: v.optional(NoteMentions),
        }),
      },
    )
    .post(
      '/:id/messages',
      async ({ headers, params, body, set, request }) => {
        const ack = await ctx.chat.send(
          await principalOf(ctx, headers),
          params.id,
          body.clientMsgId,
          {
            text: body.text,
            attachmentIds: body.attachmentIds,
            address: ctx.clientKey(request),
          },
        )
        set.status = ack.duplicate ? 200 : 201
        return ack
      },
      {
        params,
        body: v.strictObject({
          clientMsgId: ClientMsgId,
          text: v.optional(MessageText),
          attachmentIds: v.optional(AttachmentIds),
        }),
      },
    )
    .patch(
      '/:id/messages/:messageId',
      async ({ headers, params, body }) =>
        ctx.chat.edit(await principalOf(ctx, headers), params.id, params.messageId, body.text),
      { params: messageParams, body: v.strictObject({ text: MessageText }) },
    )
    .delete(
      '/:id/messages/:messageId',
      async ({ headers, params }) =>
        ctx.chat.delete(await principalOf(ctx, headers), params.id, params.messageId),
      { params: messageParams },
    )
    .post(
      '/:id/read',
      async ({ headers, params, body }) =>
        ctx.chat.mark(await principalOf(ctx, headers), params.id, { readSeq: body.seq }),
      { params, body: v.strictObject({ seq: Seq }) },
    )
    .post(
      '/:id/delivered',
      async ({ headers, params, body }) =>
        ctx.chat.mark(await principalOf(ctx, headers), params.id, { deliveredSeq: body.seq }),
      { params, body: v.strictObject({ seq: Seq }) },
    )
    .post(
      '/:id/status',
      async ({ headers, params, body }) =>
        ctx.chat.setStatus(await principalOf(ctx, headers), params.id, body.status),
      { params, body: v.strictObject({ status: ConversationStatus }) },
    )
    .post(
      '/:id/assign',
      async ({ headers, params, body }) => ({
        conversation: await ctx.chat.assign(
          await principalOf(ctx, headers),
          params.id,
          body.operatorId,
        ),
      }),
      { params, body: v.strictObject({ operatorId: v.nullable(Id) }) },
    )
    .get(
      '/:id/operators',
      async ({ headers, params, query }) =>
        ctx.chat.operatorNames(await principalOf(ctx, headers), params.id, query.ids),
      { params, query: v.strictObject({ ids: IdList }) },
    )
    .get(
      '/:id/visitor',
      async ({ headers, params }) =>
        ctx.chat.conversationVisitor(await principalOf(ctx, headers), params.id),
      { params },
    )
    .patch(
      '/:id/visitor',
      async ({ headers, params, body }) =>
        ctx.chat.updateVisitor(await principalOf(ctx, headers), params.id, body),
      {
        params,
        body: v.strictObject({
          name: v.optional(v.nullable(Name)),
          email: v.optional(v.nullable(Email)),
        }),
      },
    )
    .get(
      '/:id/queue',
      async ({ headers, params }) =>
        ctx.chat.queuePosition(await principalOf(ctx, headers), params.id),
      { params },
    )
    .post(
      '/:id/page',
      async ({ headers, params, body }) =>
        ctx.chat.page(await principalOf(ctx, headers), params.id, body),
      {
        params,
        body: v.strictObject({ url: PageFrame.entries.url, title: PageFrame.entries.title }),
      },
    )
    .post(
      '/:id/rating',
      async ({ headers, params, body }) =>
        ctx.chat.rate(await principalOf(ctx, headers), params.id, body.score, body.comment ?? null),
      {
        params,
        body: v.strictObject({
          score: RateFrame.entries.score,
          comment: RateFrame.entries.comment,
        }),
      },
    )
    .post(
      '/:id/transfer',
      async ({ headers, params, body }) => ({
        conversation: await ctx.chat.transfer(
          await principalOf(ctx, headers),
          params.id,
          body.to,
          body.note,
        ),
      }),
      {
        params,
        body: v.strictObject({
          to: TransferFrame.entries.to,
          note: TransferFrame.entries.note,
        }),
      },
    )
    .post(
      '/:id/typing',
      async ({ headers, params, body }) => {
        await ctx.chat.typing(await principalOf(ctx, headers), params.id, body.on)
        return { ok: true }
      },
      { params, body: v.strictObject({ on: v.boolean() }) },
    )
}
