/**
 * The shared statements on Postgres. Every statement is a server-side prepared statement
 * (postgres.js caches them per connection by text). A transaction issues all its steps at
 * once on its connection and awaits them together: postgres.js pipelines them, so a group
 * commit of a hundred writes costs a few round trips instead of hundreds, and the server still
 * runs them in order. Many-row inserts and updates are one statement each (bulk.ts).
 */
import { PgDatabase, PgDialect, type PgQueryResultHKT, type PgTable } from 'drizzle-orm/pg-core'
import { PostgresJsSession } from 'drizzle-orm/postgres-js'
import type postgres from 'postgres'
import { checkStep, type SqlDialect, type Step } from '../sql/dialect.ts'
import {
  applyClauses,
  type Insert,
  type Params,
  type Query,
  type UpdateMany,
} from '../sql/statements.ts'
import type { TableName } from '../sql/tables.ts'
import { compileInsert, compileUpdate, runBulk, type Bulk } from './bulk.ts'
import { isUniqueViolation, type PostgresHandle } from './connection.ts'
import { tables } from './schema.ts'

/** The pool or one transaction's connection. */
type Session = PgDatabase<PgQueryResultHKT>

/** A statement ready to run with its params. */
interface Prepared {
  execute(params?: Params): Promise<unknown>
}

/** Drizzle only uses the name as a flag: any name makes postgres.js prepare on the server. */
const PREPARE = 'parley'

function table(name: TableName): PgTable {
  return tables[name]
}

function prepare(session: Session, query: Query<unknown>): Prepared {
  switch (query.kind) {
    case 'rows':
    case 'fields': {
      const base =
        query.kind === 'rows'
          ? session.select().from(table(query.from)).$dynamic()
          : session.select(query.fields).from(table(query.from)).$dynamic()
      applyClauses(base, query, table)
      if (query.forUpdate) base.for('update')
      return base.prepare(PREPARE)
    }
    case 'update':
    case 'update_rows': {
      const base = session.update(table(query.table)).set(query.set).where(query.where)
      const returning = query.kind === 'update' ? base.returning(query.returning) : base.returning()
      return returning.prepare(PREPARE)
    }
    case 'delete':
      return session
        .delete(table(query.from))
        .where(query.where)
        .returning(query.returning)
        .prepare(PREPARE)
  }
}

/** Statements of one transaction: its connection, and each description built once in it. */
interface TransactionScope {
  connection: postgres.Sql
  session: Session
  built: Map<object, Prepared>
}

export function postgresDialect(handle: PostgresHandle): SqlDialect {
  const { db, client } = handle
  const dialect = new PgDialect()
  // Outside transactions a description is turned into a query once; a transaction's
  // statements are built on its own connection, once per transaction.
  const pooled = new WeakMap<object, Prepared>()
  const onPool = (query: Query<unknown>): Prepared => {
    let found = pooled.get(query)
    if (!found) pooled.set(query, (found = prepare(db, query)))
    return found
  }
  const bulk = new WeakMap<object, Bulk>()
  const compiled = (description: Insert<TableName> | UpdateMany<TableName>): Bulk => {
    let found = bulk.get(description)
    if (!found) {
      found = 'into' in description ? compileInsert(description) : compileUpdate(description)
      bulk.set(description, found)
    }
    return found
  }

  /** Starts the step's statement now; resolves to what its check needs. */
  const issue = (scope: TransactionScope, step: Step): Promise<unknown> => {
    if ('insert' in step) return runBulk(scope.connection, compiled(step.insert), step.rows)
    if ('update' in step) return runBulk(scope.connection, compiled(step.update), step.rows)
    let statement = scope.built.get(step.query)
    if (!statement) scope.built.set(step.query, (statement = prepare(scope.session, step.query)))
    return statement.execute(step.params)
  }

  /**
   * BEGIN goes out with the statements instead of a round trip ahead of them, and all the
   * statements go out at once; COMMIT follows once every statement has answered and every
   * check has passed, ROLLBACK otherwise.
   */
  const transaction = async (steps: readonly Step[]): Promise<void> => {
    const connection = await client.reserve()
    try {
      const begin = connection`begin`.execute()
      // Awaited below, after the statements; until then its failure must not count as unhandled.
      begin.catch(() => {})
      // What drizzle's own transaction() builds, over a connection whose BEGIN is already sent.
      const session: Session = new PgDatabase(
        dialect,
        new PostgresJsSession(connection, dialect, undefined),
        undefined,
      )
      const scope = { connection, session, built: new Map<object, Prepared>() }
      const results = await Promise.allSettled(steps.map((step) => issue(scope, step)))
      try {
        await begin
        // In step order: the first failure is the real one; the statements after a failed
        // one only report that the transaction was aborted.
        for (const [i, step] of steps.entries()) {
          const result = results[i]
          if (result?.status === 'rejected') throw result.reason
          checkStep(step, result?.value)
        }
      } catch (error) {
        // A rollback that fails too (a dropped connection) must not hide the first error.
        await connection`rollback`.catch(() => {})
        throw error
      }
      await connection`commit`
    } finally {
      connection.release()
    }
  }

  return {
    name: 'postgres',
    tables,
    async all<R>(query: Query<R>, params?: Params): Promise<R[]> {
      // R is the row type the description declares for exactly this statement.
      return (await onPool(query).execute(params)) as R[]
    },
    async insert(insert, rows) {
      // One statement: atomic without a transaction around it.
      if (rows.length > 0) await runBulk(client, compiled(insert), rows)
    },
    transaction,
    classify: (error) => (isUniqueViolation(error) ? 'unique_violation' : 'other'),
    async ping() {
      await client`select 1`
    },
    close: () => handle.close(),
  }
}
