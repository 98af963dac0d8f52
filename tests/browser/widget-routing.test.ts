/**
 * The widget while its conversation is routed (R6, docs/protocol.md 13.5-13.7): a visitor who
 * waits sees their place in the queue, read once and then followed live as the queue moves;
 * the operator who gets the conversation joins the thread by name and their replies carry it;
 * an automatic reply is a bubble of its own, never an operator's. In English (light) and in
 * Russian (dark, 375 px), with no serious axe-core violation in either theme.
 *
 * Nobody can take new conversations: the inbox allows one open conversation per operator and
 * its only operator already has one. Each test has its own server; one browser for the file.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import type { Frame, Page } from 'playwright-core'
import { httpStart } from '../helpers/http.ts'
import { startTestServer, type TestServer } from '../helpers/server.ts'
import {
  connectOperator,
  embeddingPage,
  ensureClientBuilt,
  launchBrowser,
  serveHostPage,
  skipBrowserTests,
  until,
  Widget,
  type TestBrowser,
} from './harness.ts'
import { violations } from './axe.ts'

const FIRST_REPLY = { en: 'Thanks, we are on it', ru: 'Спасибо, уже смотрим' }

/** axe in both themes (the page follows the system theme: data-theme auto). */
async function violationsLightAndDark(widget: Widget): Promise<string[]> {
  const frame = widget.page.frames().find((f) => f.url().includes('/widget/'))
  if (!frame) throw new Error('no widget frame')
  const problems: string[] = []
  for (const theme of ['light', 'dark'] as const) {
    await widget.page.emulateMedia({ colorScheme: theme })
    await widget.frame.locator(theme === 'dark' ? '.pw.dark' : '.pw:not(.dark)').waitFor()
    for (const v of await violations(frame)) problems.push(`${theme}: ${v}`)
  }
  return problems
}

/** GET .../queue requests the page made (the widget frame's included). */
function queueReads(page: Page): string[] {
  const seen: string[] = []
  page.on('request', (r) => {
    if (/\/api\/conversations\/[^/]+\/queue$/.test(r.url())) seen.push(r.url())
  })
  return seen
}

/**
 * A server where new conversations wait: one operator (named `name` for visitors) at capacity
 * with one open conversation, a second visitor waiting before the widget's, and the branch's
 * automatic first reply on.
 */
async function busyInbox(s: TestServer, name: string) {
  const inboxId = await s.defaultInboxId()
  const token = await s.adminToken()
  const capped = await s.http(`/api/admin/inboxes/${inboxId}`, {
    method: 'PATCH',
    token,
    body: { settings: { maxOpenPerOperator: 1 } },
  })
  expect(capped.status).toBe(200)
  const replies = await s.http(`/api/admin/branches/${inboxId}`, {
    method: 'PATCH',
    token,
    body: { settings: { firstReply: { on: true, text: FIRST_REPLY } } },
  })
  expect(replies.status).toBe(200)
  const operator = await connectOperator(s)
  const named = await s.http('/api/me/profile', {
    method: 'PATCH',
    token: operator.token,
    body: { displayName: name },
  })
  expect(named.status).toBe(200)
  const taken = await httpStart(s, undefined, 'I was here first')
  await until(
    async () =>
      (await s.http(`/api/conversations/${taken.id}`, { token })).body.conversation.assigneeId ===
      operator.id,
    'the first conversation to go to the operator',
  )
  const waiting = await httpStart(s, undefined, 'I am waiting too')
  const resolve = (conversationId: string) =>
    operator.client.ok({ type: 'set_status', conversationId, status: 'resolved' })
  /** The conversation the widget started: the feed's next one after these two. */
  const widgetConversation = async () => {
    const feed = await operator.client.next(
      (f) =>
        f.type === 'feed' &&
        f.name === 'conversation' &&
        f.data.change === 'created' &&
        ![taken.id, waiting.id].includes(f.data.conversation.id),
      10_000,
    )
    return feed.data.conversation.id as string
  }
  return { operator, taken, waiting, resolve, widgetConversation }
}

