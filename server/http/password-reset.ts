/**
 * Operators' password reset by e-mail (issue 17, I4; server/auth/password-reset.ts), no token:
 *   GET  /api/auth/password-reset            -> { available }  SMTP and PUBLIC_URL are set
 *   POST /api/auth/password-reset            -> 202 { ok }     the same whether the address has an account
 *   POST /api/auth/password-reset/confirm    -> { ok }         the new password is set, every session ends
 * A completed reset is on the audit trail.
 */
import { Elysia } from 'elysia'
import * as v from 'valibot'
import { Locale, wireString } from '../../protocol/index.ts'
import type { PasswordResets } from '../auth/password-reset.ts'
import type { HttpContext } from './context.ts'
import { Password } from './schemas.ts'
import { doc } from './responses.ts'
import { ResetAvailableShape } from './shapes-admin.ts'
import { OkShape } from './shapes-common.ts'

export function passwordResetRoutes(ctx: HttpContext, resets: PasswordResets) {
  return new Elysia({ prefix: '/api/auth/password-reset' })
    .get('', () => ({ available: resets.available }), {
      detail: doc({
        summary: 'Whether password reset by e-mail works',
        tag: 'auth',
        description: 'True when the server sends e-mail and knows its public address.',
        access: 'public',
        ok: ResetAvailableShape,
      }),
    })
    .post(
      '',
      async ({ body, request, set }) => {
        await resets.request(body.email, body.locale ?? 'en', ctx.clientKey(request))
        set.status = 202
        return { ok: true }
      },
      {
        body: v.strictObject({
          email: v.pipe(wireString('email'), v.trim(), v.minLength(1), v.maxLength(254)),
          locale: v.optional(Locale),
        }),
        detail: doc({
          summary: 'Ask for a password reset link',
          tag: 'auth',
          description:
            'Sends a link to the address if it has an account; the answer is the same either ' +
            'way. Limited per address and per account (429); 503 `not_configured` without ' +
            'e-mail.',
          access: 'public',
          ok: OkShape,
          status: 202,
          okDescription: 'Accepted.',
          errors: [429, 503],
        }),
      },
    )
    .post(
      '/confirm',
      async ({ body, request }) => {
        const operatorId = await resets.confirm(body.token, body.newPassword)
        await ctx.audit.record({
          actor: { kind: 'operator', id: operatorId },
          action: 'auth.password_reset',
          target: { kind: 'operator', id: operatorId },
          address: ctx.clientKey(request),
        })
        return { ok: true }
      },
      {
        body: v.strictObject({
          token: v.pipe(wireString('token'), v.minLength(1), v.maxLength(128)),
          newPassword: Password,
        }),
        detail: doc({
          summary: 'Set a new password with a reset link',
          tag: 'auth',
          description:
            "The link's token and the new password; every session of the operator ends. 401 " +
            'when the link is invalid, used or expired. On the audit trail.',
          access: 'public',
          ok: OkShape,
          errors: [401],
        }),
      },
    )
}
