/**
 * Test harness: a real server on port 0 over a real SQLite file in a temp folder, plus
 * helpers to log in, get visitor tokens and drive real WebSockets. Each `startTestServer`
 * owns its folder; `stop()` drains the server and removes the folder unless `keepData`.
 *
 * With PARLEY_TEST_DB=postgres each server gets a fresh Postgres database instead of the
 * SQLite file (see tests/helpers/postgres.ts), named in its folder so that a restart on the
 * same folder reuses it; `stop()` drops it unless `keepData`.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { silentLogger, type Clock, type Logger } from '../../actors/index.ts'
import { startServer, type RunningServer } from '../../server/app.ts'
import { loadConfig, type Config } from '../../server/config.ts'
import { createMigratedDatabase, databaseUrl, dropDatabase, ensurePostgres } from './postgres.ts'

export const ADMIN = { email: 'admin@example.com', password: 'correct-horse-battery' }
/** The METRICS_TOKEN every test server gets unless its env says otherwise (see `scrape`). */
export const METRICS_TOKEN = 'test-metrics-token-0123456789'

export interface TestServer extends RunningServer {
  config: Config
  dataDir: string
  /** Stops the server; removes the data folder unless keepData. */
  stop(opts?: { keepData?: boolean }): Promise<void>
  http(
    path: string,
    init?: { method?: string; body?: unknown; token?: string },
  ): Promise<{ status: number; body: any; headers: Headers }>
  adminToken(): Promise<string>
  defaultInboxId(): Promise<string>
  /** An inbox's identity secret, through the admin's explicit reveal. */
  identitySecret(inboxId?: string): Promise<string>
  visitorToken(inboxId?: string): Promise<{ token: string; visitorId: string; inboxId: string }>
  /** Creates an operator through the admin API and logs it in. */
  operator(opts?: {
    /** Inboxes the operator handles (routing); none by default. */
    inboxIds?: string[]
    role?: 'operator' | 'supervisor' | 'admin'
    canChat?: boolean
  }): Promise<{ token: string; id: string }>
  wsUrl: string
}

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'parley-test-'))
}

/** The file in a data folder that names its Postgres test database. */
const POSTGRES_MARKER = 'postgres-test-database'

/**
 * With PARLEY_TEST_DB=postgres: the database of this data folder (created on first use) and
 * how to drop it. Null when the tests run on SQLite.
 */
async function testDatabase(
  dataDir: string,
): Promise<{ url: string; drop: () => Promise<void> } | null> {
  if (process.env.PARLEY_TEST_DB !== 'postgres') return null
  const service = await ensurePostgres()
  if (!service.ok) throw new Error(`PARLEY_TEST_DB=postgres, but ${service.reason}`)
  const marker = join(dataDir, POSTGRES_MARKER)
  let name: string
  if (existsSync(marker)) {
    name = readFileSync(marker, 'utf8').trim()
  } else {
    name = (await createMigratedDatabase(service.adminUrl)).name
    writeFileSync(marker, name)
  }
  return {
    url: databaseUrl(service.adminUrl, name),
    drop: () => dropDatabase(service.adminUrl, name),
  }
}

