/**
 * The widget SDK on `window.Parley` (client/widget/parley.d.ts), driven from a site page as an
 * integrator would: calls queued by the snippet before the loader ran, open/close/toggle and
 * show/hide, the page's listeners (open, close, unread, message), a site-verified user named
 * with setUser (seen as the same visitor from another browser), profile fields and attributes,
 * the language switched live, reset() on logout, and bad arguments that only warn.
 * One server and one browser for the file; each site page is served on its own port.
 */
import { describe, expect, test } from 'bun:test'
import { createHmac } from 'node:crypto'
import type { Page } from 'playwright-core'
import type { TestServer } from '../helpers/server.ts'
import {
  connectOperator,
  launchBrowser,
  serveHostPage,
  skipBrowserTests,
  until,
  useServerAndBrowser,
  Widget,
} from './harness.ts'

/** The page's listeners write here: what the site's own code would see. */
type Seen = Array<string | { conversationId: string; text: string; authorName: string; at: number }>

/**
 * A site with the snippet, the page's listeners and `calls` (script run before the loader, so
 * every Parley call in it is queued), then the loader.
 */
function sdkSite(server: TestServer, inboxId: string, calls = '', attrs = ''): string {
  return `<!doctype html><html lang="en"><head><title>SDK site</title></head><body>
<p>A site using the Parley SDK</p>
<script>
  window.Parley=window.Parley||function(){(Parley.q=Parley.q||[]).push(arguments)}
  window.seen = []
  window.asked = 0
  addEventListener('parley:identity-required', () => window.asked++)
  for (const name of ['open', 'close', 'unread', 'message']) {
    Parley('on', name, (data) => seen.push(name === 'message' ? data : name === 'unread' ? 'unread:' + data : name))
  }
  ${calls}
</script>
<script src="${server.url}/widget/loader.js" data-inbox="${inboxId}"${attrs} async></script>
</body></html>`
}

const seenOf = (page: Page) => page.evaluate(() => (window as Window & { seen?: Seen }).seen ?? [])

/** Calls the SDK in the page (after load): `Parley[method](...args)`. */
const sdk = (page: Page, method: string, ...args: unknown[]) =>
  page.evaluate(
    ([m, a]) => (window as unknown as Record<string, Record<string, Function>>).Parley?.[m]?.(...a),
    [method, args] as const,
  )

/** The loader has replaced the snippet's stub with the SDK. */
const loaded = (page: Page) =>
  until(
    () =>
      page.evaluate(
        () =>
          typeof (window as unknown as { Parley?: { open?: unknown } }).Parley?.open === 'function',
      ),
    'the loader',
  )

/** The iframe's box in the host page, as the visitor sees it (null: not shown). */
const frameBox = (page: Page) => page.locator('iframe').boundingBox()

const hashOf = (secret: string, userId: string) =>
  createHmac('sha256', secret).update(userId).digest('hex')

/** console.warn lines of the page and its frames. */
function warnings(page: Page): string[] {
  const lines: string[] = []
  page.on('console', (m) => {
    if (m.type() === 'warning' && m.text().startsWith('Parley:')) lines.push(m.text())
  })
  return lines
}

