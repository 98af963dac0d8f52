/**
 * Tokens and sessions (S2, S3): signed visitor tokens that cannot be altered and expire,
 * identity verification, and operator sessions that end when the operator is deactivated.
 */
import { describe, expect, test } from 'bun:test'
import { useServers } from '../helpers/lifecycle.ts'
import { createHmac } from 'node:crypto'
import { FakeClock } from '../../actors/index.ts'
import { signVisitorToken } from '../../server/auth/index.ts'
import { rawSql, type TestServer } from '../helpers/server.ts'
import { PollClient } from '../helpers/streams.ts'
import { TestClient } from '../helpers/ws.ts'

const { server, track, restart } = useServers()

async function socket(s: TestServer) {
  const c = await TestClient.connect(s.wsUrl)
  track(c)
  return c
}

/** How the server answers a token over HTTP and in a socket auth frame. */
async function verdict(s: TestServer, token: string) {
  const http = await s.http('/api/visitor/conversations', { token })
  const ws = await (await socket(s)).request({ type: 'auth', token })
  return {
    status: http.status,
    http: http.body.error?.code ?? 'ok',
    ws: ws.type === 'ack' ? 'ok' : ws.code,
  }
}

/** Replaces the character at i with a different base64url character. */
function flipAt(token: string, i: number): string {
  const c = token[i] === 'A' ? 'B' : 'A'
  return token.slice(0, i) + c + token.slice(i + 1)
}

describe('visitor tokens (S2)', () => {
  test('security - a token with any signature byte changed or appended is refused as unauthenticated', async () => {
    const s = await server()
    const { token } = await s.visitorToken()
    expect(await verdict(s, token)).toEqual({ status: 200, http: 'ok', ws: 'ok' })
    const sigStart = token.lastIndexOf('.') + 1
    const tampered = [
      flipAt(token, sigStart + 5),
      flipAt(token, token.length - 10),
      // Same decoded bytes to a lenient base64 decoder, but not the token the server issued.
      token + '=',
      token + '!',
      token + 'A',
    ]
    for (const t of tampered) {
      expect({ t, ...(await verdict(s, t)) }).toEqual({
        t,
        status: 401,
        http: 'unauthenticated',
        ws: 'unauthenticated',
      })
    }
  })

  test('security - a token whose claims were edited or signed with another key is refused', async () => {
    const s = await server()
    const a = await s.visitorToken()
    const b = await s.visitorToken()
    const [, payloadB] = b.token.split('.')
    const [, , sigA] = a.token.split('.')
    // B's claims under A's signature: a visitor trying to become another.
    const spliced = `v1.${payloadB}.${sigA}`
    const foreign = signVisitorToken('x'.repeat(32), {
      visitorId: b.visitorId,
      inboxId: b.inboxId,
      expiresAt: Date.now() + 60_000,
    })
    for (const t of [spliced, foreign, 'v1.', 'v1.abc', 'op_nope', 'garbage']) {
      expect({ t, ...(await verdict(s, t)) }).toEqual({
        t,
        status: 401,
        http: 'unauthenticated',
        ws: 'unauthenticated',
      })
    }
  })

  test('security - a visitor token past its lifetime gets token_expired over HTTP and the socket', async () => {
    const clock = new FakeClock(Date.now())
    const s = await server({ clock, env: { VISITOR_TOKEN_TTL: '60' } })
    const { token } = await s.visitorToken()
    await clock.advance(59_000)
    expect(await verdict(s, token)).toEqual({ status: 200, http: 'ok', ws: 'ok' })
    await clock.advance(1_000)
    expect(await verdict(s, token)).toEqual({
      status: 401,
      http: 'token_expired',
      ws: 'token_expired',
    })
    const renew = await s.http('/api/visitor/session', {
      body: { inboxId: await s.defaultInboxId(), token },
    })
    expect(renew.status).toBe(401)
    expect(renew.body.error.code).toBe('token_expired')
  })

  test('security - a well-signed token with a past expiry gets token_expired', async () => {
    const s = await server()
    const { visitorId, inboxId } = await s.visitorToken()
    const expired = signVisitorToken(s.config.secret, {
      visitorId,
      inboxId,
      expiresAt: Date.now() - 1,
    })
    expect(await verdict(s, expired)).toEqual({
      status: 401,
      http: 'token_expired',
      ws: 'token_expired',
    })
  })

  test('security - a shorter OPERATOR_SESSION_TTL bounds sessions opened while it was longer', async () => {
    const clock = new FakeClock(Date.now())
    const long = await server({ clock, env: { OPERATOR_SESSION_TTL: '3600' } })
    const op = await long.operator()
    const s = await restart(long, { clock, env: { OPERATOR_SESSION_TTL: '120' } })
    await clock.advance(119_000)
    expect((await s.http('/api/auth/me', { token: op.token })).status).toBe(200)
    await clock.advance(2_000)
    const me = await s.http('/api/auth/me', { token: op.token })
    expect([me.status, me.body.error.code]).toEqual([401, 'token_expired'])
    // A socket learns the shorter end too: its auth is refused the same way.
    expect((await verdict(s, op.token)).ws).toBe('token_expired')
  })

  test('security - an operator session past its lifetime gets token_expired', async () => {
    const clock = new FakeClock(Date.now())
    const s = await server({ clock, env: { OPERATOR_SESSION_TTL: '60' } })
    const op = await s.operator()
    expect((await s.http('/api/auth/me', { token: op.token })).status).toBe(200)
    await clock.advance(60_000)
    const me = await s.http('/api/auth/me', { token: op.token })
    expect(me.status).toBe(401)
    expect(me.body.error.code).toBe('token_expired')
  })
})

