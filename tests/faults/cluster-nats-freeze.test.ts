/**
 * A frozen nats-server (X3): SIGSTOP of NATS for 8 s under traffic on two nodes. Its clients
 * cannot tell a frozen server from a slow one until their pings go unanswered, so lease claims,
 * renewals and forwarded commands time out meanwhile. Clients must see what the protocol
 * documents, the retryable `unavailable`, never `internal_error`; no node logs an error for it;
 * service comes back once NATS does, and every acknowledged message is stored once.
 */
import { describe, expect, test } from 'bun:test'
import { contractViolations, startChatLoad } from '../helpers/chat-load.ts'
import { setInboxSettings } from '../helpers/cluster-chat.ts'
import { useCluster, withClusterServices, type ClusterNode } from '../helpers/cluster.ts'
import { storedMessages } from '../helpers/faults.ts'
import { TestClient } from '../helpers/ws.ts'

await withClusterServices('faults - frozen NATS', {}, () => {
  const cluster = useCluster({ nodes: 2, env: { LEASE_TTL_MS: '3000' } })

  describe('faults - frozen NATS (cluster)', () => {
    test('nats freeze - 8 s of a stopped nats-server: clients get only unavailable, no node logs an error, service comes back', async () => {
      const c = cluster()
      const [n1, n2] = c.nodes as [ClusterNode, ClusterNode]
      const nats = c.nats
      if (!nats) throw new Error('the cluster runs without NATS')
      await setInboxSettings(c, n1, { visitorMessagesPerMinute: 600 })
      const visitors = await Promise.all(
        Array.from({ length: 4 }, async (_, i) => {
          const home = i % 2 ? n2 : n1
          const session = await c.visitorToken(home)
          return { token: session.token as string, urls: [home.wsUrl, i % 2 ? n1.wsUrl : n2.wsUrl] }
        }),
      )
      // New conversations started during the freeze: each needs a lease claim NATS cannot answer.
      const starters = await Promise.all(
        Array.from({ length: 6 }, async (_, i) => {
          const home = i % 2 ? n2 : n1
          return TestClient.connect(home.wsUrl, { token: (await c.visitorToken(home)).token })
        }),
      )
      const startErrors = new Map<string, number>()
      const startDuringFreeze = async () => {
        for (let round = 0; round < 4; round++) {
          const replies = await Promise.all(
            starters.map((ws, i) =>
              ws
                .request({ type: 'start', clientMsgId: `freeze-${i}-${round}` }, 6_000)
                .catch(() => null),
            ),
          )
          for (const reply of replies) {
            if (reply?.type === 'error')
              startErrors.set(reply.code, (startErrors.get(reply.code) ?? 0) + 1)
          }
        }
      }
      const load = await startChatLoad({ visitors, ratePerSec: 20, maxMs: 60_000 })
      let thawedAt = 0
      try {
        while (load.acked.length < 20) await Bun.sleep(50)
        await nats.kill('SIGSTOP')
        const starting = startDuringFreeze()
        await Bun.sleep(8_000)
        await nats.kill('SIGCONT')
        await starting
        thawedAt = performance.now()
        while (!load.firstAckAfter(thawedAt + 3_000) && performance.now() < thawedAt + 20_000) {
          await Bun.sleep(50)
        }
      } finally {
        await nats.kill('SIGCONT')
        await load.stop()
        for (const ws of starters) ws.close()
      }
      const back = load.firstAckAfter(thawedAt)
      console.log(
        `nats freeze: ${load.acked.length} acked, errors ${JSON.stringify(
          Object.fromEntries(load.errors),
        )}, starts during the freeze refused ${JSON.stringify(
          Object.fromEntries(startErrors),
        )}, first ack ${back ? Math.round(back.at - thawedAt) : 'never'} ms after SIGCONT`,
      )
      expect(back).not.toBeNull()
      // Leases claimed or renewed while NATS was frozen, landing after it woke, would keep
      // conversations unclaimable for a whole TTL (3 s): they are cleaned up at once.
      expect((back?.at ?? Number.POSITIVE_INFINITY) - thawedAt).toBeLessThan(2_000)
      expect([...load.errors.keys()].filter((code) => code !== 'unavailable')).toEqual([])
      expect([...startErrors.keys()].filter((code) => code !== 'unavailable')).toEqual([])
      const errors = [n1, n2].flatMap((n) =>
        n
          .logs()
          .split('\n')
          .filter((line) => line.includes('"level":"error"')),
      )
      expect(errors).toEqual([])
      expect(contractViolations(load.acked, await storedMessages(c.databaseUrl))).toEqual([])
    }, 90_000)
  })
})
