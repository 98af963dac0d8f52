/**
 * The e-mail channel (issue 17, I5) through the real server: mail sent over real SMTP to the
 * inbound listener becomes a conversation of the inbox whose address it was sent to (channel
 * email, the sender as contact, files through the attachments path); operators' answers go
 * back as threaded e-mail (to a real SMTP server on loopback) with the inbox's address as
 * Reply-To; a reply lands in its conversation with the quoted history cut; a repeated
 * delivery is one message; a forged reply header starts a new conversation; unknown
 * recipients, no sender, and too big are refused.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import nodemailer, { type Transporter } from 'nodemailer'
import { FakeClock } from '../../actors/index.ts'
import { MAIL_DELAY_MS } from '../../server/webhooks/mail-replies.ts'
import { httpSend, httpStart, okBody } from '../helpers/http.ts'
import { startTestServer, type TestServer } from '../helpers/server.ts'
import { smtpEnv, startSmtp, type SmtpSink } from '../helpers/smtp.ts'

const ADDRESS = 'support@shop.example'
let s: TestServer
let clock: FakeClock
let smtp: SmtpSink
let admin: string
let inboxId: string
let op: { token: string; id: string }
let mta: Transporter
const ok = okBody
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n')
const EXE = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(200, 1)])

/** Conversations of the inbox, newest first. */
async function conversations() {
  return (await ok(s.http(`/api/inbox?inbox=${inboxId}&limit=50`, { token: admin }))).items as {
    id: string
    channel?: string
    visitorId: string
  }[]
}

async function messages(id: string) {
  return (await ok(s.http(`/api/conversations/${id}/messages`, { token: admin }))).messages as {
    author: { kind: string }
    text: string
    attachments?: { name: string }[]
  }[]
}

beforeAll(async () => {
  clock = new FakeClock(Date.now())
  smtp = await startSmtp()
  s = await startTestServer({
    clock,
    env: {
      ...smtpEnv(smtp, 'Shop <no-reply@shop.example>'),
      MAIL_INBOUND_PORT: '0',
      MAIL_INBOUND_MAX_BYTES: String(200 * 1024),
      OPERATOR_SESSION_TTL: String(7 * 86400),
    },
  })
  admin = await s.adminToken()
  inboxId = await s.defaultInboxId()
  op = await s.operator()
  await ok(
    s.http(`/api/admin/inboxes/${inboxId}`, {
      token: admin,
      method: 'PATCH',
      body: { settings: { emailAddress: 'Support@Shop.example' } },
    }),
  )
  mta = nodemailer.createTransport({
    host: '127.0.0.1',
    port: s.inboundMailPort ?? 0,
    secure: false,
    ignoreTLS: true,
  })
})

afterAll(async () => {
  mta?.close()
  await s?.stop()
  await smtp?.stop()
})

