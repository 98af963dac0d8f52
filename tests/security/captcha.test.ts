/**
 * A challenge instead of a flood (issue 18, S4; server/captcha.ts), through the real server
 * behind a trusted proxy (X-Real-IP names the client, as nginx does). Each threshold of an
 * inbox's `captcha` settings is crossed for real: new sessions from one address and from its
 * subnet, new conversations (and `always`), a visitor's burst of messages, a message full of
 * links. Each time the refusal is `428 captcha_required`, a real challenge is fetched and
 * solved (SHA-256, as a browser does), and the retry goes through. Difficulty doubles with the
 * risk; a solution is taken once, only by whom it was given to, and not after it expires;
 * malformed or forged ones are typed errors. Loopback clients are not counted.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { FakeClock } from '../../actors/index.ts'
import { encodeSolution, solveChallenge, type Challenge } from '../../protocol/captcha.ts'
import { metric, startTestServer, type TestServer } from '../helpers/server.ts'

let s: TestServer
let admin: string
let inboxId: string
const clock = new FakeClock(Date.parse('2026-06-01T10:00:00Z'))

/** A request as the proxy forwards it for `address`. */
async function call(
  address: string | null,
  path: string,
  body: unknown,
  token?: string,
): Promise<{ status: number; body: any }> {
  const res = await fetch(`${s.url}${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(address ? { 'x-real-ip': address } : {}),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify(body),
  })
  return { status: res.status, body: await res.json() }
}

async function settings(captcha: object) {
  const res = await s.http(`/api/admin/inboxes/${inboxId}`, {
    method: 'PATCH',
    token: admin,
    body: { settings: { captcha } },
  })
  expect(res.status).toBe(200)
  return res.body
}

/** A challenge for `address` (and the visitor of `token`), solved. */
async function solved(
  address: string,
  purpose: 'session' | 'conversation' | 'message',
  token?: string,
): Promise<{ challenge: Challenge; solution: string }> {
  const res = await call(address, '/api/visitor/challenge', { inboxId, purpose }, token)
  expect(res.status).toBe(200)
  const challenge = res.body as Challenge
  const found = await solveChallenge(challenge)
  if (!found) throw new Error('no number solves the challenge')
  return { challenge, solution: encodeSolution(found) }
}

const required = (r: { status: number; body: any }) => {
  expect([r.status, r.body.error?.code, r.body.error?.retryable]).toEqual([
    428,
    'captcha_required',
    true,
  ])
}

beforeAll(async () => {
  s = await startTestServer({ clock, env: { TRUST_PROXY: '127.0.0.1' } })
  admin = await s.adminToken()
  inboxId = await s.defaultInboxId()
})
afterAll(() => s.stop())

describe('captcha', () => {
  test('captcha - bad settings are typed errors; fields merge one by one', async () => {
    for (const bad of [
      { mode: 'sometimes' },
      { sessionsPer10Min: 0 },
      { messagesPerMinute: 601 },
      { conversationsPer10Min: 1.5 },
      { other: 1 },
    ]) {
      const res = await s.http(`/api/admin/inboxes/${inboxId}`, {
        method: 'PATCH',
        token: admin,
        body: { settings: { captcha: bad } },
      })
      expect({ bad, status: res.status }).toEqual({ bad, status: 422 })
    }
    const inbox = await settings({ sessionsPer10Min: 3 })
    expect(inbox.settings.captcha).toEqual({
      mode: 'auto',
      sessionsPer10Min: 3,
      conversationsPer10Min: 20,
      messagesPerMinute: 20,
    })
  })

  test('captcha - new sessions from one address: a challenge past the threshold, harder past twice it; a solution is taken once, by its own address only', async () => {
    await settings({ mode: 'auto', sessionsPer10Min: 3 })
    const address = '203.0.113.7'
    for (let i = 0; i < 3; i++)
      expect((await call(address, '/api/visitor/session', { inboxId })).status).toBe(200)
    required(await call(address, '/api/visitor/session', { inboxId }))
    const { challenge, solution } = await solved(address, 'session')
    expect(challenge.maxnumber).toBe(50_000)
    expect(challenge.salt).toContain('l=1')
    // Someone else cannot use it; its owner can, once.
    const stolen = await call('198.51.100.1', '/api/visitor/session', {
      inboxId,
      captcha: solution,
    })
    expect([stolen.status, stolen.body.error.code]).toEqual([422, 'captcha_invalid'])
    const through = await call(address, '/api/visitor/session', { inboxId, captcha: solution })
    expect(through.status).toBe(200)
    expect(through.body.token).toBeString()
    const replay = await call(address, '/api/visitor/session', { inboxId, captcha: solution })
    expect([replay.status, replay.body.error.code]).toEqual([422, 'captcha_invalid'])
    expect(replay.body.error.message).toContain('solved already')
    // The pass holds at its level; past twice the threshold the next level is asked for.
    expect((await call(address, '/api/visitor/session', { inboxId })).status).toBe(200)
    required(await call(address, '/api/visitor/session', { inboxId }))
    const harder = await solved(address, 'session')
    expect(harder.challenge.maxnumber).toBe(100_000)
    expect(
      (await call(address, '/api/visitor/session', { inboxId, captcha: harder.solution })).status,
    ).toBe(200)
    // Renewing a token is no new visitor: never asked.
    expect(
      (await call(address, '/api/visitor/session', { inboxId, token: through.body.token })).status,
    ).toBe(200)
  })

  test('captcha - a subnet counts four times the threshold across its addresses; loopback is not counted', async () => {
    await settings({ mode: 'auto', sessionsPer10Min: 2 })
    for (let i = 1; i <= 8; i++) {
      const r = await call(`192.0.2.${i}`, '/api/visitor/session', { inboxId })
      expect({ i, status: r.status }).toEqual({ i, status: 200 })
    }
    required(await call('192.0.2.200', '/api/visitor/session', { inboxId }))
    for (let i = 0; i < 6; i++)
      expect((await call(null, '/api/visitor/session', { inboxId })).status).toBe(200)
  })

  test('captcha - conversations: always asks before a new one; a pass lets the visitor go on; the challenge is bound to the visitor', async () => {
    await settings({ mode: 'always', sessionsPer10Min: 100 })
    const address = '203.0.113.50'
    const visitor = (await call(address, '/api/visitor/session', { inboxId })).body
    const other = (await call(address, '/api/visitor/session', { inboxId })).body
    const start = () =>
      call(
        address,
        '/api/visitor/conversations',
        { text: 'hello', clientMsgId: 'c1' },
        visitor.token,
      )
    required(await start())
    const mine = await solved(address, 'conversation', visitor.token)
    // Not the other visitor's, even from the same address.
    const wrong = await call(
      address,
      '/api/visitor/captcha',
      { solution: mine.solution },
      other.token,
    )
    expect([wrong.status, wrong.body.error.code]).toEqual([422, 'captcha_invalid'])
    const pass = await call(
      address,
      '/api/visitor/captcha',
      { solution: mine.solution },
      visitor.token,
    )
    expect(pass.body).toEqual({ ok: true, level: 1 })
    expect((await start()).status).toBe(201)
    // The same start again is a retry, not a new conversation.
    expect((await start()).status).toBe(200)
  })

  test('captcha - a burst of messages and a message full of links are asked to prove themselves', async () => {
    await settings({ mode: 'auto', conversationsPer10Min: 100, messagesPerMinute: 3 })
    const address = '203.0.113.60'
    const visitor = (await call(address, '/api/visitor/session', { inboxId })).body
    const started = await call(
      address,
      '/api/visitor/conversations',
      { text: 'first', clientMsgId: 'm0' },
      visitor.token,
    )
    expect(started.status).toBe(201)
    const id = started.body.conversation.id
    const send = (n: number, text = `message ${n}`) =>
      call(
        address,
        `/api/conversations/${id}/messages`,
        { text, clientMsgId: `m${n}` },
        visitor.token,
      )
    for (let n = 1; n <= 3; n++) expect((await send(n)).status).toBe(201)
    required(await send(4))
    const { solution } = await solved(address, 'message', visitor.token)
    expect((await call(address, '/api/visitor/captcha', { solution }, visitor.token)).status).toBe(
      200,
    )
    expect((await send(4)).status).toBe(201)

    const spammer = (await call('203.0.113.61', '/api/visitor/session', { inboxId })).body
    const links = 'cheap https://a.example http://b.example www.c.example'
    required(
      await call(
        '203.0.113.61',
        '/api/visitor/conversations',
        { text: links, clientMsgId: 's1' },
        spammer.token,
      ),
    )
  })

  test('captcha - malformed, forged and expired solutions are typed errors and change nothing', async () => {
    await settings({ mode: 'always' })
    const address = '203.0.113.70'
    const visitor = (await call(address, '/api/visitor/session', { inboxId })).body
    const redeem = (solution: string) =>
      call(address, '/api/visitor/captcha', { solution }, visitor.token)
    for (const bad of ['%%%', btoa('not json'), btoa(JSON.stringify({ algorithm: 'MD5' }))]) {
      const r = await redeem(bad)
      expect({ bad, status: r.status, code: r.body.error.code }).toEqual({
        bad,
        status: 422,
        code: 'captcha_invalid',
      })
    }
    expect((await redeem('x'.repeat(2000))).status).toBe(422)
    const { challenge } = await solved(address, 'conversation', visitor.token)
    const found = (await solveChallenge(challenge))!
    const forged = await redeem(encodeSolution({ ...found, signature: 'a'.repeat(64) }))
    expect(forged.body.error.message).toContain('not one of ours')
    const wrongNumber = await redeem(encodeSolution({ ...found, number: found.number + 1 }))
    expect(wrongNumber.body.error.message).toContain('does not solve')
    await clock.advance(11 * 60_000)
    const late = await redeem(encodeSolution(found))
    expect([late.status, late.body.error.message]).toEqual([
      422,
      expect.stringContaining('expired') as unknown as string,
    ])
    required(
      await call(
        address,
        '/api/visitor/conversations',
        { text: 'hi', clientMsgId: 'x1' },
        visitor.token,
      ),
    )
    expect(
      await metric(s, 'parley_captcha_total{purpose="conversation",outcome="required"}'),
    ).toBeGreaterThan(0)
    expect(await metric(s, 'parley_captcha_total{purpose="session",outcome="solved"}')).toBe(2)
  })
})
