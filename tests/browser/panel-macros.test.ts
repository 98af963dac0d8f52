/**
 * Macros and auto-resolve in the panel (issue 20): the admin builds a macro in an inbox's
 * settings (a label, a priority, a reply and resolve; actions moved with the keyboard; a taken
 * name refused next to its field); Anna, an operator of the inbox, runs it from the thread's
 * "Macros" menu with the keyboard alone, and the thread shows the reply and who did what while
 * the row shows the label and the priority; a macro that no longer fits (its label deleted since)
 * is refused with the server's words and changes nothing; the inbox's auto-resolve settings are
 * saved and read back. axe-core finds nothing serious, desktop and 375 px, light and dark,
 * English and Russian. What the panel saved is checked through the API.
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
const REPLY = 'We are sorry! Your refund is on its way.'

describe.skipIf(skipBrowserTests)('panel macros', () => {
  const env = useServerAndBrowser()
  let inboxId = ''
  let adminToken = ''
  const anna = { email: `anna-${Date.now()}@example.com`, id: '' }
  const label = { refund: '', billing: '' }
  const conv = { refund: '', other: '' }

  const api = async (path: string, init: { method?: string; body?: unknown } = {}) => {
    const res = await env.server.http(path, { token: adminToken, ...init })
    if (res.status >= 300) throw new Error(`${path}: ${res.status} ${JSON.stringify(res.body)}`)
    return res.body
  }
  const conversation = async (id: string) => (await api(`/api/conversations/${id}`)).conversation
  const messages = async (id: string): Promise<Array<{ text: string }>> =>
    (await api(`/api/conversations/${id}/messages`)).messages
  const macros = async (): Promise<Array<{ id: string; name: string; actions: unknown[] }>> =>
    (await api(`/api/inboxes/${inboxId}/macros`)).macros
  const focused = (page: Page) =>
    page.evaluate(
      () =>
        document.activeElement?.getAttribute('aria-label') ??
        document.activeElement?.textContent ??
        '',
    )

  /** Anna's panel (her own origin), in a language, optionally at a size. */
  async function annaPanel(
    opts: { viewport?: { width: number; height: number }; ru?: boolean } = {},
  ): Promise<Page> {
    const page = await env.browser.context.newPage()
    await page.addInitScript(`localStorage.setItem('parley:lang', '${opts.ru ? 'ru' : 'en'}')`)
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

  const pane = (page: Page) => page.locator('.pane.conversation')
  const row = (page: Page, id: string) =>
    page.locator(`.conversation-row[data-conversation-id="${id}"]`)

  /** Opens a conversation from the list; its Macros button shows once its inbox's loaded. */
  async function open(page: Page, id: string, macrosName = 'Macros') {
    await row(page, id).click()
    await pane(page).getByRole('button', { name: macrosName }).waitFor()
  }

  /** The admin's settings page and its inbox's macros, in a language. */
  async function macroSettings(ru = false) {
    const panel = await PanelPage.open(env.browser.context, env.server.url, {
      initScript: `localStorage.setItem('parley:lang', '${ru ? 'ru' : 'en'}')`,
    })
    await panel.page.getByRole('button', { name: ru ? 'Настройки' : 'Settings' }).click()
    const section = panel.page.getByRole('region', { name: ru ? 'Макросы' : 'Macros' })
    await section.waitFor()
    return { page: panel.page, section }
  }

  beforeAll(async () => {
    const s = env.server
    adminToken = await s.adminToken()
    inboxId = await s.defaultInboxId()
    // Away: routing gives the signed-in admin none of the waiting conversations.
    await api('/api/me/status', { method: 'PUT', body: { status: 'away' } })
    anna.id = (
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
    ).id
    for (const [key, name, color] of [
      ['refund', 'Refund', '#16a34a'],
      ['billing', 'Billing', '#2563eb'],
    ] as const) {
      label[key] = (
        await api(`/api/admin/inboxes/${inboxId}/labels`, { body: { name, color } })
      ).label.id
    }
    conv.refund = (await httpStart(s, undefined, 'I want a refund')).id
    conv.other = (await httpStart(s, undefined, 'Where is my parcel?')).id
  }, 60_000)

  test('macros - the admin builds one in the inbox settings: a label, a priority, a reply and resolve, moved into order; a taken name is refused next to its field', async () => {
    const { page, section } = await macroSettings()
    await section.getByRole('button', { name: 'New macro' }).click()
    const form = section.getByRole('form', { name: 'New macro' })
    // The editor opens on its name, with one action to start from.
    await until(
      () => form.getByLabel('Name').evaluate((el) => el === document.activeElement),
      'the name focused',
    )
    await form.getByLabel('Name').fill('Refund request')
    const steps = form.getByRole('list', { name: 'Actions' }).locator(':scope > li')
    expect(await steps.count()).toBe(1)

    await form.getByRole('combobox', { name: 'Action 1' }).selectOption({ label: 'Add labels' })
    await steps.nth(0).getByRole('checkbox', { name: 'Refund' }).check()
    // "Add action" puts the focus on the new one's kind.
    await form.getByRole('button', { name: 'Add action' }).click()
    expect(await focused(page)).toBe('Action 2')
    await form
      .getByRole('combobox', { name: 'Action 2' })
      .selectOption({ label: 'Set the priority' })
    await steps.nth(1).getByRole('combobox', { name: 'Priority' }).selectOption({ label: 'High' })
    await form.getByRole('button', { name: 'Add action' }).click()
    await form
      .getByRole('combobox', { name: 'Action 3' })
      .selectOption({ label: 'Resolve or close' })
    await form.getByRole('button', { name: 'Add action' }).click()
    await steps.nth(3).getByLabel('Reply').fill(REPLY)
    // The reply goes before resolving: moved up from the keyboard, the focus goes with it.
    await steps.nth(3).getByRole('button', { name: 'Move action 4 up' }).focus()
    await page.keyboard.press('Enter')
    expect(await focused(page)).toBe('Action 3')
    expect(await form.getByRole('combobox', { name: 'Action 3' }).inputValue()).toBe('send_message')
    expect(await steps.nth(2).getByLabel('Reply').inputValue()).toBe(REPLY)

    await form.getByRole('button', { name: 'Add macro' }).click()
    await section.getByRole('list', { name: 'Macros' }).getByText('Refund request').waitFor()
    expect(await section.getByRole('list', { name: 'Macros' }).innerText()).toContain('4 actions')
    const saved = await macros()
    expect(saved.map((m) => [m.name, m.actions])).toEqual([
      [
        'Refund request',
        [
          { type: 'add_labels', labelIds: [label.refund] },
          { type: 'set_priority', priority: 'high' },
          { type: 'send_message', text: REPLY },
          { type: 'set_status', status: 'resolved' },
        ],
      ],
    ])
    // Back on "New macro" once it is created.
    expect(await focused(page)).toBe('New macro')

    // A name the inbox has, whatever its case: refused next to the name, nothing saved.
    await page.keyboard.press('Enter')
    const again = section.getByRole('form', { name: 'New macro' })
    await again.getByLabel('Name').fill('refund request')
    await again.getByLabel('Reply').fill('Hello')
    await again.getByRole('button', { name: 'Add macro' }).click()
    await again
      .getByRole('alert')
      .filter({ hasText: 'Another macro of this inbox has this name.' })
      .waitFor()
    expect(await again.getByLabel('Name').getAttribute('aria-invalid')).toBe('true')
    expect((await macros()).length).toBe(1)

    // An action the server refuses (a transfer to no branch): marked, and said under the form.
    await again.getByLabel('Name').fill('Escalate')
    await again.getByRole('combobox', { name: 'Action 1' }).selectOption({
      label: 'Transfer to a branch',
    })
    await again.getByRole('button', { name: 'Add macro' }).click()
    await until(
      async () =>
        (await again.getByRole('combobox', { name: 'Action 1' }).getAttribute('aria-invalid')) ===
        'true',
      'the action marked',
    )
    expect(await again.getByRole('alert').innerText()).toContain('actions[0]')
    expect((await macros()).length).toBe(1)

    const problems: string[] = []
    for (const theme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: theme })
      for (const v of await violations(page)) problems.push(`${theme}: ${v}`)
    }
    expect(problems).toEqual([])
    await again.getByRole('button', { name: 'Cancel' }).click()
    await page.close()
  }, 60_000)

  test('macros - Anna runs one from the thread with the keyboard: the reply and the lines show, the row shows the label and the priority', async () => {
    const page = await annaPanel()
    await open(page, conv.refund)
    const button = pane(page).getByRole('button', { name: 'Macros' })
    expect(await button.getAttribute('aria-haspopup')).toBe('menu')
    await button.focus()
    await page.keyboard.press('Enter')
    const menu = pane(page).getByRole('menu', { name: 'Macros' })
    await menu.waitFor()
    expect(await menu.getByRole('menuitem').allInnerTexts()).toEqual(['Refund request'])
    expect(await focused(page)).toBe('Refund request')
    await page.keyboard.press('Enter')
    await menu.waitFor({ state: 'detached' })

    await pane(page).locator('.messages .row', { hasText: REPLY }).waitFor()
    for (const line of [
      'Anna Lee added label Refund',
      'Anna Lee set priority to High',
      'Resolved by Anna Lee',
    ]) {
      await pane(page).locator('.sys-line', { hasText: line }).waitFor()
    }
    const stored = await conversation(conv.refund)
    expect([stored.status, stored.priority, stored.labels]).toEqual([
      'resolved',
      'high',
      [label.refund],
    ])
    expect((await messages(conv.refund)).filter((m) => m.text === REPLY).length).toBe(1)
    // The menu button is back, with the focus.
    await until(async () => (await focused(page)) === 'Macros', 'the focus back on Macros')
    const r = row(page, conv.refund)
    await until(async () => (await r.locator('.priority').count()) === 1, 'the row marked')
    expect(await r.locator('.priority').innerText()).toBe('High')
    expect(await r.locator('.tag').allInnerTexts()).toEqual(['Refund'])
    await page.close()
  }, 60_000)

  test('macros - one that no longer fits (its label deleted since) is refused with the server’s words and changes nothing', async () => {
    const temp = (
      await api(`/api/admin/inboxes/${inboxId}/labels`, {
        body: { name: 'Temp', color: '#dc2626' },
      })
    ).label.id
    await api(`/api/admin/inboxes/${inboxId}/macros`, {
      body: {
        name: 'Tag and greet',
        actions: [
          { type: 'add_labels', labelIds: [temp] },
          { type: 'send_message', text: 'Hello from the macro' },
        ],
      },
    })
    await api(`/api/admin/labels/${temp}`, { method: 'DELETE' })

    const page = await annaPanel()
    await open(page, conv.other)
    await pane(page).getByRole('button', { name: 'Macros' }).click()
    await pane(page).getByRole('menuitem', { name: 'Tag and greet' }).click()
    const notice = pane(page).locator('.notice[role="alert"]')
    await notice.waitFor()
    expect(await notice.innerText()).toContain('is not a label of this inbox')
    expect(await notice.innerText()).toContain('validation_failed')
    const stored = await conversation(conv.other)
    expect([stored.status, stored.labels ?? []]).toEqual(['open', []])
    expect((await messages(conv.other)).map((m) => m.text)).toEqual(['Where is my parcel?'])
    // No line says a label was added (the thread may say how it was routed).
    const lines = await pane(page).locator('.sys-line').allInnerTexts()
    expect(lines.filter((line) => /label|Temp/.test(line))).toEqual([])
    await page.close()
  }, 60_000)

  test('auto-resolve - the admin sets the days and the message in both languages; they are saved and read back; too many days are refused next to the field', async () => {
    const panel = await PanelPage.open(env.browser.context, env.server.url, {
      initScript: "localStorage.setItem('parley:lang', 'en')",
    })
    const page = panel.page
    await page.getByRole('button', { name: 'Settings' }).click()
    const form = page.locator(`form.inbox-form[data-inbox="${inboxId}"]`)
    const days = form.getByLabel(
      'Resolve open conversations after (days without a message, 0 = never)',
    )
    const message = form.getByRole('group', {
      name: 'Message sent before resolving automatically (empty: none)',
    })
    await days.fill('400')
    await form.getByRole('button', { name: 'Save' }).click()
    await form.locator('.error[role="alert"]').waitFor()
    expect(await days.getAttribute('aria-invalid')).toBe('true')

    await days.fill('7')
    await message.getByLabel('English').fill('We closed this for now: write again any time.')
    await message.getByLabel('Russian').fill('Мы пока закрыли этот диалог: пишите в любое время.')
    await form.getByRole('button', { name: 'Save' }).click()
    await form.getByRole('status').filter({ hasText: 'Saved' }).waitFor()
    const inbox = (await api('/api/admin/inboxes')).inboxes.find(
      (i: { id: string }) => i.id === inboxId,
    )
    expect([inbox.settings.autoResolveAfterDays, inbox.settings.autoResolveMessage]).toEqual([
      7,
      {
        en: 'We closed this for now: write again any time.',
        ru: 'Мы пока закрыли этот диалог: пишите в любое время.',
      },
    ])

    await page.reload()
    await page.getByRole('button', { name: 'Settings' }).click()
    await days.waitFor()
    expect(await days.inputValue()).toBe('7')
    expect(await message.getByLabel('Russian').inputValue()).toBe(
      'Мы пока закрыли этот диалог: пишите в любое время.',
    )
    await page.close()
  }, 60_000)

  test('macros - fit a 375 px phone; axe finds nothing serious in the menu and the editor, light and dark, desktop and phone, English and Russian', async () => {
    const problems: string[] = []
    for (const ru of [false, true]) {
      const page = await annaPanel({ viewport: { width: 375, height: 740 }, ru })
      await open(page, conv.other, ru ? 'Макросы' : 'Macros')
      await pane(page)
        .getByRole('button', { name: ru ? 'Макросы' : 'Macros' })
        .click()
      const menu = pane(page).getByRole('menu')
      await menu.waitFor()
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
            problems.push(`${ru ? 'ru' : 'en'} menu ${width} ${theme}: ${v}`)
          }
        }
      }
      await page.close()
    }

    // The editor, in Russian, on a phone and on a desktop.
    const { page, section } = await macroSettings(true)
    await section.getByRole('button', { name: 'Изменить Refund request' }).click()
    const form = section.getByRole('form', { name: 'Изменить Refund request' })
    await form.getByRole('combobox', { name: 'Действие 4' }).waitFor()
    for (const width of [375, 1280]) {
      await page.setViewportSize({ width, height: 800 })
      for (const theme of ['light', 'dark'] as const) {
        await page.emulateMedia({ colorScheme: theme })
        for (const v of await violations(page)) problems.push(`ru editor ${width} ${theme}: ${v}`)
      }
    }
    await form.getByRole('button', { name: 'Отмена' }).click()
    await page.close()
    expect(problems).toEqual([])
  }, 120_000)
})
