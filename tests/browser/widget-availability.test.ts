/**
 * The widget shows whether anyone can answer (R5) and takes a request when nobody can (R6):
 * online with an operator present (and the branch's greeting, never sent), busy when the only
 * operator is at capacity, offline with the request form (checked in the browser first, then
 * stored as an offline conversation the thread takes over), and outside the branch's hours.
 * Each test has its own server (presence and settings stay its own); one browser for the file.
 *
 * The server keeps an inbox's availability for 2 s per node: after a change the test reopens
 * the chat (which asks again) until the widget shows the new state, within a bound.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import type { Frame, Page } from 'playwright-core'
import { httpStart } from '../helpers/http.ts'
import { startTestServer, type TestServer } from '../helpers/server.ts'
import {
  connectOperator,
  ensureClientBuilt,
  launchBrowser,
  skipBrowserTests,
  until,
  Widget,
  type TestBrowser,
} from './harness.ts'
import { violations } from './axe.ts'

const GREEN = 'rgb(74, 222, 128)'
const AMBER = 'rgb(251, 191, 36)'
const GREY = 'rgb(156, 163, 175)'

function widgetFrame(page: Page): Frame {
  const frame = page.frames().find((f) => f.url().includes('/widget/'))
  if (!frame) throw new Error('no widget frame')
  return frame
}

class Availability {
  constructor(readonly widget: Widget) {}

  get status() {
    return this.widget.frame.locator('.status')
  }

  get form() {
    return this.widget.frame.locator('form.leave')
  }

  async dot(): Promise<string> {
    return this.status.locator('.dot').evaluate((el) => getComputedStyle(el).backgroundColor)
  }

  /** Closes and opens the chat, which asks the server again; waits for the answer. */
  async reask(): Promise<void> {
    const { widget } = this
    const asked = widget.page.waitForResponse((r) => r.url().includes('/visitor/availability'))
    await widget.launcher.click()
    await widget.launcher.click()
    await asked
  }

  /** Asks again until the status shows `state` (the server's snapshot is up to 2 s old). */
  async shows(state: 'online' | 'busy' | 'offline'): Promise<void> {
    const now = async () => (await this.status.getAttribute('data-state')) === state
    await until(
      async () => (await now()) || (await this.reask(), await now()),
      `the widget to show ${state}`,
      15_000,
    )
  }
}

/** Requests the page made to leave an offline request. */
function offlineRequests(page: Page): string[] {
  const seen: string[] = []
  page.on('request', (r) => {
    if (r.url().includes('/visitor/offline-requests') && r.method() === 'POST') seen.push(r.url())
  })
  return seen
}

