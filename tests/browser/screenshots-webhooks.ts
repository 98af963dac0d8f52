/**
 * Screenshots of an inbox's webhooks (issue 17, I1, I2, I4, I5) for the README (run by
 * tests/browser/screenshots.ts), with a server of its own: docs/panel-webhooks.png and
 * docs/panel-webhooks-dark.png, the four kinds of endpoint: two webhooks on local receivers,
 * one whose receiver has answered 500 for a day, shown failing, one that answers, its delivery
 * log open (new conversations and a test event, delivered); a Telegram chat (a local Bot API
 * server, TELEGRAM_API_URL) notified of the new conversations; e-mail replies to offline
 * requests (a local SMTP server), in Russian, its test e-mail sent; the Telegram channel (the
 * support bot people write to), its bot checked. And
 * docs/panel-webhooks-telegram.png: the form, a Telegram chat being added.
 *
 * The server's clock is a fake one started a day and a bit ago, walked through the failing
 * endpoint's retries, so the times read like a day's history.
 */
import { join } from 'node:path'
import { FakeClock } from '../../actors/index.ts'
import { ROOT } from '../../client/build-stamp.ts'
import { httpStart } from '../helpers/http.ts'
import { startTestServer } from '../helpers/server.ts'
import { SMTP_PASSWORD, SMTP_USER, startSmtp } from '../helpers/smtp.ts'
import { startBotApi } from '../helpers/telegram-bot-api.ts'
import type { TestBrowser } from './harness.ts'
import { PanelPage } from './panel-page.ts'

/** BotFather's kind of token, for the local Bot API server. */
const BOT_TOKEN = '7012345678:AAGx9zQk3vP2mWcR8tYbN4hJ6sLdF1eUoIq'

