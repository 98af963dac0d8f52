/**
 * One Parley node as a real process (`bun server/main.ts`) for cluster tests, with the node
 * contract's environment; its port and data folder stay the same across restarts.
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  baseEnv,
  freePort,
  signal,
  spawnTracked,
  stopTracked,
  tail,
  trackTempDir,
  waitUntil,
  type Exit,
  type Tracked,
} from './processes.ts'
import { ADMIN, METRICS_TOKEN } from './server.ts'

const ROOT = new URL('../../', import.meta.url).pathname
const BUN = join(ROOT, 'node_modules/.bin/bun')

type HttpResult = { status: number; body: any; headers: Headers }

/** One Parley node process; its port and data folder stay the same across restarts. */
export interface ClusterNode {
  id: string
  port: number
  /** http://127.0.0.1:port */
  url: string
  /** ws://127.0.0.1:port/ws */
  wsUrl: string
  dataDir: string
  /** The environment it runs with (the node contract). */
  env: Record<string, string>
  /** The PID of the current process (a new one after restart). */
  readonly pid: number
  readonly running: boolean
  /** SIGTERM (drain), then waits for the exit; SIGKILL after `timeoutMs` (default 15 s). */
  stop(opts?: { timeoutMs?: number }): Promise<Exit>
  /** SIGKILL, and waits for the exit. */
  kill9(): Promise<Exit>
  /** SIGSTOP: the process is frozen, its sockets stay open (a stalled node). */
  pause(): void
  /** SIGCONT. */
  resume(): void
  /** Stops it if running, then starts it on the same port and folder (env overrides merged). */
  restart(opts?: { env?: Record<string, string>; wait?: boolean }): Promise<void>
  /** Polls GET /readyz until 200; bounded; fails at once if the process exits. */
  waitReady(timeoutMs?: number): Promise<void>
  /** Captured stdout and stderr of every run of this node (JSON log lines). */
  logs(): string
  /** A JSON request to this node (a body means POST unless `method` says otherwise). */
  http(
    path: string,
    init?: { method?: string; body?: unknown; token?: string },
  ): Promise<HttpResult>
}

/** Starts a node and (unless `wait: false`) waits until /readyz answers 200. */
export async function startNode(opts: {
  id: string
  /** Null: no NATS_URL (a single node). */
  natsUrl: string | null
  databaseUrl: string
  secret: string
  env?: Record<string, string>
  port?: number
  wait?: boolean
}): Promise<ClusterNode> {
  const port = opts.port ?? (await freePort())
  const dataDir = trackTempDir(mkdtempSync(join(tmpdir(), `parley-${opts.id}-`)))
  let env: Record<string, string> = {
    ...baseEnv(),
    PORT: String(port),
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    DATABASE_URL: opts.databaseUrl,
    PARLEY_SECRET: opts.secret,
    ...(opts.natsUrl ? { NATS_URL: opts.natsUrl } : {}),
    NODE_ID: opts.id,
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    LOG_LEVEL: 'info',
    SHUTDOWN_GRACE: '5',
    // /metrics is not public: the tests scrape it with this token (clusterGauge).
    METRICS_TOKEN,
    // As every test server (tests/helpers/server.ts): cheaper password hashes.
    PASSWORD_HASH_MEMORY_KIB: '19456',
    ...opts.env,
  }
  let history = ''
  const spawn = () => spawnTracked(opts.id, BUN, ['server/main.ts'], { env, cwd: ROOT })
  let proc: Tracked = spawn()

  const node: ClusterNode = {
    id: opts.id,
    port,
    url: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}/ws`,
    dataDir,
    get env() {
      return env
    },
    get pid() {
      return proc.pid
    },
    get running() {
      return proc.exit === null
    },
    stop: (o = {}) => stopTracked(proc, { timeoutMs: o.timeoutMs ?? 15_000 }),
    kill9: () => stopTracked(proc, { signal: 'SIGKILL', timeoutMs: 5_000 }),
    pause: () => void signal(proc.pid, 'SIGSTOP'),
    resume: () => void signal(proc.pid, 'SIGCONT'),
    async restart(o = {}) {
      if (proc.exit === null) await node.stop()
      env = { ...env, ...o.env }
      history += proc.output()
      proc = spawn()
      if (o.wait !== false) await node.waitReady()
    },
    waitReady: (timeoutMs = 30_000) =>
      waitUntil(
        `node ${opts.id} ready on ${port}`,
        async () => {
          const res = await fetch(`${node.url}/readyz`, { signal: AbortSignal.timeout(2_000) })
          await res.arrayBuffer()
          return res.status === 200
        },
        {
          timeoutMs,
          intervalMs: 150,
          abort: () =>
            proc.exit ? `exited (${JSON.stringify(proc.exit)}):\n${tail(proc.output())}` : null,
        },
      ),
    logs: () => history + proc.output(),
    http: (path, init) => httpJson(node.url, path, init),
  }
  if (opts.wait !== false) {
    try {
      await node.waitReady()
    } catch (error) {
      await node.stop()
      throw error
    }
  }
  return node
}

/** A JSON request; the body is parsed when it is JSON, else kept as text. */
export async function httpJson(
  base: string,
  path: string,
  init: { method?: string; body?: unknown; token?: string } = {},
): Promise<HttpResult> {
  const headers: Record<string, string> = {}
  if (init.body !== undefined) headers['content-type'] = 'application/json'
  if (init.token) headers.authorization = `Bearer ${init.token}`
  const res = await fetch(base + path, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers,
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
    signal: AbortSignal.timeout(10_000),
  })
  const text = await res.text()
  let body: unknown = text
  try {
    body = JSON.parse(text)
  } catch {
    // not JSON; keep the text
  }
  return { status: res.status, body, headers: res.headers }
}
