import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { startTestServer, type TestServer } from '../helpers/server.ts'
import {
  connectOperator,
  ensureClientBuilt,
  launchBrowser,
  skipBrowserTests,
  until,
  Widget,
  type TestBrowser,
} from './harness.ts'

describe.skipIf(skipBrowserTests)('widget restart', () => {
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

  test('widget - survives a server restart: resumes, loses nothing, duplicates nothing, sends the outage message once', async () => {
    const before = await connectOperator(server)
    const widget = await Widget.open(browser.context, `${server.url}/`)
    await widget.openChat()
    await widget.send('Before the restart')
    const conversationId = await before.conversation()
    await before.message(conversationId, 'Before the restart')
    await before.client.ok({ type: 'send', conversationId, clientMsgId: 'r1', text: 'Reply one' })
    await widget.message('Reply one').waitFor()
    before.client.close()

    // Same data, same port: the page's URLs stay valid across the restart.
    const { port, dataDir } = server
    await server.stop({ keepData: true })
    await until(
      async () => (await widget.root.getAttribute('data-connection')) !== 'connected',
      'the widget to notice the outage',
    )
    await widget.send('Typed during the outage')
    await widget.waitStatus('Typed during the outage', 'pending')
    await widget.frame.locator('.status[data-connection="offline"]').waitFor()

    server = await startTestServer({ dataDir, env: { PORT: String(port) } })
    await widget.waitStatus('Typed during the outage', 'sent', 20_000)

    const after = await connectOperator(server)
    await after.client.ok({ type: 'subscribe', conversationId, afterSeq: 0 })
    await after.message(conversationId, 'Typed during the outage')
    await after.client.ok({ type: 'send', conversationId, clientMsgId: 'r2', text: 'Reply two' })
    await widget.message('Reply two').waitFor()

    const stored = after.client
      .events(conversationId)
      .filter((f) => f.name === 'message.created')
      .map((f) => f.data.message.text)
    expect(stored).toEqual([
      'Before the restart',
      'Reply one',
      'Typed during the outage',
      'Reply two',
    ])
    expect(await widget.texts()).toEqual(stored)
    after.client.close()
  }, 60_000)
})
