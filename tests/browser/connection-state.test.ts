/**
 * Connection state and the receipt marks (issue 15): the network going away shows
 * "Connecting…" within 2 s in the widget and the panel, messages typed meanwhile wait with a
 * pending mark and go once it is back; sent, delivered and read are three different marks; a
 * rate limit is told with a countdown and the queued messages then go by themselves.
 */
import { describe, expect, test } from 'bun:test'
import type { Locator } from 'playwright-core'
import { TestClient } from '../helpers/ws.ts'
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

/** The functional bound for noticing a lost network (issue 15), from the setOffline call. */
const NOTICED_WITHIN_MS = 2000

/** What a receipt mark looks like (its drawing) and says (its label). */
async function mark(row: Locator): Promise<{ label: string | null; drawing: string }> {
  const receipt = row.locator('.receipt')
  return {
    label: await receipt.getAttribute('aria-label'),
    drawing: await receipt.locator('svg').innerHTML(),
  }
}

describe.skipIf(skipBrowserTests)('connection state', () => {
  const env = useServerAndBrowser()

  test('widget - offline shows "Connecting…" within 2 s, a message typed meanwhile waits as pending and goes once online', async () => {
    const operator = await connectOperator(env.server)
    const widget = await Widget.open(env.browser.context, `${env.server.url}/`)
    await widget.openChat()
    await widget.send('Before the network goes')
    const conversationId = await operator.conversation()
    await widget.waitStatus('Before the network goes', 'sent')
    const status = widget.frame.locator('.header .status')
    expect(await status.getAttribute('aria-live')).toBe('polite')

    const offlineAt = Date.now()
    await env.browser.context.setOffline(true)
    try {
      await widget.frame
        .locator('.header .status:not([data-connection="online"])', { hasText: 'Connecting…' })
        .waitFor({ timeout: 5000 })
      expect(Date.now() - offlineAt).toBeLessThanOrEqual(NOTICED_WITHIN_MS)
      expect(await status.isVisible()).toBe(true)

      await widget.send('Typed while offline')
      await widget.waitStatus('Typed while offline', 'pending')
      const pending = await mark(widget.message('Typed while offline'))
      expect(pending.label).toBe('Sending…')
      // Still offline: it stays pending and the header says it goes later.
      await status.getByText('messages will be sent when the connection is back').waitFor()
      expect(await widget.status('Typed while offline')).toBe('pending')
    } finally {
      await env.browser.context.setOffline(false)
    }

    await widget.waitStatus('Typed while offline', 'sent', 15_000)
    await widget.frame.locator('.header .status[data-connection="online"]').waitFor()
    expect(await status.innerText()).not.toContain('Connecting…')
    await operator.message(conversationId, 'Typed while offline')
    // Exactly once, after the first one.
    const texts = () =>
      operator.client
        .events(conversationId)
        .filter((f) => f.name === 'message.created')
        .map((f) => f.data.message.text)
    expect(texts()).toEqual(['Before the network goes', 'Typed while offline'])
    expect(await widget.texts()).toEqual(texts())
    await widget.page.close()
    operator.client.close()
  }, 60_000)

  test('widget - in Russian, offline says "Подключение…" and the marks are labelled in Russian', async () => {
    const inboxId = await env.server.defaultInboxId()
    using site = serveHostPage(embeddingPage(env.server, inboxId, ' data-lang="ru"'))
    const widget = await Widget.open(env.browser.context, `http://127.0.0.1:${site.port}/`)
    await widget.openChat()
    await widget.send('Первое сообщение')
    await widget.waitStatus('Первое сообщение', 'sent')
    expect((await mark(widget.message('Первое сообщение'))).label).toBe('Отправлено')
    const offlineAt = Date.now()
    await env.browser.context.setOffline(true)
    try {
      await widget.frame
        .locator('.header .status', { hasText: 'Подключение…' })
        .waitFor({ timeout: 5000 })
      expect(Date.now() - offlineAt).toBeLessThanOrEqual(NOTICED_WITHIN_MS)
      await widget.send('Без связи')
      await widget.waitStatus('Без связи', 'pending')
      expect((await mark(widget.message('Без связи'))).label).toBe('Отправляется…')
    } finally {
      await env.browser.context.setOffline(false)
    }
    await widget.waitStatus('Без связи', 'sent', 15_000)
    await widget.page.close()
  }, 60_000)

  test('widget - sent, delivered and read are three different marks, each labelled', async () => {
    const operator = await connectOperator(env.server)
    const widget = await Widget.open(env.browser.context, `${env.server.url}/`)
    await widget.openChat()
    await widget.send('Three marks please')
    const conversationId = await operator.conversation()
    const created = await operator.message(conversationId, 'Three marks please')
    const row = widget.message('Three marks please')

    await widget.waitStatus('Three marks please', 'sent')
    const sent = await mark(row)
    await operator.client.ok({ type: 'delivered', conversationId, seq: created.seq })
    await widget.waitStatus('Three marks please', 'delivered')
    const delivered = await mark(row)
    await operator.client.ok({ type: 'read', conversationId, seq: created.seq })
    await widget.waitStatus('Three marks please', 'read')
    const read = await mark(row)

    expect([sent.label, delivered.label, read.label]).toEqual(['Sent', 'Delivered', 'Read'])
    expect(new Set([sent.drawing, delivered.drawing, read.drawing]).size).toBe(3)
    await widget.page.close()
    operator.client.close()
  }, 60_000)

  test('panel - offline shows "Connecting…" within 2 s; a reply typed meanwhile is pending, then sent; marks follow the visitor', async () => {
    const inboxId = await env.server.defaultInboxId()
    const visitor = await TestClient.connect(env.server.wsUrl, {
      token: (await env.server.visitorToken(inboxId)).token,
    })
    const started = await visitor.ok({ type: 'start', clientMsgId: 'p1', text: 'Panel offline?' })
    const conversationId = started.conversation.id as string
    await visitor.ok({ type: 'subscribe', conversationId, afterSeq: 0 })

    const panel = await PanelPage.open(env.browser.context, env.server.url)
    await panel.page.locator(`.conversation-row[data-conversation-id="${conversationId}"]`).click()
    await panel.message('Panel offline?').waitFor()
    const indicator = panel.page.getByTestId('connection')
    expect(await indicator.getAttribute('aria-live')).toBe('polite')
    expect(await indicator.innerText()).toBe('')

    const offlineAt = Date.now()
    await env.browser.context.setOffline(true)
    try {
      await panel.page
        .locator('.shell:not([data-connection="connected"]) [data-testid="connection"]', {
          hasText: 'Connecting…',
        })
        .waitFor({ timeout: 5000 })
      expect(Date.now() - offlineAt).toBeLessThanOrEqual(NOTICED_WITHIN_MS)
      expect(await indicator.isVisible()).toBe(true)
      await panel.send('Reply typed offline')
      await panel.waitStatus('Reply typed offline', 'pending')
      expect((await mark(panel.message('Reply typed offline'))).label).toBe('Sending…')
    } finally {
      await env.browser.context.setOffline(false)
    }
    await panel.waitStatus('Reply typed offline', 'sent', 15_000)
    await panel.connected()
    expect(await indicator.innerText()).toBe('')
    const reply = await visitor.next(
      (f) => f.name === 'message.created' && f.data.message.text === 'Reply typed offline',
    )
    const row = panel.message('Reply typed offline')
    const sent = await mark(row)
    await visitor.ok({ type: 'delivered', conversationId, seq: reply.seq })
    await panel.waitStatus('Reply typed offline', 'delivered')
    const delivered = await mark(row)
    await visitor.ok({ type: 'read', conversationId, seq: reply.seq })
    await panel.waitStatus('Reply typed offline', 'read')
    const read = await mark(row)
    expect([sent.label, delivered.label, read.label]).toEqual(['Sent', 'Delivered', 'Read'])
    expect(new Set([sent.drawing, delivered.drawing, read.drawing]).size).toBe(3)
    const replies = visitor
      .events(conversationId)
      .filter((f) => f.name === 'message.created' && f.data.message.text === 'Reply typed offline')
    expect(replies).toHaveLength(1)
    await panel.page.close()
    visitor.close()
  }, 60_000)

  test('widget - a rate limit shows its notice counting down, then the queued messages go by themselves', async () => {
    const inboxId = await env.server.defaultInboxId()
    const limit = async (visitorMessagesPerMinute: number) =>
      env.server.http(`/api/admin/inboxes/${inboxId}`, {
        method: 'PATCH',
        token: await env.server.adminToken(),
        body: { settings: { visitorMessagesPerMinute } },
      })
    // 12 a minute: a burst of 4, then one every 5 s.
    expect((await limit(12)).status).toBe(200)
    try {
      const operator = await connectOperator(env.server)
      const widget = await Widget.open(env.browser.context, `${env.server.url}/`)
      await widget.openChat()
      const texts = ['Quick 1', 'Quick 2', 'Quick 3', 'Quick 4', 'Quick 5', 'Quick 6']
      for (const text of texts) await widget.send(text)

      const notice = widget.frame.locator('[data-notice="rateLimited"]')
      await notice.waitFor()
      expect(await notice.getAttribute('role')).toBe('alert')
      const countdown = notice.locator('.countdown')
      const seconds = async () => Number(/(\d+)/.exec(await countdown.innerText())?.[1] ?? NaN)
      expect(await notice.innerText()).toContain('You are sending messages too fast')
      const first = await seconds()
      expect(first).toBeGreaterThan(0)
      expect(first).toBeLessThanOrEqual(5)
      await until(async () => (await seconds()) < first, 'the countdown to go down')
      expect(await widget.status('Quick 6')).toBe('pending')

      // Nothing to do: all six go, in order, and the notice leaves.
      await widget.waitStatus('Quick 6', 'sent', 20_000)
      await notice.waitFor({ state: 'detached', timeout: 5000 })
      const conversationId = await operator.conversation()
      await operator.message(conversationId, 'Quick 6')
      const stored = operator.client
        .events(conversationId)
        .filter((f) => f.name === 'message.created')
        .map((f) => f.data.message.text)
      expect(stored).toEqual(texts)
      await widget.page.close()
      operator.client.close()
    } finally {
      await limit(30)
    }
  }, 60_000)
})
