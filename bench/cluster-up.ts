/**
 * A cluster to point k6 at (issue 23): a nats-server of its own, a throwaway Postgres database
 * and N Parley nodes on loopback, pinned like the bench's servers (core 0; --no-pin to leave
 * them free). Prints the NODES value and the admin for bench/k6/cluster.js, then runs until
 * Ctrl-C (or --seconds), and stops every process it started by PID and drops the database.
 *
 *   node_modules/.bin/bun bench/cluster-up.ts [--nodes 3] [--seconds 600] [--no-pin] [--nginx]
 *
 * With --nginx, deploy/nginx.conf runs in front of the nodes too (pinned with them) and NGINX
 * is printed: point k6's NODES at it to go through the proxy.
 *   ../shared/tools/k6 run -e NODES=<printed> -e ADMIN_EMAIL=... -e ADMIN_PASSWORD=... \
 *     -e STORE=postgres -e V=300 -e O=3 -e R=5 --local-ips=127.0.0.1-127.0.0.40 bench/k6/cluster.js
 */
import { parseArgs } from 'node:util'
import { startBenchCluster } from './lib/cluster.ts'
import { startBenchNginx } from './lib/nginx.ts'
import { ADMIN } from './lib/parley.ts'
import { detectPinning, stopAll } from './lib/procs.ts'

const { values } = parseArgs({
  options: {
    nodes: { type: 'string', default: '3' },
    seconds: { type: 'string', default: '3600' },
    'no-pin': { type: 'boolean', default: false },
    nginx: { type: 'boolean', default: false },
  },
})
const nodes = Number(values.nodes)
const seconds = Number(values.seconds)
if (!Number.isInteger(nodes) || nodes < 1 || nodes > 9) throw new Error('--nodes: 1 to 9')
if (!Number.isFinite(seconds) || seconds <= 0) throw new Error('--seconds: a positive number')

const pin = detectPinning(!values['no-pin'])
const cluster = await startBenchCluster({ nodes, pin })
console.log(`NODES=${cluster.nodes.map((n) => n.url).join(',')}`)
const nginx = values.nginx
  ? await startBenchNginx(
      cluster.nodes.map((n) => new URL(n.url).host),
      pin,
    ).catch(async (error) => {
      await cluster.stop()
      throw error
    })
  : null
if (nginx) console.log(`NGINX=${nginx.url} (nginx PIDs: ${nginx.pids().join(' ')})`)
console.log(`ADMIN_EMAIL=${ADMIN.email} ADMIN_PASSWORD=${ADMIN.password}`)
console.log(
  `node PIDs: ${cluster.nodes.map((n) => n.proc.pid).join(' ')}; nats-server ${cluster.nats.pid}`,
)

let stopping = false
const stop = async (code: number) => {
  if (stopping) return
  stopping = true
  await nginx?.stop()
  await cluster.stop()
  await stopAll()
  process.exit(code)
}
process.on('SIGINT', () => void stop(130))
process.on('SIGTERM', () => void stop(143))
setTimeout(() => void stop(0), seconds * 1000)
