/**
 * API tokens through the real server (issue 17, I3), on SQLite or Postgres: made by admins,
 * shown once and stored hashed; scopes read / write / admin enforced on every route, never more
 * than the operator's own rights; revoked, expired and deactivated tokens refused at once; a
 * budget per token (429 with Retry-After); last use recorded; tokens cannot manage tokens or
 * sign people out. And what integrations do with them: a conversation started for an outside
 * contact, messages posted as the contact and as the operator, idempotent by clientMsgId.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { FakeClock } from '../../actors/index.ts'
import { okBody } from '../helpers/http.ts'
import { rawTableDump, startTestServer, type TestServer } from '../helpers/server.ts'

let s: TestServer
let clock: FakeClock
let admin: string
let inboxId: string
let agent: { token: string; id: string }
const ok = okBody
/** Requests per minute per token on this server: a burst of 10. */
const RATE = 60

async function makeToken(body: Record<string, unknown>, token = admin) {
  const res = await s.http('/api/tokens', { token, body })
  if (res.status !== 201) throw new Error(`token create: ${res.status} ${JSON.stringify(res.body)}`)
  return res.body as { token: { id: string; [k: string]: unknown }; secret: string }
}

/** The budget refills: each test starts with a full one. */
async function refill() {
  await clock.advance(60_000)
}

beforeAll(async () => {
  clock = new FakeClock(Date.now())
  s = await startTestServer({
    clock,
    env: {
      API_TOKEN_RATE_PER_MINUTE: String(RATE),
      // The fake clock walks days: sessions must outlive the walk.
      OPERATOR_SESSION_TTL: String(7 * 86400),
    },
  })
  admin = await s.adminToken()
  inboxId = await s.defaultInboxId()
  agent = await s.operator({ role: 'operator', inboxIds: [inboxId] })
})

afterAll(async () => {
  await s?.stop()
})

describe('making tokens', () => {
  test('an admin makes one: the secret is shown once, stored only as a hash, listed without it', async () => {
    const made = await makeToken({ name: '  CRM sync ', scope: 'read' })
    expect(made.secret).toMatch(/^pat_[A-Za-z0-9_-]{43}$/)
    expect(made.token).toMatchObject({
      name: 'CRM sync',
      scope: 'read',
      prefix: made.secret.slice(0, 8),
      createdBy: { name: expect.any(String) },
      lastUsedAt: null,
      expiresAt: null,
      revokedAt: null,
    })
    const list = await ok(s.http('/api/tokens', { token: admin }))
    const listed = list.tokens.find((t: { id: string }) => t.id === made.token.id)
    expect(listed).toEqual(made.token)
    expect(JSON.stringify(list)).not.toContain(made.secret)
    const dump = await rawTableDump(s)
    expect(JSON.stringify(dump)).not.toContain(made.secret)
    expect(JSON.stringify(dump)).toContain(
      new Bun.CryptoHasher('sha256').update(made.secret).digest('hex'),
    )
  })

  test('bad input is refused with a typed error and makes nothing', async () => {
    const before = (await ok(s.http('/api/tokens', { token: admin }))).tokens.length
    const bad: [Record<string, unknown>, number, string][] = [
      [{ name: '', scope: 'read' }, 422, 'validation_failed'],
      [{ name: 'x'.repeat(101), scope: 'read' }, 422, 'validation_failed'],
      [{ name: 'x', scope: 'root' }, 422, 'validation_failed'],
      [{ name: 'x', scope: 'read', expiresInDays: 0 }, 422, 'validation_failed'],
      [{ name: 'x', scope: 'read', extra: 1 }, 422, 'validation_failed'],
      [{ name: 'x', scope: 'read', operatorId: 'nobody' }, 404, 'not_found'],
      // An admin token must act as an admin.
      [{ name: 'x', scope: 'admin', operatorId: agent.id }, 422, 'validation_failed'],
      [{ name: '\ud800', scope: 'read' }, 422, 'validation_failed'],
    ]
    for (const [body, status, code] of bad) {
      const res = await s.http('/api/tokens', { token: admin, body })
      expect([JSON.stringify(body), res.status, res.body.error?.code]).toEqual([
        JSON.stringify(body),
        status,
        code,
      ])
    }
    // Not an admin: refused.
    const byAgent = await s.http('/api/tokens', {
      token: agent.token,
      body: { name: 'x', scope: 'read' },
    })
    expect(byAgent.status).toBe(403)
    expect((await s.http('/api/tokens', { token: agent.token })).status).toBe(403)
    expect((await s.http('/api/tokens')).status).toBe(401)
    expect((await ok(s.http('/api/tokens', { token: admin }))).tokens.length).toBe(before)
  })
})

