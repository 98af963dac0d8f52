import { describe, expect, test } from 'bun:test'
import { TestClient } from '../helpers/ws.ts'
import { skipBrowserTests, useServerAndBrowser } from './harness.ts'
import { PanelPage } from './panel-page.ts'

describe.skipIf(skipBrowserTests)('panel mobile', () => {
  const env = useServerAndBrowser()

  test('panel - at a phone-sized viewport the list and the conversation are separate screens with back navigation', async () => {
    const visitor = await env.server.visitorToken()
    const client = await TestClient.connect(env.server.wsUrl, { token: visitor.token })
    await client.ok({ type: 'start', clientMsgId: 'm1', text: 'Hello from a phone test' })

    const panel = await PanelPage.open(env.browser.context, env.server.url, {
      viewport: { width: 390, height: 844 },
    })
    await panel.rows.first().waitFor()
    expect(await panel.conversationPane.isVisible()).toBe(false)

    // In-app back button.
    await panel.rows.first().click()
    await panel.message('Hello from a phone test').waitFor()
    await panel.listPane.waitFor({ state: 'hidden' })
    await panel.page.getByRole('button', { name: 'Back to conversations' }).click()
    await panel.listPane.waitFor()
    await panel.conversationPane.waitFor({ state: 'detached' })

    // The browser's back button does the same.
    await panel.rows.first().click()
    await panel.message('Hello from a phone test').waitFor()
    await panel.page.goBack()
    await panel.listPane.waitFor()
    await panel.conversationPane.waitFor({ state: 'detached' })
    // And forward again reopens it.
    await panel.page.goForward()
    await panel.message('Hello from a phone test').waitFor()
    client.close()
    await panel.page.close()
  }, 60_000)
})
