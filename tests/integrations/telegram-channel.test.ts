/**
 * The Telegram channel (issue 17, I5) through the real server, against a Bot API server on
 * loopback that implements long polling (`getUpdates`), `sendMessage`, `sendChatAction` and
 * `getMe`: a bot's private chats become telegram-channel conversations with the Telegram user
 * as contact; operators' answers go back to the chat; their typing shows; an update read twice
 * is stored once; group chats and `/start` start nothing; a closed conversation is followed by
 * a new one; bad endpoints are refused.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import sharp from 'sharp'
import { FakeClock } from '../../actors/index.ts'
import { httpSend, okBody } from '../helpers/http.ts'
import { waitUntil } from '../helpers/processes.ts'
import { startTestServer, type TestServer } from '../helpers/server.ts'
import { startBotApi, type BotApi } from '../helpers/telegram-bot-api.ts'

const BOT = '424242424:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw9'
let s: TestServer
let clock: FakeClock
let bot: BotApi
let admin: string
let inboxId: string
let op: { token: string; id: string }
let endpointId: string
const ok = okBody

type Item = { id: string; channel?: string; status: string; visitor: { name: string | null } }

async function telegramConversations(): Promise<Item[]> {
  const page = await ok(s.http(`/api/inbox?inbox=${inboxId}&limit=50`, { token: admin }))
  return (page.items as Item[]).filter((c) => c.channel === 'telegram')
}

async function messages(id: string) {
  return (await ok(s.http(`/api/conversations/${id}/messages`, { token: admin }))).messages as {
    author: { kind: string }
    text: string
    attachments?: { contentType: string }[]
  }[]
}

/** A private message from Telegram user `userId`, as the Bot API hands it over. */
function privateMessage(userId: number, messageId: number, fields: Record<string, unknown>) {
  return {
    message: {
      message_id: messageId,
      date: 0,
      chat: { id: userId, type: 'private', first_name: 'Ivan' },
      from: { id: userId, is_bot: false, first_name: 'Ivan', last_name: 'Petrov' },
      ...fields,
    },
  }
}

beforeAll(async () => {
  clock = new FakeClock(Date.now())
  bot = startBotApi([BOT])
  s = await startTestServer({
    clock,
    env: {
      TELEGRAM_API_URL: bot.url,
      TELEGRAM_POLL_SECONDS: '1',
      OPERATOR_SESSION_TTL: String(7 * 86400),
    },
  })
  admin = await s.adminToken()
  inboxId = await s.defaultInboxId()
  op = await s.operator()
})

afterAll(async () => {
  await s?.stop()
  bot?.stop()
})

