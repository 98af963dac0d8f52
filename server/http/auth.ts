/** Operator login, logout and "who am I". */
import { Elysia } from 'elysia'
import * as v from 'valibot'
import { ParleyError, wireString } from '../../protocol/index.ts'
import { operatorView } from '../auth/index.ts'
import { bearer, principalOf, type HttpContext } from './context.ts'

export function authRoutes(ctx: HttpContext) {
  return new Elysia({ prefix: '/api/auth' })
    .post(
      '/login',
      ({ body, request }) => ctx.auth.login(body.email, body.password, ctx.clientKey(request)),
      {
        body: v.strictObject({
          email: v.pipe(wireString('email'), v.maxLength(254)),
          password: v.pipe(wireString('password'), v.maxLength(1024)),
        }),
      },
    )
    .post('/logout', async ({ headers }) => {
      const token = bearer(headers)
      if (token) await ctx.auth.logout(token)
      return { ok: true }
    })
    .get('/me', async ({ headers }) => {
      const principal = await principalOf(ctx, headers)
      if (principal.kind === 'visitor')
        return { kind: 'visitor', id: principal.id, inboxId: principal.inboxId }
      const op = await ctx.store.operators.getById(principal.id)
      if (!op) throw new ParleyError('unauthenticated', 'invalid or revoked session')
      return { kind: 'operator', operator: operatorView(op) }
    })
}