describe('scopes', () => {
  test('read: reads what its operator may read, refuses every write and the admin API', async () => {
    await refill()
    const { secret } = await makeToken({ name: 'reader', scope: 'read' })
    expect((await s.http('/api/inbox', { token: secret })).status).toBe(200)
    expect((await s.http('/api/inboxes', { token: secret })).status).toBe(200)
    const write = await s.http('/api/me/status', {
      token: secret,
      method: 'PUT',
      body: { status: 'away' },
    })
    expect(write.status).toBe(403)
    expect(write.body.error.code).toBe('forbidden')
    // The admin's own token, scope read: no admin API.
    expect((await s.http('/api/admin/operators', { token: secret })).status).toBe(403)
    expect((await s.http('/api/webhooks', { token: secret })).status).toBe(403)
  })

  test('write: handles conversations as its operator; no admin API even for an admin', async () => {
    await refill()
    const { secret } = await makeToken({ name: 'writer', scope: 'write', operatorId: agent.id })
    const started = await s.http('/api/conversations', {
      token: secret,
      body: {
        inboxId,
        contact: { externalId: 'crm-42', name: 'Ada Lovelace', email: 'Ada@Example.com' },
        text: 'Order #17 arrived broken',
        clientMsgId: 'form-1',
      },
    })
    expect(started.status).toBe(201)
    const conversationId = started.body.conversation.id as string
    // It shows where it came from: an integration.
    expect(started.body.conversation.channel).toBe('api')
    expect(started.body.message).toMatchObject({ seq: 2, duplicate: false })
    // A retry lands on the same conversation and message.
    const retried = await s.http('/api/conversations', {
      token: secret,
      body: {
        inboxId,
        contact: { externalId: 'crm-42' },
        text: 'Order #17 arrived broken',
        clientMsgId: 'form-1',
      },
    })
    expect(retried.status).toBe(200)
    expect(retried.body.conversation.id).toBe(conversationId)
    const reply = await s.http(`/api/conversations/${conversationId}/messages`, {
      token: secret,
      body: { clientMsgId: 'r-1', text: 'Sorry! A new one is on its way.' },
    })
    expect(reply.status).toBe(201)
    const asContact = await s.http(`/api/conversations/${conversationId}/contact-messages`, {
      token: secret,
      body: { clientMsgId: 'c-2', text: 'Thanks!' },
    })
    expect(asContact.status).toBe(201)
    const again = await s.http(`/api/conversations/${conversationId}/contact-messages`, {
      token: secret,
      body: { clientMsgId: 'c-2', text: 'Thanks!' },
    })
    expect(again.status).toBe(200)
    const history = await ok(
      s.http(`/api/conversations/${conversationId}/messages`, { token: secret }),
    )
    expect(
      history.messages.map((m: { author: { kind: string; id: string }; text: string }) => [
        m.author.kind,
        m.text,
      ]),
    ).toEqual([
      ['visitor', 'Order #17 arrived broken'],
      ['operator', 'Sorry! A new one is on its way.'],
      ['visitor', 'Thanks!'],
    ])
    expect(
      history.messages.find((m: { author: { kind: string } }) => m.author.kind === 'operator')
        .author.id,
    ).toBe(agent.id)
    // The same outside id is the same contact: its name and e-mail were kept.
    const contact = await ok(
      s.http(`/api/conversations/${conversationId}/visitor`, { token: secret }),
    )
    expect(contact.visitor ?? contact).toMatchObject({
      name: 'Ada Lovelace',
      email: 'ada@example.com',
    })
    const second = await ok(
      s.http('/api/conversations', {
        token: secret,
        body: { inboxId, contact: { externalId: 'crm-42' }, text: 'Another question' },
      }),
    )
    expect(second.conversation.id).not.toBe(conversationId)
    expect(second.conversation.visitorId).toBe(started.body.conversation.visitorId)
    // No admin API for a write token; the admin's write token acts as a supervisor.
    const { secret: adminWrite } = await makeToken({ name: 'admin-writer', scope: 'write' })
    expect((await s.http('/api/admin/operators', { token: adminWrite })).status).toBe(403)
    expect((await s.http('/api/inbox', { token: adminWrite })).status).toBe(200)
  })

  test('admin: the admin API, but never the tokens, sessions or passwords', async () => {
    await refill()
    const { secret } = await makeToken({ name: 'ops', scope: 'admin' })
    expect((await s.http('/api/admin/operators', { token: secret })).status).toBe(200)
    const listTokens = await s.http('/api/tokens', { token: secret })
    expect(listTokens.status).toBe(403)
    expect(listTokens.body.error.message).toContain('API token')
    expect(
      (await s.http('/api/tokens', { token: secret, body: { name: 'child', scope: 'read' } }))
        .status,
    ).toBe(403)
    expect((await s.http('/api/auth/logout-all', { token: secret, body: {} })).status).toBe(403)
    expect(
      (
        await s.http('/api/auth/password', {
          token: secret,
          body: { currentPassword: 'x', newPassword: 'something-long-enough-1' },
        })
      ).status,
    ).toBeGreaterThanOrEqual(401)
    // What it does is on the audit trail, naming the token.
    const made = await s.http('/api/admin/operators', {
      token: secret,
      body: {
        email: `bot-${Date.now()}@example.com`,
        name: 'Bot made',
        password: 'operator-password-1',
        role: 'operator',
        canChat: true,
        inboxIds: [],
      },
    })
    expect(made.status).toBe(201)
    const audit = await ok(s.http('/api/admin/audit?limit=20', { token: admin }))
    const entry = audit.entries.find(
      (e: { action: string; targetId: string }) => e.targetId === made.body.id,
    )
    expect(entry?.details?.apiToken).toBeString()
  })

  test('a token acts with no more than its operator: an agent outside an inbox sees nothing there', async () => {
    await refill()
    const outsider = await s.operator({ role: 'operator', inboxIds: [] })
    const { secret } = await makeToken({
      name: 'outsider',
      scope: 'write',
      operatorId: outsider.id,
    })
    const res = await s.http('/api/conversations', {
      token: secret,
      body: { inboxId, contact: { name: 'X' }, text: 'hi' },
    })
    expect(res.status).toBe(404)
    // A visitor cannot start a conversation for a contact.
    const visitor = await s.visitorToken()
    const asVisitor = await s.http('/api/conversations', {
      token: visitor.token,
      body: { inboxId, contact: { name: 'X' }, text: 'hi' },
    })
    expect(asVisitor.status).toBe(403)
  })
})

