/**
 * The visitor sidebar of the operator's conversation view (issue 16): three panes on a wide
 * screen with the sidebar collapsible (kept across a reload), a drawer at 1000 px that Escape
 * closes (focus back on its button), a screen of its own at 375 px that Back leaves for the
 * thread. It lists the pages visited (newest first) and a past conversation that opens on
 * click; the operator edits the visitor's name with the keyboard (a bad e-mail is said next to
 * its field first) and the list row follows. axe-core finds no serious violation, dark too.
 */
import { beforeAll, describe, expect, test } from 'bun:test'
import type { Page } from 'playwright-core'
import { TestClient } from '../helpers/ws.ts'
import { violations } from './axe.ts'
import { skipBrowserTests, useServerAndBrowser } from './harness.ts'
import { PanelPage } from './panel-page.ts'

const WIDE = { width: 1280, height: 800 }

describe.skipIf(skipBrowserTests)('panel sidebar', () => {
  const env = useServerAndBrowser()
  const state = {} as { past: string; current: string; visitor: TestClient; token: string }

  beforeAll(async () => {
    const { token } = await env.server.visitorToken()
    const set = await env.server.http('/api/visitor/profile', {
      method: 'PATCH',
      token,
      body: { name: 'Jane Doe', email: 'jane@example.com' },
    })
    expect(set.status).toBe(200)
    const visitor = await TestClient.connect(env.server.wsUrl, { token })
    const past = await visitor.ok({ type: 'start', clientMsgId: 'p-1', text: 'earlier question' })
    const current = await visitor.ok({
      type: 'start',
      clientMsgId: 'p-2',
      text: 'where is my order',
      context: { url: 'https://shop.example.com/', title: 'Home', timeZone: 'Europe/Berlin' },
    })
    for (const [url, title] of [
      ['https://shop.example.com/orders', 'Orders'],
      ['https://shop.example.com/orders/7', 'Order 7'],
    ] as const) {
      await visitor.ok({ type: 'page', conversationId: current.conversation.id, url, title })
    }
    Object.assign(state, {
      past: past.conversation.id,
      current: current.conversation.id,
      visitor,
      token,
    })
  }, 60_000)

  /** The admin's panel at this size with the current conversation open. */
  async function openCurrent(viewport: { width: number; height: number }) {
    const panel = await PanelPage.open(env.browser.context, env.server.url, { viewport })
    await panel.page.locator(`.conversation-row[data-conversation-id="${state.current}"]`).click()
    await panel.message('where is my order').waitFor()
    return panel
  }
  const sidebar = (page: Page) => page.locator('aside.visitor-sidebar')
  const toggle = (page: Page) => page.getByRole('button', { name: 'Visitor details', exact: true })
  const box = async (page: Page, selector: string) => {
    const b = await page.locator(selector).boundingBox()
    if (!b) throw new Error(`${selector} is not on screen`)
    return b
  }

  test('sidebar - wide: list, thread and sidebar side by side; pages visited newest first; a past conversation opens on click; collapsed stays collapsed after a reload', async () => {
    const { page } = await openCurrent(WIDE)
    await sidebar(page).getByTestId('visitor-name').filter({ hasText: 'Jane Doe' }).waitFor()
    const [list, thread, side] = [
      await box(page, '.list-pane'),
      await box(page, '.pane.conversation'),
      await box(page, 'aside.visitor-sidebar'),
    ]
    expect(list.x + list.width).toBeLessThanOrEqual(thread.x + 1)
    expect(thread.x + thread.width).toBeLessThanOrEqual(side.x + 1)
    expect(Math.round(side.width)).toBe(300)
    expect(await toggle(page).getAttribute('aria-expanded')).toBe('true')

    const pages = sidebar(page).getByTestId('visitor-pages').locator('li')
    await pages.nth(2).waitFor()
    expect(await pages.locator('a').allInnerTexts()).toEqual(['Order 7', 'Orders', 'Home'])
    expect(await pages.first().locator('a').getAttribute('href')).toBe(
      'https://shop.example.com/orders/7',
    )
    // A live page change joins the list at the top.
    await state.visitor.ok({
      type: 'page',
      conversationId: state.current,
      url: 'https://shop.example.com/help',
      title: 'Help',
    })
    await pages.first().filter({ hasText: 'Help' }).waitFor()
    expect(await pages.count()).toBe(4)
    expect(await sidebar(page).getByTestId('visitor-context').innerText()).toMatch(
      /Europe\/Berlin \(now \d{1,2}:\d\d( [AP]M)? there\)/,
    )

    const past = sidebar(page).locator(`.past-conversation[data-conversation-id="${state.past}"]`)
    expect(await past.innerText()).toContain('earlier question')
    expect(await sidebar(page).locator(`[data-conversation-id="${state.current}"]`).count()).toBe(0)
    await past.click()
    await page.locator(`.pane.conversation[data-conversation-id="${state.past}"]`).waitFor()
    await page.locator('.messages .row', { hasText: 'earlier question' }).waitFor()

    // Collapsed: two panes, also after a reload; expanded again for the next tests.
    await toggle(page).click()
    await sidebar(page).waitFor({ state: 'detached' })
    expect(await toggle(page).getAttribute('aria-expanded')).toBe('false')
    await page.reload()
    await page.locator('.pane.conversation').waitFor()
    await page.locator('.messages .row').first().waitFor()
    expect(await sidebar(page).count()).toBe(0)
    expect(await toggle(page).getAttribute('aria-expanded')).toBe('false')
    await toggle(page).click()
    await sidebar(page).waitFor()
    await page.close()
  }, 60_000)

  test('sidebar - 1000 px: a drawer over the thread from the keyboard; Escape closes it and focus returns to the button', async () => {
    const { page } = await openCurrent({ width: 1000, height: 760 })
    expect(await sidebar(page).count()).toBe(0)
    await toggle(page).focus()
    await page.keyboard.press('Enter')
    await sidebar(page).getByTestId('visitor-name').waitFor()
    expect(await sidebar(page).evaluate((el) => getComputedStyle(el).position)).toBe('fixed')
    const side = await box(page, 'aside.visitor-sidebar')
    expect(Math.round(side.x + side.width)).toBe(1000)
    // The focus moved into the drawer.
    expect(await page.evaluate(() => document.activeElement?.closest('aside')?.id ?? null)).toBe(
      'visitor-sidebar',
    )
    expect(await page.locator('.pane.conversation').isVisible()).toBe(true)
    const problems = await violations(page)
    await page.keyboard.press('Escape')
    await sidebar(page).waitFor({ state: 'detached' })
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe(
      'Visitor details',
    )
    expect(problems).toEqual([])
    await page.close()
  }, 60_000)

  test('sidebar - 375 px: the details are a third screen; its Back and the browser Back return to the thread', async () => {
    const { page } = await openCurrent({ width: 375, height: 740 })
    await toggle(page).click()
    await sidebar(page).getByTestId('visitor-name').waitFor()
    expect(await page.locator('.pane.conversation').isVisible()).toBe(false)
    expect(await page.locator('.list-pane').isVisible()).toBe(false)
    const side = await box(page, 'aside.visitor-sidebar')
    expect(Math.round(side.width)).toBe(375)
    const problems: string[] = []
    for (const theme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: theme })
      for (const v of await violations(page)) problems.push(`375px ${theme}: ${v}`)
    }
    await page.emulateMedia({ colorScheme: 'light' })

    await sidebar(page).getByRole('button', { name: 'Back to conversation' }).click()
    await sidebar(page).waitFor({ state: 'detached' })
    await page.locator('.messages .row', { hasText: 'where is my order' }).waitFor()
    expect(await page.locator('.pane.conversation').isVisible()).toBe(true)

    await toggle(page).click()
    await sidebar(page).waitFor()
    await page.goBack()
    await sidebar(page).waitFor({ state: 'detached' })
    await page.locator('.pane.conversation').waitFor()
    expect(
      await page.locator(`.pane.conversation[data-conversation-id="${state.current}"]`).count(),
    ).toBe(1)
    expect(problems).toEqual([])
    await page.close()
  }, 60_000)

  test('sidebar - the name edited with the keyboard: a bad e-mail is said next to its field, then saved; the list row follows; axe light and dark', async () => {
    const { page } = await openCurrent(WIDE)
    const side = sidebar(page)
    await side.getByTestId('visitor-name').filter({ hasText: 'Jane Doe' }).waitFor()
    const problems: string[] = []
    for (const v of await violations(page)) problems.push(`light: ${v}`)

    await side.getByRole('button', { name: 'Edit name and e-mail' }).focus()
    await page.keyboard.press('Enter')
    const name = side.getByRole('textbox', { name: 'Name' })
    const email = side.getByRole('textbox', { name: 'E-mail' })
    await name.waitFor()
    expect(await name.evaluate((el) => el === document.activeElement)).toBe(true)
    expect(await name.inputValue()).toBe('Jane Doe')
    await page.keyboard.press('ControlOrMeta+a')
    await page.keyboard.type('Janet Smith')
    await page.keyboard.press('Tab')
    await page.keyboard.press('ControlOrMeta+a')
    await page.keyboard.type('janet@')
    await page.keyboard.press('Enter')
    const error = side.locator('#visitor-email-error')
    await error.waitFor()
    expect(await error.innerText()).toContain('Enter an e-mail address')
    expect(await email.getAttribute('aria-invalid')).toBe('true')
    expect(await email.evaluate((el) => el === document.activeElement)).toBe(true)
    // Nothing was sent.
    const before = await env.server.http(`/api/conversations/${state.current}/visitor`, {
      token: await env.server.adminToken(),
    })
    expect(before.body.visitor.name).toBe('Jane Doe')

    await page.keyboard.type('Example.com')
    await page.keyboard.press('Enter')
    await side.getByTestId('visitor-name').filter({ hasText: 'Janet Smith' }).waitFor()
    expect(await side.getByTestId('visitor-email').innerText()).toBe('janet@example.com')
    const row = page.locator(`.conversation-row[data-conversation-id="${state.current}"]`)
    await row.locator('.name', { hasText: 'Janet Smith' }).waitFor()
    await page.locator('.conv-title h2', { hasText: 'Janet Smith' }).waitFor()
    // Focus is back on the Edit button.
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe(
      'Edit name and e-mail',
    )
    const after = await env.server.http(`/api/conversations/${state.current}/visitor`, {
      token: await env.server.adminToken(),
    })
    expect(after.body.visitor).toMatchObject({ name: 'Janet Smith', email: 'janet@example.com' })

    // Escape leaves the form unsaved.
    await page.keyboard.press('Enter')
    await name.waitFor()
    await page.keyboard.type(' changed')
    await page.keyboard.press('Escape')
    await name.waitFor({ state: 'detached' })
    expect(await side.getByTestId('visitor-name').innerText()).toBe('Janet Smith')

    await page.emulateMedia({ colorScheme: 'dark' })
    for (const v of await violations(page)) problems.push(`dark: ${v}`)
    expect(problems).toEqual([])
    state.visitor.close()
    await page.close()
  }, 60_000)

  test('sidebar - a colleague renames the visitor: the sidebar, the title and the row follow without a reload', async () => {
    const { page } = await openCurrent(WIDE)
    const side = sidebar(page)
    await side.getByTestId('visitor-name').waitFor()
    const colleague = await env.server.operator({ inboxIds: [await env.server.defaultInboxId()] })
    const renamed = await env.server.http(`/api/conversations/${state.current}/visitor`, {
      method: 'PATCH',
      token: colleague.token,
      body: { name: 'Renamed Elsewhere' },
    })
    expect(renamed.status).toBe(200)
    await side.getByTestId('visitor-name').filter({ hasText: 'Renamed Elsewhere' }).waitFor()
    await page.locator('.conv-title h2', { hasText: 'Renamed Elsewhere' }).waitFor()
    const row = page.locator(`.conversation-row[data-conversation-id="${state.current}"]`)
    await row.locator('.name', { hasText: 'Renamed Elsewhere' }).waitFor()
    await page.close()
  }, 60_000)
})
