/**
 * The pending status in the panel (issue 20, M4): Anna, an operator of the inbox, marks an open
 * conversation pending with the keyboard alone ("Mark pending" beside "Resolve"; the focus then
 * lands on "Reopen"); it leaves the list filtered to "Open" and shows under "Pending" with its
 * badge, Snooze is gone, and the thread says who did it. The visitor writing (over their
 * WebSocket) opens it again, live: back under "Open", and the thread says they replied. "Reopen"
 * and the bulk bar's "Mark pending" work too; the thread's lines of a rule and of the system read
 * sensibly. axe-core finds nothing serious on the pending view, light and dark, English and
 * Russian. What the panel did is checked through the API. Writes docs/panel-pending.png (the
 * thread of a pending conversation, the list filtered to "Pending"; desktop, light).
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { ROOT } from '../../client/build-stamp.ts'
import { httpSend, httpStart } from '../helpers/http.ts'
import { TestClient } from '../helpers/ws.ts'
import { violations } from './axe.ts'
import { skipBrowserTests, until, useServerAndBrowser } from './harness.ts'
import { operatorPanel } from './panel-page.ts'

const PASSWORD = 'operator-password-1'

/** Visitors' names and first words; `reply`: Anna takes it, answers and marks it pending first. */
const CONVERSATIONS = {
  order: { name: 'Olivia Martin', text: 'My order #1042 has not arrived yet' },
  invoice: {
    name: 'Lucas Becker',
    text: 'Can I get an invoice for my company?',
    reply: 'Sure! Which company name and VAT number should it show?',
  },
  photos: {
    name: 'Noah Kim',
    text: 'The lamp I got is broken, the glass is cracked',
    reply: 'Sorry about that! Could you send a photo of the box and the lamp? Then we replace it.',
  },
  crash: { name: 'Emma Dubois', text: 'The app crashes when I upload a photo' },
  bank: {
    name: 'James Wilson',
    text: 'My payment was declined twice',
    reply: 'Nothing was charged. Could you ask your bank whether they blocked it?',
  },
} as const
type Key = keyof typeof CONVERSATIONS

