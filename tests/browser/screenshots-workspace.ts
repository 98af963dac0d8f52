/**
 * Screenshots of the operator's workspace (issue 16) for the README (run by
 * tests/browser/screenshots.ts):
 * - docs/panel-workspace.png / -dark.png: the triage list (views, filters, rows with names,
 *   previews, waiting times; the conversations that came by e-mail, from Telegram and through
 *   the API marked so: a local Telegram Bot API server, mail over SMTP to the server's inbound
 *   listener), a thread with a private note that mentions a colleague and the
 *   activity lines, and the visitor sidebar (contact, pages visited, past conversations);
 * - docs/panel-search.png: full-text search results with their highlights;
 * - docs/panel-canned.png: the `/` completion of canned replies in the composer;
 * - docs/panel-triage-375-dark.png: the list on a phone, dark;
 * - docs/panel-workspace-ru.png, docs/panel-triage-375-ru-dark.png: the same in Russian;
 * - docs/panel-overview.png: the supervisor's overview;
 * - docs/panel-setup.png: the first-run page that creates the first admin.
 * Each a server of its own.
 */
import { join } from 'node:path'
import nodemailer from 'nodemailer'
import type { Page } from 'playwright-core'
import { ROOT } from '../../client/build-stamp.ts'
import type { Logger } from '../../actors/index.ts'
import { startTestServer, type TestServer } from '../helpers/server.ts'
import { smtpEnv, startSmtp } from '../helpers/smtp.ts'
import { startBotApi } from '../helpers/telegram-bot-api.ts'
import { TestClient } from '../helpers/ws.ts'
import { imageLoaded } from './files.ts'
import { until, type TestBrowser } from './harness.ts'
import { PanelPage } from './panel-page.ts'
import { portrait, putAvatar } from './screenshots-profile.ts'

async function shoot(page: Page, file: string): Promise<void> {
  const imgs = page.locator('.avatar img')
  for (let i = 0; i < (await imgs.count()); i++) {
    await until(() => imageLoaded(imgs.nth(i)), `picture ${i} on ${file}`)
  }
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur())
  await page.waitForTimeout(250)
  const path = join(ROOT, 'docs', file)
  await page.screenshot({ path })
  console.log(`wrote ${path}`)
}

/** A visitor who starts a conversation (over the socket) and tells who they are. */
async function visitor(
  server: TestServer,
  text: string,
  profile: { name?: string; email?: string; phone?: string; attributes?: Record<string, string> },
  page?: { url: string; title: string },
  known?: string,
) {
  const token = known ?? (await server.visitorToken()).token
  if (Object.keys(profile).length > 0) {
    const res = await server.http('/api/visitor/profile', { method: 'PATCH', token, body: profile })
    if (res.status !== 200) throw new Error(`profile: ${JSON.stringify(res.body)}`)
  }
  const client = await TestClient.connect(server.wsUrl, { token })
  const started = await client.ok({
    type: 'start',
    clientMsgId: text,
    text,
    ...(page ? { context: { url: page.url, title: page.title, timeZone: 'Europe/Berlin' } } : {}),
  })
  return { token, client, id: started.conversation.id as string }
}

/** BotFather's kind of token, for the local Bot API server. */
const BOT_TOKEN = '7012345678:AAGx9zQk3vP2mWcR8tYbN4hJ6sLdF1eUoIq'

