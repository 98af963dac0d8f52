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

export function passwordResetRoutes(ctx: HttpContext, resets: PasswordResets) {
  return new Elysia({ prefix: '/api/auth/password-reset' })
    .get('', () => ({ available: resets.available }))
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
      },
    )
}
