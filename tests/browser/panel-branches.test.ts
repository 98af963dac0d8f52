/**
 * The panel's branch pages (admin): create a branch with members, weekday hours and a waiting
 * reply and see it listed with its hours; an invalid interval shows the server's message and saves nothing; a
 * GeoIP rule to it; deleting it; no branch pages for an operator; axe-core on the page and the
 * form, light and dark. Everything saved is checked through the admin API.
 */
import { describe, expect, test } from 'bun:test'
import type { Page } from 'playwright-core'
import { ADMIN } from '../helpers/server.ts'
import { skipBrowserTests, until, useServerAndBrowser } from './harness.ts'
import { PanelPage } from './panel-page.ts'
import { violations } from './axe.ts'

const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday']

describe.skipIf(skipBrowserTests)('panel branches', () => {
  const env = useServerAndBrowser()

  const api = async (path: string, method = 'GET', body?: unknown) => {
    const res = await env.server.http(path, { method, body, token: await env.server.adminToken() })
    expect(res.status).toBeLessThan(300)
    return res.body
  }
  const branches = async () =>
    api(`/api/admin/inboxes/${await env.server.defaultInboxId()}/branches`) as Promise<{
      defaultBranchId: string
      geoRules: Array<{ country: string; region: string | null; branchId: string }>
      branches: Array<Record<string, any>>
    }>
  const moscow = async () => (await branches()).branches.find((b) => b.name === 'Moscow')

  /** The signed-in admin's panel on the inbox's branches page. */
  async function openBranches(viewport?: { width: number; height: number }): Promise<Page> {
    const { page } = await PanelPage.open(env.browser.context, env.server.url, { viewport })
    await page.getByRole('button', { name: 'Settings' }).click()
    await page.getByRole('button', { name: 'Branches and routing' }).first().click()
    await page.getByRole('heading', { name: /^Branches of/ }).waitFor()
    await page.locator('.branch-row').first().waitFor()
    return page
  }

  test('branches - an admin creates a branch with members and weekday hours and sees it listed', async () => {
    const member = await env.server.operator()
    const memberEmail = (await api('/api/admin/operators')).operators.find(
      (o: { id: string }) => o.id === member.id,
    ).email as string
    const page = await openBranches()
    await page.getByRole('button', { name: 'Add branch' }).click()
    const form = page.locator('form.branch-form')
    await form.getByRole('heading', { name: 'New branch' }).waitFor()
    await form.getByLabel('Name').fill('Moscow')
    await form.getByLabel(memberEmail).check()
    await form.getByLabel('Time zone').fill('Europe/Moscow')
    await form.getByLabel('Always open').uncheck()
    for (const day of WEEKDAYS) {
      const group = form.getByRole('group', { name: day })
      await group.getByLabel('From').fill('09:00')
      await group.getByLabel('To').fill('18:00')
    }
    // Saturday and Sunday are closed.
    for (const day of ['Saturday', 'Sunday']) {
      const group = form.getByRole('group', { name: day })
      await group.getByText('Closed').waitFor()
      expect(await group.getByLabel('From').count()).toBe(0)
    }
    const waiting = form.getByRole('group', { name: 'Waiting reply' })
    await waiting.getByRole('switch').check()
    await waiting.getByLabel('After (minutes)').fill('2')
    await form.getByRole('button', { name: 'Save branch' }).click()

    const row = page.locator('.branch-row', { hasText: 'Moscow' })
    await row.waitFor()
    expect(await row.innerText()).toContain('Mon-Fri 09:00-18:00, Europe/Moscow')
    expect(await row.innerText()).toContain('1 member')
    const main = page.locator('.branch-row', { hasText: 'Main' })
    expect(await main.innerText()).toContain('Default')
    expect(await main.getByRole('button', { name: 'Delete Main' }).count()).toBe(0)

    const saved = await moscow()
    expect(saved).toMatchObject({
      operatorIds: [member.id],
      isDefault: false,
      settings: { escalateToDefault: true, waitingReply: { on: true, afterSeconds: 120 } },
      schedule: { timeZone: 'Europe/Moscow', exceptions: [] },
    })
    expect(Object.keys(saved?.schedule.week)).toEqual(['mon', 'tue', 'wed', 'thu', 'fri'])
    expect(saved?.schedule.week.fri).toEqual([{ from: '09:00', to: '18:00' }])
    await page.close()
  }, 60_000)

  test('branches - an interval ending before it starts shows the server message and saves nothing', async () => {
    const before = await moscow()
    const page = await openBranches()
    await page.getByRole('button', { name: 'Edit Moscow' }).click()
    const form = page.locator('form.branch-form')
    await form.getByRole('heading', { name: 'Edit branch' }).waitFor()
    await form.getByLabel('Name').fill('Moscow office')
    const monday = form.getByRole('group', { name: 'Monday' })
    await monday.getByLabel('From').fill('18:00')
    await monday.getByLabel('To').fill('09:00')
    await form.getByRole('button', { name: 'Save branch' }).click()

    const alert = form.getByRole('alert')
    await alert.waitFor()
    expect(await alert.innerText()).toContain(
      'schedule.week.mon[0]: 18:00-09:00 ends before it starts',
    )
    // The refused field is marked and points at the message.
    expect(await monday.getByLabel('From').getAttribute('aria-invalid')).toBe('true')
    const errorId = await alert.getAttribute('id')
    expect(await monday.getByLabel('From').getAttribute('aria-describedby')).toBe(errorId)
    expect(
      await form
        .getByRole('group', { name: 'Tuesday' })
        .getByLabel('From')
        .getAttribute('aria-invalid'),
    ).toBeNull()
    // Still in the form, and nothing changed on the server (the name neither).
    expect(await form.getByLabel('Name').inputValue()).toBe('Moscow office')
    expect(await moscow()).toEqual(before)

    await form.getByRole('button', { name: 'Cancel' }).click()
    await page.locator('.branch-row', { hasText: 'Moscow' }).waitFor()
    await page.close()
  }, 60_000)

  test('branches - a GeoIP rule sends RU to Moscow; a bad code is refused by name', async () => {
    const page = await openBranches()
    const routing = page.locator('form.routing-form')
    await routing.getByText('No rules.').waitFor()
    await routing.getByRole('button', { name: 'Add rule' }).click()
    const rule = routing.locator('.rule').first()
    await rule.getByLabel('Country').fill('ru')
    await rule.getByText('Russia').waitFor()
    await rule.getByLabel('Branch').selectOption({ label: 'Moscow' })
    await routing.getByRole('button', { name: 'Save routing' }).click()
    await routing.getByRole('status').filter({ hasText: 'Saved' }).waitFor()
    const { id } = (await moscow()) as { id: string }
    const data = await branches()
    expect(data.geoRules).toEqual([{ country: 'RU', region: null, branchId: id }])
    expect(data.defaultBranchId).toBe(await env.server.defaultInboxId())

    // A second rule for the same country and region: the server names it, nothing changes.
    await routing.getByRole('button', { name: 'Add rule' }).click()
    const second = routing.locator('.rule').nth(1)
    await second.getByLabel('Country').fill('RU')
    await routing.getByRole('button', { name: 'Save routing' }).click()
    const alert = routing.getByRole('alert')
    await alert.waitFor()
    expect(await alert.innerText()).toContain('rules[1]: same country and region as rules[0]')
    expect(await second.getByLabel('Country').getAttribute('aria-invalid')).toBe('true')
    expect((await branches()).geoRules).toEqual(data.geoRules)
    await page.close()
  }, 60_000)

  test('branches - axe-core finds no serious violation on the page and the form, light and dark, desktop and 375 px', async () => {
    const problems: string[] = []
    for (const viewport of [
      { width: 1280, height: 800 },
      { width: 375, height: 740 },
    ]) {
      const page = await openBranches(viewport)
      for (const theme of ['light', 'dark'] as const) {
        await page.emulateMedia({ colorScheme: theme })
        const where = `${viewport.width}px ${theme}`
        for (const v of await violations(page)) problems.push(`${where} page: ${v}`)
        await page.getByRole('button', { name: 'Edit Moscow' }).click()
        const form = page.locator('form.branch-form')
        await form.getByRole('button', { name: 'Add exception' }).click()
        await form.getByLabel('Date').fill('2027-01-01')
        // A refusal on screen too: its text and the marked field.
        await form.getByRole('group', { name: 'Monday' }).getByLabel('From').fill('19:00')
        await form.getByRole('button', { name: 'Save branch' }).click()
        await form.getByRole('alert').waitFor()
        for (const v of await violations(page)) problems.push(`${where} form: ${v}`)
        await form.getByRole('button', { name: 'Cancel' }).click()
        await page.locator('.branch-row').first().waitFor()
      }
      await page.close()
    }
    expect(problems).toEqual([])
  }, 90_000)

  test('branches - keyboard only: a new exception day is added, saved and listed', async () => {
    const page = await openBranches()
    await page.getByRole('button', { name: 'Edit Moscow' }).focus()
    await page.keyboard.press('Enter')
    const form = page.locator('form.branch-form')
    // Focus lands on the form's heading.
    await until(
      () => page.evaluate(() => document.activeElement?.textContent === 'Edit branch'),
      'focus on the form',
    )
    // The new exception's date takes focus.
    await form.getByRole('button', { name: 'Add exception' }).focus()
    await page.keyboard.press('Enter')
    await until(
      () => page.evaluate(() => (document.activeElement as HTMLInputElement).type === 'date'),
      'focus on the new date',
    )
    await page.keyboard.type('12312026')
    await form.getByRole('group', { name: /2026/ }).waitFor()
    // Past the date's own parts and the day's "Add hours", to the note.
    const note = form.getByLabel('Note (optional)')
    for (let n = 0; n < 5 && !(await note.evaluate((el) => el === document.activeElement)); n++) {
      await page.keyboard.press('Tab')
    }
    await page.keyboard.type('New Year')
    await page.keyboard.press('Enter')
    const row = page.locator('.branch-row', { hasText: 'Moscow' })
    await until(async () => (await row.innerText()).includes('1 exception'), 'the listed exception')
    expect((await moscow())?.schedule.exceptions).toEqual([
      { date: '2026-12-31', hours: [], note: 'New Year' },
    ])
    await page.close()
  }, 60_000)

  test('branches - deleting a branch says where its conversations go and removes it', async () => {
    const page = await openBranches()
    await page.getByRole('button', { name: 'Delete Moscow' }).click()
    const dialog = page.getByRole('dialog', { name: 'Delete branch?' })
    expect(await dialog.innerText()).toContain('Its conversations move to the default branch, Main')
    await dialog.getByRole('button', { name: 'Delete branch' }).click()
    await dialog.waitFor({ state: 'detached' })
    await page.locator('.branch-row', { hasText: 'Moscow' }).waitFor({ state: 'detached' })
    const data = await branches()
    expect(data.branches.map((b) => b.name)).toEqual(['Main'])
    // Its rule went with it.
    expect(data.geoRules).toEqual([])
    await page.close()
  }, 60_000)

  test('branches - an operator who is not an admin sees no settings and no branches', async () => {
    const { page } = await PanelPage.open(env.browser.context, env.server.url)
    await page.getByRole('button', { name: 'Sign out' }).click()
    // An operator (a supervisor has Settings for their inboxes' team things, not branches).
    const operator = await env.server.operator({ role: 'operator' })
    const email = (await api('/api/admin/operators')).operators.find(
      (o: { id: string }) => o.id === operator.id,
    ).email as string
    await page.getByLabel('Email').fill(email)
    await page.getByLabel('Password').fill('operator-password-1')
    await page.getByRole('button', { name: 'Sign in' }).click()
    await page.locator('.shell[data-connection="connected"]').waitFor()
    await page
      .getByRole('navigation', { name: 'Pages' })
      .getByRole('button', { name: 'Inbox' })
      .waitFor()
    expect(await page.getByRole('button', { name: 'Settings' }).count()).toBe(0)
    expect(await page.getByRole('button', { name: 'Branches and routing' }).count()).toBe(0)
    expect(await page.getByRole('heading', { name: /^Branches of/ }).count()).toBe(0)
    // The admin signs in again for any later test in this browser profile.
    await page.getByRole('button', { name: 'Sign out' }).click()
    await page.getByLabel('Email').fill(ADMIN.email)
    await page.getByLabel('Password').fill(ADMIN.password)
    await page.getByRole('button', { name: 'Sign in' }).click()
    await page.getByRole('button', { name: 'Settings' }).waitFor()
    await page.close()
  }, 60_000)
})
