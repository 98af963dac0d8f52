/**
 * Webhooks in the panel (issue 17, I1): from an inbox's settings an admin, with the keyboard
 * only, adds an endpoint (a private address is refused by the server, named under the URL, and
 * nothing is saved), sees its secret once, sends a test event and watches it arrive in the
 * delivery log (the receiver got a POST signed with Parley-Signature), sends it again, narrows
 * the events, switches it off, rotates its secret (the old one signs too for the hours chosen),
 * and deletes it after a confirmation (Escape first leaves it). axe-core finds no serious
 * violation, light and dark, desktop and 375 px (nothing scrolls sideways); Russian reads.
 * Everything saved is checked through the API.
 *
 * The other kinds of endpoint (I2, I4), on a server with a local Telegram Bot API server and a
 * local SMTP server: a Telegram chat (its chat and bot token checked before sending, no secret
 * shown, its token's last four listed, a test message reaching the chat, no secret to rotate;
 * edited keeping its kind, with a new token) and e-mail replies to offline requests (one
 * implicit event, a test e-mail to the server's own sender); a server without SMTP refuses the
 * latter and the form says why. The Telegram channel (I5: people write to the bot): its bot
 * token alone (checked before sending; no chat, no language, its one event implicit), no secret
 * shown, "Check the bot" asking the Bot API (getMe) with its token, a token the Bot API does not
 * know failing in the log; edited keeping its kind, with a new token. E-mail to the team (issue
 * 20): its address (the browser's to check, then the server's, its refusal under the field), a
 * language and the five events a team hears of, all chosen; no secret; the test message e-mailed
 * to the address; edited keeping its kind. A server without SMTP refuses it too.
 *
 * The receiver is a local Bun server: the test server allows 127.0.0.1 (WEBHOOK_ALLOW_HOSTS).
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import type { Locator, Page } from 'playwright-core'
import { WEBHOOK_EVENTS } from '../../protocol/webhooks.ts'
import { startTestServer, type TestServer } from '../helpers/server.ts'
import { SMTP_PASSWORD, SMTP_USER, startSmtp, type SmtpSink } from '../helpers/smtp.ts'
import { startBotApi, type BotApi } from '../helpers/telegram-bot-api.ts'
import { violations } from './axe.ts'
import {
  ensureClientBuilt,
  launchBrowser,
  skipBrowserTests,
  until,
  useServerAndBrowser,
  type TestBrowser,
} from './harness.ts'
import { PanelPage } from './panel-page.ts'

const EN = "localStorage.setItem('parley:lang', 'en')"
const RU = "localStorage.setItem('parley:lang', 'ru')"

interface Received {
  path: string
  signature: string | null
  body: { id?: string; type?: string }
}

/** A server and a browser for a describe block. */
type Env = { server: TestServer; browser: TestBrowser }

/** Helpers on a describe block's server and browser. */
function helpers(env: Env) {
  /** The inbox's endpoints, as the API lists them. */
  const stored = async (inboxId: string) => {
    const res = await env.server.http(`/api/webhooks?inboxId=${inboxId}`, {
      token: await env.server.adminToken(),
    })
    expect(res.status).toBe(200)
    return res.body.endpoints as Array<Record<string, any>>
  }

  /** A new inbox (its webhooks page starts empty). */
  async function newInbox(name: string): Promise<string> {
    const res = await env.server.http('/api/admin/inboxes', {
      token: await env.server.adminToken(),
      body: { name },
    })
    expect(res.status).toBe(201)
    return res.body.id as string
  }

  /** The panel on the inbox's webhooks page, reached from its settings with the keyboard. */
  async function openWebhooks(
    inboxId: string,
    opts: { viewport?: { width: number; height: number }; ru?: boolean } = {},
  ): Promise<Page> {
    const { page } = await PanelPage.open(env.browser.context, env.server.url, {
      viewport: opts.viewport,
      initScript: opts.ru ? RU : EN,
    })
    const settings = page.getByRole('button', { name: opts.ru ? 'Настройки' : 'Settings' })
    await settings.focus()
    await page.keyboard.press('Enter')
    const open = page
      .locator(`form[data-inbox="${inboxId}"]`)
      .getByRole('button', { name: opts.ru ? 'Вебхуки' : 'Webhooks' })
    // The settings page is whole once its last on-demand section (proactive messages) has come:
    // until then the sections arriving re-render the page under the keyboard.
    await page
      .getByRole('heading', { name: opts.ru ? 'Проактивные сообщения' : 'Proactive messages' })
      .first()
      .waitFor()
    await page.waitForLoadState('networkidle')
    await open.focus()
    await page.keyboard.press('Enter')
    const heading = page.getByRole('heading', {
      name: opts.ru ? /^Вебхуки: / : /^Webhooks of /,
      level: 2,
    })
    await heading.waitFor()
    // Shown in place of the inbox forms: the focus starts at its heading.
    await until(() => heading.evaluate((el) => el === document.activeElement), 'the heading focus')
    return page
  }
  return { stored, newInbox, openWebhooks }
}

/** Presses a button with the keyboard. */
async function press(page: Page, name: string | RegExp, scope = page.locator('body')) {
  const button = scope.getByRole('button', { name, exact: typeof name === 'string' })
  await button.focus()
  await page.keyboard.press('Enter')
}

const item = (page: Page, url: string) =>
  page.locator('div.card').filter({ has: page.getByRole('heading', { name: url }) })

