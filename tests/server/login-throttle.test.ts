/**
 * Login throttling (issue 22, item 3): an account backs off after consecutive failures from
 * whatever address they come (and a success resets it), an address and its subnet are limited
 * across accounts, password checks beyond a small queue are refused at once, unknown e-mails
 * behave exactly like known ones, and every failure is logged without the password. Time moves
 * on a FakeClock; addresses come from X-Real-IP behind a trusted proxy.
 */
import { describe, expect, test } from 'bun:test'
import { createLogger, FakeClock } from '../../actors/index.ts'
import { useServers } from '../helpers/lifecycle.ts'
import type { TestServer } from '../helpers/server.ts'

const { server } = useServers()

const PROXY = { TRUST_PROXY: '127.0.0.1' }

interface Outcome {
  status: number
  code: string
  retryAfterMs?: number
}

/** One login claiming to come from `ip`: its status, error code ('ok') and retryAfterMs. */
async function login(s: TestServer, email: string, password: string, ip: string) {
  const res = await fetch(`${s.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-real-ip': ip },
    body: JSON.stringify({ email, password }),
  })
  const body = (await res.json()) as { error?: { code: string; retryAfterMs?: number } }
  const outcome: Outcome = { status: res.status, code: body.error?.code ?? 'ok' }
  if (body.error?.retryAfterMs !== undefined) outcome.retryAfterMs = body.error.retryAfterMs
  return outcome
}

/** An operator with a known password, created through the admin API. */
async function operator(s: TestServer, email: string, password = 'right-password-1') {
  const res = await s.http('/api/admin/operators', {
    token: await s.adminToken(),
    body: { email, name: 'Ada', password, inboxIds: [] },
  })
  expect(res.status).toBe(201)
  return { email, password }
}

const refused = (retryAfterMs: number) => ({
  status: 429,
  code: 'rate_limited',
  retryAfterMs,
})
const wrong = { status: 401, code: 'unauthenticated' }

describe('per account', () => {
  test('login throttle - an account backs off after 5 failures from any address; the right password works once the wait is over', async () => {
    const clock = new FakeClock(Date.now())
    const s = await server({ clock, env: PROXY })
    const ada = await operator(s, 'ada@example.com')
    // Five guesses, each from another network: none is limited by its address.
    for (let i = 1; i <= 5; i++)
      expect(await login(s, ada.email, `guess-${i}`, `198.51.${i}.7`)).toEqual(wrong)
    // A sixth from yet another network waits, even with the right password: it is not checked.
    expect(await login(s, ada.email, ada.password, '203.0.113.9')).toEqual(refused(1000))
    expect(await login(s, ' ADA@example.com ', 'guess', '203.0.113.9')).toEqual(refused(1000))
    await clock.advance(1000)
    expect(await login(s, ada.email, 'guess-6', '203.0.113.9')).toEqual(wrong)
    // Every further failure doubles the wait.
    expect(await login(s, ada.email, ada.password, '203.0.113.9')).toEqual(refused(2000))
    await clock.advance(1500)
    expect(await login(s, ada.email, ada.password, '203.0.113.9')).toEqual(refused(500))
    await clock.advance(500)
    expect((await login(s, ada.email, ada.password, '203.0.113.9')).status).toBe(200)
    // A success starts the count again: five free failures.
    for (let i = 1; i <= 5; i++)
      expect(await login(s, ada.email, `again-${i}`, '203.0.113.9')).toEqual(wrong)
    expect(await login(s, ada.email, ada.password, '203.0.113.9')).toEqual(refused(1000))
  })

  test('login throttle - the wait doubles up to LOGIN_BACKOFF_MAX_SEC and never locks for good', async () => {
    const clock = new FakeClock(Date.now())
    const s = await server({ clock, env: { ...PROXY, LOGIN_BACKOFF_MAX_SEC: '5' } })
    const ada = await operator(s, 'ada@example.com')
    const waits: number[] = []
    for (let i = 0; i < 16; i++) {
      const outcome = await login(s, ada.email, 'guess', `192.0.2.${i}`)
      if (outcome.status === 429) {
        waits.push(outcome.retryAfterMs ?? -1)
        await clock.advance(outcome.retryAfterMs ?? 0)
      }
    }
    expect(waits).toEqual([1000, 2000, 4000, 5000, 5000, 5000])
    await clock.advance(5000)
    expect((await login(s, ada.email, ada.password, '192.0.2.200')).status).toBe(200)
  })

  test('login throttle - an unknown e-mail is limited exactly like a known one', async () => {
    const clock = new FakeClock(Date.now())
    const s = await server({ clock, env: PROXY })
    const ada = await operator(s, 'ada@example.com')
    const run = async (email: string, net: number) => {
      const outcomes: Outcome[] = []
      for (let i = 0; i < 8; i++) {
        outcomes.push(await login(s, email, 'not-the-password', `10.${net}.${i}.1`))
        if (i === 6) await clock.advance(1000)
      }
      return outcomes
    }
    const known = await run(ada.email, 1)
    const unknown = await run('nobody@example.com', 2)
    expect(unknown).toEqual(known)
    expect(known.map((o) => o.status)).toEqual([401, 401, 401, 401, 401, 429, 429, 401])
  })
})

describe('per address and subnet', () => {
  test('login throttle - one address is limited across accounts, and its /24 across addresses', async () => {
    const clock = new FakeClock(Date.now())
    const s = await server({
      clock,
      env: { ...PROXY, LOGIN_LIMIT_ADDRESS: '3', LOGIN_LIMIT_SUBNET: '5' },
    })
    // Every attempt counts, each on another account (no account backs off).
    let n = 0
    const attempt = (ip: string) => login(s, `user${++n}@example.com`, 'guess', ip)
    for (let i = 0; i < 3; i++) expect(await attempt('198.51.100.1')).toEqual(wrong)
    const byAddress = await attempt('198.51.100.1')
    expect(byAddress).toMatchObject({ status: 429, code: 'rate_limited' })
    expect(byAddress.retryAfterMs).toBeGreaterThan(0)
    expect(byAddress.retryAfterMs).toBeLessThanOrEqual(20_000)
    // The same /24: two more, then the whole subnet waits.
    expect(await attempt('198.51.100.2')).toEqual(wrong)
    expect(await attempt('198.51.100.3')).toEqual(wrong)
    expect((await attempt('198.51.100.4')).code).toBe('rate_limited')
    // Another /24 is not affected.
    expect(await attempt('198.51.101.1')).toEqual(wrong)
    // IPv6: one /64 is one subnet, whichever interface id.
    for (const ip of ['2001:db8:1:2::1', '2001:db8:1:2::2', '2001:db8:1:2:aa::3'])
      expect(await attempt(ip)).toEqual(wrong)
    expect(await attempt('2001:db8:1:2:ffff:1:2:3')).toEqual(wrong)
    expect(await attempt('2001:db8:1:2:0:0:0:9')).toEqual(wrong)
    expect((await attempt('2001:0db8:0001:0002::77')).code).toBe('rate_limited')
    expect(await attempt('2001:db8:1:3::1')).toEqual(wrong)
    // The budget refills at its rate (3 a minute for one address).
    await clock.advance(60_000)
    for (let i = 0; i < 3; i++) expect(await attempt('198.51.100.1')).toEqual(wrong)
    expect((await attempt('198.51.100.1')).code).toBe('rate_limited')
  })
})

describe('password checks', () => {
  test('login throttle - password checks beyond the concurrency and the queue get a retryable overloaded at once', async () => {
    const s = await server({
      env: {
        ...PROXY,
        PASSWORD_HASH_CONCURRENCY: '1',
        PASSWORD_HASH_QUEUE: '1',
        LOGIN_LIMIT_ADDRESS: '1000',
        LOGIN_LIMIT_SUBNET: '1000',
      },
    })
    const outcomes = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        login(s, `flood${i}@example.com`, 'guess', `203.0.113.${i + 1}`),
      ),
    )
    const overloaded = outcomes.filter((o) => o.code === 'overloaded')
    const checked = outcomes.filter((o) => o.code === 'unauthenticated')
    // One check runs and one waits; the others are refused before any hash (a few more may
    // be checked if they arrive after the first check ended).
    expect(checked.length).toBeGreaterThanOrEqual(2)
    expect(overloaded.length).toBeGreaterThanOrEqual(6)
    expect(checked.length + overloaded.length).toBe(12)
    for (const o of overloaded) {
      expect(o.status).toBe(503)
      expect(o.retryAfterMs).toBeGreaterThan(0)
    }
    // Once the flood is over, logins are checked again.
    expect(await login(s, 'flood0@example.com', 'guess', '203.0.113.99')).toEqual(wrong)
  })
})

describe('logging', () => {
  test('login throttle - failed and refused logins are logged at warn with address, e-mail and reason, never the password', async () => {
    const clock = new FakeClock(Date.now())
    const lines: Array<Record<string, unknown>> = []
    const log = createLogger({
      level: 'debug',
      write: (line) => lines.push(JSON.parse(line) as Record<string, unknown>),
    })
    const s = await server({ clock, log, env: PROXY })
    const ada = await operator(s, 'ada@example.com')
    const secret = 'hunter2-but-longer'
    for (let i = 0; i < 5; i++) await login(s, ada.email, secret, '198.51.100.23')
    await login(s, 'ghost@example.com', secret, '198.51.100.24')
    await login(s, ada.email, secret, '198.51.100.23')
    await login(s, ada.email, secret, '198.51.100.23')
    const warned = lines.filter((l) => l.level === 'warn' && String(l.msg).startsWith('login'))
    expect(warned.map((l) => [l.msg, l.address, l.email, l.reason])).toEqual([
      ...Array.from({ length: 5 }, () => [
        'login failed',
        '198.51.100.23',
        'ada@example.com',
        'wrong password',
      ]),
      ['login failed', '198.51.100.24', 'ghost@example.com', 'unknown email'],
      // A refusal is logged when the wait starts, not for every refused try.
      ['login refused', '198.51.100.23', 'ada@example.com', 'too many failures for this account'],
    ])
    expect(JSON.stringify(lines)).not.toContain(secret)
  })
})
