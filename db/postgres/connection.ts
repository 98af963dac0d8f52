/**
 * Opening a Postgres database: the client, migrations and error classification.
 * db/postgres/dialect.ts runs the shared statements over the handle this returns.
 */
import { join } from 'node:path'
import { sql } from 'drizzle-orm'
import { drizzle, type PostgresJsDatabase } from 'drizzle-orm/postgres-js'
import { migrate } from 'drizzle-orm/postgres-js/migrator'
import postgres from 'postgres'
import { driverError } from '../sql/dialect.ts'

/** The Drizzle database the dialect queries. */
export type PostgresDb = PostgresJsDatabase

export interface PostgresHandle {
  /** The current pool, as Drizzle queries it. Read it per use: `replace()` swaps it. */
  readonly db: PostgresDb
  /** The driver client behind `db`. */
  readonly client: postgres.Sql
  /** Counts replacements, so callers can drop what they built on an older pool. */
  readonly generation: number
  /**
   * Swaps in a fresh pool and ends the old one without waiting for it (its statements fail with
   * a connection error): the way out when the driver's own connection state can no longer be
   * trusted (see `isDriverSocketFault`).
   */
  replace(): void
  close(): Promise<void>
}

export interface PostgresOptions {
  /** Most pooled connections. Default 10. */
  maxConnections?: number
  /**
   * The connections' application_name (`pg_stat_activity`): tells one node's connections from
   * another's. Default `parley`.
   */
  applicationName?: string
  /**
   * How long opening one connection may take, in milliseconds (default 30000). Keep it under the
   * store's deadline: a connection that cannot open must fail in time to be replaced.
   */
  connectTimeoutMs?: number
  /**
   * The server ends a session left idle inside a transaction this long (milliseconds; default:
   * never): a node cut off mid-transaction must not hold row locks the node that takes over its
   * conversations needs.
   */
  idleInTransactionMs?: number
}

const MIGRATIONS_FOLDER = join(import.meta.dir, '..', 'migrations', 'postgres')

/**
 * Any fixed 64-bit key: every node that starts against the same database takes this advisory
 * lock around its migrations, so two nodes starting together never apply one twice.
 */
const MIGRATION_LOCK = 0x7061726c6579

/** Shared by every client: quiet notices (e.g. "schema already exists, skipping"). */
const clientOptions = (options: PostgresOptions) => ({
  onnotice: () => {},
  connection: {
    application_name: (options.applicationName ?? 'parley').slice(0, 63),
    ...(options.idleInTransactionMs
      ? { idle_in_transaction_session_timeout: Math.round(options.idleInTransactionMs) }
      : {}),
  },
  connect_timeout: (options.connectTimeoutMs ?? 30_000) / 1000,
  // A dead peer (a cut network, a frozen server) is noticed by the kernel within a minute;
  // store deadlines answer the callers long before that.
  keep_alive: 30,
  // No array-type lookup when a connection opens: the schema has no array column (bulk
  // statements send their arrays as literals), and postgres.js leaves that internal query's
  // failure unhandled when the connection is killed during it, which would end the process.
  fetch_types: false,
})

/** Connects to the database at `url` and brings its schema up to date. */
export async function openPostgres(
  url: string,
  options: PostgresOptions = {},
): Promise<PostgresHandle> {
  try {
    await migrateDatabase(url, options)
  } catch (error) {
    const cause = driverError(error)
    const reason = cause instanceof Error ? cause.message : String(cause)
    throw new Error(`cannot open the Postgres database ${redactUrl(url)}: ${reason}`, { cause })
  }
  // Drizzle gets a client of its own: it replaces the client's type parsers and serializers.
  const connect = () => {
    const watchers = new Map<number, Set<(error: Error) => void>>()
    const client = postgres(url, {
      ...clientOptions(options),
      max: options.maxConnections ?? 10,
      onclose: (id: number) => {
        lastClose.set(client, performance.now())
        const watching = watchers.get(id)
        watchers.delete(id)
        for (const fail of watching ?? []) fail(connectionClosed())
      },
    })
    closeWatchers.set(client, watchers)
    return { client, db: drizzle({ client }) }
  }
  let current = connect()
  let generation = 0
  let closing: Promise<void> | null = null
  return {
    get db() {
      return current.db
    },
    get client() {
      return current.client
    },
    get generation() {
      return generation
    },
    replace() {
      if (closing) return
      const old = current.client
      current = connect()
      generation++
      void old.end({ timeout: 0 }).catch(() => {})
    },
    close() {
      closing ??= current.client.end({ timeout: 5 })
      return closing
    },
  }
}

/** Per pool: who waits on a statement sent on each of its connections, by connection id. */
const closeWatchers = new WeakMap<postgres.Sql, Map<number, Set<(error: Error) => void>>>()

/** Per pool: when one of its connections last closed (performance.now()). */
const lastClose = new WeakMap<postgres.Sql, number>()

/** True when a connection of the pool closed within the last `ms` milliseconds. */
export function closedWithin(client: postgres.Sql, ms: number): boolean {
  const at = lastClose.get(client)
  return at !== undefined && performance.now() - at < ms
}

