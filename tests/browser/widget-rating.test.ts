/**
 * Ratings in the widget (C10, docs/protocol.md 4.16): once an operator resolves or closes the
 * visitor's conversation, the thread says so (writing again reopens it) and, with the inbox's
 * scale on, asks for a rating: stars chosen with the keyboard alone (a radio group: arrow keys),
 * an optional comment, Send; the `rate` frame stores a `conversation.rated` event. The thanks
 * stays after a reload without asking again, and the rating can be changed. "No thanks" stores
 * a declined rating (null); thumbs and 0-10 work the same way. No serious axe-core violation,
 * light and dark, desktop and 375 px, English and Russian.
 *
 * Each visitor is a host page of its own (another port, so its own storage): the widget keeps
 * its visitor across reloads there, as on a real site.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import type { Frame as PageFrame } from 'playwright-core'
import { startTestServer, type TestServer } from '../helpers/server.ts'
import { TestClient, type Frame } from '../helpers/ws.ts'
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
import { violations, widgetDocument } from './axe.ts'

type Operator = Awaited<ReturnType<typeof connectOperator>>

/** axe in both themes (the host page follows the system theme). */
async function violationsLightAndDark(widget: Widget, what: string): Promise<string[]> {
  const problems: string[] = []
  for (const theme of ['light', 'dark'] as const) {
    await widget.page.emulateMedia({ colorScheme: theme })
    await widget.frame.locator(theme === 'dark' ? '.pw.dark' : '.pw:not(.dark)').waitFor()
    for (const v of await violations(widgetDocument(widget.page)))
      problems.push(`${what} ${theme}: ${v}`)
  }
  return problems
}

/** Every stored event of a conversation, read on a fresh operator connection from seq 1. */
async function log(s: TestServer, token: string, id: string): Promise<Frame[]> {
  const c = await TestClient.connect(s.wsUrl, { token })
  await c.ok({ type: 'subscribe', conversationId: id, afterSeq: 0 })
  c.close()
  return c.events(id)
}

const rated = (events: Frame[]) => events.filter((e) => e.name === 'conversation.rated')

