/**
 * The site allowlist in a real browser (issue 18, S3): the widget runs on a site its inbox
 * lists, and on another site (a second loopback origin) the browser refuses to show its frame
 * (frame-ancestors), the loader keeps the refused frame out of sight, and the page's own
 * scripts (plain, or from a sandboxed frame of its own) cannot open a session or a socket.
 * An inbox nobody chose sites for runs on no site.
 */
import { afterAll, describe, expect, test } from 'bun:test'
import type { Page } from 'playwright-core'
import { connectOperator, skipBrowserTests, until, useServerAndBrowser, Widget } from './harness.ts'

/** A site on its own loopback port whose page is set per test. */
function site() {
  let html = ''
  const server = Bun.serve({
    port: 0,
    hostname: '127.0.0.1',
    fetch: () => new Response(html, { headers: { 'content-type': 'text/html; charset=utf-8' } }),
  })
  return {
    origin: `http://127.0.0.1:${server.port}`,
    show(page: string) {
      html = page
      return `http://127.0.0.1:${server.port}/`
    },
    stop: () => server.stop(true),
  }
}

const embed = (serverUrl: string, inboxId: string) =>
  `<!doctype html><html lang="en"><head><title>A site</title></head><body><p>A site</p>
<script src="${serverUrl}/widget/loader.js" data-inbox="${inboxId}" async></script></body></html>`

/** Waits until the widget's iframe on the page gave up: the browser's refusal page. */
async function refusedFrame(page: Page): Promise<void> {
  await until(
    () => page.frames().some((f) => f.url().startsWith('chrome-error://')),
    'the browser to refuse the frame',
  )
}

describe.skipIf(skipBrowserTests)('widget origins', () => {
  const env = useServerAndBrowser()
  const allowed = site()
  const foreign = site()
  afterAll(() => {
    allowed.stop()
    foreign.stop()
  })

  async function inbox(name: string, allowedOrigins?: string[]): Promise<string> {
    const res = await env.server.http('/api/admin/inboxes', {
      token: await env.server.adminToken(),
      body: { name, ...(allowedOrigins ? { settings: { allowedOrigins } } : {}) },
    })
    expect(res.status).toBe(201)
    return res.body.id
  }

  test('origins - a listed site runs the widget; another site gets no frame, no session and no socket', async () => {
    const inboxId = await inbox('Shop', [allowed.origin])
    // Someone answers, so the widget offers a chat (not the leave-a-message form).
    const operator = await connectOperator(env.server, inboxId)
    const widget = await Widget.open(
      env.browser.context,
      allowed.show(embed(env.server.url, inboxId)),
    )
    await widget.openChat()
    await widget.send('Hello from the shop')
    const conversationId = await operator.conversation()
    await operator.message(conversationId, 'Hello from the shop')
    await widget.waitStatus('Hello from the shop', 'sent')
    operator.client.close()
    await widget.page.close()

    const page = await env.browser.context.newPage()
    await page.goto(foreign.show(embed(env.server.url, inboxId)))
    await refusedFrame(page)
    // The refused frame never shows: the loader reveals its iframe only once the frame runs.
    expect(await page.locator('iframe').evaluate((el) => getComputedStyle(el).visibility)).toBe(
      'hidden',
    )
    // The page's own scripts: refused with the typed error, from the page and from a
    // sandboxed frame of its own (Origin null, without the widget page's ticket).
    const fromPage = await page.evaluate(
      async ([url, inbox]) => {
        const res = await fetch(`${url}/api/visitor/session`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ inboxId: inbox }),
        })
        return `${res.status} ${((await res.json()) as { error: { code: string } }).error.code}`
      },
      [env.server.url, inboxId],
    )
    expect(fromPage).toBe('403 origin_not_allowed')
    const fromSandbox = await page.evaluate(
      ([url, inbox]) =>
        new Promise<string>((resolve) => {
          addEventListener('message', (e) => resolve(String(e.data)))
          const frame = document.createElement('iframe')
          frame.setAttribute('sandbox', 'allow-scripts')
          frame.srcdoc = `<script>fetch(${JSON.stringify(`${url}/api/visitor/session`)}, {
            method: 'POST', headers: { 'content-type': 'application/json' },
            body: ${JSON.stringify(JSON.stringify({ inboxId: inbox, frameTicket: '1.AAAAAAAAAAAAAAAAAAAAAA' }))}
          }).then(async (r) => parent.postMessage(r.status + ' ' + (await r.json()).error.code, '*'),
                  (e) => parent.postMessage('failed ' + e, '*'))</script>`
          document.body.appendChild(frame)
        }),
      [env.server.url, inboxId],
    )
    expect(fromSandbox).toBe('403 origin_not_allowed')
    // A token got elsewhere does not open a socket from this site.
    const { token } = await env.server.visitorToken(inboxId)
    const socket = await page.evaluate(
      ([ws, token]) =>
        new Promise<string>((resolve) => {
          const s = new WebSocket(ws!, 'parley.json.v1')
          s.onopen = () => s.send(JSON.stringify({ type: 'auth', req: 1, token }))
          s.onmessage = (e) => {
            const frame = JSON.parse(String(e.data)) as { type: string; code?: string }
            resolve(frame.type === 'error' ? `error ${frame.code}` : frame.type)
            s.close()
          }
        }),
      [env.server.wsUrl, token],
    )
    expect(socket).toBe('error origin_not_allowed')
    await page.close()
  }, 60_000)

  test('origins - an inbox nobody chose sites for runs on no site', async () => {
    const inboxId = await inbox('Unchosen')
    const page = await env.browser.context.newPage()
    await page.goto(allowed.show(embed(env.server.url, inboxId)))
    await refusedFrame(page)
    await page.close()
  }, 60_000)
})
