/**
 * Automation rules across a failover (issue 20): three nodes on Postgres and NATS; the node
 * that runs the rules (the `rules.runner` lease) is killed with -9 while visitors start
 * conversations on the others. Another node takes the lease and goes on from the rules outbox:
 * every conversation gets the rule's welcome exactly once, its priority change once, and one
 * recorded run.
 */
import { describe, expect, test } from 'bun:test'
import { clusterGauge } from '../helpers/cluster-chat.ts'
import { useCluster, waitUntil, withClusterServices, type ClusterNode } from '../helpers/cluster.ts'
import { storedMessages } from '../helpers/faults.ts'

const WELCOME = 'Welcome! An operator will be with you shortly.'

await withClusterServices('cluster rules', {}, () => {
  const cluster = useCluster({ nodes: 3, env: { LEASE_TTL_MS: '3000' } })

  describe('cluster rules (issue 20)', () => {
    test('rules - the node running the rules is killed -9 mid-stream: each conversation gets the rule once', async () => {
      const c = cluster()
      const [, n2] = c.nodes as [ClusterNode, ClusterNode, ClusterNode]
      const admin = await c.adminToken(n2)
      const inboxId = await c.defaultInboxId(n2)
      const created = await n2.http(`/api/admin/inboxes/${inboxId}/rules`, {
        token: admin,
        body: {
          name: 'Welcome',
          event: 'conversation.created',
          actions: [
            { type: 'send_message', text: WELCOME },
            { type: 'set_priority', priority: 'high' },
          ],
        },
      })
      expect(created.status).toBe(201)
      const ruleId = created.body.rule.id as string

      /** Starts a conversation through `node`, retrying refusals while the cluster heals. */
      const start = async (node: ClusterNode, i: number): Promise<string> => {
        const session = await c.visitorToken(node)
        const deadline = Date.now() + 20_000
        for (;;) {
          const res = await node.http('/api/visitor/conversations', {
            token: session.token,
            body: { text: `hello ${i}`, clientMsgId: `start-${i}` },
          })
          if (res.status === 201) return res.body.conversation.id as string
          if (Date.now() > deadline) throw new Error(`start ${i}: ${res.status}\n${c.logs()}`)
          await Bun.sleep(100)
        }
      }
      const welcomes = async () => {
        const counts = new Map<string, number>()
        for (const m of await storedMessages(c.databaseUrl)) {
          if (m.text === WELCOME)
            counts.set(m.conversationId, (counts.get(m.conversationId) ?? 0) + 1)
        }
        return counts
      }

      // The rule is known everywhere and running somewhere: a first conversation is welcomed.
      const ids = [await start(n2, 0)]
      await waitUntil('the first welcome', async () => (await welcomes()).get(ids[0]!) === 1, {
        timeoutMs: 20_000,
        intervalMs: 100,
      })
      const active = await clusterGauge(c, 'parley_rules_runner_active')
      expect(active.filter((x) => x === 1)).toHaveLength(1)
      const holder = c.nodes[active.indexOf(1)]!
      const others = c.nodes.filter((n) => n !== holder)
      for (let i = 1; i <= 6; i++) ids.push(await start(others[i % 2]!, i))
      await holder.kill9()
      for (let i = 7; i <= 14; i++) ids.push(await start(others[i % 2]!, i))

      await waitUntil(
        'every conversation welcomed',
        async () => {
          const counts = await welcomes()
          return ids.every((id) => (counts.get(id) ?? 0) >= 1)
        },
        { timeoutMs: 60_000, intervalMs: 200 },
      )
      // Nothing more comes: the new runner has settled every mark.
      const { default: postgres } = await import('postgres')
      const sql = postgres(c.databaseUrl, { max: 1, onnotice: () => {} })
      try {
        await waitUntil(
          'the rules outbox is empty',
          async () => (await sql`select 1 from rule_marks`).length === 0,
          { timeoutMs: 30_000, intervalMs: 200 },
        )
        const counts = await welcomes()
        expect(ids.map((id) => counts.get(id) ?? 0)).toEqual(ids.map(() => 1))
        const priorities = await sql<{ conversation_id: string; n: string }[]>`
          select conversation_id, count(*)::text as n from events
          where name = 'conversation.priority' group by conversation_id`
        const byConv = new Map(priorities.map((r) => [r.conversation_id, Number(r.n)]))
        expect(ids.map((id) => byConv.get(id) ?? 0)).toEqual(ids.map(() => 1))
        const runs = await sql<{ conversation_id: string }[]>`
          select conversation_id from rule_runs where rule_id = ${ruleId} and outcome = 'done'`
        expect(runs.map((r) => r.conversation_id).sort()).toEqual([...ids].sort())
      } finally {
        await sql.end({ timeout: 1 })
      }
      const after = await clusterGauge(c, 'parley_rules_runner_active')
      expect(after.filter((x) => x === 1)).toHaveLength(1)
      console.log(`rules failover: ${ids.length} conversations, each welcomed once`)
    }, 150_000)
  })
})
