/**
 * Conversation endpoints for visitors and operators alike: the same chat service as the socket,
 * so the same authorization and error codes.
 */
import { Elysia } from 'elysia'
import * as v from 'valibot'
import {
  AttachmentIds,
  ClientMsgId,
  ConversationPriority,
  ConversationStatus,
  LabelIds,
  MAX_CONVERSATION_LABELS,
  MessageText,
  NoteMentions,
  PageFrame,
  RateFrame,
  TransferFrame,
  WatchMode,
} from '../../protocol/index.ts'
import { AttributeChanges } from '../../protocol/attributes.ts'
import { openWatched } from '../supervisor.ts'
import { principalOf, type HttpContext } from './context.ts'
import { Email, Id, Name, QueryInt } from './schemas.ts'
import { doc } from './responses.ts'
import {
  ConversationEnvelopeShape,
  ConversationViewShape,
  ConversationVisitorShape,
  HistoryShape,
  MessageChangeShape,
  NoteAckShape,
  OperatorNamesShape,
  PageAckShape,
  QueuePositionShape,
  RatingAckShape,
  ReadStateShape,
  SendAckShape,
  StatusChangeShape,
  VisitorDetailsShape,
  PriorityChangeShape,
  AttributesChangeShape,
  LabelsChangeShape,
  SnoozeChangeShape,
} from './shapes-chat.ts'
import { OkShape } from './shapes-common.ts'

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
      {
        params,
        query: v.strictObject({ watch: v.optional(WatchMode) }),
        detail: doc({
          summary: 'Open a conversation',
          tag: 'conversations',
          description:
            'Its summary, read marks and who is typing. Opening it as its assignee stops a ' +
            'pending escalation. `watch=invisible` (supervisors and admins) opens it without ' +
            'the visitor seeing marks or typing; that is on the audit trail.',
          access: 'participant',
          ok: ConversationViewShape,
        }),
      },
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
        detail: doc({
          summary: 'Message history',
          tag: 'conversations',
          description:
            'Messages by seq, oldest first; `limit` at most 100 (default 50). Without a cursor ' +
            'the newest page; `before=<seq>` pages back, `after=<seq>` forward; `hasMore` says ' +
            "whether that direction has more. Paging back, an operator also gets the page's " +
            'notes and activity lines (`activity`).',
          access: 'participant',
          ok: HistoryShape,
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
        detail: doc({
          summary: 'Write a private note',
          tag: 'conversations',
          description:
            'An operator-only line in the thread, never shown to the visitor. Mentioned ' +
            'operators (members of the inbox, supervisors, admins) get an alert once. A retry ' +
            'with the same `clientMsgId` answers the first note (200, `duplicate` true).',
          access: 'operator',
          ok: NoteAckShape,
          status: 201,
          okDescription: 'Written.',
          alsoStatus: { status: 200, description: 'A retry: the note written before.' },
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
        detail: doc({
          summary: 'Send a message',
          tag: 'conversations',
          description:
            'Text, uploaded files (`attachmentIds`) or both. Idempotent by `clientMsgId`: a ' +
            'retry answers the stored message (200, `duplicate` true) and stores nothing. ' +
            'Visitors are rate limited per inbox setting (429) and may be asked for a challenge ' +
            '(428).',
          access: 'participant',
          ok: SendAckShape,
          status: 201,
          okDescription: 'Stored.',
          alsoStatus: { status: 200, description: 'A retry: the message stored before.' },
          errors: [409, 428, 429],
        }),
      },
    )
    .patch(
      '/:id/messages/:messageId',
      async ({ headers, params, body }) =>
        ctx.chat.edit(await principalOf(ctx, headers), params.id, params.messageId, body.text),
      {
        params: messageParams,
        body: v.strictObject({ text: MessageText }),
        detail: doc({
          summary: 'Edit a message',
          tag: 'conversations',
          description: "One's own message. An operator's edit is on the audit trail.",
          access: 'participant',
          ok: MessageChangeShape,
          errors: [409],
        }),
      },
    )
    .delete(
      '/:id/messages/:messageId',
      async ({ headers, params }) =>
        ctx.chat.delete(await principalOf(ctx, headers), params.id, params.messageId),
      {
        params: messageParams,
        detail: doc({
          summary: 'Delete a message',
          tag: 'conversations',
          description:
            "Its text and files go; the message stays as deleted. An operator's deletion is " +
            'on the audit trail.',
          access: 'participant',
          ok: MessageChangeShape,
          errors: [409],
        }),
      },
    )
    .post(
      '/:id/read',
      async ({ headers, params, body }) =>
        ctx.chat.mark(await principalOf(ctx, headers), params.id, { readSeq: body.seq }),
      {
        params,
        body: v.strictObject({ seq: Seq }),
        detail: doc({
          summary: 'Mark read up to a seq',
          tag: 'conversations',
          description: "Moves the caller's read watermark forward (never back).",
          access: 'participant',
          ok: ReadStateShape,
        }),
      },
    )
    .post(
      '/:id/delivered',
      async ({ headers, params, body }) =>
        ctx.chat.mark(await principalOf(ctx, headers), params.id, { deliveredSeq: body.seq }),
      {
        params,
        body: v.strictObject({ seq: Seq }),
        detail: doc({
          summary: 'Mark delivered up to a seq',
          tag: 'conversations',
          description: "Moves the caller's delivered watermark forward (never back).",
          access: 'participant',
          ok: ReadStateShape,
        }),
      },
    )
    .post(
      '/:id/status',
      async ({ headers, params, body }) =>
        ctx.chat.setStatus(await principalOf(ctx, headers), params.id, body.status),
      {
        params,
        body: v.strictObject({ status: ConversationStatus }),
        detail: doc({
          summary: 'Resolve, close or reopen',
          tag: 'conversations',
          description: 'Sets the status: `open`, `resolved` or `closed`.',
          access: 'participant',
          ok: StatusChangeShape,
          errors: [409],
        }),
      },
    )
    .post(
      '/:id/priority',
      async ({ headers, params, body }) =>
        ctx.chat.setPriority(await principalOf(ctx, headers), params.id, body.priority),
      {
        params,
        body: v.strictObject({ priority: ConversationPriority }),
        detail: doc({
          summary: 'Set the priority',
          tag: 'conversations',
          description:
            '`urgent`, `high`, `normal` or `low` (issue 20): routing gives the most urgent of ' +
            'a queue first. The same priority again records nothing.',
          access: 'operator',
          ok: PriorityChangeShape,
        }),
      },
    )
    .post(
      '/:id/snooze',
      async ({ headers, params, body }) =>
        ctx.chat.snooze(await principalOf(ctx, headers), params.id, body.until ?? null),
      {
        params,
        body: v.strictObject({
          until: v.optional(
            v.nullable(
              v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(Number.MAX_SAFE_INTEGER)),
            ),
          ),
        }),
        detail: doc({
          summary: 'Snooze',
          tag: 'conversations',
          description:
            'Sets an open conversation aside until `until` (epoch ms, in the future, at most a ' +
            'year ahead) or, without it, until its visitor writes (issue 20). Its visitor ' +
            'writing, the time, resolving or `DELETE .../snooze` wakes it.',
          access: 'operator',
          ok: SnoozeChangeShape,
          errors: [409],
        }),
      },
    )
    .delete(
      '/:id/snooze',
      async ({ headers, params }) => ctx.chat.unsnooze(await principalOf(ctx, headers), params.id),
      {
        params,
        detail: doc({
          summary: 'Wake a snoozed conversation',
          tag: 'conversations',
          description: 'No change when it is not snoozed.',
          access: 'operator',
          ok: SnoozeChangeShape,
        }),
      },
    )
    .patch(
      '/:id/attributes',
      async ({ headers, params, body }) =>
        ctx.chat.setAttributes(await principalOf(ctx, headers), params.id, body.attributes),
      {
        params,
        body: v.strictObject({ attributes: AttributeChanges }),
        detail: doc({
          summary: 'Set conversation attributes',
          tag: 'conversations',
          description:
            'Values of the conversation attributes its inbox defines (issue 20), by key; null ' +
            'removes one. Each value must be of its type: text, a number, a date `YYYY-MM-DD`, ' +
            'one of a list’s choices, true/false, an http(s) link (numbers, checkboxes and ' +
            'dates are also read from text). A key the inbox does not define, or a wrong value, ' +
            'is refused and nothing is changed. One `conversation.attributes` event records ' +
            'what changed. Operators who may manage it.',
          access: 'operator',
          ok: AttributesChangeShape,
        }),
      },
    )
    .post(
      '/:id/labels',
      async ({ headers, params, body }) =>
        ctx.chat.setLabels(await principalOf(ctx, headers), params.id, body),
      {
        params,
        body: v.strictObject({ add: v.optional(LabelIds), remove: v.optional(LabelIds) }),
        detail: doc({
          summary: 'Add and remove labels',
          tag: 'conversations',
          description:
            "Labels of the conversation's inbox (issue 20); one named in both lists, or an " +
            `unknown one in \`add\`, is refused. At most ${MAX_CONVERSATION_LABELS} on a ` +
            'conversation. Answers the whole set after the change.',
          access: 'operator',
          ok: LabelsChangeShape,
        }),
      },
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
      {
        params,
        body: v.strictObject({ operatorId: v.nullable(Id) }),
        detail: doc({
          summary: 'Assign or release',
          tag: 'conversations',
          description:
            "To an operator (one's own id: take it) or to nobody (`null`). The inbox decides " +
            'whether the operator may have it. On the audit trail.',
          access: 'operator',
          ok: ConversationEnvelopeShape,
          errors: [409],
        }),
      },
    )
    .get(
      '/:id/operators',
      async ({ headers, params, query }) =>
        ctx.chat.operatorNames(await principalOf(ctx, headers), params.id, query.ids),
      {
        params,
        query: v.strictObject({ ids: IdList }),
        detail: doc({
          summary: 'Names of operators',
          tag: 'conversations',
          description:
            'The names visitors see (display name, else first name) and pictures of up to 20 ' +
            'operators (`ids=a,b`): only members of the inbox and the assignee are named.',
          access: 'participant',
          ok: OperatorNamesShape,
        }),
      },
    )
    .get(
      '/:id/visitor',
      async ({ headers, params }) =>
        ctx.chat.conversationVisitor(await principalOf(ctx, headers), params.id),
      {
        params,
        detail: doc({
          summary: "The conversation's visitor",
          tag: 'conversations',
          description:
            'Their profile, the newest page and the pages visited in this conversation, and ' +
            'their other conversations the caller may see.',
          access: 'operator',
          ok: ConversationVisitorShape,
        }),
      },
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
          attributes: v.optional(AttributeChanges),
        }),
        detail: doc({
          summary: "Correct the visitor's name, e-mail or attributes",
          tag: 'conversations',
          description:
            'By an operator who may take part in the conversation; null clears one. ' +
            'Attributes merge key by key; a key the inbox defines for visitors takes its ' +
            "type's values only (issue 20), any other stays free-form.",
          access: 'operator',
          ok: VisitorDetailsShape,
          errors: [409],
        }),
      },
    )
    .get(
      '/:id/queue',
      async ({ headers, params }) =>
        ctx.chat.queuePosition(await principalOf(ctx, headers), params.id),
      {
        params,
        detail: doc({
          summary: 'Place in the queue',
          tag: 'conversations',
          description:
            '1 for the next one routed in its branch; null when it is not waiting (assigned, ' +
            'resolved or closed).',
          access: 'participant',
          ok: QueuePositionShape,
        }),
      },
    )
    .post(
      '/:id/page',
      async ({ headers, params, body }) =>
        ctx.chat.page(await principalOf(ctx, headers), params.id, body),
      {
        params,
        body: v.strictObject({ url: PageFrame.entries.url, title: PageFrame.entries.title }),
        detail: doc({
          summary: 'Report the page the visitor is on',
          tag: 'conversations',
          description:
            'An event for operators while the conversation is open; none for the same page ' +
            'again (`seq` null). At most 20 a minute.',
          access: 'visitor',
          ok: PageAckShape,
          errors: [429],
        }),
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
        detail: doc({
          summary: 'Rate the conversation',
          tag: 'conversations',
          description:
            "The visitor rates its latest resolution on the inbox's scale (stars 1-5, thumbs " +
            '0-1, NPS 0-10) or declines (`score: null`). 409 while the inbox takes no ratings ' +
            'or nothing was resolved.',
          access: 'visitor',
          ok: RatingAckShape,
          errors: [409, 429],
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
        detail: doc({
          summary: 'Transfer to a colleague or a branch',
          tag: 'conversations',
          description:
            'To `{ operatorId }` or `{ branchId }`, with an optional note for the receiver. ' +
            'On the audit trail.',
          access: 'operator',
          ok: ConversationEnvelopeShape,
          errors: [409],
        }),
      },
    )
    .post(
      '/:id/typing',
      async ({ headers, params, body }) => {
        await ctx.chat.typing(await principalOf(ctx, headers), params.id, body.on)
        return { ok: true }
      },
      {
        params,
        body: v.strictObject({ on: v.boolean() }),
        detail: doc({
          summary: 'Typing on or off',
          tag: 'conversations',
          description: 'Shown to the other side for a few seconds; never stored.',
          access: 'participant',
          ok: OkShape,
        }),
      },
    )
}
