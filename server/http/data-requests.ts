/**
 * Data-subject requests for admins (issue 18, S8; server/data-requests.ts):
 *   GET /api/admin/visitors?id= | ?email= | ?externalId=   -> { visitors } (at most 50)
 *   GET /api/admin/visitors/:id/export                    -> application/zip (recorded)
 *   POST /api/admin/visitors/:id/erase                    -> ErasureReport (recorded; server/erasure.ts)
 * An admin limited to their own inboxes (ELEVATED_SCOPE=members) finds and exports only the
 * visitors of those inboxes; anyone else's is not found.
 */
import { Elysia } from 'elysia'
import * as v from 'valibot'
import { ParleyError, wireString, type Party } from '../../protocol/index.ts'
import type { DataRequests } from '../data-requests.ts'
import type { ErasureReport } from '../erasure.ts'
import { requireAdmin, type HttpContext } from './context.ts'
import { Email, Id } from './schemas.ts'
import { doc } from './responses.ts'
import { ErasureReportShape, VisitorMatchesShape } from './shapes-admin.ts'

const Lookup = v.pipe(
  v.strictObject({
    id: v.optional(Id),
    email: v.optional(Email),
    externalId: v.optional(v.pipe(wireString('externalId'), v.minLength(1), v.maxLength(256))),
  }),
  v.check(
    (q) => [q.id, q.email, q.externalId].filter((x) => x !== undefined).length === 1,
    'name exactly one of id, email, externalId',
  ),
)

export function dataRequestRoutes(
  ctx: HttpContext,
  requests: DataRequests,
  erase: (visitorId: string, by: Party) => Promise<ErasureReport>,
) {
  /** inboxIds absent or null: every inbox. */
  const inScope = (admin: { inboxIds?: readonly string[] | null }, inboxId: string) =>
    !admin.inboxIds || admin.inboxIds.includes(inboxId)
  return new Elysia({ prefix: '/api/admin/visitors' })
    .get(
      '',
      async ({ headers, query }) => {
        const admin = await requireAdmin(ctx, headers)
        const found = await requests.find(query)
        return { visitors: found.filter((m) => inScope(admin, m.inboxId)) }
      },
      {
        query: Lookup,
        detail: doc({
          summary: 'Find visitors',
          tag: 'data-requests',
          description:
            "By exactly one of visitor id, e-mail or the site's user id (`externalId`); at " +
            "most 50, only of inboxes in the admin's scope.",
          access: 'admin',
          ok: VisitorMatchesShape,
        }),
      },
    )
    .get(
      '/:id/export',
      async ({ headers, params, request }) => {
        const admin = await requireAdmin(ctx, headers)
        const data = await requests.collect(params.id)
        if (!inScope(admin, data.visitor.inboxId))
          throw new ParleyError('not_found', 'visitor not found')
        await ctx.audit.record({
          actor: admin,
          action: 'visitor.exported',
          target: { kind: 'visitor', id: params.id },
          address: ctx.clientKey(request),
          details: {
            conversations: data.conversations.length,
            files: data.attachments.length,
          },
        })
        return new Response(requests.archive(data), {
          headers: {
            'content-type': 'application/zip',
            'content-disposition': `attachment; filename="parley-visitor-${params.id}.zip"`,
            'cache-control': 'no-store',
            'x-content-type-options': 'nosniff',
          },
        })
      },
      {
        params: v.object({ id: Id }),
        detail: doc({
          summary: "Export a visitor's data",
          tag: 'data-requests',
          description:
            'Everything Parley holds about the visitor, as one ZIP archive (`visitor.json`, ' +
            'the conversations with their events, the files). The export is on the audit trail.',
          access: 'admin',
          raw: { type: 'application/zip', description: 'The archive.' },
        }),
      },
    )
    .post(
      '/:id/erase',
      async ({ headers, params, request }) => {
        const admin = await requireAdmin(ctx, headers)
        const visitor = await ctx.store.visitors.getById(params.id)
        if (!visitor || !inScope(admin, visitor.inboxId))
          throw new ParleyError('not_found', 'visitor not found')
        const report = await erase(params.id, { kind: 'operator', id: admin.id })
        await ctx.audit.record({
          actor: admin,
          action: 'visitor.erased',
          target: { kind: 'visitor', id: params.id },
          address: ctx.clientKey(request),
          details: { conversations: report.conversations, files: report.filesPurged },
        })
        return report
      },
      {
        params: v.object({ id: Id }),
        detail: doc({
          summary: 'Erase a visitor',
          tag: 'data-requests',
          description:
            "Erases the visitor's profile, every conversation's content and their files; voids " +
            'their tokens. Cannot be undone. On the audit trail.',
          access: 'admin',
          ok: ErasureReportShape,
        }),
      },
    )
}
