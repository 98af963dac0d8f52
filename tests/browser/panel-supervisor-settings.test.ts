/**
 * A supervisor's settings in the panel (issue 20): a supervisor whose scope is one of two inboxes
 * (ELEVATED_SCOPE=members) opens Settings with the keyboard and sees that inbox alone, under a
 * heading with its name, with what they may change there (labels, macros, attributes, SLA
 * policies, automation rules, proactive messages and their frequency), never the admin's inbox
 * form, its embed code or the other inbox. They add a label and a macro with the keyboard, and
 * keep a rule's webhook action an admin chose (its endpoint shown by id; no new one offered);
 * the server holds it all (checked through the API). No request of the page is answered 403,
 * none goes to an admin-only route. An operator has no Settings tab. axe-core finds nothing
 * serious, light and dark, English and Russian, desktop and 375 px. Writes
 * docs/panel-supervisor-settings.png (desktop, light).
 *
 * The supervisor's panel is on localhost, the operator's on 127.0.0.1: each origin keeps its
 * own login.
 */
import { beforeAll, describe, expect, test } from 'bun:test'
import { join } from 'node:path'
import type { Locator, Page } from 'playwright-core'
import { ROOT } from '../../client/build-stamp.ts'
import { violations } from './axe.ts'
import { skipBrowserTests, until, useServerAndBrowser } from './harness.ts'
import { focusedName, tabTo } from './panel-page.ts'

const PASSWORD = 'supervisor-password-1'
const EN = "localStorage.setItem('parley:lang', 'en')"
const RU = "localStorage.setItem('parley:lang', 'ru')"
/** Routes only admins may call, which the supervisor's page must never ask. */
const ADMIN_ONLY = [
  /^\/api\/admin\/inboxes\/?$/,
  /^\/api\/admin\/inboxes\/[^/]+\/?$/,
  /^\/api\/admin\/inboxes\/[^/]+\/(members|branches|routing|identity-secret)/,
  /^\/api\/admin\/operators/,
  /^\/api\/webhooks/,
]

interface Named {
  id: string
  name: string
}

/** Focuses a control and presses Enter on it (a keyboard user's click). */
async function press(page: Page, target: Locator): Promise<void> {
  await target.focus()
  await page.keyboard.press('Enter')
}

