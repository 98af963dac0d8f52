/**
 * The Parley server as the bench runs it: exactly `server/main.ts` (same config, same
 * startServer), plus two things only a benchmark needs:
 * - BENCH_ACTOR_IDLE_MS shortens the idle time after which conversation actors passivate
 *   (5 minutes in production), so the passivated-conversation memory figure takes seconds;
 * - BENCH_PROBE_PORT opens a second loopback listener whose GET /mem runs a full GC and
 *   returns this process's memory, so memory deltas are measured after collection.
 */
import { heapStats } from 'bun:jsc'
import { createLogger } from '../../actors/index.ts'
import { startServer } from '../../server/app.ts'
import { loadConfig } from '../../server/config.ts'

const base = loadConfig()
const idle = Number(process.env.BENCH_ACTOR_IDLE_MS ?? '')
const config = Number.isFinite(idle) && idle > 0 ? { ...base, actorIdleMs: idle } : base
const log = createLogger({ level: config.logLevel })
const server = await startServer(config, { log })

const probePort = Number(process.env.BENCH_PROBE_PORT ?? '0')
const probe = probePort
  ? Bun.serve({
      port: probePort,
      hostname: '127.0.0.1',
      fetch: () => Response.json(memory()),
    })
  : null

/** Memory after a full collection: RSS and the JS heap, bytes. */
function memory() {
  Bun.gc(true)
  Bun.gc(true)
  const usage = process.memoryUsage()
  return { rss: usage.rss, heapUsed: heapStats().heapSize, objects: heapStats().objectCount }
}

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    void probe?.stop(true)
    server.shutdown().then(
      () => process.exit(0),
      () => process.exit(1),
    )
  })
}
