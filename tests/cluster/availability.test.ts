/**
 * Availability across a cluster (R5, R6): every node answers the widget from the presence board
 * the nodes share and the branches in the store, so all three agree: nobody present (offline),
 * an operator signed in on another node (online), outside the branch's hours (offline with the
 * next opening), and a GeoIP rule naming the same branch on every node; an address's offline
 * requests count against one budget whichever node takes them. Each node keeps its
 * snapshot two seconds: the answers converge within a bound, never by a fixed sleep.
 */
import { describe, expect, test } from 'bun:test'
import { useCluster, waitUntil, withClusterServices, type ClusterNode } from '../helpers/cluster.ts'
import { operatorOn } from '../helpers/cluster-chat.ts'

const RU_ADDRESS = '77.88.8.8'

await withClusterServices('cluster availability', {}, () => {
  const cluster = useCluster({ nodes: 3, env: { TRUST_PROXY: '127.0.0.1' } })

  /** Every node's answer for a visitor at `address`. */
  async function answers(inboxId: string, address = '192.0.2.1') {
    return Promise.all(
      cluster().nodes.map(async (node) => {
        const res = await fetch(`${node.url}/api/visitor/availability?inboxId=${inboxId}`, {
          headers: { 'x-real-ip': address },
        })
        return (await res.json()) as Record<string, any>
      }),
    )
  }

  /** Waits until all nodes answer `expected` (a subset of fields), bounded. */
  async function allAgree(inboxId: string, expected: Record<string, unknown>, address?: string) {
    let last: Record<string, any>[] = []
    await waitUntil(
      `all nodes answer ${JSON.stringify(expected)}`,
      async () => {
        last = await answers(inboxId, address)
        return last.every((a) =>
          Object.entries(expected).every(([k, v]) => Bun.deepEquals(a[k], v)),
        )
      },
      { timeoutMs: 10_000, intervalMs: 100 },
    ).catch((error) => {
      throw new Error(`${String(error)}; last answers ${JSON.stringify(last)}`)
    })
    return last
  }

  describe('cluster availability (R5, R6)', () => {
    test('availability - three nodes agree on offline, online, hours and the GeoIP branch', async () => {
      const c = cluster()
      const [n1, n2, n3] = c.nodes as [ClusterNode, ClusterNode, ClusterNode]
      const inboxId = await c.defaultInboxId(n1)
      const admin = await c.adminToken(n1)
      await allAgree(inboxId, { state: 'offline', branchId: inboxId, withinHours: true })

      const op = await operatorOn(c, n3)
      await op.ws.ok({ type: 'feed_subscribe' })
      await allAgree(inboxId, { state: 'online' })

      // A branch for Russia, its member connected to node 2; the rule set through node 1.
      const ruOp = await operatorOn(c, n2)
      const branch = await n1.http(`/api/admin/inboxes/${inboxId}/branches`, {
        token: admin,
        body: { name: 'Russia', operatorIds: [ruOp.id] },
      })
      expect(branch.status).toBe(201)
      const rules = await n1.http(`/api/admin/inboxes/${inboxId}/routing`, {
        method: 'PUT',
        token: admin,
        body: { geoRules: [{ country: 'RU', branchId: branch.body.id }] },
      })
      expect(rules.status).toBe(200)
      // Nodes cache the inbox's rules up to 30 s for new conversations, but availability reads
      // its snapshot anew every two seconds.
      await allAgree(inboxId, { state: 'online', branchId: branch.body.id }, RU_ADDRESS)

      // The default branch closed for good, through node 2.
      const closed = await n2.http(`/api/admin/branches/${inboxId}`, {
        method: 'PATCH',
        token: admin,
        body: { schedule: { timeZone: 'Europe/Berlin', week: {}, exceptions: [] } },
      })
      expect(closed.status).toBe(200)
      await allAgree(inboxId, {
        state: 'offline',
        withinHours: false,
        nextOpeningAt: null,
        timeZone: 'Europe/Berlin',
      })
      // The Russian branch keeps its own hours (always open) and its operator.
      await allAgree(inboxId, { state: 'online', withinHours: true }, RU_ADDRESS)

      await ruOp.ws.ok({ type: 'set_operator_status', status: 'away' })
      await allAgree(inboxId, { state: 'offline', withinHours: true }, RU_ADDRESS)
      for (const ws of [op.ws, ruOp.ws]) ws.close()
    }, 90_000)

    test('availability - one address has one budget of offline requests, whichever node it asks', async () => {
      const c = cluster()
      const inboxId = await c.defaultInboxId(c.nodes[0] as ClusterNode)
      const address = '198.51.100.77'
      const statuses: number[] = []
      // Round-robin over the three nodes: five go through, the sixth is refused, on any node.
      for (let i = 0; i < 6; i++) {
        const node = c.nodes[i % 3] as ClusterNode
        const session = await node.http('/api/visitor/session', { body: { inboxId } })
        const res = await fetch(`${node.url}/api/visitor/offline-requests`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            authorization: `Bearer ${session.body.token}`,
            'x-real-ip': address,
          },
          body: JSON.stringify({ name: 'Ann', email: 'ann@example.com', text: `request ${i}` }),
        })
        statuses.push(res.status)
        if (res.status === 429) {
          const body = (await res.json()) as { error: { code: string; retryAfterMs: number } }
          expect(body.error.code).toBe('rate_limited')
        }
      }
      expect(statuses).toEqual([201, 201, 201, 201, 201, 429])
    }, 60_000)
  })
})
