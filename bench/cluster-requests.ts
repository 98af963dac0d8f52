/**
 * Request/reply between nodes (issue 23): CPU per request of the link's own request path
 * (server/cluster/requests.ts, what placement forwards commands with) against the NATS
 * client's `request()`, which placement used before, in the same run against the same
 * nats-server of its own (loopback, a free port).
 *
 *   node_modules/.bin/bun bench/cluster-requests.ts [--requests 40000] [--inflight 48]
 *
 * One process holds both ends: an asker link and a responder link whose subscription answers
 * every request at once, as placement's `serve` does. `--inflight` requests are kept in flight
 * (a k6 operator keeps 48). Reported: this process's CPU per request (user + system, from
 * process.cpuUsage: the asker's and the responder's client work together) and requests per
 * second, each path twice in alternation so drift shows; the ratio is against the NATS
 * client's request() in the same run. Placement's ask before also raced each request against a
 * watchdog (a sleep, then probes), measured as a third path. nats-server's CPU is the same for both (the same
 * two messages per request) and is not counted.
 */
import { parseArgs } from 'node:util'
import { silentLogger } from '../actors/index.ts'
import { ClusterLink } from '../server/cluster/link.ts'
import { startNats } from '../tests/helpers/nats.ts'

const { values } = parseArgs({
  options: {
    requests: { type: 'string', default: '40000' },
    inflight: { type: 'string', default: '48' },
  },
})
const total = Number(values.requests)
const inflight = Number(values.inflight)
if (!Number.isInteger(total) || total < 1000) throw new Error('--requests: at least 1000')
if (!Number.isInteger(inflight) || inflight < 1 || inflight > 1000) {
  throw new Error('--inflight: 1 to 1000')
}

const nats = await startNats()
const asker = await ClusterLink.open({ url: nats.url, nodeId: 'asker', log: silentLogger })
const responder = await ClusterLink.open({ url: nats.url, nodeId: 'owner', log: silentLogger })
const subject = 'parley.actor.conversation.bench'
responder.nc.subscribe(subject, {
  callback: (_error, msg) => responder.batch(() => void msg.respond('{"ok":true,"value":1}')),
})
await responder.nc.flush()
const body = JSON.stringify({ cmd: { type: 'send', text: 'x'.repeat(60) }, id: 'a.1' })

type Path = (done: (ok: boolean) => void) => void
const ownPath: Path = (done) =>
  asker.requests.send(subject, body, 10_000, (reply) => done(typeof reply !== 'string'))
const clientPath: Path = (done) =>
  asker.batch(() =>
    asker.nc.request(subject, body, { timeout: 10_000 }).then(
      () => done(true),
      () => done(false),
    ),
  )

/** As placement asked before: request() raced against a watchdog that sleeps, then probes. */
const beforePath: Path = (done) => {
  let settled = false
  const answer = new Promise<boolean>((resolve) =>
    clientPath((ok) => {
      settled = true
      resolve(ok)
    }),
  )
  const watchdog = (async () => {
    await Bun.sleep(833) // probeAfterMs at the default lease TTL; answered long before.
    return settled ? null : false
  })()
  void Promise.race([answer, watchdog.then((w) => w ?? answer)]).then(done)
}

/** Runs `count` requests with `inflight` in flight; CPU us per request and requests/s. */
function run(path: Path, count: number): Promise<{ cpuUs: number; perSecond: number }> {
  return new Promise((resolve, reject) => {
    let started = 0
    let finished = 0
    let failed = 0
    const cpu0 = process.cpuUsage()
    const t0 = performance.now()
    const next = (): void => {
      if (started >= count) return
      started++
      path((ok) => {
        finished++
        if (!ok) failed++
        if (finished === count) {
          const cpu = process.cpuUsage(cpu0)
          const seconds = (performance.now() - t0) / 1000
          if (failed > 0) reject(new Error(`${failed} requests failed`))
          else resolve({ cpuUs: (cpu.user + cpu.system) / count, perSecond: count / seconds })
        } else next()
      })
    }
    for (let i = 0; i < inflight; i++) next()
  })
}

try {
  await run(ownPath, 2000) // Warm-up, both paths.
  await run(clientPath, 2000)
  await run(beforePath, 2000)
  const rounds: Array<{ name: string; cpuUs: number; perSecond: number }> = []
  for (let i = 0; i < 2; i++) {
    rounds.push({ name: "NATS client's request()", ...(await run(clientPath, total)) })
    rounds.push({
      name: 'request() + watchdog (placement before)',
      ...(await run(beforePath, total)),
    })
    rounds.push({ name: "link's requests (placement's path)", ...(await run(ownPath, total)) })
  }
  const baseline = rounds.filter((r) => r.name.startsWith('NATS'))
  const base = baseline.reduce((sum, r) => sum + r.cpuUs, 0) / baseline.length
  console.log(`\nrequest/reply, ${total} requests per round, ${inflight} in flight, one process\n`)
  console.log('| path | CPU per request (asker + responder) | requests/s | vs request() |')
  console.log('| --- | ---: | ---: | ---: |')
  for (const r of rounds) {
    console.log(
      `| ${r.name} | ${r.cpuUs.toFixed(1)} us | ${Math.round(r.perSecond)} | ${(r.cpuUs / base).toFixed(2)}x |`,
    )
  }
} finally {
  await asker.close()
  await responder.close()
  await nats.dispose()
}
