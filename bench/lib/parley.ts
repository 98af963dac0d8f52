/**
 * Starting a Parley server for the bench (its own process, pinned, SQLite in a temp folder or a
 * throwaway Postgres database) and preparing what the scenarios need over the real HTTP API:
 * an inbox, operators with sessions, visitor sessions.
 */
import { randomBytes } from 'node:crypto'
import postgres from 'postgres'
import { api, HttpError } from './client.ts'
import {
  BUN,
  freePort,
  startProcess,
  stopProcess,
  tempDir,
  waitReady,
  type Pinning,
  type Proc,
} from './procs.ts'

export type DbKind = 'sqlite' | 'postgres'

export const ADMIN = { email: 'bench-admin@example.com', password: 'bench-password-0001' }
/** /metrics is not public: the bench scrapes it with this token (METRICS_TOKEN). */
const METRICS_TOKEN = randomBytes(24).toString('base64url')

const PG_ADMIN = process.env.PARLEY_TEST_POSTGRES ?? 'postgres://postgres@127.0.0.1:5432/postgres'

/** A running bench server and how to reach and stop it. */
export interface ParleyServer {
  url: string
  proc: Proc
  /** GET: memory after a full GC in the server process. */
  memUrl: string
  stop(): Promise<void>
}

/** A node of a bench cluster: the database, secret and NATS its siblings share (lib/cluster.ts). */
export interface SharedNode {
  databaseUrl: string
  secret: string
  natsUrl: string
  nodeId: string
  /** The folder every node stores attachments in (one machine: truly shared). */
  filesDir: string
}

export async function startParley(opts: {
  db: DbKind
  pin: Pinning
  actorIdleMs?: number
  /** A cluster node: the database is the cluster's (neither created nor dropped here). */
  node?: SharedNode
}): Promise<ParleyServer> {
  const dir = tempDir('parley-bench-')
  let dropDb: (() => Promise<void>) | null = null
  let databaseUrl = opts.node?.databaseUrl ?? `sqlite:${dir.path}/parley.db`
  if (opts.db === 'postgres' && !opts.node) {
    const name = `parley_bench_${process.pid}_${Date.now()}`
    const sql = postgres(PG_ADMIN, { max: 1, onnotice: () => {} })
    try {
      await sql.unsafe(`create database ${name}`)
    } finally {
      await sql.end()
    }
    const url = new URL(PG_ADMIN)
    url.pathname = `/${name}`
    databaseUrl = url.toString()
    dropDb = async () => {
      const admin = postgres(PG_ADMIN, { max: 1, onnotice: () => {} })
      try {
        await admin.unsafe(`drop database if exists ${name} with (force)`)
      } finally {
        await admin.end()
      }
    }
  }
  const port = freePort()
  const probePort = freePort()
  // BENCH_CPU_PROF=<dir>: the server writes a CPU profile (also as markdown) there on exit.
  const prof = process.env.BENCH_CPU_PROF
  const profArgs = prof ? ['--cpu-prof', '--cpu-prof-md', `--cpu-prof-dir=${prof}`] : []
  const node = opts.node
  const clusterEnv: Record<string, string> = node
    ? {
        NATS_URL: node.natsUrl,
        NODE_ID: node.nodeId,
        ATTACHMENT_DIR: node.filesDir,
        ATTACHMENT_DIR_SHARED: 'true',
        // nginx in front (bench/lib/nginx.ts) connects from here: it names the client.
        TRUST_PROXY: '127.0.0.1',
      }
    : {}
  const proc = startProcess(
    node?.nodeId ?? 'parley',
    [BUN, ...profArgs, 'bench/lib/server-entry.ts'],
    {
      pin: opts.pin,
      env: {
        ...clusterEnv,
        PORT: String(port),
        HOST: '127.0.0.1',
        DATA_DIR: dir.path,
        DATABASE_URL: databaseUrl,
        PARLEY_SECRET: node?.secret ?? randomBytes(32).toString('base64url'),
        ADMIN_EMAIL: ADMIN.email,
        ADMIN_PASSWORD: ADMIN.password,
        LOG_LEVEL: 'warn',
        SHUTDOWN_GRACE: '2',
        METRICS_TOKEN,
        // The fan-out room is one visitor's 100 tabs; the default allows 5 per visitor.
        MAX_VISITOR_CONNECTIONS: '1000',
        // The attachment phase uploads hundreds of files from one visitor.
        ATTACHMENT_UPLOADS_PER_MINUTE: '100000',
        ATTACHMENT_DOWNLOADS_PER_MINUTE: '100000',
        // The webhook phase posts to receivers on loopback.
        WEBHOOK_ALLOW_HOSTS: '127.0.0.1',
        BENCH_PROBE_PORT: String(probePort),
        BENCH_ACTOR_IDLE_MS: String(opts.actorIdleMs ?? 0),
      },
    },
  )
  const url = `http://127.0.0.1:${port}`
  try {
    await waitReady(proc, `${url}/readyz`)
  } catch (error) {
    await stopProcess(proc)
    dir.remove()
    await dropDb?.()
    throw error
  }
  return {
    url,
    proc,
    memUrl: `http://127.0.0.1:${probePort}/mem`,
    async stop() {
      await stopProcess(proc, 15_000)
      dir.remove()
      await dropDb?.()
    },
  }
}

