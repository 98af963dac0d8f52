/** The audit trail (issue 18, S6): appended to, read newest first, aged out by retention. */
import { and, asc, desc, eq, gte, inArray, lt, lte, or, type SQL } from 'drizzle-orm'
import type { AuditEntry, AuditFilter, AuditStore } from '../../actors/ports.ts'
import type { SqlDialect } from '../sql/dialect.ts'
import { field, insertInto, remove, selectFields, selectRows } from '../sql/statements.ts'

export class SqlAuditStore implements AuditStore {
  readonly #insert = insertInto('auditLog')

  constructor(private readonly db: SqlDialect) {}

  append(entry: AuditEntry): Promise<void> {
    return this.db.insert(this.#insert, [{ ...entry, details: entry.details ?? null }])
  }

  async list(filter: AuditFilter): Promise<AuditEntry[]> {
    const a = this.db.tables.auditLog
    const where: SQL[] = []
    if (filter.action !== undefined) where.push(eq(a.action, filter.action))
    if (filter.actorId !== undefined) where.push(eq(a.actorId, filter.actorId))
    if (filter.targetId !== undefined) where.push(eq(a.targetId, filter.targetId))
    if (filter.from !== undefined) where.push(gte(a.at, filter.from))
    if (filter.to !== undefined) where.push(lte(a.at, filter.to))
    if (filter.before !== undefined) {
      // Keyset: older than the given entry, by (at, id).
      const [cursor] = await this.db.all(
        selectFields({ at: field(a.at) }, 'auditLog', { where: eq(a.id, filter.before) }),
      )
      if (!cursor) return []
      const older = or(lt(a.at, cursor.at), and(eq(a.at, cursor.at), lt(a.id, filter.before)))
      if (older) where.push(older)
    }
    const rows = await this.db.all(
      selectRows('auditLog', {
        where: where.length > 0 ? and(...where) : undefined,
        orderBy: [desc(a.at), desc(a.id)],
        limit: filter.limit,
      }),
    )
    return rows.map((r) => ({ ...r, details: r.details ?? null }))
  }

  async purge(before: number, max: number): Promise<number> {
    const a = this.db.tables.auditLog
    const oldest = await this.db.all(
      selectFields({ id: field(a.id) }, 'auditLog', {
        where: lt(a.at, before),
        orderBy: [asc(a.at), asc(a.id)],
        limit: max,
      }),
    )
    if (oldest.length === 0) return 0
    const removed = await this.db.all(
      remove(
        'auditLog',
        inArray(
          a.id,
          oldest.map((r) => r.id),
        ),
        { id: field(a.id) },
      ),
    )
    return removed.length
  }
}
