/**
 * The Postgres service for tests and benches: checks it is reachable (starting the local cluster
 * once when CI=true) and creates and drops throwaway databases. `PARLEY_TEST_POSTGRES` names the
 * server (default postgres://postgres@127.0.0.1:5432/postgres; trust auth, loopback only).
 */
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { readdirSync } from 'node:fs'
import { hostname } from 'node:os'
import { test } from 'bun:test'
import postgres from 'postgres'
import { openStore, redactUrl } from '../../db/index.ts'

const ADMIN_URL = process.env.PARLEY_TEST_POSTGRES ?? 'postgres://postgres@127.0.0.1:5432/postgres'

/** Reachable (with the server URL to use) or not (with why). */
export type PostgresService = { ok: true; adminUrl: string } | { ok: false; reason: string }

let service: Promise<PostgresService> | null = null

/** True when missing Postgres must fail the run instead of skipping. */
export const isCI = process.env.CI === 'true'

/**
 * Connects once per process. When that fails and CI=true, starts the local cluster with
 * pg_ctlcluster (once) and tries again for a few seconds.
 */
export function ensurePostgres(): Promise<PostgresService> {
  service ??= probe()
  return service
}

async function probe(): Promise<PostgresService> {
  const first = await tryConnect()
  if (first === null) return sweepStale()
  if (!isCI) return { ok: false, reason: `${redactUrl(ADMIN_URL)}: ${first}` }
  const started = startCluster()
  let last = first
  for (let attempt = 0; attempt < 20; attempt++) {
    await Bun.sleep(500)
    const error = await tryConnect()
    if (error === null) return sweepStale()
    last = error
  }
  return { ok: false, reason: `${redactUrl(ADMIN_URL)}: ${last} (after ${started})` }
}

/** This machine, in test database names: runs on other machines sharing the server are spared. */
const HOST = createHash('sha256').update(hostname()).digest('hex').slice(0, 6)

/**
 * Drops the databases that test runs of this machine left behind: named by this module, for
 * this host, by a process that is no longer running (a crash, or a finished run's template).
 */
async function sweepStale(): Promise<PostgresService> {
  const sql = postgres(ADMIN_URL, { max: 1, onnotice: () => {} })
  try {
    const rows = await sql<{ name: string }[]>`
      select datname as name from pg_database where datname like ${`parley\\_%\\_${HOST}\\_%`}`
    for (const { name } of rows) {
      const pid = Number(new RegExp(`_${HOST}_(\\d+)_`).exec(name)?.[1])
      if (!Number.isInteger(pid) || isRunning(pid)) continue
      await sql.unsafe(`drop database if exists "${name}" with (force)`)
    }
  } finally {
    await sql.end({ timeout: 1 })
  }
  return { ok: true, adminUrl: ADMIN_URL }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    // EPERM: it exists, under another user.
    return error instanceof Error && 'code' in error && error.code === 'EPERM'
  }
}

/** null when `select 1` works, else the error message. */
async function tryConnect(): Promise<string | null> {
  const sql = postgres(ADMIN_URL, { max: 1, connect_timeout: 3, onnotice: () => {} })
  try {
    await sql`select 1`
    return null
  } catch (error) {
    return error instanceof Error ? error.message : String(error)
  } finally {
    await sql.end({ timeout: 1 })
  }
}

function startCluster(): string {
  let versions: string[] = []
  try {
    versions = readdirSync('/etc/postgresql')
  } catch {
    return 'no /etc/postgresql: cannot start a local cluster'
  }
  const version = versions.sort().at(-1)
  if (!version) return 'no cluster in /etc/postgresql'
  const args = ['--skip-systemctl-redirect', version, 'main', 'start']
  const result = spawnSync('pg_ctlcluster', args, { encoding: 'utf8' })
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim()
  return `pg_ctlcluster ${args.join(' ')} exited ${result.status}${output ? `: ${output}` : ''}`
}

/** The URL of database `name` on the same server. */
export function databaseUrl(adminUrl: string, name: string): string {
  const url = new URL(adminUrl)
  url.pathname = `/${name}`
  return url.toString()
}

/** Creates a database with a unique name (empty, or a copy of `template`); returns its name and URL. */
export async function createDatabase(
  adminUrl: string,
  prefix = 'parley_test',
  template?: string,
): Promise<{ name: string; url: string }> {
  const unique = `${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`
  const name = `${prefix}_${HOST}_${process.pid}_${unique}`
  const sql = postgres(adminUrl, { max: 1, onnotice: () => {} })
  try {
    await sql.unsafe(`create database "${name}"${template ? ` template "${template}"` : ''}`)
  } finally {
    await sql.end({ timeout: 1 })
  }
  return { name, url: databaseUrl(adminUrl, name) }
}

let migrated: Promise<string> | null = null
let spare: Promise<{ name: string; url: string }> | null = null

/**
 * A new database with the current schema, for a server: cloned from a template migrated once
 * per process, and created one ahead in the background, so a test rarely waits for either.
 * Bun's test runner has no hook at exit, so the template and the spare outlive the run; the
 * next run drops them (see `sweepStale`).
 */
export async function createMigratedDatabase(
  adminUrl: string,
): Promise<{ name: string; url: string }> {
  migrated ??= (async () => {
    const template = await createDatabase(adminUrl, 'parley_template')
    await (await openStore(template.url)).close()
    return template.name
  })()
  const template = await migrated
  const next = spare ?? createDatabase(adminUrl, 'parley_server', template)
  spare = createDatabase(adminUrl, 'parley_server', template)
  // The spare is awaited by the next caller; an error there must not go unhandled meanwhile.
  spare.catch(() => {})
  return next
}

/** Ends every session on the database, then drops it (a no-op when it is gone already). */
export async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  const sql = postgres(adminUrl, { max: 1, onnotice: () => {} })
  try {
    await sql`select pg_terminate_backend(pid) from pg_stat_activity
      where datname = ${name} and pid <> pg_backend_pid()`
    await sql.unsafe(`drop database if exists "${name}" with (force)`)
  } finally {
    await sql.end({ timeout: 1 })
  }
}

/**
 * Registers `specs` with the server's URL when Postgres is reachable. Otherwise registers one
 * test that fails (CI=true: a missing Postgres must fail the run) or one skipped test whose
 * name gives the reason, printed too (a developer machine without Postgres).
 */
export async function withPostgres(
  what: string,
  specs: (adminUrl: string) => void | Promise<void>,
): Promise<void> {
  const found = await ensurePostgres()
  if (found.ok) return specs(found.adminUrl)
  if (isCI) {
    test(`${what} - Postgres is reachable (required when CI=true)`, () => {
      throw new Error(`Postgres is unreachable: ${found.reason}`)
    })
    return
  }
  console.warn(`${what}: skipped, Postgres is unreachable (${found.reason})`)
  test.skip(`${what} - skipped: Postgres is unreachable and CI is not set`, () => {})
}