/** What a statement whose connection closed before it was answered fails with. */
function connectionClosed(): Error {
  return Object.assign(new Error('connection closed before the statement was answered'), {
    code: 'CONNECTION_CLOSED',
  })
}

/**
 * Calls `fail` if the pool's connection `connectionId` closes before `unwatch` is called.
 * postgres.js never answers a statement sent between a socket's error and its close; this is
 * how a pooled statement learns of it at once instead of at its deadline.
 */
export function watchConnection(
  client: postgres.Sql,
  connectionId: number,
  fail: (error: Error) => void,
): () => void {
  const watchers = closeWatchers.get(client)
  if (!watchers) return () => {}
  let watching = watchers.get(connectionId)
  if (!watching) watchers.set(connectionId, (watching = new Set()))
  const set = watching
  set.add(fail)
  return () => {
    set.delete(fail)
    if (set.size === 0 && watchers.get(connectionId) === set) watchers.delete(connectionId)
  }
}

/** Applies pending migrations on one connection that holds the migration lock throughout. */
async function migrateDatabase(url: string, options: PostgresOptions): Promise<void> {
  // Migrations may run long inside their transaction: no idle limit, no short connect timeout.
  const client = postgres(url, {
    ...clientOptions({ applicationName: options.applicationName }),
    max: 1,
  })
  try {
    const db = drizzle({ client })
    await db.execute(sql`select pg_advisory_lock(${MIGRATION_LOCK})`)
    try {
      await migrate(db, { migrationsFolder: MIGRATIONS_FOLDER })
    } finally {
      await db.execute(sql`select pg_advisory_unlock(${MIGRATION_LOCK})`)
    }
  } finally {
    await client.end({ timeout: 5 })
  }
}

/** The URL without its password, for messages and logs. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@')
}

/** True for a violated UNIQUE or PRIMARY KEY constraint (SQLSTATE 23505). */
export function isUniqueViolation(error: unknown): boolean {
  const cause = driverError(error)
  return cause instanceof postgres.PostgresError && cause.code === '23505'
}

/** Connection-level failures reported by postgres.js itself (no SQLSTATE). */
const CONNECTION_CODES = new Set([
  'CONNECTION_CLOSED',
  'CONNECTION_DESTROYED',
  'CONNECTION_ENDED',
  'CONNECT_TIMEOUT',
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
])

/**
 * True when the error means the connection it happened on is gone: a socket error, or a FATAL
 * from the server (SQLSTATE class 08, or 57P01-57P03: terminated by an administrator, crash or
 * shutdown), after which the server closes the connection.
 */
export function isConnectionLost(error: unknown): boolean {
  const cause = driverError(error) as { code?: unknown; severity?: unknown } | null
  if (!cause || typeof cause !== 'object' || typeof cause.code !== 'string') return false
  if (CONNECTION_CODES.has(cause.code)) return true
  if (!(cause instanceof postgres.PostgresError)) return false
  return (
    cause.code.startsWith('08') ||
    cause.severity === 'FATAL' ||
    cause.severity === 'PANIC' ||
    /^57P0[1-3]$/.test(cause.code)
  )
}

/**
 * True for failures a retry can outlive: a lost connection, a cancelled statement (a deadline),
 * too many connections or no disk space (class 53), lock or serialization conflicts (40001,
 * 40P01, 55P03), an I/O error on the server (class 58).
 */
export function isUnavailable(error: unknown): boolean {
  if (isConnectionLost(error)) return true
  const cause = driverError(error)
  if (!(cause instanceof postgres.PostgresError)) return false
  const code = cause.code
  return (
    code === '57014' ||
    code === '40001' ||
    code === '40P01' ||
    code === '55P03' ||
    code.startsWith('53') ||
    code.startsWith('58')
  )
}

/**
 * The server process behind a statement that went out on a connection (postgres.js records the
 * backend's key data on each query it sends), or null before it was sent.
 */
export function backendOf(query: unknown): number | null {
  const pid = (query as { state?: { pid?: unknown } } | null)?.state?.pid
  return typeof pid === 'number' ? pid : null
}

/**
 * The fault of postgres.js 3.4 (porsager/postgres#1154, #1208): a write scheduled on a
 * connection whose socket has just closed throws from a timer, out of reach of any caller. The
 * statement it carried never gets an answer (store deadlines turn that into a retryable error),
 * and that connection's buffered bytes stay behind, so the pool must be replaced.
 */
export function isDriverSocketFault(error: unknown): boolean {
  if (!(error instanceof TypeError)) return false
  const stack = error.stack ?? ''
  // Bun: "null is not an object (evaluating 'socket.write')"; Node: "... (reading 'write')".
  const aboutWrite = /socket\.write|reading 'write'/.test(error.message)
  return aboutWrite && /postgres[\\/](cjs[\\/])?src[\\/]connection\.js/.test(stack)
}

/**
 * A connection that did not open in time. On a reachable server this is the other face of the
 * same driver fault: a connection closed with a write pending keeps those bytes and sends them
 * ahead of its next startup message, or never sends it, and waits. Only a new pool cures it.
 */
export function isConnectTimeout(error: unknown): boolean {
  return (driverError(error) as { code?: unknown } | null)?.code === 'CONNECT_TIMEOUT'
}
