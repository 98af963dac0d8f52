/**
 * Revocation (P1) on one node: signing out, deactivation, password and rights changes, and
 * visitor sign-outs reach every live connection at once, on all three transports (WebSocket,
 * SSE, long-poll); fallback sessions are read only with the token that created them. The same
 * across nodes: tests/cluster/revocation.test.ts.
 */
import { describe, expect, test } from 'bun:test'
import { createHmac } from 'node:crypto'
import { signVisitorToken } from '../../server/auth/index.ts'
import { useServers } from '../helpers/lifecycle.ts'
import { ADMIN, type TestServer } from '../helpers/server.ts'
import { createSession, PollClient, SseClient } from '../helpers/streams.ts'

const { server, client, track } = useServers()

/** One connection of each transport, authenticated with the token. */
async function connectAll(s: TestServer, token: string) {
  const ws = await client(s, token)
  const sse = track(await SseClient.open(s, token))
  const poll = track(await PollClient.open(s, token))
  return { ws, sse, poll }
}
type Connections = Awaited<ReturnType<typeof connectAll>>

/**
 * Every connection got an error frame with this code and ended: the socket closed with
 * `closeCode`, the event stream ended, and the session answers 404 once its last frames
 * were read.
 */
async function expectEnded(c: Connections, code: string, closeCode = 4001) {
  expect((await c.ws.waitClosed(2000)).code).toBe(closeCode)
  expect(c.ws.frames.at(-1)).toMatchObject({ type: 'error', code })
  await c.sse.next((f) => f.type === 'error' && f.code === code, 2000)
  const deadline = Date.now() + 2000
  while (!c.sse.ended && Date.now() < deadline) await Bun.sleep(10)
  expect(c.sse.ended).toBe(true)
  expect((await c.sse.post({ type: 'ping', req: 'late' })).status).toBe(404)
  await c.poll.next((f) => f.type === 'error' && f.code === code, 2000)
  await expect(c.poll.poll()).rejects.toThrow('poll failed: 404')
}

async function expectAlive(c: Connections) {
  expect(await c.ws.request({ type: 'ping' })).toMatchObject({ type: 'pong' })
  expect(await c.sse.request({ type: 'ping' })).toMatchObject({ type: 'pong' })
  expect(await c.poll.request({ type: 'ping' })).toMatchObject({ type: 'pong' })
}

/** A second, separate login of an operator made by `s.operator()`. */
async function loginAgain(s: TestServer, operatorId: string, password = 'operator-password-1') {
  const admin = await s.adminToken()
  const ops = (await s.http('/api/admin/operators', { token: admin })).body.operators
  const email = ops.find((o: { id: string }) => o.id === operatorId).email as string
  const res = await s.http('/api/auth/login', { body: { email, password } })
  return res.status === 200 ? (res.body.token as string) : null
}

const status = async (s: TestServer, path: string, token: string) =>
  (await s.http(path, { token })).status

