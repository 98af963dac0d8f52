/**
 * Three nodes as one server (X2): a visitor on node 1, an operator on node 2 and a watching
 * supervisor on node 3 chat in real time across nodes; concurrent first messages from all
 * three nodes land in one actor with one seq order.
 */
import { describe, expect, test } from 'bun:test'
import { useCluster, withClusterServices } from '../helpers/cluster.ts'
import { connect } from '@nats-io/transport-node'
import {
  clusterGauge,
  okEventually,
  operatorOn,
  reconnect,
  visitorOn,
} from '../helpers/cluster-chat.ts'
import type { Frame } from '../helpers/ws.ts'

await withClusterServices('cluster chat', {}, () => {
  const cluster = useCluster({ nodes: 3, env: { LEASE_TTL_MS: '3000' } })

  describe('cluster chat (X2)', () => {
    test('cluster - messages, typing, receipts and the unanswered marker cross nodes; one live actor', async () => {
      const c = cluster()
      const [n1, n2, n3] = c.nodes as [
        (typeof c.nodes)[0],
        (typeof c.nodes)[0],
        (typeof c.nodes)[0],
      ]
      const op = await operatorOn(c, n2)
      await op.ws.ok({ type: 'feed_subscribe' })
      const sup = await operatorOn(c, n3, { role: 'supervisor', canChat: false })
      await sup.ws.ok({ type: 'feed_subscribe' })
      const visitor = await visitorOn(c, n1)

      const started = await okEventually(visitor.ws, {
        type: 'start',
        text: 'hello from node 1',
        clientMsgId: 'm1',
      })
      const id = started.conversation.id as string
      await okEventually(visitor.ws, { type: 'subscribe', conversationId: id, afterSeq: 0 })

      // Routing on whichever node owns the inbox sees the operator connected to node 2.
      const assigned = await op.ws.next(
        (f) =>
          f.type === 'feed' &&
          f.name === 'conversation' &&
          f.data.conversation.id === id &&
          f.data.conversation.assigneeId === op.id,
        10_000,
      )
      expect(assigned.data.conversation.hasUnansweredIncoming).toBe(true)
      // The supervisor on node 3 watches the same inbox: unanswered is marked there too.
      await sup.ws.next(
        (f) =>
          f.type === 'feed' &&
          f.name === 'conversation' &&
          f.data.conversation.id === id &&
          f.data.conversation.hasUnansweredIncoming === true,
        10_000,
      )

      await okEventually(op.ws, { type: 'subscribe', conversationId: id, afterSeq: 0 })
      await op.ws.next(
        (f) =>
          f.type === 'event' &&
          f.name === 'message.created' &&
          f.data.message.text === 'hello from node 1',
      )

      // Live, both ways, node 1 <-> node 2.
      await okEventually(visitor.ws, {
        type: 'send',
        conversationId: id,
        clientMsgId: 'm2',
        text: 'are you there?',
      })
      await op.ws.next(
        (f) =>
          f.type === 'event' &&
          f.name === 'message.created' &&
          f.data.message.text === 'are you there?',
      )
      await okEventually(op.ws, { type: 'typing', conversationId: id, on: true })
      const typing = await visitor.ws.next((f) => f.type === 'event' && f.name === 'typing')
      expect(typing.data).toMatchObject({ party: { kind: 'operator', id: op.id }, on: true })

      const reply = await okEventually(op.ws, {
        type: 'send',
        conversationId: id,
        clientMsgId: 'r1',
        text: 'yes, hi!',
      })
      await visitor.ws.next(
        (f) =>
          f.type === 'event' && f.name === 'message.created' && f.data.message.text === 'yes, hi!',
      )
      await sup.ws.next(
        (f) =>
          f.type === 'feed' &&
          f.name === 'conversation' &&
          f.data.conversation.id === id &&
          f.data.conversation.hasUnansweredIncoming === false,
        10_000,
      )

      // Read receipts: the visitor reads the reply; the operator on node 2 sees it.
      await okEventually(visitor.ws, { type: 'read', conversationId: id, seq: reply.seq })
      const receipt = await op.ws.next(
        (f) => f.type === 'event' && f.name === 'read.updated' && f.data.reader?.kind === 'visitor',
      )
      expect(receipt.data.readSeq).toBe(reply.seq)
      // The visitor's own socket gets that event too (maybe a moment later).
      await visitor.ws.next((f) => f.type === 'event' && f.seq === receipt.seq)

      // Both clients saw the same stored events, in one seq order without gaps.
      const seqs = (frames: Frame[]) => frames.map((f) => f.seq as number)
      const visitorSeqs = seqs(visitor.ws.events(id))
      const operatorSeqs = seqs(op.ws.events(id))
      for (const list of [visitorSeqs, operatorSeqs]) {
        expect(list).toEqual([...list].sort((a, b) => a - b))
        expect(new Set(list).size).toBe(list.length)
      }
      expect(operatorSeqs.at(-1)).toBe(visitorSeqs.at(-1))

      // The conversation actor is live on exactly one node.
      const live = await clusterGauge(c, 'parley_actors')
      expect(live.reduce((a, b) => a + b, 0)).toBe(1)
      // Commands crossed nodes by request/reply and events by the relay.
      const sum = async (name: string) => (await clusterGauge(c, name)).reduce((a, b) => a + b, 0)
      expect(await sum('parley_cluster_forwarded_total')).toBeGreaterThan(0)
      expect(await sum('parley_cluster_relay_received_total')).toBeGreaterThan(0)
      expect(await clusterGauge(c, 'parley_cluster_link_up')).toEqual([1, 1, 1])
      for (const ws of [visitor.ws, op.ws, sup.ws]) ws.close()
    }, 60_000)

    test('cluster - concurrent first messages from three nodes: one actor, one seq order, no duplicates', async () => {
      const c = cluster()
      const visitor = await visitorOn(c, c.nodes[0]!)
      const [a, b, cc] = await Promise.all(
        c.nodes.map((node) =>
          import('../helpers/ws.ts').then(({ TestClient }) =>
            TestClient.connect(node.wsUrl, { token: visitor.token }),
          ),
        ),
      )
      // The same start (same clientMsgId) from every node at once, then distinct sends.
      const starts = await Promise.all(
        [a!, b!, cc!].map((ws) =>
          okEventually(ws, { type: 'start', text: 'first!', clientMsgId: 'race-start' }),
        ),
      )
      const id = starts[0].conversation.id as string
      for (const s of starts) expect(s.conversation.id).toBe(id)
      expect(new Set(starts.map((s) => s.message.messageId)).size).toBe(1)

      const sends = await Promise.all(
        [a!, b!, cc!].flatMap((ws, n) =>
          Array.from({ length: 10 }, (_, i) =>
            okEventually(ws, {
              type: 'send',
              conversationId: id,
              clientMsgId: `n${n}-${i}`,
              text: `node ${n} msg ${i}`,
            }),
          ),
        ),
      )
      // Retrying the same ids from another node answers the original acks.
      const again = await okEventually(cc!, {
        type: 'send',
        conversationId: id,
        clientMsgId: 'n0-3',
        text: 'node 0 msg 3',
      })
      expect(again.duplicate).toBe(true)
      expect(again.seq).toBe(sends[3].seq)

      const seqs = sends.map((s) => s.seq as number)
      expect(new Set(seqs).size).toBe(30)
      const history = await c.nodes[1]!.http(`/api/conversations/${id}/messages?limit=100`, {
        token: visitor.token,
      })
      expect(history.status).toBe(200)
      const texts = history.body.messages as Array<{ text: string; seq: number }>
      expect(texts.length).toBe(31)
      expect(new Set(texts.map((m) => m.text)).size).toBe(31)
      const ordered = texts.map((m) => m.seq)
      expect(ordered).toEqual([...ordered].sort((x, y) => x - y))
      const live = await clusterGauge(c, 'parley_actors')
      // This conversation plus the first test's (if not passivated): each live on one node.
      expect(live.reduce((x, y) => x + y, 0)).toBeLessThanOrEqual(2)
      for (const ws of [visitor.ws, a!, b!, cc!]) ws.close()
    }, 60_000)

    test('cluster - an operator feed goes to NATS only while a connection on another node watches it', async () => {
      const c = cluster()
      const [n1, n2] = c.nodes as [(typeof c.nodes)[0], (typeof c.nodes)[0]]
      // Everything published on event subjects, in publish order (one node, one subscriber).
      const nc = await connect({ servers: c.nats!.url })
      const seen: string[] = []
      const decoder = new TextDecoder()
      nc.subscribe('parley.ev.>', {
        callback: (error, msg) => {
          if (!error) seen.push(`${msg.subject} ${decoder.decode(msg.data)}`)
        },
      })
      await nc.flush()
      try {
        // The operator's actor starts on node 1 with its first connection.
        const op = await operatorOn(c, n1)
        await op.ws.ok({ type: 'feed_subscribe' })
        const visitor = await visitorOn(c, n1)
        const started = await okEventually(visitor.ws, {
          type: 'start',
          text: 'a conversation node 1 owns',
          clientMsgId: 'feed-relay',
        })
        const id = started.conversation.id as string
        const feedSubject = `parley.ev.op.${op.id} `
        let typing = false
        /**
         * The operator types in node 1's conversation: published on its subject after anything
         * node 1 published before. Returns the index of that message among those seen.
         */
        const marker = async (): Promise<number> => {
          typing = !typing
          const from = seen.length
          await okEventually(op.ws, { type: 'typing', conversationId: id, on: typing })
          const deadline = Date.now() + 10_000
          for (;;) {
            const at = seen.findIndex(
              (m, i) =>
                i >= from &&
                m.startsWith(`parley.ev.conv.${id} `) &&
                m.includes('"typing"') &&
                m.includes(`"on":${typing}`),
            )
            if (at >= 0) return at
            if (Date.now() > deadline) throw new Error('the typing marker never reached NATS')
            await Bun.sleep(10)
          }
        }
        let status: 'online' | 'away' = 'online'
        /** Toggles the status (a feed frame to every tab); true when it was published to NATS. */
        const toggle = async (tabs = [op.ws]): Promise<boolean> => {
          status = status === 'online' ? 'away' : 'online'
          const from = seen.length
          const tabsFrom = tabs.map((t) => t.frames.length)
          await op.ws.ok({ type: 'set_operator_status', status })
          await Promise.all(
            tabs.map((t, i) =>
              t.next(
                (f) =>
                  t.frames.indexOf(f) >= tabsFrom[i]! &&
                  f.type === 'feed' &&
                  (f.name === 'status'
                    ? f.data.status === status
                    : f.name === 'batch' &&
                      f.data.frames.some(
                        (x: any) => x.name === 'status' && x.data.status === status,
                      )),
                10_000,
              ),
            ),
          )
          const end = await marker()
          return seen.slice(from, end).some((m) => m.startsWith(feedSubject))
        }

        // Just started, the actor assumes other nodes may watch until they have announced
        // their connections; then, with every connection on node 1, nothing is published.
        const quiet = Date.now() + 15_000
        while (await toggle()) {
          if (Date.now() > quiet) throw new Error('the feed is still published to NATS')
        }
        expect(await toggle()).toBe(false)

        // A tab on node 2: its snapshot tells the actor; the feed is published and arrives.
        const tab2 = await reconnect(n2, op.token)
        await tab2.ok({ type: 'feed_subscribe' })
        expect(await toggle([op.ws, tab2])).toBe(true)
        expect(await toggle([op.ws, tab2])).toBe(true)

        // That tab closes: node 1 stops publishing the feed once the actor hears of it.
        tab2.close()
        const quietAgain = Date.now() + 10_000
        while (await toggle()) {
          if (Date.now() > quietAgain) throw new Error('the feed is still published to NATS')
        }
        expect(await toggle()).toBe(false)
        for (const ws of [visitor.ws, op.ws]) ws.close()
      } finally {
        await nc.close()
      }
    }, 90_000)
  })
})