export async function workspaceShots(browser: TestBrowser): Promise<void> {
  const bot = startBotApi([BOT_TOKEN])
  const smtp = await startSmtp()
  const server = await startTestServer({
    env: {
      ...smtpEnv(smtp, 'Shop support <support@shop.example>'),
      MAIL_INBOUND_PORT: '0',
      TELEGRAM_API_URL: bot.url,
      TELEGRAM_POLL_SECONDS: '1',
    },
  })
  try {
    const token = await server.adminToken()
    const api = async (path: string, body?: unknown, method = body ? 'POST' : 'GET') => {
      const res = await server.http(path, { method, body, token })
      if (res.status >= 300) throw new Error(`${method} ${path}: ${JSON.stringify(res.body)}`)
      return res.body
    }
    const me = await api('/api/auth/me')
    await api(`/api/admin/operators/${me.operator.id}`, { name: 'Anna Petrova' }, 'PATCH')
    await putAvatar(
      server,
      token,
      '/api/me/avatar',
      await portrait({
        ground: '#c7d2fe',
        skin: '#f1c7a5',
        hair: '#6b3e26',
        shirt: '#4f46e5',
        long: true,
      }),
    )
    const max = await api('/api/admin/operators', {
      email: 'max@example.com',
      name: 'Max Orlov',
      password: 'operator-password-1',
      role: 'operator',
    })
    await putAvatar(
      server,
      token,
      `/api/admin/operators/${max.id}/avatar`,
      await portrait({ ground: '#bbf7d0', skin: '#e8b48f', hair: '#2f2f2f', shirt: '#0f766e' }),
    )
    const inboxId = await server.defaultInboxId()
    await api('/api/canned-replies', {
      scope: 'inbox',
      inboxId,
      shortcut: 'refund',
      title: 'Refund on its way',
      text: 'Hi {visitor.name}, your refund is on its way: it reaches your card within 3-5 working days. {operator.name}',
    })
    await api('/api/canned-replies', {
      scope: 'inbox',
      inboxId,
      shortcut: 'reset',
      title: 'Password reset link',
      text: 'You can reset your password at https://example.com/reset',
    })

    // Maria: a past conversation (resolved), then today's, from two pages of the shop.
    const past = await visitor(server, 'Can I pay by invoice?', {})
    past.client.close()
    await api(`/api/conversations/${past.id}/status`, { status: 'resolved' })
    const maria = await visitor(
      server,
      'Hi! I returned order #1042 two weeks ago. Where is my refund?',
      {
        name: 'Maria Ivanova',
        email: 'maria.ivanova@example.com',
        phone: '+49 30 1234567',
        attributes: { plan: 'Pro', orders: '14' },
      },
      { url: 'https://shop.example.com/account/orders/1042', title: 'Order #1042 · Shop' },
      past.token,
    )
    await maria.client.ok({
      type: 'page',
      conversationId: maria.id,
      url: 'https://shop.example.com/help/refunds',
      title: 'Refunds · Help',
    })
    // Others in the list.
    const others = [
      ['Do you ship to Norway?', { name: 'Lars Berg' }],
      ['The app crashes when I upload a photo', { email: 'j.smith@example.org' }],
      ['Is there a discount for students?', {}],
      ['How do I change my delivery address?', { name: 'Olga K.' }],
    ] as const
    for (const [text, profile] of others) (await visitor(server, text, profile)).client.close()
    // From the other channels: e-mail, a Telegram chat with the shop's bot, a CRM (the API).
    await channelConversations(server, api, inboxId, bot)

    const panel = await PanelPage.open(browser.context, server.url, {
      viewport: { width: 1440, height: 900 },
    })
    const page = panel.page
    await page.emulateMedia({ colorScheme: 'light' })
    const row = page.locator(`.conversation-row[data-conversation-id="${maria.id}"]`)
    await row.click()
    await panel.message('Where is my refund').waitFor()
    // A reply, a private note to Max, an assignment and a transfer line.
    await panel.send('Hello Maria! Let me check the refund for you.')
    await page.getByRole('radio', { name: 'Note' }).check()
    const box = page.locator('.composer textarea')
    await box.pressSequentially('@Ma')
    await page.locator('.mention-list li').first().waitFor()
    await page.keyboard.press('Enter')
    await box.pressSequentially(
      'could you check the refund status of order #1042 in the payments tool?',
    )
    await page.keyboard.press('Enter')
    await page.locator('.note').first().waitFor()
    await page.getByRole('radio', { name: 'Reply' }).check()
    await maria.client.ok({
      type: 'send',
      conversationId: maria.id,
      clientMsgId: 'm2',
      text: 'Thank you! The return label number is RT-55821.',
    })
    await panel.message('RT-55821').waitFor()
    await page.locator('.visitor-sidebar').getByText('Refunds · Help').first().waitFor()

    // Opening Maria's row scrolled the list to it; it moved to the top since.
    await page.locator('.conversations').evaluate((el) => el.scrollTo(0, 0))
    for (const theme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: theme })
      await shoot(page, theme === 'light' ? 'panel-workspace.png' : 'panel-workspace-dark.png')
    }
    await page.emulateMedia({ colorScheme: 'light' })

    // The canned replies' completion.
    await panel.input.fill('/ref')
    await page.getByRole('listbox').first().waitFor()
    await page.waitForTimeout(200)
    await page.screenshot({ path: join(ROOT, 'docs', 'panel-canned.png') })
    console.log('wrote docs/panel-canned.png')
    await page.keyboard.press('Escape')
    await panel.input.fill('')

    // Search.
    const search = page.getByRole('searchbox')
    await search.fill('refund')
    await page.locator('mark').first().waitFor()
    await page.waitForTimeout(300)
    await page.screenshot({ path: join(ROOT, 'docs', 'panel-search.png') })
    console.log('wrote docs/panel-search.png')
    await search.fill('')

    // The supervisor's overview.
    await page.getByRole('button', { name: 'Overview' }).click()
    await page.locator('.overview-inbox').first().waitFor()
    await page.waitForTimeout(400)
    await shoot(page, 'panel-overview.png')
    await page.getByRole('button', { name: /^Inbox/ }).click()

    // The list on a phone, dark.
    await page.setViewportSize({ width: 375, height: 760 })
    await page.emulateMedia({ colorScheme: 'dark' })
    await page.goBack()
    await panel.rows.first().waitFor()
    await shoot(page, 'panel-triage-375-dark.png')

    // In Russian (this device's choice): the phone's list, then the desktop with Maria open.
    await page.evaluate(() => localStorage.setItem('parley:lang', 'ru'))
    await page.reload()
    await page.getByRole('tab', { name: /^Все/ }).waitFor()
    await panel.rows.first().waitFor()
    await shoot(page, 'panel-triage-375-ru-dark.png')
    await page.setViewportSize({ width: 1440, height: 900 })
    await page.emulateMedia({ colorScheme: 'light' })
    await row.click()
    await panel.message('RT-55821').waitFor()
    await shoot(page, 'panel-workspace-ru.png')
    // The browser profile is shared with the other screenshots: back to English.
    await page.evaluate(() => localStorage.setItem('parley:lang', 'en'))
    await page.close()
  } finally {
    await server.stop()
    bot.stop()
    await smtp.stop()
  }
  await setupShot(browser)
}

