/**
 * A stalled store (X5, X6): a table the write path needs is locked by someone else (a stuck
 * migration, a long manual transaction). Writes must fail retryably by their deadline instead
 * of piling up, /readyz must say 503 within a few seconds and 200 again once writes succeed, and
 * SIGTERM must end the process within the documented drain time whatever the store does.
 */
import { describe, expect, test } from 'bun:test'
import { SHUTDOWN_CLOSE_MS } from '../../server/app.ts'
import { contractViolations, startChatLoad } from '../helpers/chat-load.ts'
import { setInboxSettings } from '../helpers/cluster-chat.ts'
import { useCluster, waitUntil, withClusterServices } from '../helpers/cluster.ts'
import { holdTableLock, storedMessages } from '../helpers/faults.ts'
import { TestClient } from '../helpers/ws.ts'

await withClusterServices('faults - store stall', {}, () => {
  const cluster = useCluster({ nodes: 1, nats: false, env: { STORE_TIMEOUT_MS: '2000' } })

  describe('faults - store stall (single node, Postgres)', () => {
    test('store stall - a locked events table: sends fail retryably, /readyz 503 within seconds, 200 again after (probed, no traffic needed)', async () => {
      const c = cluster()
      const node = c.nodes[0]!
      await setInboxSettings(c, node, { visitorMessagesPerMinute: 600 })
      const visitors = await Promise.all(
        Array.from({ length: 3 }, async () => ({
          token: (await c.visitorToken(node)).token as string,
          urls: [node.wsUrl],
        })),
      )
      const load = await startChatLoad({ visitors, ratePerSec: 15, maxMs: 60_000 })
      const readyz = async () => (await node.http('/readyz')).body.status as string
      const until = (what: string, check: () => Promise<boolean> | boolean) =>
        waitUntil(what, check, { timeoutMs: 8_000, intervalMs: 100 })
      let lock: { release(): Promise<void> } | null = null
      try {
        await until('some acks', () => load.acked.length > 5)
        expect(await readyz()).toBe('ready')
        lock = await holdTableLock(c.databaseUrl, 'events')
        const lockedAt = performance.now()
        await until('readyz 503', async () => (await readyz()) !== 'ready')
        const notReadyAfter = performance.now() - lockedAt
        // Held past the deadline: the writes waiting for it fail as retryable.
        await until('a send refused as unavailable', () => load.errors.has('unavailable'))
        await until('readyz says failing', async () => (await readyz()) === 'store failing')
        // No traffic from here on: only the node's own probe can tell it the store is back.
        await load.stop()
        await Bun.sleep(1_500)
        expect(await readyz()).toBe('store failing')
        await lock.release()
        lock = null
        const releasedAt = performance.now()
        await until('readyz 200', async () => (await readyz()) === 'ready')
        const readyAfter = performance.now() - releasedAt
        console.log(
          `store stall: 503 ${Math.round(notReadyAfter)} ms after the lock, 200 ${Math.round(
            readyAfter,
          )} ms after its release; errors ${JSON.stringify(Object.fromEntries(load.errors))}`,
        )
      } finally {
        await lock?.release()
        await load.stop()
      }
      expect(load.errors.get('internal_error') ?? 0).toBe(0)
      expect(contractViolations(load.acked, await storedMessages(c.databaseUrl))).toEqual([])
      // And it takes writes again.
      const ws = await TestClient.connect(node.wsUrl, { token: visitors[0]!.token })
      const again = await ws.request({
        type: 'send',
        conversationId: load.conversationIds[0],
        clientMsgId: 'after-stall',
        text: 'after the stall',
      })
      ws.close()
      expect(again.type).toBe('ack')
    }, 60_000)

    test('store stall - SIGTERM while every write waits on a lock ends the process within SHUTDOWN_GRACE + close time', async () => {
      const c = cluster()
      const node = c.nodes[0]!
      // A deadline far beyond the drain time: only the shutdown's own bound can end it.
      await node.restart({ env: { STORE_TIMEOUT_MS: '60000', SHUTDOWN_GRACE: '2' } })
      const session = await c.visitorToken(node)
      const ws = await TestClient.connect(node.wsUrl, { token: session.token })
      const started = await ws.ok({ type: 'start', clientMsgId: 'stall-start' })
      const lock = await holdTableLock(c.databaseUrl, 'events')
      try {
        for (let i = 0; i < 5; i++) {
          ws.send({
            type: 'send',
            req: `s${i}`,
            conversationId: started.conversation.id,
            clientMsgId: `stall-${i}`,
            text: `stalled ${i}`,
          })
        }
        await waitUntil('readyz 503', async () => (await node.http('/readyz')).status === 503, {
          timeoutMs: 8_000,
          intervalMs: 100,
        })
        const signalled = performance.now()
        const exit = await node.stop({ timeoutMs: 20_000 })
        const took = performance.now() - signalled
        console.log(`store stall: SIGTERM to exit ${Math.round(took)} ms (${JSON.stringify(exit)})`)
        // The watchdog ends it within grace + close time (+1 s); anything later is SIGKILL.
        expect(exit.signal).toBeNull()
        expect(took).toBeLessThan(2_000 + SHUTDOWN_CLOSE_MS + 1_500)
      } finally {
        ws.close()
        await lock.release()
      }
    }, 60_000)
  })
})
