/**
 * The pre-chat form and the page context in the widget (docs/protocol.md 14): in `before` mode
 * the form comes first (labels, required marks, an e-mail input, a select), a bad e-mail is
 * refused beside its field (by the widget's own check and by the server's 422), the answers go
 * to the visitor's profile and then the visitor writes; the conversation starts with the host
 * page's URL, title and referrer, and a single-page app's navigation (history.pushState) is
 * recorded as `conversation.context`. A conversation the server holds for a newly required
 * answer shows the form again with the message kept. In `after` mode a card asks after the
 * first message (answered, or declined for good); "Your details" changes the answers later,
 * keyboard only. No serious axe-core violation, light and dark, desktop and 375 px, en and ru.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import type { Frame as PageFrame } from 'playwright-core'
import { startTestServer, type TestServer } from '../helpers/server.ts'
import {
  connectOperator,
  ensureClientBuilt,
  launchBrowser,
  serveHostPage,
  skipBrowserTests,
  until,
  Widget,
  type TestBrowser,
} from './harness.ts'
import { violations, widgetDocument } from './axe.ts'

type Operator = Awaited<ReturnType<typeof connectOperator>>

const EMAIL = {
  key: 'email',
  type: 'email',
  label: { en: 'E-mail', ru: 'Эл. почта' },
  required: false,
}
const PLAN = {
  key: 'plan',
  type: 'select',
  label: { en: 'Plan', ru: 'Тариф' },
  required: true,
  options: ['Free', 'Pro', 'Team'],
}
const NAME = { key: 'name', type: 'text', label: { en: 'Name', ru: 'Имя' }, required: false }
const PHONE = {
  key: 'phone',
  type: 'phone',
  label: { en: 'Phone', ru: 'Телефон' },
  required: false,
}

/** axe in both themes (the host page follows the system theme). */
async function violationsLightAndDark(widget: Widget, what: string): Promise<string[]> {
  const problems: string[] = []
  for (const theme of ['light', 'dark'] as const) {
    await widget.page.emulateMedia({ colorScheme: theme })
    await widget.frame.locator(theme === 'dark' ? '.pw.dark' : '.pw:not(.dark)').waitFor()
    for (const v of await violations(widgetDocument(widget.page)))
      problems.push(`${what} ${theme}: ${v}`)
  }
  return problems
}

/** A site embedding the widget, with a title of its own (a single-page app may change it). */
function site(s: TestServer, inboxId: string, attrs = '') {
  return serveHostPage(`<!doctype html><html lang="en"><head><title>Pricing | Acme</title></head>
<body><p>Acme pricing</p>
<script src="${s.url}/widget/loader.js" data-inbox="${inboxId}"${attrs} async></script>
</body></html>`)
}

const active = (el: Element) => el === el.ownerDocument.activeElement

