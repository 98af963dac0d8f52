/**
 * The port between the shared repositories and a database. Each dialect (db/sqlite,
 * db/postgres) implements it in one file; everything above it is written once.
 */
import { DrizzleQueryError } from 'drizzle-orm'
import type { Insert, Params, Query, UpdateMany } from './statements.ts'
import type { NewRow, Rows, TableName, Tables } from './tables.ts'

/** One statement of a transaction, run in order with the others. */
export type Step =
  | {
      query: Query<unknown>
      params?: Params
      /** Sees the statement's rows; throwing rolls the whole transaction back. */
      check?(rows: readonly unknown[]): void
    }
  | { insert: Insert<TableName>; rows: readonly Params[] }
  | {
      update: UpdateMany<TableName>
      rows: readonly Params[]
      /** Sees one `{ key }` row per row updated. */
      check?(updated: readonly { key: unknown }[]): void
    }

/** A statement step whose check sees the rows typed. */
export function queryStep<R>(
  query: Query<R>,
  params: Params,
  check?: (rows: readonly R[]) => void,
): Step {
  // Method syntax in Step makes `check` bivariant, so the typed callback is accepted as is.
  return check ? { query, params, check } : { query, params }
}

/** An insert step; nothing to do for no rows. */
export function insertStep<K extends TableName>(
  insert: Insert<K>,
  rows: readonly NewRow<K>[],
): Step[] {
  return rows.length === 0 ? [] : [{ insert, rows }]
}

/** Runs the step's check, if it has one, on what its statement returned. */
export function checkStep(step: Step, returned: unknown): void {
  // The dialect hands back exactly what the step's statement returned: rows for a query,
  // `{ key }` rows for an UpdateMany, nothing useful for an insert.
  if ('query' in step) step.check?.(returned as unknown[])
  else if ('update' in step) step.check?.(returned as { key: unknown }[])
}

/** An UpdateMany step: one row of values per row to update. */
export function updateStep<K extends TableName>(
  update: UpdateMany<K>,
  rows: readonly Params[],
  check?: (updated: readonly { key: unknown }[]) => void,
): Step {
  return check ? { update, rows, check } : { update, rows }
}

/**
 * What a driver error means to the store, as far as the store cares: a taken unique key (a
 * conflict the caller can act on), the database being unreachable, stalled or out of space
 * (retry later; the node is not ready meanwhile), or anything else (a bug).
 */
export type ErrorKind = 'unique_violation' | 'unavailable' | 'other'

export interface SqlDialect {
  readonly name: 'sqlite' | 'postgres'
  /** This dialect's tables: build conditions from their columns. */
  readonly tables: Tables
  /** Runs one statement on its own. */
  all<R>(query: Query<R>, params?: Params): Promise<R[]>
  /** Inserts the rows in one statement or transaction: all of them or none. */
  insert<K extends TableName>(insert: Insert<K>, rows: readonly Rows[K][]): Promise<void>
  /**
   * Runs the steps in order in one transaction: all commit, or nothing does and the first
   * failure (a statement error or a check that threw) is rethrown.
   */
  transaction(steps: readonly Step[]): Promise<void>
  classify(error: unknown): ErrorKind
  /** Throws when the database cannot be reached. */
  ping(): Promise<void>
  /**
   * A write transaction that changes no data but needs what every conversation write needs
   * (the connection, the write locks of the write-path tables, a durable commit): it fails or
   * stalls exactly when writes would. Readiness uses it to tell when a failing store is back.
   */
  probe(): Promise<void>
  /**
   * Given an error no caller could catch (thrown from a driver's timer), says whether it is a
   * known driver fault this dialect recovers from (and then recovers), so the process may go on.
   */
  absorb(error: unknown): boolean
  /**
   * Resolves once every committed message is in the search index, where the dialect writes it
   * behind the log (SQLite: db/sqlite/search-index.ts); absent where the index is part of the
   * write (Postgres' GIN indexes).
   */
  flushSearch?(): Promise<void>
  /** Closes the connection(s); statements after this reject. */
  close(): Promise<void>
}

/** The driver's own error behind drizzle's wrapper (DrizzleQueryError keeps it as `cause`). */
export function driverError(error: unknown): unknown {
  return error instanceof DrizzleQueryError && error.cause !== undefined ? error.cause : error
}
