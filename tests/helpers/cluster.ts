/**
 * Multi-process cluster tests: real Parley nodes (`bun server/main.ts`, one process each) on one
 * throwaway Postgres database, with their own nats-server, every process started here tracked
 * by PID and stopped by PID (leftovers are killed at exit; see processes.ts).
 *
 *   await withClusterServices('cluster - failover', {}, () => {
 *     const cluster = useCluster({ nodes: 3 })
 *     test('...', async () => { const [a, b] = cluster().nodes; ... }, 30_000)
 *   })
 */
import { afterAll, beforeAll, test } from 'bun:test'
import { randomBytes } from 'node:crypto'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { silentLogger } from '../../actors/index.ts'
import { ClusterLink } from '../../server/cluster/link.ts'
import { startNode, type ClusterNode } from './cluster-node.ts'
import { findBinary, startNats, type NatsServer } from './nats.ts'
import {
  createDatabase,
  createMigratedDatabase,
  dropDatabase,
  ensurePostgres,
  isCI,
} from './postgres.ts'
import { removeTempDir, tail, trackTempDir } from './processes.ts'
import { ADMIN } from './server.ts'

export { freePort, isAlive, killLeftovers, livePids, waitUntil } from './processes.ts'
export { startNats, type NatsServer } from './nats.ts'
export { renderNginxConf, startNginx, type Nginx } from './nginx.ts'
export { ADMIN }
export { httpJson, startNode, type ClusterNode } from './cluster-node.ts'

/** N nodes, their nats-server and their database; `stopAll` ends every process by PID. */
export interface Cluster {
  nodes: ClusterNode[]
  /** Null with `nats: false` (nodes then run without NATS_URL). */
  nats: NatsServer | null
  databaseUrl: string
  secret: string
  /** Starts one more node on the same NATS, database and secret. */
  addNode(opts?: {
    id?: string
    env?: Record<string, string>
    wait?: boolean
  }): Promise<ClusterNode>
  /** PIDs of the running processes (nodes and nats-server). */
  pids(): number[]
  /** Stops nodes (drain, SIGKILL after a bound), then NATS; drops the database; removes folders. */
  stopAll(): Promise<void>
  /** The captured output of every node and of nats-server, for a failed test's message. */
  logs(): string
  adminToken(node?: ClusterNode): Promise<string>
  defaultInboxId(node?: ClusterNode): Promise<string>
  /** A visitor session created on `node` (the first by default). */
  visitorToken(node?: ClusterNode): Promise<{ token: string; visitorId: string; inboxId: string }>
}

export interface ClusterOptions {
  /** How many nodes (3). */
  nodes?: number
  /** Environment for every node (over the contract's defaults), or per node by index. */
  env?: Record<string, string> | ((index: number) => Record<string, string>)
  /** 'migrated' (default): cloned from a migrated template; 'empty': the nodes migrate it. */
  database?: 'migrated' | 'empty'
  /** Start all nodes at once; by default the first starts alone (it bootstraps), then the rest. */
  parallel?: boolean
  /** Run a nats-server (default true). */
  nats?: boolean
}