describe.skipIf(skipBrowserTests)('panel webhooks', () => {
  const env = useServerAndBrowser({ WEBHOOK_ALLOW_HOSTS: '127.0.0.1' })
  const received: Received[] = []
  let receiver: ReturnType<typeof Bun.serve>

  beforeAll(() => {
    receiver = Bun.serve({
      port: 0,
      hostname: '127.0.0.1',
      async fetch(req) {
        received.push({
          path: new URL(req.url).pathname,
          signature: req.headers.get('parley-signature'),
          body: (await req.json().catch(() => ({}))) as Received['body'],
        })
        return new Response('thanks', { status: 200 })
      },
    })
  })
  afterAll(() => receiver?.stop(true))

  const hook = (path: string) => `http://127.0.0.1:${receiver.port}${path}`

  const { stored, newInbox, openWebhooks } = helpers(env)

  test('webhooks - keyboard only: a private address refused, then added with its secret shown once, a test event delivered and sent again, events narrowed, switched off, secret rotated, deleted', async () => {
    const inboxId = await newInbox('Hooked shop')
    const page = await openWebhooks(inboxId)
    await page.getByText('No endpoints yet.').waitFor()

    // A private address: the server refuses it, the form says so under the URL; nothing saved.
    await press(page, 'Add endpoint')
    const form = page.getByRole('form', { name: 'New endpoint' })
    await until(
      () => form.getByRole('heading').evaluate((el) => el === document.activeElement),
      'the form heading focus',
    )
    // Tab goes through the form in order: the kind (a webhook unless another is chosen), the
    // URL, the description, the events.
    const kind = form.getByRole('radio', { name: 'Webhook' })
    await page.keyboard.press('Tab')
    expect(await kind.evaluate((el) => el === document.activeElement)).toBe(true)
    expect(await kind.isChecked()).toBe(true)
    const url = form.getByRole('textbox', { name: 'URL that receives the events' })
    await page.keyboard.press('Tab')
    expect(await url.evaluate((el) => el === document.activeElement)).toBe(true)
    await page.keyboard.insertText('http://10.0.0.1/hook')
    await page.keyboard.press('Tab')
    await page.keyboard.insertText('Order sync')
    await page.keyboard.press('Tab')
    expect(
      await form
        .getByRole('checkbox', { name: 'Select all' })
        .evaluate((el) => el === document.activeElement),
    ).toBe(true)
    // Every event is chosen for a new webhook.
    expect(await form.getByRole('checkbox', { name: 'Select all' }).isChecked()).toBe(true)
    expect(await form.getByRole('switch').isChecked()).toBe(true)
    await press(page, 'Save', form)
    await form.getByText('private network address').waitFor()
    expect(await url.getAttribute('aria-invalid')).toBe('true')
    // The focus went to the field the refusal names; the refusal describes it.
    expect(await url.evaluate((el) => el === document.activeElement)).toBe(true)
    expect(await url.getAttribute('aria-describedby')).toBeTruthy()
    expect(await stored(inboxId)).toEqual([])

    // No event chosen: refused before sending.
    const all = form.getByRole('checkbox', { name: 'Select all' })
    await all.focus()
    await page.keyboard.press('Space')
    await press(page, 'Save', form)
    await form.getByText('Choose at least one event.').waitFor()
    await all.focus()
    await page.keyboard.press('Space')

    await url.focus()
    await page.keyboard.press('ControlOrMeta+a')
    await page.keyboard.insertText(hook('/orders'))
    await press(page, 'Save', form)

    // Saved: the secret shows once, focused and selected, with what to do with it.
    const row = item(page, hook('/orders'))
    const secretField = row.getByRole('textbox', { name: 'Signing secret' })
    await secretField.waitFor()
    await until(
      () => secretField.evaluate((el) => el === document.activeElement),
      'the secret focus',
    )
    const secret = await secretField.inputValue()
    expect(secret.length).toBeGreaterThan(16)
    await row.getByText('Copy it now: it will not be shown again.').waitFor()
    const [made] = await stored(inboxId)
    expect(made).toMatchObject({
      url: hook('/orders'),
      description: 'Order sync',
      enabled: true,
      status: 'active',
      secretHint: secret.slice(-4),
    })
    expect(made!.events).toHaveLength(WEBHOOK_EVENTS.length)
    await row.getByText('Active', { exact: true }).waitFor()
    await row.getByText('All events').waitFor()
    await press(page, 'I have copied it', row)
    await until(async () => (await secretField.count()) === 0, 'the secret to go')
    expect(await page.content()).not.toContain(secret)

    // A test event: the log opens and shows it delivered; the receiver got it, signed.
    await press(page, 'Send test event', row)
    await row.getByRole('status').getByText('Test event queued').waitFor()
    const log = row.getByRole('region', { name: 'Delivery log' })
    const ping = log.locator('tbody tr', { hasText: 'ping' })
    await ping.getByText('Delivered', { exact: true }).waitFor({ timeout: 15_000 })
    expect(
      await row.getByRole('button', { name: 'Delivery log' }).getAttribute('aria-expanded'),
    ).toBe('true')
    const pings = received.filter((r) => r.path === '/orders')
    expect(pings).toHaveLength(1)
    expect(pings[0]!.signature).toBeTruthy()
    expect(pings[0]!.body.type).toBe('ping')
    const eventId = pings[0]!.body.id!
    await ping.getByText(eventId).waitFor()
    await ping.getByText('thanks').waitFor()
    expect(await ping.locator('td').nth(5).innerText()).toContain('200')
    // The list's counts follow: a success, nothing waiting.
    await until(
      async () => !(await row.locator('.branch-meta').innerText()).includes('Last success: Never'),
      'the last success',
    )

    // Sent again: the same event id arrives a second time.
    await press(page, 'Redeliver', ping)
    await until(
      () => received.filter((r) => r.body.id === eventId).length === 2,
      'the redelivery',
      15_000,
    )
    await ping.getByText('Delivered', { exact: true }).waitFor({ timeout: 15_000 })
    // The filter: nothing failed.
    await log.getByRole('combobox', { name: 'Show' }).selectOption('failed')
    await log.getByText('No deliveries yet.').waitFor()
    await log.getByRole('combobox', { name: 'Show' }).selectOption('')
    await ping.waitFor()

    // Narrow the events: none but two.
    await press(page, 'Edit', row)
    const edit = page.getByRole('form', { name: 'Edit webhook' })
    await edit.getByRole('checkbox', { name: 'Select all' }).focus()
    await page.keyboard.press('Space')
    for (const name of ['conversation.created', 'message.created']) {
      await edit.getByRole('checkbox', { name }).focus()
      await page.keyboard.press('Space')
    }
    await press(page, 'Save', edit)
    await row.getByText('conversation.created, message.created').waitFor()
    expect((await stored(inboxId))[0]!.events).toEqual(['conversation.created', 'message.created'])

    // Switched off.
    await press(page, 'Edit', row)
    await edit.getByRole('switch').focus()
    await page.keyboard.press('Space')
    await press(page, 'Save', edit)
    await row.getByText('Disabled', { exact: true }).waitFor()
    expect((await stored(inboxId))[0]).toMatchObject({ enabled: false, status: 'disabled' })

    // Rotated: the old secret signs for the hours chosen; the new one shows once.
    await press(page, 'Rotate secret', row)
    const rotate = page.getByRole('dialog', { name: 'Rotate the signing secret' })
    await rotate.getByRole('combobox').selectOption({ label: '1 hour' })
    const before = Date.now()
    await press(page, 'Rotate secret', rotate)
    await until(async () => (await rotate.count()) === 0, 'the dialog to close')
    await secretField.waitFor()
    const rotated = await secretField.inputValue()
    expect(rotated).not.toBe(secret)
    await until(
      () => secretField.evaluate((el) => el === document.activeElement),
      'the new secret focus',
    )
    const [after] = await stored(inboxId)
    expect(after!.secretHint).toBe(rotated.slice(-4))
    expect(after!.previousSecretUntil).toBeGreaterThanOrEqual(before + 3_600_000 - 5_000)
    expect(after!.previousSecretUntil).toBeLessThanOrEqual(Date.now() + 3_600_000 + 5_000)

    // Delete: Escape leaves it; confirmed, it goes.
    await press(page, 'Delete', row)
    const confirm = page.getByRole('dialog', { name: 'Delete endpoint' })
    await confirm.getByText(hook('/orders')).waitFor()
    await page.keyboard.press('Escape')
    await until(async () => (await confirm.count()) === 0, 'Escape to close the dialog')
    expect(await stored(inboxId)).toHaveLength(1)
    await press(page, 'Delete', row)
    await press(page, 'Delete endpoint', confirm)
    await page.getByText('No endpoints yet.').waitFor()
    expect(await stored(inboxId)).toEqual([])
    await page.close()
  }, 90_000)

  test('webhooks - no serious axe violation with the log open, light and dark, desktop and 375 px; nothing scrolls sideways on a phone', async () => {
    const inboxId = await newInbox('Axe shop')
    const token = await env.server.adminToken()
    const made = await env.server.http('/api/webhooks', {
      token,
      body: {
        inboxId,
        url: hook('/axe'),
        events: ['conversation.created'],
        description: 'CRM',
      },
    })
    expect(made.status).toBe(201)
    const ping = await env.server.http(`/api/webhooks/${made.body.endpoint.id}/ping`, {
      method: 'POST',
      token,
    })
    expect(ping.status).toBe(200)
    for (const scheme of ['light', 'dark'] as const) {
      for (const viewport of [undefined, { width: 375, height: 740 }]) {
        const page = await openWebhooks(inboxId, { viewport })
        await page.emulateMedia({ colorScheme: scheme })
        const row = item(page, hook('/axe'))
        await press(page, 'Delivery log', row)
        await row
          .locator('tbody tr', { hasText: 'ping' })
          .getByText('Delivered', { exact: true })
          .waitFor({ timeout: 15_000 })
        expect({ scheme, viewport, found: await violations(page) }).toEqual({
          scheme,
          viewport,
          found: [],
        })
        if (viewport) {
          const width = await page.evaluate(() => document.documentElement.scrollWidth)
          expect(width).toBeLessThanOrEqual(375)
          const main = await page
            .locator('main')
            .evaluate((el) => ({ scroll: el.scrollWidth, client: el.clientWidth }))
          expect(main.scroll).toBeLessThanOrEqual(main.client)
        }
        // The form too.
        await press(page, 'Edit', row)
        await page.getByRole('form', { name: 'Edit webhook' }).waitFor()
        expect({ scheme, viewport, form: await violations(page) }).toEqual({
          scheme,
          viewport,
          form: [],
        })
        await page.close()
      }
    }
  }, 120_000)

  test('webhooks - e-mail replies and e-mail to the team on a server that cannot send e-mail: refused, the form says why', async () => {
    const inboxId = await newInbox('No mail shop')
    const page = await openWebhooks(inboxId)
    await press(page, 'Add endpoint')
    const form = page.getByRole('form', { name: 'New endpoint' })
    const alert = form
      .getByRole('alert')
      .getByText('This server cannot send e-mail: SMTP is not configured (SMTP_HOST).', {
        exact: false,
      })
    await form.getByRole('radio', { name: 'E-mail replies to offline requests' }).check()
    await press(page, 'Save', form)
    await alert.waitFor()
    expect(await stored(inboxId)).toEqual([])
    expect(await violations(page)).toEqual([])

    await form.getByRole('radio', { name: 'E-mail to the team' }).check()
    await until(async () => (await alert.count()) === 0, 'the refusal to go with the kind')
    await form.getByRole('textbox', { name: 'E-mail address' }).fill('ops@example.com')
    await press(page, 'Save', form)
    await alert.waitFor()
    expect(await stored(inboxId)).toEqual([])
    await page.close()
  }, 60_000)

  test('webhooks - in Russian', async () => {
    const inboxId = await newInbox('Магазин')
    const made = await env.server.http('/api/webhooks', {
      token: await env.server.adminToken(),
      body: { inboxId, url: hook('/ru'), events: ['message.created'] },
    })
    expect(made.status).toBe(201)
    const page = await openWebhooks(inboxId, { ru: true, viewport: { width: 375, height: 740 } })
    const row = item(page, hook('/ru'))
    await row.getByText('Активен', { exact: true }).waitFor()
    await row.getByRole('button', { name: 'Отправить тестовое событие' }).waitFor()
    await press(page, 'Журнал доставок', row)
    await row.getByRole('combobox', { name: 'Показать' }).waitFor()
    await page.getByRole('button', { name: 'Добавить получателя' }).waitFor()
    await press(page, 'Сменить секрет', row)
    const dialog = page.getByRole('dialog', { name: 'Сменить секрет подписи' })
    await dialog.getByRole('option', { name: '24 часа' }).waitFor({ state: 'attached' })
    await dialog.getByRole('option', { name: '1 час', exact: true }).waitFor({ state: 'attached' })
    await page.keyboard.press('Escape')
    await until(async () => (await dialog.count()) === 0, 'Escape to close the dialog')
    await page.close()
  }, 60_000)
})

