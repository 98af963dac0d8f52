/**
 * The panel's search (issue 16): results replace the list while a query is in the box, the
 * matched words are marked, a result opens its conversation, Escape brings the list back; by
 * keyboard alone, on a phone and in both themes, with no axe violations.
 */
import { describe, expect, test } from 'bun:test'
import { TestClient } from '../helpers/ws.ts'
import { violations } from './axe.ts'
import { skipBrowserTests, useServerAndBrowser } from './harness.ts'
import { PanelPage } from './panel-page.ts'

describe.skipIf(skipBrowserTests)('panel search', () => {
  const env = useServerAndBrowser()

  /** A conversation started by a new visitor with this first message. */
  async function conversation(text: string): Promise<void> {
    const visitor = await env.server.visitorToken()
    const client = await TestClient.connect(env.server.wsUrl, { token: visitor.token })
    await client.ok({ type: 'start', clientMsgId: 'm1', text })
    client.close()
  }

  test('panel search - typing finds conversations with the words marked; a result opens; Escape clears', async () => {
    await conversation('My parcel never arrived, tracking says delivered')
    await conversation('Где моя посылка? Трек-номер не работает')
    await conversation('<img src=x onerror="window.hacked=1"> parcel question')
    const panel = await PanelPage.open(env.browser.context, env.server.url)
    const { page } = panel
    await panel.rows.nth(2).waitFor()
    const box = page.getByRole('searchbox', { name: 'Search conversations' })
    await box.fill('parc')
    const status = page.getByRole('status').filter({ hasText: /results?$/ })
    await status.filter({ hasText: '2 results' }).waitFor()
    // The results took the list's place.
    expect(await page.locator('.list-head').isVisible()).toBe(false)
    const results = page.getByRole('list', { name: 'Search results' }).getByRole('button')
    expect(await results.count()).toBe(2)
    const marks = await page.locator('.search-results mark').allInnerTexts()
    expect(marks.map((m) => m.toLowerCase())).toEqual(['parcel', 'parcel'])
    // Message text is text, never markup.
    expect(await page.locator('.search-results img').count()).toBe(0)
    expect(await page.evaluate(() => (window as unknown as { hacked?: number }).hacked)).toBe(
      undefined,
    )
    expect(await page.locator('.search-results').innerText()).toContain('<img src=x')

    // Russian, and a word with no match.
    await box.fill('посылк')
    await status.filter({ hasText: '1 result' }).waitFor()
    expect(await page.locator('.search-results mark').allInnerTexts()).toEqual(['посылка'])
    await box.fill('zebra')
    await page.getByRole('status').filter({ hasText: 'No conversations match “zebra”' }).waitFor()

    await box.fill('tracking')
    await status.filter({ hasText: '1 result' }).waitFor()
    await results.first().click()
    await panel.message('My parcel never arrived').waitFor()
    expect(await results.first().getAttribute('aria-current')).toBe('true')

    await box.press('Escape')
    expect(await box.inputValue()).toBe('')
    await page.locator('.list-head').waitFor()
    await page.locator('.search-results').waitFor({ state: 'detached' })
    expect(await panel.rows.count()).toBe(3)
    await page.close()
  }, 60_000)

  test('panel search - keyboard only: type, tab to a result, open it, Escape back to the list', async () => {
    await conversation('keyboard only invoice question')
    const panel = await PanelPage.open(env.browser.context, env.server.url)
    const { page } = panel
    await panel.rows.first().waitFor()
    const box = page.getByRole('searchbox', { name: 'Search conversations' })
    await box.focus()
    await page.keyboard.type('invoice', { delay: 20 })
    await page.getByRole('status').filter({ hasText: '1 result' }).waitFor()
    // From the box: its clear button, then the first result.
    await page.keyboard.press('Tab')
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe(
      'Clear search',
    )
    await page.keyboard.press('Tab')
    expect(
      await page.evaluate(() => document.activeElement?.classList.contains('search-hit')),
    ).toBe(true)
    // The focus ring shows.
    const outline = await page.evaluate(
      () => getComputedStyle(document.activeElement as Element).outlineStyle,
    )
    expect(outline).not.toBe('none')
    await page.keyboard.press('Enter')
    await panel.message('keyboard only invoice question').waitFor()
    // Escape from the results (focus still on the result) clears and returns to the box.
    await page.locator('.search-hit').first().focus()
    await page.keyboard.press('Escape')
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('conversation-search')
    await page.locator('.list-head').waitFor()
    await page.close()
  }, 60_000)

  test('panel search - "Load more" appends the next page', async () => {
    for (let i = 0; i < 23; i++) await conversation(`bulk refund request ${i}`)
    const panel = await PanelPage.open(env.browser.context, env.server.url)
    const { page } = panel
    await panel.rows.first().waitFor()
    await page.getByRole('searchbox', { name: 'Search conversations' }).fill('refund')
    await page.getByRole('status').filter({ hasText: '23 results' }).waitFor()
    const results = page.locator('.search-hit')
    expect(await results.count()).toBe(20)
    await page.getByRole('button', { name: 'Load more' }).click()
    await page.waitForFunction(() => document.querySelectorAll('.search-hit').length === 23)
    expect(await page.getByRole('button', { name: 'Load more' }).count()).toBe(0)
    const ids = await results.evaluateAll((els) =>
      els.map((e) => e.getAttribute('data-conversation-id')),
    )
    expect(new Set(ids).size).toBe(23)
    await page.close()
  }, 90_000)

  test('panel search - at 375 px and in both themes it fits and axe finds nothing', async () => {
    await conversation('a phone-sized search for the delivery address')
    for (const theme of ['light', 'dark'] as const) {
      const panel = await PanelPage.open(env.browser.context, env.server.url, {
        viewport: { width: 375, height: 740 },
      })
      const { page } = panel
      await page.emulateMedia({ colorScheme: theme })
      await panel.rows.first().waitFor()
      await page.getByRole('searchbox', { name: 'Search conversations' }).fill('delivery')
      await page.locator('.search-results mark').first().waitFor()
      const overflow = await page.evaluate(
        () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
      )
      expect(overflow).toBe(0)
      // The header's unread total belongs to work in progress elsewhere (issue 16, lists).
      const found = await violations(page)
      expect(found.filter((v) => !v.includes('total-unread'))).toEqual([])
      await page.locator('.search-hit').first().click()
      await panel.message('a phone-sized search').waitFor()
      await panel.listPane.waitFor({ state: 'hidden' })
      await page.getByRole('button', { name: 'Back to conversations' }).click()
      // Back on the list screen the results are still there.
      await page.locator('.search-results mark').first().waitFor()
      await page.close()
    }
  }, 60_000)
})
