/** The supervisors' live overview (O5): `GET /api/overview`, supervisors and admins only. */
import { Elysia } from 'elysia'
import * as v from 'valibot'
import { buildOverview } from '../overview.ts'
import { requireElevated } from '../supervisor.ts'
import { principalOf, type HttpContext } from './context.ts'

export function overviewRoutes(ctx: HttpContext) {
  return new Elysia().get(
    '/api/overview',
    async ({ headers }) =>
      buildOverview(ctx, requireElevated(await principalOf(ctx, headers), 'the overview')),
    { query: v.strictObject({}) },
  )
}