describe('identity verification (W2)', () => {
  async function identity(s: TestServer) {
    const res = await s.http('/api/admin/inboxes', { token: await s.adminToken() })
    const { id } = res.body.inboxes[0] as { id: string }
    const inbox = { id, identitySecret: await s.identitySecret(id) }
    const hash = (userId: string, secret = inbox.identitySecret) =>
      createHmac('sha256', secret).update(userId).digest('hex')
    const session = (body: Record<string, unknown>) =>
      s.http('/api/visitor/session', { body: { inboxId: inbox.id, ...body } })
    return { inbox, hash, session }
  }

  test('security - a verified user id maps to the same visitor every time, even concurrently', async () => {
    const s = await server()
    const { hash, session } = await identity(s)
    const first = await session({ userId: 'user-42', userHash: hash('user-42') })
    expect(first.status).toBe(200)
    const again = await Promise.all(
      [1, 2, 3].map(() => session({ userId: 'user-42', userHash: hash('user-42') })),
    )
    expect(again.map((r) => r.body.visitorId)).toEqual([
      first.body.visitorId,
      first.body.visitorId,
      first.body.visitorId,
    ])
    const fresh = await Promise.all(
      [1, 2, 3].map(() => session({ userId: 'user-43', userHash: hash('user-43') })),
    )
    expect(fresh.map((r) => r.status)).toEqual([200, 200, 200])
    expect(new Set(fresh.map((r) => r.body.visitorId)).size).toBe(1)
    expect(fresh[0]?.body.visitorId).not.toBe(first.body.visitorId)
  })

  test('security - a wrong, foreign or missing identity hash gets 401 unauthenticated', async () => {
    const s = await server()
    const { hash, session } = await identity(s)
    const wrong = [
      { userId: 'user-42', userHash: hash('user-41') },
      { userId: 'user-42', userHash: hash('user-42', 'another-inbox-secret') },
      {
        userId: 'user-42',
        userHash: hash('user-42').replace(/^./, (c) => (c === '0' ? '1' : '0')),
      },
      { userId: 'user-42' },
      { userHash: hash('user-42') },
    ]
    for (const body of wrong) {
      const res = await session(body)
      expect({ body, status: res.status, code: res.body.error?.code }).toEqual({
        body,
        status: 401,
        code: 'unauthenticated',
      })
    }
  })
})

