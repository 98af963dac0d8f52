/**
 * Files from the widget: a screenshot pasted into the composer goes out as a message, the
 * operator sees its thumbnail in the panel and opens it in the lightbox; a file over the
 * inbox's limit shows its error in the composer and nothing is sent. An image whose bytes are
 * gone from storage shows "File unavailable" (after one fresh link), never a broken image.
 */
import { beforeAll, describe, expect, test } from 'bun:test'
import { rmSync } from 'node:fs'
import { join } from 'node:path'
import sharp from 'sharp'
import {
  connectOperator,
  embeddingPage,
  serveHostPage,
  skipBrowserTests,
  until,
  useServerAndBrowser,
  Widget,
} from './harness.ts'
import { imageLoaded as loaded, pasteImage } from './files.ts'
import { startTestServer } from '../helpers/server.ts'
import { TestClient } from '../helpers/ws.ts'
import { PanelPage } from './panel-page.ts'

async function png(width: number, height: number): Promise<Buffer> {
  return await sharp({ create: { width, height, channels: 3, background: '#3366cc' } })
    .png()
    .toBuffer()
}

describe.skipIf(skipBrowserTests)('widget attachments', () => {
  const env = useServerAndBrowser()
  // Someone is there: the widget offers the composer, not the leave-a-request form.
  beforeAll(async () => {
    await connectOperator(env.server)
  })

  test('widget - a pasted screenshot reaches the operator, whose lightbox opens and closes', async () => {
    const widget = await Widget.open(env.browser.context, `${env.server.url}/`)
    await widget.openChat()
    await widget.send('Here is what I see')
    await widget.waitStatus('Here is what I see', 'sent')

    await pasteImage(widget.input, 'screenshot.png', await png(640, 400))
    const chip = widget.frame.locator('.composer .chip')
    await chip.and(widget.frame.locator('[data-status="done"]')).waitFor()
    expect(await chip.locator('.chip-thumb').count()).toBe(1)
    await widget.input.press('Enter')
    await chip.waitFor({ state: 'detached' })

    const thumb = widget.frame.locator('.list .row.mine[data-message-id] .thumb')
    await thumb.waitFor()
    // The space is reserved from the metadata: 640x400 fits 200x125.
    expect(await thumb.evaluate((el) => [el.clientWidth, el.clientHeight])).toEqual([198, 123])
    await until(() => loaded(thumb.locator('img')), 'widget thumbnail')

    const panel = await PanelPage.open(env.browser.context, env.server.url)
    await panel.rows.first().click()
    await panel.message('Here is what I see').waitFor()
    const opThumb = panel.page.locator('.messages .row .thumb')
    await opThumb.waitFor()
    const img = opThumb.locator('img')
    expect(await img.getAttribute('alt')).toBe('screenshot.png')
    expect(await img.getAttribute('src')).toContain('variant=thumb')
    await until(() => loaded(img), 'panel thumbnail')

    await opThumb.click()
    const box = panel.page.getByRole('dialog', { name: 'screenshot.png' })
    await box.waitFor()
    const full = box.locator('img.lightbox-img')
    await until(() => loaded(full), 'full-size image')
    expect(await full.evaluate((el) => (el as HTMLImageElement).naturalWidth)).toBe(640)
    // Focus is inside the dialog and stays there.
    expect(await box.evaluate((el) => el.contains(document.activeElement))).toBe(true)
    await panel.page.keyboard.press('Tab')
    expect(await box.evaluate((el) => el.contains(document.activeElement))).toBe(true)
    await panel.page.keyboard.press('Escape')
    await box.waitFor({ state: 'detached' })
    expect(await opThumb.evaluate((el) => el === document.activeElement)).toBe(true)
    await panel.page.close()
    await widget.page.close()
  }, 60_000)

  test('widget - a file over the inbox limit shows its error and nothing is sent', async () => {
    // An inbox of its own: the server caches an inbox's settings for uploads for a while.
    const token = await env.server.adminToken()
    const created = await env.server.http('/api/admin/inboxes', {
      token,
      body: { name: 'Small', settings: { allowedOrigins: [] } },
    })
    expect(created.status).toBe(201)
    const inboxId = created.body.id as string
    const patched = await env.server.http(`/api/admin/inboxes/${inboxId}`, {
      method: 'PATCH',
      token,
      body: { settings: { attachmentMaxBytes: 2048 } },
    })
    expect(patched.status).toBe(200)
    const op = await env.server.operator({ inboxIds: [inboxId] })
    const desk = await TestClient.connect(env.server.wsUrl, { token: op.token })
    await desk.ok({ type: 'feed_subscribe' })

    using host = serveHostPage(embeddingPage(env.server, inboxId, ' data-lang="ru"'))
    const widget = await Widget.open(env.browser.context, `http://127.0.0.1:${host.port}/`)
    await widget.openChat()
    await widget.send('Привет')
    await widget.waitStatus('Привет', 'sent')
    const rows = widget.frame.locator('.list .row[data-message-id]')
    expect(await rows.count()).toBe(1)

    // Through the attach button and the file picker, keyboard only.
    const attach = widget.frame.getByRole('button', { name: 'Прикрепить файлы' })
    const chooser = widget.page.waitForEvent('filechooser', { timeout: 10_000 })
    await attach.press('Enter')
    await (
      await chooser
    ).setFiles({
      name: 'large-log.txt',
      mimeType: 'text/plain',
      buffer: Buffer.from('x'.repeat(10_000)),
    })
    // A file far over the limit too (the server answers before reading the body).
    await widget.frame.locator('input[type=file]').setInputFiles({
      name: 'video.txt',
      mimeType: 'text/plain',
      buffer: Buffer.alloc(8 * 1024 * 1024, 'y'),
    })
    const video = widget.frame.locator('.composer .chip[data-status="error"]', {
      hasText: 'video.txt',
    })
    await video.waitFor()
    expect(await video.getAttribute('data-error')).toBe('payload_too_large')
    const chip = widget.frame.locator('.composer .chip[data-status="error"]', {
      hasText: 'large-log.txt',
    })
    await chip.waitFor()
    expect(await chip.getAttribute('data-error')).toBe('payload_too_large')
    expect(await chip.getByRole('alert').innerText()).toBe('Файл слишком большой')
    const sendButton = widget.frame.getByRole('button', { name: 'Отправить' })
    expect(await sendButton.isDisabled()).toBe(true)
    await widget.input.press('Enter')

    // Removed with its button, the composer is empty again; nothing reached the server.
    await chip.getByRole('button', { name: 'Убрать large-log.txt' }).click()
    await chip.waitFor({ state: 'detached' })
    await video.getByRole('button', { name: 'Убрать video.txt' }).click()
    await widget.frame.locator('.composer .chips').waitFor({ state: 'detached' })
    expect(await rows.count()).toBe(1)
    expect(await widget.frame.locator('.list .row:not(.greeting)').count()).toBe(1)
    const inbox = await env.server.http('/api/inbox?limit=30', { token })
    const conversation = inbox.body.items[0]
    const history = await env.server.http(`/api/conversations/${conversation.id}/messages`, {
      token,
    })
    expect(history.body.messages.map((m: { text: string }) => m.text)).toEqual(['Привет'])

    await widget.page.close()
  }, 60_000)

  test('widget - two images in one message: keyboard opens the lightbox, arrows move, Escape closes only it', async () => {
    const widget = await Widget.open(env.browser.context, `${env.server.url}/`)
    await widget.page.setViewportSize({ width: 375, height: 667 })
    await widget.openChat()
    await pasteImage(widget.input, 'first.png', await png(300, 600))
    await pasteImage(widget.input, 'second.png', await png(500, 300))
    const done = widget.frame.locator('.composer .chip[data-status="done"]')
    await until(async () => (await done.count()) === 2, 'both uploads')
    await widget.send('Two pictures')
    const thumbs = widget.message('Two pictures').locator('.thumb')
    await thumbs.nth(1).locator('img').waitFor()

    await thumbs.first().focus()
    await widget.page.keyboard.press('Enter')
    const box = widget.frame.getByRole('dialog', { name: 'first.png' })
    await box.waitFor()
    expect(await box.innerText()).toContain('1 of 2')
    await widget.page.keyboard.press('ArrowRight')
    await widget.frame.getByRole('dialog', { name: 'second.png' }).waitFor()
    await until(() => loaded(widget.frame.locator('.lightbox img')), 'the second image')
    expect(await widget.frame.locator('.lightbox img').getAttribute('alt')).toBe('second.png')
    await widget.page.keyboard.press('ArrowLeft')
    await box.waitFor()
    await widget.page.keyboard.press('Escape')
    await box.waitFor({ state: 'detached' })
    // The chat stays open; focus is back on the thumbnail.
    expect(await widget.input.isVisible()).toBe(true)
    expect(await thumbs.first().evaluate((el) => el === document.activeElement)).toBe(true)
    await widget.page.close()
  }, 60_000)

  // Last in the file: it restarts the server.
  test('widget - a file added offline uploads on reconnect and its message goes once', async () => {
    const widget = await Widget.open(env.browser.context, `${env.server.url}/`)
    await widget.openChat()
    await widget.send('Before the outage')
    await widget.waitStatus('Before the outage', 'sent')

    const { port, dataDir } = env.server
    await env.server.stop({ keepData: true })
    await until(
      async () => (await widget.root.getAttribute('data-connection')) !== 'connected',
      'the widget to notice the outage',
    )
    await pasteImage(widget.input, 'offline.png', await png(300, 200))
    const chip = widget.frame.locator('.composer .chip[data-status="waiting"]')
    await chip.waitFor()
    expect(await chip.innerText()).toContain('Waiting for connection')
    await widget.send('Sent while offline')
    await widget.waitStatus('Sent while offline', 'pending')
    await widget.message('Sent while offline').locator('.chip').waitFor()

    env.server = await startTestServer({ dataDir, env: { PORT: String(port) } })
    await widget.waitStatus('Sent while offline', 'sent', 20_000)
    const thumb = widget.message('Sent while offline').locator('.thumb img')
    await thumb.waitFor()
    await until(() => loaded(thumb), 'the thumbnail after the reconnect')

    const token = await env.server.adminToken()
    const inbox = await env.server.http('/api/inbox?limit=30', { token })
    const history = await env.server.http(`/api/conversations/${inbox.body.items[0].id}/messages`, {
      token,
    })
    const sent = history.body.messages.filter(
      (m: { text: string }) => m.text === 'Sent while offline',
    )
    expect(sent).toHaveLength(1)
    expect(sent[0].attachments.map((a: { name: string }) => a.name)).toEqual(['offline.png'])
    await widget.page.close()
  }, 60_000)

  test('widget - an image whose bytes are gone shows "File unavailable", not a broken image', async () => {
    // A server of its own: its storage is emptied by hand.
    const server = await startTestServer()
    try {
      await connectOperator(server)
      // A host page with storage (the demo page is sandboxed: it forgets the visitor on reload).
      using host = serveHostPage(embeddingPage(server, await server.defaultInboxId()))
      const widget = await Widget.open(env.browser.context, `http://127.0.0.1:${host.port}/`)
      await widget.openChat()
      await widget.send('Before the picture')
      await widget.waitStatus('Before the picture', 'sent')
      await pasteImage(widget.input, 'gone.png', await png(320, 200))
      await widget.frame.locator('.composer .chip[data-status="done"]').waitFor()
      await widget.input.press('Enter')
      const row = widget.frame.locator('.list .row.mine[data-message-id]').last()
      await until(() => loaded(row.locator('.thumb img')), 'the thumbnail')

      // The bytes disappear (a lost disk, a bucket emptied by hand); the page is opened again.
      rmSync(join(server.dataDir, 'attachments'), { recursive: true, force: true })
      await widget.page.reload()
      // The frame renders once it has the page's stored state (the chat may come back open).
      await widget.launcher.waitFor()
      if ((await widget.launcher.getAttribute('aria-expanded')) !== 'true') await widget.openChat()
      await widget.message('Before the picture').waitFor()
      const gone = widget.frame.locator('.list .row.mine [data-state="unavailable"]')
      await gone.waitFor({ timeout: 15_000 })
      expect(await gone.innerText()).toContain('File unavailable')
      expect(await widget.frame.locator('.list .row.mine .thumb img').count()).toBe(0)
      await widget.page.close()
    } finally {
      await server.stop()
    }
  }, 60_000)
})
