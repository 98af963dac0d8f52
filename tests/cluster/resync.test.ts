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
import { ensureClientBuilt, launchBrowser, type TestBrowser } from '../browser/harness.ts'
import { operatorPanel } from '../browser/panel-page.ts'
import { clusterGauge, okEventually, operatorOn, visitorOn } from '../helpers/cluster-chat.ts'
import {
  useCluster,
  waitUntil,
  withClusterServices,
  type Cluster,
  type ClusterNode,
} from '../helpers/cluster.ts'
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.ts'

await withClusterServices('cluster resync', {}, () => {
  // Leases outlive the drop: node 1 keeps owning its conversation and acks its visitor.
  const cluster = useCluster({ nodes: 2, env: { LEASE_TTL_MS: '20000' } })
  let proxy: TcpProxy | null = null
  let browser: TestBrowser | null = null
  afterAll(async () => {
    await browser?.close()
    await proxy?.close()
  })

  /** Node 1 restarted to reach NATS through the proxy (once for the file). */
  async function throughProxy(c: Cluster): Promise<TcpProxy> {
    if (proxy) return proxy
    if (!c.nats) throw new Error('the cluster runs without NATS')
    const started = await startTcpProxy({ port: Number(new URL(c.nats.url).port) })
    proxy = started
    await (c.nodes[0] as ClusterNode).restart({
      env: { NATS_URL: `nats://127.0.0.1:${started.port}` },
    })
    return started
  }

  /** Node 1's link dropped and held down (the proxy frozen) until `thaw` brings it back. */
  async function dropLink(c: Cluster, link: TcpProxy) {
    const linkUp = async () => (await clusterGauge(c, 'parley_cluster_link_up'))[0]
    link.freeze()
    link.cut()
    await waitUntil('node 1 sees its link down', async () => (await linkUp()) === 0, {
      timeoutMs: 15_000,
      intervalMs: 100,
    })
    return {
      async thaw() {
        link.thaw()
        await waitUntil('node 1 sees its link back', async () => (await linkUp()) === 1, {
          timeoutMs: 20_000,
          intervalMs: 100,
        })
      },
    }
  }

  describe('cluster resync', () => {
    test('resync - events a node committed while its link was down reach live streams on other nodes once it is back', async () => {
      const c = cluster()
      const [, n2] = c.nodes as [ClusterNode, ClusterNode]
      const link = await throughProxy(c)
      const n1 = c.nodes[0] as ClusterNode

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
      // Node 1's link drops and cannot come back while the proxy is frozen.
      const down = await dropLink(c, link)
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
      await down.thaw()
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
      // The operator's feed, whichever node its actor lives on, starts again from a snapshot
      // that counts the message too: the inbox change that carried it crossed nowhere while the
      // link was down.
      const resyncs = () =>
        op.ws.frames.slice(beforeThaw).filter((f) => f.type === 'feed' && f.name === 'resync')
      await waitUntil('the feed starts again from a snapshot', () => resyncs().length > 0, {
        timeoutMs: 10_000,
      })
      const resync = resyncs()[0]!
      expect(resync.data.badges.unread).toBe(2)
      expect(resync.data.unread).toEqual({ [id]: 2 })
      expect(resync.data.status).toBe('online')
      visitor.ws.close()
      op.ws.close()
    })

    test('resync - a panel on another node shows what changed in its list while the link was down', async () => {
      const c = cluster()
      const [, n2] = c.nodes as [ClusterNode, ClusterNode]
      const link = await throughProxy(c)
      const n1 = c.nodes[0] as ClusterNode
      ensureClientBuilt()
      browser ??= await launchBrowser()
      const op = await operatorOn(c, n2)
      op.ws.close()
      const page = await operatorPanel(browser.context, n2.port, op)
      const visitor = await visitorOn(c, n1)
      const started = await okEventually(visitor.ws, {
        type: 'start',
        text: 'first words',
        clientMsgId: 'p1',
      })
      const row = page.locator(
        `.conversation-row[data-conversation-id="${started.conversation.id as string}"]`,
      )
      await row.locator('.row-preview', { hasText: 'first words' }).waitFor({ timeout: 10_000 })

      const down = await dropLink(c, link)
      const sent = await visitor.ws.request(
        {
          type: 'send',
          conversationId: started.conversation.id,
          text: 'sent meanwhile',
          clientMsgId: 'p2',
        },
        10_000,
      )
      expect(sent.type).toBe('ack')
      await down.thaw()
      // Nothing else happens in the conversation: the row catches up from the feed's resync.
      await row.locator('.row-preview', { hasText: 'sent meanwhile' }).waitFor({ timeout: 10_000 })
      visitor.ws.close()
      await page.close()
    })
  })
})
