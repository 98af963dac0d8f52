import { describe, expect, test } from 'bun:test'
import { violations } from './axe.ts'
import { skipBrowserTests, until, useServerAndBrowser } from './harness.ts'
import { PanelPage } from './panel-page.ts'

describe.skipIf(skipBrowserTests)('panel admin', () => {
  const env = useServerAndBrowser()

  const operators = async () => {
    const res = await env.server.http('/api/admin/operators', {
      token: await env.server.adminToken(),
    })
    return res.body.operators as Array<Record<string, unknown>>
  }

  test('panel - an admin creates an operator, changes role and chat permission, deactivates', async () => {
    const panel = await PanelPage.open(env.browser.context, env.server.url)
    const page = panel.page
    await page.getByRole('button', { name: 'Operators' }).click()
    await page.locator('tr[data-operator="admin@example.com"]').waitFor()
    await page.getByLabel('Name').fill('Olga')
    await page.getByLabel('Email').fill('olga@example.com')
    await page.getByLabel('Password (10+ characters)').fill('olga-password-1')
    await page.getByRole('button', { name: 'Create operator' }).click()
    const row = page.locator('tr[data-operator="olga@example.com"]')
    await row.waitFor()

    await row.getByLabel('Role of olga@example.com').selectOption('supervisor')
    await row.getByLabel('olga@example.com can chat').uncheck()
    await row.getByRole('button', { name: 'Deactivate' }).click()
    await row.getByRole('button', { name: 'Activate' }).waitFor()
    const olga = (await operators()).find((o) => o.email === 'olga@example.com')
    expect(olga).toMatchObject({ role: 'supervisor', canChat: false, active: false })
    await page.close()
  }, 60_000)

  test('panel - the add-operator form says what is wrong next to each field before sending, and the server refusal next to its field; the page fits a phone', async () => {
    const panel = await PanelPage.open(env.browser.context, env.server.url)
    const page = panel.page
    await page.getByRole('button', { name: 'Operators' }).click()
    await page.locator('tr[data-operator="admin@example.com"]').waitFor()
    const count = (await operators()).length
    const form = page.locator('form', { hasText: 'Add operator' })
    // Keyboard only: the button with nothing filled in.
    await form.getByRole('button', { name: 'Create operator' }).focus()
    await page.keyboard.press('Enter')
    await form.getByText('Enter a name.').waitFor()
    expect(await page.evaluate(() => (document.activeElement as HTMLInputElement).name)).toBe(
      'name',
    )
    const name = form.getByLabel('Name', { exact: true })
    expect(await name.getAttribute('aria-invalid')).toBe('true')
    expect(await form.getByText('Enter an email address like name@example.com.').count()).toBe(1)
    expect(await form.getByText('Use at least 10 characters.').count()).toBe(1)
    expect(await violations(page)).toEqual([])
    expect((await operators()).length).toBe(count)

    // The server's refusal (a taken email) lands next to the email field.
    await page.keyboard.type('Second Admin')
    await form.getByLabel('Email').fill('admin@example.com')
    await form.getByLabel('Password (10+ characters)').fill('a-long-password-1')
    await form.getByRole('button', { name: 'Create operator' }).click()
    await form.getByText('an operator with this email exists already').waitFor()
    expect(await form.getByLabel('Email').getAttribute('aria-invalid')).toBe('true')
    expect(await name.getAttribute('aria-invalid')).toBeNull()
    expect((await operators()).length).toBe(count)

    // On a phone: rows are cards, nothing scrolls sideways.
    await page.setViewportSize({ width: 375, height: 760 })
    await page.waitForTimeout(100)
    const widths = await page.evaluate(() => ({
      page: document.documentElement.scrollWidth,
      admin: (document.querySelector('.admin') as HTMLElement).scrollWidth,
      adminBox: (document.querySelector('.admin') as HTMLElement).clientWidth,
    }))
    expect(widths.page).toBeLessThanOrEqual(375)
    expect(widths.admin).toBeLessThanOrEqual(widths.adminBox)
    expect(await violations(page)).toEqual([])
    await page.close()
  }, 60_000)

  test('panel - an admin changes the inbox name, settings and members', async () => {
    const panel = await PanelPage.open(env.browser.context, env.server.url)
    const page = panel.page
    await page.getByRole('button', { name: 'Settings' }).click()
    const form = page.locator('form[data-inbox]').first()
    await form.getByLabel('Name').fill('Shop support')
    await form.getByLabel('Escalation after (minutes)').fill('7')
    await form.getByLabel('Visitor messages per minute').fill('12')
    // Olga (created above) joined every inbox; take her out of this one.
    const olga = form.getByLabel('Olga (olga@example.com)')
    expect(await olga.isChecked()).toBe(true)
    await olga.uncheck()
    await form.getByRole('button', { name: 'Save' }).click()
    await form.getByRole('status').filter({ hasText: 'Saved' }).waitFor()
    const token = await env.server.adminToken()
    await until(async () => {
      const res = await env.server.http('/api/admin/inboxes', { token })
      return res.body.inboxes[0].name === 'Shop support'
    }, 'the stored name')
    const res = await env.server.http('/api/admin/inboxes', { token })
    expect(res.body.inboxes[0].settings).toMatchObject({
      escalationMinutes: 7,
      visitorMessagesPerMinute: 12,
    })
    const inboxId = res.body.inboxes[0].id as string
    const olgaId = (await operators()).find((o) => o.email === 'olga@example.com')?.id
    const members = await env.server.http(`/api/admin/inboxes/${inboxId}/members`, { token })
    expect(members.body.operatorIds).not.toContain(olgaId)
    expect(members.body.operatorIds.length).toBeGreaterThan(0)
    await page.close()
  }, 60_000)
})
