/**
 * Markdown in messages (C8), end to end: what one side writes renders formatted on the other,
 * and XSS payloads render as text. Every payload would set `window.__xss` (in whichever
 * document runs it); the checks look for that flag, for any on* attribute, for links other
 * than http(s)/mailto and for elements that have no place in a message.
 */
import { describe, expect, test } from 'bun:test'
import type { Frame, Page } from 'playwright-core'
import { violations, widgetDocument } from './axe.ts'
import { connectOperator, skipBrowserTests, until, useServerAndBrowser, Widget } from './harness.ts'
import { PanelPage } from './panel-page.ts'

const MARKDOWN = [
  'Formatting: **bold**, _italic_, `a < b`, ~~old~~ and [docs](https://example.com/docs).',
  '',
  '# Not a big heading',
  '',
  '- first',
  '- second',
  '',
  '1. one',
  '2. two',
  '',
  '> quoted',
  '',
  '```',
  'const x = 1 // \u202Eevil',
  '```',
  'line one',
  'line two www.example.org',
].join('\n')

const XSS = [
  'X1 <script>window.__xss = 1</script>',
  'X2 <img src=x onerror="window.__xss = 2">',
  'X3 <svg onload="window.__xss = 3"></svg>',
  'X4 [click](javascript:window.__xss=4) [enc](jav&#x61;script:window.__xss=4) [case](JaVaScRiPt:window.__xss=4)',
  'X5 [data](data:text/html,<script>window.__xss=5</script>) <javascript:window.__xss=5>',
  'X6 ![img](x" onerror="window.__xss=6) <a href="javascript:window.__xss=6">a</a>',
  'X7 <iframe src="javascript:window.__xss=7"></iframe> <b onmouseover="window.__xss=7">hover</b>',
  'X8 [//proto](//evil.test/x) [rel](/panel/) [vb](vbscript:msgbox(1))',
].join('\n\n')

/** What the rendered messages contain that they must not, in one document. */
async function dangers(doc: Page | Frame, list: string): Promise<string[]> {
  return doc.evaluate((selector) => {
    const found: string[] = []
    if ((window as unknown as { __xss?: number }).__xss !== undefined) found.push('script ran')
    for (const el of document.querySelectorAll(`${selector} *`)) {
      for (const attr of el.attributes)
        if (attr.name.startsWith('on')) found.push(`${el.tagName} ${attr.name}`)
    }
    // Message text holds text, formatting and links only (icons live outside it).
    for (const el of document.querySelectorAll(`${selector} .text *`)) {
      if (!/^(P|BR|STRONG|EM|DEL|CODE|PRE|UL|OL|LI|BLOCKQUOTE|HR|A)$/.test(el.tagName))
        found.push(el.tagName)
    }
    for (const a of document.querySelectorAll<HTMLAnchorElement>(`${selector} .text a[href]`)) {
      if (!/^(https?|mailto):$/.test(new URL(a.href).protocol)) found.push(`href ${a.href}`)
      if (a.target !== '_blank' || a.rel !== 'noopener noreferrer nofollow')
        found.push(`link ${a.href} ${a.target} ${a.rel}`)
    }
    return found
  }, list)
}

/** The formatting a message with MARKDOWN shows, element by element. */
async function formatting(doc: Page | Frame, row: string) {
  return doc.evaluate((selector) => {
    const el = document.querySelector(selector)
    const text = (q: string) => [...(el?.querySelectorAll(q) ?? [])].map((n) => n.textContent)
    return {
      strong: text('strong'),
      em: text('em'),
      code: text(':not(pre) > code'),
      del: text('del'),
      links: [...(el?.querySelectorAll('a') ?? [])].map((a) => [a.textContent, a.href]),
      ul: text('ul > li'),
      ol: text('ol > li'),
      quote: text('blockquote'),
      pre: text('pre'),
      br: el?.querySelectorAll('br').length ?? 0,
      headings: el?.querySelectorAll('h1,h2,h3,h4,h5,h6').length ?? 0,
    }
  }, row)
}

