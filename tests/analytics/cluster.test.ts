/**
 * Analytics on a three-node cluster (issue 19): visitors and operators chat on every node while
 * every node runs the projector (a lock per round); the figures read through any node equal the
 * committed log, counted once each. A node killed with -9 in the middle of the traffic (and of
 * its rounds) changes nothing: what it committed is counted once, by whichever node's round
 * comes next.
 */
import { describe, expect, test } from 'bun:test'
import postgres from 'postgres'
import { operatorOn, visitorOn } from '../helpers/cluster-chat.ts'
import {
  useCluster,
  waitUntil,
  withClusterServices,
  type Cluster,
  type ClusterNode,
} from '../helpers/cluster.ts'
import { storedMessages } from '../helpers/faults.ts'
import type { TestClient } from '../helpers/ws.ts'

const HOUR = 3_600_000

/** What the committed log says the report must show. */
async function committed(databaseUrl: string) {
  const messages = await storedMessages(databaseUrl)
  return {
    conversations: new Set(messages.map((m) => m.conversationId)).size,
    visitorMessages: messages.filter((m) => m.clientMsgId?.startsWith('v')).length,
    operatorMessages: messages.filter((m) => m.clientMsgId?.startsWith('o')).length,
  }
}

async function marksLeft(databaseUrl: string): Promise<number> {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} })
  try {
    const [row] = await sql<{ n: number }[]>`select count(*)::int as n from analytics_marks`
    return row?.n ?? -1
  } finally {
    await sql.end({ timeout: 1 })
  }
}

async function totals(c: Cluster, node: ClusterNode) {
  const now = Date.now()
  const from = Math.floor(now / HOUR) * HOUR - HOUR
  const res = await node.http(`/api/analytics/report?from=${from}&to=${from + 3 * HOUR}&tz=UTC`, {
    token: await c.adminToken(node),
  })
  expect(res.status).toBe(200)
  return { ...res.body.totals, asOf: res.body.asOf as number }
}

/** Each visitor starts a conversation and writes `count` more; an operator answers each. */
async function chat(
  visitors: { ws: TestClient }[],
  operators: { ws: TestClient }[],
  tag: string,
  count: number,
) {
  await Promise.all(
    visitors.map(async (v, i) => {
      const start = await v.ws.ok({ type: 'start', clientMsgId: `v${tag}${i}-0`, text: 'hi' })
      const id = start.conversation.id as string
      const op = operators[i % operators.length]!
      for (let m = 1; m <= count; m++) {
        await v.ws.ok({
          type: 'send',
          conversationId: id,
          clientMsgId: `v${tag}${i}-${m}`,
          text: 'more',
        })
        await op.ws.ok({
          type: 'send',
          conversationId: id,
          clientMsgId: `o${tag}${i}-${m}`,
          text: 'ok',
        })
      }
    }),
  )
}

await withClusterServices('analytics on a cluster', {}, () => {
  const cluster = useCluster({ nodes: 3, env: { ANALYTICS_EVERY_MS: '200', LEASE_TTL_MS: '3000' } })

  describe('analytics on a cluster', () => {
    test('analytics cluster - every node projecting, one killed -9 mid-traffic: the figures equal the committed log, each event once', async () => {
      const c = cluster()
      const sockets: TestClient[] = []
      try {
        const operators = await Promise.all(c.nodes.map((n) => operatorOn(c, n)))
        sockets.push(...operators.map((o) => o.ws))
        const visitors = await Promise.all(
          c.nodes.flatMap((n) => [visitorOn(c, n), visitorOn(c, n)]),
        )
        sockets.push(...visitors.map((v) => v.ws))
        await chat(visitors, operators, 'a', 4)
        let want = await committed(c.databaseUrl)
        expect(want).toEqual({ conversations: 6, visitorMessages: 30, operatorMessages: 24 })
        for (const node of c.nodes) {
          await waitUntil(
            `node ${node.id} reports the log`,
            async () => {
              const t = await totals(c, node)
              return (
                t.conversations === want.conversations &&
                t.visitorMessages === want.visitorMessages &&
                t.operatorMessages === want.operatorMessages
              )
            },
            { timeoutMs: 15_000, intervalMs: 100 },
          )
        }

        // Node 3 dies in the middle of more traffic on nodes 1 and 2.
        const [n1, n2, n3] = c.nodes as [ClusterNode, ClusterNode, ClusterNode]
        const survivors = visitors.slice(0, 4)
        const more = chat(survivors, operators.slice(0, 2), 'b', 3)
        await Bun.sleep(150)
        expect((await n3.kill9()).signal).toBe('SIGKILL')
        await more
        // Every event of the log was committed before this.
        const loggedBy = Date.now()
        want = await committed(c.databaseUrl)
        expect(want.conversations).toBe(10)
        // An append node 3 committed with its summary still held (written behind) is marked for
        // analytics by the store's periodic repair of summaries left behind (rows older than
        // 30 s, every 30 s) when no later append on that conversation marks it first: up to a
        // minute after the kill.
        await waitUntil(
          'the survivors report the whole log',
          async () => {
            const t = await totals(c, n1)
            const whole =
              t.conversations === want.conversations &&
              t.visitorMessages === want.visitorMessages &&
              t.operatorMessages === want.operatorMessages
            // Short of the log: the report does not claim to be exact up to its end (what node
            // 3 left uncounted waits for the repair meanwhile).
            if (!whole) expect(t.asOf).toBeLessThanOrEqual(loggedBy)
            return whole
          },
          { timeoutMs: 75_000, intervalMs: 200 },
        )
        // Nothing is left to count (so nothing can be counted again later).
        await waitUntil(
          'no analytics mark left',
          async () => (await marksLeft(c.databaseUrl)) === 0,
          {
            timeoutMs: 10_000,
            intervalMs: 100,
          },
        )
        const [{ asOf: _1, ...t1 }, { asOf: _2, ...t2 }] = [
          await totals(c, n1),
          await totals(c, n2),
        ]
        expect(t1).toEqual(t2)
        expect(t1).toMatchObject(want)
        expect(t1.firstResponse.count).toBe(10)
      } finally {
        for (const ws of sockets) ws.close()
      }
    }, 180_000)
  })
})