describe('e-mail in', () => {
  let first: string

  test('a new e-mail is a conversation of the email channel, its files attached or named', async () => {
    const info = await mta.sendMail({
      from: 'Ada Lovelace <Ada@Customer.example>',
      to: ADDRESS,
      subject: 'Broken order',
      text: 'My order #17 arrived broken.\nPhotos attached.',
      messageId: '<first@customer.example>',
      attachments: [
        { filename: 'receipt.pdf', content: PDF, contentType: 'application/pdf' },
        { filename: 'tool.exe', content: EXE, contentType: 'application/octet-stream' },
      ],
    })
    expect(info.response).toContain('250')
    const [conversation] = await conversations()
    first = conversation?.id ?? ''
    expect(conversation?.channel).toBe('email')
    const thread = await messages(first)
    expect(thread).toHaveLength(1)
    expect(thread[0]?.author.kind).toBe('visitor')
    expect(thread[0]?.text).toContain('Broken order\n\nMy order #17 arrived broken.')
    expect(thread[0]?.text).toContain('Files not accepted: tool.exe')
    expect(thread[0]?.attachments?.map((a) => a.name)).toEqual(['receipt.pdf'])
    const contact = await ok(s.http(`/api/conversations/${first}/visitor`, { token: admin }))
    expect(JSON.stringify(contact)).toContain('ada@customer.example')
    expect(JSON.stringify(contact)).toContain('Ada Lovelace')
    // Answers need somewhere to go: the inbox got its e-mail endpoint.
    const endpoints = await ok(s.http(`/api/webhooks?inboxId=${inboxId}`, { token: admin }))
    expect(endpoints.endpoints.map((e: { url: string }) => e.url)).toContain('email:visitor')
  })

  test('the same e-mail delivered again is the same message', async () => {
    await mta.sendMail({
      from: 'Ada Lovelace <ada@customer.example>',
      to: ADDRESS,
      subject: 'Broken order',
      text: 'My order #17 arrived broken.\nPhotos attached.',
      messageId: '<first@customer.example>',
    })
    expect((await conversations()).filter((c) => c.channel === 'email')).toHaveLength(1)
    expect(await messages(first)).toHaveLength(1)
  })

  test("an operator's answer goes back threaded; the customer's reply lands in the thread, quotes cut", async () => {
    await httpSend(s, op.token, first, 'r1', 'Sorry! A new one ships today.')
    await s.webhooks.drain()
    await clock.advance(MAIL_DELAY_MS)
    await s.webhooks.drain()
    const [answer] = await smtp.waitFor((r) => r.length === 1)
    expect(answer?.to).toEqual(['ada@customer.example'])
    expect(answer?.mail.replyTo?.value[0]?.address).toBe(ADDRESS)
    expect(answer?.mail.text).toContain('Sorry! A new one ships today.')
    const messageId = answer?.mail.messageId ?? ''
    expect(messageId).toContain(first)
    await mta.sendMail({
      from: 'ada@customer.example',
      to: ADDRESS,
      subject: 'Re: your request',
      text: `Thank you!\n\nOn Mon, 1 Dec 2026 at 10:00, Shop <no-reply@shop.example> wrote:\n> Sorry! A new one ships today.\n`,
      inReplyTo: messageId,
      references: [`<conversation.${first}@shop.example>`, messageId],
    })
    const thread = await messages(first)
    expect(thread.map((m) => [m.author.kind, m.text])).toEqual([
      ['visitor', expect.stringContaining('Broken order')],
      ['operator', 'Sorry! A new one ships today.'],
      ['visitor', 'Thank you!'],
    ])
    smtp.received.length = 0
  })

  test("a forged reply header pointing at someone else's conversation starts a new one", async () => {
    const { id: widgetConversation } = await httpStart(s, undefined, 'a widget chat')
    await mta.sendMail({
      from: 'mallory@evil.example',
      to: ADDRESS,
      subject: 'Re: hi',
      text: 'let me in',
      inReplyTo: `<conversation.${first}@shop.example>`,
      references: [`<conversation.${widgetConversation}@shop.example>`],
    })
    const email = (await conversations()).filter((c) => c.channel === 'email')
    expect(email).toHaveLength(2)
    expect((await messages(first)).some((m) => m.text.includes('let me in'))).toBe(false)
    expect((await messages(widgetConversation)).some((m) => m.text.includes('let me in'))).toBe(
      false,
    )
  })

  test("an address is one inbox's only", async () => {
    const other = await s.http('/api/admin/inboxes', {
      token: admin,
      body: { name: 'Second', settings: { emailAddress: 'SUPPORT@shop.example' } },
    })
    expect(other.status).toBe(409)
    const bad = await s.http(`/api/admin/inboxes/${inboxId}`, {
      token: admin,
      method: 'PATCH',
      body: { settings: { emailAddress: 'not an address' } },
    })
    expect(bad.status).toBe(422)
  })

  test('unknown recipients, no sender and too big are refused; nothing is stored', async () => {
    const before = (await conversations()).length
    const unknown = await mta
      .sendMail({ from: 'a@b.example', to: 'nobody@shop.example', text: 'hello' })
      .catch((e: { responseCode?: number }) => e)
    expect((unknown as { responseCode?: number }).responseCode).toBe(550)
    const noFrom = await mta
      .sendMail({
        envelope: { from: 'a@b.example', to: [ADDRESS] },
        raw: `To: ${ADDRESS}\r\nSubject: anonymous\r\n\r\nwho am I\r\n`,
      })
      .catch((e: { responseCode?: number }) => e)
    expect((noFrom as { responseCode?: number }).responseCode).toBe(550)
    const big = await mta
      .sendMail({
        from: 'a@b.example',
        to: ADDRESS,
        text: 'x',
        attachments: [{ filename: 'big.pdf', content: Buffer.alloc(300 * 1024, 65) }],
      })
      .catch((e: { responseCode?: number }) => e)
    expect((big as { responseCode?: number }).responseCode).toBe(552)
    expect((await conversations()).length).toBe(before)
  })
})
