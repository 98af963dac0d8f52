/** The signed-in operator's own status, badges and public name (O2, O3, O4). */
import { Elysia } from 'elysia'
import * as v from 'valibot'
import { OperatorStatus, ParleyError } from '../../protocol/index.ts'
import { operatorView } from '../auth/index.ts'
import { principalOf, type HttpContext } from './context.ts'
import { DisplayName } from './schemas.ts'

export function meRoutes(ctx: HttpContext) {
  return (
    new Elysia({ prefix: '/api/me' })
      .get('/badges', async ({ headers }) =>
        ctx.chat.operatorSnapshot(await principalOf(ctx, headers)),
      )
      .put(
        '/status',
        async ({ headers, body }) =>
          ctx.chat.setOperatorStatus(await principalOf(ctx, headers), body.status),
        { body: v.strictObject({ status: OperatorStatus }) },
      )
      // The operator's own name as visitors see it ("Anna from Support"); null: from their name.
      .patch(
        '/profile',
        async ({ headers, body }) => {
          const principal = await principalOf(ctx, headers)
          if (principal.kind !== 'operator') throw new ParleyError('forbidden', 'operators only')
          const updated = await ctx.store.operators.update(principal.id, {
            displayName: body.displayName,
            updatedAt: ctx.clock.now(),
          })
          if (!updated) throw new ParleyError('not_found', 'operator not found')
          return operatorView(updated)
        },
        { body: v.strictObject({ displayName: v.nullable(DisplayName) }) },
      )
  )
}
