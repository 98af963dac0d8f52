/**
 * Notices and small-text accessibility (issue 15): an edit refused because the other side read
 * the message keeps its text and says why; emptying the draft stops "typing" at once; a closed
 * conversation says that writing again starts a new one (and does); bubble text keeps 4.5:1 in
 * both themes; the widget's composer is 16 px on a phone.
 */
import { describe, expect, test } from 'bun:test'
import type { Page } from 'playwright-core'
import { TestClient, type Frame } from '../helpers/ws.ts'
import { violations, widgetDocument } from './axe.ts'
import {
  connectOperator,
  embeddingPage,
  serveHostPage,
  skipBrowserTests,
  until,
  Widget,
  useServerAndBrowser,
} from './harness.ts'
import { PanelPage } from './panel-page.ts'

/** A visitor on a raw WebSocket with a new conversation, subscribed to it. */
async function rawVisitor(
  env: { server: { wsUrl: string; visitorToken(): Promise<{ token: string }> } },
  text: string,
) {
  const client = await TestClient.connect(env.server.wsUrl, {
    token: (await env.server.visitorToken()).token,
  })
  const started = await client.ok({ type: 'start', clientMsgId: crypto.randomUUID(), text })
  const conversationId = started.conversation.id as string
  await client.ok({ type: 'subscribe', conversationId, afterSeq: 0 })
  return { client, conversationId }
}

/** Opens a conversation in the panel by id. */
async function openInPanel(panel: PanelPage, conversationId: string) {
  await panel.page.locator(`.conversation-row[data-conversation-id="${conversationId}"]`).click()
}

/** Typing notices of one party kind received so far with `on`. */
const typingFrames = (client: TestClient, kind: 'visitor' | 'operator', on: boolean) =>
  client.frames.filter(
    (f: Frame) => f.name === 'typing' && f.data.party.kind === kind && f.data.on === on,
  ).length

/** Serious color-contrast violations in a document, light and dark. */
async function contrastLightAndDark(
  page: Page,
  doc: () => ReturnType<typeof widgetDocument> | Page,
  ready: (theme: 'light' | 'dark') => Promise<void>,
) {
  const problems: string[] = []
  for (const theme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: theme })
    await ready(theme)
    for (const v of await violations(doc())) {
      if (v.startsWith('color-contrast')) problems.push(`${theme}: ${v}`)
    }
  }
  return problems
}

