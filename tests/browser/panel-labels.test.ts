/**
 * Priority and labels in the panel (issue 20): the admin defines an inbox's labels in its
 * settings (a taken name is refused next to the field; rename, recolor, delete after a
 * confirmation); Anna, an operator of the inbox, sets a conversation's priority and adds and
 * removes its labels from the thread's header with the keyboard alone, and the thread says who
 * did what; list rows show the priority (in words) and at most three labels, then "+N"; the list
 * filters by label and by priority and sorts by priority; a label the admin deletes leaves the
 * rows, and the thread says the system removed it. axe-core finds nothing serious, desktop and
 * 375 px, light and dark, English and Russian. What the panel saved is checked through the API.
 *
 * Two operators in one browser: the admin's panel on 127.0.0.1, Anna's on localhost, another
 * origin, so each keeps its own login.
 */
import { beforeAll, describe, expect, test } from 'bun:test'
import type { Page } from 'playwright-core'
import { httpStart } from '../helpers/http.ts'
import { violations } from './axe.ts'
import { skipBrowserTests, until, useServerAndBrowser } from './harness.ts'
import { PanelPage } from './panel-page.ts'

const PASSWORD = 'operator-password-1'
const EN = "localStorage.setItem('parley:lang', 'en')"
const RU = "localStorage.setItem('parley:lang', 'ru')"

interface Label {
  id: string
  name: string
  color: string
}

