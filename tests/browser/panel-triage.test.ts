/**
 * The operator's triage list (issue 16) in a real browser: the Mine / Unassigned / All tabs
 * show as many rows as their counts say; a visitor's message moves its row to the top with the
 * new preview; ticked rows are resolved together; tabs and filters work from the keyboard; the
 * list fits a 375 px phone; axe finds nothing serious in either theme.
 */
import { beforeAll, describe, expect, test } from 'bun:test'
import { httpSend, httpStart } from '../helpers/http.ts'
import { violations } from './axe.ts'
import { skipBrowserTests, until, useServerAndBrowser } from './harness.ts'
import { PanelPage } from './panel-page.ts'

describe.skipIf(skipBrowserTests)('panel triage list', () => {
  const env = useServerAndBrowser()
  let admin = ''
  let adminToken = ''
  const started: Array<{ id: string; token: string }> = []

  const assign = async (id: string, operatorId: string) => {
    const res = await env.server.http(`/api/conversations/${id}/assign`, {
      token: adminToken,
      body: { operatorId },
    })
    expect(res.status).toBe(200)
  }

  beforeAll(async () => {
    const s = env.server
    adminToken = await s.adminToken()
    admin = (await s.http('/api/auth/me', { token: adminToken })).body.operator.id
    // Away: routing gives the signed-in admin none of the waiting conversations.
    const away = await s.http('/api/me/status', {
      method: 'PUT',
      token: adminToken,
      body: { status: 'away' },
    })
    expect(away.status).toBe(200)
    const colleague = await s.operator({ inboxIds: [await s.defaultInboxId()] })
    for (const text of ['Where is my parcel?', 'Refund please', 'Cannot log in', 'Hello']) {
      started.push(await httpStart(s, undefined, text))
    }
    const [mine, theirs] = started as [(typeof started)[number], (typeof started)[number]]
    await assign(mine.id, admin)
    await assign(theirs.id, colleague.id)
  }, 60_000)

  /** The count a tab shows, and the rows under it once the list settled on it. */
  async function tabAgrees(panel: PanelPage, name: string, expected?: number) {
    const tab = panel.page.getByRole('tab', { name: new RegExp(`^${name}`) })
    await tab.click()
    await until(async () => (await tab.getAttribute('aria-selected')) === 'true', `${name} tab`)
    let seen = ''
    await until(async () => {
      const count = Number(
        await tab
          .locator('.count')
          .innerText()
          .catch(() => 'NaN'),
      )
      const rows = await panel.rows.count()
      seen = `${name}: count ${count}, rows ${rows}, expected ${expected}`
      return count === rows && (expected === undefined || rows === expected)
    }, `the count to equal the rows`).catch((e: Error) => {
      throw new Error(`${e.message} (${seen})`)
    })
  }

  test('triage - each tab shows as many rows as its count, and never "Colleague"', async () => {
    const panel = await PanelPage.open(env.browser.context, env.server.url)
    await tabAgrees(panel, 'Mine', 1)
    await tabAgrees(panel, 'Unassigned', 2)
    await tabAgrees(panel, 'All', 4)
    const text = await panel.listPane.innerText()
    expect(text).not.toContain('Colleague')
    expect(text).toContain('Operator') // the colleague's first name, from the server
    // A generated visitor name, the preview and the wait.
    const row = panel.rows.filter({ hasText: 'Refund please' })
    expect(await row.locator('.name').innerText()).toMatch(/^[A-Z][a-z]+ [A-Z][a-z]+ \d{1,2}$/)
    expect(await row.locator('.unanswered').innerText()).toMatch(/^waiting /)
    // The channel it came by, named for screen readers too.
    expect(await row.locator('.channel').getAttribute('title')).toBe('Live chat')
    expect(await row.locator('.channel .sr-only').textContent()).toBe('Live chat')
    await panel.page.close()
  }, 60_000)

  test('triage - a visitor message moves its row to the top with the new preview', async () => {
    const panel = await PanelPage.open(env.browser.context, env.server.url)
    await tabAgrees(panel, 'All')
    const oldest = started[0] as { id: string; token: string }
    expect(await panel.rows.first().getAttribute('data-conversation-id')).not.toBe(oldest.id)
    await httpSend(env.server, oldest.token, oldest.id, 'live-1', 'Any news on the parcel?')
    const first = panel.rows.first()
    await until(
      async () =>
        (await first.getAttribute('data-conversation-id')) === oldest.id &&
        (await first.locator('.row-preview').innerText()).includes('Any news on the parcel?'),
      'the row on top with its new preview',
    )
    // An operator's answer reads "You: ..." and ends the wait.
    await httpSend(env.server, adminToken, oldest.id, 'live-2', 'It left the warehouse')
    await until(
      async () => (await first.locator('.row-preview').innerText()).startsWith('You: It left'),
      'the own answer as the preview',
    )
    await first.locator('.unanswered').waitFor({ state: 'detached' })
    await panel.page.close()
  }, 60_000)

  test('triage - ticked rows are resolved together and leave the Unassigned tab; a refused one stays ticked and is named', async () => {
    const panel = await PanelPage.open(env.browser.context, env.server.url)
    await tabAgrees(panel, 'Unassigned')
    const before = await panel.rows.count()
    expect(before).toBeGreaterThanOrEqual(2)
    const ids = await panel.rows.evaluateAll((rows) =>
      rows.slice(0, 2).map((r) => r.getAttribute('data-conversation-id') ?? ''),
    )
    for (const id of ids) {
      await panel.page
        .locator('.row-item', { has: panel.page.locator(`[data-conversation-id="${id}"]`) })
        .getByRole('checkbox')
        .check()
    }
    await panel.page.getByText('2 selected').waitFor()
    await panel.page.getByRole('button', { name: 'Resolve' }).click()
    await until(async () => (await panel.rows.count()) === before - 2, 'the resolved rows leave')
    await tabAgrees(panel, 'Unassigned', before - 2)
    for (const id of ids) {
      const res = await env.server.http(`/api/conversations/${id}`, { token: adminToken })
      expect(res.body.conversation.status).toBe('resolved')
    }
    // A row the server refuses stays ticked, and the report names how many and why.
    await tabAgrees(panel, 'All')
    const [refused, fine] = (await panel.rows.evaluateAll((rows) =>
      rows.slice(0, 2).map((r) => r.getAttribute('data-conversation-id') ?? ''),
    )) as [string, string]
    await panel.page.route(`**/api/conversations/${refused}/status`, (route) =>
      route.fulfill({
        status: 409,
        contentType: 'application/json',
        body: JSON.stringify({
          error: { code: 'conflict', message: 'changed meanwhile', retryable: false },
        }),
      }),
    )
    for (const id of [refused, fine]) {
      await panel.page
        .locator('.row-item', { has: panel.page.locator(`[data-conversation-id="${id}"]`) })
        .getByRole('checkbox')
        .check()
    }
    await panel.page.getByRole('button', { name: 'Close' }).click()
    await panel.page
      .getByRole('status')
      .filter({ hasText: '1 of 2 could not be closed: changed meanwhile' })
      .waitFor()
    await panel.page.getByText('1 selected').waitFor()
    const closed = await env.server.http(`/api/conversations/${fine}`, { token: adminToken })
    expect(closed.body.conversation.status).toBe('closed')
    await panel.page.unroute(`**/api/conversations/${refused}/status`)
    // Select all shown, then none.
    await tabAgrees(panel, 'All')
    const all = await panel.rows.count()
    await panel.page.getByLabel('Select all shown').check()
    await panel.page.getByText(`${all} selected`).waitFor()
    await panel.page.getByLabel('Select all shown').uncheck()
    await panel.page.getByText('selected').waitFor({ state: 'detached' })
    await panel.page.close()
  }, 60_000)

  test('triage - tabs and filters from the keyboard alone', async () => {
    const panel = await PanelPage.open(env.browser.context, env.server.url)
    const page = panel.page
    await tabAgrees(panel, 'All')
    const focused = () =>
      page.evaluate(() => {
        const el = document.activeElement
        return el ? `${el.getAttribute('role') ?? el.tagName}:${el.textContent ?? ''}` : ''
      })
    // Tab from the top of the page to the selected view tab.
    await page.locator('body').focus()
    for (let i = 0; i < 40 && !(await focused()).startsWith('tab:All'); i++) {
      await page.keyboard.press('Tab')
    }
    expect(await focused()).toMatch(/^tab:All/)
    await page.keyboard.press('ArrowLeft')
    expect(await focused()).toMatch(/^tab:Unassigned/)
    expect(await page.getByRole('tab', { name: /^Unassigned/ }).getAttribute('aria-selected')).toBe(
      'true',
    )
    await page.keyboard.press('Home')
    expect(await focused()).toMatch(/^tab:Mine/)
    await page.keyboard.press('End')
    expect(await focused()).toMatch(/^tab:All/)
    // Into the filters: the status select takes "r" for Resolved.
    await page.keyboard.press('Tab')
    expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('SELECT')
    await page.keyboard.press('r')
    await until(
      async () => (await page.getByLabel('Status', { exact: true }).inputValue()) === 'resolved',
      'status',
    )
    await until(async () => {
      const pills = await page.locator('.conversation-row .pill').allInnerTexts()
      return pills.length > 0 && pills.every((p) => p === 'resolved')
    }, 'only resolved rows')
    await tabAgrees(panel, 'All')
    // On to the unanswered toggle; Space ticks it.
    for (let i = 0; i < 6; i++) {
      if (
        (await page.evaluate(() => (document.activeElement as HTMLInputElement)?.type)) ===
        'checkbox'
      )
        break
      await page.keyboard.press('Tab')
    }
    await page.keyboard.press('Space')
    expect(await page.getByLabel('Unanswered only').isChecked()).toBe(true)
    await panel.page.close()
  }, 60_000)

  test('triage - the list fits a 375 px phone; axe finds nothing serious, light or dark', async () => {
    const panel = await PanelPage.open(env.browser.context, env.server.url, {
      viewport: { width: 375, height: 740 },
    })
    await tabAgrees(panel, 'All')
    expect(
      await panel.page.evaluate(() => document.documentElement.scrollWidth),
    ).toBeLessThanOrEqual(375)
    const box = await panel.rows.first().boundingBox()
    expect((box?.x ?? -1) >= 0 && (box?.x ?? 0) + (box?.width ?? 999) <= 375).toBe(true)
    await panel.rows.first().locator('..').getByRole('checkbox').check()
    const problems: string[] = []
    for (const width of [375, 1280]) {
      await panel.page.setViewportSize({ width, height: 800 })
      for (const theme of ['light', 'dark'] as const) {
        await panel.page.emulateMedia({ colorScheme: theme })
        for (const v of await violations(panel.page)) problems.push(`${width} ${theme}: ${v}`)
      }
    }
    expect(problems).toEqual([])
    await panel.page.close()
  }, 60_000)
})
