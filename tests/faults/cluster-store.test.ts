/**
 * One node's database fails while the others' works (X3, X6). Node 1 reaches Postgres through a
 * proxy the test controls; node 2 directly.
 * - Its connections ended by `pg_terminate_backend` (the reproduction of issue 11): node 1 stays
 *   up and keeps serving its conversations.
 * - Its link to the database frozen: node 1's writes fail by their deadline, its /readyz turns
 *   503, it gives up its leases, and node 2 serves its conversations; once the link is back node 1
 *   turns ready and takes conversations again.
 * Every acknowledged message is stored once throughout.
 */
import { afterAll, describe, expect, test } from 'bun:test'
import { contractViolations, startChatLoad, type LoadVisitor } from '../helpers/chat-load.ts'
import { clusterGauge, okEventually, setInboxSettings, visitorOn } from '../helpers/cluster-chat.ts'
import {
  useCluster,
  waitUntil,
  withClusterServices,
  type Cluster,
  type ClusterNode,
} from '../helpers/cluster.ts'
import { storedMessages, terminateBackends } from '../helpers/faults.ts'
import { ensurePostgres } from '../helpers/postgres.ts'
import { startTcpProxy, viaProxy, type TcpProxy } from '../helpers/tcp-proxy.ts'

const STORE_TIMEOUT_MS = 2000

