import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { startTestServer, type TestServer } from '../helpers/server.ts'
import { TestClient } from '../helpers/ws.ts'
import { ensureClientBuilt, launchBrowser, skipBrowserTests, type TestBrowser } from './harness.ts'
import { PanelPage } from './panel-page.ts'

describe.skipIf(skipBrowserTests)('panel mobile', () => {
  let server: TestServer
  let browser: TestBrowser

  beforeAll(async () => {
    ensureClientBuilt()
    server = await startTestServer()
    browser = await launchBrowser()
  }, 120_000)

  afterAll(async () => {
    await browser?.close()
    await server?.stop()
  })

  test('panel - at a phone-sized viewport the list and the conversation are separate screens with back navigation', async () => {
    const visitor = await server.visitorToken()
    const client = await TestClient.connect(server.wsUrl, { token: visitor.token })
    await client.ok({ type: 'start', clientMsgId: 'm1', text: 'Hello from a phone test' })

    const panel = await PanelPage.open(browser.context, server.url, {
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
