/**
 * Row decoding for both dialects: what drizzle's mapResultRow does, without its per-row work for
 * a flat selection (every field at the top level, which is all these statements select): the
 * names and decoders are read once per statement, then each row is one loop. A nested selection
 * (none here today) goes through drizzle's own decoder, so the result is the same either way.
 */
import * as drizzleOrm from 'drizzle-orm'
import { Column, is, SQL } from 'drizzle-orm'

/** A selected field as drizzle's prepared statements keep it (not in its types). */
interface SelectedField {
  path: string[]
  field: unknown
}

interface Decoder {
  mapFromDriverValue(value: unknown): unknown
}

/** drizzle-orm's row decoder (exported by the package, not declared in its types). */
const mapResultRow = (
  drizzleOrm as unknown as {
    mapResultRow(fields: unknown[], row: unknown[], joins?: Record<string, boolean>): unknown
  }
).mapResultRow

/** Per statement's fields: the names and decoders of a flat selection, or null (nested). */
const flat = new WeakMap<object, { names: string[]; decoders: Decoder[] } | null>()

function flatOf(fields: readonly unknown[]): { names: string[]; decoders: Decoder[] } | null {
  let found = flat.get(fields)
  if (found !== undefined) return found
  const selected = fields as readonly SelectedField[]
  found = selected.every((f) => f.path.length === 1)
    ? { names: selected.map((f) => f.path[0] ?? ''), decoders: selected.map(decoderOf) }
    : null
  flat.set(fields, found)
  return found
}

/** A SQL expression's decoder (mapWith's; private in drizzle's types). */
const decoderOfSql = (sql: SQL | undefined): Decoder | undefined =>
  (sql as unknown as { decoder?: Decoder } | undefined)?.decoder

/** The decoder mapResultRow picks for a field: the column, the SQL's, an alias' or subquery's. */
function decoderOf({ field }: SelectedField): Decoder {
  if (is(field, Column)) return field
  if (is(field, SQL)) return decoderOfSql(field) ?? IDENTITY
  const sub = field as { _?: { sql: SQL }; sql?: SQL }
  return decoderOfSql(sub._?.sql ?? sub.sql) ?? IDENTITY
}

const IDENTITY: Decoder = { mapFromDriverValue: (value) => value }

/** The rows (arrays of driver values, in field order) as drizzle would return them. */
export function decodeRows(
  fields: readonly unknown[],
  rows: readonly unknown[][],
  joins?: Record<string, boolean>,
): unknown[] {
  const shape = flatOf(fields)
  // Nested selections: drizzle's own decoder (nulls out a joined table that matched nothing).
  if (!shape) return rows.map((row) => mapResultRow([...fields], row, joins))
  const { names, decoders } = shape
  const n = names.length
  const out = new Array<unknown>(rows.length)
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r] ?? []
    const result: Record<string, unknown> = {}
    for (let i = 0; i < n; i++) {
      const raw = row[i]
      result[names[i] ?? ''] = raw === null ? null : decoders[i]?.mapFromDriverValue(raw)
    }
    out[r] = result
  }
  return out
}
