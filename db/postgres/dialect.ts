/**
 * The shared statements on Postgres. Every statement is a server-side prepared statement
 * (postgres.js caches them per connection by text). A transaction issues all its steps at
 * once on its connection and awaits them together: postgres.js pipelines them, so a group
 * commit of a hundred writes costs a few round trips instead of hundreds, and the server still
 * runs them in order. Many-row inserts and updates are one statement each (bulk.ts).
 */
import { fillPlaceholders } from 'drizzle-orm'
import { PgDatabase, PgDialect, type PgQueryResultHKT, type PgTable } from 'drizzle-orm/pg-core'
import { PostgresJsSession } from 'drizzle-orm/postgres-js'
import type postgres from 'postgres'
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
import { deadline, StoreTimeoutError } from '../sql/deadline.ts'
import { compileInsert, compileUpdate, runBulk, type Bulk } from './bulk.ts'
import {
  backendOf,
  isConnectionLost,
  isConnectTimeout,
  isDriverSocketFault,
  isUnavailable,
  isUniqueViolation,
  closedWithin,
  watchConnection,
  type PostgresHandle,
} from './connection.ts'
import { tables } from './schema.ts'

/** The pool or one transaction's connection. */
type Session = PgDatabase<PgQueryResultHKT>

/** A statement ready to run with its params. */
interface Prepared {
  execute(params?: Params): Promise<unknown>
}

/** Longest wait for a pooled connection before the pool counts as stuck and is replaced. */
const RESERVE_WAIT_MS = 1000
/** How long after a connection of the pool closed a long wait for a connection means stuck. */
const RESERVE_STUCK_AFTER_CLOSE_MS = 10_000

/** Drizzle only uses the name as a flag: any name makes postgres.js prepare on the server. */
const PREPARE = 'parley'

/** Renders raw statements (no session needed). */
const rawDialect = new PgDialect()

function table(name: TableName): PgTable {
  return tables[name]
}

/** The parts of drizzle's postgres.js prepared query that running it takes (not in its types). */
interface DrizzlePrepared {
  queryString: string
  params: unknown[]
  fields?: unknown[]
  joinsNotNullableMap?: Record<string, boolean>
  customResultMapper?: unknown
}

/**
 * Runs a prepared drizzle statement as drizzle does (same text, params and row decoding), but
 * hands it to the connection at once: see `issue` in postgresDialect.
 */
function sendNow(
  connection: postgres.Sql,
  statement: Prepared,
  values?: Params,
  onexecute?: (connection: { id: number }) => true,
): Promise<unknown> {
  const p = statement as unknown as DrizzlePrepared
  if (p.customResultMapper) throw new Error('relational queries are not used here')
  const params = fillPlaceholders(p.params, values ?? {}) as postgres.ParameterOrJSON<never>[]
  const query = connection.unsafe(p.queryString, params, {
    prepare: true,
    ...(onexecute && { onexecute }),
  } as postgres.UnsafeQueryOptions)
  const fields = p.fields
  if (!fields) return query.execute()
  const rows = query.values().execute()
  return rows.then((list) => decodeRows(fields, list, p.joinsNotNullableMap))
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
    case 'raw': {
      // What sendNow reads of a drizzle statement; without `fields` it returns the rows as is.
      const { sql: queryString, params } = rawDialect.sqlToQuery(query.sql)
      const raw: Prepared & DrizzlePrepared = {
        queryString,
        params,
        execute: () => session.execute(query.sql),
      }
      return raw
    }
  }
}

/** Statements of one transaction: its connection, and each description built once in it. */
interface TransactionScope {
  connection: postgres.Sql
  session: Session
  built: Map<object, Prepared>
}

/** The part of postgres.js's connection object the pool's close hook uses (not in its types). */
interface DriverConnection {
  onclose: ((error: unknown) => void) | null
}

/** A statement of a transaction, started on its connection; resolves to what its check needs. */
type Issue = (scope: TransactionScope) => Promise<unknown>

