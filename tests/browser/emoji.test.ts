/**
 * The emoji picker and `:shortcode:` completion (C8) in the widget and the panel composers:
 * keyboard only, search in English and Russian, insertion at the caret, recent emoji kept
 * across reopening, skin tones, axe with the picker open (light and dark, 375 px).
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import type { Locator } from 'playwright-core'
import { violations, widgetDocument } from './axe.ts'
import {
  connectOperator,
  embeddingPage,
  serveHostPage,
  skipBrowserTests,
  until,
  useServerAndBrowser,
  Widget,
} from './harness.ts'
import { PanelPage } from './panel-page.ts'

/** Types text into a textarea, then puts the caret at `caret`. */
async function fillAt(input: Locator, text: string, caret: number): Promise<void> {
  await input.fill(text)
  await input.evaluate((el: HTMLTextAreaElement, at) => el.setSelectionRange(at, at), caret)
}

const focusedIn = (input: Locator) => input.evaluate((el) => el === document.activeElement)

describe.skipIf(skipBrowserTests)('emoji', () => {
  const env = useServerAndBrowser()
  // An operator online: the widget offers the chat (not the leave-a-message form).
  let operator: Awaited<ReturnType<typeof connectOperator>> | undefined
  beforeAll(async () => {
    operator = await connectOperator(env.server)
  })
  afterAll(() => operator?.client.close())

  test('emoji - widget picker by keyboard: search, insert at the caret, recent, skin tone, Escape', async () => {
    // A real site: its storage keeps recent emoji and the tone across a reload.
    using site = serveHostPage(embeddingPage(env.server, await env.server.defaultInboxId()))
    const page = await env.browser.context.newPage()
    await page.setViewportSize({ width: 375, height: 740 })
    await page.goto(`http://127.0.0.1:${site.port}/`)
    const widget = new Widget(page)
    await widget.openChat()
    const f = widget.frame
    await fillAt(widget.input, 'Hello world', 6)

    // Tab from the textarea reaches the button; Enter opens the picker with search focused.
    await widget.input.press('Tab')
    const button = f.getByRole('button', { name: 'Emoji' })
    expect(await button.evaluate((el) => el === document.activeElement)).toBe(true)
    await page.keyboard.press('Enter')
    const picker = f.getByRole('dialog', { name: 'Emoji' })
    const search = picker.getByRole('searchbox', { name: 'Search emoji' })
    await until(() => search.evaluate((el) => el === document.activeElement), 'search focused')
    expect(await button.getAttribute('aria-expanded')).toBe('true')
    // Categories and the grid: the first group is there before any search.
    await picker.getByRole('group', { name: 'Smileys & emotion' }).waitFor()

    await page.keyboard.type('grinning face')
    await picker.getByRole('group', { name: 'Search results' }).waitFor()
    await page.keyboard.press('ArrowDown')
    await page.keyboard.press('ArrowRight')
    const second = await f.locator('.ep-emoji:focus').innerText()
    await page.keyboard.press('ArrowLeft')
    const first = await f.locator('.ep-emoji:focus').innerText()
    expect(first).toBe('😀')
    expect(second).not.toBe(first)
    await page.keyboard.press('Enter')
    await picker.waitFor({ state: 'detached' })
    expect(await widget.input.inputValue()).toBe('Hello 😀world')
    expect(await button.getAttribute('aria-expanded')).toBe('false')
    // The caret sits after the emoji: typing goes on from there.
    await widget.input.focus()
    await page.keyboard.type('!')
    expect(await widget.input.inputValue()).toBe('Hello 😀!world')

    // Reopened: the emoji is first among the recent ones.
    await button.click()
    const recent = picker.getByRole('group', { name: 'Recently used' })
    await recent.waitFor()
    expect(await recent.locator('.ep-emoji').first().innerText()).toBe('😀')

    // Skin tone: applies to emoji that take one, not to the others.
    await picker.getByRole('button', { name: /^Skin tone/ }).click()
    await picker.getByRole('radio', { name: 'Medium', exact: true }).click()
    await search.fill('waving hand')
    await picker.getByRole('group', { name: 'Search results' }).waitFor()
    expect(await picker.locator('.ep-emoji').first().innerText()).toBe('👋🏽')
    await search.fill('grinning face')
    await until(
      async () => (await picker.locator('.ep-emoji').first().innerText()) === '😀',
      'no tone on a face',
    )

    // Escape closes and gives the composer its focus back; nothing was inserted.
    await search.press('Escape')
    await picker.waitFor({ state: 'detached' })
    expect(await focusedIn(widget.input)).toBe(true)
    expect(await widget.input.inputValue()).toBe('Hello 😀!world')
    // The chat stays open (Escape closed only the picker).
    expect(await widget.input.isVisible()).toBe(true)

    // The tone and the recent list survive a reload (the host page's storage via the loader).
    await page.reload()
    // The chat comes back open, as it was.
    await widget.input.waitFor()
    await button.click()
    await recent.waitFor()
    expect(
      await picker.getByRole('button', { name: /^Skin tone/ }).getAttribute('aria-label'),
    ).toBe('Skin tone: Medium')
    await page.close()
  }, 60_000)

  test('emoji - widget in Russian: search finds Russian and English names', async () => {
    const page = await env.browser.context.newPage()
    await page.goto(`${env.server.url}/?lang=ru`)
    const widget = new Widget(page)
    await widget.openChat()
    const f = widget.frame
    await f.getByRole('button', { name: 'Эмодзи' }).click()
    const picker = f.getByRole('dialog', { name: 'Эмодзи' })
    const search = picker.getByRole('searchbox', { name: 'Поиск эмодзи' })
    await search.fill('сердце')
    const results = picker.getByRole('group', { name: 'Результаты поиска' })
    await results.waitFor()
    expect(await results.locator('.ep-emoji').allInnerTexts()).toContain('❤️')
    const heart = results.locator('.ep-emoji', { hasText: /^❤️$/ })
    expect(await heart.getAttribute('aria-label')).toMatch(/сердце/)
    await search.fill('thumbs up')
    await until(
      async () => (await results.locator('.ep-emoji').allInnerTexts()).includes('\u{1F44D}\uFE0F'),
      'an English name',
    )
    await search.fill('zzzz')
    await picker.getByText('Ничего не нашлось').waitFor()
    await page.close()
  }, 60_000)

  test('emoji - :shortcode: completion with the keyboard, a full shortcode replaced, Escape dismisses', async () => {
    const page = await env.browser.context.newPage()
    await page.goto(`${env.server.url}/`)
    const widget = new Widget(page)
    await widget.openChat()
    const f = widget.frame
    await widget.input.pressSequentially('Great :thu')
    const list = f.getByRole('listbox', { name: 'Emoji suggestions' })
    await list.waitFor()
    expect(await widget.input.getAttribute('aria-controls')).toBe(await list.getAttribute('id'))
    const options = list.getByRole('option')
    expect(await options.first().getAttribute('aria-selected')).toBe('true')
    expect(await widget.input.getAttribute('aria-activedescendant')).toBe(
      await options.first().getAttribute('id'),
    )
    await widget.input.press('ArrowDown')
    expect(await options.nth(1).getAttribute('aria-selected')).toBe('true')
    await widget.input.press('ArrowUp')
    const picked = await options.first().locator('.sc-emoji').innerText()
    // Enter picks the suggestion: nothing is sent.
    await widget.input.press('Enter')
    await list.waitFor({ state: 'detached' })
    expect(await widget.input.inputValue()).toBe(`Great ${picked}`)
    expect(await f.locator('.list .row.mine').count()).toBe(0)

    // Typed out in full, a shortcode becomes its emoji at once.
    await widget.input.pressSequentially(' :tada:')
    await until(async () => (await widget.input.inputValue()) === `Great ${picked} 🎉`, ':tada:')

    // Escape dismisses the list and keeps the text (and the chat open); Tab picks.
    await widget.input.pressSequentially(' :smi')
    await list.waitFor()
    await widget.input.press('Escape')
    await list.waitFor({ state: 'detached' })
    expect(await widget.input.inputValue()).toBe(`Great ${picked} 🎉 :smi`)
    expect(await widget.input.isVisible()).toBe(true)
    await widget.input.pressSequentially('l')
    await list.waitFor()
    await widget.input.press('Tab')
    await list.waitFor({ state: 'detached' })
    expect(await widget.input.inputValue()).toMatch(new RegExp(`^Great ${picked} 🎉 \\S+$`))
    expect(await widget.input.inputValue()).not.toContain(':')

    // Enter without a list sends as always.
    await widget.input.press('Enter')
    await widget.frame.locator('.list .row.mine').waitFor()
    await page.close()
  }, 60_000)

  test('emoji - axe with the picker and the suggestions open: widget at 375 px and panel, light and dark', async () => {
    const page = await env.browser.context.newPage()
    await page.setViewportSize({ width: 375, height: 740 })
    await page.emulateMedia({ colorScheme: 'light' })
    await page.goto(`${env.server.url}/?theme=auto`)
    const widget = new Widget(page)
    await widget.openChat()
    // A conversation, for the panel's composer below.
    await widget.send('Checking emoji accessibility')
    const f = widget.frame
    const problems: string[] = []
    for (const theme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: theme })
      await until(
        async () =>
          (await widget.root.getAttribute('class'))?.includes('dark') === (theme === 'dark'),
        `the ${theme} theme`,
      )
      await f.getByRole('button', { name: 'Emoji' }).click()
      const picker = f.getByRole('dialog', { name: 'Emoji' })
      await picker.getByRole('group', { name: 'Smileys & emotion' }).waitFor()
      // It fits a phone's width.
      const box = await picker.boundingBox()
      expect(box && box.x >= 0 && box.x + box.width <= 375).toBe(true)
      await picker.getByRole('button', { name: /^Skin tone/ }).click()
      for (const v of await violations(widgetDocument(page))) problems.push(`widget ${theme}: ${v}`)
      await page.keyboard.press('Escape')
      await page.keyboard.press('Escape')
      await picker.waitFor({ state: 'detached' })
      await widget.input.fill('')
      await widget.input.pressSequentially(':hea')
      await f.getByRole('listbox').waitFor()
      for (const v of await violations(widgetDocument(page))) {
        problems.push(`widget ${theme} suggestions: ${v}`)
      }
      await widget.input.press('Escape')
    }
    await page.close()

    const panel = await PanelPage.open(env.browser.context, env.server.url, {
      viewport: { width: 375, height: 740 },
    })
    await panel.rows.first().click()
    await panel.message('Checking emoji').waitFor()
    for (const theme of ['light', 'dark'] as const) {
      await panel.page.emulateMedia({ colorScheme: theme })
      await panel.page.getByRole('button', { name: 'Emoji', exact: true }).click()
      await panel.page.getByRole('group', { name: 'Smileys & emotion' }).waitFor()
      for (const v of await violations(panel.page)) problems.push(`panel ${theme}: ${v}`)
      await panel.page.keyboard.press('Escape')
    }
    await panel.page.close()
    expect(problems).toEqual([])
  }, 90_000)

  test('emoji - panel composer: picker by keyboard inserts at the caret, recent kept, :shortcode: completes', async () => {
    // A conversation for the panel to answer.
    const widget = await Widget.open(env.browser.context, `${env.server.url}/`)
    await widget.openChat()
    await widget.send('Emoji test from a visitor')
    const panel = await PanelPage.open(env.browser.context, env.server.url)
    // The newest conversation is listed first.
    await panel.rows.first().click()
    await panel.message('Emoji test').waitFor()

    await fillAt(panel.input, 'Thanks !', 7)
    const button = panel.page.getByRole('button', { name: 'Emoji', exact: true })
    await button.focus()
    await panel.page.keyboard.press('Enter')
    const picker = panel.page.getByRole('dialog', { name: 'Emoji', exact: true })
    await picker.getByRole('searchbox').waitFor()
    await panel.page.keyboard.type('heart')
    await picker.getByRole('group', { name: 'Search results' }).waitFor()
    await panel.page.keyboard.press('ArrowDown')
    const chosen = await panel.page.locator('.ep-emoji:focus').innerText()
    await panel.page.keyboard.press('Enter')
    await picker.waitFor({ state: 'detached' })
    expect(await panel.input.inputValue()).toBe(`Thanks ${chosen}!`)
    expect(await focusedIn(panel.input)).toBe(true)
    const stored = await panel.page.evaluate(() => localStorage.getItem('parley:emojiRecent'))
    expect(JSON.parse(stored ?? '[]')[0]).toBe(chosen)

    await panel.page.keyboard.press('End')
    await panel.input.pressSequentially(' :rocke')
    const list = panel.page.getByRole('listbox', { name: 'Emoji suggestions' })
    await list.waitFor()
    await panel.input.press('Enter')
    await list.waitFor({ state: 'detached' })
    expect(await panel.input.inputValue()).toBe(`Thanks ${chosen}! 🚀`)
    await panel.input.press('Enter')
    await widget.message('Thanks').waitFor()
    expect(await widget.message('Thanks').locator('.text').innerText()).toBe(`Thanks ${chosen}! 🚀`)
    await widget.page.close()
    await panel.page.close()
  }, 60_000)
})
