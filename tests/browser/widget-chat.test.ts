import { describe, expect, test } from 'bun:test'
import {
  connectOperator,
  embeddingPage,
  serveHostPage,
  skipBrowserTests,
  until,
  Widget,
  useServerAndBrowser,
} from './harness.ts'

describe.skipIf(skipBrowserTests)('widget chat', () => {
  const env = useServerAndBrowser()

  test('widget - a visitor chats with an operator: live message, typing both ways, reply, two ticks', async () => {
    const operator = await connectOperator(env.server)
    const widget = await Widget.open(env.browser.context, `${env.server.url}/`)
    await widget.openChat()
    await widget.send('Hello, my order #1042 has not arrived')

    const conversationId = await operator.conversation()
    const incoming = await operator.message(conversationId, 'Hello, my order #1042 has not arrived')
    expect(incoming.data.message.author.kind).toBe('visitor')
    await widget.waitStatus('order #1042', 'sent')

    // Visitor typing reaches the operator.
    await widget.input.pressSequentially('Any news')
    await operator.client.next(
      (f) => f.name === 'typing' && f.data.party.kind === 'visitor' && f.data.on === true,
    )

    // Operator typing shows in the widget.
    await operator.client.ok({ type: 'typing', conversationId, on: true })
    await widget.frame.getByText('Operator is typing…').waitFor()

    await operator.client.ok({
      type: 'send',
      conversationId,
      clientMsgId: 'op-1',
      text: 'Sorry about that! It ships **tomorrow**.',
    })
    await widget.message('It ships').waitFor()
    expect(await widget.message('It ships').locator('strong').innerText()).toBe('tomorrow')
    await widget.frame.getByText('Operator is typing…').waitFor({ state: 'hidden' })

    // The widget is open and visible: it marks the reply read (the operator sees it).
    const read = await operator.client.next(
      (f) => f.name === 'read.updated' && f.data.reader.kind === 'visitor' && f.data.readSeq >= 3,
    )
    expect(read.data.readSeq).toBeGreaterThanOrEqual(3)

    // The operator reads: two ticks on the visitor's message.
    await operator.client.ok({ type: 'read', conversationId, seq: incoming.seq })
    await widget.waitStatus('order #1042', 'read')
    expect(await widget.message('order #1042').locator('.receipt').getAttribute('aria-label')).toBe(
      'Read',
    )
    await widget.page.close()
    operator.client.close()
  }, 60_000)

  test('widget - unread badge on the launcher while closed; opening the chat reads it', async () => {
    const operator = await connectOperator(env.server)
    const widget = await Widget.open(env.browser.context, `${env.server.url}/?lang=ru`)
    await widget.openChat()
    await widget.send('Здравствуйте')
    const conversationId = await operator.conversation()
    await widget.launcher.click() // close
    await widget.input.waitFor({ state: 'detached' })

    for (const text of ['Добрый день!', 'Чем помочь?']) {
      await operator.client.ok({ type: 'send', conversationId, clientMsgId: text, text })
    }
    const badge = widget.frame.getByTestId('unread-badge')
    await until(async () => (await widget.launcher.innerText()) === '2', 'badge 2')
    expect(await widget.launcher.getAttribute('aria-label')).toContain('2 непрочитанных сообщения')

    await widget.openChat()
    await widget.message('Чем помочь?').waitFor()
    await operator.client.next(
      (f) => f.name === 'read.updated' && f.data.reader.kind === 'visitor' && f.data.readSeq > 2,
    )
    await widget.launcher.click()
    expect(await badge.count()).toBe(0)
    await widget.page.close()
    operator.client.close()
  }, 60_000)

  test('widget - history pages in older messages when scrolled to the top', async () => {
    const operator = await connectOperator(env.server)
    // A real site: its storage keeps the visitor for the second page.
    using host = serveHostPage(embeddingPage(env.server, await env.server.defaultInboxId()))
    const site = `http://127.0.0.1:${host.port}/`
    const first = await Widget.open(env.browser.context, site)
    await first.openChat()
    await first.send('Show me the history')
    const conversationId = await operator.conversation()
    for (let i = 1; i <= 40; i++) {
      await operator.client.ok({
        type: 'send',
        conversationId,
        clientMsgId: `h${i}`,
        text: `History ${i}`,
      })
    }
    await first.page.close()

    const widget = await Widget.open(env.browser.context, site)
    await widget.openChat()
    await widget.message('History 40').waitFor()
    // Stored messages only: the visitor's first message may still sit in the outbox this page
    // read from the site's storage (sent again with its client id, it lands once) for a moment.
    const rows = widget.frame.locator('.list .row[data-message-id]')
    const firstPage = await rows.count()
    expect(firstPage).toBe(30)
    await widget.frame.locator('.messages').evaluate((el) => el.scrollTo(0, 0))
    await until(async () => (await rows.count()) > firstPage, 'older messages')
    await widget.frame.locator('.messages').evaluate((el) => el.scrollTo(0, 0))
    await widget.message('History 1').first().waitFor()
    const texts = await widget.texts()
    expect(texts.filter((t) => t === 'History 1')).toHaveLength(1)
    expect(texts.indexOf('History 1')).toBeLessThan(texts.indexOf('History 40'))
    await widget.page.close()
    operator.client.close()
  }, 60_000)
})