export async function startTestServer(
  opts: { dataDir?: string; env?: Record<string, string>; clock?: Clock; log?: Logger } = {},
): Promise<TestServer> {
  const dataDir = opts.dataDir ?? tempDir()
  const database = opts.env?.DATABASE_URL === undefined ? await testDatabase(dataDir) : null
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    SHUTDOWN_GRACE: '5',
    METRICS_TOKEN,
    // OWASP's floor for argon2id instead of 64 MiB: each server start, operator and sign-in
    // hashes a password, and at the default these hashes were most of the suite's CPU.
    PASSWORD_HASH_MEMORY_KIB: '19456',
    ...(database ? { DATABASE_URL: database.url } : {}),
    ...opts.env,
  })
  const server = await startServer(config, {
    clock: opts.clock,
    log: opts.log ?? silentLogger,
  }).catch(async (error: unknown) => {
    // A server that never started leaves no database behind, unless it was a restart's.
    if (!opts.dataDir) await database?.drop()
    throw error
  })
  let admin: string | null = null
  let counter = 0
  const http: TestServer['http'] = async (path, init = {}) => {
    const headers: Record<string, string> = {}
    if (init.body !== undefined) headers['content-type'] = 'application/json'
    if (init.token) headers.authorization = `Bearer ${init.token}`
    const res = await fetch(server.url + path, {
      method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
      headers,
      body:
        init.body === undefined
          ? undefined
          : typeof init.body === 'string'
            ? init.body
            : JSON.stringify(init.body),
    })
    const text = await res.text()
    let body: unknown = text
    try {
      body = JSON.parse(text)
    } catch {
      // not JSON (metrics); keep text
    }
    return { status: res.status, body, headers: res.headers }
  }
  const ts: TestServer = {
    ...server,
    config,
    dataDir,
    wsUrl: `ws://127.0.0.1:${server.port}/ws`,
    http,
    async stop(o = {}) {
      await server.shutdown()
      if (o.keepData) return
      await database?.drop()
      rmSync(dataDir, { recursive: true, force: true })
    },
    async adminToken() {
      if (admin) return admin
      const res = await http('/api/auth/login', { body: ADMIN })
      if (res.status !== 200) throw new Error(`admin login failed: ${JSON.stringify(res.body)}`)
      return (admin = res.body.token as string)
    },
    async defaultInboxId() {
      const res = await http('/api/admin/inboxes', { token: await ts.adminToken() })
      return res.body.inboxes[0].id as string
    },
    async identitySecret(inboxId) {
      const id = inboxId ?? (await ts.defaultInboxId())
      const res = await http(`/api/admin/inboxes/${id}/identity-secret`, {
        token: await ts.adminToken(),
      })
      if (res.status !== 200) throw new Error(`identity secret: ${JSON.stringify(res.body)}`)
      return res.body.identitySecret as string
    },
    async visitorToken(inboxId) {
      const res = await http('/api/visitor/session', {
        body: { inboxId: inboxId ?? (await ts.defaultInboxId()) },
      })
      if (res.status !== 200) throw new Error(`visitor session failed: ${JSON.stringify(res.body)}`)
      return res.body
    },
    async operator(o = {}) {
      const email = `op${++counter}-${Math.random().toString(36).slice(2, 8)}@example.com`
      const password = 'operator-password-1'
      const created = await http('/api/admin/operators', {
        token: await ts.adminToken(),
        body: {
          email,
          name: `Operator ${counter}`,
          password,
          // Operators see only their inboxes' conversations (O6): one outside every inbox that
          // must still see them (routed nothing) is a supervisor unless a role is asked for.
          role: o.role ?? (o.inboxIds === undefined ? 'supervisor' : 'operator'),
          canChat: o.canChat ?? true,
          // Outside every inbox unless asked: routing gives such an operator nothing.
          inboxIds: o.inboxIds ?? [],
        },
      })
      if (created.status !== 201)
        throw new Error(`operator create failed: ${JSON.stringify(created.body)}`)
      const login = await http('/api/auth/login', { body: { email, password } })
      return { token: login.body.token, id: created.body.id }
    },
  }
  return ts
}

/** GET /metrics as Prometheus scrapes it (with the test METRICS_TOKEN): the text. */
export async function scrape(s: TestServer): Promise<string> {
  const res = await s.http('/metrics', { token: METRICS_TOKEN })
  if (res.status !== 200) throw new Error(`metrics: ${res.status} ${JSON.stringify(res.body)}`)
  return String(res.body)
}

