/**
 * The channels in the panel (issue 17, I3-I5), on a real server with an inbound SMTP listener
 * (MAIL_INBOUND_PORT=0, mail sent with nodemailer), a local Telegram Bot API server and a local
 * SMTP relay:
 * - the list, the search results and the conversation's details mark where a conversation came
 *   from: e-mail, Telegram, the API (an icon named for screen readers; in the details, its name
 *   beside it and a tooltip saying
 *   where the answers go); the widget's keep their live chat / offline request icon and have no
 *   channel in the details; an answer typed in a Telegram conversation reaches the chat;
 * - an inbox's e-mail address, keyboard only: a malformed one (422) and another inbox's (409)
 *   refused and marked on the field, then saved lower-cased; mail to it becomes a conversation;
 * - the operator's e-mail digest, keyboard only: switched on and off (PUT, read back through
 *   the API), kept when the dialog opens again; on a server that sends no e-mail the box is
 *   disabled and says why;
 * - axe-core finds no serious violation, light and dark, desktop and 375 px; Russian reads.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import nodemailer from 'nodemailer'
import type { Locator, Page } from 'playwright-core'
import { startTestServer, type TestServer } from '../helpers/server.ts'
import { smtpEnv, startSmtp, type SmtpSink } from '../helpers/smtp.ts'
import { startBotApi, type BotApi } from '../helpers/telegram-bot-api.ts'
import { TestClient } from '../helpers/ws.ts'
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
const BOT = '7012345678:AAGx9zQk3vP2mWcR8tYbN4hJ6sLdF1eUoIq'
const PHONE = { width: 375, height: 740 }

const focused = (locator: Locator) => locator.evaluate((el) => el === document.activeElement)

/** The text of what describes an element (its aria-describedby targets). */
const description = (locator: Locator) =>
  locator.evaluate((el) =>
    (el.getAttribute('aria-describedby') ?? '')
      .split(/\s+/)
      .map((id) => document.getElementById(id)?.textContent ?? '')
      .join(' ')
      .trim(),
  )

/** Presses a button with the keyboard. */
async function press(page: Page, scope: Locator, name: string | RegExp) {
  await scope.getByRole('button', { name, exact: typeof name === 'string' }).focus()
  await page.keyboard.press('Enter')
}

/** The notifications dialog, opened from the account menu with the keyboard. */
async function openNotifications(page: Page, ru = false) {
  await page.locator('.account-button').focus()
  await page.keyboard.press('ArrowUp')
  const item = page.getByRole('menuitem', { name: ru ? 'Уведомления…' : 'Notifications…' })
  await item.waitFor()
  await item.focus()
  await page.keyboard.press('Enter')
  const dialog = page.getByRole('dialog', { name: ru ? 'Уведомления' : 'Notifications' })
  await dialog.waitFor()
  return dialog
}

const DIGEST = "E-mail me a digest of waiting conversations while I'm offline"

