import { describe, expect, test } from 'bun:test'
import { connectOperator, skipBrowserTests, Widget, useServerAndBrowser } from './harness.ts'

/** Runs in every frame before its scripts: WebSocket never opens. */
function blockScript(): string {
  const failing = `class {
    constructor() {
      this.readyState = 3
      setTimeout(() => { this.onerror && this.onerror(new Event('error')); this.onclose && this.onclose(new Event('close')) }, 5)
    }
    send() {}
    close() {}
  }`
  return `window.WebSocket = ${failing};`
}

/** A network that refuses event streams: every GET of a session's SSE stream fails. */
const SSE_STREAM = /\/rt\/sessions\/[^/]+\/events$/

describe.skipIf(skipBrowserTests)('widget fallback transports', () => {
  const env = useServerAndBrowser()

  for (const [channel, blockSse] of [
    ['sse', false],
    ['poll', true],
  ] as const) {
    test(`widget - with WebSocket blocked${blockSse ? ' and SSE too' : ''}, chats over ${channel}`, async () => {
      // The fallback choice lives in the page: each new page starts over from WebSocket.
      const operator = await connectOperator(env.server)
      const page = await env.browser.context.newPage()
      await page.addInitScript(blockScript())
      if (blockSse) await page.route(SSE_STREAM, (route) => route.abort())
      await page.goto(`${env.server.url}/`)
      const widget = new Widget(page)
      await widget.openChat()
      await widget.send(`Hello over ${channel}`)
      await widget.frame
        .locator(`.pw[data-channel="${channel}"][data-connection="connected"]`)
        .waitFor({ timeout: 20_000 })
      const conversationId = await operator.conversation()
      await operator.message(conversationId, `Hello over ${channel}`)
      await operator.client.ok({
        type: 'send',
        conversationId,
        clientMsgId: channel,
        text: `Reply over ${channel}`,
      })
      await widget.message(`Reply over ${channel}`).waitFor()
      await operator.client.ok({ type: 'read', conversationId, seq: 1_000_000 })
      await widget.waitStatus(`Hello over ${channel}`, 'read')
      expect(await widget.root.getAttribute('data-channel')).toBe(channel)
      await page.close()
      operator.client.close()
    }, 60_000)
  }
})
