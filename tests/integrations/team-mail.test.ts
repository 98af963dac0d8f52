/**
 * E-mail to the team (issue 20) through the real server against a real SMTP server on loopback:
 * an inbox's `mailto:` endpoint hears of what needs someone (a new conversation, a missed SLA
 * deadline) as a Telegram chat does, batched into one e-mail per minute at most, in English or
 * Russian; a ping is a test e-mail; bad addresses, events and tokens are refused; without SMTP
 * the endpoint is refused.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { FakeClock } from '../../actors/index.ts'
import { parseTeamMailTarget, TEAM_MAIL_GAP_MS } from '../../server/webhooks/team-mail.ts'
import { httpStart, okBody } from '../helpers/http.ts'
import { startTestServer, type TestServer } from '../helpers/server.ts'
import { smtpEnv, startSmtp, type SmtpSink } from '../helpers/smtp.ts'

const FROM = 'Support Team <support@shop.example>'
const TEAM = 'ops@shop.example'
let s: TestServer
let clock: FakeClock
let smtp: SmtpSink
let admin: string
let inboxId: string
const ok = okBody

/** Sends what is due, then again once the address's gap has passed. */
async function settle() {
  await s.webhooks.drain()
  await clock.advance(TEAM_MAIL_GAP_MS)
  await s.webhooks.drain()
}

const toTeam = () => smtp.received.filter((r) => r.to.includes(TEAM))

beforeAll(async () => {
  clock = new FakeClock(Date.now())
  smtp = await startSmtp()
  s = await startTestServer({
    clock,
    env: { ...smtpEnv(smtp, FROM), PUBLIC_URL: 'https://support.example.com' },
  })
  admin = await s.adminToken()
  inboxId = await s.defaultInboxId()
})

afterAll(async () => {
  await s?.stop()
  await smtp?.stop()
})

describe('e-mail to the team (issue 20)', () => {
  test('targets - an address, optionally in Russian; bad addresses, events and tokens are refused', async () => {
    expect(parseTeamMailTarget('mailto:Ops@Shop.Example')).toEqual({ to: TEAM, lang: 'en' })
    expect(parseTeamMailTarget(`mailto:${TEAM}?lang=ru`)).toEqual({ to: TEAM, lang: 'ru' })
    for (const bad of [
      'mailto:',
      'mailto:ops',
      'mailto:ops@localhost',
      'mailto:a b@shop.example',
      'mailto:ops@shop.example?lang=de',
      'mailto:ops@shop.example?cc=x@y.z',
      `mailto:${'a'.repeat(250)}@shop.example`,
    ]) {
      expect(parseTeamMailTarget(bad)).toBeNull()
      const res = await s.http('/api/webhooks', {
        token: admin,
        body: { inboxId, url: bad, events: ['conversation.created'] },
      })
      expect(res.status).toBe(422)
    }
    const wrongEvent = await s.http('/api/webhooks', {
      token: admin,
      body: { inboxId, url: `mailto:${TEAM}`, events: ['message.deleted'] },
    })
    expect(wrongEvent.status).toBe(422)
    const withToken = await s.http('/api/webhooks', {
      token: admin,
      body: {
        inboxId,
        url: `mailto:${TEAM}`,
        events: ['conversation.created'],
        botToken: '123:abc',
      },
    })
    expect(withToken.status).toBe(422)
    expect((await ok(s.http('/api/webhooks', { token: admin }))).endpoints).toEqual([])
    // Without SMTP there is nothing to send with.
    const plain = await startTestServer()
    try {
      const refused = await plain.http('/api/webhooks', {
        token: await plain.adminToken(),
        body: {
          inboxId: await plain.defaultInboxId(),
          url: `mailto:${TEAM}`,
          events: ['conversation.created'],
        },
      })
      expect(refused.status).toBe(503)
      expect(refused.body.error.code).toBe('not_configured')
    } finally {
      await plain.stop()
    }
  })

  test('notifications - a test e-mail; new conversations batched into one e-mail; a missed SLA deadline, in Russian', async () => {
    const created = await ok(
      s.http('/api/webhooks', {
        token: admin,
        body: {
          inboxId,
          url: `mailto:${TEAM}?lang=ru`,
          events: ['conversation.created', 'conversation.sla_breached'],
          description: 'Ops',
        },
      }),
    )
    expect(created.secret).toBe('')
    const endpointId = created.endpoint.id as string
    await ok(s.http(`/api/webhooks/${endpointId}/ping`, { token: admin, body: {} }))
    await settle()
    await smtp.waitFor(() => toTeam().length === 1)
    expect(toTeam()[0]?.mail.text).toContain('проверка уведомлений')

    // Three new conversations at once: the first goes at once, the rest wait out the minute
    // and go as one e-mail.
    for (const text of ['first', 'second', 'third']) await httpStart(s, undefined, text)
    await settle()
    await settle()
    const created3 = () =>
      toTeam()
        .slice(1)
        .flatMap((r) => r.mail.text?.match(/Новый диалог/g) ?? [])
    await smtp.waitFor(() => created3().length === 3)
    const mails = toTeam().slice(1)
    expect(mails.length).toBeLessThanOrEqual(2)
    expect(mails.at(-1)?.mail.subject).toMatch(/^Default inbox: уведомлени/)
    expect(mails.at(-1)?.mail.text).toContain('Открыть: https://support.example.com/panel/#c/')
    expect(mails.at(-1)?.mail.html).toContain('<b>')

    // A missed first response.
    const policy = await ok(
      s.http(`/api/admin/inboxes/${inboxId}/sla-policies`, {
        token: admin,
        body: { name: 'Fast', firstResponseMinutes: 1 },
      }),
    )
    const conv = await httpStart(s, undefined, 'tick tock')
    await ok(
      s.http(`/api/conversations/${conv.id}/sla`, {
        token: admin,
        method: 'PUT',
        body: { policyId: policy.policy.id },
      }),
    )
    await clock.advance(2 * 60_000)
    // The inbox actor's timer may be armed after an advance: each poll advances again.
    const start = Date.now()
    while (!toTeam().some((r) => (r.mail.text ?? '').includes('Нарушен SLA'))) {
      if (Date.now() - start > 10_000) throw new Error('no SLA e-mail')
      await clock.advance(0)
      await settle()
      await Bun.sleep(20)
    }
    const breach = toTeam().find((r) => (r.mail.text ?? '').includes('Нарушен SLA'))!.mail
    expect(breach.text).toContain('Нарушен SLA: первый ответ')
    expect(breach.text).toContain('https://support.example.com/panel/')
    // Everything it was given was delivered.
    const log = (
      await ok(s.http(`/api/webhooks/${endpointId}/deliveries?limit=100`, { token: admin }))
    ).deliveries as { status: string }[]
    expect(log.filter((d) => d.status !== 'delivered')).toEqual([])
  })
})