describe.skipIf(skipBrowserTests)('panel channels', () => {
  let server: TestServer
  let browser: TestBrowser
  let smtp: SmtpSink
  let bot: BotApi
  let admin: string
  let inboxId: string

  beforeAll(async () => {
    ensureClientBuilt()
    smtp = await startSmtp()
    bot = startBotApi([BOT])
    server = await startTestServer({
      env: {
        ...smtpEnv(smtp, 'Shop support <no-reply@shop.example>'),
        MAIL_INBOUND_PORT: '0',
        TELEGRAM_API_URL: bot.url,
        TELEGRAM_POLL_SECONDS: '1',
      },
    })
    browser = await launchBrowser()
    admin = await server.adminToken()
    inboxId = await server.defaultInboxId()
  }, 120_000)
  afterAll(async () => {
    await browser?.close()
    await server?.stop()
    bot?.stop()
    await smtp?.stop()
  })

  /** Conversations of the default inbox, newest first. */
  const conversations = async () => {
    const res = await server.http(`/api/inbox?inbox=${inboxId}&limit=50`, { token: admin })
    expect(res.status).toBe(200)
    return res.body.items as Array<{ id: string; channel?: string }>
  }

  /** Sends mail to the inbound listener; the conversation it became. */
  async function mailIn(to: string, subject: string, text: string): Promise<string> {
    const before = new Set((await conversations()).map((c) => c.id))
    const mta = nodemailer.createTransport({
      host: '127.0.0.1',
      port: server.inboundMailPort ?? 0,
      secure: false,
      ignoreTLS: true,
    })
    // The listener reads the inboxes' addresses again every 10 s: a new one may be refused
    // (550) until then.
    await until(
      () =>
        mta.sendMail({ from: 'Ada Lovelace <ada@customer.example>', to, subject, text }).then(
          () => true,
          () => false,
        ),
      'the mail to be taken',
      15_000,
    )
    mta.close()
    let id = ''
    await until(async () => {
      id = (await conversations()).find((c) => !before.has(c.id) && c.channel === 'email')?.id ?? ''
      return id !== ''
    }, 'the e-mail conversation')
    return id
  }

  /** The four kinds of conversation: the widget's, e-mail, Telegram and the API's. */
  let made: Promise<Record<'widget' | 'email' | 'telegram' | 'api', string>> | undefined
  const madeAll = () =>
    (made ??= (async () => {
      const visitor = await server.visitorToken()
      const client = await TestClient.connect(server.wsUrl, { token: visitor.token })
      const widget = (
        await client.ok({ type: 'start', clientMsgId: 'w1', text: 'Hello from the widget' })
      ).conversation.id as string
      client.close()

      const address = await server.http(`/api/admin/inboxes/${inboxId}`, {
        token: admin,
        method: 'PATCH',
        body: { settings: { emailAddress: 'support@shop.example' } },
      })
      expect(address.status).toBe(200)
      const email = await mailIn('support@shop.example', 'Broken parcel', 'The box was crushed')

      const endpoint = await server.http('/api/webhooks', {
        token: admin,
        body: { inboxId, url: 'telegram:visitor', events: ['message.created'], botToken: BOT },
      })
      expect(endpoint.status).toBe(201)
      bot.push({
        message: {
          message_id: 1,
          date: 0,
          chat: { id: 555, type: 'private', first_name: 'Ivan' },
          from: { id: 555, is_bot: false, first_name: 'Ivan', last_name: 'Petrov' },
          text: 'Parcel question from Telegram',
        },
      })
      let telegram = ''
      await until(
        async () => {
          telegram = (await conversations()).find((c) => c.channel === 'telegram')?.id ?? ''
          return telegram !== ''
        },
        'the Telegram conversation',
        20_000,
      )

      const started = await server.http('/api/conversations', {
        token: admin,
        body: { inboxId, contact: { name: 'Grace Hopper' }, text: 'Parcel question from the CRM' },
      })
      expect(started.status).toBe(201)
      const api = started.body.conversation.id as string
      expect(started.body.conversation.channel).toBe('api')
      return { widget, email, telegram, api }
    })())

  const row = (page: Page, id: string) =>
    page.locator(`.conversations:not(.search-list) .conversation-row[data-conversation-id="${id}"]`)

  test('channels - keyboard only: the list, the search results and the details mark e-mail, Telegram and API conversations; an answer reaches the Telegram chat', async () => {
    const ids = await madeAll()
    const panel = await PanelPage.open(browser.context, server.url, { initScript: EN })
    const { page } = panel
    const marks = {
      email: ['E-mail', 'Answers go back by e-mail'],
      telegram: ['Telegram', 'Answers go back to the Telegram chat'],
      api: ['API', 'Started through the API'],
    } as const
    for (const [kind, [name]] of Object.entries(marks)) {
      const mark = row(page, ids[kind as keyof typeof marks]).locator('.channel')
      await mark.waitFor()
      // Named for screen readers (and in its tooltip); the icon itself is hidden from them.
      expect(await mark.innerText()).toBe(name)
      expect(await mark.getAttribute('title')).toBe(name)
      expect(await mark.locator('svg').getAttribute('aria-hidden')).toBe('true')
      // The row's accessible name says it.
      await page
        .getByRole('button', { name: new RegExp(`^${name}\\b`) })
        .first()
        .waitFor()
    }
    // The widget's keeps its own mark.
    expect(await row(page, ids.widget).locator('.channel').innerText()).toBe('Live chat')

    // The details: the channel named, its tooltip saying where answers go.
    for (const [kind, [name, hint]] of Object.entries(marks)) {
      const id = ids[kind as keyof typeof marks]
      await row(page, id).focus()
      await page.keyboard.press('Enter')
      const pane = page.locator(`.pane.conversation[data-conversation-id="${id}"]`)
      const channel = pane.locator('.conv-details div', { hasText: 'Channel' })
      await channel.waitFor()
      expect(await channel.innerText()).toBe(`Channel\n${name}`)
      expect(await channel.locator('.channel').getAttribute('title')).toBe(hint)
    }
    await row(page, ids.widget).focus()
    await page.keyboard.press('Enter')
    await page.locator(`.pane.conversation[data-conversation-id="${ids.widget}"]`).waitFor()
    expect(await page.locator('.conv-details .channel').count()).toBe(0)

    // Answered from the panel, a Telegram conversation's reply goes to the chat.
    await row(page, ids.telegram).focus()
    await page.keyboard.press('Enter')
    await panel.input.waitFor()
    await panel.input.focus()
    await page.keyboard.insertText('It ships tomorrow')
    await page.keyboard.press('Enter')
    await bot.waitFor((sent) => sent.some((m) => m.text.includes('It ships tomorrow')), 20_000)
    expect(bot.sent.find((m) => m.text.includes('It ships tomorrow'))!.chatId).toBe('555')

    // Search results carry the marks too.
    const box = page.getByRole('searchbox', { name: 'Search conversations' })
    await box.focus()
    await page.keyboard.insertText('parcel')
    const results = page.getByRole('list', { name: 'Search results' })
    await results.getByRole('button').nth(2).waitFor()
    for (const [kind, [name]] of Object.entries(marks)) {
      const hit = results.locator(
        `.conversation-row[data-conversation-id="${ids[kind as keyof typeof marks]}"] .channel`,
      )
      expect(await hit.innerText()).toBe(name)
    }
    await page.close()
  }, 90_000)

  test('channels - inbox e-mail address, keyboard only: malformed and taken ones refused on the field, then saved lower-cased; mail to it becomes a conversation', async () => {
    const other = await server.http('/api/admin/inboxes', {
      token: admin,
      body: { name: 'Wholesale', settings: { emailAddress: 'sales@shop.example' } },
    })
    expect(other.status).toBe(201)
    const { page } = await PanelPage.open(browser.context, server.url, { initScript: EN })
    await press(page, page.locator('body'), 'Settings')
    const form = page.locator(`form[data-inbox="${inboxId}"]`)
    const field = form.getByRole('textbox', { name: "The inbox's e-mail address (optional)" })
    await field.waitFor()
    // Its hint describes it.
    expect(await description(field)).toBe(
      'Mail to this address becomes conversations; answers go out with it as Reply-To.',
    )
    const save = async () => {
      await press(page, form, 'Save')
    }
    const attempt = async (address: string) => {
      await field.focus()
      await page.keyboard.press('ControlOrMeta+a')
      await page.keyboard.press('Delete')
      await page.keyboard.insertText(address)
      await save()
    }

    // Not an address the server takes (the browser lets it through): refused, named.
    await attempt('help@localhost')
    const alert = form.getByRole('alert')
    await alert.getByText('not an e-mail address', { exact: false }).waitFor()
    expect(await field.getAttribute('aria-invalid')).toBe('true')
    expect(await description(field)).toContain('not an e-mail address')
    // Another inbox's: a conflict, on the field too.
    await attempt('Sales@Shop.example')
    await alert.getByText('another inbox has this e-mail address', { exact: false }).waitFor()
    expect(await field.getAttribute('aria-invalid')).toBe('true')
    expect(await description(field)).toContain('another inbox has this e-mail address')
    expect(await violations(page)).toEqual([])

    await attempt('Help@Shop.Example')
    await form.getByRole('status').filter({ hasText: 'Saved' }).waitFor()
    expect(await field.getAttribute('aria-invalid')).toBe(null)
    const stored = await server.http('/api/admin/inboxes', { token: admin })
    const mine = (stored.body.inboxes as Array<{ id: string; settings: any }>).find(
      (i) => i.id === inboxId,
    )
    expect(mine!.settings.emailAddress).toBe('help@shop.example')

    // Mail to it is a conversation, marked in the list.
    const id = await mailIn('help@shop.example', 'Invoice', 'Please send the invoice again')
    await page.goto(`${server.url}/panel/`)
    await row(page, id).locator('.channel', { hasText: 'E-mail' }).waitFor()

    // Emptied: no address.
    await press(page, page.locator('body'), 'Settings')
    await attempt('')
    await form.getByRole('status').filter({ hasText: 'Saved' }).waitFor()
    const cleared = await server.http('/api/admin/inboxes', { token: admin })
    expect(
      (cleared.body.inboxes as Array<{ id: string; settings: any }>).find((i) => i.id === inboxId)!
        .settings.emailAddress,
    ).toBe(null)
    await page.close()
  }, 90_000)

  test('channels - e-mail digest, keyboard only: switched on and off, saved on the server, kept when the dialog opens again', async () => {
    const { page } = await PanelPage.open(browser.context, server.url, { initScript: EN })
    const stored = async () =>
      (await server.http('/api/me/notifications', { token: admin })).body as {
        emailDigest: boolean
        available: boolean
      }
    expect(await stored()).toEqual({ emailDigest: false, available: true })
    let dialog = await openNotifications(page)
    const box = () => dialog.getByRole('checkbox', { name: DIGEST })
    await until(async () => !(await box().isDisabled()), 'the digest setting to load')
    expect(await box().isChecked()).toBe(false)
    await box().focus()
    await page.keyboard.press('Space')
    await until(async () => (await stored()).emailDigest, 'the digest switched on')
    expect(await box().isChecked()).toBe(true)
    expect(await violations(page)).toEqual([])
    await page.keyboard.press('Escape')
    await dialog.waitFor({ state: 'detached' })

    dialog = await openNotifications(page)
    await until(() => box().isChecked(), 'the digest shown on')
    await box().focus()
    await page.keyboard.press('Space')
    await until(async () => !(await stored()).emailDigest, 'the digest switched off')
    expect(await dialog.getByRole('alert').count()).toBe(0)
    await page.close()
  }, 60_000)

  test('channels - no serious axe violation (marks in the list and the details, the e-mail field refused, the digest), light and dark, desktop and 375 px; nothing scrolls sideways on a phone; Russian', async () => {
    const ids = await madeAll()
    for (const scheme of ['light', 'dark'] as const) {
      for (const viewport of [undefined, PHONE]) {
        const ru = scheme === 'dark'
        const where = { scheme, viewport, ru }
        const { page } = await PanelPage.open(browser.context, server.url, {
          viewport,
          initScript: ru ? RU : EN,
        })
        await page.emulateMedia({ colorScheme: scheme })
        const mark = row(page, ids.email).locator('.channel')
        await mark.waitFor()
        expect(await mark.innerText()).toBe(ru ? 'Почта' : 'E-mail')
        expect({ ...where, list: await violations(page) }).toEqual({ ...where, list: [] })

        await row(page, ids.telegram).focus()
        await page.keyboard.press('Enter')
        const channel = page.locator('.conv-details .channel')
        await channel.waitFor()
        expect(await channel.getAttribute('title')).toBe(
          ru ? 'Ответы уходят в чат Telegram' : 'Answers go back to the Telegram chat',
        )
        expect({ ...where, details: await violations(page) }).toEqual({ ...where, details: [] })
        if (viewport) {
          const width = await page.evaluate(() => document.documentElement.scrollWidth)
          expect(width).toBeLessThanOrEqual(375)
          // The header and the details fit.
          for (const part of ['.conv-head', '.conv-details']) {
            const box = await page
              .locator(part)
              .evaluate((el) => ({ scroll: el.scrollWidth, client: el.clientWidth }))
            expect({ part, fits: box.scroll <= box.client }).toEqual({ part, fits: true })
          }
          await press(
            page,
            page.locator('body'),
            ru ? 'Назад к разговорам' : 'Back to conversations',
          )
        }
        await row(page, ids.email).focus()
        await page.keyboard.press('Enter')
        await page.locator('.conv-details .channel', { hasText: ru ? 'Почта' : 'E-mail' }).waitFor()
        if (viewport)
          await press(
            page,
            page.locator('body'),
            ru ? 'Назад к разговорам' : 'Back to conversations',
          )

        await press(page, page.locator('body'), ru ? 'Настройки' : 'Settings')
        const form = page.locator(`form[data-inbox="${inboxId}"]`)
        const field = form.getByRole('textbox', {
          name: ru ? 'E-mail ящика (необязательно)' : "The inbox's e-mail address (optional)",
        })
        await field.fill('help@localhost')
        await press(page, form, ru ? 'Сохранить' : 'Save')
        await form.getByRole('alert').waitFor()
        expect({ ...where, alert: await form.getByRole('alert').innerText() }).toEqual({
          ...where,
          alert: expect.stringContaining('emailAddress'),
        })
        expect({ ...where, invalid: await field.getAttribute('aria-invalid') }).toEqual({
          ...where,
          invalid: 'true',
        })
        expect({ ...where, form: await violations(page) }).toEqual({ ...where, form: [] })
        if (viewport) {
          const main = await page
            .locator('main')
            .evaluate((el) => ({ scroll: el.scrollWidth, client: el.clientWidth }))
          expect(main.scroll).toBeLessThanOrEqual(main.client)
        }

        const dialog = await openNotifications(page, ru)
        const box = dialog.getByRole('checkbox', {
          name: ru ? 'Присылать мне на почту сводку ждущих разговоров, пока я не в сети' : DIGEST,
        })
        await until(async () => !(await box.isDisabled()), 'the digest setting to load')
        expect({ ...where, dialog: await violations(page) }).toEqual({ ...where, dialog: [] })
        await page.close()
      }
    }
  }, 180_000)
})

