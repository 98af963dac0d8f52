/**
 * The help center in the widget (issue 21): an inbox whose help center has published articles
 * gets the help chunk (Help-*); one without never fetches it. While a new visitor writes their
 * first message, up to 3 suggested articles show above the composer; one opens inside the widget
 * (its safe HTML, no script) and Back returns with the typed text kept. At home, the search box
 * finds articles as the visitor types (the count read out politely, "No articles found"
 * otherwise); Enter opens a result, Escape returns focus to it; "Still need help? Write to us"
 * starts a new conversation with the query in its composer, not sent. `Parley.open({ text })`
 * prefills the composer. Keyboard only, at 375 px, dark, in Russian; axe-core finds nothing
 * serious.
 *
 * One server and one browser; each test visits from a host page of its own (its own origin: a
 * new visitor).
 */
import { join } from 'node:path'
import { beforeAll, describe, expect, test } from 'bun:test'
import type { Page, Request } from 'playwright-core'
import { ROOT } from '../../client/build-stamp.ts'
import { violations, widgetDocument } from './axe.ts'
import {
  allowAnySite,
  connectOperator,
  serveHostPage,
  skipBrowserTests,
  until,
  useServerAndBrowser,
  waitOnline,
  Widget,
} from './harness.ts'

/** A chunk of the help center (its script). */
const isHelpChunk = (r: Request) => /\/widget\/assets\/Help-[^/]+\.js$/.test(r.url())