describe.skipIf(skipBrowserTests)('widget availability', () => {
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

  test('availability - an operator present: online with a green dot, the greeting first, never sent', async () => {
    const s = await server()
    const inboxId = await s.defaultInboxId()
    const greeting = 'Hi! Ask us anything about your order.'
    const patched = await s.http(`/api/admin/branches/${inboxId}`, {
      method: 'PATCH',
      token: await s.adminToken(),
      body: { settings: { greeting: { on: true, text: { en: greeting, ru: 'Здравствуйте!' } } } },
    })
    expect(patched.status).toBe(200)
    const operator = await connectOperator(s)
    const widget = await Widget.open(browser.context, `${s.url}/`)
    const a = new Availability(widget)
    await widget.openChat()
    await a.shows('online')
    expect(await a.status.innerText()).toBe('Online')
    expect(await a.dot()).toBe(GREEN)
    expect(await a.form.count()).toBe(0)
    expect(await a.status.getAttribute('aria-live')).toBe('polite')
    const first = widget.frame.locator('.list .row').first()
    expect(await first.getAttribute('class')).toContain('greeting')
    expect(await first.innerText()).toBe(greeting)
    expect(await widget.frame.getByText('few minutes').count()).toBe(0)

    await widget.send('Do you roast on Mondays?')
    const conversationId = await operator.conversation()
    await operator.message(conversationId, 'Do you roast on Mondays?')
    await widget.waitStatus('Do you roast on Mondays?', 'sent')
    const history = await s.http(`/api/conversations/${conversationId}/messages`, {
      token: operator.token,
    })
    const texts = (history.body.messages as { text: string }[]).map((m) => m.text)
    expect(texts).toEqual(['Do you roast on Mondays?'])
    // The greeting belongs before the first message only.
    await widget.frame.locator('.greeting').waitFor({ state: 'detached' })
    operator.client.close()
    await widget.page.close()
  }, 60_000)

  test('availability - the only operator at capacity: busy with an amber dot, the composer stays', async () => {
    const s = await server()
    const inboxId = await s.defaultInboxId()
    const token = await s.adminToken()
    const patched = await s.http(`/api/admin/inboxes/${inboxId}`, {
      method: 'PATCH',
      token,
      body: { settings: { maxOpenPerOperator: 1 } },
    })
    expect(patched.status).toBe(200)
    const operator = await connectOperator(s)
    const taken = await httpStart(s, undefined, 'I was here first')
    await until(
      async () =>
        (await s.http(`/api/conversations/${taken.id}`, { token })).body.conversation.assigneeId ===
        operator.id,
      'the first conversation to go to the operator',
    )

    const widget = await Widget.open(browser.context, `${s.url}/`)
    const a = new Availability(widget)
    await widget.openChat()
    await a.shows('busy')
    expect(await a.status.innerText()).toBe('All operators are busy, you are in the queue')
    expect(await a.dot()).toBe(AMBER)
    expect(await a.form.count()).toBe(0)
    expect(await widget.input.isVisible()).toBe(true)
    operator.client.close()
    await widget.page.close()
  }, 60_000)

  test('availability - nobody present: the request form checks the e-mail, then starts an offline conversation shown in the thread', async () => {
    const s = await server()
    const page = await browser.context.newPage()
    const sent = offlineRequests(page)
    await page.emulateMedia({ colorScheme: 'light' })
    await page.goto(`${s.url}/?theme=auto`)
    const widget = new Widget(page)
    const a = new Availability(widget)
    await widget.launcher.click()
    await a.form.waitFor()
    await a.shows('offline')
    expect(await a.status.innerText()).toBe("We're offline right now")
    expect(await a.dot()).toBe(GREY)
    expect(await widget.frame.locator('.composer').count()).toBe(0)

    // Keyboard only: the name has focus, Tab moves on, Enter in the message sends.
    const name = widget.frame.locator('#pw-name')
    const email = widget.frame.locator('#pw-email')
    await until(() => name.evaluate((el) => el === document.activeElement), 'focus on the name')
    await page.keyboard.type('Anna Petrova')
    await page.keyboard.press('Tab')
    await page.keyboard.type('anna@example')
    await page.keyboard.press('Tab')
    await page.keyboard.type('My order #1042 has not arrived. Could you check where it is?')
    await page.keyboard.press('Enter')
    const problem = widget.frame.locator('#pw-email-error')
    await problem.waitFor()
    expect(await problem.innerText()).toBe('Enter an e-mail address like name@example.com')
    expect(await email.getAttribute('aria-invalid')).toBe('true')
    expect(await email.getAttribute('aria-describedby')).toBe('pw-email-error')
    expect(await email.evaluate((el) => el === document.activeElement)).toBe(true)
    expect(await name.getAttribute('aria-invalid')).toBe('false')
    expect(sent).toEqual([])

    const problems: string[] = []
    for (const theme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: theme })
      await widget.frame.locator(theme === 'dark' ? '.pw.dark' : '.pw:not(.dark)').waitFor()
      for (const v of await violations(widgetFrame(page))) problems.push(`${theme}: ${v}`)
    }
    expect(problems).toEqual([])
    await page.emulateMedia({ colorScheme: 'light' })
    await widget.frame.locator('.pw:not(.dark)').waitFor()

    // Fixed, the error goes while typing; Enter in the e-mail field sends.
    await page.keyboard.type('.com')
    await problem.waitFor({ state: 'detached' })
    expect(await email.getAttribute('aria-invalid')).toBe('false')
    await page.keyboard.press('Enter')

    await widget.frame.getByText("Thanks! We'll answer at anna@example.com").waitFor()
    await widget.message('My order #1042').waitFor()
    await widget.frame.locator('.composer textarea').waitFor()
    expect(await a.form.count()).toBe(0)
    expect(sent).toHaveLength(1)

    // The team sees an offline conversation with the visitor's text.
    const operator = await s.operator({ inboxIds: [await s.defaultInboxId()] })
    const list = await s.http('/api/inbox?limit=30', { token: operator.token })
    expect(list.body.items).toHaveLength(1)
    const conversation = list.body.items[0]
    expect(conversation.offline).toBe(true)
    const history = await s.http(`/api/conversations/${conversation.id}/messages`, {
      token: operator.token,
    })
    const mine = (history.body.messages as { author: { kind: string }; text: string }[]).filter(
      (m) => m.author.kind === 'visitor',
    )
    expect(mine.map((m) => m.text)).toEqual([
      'My order #1042 has not arrived. Could you check where it is?',
    ])
    // Shown once: the stored message took the place of the one shown at once.
    await widget.waitStatus('My order #1042', 'sent')
    expect(await widget.message('My order #1042').count()).toBe(1)

    // From now on the normal conversation: the visitor writes on, offline or not.
    await widget.send('Order placed on the 3rd')
    await widget.waitStatus('Order placed on the 3rd', 'sent')
    await page.close()
  }, 60_000)

  test('availability - in Russian, dark, 375 px: the form and its errors, no serious a11y violation', async () => {
    const s = await server()
    const page = await browser.context.newPage()
    await page.setViewportSize({ width: 375, height: 740 })
    await page.emulateMedia({ colorScheme: 'dark' })
    await page.goto(`${s.url}/?theme=auto&lang=ru`)
    const widget = new Widget(page)
    const a = new Availability(widget)
    await widget.launcher.click()
    await a.form.waitFor()
    await widget.frame.locator('.pw.dark.compact').waitFor()
    expect(await a.status.innerText()).toBe('Сейчас мы не в сети')
    expect(await widget.frame.locator('.leave h2').innerText()).toBe('Оставьте нам сообщение')
    await widget.frame.locator('#pw-name').fill('Анна')
    await widget.frame.locator('#pw-email').fill('anna@')
    await widget.frame.locator('.leave button[type=submit]').click()
    await widget.frame.locator('#pw-email-error').waitFor()
    expect(await widget.frame.locator('#pw-text-error').innerText()).toBe('Заполните это поле')
    const fits = await widget.frame
      .locator('.leave')
      .evaluate((el) => el.scrollWidth <= el.clientWidth)
    expect(fits).toBe(true)
    expect(await violations(widgetFrame(page))).toEqual([])
    await page.close()
  }, 60_000)

  test('availability - outside the hours: offline even with an operator present; "Back" when an opening is ahead', async () => {
    const s = await server()
    const inboxId = await s.defaultInboxId()
    const token = await s.adminToken()
    const operator = await connectOperator(s)
    const widget = await Widget.open(browser.context, `${s.url}/`)
    const a = new Availability(widget)
    await widget.openChat()
    await a.shows('online')

    const never = { timeZone: 'Europe/Moscow', week: {}, exceptions: [] }
    const closed = await s.http(`/api/admin/branches/${inboxId}`, {
      method: 'PATCH',
      token,
      body: { schedule: never },
    })
    expect(closed.status).toBe(200)
    await a.shows('offline')
    expect(await a.status.innerText()).toBe("We're offline right now")
    await a.form.waitFor()

    // Open one hour, three days from now (in Moscow): the visitor sees when, in their own zone.
    const day = new Intl.DateTimeFormat('en', { weekday: 'short', timeZone: 'Europe/Moscow' })
      .format(Date.now() + 3 * 86_400_000)
      .toLowerCase()
    const week = { [day]: [{ from: '10:00', to: '11:00' }] }
    const later = await s.http(`/api/admin/branches/${inboxId}`, {
      method: 'PATCH',
      token,
      body: { schedule: { ...never, week } },
    })
    expect(later.status).toBe(200)
    let opening = 0
    await until(async () => {
      const answer = await s.http(`/api/visitor/availability?inboxId=${inboxId}`)
      opening = answer.body.nextOpeningAt ?? 0
      return opening > Date.now()
    }, 'the next opening')
    const when = new Intl.DateTimeFormat('en', {
      weekday: 'short',
      hour: '2-digit',
      minute: '2-digit',
    }).format(opening)
    const spaces = (text: string) => text.replace(/\s+/gu, ' ')
    await until(
      async () => {
        await a.reask()
        return (
          spaces(await a.status.innerText()) === spaces(`We're offline right now · Back ${when}`)
        )
      },
      'the Back line',
      15_000,
    )
    operator.client.close()
    await widget.page.close()
  }, 60_000)
})
