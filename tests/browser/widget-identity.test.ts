import { describe, expect, test } from 'bun:test'
import { createHmac } from 'node:crypto'
import type { TestServer } from '../helpers/server.ts'
import {
  connectOperator,
  serveHostPage,
  skipBrowserTests,
  until,
  Widget,
  useServerAndBrowser,
} from './harness.ts'

/** A site vouching for its user, recording each `parley:identity-required` it is sent. */
function verifiedSite(server: TestServer, inboxId: string, userId: string, userHash: string) {
  return `<!doctype html><html lang="en"><body>
<script>
  window.asked = []
  addEventListener('parley:identity-required', (e) => window.asked.push(e.detail.inboxId))
</script>
<script src="${server.url}/widget/loader.js" data-inbox="${inboxId}"
  data-user-id="${userId}" data-user-hash="${userHash}" async></script></body></html>`
}

const askedOf = (widget: Widget) =>
  widget.page.evaluate(() => (window as Window & { asked?: string[] }).asked ?? [])

/** The page names its user through the SDK (client/widget/parley.d.ts). */
const setUser = (widget: Widget, id: string, hash: string) =>
  widget.page.evaluate((user) => window.Parley.setUser(user), { id, hash })

const hashOf = (secret: string, userId: string) =>
  createHmac('sha256', secret).update(userId).digest('hex')

describe.skipIf(skipBrowserTests)('widget identity', () => {
  const env = useServerAndBrowser()

  test('widget - a site-verified user (data-user-id + data-user-hash) chats as the visitor the server maps that user to', async () => {
    const inboxes = await env.server.http('/api/admin/inboxes', {
      token: await env.server.adminToken(),
    })
    const { id } = inboxes.body.inboxes[0] as { id: string }
    // Lists never carry the secret: the admin reveals it explicitly.
    const inbox = { id, identitySecret: await env.server.identitySecret(id) }
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

  test('widget - a refused hash makes the loader ask the page (parley:identity-required); a new hash through Parley.setUser lets the user chat', async () => {
    const inboxes = await env.server.http('/api/admin/inboxes', {
      token: await env.server.adminToken(),
    })
    const { id } = inboxes.body.inboxes[0] as { id: string }
    // Lists never carry the secret: the admin reveals it explicitly.
    const inbox = { id, identitySecret: await env.server.identitySecret(id) }
    const operator = await connectOperator(env.server)
    for (const userId of ['user-7', 'user-8']) {
      const userHash = hashOf(inbox.identitySecret, userId)
      using host = serveHostPage(verifiedSite(env.server, inbox.id, userId, '0'.repeat(64)))
      const widget = await Widget.open(env.browser.context, `http://127.0.0.1:${host.port}/`)
      await widget.openChat()
      await widget.send(`Hello from ${userId}`)
      await until(async () => (await askedOf(widget)).length > 0, 'the identity-required event')
      expect(await askedOf(widget)).toEqual([inbox.id])
      await widget.waitStatus(`Hello from ${userId}`, 'pending')
      // What a site does: its backend computes a fresh hash, the page hands it over.
      await setUser(widget, userId, userHash)
      await widget.waitStatus(`Hello from ${userId}`, 'sent', 20_000)
      // The conversation belongs to the visitor the server maps this user to.
      const mapped = await env.server.http('/api/visitor/session', {
        body: { inboxId: inbox.id, userId, userHash },
      })
      await operator.client.next(
        (f) =>
          f.type === 'feed' &&
          f.name === 'conversation' &&
          f.data.conversation.visitorId === mapped.body.visitorId,
      )
      await widget.page.close()
    }
    operator.client.close()
  }, 60_000)

  test("widget - when the page names another user, the widget starts over as that user and the previous one's conversation leaves the screen", async () => {
    const inboxId = await env.server.defaultInboxId()
    const secret = await env.server.identitySecret(inboxId)
    using host = serveHostPage(
      verifiedSite(env.server, inboxId, 'user-10', hashOf(secret, 'user-10')),
    )
    const operator = await connectOperator(env.server)
    const widget = await Widget.open(env.browser.context, `http://127.0.0.1:${host.port}/`)
    await widget.openChat()
    await widget.send('I am user 10')
    const first = await operator.conversation()
    await operator.message(first, 'I am user 10')

    await setUser(widget, 'user-11', hashOf(secret, 'user-11'))
    await widget.message('I am user 10').waitFor({ state: 'detached' })
    await widget.send('I am user 11')
    await widget.waitStatus('I am user 11', 'sent')
    const mapped = await env.server.http('/api/visitor/session', {
      body: { inboxId, userId: 'user-11', userHash: hashOf(secret, 'user-11') },
    })
    const feed = await operator.client.next(
      (f) =>
        f.type === 'feed' &&
        f.name === 'conversation' &&
        f.data.conversation.visitorId === mapped.body.visitorId,
    )
    expect(feed.data.conversation.id).not.toBe(first)
    expect(await widget.texts()).toEqual(['I am user 11'])
    await widget.page.close()
    operator.client.close()
  }, 60_000)

  test("widget - after the inbox's identity secret rotates, the page is asked for a new hash and the user keeps the conversation", async () => {
    const admin = await env.server.adminToken()
    const inboxId = await env.server.defaultInboxId()
    const userId = 'user-9'
    const before = hashOf(await env.server.identitySecret(inboxId), userId)
    using host = serveHostPage(verifiedSite(env.server, inboxId, userId, before))
    const operator = await connectOperator(env.server)
    const widget = await Widget.open(env.browser.context, `http://127.0.0.1:${host.port}/`)
    await widget.openChat()
    await widget.send('Before the rotation')
    const conversationId = await operator.conversation()
    await operator.message(conversationId, 'Before the rotation')

    const rotated = await env.server.http(`/api/admin/inboxes/${inboxId}/rotate-identity-secret`, {
      token: admin,
      body: {},
    })
    expect(rotated.status).toBe(200)
    await until(async () => (await askedOf(widget)).length > 0, 'the identity-required event')
    const after = hashOf(await env.server.identitySecret(inboxId), userId)
    await setUser(widget, userId, after)
    await widget.send('After the rotation')
    await operator.message(conversationId, 'After the rotation')
    await widget.waitStatus('After the rotation', 'sent')
    expect(await widget.texts()).toEqual(['Before the rotation', 'After the rotation'])
    expect(await askedOf(widget)).toEqual([inboxId])
    await widget.page.close()
    operator.client.close()
  }, 60_000)
})