/** Tokens as BotFather hands them out, both known to the local Bot API server. */
const BOT_TOKEN = '7012345678:AAGx9zQk3vP2mWcR8tYbN4hJ6sLdF1eUoIq'
const NEW_BOT_TOKEN = '7012345678:AAHq2Lr7sKdV5nXcB9wZmT3yFj8pGe4uRoA'
const SENDER = 'support@shop.example'
/** What a team hears of (a Telegram chat, e-mail to the team), in the order the server keeps. */
const TEAM_EVENTS = [
  'conversation.created',
  'conversation.assigned',
  'conversation.sla_breached',
  'message.created',
  'offline_request.created',
]

describe.skipIf(skipBrowserTests)('panel notification targets', () => {
  const env = {} as Env
  let bot: BotApi
  let smtp: SmtpSink
  const { stored, newInbox, openWebhooks } = helpers(env)

  beforeAll(async () => {
    ensureClientBuilt()
    bot = startBotApi([BOT_TOKEN, NEW_BOT_TOKEN])
    smtp = await startSmtp()
    env.server = await startTestServer({
      env: {
        TELEGRAM_API_URL: bot.url,
        SMTP_HOST: '127.0.0.1',
        SMTP_PORT: String(smtp.port),
        SMTP_USER,
        SMTP_PASSWORD,
        SMTP_FROM: `Shop support <${SENDER}>`,
        WEBHOOK_ALLOW_HOSTS: '127.0.0.1',
      },
    })
    env.browser = await launchBrowser()
  }, 120_000)
  afterAll(async () => {
    await env.browser?.close()
    await env.server?.stop()
    bot?.stop()
    await smtp?.stop()
  })

  const focused = (locator: Locator) => locator.evaluate((el) => el === document.activeElement)

  test('notification targets - keyboard only: a Telegram chat (chat and token checked before sending, no secret shown, a test message reaches the chat, no secret to rotate), edited keeping its kind with a new token', async () => {
    const inboxId = await newInbox('Telegram shop')
    const page = await openWebhooks(inboxId)
    await press(page, 'Add endpoint')
    const form = page.getByRole('form', { name: 'New endpoint' })
    await until(() => focused(form.getByRole('heading')), 'the form heading focus')

    // The kind first: the arrows choose a Telegram chat, and its fields follow in order.
    await page.keyboard.press('Tab')
    await page.keyboard.press('ArrowDown')
    expect(await form.getByRole('radio', { name: 'Telegram chat' }).isChecked()).toBe(true)
    expect(await form.getByRole('textbox', { name: 'URL that receives the events' }).count()).toBe(
      0,
    )
    const chat = form.getByRole('textbox', { name: 'Chat id or @channel' })
    const token = form.getByLabel('Bot token', { exact: true })
    await page.keyboard.press('Tab')
    expect(await focused(chat)).toBe(true)
    await page.keyboard.insertText('my group')
    await page.keyboard.press('Tab')
    expect(await focused(token)).toBe(true)
    expect(await token.getAttribute('type')).toBe('password')
    await page.keyboard.insertText('not-a-token')
    await page.keyboard.press('Tab')
    const show = form.getByRole('checkbox', { name: 'Show the token' })
    expect(await focused(show)).toBe(true)
    await page.keyboard.press('Space')
    expect(await token.getAttribute('type')).toBe('text')
    await page.keyboard.press('Tab')
    const lang = form.getByRole('combobox', { name: 'Language of the messages' })
    expect(await focused(lang)).toBe(true)
    await lang.selectOption('ru')
    // Only the events a chat may hear of, all chosen.
    const events = form.getByRole('group', { name: 'Events' }).getByRole('checkbox')
    expect(await events.count()).toBe(6)
    for (const name of [
      'conversation.created',
      'conversation.assigned',
      'conversation.sla_breached',
      'message.created',
      'offline_request.created',
    ])
      expect(await form.getByRole('checkbox', { name }).isChecked()).toBe(true)
    await form.getByText('(escalations only)').waitFor()

    // Checked before sending: each problem under its field, the focus on the first.
    await press(page, 'Save', form)
    await form.getByText('Enter the chat id (-1001234567890) or @channelname.').waitFor()
    await form.getByText('Paste the token BotFather gave the bot', { exact: false }).waitFor()
    expect(await chat.getAttribute('aria-invalid')).toBe('true')
    expect(await token.getAttribute('aria-invalid')).toBe('true')
    await until(() => focused(chat), 'the focus on the chat')
    expect(await stored(inboxId)).toEqual([])

    await chat.fill('')
    await page.keyboard.insertText('-1001234567890')
    await token.focus()
    await page.keyboard.press('ControlOrMeta+a')
    await page.keyboard.insertText(BOT_TOKEN)
    await press(page, 'Save', form)

    // Saved: no secret to copy (the token is never shown again); the focus on the heading.
    const row = item(page, 'Telegram: -1001234567890 (ru)')
    await row.waitFor()
    await until(
      () => focused(page.getByRole('heading', { level: 2 })),
      'the heading focus after saving',
    )
    expect(await page.getByRole('textbox', { name: 'Signing secret' }).count()).toBe(0)
    expect(await page.content()).not.toContain(BOT_TOKEN)
    const [made] = await stored(inboxId)
    expect(made).toMatchObject({
      url: 'telegram:-1001234567890?lang=ru',
      events: [
        'conversation.created',
        'conversation.assigned',
        'conversation.sla_breached',
        'message.created',
        'offline_request.created',
      ],
      secretHint: BOT_TOKEN.slice(-4),
      enabled: true,
    })
    await row.getByText(`Bot token: …${BOT_TOKEN.slice(-4)}`).waitFor()
    await row.getByText('All events').waitFor()
    expect(await row.getByRole('button', { name: 'Rotate secret' }).count()).toBe(0)
    // Its kind is named for screen readers.
    await row.getByRole('img', { name: 'Telegram chat' }).waitFor()

    // A test message: it reaches the chat, with the bot's token; the log shows it delivered.
    await press(page, 'Send test message', row)
    await row.getByRole('status').getByText('Test message queued').waitFor()
    await bot.waitFor((sent) => sent.some((m) => m.chatId === '-1001234567890'))
    expect(bot.sent.find((m) => m.chatId === '-1001234567890')!.token).toBe(BOT_TOKEN)
    await row
      .getByRole('region', { name: 'Delivery log' })
      .locator('tbody tr', { hasText: 'ping' })
      .getByText('Delivered', { exact: true })
      .waitFor({ timeout: 15_000 })

    // Edited: the kind stays (no choice of it), the chat and language as saved, the token
    // empty (kept unless a new one is given); one event fewer, and a new token.
    await press(page, 'Edit', row)
    const edit = page.getByRole('form', { name: 'Edit Telegram notifications' })
    await edit.waitFor()
    expect(await edit.getByRole('radio').count()).toBe(0)
    expect(await edit.getByRole('textbox', { name: 'Chat id or @channel' }).inputValue()).toBe(
      '-1001234567890',
    )
    expect(
      await edit.getByRole('combobox', { name: 'Language of the messages' }).inputValue(),
    ).toBe('ru')
    const newToken = edit.getByLabel('New bot token (optional)')
    expect(await newToken.inputValue()).toBe('')
    await edit
      .getByText(`the current token (…${BOT_TOKEN.slice(-4)}) stays`, { exact: false })
      .waitFor()
    await edit.getByRole('checkbox', { name: 'message.created' }).focus()
    await page.keyboard.press('Space')
    await press(page, 'Save', edit)
    await row
      .getByText(
        'conversation.created, conversation.assigned, conversation.sla_breached, offline_request.created',
      )
      .waitFor()
    expect((await stored(inboxId))[0]).toMatchObject({ secretHint: BOT_TOKEN.slice(-4) })
    await press(page, 'Edit', row)
    await newToken.focus()
    await page.keyboard.insertText(NEW_BOT_TOKEN)
    await press(page, 'Save', edit)
    await row.getByText(`Bot token: …${NEW_BOT_TOKEN.slice(-4)}`).waitFor()
    expect((await stored(inboxId))[0]).toMatchObject({
      url: 'telegram:-1001234567890?lang=ru',
      events: [
        'conversation.created',
        'conversation.assigned',
        'conversation.sla_breached',
        'offline_request.created',
      ],
      secretHint: NEW_BOT_TOKEN.slice(-4),
    })
    await press(page, 'Send test message', row)
    await bot.waitFor((sent) => sent.some((m) => m.token === NEW_BOT_TOKEN))
    await page.close()
  }, 90_000)

  test("notification targets - keyboard only: e-mail replies to offline requests, in Russian texts, one implicit event, a test e-mail to the server's own sender", async () => {
    const inboxId = await newInbox('Mail shop')
    const page = await openWebhooks(inboxId)
    await press(page, 'Add endpoint')
    const form = page.getByRole('form', { name: 'New endpoint' })
    await until(() => focused(form.getByRole('heading')), 'the form heading focus')
    await page.keyboard.press('Tab')
    await page.keyboard.press('ArrowDown')
    await page.keyboard.press('ArrowDown')
    expect(
      await form.getByRole('radio', { name: 'E-mail replies to offline requests' }).isChecked(),
    ).toBe(true)
    // No URL, no token, no events to choose: the language, a description, on or off.
    await form
      .getByText("Operators' answers in a conversation that began as an offline request", {
        exact: false,
      })
      .waitFor()
    expect(await form.getByRole('group', { name: 'Events' }).count()).toBe(0)
    expect(await form.getByRole('textbox').count()).toBe(1)
    await page.keyboard.press('Tab')
    const lang = form.getByRole('combobox', { name: 'Language of the messages' })
    expect(await focused(lang)).toBe(true)
    await lang.selectOption('ru')
    await page.keyboard.press('Tab')
    await page.keyboard.insertText('Answers by e-mail')
    await press(page, 'Save', form)

    const row = item(page, 'E-mail to visitors (ru)')
    await row.waitFor()
    expect(await page.getByRole('textbox', { name: 'Signing secret' }).count()).toBe(0)
    const [made] = await stored(inboxId)
    expect(made).toMatchObject({
      url: 'email:visitor?lang=ru',
      events: ['message.created'],
      description: 'Answers by e-mail',
    })
    expect(await row.getByRole('button', { name: 'Rotate secret' }).count()).toBe(0)
    expect(await row.getByText('Secret:').count()).toBe(0)
    expect(await row.getByText('Events:').count()).toBe(0)

    await press(page, 'Send test e-mail', row)
    await row
      .getByRole('status')
      .getByText("Test e-mail queued: it goes to this server's own sender address")
      .waitFor()
    const [mail] = await smtp.waitFor((r) => r.length === 1, 30_000)
    expect(mail!.to).toEqual([SENDER])

    // Edited, it stays e-mail; the language changes.
    await press(page, 'Edit', row)
    const edit = page.getByRole('form', { name: 'Edit e-mail replies' })
    await edit.getByRole('combobox', { name: 'Language of the messages' }).selectOption('en')
    await press(page, 'Save', edit)
    await item(page, 'E-mail to visitors (en)').waitFor()
    expect((await stored(inboxId))[0]!.url).toBe('email:visitor')
    await page.close()
  }, 90_000)

  test('notification targets - keyboard only: the Telegram channel (its token checked before sending, no chat, language or events to choose, no secret shown), its check reaching the Bot API, a token the Bot API refuses failing in the log, edited keeping its kind', async () => {
    const inboxId = await newInbox('Telegram channel shop')
    const page = await openWebhooks(inboxId)
    await press(page, 'Add endpoint')
    const form = page.getByRole('form', { name: 'New endpoint' })
    await until(() => focused(form.getByRole('heading')), 'the form heading focus')

    // The fourth kind, by the arrows; its fields follow in order: the token, showing it.
    await page.keyboard.press('Tab')
    for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowDown')
    const kind = form.getByRole('radio', { name: 'Telegram channel (people write to your bot)' })
    expect(await kind.isChecked()).toBe(true)
    await form
      .getByText('Private chats with the bot in Telegram become conversations in this inbox', {
        exact: false,
      })
      .waitFor()
    // No chat, no language, no events to choose: the one event is implicit.
    expect(await form.getByRole('textbox', { name: 'Chat id or @channel' }).count()).toBe(0)
    expect(await form.getByRole('combobox', { name: 'Language of the messages' }).count()).toBe(0)
    expect(await form.getByRole('group', { name: 'Events' }).count()).toBe(0)
    const token = form.getByLabel('Bot token', { exact: true })
    await page.keyboard.press('Tab')
    expect(await focused(token)).toBe(true)
    expect(await token.getAttribute('type')).toBe('password')
    await page.keyboard.insertText('12345')
    await page.keyboard.press('Tab')
    expect(await focused(form.getByRole('checkbox', { name: 'Show the token' }))).toBe(true)
    await page.keyboard.press('Tab')
    expect(await focused(form.getByRole('textbox', { name: 'Description (optional)' }))).toBe(true)
    await page.keyboard.insertText('Support bot')

    // Checked before sending: the token, under its field, which takes the focus.
    await press(page, 'Save', form)
    await form.getByText('Paste the token BotFather gave the bot', { exact: false }).waitFor()
    expect(await token.getAttribute('aria-invalid')).toBe('true')
    await until(() => focused(token), 'the focus on the token')
    expect(await stored(inboxId)).toEqual([])
    await page.keyboard.press('ControlOrMeta+a')
    await page.keyboard.insertText(BOT_TOKEN)
    await press(page, 'Save', form)

    // Saved: no secret to copy; its kind named; its token's last four; no events or rotation.
    const row = item(page, 'Telegram channel')
    await row.waitFor()
    await until(
      () => focused(page.getByRole('heading', { level: 2 })),
      'the heading focus after saving',
    )
    expect(await page.getByRole('textbox', { name: 'Signing secret' }).count()).toBe(0)
    expect(await page.content()).not.toContain(BOT_TOKEN)
    const [made] = await stored(inboxId)
    expect(made).toMatchObject({
      url: 'telegram:visitor',
      events: ['message.created'],
      description: 'Support bot',
      secretHint: BOT_TOKEN.slice(-4),
      enabled: true,
    })
    await row.getByRole('img', { name: 'Telegram channel (people write to your bot)' }).waitFor()
    await row.getByText(`Bot token: …${BOT_TOKEN.slice(-4)}`).waitFor()
    expect(await row.getByText('Events:').count()).toBe(0)
    expect(await row.getByRole('button', { name: 'Rotate secret' }).count()).toBe(0)

    // The check asks the Bot API who the bot is, with its token: delivered.
    await press(page, 'Check the bot', row)
    await row
      .getByRole('status')
      .getByText('Check queued: the delivery log shows the result')
      .waitFor()
    const log = row.getByRole('region', { name: 'Delivery log' })
    await log
      .locator('tbody tr', { hasText: 'ping' })
      .getByText('Delivered', { exact: true })
      .waitFor({ timeout: 15_000 })

    // Edited: the kind stays, no chat or language; the token empty (kept unless given).
    await press(page, 'Edit', row)
    const edit = page.getByRole('form', { name: 'Edit the Telegram channel' })
    await edit.waitFor()
    expect(await edit.getByRole('radio').count()).toBe(0)
    expect(await edit.getByRole('textbox', { name: 'Chat id or @channel' }).count()).toBe(0)
    expect(await edit.getByRole('combobox').count()).toBe(0)
    const newToken = edit.getByLabel('New bot token (optional)')
    expect(await newToken.inputValue()).toBe('')
    await edit
      .getByText(`the current token (…${BOT_TOKEN.slice(-4)}) stays`, { exact: false })
      .waitFor()
    // A token the Bot API does not know: saved (its shape is right), and its check fails.
    const unknown = '7099999999:AAZz0000000000000000000000000000000'
    await newToken.focus()
    await page.keyboard.insertText(unknown)
    await press(page, 'Save', edit)
    await row.getByText(`Bot token: …${unknown.slice(-4)}`).waitFor()
    await press(page, 'Check the bot', row)
    await until(
      async () => (await log.innerText()).includes('Unauthorized'),
      'the refusal in the log',
      15_000,
    )
    // Back to a good token.
    await press(page, 'Edit', row)
    await newToken.focus()
    await page.keyboard.insertText(NEW_BOT_TOKEN)
    await press(page, 'Save', edit)
    await row.getByText(`Bot token: …${NEW_BOT_TOKEN.slice(-4)}`).waitFor()
    expect((await stored(inboxId))[0]).toMatchObject({
      url: 'telegram:visitor',
      events: ['message.created'],
      secretHint: NEW_BOT_TOKEN.slice(-4),
    })
    await page.close()
  }, 90_000)

  test('notification targets - keyboard only: e-mail to the team (its address checked by the browser, then the server, a language, the five events a team hears of, all chosen, no secret), the test message e-mailed to it, edited keeping its kind', async () => {
    const inboxId = await newInbox('Team mail shop')
    const page = await openWebhooks(inboxId)
    await press(page, 'Add endpoint')
    const form = page.getByRole('form', { name: 'New endpoint' })
    await until(() => focused(form.getByRole('heading')), 'the form heading focus')

    // The fifth kind, by the arrows; its fields follow in order: the address, the language.
    await page.keyboard.press('Tab')
    for (let i = 0; i < 4; i++) await page.keyboard.press('ArrowDown')
    expect(await form.getByRole('radio', { name: 'E-mail to the team' }).isChecked()).toBe(true)
    expect(await form.getByLabel('Bot token', { exact: true }).count()).toBe(0)
    expect(await form.getByRole('textbox', { name: 'URL that receives the events' }).count()).toBe(
      0,
    )
    const address = form.getByRole('textbox', { name: 'E-mail address' })
    await page.keyboard.press('Tab')
    expect(await focused(address)).toBe(true)
    expect(await address.getAttribute('type')).toBe('email')

    // Empty: the browser keeps the form (the address is required) and nothing is sent.
    await press(page, 'Save', form)
    await until(() => focused(address), 'the focus on the empty address')
    expect(await address.evaluate((el) => (el as HTMLInputElement).validity.valueMissing)).toBe(
      true,
    )
    expect(await stored(inboxId)).toEqual([])
    // An address the browser takes but the server does not (a domain without a dot): the
    // refusal under the field, which takes the focus.
    await page.keyboard.insertText('ops@localhost')
    await press(page, 'Save', form)
    await form.getByText('e-mail to the team is mailto:<address>', { exact: false }).waitFor()
    expect(await address.getAttribute('aria-invalid')).toBe('true')
    expect(await address.getAttribute('aria-describedby')).toBeTruthy()
    await until(() => focused(address), 'the focus on the refused address')
    expect(await stored(inboxId)).toEqual([])
    await page.keyboard.press('ControlOrMeta+a')
    await page.keyboard.insertText('ops@example.com')

    await page.keyboard.press('Tab')
    const lang = form.getByRole('combobox', { name: 'Language of the messages' })
    expect(await focused(lang)).toBe(true)
    await lang.selectOption('ru')
    await page.keyboard.press('Tab')
    expect(await focused(form.getByRole('textbox', { name: 'Description (optional)' }))).toBe(true)
    await page.keyboard.insertText('Ops desk')
    // The events a Telegram chat hears of, all chosen, with the same notes.
    const events = form.getByRole('group', { name: 'Events' }).getByRole('checkbox')
    expect(await events.count()).toBe(6)
    for (const name of TEAM_EVENTS)
      expect(await form.getByRole('checkbox', { name }).isChecked()).toBe(true)
    await form.getByText('(escalations only)').waitFor()
    await press(page, 'Save', form)

    // Saved: no secret to copy; its kind named; no token, secret or rotation.
    const row = item(page, 'E-mail: ops@example.com (ru)')
    await row.waitFor()
    expect(await page.getByRole('textbox', { name: 'Signing secret' }).count()).toBe(0)
    const [made] = await stored(inboxId)
    expect(made).toMatchObject({
      url: 'mailto:ops@example.com?lang=ru',
      events: TEAM_EVENTS,
      description: 'Ops desk',
      enabled: true,
    })
    await row.getByRole('img', { name: 'E-mail to the team' }).waitFor()
    await row.getByText('All events').waitFor()
    expect(await row.getByText('Secret:').count()).toBe(0)
    expect(await row.getByText('Bot token:').count()).toBe(0)
    expect(await row.getByRole('button', { name: 'Rotate secret' }).count()).toBe(0)

    // The test message is e-mailed to the address; the log shows it delivered.
    await press(page, 'Send test e-mail', row)
    await row.getByRole('status').getByText('Test e-mail queued', { exact: true }).waitFor()
    await smtp.waitFor((r) => r.some((m) => m.to.includes('ops@example.com')), 30_000)
    await row
      .getByRole('region', { name: 'Delivery log' })
      .locator('tbody tr', { hasText: 'ping' })
      .getByText('Delivered', { exact: true })
      .waitFor({ timeout: 15_000 })

    // Edited: the kind stays (no choice of it), the address and language as saved; one event
    // fewer, English.
    await press(page, 'Edit', row)
    const edit = page.getByRole('form', { name: 'Edit e-mail to the team' })
    await edit.waitFor()
    expect(await edit.getByRole('radio').count()).toBe(0)
    expect(await edit.getByRole('textbox', { name: 'E-mail address' }).inputValue()).toBe(
      'ops@example.com',
    )
    const editLang = edit.getByRole('combobox', { name: 'Language of the messages' })
    expect(await editLang.inputValue()).toBe('ru')
    await editLang.selectOption('en')
    await edit.getByRole('checkbox', { name: 'message.created' }).focus()
    await page.keyboard.press('Space')
    await press(page, 'Save', edit)
    const renamed = item(page, 'E-mail: ops@example.com (en)')
    await renamed
      .getByText(
        'conversation.created, conversation.assigned, conversation.sla_breached, offline_request.created',
      )
      .waitFor()
    expect((await stored(inboxId))[0]).toMatchObject({
      url: 'mailto:ops@example.com',
      events: TEAM_EVENTS.filter((e) => e !== 'message.created'),
    })
    await page.close()
  }, 90_000)

  test('notification targets - no serious axe violation (the five kinds listed, the Telegram form refused, the e-mail form, the channel form, the team e-mail form), light and dark, desktop and 375 px; nothing scrolls sideways on a phone; Russian', async () => {
    const inboxId = await newInbox('Axe targets')
    const token = await env.server.adminToken()
    for (const body of [
      { url: `${bot.url}/hook`, events: ['conversation.created'], description: 'CRM' },
      { url: 'telegram:@acme_support', botToken: BOT_TOKEN, events: ['conversation.created'] },
      { url: 'email:visitor', events: ['message.created'] },
      { url: 'telegram:visitor', botToken: NEW_BOT_TOKEN, events: ['message.created'] },
      { url: 'mailto:ops@example.com?lang=ru', events: ['conversation.created'] },
    ]) {
      const res = await env.server.http('/api/webhooks', { token, body: { inboxId, ...body } })
      expect(res.status).toBe(201)
    }
    for (const scheme of ['light', 'dark'] as const) {
      for (const viewport of [undefined, { width: 375, height: 740 }]) {
        const ru = scheme === 'dark' && viewport !== undefined
        const page = await openWebhooks(inboxId, { viewport, ru })
        await page.emulateMedia({ colorScheme: scheme })
        const where = { scheme, viewport }
        await item(page, 'Telegram: @acme_support (en)').waitFor()
        await item(page, ru ? 'E-mail посетителям (en)' : 'E-mail to visitors (en)').waitFor()
        await item(page, ru ? 'Обращения из Telegram' : 'Telegram channel').waitFor()
        await item(page, 'E-mail: ops@example.com (ru)').waitFor()
        expect({ ...where, list: await violations(page) }).toEqual({ ...where, list: [] })
        if (viewport) {
          const width = await page.evaluate(() => document.documentElement.scrollWidth)
          expect(width).toBeLessThanOrEqual(375)
          const main = await page
            .locator('main')
            .evaluate((el) => ({ scroll: el.scrollWidth, client: el.clientWidth }))
          expect(main.scroll).toBeLessThanOrEqual(main.client)
        }
        if (ru) {
          // Russian reads: the kinds, the tests' buttons.
          await item(page, 'Telegram: @acme_support (en)')
            .getByRole('button', { name: 'Отправить тестовое сообщение' })
            .waitFor()
          await item(page, 'E-mail посетителям (en)')
            .getByRole('button', { name: 'Отправить тестовое письмо' })
            .waitFor()
          await item(page, 'Обращения из Telegram')
            .getByRole('button', { name: 'Проверить бота' })
            .waitFor()
          await press(page, 'Добавить получателя')
          const form = page.getByRole('form', { name: 'Новый получатель' })
          await form.getByRole('radio', { name: 'Чат Telegram' }).check()
          await form.getByRole('textbox', { name: 'ID чата или @канал' }).waitFor()
          await form.getByText('(только эскалации)').waitFor()
          await form.getByRole('radio', { name: 'Ответы на офлайн-заявки по e-mail' }).check()
          await form.getByRole('combobox', { name: 'Язык сообщений' }).waitFor()
          await form
            .getByRole('radio', { name: 'Обращения из Telegram (люди пишут вашему боту)' })
            .check()
          await form.getByText('Личные чаты с ботом в Telegram', { exact: false }).waitFor()
          await form.getByRole('radio', { name: 'E-mail команде' }).check()
          await form.getByRole('textbox', { name: 'Адрес e-mail' }).waitFor()
          expect({ ...where, ruForm: await violations(page) }).toEqual({ ...where, ruForm: [] })
          await page.close()
          continue
        }
        await press(page, 'Add endpoint')
        const form = page.getByRole('form', { name: 'New endpoint' })
        await form.getByRole('radio', { name: 'Telegram chat' }).check()
        await press(page, 'Save', form)
        await form.getByText('Enter the chat id', { exact: false }).waitFor()
        expect({ ...where, telegram: await violations(page) }).toEqual({ ...where, telegram: [] })
        await form.getByRole('radio', { name: 'E-mail replies to offline requests' }).check()
        expect({ ...where, mail: await violations(page) }).toEqual({ ...where, mail: [] })
        await form
          .getByRole('radio', { name: 'Telegram channel (people write to your bot)' })
          .check()
        await press(page, 'Save', form)
        await form.getByText('Paste the token BotFather gave the bot', { exact: false }).waitFor()
        expect({ ...where, channel: await violations(page) }).toEqual({ ...where, channel: [] })
        await form.getByRole('radio', { name: 'E-mail to the team' }).check()
        await form.getByRole('textbox', { name: 'E-mail address' }).waitFor()
        expect({ ...where, team: await violations(page) }).toEqual({ ...where, team: [] })
        await page.close()
      }
    }
  }, 150_000)
})
