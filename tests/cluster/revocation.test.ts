/**
 * Revocation across nodes (P1, issue 18): a sign-out, password change, deactivation, role
 * change or visitor sign-out made through one node reaches the connections on the others at
 * once (published over NATS), on every transport, and they refuse the token right after,
 * whatever they cached. An erasure (issue 18, S8) through one node cuts the visitor on
 * another and empties their conversation for every node. Three nodes.
 */
import { describe, expect, test } from 'bun:test'
import { useCluster, withClusterServices, type ClusterNode } from '../helpers/cluster.ts'
import { operatorOn, visitorOn } from '../helpers/cluster-chat.ts'
import { PollClient, SseClient } from '../helpers/streams.ts'
import { TestClient } from '../helpers/ws.ts'

/** Well under the 10 s a node caches a resolved session: "at once" means NATS time. */
const AT_ONCE_MS = 2000

/** The SSE and long-poll sessions of a token on one node. */
async function fallbacks(node: ClusterNode, token: string) {
  return { sse: await SseClient.open(node, token), poll: await PollClient.open(node, token) }
}

/** A socket and fallback sessions all got an error frame of this code and ended. */
async function expectEnded(
  ws: TestClient,
  streams: Awaited<ReturnType<typeof fallbacks>>,
  code: string,
  closeCode = 4001,
) {
  expect((await ws.waitClosed(AT_ONCE_MS)).code).toBe(closeCode)
  expect(ws.frames.at(-1)).toMatchObject({ type: 'error', code })
  await streams.sse.next((f) => f.type === 'error' && f.code === code, AT_ONCE_MS)
  await streams.poll.next((f) => f.type === 'error' && f.code === code, AT_ONCE_MS)
  await expect(streams.poll.poll()).rejects.toThrow('poll failed: 404')
  streams.sse.close()
}