describe.skipIf(skipBrowserTests)('widget help center', () => {
  const env = useServerAndBrowser()
  let inboxId: string
  let operator: Awaited<ReturnType<typeof connectOperator>>

  beforeAll(async () => {
    const s = env.server
    inboxId = await s.defaultInboxId()
    const admin = await s.adminToken()
    const articles = [
      {
        language: 'en',
        title: 'Reset your password',
        body:
          'Forgot your password? Open **Settings**, then *Security*.\n\n' +
          '## Steps\n\n1. Click "Reset password"\n2. Check your e-mail\n\n' +
          '```\nparley reset --user you@example.com --a-very-long-option-that-needs-scrolling-inside-the-block\n```\n\n' +
          '<script>window.pwned = true</script>\n\nStill stuck? [Contact us](https://example.com/contact).',
      },
      {
        language: 'en',
        title: 'Change your password',
        body: 'To change the password you use, open Settings and choose a new password.',
      },
      {
        language: 'en',
        title: 'Billing and invoices',
        body: 'Invoices are sent by e-mail each month. Download past invoices from Billing.',
      },
      {
        language: 'ru',
        title: 'Как сбросить пароль',
        body: 'Забыли пароль? Откройте **Настройки**, затем «Безопасность», и сбросьте пароль.',
      },
    ]
    for (const a of articles) {
      const res = await s.http('/api/help/articles', {
        method: 'POST',
        token: admin,
        body: { portal: inboxId, status: 'published', ...a },
      })
      expect(res.status).toBe(201)
    }
    operator = await connectOperator(s)
    await waitOnline(s, inboxId)
  }, 120_000)

  /** A site embedding the widget of an inbox; every path serves this page. */
  function site(id: string, attrs = '') {
    return serveHostPage(`<!doctype html><html lang="en"><head><title>Acme</title></head>
<body style="font: 16px system-ui; margin: 32px"><h1>Acme</h1>
<script src="${env.server.url}/widget/loader.js" data-inbox="${id}"${attrs} async></script>
</body></html>`)
  }

  /** A new visitor on a page of its own; `help` collects the help chunk's requests. */
  async function visit(host: { port?: number }, opts: { phone?: boolean; dark?: boolean } = {}) {
    const page = await env.browser.context.newPage()
    const help: string[] = []
    page.on('request', (r) => isHelpChunk(r) && help.push(r.url()))
    await page.emulateMedia({ colorScheme: opts.dark ? 'dark' : 'light' })
    if (opts.phone) await page.setViewportSize({ width: 375, height: 740 })
    await page.goto(`http://127.0.0.1:${host.port}/`)
    const widget = new Widget(page)
    await widget.launcher.waitFor()
    return { page, widget, help }
  }

  /** The focused element inside the widget's frame: its class and its text or label. */
  const focused = (page: Page) =>
    widgetDocument(page).evaluate(() => {
      const el = document.activeElement as HTMLElement | null
      return `${el?.className ?? ''}|${el?.getAttribute('aria-label') ?? el?.innerText ?? ''}`
    })

  /** Presses Tab until the focused element matches (at most 30 times). */
  async function tabTo(page: Page, match: RegExp) {
    for (let i = 0; i < 30 && !match.test(await focused(page)); i++) {
      await page.keyboard.press('Tab')
    }
    expect(await focused(page)).toMatch(match)
  }

  test('help - suggestions while the first message is written open an article inside the widget, Back keeps the text; at home the search finds articles, opens one (HTML, no script) and Back returns; "Write to us" prefills a new conversation; keyboard only; axe clean', async () => {
    using host = site(inboxId)
    const { page, widget, help } = await visit(host)
    const f = widget.frame
    await widget.openChat()

    // Suggestions while the first message is written (not counted as searches).
    const typed = 'I forgot my password'
    await widget.input.fill(typed)
    const suggest = f.getByTestId('help-suggest')
    await suggest.waitFor()
    expect(await suggest.locator('.help-might').innerText()).toBe('These might help')
    const suggested = suggest.locator('.help-hit')
    await until(async () => (await suggested.count()) >= 1, 'suggested articles')
    expect(await suggested.count()).toBeLessThanOrEqual(3)
    expect(await suggested.locator('.help-hit-title').allInnerTexts()).toContain(
      'Reset your password',
    )
    expect(help.length).toBe(1)
    expect((await violations(widgetDocument(page))).join('\n')).toBe('')

    // Opened: the article inside the widget, the composer hidden, Back focused.
    await suggest.locator('.help-hit', { hasText: 'Reset your password' }).click()
    const article = f.getByTestId('help-article')
    await article.locator('.help-body').waitFor()
    expect(await article.locator('.help-title').innerText()).toBe('Reset your password')
    expect(await f.locator('.composer').isVisible()).toBe(false)
    expect(await focused(page)).toMatch(/help-back/)
    expect(await article.locator('.help-body h2').innerText()).toBe('Steps')
    expect(await article.locator('.help-body ol li').count()).toBe(2)
    expect(await article.locator('.help-body strong').first().innerText()).toBe('Settings')
    expect(await article.locator('.help-body script').count()).toBe(0)
    expect(await widgetDocument(page).evaluate(() => 'pwned' in window)).toBe(false)
    expect(await article.locator('.help-body a').getAttribute('target')).toBe('_blank')
    // A code block scrolls inside the article, not the article sideways.
    const pre = await article
      .locator('.help-body pre')
      .evaluate((el) => ({ scroll: el.scrollWidth, client: el.clientWidth }))
    expect(pre.scroll).toBeGreaterThan(pre.client)
    const layer = await f
      .locator('.help-layer')
      .evaluate((el) => ({ scroll: el.scrollWidth, client: el.clientWidth }))
    expect(layer.scroll).toBeLessThanOrEqual(layer.client)
    expect((await violations(widgetDocument(page))).join('\n')).toBe('')

    // Back: the composer again with the text kept, focus on the suggestion.
    await article.locator('.help-back').click()
    await f.getByTestId('help-article').waitFor({ state: 'detached' })
    expect(await widget.input.inputValue()).toBe(typed)
    expect(await focused(page)).toMatch(/help-hit\|Reset your password/)

    // Sent: the conversation starts, the suggestions go.
    await widget.input.press('End')
    await widget.input.focus()
    await widget.input.press('Enter')
    await widget.waitStatus(typed, 'sent')
    await operator.newConversation()
    await until(async () => (await suggest.count()) === 0, 'the suggestions to go')

    // Home, keyboard only: the search box, results as the visitor types, their count told.
    await f.locator('#pw-home').focus()
    await page.keyboard.press('Enter')
    const search = f.getByTestId('help-search')
    await search.waitFor()
    const box = search.getByRole('searchbox', { name: 'Search for answers' })
    expect(await search.locator('form[role="search"]').count()).toBe(1)
    await tabTo(page, /help-input/)
    await page.keyboard.type('password')
    const hits = search.locator('.help-hit')
    await until(async () => (await hits.count()) >= 2, 'search results')
    const status = search.locator('[role="status"]')
    expect(await status.innerText()).toMatch(/^\d+ articles found$/)
    expect(await hits.locator('.help-hit-snippet').first().innerText()).not.toBe('')
    expect((await violations(widgetDocument(page))).join('\n')).toBe('')
    await page.screenshot({ path: join(ROOT, 'docs', 'widget-help-search.png') })

    // Enter opens a result (counted as a search); Escape returns focus to it.
    await tabTo(page, /help-hit\|Reset your password/)
    await page.keyboard.press('Enter')
    await article.locator('.help-body').waitFor()
    expect(await focused(page)).toMatch(/help-back/)
    await page.keyboard.press('Escape')
    await f.getByTestId('help-article').waitFor({ state: 'detached' })
    expect(await focused(page)).toMatch(/help-hit\|Reset your password/)
    expect(await f.locator('.window').count()).toBe(1)

    // Nothing found: said so.
    await box.fill('xylophone quartzite')
    let said = ''
    await until(
      async () => (said = await status.innerText()) === 'No articles found',
      'no results',
    ).catch((error: Error) => {
      throw new Error(`${error.message} (the status said "${said}")`)
    })
    expect(await hits.count()).toBe(0)

    // "Still need help? Write to us": a new conversation with the query, not sent.
    await box.fill('billing question')
    await until(async () => (await hits.count()) >= 1, 'billing results')
    const write = search.getByRole('button', { name: 'Still need help? Write to us' })
    await tabTo(page, /help-write/)
    await page.keyboard.press('Enter')
    await until(async () => (await widget.input.count()) === 1, 'the composer')
    await until(
      async () => (await widget.input.inputValue()) === 'billing question',
      'the composer prefilled',
    )
    expect(await write.count()).toBe(0)
    expect(await f.locator('.list .row:not(.greeting)').count()).toBe(0)
    expect(help.length).toBe(1)
    await page.close()
  }, 60_000)

  test('help - Parley.open({ text }) opens the widget with the composer prefilled (not sent); open() without arguments unchanged', async () => {
    using host = site(inboxId)
    const { page, widget } = await visit(host)
    await page.evaluate(() => window.Parley.open({ text: '  Question about my invoice  ' }))
    await widget.input.waitFor()
    await until(
      async () => (await widget.input.inputValue()) === 'Question about my invoice',
      'the composer prefilled',
    )
    expect(await widget.frame.locator('.list .row:not(.greeting)').count()).toBe(0)
    // Closed (the draft goes with the window, as ever) and opened again without arguments: the
    // words are not handed over a second time, nothing was sent.
    await page.evaluate(() => window.Parley.close())
    await widget.input.waitFor({ state: 'detached' })
    await page.evaluate(() => window.Parley.open())
    await widget.input.waitFor()
    expect(await widget.input.inputValue()).toBe('')
    expect(await widget.frame.locator('.list .row:not(.greeting)').count()).toBe(0)
    await page.close()
  }, 60_000)

  test('help - at 375 px, dark, in Russian: suggestions and an article fit the screen, strings and search in Russian; axe clean', async () => {
    using host = site(inboxId, ' data-lang="ru"')
    const { page, widget } = await visit(host, { phone: true, dark: true })
    const f = widget.frame
    await widget.openChat()
    expect(await widget.root.getAttribute('class')).toMatch(/\bdark\b/)
    const searched = page.waitForRequest(
      (r) => r.url().includes('/api/visitor/help/search?') && r.url().includes('language=ru'),
    )
    await widget.input.fill('забыли пароль')
    await searched
    const suggest = f.getByTestId('help-suggest')
    await suggest.waitFor()
    expect(await suggest.locator('.help-might').innerText()).toBe('Возможно, это поможет')
    expect(await suggest.locator('.help-hit-title').first().innerText()).toBe('Как сбросить пароль')
    const fits = () =>
      widgetDocument(page).evaluate(
        () => document.documentElement.scrollWidth <= document.documentElement.clientWidth,
      )
    expect(await fits()).toBe(true)
    expect((await violations(widgetDocument(page))).join('\n')).toBe('')

    await suggest.locator('.help-hit').first().click()
    const article = f.getByTestId('help-article')
    await article.locator('.help-body').waitFor()
    expect(await article.locator('.help-back').innerText()).toBe('Назад')
    expect(await article.locator('.help-title').innerText()).toBe('Как сбросить пароль')
    const layer = await f.locator('.help-layer').boundingBox()
    expect(layer && layer.x >= 0 && layer.x + layer.width <= 375).toBe(true)
    expect(await fits()).toBe(true)
    expect((await violations(widgetDocument(page))).join('\n')).toBe('')
    await page.screenshot({ path: join(ROOT, 'docs', 'widget-help-article-375-dark-ru.png') })
    await article.locator('.help-back').click()
    expect(await widget.input.inputValue()).toBe('забыли пароль')
    await page.close()
  }, 60_000)

  test('help - an inbox without articles never loads the help chunk', async () => {
    const admin = await env.server.adminToken()
    const res = await env.server.http('/api/admin/inboxes', {
      method: 'POST',
      token: admin,
      body: { name: 'No help here' },
    })
    expect(res.status).toBe(201)
    const other = res.body.id as string
    await allowAnySite(env.server, other)
    const availability = await env.server.http(`/api/visitor/availability?inboxId=${other}`)
    expect(availability.body.help).toBe(false)
    expect((await env.server.http(`/api/visitor/availability?inboxId=${inboxId}`)).body.help).toBe(
      true,
    )

    using host = site(other)
    const { page, widget, help } = await visit(host)
    const answered = page.waitForResponse((r) => r.url().includes('/api/visitor/availability?'))
    await widget.launcher.click()
    await answered
    const f = widget.frame
    // Whatever the team's state, the chat shows (a composer, or the request form while offline).
    await f.locator('.composer, .leave').first().waitFor()
    await f.locator('textarea').first().fill('password reset')
    expect(await f.getByTestId('help-suggest').count()).toBe(0)
    expect(help).toEqual([])
    expect(
      await widgetDocument(page).evaluate(() =>
        performance.getEntriesByType('resource').some((e) => /\/Help-[^/]+\.js$/.test(e.name)),
      ),
    ).toBe(false)
    await page.close()
  }, 60_000)
})
