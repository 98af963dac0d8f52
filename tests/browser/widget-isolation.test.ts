import { describe, expect, test } from 'bun:test'
import { type TestServer } from '../helpers/server.ts'
import {
  connectOperator,
  serveHostPage,
  skipBrowserTests,
  Widget,
  useServerAndBrowser,
} from './harness.ts'

/** A host page on another origin that does its worst to the page's CSS and globals. */
function hostilePage(server: TestServer, inboxId: string): string {
  return `<!doctype html>
<html lang="en"><head><title>Hostile host</title>
<style>
  * { color: red !important; font-family: serif !important; font-size: 31px !important;
      line-height: 3 !important; background: yellow !important; box-sizing: content-box !important; }
  iframe { display: none !important; width: 1px !important; height: 1px !important;
           opacity: 0 !important; position: static !important; transform: scale(0.1) !important; }
  button, textarea, section, div { display: none !important; }
  .sibling, .sibling * { display: none; }
</style>
<script>
  window.WebSocket = function () { throw new Error('hostile WebSocket') };
  window.EventSource = function () { throw new Error('hostile EventSource') };
  window.fetch = function () { return Promise.reject(new Error('hostile fetch')) };
  JSON.parse = function () { return {} };
  JSON.stringify = function () { return '"hostile"' };
</script>
</head><body>
<div class="sibling"><p>A sibling the page hides</p></div>
<p>Host content</p>
<script src="${server.url}/widget/loader.js" data-inbox="${inboxId}" async></script>
</body></html>`
}

describe.skipIf(skipBrowserTests)('widget isolation', () => {
  const env = useServerAndBrowser()

  test('widget - isolated from a hostile host page: its CSS and patched globals change nothing; markup in messages stays text', async () => {
    const inboxId = await env.server.defaultInboxId()
    const operator = await connectOperator(env.server)
    using host = serveHostPage(hostilePage(env.server, inboxId))
    const page = await env.browser.context.newPage()
    const dialogs: string[] = []
    page.on('dialog', (d) => {
      dialogs.push(d.message())
      void d.dismiss()
    })
    await page.goto(`http://127.0.0.1:${host.port}/`)
    const widget = new Widget(page)
    await widget.launcher.waitFor()

    // The iframe keeps its own box whatever the host's stylesheet says.
    const box = await page.locator('iframe').boundingBox()
    expect(box).toMatchObject({ x: 1100 - 88, y: 760 - 88, width: 88, height: 88 })
    const launcherStyle = await widget.launcher.evaluate((el) => {
      const s = getComputedStyle(el)
      return { color: s.color, display: s.display, font: s.fontSize }
    })
    expect(launcherStyle.color).not.toBe('rgb(255, 0, 0)')
    expect(launcherStyle.display).toBe('grid')

    await widget.openChat()
    const xss = '<img src=x onerror=alert(1)> **bold** https://example.com/ok javascript:alert(2)'
    await widget.send(xss)
    const row = widget.message('onerror')
    await row.waitFor()
    const conversationId = await operator.conversation()
    await operator.message(conversationId, xss)

    expect(await row.locator('.text').innerText()).toBe(
      '<img src=x onerror=alert(1)> bold https://example.com/ok javascript:alert(2)',
    )
    expect(await widget.frame.locator('.list img').count()).toBe(0)
    expect(await row.locator('strong').innerText()).toBe('bold')
    const links = row.locator('a')
    expect(await links.count()).toBe(1)
    expect(await links.getAttribute('href')).toBe('https://example.com/ok')
    expect(await links.getAttribute('rel')).toBe('noopener noreferrer nofollow')
    expect(await links.getAttribute('target')).toBe('_blank')
    const fontSize = await widget.input.evaluate((el) => getComputedStyle(el).fontSize)
    expect(fontSize).toBe('14px')
    expect(dialogs).toEqual([])
    operator.client.close()
  }, 60_000)
})
