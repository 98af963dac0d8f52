/**
 * Telegram notifications through the real server (issue 17, I2), against a Bot API server on
 * loopback (TELEGRAM_API_URL): an inbox's group chat hears of new conversations, of visitors'
 * messages nobody has taken, of offline requests (and escalations: the formatter's own test);
 * never of operators' messages or of assigned conversations. A burst is batched (one message
 * per chat per gap), Telegram's 429 and outages are retried through the webhook outbox, and
 * bad targets, events and bot tokens are refused.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { FakeClock } from '../../actors/index.ts'
import type { WebhookPayload } from '../../server/webhooks/events.ts'
import {
  formatBatch,
  notifies,
  parseTelegramTarget,
  TELEGRAM_GAP_MS,
} from '../../server/webhooks/telegram.ts'
import { httpSend, httpStart, okBody } from '../helpers/http.ts'
import { startTestServer, type TestServer } from '../helpers/server.ts'
import { startBotApi, type BotApi } from '../helpers/telegram-bot-api.ts'

const BOT = '123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw1'
const CHAT = '-1001234567890'
const EVENTS = [
  'conversation.created',
  'message.created',
  'conversation.assigned',
  'offline_request.created',
]

let s: TestServer
let clock: FakeClock
let bot: BotApi
let admin: string
let inboxId: string
let endpointId: string
const ok = okBody

/** Sends what is due, then again once each chat's gap has passed, until nothing is left. */
async function settle() {
  await s.webhooks.drain()
  await clock.advance(TELEGRAM_GAP_MS)
  await s.webhooks.drain()
}

async function deliveries(id = endpointId) {
  return (await ok(s.http(`/api/webhooks/${id}/deliveries?limit=100`, { token: admin })))
    .deliveries as { eventId: string; type: string; status: string; error: string | null }[]
}

beforeAll(async () => {
  clock = new FakeClock(Date.now())
  bot = startBotApi([BOT])
  s = await startTestServer({
    clock,
    env: {
      TELEGRAM_API_URL: bot.url,
      PUBLIC_URL: 'https://support.example.com',
      OPERATOR_SESSION_TTL: String(7 * 86400),
    },
  })
  admin = await s.adminToken()
  inboxId = await s.defaultInboxId()
})

afterAll(async () => {
  await s?.stop()
  bot?.stop()
})

describe('a Telegram chat as an endpoint', () => {
  test('bad targets, events and tokens are refused with typed errors and make nothing', async () => {
    const bad: [Record<string, unknown>, string][] = [
      [{ url: 'telegram:abc', botToken: BOT, events: EVENTS }, 'url'],
      [{ url: 'telegram:', botToken: BOT, events: EVENTS }, 'url'],
      [{ url: `telegram:${CHAT}?lang=de`, botToken: BOT, events: EVENTS }, 'url'],
      [{ url: `telegram:${CHAT}`, events: EVENTS }, 'botToken'],
      [{ url: `telegram:${CHAT}`, botToken: 'not-a-token', events: EVENTS }, 'botToken'],
      [{ url: `telegram:${CHAT}`, botToken: BOT, events: ['message.updated'] }, 'events'],
      [{ url: 'https://example.com/hook', botToken: BOT, events: ['message.created'] }, 'botToken'],
    ]
    for (const [body, field] of bad) {
      const res = await s.http('/api/webhooks', { token: admin, body: { inboxId, ...body } })
      expect([JSON.stringify(body), res.status, res.body.error?.code]).toEqual([
        JSON.stringify(body),
        422,
        'validation_failed',
      ])
      expect(res.body.error.message).toContain(field)
    }
    const list = await ok(s.http(`/api/webhooks?inboxId=${inboxId}`, { token: admin }))
    expect(list.endpoints).toEqual([])
  })

  test('an admin connects a group chat; a test message arrives; the token is never shown again', async () => {
    const created = await s.http('/api/webhooks', {
      token: admin,
      body: {
        inboxId,
        url: `telegram:${CHAT}`,
        botToken: BOT,
        events: EVENTS,
        description: 'Team',
      },
    })
    expect(created.status).toBe(201)
    endpointId = created.body.endpoint.id
    expect(created.body.secret).toBe('')
    expect(JSON.stringify(created.body)).not.toContain(BOT)
    expect(created.body.endpoint).toMatchObject({ url: `telegram:${CHAT}`, status: 'active' })
    // Rotating a signing secret means nothing here; a bad new token is refused.
    const rotate = await s.http(`/api/webhooks/${endpointId}/rotate-secret`, {
      token: admin,
      body: {},
    })
    expect(rotate.status).toBe(422)
    const badPatch = await s.http(`/api/webhooks/${endpointId}`, {
      token: admin,
      method: 'PATCH',
      body: { botToken: 'nope' },
    })
    expect(badPatch.status).toBe(422)
    const toUrl = await s.http(`/api/webhooks/${endpointId}`, {
      token: admin,
      method: 'PATCH',
      body: { url: 'https://example.com/hook' },
    })
    expect(toUrl.status).toBe(422)

    await ok(s.http(`/api/webhooks/${endpointId}/ping`, { token: admin, body: {} }))
    await s.webhooks.drain()
    expect(bot.sent).toHaveLength(1)
    expect(bot.sent[0]).toMatchObject({ token: BOT, chatId: CHAT, parseMode: 'HTML' })
    expect(bot.sent[0]?.text).toContain('test notification')
    await settle()
  })
})

