/**
 * The guard of things an inbox holds a bounded number of (labels, macros, attributes, SLA
 * policies): in the adding transaction, the inbox row is read for update first (so concurrent
 * adds cannot race past the cap; an inbox that is gone is `not_found`), then its count is
 * checked against `max` (`validation_failed`: `an inbox defines at most <max> <what>`).
 */
import { count, eq, type SQL } from 'drizzle-orm'
import { ParleyError } from '../../protocol/index.ts'
import { queryStep, type SqlDialect, type Step } from '../sql/dialect.ts'
import { field, selectFields } from '../sql/statements.ts'
import type { TableName } from '../sql/tables.ts'

export function inboxCapSteps(
  db: SqlDialect,
  inboxId: string,
  counted: { table: TableName; where: SQL | undefined },
  max: number,
  what: string,
): Step[] {
  const i = db.tables.inboxes
  const owner = selectFields({ id: field(i.id) }, 'inboxes', {
    where: eq(i.id, inboxId),
    forUpdate: true,
  })
  const n = selectFields({ n: count() }, counted.table, { where: counted.where })
  return [
    queryStep(owner, {}, (rows) => {
      if (rows.length === 0) throw new ParleyError('not_found', 'inbox not found')
    }),
    queryStep(n, {}, (rows) => {
      if ((rows[0]?.n ?? 0) >= max) {
        throw new ParleyError('validation_failed', `an inbox defines at most ${max} ${what}`)
      }
    }),
  ]
}
