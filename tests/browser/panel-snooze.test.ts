/**
 * Snooze in the panel (issue 20): Anna, an operator of the inbox, snoozes a conversation from
 * the thread's "Snooze" menu with the keyboard alone (a preset, "until the visitor replies", a
 * date and time of her own; one in the past is refused next to its field and nothing is sent);
 * the thread says until when and who did it; the row leaves the default list and shows, with
 * its time, under "Snoozed only"; the visitor writing, the time coming, resolving or "Unsnooze"
 * wakes it, live, and the thread says why. axe-core finds nothing serious, desktop and 375 px, light and
 * dark, English and Russian. What the panel saved is checked through the API.
 */
import { beforeAll, describe, expect, test } from 'bun:test'
import type { Page } from 'playwright-core'
import { httpSend, httpStart } from '../helpers/http.ts'
import { violations } from './axe.ts'
import { skipBrowserTests, until, useServerAndBrowser } from './harness.ts'
import { operatorPanel } from './panel-page.ts'

const PASSWORD = 'operator-password-1'

type Snooze = { until: number | null } | undefined

describe.skipIf(skipBrowserTests)('panel snooze', () => {
  const env = useServerAndBrowser()
  let adminToken = ''
  const anna = { email: `anna-${Date.now()}@example.com`, token: '' }
  /** Conversations (and their visitors' tokens) by the visitor's first words. */
  const conv = {} as Record<
    'parcel' | 'refund' | 'login' | 'invoice',
    { id: string; token: string }
  >

  const api = async (path: string, init: { method?: string; body?: unknown } = {}) => {
    const res = await env.server.http(path, { token: adminToken, ...init })
    if (res.status >= 300) throw new Error(`${path}: ${res.status} ${JSON.stringify(res.body)}`)
    return res.body
  }
  const snoozeOf = async (id: string): Promise<Snooze> =>
    (await api(`/api/conversations/${id}`)).conversation.snooze

  /** Anna's panel, in a language, optionally at a size. */
  const annaPanel = (opts: { viewport?: { width: number; height: number }; ru?: boolean } = {}) =>
    operatorPanel(env.browser.context, env.server.port, { ...anna, password: PASSWORD }, opts)

  const row = (page: Page, id: string) =>
    page.locator(`.conversation-row[data-conversation-id="${id}"]`)
  const pane = (page: Page) => page.locator('.pane.conversation')
  const focused = (page: Page) => page.evaluate(() => document.activeElement?.textContent ?? '')

  /** Opens a conversation from the list; its actions show once it loaded. */
  async function open(page: Page, id: string) {
    await row(page, id).click()
    await page.locator(`.pane.conversation[data-conversation-id="${id}"] .snooze`).waitFor()
  }

  /** "Snooze" focused, then keys pressed one by one. */
  async function snoozeKeys(page: Page, ...keys: string[]) {
    await pane(page).locator('.snooze > button').focus()
    for (const key of keys) await page.keyboard.press(key)
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
    anna.token = (
      await s.http('/api/auth/login', { body: { email: anna.email, password: PASSWORD } })
    ).body.token
    conv.parcel = await httpStart(s, undefined, 'Where is my parcel?')
    conv.refund = await httpStart(s, undefined, 'I want a refund')
    conv.login = await httpStart(s, undefined, 'Cannot log in')
    conv.invoice = await httpStart(s, undefined, 'Send me the invoice')
  }, 60_000)

  test('snooze - a preset from the keyboard: the row leaves the list and shows under "Snoozed only" with its time; Unsnooze brings it back', async () => {
    const page = await annaPanel()
    const id = conv.parcel.id
    await open(page, id)
    const button = pane(page).locator('.snooze > button')
    expect(await button.getAttribute('aria-haspopup')).toBe('menu')

    // Enter opens the menu on its first item; arrows move; each preset says its time.
    await snoozeKeys(page, 'Enter')
    const menu = pane(page).getByRole('menu', { name: 'Snooze' })
    await menu.waitFor()
    expect(await button.getAttribute('aria-expanded')).toBe('true')
    expect(await focused(page)).toStartWith('In 1 hour')
    // Each item's words, without the time beside them.
    const items = await menu
      .getByRole('menuitem')
      .evaluateAll((els) => els.map((el) => el.firstChild?.textContent))
    expect(items).toEqual([
      'In 1 hour',
      'In 4 hours',
      'Tomorrow',
      'Next week',
      'Until the visitor replies',
      'Pick a date and time…',
    ])
    await page.keyboard.press('ArrowDown')
    await page.keyboard.press('ArrowDown')
    expect(await focused(page)).toStartWith('Tomorrow')
    // Tomorrow at 09:00, the browser's local time.
    const tomorrow = await page.evaluate(() => new Date().setHours(33, 0, 0, 0))
    await page.keyboard.press('Enter')
    await menu.waitFor({ state: 'detached' })
    expect(await button.evaluate((el) => el === document.activeElement)).toBe(true)
    await until(async () => (await snoozeOf(id))?.until === tomorrow, 'snoozed until tomorrow')

    // The thread says until when, and who did it; "Snooze" is described by the note.
    const note = pane(page).locator('.snooze-note')
    await note.getByText(/^Snoozed until /).waitFor()
    expect(await button.getAttribute('aria-describedby')).toBe('snooze-note')
    await pane(page).locator('.sys-line', { hasText: 'Anna Lee snoozed until' }).waitFor()

    // Out of the default list; under "Snoozed only", with a clock and its time in words.
    await listed(page, id, false)
    const snoozedOnly = page.getByRole('checkbox', { name: 'Snoozed only' })
    await snoozedOnly.check()
    await listed(page, id, true)
    expect(await row(page, id).locator('.snoozed').innerText()).toStartWith('Snoozed until ')
    expect(await row(page, id).locator('.snoozed svg').count()).toBe(1)
    expect(await page.locator('.conversation-row').count()).toBe(1)

    // Unsnooze (from the keyboard): the note goes, the focus lands on "Snooze".
    await note.getByRole('button', { name: 'Unsnooze' }).focus()
    await page.keyboard.press('Enter')
    await note.waitFor({ state: 'detached' })
    await until(() => button.evaluate((el) => el === document.activeElement), 'Snooze focused')
    await pane(page).locator('.sys-line', { hasText: 'Anna Lee unsnoozed' }).waitFor()
    expect(await snoozeOf(id)).toBeUndefined()
    await listed(page, id, false)
    await snoozedOnly.uncheck()
    await listed(page, id, true)
    await page.close()
  }, 60_000)

  test('snooze - until the visitor replies, from the keyboard; the visitor writing wakes it live and the thread says so', async () => {
    const page = await annaPanel()
    const { id, token } = conv.refund
    await open(page, id)
    // ArrowUp opens the menu on its last item.
    await snoozeKeys(page, 'ArrowUp')
    expect(await focused(page)).toBe('Pick a date and time…')
    await page.keyboard.press('ArrowUp')
    expect(await focused(page)).toBe('Until the visitor replies')
    await page.keyboard.press('Enter')
    await until(async () => (await snoozeOf(id))?.until === null, 'snoozed until a reply')
    await pane(page)
      .locator('.snooze-note')
      .getByText('Snoozed until the visitor replies')
      .waitFor()
    await pane(page)
      .locator('.sys-line', { hasText: 'Anna Lee snoozed until the visitor replies' })
      .waitFor()
    await listed(page, id, false)

    await httpSend(env.server, token, id, 'v-1', 'Any news about my refund?')
    await listed(page, id, true)
    await pane(page).locator('.sys-line', { hasText: 'Woke up: the visitor wrote' }).waitFor()
    await pane(page).locator('.snooze-note').waitFor({ state: 'detached' })
    await pane(page).getByText('Any news about my refund?').waitFor()
    expect(await snoozeOf(id)).toBeUndefined()
    await page.close()
  }, 60_000)

  test('snooze - a date and time of her own: one in the past is refused next to the field and nothing is sent; Escape closes the form; resolving wakes it', async () => {
    const page = await annaPanel()
    const id = conv.login.id
    await open(page, id)
    await snoozeKeys(page, 'Enter', 'End', 'Enter')
    const form = pane(page).getByRole('form', { name: 'Snooze until' })
    const field = form.getByLabel('Date and time')
    await until(() => field.evaluate((el) => el === document.activeElement), 'the field focused')
    // It starts at tomorrow 09:00.
    expect(await field.inputValue()).toMatch(/T09:00$/)

    await field.fill('2020-01-01T09:00')
    await page.keyboard.press('Tab')
    await page.keyboard.press('Enter')
    const error = form.getByRole('alert')
    await error.getByText('Choose a time in the future.').waitFor()
    expect(await field.getAttribute('aria-invalid')).toBe('true')
    expect(await field.getAttribute('aria-describedby')).toBe(await error.getAttribute('id'))
    expect(await field.evaluate((el) => el === document.activeElement)).toBe(true)
    expect(await snoozeOf(id)).toBeUndefined()

    // Two days ahead at 10:30, local time.
    const later = await page.evaluate(() => {
      const d = new Date()
      d.setDate(d.getDate() + 2)
      d.setHours(10, 30, 0, 0)
      const pad = (n: number) => String(n).padStart(2, '0')
      const value = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T10:30`
      return { value, at: d.getTime() }
    })
    await field.fill(later.value)
    expect(await error.count()).toBe(0)
    await form.getByRole('button', { name: 'Snooze' }).click()
    await until(async () => (await snoozeOf(id))?.until === later.at, 'snoozed until then')
    await form.waitFor({ state: 'detached' })

    // Escape closes the form back onto "Snooze", sending nothing.
    await snoozeKeys(page, 'Enter', 'End', 'Enter')
    await until(() => field.evaluate((el) => el === document.activeElement), 'the field again')
    await page.keyboard.press('Escape')
    await form.waitFor({ state: 'detached' })
    expect(
      await pane(page)
        .locator('.snooze > button')
        .evaluate((el) => el === document.activeElement),
    ).toBe(true)
    expect((await snoozeOf(id))?.until).toBe(later.at)

    // Resolving wakes it too: the thread says so after the status line, without a name.
    await pane(page).getByRole('button', { name: 'Resolve' }).click()
    await pane(page).locator('.snooze-note').waitFor({ state: 'detached' })
    const lines = pane(page).locator('.sys-line')
    await lines.filter({ hasText: 'Snooze ended' }).waitFor()
    const texts = await lines.allInnerTexts()
    const ended = texts.findIndex((text) => text.startsWith('Snooze ended'))
    expect(texts[ended - 1]).toStartWith('Resolved by Anna Lee')
    expect(await snoozeOf(id)).toBeUndefined()
    await page.close()
  }, 60_000)

  test('snooze - wakes on time: snoozed through the API a moment ahead, it leaves the list and comes back live, and the thread says it woke up on time', async () => {
    const page = await annaPanel()
    const id = conv.invoice.id
    await open(page, id)
    await api(`/api/conversations/${id}/snooze`, { body: { until: Date.now() + 3_000 } })
    await listed(page, id, false)
    await pane(page).locator('.snooze-note').waitFor()
    await until(async () => (await row(page, id).count()) > 0, 'back in the list', 20_000)
    await pane(page).locator('.sys-line', { hasText: 'Woke up on time' }).waitFor()
    await pane(page).locator('.snooze-note').waitFor({ state: 'detached' })
    await page.close()
  }, 60_000)

  test('snooze - fits a 375 px phone; axe finds nothing serious, light and dark, desktop and phone, English and Russian', async () => {
    const id = conv.parcel.id
    await api(`/api/conversations/${id}/snooze`, { body: {} })
    const problems: string[] = []
    for (const ru of [false, true]) {
      const page = await annaPanel({ viewport: { width: 375, height: 740 }, ru })
      const snoozedOnly = page.getByRole('checkbox', {
        name: ru ? 'Только отложенные' : 'Snoozed only',
      })
      await snoozedOnly.check()
      await row(page, id).locator('.snoozed').waitFor()
      if (ru) {
        expect(await row(page, id).locator('.snoozed').innerText()).toBe(
          'Отложен до ответа посетителя',
        )
      }
      await open(page, id)
      await pane(page).locator('.snooze-note').waitFor()
      await pane(page)
        .getByRole('button', { name: ru ? 'Отложить' : 'Snooze', exact: true })
        .click()
      const menu = pane(page).getByRole('menu')
      await menu.waitFor()
      if (ru) expect(await menu.getByRole('menuitem').first().innerText()).toStartWith('На час')
      // The menu stays on screen, and nothing scrolls sideways.
      const box = await menu.boundingBox()
      expect(box && box.x >= 0 && box.x + box.width <= 375).toBe(true)
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
        375,
      )
      for (const width of [375, 1280]) {
        await page.setViewportSize({ width, height: 800 })
        for (const theme of ['light', 'dark'] as const) {
          await page.emulateMedia({ colorScheme: theme })
          for (const v of await violations(page)) {
            problems.push(`${ru ? 'ru' : 'en'} ${width} ${theme}: ${v}`)
          }
        }
      }
      // The custom form too, refusing a time, and the list with its marks (the phone shows the
      // list alone).
      await page.keyboard.press('End')
      await page.keyboard.press('Enter')
      const field = pane(page).locator('.snooze-form input')
      await until(() => field.evaluate((el) => el === document.activeElement), 'the field')
      await field.fill('2020-01-01T09:00')
      await page.keyboard.press('Enter')
      await pane(page).locator('.snooze-form [role="alert"]').waitFor()
      for (const v of await violations(page)) problems.push(`${ru ? 'ru' : 'en'} form: ${v}`)
      await page.setViewportSize({ width: 375, height: 740 })
      await page.keyboard.press('Escape')
      await pane(page).locator('.back').click()
      await row(page, id).locator('.snoozed').waitFor()
      for (const theme of ['light', 'dark'] as const) {
        await page.emulateMedia({ colorScheme: theme })
        for (const v of await violations(page)) {
          problems.push(`${ru ? 'ru' : 'en'} list 375 ${theme}: ${v}`)
        }
      }
      await page.close()
    }
    expect(problems).toEqual([])
  }, 90_000)
})
