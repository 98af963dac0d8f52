/**
 * Screenshots for the README: `bun tests/browser/screenshots.ts` writes docs/widget-light.png,
 * docs/widget-dark.png, docs/panel-light.png and docs/panel-dark.png. Not a test (so the suite never rewrites
 * tracked files); it drives the same real server, build and browser as the tests. The page
 * follows the system theme (data-theme auto), so switching the emulated color scheme also
 * shows the widget following it live.
 */
import { join } from 'node:path'
import { ROOT } from '../../client/build-stamp.ts'
import { startTestServer } from '../helpers/server.ts'
import { TestClient } from '../helpers/ws.ts'
import { connectOperator, ensureClientBuilt, launchBrowser, Widget } from './harness.ts'
import { PanelPage } from './panel-page.ts'

ensureClientBuilt()
const server = await startTestServer()
const browser = await launchBrowser()
try {
  const operator = await connectOperator(server)
  const page = await browser.context.newPage()
  await page.emulateMedia({ colorScheme: 'light' })
  await page.goto(`${server.url}/?theme=auto`)
  const widget = new Widget(page)
  await widget.openChat()
  await widget.send('Hi! My order #1042 has not arrived yet 📦')
  const conversationId = await operator.conversation()
  const first = await operator.message(conversationId, 'Hi! My order #1042 has not arrived yet 📦')
  await operator.client.ok({
    type: 'send',
    conversationId,
    clientMsgId: 'shot-1',
    text: 'Sorry about that! It ships **tomorrow morning**.\nTrack it here: https://example.com/track/1042',
  })
  await operator.client.ok({ type: 'read', conversationId, seq: first.seq })
  await widget.send('Great, thank you! 🙏')
  await widget.waitStatus('Great, thank you', 'sent')
  await widget.waitStatus('order #1042', 'read')
  await widget.input.fill('Can I change the delivery address?')
  await widget.input.blur()

  for (const theme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: theme })
    await widget.frame.locator(theme === 'dark' ? '.pw.dark' : '.pw:not(.dark)').waitFor()
    await operator.client.ok({ type: 'typing', conversationId, on: true })
    await widget.frame.getByText('Operator is typing…').waitFor()
    await page.waitForTimeout(300)
    const path = join(ROOT, 'docs', `widget-${theme}.png`)
    await page.screenshot({ path, clip: { x: 520, y: 0, width: 580, height: 760 } })
    console.log(`wrote ${path}`)
  }
  operator.client.close()

  // The panel: a few more visitors waiting, the first conversation open, the visitor typing.
  for (const text of [
    'Do you ship to Norway?',
    'How do I reset my password?',
    'Is there a discount for students?',
  ]) {
    const visitor = await server.visitorToken()
    const client = await TestClient.connect(server.wsUrl, { token: visitor.token })
    await client.ok({ type: 'start', clientMsgId: text, text })
    client.close()
  }
  const panel = await PanelPage.open(browser.context, server.url, {
    viewport: { width: 1280, height: 760 },
  })
  await panel.page.locator(`.conversation-row[data-conversation-id="${conversationId}"]`).click()
  await panel
    .message('Can I change')
    .waitFor({ timeout: 1000 })
    .catch(() => undefined)
  await panel.message('Great, thank you').waitFor()
  await panel.input.fill('Of course! Which address should we use?')
  for (const theme of ['light', 'dark'] as const) {
    await panel.page.emulateMedia({ colorScheme: theme })
    await widget.input.pressSequentially('x')
    await panel.page.getByText('Visitor is typing…').waitFor()
    await panel.page.waitForTimeout(300)
    const path = join(ROOT, 'docs', `panel-${theme}.png`)
    await panel.page.screenshot({ path })
    console.log(`wrote ${path}`)
  }
} finally {
  await browser.close()
  await server.stop()
}
