/**
 * A bench cluster (issue 23): a nats-server of its own (JetStream, loopback, a free port), one
 * throwaway Postgres database and N Parley nodes sharing it, every process pinned to the server
 * core like the single node it is compared with, and stopped by PID.
 */
import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import postgres from 'postgres'
import { startParley, type ParleyServer } from './parley.ts'
import { freePort, startProcess, stopProcess, tempDir, type Pinning, type Proc } from './procs.ts'

const PG_ADMIN = process.env.PARLEY_TEST_POSTGRES ?? 'postgres://postgres@127.0.0.1:5432/postgres'

export interface BenchCluster {
  nodes: ParleyServer[]
  nats: Proc
  stop(): Promise<void>
}

/** Debian installs nats-server in /usr/sbin, often not on a user's PATH. */
function natsBinary(): string {
  for (const path of [
    '/usr/sbin/nats-server',
    '/usr/bin/nats-server',
    '/usr/local/bin/nats-server',
  ])
    if (existsSync(path)) return path
  return 'nats-server'
}

/** Resolves once something accepts TCP connections on the port (bounded). */
export async function listening(port: number, proc: Proc, timeoutMs = 10_000): Promise<void> {
  const deadline = performance.now() + timeoutMs
  while (performance.now() < deadline) {
    if (proc.child.exitCode !== null) throw new Error(`${proc.name} exited:\n${proc.output()}`)
    const ok = await new Promise<boolean>((resolve) => {
      Bun.connect({
        hostname: '127.0.0.1',
        port,
        socket: {
          open: (s) => {
            s.end()
            resolve(true)
          },
          data() {},
          error: () => resolve(false),
          connectError: () => resolve(false),
        },
      }).catch(() => resolve(false))
    })
    if (ok) return
    await Bun.sleep(50)
  }
  throw new Error(`${proc.name} not listening on ${port}:\n${proc.output()}`)
}

export async function startBenchCluster(opts: {
  nodes: number
  pin: Pinning
}): Promise<BenchCluster> {
  const store = tempDir('parley-bench-nats-')
  const files = tempDir('parley-bench-files-')
  const natsPort = freePort()
  const nats = startProcess(
    'nats-server',
    [natsBinary(), '-js', '-sd', store.path, '-a', '127.0.0.1', '-p', String(natsPort)],
    { pin: opts.pin },
  )
  const name = `parley_bench_cluster_${process.pid}_${Date.now()}`
  const url = new URL(PG_ADMIN)
  url.pathname = `/${name}`
  const nodes: ParleyServer[] = []
  const stop = async () => {
    await Promise.allSettled(nodes.map((n) => n.stop()))
    await stopProcess(nats)
    const admin = postgres(PG_ADMIN, { max: 1, onnotice: () => {} })
    try {
      await admin.unsafe(`drop database if exists ${name} with (force)`)
    } finally {
      await admin.end()
    }
    store.remove()
    files.remove()
  }
  try {
    await listening(natsPort, nats)
    const sql = postgres(PG_ADMIN, { max: 1, onnotice: () => {} })
    try {
      await sql.unsafe(`create database ${name}`)
    } finally {
      await sql.end()
    }
    const shared = {
      databaseUrl: url.toString(),
      secret: randomBytes(32).toString('base64url'),
      natsUrl: `nats://127.0.0.1:${natsPort}`,
      filesDir: files.path,
    }
    const start = (i: number) =>
      startParley({ db: 'postgres', pin: opts.pin, node: { ...shared, nodeId: `node-${i + 1}` } })
    // The first migrates the database and creates the admin; then the others, together.
    nodes.push(await start(0))
    nodes.push(
      ...(await Promise.all(Array.from({ length: opts.nodes - 1 }, (_, i) => start(i + 1)))),
    )
  } catch (error) {
    await stop()
    throw error
  }
  return { nodes, nats, stop }
}