describe('operator sessions (S3)', () => {
  test('security - deactivating an operator ends its sessions and cuts its open socket and stream', async () => {
    const s = await server()
    const op = await s.operator()
    const ws = await socket(s)
    await ws.request({ type: 'auth', token: op.token })
    const poll = await PollClient.open(s, op.token)
    expect(await poll.request({ type: 'ping' })).toMatchObject({ type: 'pong' })
    const res = await s.http(`/api/admin/operators/${op.id}`, {
      method: 'PATCH',
      token: await s.adminToken(),
      body: { active: false },
    })
    expect(res.status).toBe(200)
    expect(res.body.active).toBe(false)
    const closed = await ws.waitClosed()
    expect(closed.code).toBe(4001)
    expect(ws.frames.at(-1)).toMatchObject({ type: 'error', code: 'unauthenticated' })
    // No poll was waiting when it happened: the next poll still tells the client why.
    await poll.next((f) => f.type === 'error' && f.code === 'unauthenticated')
    expect((await poll.post({ type: 'ping', req: 'after' })).status).toBe(404)
    await expect(poll.poll()).rejects.toThrow('poll failed: 404')
    const me = await s.http('/api/auth/me', { token: op.token })
    expect(me.status).toBe(401)
    expect(me.body.error.code).toBe('unauthenticated')
    const again = await TestClient.connect(s.wsUrl)
    track(again)
    expect(await again.request({ type: 'auth', token: op.token })).toMatchObject({
      type: 'error',
      code: 'unauthenticated',
    })
  })
})

describe('password hashes', () => {
  test('security - new passwords are hashed with argon2id at PASSWORD_HASH_MEMORY_KIB; a hash made with other parameters still signs in', async () => {
    const s = await server({ env: { PASSWORD_HASH_MEMORY_KIB: '20480' } })
    const op = await s.operator()
    const stored = async () =>
      (
        (await rawSql(
          s,
          `select password_hash as h from operators where id = '${op.id}'`,
        )) as Array<{
          h: string
        }>
      )[0]!.h
    expect(await stored()).toStartWith('$argon2id$v=19$m=20480,t=2,p=1$')
    // As a database written with another setting (or an older release) holds it.
    const older = await Bun.password.hash('older-password-1', { algorithm: 'argon2id' })
    expect(older).toStartWith('$argon2id$v=19$m=65536,t=2,p=1$')
    await rawSql(s, `update operators set password_hash = '${older}' where id = '${op.id}'`)
    const email = (await s.http('/api/auth/me', { token: op.token })).body.operator?.email
    expect(typeof email).toBe('string')
    const login = await s.http('/api/auth/login', {
      body: { email, password: 'older-password-1' },
    })
    expect(login.status).toBe(200)
    const wrong = await s.http('/api/auth/login', { body: { email, password: 'older-password-2' } })
    expect(wrong.status).toBe(401)
  })
})

describe('admin routes (O6)', () => {
  test('security - non-admins get 403 on every admin route, and nothing changes', async () => {
    const s = await server()
    const visitor = await s.visitorToken()
    const op = await s.operator({ role: 'operator' })
    const sup = await s.operator({ role: 'supervisor', canChat: true })
    const admin = await s.adminToken()
    const operatorsBefore = (await s.http('/api/admin/operators', { token: admin })).body
    const inboxesBefore = (await s.http('/api/admin/inboxes', { token: admin })).body
    const inboxId = await s.defaultInboxId()
    const routes: Array<[string, { method?: string; body?: unknown }]> = [
      ['/api/admin/operators', {}],
      [
        '/api/admin/operators',
        {
          body: {
            email: 'mallory@example.com',
            name: 'M',
            password: 'long-enough-pw',
            role: 'admin',
          },
        },
      ],
      [`/api/admin/operators/${op.id}`, { method: 'PATCH', body: { role: 'admin' } }],
      ['/api/admin/inboxes', {}],
      ['/api/admin/inboxes', { body: { name: 'Rogue inbox' } }],
      [`/api/admin/inboxes/${inboxId}`, { method: 'PATCH', body: { rotateIdentitySecret: true } }],
    ]
    for (const token of [visitor.token, op.token, sup.token]) {
      for (const [path, init] of routes) {
        const res = await s.http(path, { ...init, token })
        expect({
          path,
          method: init.method,
          status: res.status,
          code: res.body.error?.code,
        }).toEqual({
          path,
          method: init.method,
          status: 403,
          code: 'forbidden',
        })
      }
    }
    for (const [path, init] of routes) expect((await s.http(path, init)).status).toBe(401)
    expect((await s.http('/api/admin/operators', { token: admin })).body).toEqual(operatorsBefore)
    expect((await s.http('/api/admin/inboxes', { token: admin })).body).toEqual(inboxesBefore)
  })
})
