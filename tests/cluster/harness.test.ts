/**
 * The cluster harness itself: three real node processes on one throwaway Postgres database
 * with their own nats-server, driven by PID, and nothing left running afterwards.
 */
import { describe, expect, test } from 'bun:test'
import { isAlive, livePids, useCluster, withClusterServices } from '../helpers/cluster.ts'

await withClusterServices('cluster harness', {}, () => {
  describe('cluster harness', () => {
    const cluster = useCluster({ nodes: 3 })

    test('harness - nats-server and three nodes run, each ready and answering /api', async () => {
      const c = cluster()
      expect(c.nodes.map((n) => n.id)).toEqual(['node-1', 'node-2', 'node-3'])
      expect(new Set(c.nodes.map((n) => n.port)).size).toBe(3)
      expect(c.nats?.running).toBe(true)
      for (const node of c.nodes) {
        expect(isAlive(node.pid)).toBe(true)
        expect((await node.http('/readyz')).status).toBe(200)
        const api = await node.http('/api')
        expect(api.status).toBe(200)
        expect(api.body).toMatchObject({ name: 'parley', websocket: '/ws' })
      }
    }, 20_000)

    test('harness - a visitor token from node 1 is accepted on nodes 2 and 3', async () => {
      const c = cluster()
      const [one, two, three] = c.nodes
      if (!one || !two || !three) throw new Error('three nodes expected')
      const visitor = await c.visitorToken(one)
      for (const node of [two, three]) {
        const res = await node.http('/api/visitor/conversations', { token: visitor.token })
        expect(res.status).toBe(200)
        expect(res.body.conversations).toEqual([])
      }
      // And a bad token is still refused: acceptance comes from the shared secret.
      const forged = await two.http('/api/visitor/conversations', { token: `${visitor.token}x` })
      expect(forged.status).toBe(401)
    }, 20_000)

    test('harness - a paused node stalls and answers again once resumed', async () => {
      const node = cluster().nodes[2]
      if (!node) throw new Error('three nodes expected')
      node.pause()
      try {
        const stalled = await fetch(`${node.url}/readyz`, { signal: AbortSignal.timeout(500) })
          .then(() => 'answered')
          .catch(() => 'stalled')
        expect(stalled).toBe('stalled')
      } finally {
        node.resume()
      }
      await node.waitReady(10_000)
    }, 20_000)

    test('harness - a killed node restarts on the same port with a new PID', async () => {
      const node = cluster().nodes[1]
      if (!node) throw new Error('three nodes expected')
      const before = node.pid
      const exit = await node.kill9()
      expect(exit.signal).toBe('SIGKILL')
      expect(isAlive(before)).toBe(false)
      await node.restart()
      expect(node.pid).not.toBe(before)
      expect((await node.http('/readyz')).status).toBe(200)
    }, 30_000)

    test('harness - nats-server restarts on the same port and store folder', async () => {
      const nats = cluster().nats
      if (!nats) throw new Error('nats expected')
      const before = nats.pid
      await nats.kill('SIGKILL')
      expect(nats.running).toBe(false)
      await nats.restart()
      expect(nats.running).toBe(true)
      expect(nats.pid).not.toBe(before)
      expect(nats.logs()).toContain(nats.storeDir)
    }, 20_000)

    test('harness - stopAll ends every process it started', async () => {
      const c = cluster()
      const pids = c.pids()
      expect(pids).toHaveLength(4)
      await c.stopAll()
      for (const pid of pids) expect(isAlive(pid)).toBe(false)
      expect(c.pids()).toEqual([])
      expect(livePids().filter((pid) => pids.includes(pid))).toEqual([])
      for (const node of c.nodes) expect(node.logs()).toContain('server listening')
    }, 40_000)
  })
})