describe('what notifies', () => {
  test('a new conversation: one message with the visitor text, the inbox and a panel link', async () => {
    bot.sent.length = 0
    const { id } = await httpStart(s, undefined, 'Где мой заказ? <b>срочно</b>')
    await settle()
    expect(bot.sent).toHaveLength(1)
    const text = bot.sent[0]?.text ?? ''
    expect(text).toContain('New conversation')
    expect(text).toContain('«Где мой заказ? &lt;b&gt;срочно&lt;/b&gt;»')
    expect(text).toContain(`href="https://support.example.com/panel/#c/${id}"`)
    const inboxes = await ok(s.http('/api/admin/inboxes', { token: admin }))
    expect(text).toContain(inboxes.inboxes[0].name)
  })

  test("a burst of 30 visitor messages is a message or two; operators' messages and assigned conversations notify nobody", async () => {
    const { id, token } = await httpStart(s, undefined, 'burst 0')
    await settle()
    bot.sent.length = 0
    // Posted as the visitor by an integration: no visitor rate limit in the way of a burst.
    for (let i = 1; i <= 30; i++) {
      await ok(
        s.http(`/api/conversations/${id}/contact-messages`, {
          token: admin,
          body: { clientMsgId: `b${i}`, text: `burst ${i}` },
        }),
      )
    }
    // The fan-out runs meanwhile (real time): whatever it saw went, the rest waits for the gap.
    await settle()
    await settle()
    expect(bot.sent.length).toBeGreaterThanOrEqual(1)
    expect(bot.sent.length).toBeLessThanOrEqual(3)
    expect(bot.sent.at(-1)?.text).toContain('«burst 30»')
    const counted = bot.sent
      .map((m) => /(\d+) new messages|New message/.exec(m.text))
      .reduce((n, m) => n + (m ? Number(m[1] ?? 1) : 0), 0)
    expect(counted).toBe(30)

    bot.sent.length = 0
    const op = await s.operator()
    await httpSend(s, op.token, id, 'op-1', 'an operator answers')
    await ok(
      s.http(`/api/conversations/${id}/assign`, { token: op.token, body: { operatorId: op.id } }),
    )
    await httpSend(s, token, id, 'after-assign', 'thanks')
    await settle()
    expect(bot.sent).toEqual([])
    // What was not worth a notification left no delivery row either.
    const rows = await deliveries()
    expect(rows.filter((r) => r.eventId.startsWith(`${id}.`)).map((r) => r.type)).not.toContain(
      'conversation.assigned',
    )
  })

  test('an offline request', async () => {
    bot.sent.length = 0
    const visitor = await s.visitorToken()
    await ok(
      s.http('/api/visitor/offline-requests', {
        token: visitor.token,
        body: { name: 'Ada', email: 'ada@example.com', text: 'Call me back please' },
      }),
    )
    await settle()
    expect(bot.sent).toHaveLength(1)
    expect(bot.sent[0]?.text).toContain('Offline request')
    expect(bot.sent[0]?.text).toContain('Ada')
    expect(bot.sent[0]?.text).toContain('«Call me back please»')
  })
})

