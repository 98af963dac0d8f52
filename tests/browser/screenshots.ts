/**
 * Screenshots of the widget for the README: `bun tests/browser/screenshots.ts` writes
 * docs/widget-light.png and docs/widget-dark.png. Not a test (so the suite never rewrites
 * tracked files); it drives the same real server, build and browser as the tests. The page
 * follows the system theme (data-theme auto), so switching the emulated color scheme also
 * shows the widget following it live.
 */
import { join } from 'node:path'
import { ROOT } from '../../client/build-stamp.ts'
import { startTestServer } from '../helpers/server.ts'
import { connectOperator, ensureClientBuilt, launchBrowser, Widget } from './harness.ts'

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
} finally {
  await browser.close()
  await server.stop()
}
