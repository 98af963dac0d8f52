/**
 * The inbox's look in the widget (docs/protocol.md 14.4), set by the admin through
 * `PATCH /api/admin/inboxes/:id {settings: {appearance}}` and read from the availability
 * answer: the title in the header, the accent on the launcher, the header and the visitor's
 * own messages, the launcher on the left with its label beside the icon (the iframe grows to
 * fit it), the inbox's default language (the embed's data-lang still wins), and the reply time
 * and queue position switched off. Checked with axe, on a desktop and at 375 px.
 * Each test has its own server (its own inbox settings); one browser for the file.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import type { Page } from 'playwright-core'
import { httpStart } from '../helpers/http.ts'
import { startTestServer, type TestServer } from '../helpers/server.ts'
import { violations, widgetDocument } from './axe.ts'
import {
  connectOperator,
  embeddingPage,
  ensureClientBuilt,
  launchBrowser,
  serveHostPage,
  skipBrowserTests,
  until,
  Widget,
  type TestBrowser,
} from './harness.ts'

const TEAL = 'rgb(15, 118, 110)'

async function setAppearance(s: TestServer, appearance: Record<string, unknown>) {
  const res = await s.http(`/api/admin/inboxes/${await s.defaultInboxId()}`, {
    method: 'PATCH',
    token: await s.adminToken(),
    body: { settings: { appearance } },
  })
  expect(res.status).toBe(200)
}

/**
 * Closes and opens the chat (which asks for the availability again) until `check` passes:
 * the server keeps an inbox's settings for up to 2 s per node.
 */
async function reaskUntil(widget: Widget, check: () => Promise<boolean>, what: string) {
  await until(
    async () => {
      if (await check()) return true
      const asked = widget.page.waitForResponse((r) => r.url().includes('/visitor/availability'))
      await widget.frame.locator('.header-close').click()
      await widget.launcher.click()
      await asked
      return check()
    },
    what,
    15_000,
  )
}

const color = (page: Page, selector: string, property: 'backgroundColor' | 'backgroundImage') =>
  new Widget(page).frame
    .locator(selector)
    .first()
    .evaluate((el, p) => getComputedStyle(el)[p], property)

