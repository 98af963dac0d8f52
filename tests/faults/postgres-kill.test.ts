/**
 * Losing the database connection (X3, X6): `pg_terminate_backend` on every connection of a node
 * while visitors chat at ~40 messages/s. The node must neither crash nor wedge: the writes in
 * flight fail retryably, the next ones go through new connections, readiness comes back, and
 * every acknowledged message is stored exactly once.
 */
import { describe, expect, test } from 'bun:test'
import { contractViolations, startChatLoad } from '../helpers/chat-load.ts'
import { setInboxSettings } from '../helpers/cluster-chat.ts'
import { useCluster, withClusterServices } from '../helpers/cluster.ts'
import { storedMessages, terminateBackends } from '../helpers/faults.ts'
import { ensurePostgres } from '../helpers/postgres.ts'
import { tail, waitUntil } from '../helpers/processes.ts'

const ROUNDS = 9

await withClusterServices('faults - postgres connection kill', {}, () => {
  const cluster = useCluster({ nodes: 1, nats: false })

  describe('faults - postgres connection kill (single node)', () => {
    test('postgres kill - every connection of the node ended 9 times under load: no crash, no wedge, nothing acked lost or doubled', async () => {
      const c = cluster()
      const node = c.nodes[0]!
      const service = await ensurePostgres()
      if (!service.ok) throw new Error(service.reason)
      const database = new URL(c.databaseUrl).pathname.slice(1)
      await setInboxSettings(c, node, { visitorMessagesPerMinute: 600 })
      const visitors = await Promise.all(
        Array.from({ length: 6 }, async () => ({
          token: (await c.visitorToken(node)).token as string,
          urls: [node.wsUrl],
        })),
      )
      const load = await startChatLoad({ visitors, ratePerSec: 40, maxMs: 80_000 })
      const gaps: number[] = []
      let emptyKills = 0
      try {
        await Bun.sleep(1500)
        for (let round = 0; round < ROUNDS; round++) {
          let killedAt = performance.now()
          let ended = await terminateBackends(service.adminUrl, database)
          // Between a renewed pool and its first statement the node may hold no connection for
          // a moment; under this load it opens one at once. None for 3 s: it is not writing.
          const noneUntil = killedAt + 3_000
          while (ended === 0 && performance.now() < noneUntil) {
            await Bun.sleep(20)
            emptyKills++
            killedAt = performance.now()
            ended = await terminateBackends(service.adminUrl, database)
          }
          if (ended === 0)
            throw new Error(
              `round ${round}: the node ${node.running ? 'has no connection' : 'exited'}\n${tail(node.logs(), 30)}`,
            )
          // Service is back when a send made after the kill is acked; bounded.
          const until = killedAt + 15_000
          while (!load.firstAckAfter(killedAt + 1) && performance.now() < until) await Bun.sleep(50)
          const back = load.firstAckAfter(killedAt + 1)
          if (!back) throw new Error(`round ${round}: no ack within 15 s\n${c.logs()}`)
          gaps.push(back.at - killedAt)
          if (!node.running)
            throw new Error(`round ${round}: the node exited\n${tail(node.logs(), 30)}`)
          await Bun.sleep(1000)
        }
      } finally {
        await load.stop()
      }
      const stored = await storedMessages(c.databaseUrl)
      const absorbed = node
        .logs()
        .split('\n')
        .filter((line) => line.includes('driver fault absorbed')).length
      console.log(
        `postgres kill: ${ROUNDS} rounds; ${load.acked.length} acked, ${
          stored.filter((m) => m.text.startsWith('load ')).length
        } stored; errors ${JSON.stringify(Object.fromEntries(load.errors))}; driver faults absorbed ${absorbed}; kills that found no connection ${emptyKills}; unavailability per kill (ms) ${gaps.map(Math.round).join(' ')}`,
      )
      // What a slow recovery looked like from the client and in the node's warnings.
      if (Math.max(...gaps) >= 1_000) {
        console.log(JSON.stringify(load.slow))
        console.log(tail(node.logs(), 40))
      }
      expect(node.running).toBe(true)
      // Readiness comes back: a write that met a killed connection last (the analytics
      // projector's, every 5 s) leaves the node not ready until the store watch's probe or the
      // next write succeeds.
      await waitUntil('ready again', async () => (await node.http('/readyz')).status === 200, {
        timeoutMs: 10_000,
        intervalMs: 100,
      })
      expect(load.errors.get('internal_error') ?? 0).toBe(0)
      expect(contractViolations(load.acked, stored)).toEqual([])
      // Far below the store deadline: a broken connection is dropped at once, not waited out.
      expect(Math.max(...gaps)).toBeLessThan(5_000)
    }, 120_000)
  })
})
