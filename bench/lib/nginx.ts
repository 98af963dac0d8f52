/**
 * deploy/nginx.conf in front of a bench cluster (issue 23): rendered for a free port and the
 * nodes' addresses, run unprivileged by Debian's nginx in a temp prefix, pinned to the server
 * core like the nodes, and stopped by PID. Its CPU is its master's and workers' together.
 */
import { chmodSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { renderNginxConf } from '../../tests/helpers/nginx.ts'
import { findBinary } from '../../tests/helpers/nats.ts'
import { childPids } from '../../tests/helpers/processes.ts'
import { listening } from './cluster.ts'
import { freePort, startProcess, stopProcess, tempDir, type Pinning, type Proc } from './procs.ts'

export interface BenchNginx {
  /** http://127.0.0.1:port */
  url: string
  proc: Proc
  /** The master and its workers (read from /proc now). */
  pids(): number[]
  stop(): Promise<void>
}

export async function startBenchNginx(upstreams: string[], pin: Pinning): Promise<BenchNginx> {
  const binary = findBinary('nginx')
  if (!binary) throw new Error('nginx is not installed (apt-get install nginx-light)')
  const port = freePort()
  const prefix = tempDir('parley-bench-nginx-')
  // As root, the workers run as nobody and must reach the temp folders (nginx creates them).
  chmodSync(prefix.path, 0o755)
  const conf = join(prefix.path, 'nginx.conf')
  writeFileSync(conf, renderNginxConf({ listen: port, upstreams }))
  const proc = startProcess(
    'nginx',
    [binary, '-p', `${prefix.path}/`, '-c', conf, '-e', 'stderr', '-g', 'daemon off;'],
    // BENCH_NGINX_CORE=client: nginx on the load client's core instead (to tell its CPU from
    // its hop: does it cost latency of its own, or by sharing the nodes' core?).
    { pin, core: process.env.BENCH_NGINX_CORE === 'client' ? 'client' : 'server' },
  )
  const stop = async () => {
    await stopProcess(proc)
    prefix.remove()
  }
  try {
    await listening(port, proc)
  } catch (error) {
    await stop()
    throw error
  }
  return {
    url: `http://127.0.0.1:${port}`,
    proc,
    pids: () => [proc.pid, ...childPids(proc.pid)],
    stop,
  }
}