describe.skipIf(skipBrowserTests)('widget rating (C10)', () => {
  let browser: TestBrowser
  let s: TestServer
  let inboxId: string
  let operator: Operator
  /** Conversations the operator has already seen, so the next one is told apart. */
  const seen = new Set<string>()

  beforeAll(async () => {
    ensureClientBuilt()
    s = await startTestServer()
    browser = await launchBrowser()
    inboxId = await s.defaultInboxId()
    operator = await connectOperator(s)
  }, 120_000)
  afterAll(async () => {
    operator?.client.close()
    await browser?.close()
    await s?.stop()
  })

  async function scale(rating: string) {
    const res = await s.http(`/api/admin/inboxes/${inboxId}`, {
      method: 'PATCH',
      token: await s.adminToken(),
      body: { settings: { rating } },
    })
    expect(res.status).toBe(200)
    // The widget reads it from the availability answer (each node's snapshot is up to 2 s old).
    await until(
      async () =>
        (await s.http(`/api/visitor/availability?inboxId=${inboxId}`)).body.rating === rating,
      `availability to say rating ${rating}`,
    )
  }

  /** A visitor on a site of their own writes; the operator answers and resolves (or closes). */
  async function resolvedChat(
    host: { port?: number },
    text: string,
    opts: { status?: 'resolved' | 'closed'; phone?: boolean } = {},
  ) {
    const page = await browser.context.newPage()
    if (opts.phone) await page.setViewportSize({ width: 375, height: 740 })
    await page.goto(`http://127.0.0.1:${host.port}/`)
    const widget = new Widget(page)
    await widget.openChat()
    await widget.send(text)
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
    await operator.message(id, text)
    await operator.client.ok({
      type: 'send',
      conversationId: id,
      clientMsgId: `answer-${id}`,
      text: 'Glad to help! Anything else?',
    })
    await widget.message('Glad to help').waitFor()
    await operator.client.ok({
      type: 'set_status',
      conversationId: id,
      status: opts.status ?? 'resolved',
    })
    return { widget, id }
  }

  test('rating - stars with the keyboard only: 4 stars and a comment are stored; a reload does not ask again; the rating can be changed', async () => {
    await scale('stars')
    using host = serveHostPage(embeddingPage(s, inboxId))
    const { widget, id } = await resolvedChat(host, 'My parcel is late')
    const f = widget.frame

    await until(
      async () =>
        (await f.locator('[data-testid="resolved"]').innerText()) ===
        'This conversation was resolved. Writing again reopens it.',
      'the resolved line',
    )
    const card = f.locator('form.rate')
    await card.waitFor()
    expect(await card.locator('legend').innerText()).toBe('How would you rate our help?')
    const stars = card.locator('input[type="radio"]')
    expect(await stars.count()).toBe(5)
    expect(await stars.nth(3).getAttribute('aria-label')).toBe('4 of 5')
    const send = card.getByRole('button', { name: 'Send' })
    expect(await send.isDisabled()).toBe(true)

    // Keyboard only: into the group, arrow keys choose, Tab to the comment, Tab to Send, Enter.
    await stars.first().focus()
    for (let i = 0; i < 3; i++) await widget.page.keyboard.press('ArrowRight')
    expect(await stars.nth(3).isChecked()).toBe(true)
    expect(await card.locator('.choice.on').count()).toBe(4)
    await widget.page.keyboard.press('Tab')
    const active = (el: Element) => el === el.ownerDocument.activeElement
    expect(await f.locator('#pw-comment').evaluate(active)).toBe(true)
    await widget.page.keyboard.type('Quick and kind')
    await widget.page.keyboard.press('Tab')
    expect(await send.evaluate(active)).toBe(true)
    await widget.page.keyboard.press('Enter')

    const thanks = f.locator('.rated')
    await thanks.waitFor()
    expect(await thanks.innerText()).toContain('Thanks for your feedback: 4 of 5')
    expect(await thanks.evaluate(active)).toBe(true)
    expect(await card.count()).toBe(0)
    let events = await log(s, operator.token, id)
    const status = events.findLast((e) => e.name === 'conversation.status')
    expect(rated(events)).toHaveLength(1)
    expect(rated(events)[0]?.data).toMatchObject({
      rating: { scale: 'stars', score: 4, comment: 'Quick and kind', resolutionSeq: status?.seq },
      by: { kind: 'visitor' },
    })

    // Reloaded: the resolved conversation is back with its thanks, and nothing is asked.
    await widget.page.reload()
    await widget.message('Glad to help').waitFor()
    await thanks.waitFor()
    expect(await thanks.innerText()).toContain('4 of 5')
    expect(await card.count()).toBe(0)

    // Changed (within 7 days): 5 stars, the same resolution.
    await thanks.getByRole('button', { name: 'Change' }).focus()
    await widget.page.keyboard.press('Enter')
    await card.waitFor()
    expect(await stars.nth(3).evaluate(active)).toBe(true)
    expect(await f.locator('#pw-comment').inputValue()).toBe('Quick and kind')
    await widget.page.keyboard.press('ArrowRight')
    await card.getByRole('button', { name: 'Send' }).click()
    await until(async () => (await thanks.innerText().catch(() => '')).includes('5 of 5'), 'thanks')
    events = await log(s, operator.token, id)
    expect(rated(events).map((e) => e.data.rating.score)).toEqual([4, 5])
    expect(rated(events)[1]?.data.rating.resolutionSeq).toBe(status?.seq)
    await widget.page.close()
  }, 90_000)

  test('rating - "No thanks" stores a declined rating (null) and the card is gone, after a reload too; writing again reopens the conversation', async () => {
    await scale('stars')
    using host = serveHostPage(embeddingPage(s, inboxId))
    const { widget, id } = await resolvedChat(host, 'Where do I find my invoice?')
    const card = widget.frame.locator('form.rate')
    await card.waitFor()
    await card.getByRole('button', { name: 'No thanks' }).click()
    await card.waitFor({ state: 'detached' })
    await until(async () => rated(await log(s, operator.token, id)).length === 1, 'the rating')
    const [declined] = rated(await log(s, operator.token, id))
    expect(declined?.data.rating).toMatchObject({ score: null, comment: null })
    expect(await widget.frame.locator('.rated').count()).toBe(0)

    await widget.page.reload()
    await widget.message('Glad to help').waitFor()
    await widget.frame.locator('[data-testid="resolved"]').waitFor()
    await widget.page.waitForTimeout(500)
    expect(await card.count()).toBe(0)

    // Writing again reopens it: the line and the card are gone.
    await widget.send('One more question')
    await widget.waitStatus('One more question', 'sent')
    await widget.frame.locator('[data-testid="resolved"]').waitFor({ state: 'detached' })
    const reopened = (await log(s, operator.token, id)).findLast(
      (e) => e.name === 'conversation.status',
    )
    expect(reopened?.data.status).toBe('open')
    await widget.page.close()
  }, 90_000)

  test('rating - thumbs: "Helpful" is stored as 1', async () => {
    await scale('thumbs')
    using host = serveHostPage(embeddingPage(s, inboxId))
    const { widget, id } = await resolvedChat(host, 'Can I pay by invoice?')
    const card = widget.frame.locator('form.rate')
    await card.waitFor()
    expect(await card.locator('legend').innerText()).toBe('Did we help you?')
    expect(await card.locator('input[type="radio"]').count()).toBe(2)
    await card.getByLabel('Helpful', { exact: true }).check({ force: true })
    await card.getByRole('button', { name: 'Send' }).click()
    await widget.frame.locator('.rated').waitFor()
    expect(await widget.frame.locator('.rated').innerText()).toContain(
      'Thanks for your feedback: Helpful',
    )
    const [thumbs] = rated(await log(s, operator.token, id))
    expect(thumbs?.data.rating).toMatchObject({ scale: 'thumbs', score: 1 })
    await widget.page.close()
  }, 90_000)

  test('rating - axe: the stars card and its thanks, the 0-10 card after a close; light and dark, desktop and 375 px, English and Russian', async () => {
    await scale('stars')
    using en = serveHostPage(embeddingPage(s, inboxId, ' data-theme="auto"'))
    const desktop = await resolvedChat(en, 'Is the shop open on Sunday?')
    const card = desktop.widget.frame.locator('form.rate')
    await card.waitFor()
    const problems = await violationsLightAndDark(desktop.widget, 'en desktop stars')
    await card.getByLabel('5 of 5').check({ force: true })
    await card.getByRole('button', { name: 'Send' }).click()
    await desktop.widget.frame.locator('.rated').waitFor()
    problems.push(...(await violationsLightAndDark(desktop.widget, 'en desktop thanks')))
    await desktop.widget.page.close()

    await scale('nps')
    using ru = serveHostPage(embeddingPage(s, inboxId, ' data-lang="ru" data-theme="auto"'))
    const phone = await resolvedChat(ru, 'Можно ли вернуть заказ?', {
      status: 'closed',
      phone: true,
    })
    const f = phone.widget.frame
    await f.locator('.pw.compact').waitFor()
    await until(
      async () =>
        (await f.locator('[data-testid="resolved"]').innerText()) ===
        'Обращение закрыто. Если напишете снова, начнётся новое.',
      'the closed line in Russian',
    )
    const nps = f.locator('form.rate')
    await nps.waitFor()
    expect(await nps.locator('input[type="radio"]').count()).toBe(11)
    expect(await nps.locator('legend').innerText()).toContain('порекомендуете')
    // Eleven choices on one line of the phone's width.
    const tops = await nps
      .locator('.choice')
      .evaluateAll((els) => new Set(els.map((el) => el.getBoundingClientRect().top)).size)
    expect(tops).toBe(1)
    await nps.getByLabel('9 из 10').check({ force: true })
    problems.push(...(await violationsLightAndDark(phone.widget, 'ru 375 px nps')))
    await nps.getByRole('button', { name: 'Отправить' }).click()
    await f.locator('.rated').waitFor()
    expect(await f.locator('.rated').innerText()).toContain('Спасибо за отзыв: 9 из 10')
    const [score] = rated(await log(s, operator.token, phone.id))
    expect(score?.data.rating).toMatchObject({ scale: 'nps', score: 9 })
    await phone.widget.page.close()
    expect(problems).toEqual([])
  }, 120_000)
})
