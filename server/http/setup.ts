/**
 * First run (issue 16): whether the first admin is still to be created, and creating them with
 * the setup code the server logged (server/auth/setup.ts).
 */
import { Elysia } from 'elysia'
import * as v from 'valibot'
import { wireString } from '../../protocol/index.ts'
import type { HttpContext } from './context.ts'
import { Email, Name, Password } from './schemas.ts'
import { doc } from './responses.ts'
import { LoginShape, SetupStateShape } from './shapes-admin.ts'

export function setupRoutes(ctx: HttpContext) {
  return new Elysia({ prefix: '/api/setup' })
    .get('/', async () => ({ pending: await ctx.setup.pending() }), {
      detail: doc({
        summary: 'Whether the first admin is still to be created',
        tag: 'setup',
        access: 'public',
        ok: SetupStateShape,
      }),
    })
    .post(
      '/',
      async ({ body, request, set }) => {
        const login = await ctx.setup.createAdmin(body, ctx.clientKey(request))
        set.status = 201
        return login
      },
      {
        body: v.strictObject({
          code: v.pipe(wireString('code'), v.trim(), v.minLength(1), v.maxLength(128)),
          email: Email,
          name: Name,
          password: Password,
        }),
        detail: doc({
          summary: 'Create the first admin',
          tag: 'setup',
          description:
            'Only while no admin exists, with the setup code the server logged at start; signs ' +
            'the new admin in. 409 once an admin exists.',
          access: 'public',
          ok: LoginShape,
          status: 201,
          errors: [409, 429],
        }),
      },
    )
}