describe('operator sign-out', () => {
  test('revocation - logout cuts the connections of that session on every transport at once, and only those', async () => {
    const s = await server()
    const op = await s.operator()
    const other = (await loginAgain(s, op.id)) as string
    const signedOut = await connectAll(s, op.token)
    const stays = await connectAll(s, other)
    await signedOut.ws.ok({ type: 'feed_subscribe' })

    expect((await s.http('/api/auth/logout', { body: {}, token: op.token })).status).toBe(200)
    await expectEnded(signedOut, 'unauthenticated')
    expect(signedOut.ws.frames.at(-1)?.message).toBe('session revoked')
    expect(await status(s, '/api/auth/me', op.token)).toBe(401)
    await expectAlive(stays)
    expect(await status(s, '/api/auth/me', other)).toBe(200)
  })

  test('revocation - signing out everywhere ends every session and connection of the operator', async () => {
    const s = await server()
    const op = await s.operator()
    const other = (await loginAgain(s, op.id)) as string
    const first = await connectAll(s, op.token)
    const second = await connectAll(s, other)
    const bystander = await s.operator()
    const untouched = await connectAll(s, bystander.token)
    const visitor = await s.visitorToken()
    expect((await s.http('/api/auth/logout-all', { body: {}, token: visitor.token })).status).toBe(
      403,
    )
    expect((await s.http('/api/auth/logout-all', { body: {} })).status).toBe(401)

    expect((await s.http('/api/auth/logout-all', { body: {}, token: op.token })).status).toBe(200)
    await expectEnded(first, 'unauthenticated')
    await expectEnded(second, 'unauthenticated')
    expect(await status(s, '/api/auth/me', op.token)).toBe(401)
    expect(await status(s, '/api/auth/me', other)).toBe(401)
    await expectAlive(untouched)
  })

  test('revocation - changing one own password ends the other sessions and keeps this one', async () => {
    const s = await server()
    const op = await s.operator()
    const other = (await loginAgain(s, op.id)) as string
    const here = await connectAll(s, op.token)
    const elsewhere = await connectAll(s, other)
    const change = (currentPassword: string) =>
      s.http('/api/auth/password', {
        token: op.token,
        body: { currentPassword, newPassword: 'a-brand-new-password' },
      })

    const wrong = await change('not-the-password')
    expect([wrong.status, wrong.body.error.code]).toEqual([403, 'forbidden'])
    await expectAlive(elsewhere)
    const short = await s.http('/api/auth/password', {
      token: op.token,
      body: { currentPassword: 'operator-password-1', newPassword: 'short' },
    })
    expect(short.status).toBe(422)

    expect((await change('operator-password-1')).status).toBe(200)
    await expectEnded(elsewhere, 'unauthenticated')
    await expectAlive(here)
    expect(await status(s, '/api/auth/me', op.token)).toBe(200)
    expect(await status(s, '/api/auth/me', other)).toBe(401)
    expect(await loginAgain(s, op.id)).toBeNull()
    expect(await loginAgain(s, op.id, 'a-brand-new-password')).not.toBeNull()
  })
})

describe('admin changes to an operator', () => {
  test('revocation - deactivation and a password reset cut every transport; a cut session last frames go to its token only', async () => {
    const s = await server()
    const admin = await s.adminToken()
    for (const change of [{ active: false }, { password: 'reset-by-the-admin' }]) {
      const op = await s.operator()
      const conns = await connectAll(s, op.token)
      const patched = await s.http(`/api/admin/operators/${op.id}`, {
        method: 'PATCH',
        token: admin,
        body: change,
      })
      expect(patched.status).toBe(200)
      // The poll session is closed with its last frame waiting: the id alone does not read it.
      const anonymous = await fetch(`${s.url}/rt/sessions/${conns.poll.sessionId}/poll`)
      expect(anonymous.status).toBe(404)
      await expectEnded(conns, 'unauthenticated')
      expect(await status(s, '/api/auth/me', op.token)).toBe(401)
    }
  })

  test('revocation - a role change re-authorizes live connections: still viewing they go on with the new rights, no longer viewing they are cut', async () => {
    const s = await server()
    const admin = await s.adminToken()
    const inboxId = await s.defaultInboxId()
    const visitor = await client(s, (await s.visitorToken()).token)
    const { conversation } = await visitor.ok({ type: 'start', text: 'hi', clientMsgId: 'v1' })
    const patch = (id: string, body: unknown) =>
      s.http(`/api/admin/operators/${id}`, { method: 'PATCH', token: admin, body })

    const supervisor = await s.operator({ role: 'supervisor', inboxIds: [inboxId] })
    const viewing = await connectAll(s, supervisor.token)
    await viewing.ws.ok({ type: 'subscribe', conversationId: conversation.id, afterSeq: 0 })
    expect((await patch(supervisor.id, { canChat: false })).status).toBe(200)
    await expectAlive(viewing)
    const refused = await viewing.ws.request({
      type: 'send',
      conversationId: conversation.id,
      clientMsgId: 'o1',
      text: 'no longer allowed',
    })
    expect(refused).toMatchObject({ type: 'error', code: 'forbidden' })
    await visitor.ok({
      type: 'send',
      conversationId: conversation.id,
      clientMsgId: 'v2',
      text: 'x',
    })
    await viewing.ws.next((f) => f.type === 'event' && f.data?.message?.text === 'x')

    // Membership decides the feed, not what may be viewed: the connections stay.
    const members = await s.http(`/api/admin/inboxes/${inboxId}/members`, {
      method: 'PUT',
      token: admin,
      body: { operatorIds: [] },
    })
    expect(members.status).toBe(200)
    await expectAlive(viewing)

    expect((await patch(supervisor.id, { role: 'operator' })).status).toBe(200)
    await expectEnded(viewing, 'forbidden', 4003)
  })
})