describe.skipIf(skipBrowserTests)('widget appearance', () => {
  let browser: TestBrowser
  const servers: TestServer[] = []
  const server = async () => {
    const s = await startTestServer()
    servers.push(s)
    return s
  }
  beforeAll(async () => {
    ensureClientBuilt()
    browser = await launchBrowser()
  }, 120_000)
  afterAll(async () => {
    await browser?.close()
    for (const s of servers) await s.stop()
  })

  test('appearance - title, accent, left launcher with its label and the default language reach the widget; the embed data-lang wins; axe clean at 375 px', async () => {
    const s = await server()
    const inboxId = await s.defaultInboxId()
    await setAppearance(s, {
      title: { en: 'Acme help', ru: 'Помощь Acme' },
      accentColor: '#0f766e',
      position: 'left',
      launcherLabel: { en: 'Chat with us', ru: 'Напишите нам' },
      language: 'ru',
    })
    const operator = await connectOperator(s)
    // The page says English and names no language for the widget: the inbox's default wins.
    using site = serveHostPage(embeddingPage(s, inboxId))
    const page = await browser.context.newPage()
    const asked: string[] = []
    page.on('request', (r) => {
      if (r.url().includes('/visitor/availability'))
        asked.push(new URL(r.url()).searchParams.get('lang') ?? '')
    })
    await page.goto(`http://127.0.0.1:${site.port}/`)
    const widget = new Widget(page)
    const label = widget.frame.locator('.launcher-label')
    // The first answer (asked in the page's language) names the inbox's: asked again in it.
    await until(async () => (await label.textContent()) === 'Напишите нам', 'the Russian label')
    expect(await widget.launcher.getAttribute('aria-label')).toBe('Напишите нам')
    // The launcher's colour changes with a transition: wait for where it ends.
    await until(
      async () => (await color(page, '.launcher', 'backgroundColor')) === TEAL,
      'the teal launcher',
    )

    // On the left edge, wide enough for the whole label.
    const iframe = page.locator('iframe')
    await until(async () => ((await iframe.boundingBox())?.width ?? 0) > 88, 'a wider iframe')
    const frameBox = await iframe.boundingBox()
    expect(frameBox?.x).toBe(0)
    const launcherBox = await widget.launcher.boundingBox()
    expect(launcherBox && frameBox && launcherBox.x + launcherBox.width).toBeLessThanOrEqual(
      (frameBox?.x ?? 0) + (frameBox?.width ?? 0),
    )
    expect(launcherBox?.x).toBe(16)
    expect(await label.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true)

    await widget.openChat()
    expect(await widget.frame.locator('.title').innerText()).toBe('Помощь Acme')
    // Asked in the page's language, once more in the inbox's, and when the chat opened: the
    // language settles, it does not ask again on every answer.
    expect(asked).toEqual(['en', 'ru', 'ru'])
    expect(await widget.frame.locator('.window').getAttribute('aria-label')).toBe('Помощь Acme')
    expect(await color(page, '.header', 'backgroundImage')).toContain(TEAL)
    expect((await iframe.boundingBox())?.x).toBe(0)
    await widget.send('Привет')
    await widget.message('Привет').waitFor()
    // The sent bubble replaces the pending one once acknowledged: read the one that stays.
    await until(
      async () => (await color(page, '.mine .bubble', 'backgroundColor')) === TEAL,
      'a teal bubble of my own',
    )
    expect(await violations(widgetDocument(page))).toEqual([])
    await widget.frame.locator('.header-close').click()
    expect(await violations(widgetDocument(page))).toEqual([])
    await page.close()

    // The embed's data-lang outranks the inbox's default; a phone-sized screen, dark.
    using english = serveHostPage(embeddingPage(s, inboxId, ' data-lang="en" data-theme="dark"'))
    const phone = await browser.context.newPage()
    await phone.setViewportSize({ width: 375, height: 740 })
    await phone.goto(`http://127.0.0.1:${english.port}/`)
    const small = new Widget(phone)
    await small.frame.locator('.launcher-label').waitFor()
    expect(await small.frame.locator('.launcher-label').innerText()).toBe('Chat with us')
    const smallFrame = await phone.locator('iframe').boundingBox()
    expect(smallFrame?.x).toBe(0)
    expect((smallFrame?.width ?? 0) <= 375).toBe(true)
    expect(await violations(widgetDocument(phone))).toEqual([])
    await small.openChat()
    await small.frame.locator('.pw.compact.dark').waitFor()
    expect(await small.frame.locator('.title').innerText()).toBe('Acme help')
    expect(await violations(widgetDocument(phone))).toEqual([])
    await phone.close()
    operator.client.close()
  }, 90_000)

  test('appearance - the reply time and the queue position are shown until the inbox switches them off', async () => {
    const s = await server()
    const inboxId = await s.defaultInboxId()
    const token = await s.adminToken()
    // Three answered conversations give the team a typical reply time.
    const operator = await connectOperator(s)
    for (let i = 0; i < 3; i++) {
      const c = await httpStart(s, undefined, `Question ${i + 1}`)
      await until(
        async () =>
          (await s.http(`/api/conversations/${c.id}`, { token })).body.conversation.assigneeId ===
          operator.id,
        `conversation ${i + 1} to go to the operator`,
      )
      await operator.client.ok({ type: 'subscribe', conversationId: c.id, afterSeq: 0 })
      await operator.client.ok({
        type: 'send',
        conversationId: c.id,
        clientMsgId: `answer-${i}`,
        text: `Answer ${i + 1}`,
      })
      await operator.client.ok({ type: 'set_status', conversationId: c.id, status: 'resolved' })
    }
    const widget = await Widget.open(browser.context, `${s.url}/`)
    await widget.openChat()
    const replyTime = widget.frame.locator('.status .reply-time')
    await replyTime.waitFor()
    expect(await replyTime.innerText()).toContain('Typically replies in')
    await setAppearance(s, { showReplyTime: false })
    await reaskUntil(widget, async () => (await replyTime.count()) === 0, 'no reply time')
    expect(await widget.frame.locator('.status').getAttribute('data-state')).toBe('online')

    // Now every new conversation waits: one open conversation per operator, theirs taken.
    const capped = await s.http(`/api/admin/inboxes/${inboxId}`, {
      method: 'PATCH',
      token,
      body: { settings: { maxOpenPerOperator: 1 } },
    })
    expect(capped.status).toBe(200)
    const taken = await httpStart(s, undefined, 'I was here first')
    await until(
      async () =>
        (await s.http(`/api/conversations/${taken.id}`, { token })).body.conversation.assigneeId ===
        operator.id,
      'the first conversation to go to the operator',
    )
    await widget.send('Where is my parcel?')
    const place = widget.frame.locator('.queue')
    await place.waitFor()
    expect(await place.innerText()).toBe('You are #1 in line')
    await setAppearance(s, { showQueuePosition: false })
    await reaskUntil(widget, async () => (await place.count()) === 0, 'no queue position')
    // Still told the team is busy, without the place.
    expect(await widget.frame.locator('.status').getAttribute('data-state')).toBe('busy')
    expect(await violations(widgetDocument(widget.page))).toEqual([])
    await widget.page.close()
    operator.client.close()
  }, 90_000)
})
