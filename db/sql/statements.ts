/**
 * Statements as data. The repositories describe each query once, with drizzle's dialect-neutral
 * operators (`eq`, `and`, `sql`...) over either dialect's columns; a dialect (db/sqlite,
 * db/postgres) turns a description into its own query builder, runs it and returns rows typed
 * by the description. A description built once with `param()` placeholders is compiled once.
 */
import { sql, type Column, type GetColumnData, type Placeholder, type SQL } from 'drizzle-orm'
import type { Rows, TableName } from './tables.ts'

/** Named values bound when a statement runs. */
export type Params = Record<string, unknown>

/** Selected columns and expressions, each decoding to its own type. */
export type Fields = Record<string, SQL>

/** The row a selection of fields returns. */
export type Selected<F extends Fields> = { [K in keyof F]: F[K] extends SQL<infer T> ? T : never }

/** Values an UPDATE or an upsert sets: a plain value (encoded like the column) or an expression. */
export type SetValues<K extends TableName> = { [C in keyof Rows[K]]?: Rows[K][C] | SQL }

interface Clauses {
  where?: SQL
  orderBy?: SQL[]
  limit?: number | Placeholder
  /** Rows skipped before the first returned (after ORDER BY); only with a bounded offset. */
  offset?: number
  /** Lock the rows until the transaction ends (Postgres `for update`; SQLite locks anyway). */
  forUpdate?: boolean
}

/** A statement whose rows have type R. R only types the result; nothing stores it. */
export type Query<R> = (
  | (Clauses & { kind: 'rows'; from: TableName })
  | (Clauses & {
      kind: 'fields'
      fields: Fields
      from: TableName
      leftJoin?: { table: TableName; on: SQL | undefined }
      groupBy?: SQL[]
    })
  | {
      kind: 'update'
      table: TableName
      set: Record<string, unknown>
      where?: SQL
      returning: Fields
    }
  | { kind: 'update_rows'; table: TableName; set: Record<string, unknown>; where?: SQL }
  | { kind: 'delete'; from: TableName; where?: SQL; returning: Fields }
  /** One dialect's own SQL (full-text search), its values bound in it; compiled per run. */
  | { kind: 'raw'; sql: SQL }
) & { readonly row?: R }

/**
 * A statement written for one dialect, for what the shared builders cannot say (full-text
 * search). Its values are bound in `sql` itself; rows come back as the driver returns them.
 */
export function rawQuery<R>(statement: SQL): Query<R> {
  return { kind: 'raw', sql: statement }
}

/** A SELECT description: whole rows or chosen fields. */
export type SelectQuery = Extract<Query<unknown>, { kind: 'rows' | 'fields' }>

/**
 * What the select builders of both dialects offer after FROM, in drizzle's dynamic mode, where
 * each call changes the builder in place. T is the dialect's table type.
 */
export interface SelectBuilder<T> {
  leftJoin(table: T, on: SQL | undefined): unknown
  where(where: SQL | undefined): unknown
  groupBy(...columns: SQL[]): unknown
  orderBy(...columns: SQL[]): unknown
  limit(limit: number | Placeholder): unknown
  offset(offset: number): unknown
}

/** Applies a select description's join and clauses: the same on every dialect. */
export function applyClauses<T>(
  builder: SelectBuilder<T>,
  query: SelectQuery,
  table: (name: TableName) => T,
): void {
  if (query.kind === 'fields' && query.leftJoin) {
    builder.leftJoin(table(query.leftJoin.table), query.leftJoin.on)
  }
  builder.where(query.where)
  if (query.kind === 'fields' && query.groupBy) builder.groupBy(...query.groupBy)
  if (query.orderBy) builder.orderBy(...query.orderBy)
  if (query.limit !== undefined) builder.limit(query.limit)
  if (query.offset !== undefined && query.offset > 0) builder.offset(query.offset)
}

/** What an insert does when a row's key is taken: fail (default), skip the row, or update it. */
export type OnConflict = { doNothing: true } | { target: string[]; set: Record<string, unknown> }

/**
 * An INSERT of whole rows of table K; the rows are given when it runs. `derived` columns are
 * not taken from the rows: each is computed by SQL over the row's other values
 * (`incoming(column)`), as the store assigns them (a conversation's number, the log's key).
 */
export interface Insert<K extends TableName> {
  kind: 'insert'
  into: K
  onConflict?: OnConflict
  derived?: Partial<Record<string, Derive>>
}

