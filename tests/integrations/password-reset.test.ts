/**
 * Operators' password reset by e-mail (issue 17, I4), against a real SMTP server on loopback:
 * the answer never tells whether an address has an account; the link (built from PUBLIC_URL)
 * works once, for 30 minutes, only the newest one; using it sets the password and ends every
 * session; requests are limited per address; without SMTP or PUBLIC_URL the feature is off.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { FakeClock } from '../../actors/index.ts'
import { okBody } from '../helpers/http.ts'
import { startTestServer, type TestServer } from '../helpers/server.ts'
import { smtpEnv, startSmtp, type SmtpSink } from '../helpers/smtp.ts'

const PUBLIC_URL = 'https://support.example.com'
let s: TestServer
let clock: FakeClock
let smtp: SmtpSink
let admin: string
const ok = okBody

async function newOperator(email: string, password = 'operator-password-1') {
  const created = await ok(
    s.http('/api/admin/operators', {
      token: admin,
      body: { email, name: 'Olga', password, role: 'operator', canChat: true, inboxIds: [] },
    }),
  )
  return created.id as string
}

async function login(email: string, password: string) {
  return s.http('/api/auth/login', { body: { email, password } })
}

/** Requests a reset and returns the token from the e-mail that arrives. */
async function resetLink(email: string): Promise<string> {
  const before = smtp.received.length
  const res = await s.http('/api/auth/password-reset', { body: { email } })
  expect(res.status).toBe(202)
  const received = await smtp.waitFor((r) => r.length > before)
  const mail = received.at(-1)
  expect(mail?.to).toEqual([email])
  const link = /https:\/\/support\.example\.com\/panel\/#reset=(prt_[A-Za-z0-9_-]+)/.exec(
    mail?.mail.text ?? '',
  )
  expect(link).not.toBeNull()
  expect(String(mail?.mail.html)).toContain(`${PUBLIC_URL}/panel/#reset=${link?.[1]}`)
  return link?.[1] ?? ''
}

beforeAll(async () => {
  clock = new FakeClock(Date.now())
  smtp = await startSmtp()
  s = await startTestServer({
    clock,
    env: {
      ...smtpEnv(smtp, 'Parley <no-reply@shop.example>'),
      PUBLIC_URL,
      OPERATOR_SESSION_TTL: String(7 * 86400),
    },
  })
  admin = await s.adminToken()
})

afterAll(async () => {
  await s?.stop()
  await smtp?.stop()
})

describe('password reset', () => {
  test('off without SMTP or PUBLIC_URL', async () => {
    expect((await ok(s.http('/api/auth/password-reset'))).available).toBe(true)
    const plain = await startTestServer()
    try {
      expect((await ok(plain.http('/api/auth/password-reset'))).available).toBe(false)
      const res = await plain.http('/api/auth/password-reset', { body: { email: 'a@b.example' } })
      expect(res.status).toBe(503)
      expect(res.body.error.code).toBe('not_configured')
    } finally {
      await plain.stop()
    }
  })

  test('an unknown address gets the same answer and no e-mail', async () => {
    const res = await s.http('/api/auth/password-reset', {
      body: { email: 'nobody@shop.example' },
    })
    expect(res.status).toBe(202)
    expect(res.body).toEqual({ ok: true })
    // A known address's e-mail arrives after its answer; give an unknown one the same time.
    const known = 'olga.first@shop.example'
    await newOperator(known)
    await resetLink(known)
    expect(smtp.received.filter((r) => r.to.includes('nobody@shop.example'))).toEqual([])
  })

  test('the link sets the password once, ends every session, and is on the audit trail', async () => {
    const email = 'olga@shop.example'
    const id = await newOperator(email)
    const session = (await ok(login(email, 'operator-password-1'))).token as string
    expect((await s.http('/api/inbox', { token: session })).status).toBe(200)
    const token = await resetLink(email)
    // A password the server refuses changes nothing and leaves the link usable.
    const weak = await s.http('/api/auth/password-reset/confirm', {
      body: { token, newPassword: 'short' },
    })
    expect(weak.status).toBe(422)
    const done = await s.http('/api/auth/password-reset/confirm', {
      body: { token, newPassword: 'a-brand-new-password' },
    })
    expect(done.status).toBe(200)
    expect((await login(email, 'operator-password-1')).status).toBe(401)
    expect((await login(email, 'a-brand-new-password')).status).toBe(200)
    expect((await s.http('/api/inbox', { token: session })).status).toBe(401)
    const again = await s.http('/api/auth/password-reset/confirm', {
      body: { token, newPassword: 'yet-another-password' },
    })
    expect(again.status).toBe(401)
    expect(again.body.error.message).toContain('invalid or expired')
    const audit = await ok(s.http('/api/admin/audit?limit=20', { token: admin }))
    expect(
      audit.entries.some(
        (e: { action: string; targetId: string }) =>
          e.action === 'auth.password_reset' && e.targetId === id,
      ),
    ).toBe(true)
  })

  test('only the newest link works, for 30 minutes; forged tokens do nothing', async () => {
    const email = 'ivan@shop.example'
    await newOperator(email)
    const first = await resetLink(email)
    const second = await resetLink(email)
    const stale = await s.http('/api/auth/password-reset/confirm', {
      body: { token: first, newPassword: 'a-brand-new-password' },
    })
    expect(stale.status).toBe(401)
    await clock.advance(31 * 60_000)
    const late = await s.http('/api/auth/password-reset/confirm', {
      body: { token: second, newPassword: 'a-brand-new-password' },
    })
    expect(late.status).toBe(401)
    for (const token of ['prt_', 'prt_forged', 'op_x', 'x'.repeat(128)]) {
      const res = await s.http('/api/auth/password-reset/confirm', {
        body: { token, newPassword: 'a-brand-new-password' },
      })
      expect([token.length, res.status]).toEqual([token.length, 401])
    }
    expect((await login(email, 'operator-password-1')).status).toBe(200)
  })

  test('a deactivated operator gets no link; requests are limited per address', async () => {
    await clock.advance(3_600_000)
    const email = 'gone@shop.example'
    const id = await newOperator(email)
    await ok(
      s.http(`/api/admin/operators/${id}`, {
        token: admin,
        method: 'PATCH',
        body: { active: false },
      }),
    )
    const before = smtp.received.length
    expect((await s.http('/api/auth/password-reset', { body: { email } })).status).toBe(202)
    const statuses: number[] = []
    for (let i = 0; i < 3; i++) {
      statuses.push((await s.http('/api/auth/password-reset', { body: { email } })).status)
    }
    // Three an hour per e-mail address: the fourth is refused.
    expect(statuses).toEqual([202, 202, 429])
    await clock.advance(3_600_000)
    const burst: number[] = []
    for (let i = 0; i < 6; i++) {
      burst.push(
        (await s.http('/api/auth/password-reset', { body: { email: `x${i}@shop.example` } }))
          .status,
      )
    }
    // Five an hour per client address.
    expect(burst).toEqual([202, 202, 202, 202, 202, 429])
    expect(smtp.received.length).toBe(before)
  })
})