/** Memory of a process after a full GC, from its probe. */
export async function memoryOf(memUrl: string): Promise<{ rss: number; heapUsed: number }> {
  const res = await fetch(memUrl, { signal: AbortSignal.timeout(30_000) })
  return (await res.json()) as { rss: number; heapUsed: number }
}

/** The server's Prometheus text (GET /metrics with the bench's token). */
export async function scrape(url: string): Promise<string> {
  const res = await fetch(`${url}/metrics`, {
    headers: { authorization: `Bearer ${METRICS_TOKEN}` },
  })
  return res.text()
}

/** The sum of every series of a metric (all label values) in the server's Prometheus text. */
export async function metricSum(url: string, name: string): Promise<number> {
  const text = await scrape(url)
  let sum = 0
  for (const line of text.split('\n')) {
    if (line.startsWith(`${name} `) || line.startsWith(`${name}{`))
      sum += Number(line.split(' ').pop())
  }
  return sum
}

/** A number from the server's Prometheus text, or NaN. */
export async function metric(url: string, name: string): Promise<number> {
  const text = await scrape(url)
  const line = text.split('\n').find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`))
  return line ? Number(line.split(' ').pop()) : Number.NaN
}

export interface OperatorSession {
  id: string
  email: string
  token: string
}

/** A fresh inbox whose only members are `operators` new operators, all logged in. */
export async function setupInbox(
  url: string,
  operators: number,
): Promise<{ inboxId: string; adminToken: string; operators: OperatorSession[] }> {
  const admin = await api<{ token: string }>(url, 'POST', '/api/auth/login', { body: ADMIN })
  const inbox = await api<{ id: string }>(url, 'POST', '/api/admin/inboxes', {
    token: admin.token,
    body: {
      name: `bench ${Date.now()}`,
      // The highest visitor rate the product allows; the bench paces well below it.
      settings: { visitorMessagesPerMinute: 600, maxOpenPerOperator: 0, escalationMinutes: 60 },
    },
  })
  const tag = randomBytes(4).toString('hex')
  const ops = await Promise.all(
    Array.from({ length: operators }, async (_, i) => {
      const email = `bench-op-${tag}-${i}@example.com`
      const password = `bench-op-password-${i}`
      const op = await api<{ id: string }>(url, 'POST', '/api/admin/operators', {
        token: admin.token,
        body: { email, name: `Bench ${i}`, password, inboxIds: [inbox.id] },
      })
      const session = await api<{ token: string }>(url, 'POST', '/api/auth/login', {
        body: { email, password },
      })
      return { id: op.id, email, token: session.token }
    }),
  )
  return { inboxId: inbox.id, adminToken: admin.token, operators: ops }
}

/** Loopback source address number `k` (127.1.0.1 and up): real visitors come from many IPs. */
function sourceAddress(k: number): string {
  return `127.1.${Math.floor(k / 250) % 250}.${(k % 250) + 1}`
}

/** Sessions per source address: under the per-IP burst of 30. */
const PER_ADDRESS = 25

export interface VisitorSession {
  token: string
  visitorId: string
}

/**
 * `n` new visitor sessions over POST /api/visitor/session, `concurrency` at a time, each group
 * of 25 from its own loopback address. `offset` keeps address groups apart between calls.
 */
export async function visitorSessions(
  url: string,
  inboxId: string,
  n: number,
  offset = 0,
  concurrency = 16,
): Promise<VisitorSession[]> {
  const out: VisitorSession[] = new Array(n)
  let next = 0
  const deadline = performance.now() + 120_000
  await Promise.all(
    Array.from({ length: Math.min(concurrency, n) }, async () => {
      while (next < n) {
        const i = next++
        const localAddress = sourceAddress(offset + Math.floor(i / PER_ADDRESS))
        for (;;) {
          try {
            out[i] = await api<VisitorSession>(url, 'POST', '/api/visitor/session', {
              body: { inboxId },
              localAddress,
            })
            break
          } catch (error) {
            if (!(error instanceof HttpError) || error.status !== 429) throw error
            if (performance.now() > deadline) throw error
            await Bun.sleep(error.retryAfterMs)
          }
        }
      }
    }),
  )
  return out
}

/** Address groups used by `n` sessions; pass the running total as the next `offset`. */
export function addressGroups(n: number): number {
  return Math.ceil(n / PER_ADDRESS)
}