describe.skipIf(skipBrowserTests)('panel pending', () => {
  const env = useServerAndBrowser()
  let adminToken = ''
  const anna = { email: `anna-${Date.now()}@example.com`, token: '', id: '' }
  const conv = {} as Record<Key, { id: string; token: string }>
  const visitors: TestClient[] = []

  const api = async (path: string, init: { method?: string; body?: unknown } = {}) => {
    const res = await env.server.http(path, { token: adminToken, ...init })
    if (res.status >= 300) throw new Error(`${path}: ${res.status} ${JSON.stringify(res.body)}`)
    return res.body
  }
  const statusOf = async (id: string): Promise<string> =>
    (await api(`/api/conversations/${id}`)).conversation.status
  /** Anna sets a status through the API (as the panel's bulk bar does). */
  const setStatus = async (id: string, status: string) => {
    const res = await env.server.http(`/api/conversations/${id}/status`, {
      token: anna.token,
      body: { status },
    })
    if (res.status >= 300) throw new Error(`status ${status}: ${JSON.stringify(res.body)}`)
  }

  /** Anna's panel, in a language, optionally at a size. */
  const annaPanel = (opts: { viewport?: { width: number; height: number }; ru?: boolean } = {}) =>
    operatorPanel(env.browser.context, env.server.port, { ...anna, password: PASSWORD }, opts)

  const row = (page: Page, id: string) =>
    page.locator(`.conversation-row[data-conversation-id="${id}"]`)
  const pane = (page: Page) => page.locator('.pane.conversation')
  const lines = (page: Page) => pane(page).locator('.activity-line')
  const focused = (page: Page) => page.evaluate(() => document.activeElement?.textContent ?? '')
  /** The list's status filter, by its value ('' any, 'open', 'pending', …). */
  const filter = (page: Page, status: string) =>
    page.locator('.list-filters select').first().selectOption(status)

  /** Opens a conversation from the list; its actions show once it loaded. */
  async function open(page: Page, id: string) {
    await row(page, id).click()
    await page.locator(`.pane.conversation[data-conversation-id="${id}"] .conv-actions`).waitFor()
  }

  /** Waits until the row is (or is not) in the list. */
  const listed = (page: Page, id: string, shown: boolean) =>
    until(
      async () => (await row(page, id).count()) > 0 === shown,
      `row ${id} ${shown ? 'listed' : 'gone'}`,
    )

  beforeAll(async () => {
    const s = env.server
    adminToken = await s.adminToken()
    const inboxId = await s.defaultInboxId()
    // Away: routing gives the signed-in admin none of the waiting conversations.
    await api('/api/me/status', { method: 'PUT', body: { status: 'away' } })
    await api('/api/admin/operators', {
      body: {
        email: anna.email,
        name: 'Anna Lee',
        password: PASSWORD,
        role: 'operator',
        canChat: true,
        inboxIds: [inboxId],
      },
    })
    const login = await s.http('/api/auth/login', {
      body: { email: anna.email, password: PASSWORD },
    })
    anna.token = login.body.token
    anna.id = login.body.operator.id
    for (const [key, c] of Object.entries(CONVERSATIONS) as Array<
      [Key, (typeof CONVERSATIONS)[Key]]
    >) {
      const visitor = await s.visitorToken()
      await s.http('/api/visitor/profile', {
        method: 'PATCH',
        token: visitor.token,
        body: { name: c.name },
      })
      conv[key] = await httpStart(s, visitor.token, c.text)
      if (!('reply' in c)) continue
      const at = `/api/conversations/${conv[key].id}`
      const res = await s.http(`${at}/assign`, { token: anna.token, body: { operatorId: anna.id } })
      if (res.status >= 300) throw new Error(`assign: ${JSON.stringify(res.body)}`)
      await httpSend(s, anna.token, conv[key].id, `a-${key}`, c.reply)
      await setStatus(conv[key].id, 'pending')
    }
  }, 60_000)

  afterAll(() => {
    for (const v of visitors) v.ws.close()
  })

  test('pending - marked from the keyboard: it leaves "Open", shows under "Pending" with its badge and line; the visitor writing opens it again live', async () => {
    const page = await annaPanel()
    const { id, token } = conv.order
    await filter(page, 'open')
    await listed(page, id, true)
    // Only open ones under "Open": the pending ones made in setup are not there.
    await listed(page, conv.invoice.id, false)
    await open(page, id)
    const header = pane(page).locator('.conv-title')
    expect(await header.locator('.pill[data-status]').innerText()).toBe('open')
    expect(await pane(page).locator('.snooze').count()).toBe(1)

    // From "Resolve", Tab reaches "Mark pending" (it says what it means), Enter presses it.
    await pane(page).getByRole('button', { name: 'Resolve' }).focus()
    await page.keyboard.press('Tab')
    expect(await focused(page)).toBe('Mark pending')
    expect(
      await pane(page).getByRole('button', { name: 'Mark pending' }).getAttribute('title'),
    ).toBe('Waiting on the visitor: their next message opens it again')
    await page.keyboard.press('Enter')
    await until(async () => (await statusOf(id)) === 'pending', 'pending through the API')

    // The header says so; "Mark pending" and Snooze are gone, and the focus is on "Reopen".
    await header.locator('.pill[data-status="pending"]').waitFor()
    expect(await header.locator('.pill[data-status]').innerText()).toBe('pending')
    await until(async () => (await focused(page)) === 'Reopen', '"Reopen" focused')
    expect(await pane(page).getByRole('button', { name: 'Mark pending' }).count()).toBe(0)
    expect(await pane(page).locator('.snooze').count()).toBe(0)
    await pane(page).getByRole('button', { name: 'Resolve' }).waitFor()
    await lines(page).filter({ hasText: 'Anna Lee marked it pending' }).waitFor()

    // Out of "Open"; under "Pending", with its badge, beside the other pending ones.
    await listed(page, id, false)
    await filter(page, 'pending')
    await listed(page, id, true)
    expect(await row(page, id).locator('.pill[data-status]').innerText()).toBe('pending')
    await until(async () => (await page.locator('.conversation-row').count()) === 4, '4 pending')

    // The visitor writes back over their WebSocket: it is open again, live.
    const visitor = await TestClient.connect(env.server.wsUrl, { token })
    visitors.push(visitor)
    await visitor.ok({
      type: 'send',
      conversationId: id,
      clientMsgId: 'v-back',
      text: 'It came today, thank you!',
    })
    await pane(page).getByText('It came today, thank you!').waitFor()
    await lines(page).filter({ hasText: 'The visitor replied: open again' }).waitFor()
    await header.locator('.pill[data-status="open"]').waitFor()
    await pane(page).getByRole('button', { name: 'Mark pending' }).waitFor()
    expect(await statusOf(id)).toBe('open')
    await listed(page, id, false)
    await filter(page, 'open')
    await listed(page, id, true)
    expect(await row(page, id).locator('.pill[data-status]').innerText()).toBe('open')
    await page.close()
  }, 60_000)

  test('pending - "Reopen" from the keyboard puts it back under "Open"; the bulk bar marks ticked rows pending', async () => {
    const page = await annaPanel()
    const { id } = conv.bank
    await filter(page, 'pending')
    await listed(page, id, true)
    await open(page, id)
    await pane(page).getByRole('button', { name: 'Reopen' }).focus()
    await page.keyboard.press('Enter')
    await until(async () => (await statusOf(id)) === 'open', 'open through the API')
    await lines(page).filter({ hasText: 'Reopened by Anna Lee' }).waitFor()
    // The first status button takes the focus: "Resolve" (open now).
    await until(async () => (await focused(page)) === 'Resolve', '"Resolve" focused')
    await listed(page, id, false)

    // Under "Open": ticked with the crash report, both marked pending from the bulk bar.
    await filter(page, 'open')
    await listed(page, id, true)
    await listed(page, conv.crash.id, true)
    for (const key of ['bank', 'crash'] as const) {
      const name = `Select ${CONVERSATIONS[key].name}`
      await page.getByRole('checkbox', { name }).check()
    }
    const bulk = page.getByRole('group', { name: 'Bulk actions' })
    await bulk.getByRole('button', { name: 'Mark pending' }).focus()
    await page.keyboard.press('Enter')
    for (const key of ['bank', 'crash'] as const) {
      await until(async () => (await statusOf(conv[key].id)) === 'pending', `${key} pending`)
      await listed(page, conv[key].id, false)
    }
    expect(await bulk.locator('.bulk-report').innerText()).toBe('')
    // The crash report back to open, for the next test's list.
    await setStatus(conv.crash.id, 'open')
    await page.close()
  }, 60_000)

  test('pending - axe finds nothing serious on the pending view, light and dark, English and Russian; docs/panel-pending.png', async () => {
    const { id } = conv.photos
    const problems: string[] = []
    for (const ru of [false, true]) {
      const page = await annaPanel({ viewport: { width: 1280, height: 860 }, ru })
      await filter(page, 'pending')
      await listed(page, id, true)
      await until(async () => (await page.locator('.conversation-row').count()) === 3, '3 rows')
      await open(page, id)
      const header = pane(page).locator('.conv-title')
      await header.locator('.pill[data-status="pending"]').waitFor()
      await lines(page).first().waitFor()
      if (ru) {
        expect(await header.locator('.pill[data-status]').innerText()).toBe('ожидает ответа')
        expect(await lines(page).last().innerText()).toContain('Ожидает ответа посетителя')
        expect(await page.locator('.list-filters select').first().innerText()).toContain(
          'Ожидает ответа',
        )
        await pane(page).getByRole('button', { name: 'Открыть снова' }).waitFor()
      }
      for (const theme of ['light', 'dark'] as const) {
        await page.emulateMedia({ colorScheme: theme })
        for (const v of await violations(page)) problems.push(`${ru ? 'ru' : 'en'} ${theme}: ${v}`)
      }
      if (!ru) {
        await page.emulateMedia({ colorScheme: 'light' })
        await page.mouse.move(0, 0)
        await page.evaluate(() => document.fonts.ready)
        await page.screenshot({ path: join(ROOT, 'docs', 'panel-pending.png') })
      }
      await page.close()
    }
    expect(problems).toEqual([])
  }, 90_000)
})