describe.skipIf(skipBrowserTests)('panel labels and priority', () => {
  const env = useServerAndBrowser()
  let inboxId = ''
  let adminToken = ''
  const anna = { email: `anna-${Date.now()}@example.com`, token: '' }
  /** Conversations by the visitor's first words. */
  const conv: Record<'parcel' | 'refund' | 'login', string> = { parcel: '', refund: '', login: '' }

  const api = async (path: string, init: { method?: string; body?: unknown } = {}) => {
    const res = await env.server.http(path, { token: adminToken, ...init })
    if (res.status >= 300) throw new Error(`${path}: ${res.status} ${JSON.stringify(res.body)}`)
    return res.body
  }
  const labels = async (): Promise<Label[]> => (await api(`/api/inboxes/${inboxId}/labels`)).labels
  const labelId = async (name: string) => (await labels()).find((l) => l.name === name)?.id ?? ''
  const conversation = async (id: string) => (await api(`/api/conversations/${id}`)).conversation

  /** Anna's panel (her own origin), in a language, optionally at a size. */
  async function annaPanel(
    opts: { viewport?: { width: number; height: number }; ru?: boolean } = {},
  ): Promise<Page> {
    const page = await env.browser.context.newPage()
    await page.addInitScript(opts.ru ? RU : EN)
    if (opts.viewport) await page.setViewportSize(opts.viewport)
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

  const row = (page: Page, id: string) =>
    page.locator(`.conversation-row[data-conversation-id="${id}"]`)
  const rowIds = (page: Page) =>
    page
      .locator('.conversation-row')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-conversation-id') ?? ''))
  const focusedName = (page: Page) =>
    page.evaluate(
      () =>
        document.activeElement?.getAttribute('aria-label') ?? document.activeElement?.textContent,
    )

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
    conv.parcel = (await httpStart(s, undefined, 'Where is my parcel?')).id
    conv.refund = (await httpStart(s, undefined, 'I want a refund')).id
    conv.login = (await httpStart(s, undefined, 'Cannot log in')).id
  }, 60_000)

  test('labels - the admin adds, renames, recolors and deletes labels in the inbox settings; a taken name is refused next to its field', async () => {
    const panel = await PanelPage.open(env.browser.context, env.server.url)
    const page = panel.page
    await page.getByRole('button', { name: 'Settings' }).click()
    const section = page.getByRole('region', { name: 'Labels' })
    await section.waitFor()
    const form = section.getByRole('form', { name: 'New label' })
    for (const [name, color] of [
      ['Billing', '#2563eb'],
      ['VIP', '#7c3aed'],
      ['Bug', '#dc2626'],
      ['Refund', '#16a34a'],
      ['Shipping', '#d97706'],
    ] as const) {
      await form.getByLabel('Name').fill(name)
      await form.getByLabel('Color').fill(color)
      await form.getByRole('button', { name: 'Add label' }).click()
      await section.getByRole('list', { name: 'Labels' }).getByText(name, { exact: true }).waitFor()
      // Emptied for the next one.
      await until(async () => (await form.getByLabel('Name').inputValue()) === '', 'form emptied')
    }
    expect((await labels()).map((l) => [l.name, l.color])).toEqual([
      ['Billing', '#2563eb'],
      ['Bug', '#dc2626'],
      ['Refund', '#16a34a'],
      ['Shipping', '#d97706'],
      ['VIP', '#7c3aed'],
    ])

    // A name the inbox has, whatever its case: refused, said next to the name.
    await form.getByLabel('Name').fill('billing')
    await form.getByRole('button', { name: 'Add label' }).click()
    await form
      .getByRole('alert')
      .filter({ hasText: 'Another label of this inbox has this name.' })
      .waitFor()
    const name = form.getByLabel('Name')
    expect(await name.getAttribute('aria-invalid')).toBe('true')
    const describedBy = (await name.getAttribute('aria-describedby')) ?? ''
    expect(await page.locator(`[id="${describedBy}"]`).innerText()).toContain('Another label')
    expect((await labels()).length).toBe(5)
    await name.fill('')

    // Rename and recolor in place; the focus goes back to the row's Edit button.
    await section.getByRole('button', { name: 'Edit Refund' }).click()
    const edit = section.getByRole('form', { name: 'Edit Refund' })
    await until(
      () => edit.getByLabel('Name').evaluate((el) => el === document.activeElement),
      'the name focused',
    )
    await edit.getByLabel('Name').fill('Refunds')
    await edit.getByLabel('Color').fill('#0891b2')
    await edit.getByRole('button', { name: 'Save' }).click()
    await section.getByRole('button', { name: 'Edit Refunds' }).waitFor()
    expect(await focusedName(page)).toBe('Edit Refunds')
    expect((await labels()).find((l) => l.name === 'Refunds')?.color).toBe('#0891b2')

    // Delete after a confirmation (Cancel first keeps it).
    await section.getByRole('button', { name: 'Delete Shipping' }).click()
    let dialog = page.getByRole('dialog', { name: 'Delete the label Shipping?' })
    await dialog.getByRole('button', { name: 'Cancel' }).click()
    await dialog.waitFor({ state: 'detached' })
    expect((await labels()).length).toBe(5)
    await section.getByRole('button', { name: 'Delete Shipping' }).click()
    dialog = page.getByRole('dialog', { name: 'Delete the label Shipping?' })
    await dialog.getByText('It is removed from every conversation that has it.').waitFor()
    await dialog.getByRole('button', { name: 'Delete label' }).click()
    await section.getByRole('button', { name: 'Delete Shipping' }).waitFor({ state: 'detached' })
    expect((await labels()).map((l) => l.name)).toEqual(['Billing', 'Bug', 'Refunds', 'VIP'])

    const problems: string[] = []
    for (const theme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: theme })
      for (const v of await violations(page)) problems.push(`${theme}: ${v}`)
    }
    expect(problems).toEqual([])
    await page.close()
  }, 60_000)

  test('labels - Anna sets the priority and adds and removes labels from the header with the keyboard; the thread says who did it', async () => {
    const page = await annaPanel()
    await open(page, conv.parcel)
    const pane = page.locator('.pane.conversation')

    // The priority select takes "u" for Urgent.
    const priority = pane.getByRole('combobox', { name: 'Priority' })
    await priority.focus()
    await page.keyboard.press('u')
    await until(async () => (await conversation(conv.parcel)).priority === 'urgent', 'urgent')
    await pane.locator('.sys-line', { hasText: 'Anna Lee set priority to Urgent' }).waitFor()

    // "Add label" from the keyboard: Enter opens the filter box, typing narrows, Enter adds.
    const add = pane.getByRole('button', { name: 'Add label' })
    await add.focus()
    await page.keyboard.press('Enter')
    const box = pane.getByRole('combobox', { name: 'Find a label' })
    await until(() => box.evaluate((el) => el === document.activeElement), 'the box focused')
    expect(await pane.getByRole('listbox', { name: 'Labels' }).getByRole('option').count()).toBe(4)
    await page.keyboard.type('bil')
    expect(await pane.getByRole('listbox').getByRole('option').allInnerTexts()).toEqual(['Billing'])
    await page.keyboard.press('Enter')
    const chips = pane.getByRole('list', { name: 'Labels' })
    await chips.getByText('Billing').waitFor()
    expect(await add.evaluate((el) => el === document.activeElement)).toBe(true)

    // Arrows move through the rest (Bug, Refunds, VIP); Escape closes back onto the button.
    await page.keyboard.press('Enter')
    await page.keyboard.press('ArrowDown')
    await page.keyboard.press('ArrowDown')
    const active = await box.getAttribute('aria-activedescendant')
    expect(await page.locator(`[id="${active}"]`).innerText()).toBe('VIP')
    await page.keyboard.press('Escape')
    await box.waitFor({ state: 'detached' })
    expect(await add.evaluate((el) => el === document.activeElement)).toBe(true)
    await page.keyboard.press('Enter')
    await page.keyboard.press('ArrowUp')
    await page.keyboard.press('Enter')
    await chips.getByText('VIP').waitFor()
    await until(
      async () => (await conversation(conv.parcel)).labels?.length === 2,
      'two labels stored',
    )
    expect((await conversation(conv.parcel)).labels).toEqual([
      await labelId('Billing'),
      await labelId('VIP'),
    ])
    await pane.locator('.sys-line', { hasText: 'Anna Lee added label Billing' }).waitFor()
    await pane.locator('.sys-line', { hasText: 'Anna Lee added label VIP' }).waitFor()

    // Removing one hands the focus on to the next chip's button, else to "Add label".
    await pane.getByRole('button', { name: 'Remove label Billing' }).focus()
    await page.keyboard.press('Enter')
    await chips.getByText('Billing').waitFor({ state: 'detached' })
    expect(await focusedName(page)).toBe('Remove label VIP')
    await pane.locator('.sys-line', { hasText: 'Anna Lee removed label Billing' }).waitFor()
    expect((await conversation(conv.parcel)).labels).toEqual([await labelId('VIP')])

    // The row says it in words: urgent, and its label.
    const mark = row(page, conv.parcel).locator('.priority')
    await until(async () => (await mark.innerText().catch(() => '')) === 'Urgent', 'urgent row')
    expect(await row(page, conv.parcel).locator('.tag').allInnerTexts()).toEqual(['VIP'])
    await page.close()
  }, 60_000)

  test('labels - rows show at most three labels and +N; a label the admin deletes leaves them, and the thread says the system removed it', async () => {
    const [billing, bug, refunds, vip] = await Promise.all(
      ['Billing', 'Bug', 'Refunds', 'VIP'].map(labelId),
    )
    await api(`/api/conversations/${conv.refund}/labels`, {
      method: 'POST',
      body: { add: [refunds, billing, bug, vip] },
    })
    await api(`/api/conversations/${conv.refund}/priority`, {
      method: 'POST',
      body: { priority: 'high' },
    })
    const page = await annaPanel()
    await open(page, conv.refund)
    const r = row(page, conv.refund)
    await until(async () => (await r.locator('.tag').count()) === 4, 'three chips and +1')
    expect(await r.locator('.tag').allInnerTexts()).toEqual(['Refunds', 'Billing', 'Bug', '+1'])
    expect(await r.locator('.tag-more').getAttribute('title')).toBe('VIP')
    expect(await r.locator('.priority').innerText()).toBe('High')
    // The header shows all four, in the order they were added.
    const chips = page.locator('.pane.conversation').getByRole('list', { name: 'Labels' })
    expect(await chips.locator('.tag-name').allInnerTexts()).toEqual([
      'Refunds',
      'Billing',
      'Bug',
      'VIP',
    ])

    await api(`/api/admin/labels/${bug}`, { method: 'DELETE' })
    await until(async () => (await r.locator('.tag').count()) === 3, 'the deleted label gone')
    expect(await r.locator('.tag').allInnerTexts()).toEqual(['Refunds', 'Billing', 'VIP'])
    await page.locator('.sys-line', { hasText: 'System removed label Bug' }).waitFor()
    expect(await chips.locator('.tag-name').allInnerTexts()).toEqual(['Refunds', 'Billing', 'VIP'])
    await page.close()
  }, 60_000)

  test('labels - the list filters by label and by priority and sorts by priority', async () => {
    const page = await annaPanel()
    await page.getByRole('tab', { name: /^All/ }).click()
    await until(async () => (await rowIds(page)).length === 3, 'three rows')
    const filters = page.locator('.list-filters')

    await filters.getByRole('combobox', { name: 'Label' }).selectOption({ label: 'VIP' })
    await until(async () => {
      const ids = (await rowIds(page)).sort()
      return ids.join() === [conv.parcel, conv.refund].sort().join()
    }, 'the rows labelled VIP')
    await filters.getByRole('combobox', { name: 'Label' }).selectOption({ label: 'Billing' })
    await until(async () => (await rowIds(page)).join() === conv.refund, 'the row labelled Billing')
    await filters.getByRole('combobox', { name: 'Label' }).selectOption({ label: 'Any label' })

    await filters.getByRole('combobox', { name: 'Priority' }).selectOption('high')
    await until(async () => (await rowIds(page)).join() === conv.refund, 'the high one')
    await filters.getByRole('combobox', { name: 'Priority' }).selectOption('normal')
    await until(async () => (await rowIds(page)).join() === conv.login, 'the normal one')
    await filters.getByRole('combobox', { name: 'Priority' }).selectOption('')
    await until(async () => (await rowIds(page)).length === 3, 'three rows again')

    // Most urgent first: urgent, high, normal.
    await filters.getByRole('combobox', { name: 'Sort by' }).selectOption('priority')
    await until(
      async () => (await rowIds(page)).join() === [conv.parcel, conv.refund, conv.login].join(),
      'urgent, high, normal',
    )
    // The server agrees (a reload keeps the order).
    await page.reload()
    await page.locator('.shell[data-connection="connected"]').waitFor()
    await page
      .locator('.list-filters')
      .getByRole('combobox', { name: 'Sort by' })
      .selectOption('priority')
    await until(
      async () => (await rowIds(page)).join() === [conv.parcel, conv.refund, conv.login].join(),
      'the same order from the server',
    )
    const listed = await env.server.http(
      `/api/inbox?view=all&sort=priority&label=${await labelId('VIP')}`,
      {
        token: anna.token,
      },
    )
    expect(listed.body.items.map((i: { id: string }) => i.id)).toEqual([conv.parcel, conv.refund])
    await page.close()
  }, 60_000)

  test('labels - fits a 375 px phone; axe finds nothing serious, light and dark, desktop and phone, English and Russian', async () => {
    const problems: string[] = []
    for (const ru of [false, true]) {
      const page = await annaPanel({ viewport: { width: 375, height: 740 }, ru })
      await open(page, conv.refund)
      const pane = page.locator('.pane.conversation')
      if (ru) {
        expect(await pane.locator('.conv-details').innerText()).toContain('Приоритет')
        await pane.locator('.sys-line', { hasText: 'Добавлены метки' }).waitFor()
        await pane.getByRole('button', { name: 'Добавить метку' }).click()
        await pane.getByRole('combobox', { name: 'Найти метку' }).waitFor()
      } else {
        await pane.getByRole('button', { name: 'Add label' }).click()
        await pane.getByRole('combobox', { name: 'Find a label' }).waitFor()
      }
      // The picker stays on screen, and nothing scrolls sideways.
      const box = await pane.locator('.tag-picker').boundingBox()
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
      // The list with its filters, marks and chips (the phone shows the list alone).
      await page.setViewportSize({ width: 375, height: 740 })
      await page.keyboard.press('Escape')
      await page.locator('.pane.conversation .back').click()
      await row(page, conv.refund).locator('.priority').waitFor()
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
