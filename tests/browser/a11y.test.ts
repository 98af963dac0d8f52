/**
 * Accessibility with axe-core: the widget (375 px, light and dark: a thread with a photo and a
 * file card, a file waiting in the composer, the lightbox) and the panel (desktop and 375 px,
 * light and dark: the conversation with the same files, the lightbox) have no serious or
 * critical violation. axe runs inside each document (the widget's sandboxed frame included)
 * through the DevTools protocol, which the pages' CSP does not stop.
 */
import { describe, expect, test } from 'bun:test'
import type { Frame, Page } from 'playwright-core'
import sharp from 'sharp'
import { imageLoaded, pasteImage, pdf } from './files.ts'
import { connectOperator, skipBrowserTests, until, useServerAndBrowser, Widget } from './harness.ts'
import { PanelPage } from './panel-page.ts'
import { violations } from './axe.ts'

async function photo(): Promise<Buffer> {
  return sharp({ create: { width: 480, height: 320, channels: 3, background: '#c89b62' } })
    .png()
    .toBuffer()
}

function widgetFrame(page: Page): Frame {
  const frame = page.frames().find((f) => f.url().includes('/widget/'))
  if (!frame) throw new Error('no widget frame')
  return frame
}

describe.skipIf(skipBrowserTests)('accessibility (axe-core)', () => {
  const env = useServerAndBrowser()

  test('a11y - widget and panel with files, light and dark, desktop and 375 px: no serious violation', async () => {
    const operator = await connectOperator(env.server)
    const page = await env.browser.context.newPage()
    await page.setViewportSize({ width: 375, height: 740 })
    await page.emulateMedia({ colorScheme: 'light' })
    await page.goto(`${env.server.url}/?theme=auto`)
    const widget = new Widget(page)
    await widget.openChat()
    await widget.send('Hello, the parcel is damaged')
    const conversationId = await operator.conversation()
    await pasteImage(widget.input, 'parcel.png', await photo())
    await widget.frame.locator('.composer .chip[data-status="done"]').waitFor()
    await widget.send('Photo of the box')
    await operator.message(conversationId, 'Photo of the box')
    const form = new FormData()
    form.append('file', new File([new Uint8Array(pdf('a11y'))], 'label.pdf'))
    const up = await fetch(`${env.server.url}/api/conversations/${conversationId}/attachments`, {
      method: 'POST',
      headers: { authorization: `Bearer ${operator.token}` },
      body: form,
    })
    const invoice = ((await up.json()) as { attachment: { id: string } }).attachment.id
    await operator.client.ok({
      type: 'send',
      conversationId,
      clientMsgId: 'a11y-1',
      text: 'Here is a return label',
      attachmentIds: [invoice],
    })
    await widget.message('return label').locator('a.file-card[href]').waitFor()
    await until(() => imageLoaded(widget.frame.locator('.thumb img').first()), 'thumbnail')
    // A file waiting in the composer too.
    await pasteImage(widget.input, 'second.png', await photo())
    await widget.frame.locator('.composer .chip[data-status="done"]').waitFor()

    const problems: string[] = []
    for (const theme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: theme })
      for (const v of await violations(widgetFrame(page))) problems.push(`widget ${theme}: ${v}`)
      await widget.frame.locator('.thumb').first().click()
      await widget.frame.locator('.lightbox').waitFor()
      for (const v of await violations(widgetFrame(page))) {
        problems.push(`widget ${theme} lightbox: ${v}`)
      }
      await page.keyboard.press('Escape')
      await widget.frame.locator('.lightbox').waitFor({ state: 'detached' })
    }

    for (const viewport of [
      { width: 1280, height: 800 },
      { width: 375, height: 740 },
    ]) {
      const panel = await PanelPage.open(env.browser.context, env.server.url, { viewport })
      await panel.rows.first().click()
      await panel.page.locator('.messages .row .thumb').waitFor()
      for (const theme of ['light', 'dark'] as const) {
        await panel.page.emulateMedia({ colorScheme: theme })
        const where = `panel ${viewport.width}px ${theme}`
        for (const v of await violations(panel.page)) problems.push(`${where}: ${v}`)
        await panel.page.locator('.messages .row .thumb').first().click()
        await panel.page.locator('.lightbox').waitFor()
        for (const v of await violations(panel.page)) problems.push(`${where} lightbox: ${v}`)
        await panel.page.keyboard.press('Escape')
        await panel.page.locator('.lightbox').waitFor({ state: 'detached' })
      }
      await panel.page.close()
    }
    operator.client.close()
    await page.close()
    expect(problems).toEqual([])
  }, 90_000)
})