describe('SLA breaches (issue 20)', () => {
  test('a chat that subscribes to conversation.sla_breached hears of a missed deadline, named by kind', async () => {
    const chat = '-1009876543210'
    const created = await ok(
      s.http('/api/webhooks', {
        token: admin,
        body: {
          inboxId,
          url: `telegram:${chat}`,
          botToken: BOT,
          events: ['conversation.sla_breached'],
          description: 'SLA watch',
        },
      }),
    )
    const policy = await ok(
      s.http(`/api/admin/inboxes/${inboxId}/sla-policies`, {
        token: admin,
        body: { name: 'One minute', firstResponseMinutes: 1 },
      }),
    )
    await settle()
    bot.sent.length = 0
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
    const breachedTo = async () => {
      await clock.advance(0)
      await settle()
      return bot.sent.filter((m) => m.chatId === chat)
    }
    const start = Date.now()
    while ((await breachedTo()).length === 0 && Date.now() - start < 10_000) {
      await Bun.sleep(50)
    }
    const sent = bot.sent.filter((m) => m.chatId === chat)
    expect(sent).toHaveLength(1)
    expect(sent[0]?.text).toContain('SLA breached: first response')
    await ok(
      s.http(`/api/webhooks/${created.endpoint.id}`, { token: admin, method: 'DELETE' }),
      204,
    )
  })
})

describe("an operator's own chat", () => {
  test('hears of their own conversations too; the team chat does not; a stranger is refused', async () => {
    const agent = await s.operator({ role: 'operator', inboxIds: [inboxId] })
    const stranger = await s.operator({ role: 'operator', inboxIds: [] })
    const refused = await s.http('/api/webhooks', {
      token: admin,
      body: {
        inboxId,
        url: `telegram:777?operator=${stranger.id}`,
        botToken: BOT,
        events: EVENTS,
      },
    })
    expect(refused.status).toBe(422)
    const own = await ok(
      s.http('/api/webhooks', {
        token: admin,
        body: {
          inboxId,
          url: `telegram:777?operator=${agent.id}&lang=ru`,
          botToken: BOT,
          events: ['message.created'],
        },
      }),
    )
    const { id, token } = await httpStart(s, undefined, 'first words')
    await ok(
      s.http(`/api/conversations/${id}/assign`, { token: admin, body: { operatorId: agent.id } }),
    )
    await settle()
    bot.sent.length = 0
    await httpSend(s, token, id, 'own-1', 'are you there?')
    await settle()
    expect(bot.sent.map((m) => [m.chatId, m.text.includes('«are you there?»')])).toEqual([
      ['777', true],
    ])
    expect(bot.sent[0]?.text).toContain('Новое сообщение')
    await ok(s.http(`/api/webhooks/${own.endpoint.id}`, { token: admin, method: 'DELETE' }), 204)
    bot.sent.length = 0
  })
})

describe('when Telegram fails', () => {
  test('a 429 is waited out as long as Telegram asks; an outage is retried with backoff; nothing is lost', async () => {
    bot.sent.length = 0
    let refusals = 0
    bot.respond = () => {
      refusals++
      return Response.json(
        {
          ok: false,
          error_code: 429,
          description: 'Too Many Requests: retry after 40',
          parameters: { retry_after: 40 },
        },
        { status: 429 },
      )
    }
    await httpStart(s, undefined, 'while limited')
    await settle()
    expect(refusals).toBe(1)
    // Not before Telegram's 40 s, although the first backoff (30 s) has passed.
    await clock.advance(36_000)
    await s.webhooks.drain()
    expect(refusals).toBe(1)
    // Then Telegram is down for a while: 500s.
    bot.respond = () => {
      refusals++
      return Response.json(
        { ok: false, error_code: 500, description: 'Internal Server Error' },
        { status: 500 },
      )
    }
    await clock.advance(10_000)
    await s.webhooks.drain()
    expect(refusals).toBe(2)
    const pending = (await deliveries()).filter((r) => r.status === 'pending')
    expect(pending.length).toBeGreaterThanOrEqual(1)
    expect(pending[0]?.error).toContain('Telegram')
    expect(JSON.stringify(await deliveries())).not.toContain(BOT)
    bot.respond = null
    await clock.advance(120_000)
    await settle()
    expect(bot.sent).toHaveLength(1)
    expect(bot.sent[0]?.text).toContain('«while limited»')
    expect((await deliveries()).filter((r) => r.status === 'pending')).toEqual([])
  })

  test('a revoked bot token: the endpoint ends up failing, the admin sees why; a new token heals it', async () => {
    bot.sent.length = 0
    bot.tokens.delete(BOT)
    await httpStart(s, undefined, 'nobody hears this yet')
    await settle()
    const rows = await deliveries()
    expect(rows[0]?.status).toBe('pending')
    expect(rows[0]?.error).toContain('Unauthorized')
    const fresh = '987654321:BBHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw2'
    bot.tokens.add(fresh)
    await ok(
      s.http(`/api/webhooks/${endpointId}`, {
        token: admin,
        method: 'PATCH',
        body: { botToken: fresh },
      }),
    )
    await clock.advance(60_000)
    await settle()
    expect(bot.sent.map((m) => m.token)).toEqual([fresh])
    expect(bot.sent[0]?.text).toContain('«nobody hears this yet»')
  })
})

