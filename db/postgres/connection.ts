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
  db: PostgresDb
  /** The driver client Drizzle owns; kept only to end it. */
  client: postgres.Sql
  close(): Promise<void>
}

export interface PostgresOptions {
  /** Most pooled connections. Default 10. */
  maxConnections?: number
}

const MIGRATIONS_FOLDER = join(import.meta.dir, '..', 'migrations', 'postgres')

/**
 * Any fixed 64-bit key: every node that starts against the same database takes this advisory
 * lock around its migrations, so two nodes starting together never apply one twice.
 */
const MIGRATION_LOCK = 0x7061726c6579

/** Shared by every client: quiet notices (e.g. "schema already exists, skipping"). */
const CLIENT_OPTIONS = { onnotice: () => {}, connection: { application_name: 'parley' } }

/** Connects to the database at `url` and brings its schema up to date. */
export async function openPostgres(
  url: string,
  options: PostgresOptions = {},
): Promise<PostgresHandle> {
  try {
    await migrateDatabase(url)
  } catch (error) {
    const cause = driverError(error)
    const reason = cause instanceof Error ? cause.message : String(cause)
    throw new Error(`cannot open the Postgres database ${redactUrl(url)}: ${reason}`, { cause })
  }
  // Drizzle gets a client of its own: it replaces the client's type parsers and serializers.
  const client = postgres(url, { ...CLIENT_OPTIONS, max: options.maxConnections ?? 10 })
  const db = drizzle({ client })
  let closing: Promise<void> | null = null
  return {
    db,
    client,
    close() {
      closing ??= client.end({ timeout: 5 })
      return closing
    },
  }
}

/** Applies pending migrations on one connection that holds the migration lock throughout. */
async function migrateDatabase(url: string): Promise<void> {
  const client = postgres(url, { ...CLIENT_OPTIONS, max: 1 })
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
