/**
 * A frozen owner (X3): SIGSTOP of the node that owns a conversation for 10 s, with
 * LEASE_TTL_MS=3000, while a visitor on another node keeps sending. The other nodes find out by
 * probing (not by waiting out a long request timeout), then the lease decides: the conversation
 * is served again within the lease TTL plus 1 s. When the frozen node wakes up it must not act on
 * its stale ownership: every acknowledged message is stored once, in order.
 */
import { describe, expect, test } from 'bun:test'
import { contractViolations, startChatLoad } from '../helpers/chat-load.ts'
import { okEventually, setInboxSettings, visitorOn } from '../helpers/cluster-chat.ts'
import { useCluster, withClusterServices, type ClusterNode } from '../helpers/cluster.ts'
import { storedMessages } from '../helpers/faults.ts'

const LEASE_TTL_MS = 3000

await withClusterServices('faults - frozen owner', {}, () => {
  const cluster = useCluster({ nodes: 3, env: { LEASE_TTL_MS: String(LEASE_TTL_MS) } })

  describe('faults - frozen owner (cluster)', () => {
    test('cluster pause - the owner frozen for 10 s: its conversations are served elsewhere within lease TTL + 1 s', async () => {
      const c = cluster()
      const [n1, n2, n3] = c.nodes as [ClusterNode, ClusterNode, ClusterNode]
      await setInboxSettings(c, n1, { visitorMessagesPerMinute: 600 })
      const visitors = await Promise.all(
        Array.from({ length: 3 }, async (_, i) => {
          // Started through node 1, so node 1 owns the conversation; the load's own start with
          // the same client id finds it again. The visitor then talks to nodes 2 and 3 only.
          const v = await visitorOn(c, n1)
          await okEventually(v.ws, { type: 'start', clientMsgId: `start-${i}` })
          v.ws.close()
          return { token: v.token, urls: i % 2 ? [n2.wsUrl, n3.wsUrl] : [n3.wsUrl, n2.wsUrl] }
        }),
      )
      const load = await startChatLoad({ visitors, ratePerSec: 15, maxMs: 60_000 })
      let pausedAt = 0
      try {
        while (load.acked.length < 15) await Bun.sleep(50)
        pausedAt = performance.now()
        n1.pause()
        await Bun.sleep(10_000)
        n1.resume()
        await n1.waitReady(15_000)
        // After the wake-up: the node's stale ownership must not cost a message.
        const woke = performance.now()
        while (!load.firstAckAfter(woke + 2_000) && performance.now() < woke + 15_000) {
          await Bun.sleep(50)
        }
      } finally {
        n1.resume()
        await load.stop()
      }
      // Served again as soon as each conversation's lease lapsed: within TTL + 1 s of the pause.
      const served = load.conversationIds.map((id) => {
        const first = load.acked.find((a) => a.conversationId === id && a.at > pausedAt)
        return first ? first.at - pausedAt : Number.POSITIVE_INFINITY
      })
      const stored = await storedMessages(c.databaseUrl)
      console.log(
        `cluster pause: first ack per conversation ${served.map(Math.round).join(', ')} ms after SIGSTOP (TTL ${LEASE_TTL_MS}); ${load.acked.length} acked, ${
          stored.filter((m) => m.text.startsWith('load ')).length
        } stored; errors ${JSON.stringify(Object.fromEntries(load.errors))}`,
      )
      // What the slow sends went through, to tell a lease that lapsed late from a retry that hung.
      for (const s of load.slow.slice(0, 6))
        console.log(`  ${s.clientMsgId}: ${s.attempts.join('; ')}`)
      expect(load.errors.get('internal_error') ?? 0).toBe(0)
      expect(contractViolations(load.acked, stored)).toEqual([])
      for (const ms of served) expect(ms).toBeLessThan(LEASE_TTL_MS + 1_000)
    }, 90_000)
  })
})
