import { describe, expect, test } from 'bun:test'
import { TestClient } from '../helpers/ws.ts'
import { violations } from './axe.ts'
import { skipBrowserTests, until, useServerAndBrowser } from './harness.ts'
import { PanelPage } from './panel-page.ts'

/**
 * A headless tab is always visible and has no notification UI: the page gets a switch for its
 * visibility and a Notification that records what it was asked to show.
 */
const FAKES = `
  window.__hidden = false
  window.__notes = []
  Object.defineProperty(Document.prototype, 'visibilityState', {
    configurable: true,
    get: () => (window.__hidden ? 'hidden' : 'visible'),
  })
  window.Notification = class {
    static permission = 'granted'
    static requestPermission() { return Promise.resolve('granted') }
    constructor(title, options) { window.__notes.push({ title, body: options && options.body }) }
    close() {}
  }
`

interface Note {
  title: string
  body: string
}

describe.skipIf(skipBrowserTests)('panel notifications', () => {
  const env = useServerAndBrowser()

  test('panel - a new conversation or visitor message notifies only while the tab is hidden', async () => {
    const panel = await PanelPage.open(env.browser.context, env.server.url, { initScript: FAKES })
    // Assignment alerts are their own feature (and the first one may land after the tab is
    // hidden on a slow machine): only message and conversation notifications count here.
    const notes = async () =>
      (await panel.page.evaluate(() => (window as unknown as { __notes: Note[] }).__notes)).filter(
        (n) => n.title !== 'Conversation assigned to you',
      )
    const setHidden = (hidden: boolean) =>
      panel.page.evaluate(
        (h) => ((window as unknown as { __hidden: boolean }).__hidden = h),
        hidden,
      )

    const visitor = await env.server.visitorToken()
    const client = await TestClient.connect(env.server.wsUrl, { token: visitor.token })
    const ack = await client.ok({ type: 'start', clientMsgId: 'n1', text: 'Seen while visible' })
    const conversationId = ack.conversation.id as string
    await panel.rows.first().waitFor()
    expect(await notes()).toEqual([])

    await setHidden(true)
    await client.ok({ type: 'send', conversationId, clientMsgId: 'n2', text: 'While hidden' })
    await until(async () => (await notes()).length === 1, 'a notification for the message')
    expect((await notes())[0]?.title).toBe('New message')

    await client.ok({ type: 'start', clientMsgId: 'n3', text: 'A second conversation' })
    await until(async () => (await notes()).length === 2, 'a notification for the conversation')
    expect((await notes())[1]?.title).toBe('New conversation')
    // Its first message came in the same breath: no second alert for it.
    await panel.page.waitForTimeout(300)
    expect(await notes()).toHaveLength(2)
    client.close()
    await panel.page.close()
  }, 60_000)

  test('panel - notification preferences on this device: a kind turned off alerts nothing, the others still do; kept across reloads', async () => {
    const panel = await PanelPage.open(env.browser.context, env.server.url, { initScript: FAKES })
    const page = panel.page
    const notes = async () =>
      (await page.evaluate(() => (window as unknown as { __notes: Note[] }).__notes)).filter(
        (n) => n.title !== 'Conversation assigned to you',
      )
    // Keyboard only: from the menu's end up to the item, then the dialog's checkboxes.
    await page.locator('.account-button').focus()
    await page.keyboard.press('ArrowUp')
    await page.keyboard.press('ArrowUp')
    await page.keyboard.press('ArrowUp')
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Notifications…')
    await page.keyboard.press('Enter')
    const dialog = page.getByRole('dialog', { name: 'Notifications' })
    await dialog.waitFor()
    expect(await violations(page)).toEqual([])
    const messages = dialog.getByLabel('New messages from visitors')
    expect(await messages.isChecked()).toBe(true)
    await messages.focus()
    await page.keyboard.press('Space')
    expect(await messages.isChecked()).toBe(false)
    expect(await dialog.getByText('Browser notifications are allowed.').count()).toBe(1)
    await page.keyboard.press('Escape')
    await dialog.waitFor({ state: 'detached' })

    await page.reload()
    await panel.connected()
    await page.evaluate(() => ((window as unknown as { __hidden: boolean }).__hidden = true))
    const visitor = await env.server.visitorToken()
    const client = await TestClient.connect(env.server.wsUrl, { token: visitor.token })
    const ack = await client.ok({ type: 'start', clientMsgId: 'p1', text: 'A conversation' })
    await until(async () => (await notes()).length === 1, 'the new conversation alert')
    expect((await notes())[0]?.title).toBe('New conversation')
    // A message: its kind is off on this device.
    await page.waitForTimeout(3100)
    await client.ok({
      type: 'send',
      conversationId: ack.conversation.id,
      clientMsgId: 'p2',
      text: 'A message',
    })
    // The list hears of it, and still no alert.
    await page.locator('.conversation-row', { hasText: 'A message' }).waitFor()
    expect(await notes()).toHaveLength(1)
    client.close()
    await page.close()
  }, 60_000)

  test('panel - the open conversation is marked delivered while hidden, read once visible', async () => {
    const panel = await PanelPage.open(env.browser.context, env.server.url, { initScript: FAKES })
    const setHidden = (hidden: boolean) =>
      panel.page.evaluate(
        (h) => ((window as unknown as { __hidden: boolean }).__hidden = h),
        hidden,
      )
    const visitor = await env.server.visitorToken()
    const client = await TestClient.connect(env.server.wsUrl, { token: visitor.token })
    const ack = await client.ok({ type: 'start', clientMsgId: 'd1', text: 'Receipts please' })
    const conversationId = ack.conversation.id as string
    await client.ok({ type: 'subscribe', conversationId, afterSeq: 0 })
    await panel.page.locator(`.conversation-row[data-conversation-id="${conversationId}"]`).click()
    await panel.message('Receipts please').waitFor()

    await setHidden(true)
    const sent = await client.ok({ type: 'send', conversationId, clientMsgId: 'd2', text: 'Later' })
    const operatorMark = (f: { name?: string; data?: { reader?: { kind: string } } }) =>
      f.name === 'read.updated' && f.data?.reader?.kind === 'operator'
    const delivered = await client.next(
      (f) => operatorMark(f) && f.data.deliveredSeq === sent.seq,
      10_000,
    )
    expect(delivered.data.readSeq).toBeLessThan(sent.seq)

    await setHidden(false)
    await panel.page.evaluate(() => document.dispatchEvent(new Event('visibilitychange')))
    await client.next((f) => operatorMark(f) && f.data.readSeq === sent.seq, 10_000)
    client.close()
    await panel.page.close()
  }, 60_000)
})
