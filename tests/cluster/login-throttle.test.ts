/**
 * Login throttling in a cluster (issue 22, item 3): the counters live in a JetStream KV bucket
 * that every node shares, so a second node is no second budget, for an account's backoff as
 * for an address's attempts. Two real node processes behind a trusted proxy address
 * (TRUST_PROXY=127.0.0.1, so X-Real-IP names the client). The CAPTCHA's counters and used
 * solutions (issue 18, S4) live in the same bucket.
 */
import { describe, expect, test } from 'bun:test'
import { encodeSolution, solveChallenge, type Challenge } from '../../protocol/captcha.ts'
import { ADMIN, useCluster, withClusterServices, type ClusterNode } from '../helpers/cluster.ts'

/** A visitor route's answer: a challenge, a session, or an error. */
type Answer = Challenge & { error?: { code: string } }

/** One login on `node` claiming to come from `ip`: status, error code ('ok'), retryAfterMs. */
async function login(node: ClusterNode, email: string, password: string, ip: string) {
  const res = await fetch(`${node.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-real-ip': ip },
    body: JSON.stringify({ email, password }),
    signal: AbortSignal.timeout(10_000),
  })
  const body = (await res.json()) as { error?: { code: string; retryAfterMs?: number } }
  return {
    status: res.status,
    code: body.error?.code ?? 'ok',
    retryAfterMs: body.error?.retryAfterMs ?? null,
  }
}

await withClusterServices('cluster login throttle', {}, () => {
  const cluster = useCluster({
    nodes: 2,
    env: { TRUST_PROXY: '127.0.0.1', LOGIN_FREE_FAILURES: '2', LOGIN_LIMIT_ADDRESS: '4' },
  })

  describe('cluster login throttle', () => {
    test('cluster - an account that failed on one node waits on the other, and gets in there once the wait is over', async () => {
      const c = cluster()
      const [n1, n2] = c.nodes as [ClusterNode, ClusterNode]
      const email = 'grace@example.com'
      const password = 'grace-password-1'
      const created = await n1.http('/api/admin/operators', {
        token: await c.adminToken(n1),
        body: { email, name: 'Grace', password, inboxIds: [] },
      })
      expect(created.status).toBe(201)
      // Two failures on node 1, each from another network.
      expect((await login(n1, email, 'guess-1', '198.51.100.1')).code).toBe('unauthenticated')
      expect((await login(n1, email, 'guess-2', '198.51.101.1')).code).toBe('unauthenticated')
      // Node 2 knows: the account waits (1 s), even for the right password.
      const waiting = await login(n2, email, password, '198.51.102.1')
      expect(waiting).toMatchObject({ status: 429, code: 'rate_limited' })
      expect(waiting.retryAfterMs).toBeGreaterThan(0)
      expect(waiting.retryAfterMs).toBeLessThanOrEqual(1000)
      await Bun.sleep((waiting.retryAfterMs ?? 0) + 50)
      expect(await login(n2, email, password, '198.51.102.1')).toMatchObject({
        status: 200,
        code: 'ok',
      })
      // The success reset the count on every node.
      expect((await login(n1, email, 'guess-3', '198.51.103.1')).code).toBe('unauthenticated')
      expect((await login(n2, email, 'guess-4', '198.51.104.1')).code).toBe('unauthenticated')
    }, 30_000)

    test('cluster - one address has one budget across nodes and accounts', async () => {
      const c = cluster()
      const [n1, n2] = c.nodes as [ClusterNode, ClusterNode]
      const ip = '203.0.113.50'
      // Four attempts a minute for this address, spread over both nodes and four accounts.
      for (const [node, i] of [
        [n1, 1],
        [n2, 2],
        [n1, 3],
        [n2, 4],
      ] as const) {
        expect((await login(node, `spray${i}@example.com`, 'guess', ip)).code).toBe(
          'unauthenticated',
        )
      }
      for (const node of [n1, n2]) {
        const refused = await login(node, 'spray5@example.com', 'guess', ip)
        expect(refused).toMatchObject({ status: 429, code: 'rate_limited' })
      }
      // Another address (another /24) is not affected, nor is the admin's own login.
      expect((await login(n2, 'spray6@example.com', 'guess', '192.0.2.50')).code).toBe(
        'unauthenticated',
      )
      expect((await login(n1, ADMIN.email, ADMIN.password, '192.0.2.51')).status).toBe(200)
    }, 30_000)

    test('cluster captcha - new sessions from one address share one count, and a solution taken on one node is refused on the other', async () => {
      const c = cluster()
      const [n1, n2] = c.nodes as [ClusterNode, ClusterNode]
      const inboxId = await c.defaultInboxId(n1)
      const patched = await n1.http(`/api/admin/inboxes/${inboxId}`, {
        method: 'PATCH',
        token: await c.adminToken(n1),
        body: { settings: { captcha: { mode: 'auto', sessionsPer10Min: 2 } } },
      })
      expect(patched.status).toBe(200)
      const post = (node: ClusterNode, path: string, body: unknown) =>
        fetch(`${node.url}${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-real-ip': '203.0.113.77' },
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(10_000),
        }).then(async (r) => ({ status: r.status, body: (await r.json()) as Answer }))
      expect((await post(n1, '/api/visitor/session', { inboxId })).status).toBe(200)
      expect((await post(n2, '/api/visitor/session', { inboxId })).status).toBe(200)
      // The third from the same address, whichever node: asked for a challenge.
      const third = await post(n1, '/api/visitor/session', { inboxId })
      expect([third.status, third.body.error?.code]).toEqual([428, 'captcha_required'])
      const challenge = await post(n2, '/api/visitor/challenge', { inboxId, purpose: 'session' })
      const found = await solveChallenge(challenge.body)
      const captcha = encodeSolution(found!)
      expect((await post(n2, '/api/visitor/session', { inboxId, captcha })).status).toBe(200)
      const replay = await post(n1, '/api/visitor/session', { inboxId, captcha })
      expect([replay.status, replay.body.error?.code]).toEqual([422, 'captcha_invalid'])
    }, 30_000)
  })
})
