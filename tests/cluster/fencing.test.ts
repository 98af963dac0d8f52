/**
 * Fencing (X3): a node paused (SIGSTOP) past its lease between its lease check and its write.
 * Another node takes the conversation over; when the paused node resumes, its late write is
 * refused by the store's epoch fence and it steps down. The message it was writing is stored
 * exactly once, through the new owner, when the client retries it.
 */
import { describe, expect, test } from 'bun:test'
import { readFileSync } from 'node:fs'
import { useCluster, waitUntil, withClusterServices, type ClusterNode } from '../helpers/cluster.ts'
import {
  clusterGauge,
  okEventually,
  operatorOn,
  reconnect,
  visitorOn,
} from '../helpers/cluster-chat.ts'

const PAUSE = 'pause the owner right here'

/** 'T' when the process is stopped by a signal. */
function processState(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0] ?? '?'
  } catch {
    return 'gone'
  }
}

await withClusterServices('cluster fencing', {}, () => {
  const cluster = useCluster({
    nodes: 3,
    env: (i) => ({
      LEASE_TTL_MS: '2000',
      ...(i === 0 ? { PARLEY_FAILPOINT: `pause-before-write:${PAUSE}` } : {}),
    }),
  })

  describe('cluster fencing (X3)', () => {
    test('fencing - a node paused past its lease: its late write is refused and it steps down', async () => {
      const c = cluster()
      const [n1, n2] = c.nodes as [ClusterNode, ClusterNode]
      const op = await operatorOn(c, n2)
      const visitor = await visitorOn(c, n1)
      const started = await okEventually(visitor.ws, {
        type: 'start',
        text: 'hi',
        clientMsgId: 's',
      })
      const id = started.conversation.id as string
      await okEventually(op.ws, { type: 'subscribe', conversationId: id, afterSeq: 0 })
      expect((await clusterGauge(c, 'parley_actors'))[0]).toBe(1)

      // Node 1 owns the conversation; it stops itself right before storing this message.
      const paused = visitor.ws.request(
        { type: 'send', conversationId: id, clientMsgId: 'p1', text: PAUSE },
        30_000,
      )
      await waitUntil('node 1 to pause', () => processState(n1.pid) === 'T', { timeoutMs: 5_000 })

      // Past its lease, a client on node 2 gets the conversation served there.
      await Bun.sleep(2_500)
      const other = await reconnect(n2, visitor.token)
      const after = await okEventually(
        other,
        { type: 'send', conversationId: id, clientMsgId: 'a1', text: 'while node 1 sleeps' },
        20_000,
      )

      // Node 1 wakes up and finishes its write with the old epoch: refused, retryable.
      await n1.resume()
      const late = await paused
      expect(late).toMatchObject({ type: 'error', code: 'unavailable', retryable: true })
      await waitUntil(
        'node 1 to step down',
        () => n1.logs().includes('conversation write refused; stepping down'),
        { timeoutMs: 5_000 },
      )

      // The client retries the same message: stored once, after the other one, by the owner.
      const retried = await okEventually(
        visitor.ws,
        { type: 'send', conversationId: id, clientMsgId: 'p1', text: PAUSE },
        20_000,
      )
      expect(retried.seq).toBeGreaterThan(after.seq)
      expect(retried.duplicate).toBe(false)
      const history = await n2.http(`/api/conversations/${id}/messages?limit=100`, {
        token: visitor.token,
      })
      const texts = (history.body.messages as Array<{ text: string; seq: number }>).map(
        (m) => `${m.seq}:${m.text}`,
      )
      expect(texts).toEqual(['2:hi', `${after.seq}:while node 1 sleeps`, `${retried.seq}:${PAUSE}`])
      // The operator's live view has no gap and no duplicate across the takeover.
      await op.ws.next((f) => f.type === 'event' && f.seq === retried.seq, 10_000)
      const seqs = op.ws.events(id).map((f) => f.seq as number)
      expect(seqs).toEqual(Array.from({ length: retried.seq }, (_, k) => k + 1))
      // One live actor, not on node 1.
      const live = await clusterGauge(c, 'parley_actors')
      expect(live[0]).toBe(0)
      expect(live.reduce((a, b) => a + b, 0)).toBe(1)
      for (const ws of [visitor.ws, other, op.ws]) ws.close()
    }, 60_000)
  })
})