describe.skipIf(skipBrowserTests)('panel supervisor settings', () => {
  // Supervisors see only the inboxes they belong to: a scope of one inbox of two. The rule's
  // webhook endpoint is on loopback (never called: no conversation triggers it).
  const env = useServerAndBrowser({ ELEVATED_SCOPE: 'members', WEBHOOK_ALLOW_HOSTS: '127.0.0.1' })
  let adminToken = ''
  /** The default inbox (outside the supervisor's scope) and Wholesale (theirs). */
  const inbox = { other: { id: '', name: '' }, mine: { id: '', name: 'Wholesale' } }
  const sam = { email: 'sam@example.com', token: '' }
  const olga = { email: 'olga@example.com' }
  let endpointId = ''

  const api = async (path: string, init: { method?: string; body?: unknown } = {}) => {
    const res = await env.server.http(path, { token: adminToken, ...init })
    if (res.status >= 300) throw new Error(`${path}: ${res.status} ${JSON.stringify(res.body)}`)
    return res.body
  }
  /** What the server holds, read as the supervisor. */
  const asSam = async (path: string) => {
    const res = await env.server.http(path, { token: sam.token })
    expect(res.status).toBe(200)
    return res.body
  }

  /** A panel on `host`, signed in as `email` (unless that origin is already), in a language. */
  async function panelOf(
    host: 'localhost' | '127.0.0.1',
    email: string,
    opts: { ru?: boolean; viewport?: { width: number; height: number } } = {},
  ): Promise<Page> {
    const page = await env.browser.context.newPage()
    await page.addInitScript(opts.ru ? RU : EN)
    if (opts.viewport) await page.setViewportSize(opts.viewport)
    await page.goto(`http://${host}:${env.server.port}/panel/`)
    await page.locator('.shell, form.card').first().waitFor()
    if (await page.locator('input[type="email"]').isVisible()) {
      await page.locator('input[type="email"]').fill(email)
      await page.locator('input[type="password"]').fill(PASSWORD)
      await page.keyboard.press('Enter')
    }
    await page.locator('.shell[data-connection="connected"]').waitFor()
    return page
  }

  /** Every response answered 403 and every request to an admin-only route, from now on. */
  function watch(page: Page): string[] {
    const problems: string[] = []
    page.on('request', (req) => {
      const path = new URL(req.url()).pathname
      if (ADMIN_ONLY.some((r) => r.test(path))) problems.push(`asked ${req.method()} ${path}`)
    })
    page.on('response', (res) => {
      if (res.status() === 403) problems.push(`403 ${res.request().method()} ${res.url()}`)
    })
    return problems
  }

  /** The settings' sections once each has loaded (the four on-demand ones included). */
  async function sectionsLoaded(page: Page): Promise<void> {
    for (const css of [
      '.label-admin',
      '.macro-admin',
      '.attribute-admin',
      '.sla-admin',
      '.rule-admin',
      '.campaign-admin .campaign-gap',
    ]) {
      await page.locator(css).first().waitFor()
    }
    await page.locator('.rule-admin').getByText('Tell the CRM').waitFor()
  }

  beforeAll(async () => {
    const s = env.server
    adminToken = await s.adminToken()
    inbox.other.id = await s.defaultInboxId()
    const { inboxes } = (await api('/api/admin/inboxes')) as { inboxes: Named[] }
    inbox.other.name = inboxes.find((i) => i.id === inbox.other.id)?.name ?? ''
    expect(inbox.other.name).not.toBe('')
    inbox.mine.id = (await api('/api/admin/inboxes', { body: { name: inbox.mine.name } })).id
    for (const [email, name, role, inboxIds] of [
      [sam.email, 'Sam Supervisor', 'supervisor', [inbox.mine.id]],
      [olga.email, 'Olga Ortiz', 'operator', [inbox.other.id, inbox.mine.id]],
    ] as const) {
      await api('/api/admin/operators', {
        body: { email, name, password: PASSWORD, role, canChat: true, inboxIds },
      })
    }
    // The admin too joins Wholesale: with this scope, its webhooks are only its members' to see.
    const { operators } = (await api('/api/admin/operators')) as {
      operators: Array<{ id: string; role: string; email: string }>
    }
    await api(`/api/admin/inboxes/${inbox.mine.id}/members`, {
      method: 'PUT',
      body: {
        operatorIds: operators
          .filter((o) => o.role === 'admin' || o.email === sam.email || o.email === olga.email)
          .map((o) => o.id),
      },
    })
    sam.token = (
      await s.http('/api/auth/login', { body: { email: sam.email, password: PASSWORD } })
    ).body.token
    // An admin's rule of the supervisor's inbox posting to a webhook endpoint they cannot see.
    endpointId = (
      await api('/api/webhooks', {
        body: {
          inboxId: inbox.mine.id,
          url: 'http://127.0.0.1:9/crm',
          description: 'CRM sync',
          events: ['conversation.resolved'],
        },
      })
    ).endpoint.id
    await api(`/api/admin/inboxes/${inbox.mine.id}/rules`, {
      body: {
        name: 'Tell the CRM',
        event: 'conversation.created',
        waitMinutes: null,
        conditions: [],
        actions: [{ type: 'webhook', endpointId }],
      },
    })
    // The admin-only scope check this file relies on: the other inbox is not the supervisor's.
    const scope = await asSam('/api/inboxes')
    expect(scope.inboxes).toEqual([{ id: inbox.mine.id, name: inbox.mine.name }])
  }, 60_000)

  test('supervisor settings - opened with the keyboard: their inbox alone, its sections, no inbox form; a label and a macro added with the keyboard are stored; a rule keeps its webhook; no 403', async () => {
    const page = await panelOf('localhost', sam.email)
    const problems = watch(page)
    const nav = page.getByRole('navigation', { name: 'Pages' })
    await nav.getByRole('button', { name: 'Settings' }).waitFor()
    await tabTo(page, /^Settings$/)
    await page.keyboard.press('Enter')
    const main = page.locator('main.admin')
    await main.getByRole('heading', { name: 'Inbox settings', level: 2 }).waitFor()
    await main.getByRole('heading', { name: inbox.mine.name, level: 2 }).waitFor()
    await sectionsLoaded(page)
    expect(await nav.getByRole('button', { name: 'Settings' }).getAttribute('aria-current')).toBe(
      'page',
    )

    // One inbox: each section once, the frequency form; not the admin's inbox form or embed code.
    for (const region of [
      'Labels',
      'Macros',
      'Attributes',
      'SLA policies',
      'Automation rules',
      'Proactive messages',
    ]) {
      expect(await main.getByRole('region', { name: region, exact: true }).count()).toBe(1)
    }
    expect(await main.getByRole('form', { name: 'How often' }).count()).toBe(1)
    expect(await main.getByRole('heading', { level: 2 }).allInnerTexts()).toEqual([
      'Inbox settings',
      inbox.mine.name,
    ])
    expect(await main.locator('.inbox-form').count()).toBe(0)
    expect(await main.getByRole('region', { name: 'Put the widget on your site' }).count()).toBe(0)
    expect(await main.getByRole('button', { name: /Branches|Webhooks/ }).count()).toBe(0)
    expect(await main.getByText(inbox.other.name, { exact: true }).count()).toBe(0)

    // A label, with the keyboard alone: the name, then Enter submits the form.
    const labels = main.getByRole('region', { name: 'Labels', exact: true })
    const labelForm = labels.getByRole('form', { name: 'New label' })
    await labelForm.getByLabel('Name').focus()
    await page.keyboard.type('Bulk order')
    await page.keyboard.press('Enter')
    await labels.getByRole('list', { name: 'Labels' }).getByText('Bulk order').waitFor()
    const storedLabels = (await asSam(`/api/inboxes/${inbox.mine.id}/labels`)).labels as Named[]
    expect(storedLabels.map((l) => l.name)).toEqual(['Bulk order'])

    // A macro, with the keyboard alone: "New macro" focuses its name; its reply; "Add macro".
    const macros = main.getByRole('region', { name: 'Macros', exact: true })
    await press(page, macros.getByRole('button', { name: 'New macro' }))
    const macroForm = macros.getByRole('form', { name: 'New macro' })
    await until(
      () => macroForm.getByLabel('Name').evaluate((el) => el === document.activeElement),
      'the macro name focused',
    )
    await page.keyboard.type('Wholesale prices')
    await macroForm.getByRole('textbox', { name: 'Reply' }).focus()
    await page.keyboard.type('Our wholesale prices start at 100 units.')
    await press(page, macroForm.getByRole('button', { name: 'Add macro' }))
    await macroForm.waitFor({ state: 'detached' })
    await macros.getByText('Wholesale prices').waitFor()
    const storedMacros = (await asSam(`/api/inboxes/${inbox.mine.id}/macros`)).macros as Array<
      Named & { actions: unknown[] }
    >
    expect(storedMacros.map((m) => [m.name, m.actions])).toEqual([
      [
        'Wholesale prices',
        [{ type: 'send_message', text: 'Our wholesale prices start at 100 units.' }],
      ],
    ])

    // The admin's webhook action: shown by its endpoint's id, kept on saving; none offered anew.
    const rules = main.getByRole('region', { name: 'Automation rules', exact: true })
    await press(page, rules.getByRole('button', { name: 'Edit Tell the CRM' }))
    const edit = rules.getByRole('form', { name: 'Edit Tell the CRM' })
    await edit.getByText('Only admins can see webhook endpoints.').waitFor()
    expect(await edit.locator('code').allInnerTexts()).toContain(endpointId)
    expect(await edit.getByRole('combobox', { name: 'Endpoint' }).count()).toBe(0)
    expect(
      await edit.getByRole('combobox', { name: 'Action 1' }).locator('option:checked').innerText(),
    ).toBe('Send a webhook')
    await press(page, edit.getByRole('button', { name: 'Add action' }))
    const added = edit.getByRole('combobox', { name: 'Action 2' })
    await until(() => added.evaluate((el) => el === document.activeElement), 'action 2 focused')
    expect(await added.locator('option').allInnerTexts()).not.toContain('Send a webhook')
    expect(await added.locator('option').allInnerTexts()).toContain('Notify teammates')
    await press(page, edit.getByRole('button', { name: 'Remove action 2' }))
    await edit.getByLabel('Name').fill('Tell the CRM at once')
    await press(page, edit.getByRole('button', { name: 'Save' }))
    await edit.waitFor({ state: 'detached' })
    const storedRules = (await asSam(`/api/admin/inboxes/${inbox.mine.id}/rules`)).rules as Array<
      Named & { actions: unknown[] }
    >
    expect(storedRules.map((r) => [r.name, r.actions])).toEqual([
      ['Tell the CRM at once', [{ type: 'webhook', endpointId }]],
    ])

    // Nothing the page asked was refused, nor admin-only; no error notice either.
    expect(await page.locator('main.admin > p.error').count()).toBe(0)
    expect(problems).toEqual([])
    await page.close()
  }, 60_000)

  test('supervisor settings - an operator has no Settings tab', async () => {
    const page = await panelOf('127.0.0.1', olga.email)
    const nav = page.getByRole('navigation', { name: 'Pages' })
    await nav.getByRole('button', { name: 'Inbox' }).waitFor()
    expect(await nav.getByRole('button').allInnerTexts()).toEqual([expect.stringMatching(/^Inbox/)])
    expect(await page.getByRole('button', { name: 'Settings' }).count()).toBe(0)
    await page.close()
  }, 60_000)

  test('supervisor settings - axe finds nothing serious, light and dark, English and Russian, desktop and 375 px; docs/panel-supervisor-settings.png', async () => {
    const problems: string[] = []
    for (const ru of [false, true]) {
      const page = await panelOf('localhost', sam.email, {
        ru,
        viewport: { width: 1280, height: 860 },
      })
      const refused = watch(page)
      await press(
        page,
        page
          .getByRole('navigation', { name: ru ? 'Разделы' : 'Pages' })
          .getByRole('button', { name: ru ? 'Настройки' : 'Settings' }),
      )
      await sectionsLoaded(page)
      await page.locator('.label-admin').getByText('Bulk order').waitFor()
      if (ru) {
        await page.getByRole('heading', { name: 'Настройки ящиков' }).waitFor()
        await page.getByRole('region', { name: 'Метки', exact: true }).waitFor()
      } else {
        // No focus ring on the tab in the picture.
        await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur())
        await page.evaluate(() => document.fonts.ready)
        await page.screenshot({ path: join(ROOT, 'docs', 'panel-supervisor-settings.png') })
      }
      for (const width of [1280, 375]) {
        await page.setViewportSize({ width, height: 860 })
        if (width === 375) {
          expect(
            await page.evaluate(() => document.documentElement.scrollWidth),
          ).toBeLessThanOrEqual(375)
        }
        for (const theme of ['light', 'dark'] as const) {
          await page.emulateMedia({ colorScheme: theme })
          for (const v of await violations(page)) {
            problems.push(`${ru ? 'ru' : 'en'} ${width} ${theme}: ${v}`)
          }
        }
      }
      await page.emulateMedia({ colorScheme: 'light' })
      expect(refused).toEqual([])
      await page.close()
    }
    expect(problems).toEqual([])
  }, 90_000)
})
