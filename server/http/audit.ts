/**
 * The audit trail for admins (issue 18, S6), newest first:
 *   GET /api/admin/audit?action=&actor=&target=&from=&to=&before=&limit=
 *       -> { entries, next } (next: the `before` of the following page, null at the end)
 *   GET /api/admin/audit?format=csv&...   -> text/csv of up to 10,000 entries
 * Read-only: nothing in the product changes an entry; the retention job (AUDIT_RETENTION_DAYS)
 * removes old ones. A CSV export is itself recorded (`audit.exported`).
 */
import { Elysia } from 'elysia'
import * as v from 'valibot'
import { wireString } from '../../protocol/index.ts'
import { auditCsv } from '../audit.ts'
import { requireAdmin, type HttpContext } from './context.ts'
import { Id, QueryInt } from './schemas.ts'
import { doc } from './responses.ts'
import { AuditPageShape } from './shapes-admin.ts'

const PAGE = 50
const MAX_PAGE = 200
const MAX_CSV = 10_000

const AuditQuery = v.strictObject({
  action: v.optional(
    v.pipe(
      wireString('action'),
      v.regex(/^[a-z_.]{1,64}$/, 'action: a dotted name like auth.login'),
    ),
  ),
  actor: v.optional(Id),
  target: v.optional(v.pipe(wireString('target'), v.minLength(1), v.maxLength(128))),
  from: v.optional(QueryInt),
  to: v.optional(QueryInt),
  before: v.optional(Id),
  limit: v.optional(
    v.pipe(QueryInt, v.minValue(1), v.maxValue(MAX_PAGE, `limit: at most ${MAX_PAGE}`)),
  ),
  format: v.optional(v.picklist(['json', 'csv'])),
})

export function auditRoutes(ctx: HttpContext) {
  return new Elysia().get(
    '/api/admin/audit',
    async ({ headers, query, set, request }) => {
      const admin = await requireAdmin(ctx, headers)
      const filter = {
        ...(query.action !== undefined ? { action: query.action } : {}),
        ...(query.actor !== undefined ? { actorId: query.actor } : {}),
        ...(query.target !== undefined ? { targetId: query.target } : {}),
        ...(query.from !== undefined ? { from: query.from } : {}),
        ...(query.to !== undefined ? { to: query.to } : {}),
        ...(query.before !== undefined ? { before: query.before } : {}),
      }
      if (query.format === 'csv') {
        const entries = await ctx.store.audit.list({ ...filter, limit: MAX_CSV })
        // An export is itself on record: who took the trail away, and which part of it.
        await ctx.audit.record({
          actor: admin,
          action: 'audit.exported',
          address: ctx.clientKey(request),
          details: { filter, entries: entries.length },
        })
        set.headers['content-type'] = 'text/csv; charset=utf-8'
        set.headers['content-disposition'] = 'attachment; filename="parley-audit.csv"'
        return auditCsv(entries)
      }
      const limit = query.limit ?? PAGE
      const entries = await ctx.store.audit.list({ ...filter, limit: limit + 1 })
      const page = entries.slice(0, limit)
      return { entries: page, next: entries.length > limit ? (page.at(-1)?.id ?? null) : null }
    },
    {
      query: AuditQuery,
      detail: doc({
        summary: 'Read the audit trail',
        tag: 'audit',
        description:
          'Newest first, filtered by action, actor, target and time (epoch ms). Pages: pass ' +
          '`next` as `before` for the following page; `next` is null at the end. With ' +
          '`format=csv`, up to 10,000 entries as a CSV file instead (the export is itself on ' +
          'the trail).',
        access: 'admin',
        ok: AuditPageShape,
        raw: { type: 'text/csv', description: 'With `format=csv`: the entries as CSV.' },
      }),
    },
  )
}