describe.skipIf(skipBrowserTests)('widget routing', () => {
  let browser: TestBrowser
  const servers: TestServer[] = []
  const server = async () => {
    const s = await startTestServer()
    servers.push(s)
    return s
  }
  beforeAll(async () => {
    ensureClientBuilt()
    browser = await launchBrowser()
  }, 120_000)
  afterAll(async () => {
    await browser?.close()
    for (const s of servers) await s.stop()
  })

  test('routing - a waiting visitor follows their place live, then the operator joins by name; the automatic reply is marked', async () => {
    const s = await server()
    const inbox = await busyInbox(s, 'Anna')
    const page = await browser.context.newPage()
    const reads = queueReads(page)
    await page.emulateMedia({ colorScheme: 'light' })
    await page.goto(`${s.url}/?theme=auto`)
    const widget = new Widget(page)
    await widget.openChat()
    await widget.send('Where is my parcel?')
    const conversationId = await inbox.widgetConversation()

    const place = widget.frame.locator('.queue')
    await place.waitFor()
    expect(await place.innerText()).toBe('You are #2 in line')
    // Whatever the team's last known state, a visitor in the queue is told the team is busy.
    await until(
      async () => (await widget.frame.locator('.status').getAttribute('data-state')) === 'busy',
      'the busy status',
    )
    const region = widget.frame.locator('[data-testid="queue"]')
    expect(await region.getAttribute('role')).toBe('status')
    expect(reads.length).toBeGreaterThan(0)
    const readsBefore = reads.length

    // The automatic reply: its own bubble, labelled, and not the operator's.
    const auto = widget.message(FIRST_REPLY.en)
    await auto.waitFor()
    expect(await auto.getAttribute('class')).toContain('auto')
    expect(await auto.locator('.author').textContent()).toBe('Automatic reply')
    // No title set: the inbox's name (customization).
    expect(await widget.frame.locator('.title').innerText()).toBe('Default inbox')

    // Each new place is told once in the live region: #1, then nothing once assigned.
    await region.evaluate((el) => {
      const w = window as unknown as { told: string[] }
      w.told = []
      new MutationObserver(() => w.told.push(el.textContent ?? '')).observe(el, {
        subtree: true,
        childList: true,
        characterData: true,
      })
    })
    const told = () => region.evaluate(() => (window as unknown as { told: string[] }).told.slice())

    await inbox.resolve(inbox.taken.id)
    await until(async () => (await place.innerText()) === 'You are #1 in line', 'place #1')
    expect(reads.length).toBe(readsBefore) // followed from the events, not asked again

    await inbox.resolve(inbox.waiting.id)
    const joined = widget.frame.locator('.list .joined')
    await joined.waitFor()
    // Named once the name arrives (the generic "An operator" until then).
    await until(
      async () => (await joined.innerText()) === 'Anna joined the conversation',
      'the named join line',
    )
    await place.waitFor({ state: 'detached' })
    expect(await told()).toEqual(['You are #1 in line', ''])
    await until(
      async () => (await widget.frame.locator('.title').innerText()) === 'Anna from Support',
      'the title to name the operator',
    )
    // Assigned: the visitor is no longer told the team is busy.
    expect(await widget.frame.locator('.status').innerText()).toBe('Online')

    await inbox.operator.client.ok({ type: 'subscribe', conversationId, afterSeq: 0 })
    await inbox.operator.client.ok({
      type: 'send',
      conversationId,
      clientMsgId: 'reply-1',
      text: 'Your parcel left the warehouse today',
    })
    await inbox.operator.client.ok({
      type: 'send',
      conversationId,
      clientMsgId: 'reply-2',
      text: 'It should arrive on Friday',
    })
    const reply = widget.message('left the warehouse')
    await reply.locator('.author').waitFor()
    expect(await reply.locator('.author').innerText()).toBe('Anna')
    // The name heads the run; the next message of the run says it to screen readers only.
    const next = widget.message('arrive on Friday')
    await next.waitFor()
    expect(await next.locator('.author').count()).toBe(0)
    expect(await next.locator('.sr-only').first().textContent()).toBe('Anna')

    // In order: the visitor's message, the automatic reply, who joined, then the replies.
    const items = await widget.frame.locator('.list > li').allInnerTexts()
    const at = (text: string) => items.findIndex((t) => t.includes(text))
    expect(at('Where is my parcel?')).toBeLessThan(at(FIRST_REPLY.en))
    expect(at(FIRST_REPLY.en)).toBeLessThan(at('Anna joined'))
    expect(at('Anna joined')).toBeLessThan(at('left the warehouse'))
    expect(items.filter((t) => t.includes('joined'))).toHaveLength(1)

    expect(await violationsLightAndDark(widget)).toEqual([])
    inbox.operator.client.close()
    await page.close()
  }, 60_000)

  test('routing - in Russian, dark, 375 px, on a site: the place, "Анна" joined, kept through a reload; keyboard and axe', async () => {
    const s = await server()
    const inbox = await busyInbox(s, 'Анна')
    using host = serveHostPage(
      embeddingPage(s, await s.defaultInboxId(), ' data-lang="ru" data-theme="auto"'),
    )
    const page = await browser.context.newPage()
    await page.setViewportSize({ width: 375, height: 740 })
    await page.emulateMedia({ colorScheme: 'dark' })
    await page.goto(`http://127.0.0.1:${host.port}/`)
    const widget = new Widget(page)
    // Keyboard only: Tab to the launcher, open, write, send.
    const focused = (l: typeof widget.launcher) =>
      l.evaluate((el) => el === document.activeElement && document.hasFocus())
    await widget.launcher.waitFor()
    await until(
      async () => (await page.keyboard.press('Tab'), await focused(widget.launcher)),
      'focus on the launcher',
    )
    await page.keyboard.press('Enter')
    await widget.input.waitFor()
    await until(() => focused(widget.input), 'focus in the composer')
    await page.keyboard.type('Где моя посылка?')
    await page.keyboard.press('Enter')
    const conversationId = await inbox.widgetConversation()

    const place = widget.frame.locator('.queue')
    await place.waitFor()
    expect(await place.innerText()).toBe('Вы №2 в очереди')
    const auto = widget.message(FIRST_REPLY.ru)
    await auto.waitFor()
    expect(await auto.locator('.author').textContent()).toBe('Автоответ')
    await widget.frame.locator('.pw.dark.compact').waitFor()
    const fits = await widget.frame
      .locator('.window')
      .evaluate((el) => el.scrollWidth <= el.clientWidth)
    expect(fits).toBe(true)
    expect(await violationsLightAndDark(widget)).toEqual([])

    // Resumed: the place is read again after a reload.
    await page.reload()
    await widget.input.waitFor() // the chat stays open across pages
    await place.waitFor()
    expect(await place.innerText()).toBe('Вы №2 в очереди')

    await inbox.resolve(inbox.taken.id)
    await until(async () => (await place.innerText()) === 'Вы №1 в очереди', 'place №1')
    await inbox.resolve(inbox.waiting.id)
    const joined = widget.frame.locator('.list .joined')
    await joined.waitFor()
    await until(
      async () => (await joined.innerText()) === 'К разговору подключился оператор Анна',
      'the named join line',
    )
    await place.waitFor({ state: 'detached' })
    await until(
      async () => (await widget.frame.locator('.title').innerText()) === 'Анна, поддержка',
      'the title to name the operator',
    )
    await inbox.operator.client.ok({
      type: 'send',
      conversationId,
      clientMsgId: 'reply-ru',
      text: 'Посылка уже в пути',
    })
    const reply = widget.message('Посылка уже в пути')
    await reply.locator('.author').waitFor()
    expect(await reply.locator('.author').innerText()).toBe('Анна')

    // After a reload the thread reads the same: who joined, between the same messages.
    await page.reload()
    await widget.input.waitFor() // the chat stays open across pages
    await reply.locator('.author').waitFor()
    const items = await widget.frame.locator('.list > li').allInnerTexts()
    const at = (text: string) => items.findIndex((t) => t.includes(text))
    expect(items.filter((t) => t.includes('подключился'))).toHaveLength(1)
    expect(at(FIRST_REPLY.ru)).toBeLessThan(at('подключился'))
    expect(at('подключился')).toBeLessThan(at('Посылка уже в пути'))
    expect(await place.count()).toBe(0)
    expect(await violationsLightAndDark(widget)).toEqual([])
    inbox.operator.client.close()
    await page.close()
  }, 60_000)
})