await withClusterServices('cluster revocation', {}, () => {
  const cluster = useCluster({ nodes: 3 })

  describe('cluster revocation (P1)', () => {
    test('cluster revocation - an operator on node 2 is cut at once when it logs out through node 1; node 2 refuses its token right after', async () => {
      const c = cluster()
      const [n1, n2] = c.nodes as [ClusterNode, ClusterNode]
      const op = await operatorOn(c, n2)
      await op.ws.ok({ type: 'feed_subscribe' })
      const streams = await fallbacks(n2, op.token)
      // Node 2 has the session cached now (for 10 s).
      expect((await n2.http('/api/auth/me', { token: op.token })).status).toBe(200)

      const started = Date.now()
      expect((await n1.http('/api/auth/logout', { body: {}, token: op.token })).status).toBe(200)
      const me = await n2.http('/api/auth/me', { token: op.token })
      expect(me.status).toBe(401)
      await expectEnded(op.ws, streams, 'unauthenticated')
      expect(Date.now() - started).toBeLessThan(AT_ONCE_MS)
    }, 30_000)

    test("cluster revocation - a password change through node 1 ends the operator's other sessions on nodes 2 and 3 at once, every transport; the changing session goes on", async () => {
      const c = cluster()
      const [n1, n2, n3] = c.nodes as [ClusterNode, ClusterNode, ClusterNode]
      const op = await operatorOn(c, n2)
      const on2 = await fallbacks(n2, op.token)
      const login = (node: ClusterNode) =>
        node.http('/api/auth/login', { body: { email: op.email, password: op.password } })
      const third = (await login(n3)).body.token as string
      const ws3 = await TestClient.connect(n3.wsUrl, { token: third })
      const on3 = await fallbacks(n3, third)
      const changer = (await login(n1)).body.token as string
      // Nodes 2 and 3 have the sessions cached now (for 10 s).
      expect((await n2.http('/api/auth/me', { token: op.token })).status).toBe(200)
      expect((await n3.http('/api/auth/me', { token: third })).status).toBe(200)

      const started = Date.now()
      const changed = await n1.http('/api/auth/password', {
        token: changer,
        body: { currentPassword: op.password, newPassword: 'a-new-password-2' },
      })
      expect(changed.status).toBe(200)
      expect((await n2.http('/api/auth/me', { token: op.token })).status).toBe(401)
      expect((await n3.http('/api/auth/me', { token: third })).status).toBe(401)
      await expectEnded(op.ws, on2, 'unauthenticated')
      await expectEnded(ws3, on3, 'unauthenticated')
      expect(Date.now() - started).toBeLessThan(2 * AT_ONCE_MS)
      for (const node of [n1, n2, n3])
        expect((await node.http('/api/auth/me', { token: changer })).status).toBe(200)
      expect((await login(n3)).status).toBe(401)
    }, 30_000)

    test('cluster revocation - deactivation and a role change made on node 1 reach the operator connections on node 2 at once', async () => {
      const c = cluster()
      const [n1, n2] = c.nodes as [ClusterNode, ClusterNode]
      const admin = await c.adminToken(n1)
      const patch = (id: string, body: unknown) =>
        n1.http(`/api/admin/operators/${id}`, { method: 'PATCH', token: admin, body })

      const deactivated = await operatorOn(c, n2)
      const deactivatedStreams = await fallbacks(n2, deactivated.token)
      expect((await n2.http('/api/auth/me', { token: deactivated.token })).status).toBe(200)
      expect((await patch(deactivated.id, { active: false })).status).toBe(200)
      expect((await n2.http('/api/auth/me', { token: deactivated.token })).status).toBe(401)
      await expectEnded(deactivated.ws, deactivatedStreams, 'unauthenticated')

      const demoted = await operatorOn(c, n2, { role: 'supervisor', canChat: false })
      const demotedStreams = await fallbacks(n2, demoted.token)
      expect((await n2.http('/api/inbox', { token: demoted.token })).status).toBe(200)
      expect((await patch(demoted.id, { role: 'operator' })).status).toBe(200)
      expect((await n2.http('/api/inbox', { token: demoted.token })).status).toBe(403)
      await expectEnded(demoted.ws, demotedStreams, 'forbidden', 4003)
    }, 30_000)

    test("cluster revocation - an inbox's sites narrowed through node 1: node 2 cuts the sockets from the site taken off and refuses it right after", async () => {
      const c = cluster()
      const [n1, n2] = c.nodes as [ClusterNode, ClusterNode, ClusterNode]
      const admin = await c.adminToken(n1)
      const created = await n1.http('/api/admin/inboxes', {
        token: admin,
        body: {
          name: 'Sites',
          settings: { allowedOrigins: ['https://shop.example.com', 'https://eu.example.com'] },
        },
      })
      expect(created.status).toBe(201)
      const inboxId = created.body.id as string
      const session = (origin: string) =>
        fetch(`${n2.url}/api/visitor/session`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', origin },
          body: JSON.stringify({ inboxId }),
        })
      // Node 2 caches the list now (for 10 s without news).
      const first = await session('https://shop.example.com')
      expect(first.status).toBe(200)
      const { token } = (await first.json()) as { token: string }
      const shop = await TestClient.connect(n2.wsUrl, { token, origin: 'https://shop.example.com' })
      const eu = await TestClient.connect(n2.wsUrl, { token, origin: 'https://eu.example.com' })

      const started = Date.now()
      const patched = await n1.http(`/api/admin/inboxes/${inboxId}`, {
        method: 'PATCH',
        token: admin,
        body: { settings: { allowedOrigins: ['https://eu.example.com'] } },
      })
      expect(patched.status).toBe(200)
      expect((await shop.waitClosed(AT_ONCE_MS)).code).toBe(4001)
      expect(shop.frames.at(-1)).toMatchObject({ type: 'error', code: 'origin_not_allowed' })
      expect((await session('https://shop.example.com')).status).toBe(403)
      expect(Date.now() - started).toBeLessThan(AT_ONCE_MS)
      expect((await eu.request({ type: 'ping' })).type).not.toBe('error')
      eu.close()
    }, 30_000)

    test('cluster revocation - a visitor revoked through node 1 is cut on node 2 and its token refused there', async () => {
      const c = cluster()
      const [n1, n2] = c.nodes as [ClusterNode, ClusterNode]
      const visitor = await visitorOn(c, n2)
      const streams = await fallbacks(n2, visitor.token)
      const me = await n2.http('/api/auth/me', { token: visitor.token })
      expect(me.status).toBe(200)
      const revoked = await n1.http(`/api/admin/visitors/${me.body.id}/revoke`, {
        body: {},
        token: await c.adminToken(n1),
      })
      expect(revoked.status).toBe(200)
      expect((await n2.http('/api/auth/me', { token: visitor.token })).status).toBe(401)
      await expectEnded(visitor.ws, streams, 'unauthenticated')
    }, 30_000)

    test('cluster erasure - a visitor erased through node 1 is cut on node 2; the conversation, wherever its actor lives, is emptied and closed for everyone', async () => {
      const c = cluster()
      const [n1, n2, n3] = c.nodes as [ClusterNode, ClusterNode, ClusterNode]
      const visitor = await visitorOn(c, n2)
      const started = await visitor.ws.ok({
        type: 'start',
        clientMsgId: 'e1',
        text: 'my address is 7 Gulvestrand Road',
      })
      const id = started.conversation.id as string
      const op = await operatorOn(c, n3)
      await op.ws.ok({ type: 'subscribe', conversationId: id, afterSeq: 0 })
      await op.ws.ok({ type: 'send', conversationId: id, clientMsgId: 'o1', text: 'Noted, thanks' })
      const me = await n2.http('/api/auth/me', { token: visitor.token })
      const erased = await n1.http(`/api/admin/visitors/${me.body.id}/erase`, {
        body: {},
        token: await c.adminToken(n1),
      })
      expect([erased.status, erased.body.conversations]).toEqual([200, 1])
      expect((await visitor.ws.waitClosed(AT_ONCE_MS)).code).toBe(4001)
      expect((await n2.http('/api/auth/me', { token: visitor.token })).status).toBe(401)
      await op.ws.next(
        (f) => f.type === 'event' && f.name === 'conversation.erased' && f.conversationId === id,
        AT_ONCE_MS,
      )
      for (const node of [n1, n2, n3]) {
        const history = await node.http(`/api/conversations/${id}/messages`, { token: op.token })
        expect(JSON.stringify(history.body)).not.toContain('Gulvestrand')
        expect(history.body.messages.map((m: { text: string }) => m.text)).toEqual(['', ''])
      }
      const late = await op.ws.request({
        type: 'send',
        conversationId: id,
        clientMsgId: 'o2',
        text: 'still there?',
      })
      expect(late).toMatchObject({ type: 'error', code: 'conflict' })
    }, 30_000)
  })
})