describe.skipIf(skipBrowserTests)('panel channels without e-mail', () => {
  const env = useServerAndBrowser()

  test('channels - on a server that sends no e-mail the digest cannot be switched on, and the dialog says why; in Russian too', async () => {
    for (const ru of [false, true]) {
      const { page } = await PanelPage.open(env.browser.context, env.server.url, {
        initScript: ru ? RU : EN,
      })
      const dialog = await openNotifications(page, ru)
      const why = ru
        ? 'Недоступно: этот сервер не отправляет почту (SMTP не настроен).'
        : 'Not available: this server sends no e-mail (SMTP is not set up).'
      await dialog.getByText(why).waitFor()
      const box = dialog.getByRole('checkbox', {
        name: ru ? 'Присылать мне на почту сводку ждущих разговоров, пока я не в сети' : DIGEST,
      })
      expect(await box.isDisabled()).toBe(true)
      expect(await box.isChecked()).toBe(false)
      // The reason describes the box.
      expect(await description(box)).toBe(why)
      expect(await violations(page)).toEqual([])
      await page.close()
    }
  }, 60_000)

  test('channels - a digest the server refuses (SMTP gone since the dialog read the setting) is switched back off, and the refusal shown', async () => {
    const { page } = await PanelPage.open(env.browser.context, env.server.url, { initScript: EN })
    // The dialog reads an older answer: e-mail available. The switch goes to the real server.
    await page.route('**/api/me/notifications', (route) =>
      route.request().method() === 'GET'
        ? route.fulfill({ json: { emailDigest: false, available: true } })
        : route.continue(),
    )
    const dialog = await openNotifications(page)
    const box = dialog.getByRole('checkbox', { name: DIGEST })
    await until(async () => !(await box.isDisabled()), 'the digest setting to load')
    await box.focus()
    await page.keyboard.press('Space')
    await dialog
      .getByRole('alert')
      .getByText('this server sends no e-mail (SMTP_HOST) (not_configured)')
      .waitFor()
    expect(await box.isChecked()).toBe(false)
    expect(await focused(box)).toBe(true)
    expect(await violations(page)).toEqual([])
    const stored = await env.server.http('/api/me/notifications', {
      token: await env.server.adminToken(),
    })
    expect(stored.body).toEqual({ emailDigest: false, available: false })
    await page.close()
  }, 60_000)
})