describe('visitor sign-out', () => {
  test('revocation - an admin revoking a visitor cuts its connections and refuses every token it holds', async () => {
    const s = await server()
    const admin = await s.adminToken()
    const revoked = await s.visitorToken()
    const renewed = await s.http('/api/visitor/session', {
      body: { inboxId: revoked.inboxId, token: revoked.token },
    })
    const conns = await connectAll(s, renewed.body.token)
    const bystander = await connectAll(s, (await s.visitorToken()).token)
    const op = await s.operator()
    const url = `/api/admin/visitors/${revoked.visitorId}/revoke`
    expect((await s.http(url, { body: {}, token: op.token })).status).toBe(403)
    expect(
      (await s.http(`/api/admin/visitors/nobody/revoke`, { body: {}, token: admin })).status,
    ).toBe(404)

    expect((await s.http(url, { body: {}, token: admin })).status).toBe(200)
    await expectEnded(conns, 'unauthenticated')
    for (const token of [revoked.token, renewed.body.token]) {
      expect(await status(s, '/api/visitor/conversations', token)).toBe(401)
      const renewal = await s.http('/api/visitor/session', {
        body: { inboxId: revoked.inboxId, token },
      })
      expect([renewal.status, renewal.body.error.code]).toEqual([401, 'unauthenticated'])
    }
    await expectAlive(bystander)
    const fresh = await s.visitorToken()
    expect(fresh.visitorId).not.toBe(revoked.visitorId)
  })

  test('revocation - signing out an inbox visitors cuts them all and refuses tokens issued before', async () => {
    const s = await server()
    const admin = await s.adminToken()
    const inboxId = await s.defaultInboxId()
    const other = await s.http('/api/admin/inboxes', { token: admin, body: { name: 'Other' } })
    const a = await s.visitorToken()
    const b = await s.visitorToken()
    const connsA = await connectAll(s, a.token)
    const connsB = await connectAll(s, b.token)
    const elsewhere = await connectAll(s, (await s.visitorToken(other.body.id)).token)

    const res = await s.http(`/api/admin/inboxes/${inboxId}/revoke-visitor-sessions`, {
      body: {},
      token: admin,
    })
    expect(res.status).toBe(200)
    expect(res.body.visitorsSignedOutAt).toBeGreaterThan(0)
    await expectEnded(connsA, 'unauthenticated')
    await expectEnded(connsB, 'unauthenticated')
    expect(await status(s, '/api/visitor/conversations', a.token)).toBe(401)
    await expectAlive(elsewhere)
    const after = await s.visitorToken()
    expect(await status(s, '/api/visitor/conversations', after.token)).toBe(200)
  })

  test('revocation - a token from before issued-at existed counts as issued a day before it expires', async () => {
    const s = await server()
    const { visitorId, inboxId } = await s.visitorToken()
    const legacy = signVisitorToken(s.config.secret, {
      visitorId,
      inboxId,
      expiresAt: Date.now() + 3_600_000,
    })
    expect(await status(s, '/api/visitor/conversations', legacy)).toBe(200)
    const admin = await s.adminToken()
    await s.http(`/api/admin/visitors/${visitorId}/revoke`, { body: {}, token: admin })
    expect(await status(s, '/api/visitor/conversations', legacy)).toBe(401)
  })
})

