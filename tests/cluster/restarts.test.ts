/**
 * Drain and recovery (X6): a rolling restart of all three nodes under traffic loses no
 * acknowledged message; a nats-server restart under traffic heals by itself.
 */
import { describe, expect, test } from 'bun:test'
import { useCluster, withClusterServices, type ClusterNode } from '../helpers/cluster.ts'
import {
  expectAllAckedStoredOnce,
  okEventually,
  operatorOn,
  setInboxSettings,
  SteadySender,
  visitorOn,
} from '../helpers/cluster-chat.ts'

await withClusterServices('cluster restarts', {}, () => {
  const cluster = useCluster({ nodes: 3, env: { LEASE_TTL_MS: '3000' } })

  /** Two visitors (conversations started on nodes 1 and 2) sending steadily. */
  async function traffic() {
    const c = cluster()
    await setInboxSettings(c, c.nodes[0]!, { visitorMessagesPerMinute: 600 })
    const senders: Array<{ sender: SteadySender; token: string; id: string }> = []
    for (const [n, node] of c.nodes.slice(0, 2).entries()) {
      const v = await visitorOn(c, node)
      const started = await okEventually(v.ws, {
        type: 'start',
        text: `start ${n}`,
        clientMsgId: `start-${n}`,
      })
      v.ws.close()
      const id = started.conversation.id as string
      senders.push({
        sender: new SteadySender(c, v.token, id, `v${n}`).start(60_000),
        token: v.token,
        id,
      })
    }
    return senders
  }

  describe('cluster restarts (X6)', () => {
    test('restarts - rolling restart of all three nodes under traffic: no acknowledged message lost', async () => {
      const c = cluster()
      const senders = await traffic()
      await Bun.sleep(500)
      for (const node of c.nodes) {
        const before = senders.map((s) => s.sender.acked.size)
        await node.stop() // SIGTERM: drain, hand the actors off
        await Bun.sleep(300)
        await node.restart()
        // Traffic keeps flowing through each step.
        const deadline = Date.now() + 15_000
        while (senders.some((s, i) => s.sender.acked.size < before[i]! + 5)) {
          if (Date.now() > deadline)
            throw new Error(`traffic stalled after restarting ${node.id}\n${c.logs()}`)
          await Bun.sleep(50)
        }
      }
      for (const s of senders) await s.sender.stop()
      for (const s of senders) {
        const { acked, stored } = await expectAllAckedStoredOnce(
          c.nodes[2] as ClusterNode,
          s.token,
          s.id,
          [s.sender],
        )
        expect(acked).toBeGreaterThan(15)
        expect(stored).toBe(acked + 1) // plus the first message
        console.log(
          `rolling restart: ${acked} acked, ${s.sender.retries} retries, ${s.sender.reconnects} connections`,
        )
      }
    }, 90_000)

    test('restarts - nats-server restarted under traffic: nodes recover without manual action', async () => {
      const c = cluster()
      const nats = c.nats!
      const [n1, n2] = c.nodes as [ClusterNode, ClusterNode]
      // An operator on node 2 watching a conversation owned elsewhere: events cross NATS.
      const op = await operatorOn(c, n2)
      const senders = await traffic()
      for (const s of senders)
        await okEventually(op.ws, { type: 'subscribe', conversationId: s.id, afterSeq: 0 })
      await Bun.sleep(500)
      await nats.stop()
      await Bun.sleep(1_500)
      await nats.restart()
      // Every node is ready again by itself.
      const deadline = Date.now() + 20_000
      for (const node of c.nodes) {
        for (;;) {
          const res = await node.http('/readyz').catch(() => null)
          if (res?.status === 200) break
          if (Date.now() > deadline)
            throw new Error(`${node.id} not ready after NATS restart\n${c.logs()}`)
          await Bun.sleep(100)
        }
      }
      const before = senders.map((s) => s.sender.acked.size)
      const flowing = Date.now() + 15_000
      while (senders.some((s, i) => s.sender.acked.size < before[i]! + 10)) {
        if (Date.now() > flowing)
          throw new Error(`traffic did not resume after NATS restart\n${c.logs()}`)
        await Bun.sleep(50)
      }
      for (const s of senders) await s.sender.stop()
      for (const s of senders) {
        const { acked } = await expectAllAckedStoredOnce(n1, s.token, s.id, [s.sender])
        expect(acked).toBeGreaterThan(10)
        // The operator that stayed connected has every event of it, once, in order: what NATS
        // dropped during the outage was caught up from the store.
        const last = Math.max(...[...s.sender.acked.values()].map((a) => a.seq))
        await op.ws.next(
          (f) => f.type === 'event' && f.conversationId === s.id && f.seq === last,
          10_000,
        )
        const seqs = op.ws.events(s.id).map((f) => f.seq as number)
        expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, k) => k + 1))
      }
      op.ws.close()
    }, 90_000)
  })
})
