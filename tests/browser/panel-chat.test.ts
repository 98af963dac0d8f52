import { afterAll, describe, expect, test } from 'bun:test'
import {
  embeddingPage,
  serveHostPage,
  skipBrowserTests,
  until,
  Widget,
  useServerAndBrowser,
} from './harness.ts'
import { PanelPage } from './panel-page.ts'

describe.skipIf(skipBrowserTests)('panel chat', () => {
  const env = useServerAndBrowser()
  // One visitor through all tests: a real site, whose storage keeps the visitor between pages.
  let site: ReturnType<typeof serveHostPage> | null = null
  const siteUrl = async () => {
    site ??= serveHostPage(embeddingPage(env.server, await env.server.defaultInboxId()))
    return `http://127.0.0.1:${site.port}/`
  }
  afterAll(() => site?.stop())

  test('panel - a visitor writes from the widget; the operator sees it live, opens it, replies; ticks and typing on both sides', async () => {
    const panel = await PanelPage.open(env.browser.context, env.server.url)
    const widget = await Widget.open(env.browser.context, await siteUrl())
    await widget.openChat()
    await widget.send('Hello, my order #1042 has not arrived')

    // Live in the list, with the unanswered marker and the unread counts.
    const row = panel.page.locator('.conversation-row[data-unanswered="true"]')
    await row.waitFor()
    expect(await panel.rows.count()).toBe(1)
    await panel.page.getByTestId('total-unread').filter({ hasText: '1' }).waitFor()
    expect(await row.locator('.badge').innerText()).toBe('1')
    await until(async () => (await panel.page.title()).startsWith('(1)'), 'unread in the title')
    await panel.page.getByLabel('Unanswered only').check()
    await row.waitFor()

    await row.click()
    await panel.message('order #1042').waitFor()
    // Viewing the message marks it read: the visitor sees two ticks.
    await widget.waitStatus('order #1042', 'read')
    await panel.page.locator('[data-testid="total-unread"]').waitFor({ state: 'detached' })
    expect(await panel.page.title()).toBe('Parley — operator panel')

    // Typing both ways.
    await widget.input.pressSequentially('Any news')
    await panel.page.getByText('Visitor is typing…').waitFor()
    await panel.input.pressSequentially('Let me check')
    await widget.frame.getByText('Operator is typing…').waitFor()

    await panel.send('Sorry about that! It ships **tomorrow**.')
    await widget.message('It ships').waitFor()
    expect(await widget.message('It ships').locator('strong').innerText()).toBe('tomorrow')
    // The widget is open and visible: it reads the reply, the operator sees two ticks.
    await panel.waitStatus('It ships', 'read')
    // Answered: it leaves the unanswered filter and loses its marker.
    await row.waitFor({ state: 'detached' })
    await panel.page.getByLabel('Unanswered only').uncheck()
    await panel.page.locator('.conversation-row:not([data-unanswered])').waitFor()
    await widget.page.close()
    await panel.page.close()
  }, 60_000)

  test('panel - status switch is stored by the server and shared by tabs', async () => {
    const first = await PanelPage.open(env.browser.context, env.server.url)
    const second = await PanelPage.open(env.browser.context, env.server.url)
    await first.page.getByLabel('My status').selectOption('away')
    await until(
      async () => (await second.page.getByLabel('My status').inputValue()) === 'away',
      'the other tab to follow',
    )
    await second.page.reload()
    await second.connected()
    expect(await second.page.getByLabel('My status').inputValue()).toBe('away')
    await second.page.getByLabel('My status').selectOption('online')
    await until(
      async () => (await first.page.getByLabel('My status').inputValue()) === 'online',
      'back online',
    )
    await first.page.close()
    await second.page.close()
  }, 60_000)

  test('panel - edit and delete an own message while unread; resolve and reopen', async () => {
    const panel = await PanelPage.open(env.browser.context, env.server.url)
    const widget = await Widget.open(env.browser.context, await siteUrl())
    await widget.openChat()
    await widget.send('Second question')
    await panel.page.locator('.conversation-row[data-unanswered="true"]').first().click()
    await panel.message('Second question').waitFor()
    await widget.page.close() // nobody reads the operator's messages now

    await panel.send('Typo here')
    await panel.waitStatus('Typo here', 'sent')
    await panel.message('Typo here').hover()
    await panel.message('Typo here').getByRole('button', { name: 'Edit' }).click()
    await panel.input.fill('Fixed text')
    await panel.input.press('Enter')
    await panel.message('Fixed text').getByText('edited').waitFor()
    await panel.message('Fixed text').hover()
    await panel.message('Fixed text').getByRole('button', { name: 'Delete' }).click()
    await panel.message('Message deleted').waitFor()

    await panel.page.getByRole('button', { name: 'Resolve' }).click()
    await panel.page.locator('.conv-title .pill[data-status="resolved"]').waitFor()
    await panel.page.getByRole('button', { name: 'Reopen' }).click()
    await panel.page.locator('.conv-title .pill[data-status="open"]').waitFor()
    // Routing gave it to the only online operator; release it and take it back.
    const release = panel.page.getByRole('button', { name: 'Release' })
    const assign = panel.page.getByRole('button', { name: 'Assign to me' })
    await release.click()
    await assign.click()
    await release.waitFor()
    await panel.page.locator('.conversation-row', { hasText: 'You' }).waitFor()
    await panel.page.close()
  }, 60_000)

  test('panel - an edit the visitor has read meanwhile is refused, and the reason is shown', async () => {
    const panel = await PanelPage.open(env.browser.context, env.server.url)
    await panel.rows.first().click()
    await panel.send('Read before the edit')
    await panel.waitStatus('Read before the edit', 'sent')
    await panel.message('Read before the edit').hover()
    await panel.message('Read before the edit').getByRole('button', { name: 'Edit' }).click()
    await panel.input.fill('Too late')

    const widget = await Widget.open(env.browser.context, await siteUrl())
    await widget.openChat()
    await panel.waitStatus('Read before the edit', 'read')
    await panel.input.press('Enter')
    await panel.page
      .getByRole('alert')
      .filter({ hasText: 'The visitor has already read this message' })
      .waitFor()
    expect(await panel.texts()).toContain('Read before the edit')
    await widget.page.close()
    await panel.page.close()
  }, 60_000)
})
