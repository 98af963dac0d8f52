/**
 * Automation rules in the panel (issue 20): in an inbox's settings the admin builds a rule with
 * the keyboard alone (two conditions, two actions), sees it listed in run order, moves it up
 * (the focus follows it), switches it off, changes it (a server refusal marks the action it
 * names), dry-runs it (the count the server gives, in words) and deletes it after a
 * confirmation. What the panel saved is checked through the API. A rule that notifies
 * teammates (rules only: the macro editor does not offer it) is built with the keyboard too: a
 * note without anyone to notify, or a blank one, is said before sending; a teammate who left the
 * inbox is refused by the server on that action. A conversation a rule noted names "Automation
 * rule" as the note's author. A rule that sends a webhook (rules only too) is built with the
 * keyboard: it offers the inbox's HTTP endpoints (a switched-off one marked), says so before
 * sending when none is chosen, and an endpoint deleted meanwhile is refused by the server on that
 * action; what it posts is named "Automation rule" in the endpoint's delivery log. Whoever may
 * not list the endpoints (a 403) is told so instead of a select. axe-core finds nothing serious,
 * desktop and 375 px, light and dark, English and Russian (a notify and a webhook action open in
 * the editor).
 */
import { beforeAll, describe, expect, test } from 'bun:test'
import type { Locator, Page } from 'playwright-core'
import { httpStart } from '../helpers/http.ts'
import { violations } from './axe.ts'
import { skipBrowserTests, until, useServerAndBrowser } from './harness.ts'
import { PanelPage } from './panel-page.ts'

interface SavedRule {
  id: string
  name: string
  enabled: boolean
  event: string
  waitMinutes: number | null
  conditions: unknown[]
  actions: unknown[]
}

