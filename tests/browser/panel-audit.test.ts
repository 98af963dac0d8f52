/**
 * The data requests page (issue 18, S8): a visitor found by e-mail with the keyboard, their
 * archive exported (a real ZIP with their profile); erased after a confirmation, which an open
 * thread shows at once; no serious axe violation.
 *
 * The audit log page (issue 18, S6): an admin opens it, reads who did what (operators and
 * inboxes by name), filters by action with the keyboard, pages on with "Show more", exports
 * the filtered trail as CSV (which is itself recorded); in Russian at 375 px, light and dark,
 * axe-core finds no serious violation. The API refuses operators. The integrations' changes
 * (webhook endpoints, API tokens, issue 17) read as sentences too, their targets named by kind.
 */
import { describe, expect, test } from 'bun:test'
import { readFileSync } from 'node:fs'
import type { Page } from 'playwright-core'
import { strFromU8, unzipSync } from 'fflate'
import { newId } from '../../actors/index.ts'
import { violations } from './axe.ts'
import { skipBrowserTests, until, useServerAndBrowser } from './harness.ts'
import { PanelPage } from './panel-page.ts'

describe.skipIf(skipBrowserTests)('panel audit log', () => {
  const env = useServerAndBrowser()

  async function openAudit(
    opts: { viewport?: { width: number; height: number }; ru?: boolean } = {},
  ): Promise<Page> {
    const { page } = await PanelPage.open(env.browser.context, env.server.url, {
      viewport: opts.viewport,
      initScript: `localStorage.setItem('parley:lang', '${opts.ru ? 'ru' : 'en'}')`,
    })
    const tab = page.getByRole('button', { name: opts.ru ? 'Журнал аудита' : 'Audit log' })
    await tab.focus()
    await page.keyboard.press('Enter')
    await page.getByRole('heading', { name: opts.ru ? 'Журнал аудита' : 'Audit log' }).waitFor()
    await page.locator('.audit-table tbody tr').first().waitFor()
    return page
  }

  test('audit page - names, a keyboard filter, "Show more" and a recorded CSV export', async () => {
    const s = env.server
    const token = await s.adminToken()
    const op = await s.operator({ role: 'operator' })
    const me = await s.http('/api/auth/me', { token: op.token })
    // Sixty failed sign-ins long ago (the login throttle would hold real ones back).
    for (let i = 0; i < 60; i++) {
      await s.store.audit.append({
        id: newId(),
        at: Date.now() - 86_400_000 - i * 1000,
        actorKind: 'anonymous',
        actorId: null,
        action: 'auth.login_failed',
        targetKind: null,
        targetId: null,
        address: '203.0.113.9',
        details: { email: `guess${i}@example.com` },
      })
    }
    const page = await openAudit()
    const rows = page.locator('.audit-table tbody tr')
    // The operator made above is named, not shown as an id.
    const created = rows.filter({ has: page.locator('td', { hasText: 'Added an operator' }) })
    await created.first().waitFor()
    expect(await created.first().innerText()).toContain(me.body.operator.name)

    const action = page.getByLabel('Action')
    await action.focus()
    await action.selectOption('auth.login_failed')
    await page.getByRole('button', { name: 'Show', exact: true }).focus()
    await page.keyboard.press('Enter')
    await until(
      async () =>
        (await rows.count()) === 50 &&
        (await page
          .locator('.audit-table tbody tr:not([data-action="auth.login_failed"])')
          .count()) === 0,
      'a page of failed sign-ins only',
    )
    expect(await rows.first().innerText()).toContain('Nobody signed in')
    await page.getByRole('button', { name: 'Show more' }).focus()
    await page.keyboard.press('Enter')
    await until(async () => (await rows.count()) === 60, 'all sixty')
    expect(await page.getByRole('button', { name: 'Show more' }).count()).toBe(0)

    const download = page.waitForEvent('download')
    await page.getByRole('button', { name: 'Export CSV' }).focus()
    await page.keyboard.press('Enter')
    const file = await (await download).path()
    const lines = readFileSync(file, 'utf8').trim().split('\r\n')
    expect(lines[0]).toBe(
      'id,time,actor_kind,actor_id,action,target_kind,target_id,address,details',
    )
    expect(lines).toHaveLength(61)
    const exported = await s.http('/api/admin/audit?action=audit.exported', { token })
    expect(exported.body.entries).toHaveLength(1)
    expect(exported.body.entries[0].details.filter).toEqual({ action: 'auth.login_failed' })
    await page.close()

    // The trail is for admins: an operator is refused.
    expect((await s.http('/api/admin/audit', { token: op.token })).status).toBe(403)
  }, 90_000)

  test('data requests - keyboard only: a visitor found by e-mail in capitals, their ZIP exported; axe light and dark, desktop and 375 px in Russian', async () => {
    const s = env.server
    const visitor = await s.visitorToken()
    const profile = await s.http('/api/visitor/profile', {
      method: 'PATCH',
      token: visitor.token,
      body: { name: 'Grace Hopper', email: 'grace@example.com' },
    })
    expect(profile.status).toBe(200)
    const { page } = await PanelPage.open(env.browser.context, s.url)
    await page.getByRole('button', { name: 'Data requests' }).focus()
    await page.keyboard.press('Enter')
    await page.getByRole('heading', { name: 'Data requests' }).waitFor()
    await page.getByLabel('Value').focus()
    await page.keyboard.insertText('GRACE@example.com')
    await page.keyboard.press('Enter')
    const row = page.locator(`tr[data-visitor="${visitor.visitorId}"]`)
    await row.waitFor()
    expect(await row.innerText()).toContain('Grace Hopper')
    const download = page.waitForEvent('download')
    await row.getByRole('button', { name: 'Export the data of Grace Hopper' }).focus()
    await page.keyboard.press('Enter')
    const zip = unzipSync(new Uint8Array(readFileSync(await (await download).path())))
    const json = JSON.parse(strFromU8(zip['visitor.json']!))
    expect(json.visitor).toMatchObject({ id: visitor.visitorId, name: 'Grace Hopper' })
    expect(await violations(page)).toEqual([])
    await page.close()

    for (const scheme of ['light', 'dark'] as const) {
      const { page } = await PanelPage.open(env.browser.context, s.url, {
        viewport: { width: 375, height: 740 },
        initScript: "localStorage.setItem('parley:lang', 'ru')",
      })
      await page.emulateMedia({ colorScheme: scheme })
      await page.getByRole('button', { name: 'Запросы данных' }).click()
      await page.getByLabel('Значение').fill('grace@example.com')
      await page.getByRole('button', { name: 'Найти' }).click()
      await page.locator(`tr[data-visitor="${visitor.visitorId}"]`).waitFor()
      const width = await page.evaluate(() => document.documentElement.scrollWidth)
      expect(width).toBeLessThanOrEqual(375)
      expect({ scheme, found: await violations(page) }).toEqual({ scheme, found: [] })
      await page.close()
    }
  }, 90_000)

  test('data requests - erase with the keyboard: Escape leaves them, "Erase for good" erases; an open thread on another tab turns into "Erased visitor" at once, with no composer; axe on the dialog, Russian at 375 px dark', async () => {
    const s = env.server
    const visitor = await s.visitorToken()
    await s.http('/api/visitor/profile', {
      method: 'PATCH',
      token: visitor.token,
      body: { name: 'Linus Pauling', email: 'linus@example.com' },
    })
    const started = await s.http('/api/visitor/conversations', {
      token: visitor.token,
      body: { text: 'my ticket code is vandergrift', clientMsgId: 'e1' },
    })
    expect(started.status).toBe(201)
    const conversationId = started.body.conversation.id as string

    // Another tab has the conversation open.
    // English, whatever an earlier test of this browser profile chose.
    const english = { initScript: "localStorage.setItem('parley:lang', 'en')" }
    const thread = await PanelPage.open(env.browser.context, s.url, english)
    await thread.page.evaluate((id) => {
      location.hash = `#c/${id}`
    }, conversationId)
    await thread.message('vandergrift').waitFor()
    await thread.conversationPane.getByRole('heading', { name: 'Linus Pauling' }).waitFor()

    const { page } = await PanelPage.open(env.browser.context, s.url, english)
    await page.getByRole('button', { name: 'Data requests' }).focus()
    await page.keyboard.press('Enter')
    await page.getByLabel('Value').focus()
    await page.keyboard.insertText('linus@example.com')
    await page.keyboard.press('Enter')
    const row = page.locator(`tr[data-visitor="${visitor.visitorId}"]`)
    await row.waitFor()
    const erase = row.getByRole('button', { name: 'Erase the data of Linus Pauling' })
    await erase.focus()
    await page.keyboard.press('Enter')
    const dialog = page.getByRole('dialog', { name: 'Erase Linus Pauling?' })
    await dialog.waitFor()
    expect(await violations(page)).toEqual([])
    await page.keyboard.press('Escape')
    await dialog.waitFor({ state: 'detached' })
    expect((await s.store.visitors.getById(visitor.visitorId))?.name).toBe('Linus Pauling')

    await erase.focus()
    await page.keyboard.press('Enter')
    await dialog.waitFor()
    const confirm = dialog.getByRole('button', { name: 'Erase for good' })
    for (let i = 0; i < 5 && !(await confirm.evaluate((b) => b === document.activeElement)); i++)
      await page.keyboard.press('Tab')
    await page.keyboard.press('Enter')
    await dialog.waitFor({ state: 'detached' })
    await until(
      async () => (await row.innerText()).includes('Erased on'),
      'the row shows the erasure',
    )
    expect(await row.innerText()).not.toContain('Linus')
    await page.getByRole('status').filter({ hasText: 'Erased: 1 conversation' }).waitFor()
    expect((await s.store.visitors.getById(visitor.visitorId))?.erasedAt).toBeNumber()

    // The other tab heard of it.
    await thread.conversationPane.getByRole('heading', { name: 'Erased visitor' }).waitFor()
    await thread.conversationPane.locator('.notice.erased').waitFor()
    await thread.message('Message deleted').waitFor()
    expect(await thread.conversationPane.innerText()).not.toContain('vandergrift')
    expect(await thread.input.count()).toBe(0)
    expect(await violations(thread.page)).toEqual([])
    await thread.page.close()
    await page.close()

    const ru = await PanelPage.open(env.browser.context, s.url, {
      viewport: { width: 375, height: 740 },
      initScript: "localStorage.setItem('parley:lang', 'ru')",
    })
    await ru.page.emulateMedia({ colorScheme: 'dark' })
    await ru.page.evaluate((id) => {
      location.hash = `#c/${id}`
    }, conversationId)
    await ru.page.getByRole('heading', { name: 'Удалённый посетитель' }).waitFor()
    const width = await ru.page.evaluate(() => document.documentElement.scrollWidth)
    expect(width).toBeLessThanOrEqual(375)
    expect(await violations(ru.page)).toEqual([])
    await ru.page.close()
  }, 90_000)

  test('audit page - webhook and API token changes read as sentences, their targets named by kind, in English and Russian', async () => {
    const s = env.server
    const token = await s.adminToken()
    const inboxId = await s.defaultInboxId()
    // A Telegram endpoint: its target needs no address check (nor a network).
    const made = await s.http('/api/webhooks', {
      token,
      body: {
        inboxId,
        url: 'telegram:-1001234567890',
        botToken: '7012345678:AAGx9zQk3vP2mWcR8tYbN4hJ6sLdF1eUoIq',
        events: ['conversation.created'],
      },
    })
    expect(made.status).toBe(201)
    const hookId = made.body.endpoint.id as string
    const patched = await s.http(`/api/webhooks/${hookId}`, {
      method: 'PATCH',
      token,
      body: { description: 'Team group' },
    })
    expect(patched.status).toBe(200)
    expect((await s.http(`/api/webhooks/${hookId}`, { method: 'DELETE', token })).status).toBe(204)
    const pat = await s.http('/api/tokens', { token, body: { name: 'Zapier', scope: 'read' } })
    expect(pat.status).toBe(201)
    const patId = pat.body.token.id as string
    expect((await s.http(`/api/tokens/${patId}`, { method: 'DELETE', token })).status).toBeLessThan(
      300,
    )

    const sentences: Record<string, [string, string]> = {
      'webhook.created': ['Added a webhook endpoint', 'Добавил получателя вебхуков'],
      'webhook.updated': ['Changed a webhook endpoint', 'Изменил получателя вебхуков'],
      'webhook.deleted': ['Deleted a webhook endpoint', 'Удалил получателя вебхуков'],
      'api_token.created': ['Created an API token', 'Создал API-токен'],
      'api_token.revoked': ['Revoked an API token', 'Отозвал API-токен'],
    }
    for (const ru of [false, true]) {
      const page = await openAudit({ ru })
      for (const [action, [en, russian]] of Object.entries(sentences)) {
        const row = page.locator(`.audit-table tbody tr[data-action="${action}"]`).first()
        await row.waitFor()
        expect(await row.locator('td').nth(2).innerText()).toBe(ru ? russian : en)
        expect(await row.locator('td').nth(2).locator('code').count()).toBe(0)
      }
      const target = (action: string) =>
        page.locator(`.audit-table tbody tr[data-action="${action}"]`).first().locator('td').nth(3)
      expect(await target('webhook.created').innerText()).toBe(
        `${ru ? 'Вебхук' : 'Webhook'}: ${hookId}`,
      )
      expect(await target('api_token.revoked').innerText()).toBe(
        `${ru ? 'API-токен' : 'API token'}: ${patId}`,
      )
      // The filter offers them all, those not seen here too.
      for (const label of ru
        ? [
            'Сменил секрет вебхука',
            'Повторно отправил событие вебхука',
            'Сбросил свой пароль по e-mail',
          ]
        : [
            "Rotated a webhook's secret",
            'Sent a webhook event again',
            'Reset their password by e-mail',
          ])
        await page
          .getByLabel(ru ? 'Действие' : 'Action')
          .getByRole('option', { name: label })
          .waitFor({
            state: 'attached',
          })
      await page.close()
    }
  }, 90_000)

  test('audit page - Russian at 375 px and desktop, light and dark: no serious axe violation', async () => {
    for (const scheme of ['light', 'dark'] as const) {
      for (const viewport of [undefined, { width: 375, height: 740 }]) {
        const page = await openAudit({ viewport, ru: true })
        await page.emulateMedia({ colorScheme: scheme })
        expect(await page.getByRole('button', { name: 'Выгрузить CSV' }).isVisible()).toBe(true)
        const width = await page.evaluate(() => document.documentElement.scrollWidth)
        expect(width).toBeLessThanOrEqual(viewport?.width ?? 1280)
        expect({ scheme, viewport, found: await violations(page) }).toEqual({
          scheme,
          viewport,
          found: [],
        })
        await page.close()
      }
    }
  }, 90_000)
})