describe('ending a token', () => {
  test('revoked: refused at once; stays listed as revoked; revoking twice is harmless', async () => {
    await refill()
    const { token, secret } = await makeToken({ name: 'short-lived', scope: 'read' })
    expect((await s.http('/api/inbox', { token: secret })).status).toBe(200)
    const revoked = await s.http(`/api/tokens/${token.id}`, { token: admin, method: 'DELETE' })
    expect(revoked.status).toBe(204)
    const after = await s.http('/api/inbox', { token: secret })
    expect(after.status).toBe(401)
    expect(after.body.error.code).toBe('unauthenticated')
    expect(
      (await s.http(`/api/tokens/${token.id}`, { token: admin, method: 'DELETE' })).status,
    ).toBe(204)
    const listed = (await ok(s.http('/api/tokens', { token: admin }))).tokens.find(
      (t: { id: string }) => t.id === token.id,
    )
    expect(listed.revokedAt).toBe(clock.now())
    expect((await s.http('/api/tokens/nope', { token: admin, method: 'DELETE' })).status).toBe(404)
    const audit = await ok(s.http('/api/admin/audit?limit=50', { token: admin }))
    expect(
      audit.entries.filter(
        (e: { action: string; targetId: string }) =>
          e.action === 'api_token.revoked' && e.targetId === token.id,
      ).length,
    ).toBe(1)
  })

  test('expired: refused with token_expired', async () => {
    await refill()
    const { secret } = await makeToken({ name: 'day', scope: 'read', expiresInDays: 1 })
    expect((await s.http('/api/inbox', { token: secret })).status).toBe(200)
    await clock.advance(86_400_000)
    const res = await s.http('/api/inbox', { token: secret })
    expect(res.status).toBe(401)
    expect(res.body.error.code).toBe('token_expired')
  })

  test('its operator deactivated: refused at once; a forged or unknown token likewise', async () => {
    await refill()
    const bot = await s.operator({ role: 'operator', inboxIds: [inboxId] })
    const { secret } = await makeToken({ name: 'bot', scope: 'write', operatorId: bot.id })
    expect((await s.http('/api/inbox', { token: secret })).status).toBe(200)
    await ok(
      s.http(`/api/admin/operators/${bot.id}`, {
        token: admin,
        method: 'PATCH',
        body: { active: false },
      }),
    )
    expect((await s.http('/api/inbox', { token: secret })).status).toBe(401)
    for (const forged of ['pat_', 'pat_abc', `pat_${'A'.repeat(43)}`, `pat_${'x'.repeat(200)}`]) {
      const res = await s.http('/api/inbox', { token: forged })
      expect([forged.length, res.status]).toEqual([forged.length, 401])
    }
  })
})

describe('budget and last use', () => {
  test('a burst past the budget gets 429 with Retry-After, then goes on as it refills', async () => {
    await refill()
    const { token, secret } = await makeToken({ name: 'busy', scope: 'read' })
    const statuses: number[] = []
    for (let i = 0; i < 11; i++)
      statuses.push((await s.http('/api/inboxes', { token: secret })).status)
    expect(statuses.slice(0, 10).every((x) => x === 200)).toBe(true)
    const refused = await s.http('/api/inboxes', { token: secret })
    expect(refused.status).toBe(429)
    expect(refused.body.error).toMatchObject({ code: 'rate_limited', retryable: true })
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1)
    // Another token's budget is its own.
    const { secret: other } = await makeToken({ name: 'calm', scope: 'read' })
    expect((await s.http('/api/inboxes', { token: other })).status).toBe(200)
    await clock.advance(refused.body.error.retryAfterMs)
    expect((await s.http('/api/inboxes', { token: secret })).status).toBe(200)
    const listed = (await ok(s.http('/api/tokens', { token: admin }))).tokens.find(
      (t: { id: string }) => t.id === token.id,
    )
    expect(listed.lastUsedAt).toBeNumber()
    expect(listed.lastUsedAt).toBeLessThanOrEqual(clock.now())
  })
})