/**
 * One UPDATE for many rows, each found by its `key` and given its own `columns` values: a single
 * statement where the dialect can (Postgres reads the values from arrays), a compiled statement
 * run once per row otherwise. `derived` columns are computed by SQL from an incoming value,
 * which `incoming(column)` stands for. It returns one `{ key }` row per row updated.
 */
export interface UpdateMany<K extends TableName> {
  kind: 'update_many'
  table: K
  key: string
  columns: string[]
  derived: Partial<Record<string, Derive>>
  /** Updates a row only where this holds too (SQL over the incoming values). */
  only?: Derive
}

/** A column's new value as SQL over the incoming values (`incoming(column)`). */
export type Derive = (incoming: (column: string) => SQL) => SQL

/** Builds an UpdateMany with the key and columns checked against the table's row. */
export function updateMany<K extends TableName>(
  table: K,
  key: keyof Rows[K] & string,
  columns: (keyof Rows[K] & string)[],
  derived: Partial<Record<keyof Rows[K] & string, Derive>> = {},
  only?: Derive,
): UpdateMany<K> {
  return { kind: 'update_many', table, key, columns, derived, ...(only && { only }) }
}

/** A value bound when the statement runs, under `name` in its params. */
export function param(name: string): Placeholder {
  return sql.placeholder(name)
}

/**
 * One statement per size (ids in a list, a batch limit), built on first use and kept: a
 * statement with a list of literal values is compiled again on every run, and its text differs
 * with the values, so the driver cannot keep it prepared.
 */
export function bySize<T>(build: (n: number) => T): (n: number) => T {
  const built = new Map<number, T>()
  return (n) => {
    let found = built.get(n)
    if (found === undefined) built.set(n, (found = build(n)))
    return found
  }
}

/** `n` placeholders `id0`..: the list of a bySize statement, and its params for these ids. */
export function idList(n: number): Placeholder[] {
  return Array.from({ length: n }, (_, i) => param(`id${i}`))
}
export function idParams(ids: readonly string[], params: Record<string, unknown> = {}) {
  ids.forEach((id, i) => (params[`id${i}`] = id))
  return params
}

/** A placeholder where drizzle wants an expression (an UPDATE's `set`). */
export function bound(name: string): SQL {
  return sql`${sql.placeholder(name)}`
}

/** A column as a select field that decodes like the column (booleans, bigints, JSON). */
export function field<C extends Column>(column: C): SQL<GetColumnData<C>> {
  return sql`${column}`.mapWith(column)
}

/** Whole rows of one table. */
export function selectRows<K extends TableName>(from: K, clauses: Clauses = {}): Query<Rows[K]> {
  return { kind: 'rows', from, ...clauses }
}

/** Chosen fields, optionally over a LEFT JOIN and grouped. */
export function selectFields<F extends Fields>(
  fields: F,
  from: TableName,
  clauses: Clauses & { leftJoin?: { table: TableName; on: SQL | undefined }; groupBy?: SQL[] } = {},
): Query<Selected<F>> {
  return { kind: 'fields', fields, from, ...clauses }
}

/** UPDATE ... RETURNING the given fields: one returned row per updated row. */
export function update<K extends TableName, F extends Fields>(
  table: K,
  set: SetValues<K>,
  where: SQL | undefined,
  returning: F,
): Query<Selected<F>> {
  return { kind: 'update', table, set, where, returning }
}

/** UPDATE ... RETURNING the whole updated rows. */
export function updateRows<K extends TableName>(
  table: K,
  set: SetValues<K>,
  where: SQL | undefined,
): Query<Rows[K]> {
  return { kind: 'update_rows', table, set, where }
}

/** DELETE ... RETURNING the given fields. */
export function remove<F extends Fields>(
  from: TableName,
  where: SQL | undefined,
  returning: F,
): Query<Selected<F>> {
  return { kind: 'delete', from, where, returning }
}

/** INSERT of whole rows; `onConflict` keys and columns are the table's property names. */
export function insertInto<K extends TableName>(
  into: K,
  onConflict?: { doNothing: true } | { target: (keyof Rows[K] & string)[]; set: SetValues<K> },
  derived?: Partial<Record<keyof Rows[K] & string, Derive>>,
): Insert<K> {
  return { kind: 'insert', into, onConflict, ...(derived && { derived }) }
}