/**
 * The tables every conversation write changes. The readiness probe takes their write locks
 * (a no-op update each), so it waits exactly when a write would.
 */
const WRITE_PATH_TABLES = [
  ['conversations', 'id'],
  ['read_states', 'conversation_id'],
  ['events', 'conversation_id'],
] as const

const lostConnection = (result: PromiseSettledResult<unknown>) =>
  result.status === 'rejected' && isConnectionLost(result.reason)

export interface PostgresDialectOptions {
  /** Deadline of every statement and transaction, including the wait for a connection. */
  timeoutMs: number
}

export function postgresDialect(
  handle: PostgresHandle,
  options: PostgresDialectOptions,
): SqlDialect {
  const { timeoutMs } = options
  const dialect = new PgDialect()
  // Outside transactions a description is turned into a query once per pool; a transaction's
  // statements are built on its own connection, once per transaction.
  let pooled = new WeakMap<object, Prepared>()
  let pooledGeneration = handle.generation
  const onPool = (query: Query<unknown>): Prepared => {
    if (pooledGeneration !== handle.generation) {
      pooled = new WeakMap()
      pooledGeneration = handle.generation
    }
    let found = pooled.get(query)
    if (!found) pooled.set(query, (found = prepare(handle.db, query)))
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

  /**
   * Starts the step's statement now; resolves to what its check needs. Every step is handed to
   * the connection synchronously, so they go out in the order issued: drizzle's own execute
   * sends a statement a few microtasks later, after bulk statements issued behind it.
   */
  const issue = (scope: TransactionScope, step: Step): Promise<unknown> => {
    if ('insert' in step) return runBulk(scope.connection, compiled(step.insert), step.rows)
    if ('update' in step) return runBulk(scope.connection, compiled(step.update), step.rows)
    let statement = scope.built.get(step.query)
    if (!statement) scope.built.set(step.query, (statement = prepare(scope.session, step.query)))
    return sendNow(scope.connection, statement, step.params)
  }

  /**
   * A statement on the pool that fails at once if its connection closes before answering (a
   * terminated backend), rather than at the deadline: see watchConnection.
   *
   * While it waits for a connection, the same rule as `reserve`: a wait past RESERVE_WAIT_MS
   * right after connections of the pool closed means the pool is stuck (postgres.js can keep a
   * queued statement waiting on a connection it reopens only after its backoff, seconds after
   * repeated kills), not busy. The pool is then replaced, which fails the statements still
   * queued on the old one unsent, and the statement goes again on the new pool: nothing of it
   * was sent. One that went out after all is answered, or fails with its connection, there.
   */
  const onPoolNow = async (query: Query<unknown>, params?: Params): Promise<unknown> => {
    const started = performance.now()
    const remaining = () => timeoutMs - (performance.now() - started)
    for (;;) {
      const client = handle.client
      const lost = Promise.withResolvers<never>()
      lost.promise.catch(() => {})
      let unwatch = () => {}
      let sentOut = false
      const sent = sendNow(client, onPool(query), params, (connection) => {
        sentOut = true
        unwatch = watchConnection(client, connection.id, lost.reject)
        // Truthy: the connection may take the next statement at once.
        return true
      })
      const answer = Promise.race([sent, lost.promise]).finally(() => unwatch())
      answer.catch(() => {})
      for (;;) {
        if (sentOut || remaining() <= 0) return await answer
        try {
          return await deadline(answer, Math.min(remaining(), RESERVE_WAIT_MS), 'statement')
        } catch (error) {
          if (!(error instanceof StoreTimeoutError)) throw error
          if (!sentOut && closedWithin(client, RESERVE_STUCK_AFTER_CLOSE_MS)) break
        }
      }
      if (handle.client === client) handle.replace()
      // The old pool ends at once: a statement still queued there fails without being sent.
      const outcome = await deadline(answer, Math.max(0, remaining()), 'statement').then(
        (value) => ({ value }),
        (error: unknown) => ({ error }),
      )
      if ('value' in outcome) return outcome.value
      if (sentOut || outcome.error instanceof StoreTimeoutError || remaining() <= 0)
        throw outcome.error
    }
  }

  /** A pooled statement with the store's deadline; a connection that cannot open renews the pool. */
  const bounded = <T>(work: Promise<T>, what: string): Promise<T> =>
    deadline(work, timeoutMs, what).catch((error: unknown) => {
      if (isConnectTimeout(error)) handle.replace()
      throw error
    })

  /**
   * Runs the statements in one transaction on a reserved connection, within the deadline.
   *
   * BEGIN goes out with the statements instead of a round trip ahead of them, and all the
   * statements go out at once; COMMIT follows once every statement has answered and every
   * check has passed, ROLLBACK otherwise.
   *
   * A connection that broke (terminated backend, reset socket) is never rolled back nor handed
   * back to the pool: postgres.js already moved it to its closed set, and releasing it would put
   * a connection without a socket back in service, where the next statement either hangs
   * forever or throws from a timer (postgres.js 3.4 writes to the missing socket). The pool
   * opens a fresh connection for the next transaction instead.
   *
   * Past the deadline the caller gets StoreTimeoutError at once. The transaction is then
   * abandoned: the backend's statement is cancelled, COMMIT is never sent (ROLLBACK instead),
   * and the connection goes back to the pool only once it has answered.
   */
  const runTransaction = async (
    statements: readonly Issue[],
    check: (results: PromiseSettledResult<unknown>[]) => void,
    what: string,
  ): Promise<void> => {
    const started = performance.now()
    const remaining = () => timeoutMs - (performance.now() - started)
    const connection = await reserve(remaining, what)
    let abandoned = false
    let broken = false
    // postgres.js answers nothing, ever, to statements sent between a socket's error and its
    // close: watch the connection itself (the hook its own begin() uses) and fail at its close.
    const closed = Promise.withResolvers<never>()
    closed.promise.catch(() => {})
    let watched: DriverConnection | null = null
    const begin = connection
      .unsafe('begin', [], {
        onexecute: (c: DriverConnection) => {
          watched = c
          c.onclose = (error) => {
            broken = true
            closed.reject(error ?? new Error('connection closed'))
          }
          // Truthy: the connection may take the next statement at once.
          return true
        },
      } as postgres.UnsafeQueryOptions)
      .execute()
    // Awaited below, after the statements; until then its failure must not count as unhandled.
    begin.catch(() => {})
    const work = (async () => {
      // What drizzle's own transaction() builds, over a connection whose BEGIN is already sent.
      const session: Session = new PgDatabase(
        dialect,
        new PostgresJsSession(connection, dialect, undefined),
        undefined,
      )
      const scope = { connection, session, built: new Map<object, Prepared>() }
      const results = await Promise.allSettled(statements.map((run) => run(scope)))
      try {
        await begin
        check(results)
        if (abandoned) throw new StoreTimeoutError(what, timeoutMs)
      } catch (error) {
        if (broken || isConnectionLost(error) || results.some(lostConnection)) {
          broken = true
          throw error
        }
        // A rollback that fails too (a dropped connection) must not hide the first error.
        await connection`rollback`.catch((rollbackError: unknown) => {
          if (isConnectionLost(rollbackError)) broken = true
        })
        throw error
      }
      try {
        await connection`commit`
      } catch (error) {
        if (isConnectionLost(error)) broken = true
        throw error
      }
    })()
    // Whenever it ends: a healthy connection goes back to the pool, a broken one never.
    void work.then(
      () => finish(),
      () => finish(),
    )
    const finish = () => {
      if (broken) return
      if (watched) watched.onclose = null
      connection.release()
    }
    try {
      await deadline(Promise.race([work, closed.promise]), remaining(), what)
    } catch (error) {
      if (error instanceof StoreTimeoutError) {
        abandoned = true
        cancelBackend(backendOf(begin))
      }
      throw error
    }
  }

  /**
   * A connection of the pool for one transaction, within the deadline. A connection that could
   * not open (see isConnectTimeout) renews the pool, and the wait goes on there: nothing was
   * sent yet, so trying again is safe.
   */
  const reserve = async (remaining: () => number, what: string): Promise<postgres.ReservedSql> => {
    for (;;) {
      const reserving = handle.client.reserve()
      try {
        // Transactions take one connection at a time and other statements hold theirs for
        // milliseconds. A wait past RESERVE_WAIT_MS right after connections of the pool closed
        // (backends terminated) means the pool is stuck (postgres.js can leave a reservation
        // waiting for good), not busy; otherwise (a slow or frozen link) it goes on to the
        // deadline.
        for (;;) {
          const slice = Math.min(remaining(), RESERVE_WAIT_MS)
          try {
            return await deadline(reserving, slice, `${what}: waiting for a connection`)
          } catch (error) {
            const stuck = closedWithin(handle.client, RESERVE_STUCK_AFTER_CLOSE_MS)
            if (!(error instanceof StoreTimeoutError) || remaining() <= 0 || stuck) throw error
          }
        }
      } catch (error) {
        // Late: hand it back untouched the moment it comes.
        reserving.then(
          (late) => late.release(),
          () => {},
        )
        // None free and none opening in time (stalled or faulty ones): a new pool serves the
        // next caller; the old one's stragglers end with their connections. Nothing was sent
        // yet, so trying again there is safe.
        if (error instanceof StoreTimeoutError || isConnectTimeout(error)) handle.replace()
        const retryable = isConnectTimeout(error) || error instanceof StoreTimeoutError
        if (!retryable || remaining() <= 0) throw error
      }
    }
  }

  /** Best effort: ends the statement a stalled transaction's backend is running. */
  const cancelBackend = (pid: number | null) => {
    if (pid === null) return
    const cancel = handle.client`select pg_cancel_backend(${pid})`.execute()
    void bounded(cancel, 'cancel').catch(() => {})
  }

  const transaction = (steps: readonly Step[]): Promise<void> =>
    runTransaction(
      steps.map((step) => (scope: TransactionScope) => issue(scope, step)),
      (results) => {
        // In step order: the first failure is the real one; the statements after a failed
        // one only report that the transaction was aborted.
        for (const [i, step] of steps.entries()) {
          const result = results[i]
          if (result?.status === 'rejected') throw result.reason
          checkStep(step, result?.value)
        }
      },
      'transaction',
    )

  const probe = (): Promise<void> =>
    runTransaction(
      [
        ...WRITE_PATH_TABLES.map(
          ([name, column]) =>
            (scope: TransactionScope) =>
              scope.connection.unsafe(`update "${name}" set "${column}" = "${column}" where false`),
        ),
        // A transaction id makes COMMIT write and flush the log, as a real write's does.
        (scope: TransactionScope) => scope.connection`select txid_current()`.execute(),
      ],
      (results) => {
        for (const result of results) if (result.status === 'rejected') throw result.reason
      },
      'store probe',
    )

  return {
    name: 'postgres',
    tables,
    async all<R>(query: Query<R>, params?: Params): Promise<R[]> {
      // R is the row type the description declares for exactly this statement.
      return (await bounded(onPoolNow(query, params), 'statement')) as R[]
    },
    async insert(insert, rows) {
      // One statement: atomic without a transaction around it.
      if (rows.length > 0) await bounded(runBulk(handle.client, compiled(insert), rows), 'insert')
    },
    transaction,
    classify: (error) =>
      isUniqueViolation(error)
        ? 'unique_violation'
        : error instanceof StoreTimeoutError || isUnavailable(error)
          ? 'unavailable'
          : 'other',
    async ping() {
      try {
        await bounded(handle.client`select 1`.execute(), 'ping')
      } catch (error) {
        // `select 1` waits for no lock: a pool that cannot answer it in time has connections in
        // a state the driver will not leave by itself. Start over with fresh ones.
        if (error instanceof StoreTimeoutError) handle.replace()
        throw error
      }
    },
    probe,
    absorb(error) {
      if (!isDriverSocketFault(error)) return false
      handle.replace()
      return true
    },
    close: () => handle.close(),
  }
}
