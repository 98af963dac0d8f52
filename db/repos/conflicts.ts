/** Driver errors the repositories turn into typed errors a caller can act on. */
import { ParleyError } from '../../protocol/index.ts'
import type { SqlDialect } from '../sql/dialect.ts'
import type { Insert } from '../sql/statements.ts'
import type { Rows, TableName } from '../sql/tables.ts'

/** A taken unique key becomes a `conflict` with this message; anything else passes through. */
export function asConflict(db: SqlDialect, error: unknown, message: string): unknown {
  if (db.classify(error) !== 'unique_violation') return error
  const conflict = new ParleyError('conflict', message)
  conflict.cause = error
  return conflict
}

/** Inserts one row; a taken id or unique key is a conflict naming `what`. */
export async function insertOrConflict<K extends TableName>(
  db: SqlDialect,
  insert: Insert<K>,
  row: Rows[K],
  what: string,
): Promise<void> {
  try {
    await db.insert(insert, [row])
  } catch (error) {
    throw asConflict(db, error, `${what} already exists`)
  }
}
