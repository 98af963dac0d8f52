import { describe, expect, test } from 'bun:test'
import { startTestServer } from '../helpers/server.ts'
import { connectOperator, skipBrowserTests, until, Widget, useServerAndBrowser } from './harness.ts'

describe.skipIf(skipBrowserTests)('widget restart', () => {
  const env = useServerAndBrowser()

  test('widget - survives a server restart: resumes, loses nothing, duplicates nothing, sends the outage message once', async () => {
    const before = await connectOperator(env.server)
    const widget = await Widget.open(env.browser.context, `${env.server.url}/`)
    await widget.openChat()
    await widget.send('Before the restart')
    const conversationId = await before.conversation()
    await before.message(conversationId, 'Before the restart')
    await before.client.ok({ type: 'send', conversationId, clientMsgId: 'r1', text: 'Reply one' })
    await widget.message('Reply one').waitFor()
    before.client.close()

    // Same data, same port: the page's URLs stay valid across the restart.
    const { port, dataDir } = env.server
    await env.server.stop({ keepData: true })
    await until(
      async () => (await widget.root.getAttribute('data-connection')) !== 'connected',
      'the widget to notice the outage',
    )
    await widget.send('Typed during the outage')
    await widget.waitStatus('Typed during the outage', 'pending')
    await widget.frame.locator('.status[data-connection="offline"]').waitFor()

    env.server = await startTestServer({ dataDir, env: { PORT: String(port) } })
    await widget.waitStatus('Typed during the outage', 'sent', 20_000)

    const after = await connectOperator(env.server)
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
