import { describe, expect, test } from 'bun:test'
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
