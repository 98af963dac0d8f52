/**
 * Conversations an integration starts for an outside contact (issue 17, I3; docs/api.md), with
 * an operator session or an API token (scope write or admin):
 *   POST /api/conversations                          -> 201 { conversation, message? } (200 on a retry)
 *   POST /api/conversations/:id/contact-messages     -> 201 ack (200 on a retry)
 * The contact is a visitor of the inbox: the same `externalId` finds the same contact again (the
 * site's verified user id names the same person). Messages the contact wrote elsewhere (a form,
 * a call log) are posted as theirs; operator replies use `POST /api/conversations/:id/messages`.
 * Both are idempotent by `clientMsgId`.
 */
import { Elysia } from 'elysia'
import * as v from 'valibot'
import { ClientMsgId, Locale, MessageText, wireString } from '../../protocol/index.ts'
import { principalOf, type HttpContext } from './context.ts'
import { Email, Id, Name } from './schemas.ts'
import { doc } from './responses.ts'
import { SendAckShape, StartedShape } from './shapes-chat.ts'

const ExternalId = v.pipe(wireString('externalId'), v.minLength(1), v.maxLength(256))

export function contactRoutes(ctx: HttpContext) {
  return new Elysia({ prefix: '/api/conversations' })
    .post(
      '',
      async ({ headers, body, set }) => {
        const principal = await principalOf(ctx, headers)
        const { contact, ...rest } = body
        const created = await ctx.chat.startForContact(principal, { ...contact, ...rest })
        set.status = created.message?.duplicate ? 200 : 201
        return created
      },
      {
        body: v.strictObject({
          inboxId: Id,
          contact: v.strictObject({
            externalId: v.optional(ExternalId),
            name: v.optional(Name),
            email: v.optional(Email),
          }),
          text: v.optional(MessageText),
          clientMsgId: v.optional(ClientMsgId),
          locale: v.optional(Locale),
        }),
        detail: doc({
          summary: 'Start a conversation for a contact',
          tag: 'conversations',
          description:
            'An integration starts a conversation for an outside contact, optionally with the ' +
            "contact's first message. The same `externalId` finds the same contact again; name " +
            'and e-mail are kept on it. Idempotent by `clientMsgId` (a retry answers 200).',
          access: 'operator',
          ok: StartedShape,
          status: 201,
          okDescription: 'Started.',
          alsoStatus: { status: 200, description: 'A retry: the conversation started before.' },
        }),
      },
    )
    .post(
      '/:id/contact-messages',
      async ({ headers, params, body, set }) => {
        const ack = await ctx.chat.sendAsContact(
          await principalOf(ctx, headers),
          params.id,
          body.clientMsgId,
          body.text,
        )
        set.status = ack.duplicate ? 200 : 201
        return ack
      },
      {
        params: v.object({ id: Id }),
        body: v.strictObject({ clientMsgId: ClientMsgId, text: MessageText }),
        detail: doc({
          summary: 'Post a message as the contact',
          tag: 'conversations',
          description:
            'What the contact wrote elsewhere (a form, an e-mail), posted as theirs; operator ' +
            'replies use `POST /api/conversations/{id}/messages`. Idempotent by `clientMsgId`.',
          access: 'operator',
          ok: SendAckShape,
          status: 201,
          okDescription: 'Stored.',
          alsoStatus: { status: 200, description: 'A retry: the message stored before.' },
        }),
      },
    )
}
