/**
 * The shared statements on SQLite. bun:sqlite is synchronous: statements are compiled once per
 * description (the repositories build their descriptions once) and a transaction runs all its
 * steps inside one synchronous callback, so nothing else can interleave with it.
 */
import { and, eq, getTableColumns, sql, type SQL } from 'drizzle-orm'
import type { SQLiteColumn, SQLiteTable } from 'drizzle-orm/sqlite-core'
import { decodeRows } from '../sql/decode.ts'
import { checkStep, type SqlDialect, type Step } from '../sql/dialect.ts'
import {
  applyClauses,
  type Insert,
  type Params,
  type Query,
  type UpdateMany,
} from '../sql/statements.ts'
import type { TableName } from '../sql/tables.ts'
import type { SqliteDb, SqliteHandle } from './connection.ts'
import { tables } from './schema.ts'

/** A compiled statement: bun:sqlite runs it synchronously. */
interface Compiled {
  all(params?: Params): unknown[]
}

/** What running drizzle's bun:sqlite prepared select takes (not all in its types). */
interface BunPrepared extends Compiled {
  fields?: unknown[]
  joinsNotNullableMap?: Record<string, boolean>
  values(params?: Params): unknown[][]
}

function table(name: TableName): SQLiteTable {
  return tables[name]
}

function compile(db: SqliteDb, query: Query<unknown>): Compiled {
  switch (query.kind) {
    case 'rows':
    case 'fields': {
      const base =
        query.kind === 'rows'
          ? db.select().from(table(query.from)).$dynamic()
          : db.select(query.fields).from(table(query.from)).$dynamic()
      applyClauses(base, query, table)
      const prepared = base.prepare() as unknown as BunPrepared
      const { fields, joinsNotNullableMap } = prepared
      if (!fields) return prepared
      return { all: (params) => decodeRows(fields, prepared.values(params), joinsNotNullableMap) }
    }
    case 'update':
      return db
        .update(table(query.table))
        .set(query.set)
        .where(query.where)
        .returning(query.returning)
        .prepare()
    case 'update_rows':
      return db.update(table(query.table)).set(query.set).where(query.where).returning().prepare()
    case 'delete':
      return db.delete(table(query.from)).where(query.where).returning(query.returning).prepare()
    case 'raw':
      return { all: () => db.all(query.sql) }
  }
}

/** One-row INSERT with a placeholder per column, so it compiles once and runs per row. */
function compileInsert(db: SqliteDb, insert: Insert<TableName>): Compiled {
  const target = table(insert.into)
  const columns = getTableColumns(target)
  const incoming = (key: string) => sql`${sql.placeholder(key)}`
  const values = Object.fromEntries(
    Object.keys(columns).map((key) => {
      const derive = insert.derived?.[key]
      return [key, derive ? derive(incoming) : sql.placeholder(key)]
    }),
  )
  const builder = db.insert(target).values(values)
  const conflict = insert.onConflict
  const statement = !conflict
    ? builder.prepare()
    : 'doNothing' in conflict
      ? builder.onConflictDoNothing().prepare()
      : builder
          .onConflictDoUpdate({
            target: conflict.target.map((key) => columnOf(columns, key)),
            set: conflict.set,
          })
          .prepare()
  return {
    all(params) {
      statement.run(params)
      return []
    },
  }
}

/** The UPDATE for one row, with placeholders: compiled once, run once per row. */
function compileUpdate(db: SqliteDb, update: UpdateMany<TableName>): Compiled {
  const target = table(update.table)
  const columns = getTableColumns(target)
  const incoming = (key: string) => sql`${sql.placeholder(key)}`
  const set: Record<string, SQL> = {}
  for (const key of update.columns) set[key] = incoming(key)
  for (const [key, derive] of Object.entries(update.derived)) {
    if (derive) set[key] = derive(incoming)
  }
  const key = columnOf(columns, update.key)
  const statement = db
    .update(target)
    .set(set)
    .where(and(eq(key, sql.placeholder(update.key)), update.only?.(incoming)))
    .returning({ key })
    .prepare()
  return { all: (params) => statement.all(params) }
}

function columnOf(columns: Record<string, SQLiteColumn>, key: string): SQLiteColumn {
  const column = columns[key]
  if (!column) throw new Error(`no column ${key}`)
  return column
}

export function sqliteDialect(handle: SqliteHandle): SqlDialect {
  const { db } = handle
  const compiled = new WeakMap<object, Compiled>()
  const cached = (description: object, build: () => Compiled): Compiled => {
    let found = compiled.get(description)
    if (!found) compiled.set(description, (found = build()))
    return found
  }
  const statement = (query: Query<unknown>) => cached(query, () => compile(db, query))

  /** Runs the step now (inside the caller's transaction) and applies its check. */
  const runStep = (step: Step): void => {
    if ('query' in step) {
      checkStep(step, statement(step.query).all(step.params))
      return
    }
    const run =
      'insert' in step
        ? cached(step.insert, () => compileInsert(db, step.insert))
        : cached(step.update, () => compileUpdate(db, step.update))
    checkStep(
      step,
      step.rows.flatMap((row) => run.all(row)),
    )
  }

  return {
    name: 'sqlite',
    tables,
    async all<R>(query: Query<R>, params?: Params): Promise<R[]> {
      // R is the row type the description declares for exactly this statement.
      return statement(query).all(params) as R[]
    },
    async insert(insert, rows) {
      handle.checkFile()
      handle.transaction(() => runStep({ insert, rows }))
      handle.checkFile()
    },
    async transaction(steps) {
      // Before: nothing goes into a file that was removed. After: a removal during the
      // transaction is reported rather than acknowledged.
      handle.checkFile()
      handle.transaction(() => {
        for (const step of steps) runStep(step)
      })
      handle.checkFile()
    },
    classify: (error) =>
      handle.isUniqueViolation(error)
        ? 'unique_violation'
        : handle.isUnavailable(error)
          ? 'unavailable'
          : 'other',
    async ping() {
      handle.ping()
    },
    async probe() {
      handle.probe()
    },
    // bun:sqlite raises every fault in the caller's own call.
    absorb: () => false,
    flushSearch: () => handle.flushSearch(),
    async close() {
      await handle.close()
    },
  }
}