/** A series from GET /metrics, e.g. `parley_slow_consumers_total{transport="ws"}`; 0 when absent. */
export async function metric(s: TestServer, series: string): Promise<number> {
  const text = await scrape(s)
  const line = text.split('\n').find((l) => l.startsWith(`${series} `))
  return line ? Number(line.slice(series.length + 1)) : 0
}

/**
 * Every row of a test server's event log as stored, text and data (JSON) as written, read
 * straight from its database (SQLite file or Postgres): what a table scan would find.
 */
export async function rawEventLog(
  s: TestServer,
): Promise<Array<{ name: string; text: string | null; data: string | null }>> {
  const database = await testDatabase(s.dataDir)
  if (database) {
    const { default: postgres } = await import('postgres')
    const sql = postgres(database.url, { max: 1, onnotice: () => {} })
    try {
      return await sql<Array<{ name: string; text: string | null; data: string | null }>>`
        select name, text, data::text as data from events order by conversation_id, seq`
    } finally {
      await sql.end({ timeout: 1 })
    }
  }
  const { Database } = await import('bun:sqlite')
  const db = new Database(join(s.dataDir, 'parley.db'), { readonly: true })
  try {
    return db
      .query('select name, text, data from events order by conversation_id, seq')
      .all() as Array<{ name: string; text: string | null; data: string | null }>
  } finally {
    db.close()
  }
}

/**
 * Every stored table as text, read with the database's own driver (not through the store):
 * table name -> its rows as JSON lines. On SQLite every table of the file, the full-text
 * indexes' shadow tables too (blobs read as Latin-1, so indexed terms show as bytes); on
 * Postgres every table of the public schema. For proofs that something is stored nowhere.
 */
export async function rawTableDump(s: TestServer): Promise<Record<string, string>> {
  const dump: Record<string, string> = {}
  const database = await testDatabase(s.dataDir)
  if (database) {
    const { default: postgres } = await import('postgres')
    const sql = postgres(database.url, { max: 1, onnotice: () => {} })
    try {
      const tables = await sql<Array<{ name: string }>>`
        select table_name as name from information_schema.tables
        where table_schema = 'public' and table_type = 'BASE TABLE'`
      for (const { name } of tables) {
        const rows = await sql.unsafe(`select row_to_json(t)::text as row from "${name}" t`)
        dump[name] = rows.map((r) => String(r.row)).join('\n')
      }
      return dump
    } finally {
      await sql.end({ timeout: 1 })
    }
  }
  const { Database } = await import('bun:sqlite')
  const db = new Database(join(s.dataDir, 'parley.db'), { readonly: true })
  const latin1 = new TextDecoder('latin1')
  try {
    const tables = db
      .query(
        `select name from sqlite_master where type = 'table' and sql not like 'CREATE VIRTUAL%'`,
      )
      .all() as Array<{ name: string }>
    for (const { name } of tables) {
      const rows = db.query(`select * from "${name}"`).all() as Array<Record<string, unknown>>
      dump[name] = rows
        .map((row) =>
          JSON.stringify(row, (_key, value) =>
            value instanceof Uint8Array ? latin1.decode(value) : value,
          ),
        )
        .join('\n')
    }
    return dump
  } finally {
    db.close()
  }
}

/**
 * Runs one SQL statement straight on a test server's database (SQLite file or Postgres), with
 * `?`-free literal SQL: for tests that put the store in a state only a crash leaves behind.
 */
export async function rawSql(s: TestServer, statement: string): Promise<unknown[]> {
  const database = await testDatabase(s.dataDir)
  if (database) {
    const { default: postgres } = await import('postgres')
    const sql = postgres(database.url, { max: 1, onnotice: () => {} })
    try {
      return [...(await sql.unsafe(statement))]
    } finally {
      await sql.end({ timeout: 1 })
    }
  }
  const { Database } = await import('bun:sqlite')
  const db = new Database(join(s.dataDir, 'parley.db'))
  try {
    db.exec('PRAGMA busy_timeout = 5000')
    return db.query(statement).all()
  } finally {
    db.close()
  }
}
