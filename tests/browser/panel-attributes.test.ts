/**
 * Custom attributes in the panel (issue 20): the admin defines, in an inbox's settings, a list
 * attribute "Plan" of conversations, a number attribute "Seats" of visitors and a link "CRM
 * record" (a taken key is refused next to its field; a list's choices change in place); Anna,
 * an operator of the inbox, sets Plan in the sidebar with the keyboard alone and her second tab
 * shows it live with the thread's line; she sets Seats on the visitor; a link the server refuses
 * shows its words under the field, a good one shows as a safe link; the list filters by plan.
 * axe-core finds nothing serious, desktop and 375 px, light and dark. What the panel saved is
 * checked through the API. Writes docs/panel-attributes.png (the sidebar with values, desktop,
 * light) and docs/panel-attributes-admin.png (the settings' section).
 *
 * Two operators in one browser: the admin's panel on 127.0.0.1, Anna's on localhost, another
 * origin, so each keeps its own login.
 */
import { beforeAll, describe, expect, test } from 'bun:test'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { ROOT } from '../../client/build-stamp.ts'
import { httpStart } from '../helpers/http.ts'
import { violations } from './axe.ts'
import { skipBrowserTests, until, useServerAndBrowser } from './harness.ts'
import { PanelPage } from './panel-page.ts'

const PASSWORD = 'operator-password-1'
const WIDE = { width: 1400, height: 900 }

interface Definition {
  id: string
  scope: string
  key: string
  name: string
  type: string
  options: string[]
}

