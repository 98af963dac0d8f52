/**
 * SLA policies in the panel (issue 20): the admin defines a policy in an inbox's settings with
 * the keyboard alone (a form without any target is refused before sending), changes and deletes
 * another, and builds a rule that applies it (none chosen is said before sending); Anna, an operator of the inbox, applies it to her conversation from the thread's
 * details with the keyboard and sees its deadlines there, the thread's line and the list row's
 * badge; the server's clock moves past the first response's deadline and the breach shows in
 * red in the thread, on the row and as an alert for her (the assignee); she removes the SLA
 * with the keyboard. axe-core finds nothing serious, desktop and 375 px, light and dark; the
 * Russian UI says it all in Russian. What the panel saved is checked through the API. Writes
 * docs/panel-sla.png (the list with badges and a thread with its SLA, desktop, light) and
 * docs/panel-sla-admin.png (the settings' section).
 *
 * The server runs on a FakeClock (actors/index.ts): `clock.advance` moves the deadlines' time
 * (the browser's own clock stays real). Two operators in one browser: the admin's panel on
 * 127.0.0.1, Anna's on localhost, another origin, so each keeps its own login.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { join } from 'node:path'
import type { Locator, Page } from 'playwright-core'
import { FakeClock } from '../../actors/index.ts'
import { ROOT } from '../../client/build-stamp.ts'
import { httpStart } from '../helpers/http.ts'
import { startTestServer, type TestServer } from '../helpers/server.ts'
import { violations } from './axe.ts'
import {
  ensureClientBuilt,
  launchBrowser,
  skipBrowserTests,
  until,
  type TestBrowser,
} from './harness.ts'
import { PanelPage } from './panel-page.ts'

const PASSWORD = 'operator-password-1'
const WIDE = { width: 1400, height: 900 }
const MINUTE = 60_000

interface Policy {
  id: string
  name: string
  firstResponseMinutes: number | null
  nextResponseMinutes: number | null
  resolutionMinutes: number | null
  businessHours: boolean
}

describe.skipIf(skipBrowserTests)('panel SLA policies', () => {
  const clock = new FakeClock(Date.now())
  const env = {} as { server: TestServer; browser: TestBrowser }
  let inboxId = ''
  let adminToken = ''
  const anna = { id: '', email: `anna-${Date.now()}@example.com`, token: '' }
  const conv = { order: '', refund: '', invoice: '' }

  const api = async (
    path: string,
    init: { method?: string; body?: unknown; token?: string } = {},
  ) => {
    const res = await env.server.http(path, { token: adminToken, ...init })
    if (res.status >= 300) throw new Error(`${path}: ${res.status} ${JSON.stringify(res.body)}`)
    return res.body
  }
  const policies = async (): Promise<Policy[]> =>
    (await api(`/api/inboxes/${inboxId}/sla-policies`)).policies
  const slaOf = async (id: string) => (await api(`/api/conversations/${id}`)).conversation.sla

  /** Anna's panel (her own origin), at a size, in a color scheme and a language. */
  async function annaPanel(
    viewport = WIDE,
    colorScheme: 'light' | 'dark' = 'light',
    lang: 'en' | 'ru' = 'en',
  ): Promise<Page> {
    const page = await env.browser.context.newPage()
    await page.addInitScript(`localStorage.setItem('parley:lang', '${lang}')`)
    await page.emulateMedia({ colorScheme })
    await page.setViewportSize(viewport)
    await page.goto(`http://localhost:${env.server.port}/panel/`)
    await page.locator('.shell, form.card').first().waitFor()
    if (await page.locator('input[type="email"]').isVisible()) {
      await page.locator('input[type="email"]').fill(anna.email)
      await page.locator('input[type="password"]').fill(PASSWORD)
      await page.keyboard.press('Enter')
    }
    await page.locator('.shell[data-connection="connected"]').waitFor()
    return page
  }

  const row = (page: Page, id: string) =>
    page.locator(`.conversation-row[data-conversation-id="${id}"]`)
  const details = (page: Page) => page.locator('.pane.conversation .conv-details')
  /** The thread's SLA select (once the inbox's policies are read). */
  const slaSelect = (page: Page) => details(page).getByRole('combobox', { name: 'SLA' })
  /** Opens a conversation from the list; its header's priority select shows once it loaded. */
  async function open(page: Page, id: string) {
    await row(page, id).click()
    await page
      .locator(`.pane.conversation[data-conversation-id="${id}"] .conv-details select`)
      .first()
      .waitFor()
  }
  const focused = (page: Page) =>
    page.evaluate(
      () =>
        document.activeElement?.getAttribute('aria-label') ??
        document.activeElement?.textContent ??
        '',
    )
  /** Focuses a control and presses a key on it (no pointer anywhere). */
  const press = async (page: Page, target: Locator, key = 'Enter') => {
    await target.focus()
    await page.keyboard.press(key)
  }
  const shoot = async (page: Page, file: string, selector?: string) => {
    // Fonts and the last layout settle (a screenshot is not an assertion).
    await page.evaluate(() => document.fonts.ready)
    const path = join(ROOT, 'docs', file)
    if (selector) await page.locator(selector).screenshot({ path })
    else await page.screenshot({ path })
  }
  const axe = async (page: Page, problems: string[], tag: string) => {
    for (const v of await violations(page)) problems.push(`${tag}: ${v}`)
  }

  beforeAll(async () => {
    ensureClientBuilt()
    env.server = await startTestServer({ clock })
    env.browser = await launchBrowser()
    const s = env.server
    adminToken = await s.adminToken()
    inboxId = await s.defaultInboxId()
    // Away: routing gives the signed-in admin none of the waiting conversations.
    await api('/api/me/status', { method: 'PUT', body: { status: 'away' } })
    const created = await s.http('/api/admin/operators', {
      token: adminToken,
      body: {
        email: anna.email,
        name: 'Anna Lee',
        password: PASSWORD,
        role: 'operator',
        canChat: true,
        inboxIds: [inboxId],
      },
    })
    expect(created.status).toBe(201)
    anna.id = created.body.id
    anna.token = (
      await s.http('/api/auth/login', { body: { email: anna.email, password: PASSWORD } })
    ).body.token
    conv.order = (await httpStart(s, undefined, 'My order #1042 has not arrived yet')).id
    conv.refund = (await httpStart(s, undefined, 'Can I get a refund for my last order?')).id
    conv.invoice = (await httpStart(s, undefined, 'Please send me an invoice')).id
    // Anna's, so the breach alerts her.
    for (const id of Object.values(conv)) {
      await api(`/api/conversations/${id}/assign`, {
        token: anna.token,
        body: { operatorId: anna.id },
      })
    }
  }, 120_000)

  afterAll(async () => {
    await env.browser?.close()
    await env.server?.stop()
  })

  test('sla - the admin defines a policy with the keyboard; a policy without targets is refused before sending; another is changed and deleted', async () => {
    const panel = await PanelPage.open(env.browser.context, env.server.url, { viewport: WIDE })
    const page = panel.page
    await page.getByRole('button', { name: 'Settings' }).click()
    const section = page.getByRole('region', { name: 'SLA policies' })
    await section.waitFor()

    // Keyboard only: name, 10 minutes to the first response, 8 hours to the resolution.
    await press(page, section.getByRole('button', { name: 'New SLA policy' }))
    const form = section.getByRole('form', { name: 'New SLA policy' })
    await until(
      () => page.evaluate(() => document.activeElement?.closest('label')?.textContent === 'Name'),
      'the name focused',
    )
    await page.keyboard.type('Standard')
    await page.keyboard.press('Tab')
    expect(await focused(page)).toBe('First response')
    await page.keyboard.type('10')
    await page.keyboard.press('Tab')
    expect(await focused(page)).toBe('First response: unit')
    await page.keyboard.press('m')
    await page.keyboard.press('Tab')
    expect(await focused(page)).toBe('Next response')
    await page.keyboard.press('Tab')
    await page.keyboard.press('Tab')
    expect(await focused(page)).toBe('Resolution')
    await page.keyboard.type('8')
    await page.keyboard.press('Enter')
    await section.getByRole('button', { name: 'Edit Standard' }).waitFor()
    expect(await focused(page)).toBe('New SLA policy')
    await section.getByText('First response 10 min · Resolution 8 h').waitFor()

    // No target at all: said before sending.
    await section.getByRole('button', { name: 'New SLA policy' }).click()
    await form.getByLabel('Name').fill('Priority')
    await form.getByRole('button', { name: 'Add policy' }).click()
    await form.getByRole('alert').filter({ hasText: 'Set at least one target.' }).waitFor()
    expect(
      await form.getByLabel('First response', { exact: true }).getAttribute('aria-invalid'),
    ).toBe('true')
    await form.getByLabel('First response', { exact: true }).fill('5')
    await form.getByLabel('First response: unit').selectOption({ label: 'minutes' })
    await form.getByLabel('Count business hours only').check()
    await form.getByRole('button', { name: 'Add policy' }).click()
    await section.getByRole('button', { name: 'Edit Priority' }).waitFor()

    // Changed in place: the next response in 2 hours.
    await section.getByRole('button', { name: 'Edit Priority' }).click()
    const edit = section.getByRole('form', { name: 'Edit Priority' })
    expect(await edit.getByLabel('First response', { exact: true }).inputValue()).toBe('5')
    await edit.getByLabel('Next response', { exact: true }).fill('2')
    await edit.getByRole('button', { name: 'Save' }).click()
    await section.getByText('First response 5 min · Next response 2 h · business hours').waitFor()
    expect(
      (await policies()).map((p) => [
        p.name,
        p.firstResponseMinutes,
        p.nextResponseMinutes,
        p.resolutionMinutes,
        p.businessHours,
      ]),
    ).toEqual([
      ['Priority', 5, 120, null, true],
      ['Standard', 10, null, 480, false],
    ])
    await shoot(page, 'panel-sla-admin.png', '.sla-admin')

    // Deleted after a confirmation.
    await section.getByRole('button', { name: 'Delete Priority' }).click()
    const dialog = page.getByRole('dialog', { name: 'Delete the SLA policy Priority?' })
    await dialog.getByRole('button', { name: 'Delete policy' }).click()
    await section.getByRole('button', { name: 'Delete Priority' }).waitFor({ state: 'detached' })
    expect((await policies()).map((p) => p.name)).toEqual(['Standard'])

    const problems: string[] = []
    for (const theme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: theme })
      await axe(page, problems, theme)
    }
    expect(problems).toEqual([])
    await page.close()
  }, 60_000)

  test('sla - a rule applies a policy chosen with the keyboard; none chosen is said before sending', async () => {
    const panel = await PanelPage.open(env.browser.context, env.server.url, { viewport: WIDE })
    const page = panel.page
    await page.getByRole('button', { name: 'Settings' }).click()
    const section = page.getByRole('region', { name: 'Automation rules' })
    await press(page, section.getByRole('button', { name: 'New rule' }))
    const form = section.getByRole('form', { name: 'New rule' })
    await until(
      () => form.getByLabel('Name').evaluate((el) => el === document.activeElement),
      'the name focused',
    )
    await page.keyboard.type('Standard SLA for all')
    const kind = form.getByRole('combobox', { name: 'Action 1' })
    await kind.focus()
    await kind.selectOption({ label: 'Apply an SLA policy' })
    const policy = form.getByRole('combobox', { name: 'SLA policy' })
    await policy.locator('option', { hasText: 'Standard' }).waitFor({ state: 'attached' })
    expect(await policy.locator('option').allInnerTexts()).toEqual(['Choose a policy', 'Standard'])
    await press(page, form.getByRole('button', { name: 'Add rule' }))
    await form.getByRole('alert').filter({ hasText: 'Action 1: choose an SLA policy.' }).waitFor()
    expect(await kind.getAttribute('aria-invalid')).toBe('true')
    await policy.focus()
    await page.keyboard.press('s')
    await press(page, form.getByRole('button', { name: 'Add rule' }))
    await section.getByText('Standard SLA for all').waitFor()
    const saved = (await api(`/api/admin/inboxes/${inboxId}/rules`)).rules as Array<{
      name: string
      actions: unknown[]
    }>
    expect(saved.find((r) => r.name === 'Standard SLA for all')?.actions).toEqual([
      { type: 'apply_sla', policyId: (await policies())[0]?.id },
    ])
    // Off again: the conversations of this file get their SLA by hand.
    const rule = saved.find((r) => r.name === 'Standard SLA for all') as unknown as { id: string }
    await api(`/api/admin/rules/${rule.id}`, { method: 'DELETE' })
    await page.close()
  }, 60_000)

  test('sla - Anna applies the policy in the thread with the keyboard: its deadlines, the line and the row badge', async () => {
    const page = await annaPanel()
    await open(page, conv.order)
    const select = slaSelect(page)
    await select.waitFor()
    expect(await select.inputValue()).toBe('')
    await press(page, select, 's')
    await until(async () => (await slaOf(conv.order))?.name === 'Standard', 'applied')
    await details(page)
      .getByText(/^First response in \d+ min$/)
      .waitFor()
    await details(page)
      .getByText(/^Resolution in 7 h \d+ min$/)
      .waitFor()
    await page.locator('.activity-line', { hasText: 'Anna Lee applied SLA Standard' }).waitFor()
    await row(page, conv.order)
      .locator('.sla-mark', { hasText: /^SLA \d+ min$/ })
      .waitFor()
    // The focus stays on the select.
    expect(await focused(page)).toBe('SLA')

    const problems: string[] = []
    await axe(page, problems, 'light')
    expect(problems).toEqual([])
    await page.close()
  }, 60_000)

  test('sla - past the deadline: breached in red in the thread and on the row, and an alert for the assignee', async () => {
    const page = await annaPanel()
    // Another conversation on screen: the alert is for one she is not looking at.
    await open(page, conv.refund)
    await clock.advance(11 * MINUTE)
    // The next deadline's timer is armed after the breach: let it fire too.
    await clock.advance(0)
    await until(async () => (await slaOf(conv.order))?.breaches?.length === 1, 'breach recorded')

    const badge = row(page, conv.order).locator('.sla-mark[data-sla="breached"]')
    await badge.waitFor()
    expect(await badge.innerText()).toBe('SLA breached')
    const toast = page.locator('.sla-toast')
    await toast.waitFor()
    expect(await toast.getAttribute('role')).toBe('alert')
    expect(await toast.innerText()).toContain('SLA breached: First response')

    // Keyboard: Open takes her to it; the alert goes.
    await press(page, toast.getByRole('button', { name: 'Open' }))
    await page.locator(`.pane.conversation[data-conversation-id="${conv.order}"]`).waitFor()
    await toast.waitFor({ state: 'detached' })
    const breach = details(page).locator('.sla-due[data-sla="breached"]')
    await breach.waitFor()
    expect(await breach.innerText()).toMatch(/^First response breached .+ ago$/)
    await page
      .locator('.activity-line.sla-breach', { hasText: 'SLA breached: First response' })
      .waitFor()

    // A policy applied now, on another of hers: the list shows both badges.
    await api(`/api/conversations/${conv.invoice}/sla`, {
      method: 'PUT',
      token: anna.token,
      body: { policyId: (await policies())[0]?.id },
    })
    await row(page, conv.invoice)
      .locator('.sla-mark', { hasText: /^SLA \d+ min$/ })
      .waitFor()
    await page.mouse.move(0, 0)
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur())
    await shoot(page, 'panel-sla.png')

    const problems: string[] = []
    for (const theme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: theme })
      await axe(page, problems, theme)
    }
    expect(problems).toEqual([])
    await page.close()
  }, 60_000)

  test('sla - 375 px, light and dark, in Russian: the badge and the thread say it in Russian and fit the screen', async () => {
    const problems: string[] = []
    for (const theme of ['light', 'dark'] as const) {
      const page = await annaPanel({ width: 375, height: 740 }, theme, 'ru')
      const badge = row(page, conv.order).locator('.sla-mark')
      await badge.waitFor()
      expect(await badge.innerText()).toBe('SLA нарушен')
      expect(await row(page, conv.invoice).locator('.sla-mark').innerText()).toMatch(
        /^SLA: ещё \d+ мин$/,
      )
      await axe(page, problems, `${theme} list`)
      await open(page, conv.order)
      const breach = details(page).locator('.sla-due[data-sla="breached"]')
      await breach.waitFor()
      expect(await breach.innerText()).toMatch(/^Первый ответ: срок истёк .+ назад$/)
      await details(page)
        .getByText(/^Решение: через 7 ч \d+ мин$/)
        .waitFor()
      await page.locator('.activity-line', { hasText: 'SLA нарушен: Первый ответ' }).waitFor()
      for (const el of await details(page).locator('.sla-details select, .sla-due').all()) {
        const box = await el.boundingBox()
        expect(box && box.x >= 0 && box.x + box.width <= 375).toBe(true)
      }
      await axe(page, problems, `${theme} thread`)
      await page.close()
    }
    expect(problems).toEqual([])
  }, 60_000)

  test('sla - Anna removes the SLA with the keyboard: the deadlines, the badge and the select follow', async () => {
    const page = await annaPanel()
    await open(page, conv.order)
    const select = slaSelect(page)
    await until(async () => (await select.inputValue()) !== '', 'the policy shown')
    await press(page, select, 'n')
    await until(async () => (await slaOf(conv.order)) === undefined, 'removed')
    await page.locator('.activity-line', { hasText: 'Anna Lee removed the SLA' }).waitFor()
    await details(page).locator('.sla-due').first().waitFor({ state: 'detached' })
    await row(page, conv.order).locator('.sla-mark').waitFor({ state: 'detached' })
    expect(await select.inputValue()).toBe('')
    await page.close()
  }, 60_000)
})