export async function webhookShots(browser: TestBrowser): Promise<void> {
  const bot = startBotApi([BOT_TOKEN])
  const smtp = await startSmtp()
  const receiver = Bun.serve({
    port: 0,
    hostname: '127.0.0.1',
    fetch: (req) =>
      new URL(req.url).pathname === '/crm'
        ? Response.json({ ok: true })
        : new Response('upstream unavailable', { status: 500 }),
  })
  const clock = new FakeClock(Date.now() - 26 * 3_600_000)
  const server = await startTestServer({
    clock,
    env: {
      WEBHOOK_ALLOW_HOSTS: 'localhost,127.0.0.1',
      TELEGRAM_API_URL: bot.url,
      SMTP_HOST: '127.0.0.1',
      SMTP_PORT: String(smtp.port),
      SMTP_USER,
      SMTP_PASSWORD,
      SMTP_FROM: 'Acme support <support@acme.example>',
      // The clock walks a day: the session must outlive the walk.
      OPERATOR_SESSION_TTL: String(7 * 86400),
    },
  })
  try {
    const token = await server.adminToken()
    const inboxId = await server.defaultInboxId()
    const create = async (body: Record<string, unknown>) => {
      const res = await server.http('/api/webhooks', { token, body: { inboxId, ...body } })
      if (res.status !== 201) throw new Error(`endpoint not made: ${JSON.stringify(res.body)}`)
      return res.body.endpoint.id as string
    }
    // The failing one first: it heads the list.
    const failing = await create({
      url: `http://localhost:${receiver.port}/analytics`,
      description: 'Old analytics',
      events: ['conversation.created', 'conversation.closed'],
    })
    const crm = await create({
      url: `http://localhost:${receiver.port}/crm`,
      description: 'CRM sync',
      events: ['conversation.created', 'conversation.resolved', 'message.created'],
    })
    const telegram = await create({
      url: 'telegram:-1001234567890',
      botToken: BOT_TOKEN,
      description: 'Support team group',
      events: ['conversation.created', 'conversation.assigned', 'offline_request.created'],
    })
    const mail = await create({
      url: 'email:visitor?lang=ru',
      description: 'Answers to offline requests',
      events: ['message.created'],
    })
    const channel = await create({
      url: 'telegram:visitor',
      botToken: BOT_TOKEN,
      description: '@acme_support_bot: customers write to it',
      events: ['message.created'],
    })
    await httpStart(server, undefined, 'Where is my order #1042?')
    await server.webhooks.drain()
    // A day of retries for the failing one.
    for (let i = 0; i < 200; i++) {
      const res = await server.http(`/api/webhooks/${failing}/deliveries?status=pending`, {
        token,
      })
      const due = (res.body.deliveries as Array<{ nextAttemptAt: number }>).map(
        (d) => d.nextAttemptAt,
      )
      if (due.length === 0) break
      await clock.advance(Math.max(0, Math.min(...due) - clock.now()))
      await server.webhooks.drain()
    }
    for (const text of ['Do you ship to Norway?', 'Can I change the delivery address?']) {
      await clock.advance(17 * 60_000 + 23_000)
      await httpStart(server, undefined, text)
      await server.webhooks.drain()
    }
    await clock.advance(4 * 60_000 + 41_000)
    for (const id of [crm, telegram, mail, channel])
      await server.http(`/api/webhooks/${id}/ping`, { method: 'POST', token })
    await server.webhooks.drain()
    await smtp.waitFor((r) => r.length === 1)
    await bot.waitFor((sent) => sent.some((m) => m.text.includes('test')))

    for (const dark of [false, true]) {
      const { page } = await PanelPage.open(browser.context, server.url, {
        viewport: { width: 1280, height: 900 },
        initScript: "localStorage.setItem('parley:lang', 'en')",
      })
      await page.emulateMedia({ colorScheme: dark ? 'dark' : 'light' })
      await page.getByRole('button', { name: 'Settings' }).click()
      await page
        .locator(`form[data-inbox="${inboxId}"]`)
        .getByRole('button', { name: 'Webhooks' })
        .click()
      const row = page.locator('div.card', { hasText: '/crm' })
      await row.getByRole('button', { name: 'Delivery log' }).click()
      await row.locator('tbody tr').first().waitFor()
      await page.getByText('Failing since').waitFor()
      await page.getByText('E-mail to visitors (ru)').waitFor()
      await page.getByText('Telegram channel', { exact: true }).waitFor()
      await page.locator('h2').focus()
      // The page scrolls inside <main>: the window grows to show all of it.
      const height = await page
        .locator('main')
        .evaluate((el) => el.scrollHeight + el.getBoundingClientRect().top)
      await page.setViewportSize({ width: 1280, height: Math.ceil(height) })
      await page.waitForTimeout(200)
      const path = join(ROOT, 'docs', dark ? 'panel-webhooks-dark.png' : 'panel-webhooks.png')
      await page.screenshot({ path })
      console.log(`wrote ${path}`)
      if (dark) {
        await page.close()
        continue
      }
      // The form: a Telegram chat being added.
      await page.setViewportSize({ width: 1280, height: 1080 })
      await page.getByRole('button', { name: 'Add endpoint' }).click()
      const form = page.getByRole('form', { name: 'New endpoint' })
      await form.getByRole('radio', { name: 'Telegram chat' }).check()
      await form.getByRole('textbox', { name: 'Chat id or @channel' }).fill('@acme_support')
      await form.getByLabel('Bot token').fill(BOT_TOKEN)
      await form.getByRole('combobox', { name: 'Language of the messages' }).selectOption('ru')
      await form.getByRole('textbox', { name: 'Description (optional)' }).fill('Night shift')
      await form.getByRole('checkbox', { name: 'message.created' }).uncheck()
      await page.locator('h2').focus()
      await page.waitForTimeout(200)
      const formPath = join(ROOT, 'docs', 'panel-webhooks-telegram.png')
      await page.screenshot({ path: formPath })
      console.log(`wrote ${formPath}`)
      await page.close()
    }
  } finally {
    await server.stop()
    receiver.stop(true)
    bot.stop()
    await smtp.stop()
  }
}
