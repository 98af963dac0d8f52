/** The supervisors' live overview (O5): `GET /api/overview`, supervisors and admins only. */
import { Elysia } from 'elysia'
import * as v from 'valibot'
import { buildOverview } from '../overview.ts'
import { requireElevated } from '../supervisor.ts'
import { principalOf, type HttpContext } from './context.ts'
import { doc } from './responses.ts'
import { OverviewShape } from './shapes-chat.ts'

export function overviewRoutes(ctx: HttpContext) {
  return new Elysia().get(
    '/api/overview',
    async ({ headers }) =>
      buildOverview(ctx, requireElevated(await principalOf(ctx, headers), 'the overview')),
    {
      query: v.strictObject({}),
      detail: doc({
        summary: 'Live overview',
        tag: 'overview',
        description:
          'Per inbox in scope (at most 100): its operators (status, presence, load) and per ' +
          'branch its queue and unanswered conversations.',
        access: 'elevated',
        ok: OverviewShape,
      }),
    },
  )
}