const EXPECTED = {
  strong: ['bold', 'Not a big heading'],
  em: ['italic'],
  code: ['a < b'],
  del: ['old'],
  links: [
    ['docs', 'https://example.com/docs'],
    ['www.example.org', 'http://www.example.org/'],
  ],
  ul: ['first', 'second'],
  ol: ['one', 'two'],
  quote: ['quoted'],
  pre: ['const x = 1 // ⟨RLO⟩evil'],
  br: 1,
  headings: 0,
}

describe.skipIf(skipBrowserTests)('rich text', () => {
  const env = useServerAndBrowser()

  test('rich text - the widget renders an operator’s markdown, and XSS payloads only as text, light and dark', async () => {
    const operator = await connectOperator(env.server)
    const page = await env.browser.context.newPage()
    await page.emulateMedia({ colorScheme: 'light' })
    await page.goto(`${env.server.url}/?theme=auto`)
    const widget = new Widget(page)
    await widget.openChat()
    await widget.send('Hi, how do I format text?')
    const conversationId = await operator.conversation()
    await operator.client.ok({ type: 'send', conversationId, clientMsgId: 'md', text: MARKDOWN })
    await operator.client.ok({ type: 'send', conversationId, clientMsgId: 'xss', text: XSS })

    const doc = widgetDocument(page)
    await widget.message('Formatting:').locator('.md blockquote').waitFor()
    expect(await formatting(doc, '.list .row[data-message-id]:has(.md blockquote)')).toEqual(
      EXPECTED,
    )

    const xss = widget.message('X8')
    await xss.locator('.md').waitFor()
    // Payloads are what they say, as text.
    const shown = await xss.locator('.text').innerText()
    expect(shown).toContain('<script>window.__xss = 1</script>')
    expect(shown).toContain('<img src=x onerror="window.__xss = 2">')
    expect(shown).toContain('<svg onload="window.__xss = 3">')
    expect(await xss.locator('a').count()).toBe(0)
    // A moment for anything that would run (an image error, an SVG load) to have run.
    await page.waitForLoadState('networkidle')
    expect(await dangers(doc, '.list')).toEqual([])
    expect(await page.evaluate(() => (window as { __xss?: number }).__xss)).toBeUndefined()

    const problems: string[] = []
    for (const theme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: theme })
      await until(
        async () =>
          (await widget.root.getAttribute('class'))?.includes('dark') === (theme === 'dark'),
        `the ${theme} theme`,
      )
      for (const v of await violations(doc)) problems.push(`widget ${theme}: ${v}`)
    }
    expect(problems).toEqual([])
    operator.client.close()
    await page.close()
  }, 60_000)

  test('rich text - the panel renders a visitor’s markdown, and XSS payloads only as text', async () => {
    const widget = await Widget.open(env.browser.context, `${env.server.url}/`)
    await widget.openChat()
    await widget.send(MARKDOWN)
    await widget.send(XSS)
    // The visitor's own bubble is formatted too.
    await widget.message('Formatting:').locator('.md strong').first().waitFor()
    expect(
      await formatting(widgetDocument(widget.page), '.list .row.mine:has(.md blockquote)'),
    ).toEqual(EXPECTED)
    await widget.message('X8').waitFor()

    const panel = await PanelPage.open(env.browser.context, env.server.url)
    await panel.rows.first().click()
    await panel.message('Formatting:').locator('.md blockquote').waitFor()
    expect(await formatting(panel.page, '.messages .row:has(.md blockquote)')).toEqual(EXPECTED)
    await panel.message('X8').locator('.md').waitFor()
    expect(await panel.message('X8').locator('.text').innerText()).toContain(
      '<img src=x onerror="window.__xss = 2">',
    )
    await panel.page.waitForLoadState('networkidle')
    expect(await dangers(panel.page, '.messages')).toEqual([])

    const problems: string[] = []
    for (const theme of ['light', 'dark'] as const) {
      await panel.page.emulateMedia({ colorScheme: theme })
      for (const v of await violations(panel.page)) problems.push(`panel ${theme}: ${v}`)
    }
    expect(problems).toEqual([])
    await widget.page.close()
    await panel.page.close()
  }, 60_000)
})
