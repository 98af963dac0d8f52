import { describe, expect, test } from 'bun:test'
import { createHmac } from 'node:crypto'
import {
  connectOperator,
  serveHostPage,
  skipBrowserTests,
  Widget,
  useServerAndBrowser,
} from './harness.ts'

describe.skipIf(skipBrowserTests)('widget identity', () => {
  const env = useServerAndBrowser()

  test('widget - a site-verified user (data-user-id + data-user-hash) chats as the visitor the server maps that user to', async () => {
    const inboxes = await env.server.http('/api/admin/inboxes', {
      token: await env.server.adminToken(),
    })
    const inbox = inboxes.body.inboxes[0] as { id: string; identitySecret: string }
    const userId = 'user-42'
    const userHash = createHmac('sha256', inbox.identitySecret).update(userId).digest('hex')
    using host = serveHostPage(`<!doctype html><html lang="en"><body><p>Signed in as user-42</p>
<script src="${env.server.url}/widget/loader.js" data-inbox="${inbox.id}"
  data-user-id="${userId}" data-user-hash="${userHash}" async></script></body></html>`)

    const operator = await connectOperator(env.server)
    const widget = await Widget.open(env.browser.context, `http://127.0.0.1:${host.port}/`)
    await widget.openChat()
    await widget.send('Hello, this is user 42')
    const feed = await operator.client.next(
      (f) => f.type === 'feed' && f.name === 'conversation' && f.data.change === 'created',
    )
    const mapped = await env.server.http('/api/visitor/session', {
      body: { inboxId: inbox.id, userId, userHash },
    })
    expect(feed.data.conversation.visitorId).toBe(mapped.body.visitorId)
    await widget.page.close()
    operator.client.close()
  }, 60_000)
})
