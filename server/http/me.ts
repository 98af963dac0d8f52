/** The signed-in operator's own status and badges (O2, O3, O4). */
import { Elysia } from 'elysia'
import * as v from 'valibot'
import { OperatorStatus } from '../../protocol/index.ts'
import { principalOf, type HttpContext } from './context.ts'

export function meRoutes(ctx: HttpContext) {
  return new Elysia({ prefix: '/api/me' })
    .get('/badges', async ({ headers }) =>
      ctx.chat.operatorSnapshot(await principalOf(ctx, headers)),
    )
    .put(
      '/status',
      async ({ headers, body }) =>
        ctx.chat.setOperatorStatus(await principalOf(ctx, headers), body.status),
      { body: v.strictObject({ status: OperatorStatus }) },
    )
}
