/**
 * E-mail through the real server (issue 17, I4) against a real SMTP server on loopback
 * (`smtp-server`, AUTH required; every message parsed with `mailparser`): operators' answers to
 * an offline request reach the visitor's address as one threaded e-mail per burst, in plain
 * text and HTML, in English or Russian; notes, visitors' messages and ordinary conversations
 * send nothing; a relay's 4xx is retried through the webhook outbox, a 5xx fails at once; an
 * erased visitor gets nothing. Without SMTP an e-mail endpoint is refused, and half an SMTP
 * configuration does not start.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { FakeClock } from '../../actors/index.ts'
import { loadConfig } from '../../server/config.ts'
import { MAIL_DELAY_MS } from '../../server/webhooks/mail-replies.ts'
import { httpSend, httpStart, okBody } from '../helpers/http.ts'
import { startTestServer, tempDir, type TestServer } from '../helpers/server.ts'
import { smtpEnv, SMTP_USER, startSmtp, type SmtpSink } from '../helpers/smtp.ts'

const FROM = 'Support Team <support@shop.example>'
let s: TestServer
let clock: FakeClock
let smtp: SmtpSink
let admin: string
let inboxId: string
let endpointId: string
let op: { token: string; id: string }
const ok = okBody

/** Everything due goes, then what waits for the e-mail delay. */
async function settle() {
  await s.webhooks.drain()
  await clock.advance(MAIL_DELAY_MS)
  await s.webhooks.drain()
}

async function offlineRequest(name: string, email: string, text: string) {
  const visitor = await s.visitorToken()
  const created = await ok(
    s.http('/api/visitor/offline-requests', {
      token: visitor.token,
      body: { name, email, text },
    }),
  )
  return { id: created.conversation.id as string, visitor }
}

async function deliveries() {
  return (await ok(s.http(`/api/webhooks/${endpointId}/deliveries?limit=100`, { token: admin })))
    .deliveries as { status: string; error: string | null; attempts: number }[]
}

beforeAll(async () => {
  clock = new FakeClock(Date.now())
  smtp = await startSmtp()
  s = await startTestServer({
    clock,
    env: {
      ...smtpEnv(smtp, FROM),
      OPERATOR_SESSION_TTL: String(7 * 86400),
    },
  })
  admin = await s.adminToken()
  inboxId = await s.defaultInboxId()
  op = await s.operator()
})

afterAll(async () => {
  await s?.stop()
  await smtp?.stop()
})

describe('configuration', () => {
  test('half an SMTP configuration does not start; without SMTP an e-mail endpoint is refused', async () => {
    const dir = tempDir()
    expect(() => loadConfig({ DATA_DIR: dir, SMTP_HOST: 'mail.example' })).toThrow('SMTP_FROM')
    expect(() => loadConfig({ DATA_DIR: dir, SMTP_USER: 'x' })).toThrow('SMTP_HOST')
    expect(() =>
      loadConfig({ DATA_DIR: dir, SMTP_HOST: 'mail.example', SMTP_FROM: 'not an address' }),
    ).toThrow('SMTP_FROM')
    const plain = await startTestServer()
    try {
      const res = await plain.http('/api/webhooks', {
        token: await plain.adminToken(),
        body: {
          inboxId: await plain.defaultInboxId(),
          url: 'email:visitor',
          events: ['message.created'],
        },
      })
      expect(res.status).toBe(503)
      expect(res.body.error).toMatchObject({ code: 'not_configured', retryable: false })
    } finally {
      await plain.stop()
    }
  })

  test('bad e-mail targets are refused; a good one sends a test to the sender itself', async () => {
    for (const body of [
      { url: 'email:someone@example.com', events: ['message.created'] },
      { url: 'email:visitor?lang=de', events: ['message.created'] },
      { url: 'email:visitor', events: ['conversation.created'] },
      { url: 'email:visitor', events: ['message.created'], botToken: '1:x' },
    ]) {
      const res = await s.http('/api/webhooks', { token: admin, body: { inboxId, ...body } })
      expect([JSON.stringify(body), res.status]).toEqual([JSON.stringify(body), 422])
    }
    const created = await s.http('/api/webhooks', {
      token: admin,
      body: { inboxId, url: 'email:visitor', events: ['message.created'] },
    })
    expect(created.status).toBe(201)
    expect(created.body.secret).toBe('')
    endpointId = created.body.endpoint.id
    await ok(s.http(`/api/webhooks/${endpointId}/ping`, { token: admin, body: {} }))
    await settle()
    const [test] = await smtp.waitFor((r) => r.length === 1)
    expect(test?.to).toEqual(['support@shop.example'])
    expect(test?.user).toBe(SMTP_USER)
    expect(test?.mail.subject).toContain('test e-mail')
    smtp.received.length = 0
  })
})

