/**
 * Several conversations per visitor (15): the widget opens on the visitor's latest open
 * conversation as before, and its header leads home, to every conversation of theirs (status,
 * newest message, time, unread) and "New conversation". Opening a resolved one and writing
 * reopens it; writing in a closed one starts a new one in its place; a new one gets its own
 * messages only; messages queued offline keep the conversation they were written in; another
 * conversation's operator reply shows as unread at home; an identified visitor sees the same
 * list from another browser; keyboard only; no serious axe violation in light and dark; 375 px,
 * in Russian.
 *
 * Each visitor is a host page of its own (another port, so its own storage), as on a real site.
 */
import { describe, expect, test } from 'bun:test'
import { createHmac } from 'node:crypto'
import type { Page, WebSocketRoute } from 'playwright-core'
import type { Frame } from '../helpers/ws.ts'
import { violations, widgetDocument } from './axe.ts'
import {
  connectOperator,
  embeddingPage,
  launchBrowser,
  serveHostPage,
  skipBrowserTests,
  until,
  Widget,
  useServerAndBrowser,
} from './harness.ts'

type Operator = Awaited<ReturnType<typeof connectOperator>>

describe.skipIf(skipBrowserTests)('widget home', () => {
  const env = useServerAndBrowser()
  /** Conversations the operator has seen created, so the next one is told apart. */
  const seen = new Set<string>()

  /** The next conversation the operator's feed reports created, subscribed from seq 0. */
  async function created(operator: Operator): Promise<string> {
    const feed = await operator.client.next(
      (f) =>
        f.type === 'feed' &&
        f.name === 'conversation' &&
        f.data.change === 'created' &&
        !seen.has(f.data.conversation.id),
      10_000,
    )
    const id = feed.data.conversation.id as string
    seen.add(id)
    await operator.client.ok({ type: 'subscribe', conversationId: id, afterSeq: 0 })
    return id
  }

  /** The texts of a conversation's stored messages, as the operator reads them over HTTP. */
  async function texts(operator: Operator, id: string): Promise<string[]> {
    const res = await env.server.http(`/api/conversations/${id}/messages`, {
      token: operator.token,
    })
    expect(res.status).toBe(200)
    return (res.body as { messages: { text: string }[] }).messages.map((m) => m.text)
  }

  const item = (widget: Widget, id: string) =>
    widget.frame.locator(`.conversation[data-id="${id}"]`)

  async function goHome(widget: Widget) {
    if ((await widget.frame.locator('[data-testid="home"]').count()) > 0) return
    await widget.frame.locator('#pw-home').click()
    await widget.frame.locator('[data-testid="home"]').waitFor()
  }

  /** Home, then "New conversation", then the first message: the new conversation's id. */
  async function startAnother(widget: Widget, operator: Operator, text: string) {
    await goHome(widget)
    await widget.frame.getByRole('button', { name: 'New conversation' }).click()
    await widget.input.waitFor()
    expect(await widget.texts()).toEqual([])
    await widget.send(text)
    const id = await created(operator)
    await operator.message(id, text)
    await widget.waitStatus(text, 'sent')
    return id
  }

  /** A visitor whose first conversation an operator answered and resolved, and a second, open. */
  async function twoConversations(
    operator: Operator,
    opts: { site?: string; prepare?: (page: Page) => Promise<void> } = {},
  ) {
    const inboxId = await env.server.defaultInboxId()
    const host = serveHostPage(opts.site ?? embeddingPage(env.server, inboxId))
    const page = await env.browser.context.newPage()
    await opts.prepare?.(page)
    await page.goto(`http://127.0.0.1:${host.port}/`)
    const widget = new Widget(page)
    await widget.openChat()
    await widget.send('My parcel is late')
    const first = await created(operator)
    await operator.message(first, 'My parcel is late')
    await operator.client.ok({
      type: 'send',
      conversationId: first,
      clientMsgId: `answer-${first}`,
      text: 'It ships tomorrow',
    })
    await widget.message('It ships tomorrow').waitFor()
    await operator.client.ok({ type: 'set_status', conversationId: first, status: 'resolved' })
    await widget.frame.locator('[data-testid="resolved"]').waitFor()
    const second = await startAnother(widget, operator, 'A question about my invoice')
    return { host, widget, first, second }
  }

  test('home - both conversations with status and preview; writing in the resolved one reopens it; a new one gets its messages only', async () => {
    const operator = await connectOperator(env.server)
    const { host, widget, first, second } = await twoConversations(operator)
    using _host = host

    // A reload opens the latest open conversation, as before; home lists both.
    await widget.launcher.click()
    await widget.frame.locator('.window').waitFor({ state: 'detached' })
    await widget.page.reload()
    await widget.openChat()
    await widget.message('A question about my invoice').waitFor()
    await goHome(widget)
    await item(widget, first).waitFor()
    expect(await item(widget, first).locator('.conversation-status').innerText()).toMatch(
      /resolved/i,
    )
    expect(await item(widget, first).locator('.conversation-preview').innerText()).toBe(
      'It ships tomorrow',
    )
    expect(await item(widget, second).locator('.conversation-status').innerText()).toMatch(/open/i)
    expect(await item(widget, second).locator('.conversation-preview').innerText()).toBe(
      'You: A question about my invoice',
    )
    expect(await item(widget, second).locator('time').innerText()).toMatch(/\d\d:\d\d/)

    // The resolved one: its thread, the line saying writing reopens it; writing does.
    await item(widget, first).click()
    await widget.message('It ships tomorrow').waitFor()
    expect(await widget.texts()).toEqual(['My parcel is late', 'It ships tomorrow'])
    await widget.frame.locator('[data-testid="resolved"]').waitFor()
    const reopened = operator.client.next(
      (f) =>
        f.type === 'event' &&
        f.conversationId === first &&
        f.name === 'conversation.status' &&
        f.data.status === 'open',
      10_000,
    )
    await widget.send('Still not here')
    await reopened
    await operator.message(first, 'Still not here')
    await widget.frame.locator('[data-testid="resolved"]').waitFor({ state: 'detached' })
    await goHome(widget)
    await until(
      async () =>
        /open/i.test(await item(widget, first).locator('.conversation-status').innerText()),
      'the reopened conversation listed open',
    )

    // A new one from home: a third conversation, and its messages go there only.
    const third = await startAnother(widget, operator, 'Something else entirely')
    expect(new Set([first, second, third]).size).toBe(3)
    await widget.send('And one more thing')
    await operator.message(third, 'And one more thing')
    expect(await texts(operator, third)).toEqual(['Something else entirely', 'And one more thing'])
    expect(await texts(operator, second)).toEqual(['A question about my invoice'])
    expect(await texts(operator, first)).toEqual([
      'My parcel is late',
      'It ships tomorrow',
      'Still not here',
    ])
    await goHome(widget)
    expect(await widget.frame.locator('.conversation').count()).toBe(3)
    await widget.page.close()
    operator.client.close()
  }, 90_000)

  test('home - writing in a closed conversation starts a new one, shown in its place; the closed one stays closed', async () => {
    const operator = await connectOperator(env.server)
    const { host, widget, second } = await twoConversations(operator)
    using _host = host
    await operator.client.ok({ type: 'set_status', conversationId: second, status: 'closed' })
    await until(
      async () =>
        (await widget.frame.locator('[data-testid="resolved"]').count()) > 0 &&
        /new one/.test(await widget.frame.locator('[data-testid="resolved"]').innerText()),
      'the line saying writing starts a new conversation',
    )
    await widget.send('After the close')
    const third = await created(operator)
    await operator.message(third, 'After the close')
    await widget.waitStatus('After the close', 'sent')
    expect(await widget.texts()).toEqual(['After the close'])
    expect(await texts(operator, second)).toEqual(['A question about my invoice'])
    await goHome(widget)
    expect(await item(widget, second).locator('.conversation-status').innerText()).toMatch(
      /closed/i,
    )
    expect(await item(widget, third).locator('.conversation-preview').innerText()).toBe(
      'You: After the close',
    )
    await widget.page.close()
    operator.client.close()
  }, 90_000)

  test('home - an operator reply in another conversation shows as unread at home until it is opened', async () => {
    const operator = await connectOperator(env.server)
    const { host, widget, first, second } = await twoConversations(operator)
    using _host = host
    // Viewing the second one; the operator answers in the first (resolved: it stays so).
    expect(await widget.texts()).toEqual(['A question about my invoice'])
    await operator.client.ok({
      type: 'send',
      conversationId: first,
      clientMsgId: `late-${first}`,
      text: 'Tracking number: 42',
    })
    await goHome(widget)
    await until(
      async () =>
        (await item(widget, first).locator('[data-testid="conversation-unread"]').count()) > 0,
      'the unread badge on the other conversation',
    )
    expect(
      await item(widget, first).locator('[data-testid="conversation-unread"]').innerText(),
    ).toBe('1')
    expect(await item(widget, first).innerText()).toContain('Tracking number: 42')
    expect(await item(widget, second).locator('[data-testid="conversation-unread"]').count()).toBe(
      0,
    )

    // Opened: read (the operator sees it), and no longer unread at home.
    await item(widget, first).click()
    await widget.message('Tracking number: 42').waitFor()
    await operator.client.next(
      (f: Frame) =>
        f.name === 'read.updated' &&
        f.conversationId === first &&
        f.data.reader.kind === 'visitor' &&
        f.data.readSeq > 0,
      10_000,
    )
    await goHome(widget)
    await until(
      async () =>
        (await item(widget, first).locator('[data-testid="conversation-unread"]').count()) === 0,
      'the badge gone once read',
    )
    await widget.page.close()
    operator.client.close()
  }, 90_000)

  test('home - an identified visitor sees the same conversations from another browser', async () => {
    const inboxId = await env.server.defaultInboxId()
    const secret = await env.server.identitySecret(inboxId)
    const userId = 'user-home-1'
    const hash = createHmac('sha256', secret).update(userId).digest('hex')
    const site = embeddingPage(
      env.server,
      inboxId,
      ` data-user-id="${userId}" data-user-hash="${hash}"`,
    )
    const operator = await connectOperator(env.server)
    const { host, widget, first, second } = await twoConversations(operator, { site })
    using _host = host
    await widget.page.close()

    const other = await launchBrowser()
    try {
      const there = await Widget.open(other.context, `http://127.0.0.1:${host.port}/`)
      await there.openChat()
      // The latest open conversation first, as on the first device; home has both.
      await there.message('A question about my invoice').waitFor()
      await goHome(there)
      await item(there, first).waitFor()
      await item(there, second).waitFor()
      expect(await item(there, first).locator('.conversation-preview').innerText()).toBe(
        'It ships tomorrow',
      )
      await item(there, first).click()
      await there.message('My parcel is late').waitFor()
    } finally {
      await other.close()
      operator.client.close()
    }
  }, 90_000)

  test('home - messages queued offline go to the conversation they were written in, once each', async () => {
    const operator = await connectOperator(env.server)
    // The test cuts the widget's network while the page and its assets stay reachable.
    let offline = false
    const sockets = new Set<WebSocketRoute>()
    const { host, widget, first, second } = await twoConversations(operator, {
      async prepare(page) {
        await page.routeWebSocket(/\/ws$/, (ws) => {
          if (offline) return void ws.close()
          sockets.add(ws)
          ws.connectToServer()
        })
        await page.route(/\/(api|rt)\/|\/readyz$/, (route) =>
          offline ? route.abort('internetdisconnected') : route.continue(),
        )
      },
    })
    using _host = host
    offline = true
    for (const ws of sockets) await ws.close()
    await until(
      async () => (await widget.root.getAttribute('data-connection')) !== 'connected',
      'the widget to notice',
    )
    // Two written in the second one (the later waits for the first's ack), then one in the first
    // (opened from home while offline).
    await widget.send('Queued in the second')
    await widget.send('Also in the second')
    await widget.waitStatus('Also in the second', 'pending')
    await goHome(widget)
    await item(widget, first).click()
    await widget.input.waitFor()
    expect(await widget.texts()).not.toContain('Queued in the second')
    await widget.send('Queued in the first')
    await widget.waitStatus('Queued in the first', 'pending')

    offline = false
    await widgetDocument(widget.page).evaluate(() => dispatchEvent(new Event('online')))
    await operator.message(second, 'Also in the second')
    await operator.message(first, 'Queued in the first')
    await widget.waitStatus('Queued in the first', 'sent', 20_000)
    await widget.message('It ships tomorrow').waitFor()
    expect(await texts(operator, second)).toEqual([
      'A question about my invoice',
      'Queued in the second',
      'Also in the second',
    ])
    expect(await texts(operator, first)).toEqual([
      'My parcel is late',
      'It ships tomorrow',
      'Queued in the first',
    ])
    await widget.page.close()
    operator.client.close()
  }, 90_000)

  test('home - keyboard only: the way home, from one conversation to another, Escape closes', async () => {
    const operator = await connectOperator(env.server)
    const { host, widget, first, second } = await twoConversations(operator)
    using _host = host
    const f = widget.frame
    const focused = () =>
      f.locator('body').evaluate(() => {
        const el = document.activeElement
        return el ? el.id || el.getAttribute('data-id') || el.tagName : ''
      })
    // From the composer, backwards to the way home (the header's first control).
    await widget.input.focus()
    for (let i = 0; i < 20 && (await focused()) !== 'pw-home'; i++) {
      await widget.page.keyboard.press('Shift+Tab')
    }
    expect(await focused()).toBe('pw-home')
    expect(await f.locator('#pw-home').getAttribute('aria-label')).toBe('Your conversations')
    await widget.page.keyboard.press('Enter')
    await f.locator('[data-testid="home"]').waitFor()
    // Focus is on the conversation the visitor came from.
    await until(async () => (await focused()) === second, 'focus on the conversation shown')
    // The list is in the tab order: Tab moves to the other one, Enter opens it.
    const order = await f
      .locator('.conversation')
      .evaluateAll((els) => els.map((el) => el.getAttribute('data-id')))
    const step = order.indexOf(first) > order.indexOf(second) ? 'Tab' : 'Shift+Tab'
    await widget.page.keyboard.press(step)
    expect(await focused()).toBe(first)
    await widget.page.keyboard.press('Enter')
    await widget.message('It ships tomorrow').waitFor()
    await until(async () => (await focused()) === 'TEXTAREA', 'focus in the composer')
    await widget.page.keyboard.type('Typed with the keyboard')
    await widget.page.keyboard.press('Enter')
    await operator.message(first, 'Typed with the keyboard')
    await widget.page.keyboard.press('Escape')
    await f.locator('.window').waitFor({ state: 'detached' })
    expect(await widget.launcher.getAttribute('aria-expanded')).toBe('false')
    await widget.page.close()
    operator.client.close()
  }, 90_000)

  test('home - no serious axe violations in light and dark; 375 px in Russian', async () => {
    const operator = await connectOperator(env.server)
    const { host, widget } = await twoConversations(operator)
    using _host = host
    await goHome(widget)
    const problems: string[] = []
    for (const theme of ['light', 'dark'] as const) {
      await widget.page.emulateMedia({ colorScheme: theme })
      await widget.frame.locator(theme === 'dark' ? '.pw.dark' : '.pw:not(.dark)').waitFor()
      // The window rises in with a fade: contrast is measured once it has ended, not mid-fade.
      await widgetDocument(widget.page).evaluate(() =>
        Promise.all(
          document
            .getAnimations()
            .filter((a) => a.effect?.getTiming().iterations !== Infinity)
            .map((a) => a.finished.catch(() => undefined)),
        ),
      )
      for (const v of await violations(widgetDocument(widget.page))) {
        problems.push(`home ${theme}: ${v}`)
      }
    }
    expect(problems).toEqual([])
    await widget.page.close()

    // A phone, in Russian: the list fits the screen, nothing scrolls sideways.
    const inboxId = await env.server.defaultInboxId()
    using ru = serveHostPage(embeddingPage(env.server, inboxId, ' data-lang="ru"'))
    const page = await env.browser.context.newPage()
    await page.setViewportSize({ width: 375, height: 740 })
    await page.goto(`http://127.0.0.1:${ru.port}/`)
    const phone = new Widget(page)
    await phone.openChat()
    await phone.send('Где мой заказ?')
    const id = await created(operator)
    await operator.message(id, 'Где мой заказ?')
    await phone.frame.locator('#pw-home').click()
    await phone.frame.locator('[data-testid="home"]').waitFor()
    expect(await phone.frame.locator('.home-title').innerText()).toBe('Ваши обращения')
    expect(await item(phone, id).locator('.conversation-status').innerText()).toMatch(/открыто/i)
    expect(await item(phone, id).locator('.conversation-preview').innerText()).toBe(
      'Вы: Где мой заказ?',
    )
    await phone.frame.getByRole('button', { name: 'Новое обращение' }).waitFor()
    const fits = await phone.frame.locator('.home').evaluate((el) => {
      const box = el.getBoundingClientRect()
      return el.scrollWidth <= el.clientWidth && box.left >= 0 && box.right <= window.innerWidth
    })
    expect(fits).toBe(true)
    for (const v of await violations(widgetDocument(page))) problems.push(`home 375 ru: ${v}`)
    expect(problems).toEqual([])
    await page.close()
    operator.client.close()
  }, 90_000)
})