describe.skipIf(skipBrowserTests)('connection notices', () => {
  const env = useServerAndBrowser()

  test('widget - an edit refused because the operator read the message keeps the text in the composer and says why; it can go as a new message', async () => {
    const operator = await connectOperator(env.server)
    const widget = await Widget.open(env.browser.context, `${env.server.url}/`)
    await widget.openChat()
    await widget.send('I ordered 2 bags')
    const conversationId = await operator.conversation()
    const original = await operator.message(conversationId, 'I ordered 2 bags')

    const row = widget.message('I ordered 2 bags')
    await row.hover()
    await row.getByRole('button', { name: 'Edit' }).click()
    await widget.input.fill('I ordered 5 bags')
    await operator.client.ok({ type: 'read', conversationId, seq: original.seq })
    await widget.waitStatus('I ordered 2 bags', 'read')
    await widget.input.press('Enter')

    const notice = widget.frame.locator('[data-notice="alreadyRead"]')
    await notice.waitFor()
    expect(await notice.innerText()).toContain('already read this message')
    expect(await notice.innerText()).toContain('Your text is kept')
    expect(await widget.input.inputValue()).toBe('I ordered 5 bags')
    expect(await widget.frame.locator('.editing-bar').count()).toBe(0)
    expect(await widget.texts()).toEqual(['I ordered 2 bags'])

    await widget.input.press('Enter')
    await widget.waitStatus('I ordered 5 bags', 'sent')
    expect(await widget.texts()).toEqual(['I ordered 2 bags', 'I ordered 5 bags'])
    expect(await widget.input.inputValue()).toBe('')
    await widget.page.close()
    operator.client.close()
  }, 60_000)

  test('panel - an edit refused because the visitor read the reply keeps the text and says why', async () => {
    const visitor = await rawVisitor(env, 'When does it ship?')
    const panel = await PanelPage.open(env.browser.context, env.server.url)
    await openInPanel(panel, visitor.conversationId)
    await panel.send('It ships on Monday')
    const reply = await visitor.client.next(
      (f) => f.name === 'message.created' && f.data.message.text === 'It ships on Monday',
    )
    const row = panel.message('It ships on Monday')
    await row.hover()
    await row.getByRole('button', { name: 'Edit' }).click()
    await panel.input.fill('It ships on Tuesday')
    await visitor.client.ok({
      type: 'read',
      conversationId: visitor.conversationId,
      seq: reply.seq,
    })
    await panel.waitStatus('It ships on Monday', 'read')
    await panel.input.press('Enter')

    const notice = panel.page.locator('.pane.conversation .notice[role="alert"]')
    await notice.waitFor()
    expect(await notice.innerText()).toContain('already read this message')
    expect(await panel.input.inputValue()).toBe('It ships on Tuesday')
    expect(await panel.page.locator('.editing-bar').count()).toBe(0)
    // Resolve and Close say what the visitor's next message does.
    const actions = panel.page.locator('.conv-actions')
    const hint = (name: string) => actions.getByRole('button', { name }).getAttribute('title')
    expect(await hint('Resolve')).toContain('reopens this conversation')
    expect(await hint('Close')).toContain('starts a new conversation')
    await panel.page.close()
    visitor.client.close()
  }, 60_000)

  test('widget and panel - emptying the draft stops "typing" on the other side within 1 s', async () => {
    // The visitor clears the widget's draft: the operator sees typing stop.
    const operator = await connectOperator(env.server)
    const widget = await Widget.open(env.browser.context, `${env.server.url}/`)
    await widget.openChat()
    await widget.send('Hello')
    const conversationId = await operator.conversation()
    await operator.message(conversationId, 'Hello')
    const offBefore = typingFrames(operator.client, 'visitor', false)
    const onBefore = typingFrames(operator.client, 'visitor', true)
    await widget.input.pressSequentially('Wait, one more')
    await until(() => typingFrames(operator.client, 'visitor', true) > onBefore, 'typing on')
    const clearedAt = Date.now()
    await widget.input.press('Control+A')
    await widget.input.press('Backspace')
    await until(
      () => typingFrames(operator.client, 'visitor', false) > offBefore,
      'typing off after clearing',
      3000,
    )
    expect(Date.now() - clearedAt).toBeLessThanOrEqual(1000)
    await widget.page.close()
    operator.client.close()

    // The operator clears the panel's draft: the visitor sees typing stop.
    const visitor = await rawVisitor(env, 'Are you there?')
    const panel = await PanelPage.open(env.browser.context, env.server.url)
    await openInPanel(panel, visitor.conversationId)
    await panel.message('Are you there?').waitFor()
    await panel.input.pressSequentially('Yes, I am')
    await until(() => typingFrames(visitor.client, 'operator', true) > 0, 'operator typing on')
    const off = typingFrames(visitor.client, 'operator', false)
    const panelClearedAt = Date.now()
    await panel.input.press('Control+A')
    await panel.input.press('Backspace')
    await until(
      () => typingFrames(visitor.client, 'operator', false) > off,
      'operator typing off after clearing',
      3000,
    )
    expect(Date.now() - panelClearedAt).toBeLessThanOrEqual(1000)
    await panel.page.close()
    visitor.client.close()
  }, 60_000)

  test('widget - closed: the thread says writing again starts a new conversation, and it does; resolved: it reopens', async () => {
    const operator = await connectOperator(env.server)
    const widget = await Widget.open(env.browser.context, `${env.server.url}/`)
    await widget.openChat()
    await widget.send('My first question')
    const first = await operator.conversation()
    await operator.message(first, 'My first question')

    await operator.client.ok({ type: 'set_status', conversationId: first, status: 'closed' })
    const line = widget.frame.locator('[data-testid="resolved"]')
    await until(
      async () =>
        (await line.innerText().catch(() => '')) ===
        'This conversation was closed. Writing again starts a new one.',
      'the closed line',
    )

    await widget.send('A new question')
    const created = await operator.client.next(
      (f) => f.type === 'feed' && f.data.change === 'created' && f.data.conversation.id !== first,
      10_000,
    )
    const second = created.data.conversation.id as string
    await widget.waitStatus('A new question', 'sent')
    await line.waitFor({ state: 'detached' })
    expect(await widget.texts()).toEqual(['A new question'])
    // The closed one stays closed.
    const old = await operator.client.ok({ type: 'subscribe', conversationId: first, afterSeq: 0 })
    expect(old.conversation.status).toBe('closed')

    await operator.client.ok({ type: 'set_status', conversationId: second, status: 'resolved' })
    await until(
      async () =>
        (await line.innerText().catch(() => '')) ===
        'This conversation was resolved. Writing again reopens it.',
      'the resolved line',
    )
    await widget.page.close()
    operator.client.close()
  }, 60_000)

  test('widget and panel - small text in bubbles keeps 4.5:1 in both themes (axe color-contrast)', async () => {
    const inboxId = await env.server.defaultInboxId()
    using site = serveHostPage(embeddingPage(env.server, inboxId, ' data-theme="auto"'))
    const operator = await connectOperator(env.server)
    const widget = await Widget.open(env.browser.context, `http://127.0.0.1:${site.port}/`)
    await widget.openChat()
    await widget.send('Read by the operator')
    const conversationId = await operator.conversation()
    const read = await operator.message(conversationId, 'Read by the operator')
    await operator.client.ok({ type: 'read', conversationId, seq: read.seq })
    await widget.send('Only sent')
    await operator.message(conversationId, 'Only sent')
    await operator.client.ok({
      type: 'send',
      conversationId,
      clientMsgId: crypto.randomUUID(),
      text: 'An answer from support',
    })
    await widget.message('An answer from support').waitFor()
    await widget.waitStatus('Read by the operator', 'read')
    await widget.waitStatus('Only sent', 'sent')
    // A deleted own message keeps its time and label readable too.
    await widget.send('Sent by mistake')
    await widget.waitStatus('Sent by mistake', 'sent')
    const mistake = widget.message('Sent by mistake')
    await mistake.hover()
    await mistake.getByRole('button', { name: 'Delete' }).click()
    await widget.frame.locator('.bubble.deleted').waitFor()
    await widget.page.mouse.move(0, 0)

    const widgetProblems = await contrastLightAndDark(
      widget.page,
      () => widgetDocument(widget.page),
      (theme) => widget.frame.locator(theme === 'dark' ? '.pw.dark' : '.pw:not(.dark)').waitFor(),
    )
    expect(widgetProblems).toEqual([])
    // Gone, so the panel's replies stay unread (and deletable).
    await widget.page.close()

    const panel = await PanelPage.open(env.browser.context, env.server.url)
    await openInPanel(panel, conversationId)
    // Acked: `sent`, or `delivered` when the closed widget's socket was not gone yet on a busy
    // machine (either is unread, so the reply can still be taken back).
    const acked = (text: string) =>
      panel.page
        .locator('.messages .row[data-status="sent"], .messages .row[data-status="delivered"]', {
          hasText: text,
        })
        .waitFor({ timeout: 10_000 })
    await panel.send('A reply from the panel')
    await acked('A reply from the panel')
    await panel.send('A reply to take back')
    await acked('A reply to take back')
    const takeBack = panel.message('A reply to take back')
    await takeBack.hover()
    await takeBack.getByRole('button', { name: 'Delete' }).click()
    // The visitor's deleted message and this one.
    const deleted = panel.page.locator('.messages .bubble.deleted')
    await until(async () => (await deleted.count()) === 2, 'both deleted bubbles')
    await panel.page.mouse.move(0, 0)
    await panel.message('Only sent').waitFor()
    const panelProblems = await contrastLightAndDark(
      panel.page,
      () => panel.page,
      async () => undefined,
    )
    expect(panelProblems).toEqual([])
    await panel.page.close()
    operator.client.close()
  }, 90_000)

  test('widget - the composer is 16 px at a 375 px viewport (no zoom on iOS)', async () => {
    const page = await env.browser.context.newPage()
    await page.setViewportSize({ width: 375, height: 740 })
    await page.goto(`${env.server.url}/`)
    const widget = new Widget(page)
    await widget.launcher.waitFor()
    await widget.openChat()
    const size = await widget.input.evaluate((el) => getComputedStyle(el).fontSize)
    expect(size).toBe('16px')
    await page.close()
  }, 60_000)
})
