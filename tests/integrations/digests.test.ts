/**
 * E-mail digests for offline operators (issue 17, I4), against a real SMTP server on loopback:
 * an operator who turned them on and is not connected gets what waits for them (theirs and
 * nobody's, open and unanswered) at most every 15 minutes, only when something new came; never
 * while connected; never when turned off; not at all without SMTP.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { FakeClock } from '../../actors/index.ts'
import { DIGEST_EVERY_MS } from '../../server/mail/digests.ts'
import { httpSend, httpStart, okBody } from '../helpers/http.ts'
import { startTestServer, type TestServer } from '../helpers/server.ts'
import { smtpEnv, startSmtp, type SmtpSink } from '../helpers/smtp.ts'
import { TestClient } from '../helpers/ws.ts'

let s: TestServer
let clock: FakeClock
let smtp: SmtpSink
let admin: string
let inboxId: string
let agent: { token: string; id: string; email: string }
const ok = okBody

beforeAll(async () => {
  clock = new FakeClock(Date.now())
  smtp = await startSmtp()
  s = await startTestServer({
    clock,
    env: {
      ...smtpEnv(smtp, 'Parley <no-reply@shop.example>'),
      PUBLIC_URL: 'https://support.example.com',
      OPERATOR_SESSION_TTL: String(7 * 86400),
    },
  })
  admin = await s.adminToken()
  inboxId = await s.defaultInboxId()
  const email = 'agent@shop.example'
  const created = await ok(
    s.http('/api/admin/operators', {
      token: admin,
      body: {
        email,
        name: 'Anna',
        password: 'operator-password-1',
        role: 'operator',
        canChat: true,
        inboxIds: [inboxId],
      },
    }),
  )
  const login = await ok(
    s.http('/api/auth/login', { body: { email, password: 'operator-password-1' } }),
  )
  agent = { token: login.token, id: created.id, email }
})

afterAll(async () => {
  await s?.stop()
  await smtp?.stop()
})

describe('digests', () => {
  test('off by default; turned on by the operator', async () => {
    expect(await ok(s.http('/api/me/notifications', { token: agent.token }))).toEqual({
      emailDigest: false,
      available: true,
    })
    await httpStart(s, undefined, 'nobody will be told of me')
    expect((await s.runDigests()).sent).toBe(0)
    const on = await ok(
      s.http('/api/me/notifications', {
        token: agent.token,
        method: 'PUT',
        body: { emailDigest: true },
      }),
    )
    expect(on.emailDigest).toBe(true)
    const bad = await s.http('/api/me/notifications', {
      token: agent.token,
      method: 'PUT',
      body: { emailDigest: 'yes' },
    })
    expect(bad.status).toBe(422)
  })

  test('an offline operator gets what waits, once per 15 minutes, only when something is new', async () => {
    smtp.received.length = 0
    const { id } = await httpStart(s, undefined, 'My parcel <b>is</b> lost')
    expect((await s.runDigests()).sent).toBe(1)
    const [mail] = await smtp.waitFor((r) => r.length === 1)
    expect(mail?.to).toEqual([agent.email])
    expect(mail?.mail.subject).toBe('Parley: 2 conversations are waiting')
    const text = mail?.mail.text ?? ''
    expect(text).toContain('Not assigned to anyone')
    expect(text).toContain('My parcel <b>is</b> lost')
    expect(text).toContain(`https://support.example.com/panel/#c/${id}`)
    expect(String(mail?.mail.html)).toContain('My parcel &lt;b&gt;is&lt;/b&gt; lost')
    // Not again within 15 minutes, even with news.
    await clock.advance(1000)
    await httpStart(s, undefined, 'another one')
    expect((await s.runDigests()).sent).toBe(0)
    await clock.advance(DIGEST_EVERY_MS)
    expect((await s.runDigests()).sent).toBe(1)
    // Nothing new since: nothing sent, however long.
    await clock.advance(DIGEST_EVERY_MS * 2)
    expect((await s.runDigests()).sent).toBe(0)
  })

  test('theirs are listed apart; answered ones drop out', async () => {
    smtp.received.length = 0
    await clock.advance(1000)
    const { id, token } = await httpStart(s, undefined, 'assign me')
    await ok(
      s.http(`/api/conversations/${id}/assign`, { token: admin, body: { operatorId: agent.id } }),
    )
    await httpSend(s, token, id, 'm2', 'still there?')
    await clock.advance(DIGEST_EVERY_MS)
    expect((await s.runDigests()).sent).toBe(1)
    const [mail] = await smtp.waitFor((r) => r.length === 1)
    const text = mail?.mail.text ?? ''
    const mine = text.indexOf('Assigned to you')
    const nobody = text.indexOf('Not assigned to anyone')
    expect(mine).toBeGreaterThan(-1)
    expect(text.indexOf('still there?')).toBeGreaterThan(mine)
    expect(text.indexOf('still there?')).toBeLessThan(nobody)
  })

  test('never while connected; never when turned off', async () => {
    smtp.received.length = 0
    const desk = await TestClient.connect(s.wsUrl, { token: agent.token })
    try {
      await clock.advance(1000)
      await httpStart(s, undefined, 'while Anna is here')
      await clock.advance(DIGEST_EVERY_MS)
      expect((await s.runDigests()).sent).toBe(0)
    } finally {
      desk.close()
    }
    await ok(
      s.http('/api/me/notifications', {
        token: agent.token,
        method: 'PUT',
        body: { emailDigest: false },
      }),
    )
    // Her presence ends after the grace period; off, nothing goes anyway.
    await clock.advance(DIGEST_EVERY_MS)
    await httpStart(s, undefined, 'after she left')
    expect((await s.runDigests()).sent).toBe(0)
    expect(smtp.received).toEqual([])
  })

  test('without SMTP it cannot be turned on', async () => {
    const plain = await startTestServer()
    try {
      const op = await plain.operator()
      expect((await ok(plain.http('/api/me/notifications', { token: op.token }))).available).toBe(
        false,
      )
      const res = await plain.http('/api/me/notifications', {
        token: op.token,
        method: 'PUT',
        body: { emailDigest: true },
      })
      expect(res.status).toBe(503)
      expect(res.body.error.code).toBe('not_configured')
    } finally {
      await plain.stop()
    }
  })
})