export async function startCluster(opts: ClusterOptions = {}): Promise<Cluster> {
  const service = await ensurePostgres()
  if (!service.ok) throw new Error(`Postgres is unreachable: ${service.reason}`)
  const { adminUrl } = service
  const db =
    opts.database === 'empty'
      ? await createDatabase(adminUrl, 'parley_cluster')
      : await createMigratedDatabase(adminUrl)
  const secret = randomBytes(32).toString('hex')
  const nodes: ClusterNode[] = []
  let nats: NatsServer | null = null
  let stopped = false
  // The nodes share one machine, so one folder is truly shared storage for their files.
  const files = trackTempDir(mkdtempSync(join(tmpdir(), 'parley-cluster-files-')))
  const sharedFiles = { ATTACHMENT_DIR: files, ATTACHMENT_DIR_SHARED: 'true' }
  const envFor = (index: number) => ({
    ...sharedFiles,
    ...(typeof opts.env === 'function' ? opts.env(index) : (opts.env ?? {})),
  })
  let admin: string | null = null

  let nextIndex = 0
  /** Starts the node with the next index (ids node-1, node-2, ...), not yet in `nodes`. */
  const launch = (o: { id?: string; env?: Record<string, string>; wait?: boolean } = {}) => {
    const index = nextIndex++
    return startNode({
      id: o.id ?? `node-${index + 1}`,
      natsUrl: nats?.url ?? null,
      databaseUrl: db.url,
      secret,
      env: { ...envFor(index), ...o.env },
      wait: o.wait,
    })
  }

  const cluster: Cluster = {
    nodes,
    get nats() {
      return nats
    },
    databaseUrl: db.url,
    secret,
    async addNode(o = {}) {
      const node = await launch(o)
      nodes.push(node)
      return node
    },
    pids() {
      const all = nodes.filter((n) => n.running).map((n) => n.pid)
      if (nats?.running) all.push(nats.pid)
      return all
    },
    async stopAll() {
      if (stopped) return
      stopped = true
      await Promise.allSettled(nodes.map((n) => n.stop()))
      await nats?.dispose()
      for (const n of nodes) removeTempDir(n.dataDir)
      await dropDatabase(adminUrl, db.name)
    },
    logs() {
      const parts = nodes.map((n) => `--- ${n.id} (${n.url})\n${tail(n.logs(), 60)}`)
      if (nats) parts.push(`--- nats (${nats.url})\n${tail(nats.logs(), 30)}`)
      return parts.join('\n')
    },
    async adminToken(node = first()) {
      if (admin) return admin
      const res = await node.http('/api/auth/login', { body: ADMIN })
      if (res.status !== 200) throw new Error(`admin login failed: ${JSON.stringify(res.body)}`)
      return (admin = res.body.token as string)
    },
    async defaultInboxId(node = first()) {
      const res = await node.http('/api/admin/inboxes', { token: await cluster.adminToken(node) })
      if (res.status !== 200) throw new Error(`inbox list failed: ${JSON.stringify(res.body)}`)
      return res.body.inboxes[0].id as string
    },
    async visitorToken(node = first()) {
      const inboxId = await cluster.defaultInboxId(node)
      const res = await node.http('/api/visitor/session', { body: { inboxId } })
      if (res.status !== 200) throw new Error(`visitor session failed: ${JSON.stringify(res.body)}`)
      return res.body
    },
  }
  function first(): ClusterNode {
    const node = nodes[0]
    if (!node) throw new Error('the cluster has no node')
    return node
  }

  try {
    if (opts.nats !== false) nats = await startNats()
    const count = opts.nodes ?? 3
    if (!opts.parallel && count > 0) await cluster.addNode()
    const started = await Promise.allSettled(
      Array.from({ length: count - nodes.length }, () => launch()),
    )
    for (const s of started) if (s.status === 'fulfilled') nodes.push(s.value)
    const failed = started.find((s) => s.status === 'rejected')
    if (failed) throw failed.reason
  } catch (error) {
    const logs = cluster.logs()
    await cluster.stopAll()
    throw new Error(
      `cluster did not start: ${error instanceof Error ? error.message : error}\n${logs}`,
    )
  }
  return cluster
}

/**
 * A cluster for one test file: started in beforeAll, stopped in afterAll (both bounded by
 * `timeoutMs`). Call the returned function inside tests.
 */
export function useCluster(opts: ClusterOptions = {}, timeoutMs = 90_000): () => Cluster {
  let cluster: Cluster | null = null
  beforeAll(async () => {
    cluster = await startCluster(opts)
  }, timeoutMs)
  afterAll(async () => {
    await cluster?.stopAll()
  }, timeoutMs)
  return () => {
    if (!cluster) throw new Error('the cluster did not start (see beforeAll)')
    return cluster
  }
}

/**
 * For tests of the cluster modules themselves (no Parley nodes): a nats-server of the file's
 * own, started before its tests and stopped after them, and `link(nodeId)` opening a link to
 * it (closed before the server stops; `links` in the order opened).
 */
export function useNats(): {
  readonly nats: NatsServer
  readonly links: ClusterLink[]
  link(nodeId: string): Promise<ClusterLink>
} {
  let server: NatsServer | null = null
  const links: ClusterLink[] = []
  beforeAll(async () => {
    server = await startNats()
  }, 30_000)
  afterAll(async () => {
    for (const l of links) await l.close().catch(() => {})
    await server?.dispose()
  }, 30_000)
  return {
    get nats() {
      if (!server) throw new Error('nats-server has not started yet (use it inside a test)')
      return server
    },
    links,
    async link(nodeId) {
      const link = await ClusterLink.open({ url: this.nats.url, nodeId, log: silentLogger })
      links.push(link)
      return link
    },
  }
}

/** What cluster tests need on this machine, found or missing (with why). */
export async function clusterServices(
  needs: { nginx?: boolean } = {},
): Promise<{ ok: true } | { ok: false; reason: string }> {
  const missing: string[] = []
  const pg = await ensurePostgres()
  if (!pg.ok) missing.push(`Postgres is unreachable (${pg.reason})`)
  if (!findBinary('nats-server')) missing.push('nats-server is not installed')
  if (needs.nginx && !findBinary('nginx')) missing.push('nginx is not installed')
  return missing.length ? { ok: false, reason: missing.join('; ') } : { ok: true }
}

/**
 * Registers `specs` when Postgres, nats-server (and nginx if asked) are there. Otherwise one
 * failing test under CI=true, or one skipped test naming what is missing (reason printed).
 */
export async function withClusterServices(
  what: string,
  needs: { nginx?: boolean },
  specs: () => void | Promise<void>,
): Promise<void> {
  const found = await clusterServices(needs)
  if (found.ok) return specs()
  if (isCI) {
    test(`${what} - cluster services are available (required when CI=true)`, () => {
      throw new Error(found.reason)
    })
    return
  }
  console.warn(`${what}: skipped, ${found.reason}`)
  test.skip(`${what} - skipped: ${found.reason} and CI is not set`, () => {})
}
