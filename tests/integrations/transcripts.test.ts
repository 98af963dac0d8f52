/**
 * Conversation transcripts by e-mail (issue 17, I4), against a real SMTP server on loopback: a
 * visitor gets their conversation as they saw it (no notes; deleted messages marked; files
 * named), oldest first; an operator sends it to the visitor's own address only; strangers get
 * nothing; requests are limited; without SMTP it is refused.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { FakeClock } from '../../actors/index.ts'
import { httpSend, httpStart, okBody } from '../helpers/http.ts'
import { startTestServer, type TestServer } from '../helpers/server.ts'
import { smtpEnv, startSmtp, type SmtpSink } from '../helpers/smtp.ts'

let s: TestServer
let clock: FakeClock
let smtp: SmtpSink
let op: { token: string; id: string }
const ok = okBody

beforeAll(async () => {
  clock = new FakeClock(Date.UTC(2026, 11, 5, 14, 3))
  smtp = await startSmtp()
  s = await startTestServer({
    clock,
    env: {
      ...smtpEnv(smtp, 'Shop <support@shop.example>'),
      OPERATOR_SESSION_TTL: String(7 * 86400),
    },
  })
  op = await s.operator()
})

afterAll(async () => {
  await s?.stop()
  await smtp?.stop()
})

describe('transcripts', () => {
  test('a visitor gets the conversation as they saw it', async () => {
    const { id, token } = await httpStart(s, undefined, 'Hello, I need <help>')
    await httpSend(s, op.token, id, 'o1', 'Sure, what is it?')
    await ok(
      s.http(`/api/conversations/${id}/notes`, {
        token: op.token,
        body: { clientMsgId: 'n1', text: 'secret note' },
      }),
    )
    const oops = await httpSend(s, op.token, id, 'o2', 'wrong window')
    await ok(
      s.http(`/api/conversations/${id}/messages/${oops.messageId}`, {
        token: op.token,
        method: 'DELETE',
      }),
      200,
      204,
    )
    const res = await s.http(`/api/conversations/${id}/transcript`, {
      token,
      body: { email: 'me@visitor.example' },
    })
    expect(res.status).toBe(202)
    expect(res.body).toEqual({ to: 'me@visitor.example' })
    const [mail] = await smtp.waitFor((r) => r.length === 1)
    expect(mail?.to).toEqual(['me@visitor.example'])
    const text = mail?.mail.text ?? ''
    expect(text).toContain('[2026-12-05 14:03 UTC]')
    expect(text.indexOf('Hello, I need <help>')).toBeLessThan(text.indexOf('Sure, what is it?'))
    expect(text).toContain('(deleted)')
    expect(text).not.toContain('wrong window')
    expect(text).not.toContain('secret note')
    expect(String(mail?.mail.html)).toContain('Hello, I need &lt;help&gt;')
    smtp.received.length = 0
  })

  test("an operator sends it to the visitor's own address only; strangers get nothing", async () => {
    const visitor = await s.visitorToken()
    const { id } = await httpStart(s, visitor.token, 'no address yet')
    const none = await s.http(`/api/conversations/${id}/transcript`, {
      token: op.token,
      body: {},
    })
    expect(none.status).toBe(422)
    const typed = await s.http(`/api/conversations/${id}/transcript`, {
      token: op.token,
      body: { email: 'anyone@else.example' },
    })
    expect(typed.status).toBe(422)
    await ok(
      s.http('/api/visitor/profile', {
        token: visitor.token,
        method: 'PATCH',
        body: { email: 'Kim@Visitor.example' },
      }),
    )
    const sent = await s.http(`/api/conversations/${id}/transcript`, { token: op.token, body: {} })
    expect(sent.status).toBe(202)
    await smtp.waitFor((r) => r.length === 1)
    expect(smtp.received[0]?.to).toEqual(['kim@visitor.example'])
    // Another visitor's conversation is not found.
    const stranger = await s.visitorToken()
    const other = await s.http(`/api/conversations/${id}/transcript`, {
      token: stranger.token,
      body: { email: 'x@y.example' },
    })
    expect(other.status).toBe(404)
    smtp.received.length = 0
  })

  test('limited per visitor; bad addresses refused; nothing without SMTP', async () => {
    const { id, token } = await httpStart(s, undefined, 'limits')
    const bad = await s.http(`/api/conversations/${id}/transcript`, {
      token,
      body: { email: 'not an address' },
    })
    expect(bad.status).toBe(422)
    const statuses: number[] = []
    for (let i = 0; i < 4; i++) {
      statuses.push(
        (
          await s.http(`/api/conversations/${id}/transcript`, {
            token,
            body: { email: 'me@visitor.example' },
          })
        ).status,
      )
    }
    expect(statuses).toEqual([202, 202, 202, 429])
    const plain = await startTestServer()
    try {
      const started = await httpStart(plain, undefined, 'hi')
      const res = await plain.http(`/api/conversations/${started.id}/transcript`, {
        token: started.token,
        body: { email: 'me@visitor.example' },
      })
      expect(res.status).toBe(503)
      expect(res.body.error.code).toBe('not_configured')
    } finally {
      await plain.stop()
    }
  })
})
