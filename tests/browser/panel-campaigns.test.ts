/**
 * Proactive messages in the panel (issue 20, M6): the admin defines one in an inbox's settings
 * with every field of its form; a value the server refuses (a country that is no code, an end
 * before the start, a name taken) shows the server's word at its field and saves nothing; one is
 * changed in place with the keyboard, paused and turned on again with its switch, another is
 * deleted after a confirmation; the frequency cap saves. A supervisor of the inbox manages them
 * through the API (the panel's Settings page is the admins'); an operator sees no settings and
 * is refused a change. Visitors shown a campaign, some of whom answer it, are counted in the settings'
 * row and in the analytics dashboard's table, for the admin and for the supervisor. axe-core finds
 * nothing serious, light and dark; the Russian UI says it in Russian and fits 375 px. What the
 * panel saved is checked through the API. Writes docs/panel-campaigns.png (the section).
 *
 * The admin's panel is on 127.0.0.1; the supervisor's and the operator's on localhost, another
 * origin, so each keeps its own login.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Locator, Page } from 'playwright-core'
import { ROOT } from '../../client/build-stamp.ts'
import { RU_CAMPAIGNS } from '../../client/panel/campaigns/ru.ts'
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
const PHONE = { width: 375, height: 740 }

interface Campaign {
  id: string
  name: string
  text: string
  senderId: string | null
  enabled: boolean
  startsAt: number | null
  endsAt: number | null
  rules: {
    urlPattern: string
    afterSeconds: number
    audience: string
    countries: string[]
    languages: string[]
    businessHoursOnly: boolean
  }
  shown: number
  replied: number
}

describe.skipIf(skipBrowserTests)('panel proactive messages', () => {
  const env = {} as { server: TestServer; browser: TestBrowser }
  let inboxId = ''
  let adminToken = ''
  const anna = { id: '', email: `anna-${Date.now()}@example.com`, token: '' }
  const sam = { id: '', email: `sam-${Date.now()}@example.com`, token: '' }

  const call = (path: string, init: { method?: string; body?: unknown; token?: string } = {}) =>
    env.server.http(path, { token: adminToken, ...init })
  const api = async (
    path: string,
    init: { method?: string; body?: unknown; token?: string } = {},
  ) => {
    const res = await call(path, init)
    if (res.status >= 300) throw new Error(`${path}: ${res.status} ${JSON.stringify(res.body)}`)
    return res.body
  }
  const listed = async (): Promise<{ campaigns: Campaign[]; gapMinutes: number }> =>
    api(`/api/inboxes/${inboxId}/campaigns`)
  const campaign = async (name: string) => (await listed()).campaigns.find((c) => c.name === name)

  /** The admin's panel on the Settings page, its proactive messages' section. */
  async function settings(viewport = WIDE): Promise<{ page: Page; section: Locator }> {
    const panel = await PanelPage.open(env.browser.context, env.server.url, {
      viewport,
      initScript: `localStorage.setItem('parley:lang', 'en')`,
    })
    await panel.page.getByRole('button', { name: 'Settings' }).click()
    const section = panel.page.getByRole('region', { name: 'Proactive messages' })
    await section.waitFor()
    return { page: panel.page, section }
  }

  /** A teammate's panel on localhost (its own origin, its own login). */
  async function teammatePanel(
    email: string,
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
    // Whoever signed in on this origin before (another teammate): out first.
    const signOut = page.getByRole('button', { name: lang === 'ru' ? 'Выйти' : 'Sign out' })
    if (await signOut.isVisible()) {
      await signOut.click()
      await page.locator('input[type="email"]').waitFor()
    }
    if (await page.locator('input[type="email"]').isVisible()) {
      await page.locator('input[type="email"]').fill(email)
      await page.locator('input[type="password"]').fill(PASSWORD)
      await page.keyboard.press('Enter')
    }
    await page.locator('.shell[data-connection="connected"]').waitFor()
    return page
  }

  const focused = (page: Page) =>
    page.evaluate(
      () =>
        document.activeElement?.getAttribute('aria-label') ??
        document.activeElement?.closest('label')?.textContent ??
        document.activeElement?.textContent ??
        '',
    )
  const press = async (page: Page, target: Locator, key = 'Enter') => {
    await target.focus()
    await page.keyboard.press(key)
  }
  /** A moment of the browser's local time ("2030-01-07T09:30") in ms, as the page reads it. */
  const localMs = (page: Page, value: string) => page.evaluate((v) => new Date(v).getTime(), value)
  const axe = async (page: Page, problems: string[], tag: string) => {
    for (const v of await violations(page)) problems.push(`${tag}: ${v}`)
  }
  /** Keys passed to a function (`tc('...')`) in a source file. */
  const keysIn = (file: string, fn: string) =>
    [
      ...readFileSync(join(ROOT, file), 'utf8').matchAll(
        new RegExp(`\\b${fn}\\(\\s*(['"])((?:(?!\\1)[^\\\\]|\\\\.)*)\\1`, 'g'),
      ),
    ].map((m) => (m[2] ?? '').replace(/\\(.)/g, '$1'))

  beforeAll(async () => {
    ensureClientBuilt()
    env.server = await startTestServer()
    env.browser = await launchBrowser()
    const s = env.server
    adminToken = await s.adminToken()
    inboxId = await s.defaultInboxId()
    await api('/api/me/status', { method: 'PUT', body: { status: 'away' } })
    for (const [who, name, role] of [
      [anna, 'Anna Lee', 'operator'],
      [sam, 'Sam Ortiz', 'supervisor'],
    ] as const) {
      const created = await s.http('/api/admin/operators', {
        token: adminToken,
        body: {
          email: who.email,
          name,
          password: PASSWORD,
          role,
          canChat: true,
          inboxIds: [inboxId],
        },
      })
      expect(created.status).toBe(201)
      who.id = created.body.id
      who.token = (
        await s.http('/api/auth/login', { body: { email: who.email, password: PASSWORD } })
      ).body.token
    }
  }, 120_000)

  afterAll(async () => {
    await env.browser?.close()
    await env.server?.stop()
  })

  test('campaigns - every key of the section and of the analytics table has its Russian, with the same placeholders', () => {
    const placeholders = (s: string) => [...new Set(s.match(/\{\w+\}/g) ?? [])].sort().join()
    const files = [
      'client/panel/components/Campaigns.tsx',
      'client/panel/components/CampaignForm.tsx',
      'client/panel/components/CampaignGap.tsx',
      'client/panel/campaigns/text.ts',
    ]
    const keys = new Set(files.flatMap((f) => [...keysIn(f, 'tc'), ...keysIn(f, 'mc')]))
    keys.delete('')
    const problems: string[] = []
    for (const key of keys) {
      const ru = RU_CAMPAIGNS[key]
      if (typeof ru !== 'string' || !/[а-яё]/i.test(ru)) problems.push(`missing: ${key}`)
      else if (placeholders(ru) !== placeholders(key)) problems.push(`placeholders: ${key}`)
    }
    for (const key of Object.keys(RU_CAMPAIGNS)) if (!keys.has(key)) problems.push(`stale: ${key}`)
    // The dashboard's table keeps its few words' Russian in its own file (RU_FIGURES).
    const table = 'client/panel/components/AnalyticsCampaigns.tsx'
    const source = readFileSync(join(ROOT, table), 'utf8')
    const start = source.indexOf('export const RU_FIGURES')
    const dictionary = source.slice(start, source.indexOf('\n}\n', start))
    const used = keysIn(table, 'ta')
    expect(used.length).toBeGreaterThan(3)
    for (const key of used) {
      if (!dictionary.includes(`${JSON.stringify(key).slice(1, -1)}`)) {
        problems.push(`missing in RU_FIGURES: ${key}`)
      }
    }
    expect(problems).toEqual([])
  })

  test('campaigns - the admin defines one with every field; the list shows it and the API has it', async () => {
    const { page, section } = await settings()
    await press(page, section.getByRole('button', { name: 'New proactive message' }))
    const form = section.getByRole('form', { name: 'New proactive message' })
    await until(async () => (await focused(page)) === 'Name', 'the name focused')
    await page.keyboard.type('Pricing help')
    await form.getByLabel('Message').fill('Questions about our plans? We are here.')
    await form.getByLabel('Sender').selectOption({ label: 'Anna Lee' })
    await form.getByLabel('Audience').selectOption({ label: 'New visitors' })
    await form.getByLabel('Page address').fill('*/pricing*')
    await form.getByLabel('Seconds on the page').fill('30')
    await form.getByLabel('Countries').fill('de, FR')
    await form.getByRole('checkbox', { name: 'English' }).check()
    await form.getByRole('checkbox', { name: 'Business hours only' }).check()
    await form.getByLabel('Starts').fill('2030-01-07T09:30')
    await form.getByLabel('Ends').fill('2030-02-01T18:00')
    expect(await form.getByRole('checkbox', { name: /^On:/ }).isChecked()).toBe(true)
    await form.getByRole('button', { name: 'Add message' }).click()

    await section.getByRole('button', { name: 'Edit Pricing help' }).waitFor()
    // The focus goes back to the button that opened the form.
    expect(await focused(page)).toBe('New proactive message')
    const row = section.locator('li', { hasText: 'Pricing help' })
    expect(await row.getByTestId('campaign-counts').innerText()).toBe('Shown 0 · replied 0')
    expect(await row.getByTestId('campaign-rules').innerText()).toMatch(
      /^Page \*\/pricing\* · After 30 s · New visitors · DE, FR · English · Business hours only · From .+ · Until .+$/,
    )
    expect(await row.getByRole('switch', { name: 'Pricing help is on' }).isChecked()).toBe(true)

    const saved = await campaign('Pricing help')
    expect(saved).toMatchObject({
      text: 'Questions about our plans? We are here.',
      senderId: anna.id,
      enabled: true,
      startsAt: await localMs(page, '2030-01-07T09:30'),
      endsAt: await localMs(page, '2030-02-01T18:00'),
      rules: {
        urlPattern: '*/pricing*',
        afterSeconds: 30,
        audience: 'new',
        countries: ['DE', 'FR'],
        languages: ['en'],
        businessHoursOnly: true,
      },
    })
    await page.close()
  }, 60_000)

  test('campaigns - a value the server refuses shows its word at the field and saves nothing', async () => {
    const { page, section } = await settings()
    await section.getByRole('button', { name: 'New proactive message' }).click()
    const form = section.getByRole('form', { name: 'New proactive message' })
    await form.getByLabel('Name').fill('Spring sale')
    await form.getByLabel('Message').fill('20% off this week.')
    const countries = form.getByLabel('Countries')
    await countries.fill('Russia')
    const add = form.getByRole('button', { name: 'Add message' })
    await add.click()
    await form.getByRole('alert').filter({ hasText: 'two-letter' }).waitFor()
    expect(await countries.getAttribute('aria-invalid')).toBe('true')

    // A country fixed, the dates the wrong way round.
    await countries.fill('RU')
    await form.getByLabel('Starts').fill('2030-03-10T10:00')
    const ends = form.getByLabel('Ends')
    await ends.fill('2030-03-01T10:00')
    await add.click()
    await form.getByRole('alert').filter({ hasText: 'ends before it starts' }).waitFor()
    expect(await ends.getAttribute('aria-invalid')).toBe('true')
    expect(await countries.getAttribute('aria-invalid')).toBeNull()

    // A name the inbox has already.
    await ends.fill('')
    await form.getByLabel('Name').fill('Pricing help')
    await add.click()
    await form.getByRole('alert').filter({ hasText: '(conflict)' }).waitFor()

    expect((await listed()).campaigns.map((c) => c.name)).toEqual(['Pricing help'])
    await form.getByRole('button', { name: 'Cancel' }).click()
    await form.waitFor({ state: 'detached' })
    await page.close()
  }, 60_000)

  test('campaigns - changed in place with the keyboard, paused and on again with its switch; another deleted after a confirmation', async () => {
    const { page, section } = await settings()
    const edit = section.getByRole('button', { name: 'Edit Pricing help' })
    await press(page, edit)
    const form = section.getByRole('form', { name: 'Edit Pricing help' })
    await until(async () => (await focused(page)) === 'Name', 'the name focused')
    expect(await form.getByLabel('Countries').inputValue()).toBe('DE, FR')
    expect(await form.getByLabel('Seconds on the page').inputValue()).toBe('30')
    expect(await form.getByLabel('Starts').inputValue()).toBe('2030-01-07T09:30')
    // Tab by tab to the seconds, the sender on the way.
    await page.keyboard.press('Tab')
    expect(await focused(page)).toBe('Message')
    await page.keyboard.press('Tab')
    expect(await focused(page)).toMatch(/^Sender/)
    await page.keyboard.press('t') // "The team"
    await form.getByLabel('Seconds on the page').focus()
    await page.keyboard.press('Control+A')
    await page.keyboard.type('45')
    await press(page, form.getByRole('checkbox', { name: 'Business hours only' }), 'Space')
    await press(page, form.getByRole('button', { name: 'Save' }))
    await form.waitFor({ state: 'detached' })
    expect(await focused(page)).toBe('Edit Pricing help')
    await until(
      async () => (await campaign('Pricing help'))?.rules.afterSeconds === 45,
      'the change saved',
    )
    const saved = await campaign('Pricing help')
    expect(saved?.senderId).toBeNull()
    expect(saved?.rules.businessHoursOnly).toBe(false)
    expect(saved?.rules.countries).toEqual(['DE', 'FR'])
    const row = section.locator('li', { hasText: 'Pricing help' })
    expect(await row.getByTestId('campaign-rules').innerText()).not.toContain('Business hours')

    // Escape closes the form unsaved, the focus back on Edit.
    await press(page, edit)
    await until(async () => (await focused(page)) === 'Name', 'the name focused')
    await page.keyboard.type(' changed')
    await page.keyboard.press('Escape')
    expect(await focused(page)).toBe('Edit Pricing help')
    expect((await campaign('Pricing help'))?.name).toBe('Pricing help')

    // Paused, then on again: Space on the switch.
    const on = row.getByRole('switch', { name: 'Pricing help is on' })
    await press(page, on, 'Space')
    await until(async () => (await campaign('Pricing help'))?.enabled === false, 'paused')
    await row.getByText('Paused', { exact: true }).waitFor()
    // The row stays: its switch keeps the focus.
    expect(await focused(page)).toBe('Pricing help is on')
    await press(page, on, 'Space')
    await until(async () => (await campaign('Pricing help'))?.enabled === true, 'on again')
    await row.getByText('On', { exact: true }).waitFor()

    // Another one, deleted after a confirmation.
    await section.getByRole('button', { name: 'New proactive message' }).click()
    const add = section.getByRole('form', { name: 'New proactive message' })
    await add.getByLabel('Name').fill('Spare')
    await add.getByLabel('Message').fill('Hello!')
    await add.getByRole('button', { name: 'Add message' }).click()
    await section.getByRole('button', { name: 'Delete Spare' }).click()
    const dialog = page.getByRole('dialog', { name: 'Delete the proactive message Spare?' })
    await dialog.getByRole('button', { name: 'Delete message' }).click()
    await section.getByRole('button', { name: 'Delete Spare' }).waitFor({ state: 'detached' })
    expect((await listed()).campaigns.map((c) => c.name)).toEqual(['Pricing help'])
    await page.close()
  }, 60_000)

  test('campaigns - the frequency cap saves and is read back', async () => {
    const { page, section } = await settings()
    const minutes = section.getByLabel('Minutes between proactive messages to a visitor')
    expect(await minutes.inputValue()).toBe(String((await listed()).gapMinutes))
    await minutes.fill('15')
    await press(page, minutes)
    await section.getByRole('status').filter({ hasText: 'Saved' }).waitFor()
    expect((await listed()).gapMinutes).toBe(15)
    await page.reload()
    await page.getByRole('button', { name: 'Settings' }).click()
    await until(
      async () =>
        (await page
          .getByLabel('Minutes between proactive messages to a visitor')
          .inputValue()
          .catch(() => '')) === '15',
      'read back',
    )
    // Out of bounds: the browser says so before sending.
    await minutes.fill('-1')
    await press(page, minutes)
    expect(await minutes.evaluate((el) => (el as HTMLInputElement).validity.valid)).toBe(false)
    expect((await listed()).gapMinutes).toBe(15)
    await page.close()
  }, 60_000)

  test('campaigns - a supervisor of the inbox manages them through the API; an operator is refused and sees no settings', async () => {
    const created = await call(`/api/admin/inboxes/${inboxId}/campaigns`, {
      token: sam.token,
      body: { name: 'Supervisor note', text: 'Need help?' },
    })
    expect(created.status).toBe(201)
    const id = created.body.campaign.id
    const patched = await call(`/api/admin/campaigns/${id}`, {
      method: 'PATCH',
      token: sam.token,
      body: { enabled: false },
    })
    expect(patched.status).toBe(200)
    expect(patched.body.campaign.enabled).toBe(false)
    const read = await call(`/api/inboxes/${inboxId}/campaigns`, { token: sam.token })
    expect(read.status).toBe(200)
    expect(read.body.campaigns.map((c: Campaign) => c.name)).toContain('Supervisor note')
    expect(
      (await call(`/api/admin/campaigns/${id}`, { method: 'DELETE', token: sam.token })).status,
    ).toBe(200)

    // An operator of the inbox may read them (the widget's sender names them), not change them.
    const refused = await call(`/api/admin/inboxes/${inboxId}/campaigns`, {
      token: anna.token,
      body: { name: 'Operator note', text: 'Hello' },
    })
    expect(refused.status).toBe(403)
    const page = await teammatePanel(anna.email)
    expect(await page.getByRole('button', { name: 'Settings' }).count()).toBe(0)
    expect(await page.getByRole('region', { name: 'Proactive messages' }).count()).toBe(0)
    await page.close()
  }, 60_000)

  test('campaigns - showings and replies are counted in the settings and in the dashboard, for the admin and the supervisor', async () => {
    const welcome = (
      await api(`/api/admin/inboxes/${inboxId}/campaigns`, {
        body: { name: 'Welcome', text: 'Hi! Anything we can help with?' },
      })
    ).campaign as Campaign
    await api(`/api/admin/inboxes/${inboxId}/campaign-settings`, {
      method: 'PUT',
      body: { gapMinutes: 0 },
    })
    // Three visitors are shown it; two answer it.
    for (let i = 0; i < 3; i++) {
      const visitor = await env.server.visitorToken(inboxId)
      const shown = await call(`/api/visitor/campaigns/${welcome.id}/shown`, {
        method: 'POST',
        token: visitor.token,
      })
      expect(shown.status).toBeLessThan(300)
      if (i < 2) {
        const started = await call('/api/visitor/conversations', {
          token: visitor.token,
          body: { campaignId: welcome.id, text: `Yes, a question (${i})` },
        })
        expect(started.status).toBe(201)
      }
    }
    await until(async () => (await campaign('Welcome'))?.replied === 2, 'counted')
    await env.server.analytics.catchUp()
    // Every 30 minutes at most from now on (as the screenshot shows it).
    await api(`/api/admin/inboxes/${inboxId}/campaign-settings`, {
      method: 'PUT',
      body: { gapMinutes: 30 },
    })

    const { page, section } = await settings()
    const row = section.locator('li', { hasText: 'Welcome' })
    expect(await row.getByTestId('campaign-counts').innerText()).toBe('Shown 3 · replied 2')
    await page.mouse.move(0, 0)
    await page.evaluate(() => document.fonts.ready)
    await section.screenshot({ path: join(ROOT, 'docs', 'panel-campaigns.png') })

    const figures = async (p: Page) => {
      await p.getByRole('button', { name: 'Analytics' }).click()
      const table = p.locator('[data-table="campaigns"]')
      await table.waitFor()
      expect(await table.getByRole('heading').first().innerText()).toBe('Proactive messages')
      expect(await table.locator('thead th').allInnerTexts()).toEqual([
        'Campaign',
        'Shown',
        'Replied',
        'Reply rate',
      ])
      const cells = table.locator(`tr[data-key="${welcome.id}"]`)
      await until(
        async () => (await cells.locator('th, td').allInnerTexts()).join('|') === 'Welcome|3|2|67%',
        'the counts in the table',
      )
      // A campaign never shown nor answered in the range is left out.
      expect(await table.locator(`tr`, { hasText: 'Pricing help' }).count()).toBe(0)
    }
    await figures(page)
    const problems: string[] = []
    for (const theme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: theme })
      await axe(page, problems, `analytics ${theme}`)
    }
    expect(problems).toEqual([])
    await page.close()

    const supervisor = await teammatePanel(sam.email)
    await figures(supervisor)
    await supervisor.close()
  }, 60_000)

  test('campaigns - axe finds nothing serious in the section and its form, light and dark', async () => {
    const { page, section } = await settings()
    await section.getByRole('button', { name: 'Edit Pricing help' }).click()
    await section.getByRole('form', { name: 'Edit Pricing help' }).waitFor()
    const problems: string[] = []
    for (const theme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: theme })
      await axe(page, problems, theme)
    }
    expect(problems).toEqual([])
    await page.close()
  }, 60_000)

  test('campaigns - 375 px, light and dark, in Russian: the section, its form and the table say it in Russian and fit the screen', async () => {
    const problems: string[] = []
    for (const theme of ['light', 'dark'] as const) {
      const panel = await PanelPage.open(env.browser.context, env.server.url, {
        viewport: PHONE,
        initScript: `localStorage.setItem('parley:lang', 'ru')`,
      })
      const page = panel.page
      await page.emulateMedia({ colorScheme: theme })
      await page.getByRole('button', { name: 'Настройки' }).click()
      const section = page.getByRole('region', { name: 'Проактивные сообщения' })
      await section.waitFor()
      const row = section.locator('li', { hasText: 'Welcome' })
      expect(await row.getByTestId('campaign-counts').innerText()).toBe('Показано 3 · ответили 2')
      await section.getByRole('button', { name: 'Изменить Pricing help' }).click()
      const form = section.getByRole('form', { name: 'Изменить Pricing help' })
      for (const label of [
        'Название',
        'Сообщение',
        'Отправитель',
        'Аудитория',
        'Адрес страницы',
        'Секунд на странице',
        'Страны',
        'Начало',
        'Конец',
      ]) {
        await form.getByLabel(label).first().waitFor()
      }
      await form.getByRole('group', { name: 'Язык виджета' }).waitFor()
      await section.getByLabel('Минут между проактивными сообщениями одному посетителю').waitFor()
      for (const el of await section.locator('input, select, textarea, button').all()) {
        const box = await el.boundingBox()
        if (box) expect(box.x >= 0 && box.x + box.width <= PHONE.width).toBe(true)
      }
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
        PHONE.width,
      )
      await axe(page, problems, `${theme} settings`)

      await page.getByRole('button', { name: 'Аналитика' }).click()
      const table = page.locator('[data-table="campaigns"]')
      await table.waitFor()
      expect(await table.getByRole('heading').first().innerText()).toBe('Проактивные сообщения')
      // A phone shows each row as a card of labelled lines.
      expect(await table.locator(`td[data-label="Доля ответов"]`).first().innerText()).toMatch(
        /^67\s?%$/,
      )
      await axe(page, problems, `${theme} analytics`)
      await page.close()
    }
    expect(problems).toEqual([])
  }, 90_000)
})