describe('answering offline requests by e-mail', () => {
  test("the operator's quick answers are one threaded e-mail; notes and the visitor's words are not sent", async () => {
    const { id, visitor } = await offlineRequest('Ada', 'Ada@Example.com', 'Do you ship to Oslo?')
    await httpSend(s, op.token, id, 'a1', 'Hello Ada!')
    await ok(
      s.http(`/api/conversations/${id}/notes`, {
        token: op.token,
        body: { clientMsgId: 'n1', text: 'internal: check the <b>Oslo</b> rates' },
      }),
    )
    await httpSend(s, op.token, id, 'a2', 'Yes, we ship to Oslo <in 3 days>.')
    await httpSend(s, visitor.token, id, 'v1', 'great')
    await settle()
    const [mail] = await smtp.waitFor((r) => r.length >= 1)
    expect(smtp.received).toHaveLength(1)
    expect(mail?.to).toEqual(['ada@example.com'])
    expect(mail?.from).toBe('support@shop.example')
    const inboxes = await ok(s.http('/api/admin/inboxes', { token: admin }))
    expect(mail?.mail.subject).toBe(`Re: your request to ${inboxes.inboxes[0].name}`)
    const text = mail?.mail.text ?? ''
    expect(text).toContain('Hello, Ada!')
    expect(text).toContain('Hello Ada!')
    expect(text).toContain('Yes, we ship to Oslo <in 3 days>.')
    expect(text).not.toContain('internal')
    expect(text).not.toContain('great')
    const html = String(mail?.mail.html ?? '')
    expect(html).toContain('Oslo &lt;in 3 days&gt;')
    expect(html).not.toContain('<in 3 days>')
    expect(mail?.mail.inReplyTo).toBe(`<conversation.${id}@shop.example>`)
    expect(mail?.mail.headers.get('auto-submitted')).toBe('auto-generated')
    expect(mail?.mail.headers.get('x-parley-conversation')).toBe(id)

    // A later answer: a second e-mail in the same thread.
    smtp.received.length = 0
    await httpSend(s, op.token, id, 'a3', 'It left the warehouse today.')
    await settle()
    const [second] = await smtp.waitFor((r) => r.length >= 1)
    expect(second?.mail.text).toContain('It left the warehouse today.')
    expect(second?.mail.text).not.toContain('Hello Ada!')
    expect(second?.mail.references).toEqual(`<conversation.${id}@shop.example>`)
    expect(second?.mail.messageId).not.toBe(mail?.mail.messageId)
    smtp.received.length = 0
  })

  test('an ordinary conversation sends nothing by e-mail', async () => {
    const { id } = await httpStart(s, undefined, 'hi, I am online')
    await httpSend(s, op.token, id, 'o1', 'hello there')
    await settle()
    await clock.advance(MAIL_DELAY_MS)
    await s.webhooks.drain()
    expect(smtp.received).toEqual([])
  })

  test("a relay's 451 is retried until it goes; a 550 fails at once and the admin sees why", async () => {
    const { id } = await offlineRequest('Bob', 'bob@example.com', 'Call me')
    smtp.refuse = { code: 451, message: 'Try again later' }
    await httpSend(s, op.token, id, 'b1', 'We will call you at 5.')
    await settle()
    expect(smtp.received).toEqual([])
    const pending = (await deliveries()).find((d) => d.status === 'pending')
    expect(pending?.error).toContain('451')
    smtp.refuse = null
    await clock.advance(60_000)
    await s.webhooks.drain()
    const [mail] = await smtp.waitFor((r) => r.length === 1)
    expect(mail?.mail.text).toContain('We will call you at 5.')
    smtp.received.length = 0

    const other = await offlineRequest('Eve', 'eve@example.com', 'Hello?')
    smtp.refuse = { code: 550, message: 'No such mailbox' }
    await httpSend(s, op.token, other.id, 'e1', 'Hello Eve')
    await settle()
    smtp.refuse = null
    const failed = (await deliveries()).find((d) => d.status === 'failed')
    expect(failed?.error).toContain('550')
    expect(failed?.attempts).toBe(1)
    await clock.advance(3_600_000)
    await s.webhooks.drain()
    expect(smtp.received).toEqual([])
  })

  test('an answer waiting to go when the visitor is erased is not sent', async () => {
    const { id, visitor } = await offlineRequest('Zed', 'zed@example.com', 'Forget me later')
    await httpSend(s, op.token, id, 'z1', 'Noted.')
    // Queued for the e-mail delay; the visitor is erased meanwhile.
    await s.webhooks.drain()
    const erased = await s.http(`/api/admin/visitors/${visitor.visitorId}/erase`, {
      token: admin,
      body: {},
    })
    expect(erased.status).toBe(200)
    await settle()
    expect(smtp.received).toEqual([])
    expect((await deliveries()).filter((d) => d.status === 'pending')).toEqual([])
  })
})
