/** Operator login, sign-out (one session or everywhere), password change and "who am I". */
import { Elysia } from 'elysia'
import * as v from 'valibot'
import { ParleyError, wireString } from '../../protocol/index.ts'
import { operatorView } from '../auth/index.ts'
import { bearer, principalOf, type HttpContext } from './context.ts'
import { isApiToken } from '../auth/api-tokens.ts'
import { Password } from './schemas.ts'
import { doc } from './responses.ts'
import { LoginShape, MeShape } from './shapes-admin.ts'
import { OkShape } from './shapes-common.ts'

export function authRoutes(ctx: HttpContext) {
  return new Elysia({ prefix: '/api/auth' })
    .post(
      '/login',
      async ({ body, request }) => {
        const address = ctx.clientKey(request)
        try {
          const login = await ctx.auth.login(body.email, body.password, address)
          await ctx.audit.record({
            actor: { kind: 'operator', id: login.operator.id },
            action: 'auth.login',
            target: { kind: 'operator', id: login.operator.id },
            address,
          })
          return login
        } catch (error) {
          // A wrong password or unknown e-mail is on record; a throttled attempt is not (it is
          // refused before any check, and a flood of them would flood the trail).
          if (error instanceof ParleyError && error.code === 'unauthenticated') {
            await ctx.audit.record({
              actor: { kind: 'anonymous' },
              action: 'auth.login_failed',
              address,
              details: { email: body.email.trim().toLowerCase().slice(0, 254) },
            })
          }
          throw error
        }
      },
      {
        body: v.strictObject({
          email: v.pipe(wireString('email'), v.maxLength(254)),
          password: v.pipe(wireString('password'), v.maxLength(1024)),
        }),
        detail: doc({
          summary: 'Sign in',
          tag: 'auth',
          description:
            'An operator signs in with e-mail and password and gets a session token. Attempts ' +
            'are limited per address and per e-mail (429 with `retryAfterMs`).',
          access: 'public',
          ok: LoginShape,
          errors: [401, 429, 503],
        }),
      },
    )
    .post(
      '/logout',
      async ({ headers }) => {
        const token = bearer(headers)
        if (token) await ctx.accounts.logout(token)
        return { ok: true }
      },
      {
        detail: doc({
          summary: 'Sign out this session',
          tag: 'auth',
          description: 'Ends the session of the bearer token on every node. Without one, nothing.',
          access: 'optional',
          ok: OkShape,
        }),
      },
    )
    .post(
      '/logout-all',
      async ({ headers, request }) => {
        const { operator } = await operatorOf(ctx, headers)
        await ctx.accounts.logoutEverywhere(operator)
        await ctx.audit.record({
          actor: operator,
          action: 'auth.signed_out_everywhere',
          target: { kind: 'operator', id: operator.id },
          address: ctx.clientKey(request),
        })
        return { ok: true }
      },
      {
        detail: doc({
          summary: 'Sign out everywhere',
          tag: 'auth',
          description: 'Ends every session of the signed-in operator, this one included.',
          access: 'session',
          ok: OkShape,
        }),
      },
    )
    .post(
      '/password',
      async ({ headers, body, request }) => {
        const { operator, token } = await operatorOf(ctx, headers)
        await ctx.accounts.changePassword(operator, token, {
          current: body.currentPassword,
          next: body.newPassword,
        })
        await ctx.audit.record({
          actor: operator,
          action: 'auth.password_changed',
          target: { kind: 'operator', id: operator.id },
          address: ctx.clientKey(request),
        })
        return { ok: true }
      },
      {
        body: v.strictObject({
          currentPassword: v.pipe(wireString('currentPassword'), v.maxLength(1024)),
          newPassword: Password,
        }),
        detail: doc({
          summary: 'Change my password',
          tag: 'auth',
          description:
            "The signed-in operator's own password; their other sessions end, this one stays.",
          access: 'session',
          ok: OkShape,
        }),
      },
    )
    .get(
      '/me',
      async ({ headers }) => {
        const principal = await principalOf(ctx, headers)
        if (principal.kind === 'visitor')
          return { kind: 'visitor', id: principal.id, inboxId: principal.inboxId }
        const op = await ctx.store.operators.getById(principal.id)
        if (!op) throw new ParleyError('unauthenticated', 'invalid or revoked session')
        return { kind: 'operator', operator: operatorView(op) }
      },
      {
        detail: doc({
          summary: 'Who am I',
          tag: 'auth',
          description: 'The caller: a visitor (its id and inbox) or an operator (its profile).',
          access: 'any',
          ok: MeShape,
        }),
      },
    )
}

/** The operator a request is signed in as, and its token; visitors are forbidden. */
async function operatorOf(ctx: HttpContext, headers: Record<string, string | undefined>) {
  const token = bearer(headers)
  if (token !== null && isApiToken(token))
    throw new ParleyError('forbidden', 'this needs a signed-in operator, not an API token')
  const operator = await ctx.auth.resolve(token)
  if (operator.kind !== 'operator' || token === null)
    throw new ParleyError('forbidden', 'operators only')
  return { operator, token }
}