describe.skipIf(skipBrowserTests)('widget pre-chat form and page context', () => {
  let browser: TestBrowser
  let s: TestServer
  let inboxId: string
  let operator: Operator
  const seen = new Set<string>()

  beforeAll(async () => {
    ensureClientBuilt()
    s = await startTestServer()
    browser = await launchBrowser()
    inboxId = await s.defaultInboxId()
    operator = await connectOperator(s)
  }, 120_000)
  afterAll(async () => {
    operator?.client.close()
    await browser?.close()
    await s?.stop()
  })

  async function form(preChat: { mode: string; fields: unknown[] }) {
    const res = await s.http(`/api/admin/inboxes/${inboxId}`, {
      method: 'PATCH',
      token: await s.adminToken(),
      body: { settings: { preChat } },
    })
    expect(res.status).toBe(200)
    const want = JSON.stringify(preChat)
    await until(async () => {
      const answer = await s.http(`/api/visitor/availability?inboxId=${inboxId}`)
      return JSON.stringify(answer.body.preChat) === want
    }, 'availability to carry the form')
  }

  async function open(host: { port?: number }, opts: { phone?: boolean; referer?: string } = {}) {
    const page = await browser.context.newPage()
    if (opts.phone) await page.setViewportSize({ width: 375, height: 740 })
    await page.goto(`http://127.0.0.1:${host.port}/`, { referer: opts.referer })
    const widget = new Widget(page)
    await widget.launcher.click()
    return widget
  }

  /** The next conversation the operator has not seen yet. */
  async function nextConversation(): Promise<string> {
    const feed = await operator.client.next(
      (f) =>
        f.type === 'feed' &&
        f.name === 'conversation' &&
        f.data.change === 'created' &&
        !seen.has(f.data.conversation.id),
      10_000,
    )
    const id = feed.data.conversation.id as string
    seen.add(id)
    return id
  }

  const visitorOf = async (id: string) =>
    (await s.http(`/api/conversations/${id}/visitor`, { token: operator.token })).body

  test('pre-chat - before: the form first, a bad e-mail refused beside it (the widget and the server), then the visitor writes; the conversation has the answers and the host page; a pushState is recorded', async () => {
    await form({ mode: 'before', fields: [{ ...EMAIL, required: true }, PLAN] })
    using host = site(s, inboxId)
    const widget = await open(host, { referer: 'https://search.example/?q=acme' })
    const f = widget.frame
    const details = f.locator('form.details')
    await details.waitFor()
    expect(await f.locator('.composer').count()).toBe(0)
    expect(await details.locator('h2').innerText()).toBe('Your details')
    const email = details.getByLabel('E-mail')
    const plan = details.getByLabel('Plan')
    expect(await email.getAttribute('type')).toBe('email')
    expect(await email.getAttribute('required')).not.toBeNull()
    expect(await details.locator('label[for="pw-d-email"]').innerText()).toBe('E-mail *')
    expect(await plan.evaluate((el) => el.tagName)).toBe('SELECT')
    expect(await plan.locator('option').allInnerTexts()).toEqual(['Choose…', 'Free', 'Pro', 'Team'])
    const start = details.getByRole('button', { name: 'Start chat' })

    // The widget's own check: nothing sent, the error by the field, focus on it.
    await email.fill('anna@example')
    await plan.selectOption('Pro')
    await start.click()
    const error = f.locator('#pw-d-email-error')
    await until(
      async () => (await error.innerText()) === 'Enter an e-mail address like name@example.com',
      'the e-mail error',
    )
    expect(await email.getAttribute('aria-invalid')).toBe('true')
    expect(await email.getAttribute('aria-describedby')).toBe('pw-d-email-error')
    expect(await email.evaluate(active)).toBe(true)
    // The server's check (two dots in a row): its 422 message by the field it names.
    await email.fill('anna..smith@example.com')
    await start.click()
    await until(
      async () => (await error.innerText()) === 'must be an email address',
      "the server's refusal by the e-mail field",
    )
    expect(await f.locator('.composer').count()).toBe(0)

    await email.fill('anna@example.com')
    await start.click()
    await f.locator('.composer textarea').waitFor()
    expect(await details.count()).toBe(0)
    await widget.send('Does Pro include phone support?')
    const id = await nextConversation()
    await widget.waitStatus('Does Pro include phone support?', 'sent')

    const { visitor, context } = await visitorOf(id)
    expect(visitor).toMatchObject({ email: 'anna@example.com', attributes: { plan: 'Pro' } })
    expect(context).toMatchObject({
      url: `http://127.0.0.1:${host.port}/`,
      title: 'Pricing | Acme',
      referrer: 'https://search.example/?q=acme',
      device: 'desktop',
    })
    expect(context.browser).toContain('Chrome')
    expect(context.language).toBe(await widget.page.evaluate(() => navigator.language))
    expect(context.timeZone).toBe(
      await widget.page.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone),
    )

    // A single-page app moves on: one `conversation.context` with the new page, about a second
    // after the last change (the title set after the URL is included).
    await operator.client.ok({ type: 'subscribe', conversationId: id, afterSeq: 0 })
    await widget.page.evaluate(() => {
      history.pushState({}, '', '/pricing/pro?ref=nav')
      document.title = 'Pro plan | Acme'
    })
    const moved = await operator.client.next(
      (e) => e.type === 'event' && e.conversationId === id && e.name === 'conversation.context',
      10_000,
    )
    expect(moved.data.context).toMatchObject({
      url: `http://127.0.0.1:${host.port}/pricing/pro?ref=nav`,
      title: 'Pro plan | Acme',
      referrer: 'https://search.example/?q=acme',
    })
    expect((await visitorOf(id)).context.url).toBe(
      `http://127.0.0.1:${host.port}/pricing/pro?ref=nav`,
    )
    // A hash change too; the same page again records nothing.
    await widget.page.evaluate(() => {
      location.hash = 'faq'
    })
    await until(
      async () => (await visitorOf(id)).context.url.endsWith('/pricing/pro?ref=nav#faq'),
      'the hash change',
    )
    await widget.page.evaluate(() => history.replaceState({}, '', location.href))
    await widget.page.waitForTimeout(1500)
    const contexts = operator.client.events(id).filter((e) => e.name === 'conversation.context')
    expect(contexts).toHaveLength(2)

    // A full load of another page of the site: the loader starts again and tells the new page.
    await widget.page.goto(`http://127.0.0.1:${host.port}/checkout`)
    await until(
      async () => (await visitorOf(id)).context.url.endsWith('/checkout'),
      'the new page after a full load',
    )
    await widget.page.close()
  }, 90_000)

  test('pre-chat - a conversation the server holds for a newly required answer shows the form again; the message waits and goes once it is answered', async () => {
    await form({ mode: 'before', fields: [{ ...EMAIL, required: true }] })
    using host = site(s, inboxId)
    const widget = await open(host)
    const f = widget.frame
    await f.locator('form.details').getByLabel('E-mail').fill('boris@example.com')
    await f.locator('form.details').getByRole('button', { name: 'Start chat' }).click()
    await f.locator('.composer textarea').waitFor()

    // The admin asks for a phone too while the visitor is about to write.
    await form({
      mode: 'before',
      fields: [
        { ...EMAIL, required: true },
        { ...PHONE, required: true },
      ],
    })
    await widget.send('Hello, is anyone there?')
    const phone = f.locator('form.details').getByLabel('Phone')
    await phone.waitFor()
    expect(await f.locator('form.details').getByLabel('E-mail').inputValue()).toBe(
      'boris@example.com',
    )
    expect(await widget.status('Hello, is anyone there?')).toBe('pending')
    await phone.fill('+1 555 123 4567')
    await f.locator('form.details').getByRole('button', { name: 'Start chat' }).click()
    await widget.waitStatus('Hello, is anyone there?', 'sent')
    const id = await nextConversation()
    expect((await visitorOf(id)).visitor).toMatchObject({
      email: 'boris@example.com',
      phone: '+1 555 123 4567',
    })
    await widget.page.close()
  }, 90_000)

  test('pre-chat - after: the card comes after the first message; answered, it is saved; declined, it never comes back; "Your details" changes the answers with the keyboard', async () => {
    await form({ mode: 'after', fields: [NAME, { ...EMAIL, required: true }, PHONE] })
    using host = site(s, inboxId)
    const widget = await open(host)
    const f = widget.frame
    await f.locator('.composer textarea').waitFor()
    expect(await f.locator('form.details').count()).toBe(0)
    await widget.send('Hi! Quick question about delivery')
    const id = await nextConversation()
    const card = f.locator('.messages form.details.card')
    await card.waitFor()
    expect(await card.locator('h2').innerText()).toBe(
      'Leave your contacts in case we get disconnected',
    )
    await card.getByLabel('Name').fill('Clara')
    await card.getByLabel('E-mail').fill('clara@example.com')
    await card.getByRole('button', { name: 'Save' }).click()
    await card.waitFor({ state: 'detached' })
    expect((await visitorOf(id)).visitor).toMatchObject({
      name: 'Clara',
      email: 'clara@example.com',
      phone: null,
    })

    // "Your details" in the header, keyboard only: the answers, changed, saved; Escape cancels.
    const button = f.getByRole('button', { name: 'Your details' })
    await button.focus()
    await widget.page.keyboard.press('Enter')
    const panel = f.locator('form.details:not(.card)')
    await panel.waitFor()
    expect(await button.getAttribute('aria-expanded')).toBe('true')
    expect(await panel.getByLabel('E-mail').inputValue()).toBe('clara@example.com')
    expect(await panel.getByLabel('Name').evaluate(active)).toBe(true)
    await widget.page.keyboard.press('Escape')
    await panel.waitFor({ state: 'detached' })
    expect(await button.evaluate(active)).toBe(true)
    expect(await f.locator('section.window').count()).toBe(1)
    await widget.page.keyboard.press('Enter')
    await panel.waitFor()
    await widget.page.keyboard.press('Tab') // e-mail
    await widget.page.keyboard.press('Tab') // phone
    await widget.page.keyboard.type('+44 20 7946 0958')
    await widget.page.keyboard.press('Enter')
    await panel.waitFor({ state: 'detached' })
    expect(await button.evaluate(active)).toBe(true)
    expect((await visitorOf(id)).visitor.phone).toBe('+44 20 7946 0958')
    await widget.page.close()

    // Another visitor declines: gone, and not asked again after a reload.
    using other = site(s, inboxId)
    const second = await open(other)
    await second.frame.locator('.composer textarea').waitFor()
    await second.send('Do you ship to Norway?')
    await nextConversation()
    const asked = second.frame.locator('.messages form.details.card')
    await asked.waitFor()
    await asked.getByRole('button', { name: 'No thanks' }).click()
    await asked.waitFor({ state: 'detached' })
    await second.page.reload()
    await second.message('Do you ship to Norway?').waitFor()
    await second.page.waitForTimeout(500)
    expect(await asked.count()).toBe(0)
    await second.page.close()
  }, 90_000)

  test('pre-chat - axe: the form before the first message, the card after it and "Your details"; light and dark, desktop and 375 px, English and Russian', async () => {
    const problems: string[] = []
    await form({ mode: 'before', fields: [NAME, { ...EMAIL, required: true }, PLAN] })
    using en = site(s, inboxId, ' data-theme="auto"')
    const desktop = await open(en)
    await desktop.frame.locator('form.details').waitFor()
    // With the errors shown.
    await desktop.frame.getByRole('button', { name: 'Start chat' }).click()
    await desktop.frame.locator('#pw-d-email-error').getByText('Please fill this in').waitFor()
    problems.push(...(await violationsLightAndDark(desktop, 'en desktop before')))
    await desktop.page.close()

    using ru = site(s, inboxId, ' data-lang="ru" data-theme="auto"')
    const phone = await open(ru, { phone: true })
    const f = phone.frame
    await f.locator('.pw.compact form.details').waitFor()
    expect(await f.locator('form.details h2').innerText()).toBe('Ваши данные')
    expect(await f.locator('label[for="pw-d-plan"]').innerText()).toBe('Тариф *')
    expect(await f.locator('#pw-d-plan option').first().innerText()).toBe('Выберите…')
    problems.push(...(await violationsLightAndDark(phone, 'ru 375 px before')))
    await f.getByLabel('Эл. почта').fill('dmitri@example.com')
    await f.getByLabel('Тариф').selectOption('Team')
    await f.getByRole('button', { name: 'Начать чат' }).click()
    await f.locator('.composer textarea').waitFor()

    await f.getByRole('button', { name: 'Ваши данные' }).click()
    await f.locator('form.details:not(.card)').waitFor()
    problems.push(...(await violationsLightAndDark(phone, 'ru 375 px details')))
    await phone.page.close()

    // A new visitor (who has not answered the form yet) in `after` mode.
    await form({ mode: 'after', fields: [NAME, { ...EMAIL, required: true }, PLAN] })
    using later = site(s, inboxId, ' data-lang="ru" data-theme="auto"')
    const after = await open(later, { phone: true })
    await after.frame.locator('.composer textarea').waitFor()
    await after.send('Здравствуйте!')
    await nextConversation()
    const card = after.frame.locator('.messages form.details.card')
    await card.waitFor()
    expect(await card.locator('h2').innerText()).toBe(
      'Оставьте контакты на случай, если связь прервётся',
    )
    problems.push(...(await violationsLightAndDark(after, 'ru 375 px after')))
    await after.page.close()
    expect(problems).toEqual([])
  }, 120_000)
})
