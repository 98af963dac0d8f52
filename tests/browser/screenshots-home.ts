/**
 * Screenshot of the widget's home view for the README (run by tests/browser/screenshots.ts):
 * docs/widget-home.png, a visitor with three conversations (one the operator answered while
 * another was on screen, so it shows unread; one resolved; one open). A server of its own.
 */
import { join } from 'node:path'
import { ROOT } from '../../client/build-stamp.ts'
import { startTestServer } from '../helpers/server.ts'
import { connectOperator, Widget, type TestBrowser } from './harness.ts'

export async function homeShots(browser: TestBrowser): Promise<void> {
  const server = await startTestServer()
  try {
    const operator = await connectOperator(server)
    const page = await browser.context.newPage()
    await page.emulateMedia({ colorScheme: 'light' })
    await page.goto(`${server.url}/?theme=light`)
    const widget = new Widget(page)
    await widget.openChat()
    const ids: string[] = []
    const write = async (text: string) => {
      await widget.send(text)
      const feed = await operator.client.next(
        (f) =>
          f.type === 'feed' &&
          f.name === 'conversation' &&
          f.data.change === 'created' &&
          !ids.includes(f.data.conversation.id),
        10_000,
      )
      ids.push(feed.data.conversation.id)
      await operator.client.ok({
        type: 'subscribe',
        conversationId: feed.data.conversation.id,
        afterSeq: 0,
      })
      await operator.message(ids[ids.length - 1] as string, text)
    }
    const answer = (conversationId: string, text: string) =>
      operator.client.ok({ type: 'send', conversationId, clientMsgId: text, text })
    const another = async (text: string) => {
      await widget.frame.locator('#pw-home').click()
      await widget.frame.getByRole('button', { name: 'New conversation' }).click()
      await write(text)
    }
    await write('Can I change the delivery address for order #1042?')
    await answer(ids[0] as string, 'Done! It goes to the new address.')
    await widget.message('Done!').waitFor()
    await operator.client.ok({ type: 'set_status', conversationId: ids[0], status: 'resolved' })
    await another('Do you ship to Norway?')
    await another('My invoice shows the wrong VAT number')
    await answer(ids[1] as string, 'Yes, in 3-5 working days.')
    await widget.frame.locator('#pw-home').click()
    await widget.frame.locator('[data-testid="conversation-unread"]').waitFor()
    await page.waitForTimeout(300)
    const path = join(ROOT, 'docs', 'widget-home.png')
    await page.screenshot({ path, clip: { x: 520, y: 0, width: 580, height: 760 } })
    console.log(`wrote ${path}`)
    await page.close()
    operator.client.close()
  } finally {
    await server.stop()
  }
}
