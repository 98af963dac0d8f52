/**
 * Many rows in one statement on Postgres: every column travels as one array parameter and
 * `unnest` turns the arrays back into rows. The text of such a statement, and so the server's
 * prepared plan, is the same whatever the row count, and no row count runs into the limit on
 * bound parameters. Compiled once per description; run with postgres.js directly.
 */
import { fillPlaceholders, getTableColumns, sql, type SQL, type SQLChunk } from 'drizzle-orm'
import { PgDialect, type PgColumn, type PgTable } from 'drizzle-orm/pg-core'
import type postgres from 'postgres'
import type { Insert, Params, UpdateMany } from '../sql/statements.ts'
import type { TableName } from '../sql/tables.ts'
import { tables } from './schema.ts'

/** A compiled bulk statement: its SQL text and params, one placeholder per array. */
export interface Bulk {
  text: string
  params: unknown[]
  /** The columns whose arrays it takes, by property name. */
  columns: [key: string, column: PgColumn][]
}

const pgDialect = new PgDialect()
const list = (parts: SQLChunk[]) => sql.join(parts, sql`, `)

function columnsOf(name: TableName): Map<string, PgColumn> {
  return new Map(Object.entries(getTableColumns(tables[name])))
}

function pick(columns: Map<string, PgColumn>, key: string, table: TableName): PgColumn {
  const column = columns.get(key)
  if (!column) throw new Error(`no column ${key} in ${table}`)
  return column
}

/** `$n::type[]` for each column: the arrays unnest reads. */
function arrays(columns: [string, PgColumn][]): SQL {
  return list(columns.map(([key, c]) => sql`${sql.placeholder(key)}::${sql.raw(c.getSQLType())}[]`))
}

function compile(statement: SQL, columns: [string, PgColumn][]): Bulk {
  const query = pgDialect.sqlToQuery(statement)
  return { text: query.sql, params: query.params, columns }
}

/**
 * `insert ... select * from unnest(...)`, with the insert's conflict clause; derived columns
 * are computed in the select list over the unnested row `v`.
 */
export function compileInsert(insert: Insert<TableName>): Bulk {
  const target: PgTable = tables[insert.into]
  const byKey = columnsOf(insert.into)
  const derived = Object.entries(insert.derived ?? {}).flatMap(([key, derive]) =>
    derive ? [{ column: pick(byKey, key, insert.into), derive }] : [],
  )
  const columns = [...byKey].filter(([key]) => !insert.derived?.[key])
  const names = list(columns.map(([, c]) => sql.identifier(c.name)))
  let statement =
    derived.length === 0
      ? sql`insert into ${target} (${names}) select * from unnest(${arrays(columns)})`
      : sql`insert into ${target} (${names}, ${list(derived.map((d) => sql.identifier(d.column.name)))})
          select v.*, ${list(derived.map((d) => d.derive((key) => sql`v.${sql.identifier(pick(byKey, key, insert.into).name)}`)))}
          from unnest(${arrays(columns)}) as v(${names})`
  const conflict = insert.onConflict
  const column = (key: string) => sql.identifier(pick(byKey, key, insert.into).name)
  if (conflict && 'doNothing' in conflict) {
    statement = sql`${statement} on conflict do nothing`
  } else if (conflict) {
    const set = Object.entries(conflict.set).map(([key, value]) => sql`${column(key)} = ${value}`)
    statement = sql`${statement} on conflict (${list(conflict.target.map(column))}) do update set ${list(set)}`
  }
  return compile(statement, columns)
}

/** `update ... from unnest(...) as v(...) where key = v.key returning key`. */
export function compileUpdate(update: UpdateMany<TableName>): Bulk {
  const target: PgTable = tables[update.table]
  const byKey = columnsOf(update.table)
  const columns = [update.key, ...update.columns].map((key): [string, PgColumn] => [
    key,
    pick(byKey, key, update.table),
  ])
  const incoming = (key: string) => sql`v.${sql.identifier(pick(byKey, key, update.table).name)}`
  const set = [
    ...update.columns.map(
      (key) => sql`${sql.identifier(pick(byKey, key, update.table).name)} = ${incoming(key)}`,
    ),
    ...Object.entries(update.derived).flatMap(([key, derive]) =>
      derive
        ? [sql`${sql.identifier(pick(byKey, key, update.table).name)} = ${derive(incoming)}`]
        : [],
    ),
  ]
  const names = list(columns.map(([, c]) => sql.identifier(c.name)))
  const keyColumn = pick(byKey, update.key, update.table)
  const statement = sql`update ${target} set ${list(set)}
    from unnest(${arrays(columns)}) as v(${names})
    where ${keyColumn} = ${incoming(update.key)}${update.only ? sql` and ${update.only(incoming)}` : sql``}
    returning ${keyColumn} as key`
  return compile(statement, columns)
}

/**
 * A Postgres array literal with every element quoted: the statement casts it to the column's
 * array type. Written out rather than left to the driver, which types an array parameter by its
 * first element (a boolean array as a boolean) until it has read the server's type catalog.
 */
function arrayLiteral(values: unknown[]): string {
  const quote = (value: unknown) => {
    if (value === null) return 'NULL'
    const text = String(value)
    return `"${NEEDS_ESCAPE.test(text) ? text.replace(ESCAPED, (c) => `\\${c}`) : text}"`
  }
  return `{${values.map(quote).join(',')}}`
}

const NEEDS_ESCAPE = /[\\"]/
const ESCAPED = /[\\"]/g

/** Runs a compiled bulk statement for `rows` on `client` (the pool or a transaction's). */
export function runBulk(client: postgres.Sql, bulk: Bulk, rows: readonly Params[]) {
  const values: Params = {}
  for (const [key, column] of bulk.columns) {
    values[key] = arrayLiteral(
      rows.map((row) => {
        const value = row[key]
        return value === null || value === undefined ? null : column.mapToDriverValue(value)
      }),
    )
  }
  const params = fillPlaceholders(bulk.params, values) as postgres.ParameterOrJSON<never>[]
  // Sent now, not when first awaited (postgres.js queries are lazy): in a transaction it must
  // go out before the statements issued after it.
  return client.unsafe(bulk.text, params, { prepare: true }).execute()
}