describe.skipIf(skipBrowserTests)('panel automation rules', () => {
  // The rules' webhook endpoints are on 127.0.0.1 (nothing listens on port 9: posts fail).
  const env = useServerAndBrowser({ WEBHOOK_ALLOW_HOSTS: '127.0.0.1' })
  let inboxId = ''
  let adminToken = ''
  const label = { refund: '' }
  const teammate = { anna: '', ben: '' }
  let noted = ''
  const endpoint = { crm: '', off: '' }

  const api = async (path: string, init: { method?: string; body?: unknown } = {}) => {
    const res = await env.server.http(path, { token: adminToken, ...init })
    if (res.status >= 300) throw new Error(`${path}: ${res.status} ${JSON.stringify(res.body)}`)
    return res.body
  }
  const rules = async (): Promise<SavedRule[]> =>
    (await api(`/api/admin/inboxes/${inboxId}/rules`)).rules
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

  /** The admin's settings page and its inbox's rules, in a language, optionally at a size. */
  async function ruleSettings(opts: { ru?: boolean; width?: number } = {}) {
    const panel = await PanelPage.open(env.browser.context, env.server.url, {
      initScript: `localStorage.setItem('parley:lang', '${opts.ru ? 'ru' : 'en'}')`,
      viewport: opts.width ? { width: opts.width, height: 800 } : undefined,
    })
    const page = panel.page
    await press(page, page.getByRole('button', { name: opts.ru ? 'Настройки' : 'Settings' }))
    const section = page.getByRole('region', {
      name: opts.ru ? 'Правила автоматизации' : 'Automation rules',
    })
    await section.waitFor()
    return { page, section }
  }

  beforeAll(async () => {
    const s = env.server
    adminToken = await s.adminToken()
    inboxId = await s.defaultInboxId()
    await api('/api/me/status', { method: 'PUT', body: { status: 'away' } })
    label.refund = (
      await api(`/api/admin/inboxes/${inboxId}/labels`, {
        body: { name: 'Refund', color: '#16a34a' },
      })
    ).label.id
    await api(`/api/admin/inboxes/${inboxId}/rules`, {
      body: {
        name: 'Greet at night',
        event: 'conversation.created',
        waitMinutes: null,
        conditions: [{ field: 'business_hours', op: 'is', value: false }],
        actions: [{ type: 'add_note', text: 'Started outside business hours' }],
      },
    })
    await api(`/api/admin/inboxes/${inboxId}/rules`, {
      body: {
        name: 'Note every start',
        event: 'conversation.created',
        waitMinutes: null,
        conditions: [],
        actions: [{ type: 'add_note', text: 'Checked by a rule' }],
      },
    })
    for (const [key, description] of [
      ['crm', 'CRM sync'],
      ['off', ''],
    ] as const) {
      endpoint[key] = (
        await api('/api/webhooks', {
          body: {
            inboxId,
            url: `http://127.0.0.1:9/${key}`,
            description,
            events: ['conversation.resolved'],
          },
        })
      ).endpoint.id
    }
    await api(`/api/webhooks/${endpoint.off}`, { method: 'PATCH', body: { enabled: false } })
    noted = (await httpStart(s, undefined, 'I want a refund for my order')).id
    await httpStart(s, undefined, 'Where is my parcel?')
    for (const [key, name] of [
      ['anna', 'Anna Lee'],
      ['ben', 'Ben Ortiz'],
    ] as const) {
      teammate[key] = (
        await api('/api/admin/operators', {
          body: {
            email: `${key}@example.com`,
            name,
            password: 'operator-password-1',
            role: 'operator',
            canChat: true,
            inboxIds: [inboxId],
          },
        })
      ).id
    }
  }, 60_000)

  test('rules - the admin builds one with the keyboard: two conditions, two actions; it is listed after the others', async () => {
    const { page, section } = await ruleSettings()
    const list = section.getByRole('list', { name: 'Automation rules' })
    await list.getByText('Greet at night').waitFor()
    await press(page, section.getByRole('button', { name: 'New rule' }))
    const form = section.getByRole('form', { name: 'New rule' })
    await until(
      () => form.getByLabel('Name').evaluate((el) => el === document.activeElement),
      'the name focused',
    )
    await page.keyboard.type('Refund triage')
    await form.getByLabel('When').focus()
    await form.getByLabel('When').selectOption({ label: 'A message is sent' })
    expect(await form.getByLabel('Minutes').count()).toBe(0)

    // "Add condition" puts the focus on the new condition's field.
    await press(page, form.getByRole('button', { name: 'Add condition' }))
    expect(await focused(page)).toBe('Condition 1')
    await form.getByLabel('Condition 1', { exact: true }).selectOption({ label: 'Message text' })
    expect(
      await form.getByLabel('Condition 1 comparison').locator('option').allInnerTexts(),
    ).toEqual(['contains', 'does not contain'])
    await form.getByLabel('Condition 1 value').focus()
    await page.keyboard.type('refund')
    await press(page, form.getByRole('button', { name: 'Add condition' }))
    expect(await focused(page)).toBe('Condition 2')
    await form.getByLabel('Condition 2', { exact: true }).selectOption({ label: 'Label' })
    await form.getByLabel('Condition 2 comparison').selectOption({ label: 'does not have' })
    await form.getByLabel('Condition 2 value').selectOption({ label: 'Refund' })

    const steps = form.getByRole('list', { name: 'Actions' }).locator(':scope > li')
    await form.getByRole('combobox', { name: 'Action 1' }).selectOption({ label: 'Add labels' })
    await press(page, steps.nth(0).getByRole('checkbox', { name: 'Refund' }), 'Space')
    await press(page, form.getByRole('button', { name: 'Add action' }))
    expect(await focused(page)).toBe('Action 2')
    await form.getByRole('combobox', { name: 'Action 2' }).selectOption({ label: 'Assign' })
    // A rule runs by itself: nobody "runs" it, so it assigns to an operator or to nobody.
    const assignees = await steps.nth(1).getByLabel('Assign to').locator('option').allInnerTexts()
    expect(assignees).not.toContain('Whoever runs the macro')
    expect(assignees).toContain('Nobody (unassign)')

    await press(page, form.getByRole('button', { name: 'Add rule' }))
    await list.getByText('Refund triage').waitFor()
    expect(await focused(page)).toBe('New rule')
    const saved = (await rules()).map((r) => [r.name, r.event, r.conditions, r.actions])
    expect(saved).toEqual([
      ['Greet at night', expect.any(String), expect.any(Array), expect.any(Array)],
      ['Note every start', expect.any(String), expect.any(Array), expect.any(Array)],
      [
        'Refund triage',
        'message.created',
        [
          { field: 'message_text', op: 'contains', value: 'refund' },
          { field: 'label', op: 'has_not', value: label.refund },
        ],
        [
          { type: 'add_labels', labelIds: [label.refund] },
          { type: 'assign', to: null },
        ],
      ],
    ])
    const row = list.locator('li', { hasText: 'Refund triage' })
    expect(await row.innerText()).toContain('A message is sent')
    expect(await row.innerText()).toContain('Never ran')

    // Moved up twice from the keyboard: the focus stays with it, then goes to "down" at the top.
    await press(page, row.getByRole('button', { name: 'Move Refund triage up' }))
    await until(
      async () => (await rules()).map((r) => r.name)[1] === 'Refund triage',
      'moved to second',
    )
    await until(async () => (await focused(page)) === 'Move Refund triage up', 'focus kept')
    await page.keyboard.press('Enter')
    await until(
      async () => (await rules()).map((r) => r.name)[0] === 'Refund triage',
      'moved to first',
    )
    await until(async () => (await focused(page)) === 'Move Refund triage down', 'focus on down')
    expect(await list.locator(':scope > li').first().innerText()).toContain('Refund triage')

    // Switched off with the space bar.
    await press(page, row.getByRole('switch', { name: 'Refund triage is on' }), 'Space')
    await until(
      async () => (await rules()).find((r) => r.name === 'Refund triage')?.enabled === false,
      'switched off',
    )
    expect(await row.getByRole('switch').isChecked()).toBe(false)
    await page.close()
  }, 60_000)

  test('rules - the admin changes one: a refused action is marked and said, then it waits 30 minutes; a dry run says what it would have matched; it is deleted after a confirmation', async () => {
    const { page, section } = await ruleSettings()
    const list = section.getByRole('list', { name: 'Automation rules' })
    await press(page, list.getByRole('button', { name: 'Edit Refund triage' }))
    const form = section.getByRole('form', { name: 'Edit Refund triage' })
    await form.getByLabel('Condition 2 value').waitFor()

    await form.getByLabel('When').selectOption({ label: 'The visitor has waited' })
    await form.getByLabel('Minutes').fill('30')
    await press(page, form.getByRole('button', { name: 'Add action' }))
    await form
      .getByRole('combobox', { name: 'Action 3' })
      .selectOption({ label: 'Transfer to a branch' })
    await press(page, form.getByRole('button', { name: 'Save' }))
    // No branch chosen: the server refuses actions[2], which is marked and named.
    await until(
      async () =>
        (await form.getByRole('combobox', { name: 'Action 3' }).getAttribute('aria-invalid')) ===
        'true',
      'the action marked',
    )
    expect(await form.getByRole('alert').innerText()).toContain('actions[2]')
    expect((await rules()).find((r) => r.name === 'Refund triage')?.actions.length).toBe(2)

    await press(page, form.getByRole('button', { name: 'Remove action 3' }))
    expect(await focused(page)).toBe('Action 2')

    // The dry run of what is on screen: the server's numbers, in words, and the first matches.
    await form.getByLabel('Look back').selectOption({ label: '7 days' })
    await press(page, form.getByRole('button', { name: 'Dry run' }))
    const status = form.getByRole('status').filter({ hasText: 'This rule would have matched' })
    await status.waitFor()
    const expected = await api(`/api/admin/inboxes/${inboxId}/rules/dry-run`, {
      body: {
        event: 'conversation.waited',
        waitMinutes: 30,
        conditions: [
          { field: 'message_text', op: 'contains', value: 'refund' },
          { field: 'label', op: 'has_not', value: label.refund },
        ],
        days: 7,
      },
    })
    expect(await status.locator('p').innerText()).toBe(
      `This rule would have matched ${expected.matched} of ${expected.examined} conversations in the last 7 days`,
    )
    expect(expected.examined).toBeGreaterThanOrEqual(2)
    expect(await status.getByRole('link').count()).toBe(Math.min(5, expected.conversations.length))

    await press(page, form.getByRole('button', { name: 'Save' }))
    await form.waitFor({ state: 'detached' })
    const changed = (await rules()).find((r) => r.name === 'Refund triage')
    expect([changed?.event, changed?.waitMinutes, changed?.actions.length]).toEqual([
      'conversation.waited',
      30,
      2,
    ])
    const row = list.locator('li', { hasText: 'Refund triage' })
    await until(
      async () => (await row.innerText()).includes('The visitor has waited 30 min'),
      'the row in words',
    )
    expect(await focused(page)).toBe('Edit Refund triage')

    // A taken name is refused next to the name.
    await press(page, section.getByRole('button', { name: 'New rule' }))
    const again = section.getByRole('form', { name: 'New rule' })
    await again.getByLabel('Name').fill('greet at night')
    await again.getByLabel('Reply').fill('Hello')
    await press(page, again.getByRole('button', { name: 'Add rule' }))
    await again
      .getByRole('alert')
      .filter({ hasText: 'Another rule of this inbox has this name.' })
      .waitFor()
    expect(await again.getByLabel('Name').getAttribute('aria-invalid')).toBe('true')
    await press(page, again.getByRole('button', { name: 'Cancel' }))

    await press(page, list.getByRole('button', { name: 'Delete Refund triage' }))
    const dialog = page.getByRole('dialog', { name: 'Delete the rule Refund triage?' })
    await press(page, dialog.getByRole('button', { name: 'Delete rule' }))
    await dialog.waitFor({ state: 'detached' })
    await list.getByText('Refund triage').waitFor({ state: 'detached' })
    expect((await rules()).map((r) => r.name)).toEqual(['Greet at night', 'Note every start'])
    await page.close()
  }, 60_000)

  test('rules - a note a rule wrote names "Automation rule" as its author', async () => {
    const panel = await PanelPage.open(env.browser.context, env.server.url, {
      initScript: "localStorage.setItem('parley:lang', 'en')",
    })
    const page = panel.page
    await page.locator(`.conversation-row[data-conversation-id="${noted}"]`).click()
    const note = page.locator('.pane.conversation .note', { hasText: 'Checked by a rule' })
    await note.waitFor()
    expect(await note.locator('.note-author').innerText()).toBe('Automation rule')
    await page.close()
  }, 60_000)

  test('rules - one notifies teammates, chosen with the keyboard: nobody chosen or a blank note is said before sending, a teammate who left the inbox is refused on that action; macros do not offer it', async () => {
    const { page, section } = await ruleSettings()
    const list = section.getByRole('list', { name: 'Automation rules' })
    await list.getByText('Greet at night').waitFor()
    await press(page, section.getByRole('button', { name: 'New rule' }))
    const form = section.getByRole('form', { name: 'New rule' })
    await until(
      () => form.getByLabel('Name').evaluate((el) => el === document.activeElement),
      'the name focused',
    )
    await page.keyboard.type('Tell the team')
    const kind = form.getByRole('combobox', { name: 'Action 1' })
    await kind.focus()
    await kind.selectOption({ label: 'Notify teammates' })
    const step = form.getByRole('list', { name: 'Actions' }).locator(':scope > li').first()
    const teammates = step.getByRole('group', { name: 'Teammates' })
    await teammates.getByRole('checkbox', { name: 'Anna Lee' }).waitFor()
    await step.getByLabel('Note').focus()
    await page.keyboard.type('A refund request: please have a look')

    // Nobody to notify: said, and the action marked, before anything is sent.
    await press(page, form.getByRole('button', { name: 'Add rule' }))
    const alert = form.getByRole('alert')
    await alert.filter({ hasText: 'Action 1: choose at least one teammate to notify.' }).waitFor()
    expect(await kind.getAttribute('aria-invalid')).toBe('true')
    await press(page, teammates.getByRole('checkbox', { name: 'Anna Lee' }), 'Space')
    // A note of spaces only: the same.
    await step.getByLabel('Note').focus()
    await page.keyboard.press('ControlOrMeta+a')
    await page.keyboard.type('   ')
    await press(page, form.getByRole('button', { name: 'Add rule' }))
    await alert.filter({ hasText: 'Action 1: write the note.' }).waitFor()
    expect((await rules()).map((r) => r.name)).not.toContain('Tell the team')

    await step.getByLabel('Note').focus()
    await page.keyboard.press('ControlOrMeta+a')
    await page.keyboard.type('A refund request: please have a look')
    await press(page, form.getByRole('button', { name: 'Add rule' }))
    await list.getByText('Tell the team').waitFor()
    expect((await rules()).find((r) => r.name === 'Tell the team')?.actions).toEqual([
      {
        type: 'notify',
        operatorIds: [teammate.anna],
        text: 'A refund request: please have a look',
      },
    ])

    // Opened again: Anna ticked. Ben, ticked too, leaves the inbox before the save: the server
    // refuses actions[0], which is marked and named; unticked, it saves.
    await press(page, list.getByRole('button', { name: 'Edit Tell the team' }))
    const edit = section.getByRole('form', { name: 'Edit Tell the team' })
    const anna = edit.getByRole('checkbox', { name: 'Anna Lee' })
    await anna.waitFor()
    expect(await anna.isChecked()).toBe(true)
    const ben = edit.getByRole('checkbox', { name: 'Ben Ortiz' })
    await press(page, ben, 'Space')
    expect(await ben.isChecked()).toBe(true)
    const members: string[] = (await api(`/api/admin/inboxes/${inboxId}/members`)).operatorIds
    await api(`/api/admin/inboxes/${inboxId}/members`, {
      method: 'PUT',
      body: { operatorIds: members.filter((id) => id !== teammate.ben) },
    })
    await press(page, edit.getByRole('button', { name: 'Save' }))
    await edit.getByRole('alert').filter({ hasText: 'actions[0] (notify)' }).waitFor()
    expect(
      await edit.getByRole('combobox', { name: 'Action 1' }).getAttribute('aria-invalid'),
    ).toBe('true')
    const left = edit.locator('label.check', { hasNotText: 'Anna Lee' })
    await press(page, left.getByRole('checkbox', { checked: true }), 'Space')
    await press(page, edit.getByRole('button', { name: 'Save' }))
    await edit.waitFor({ state: 'detached' })
    expect((await rules()).find((r) => r.name === 'Tell the team')?.actions[0]).toMatchObject({
      operatorIds: [teammate.anna],
    })

    // A macro runs by hand: its editor has no such action.
    const macros = page.getByRole('region', { name: 'Macros' })
    await press(page, macros.getByRole('button', { name: 'New macro' }))
    const macroKinds = await macros
      .getByRole('combobox', { name: 'Action 1' })
      .locator('option')
      .allInnerTexts()
    expect(macroKinds).toContain('Add a private note')
    expect(macroKinds).not.toContain('Notify teammates')
    await page.close()
  }, 60_000)

  test('rules - one sends a webhook to an HTTP endpoint chosen with the keyboard: none chosen is said before sending, an endpoint deleted meanwhile is refused on that action; its post is named in the delivery log; macros do not offer it', async () => {
    const { page, section } = await ruleSettings()
    const list = section.getByRole('list', { name: 'Automation rules' })
    await list.getByText('Greet at night').waitFor()
    await press(page, section.getByRole('button', { name: 'New rule' }))
    const form = section.getByRole('form', { name: 'New rule' })
    await until(
      () => form.getByLabel('Name').evaluate((el) => el === document.activeElement),
      'the name focused',
    )
    await page.keyboard.type('Tell the CRM')
    const kind = form.getByRole('combobox', { name: 'Action 1' })
    await kind.focus()
    await kind.selectOption({ label: 'Send a webhook' })
    const target = form.getByRole('combobox', { name: 'Endpoint' })
    await target.locator('option', { hasText: 'CRM sync' }).waitFor({ state: 'attached' })
    expect(await target.locator('option').allInnerTexts()).toEqual([
      'Choose an endpoint',
      'CRM sync',
      'http://127.0.0.1:9/off (off)',
    ])

    // No endpoint chosen: said, and the action marked, before anything is sent.
    await press(page, form.getByRole('button', { name: 'Add rule' }))
    await form
      .getByRole('alert')
      .filter({ hasText: 'Action 1: choose a webhook endpoint.' })
      .waitFor()
    expect(await kind.getAttribute('aria-invalid')).toBe('true')
    expect((await rules()).map((r) => r.name)).not.toContain('Tell the CRM')
    await target.focus()
    await target.selectOption({ label: 'CRM sync' })
    await press(page, form.getByRole('button', { name: 'Add rule' }))
    await list.getByText('Tell the CRM').waitFor()
    expect((await rules()).find((r) => r.name === 'Tell the CRM')?.actions).toEqual([
      { type: 'webhook', endpointId: endpoint.crm },
    ])

    // Opened again: CRM sync chosen. The switched-off one, chosen instead, is deleted before the
    // save: the server refuses actions[0], which is marked and named; back on CRM sync, it saves.
    await press(page, list.getByRole('button', { name: 'Edit Tell the CRM' }))
    const edit = section.getByRole('form', { name: 'Edit Tell the CRM' })
    const chosen = edit.getByRole('combobox', { name: 'Endpoint' })
    await chosen.locator('option', { hasText: 'CRM sync' }).waitFor({ state: 'attached' })
    expect(await chosen.inputValue()).toBe(endpoint.crm)
    await chosen.focus()
    await chosen.selectOption({ label: 'http://127.0.0.1:9/off (off)' })
    await api(`/api/webhooks/${endpoint.off}`, { method: 'DELETE' })
    await press(page, edit.getByRole('button', { name: 'Save' }))
    await edit.getByRole('alert').filter({ hasText: 'actions[0] (webhook)' }).waitFor()
    expect(
      await edit.getByRole('combobox', { name: 'Action 1' }).getAttribute('aria-invalid'),
    ).toBe('true')
    await chosen.selectOption({ label: 'CRM sync' })
    await press(page, edit.getByRole('button', { name: 'Save' }))
    await edit.waitFor({ state: 'detached' })
    expect((await rules()).find((r) => r.name === 'Tell the CRM')?.actions).toEqual([
      { type: 'webhook', endpointId: endpoint.crm },
    ])

    // A macro runs by hand: its editor has no such action.
    const macros = page.getByRole('region', { name: 'Macros' })
    await press(page, macros.getByRole('button', { name: 'New macro' }))
    expect(
      await macros.getByRole('combobox', { name: 'Action 1' }).locator('option').allInnerTexts(),
    ).not.toContain('Send a webhook')
    await press(page, macros.getByRole('button', { name: 'Cancel' }))

    // A new conversation triggers it: the endpoint's log names the event it queued.
    await httpStart(env.server, undefined, 'Please call me back')
    await until(
      async () =>
        (await api(`/api/webhooks/${endpoint.crm}/deliveries`)).deliveries.some(
          (d: { type: string }) => d.type === 'rule.triggered',
        ),
      'the rule to queue its event',
    )
    await press(
      page,
      page.locator(`form[data-inbox="${inboxId}"]`).getByRole('button', { name: 'Webhooks' }),
    )
    const card = page
      .locator('div.card')
      .filter({ has: page.getByRole('heading', { name: 'http://127.0.0.1:9/crm' }) })
    await press(page, card.getByRole('button', { name: 'Delivery log' }))
    await card
      .getByRole('region', { name: 'Delivery log' })
      .locator('tbody tr td', { hasText: 'Automation rule' })
      .first()
      .waitFor({ timeout: 15_000 })
    await page.close()
  }, 60_000)

  test('rules - whoever may not list webhook endpoints (403, as a supervisor gets) sees a note instead of the select: an action without an endpoint is refused before sending, one an admin chose keeps it', async () => {
    const { page, section } = await ruleSettings()
    // The server's answer to a supervisor, given to this page only (the panel signs in admins).
    await page.route('**/api/webhooks?inboxId=*', (route) =>
      route.fulfill({
        status: 403,
        contentType: 'application/json',
        body: JSON.stringify({
          error: { code: 'forbidden', message: 'admins only', retryable: false },
        }),
      }),
    )
    const list = section.getByRole('list', { name: 'Automation rules' })
    await press(page, list.getByRole('button', { name: 'Edit Tell the CRM' }))
    const edit = section.getByRole('form', { name: 'Edit Tell the CRM' })
    await edit.getByText('Only admins can see webhook endpoints.').waitFor()
    expect(await edit.getByRole('combobox', { name: 'Endpoint' }).count()).toBe(0)
    await press(page, edit.getByRole('button', { name: 'Add action' }))
    await edit.getByRole('combobox', { name: 'Action 2' }).selectOption({ label: 'Send a webhook' })
    await press(page, edit.getByRole('button', { name: 'Save' }))
    await edit
      .getByRole('alert')
      .filter({ hasText: 'Action 2: only an admin can choose the webhook endpoint.' })
      .waitFor()
    await press(page, edit.getByRole('button', { name: 'Remove action 2' }))
    await press(page, edit.getByRole('button', { name: 'Save' }))
    await edit.waitFor({ state: 'detached' })
    expect((await rules()).find((r) => r.name === 'Tell the CRM')?.actions).toEqual([
      { type: 'webhook', endpointId: endpoint.crm },
    ])
    await page.close()
  }, 60_000)

  test('rules - fit a 375 px phone; axe finds nothing serious in the list and the editor, light and dark, desktop and phone, English and Russian', async () => {
    const problems: string[] = []
    for (const ru of [false, true]) {
      const { page, section } = await ruleSettings({ ru, width: 375 })
      const edit = ru ? 'Изменить Greet at night' : 'Edit Greet at night'
      await press(page, section.getByRole('button', { name: edit }))
      const form = section.getByRole('form', { name: edit })
      await form.getByLabel(ru ? 'Значение в условии 1' : 'Condition 1 value').waitFor()
      await press(page, form.getByRole('button', { name: ru ? 'Добавить действие' : 'Add action' }))
      await form
        .getByRole('combobox', { name: ru ? 'Действие 2' : 'Action 2' })
        .selectOption({ label: ru ? 'Уведомить коллег' : 'Notify teammates' })
      await form.getByRole('checkbox', { name: 'Anna Lee' }).waitFor()
      await press(page, form.getByRole('button', { name: ru ? 'Добавить действие' : 'Add action' }))
      await form
        .getByRole('combobox', { name: ru ? 'Действие 3' : 'Action 3' })
        .selectOption({ label: ru ? 'Отправить вебхук' : 'Send a webhook' })
      await form
        .getByRole('combobox', { name: ru ? 'Получатель' : 'Endpoint' })
        .locator('option', { hasText: 'CRM sync' })
        .waitFor({ state: 'attached' })
      await section.scrollIntoViewIfNeeded()
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
      await page.close()
    }
    expect(problems).toEqual([])
  }, 120_000)
})
