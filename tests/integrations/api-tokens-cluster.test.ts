/**
 * API tokens on a two-node cluster (issue 17, I3): a token made on one node works on the other;
 * revoked on one, it is refused by the other at once, although that node had it cached; its
 * budget is one for the whole cluster, not one per node.
 */
import { describe, expect, test } from 'bun:test'
import { useCluster, withClusterServices, type ClusterNode } from '../helpers/cluster.ts'

await withClusterServices('API tokens on a cluster', {}, () => {
  const cluster = useCluster({ nodes: 2, env: { API_TOKEN_RATE_PER_MINUTE: '60' } })

  describe('API tokens on a cluster (I3)', () => {
    test('api tokens cluster - revoked on one node, refused by the other at once; one budget for all nodes', async () => {
      const c = cluster()
      const [n1, n2] = c.nodes as [ClusterNode, ClusterNode]
      const admin = await c.adminToken(n1)
      const make = async (name: string) => {
        const res = await n1.http('/api/tokens', { token: admin, body: { name, scope: 'read' } })
        expect(res.status).toBe(201)
        return res.body as { token: { id: string }; secret: string }
      }
      const revocable = await make('revocable')
      // Node 2 resolves it, and caches it.
      expect((await n2.http('/api/inboxes', { token: revocable.secret })).status).toBe(200)
      const revoked = await n1.http(`/api/tokens/${revocable.token.id}`, {
        token: admin,
        method: 'DELETE',
      })
      expect(revoked.status).toBe(204)
      // The revocation is published before the DELETE answers; node 2 applies it on receipt.
      const deadline = Date.now() + 2000
      let status = 0
      while (Date.now() < deadline) {
        status = (await n2.http('/api/inboxes', { token: revocable.secret })).status
        if (status === 401) break
        await Bun.sleep(20)
      }
      expect(status).toBe(401)

      // A burst of 10 (60 a minute): 5 on each node, then both refuse.
      const busy = await make('busy')
      const statuses: number[] = []
      for (let i = 0; i < 10; i++) {
        const node = i % 2 === 0 ? n1 : n2
        statuses.push((await node.http('/api/inboxes', { token: busy.secret })).status)
      }
      expect(statuses.filter((x) => x === 200).length).toBeGreaterThanOrEqual(9)
      const after = [
        (await n1.http('/api/inboxes', { token: busy.secret })).status,
        (await n2.http('/api/inboxes', { token: busy.secret })).status,
        (await n1.http('/api/inboxes', { token: busy.secret })).status,
      ]
      expect(after.filter((x) => x === 429).length).toBeGreaterThanOrEqual(2)
    }, 60_000)
  })
})
