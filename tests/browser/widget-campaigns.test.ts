/**
 * Proactive messages in the widget (issue 20, M6): a campaign whose rules match the page shows
 * above the launcher once its wait is over (1 s after the frame page started), with its sender's
 * face and name and its text; it is reached with the keyboard (its close button, then "Reply")
 * and read out politely; axe-core finds nothing serious, light and dark. "Reply" opens the chat
 * with the message atop the empty thread; the visitor's answer starts a conversation whose first
 * message is the campaign's text (by the system, `campaign`) and which carries the campaign's id,
 * and the server's copy replaces the widget's. Neither a reload nor a dismissal shows it again
 * (dismissed: gone at once, the frame back to the launcher's size); a reply to one deleted
 * meanwhile starts the conversation all the same, without it. A campaign for another page
 * is not shown there, and is once a single-page app moves to its page. At 375 px, dark and in
 * Russian, it fits the screen. Writes docs/widget-campaign.png and
 * docs/widget-campaign-375-ru-dark.png.
 *
 * One server and one browser; each test visits from a host page of its own (its own origin: a
 * new visitor) and has a campaign of its own, for a page path of its own. The inbox's frequency
 * cap is 0, so only a campaign's own showing keeps it from being offered again.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { ROOT } from '../../client/build-stamp.ts'
import { startTestServer, type TestServer } from '../helpers/server.ts'
import { violations, widgetDocument } from './axe.ts'
import {
  connectOperator,
  ensureClientBuilt,
  launchBrowser,
  serveHostPage,
  skipBrowserTests,
  until,
  waitOnline,
  Widget,
  type TestBrowser,
} from './harness.ts'

type Operator = Awaited<ReturnType<typeof connectOperator>>

/** A site embedding the widget; every path serves this page. */
function site(s: TestServer, inboxId: string, attrs = '') {
  return serveHostPage(`<!doctype html><html lang="en"><head><title>Acme</title></head>
<body style="font: 16px system-ui; margin: 32px"><h1>Acme</h1><p>Plans for teams of any size.</p>
<script src="${s.url}/widget/loader.js" data-inbox="${inboxId}"${attrs} async></script>
</body></html>`)
}

/** Milliseconds since the widget's frame page started (the campaigns' clock). */
const frameAge = (page: Page) => widgetDocument(page).evaluate(() => performance.now())

/** The element focused inside the widget's frame: its class and accessible label or text. */
const focused = (page: Page) =>
  widgetDocument(page).evaluate(() => {
    const el = document.activeElement as HTMLElement | null
    return `${el?.className ?? ''}|${el?.getAttribute('aria-label') ?? el?.innerText ?? ''}`
  })