await withClusterServices('faults - one node loses its database', {}, () => {
  const cluster = useCluster({
    nodes: 2,
    env: { LEASE_TTL_MS: '3000', STORE_TIMEOUT_MS: String(STORE_TIMEOUT_MS) },
  })
  let proxy: TcpProxy | null = null
  afterAll(async () => {
    await proxy?.close()
  })

  /** Node 1 through the proxy; conversations started (so owned) by node 1, visitors on node 2. */
  /**
   * A visitor signed in through `node`, retried (bounded) while its store refuses with the
   * retryable `unavailable`: after a cut or a freeze a pooled connection may fail one first
   * query, and a real client retries it.
   */
  async function visitorVia(c: Cluster, node: ClusterNode) {
    const signedIn: Array<Awaited<ReturnType<typeof visitorOn>>> = []
    await waitUntil(
      `a visitor signed in through ${node.url}`,
      async () => {
        const v = await visitorOn(c, node).catch(() => null)
        if (v) signedIn.push(v)
        return v !== null
      },
      { timeoutMs: 10_000, intervalMs: 200 },
    )
    return signedIn[0] as Awaited<ReturnType<typeof visitorOn>>
  }

  async function setUp(c: Cluster) {
    const [n1, n2] = c.nodes as [ClusterNode, ClusterNode]
    if (!proxy) {
      proxy = await startTcpProxy({ port: Number(new URL(c.databaseUrl).port || 5432) })
      await n1.restart({ env: { DATABASE_URL: viaProxy(c.databaseUrl, proxy.port) } })
      await setInboxSettings(c, n2, { visitorMessagesPerMinute: 600 })
    }
    const tag = Math.random().toString(36).slice(2, 8)
    const visitors: LoadVisitor[] = await Promise.all(
      Array.from({ length: 3 }, async (_, i) => {
        const v = await visitorVia(c, n1)
        await okEventually(v.ws, { type: 'start', clientMsgId: `start-${i}` })
        v.ws.close()
        return { token: v.token, urls: [n2.wsUrl] }
      }),
    )
    void tag
    return { n1, n2, visitors, proxy: proxy as TcpProxy }
  }

  describe('faults - one node loses its database (cluster)', () => {
    test('cluster store - every connection of a node ended under load: it stays up and serves on', async () => {
      const c = cluster()
      const { n1, visitors } = await setUp(c)
      const service = await ensurePostgres()
      if (!service.ok) throw new Error(service.reason)
      const database = new URL(c.databaseUrl).pathname.slice(1)
      const load = await startChatLoad({ visitors, ratePerSec: 30, maxMs: 60_000 })
      const gaps: number[] = []
      try {
        while (load.acked.length < 10) await Bun.sleep(50)
        for (let round = 0; round < 5; round++) {
          const killedAt = performance.now()
          // Right after a pool renewal (the previous round's) node 1 may briefly hold no
          // connection: its next statement opens one. Bounded wait for one to end.
          let ended = await terminateBackends(service.adminUrl, database, 'parley:node-1')
          for (let tries = 0; ended === 0 && tries < 40; tries++) {
            await Bun.sleep(50)
            ended = await terminateBackends(service.adminUrl, database, 'parley:node-1')
          }
          if (ended === 0) throw new Error(`round ${round}: node 1 holds no connection`)
          await waitUntil(
            `round ${round}: an ack after the kill`,
            () => !!load.firstAckAfter(killedAt + 1),
            {
              timeoutMs: 10_000,
              intervalMs: 25,
            },
          )
          gaps.push((load.firstAckAfter(killedAt + 1)?.at ?? 0) - killedAt)
          await Bun.sleep(700)
        }
      } finally {
        await load.stop()
      }
      console.log(
        `cluster store kill: ${load.acked.length} acked, errors ${JSON.stringify(
          Object.fromEntries(load.errors),
        )}, unavailability per kill (ms) ${gaps.map(Math.round).join(' ')}`,
      )
      expect(n1.running).toBe(true)
      expect(load.errors.get('internal_error') ?? 0).toBe(0)
      expect(Math.max(...gaps)).toBeLessThan(STORE_TIMEOUT_MS + 1_000)
      expect(contractViolations(load.acked, await storedMessages(c.databaseUrl))).toEqual([])
    }, 60_000)

    test('cluster store - a node whose database link freezes gives its conversations to the other node, and comes back', async () => {
      const c = cluster()
      const { n1, n2, visitors, proxy } = await setUp(c)
      const load = await startChatLoad({ visitors, ratePerSec: 15, maxMs: 60_000 })
      let frozenAt = 0
      try {
        while (load.acked.length < 10) await Bun.sleep(50)
        expect((await clusterGauge(c, 'parley_actors'))[0]).toBeGreaterThanOrEqual(3)
        frozenAt = performance.now()
        proxy.freeze()
        await waitUntil('node 1 not ready', async () => (await n1.http('/readyz')).status === 503, {
          timeoutMs: 10_000,
          intervalMs: 100,
        })
        // Every conversation acked again, now by node 2.
        await waitUntil(
          'every conversation served again',
          () =>
            load.conversationIds.every((id) =>
              load.acked.some((a) => a.conversationId === id && a.at > frozenAt),
            ),
          { timeoutMs: 15_000, intervalMs: 50 },
        )
        expect((await n1.http('/readyz')).body.status).toBe('store failing')
        // /readyz reads the store's state directly; the leases go at the store watch's next
        // tick (within a second): node 1 may hold a lease it has not handed over yet.
        await waitUntil(
          'node 1 holds no lease',
          async () => (await clusterGauge(c, 'parley_cluster_leases'))[0] === 0,
          { timeoutMs: 3_000, intervalMs: 100 },
        )
        const [, onNode2] = await clusterGauge(c, 'parley_cluster_leases')
        expect(onNode2).toBeGreaterThanOrEqual(3)
      } finally {
        proxy.thaw()
      }
      const served = load.conversationIds.map(
        (id) =>
          (load.acked.find((a) => a.conversationId === id && a.at > frozenAt)?.at ?? 0) - frozenAt,
      )
      try {
        // Measured 1.5-10.5 s after the thaw, and past 15 s in about one run of four (on the
        // code before issue 17 too): frozen connections settle at their deadline, then probes
        // write again. Still a bound: no manual action brings it back.
        await waitUntil(
          'node 1 ready again',
          async () => (await n1.http('/readyz')).status === 200,
          {
            timeoutMs: 30_000,
            intervalMs: 100,
          },
        )
        // It takes conversations again: a new one started through it lives on it.
        const before = (await clusterGauge(c, 'parley_actors'))[0] ?? 0
        const v = await visitorVia(c, n1)
        // Placement may still be settling: a retried start gets its time (and each failed
        // attempt spends the visitor's start budget, so rate_limited says when to try again).
        await okEventually(v.ws, { type: 'start', text: 'back', clientMsgId: 'back' }, 30_000)
        v.ws.close()
        expect((await clusterGauge(c, 'parley_actors'))[0]).toBe(before + 1)
      } finally {
        await load.stop()
      }
      console.log(
        `cluster store freeze: conversations served by node 2 ${served.map(Math.round).join(', ')} ms after the freeze; ${load.acked.length} acked, errors ${JSON.stringify(
          Object.fromEntries(load.errors),
        )}`,
      )
      void n2
      expect(load.errors.get('internal_error') ?? 0).toBe(0)
      for (const ms of served) expect(ms).toBeLessThan(2 * STORE_TIMEOUT_MS + 3_000)
      expect(contractViolations(load.acked, await storedMessages(c.databaseUrl))).toEqual([])
    }, 120_000)
  })
})