describe('identity secret rotation', () => {
  test('revocation - after a rotation a verified visitor must prove its identity again (identity_required); anonymous ones go on', async () => {
    const s = await server()
    const admin = await s.adminToken()
    const inboxId = await s.defaultInboxId()
    const secret = async () =>
      (await s.http(`/api/admin/inboxes/${inboxId}/identity-secret`, { token: admin })).body
        .identitySecret as string
    const hash = (key: string) => createHmac('sha256', key).update('user-7').digest('hex')
    const session = (body: Record<string, string>) =>
      s.http('/api/visitor/session', { body: { inboxId, ...body } })
    let current = await secret()
    const verified = await session({ userId: 'user-7', userHash: hash(current) })
    const verifiedConns = await connectAll(s, verified.body.token)
    const anonymous = await s.visitorToken()
    const anonymousConns = await connectAll(s, anonymous.token)

    for (const rotate of [
      () =>
        s.http(`/api/admin/inboxes/${inboxId}`, {
          method: 'PATCH',
          token: admin,
          body: { rotateIdentitySecret: true },
        }),
      () =>
        s.http(`/api/admin/inboxes/${inboxId}/rotate-identity-secret`, { body: {}, token: admin }),
    ]) {
      const before = await session({ userId: 'user-7', userHash: hash(current) })
      const rotated = await rotate()
      expect(rotated.status).toBe(200)
      expect(rotated.body.identityRotatedAt).toBeGreaterThan(0)
      // Renewing with the token alone no longer carries the verified identity.
      const renewal = await session({ token: before.body.token })
      expect([renewal.status, renewal.body.error.code]).toEqual([401, 'identity_required'])
      const refused = await s.http('/api/visitor/conversations', { token: before.body.token })
      expect([refused.status, refused.body.error.code]).toEqual([401, 'identity_required'])
      const stale = await session({ userId: 'user-7', userHash: hash(current) })
      expect(stale.status).toBe(401)
      current = await secret()
      const proved = await session({ userId: 'user-7', userHash: hash(current) })
      expect(proved.body.visitorId).toBe(verified.body.visitorId)
      expect(await status(s, '/api/visitor/conversations', proved.body.token)).toBe(200)
    }
    await expectEnded(verifiedConns, 'identity_required')
    await expectAlive(anonymousConns)
    const renewedAnonymous = await session({ token: anonymous.token })
    expect(renewedAnonymous.body.visitorId).toBe(anonymous.visitorId)
  })
})

describe('fallback sessions bound to their token', () => {
  test('revocation - a fallback session is read only with the token that created it', async () => {
    const s = await server()
    const op = await s.operator()
    const intruder = await s.visitorToken()
    for (const transport of ['sse', 'poll'] as const) {
      const id = await createSession(s, transport, op.token)
      const path = `${s.url}/rt/sessions/${id}/${transport === 'sse' ? 'events' : 'poll'}`
      const read = (token?: string) =>
        fetch(path, { headers: token ? { authorization: `Bearer ${token}` } : {} })
      for (const token of [undefined, intruder.token, 'op_not-a-session']) {
        const refused = await read(token)
        expect({ transport, token, status: refused.status }).toEqual({
          transport,
          token,
          status: 404,
        })
        expect((await refused.json()).error.code).toBe('not_found')
      }
      // Something to read at once, so that the poll does not wait.
      await s.http(`/rt/sessions/${id}/frames`, { body: { type: 'ping', req: 1 }, token: op.token })
      const owner = await read(op.token)
      expect(owner.status).toBe(200)
      await owner.body?.cancel()
    }
    // After logout the token no longer reads anything: the sessions are gone.
    const id = await createSession(s, 'poll', op.token)
    await s.http('/api/auth/logout', { body: {}, token: op.token })
    const afterLogout = await fetch(`${s.url}/rt/sessions/${id}/poll`, {
      headers: { authorization: `Bearer ${op.token}` },
    })
    expect(await afterLogout.json()).toEqual([
      { type: 'error', code: 'unauthenticated', message: 'session revoked', retryable: false },
    ])
    const gone = await fetch(`${s.url}/rt/sessions/${id}/poll`, {
      headers: { authorization: `Bearer ${op.token}` },
    })
    expect(gone.status).toBe(404)
  })
})

describe('response headers', () => {
  test('revocation - API and realtime responses are never stored and never sniffed', async () => {
    const s = await server()
    const { token } = await s.visitorToken()
    const id = await createSession(s, 'sse', token)
    const stream = await fetch(`${s.url}/rt/sessions/${id}/events`, {
      headers: { authorization: `Bearer ${token}` },
    })
    const responses = [
      await s.http('/api/auth/login', { body: ADMIN }),
      await s.http('/api/auth/me'),
      await s.http('/api/visitor/conversations', { token }),
      await s.http('/rt/sessions', { body: { transport: 'poll' }, token }),
      await s.http('/api/nothing-here'),
      { status: stream.status, headers: stream.headers },
    ]
    await stream.body?.cancel()
    for (const res of responses) {
      expect({
        status: res.status,
        cache: res.headers.get('cache-control'),
        sniff: res.headers.get('x-content-type-options'),
      }).toEqual({ status: res.status, cache: 'no-store', sniff: 'nosniff' })
    }
  })
})