describe.skipIf(skipBrowserTests)('widget proactive messages', () => {
  let browser: TestBrowser
  let s: TestServer
  let inboxId: string
  let adminToken: string
  let operator: Operator

  beforeAll(async () => {
    ensureClientBuilt()
    s = await startTestServer()
    browser = await launchBrowser()
    inboxId = await s.defaultInboxId()
    adminToken = await s.adminToken()
    operator = await connectOperator(s)
    const named = await s.http('/api/me/profile', {
      method: 'PATCH',
      token: operator.token,
      body: { displayName: 'Anna Petrova' },
    })
    expect(named.status).toBe(200)
    const gap = await s.http(`/api/admin/inboxes/${inboxId}/campaign-settings`, {
      method: 'PUT',
      token: adminToken,
      body: { gapMinutes: 0 },
    })
    expect(gap.status).toBe(200)
    await waitOnline(s, inboxId)
  }, 120_000)
  afterAll(async () => {
    operator?.client.close()
    await browser?.close()
    await s?.stop()
  })

  /** A campaign of the default inbox, due 1 s after the page opened unless the rules say. */
  async function campaign(
    name: string,
    text: string,
    rules: Record<string, unknown>,
    senderId: string | null = operator.id,
  ): Promise<string> {
    const res = await s.http(`/api/admin/inboxes/${inboxId}/campaigns`, {
      method: 'POST',
      token: adminToken,
      body: { name, text, senderId, rules: { afterSeconds: 1, ...rules } },
    })
    expect(res.status).toBe(201)
    return res.body.campaign.id
  }

  async function shownCount(id: string): Promise<number> {
    const res = await s.http(`/api/inboxes/${inboxId}/campaigns`, { token: adminToken })
    return res.body.campaigns.find((c: { id: string }) => c.id === id).shown
  }

  /** A page of the host, with the widget's answer to what it offers there. */
  async function visit(url: string, opts: { phone?: boolean; dark?: boolean } = {}) {
    const page = await browser.context.newPage()
    await page.emulateMedia({ colorScheme: opts.dark ? 'dark' : 'light' })
    if (opts.phone) await page.setViewportSize({ width: 375, height: 740 })
    // Unused by most tests: settles as null when the page closes first.
    const offered = page
      .waitForResponse((r) => r.url().includes('/api/visitor/campaigns?'))
      .catch(() => null)
    await page.goto(url)
    const widget = new Widget(page)
    await widget.launcher.waitFor()
    return { page, widget, offered }
  }

  /** What the frame last asked for and was told, once its wait for a due campaign is over. */
  async function notShownBy(page: Page, ms: number) {
    await until(async () => (await frameAge(page)) > ms, 'the wait to be over')
    expect(await new Widget(page).frame.getByTestId('campaign').count()).toBe(0)
  }

  test('campaigns - shown when due with its sender and text, keyboard reachable, no serious axe violation; Reply opens the chat with it; the reply starts a conversation from it; not shown again after a reload', async () => {
    const text = 'Hi! Questions about **pricing**? I can help you pick a plan.'
    const id = await campaign('Pricing help', text, { urlPattern: '*/pricing*' })
    using host = site(s, inboxId)
    const { page, widget } = await visit(`http://127.0.0.1:${host.port}/pricing?plan=pro`)
    const f = widget.frame
    const bubble = f.getByTestId('campaign')
    await bubble.waitFor()
    expect(await frameAge(page)).toBeGreaterThanOrEqual(1000)
    expect(await bubble.getAttribute('aria-label')).toBe('Message from Anna Petrova')
    expect(await bubble.locator('.campaign-name').innerText()).toBe('Anna Petrova')
    expect(await bubble.locator('.campaign-text').innerText()).toBe(
      'Hi! Questions about pricing? I can help you pick a plan.',
    )
    expect(await bubble.locator('.campaign-text strong').innerText()).toBe('pricing')
    expect(await bubble.locator('.face').getAttribute('data-initials')).toBe('AP')
    await until(
      async () =>
        (await f.locator('[role="status"][aria-live="polite"]').innerText()).startsWith(
          'Message from Anna Petrova: Hi!',
        ),
      'the message to be read out',
    )
    expect(await shownCount(id)).toBe(1)

    // Above the launcher, in a frame made for it.
    const box = await bubble.boundingBox()
    const launcher = await widget.launcher.boundingBox()
    if (!box || !launcher) throw new Error('not laid out')
    expect(box.y + box.height).toBeLessThanOrEqual(launcher.y)
    expect(box.x + box.width).toBeLessThanOrEqual(1100)
    const frameBox = await page.locator('iframe').boundingBox()
    expect(frameBox?.height).toBeGreaterThan(box.height + 56)
    await page.mouse.move(0, 0)
    await page.evaluate(() => document.fonts.ready)
    await page.screenshot({
      path: join(ROOT, 'docs', 'widget-campaign.png'),
      clip: { x: 620, y: 400, width: 480, height: 360 },
    })

    const problems: string[] = []
    for (const theme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: theme })
      await f.locator(theme === 'dark' ? '.pw.dark' : '.pw:not(.dark)').waitFor()
      for (const v of await violations(widgetDocument(page))) problems.push(`${theme}: ${v}`)
    }
    expect(problems).toEqual([])
    await page.emulateMedia({ colorScheme: 'light' })

    // The keyboard: from the page into the frame, the close button, then Reply.
    await page.locator('h1').click()
    for (let i = 0; i < 6 && !(await focused(page)).includes('campaign-reply'); i++) {
      const before = await focused(page)
      await page.keyboard.press('Tab')
      if (before.includes('campaign-close')) {
        expect(await focused(page)).toBe('campaign-reply|Reply')
      }
    }
    expect(await focused(page)).toBe('campaign-reply|Reply')
    await page.keyboard.press('Shift+Tab')
    expect(await focused(page)).toBe('icon-button small campaign-close|Close message')
    await page.keyboard.press('Tab')
    await page.keyboard.press('Enter')

    // The chat, with the message atop the empty thread.
    await widget.input.waitFor()
    expect(await bubble.count()).toBe(0)
    const intro = f.getByTestId('campaign-intro')
    expect(await intro.innerText()).toContain('Anna Petrova')
    expect(await intro.locator('.text, .markdown').first().innerText()).toContain(
      'Questions about pricing?',
    )
    expect(await f.locator('.greeting').count()).toBe(0)

    await widget.send('Yes please: is Pro monthly?')
    const conversationId = await operator.newConversation()
    const stored = await s.http(`/api/conversations/${conversationId}`, { token: adminToken })
    expect(stored.body.conversation.campaignId).toBe(id)
    const history = await s.http(`/api/conversations/${conversationId}/messages?limit=10`, {
      token: adminToken,
    })
    const messages = history.body.messages as Array<{ text: string; author: object }>
    expect(messages.map((m) => [m.author, m.text])).toEqual([
      [{ kind: 'system', id: 'campaign' }, text],
      [expect.objectContaining({ kind: 'visitor' }), 'Yes please: is Pro monthly?'],
    ])
    // The server's copy in place of the widget's, under the team's name.
    await widget.waitStatus('Yes please: is Pro monthly?', 'sent')
    await until(async () => (await intro.count()) === 0, 'the intro to go')
    const copy = widget.message('Questions about pricing?')
    await copy.waitFor()
    expect(await copy.locator('.author').innerText()).toBe('Support')
    expect(await widget.texts()).toHaveLength(2)

    await page.reload()
    await widget.launcher.waitFor()
    await notShownBy(page, 3000)
    expect(await shownCount(id)).toBe(1)
    await page.close()
  })

  test('campaigns - dismissed: gone at once, the frame back to the launcher, never shown again', async () => {
    const id = await campaign('Docs', 'Looking for the API docs? They are one click away.', {
      urlPattern: '*/docs',
    })
    using host = site(s, inboxId)
    const { page, widget } = await visit(`http://127.0.0.1:${host.port}/docs`)
    const bubble = widget.frame.getByTestId('campaign')
    await bubble.waitFor()
    const iframe = page.locator('iframe')
    expect((await iframe.boundingBox())?.height).toBeGreaterThan(150)

    await bubble.getByRole('button', { name: 'Close message' }).click()
    expect(await bubble.count()).toBe(0)
    await until(async () => (await iframe.boundingBox())?.height === 88, 'the frame to shrink')
    expect((await iframe.boundingBox())?.width).toBe(88)
    // Opening the chat now shows no trace of it.
    await widget.openChat()
    expect(await widget.frame.getByTestId('campaign-intro').count()).toBe(0)
    await widget.launcher.click()

    await page.reload()
    await widget.launcher.waitFor()
    await notShownBy(page, 3000)
    expect(await shownCount(id)).toBe(1)
    await page.close()
  })

  test('campaigns - not shown on a page its pattern does not match; shown once a single-page app moves there', async () => {
    const id = await campaign('Checkout', 'Need a hand with checkout?', {
      urlPattern: '*/checkout*',
    })
    using host = site(s, inboxId)
    const { page, widget, offered } = await visit(`http://127.0.0.1:${host.port}/cart`)
    const response = await offered
    if (!response) throw new Error('the widget asked for no campaigns')
    const answer = (await response.json()) as { campaigns: Array<{ id: string }> }
    expect(answer.campaigns.map((c) => c.id)).not.toContain(id)
    await notShownBy(page, 2500)
    expect(await shownCount(id)).toBe(0)

    await page.evaluate(() => history.pushState({}, '', '/checkout/step-1'))
    const bubble = widget.frame.getByTestId('campaign')
    await bubble.waitFor()
    expect(await bubble.locator('.campaign-text').innerText()).toBe('Need a hand with checkout?')
    await page.close()
  })

  test('campaigns - a reply to a campaign deleted meanwhile still starts the conversation, without it', async () => {
    const id = await campaign('Gone soon', 'Ask us about delivery times.', {
      urlPattern: '*/delivery',
    })
    using host = site(s, inboxId)
    const { page, widget } = await visit(`http://127.0.0.1:${host.port}/delivery`)
    const bubble = widget.frame.getByTestId('campaign')
    await bubble.waitFor()
    await bubble.getByRole('button', { name: 'Reply' }).click()
    await widget.frame.getByTestId('campaign-intro').waitFor()
    const deleted = await s.http(`/api/admin/campaigns/${id}`, {
      method: 'DELETE',
      token: adminToken,
    })
    expect(deleted.status).toBe(200)

    await widget.send('When does my parcel arrive?')
    const conversationId = await operator.newConversation()
    await operator.message(conversationId, 'When does my parcel arrive?')
    const stored = await s.http(`/api/conversations/${conversationId}`, { token: adminToken })
    expect(stored.body.conversation.campaignId ?? null).toBeNull()
    await widget.waitStatus('When does my parcel arrive?', 'sent')
    expect(await widget.texts()).toEqual(['When does my parcel arrive?'])
    await page.close()
  })

  test('campaigns - at 375 px, dark and in Russian: fits the screen, from the team, no serious axe violation', async () => {
    await campaign(
      'Phone',
      'Здравствуйте! Подскажем с выбором тарифа и ответим на вопросы об оплате — просто напишите.',
      { urlPattern: '*/mobile' },
      null,
    )
    using host = site(s, inboxId, ' data-lang="ru"')
    const { page, widget } = await visit(`http://127.0.0.1:${host.port}/mobile`, {
      phone: true,
      dark: true,
    })
    const f = widget.frame
    const bubble = f.getByTestId('campaign')
    await bubble.waitFor()
    await f.locator('.pw.dark').waitFor()
    // From the team: the widget's title (the inbox's), its initials.
    const availability = await s.http(`/api/visitor/availability?inboxId=${inboxId}&lang=ru`)
    const team = availability.body.appearance.title as string
    expect(team).not.toBe('')
    expect(await bubble.locator('.campaign-name').innerText()).toBe(team)
    expect(await bubble.getAttribute('aria-label')).toBe(`Вам пишет ${team}`)
    expect(await bubble.getByRole('button', { name: 'Ответить' }).count()).toBe(1)
    expect(await bubble.getByRole('button', { name: 'Закрыть сообщение' }).count()).toBe(1)
    await until(async () => {
      const box = await bubble.boundingBox()
      return !!box && box.x >= 0 && box.x + box.width <= 375 && box.y >= 0
    }, 'the bubble to fit the screen')
    expect(await violations(widgetDocument(page))).toEqual([])
    await page.evaluate(() => document.fonts.ready)
    await page.screenshot({
      path: join(ROOT, 'docs', 'widget-campaign-375-ru-dark.png'),
      clip: { x: 0, y: 380, width: 375, height: 360 },
    })

    // Escape dismisses it too; the launcher keeps the focus.
    await bubble.getByRole('button', { name: 'Ответить' }).focus()
    await page.keyboard.press('Escape')
    expect(await bubble.count()).toBe(0)
    expect(await focused(page)).toContain('launcher')
    await page.close()
  })
})
