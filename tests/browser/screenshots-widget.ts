/**
 * Screenshots of the widget's rating card and pre-chat form for the README (run by
 * tests/browser/screenshots.ts): docs/widget-rating.png (a conversation the operator resolved:
 * the line saying so, 4 stars chosen and a comment typed) and docs/widget-prechat.png (the
 * inbox's form before the first message: name, e-mail with the error the widget shows for an
 * incomplete address, a plan to choose). A server of its own.
 */
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { ROOT } from '../../client/build-stamp.ts'
import { startTestServer } from '../helpers/server.ts'
import { connectOperator, Widget, type TestBrowser } from './harness.ts'

export async function widgetCardShots(browser: TestBrowser): Promise<void> {
  const shot = async (page: Page, name: string) => {
    const path = join(ROOT, 'docs', name)
    await page.waitForTimeout(300)
    await page.screenshot({ path, clip: { x: 520, y: 0, width: 580, height: 760 } })
    console.log(`wrote ${path}`)
  }
  const server = await startTestServer()
  try {
    const inboxId = await server.defaultInboxId()
    const token = await server.adminToken()
    const settings = (body: object) =>
      server.http(`/api/admin/inboxes/${inboxId}`, { method: 'PATCH', token, body })
    await settings({ settings: { rating: 'stars' } })
    const operator = await connectOperator(server)
    await server.http('/api/me/profile', {
      method: 'PATCH',
      token: operator.token,
      body: { displayName: 'Anna' },
    })

    const page = await browser.context.newPage()
    await page.emulateMedia({ colorScheme: 'light' })
    await page.goto(`${server.url}/?theme=light`)
    const widget = new Widget(page)
    await widget.openChat()
    await widget.send('Hi! Can I change the delivery address for order #1042?')
    const id = await operator.conversation()
    await operator.message(id, 'Hi! Can I change the delivery address for order #1042?')
    await operator.client.ok({
      type: 'send',
      conversationId: id,
      clientMsgId: 'shot-1',
      text: 'Done! It now goes to 12 Baker Street. Anything else?',
    })
    await widget.send('No, that is all. Thank you!')
    await operator.message(id, 'No, that is all. Thank you!')
    await operator.client.ok({ type: 'set_status', conversationId: id, status: 'resolved' })
    const card = widget.frame.locator('form.rate')
    await card.waitFor()
    await card.locator('.choice').nth(3).click()
    await card.locator('textarea').fill('Quick and friendly, thanks Anna!')
    await card.locator('textarea').blur()
    await page.mouse.move(0, 0)
    await shot(page, 'widget-rating.png')
    await page.close()
    operator.client.close()

    await settings({
      settings: {
        preChat: {
          mode: 'before',
          fields: [
            { key: 'name', type: 'text', label: { en: 'Name', ru: 'Имя' }, required: false },
            {
              key: 'email',
              type: 'email',
              label: { en: 'E-mail', ru: 'Эл. почта' },
              required: true,
            },
            {
              key: 'plan',
              type: 'select',
              label: { en: 'Your plan', ru: 'Ваш тариф' },
              required: true,
              options: ['Free', 'Pro', 'Team'],
            },
          ],
        },
      },
    })
    // The availability answer the widget reads is each node's snapshot, up to 2 s old.
    await new Promise((resolve) => setTimeout(resolve, 2100))
    const form = await browser.context.newPage()
    await form.emulateMedia({ colorScheme: 'light' })
    await form.goto(`${server.url}/?theme=light`)
    const visitor = new Widget(form)
    await visitor.launcher.click()
    const details = visitor.frame.locator('form.details')
    await details.waitFor()
    await details.getByLabel('Name').fill('Anna Petrova')
    await details.getByLabel('E-mail').fill('anna@example')
    await details.getByLabel('Your plan').selectOption('Pro')
    await details.getByRole('button', { name: 'Start chat' }).click()
    await visitor.frame.locator('#pw-d-email-error').getByText('Enter an e-mail').waitFor()
    await details.getByLabel('Your plan').focus()
    await shot(form, 'widget-prechat.png')
    await form.close()
  } finally {
    await server.stop()
  }
}