describe('formatting', () => {
  const payload = (p: Partial<WebhookPayload> & { data: Record<string, unknown> }) =>
    ({
      id: 'c1.2',
      type: 'message.created',
      createdAt: 0,
      inboxId: 'i',
      conversationId: 'c1',
      ...p,
    }) as WebhookPayload

  test('what counts: visitors in unassigned conversations, escalations, new and offline ones', () => {
    const visitorMsg = { message: { author: { kind: 'visitor' }, text: 'x' } }
    expect(notifies(payload({ data: { ...visitorMsg, conversation: { assigneeId: null } } }))).toBe(
      true,
    )
    expect(notifies(payload({ data: { ...visitorMsg, conversation: { assigneeId: 'op' } } }))).toBe(
      false,
    )
    expect(
      notifies(
        payload({
          data: { message: { author: { kind: 'operator' } }, conversation: { assigneeId: null } },
        }),
      ),
    ).toBe(false)
    expect(
      notifies(payload({ type: 'conversation.assigned', data: { reason: 'escalation' } })),
    ).toBe(true)
    expect(notifies(payload({ type: 'conversation.assigned', data: { reason: 'manual' } }))).toBe(
      false,
    )
    expect(notifies(payload({ type: 'conversation.resolved', data: {} }))).toBe(false)
    expect(
      notifies(payload({ type: 'conversation.sla_breached', data: { kind: 'first_response' } })),
    ).toBe(true)
  })

  test('SLA breaches (issue 20): named by kind, in the chat language', () => {
    const breach = (kind: string) =>
      payload({ type: 'conversation.sla_breached', data: { kind, conversation: {} } })
    const en = formatBatch([breach('first_response'), breach('resolution')], {
      lang: 'en',
      publicUrl: null,
      names: new Map([['c1', 'Ann']]),
      inboxName: null,
    })
    expect(en).toContain('SLA breached: first response, resolution')
    expect(en).toContain('Ann')
    const ru = formatBatch([breach('next_response')], {
      lang: 'ru',
      publicUrl: null,
      names: new Map(),
      inboxName: null,
    })
    expect(ru).toContain('Нарушен SLA: следующий ответ')
  })

  test('Russian, escalations, escaping, and a batch too long for Telegram summed up', () => {
    expect(parseTelegramTarget('telegram:@support_team?lang=ru')).toEqual({
      chatId: '@support_team',
      lang: 'ru',
      operatorId: null,
    })
    expect(parseTelegramTarget('telegram:42?operator=op-1&lang=en')).toEqual({
      chatId: '42',
      lang: 'en',
      operatorId: 'op-1',
    })
    for (const bad of ['telegram:42?lang=de', 'telegram:42?x=1', 'telegram:42?lang=en&lang=ru']) {
      expect([bad, parseTelegramTarget(bad)]).toEqual([bad, null])
    }
    const ru = formatBatch(
      [payload({ type: 'conversation.assigned', data: { reason: 'escalation' } })],
      { lang: 'ru', publicUrl: null, names: new Map([['c1', 'Иван & Co']]), inboxName: null },
    )
    expect(ru).toContain('Эскалация')
    expect(ru).toContain('Иван &amp; Co')
    expect(ru).not.toContain('href')
    const many = Array.from({ length: 200 }, (_, i) =>
      payload({
        conversationId: `c${i}`,
        data: { message: { author: { kind: 'visitor' }, text: 'y'.repeat(300) } },
      }),
    )
    const long = formatBatch(many, {
      lang: 'en',
      publicUrl: 'https://x.example',
      names: new Map(),
      inboxName: 'Support',
    })
    expect(long.length).toBeLessThanOrEqual(4096)
    expect(long).toMatch(/…and \d+ more$/)
  })
})