/** A conversation from each channel besides the widget, in the inbox's list. */
async function channelConversations(
  server: TestServer,
  api: (path: string, body?: unknown, method?: string) => Promise<any>,
  inboxId: string,
  bot: ReturnType<typeof startBotApi>,
): Promise<void> {
  const inbox = () =>
    api(`/api/inbox?inbox=${inboxId}&limit=50`).then(
      (page) => page.items as Array<{ channel?: string }>,
    )
  const arrived = (channel: string) =>
    until(async () => (await inbox()).some((c) => c.channel === channel), `the ${channel} one`)
  await api(
    `/api/admin/inboxes/${inboxId}`,
    { settings: { emailAddress: 'help@shop.example' } },
    'PATCH',
  )
  const mta = nodemailer.createTransport({
    host: '127.0.0.1',
    port: server.inboundMailPort ?? 0,
    secure: false,
    ignoreTLS: true,
  })
  await mta.sendMail({
    from: 'Ada Lovelace <ada@customer.example>',
    to: 'help@shop.example',
    subject: 'Invoice for order #1077',
    text: 'Could you send the invoice for order #1077 to this address? Thanks, Ada',
  })
  mta.close()
  await arrived('email')
  await api('/api/webhooks', {
    inboxId,
    url: 'telegram:visitor',
    botToken: BOT_TOKEN,
    events: ['message.created'],
  })
  bot.push({
    message: {
      message_id: 1,
      date: 0,
      chat: { id: 555, type: 'private', first_name: 'Ivan' },
      from: { id: 555, is_bot: false, first_name: 'Ivan', last_name: 'Petrov' },
      text: 'Hi! Can I pick up my order at the shop today?',
    },
  })
  await arrived('telegram')
  await api('/api/conversations', {
    inboxId,
    contact: { name: 'Grace Hopper', email: 'grace@example.net' },
    text: 'Call back request from the CRM: a question about the warranty',
  })
}

/** The first-run page: a server with no admin, opened from the link its log printed. */
async function setupShot(browser: TestBrowser): Promise<void> {
  let link = ''
  const log: Logger = {
    debug: () => undefined,
    info: () => undefined,
    warn: (msg, fields) => {
      if (msg.startsWith('no admin yet')) link = String(fields?.url)
    },
    error: () => undefined,
    child: () => log,
  }
  const server = await startTestServer({ env: { ADMIN_EMAIL: '', ADMIN_PASSWORD: '' }, log })
  try {
    const page = await browser.context.newPage()
    await page.setViewportSize({ width: 1100, height: 760 })
    await page.emulateMedia({ colorScheme: 'light' })
    await page.goto(`${server.url}/panel/${new URL(link).hash}`)
    await page.getByRole('form', { name: 'Welcome to Parley' }).waitFor()
    await page.getByLabel('Your name').fill('Anna Petrova')
    await page.getByLabel('Email').fill('anna@example.com')
    await shoot(page, 'panel-setup.png')
    await page.close()
  } finally {
    await server.stop()
  }
}
