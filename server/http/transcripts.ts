/**
 * Transcripts by e-mail (issue 17, I4; server/mail/transcripts.ts):
 *   POST /api/conversations/:id/transcript { email?, locale? } -> 202 { to }
 * A visitor sends their conversation to an address they give (else the one they left); an
 * operator who may see it sends it to the visitor's own address.
 */
import { Elysia } from 'elysia'
import * as v from 'valibot'
import { Locale } from '../../protocol/index.ts'
import type { Transcripts } from '../mail/transcripts.ts'
import { principalOf, type HttpContext } from './context.ts'
import { Email, Id } from './schemas.ts'
import { doc } from './responses.ts'
import { TranscriptSentShape } from './shapes-chat.ts'

export function transcriptRoutes(ctx: HttpContext, transcripts: Transcripts) {
  return new Elysia({ prefix: '/api/conversations' }).post(
    '/:id/transcript',
    async ({ headers, params, body, set, request }) => {
      const principal = await principalOf(ctx, headers)
      const sent = await transcripts.send(principal, params.id, {
        ...(body.email !== undefined ? { email: body.email } : {}),
        locale: body.locale ?? 'en',
        address: ctx.clientKey(request),
      })
      set.status = 202
      return sent
    },
    {
      params: v.object({ id: Id }),
      body: v.strictObject({ email: v.optional(Email), locale: v.optional(Locale) }),
      detail: doc({
        summary: 'E-mail the transcript',
        tag: 'conversations',
        description:
          'A visitor sends their conversation to an address they give (else the one they ' +
          "left); an operator who may see it sends it to the visitor's own address only. " +
          'Limited per visitor and per conversation (429); 503 `not_configured` without e-mail.',
        access: 'participant',
        ok: TranscriptSentShape,
        status: 202,
        okDescription: 'Queued; `to` is where it goes.',
        errors: [429, 503],
      }),
    },
  )
}
