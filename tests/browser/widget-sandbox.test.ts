/**
 * The widget frame and the demo page run in an opaque origin (CSP sandbox): whatever script
 * runs there, the panel's login on the Parley origin stays out of reach, and the widget still
 * works, keeping its visitor and outbox in the embedding page's storage through the loader.
 */
import { describe, expect, test } from 'bun:test'
import type { Frame, Page, WebSocketRoute } from 'playwright-core'
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

/** What a script can do with the operator's login from where it runs. */
interface Probe {
  origin: string
  /** The panel's stored login as read here, or the error name when storage is refused. */
  storage: string
  /** An operator-only route with the (somehow learned) token: status, or the error name. */
  operatorRoute: string
  /** A route visitors share, with the same token. */
  sharedRoute: string
  /** The realtime socket's answer to an auth frame with the same token. */
  socket: string
}

/** Runs in the page or frame under test: every way to use the operator's token from there. */
function probe(args: { base: string; token: string; conversationId: string }): Promise<Probe> {
  const status = (path: string) =>
    fetch(args.base + path, { headers: { authorization: `Bearer ${args.token}` } }).then(
      async (res) =>
        `${res.status} ${((await res.json()) as { error?: { code: string } }).error?.code}`,
      (error: Error) => error.name,
    )
  let storage: string
  try {
    storage = String(localStorage.getItem('parley:operator'))
  } catch (error) {
    storage = (error as Error).name
  }
  const socket = new Promise<string>((resolve) => {
    const ws = new WebSocket(`${args.base.replace(/^http/, 'ws')}/ws`, 'parley.json.v1')
    ws.onopen = () => ws.send(JSON.stringify({ type: 'auth', req: 1, token: args.token }))
    ws.onmessage = (e) => {
      const frame = JSON.parse(String(e.data)) as { type: string; code?: string }
      resolve(frame.type === 'error' ? `error ${frame.code}` : frame.type)
      ws.close()
    }
    ws.onerror = () => resolve('socket error')
  })
  return Promise.all([
    status('/api/inbox'),
    status(`/api/conversations/${args.conversationId}`),
    socket,
  ]).then(([operatorRoute, sharedRoute, socketReply]) => ({
    origin: self.origin,
    storage,
    operatorRoute,
    sharedRoute,
    socket: socketReply,
  }))
}

function widgetFrame(page: Page): Frame {
  const frame = page.frames().find((f) => f.url().includes('/widget/frame.html'))
  if (!frame) throw new Error('no widget frame')
  return frame
}

describe.skipIf(skipBrowserTests)('widget sandbox', () => {
  const env = useServerAndBrowser()

  test("sandbox - a script in the widget frame or on the demo page can neither read the panel's login nor act as the operator", async () => {
    const panel = await PanelPage.open(env.browser.context, env.server.url)
    const stored = await panel.page.evaluate(() => localStorage.getItem('parley:operator'))
    const token = (JSON.parse(stored ?? '{}') as { token?: string }).token ?? ''
    expect(token).not.toBe('')
    const visitor = await env.server.visitorToken()
    const started = await env.server.http('/api/visitor/conversations', {
      token: visitor.token,
      body: { text: 'hello', clientMsgId: 'c1' },
    })
    const args = {
      base: env.server.url,
      token,
      conversationId: started.body.conversation.id as string,
    }
    // The token works from the panel's own origin.
    expect(await panel.page.evaluate(probe, args)).toMatchObject({
      operatorRoute: '200 undefined',
      sharedRoute: '200 undefined',
      socket: 'ack',
    })

    const widget = await Widget.open(env.browser.context, `${env.server.url}/`)
    for (const [where, context] of [
      ['demo page', widget.page.mainFrame()],
      ['widget frame', widgetFrame(widget.page)],
    ] as const) {
      const seen = await context.evaluate(probe, args)
      expect({ where, ...seen }).toEqual({
        where,
        origin: 'null',
        storage: 'SecurityError',
        // No CORS for operator-only routes: the browser refuses the preflight.
        operatorRoute: 'TypeError',
        sharedRoute: '403 forbidden',
        socket: 'error forbidden',
      })
    }
    // The widget itself works from there.
    await widget.openChat()
    await widget.send('Chatting from the sandbox')
    await widget.waitStatus('Chatting from the sandbox', 'sent')
    await widget.page.close()
    await panel.page.close()
  }, 60_000)

  test('sandbox - on a site the widget keeps its visitor through a reload and sends a message typed offline once', async () => {
    const inboxId = await env.server.defaultInboxId()
    const operator = await connectOperator(env.server)
    using host = serveHostPage(embeddingPage(env.server, inboxId))
    const page = await env.browser.context.newPage()
    // The test cuts the widget's network while the page and its assets stay reachable.
    let offline = false
    const sockets = new Set<WebSocketRoute>()
    await page.routeWebSocket(/\/ws$/, (ws) => {
      if (offline) return void ws.close()
      sockets.add(ws)
      ws.connectToServer()
    })
    await page.route(/\/(api|rt)\/|\/readyz$/, (route) =>
      offline ? route.abort('internetdisconnected') : route.continue(),
    )
    await page.goto(`http://127.0.0.1:${host.port}/`)
    const widget = new Widget(page)
    await widget.openChat()
    await widget.send('Before going offline')
    const conversationId = await operator.conversation()
    await operator.message(conversationId, 'Before going offline')
    // The visitor lives in the site's own storage, kept there by the loader.
    const keys = await page.evaluate(() => Object.keys(localStorage))
    expect(keys).toContain(`parley:${inboxId}:session`)

    offline = true
    for (const ws of sockets) await ws.close()
    await until(
      async () => (await widget.root.getAttribute('data-connection')) !== 'connected',
      'the widget to notice',
    )
    await widget.send('Typed offline')
    await widget.waitStatus('Typed offline', 'pending')
    await page.reload()
    // Still open (the tab's state, kept by the loader too), the message still queued.
    await widget.input.waitFor()
    await widget.waitStatus('Typed offline', 'pending')

    offline = false
    // What the browser does when the network returns; spares the test the backoff delay.
    await widgetFrame(page).evaluate(() => dispatchEvent(new Event('online')))
    await widget.waitStatus('Typed offline', 'sent', 20_000)
    await operator.message(conversationId, 'Typed offline')
    await page.reload()
    await widget.message('Typed offline').waitFor()
    const stored = operator.client
      .events(conversationId)
      .filter((f) => f.name === 'message.created')
      .map((f) => f.data.message.text)
    expect(stored).toEqual(['Before going offline', 'Typed offline'])
    expect(await widget.texts()).toEqual(stored)
    await page.close()
    operator.client.close()
  }, 60_000)
})
