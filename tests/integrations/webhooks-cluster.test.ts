/**
 * Webhooks on a three-node cluster (issue 17): an endpoint made through one node reports what
 * visitors do on every node; one node at a time dispatches (the `webhooks.dispatcher` lease),
 * so without faults every event arrives exactly once, in log order per conversation. The
 * dispatching node killed with deliveries in flight: another takes over after the lease TTL
 * and every committed event arrives (a repeat only of what was in flight, with its id).
 */
import { describe, expect, test } from 'bun:test'
import { visitorOn } from '../helpers/cluster-chat.ts'
import { useCluster, withClusterServices, type ClusterNode } from '../helpers/cluster.ts'
import { storedMessages } from '../helpers/faults.ts'
import { METRICS_TOKEN } from '../helpers/server.ts'
import { startReceiver, type Receiver } from '../helpers/webhook-receiver.ts'
import type { TestClient } from '../helpers/ws.ts'

/** Webhook attempts a node made, all outcomes. */
async function attempts(node: ClusterNode): Promise<number> {
  const res = await node.http('/metrics', { token: METRICS_TOKEN })
  return String(res.body)
    .split('\n')
    .filter((l) => l.startsWith('parley_webhook_attempts_total{'))
    .reduce((sum, l) => sum + Number(l.split(' ').at(-1)), 0)
}

/** The ids the committed log is reported as: each conversation's creation, each message. */
async function committedIds(databaseUrl: string): Promise<string[]> {
  const messages = await storedMessages(databaseUrl)
  const conversations = new Set(messages.map((m) => m.conversationId))
  return [
    ...[...conversations].map((c) => `${c}.1`),
    ...messages.map((m) => `${m.conversationId}.${m.seq}`),
  ]
}

/** Each visitor starts a conversation on its node and sends `count` more messages. */
async function chat(visitors: { ws: TestClient }[], tag: string, count: number) {
  await Promise.all(
    visitors.map(async (v, i) => {
      const start = await v.ws.ok({
        type: 'start',
        clientMsgId: `${tag}${i}-0`,
        text: `${tag} ${i}`,
      })
      for (let m = 1; m <= count; m++) {
        await v.ws.ok({
          type: 'send',
          conversationId: start.conversation.id,
          clientMsgId: `${tag}${i}-${m}`,
          text: `${tag} ${i} ${m}`,
        })
      }
    }),
  )
}

function expectInLogOrder(receiver: Receiver): void {
  const firsts = [...new Set(receiver.received.map((r) => r.event.id))]
  const byConversation = new Map<string, number[]>()
  for (const id of firsts) {
    const [c, seq] = id.split('.')
    byConversation.set(c!, [...(byConversation.get(c!) ?? []), Number(seq)])
  }
  for (const seqs of byConversation.values()) expect(seqs).toEqual([...seqs].sort((a, b) => a - b))
}

await withClusterServices('webhooks on a cluster', {}, () => {
  const cluster = useCluster({
    nodes: 3,
    env: { WEBHOOK_ALLOW_HOSTS: '127.0.0.1', WEBHOOK_CONCURRENCY: '4', LEASE_TTL_MS: '3000' },
  })

  describe('webhooks on a cluster (I1)', () => {
    test('webhooks cluster - events from every node arrive once each, in log order, all sent by one node; its kill -9 mid-delivery loses nothing', async () => {
      const c = cluster()
      const [n1] = c.nodes as [ClusterNode]
      const receiver = startReceiver()
      const sockets: TestClient[] = []
      try {
        const admin = await c.adminToken(n1)
        const inboxId = await c.defaultInboxId(n1)
        const created = await n1.http('/api/webhooks', {
          token: admin,
          body: { inboxId, url: receiver.url, events: ['conversation.created', 'message.created'] },
        })
        expect(created.status).toBe(201)
        const visitors = await Promise.all(
          c.nodes.flatMap((n) => [visitorOn(c, n), visitorOn(c, n)]),
        )
        sockets.push(...visitors.map((v) => v.ws))
        await chat(visitors, 'a', 4)
        let expected = await committedIds(c.databaseUrl)
        expect(expected).toHaveLength(6 * 6)
        await receiver.waitFor((r) => r.length >= expected.length, 20_000)
        await Bun.sleep(300) // anything more would be a duplicate: give it a moment to show
        const ids = receiver.received.map((r) => r.event.id)
        expect(ids.sort()).toEqual([...expected].sort())
        expectInLogOrder(receiver)
        const byNode = await Promise.all(c.nodes.map(attempts))
        expect(byNode.filter((n) => n > 0)).toEqual([expected.length])
        const dispatcher = c.nodes[byNode.findIndex((n) => n > 0)]!

        // The dispatcher dies with deliveries hanging at the receiver.
        const { promise: hold, resolve: release } = Promise.withResolvers<void>()
        let holding = true
        receiver.respond = async () => {
          if (holding) await hold
          return new Response('ok')
        }
        const before = receiver.received.length
        const survivors = visitors.filter((_, i) => c.nodes[Math.floor(i / 2)] !== dispatcher)
        await chat(survivors, 'b', 3)
        // At least one delivery hangs (up to WEBHOOK_CONCURRENCY; one while the node is busy,
        // which a loaded machine may well be).
        await receiver.waitFor((r) => r.length >= before + 1, 10_000)
        expect((await dispatcher.kill9()).signal).toBe('SIGKILL')
        const inFlight = new Set(receiver.received.slice(before).map((r) => r.event.id))
        holding = false
        release()

        expected = await committedIds(c.databaseUrl)
        expect(expected).toHaveLength(6 * 6 + 4 * 5)
        await receiver.waitFor(
          (r) => new Set(r.map((x) => x.event.id)).size >= expected.length,
          30_000,
        )
        const all = receiver.received.map((r) => r.event.id)
        expect([...new Set(all)].sort()).toEqual([...expected].sort())
        const repeats = all.filter((id, i) => all.indexOf(id) !== i)
        for (const id of repeats) expect(inFlight.has(id)).toBe(true)
        expectInLogOrder(receiver)
        // Another node took over.
        const after = await Promise.all(c.nodes.filter((n) => n.running).map(attempts))
        expect(after.some((n) => n > 0)).toBe(true)
      } finally {
        for (const ws of sockets) ws.close()
        receiver.stop()
      }
    }, 120_000)
  })
})
