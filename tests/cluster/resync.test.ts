/**
 * A node whose NATS link drops keeps serving the conversations it owns while its leases last,
 * but its relay publishes nothing meanwhile: an operator on another node would miss those
 * events until the conversation's next one, and the inbox change that would have moved the
 * operator's badges never crossed either. Back up, the node has every node catch its
 * subscriptions up from the store and reload its operator actors, so the operator gets the
 * event and the right badges with no further event.
 *
 * Node 1 reaches NATS through a TCP proxy the test cuts (and holds frozen, so the link stays
 * down while the visitor sends); node 2 directly.
 */
import { afterAll, describe, expect, test } from 'bun:test'
import { clusterGauge, okEventually, operatorOn, visitorOn } from '../helpers/cluster-chat.ts'
import { useCluster, waitUntil, withClusterServices, type ClusterNode } from '../helpers/cluster.ts'
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.ts'

await withClusterServices('cluster resync', {}, () => {
  // Leases outlive the drop: node 1 keeps owning its conversation and acks its visitor.
  const cluster = useCluster({ nodes: 2, env: { LEASE_TTL_MS: '20000' } })
  let proxy: TcpProxy | null = null
  afterAll(async () => {
    await proxy?.close()
  })

  describe('cluster resync', () => {
    test('resync - events a node committed while its link was down reach live streams on other nodes once it is back', async () => {
      const c = cluster()
      const [n1, n2] = c.nodes as [ClusterNode, ClusterNode]
      if (!c.nats) throw new Error('the cluster runs without NATS')
      proxy = await startTcpProxy({ port: Number(new URL(c.nats.url).port) })
      await n1.restart({ env: { NATS_URL: `nats://127.0.0.1:${proxy.port}` } })

      // The operator first, so routing assigns the conversation to it before the drop: no
      // event of its own follows the link's return, which would fill the gap by itself.
      const op = await operatorOn(c, n2)
      const visitor = await visitorOn(c, n1)
      const started = await okEventually(visitor.ws, {
        type: 'start',
        text: 'before the drop',
        clientMsgId: 'm1',
      })
      const id = started.conversation.id as string
      await okEventually(op.ws, { type: 'subscribe', conversationId: id, afterSeq: 0 })
      const snapshot = await okEventually(op.ws, { type: 'feed_subscribe' })
      await op.ws.next(
        (f) => f.type === 'event' && f.conversationId === id && f.name === 'conversation.assigned',
        10_000,
      )
      // The badges count the visitor's one message, unread.
      const unread = () =>
        op.ws.frames.filter((f) => f.type === 'feed' && f.name === 'badges').at(-1)?.data?.unread ??
        snapshot.badges.unread
      await waitUntil('the operator has one unread message', () => unread() === 1, {
        timeoutMs: 10_000,
      })
      const linkUp = async () => (await clusterGauge(c, 'parley_cluster_link_up'))[0]

      // Node 1's link drops and cannot come back while the proxy is frozen.
      proxy.freeze()
      proxy.cut()
      await waitUntil('node 1 sees its link down', async () => (await linkUp()) === 0, {
        timeoutMs: 15_000,
        intervalMs: 100,
      })
      const sent = await visitor.ws.request(
        { type: 'send', conversationId: id, text: 'while the link was down', clientMsgId: 'm2' },
        10_000,
      )
      expect(sent.type).toBe('ack')
      // Nothing reached node 2 meanwhile (its relay published nothing).
      const early = await op.ws
        .next(
          (f) => f.type === 'event' && f.data?.message?.text === 'while the link was down',
          1000,
        )
        .catch(() => null)
      expect(early).toBeNull()

      const beforeThaw = op.ws.frames.length
      proxy.thaw()
      await waitUntil('node 1 sees its link back', async () => (await linkUp()) === 1, {
        timeoutMs: 20_000,
        intervalMs: 100,
      })
      // No further event in the conversation: the catch-up alone brings it.
      const caught = await op.ws.next(
        (f) =>
          f.type === 'event' &&
          f.conversationId === id &&
          f.data?.message?.text === 'while the link was down',
        10_000,
      )
      expect(caught.seq).toBeGreaterThan(0)
      // Once, in seq order, with nothing missing before it.
      const seqs = op.ws.events(id).map((f) => f.seq as number)
      expect(seqs).toEqual([...new Set(seqs)].sort((a, b) => a - b))
      expect(seqs.at(-1)).toBe(caught.seq)
      expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => seqs[0]! + i))
      // The operator's badges, whichever node its actor lives on, count the message too: the
      // inbox change that carried it crossed nowhere while the link was down.
      await waitUntil(
        'the badges count both messages',
        () =>
          op.ws.frames
            .slice(beforeThaw)
            .some((f) => f.type === 'feed' && f.name === 'badges' && f.data?.unread === 2),
        { timeoutMs: 10_000 },
      )
      expect(unread()).toBe(2)
      visitor.ws.close()
      op.ws.close()
    })
  })
})