describe.skipIf(skipBrowserTests)('panel custom attributes', () => {
  const env = useServerAndBrowser()
  let inboxId = ''
  let adminToken = ''
  const anna = { email: `anna-${Date.now()}@example.com`, token: '' }
  const conv = { seats: '', billing: '' }

  const api = async (path: string, init: { method?: string; body?: unknown } = {}) => {
    const res = await env.server.http(path, { token: adminToken, ...init })
    if (res.status >= 300) throw new Error(`${path}: ${res.status} ${JSON.stringify(res.body)}`)
    return res.body
  }
  const definitions = async (): Promise<Definition[]> =>
    (await api(`/api/inboxes/${inboxId}/attributes`)).attributes
  const attributesOf = async (id: string): Promise<Record<string, unknown>> =>
    (await api(`/api/conversations/${id}`)).conversation.attributes ?? {}
  const visitorAttributes = async (id: string): Promise<Record<string, unknown>> =>
    (await api(`/api/conversations/${id}/visitor`)).visitor.attributes ?? {}

  /** Anna's panel (her own origin), English, at a size and in a color scheme. */
  async function annaPanel(
    viewport = WIDE,
    colorScheme: 'light' | 'dark' = 'light',
  ): Promise<Page> {
    const page = await env.browser.context.newPage()
    await page.addInitScript("localStorage.setItem('parley:lang', 'en')")
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

  /** Opens a conversation from the list; its header's priority select shows once it loaded. */
  async function open(page: Page, id: string) {
    await page.locator(`.conversation-row[data-conversation-id="${id}"]`).click()
    await page
      .locator(`.pane.conversation[data-conversation-id="${id}"] .conv-details select`)
      .waitFor()
  }

  const sidebar = (page: Page) => page.locator('aside.visitor-sidebar')
  const conversationSection = (page: Page) =>
    sidebar(page).getByRole('region', { name: 'Conversation attributes' })
  const visitorSection = (page: Page) =>
    sidebar(page).getByRole('region', { name: 'Attributes', exact: true })
  const rowIds = (page: Page) =>
    page
      .locator('.conversation-row')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-conversation-id') ?? ''))
  const focused = (page: Page) =>
    page.evaluate(() => {
      const el = document.activeElement
      const label = el?.id ? document.querySelector(`label[for="${el.id}"]`) : null
      return el?.getAttribute('aria-label') ?? label?.textContent ?? el?.textContent ?? ''
    })
  const shoot = async (page: Page, file: string, selector?: string) => {
    // Fonts and the last layout settle (a screenshot is not an assertion).
    await page.evaluate(() => document.fonts.ready)
    const path = join(ROOT, 'docs', file)
    if (selector) await page.locator(selector).screenshot({ path })
    else await page.screenshot({ path })
  }

  beforeAll(async () => {
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
    anna.token = (
      await s.http('/api/auth/login', { body: { email: anna.email, password: PASSWORD } })
    ).body.token
    conv.billing = (await httpStart(s, undefined, 'A question about my invoice')).id
    conv.seats = (await httpStart(s, undefined, 'We need more seats for the team')).id
  }, 60_000)

  test('attributes - the admin defines a list, a number and a link in the inbox settings; a taken key is refused next to its field; a list gets another choice', async () => {
    const panel = await PanelPage.open(env.browser.context, env.server.url, { viewport: WIDE })
    const page = panel.page
    await page.getByRole('button', { name: 'Settings' }).click()
    const section = page.getByRole('region', { name: 'Attributes' })
    await section.waitFor()

    const define = async (scope: string, name: string, type: string, choices?: string) => {
      await section.getByRole('button', { name: 'New attribute' }).click()
      const form = section.getByRole('form', { name: 'New attribute' })
      await form.getByLabel('Applies to').selectOption({ label: scope })
      await form.getByLabel('Name').fill(name)
      await form.getByLabel('Type').selectOption({ label: type })
      if (choices) await form.getByLabel('Choices, one a line').fill(choices)
      await form.getByRole('button', { name: 'Add attribute' }).click()
      return form
    }
    await define('Conversation', 'Plan', 'List', 'Free\nPro\nEnterprise')
    await section.getByRole('button', { name: 'Edit Plan' }).waitFor()
    await define('Visitor', 'Seats', 'Number')
    await section.getByRole('button', { name: 'Edit Seats' }).waitFor()
    await define('Conversation', 'CRM record', 'Link')
    await section.getByRole('button', { name: 'Edit CRM record' }).waitFor()
    const defs = await definitions()
    expect(defs.map((d) => [d.scope, d.key, d.name, d.type, d.options])).toEqual([
      ['visitor', 'seats', 'Seats', 'number', []],
      ['conversation', 'crm_record', 'CRM record', 'link', []],
      ['conversation', 'plan', 'Plan', 'list', ['Free', 'Pro', 'Enterprise']],
    ])

    // The same key again in the same scope: refused, said next to the key.
    const taken = await define('Conversation', 'Plan', 'Text')
    const alert = taken.getByRole('alert')
    await alert.filter({ hasText: 'Another attribute of this inbox has this key.' }).waitFor()
    const key = taken.getByLabel('Key')
    expect(await key.getAttribute('aria-invalid')).toBe('true')
    expect(await key.getAttribute('aria-describedby')).toBe(await alert.getAttribute('id'))
    await taken.getByRole('button', { name: 'Cancel' }).click()
    expect((await definitions()).length).toBe(3)

    // Another choice in place; the key, scope and type stay.
    await section.getByRole('button', { name: 'Edit Plan' }).click()
    const edit = section.getByRole('form', { name: 'Edit Plan' })
    expect(await edit.getByLabel('Key').count()).toBe(0)
    await edit.getByLabel('Choices, one a line').fill('Free\nPro\nEnterprise\nTeam')
    await edit.getByRole('button', { name: 'Save' }).click()
    await section.getByRole('button', { name: 'Edit Plan' }).waitFor()
    expect(await focused(page)).toBe('Edit Plan')
    expect((await definitions()).find((d) => d.key === 'plan')?.options).toEqual([
      'Free',
      'Pro',
      'Enterprise',
      'Team',
    ])
    await section.getByText('Free, Pro, Enterprise, Team').waitFor()

    // Delete after a confirmation: a throwaway one.
    await define('Visitor', 'Old field', 'Text')
    await section.getByRole('button', { name: 'Delete Old field' }).click()
    const dialog = page.getByRole('dialog', { name: 'Delete the attribute Old field?' })
    await dialog.getByRole('button', { name: 'Delete attribute' }).click()
    await section.getByRole('button', { name: 'Delete Old field' }).waitFor({ state: 'detached' })
    expect((await definitions()).map((d) => d.key)).toEqual(['seats', 'crm_record', 'plan'])

    await shoot(page, 'panel-attributes-admin.png', '.attribute-admin')
    const problems: string[] = []
    for (const theme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: theme })
      for (const v of await violations(page)) problems.push(`${theme}: ${v}`)
    }
    expect(problems).toEqual([])
    await page.close()
  }, 60_000)

  test('attributes - Anna sets Plan in the sidebar with the keyboard and her other tab follows live; Seats on the visitor; a refused link says why under the field', async () => {
    const page = await annaPanel()
    const other = await annaPanel()
    await open(page, conv.seats)
    await open(other, conv.seats)

    // Keyboard only: the Plan select takes "p" for Pro, Tab reaches its Clear button.
    const plan = conversationSection(page).getByLabel('Plan', { exact: true })
    await plan.focus()
    await page.keyboard.press('p')
    await until(async () => (await attributesOf(conv.seats)).plan === 'Pro', 'plan saved')
    await conversationSection(page).getByRole('button', { name: 'Clear Plan' }).waitFor()
    await page.keyboard.press('Tab')
    await until(async () => (await focused(page)) === 'Clear Plan', 'Clear Plan focused')

    // The other tab: the select and the thread's line, live.
    const otherPlan = conversationSection(other).getByLabel('Plan', { exact: true })
    await until(async () => (await otherPlan.inputValue()) === 'Pro', 'live in the other tab')
    await other.locator('.activity-line', { hasText: 'Anna Lee set Plan to Pro' }).waitFor()
    await page.locator('.activity-line', { hasText: 'Anna Lee set Plan to Pro' }).waitFor()

    // Tab on to the visitor's Seats: typed, saved on Enter.
    await page.keyboard.press('Tab')
    expect(await focused(page)).toBe('Seats')
    await page.keyboard.type('12')
    await page.keyboard.press('Enter')
    await until(async () => (await visitorAttributes(conv.seats)).seats === 12, 'seats saved')

    // A link the server refuses says why under it, and stays to correct.
    const crm = conversationSection(page).getByLabel('CRM record')
    await crm.focus()
    await page.keyboard.type('javascript:alert(1)')
    await page.keyboard.press('Enter')
    const refusal = conversationSection(page).getByRole('alert')
    await refusal.waitFor()
    expect(await refusal.innerText()).toMatch(/link/i)
    expect(await crm.getAttribute('aria-invalid')).toBe('true')
    expect(await crm.getAttribute('aria-describedby')).toBe(await refusal.getAttribute('id'))
    expect(await crm.inputValue()).toBe('javascript:alert(1)')
    expect((await attributesOf(conv.seats)).crm_record).toBeUndefined()
    await page.keyboard.press('ControlOrMeta+a')
    await page.keyboard.type('https://crm.example.com/acme')
    await page.keyboard.press('Enter')
    await until(
      async () => (await attributesOf(conv.seats)).crm_record === 'https://crm.example.com/acme',
      'link saved',
    )
    await refusal.waitFor({ state: 'detached' })
    const link = conversationSection(page).getByRole('link', {
      name: 'https://crm.example.com/acme',
    })
    await link.waitFor()
    expect(await link.getAttribute('rel')).toBe('noopener noreferrer')
    expect(await link.getAttribute('target')).toBe('_blank')

    await page.mouse.move(0, 0)
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur())
    await shoot(page, 'panel-attributes.png')

    // Clear by keyboard: the value goes, and the thread says so.
    await conversationSection(page).getByRole('button', { name: 'Clear CRM record' }).focus()
    await page.keyboard.press('Enter')
    await until(
      async () => (await attributesOf(conv.seats)).crm_record === undefined,
      'link removed',
    )
    await other.locator('.activity-line', { hasText: 'Anna Lee removed CRM record' }).waitFor()

    const problems: string[] = []
    for (const theme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: theme })
      for (const v of await violations(page)) problems.push(`${theme}: ${v}`)
    }
    expect(problems).toEqual([])
    await other.close()
    await page.close()
  }, 60_000)

  test('attributes - the list filters by a plan', async () => {
    await api(`/api/conversations/${conv.billing}/attributes`, {
      method: 'PATCH',
      body: { attributes: { plan: 'Free' } },
    })
    const page = await annaPanel()
    await page.locator(`.conversation-row[data-conversation-id="${conv.billing}"]`).waitFor()
    await page.getByRole('combobox', { name: 'Attribute', exact: true }).selectOption('plan')
    await page.getByRole('combobox', { name: 'Plan is' }).selectOption('Pro')
    await until(async () => (await rowIds(page)).join() === conv.seats, 'only the Pro one')
    await page.getByRole('combobox', { name: 'Plan is' }).selectOption('Free')
    await until(async () => (await rowIds(page)).join() === conv.billing, 'only the Free one')
    await page.getByRole('combobox', { name: 'Plan is' }).selectOption('')
    await until(async () => (await rowIds(page)).length >= 2, 'both again')
    await page.close()
  }, 60_000)

  test('attributes - 375 px, light and dark: the sidebar editor fits the screen and axe finds nothing serious', async () => {
    const problems: string[] = []
    for (const theme of ['light', 'dark'] as const) {
      const page = await annaPanel({ width: 375, height: 740 }, theme)
      await open(page, conv.seats)
      await page.getByRole('button', { name: 'Visitor details', exact: true }).click()
      const plan = conversationSection(page).getByLabel('Plan', { exact: true })
      await plan.waitFor()
      expect(await plan.inputValue()).toBe('Pro')
      expect(await visitorSection(page).getByLabel('Seats', { exact: true }).inputValue()).toBe(
        '12',
      )
      for (const field of await sidebar(page).locator('.attr-field').all()) {
        const box = await field.boundingBox()
        expect(box && box.x >= 0 && box.x + box.width <= 375).toBe(true)
      }
      for (const v of await violations(page)) problems.push(`${theme}: ${v}`)
      await page.close()
    }
    expect(problems).toEqual([])
  }, 60_000)
})