describe('the Telegram channel', () => {
  test('a bad channel endpoint is refused; a good one checks its token', async () => {
    for (const body of [
      { url: 'telegram:visitor', events: ['message.created'] },
      { url: 'telegram:visitor', events: ['conversation.created'], botToken: BOT },
      { url: 'telegram:visitor', events: ['message.created'], botToken: 'nope' },
    ]) {
      const res = await s.http('/api/webhooks', { token: admin, body: { inboxId, ...body } })
      expect([JSON.stringify(body), res.status]).toEqual([JSON.stringify(body), 422])
    }
    const created = await s.http('/api/webhooks', {
      token: admin,
      body: { inboxId, url: 'telegram:visitor', events: ['message.created'], botToken: BOT },
    })
    expect(created.status).toBe(201)
    endpointId = created.body.endpoint.id
    expect(JSON.stringify(created.body)).not.toContain(BOT)
    await ok(s.http(`/api/webhooks/${endpointId}/ping`, { token: admin, body: {} }))
    await s.webhooks.drain()
    const log = await ok(s.http(`/api/webhooks/${endpointId}/deliveries`, { token: admin }))
    expect(log.deliveries[0]).toMatchObject({ type: 'ping', status: 'delivered' })
  })

  test("a private chat's messages become a conversation; answers and typing go back", async () => {
    bot.push(privateMessage(555, 1, { text: '/start' }))
    bot.push({
      message: {
        message_id: 7,
        date: 0,
        chat: { id: -100777, type: 'group', title: 'Friends' },
        from: { id: 9, is_bot: false, first_name: 'G' },
        text: 'group chatter',
      },
    })
    bot.push(privateMessage(555, 2, { text: 'Здравствуйте! Где мой заказ?' }))
    await waitUntil('the conversation', async () => (await telegramConversations()).length === 1)
    const [conversation] = await telegramConversations()
    const id = conversation?.id ?? ''
    expect(conversation?.visitor.name).toBe('Ivan Petrov')
    expect((await messages(id)).map((m) => [m.author.kind, m.text])).toEqual([
      ['visitor', 'Здравствуйте! Где мой заказ?'],
    ])

    await ok(s.http(`/api/conversations/${id}/typing`, { token: op.token, body: { on: true } }))
    await waitUntil('typing shown', () => bot.actions.length === 1)
    expect(bot.actions[0]).toEqual({ chatId: '555', action: 'typing' })
    await httpSend(s, op.token, id, 'a1', 'Добрый день! Заказ уже в пути <скоро>.')
    await s.webhooks.drain()
    expect(bot.sent).toHaveLength(1)
    expect(bot.sent[0]).toMatchObject({
      chatId: '555',
      text: 'Добрый день! Заказ уже в пути <скоро>.',
    })

    // More from the same chat: the same conversation; files fetched and attached, or named.
    bot.files.set(
      'ph1',
      await sharp({ create: { width: 8, height: 8, channels: 3, background: 'red' } })
        .png()
        .toBuffer(),
    )
    bot.files.set('exe1', Buffer.concat([Buffer.from('MZ'), Buffer.alloc(100, 1)]))
    bot.push(privateMessage(555, 3, { text: 'Спасибо!' }))
    bot.push(privateMessage(555, 4, { photo: [{ file_id: 'ph0' }, { file_id: 'ph1' }] }))
    bot.push(
      privateMessage(555, 8, {
        document: { file_id: 'exe1', file_name: 'tool.exe' },
        caption: 'see this',
      }),
    )
    bot.push(privateMessage(555, 9, { voice: { file_id: 'v' } }))
    await waitUntil('all stored', async () => (await messages(id)).length === 6)
    const latest = (await messages(id)).slice(-4)
    expect(latest.map((m) => m.text)).toEqual([
      'Спасибо!',
      '',
      expect.stringContaining('see this\n[file not accepted: tool.exe'),
      '[voice message]',
    ])
    expect(latest[1]?.attachments?.map((a) => a.contentType)).toEqual(['image/png'])
    // The same message handed over again (a repeat after a restart) is stored once.
    bot.push(privateMessage(555, 3, { text: 'Спасибо!' }))
    bot.push(privateMessage(555, 5, { text: 'last one' }))
    await waitUntil('the last one', async () =>
      (await messages(id)).some((m) => m.text === 'last one'),
    )
    expect((await messages(id)).filter((m) => m.text === 'Спасибо!')).toHaveLength(1)
    // The stream was read on from where it was: every poll after the first asked for more.
    expect(bot.polls.at(-1)).toBeGreaterThan(bot.polls[0] ?? 0)
  })

  test('after a closed conversation the next message starts a new one', async () => {
    const [conversation] = await telegramConversations()
    await ok(
      s.http(`/api/conversations/${conversation?.id}/status`, {
        token: op.token,
        body: { status: 'closed' },
      }),
    )
    bot.push(privateMessage(555, 6, { text: 'new question' }))
    await waitUntil(
      'a second conversation',
      async () => (await telegramConversations()).length === 2,
    )
    const fresh = (await telegramConversations()).find((c) => c.id !== conversation?.id)
    expect((await messages(fresh?.id ?? '')).map((m) => m.text)).toEqual(['new question'])
  })
})