describe.skipIf(skipBrowserTests)('widget SDK', () => {
  const env = useServerAndBrowser()

  test('sdk - calls queued before the loader run first, in order', async () => {
    const inboxId = await env.server.defaultInboxId()
    const queued = `Parley('setLocale', 'ru'); Parley('open'); Parley('close'); Parley('setLocale', 'en'); Parley('open')`
    using host = serveHostPage(sdkSite(env.server, inboxId, queued))
    const page = await env.browser.context.newPage()
    await page.goto(`http://127.0.0.1:${host.port}/`)
    const widget = new Widget(page)
    await widget.input.waitFor()
    await until(async () => (await seenOf(page)).length >= 3, 'the open/close events')
    expect(await seenOf(page)).toEqual(['open', 'close', 'open'])
    // The last language asked for wins.
    expect(await widget.frame.locator('.header-close').getAttribute('aria-label')).toBe(
      'Close chat',
    )
    expect(await widget.root.getAttribute('lang')).toBe('en')
    expect((await frameBox(page))?.width).toBe(420)
    await page.close()
  }, 60_000)

  test('sdk - open, close, toggle change the chat; hide and show the launcher (a hidden one still opens)', async () => {
    const inboxId = await env.server.defaultInboxId()
    using host = serveHostPage(sdkSite(env.server, inboxId))
    const widget = await Widget.open(env.browser.context, `http://127.0.0.1:${host.port}/`)
    const page = widget.page
    await loaded(page)
    expect((await frameBox(page))?.width).toBe(88)

    await sdk(page, 'open')
    await widget.input.waitFor()
    expect((await frameBox(page))?.width).toBe(420)
    await sdk(page, 'close')
    await widget.input.waitFor({ state: 'detached' })
    await until(async () => (await frameBox(page))?.width === 88, 'the closed iframe')
    await sdk(page, 'toggle')
    await widget.input.waitFor()
    await sdk(page, 'toggle')
    await widget.input.waitFor({ state: 'detached' })
    await until(async () => (await seenOf(page)).length >= 4, 'the events')
    expect(await seenOf(page)).toEqual(['open', 'close', 'open', 'close'])

    await sdk(page, 'hide')
    await page.locator('iframe').waitFor({ state: 'hidden' })
    await sdk(page, 'open')
    await widget.input.waitFor()
    expect(await page.locator('iframe').isVisible()).toBe(true)
    // Open without a launcher: the header's close button closes it.
    expect(await widget.launcher.isVisible()).toBe(false)
    await widget.frame.locator('.header-close').click()
    await page.locator('iframe').waitFor({ state: 'hidden' })
    await sdk(page, 'show')
    await page.locator('iframe').waitFor({ state: 'visible' })
    await widget.launcher.waitFor({ state: 'visible' })
    await widget.launcher.click()
    await widget.input.waitFor()
    await page.close()
  }, 60_000)

  test('sdk - on(message) and on(unread) hear operator replies; off() stops a listener', async () => {
    const inboxId = await env.server.defaultInboxId()
    const operator = await connectOperator(env.server)
    const named = await env.server.http('/api/me/profile', {
      method: 'PATCH',
      token: operator.token,
      body: { displayName: 'Anna' },
    })
    expect(named.status).toBe(200)
    using host = serveHostPage(sdkSite(env.server, inboxId))
    const widget = await Widget.open(env.browser.context, `http://127.0.0.1:${host.port}/`)
    const page = widget.page
    await widget.openChat()
    await widget.send('Where is my order?')
    const conversationId = await operator.conversation()
    await operator.message(conversationId, 'Where is my order?')
    await widget.frame.locator('.header-close').click()
    await widget.input.waitFor({ state: 'detached' })

    const before = Date.now()
    await operator.client.ok({
      type: 'send',
      conversationId,
      clientMsgId: 'sdk-reply-1',
      text: 'It ships today',
    })
    await until(
      async () => (await seenOf(page)).some((s) => typeof s === 'object'),
      'the message event',
    )
    const seen = await seenOf(page)
    const message = seen.find((s) => typeof s === 'object')
    expect(message).toMatchObject({ conversationId, text: 'It ships today', authorName: 'Anna' })
    expect(typeof message === 'object' && message.at >= before - 5000).toBe(true)
    await until(async () => (await seenOf(page)).includes('unread:1'), 'unread 1')

    // The page stops listening for messages; unread still counts.
    await page.evaluate(() => {
      const w = window as unknown as {
        Parley: { off(e: string, fn: unknown): void; on(e: string, fn: unknown): void }
        seen: Seen
        mine: unknown
      }
      w.mine = (data: unknown) => w.seen.push(`mine:${JSON.stringify(data)}`)
      w.Parley.on('message', w.mine)
      w.Parley.off('message', w.mine)
    })
    await operator.client.ok({
      type: 'send',
      conversationId,
      clientMsgId: 'sdk-reply-2',
      text: 'Tracking number follows',
    })
    await until(async () => (await seenOf(page)).includes('unread:2'), 'unread 2')
    expect((await seenOf(page)).some((s) => typeof s === 'string' && s.startsWith('mine:'))).toBe(
      false,
    )
    await widget.launcher.click()
    await until(async () => (await seenOf(page)).includes('unread:0'), 'unread 0 once read')
    const texts = (await seenOf(page)).flatMap((s) => (typeof s === 'object' ? [s.text] : []))
    expect(texts).toEqual(['It ships today', 'Tracking number follows'])
    await page.close()
    operator.client.close()
  }, 60_000)

  test('sdk - setUser with a valid hash is the same visitor in another browser; name, e-mail and attributes reach the profile', async () => {
    const inboxId = await env.server.defaultInboxId()
    const secret = await env.server.identitySecret(inboxId)
    const user = { id: 'sdk-ada', hash: hashOf(secret, 'sdk-ada') }
    const call = `Parley('setUser', ${JSON.stringify({ ...user, name: 'Ada Lovelace', email: 'Ada@Example.com', plan: 'pro', seats: 12 })})`
    using host = serveHostPage(sdkSite(env.server, inboxId, call))
    const operator = await connectOperator(env.server)
    const widget = await Widget.open(env.browser.context, `http://127.0.0.1:${host.port}/`)
    await widget.openChat()
    await widget.send('Hello, Ada here')
    const conversationId = await operator.conversation()
    const visitor = async () =>
      (
        await env.server.http(`/api/conversations/${conversationId}/visitor`, {
          token: operator.token,
        })
      ).body.visitor
    await until(async () => (await visitor()).name === 'Ada Lovelace', 'the profile')
    expect(await visitor()).toMatchObject({
      identified: true,
      name: 'Ada Lovelace',
      email: 'ada@example.com',
      attributes: { plan: 'pro', seats: 12 },
    })
    const mapped = await env.server.http('/api/visitor/session', {
      body: { inboxId, userId: user.id, userHash: user.hash },
    })
    expect((await visitor()).id).toBe(mapped.body.visitorId)

    // setAttributes after load: changed, added, and one removed with null.
    await sdk(widget.page, 'setAttributes', { plan: 'team', trial: false, seats: null })
    await until(async () => (await visitor()).attributes.plan === 'team', 'the new attributes')
    expect((await visitor()).attributes).toEqual({ plan: 'team', trial: false })

    // Another device: the same user sees the same conversation.
    const other = await launchBrowser()
    try {
      const there = await Widget.open(other.context, `http://127.0.0.1:${host.port}/`)
      await there.openChat()
      await there.message('Hello, Ada here').waitFor()
      await there.send('And from my phone')
      await operator.message(conversationId, 'And from my phone')
    } finally {
      await other.close()
    }
    await widget.page.close()
    operator.client.close()
  }, 90_000)

  test('sdk - a refused hash asks the page (parley:identity-required) and keeps the widget working; a valid setUser then lets the user chat', async () => {
    const inboxId = await env.server.defaultInboxId()
    const secret = await env.server.identitySecret(inboxId)
    const wrong = `Parley('setUser', { id: 'sdk-bob', hash: '${'0'.repeat(64)}' })`
    using host = serveHostPage(sdkSite(env.server, inboxId, wrong))
    const operator = await connectOperator(env.server)
    const widget = await Widget.open(env.browser.context, `http://127.0.0.1:${host.port}/`)
    await widget.openChat()
    await widget.send('Hello from Bob')
    await until(
      () =>
        widget.page
          .evaluate(() => (window as Window & { asked?: number }).asked ?? 0)
          .then((n) => n > 0),
      'the identity-required event',
    )
    await widget.waitStatus('Hello from Bob', 'pending')
    // Still a working widget: it closes and opens.
    await widget.frame.locator('.header-close').click()
    await widget.launcher.click()
    await widget.input.waitFor()

    await sdk(widget.page, 'setUser', { id: 'sdk-bob', hash: hashOf(secret, 'sdk-bob') })
    await widget.waitStatus('Hello from Bob', 'sent', 20_000)
    const conversationId = await operator.conversation()
    const visitor = await env.server.http(`/api/conversations/${conversationId}/visitor`, {
      token: operator.token,
    })
    expect(visitor.body.visitor.identified).toBe(true)
    await widget.page.close()
    operator.client.close()
  }, 60_000)

  test('sdk - setLocale switches the widget language live', async () => {
    const inboxId = await env.server.defaultInboxId()
    using host = serveHostPage(sdkSite(env.server, inboxId))
    const widget = await Widget.open(env.browser.context, `http://127.0.0.1:${host.port}/`)
    await widget.openChat()
    const close = widget.frame.locator('.header-close')
    expect(await close.getAttribute('aria-label')).toBe('Close chat')
    await sdk(widget.page, 'setLocale', 'ru')
    await until(async () => (await close.getAttribute('aria-label')) === 'Закрыть чат', 'Russian')
    expect(await widget.frame.locator('.list').getAttribute('aria-label')).toBe('Сообщения')
    expect(await widget.root.getAttribute('lang')).toBe('ru')
    await sdk(widget.page, 'setLocale', 'en')
    await until(async () => (await close.getAttribute('aria-label')) === 'Close chat', 'English')
    await widget.page.close()
  }, 60_000)

  test('sdk - reset() forgets the visitor kept on the site: a new anonymous visitor without the old conversation', async () => {
    const inboxId = await env.server.defaultInboxId()
    using host = serveHostPage(sdkSite(env.server, inboxId))
    const operator = await connectOperator(env.server)
    const widget = await Widget.open(env.browser.context, `http://127.0.0.1:${host.port}/`)
    const page = widget.page
    await widget.openChat()
    await widget.send('Before logout')
    const first = await operator.conversation()
    await operator.message(first, 'Before logout')
    const stored = () =>
      page.evaluate(
        (id) => Object.keys(localStorage).filter((k) => k.startsWith(`parley:${id}:`)),
        inboxId,
      )
    expect(await stored()).toContain(`parley:${inboxId}:session`)
    const visitorOf = async (id: string) =>
      (await env.server.http(`/api/conversations/${id}/visitor`, { token: operator.token })).body
        .visitor.id as string

    await sdk(page, 'reset')
    expect(await stored()).not.toContain(`parley:${inboxId}:session`)
    // A fresh frame, closed, that knows nothing of the old conversation.
    await widget.launcher.click()
    await widget.input.waitFor()
    expect(await widget.texts()).toEqual([])
    await widget.send('After logout')
    const created = await operator.client.next(
      (f) =>
        f.type === 'feed' &&
        f.name === 'conversation' &&
        f.data.change === 'created' &&
        f.data.conversation.id !== first,
      10_000,
    )
    const second = created.data.conversation.id as string
    expect(await visitorOf(second)).not.toBe(await visitorOf(first))
    // Still the new visitor after a reload (the chat comes back open, as it was).
    await page.reload()
    await widget.message('After logout').waitFor()
    expect(await widget.texts()).toEqual(['After logout'])
    await page.close()
    operator.client.close()
  }, 60_000)

  test('sdk - bad arguments warn on the console and change nothing', async () => {
    const inboxId = await env.server.defaultInboxId()
    using host = serveHostPage(sdkSite(env.server, inboxId))
    const page = await env.browser.context.newPage()
    const lines = warnings(page)
    const profileWrites: string[] = []
    page.on('request', (r) => {
      if (r.url().includes('/api/visitor/profile')) profileWrites.push(r.method())
    })
    await page.goto(`http://127.0.0.1:${host.port}/`)
    const widget = new Widget(page)
    await widget.launcher.waitFor()
    await loaded(page)
    const bad: Array<[string, ...unknown[]]> = [
      ['on', 'nope', 'not a function'],
      ['setLocale', 'de'],
      ['setUser', 'ada'],
      ['setUser', { id: 'u-1', hash: 'not-hex' }],
      ['setUser', { email: 'not an e-mail' }],
      ['setAttributes', { 'Bad Key': 1 }],
      ['setAttributes', { plan: { nested: true } }],
      ['nosuch'],
    ]
    for (const [method, ...args] of bad) {
      await page.evaluate(
        ([m, a]) => (window as unknown as { Parley: (...x: unknown[]) => void }).Parley(m, ...a),
        [method, args] as const,
      )
    }
    // A function inside the arguments: not plain data.
    await page.evaluate(() =>
      (window as unknown as { Parley: { open(x: unknown): void } }).Parley.open(() => 1),
    )
    await until(() => lines.length >= bad.length + 1, 'a warning per bad call')
    expect(lines.length).toBe(bad.length + 1)
    expect(lines.some((l) => l.includes('setLocale'))).toBe(true)
    expect(lines.some((l) => l.includes('hash'))).toBe(true)
    expect(lines.some((l) => l.includes('"Bad Key"'))).toBe(true)
    expect(lines.some((l) => l.includes('nosuch'))).toBe(true)
    // Nothing changed: closed, English, no profile written, no visitor made.
    expect(await widget.input.count()).toBe(0)
    expect(await widget.launcher.getAttribute('aria-label')).toBe('Open support chat')
    expect(profileWrites).toEqual([])
    expect(await page.evaluate(() => Object.keys(localStorage).length)).toBe(0)
    // And the SDK still works.
    await page.evaluate(() => (window as unknown as { Parley: { open(): void } }).Parley.open())
    await widget.input.waitFor()
    await page.close()
  }, 60_000)
})
