/**
 * The widget meets a challenge (issue 18, S4) in Chromium and solves it by itself: the real
 * proof of work in the browser's WebCrypto, no click needed, while a notice says what is going
 * on (in the widget's language). Two ways in:
 * - an inbox that asks before every new conversation (`always`): the visitor's first message
 *   is refused with `captcha_required`, the widget earns a pass, the queue resends, the
 *   operator gets the message;
 * - many new visitors from one address (the proxy names it in X-Real-IP): the second
 *   visitor's session is refused until the widget sends a solution along.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import type { Page } from 'playwright-core'
import { metric, startTestServer, type TestServer } from '../helpers/server.ts'
import {
  connectOperator,
  embeddingPage,
  ensureClientBuilt,
  launchBrowser,
  serveHostPage,
  skipBrowserTests,
  waitOnline,
  Widget,
  type TestBrowser,
} from './harness.ts'
import { violations, widgetDocument } from './axe.ts'

describe.skipIf(skipBrowserTests)('widget captcha (S4)', () => {
  let browser: TestBrowser
  let s: TestServer
  let inboxId: string
  let operator: Awaited<ReturnType<typeof connectOperator>>
  const hosts: Array<{ stop: (force?: boolean) => unknown }> = []

  beforeAll(async () => {
    ensureClientBuilt()
    s = await startTestServer({ env: { TRUST_PROXY: '127.0.0.1' } })
    browser = await launchBrowser()
    inboxId = await s.defaultInboxId()
    operator = await connectOperator(s)
    // The widget offers a chat (not the offline form) once the operator counts as online.
    await waitOnline(s, inboxId)
  }, 120_000)
  afterAll(async () => {
    operator?.client.close()
    for (const h of hosts) h.stop(true)
    await browser?.close()
    await s?.stop()
  })

  async function captcha(settings: object) {
    const res = await s.http(`/api/admin/inboxes/${inboxId}`, {
      method: 'PATCH',
      token: await s.adminToken(),
      body: { settings: { captcha: settings } },
    })
    expect(res.status).toBe(200)
  }

  /** A site of its own (its own storage: a new visitor), the widget in `lang`. */
  async function visitorPage(lang: 'en' | 'ru', address?: string): Promise<Widget> {
    const host = serveHostPage(embeddingPage(s, inboxId, ` data-lang="${lang}"`))
    hosts.push(host)
    const page = await browser.context.newPage()
    if (address) {
      // As a proxy in front of Parley would: the visitor's address in X-Real-IP.
      await page.route(`${s.url}/api/**`, (route) =>
        route.continue({ headers: { ...route.request().headers(), 'x-real-ip': address } }),
      )
    }
    await page.goto(`http://127.0.0.1:${host.port}/`)
    const widget = new Widget(page)
    await widget.launcher.waitFor()
    return widget
  }

  /** Records every notice the widget frame shows, however briefly. */
  async function watchNotices(page: Page): Promise<() => Promise<string[]>> {
    const frame = page.frames().find((f) => f.url().includes('/widget/frame'))
    if (!frame) throw new Error('no widget frame')
    await frame.evaluate(() => {
      const seen: string[] = []
      ;(window as unknown as { seenNotices: string[] }).seenNotices = seen
      new MutationObserver(() => {
        const n = document.querySelector('[data-notice]')
        const line = n ? `${n.getAttribute('data-notice')}|${n.textContent}` : null
        if (line && seen.at(-1) !== line) seen.push(line)
      }).observe(document.body, { subtree: true, childList: true, characterData: true })
    })
    return () => frame.evaluate(() => (window as unknown as { seenNotices: string[] }).seenNotices)
  }

  test('captcha widget - always: the first message waits for the proof, then reaches the operator; the notice speaks the widget language', async () => {
    await captcha({ mode: 'always' })
    for (const [lang, text, notice] of [
      ['en', 'hello from a real person', 'Checking that you are a person'],
      ['ru', 'здравствуйте, я человек', 'Проверяем, что вы человек'],
    ] as const) {
      const widget = await visitorPage(lang)
      const notices = await watchNotices(widget.page)
      // The solution is held on its way, so the notice can be looked at (and checked by axe,
      // light and dark) while the visitor waits.
      let release = () => {}
      const held = new Promise<void>((resolve) => (release = resolve))
      await widget.page.route(`${s.url}/api/visitor/captcha`, async (route) => {
        await held
        await route.continue()
      })
      await widget.openChat()
      await widget.send(text)
      const shown = widget.frame.locator('[data-notice="verifying"]')
      await shown.waitFor()
      expect(await shown.innerText()).toContain(notice)
      for (const theme of ['light', 'dark'] as const) {
        await widget.page.emulateMedia({ colorScheme: theme })
        expect({ lang, theme, found: await violations(widgetDocument(widget.page)) }).toEqual({
          lang,
          theme,
          found: [],
        })
      }
      if (lang === 'en') await widget.page.screenshot({ path: '/tmp/widget-captcha.png' })
      release()
      const id = await operator.newConversation()
      await operator.message(id, text)
      await widget
        .waitStatus(text, 'sent', 15_000)
        .catch(() => widget.waitStatus(text, 'delivered'))
      const seen = await notices()
      expect({ lang, verifying: seen.some((n) => n.startsWith(`verifying|${notice}`)) }).toEqual({
        lang,
        verifying: true,
      })
      // Proved, the notice went away by itself.
      expect(await widget.frame.locator('[data-notice="verifying"]').count()).toBe(0)
      await widget.page.close()
    }
    expect(
      await metric(s, 'parley_captcha_total{purpose="visitor",outcome="solved"}'),
    ).toBeGreaterThanOrEqual(2)
  }, 90_000)

  test('captcha widget - a second new visitor from a busy address: the session waits for a solution sent along, then the chat works', async () => {
    await captcha({ mode: 'auto', sessionsPer10Min: 1 })
    const address = '203.0.113.44'
    const first = await visitorPage('en', address)
    await first.openChat()
    const second = await visitorPage('en', address)
    const notices = await watchNotices(second.page)
    await second.openChat()
    await second.send('second visitor here')
    const id = await operator.newConversation()
    await operator.message(id, 'second visitor here')
    expect((await notices()).some((n) => n.startsWith('verifying|'))).toBe(true)
    expect(
      await metric(s, 'parley_captcha_total{purpose="session",outcome="solved"}'),
    ).toBeGreaterThanOrEqual(1)
    await first.page.close()
    await second.page.close()
  }, 90_000)
})
