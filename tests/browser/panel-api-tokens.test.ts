/**
 * API tokens in the panel (issue 17, I3): an admin, with the keyboard only, opens the page from
 * the top bar, is told an empty name will not do (under the field, which takes the focus),
 * makes a token (its access, the operator it acts as, its lifetime), sees its secret once
 * (focused, with the warning; gone once copied, and gone after leaving the page), and the
 * secret works on the REST API; revokes it after a confirmation (Escape first leaves it and
 * gives the focus back), after which it stays listed as revoked, without a revoke button, and
 * the API refuses it. axe-core finds no serious violation, light and dark, desktop and 375 px
 * (nothing scrolls sideways on a phone); Russian reads; only admins see the page. Writes no
 * file: the README's screenshots of the page are tests/browser/screenshots-integrations.ts's.
 */
import { describe, expect, test } from 'bun:test'
import type { Locator, Page } from 'playwright-core'
import { violations } from './axe.ts'
import { skipBrowserTests, until, useServerAndBrowser } from './harness.ts'
import { PanelPage } from './panel-page.ts'

const EN = "localStorage.setItem('parley:lang', 'en')"
const RU = "localStorage.setItem('parley:lang', 'ru')"
const PHONE = { width: 375, height: 740 }

describe.skipIf(skipBrowserTests)('panel API tokens', () => {
  const env = useServerAndBrowser()

  /** The tokens as the API lists them. */
  const stored = async () => {
    const res = await env.server.http('/api/tokens', { token: await env.server.adminToken() })
    expect(res.status).toBe(200)
    return res.body.tokens as Array<Record<string, any>>
  }

  /** A token made through the API (for the pages that show a list). */
  const make = async (body: Record<string, unknown>) => {
    const res = await env.server.http('/api/tokens', {
      token: await env.server.adminToken(),
      body,
    })
    expect(res.status).toBe(201)
    return res.body as { token: { id: string; prefix: string }; secret: string }
  }

  /** The panel on the API tokens page, reached from the top bar with the keyboard. */
  async function openTokens(
    opts: { viewport?: { width: number; height: number }; ru?: boolean } = {},
  ): Promise<Page> {
    const { page } = await PanelPage.open(env.browser.context, env.server.url, {
      viewport: opts.viewport ?? { width: 1280, height: 900 },
      initScript: opts.ru ? RU : EN,
    })
    const tab = page.getByRole('button', { name: opts.ru ? 'API-токены' : 'API tokens' })
    await tab.focus()
    await page.keyboard.press('Enter')
    await page
      .getByRole('heading', { name: opts.ru ? 'API-токены' : 'API tokens', level: 2 })
      .waitFor()
    return page
  }

  /** Presses a button with the keyboard. */
  async function press(page: Page, name: string | RegExp, scope: Locator = page.locator('body')) {
    const button = scope.getByRole('button', { name, exact: typeof name === 'string' })
    await button.focus()
    await page.keyboard.press('Enter')
  }

  const focused = (locator: Locator) => locator.evaluate((el) => el === document.activeElement)
  const row = (page: Page, name: string) => page.locator('tbody tr', { hasText: name })

  test('API tokens - keyboard only: an empty name refused, a token made with its secret shown once (and working), revoked after a confirmation', async () => {
    const me = await env.server.http('/api/auth/me', { token: await env.server.adminToken() })
    const adminId = me.body.operator.id as string
    expect(adminId).toBeTruthy()
    const page = await openTokens()

    await press(page, 'New token')
    const form = page.getByRole('form', { name: 'New API token' })
    await until(() => focused(form.getByRole('heading')), 'the form heading focus')
    // Tab goes through the form in order: the name, the access, the operator, the lifetime.
    const name = form.getByRole('textbox', { name: 'Name' })
    await page.keyboard.press('Tab')
    expect(await focused(name)).toBe(true)
    // No name: refused before sending, under the field, which takes the focus.
    await press(page, 'Create token', form)
    await form.getByText('Enter a name.').waitFor()
    expect(await name.getAttribute('aria-invalid')).toBe('true')
    expect(await name.getAttribute('aria-describedby')).toBeTruthy()
    expect(await focused(name)).toBe(true)
    expect(await stored()).toEqual([])

    await page.keyboard.insertText('CRM sync')
    await page.keyboard.press('Tab')
    // Least access first: "Read only" is chosen for a new token; arrows choose another.
    const read = form.getByRole('radio', { name: 'Read only' })
    expect(await focused(read)).toBe(true)
    expect(await read.isChecked()).toBe(true)
    await page.keyboard.press('ArrowDown')
    expect(
      await form.getByRole('radio', { name: 'Read and write conversations' }).isChecked(),
    ).toBe(true)
    await form.getByText('no admin settings', { exact: false }).waitFor()
    await page.keyboard.press('Tab')
    // Acts as the admin who makes it, unless another is chosen.
    const actsAs = form.getByRole('combobox', { name: 'Acts as' })
    expect(await focused(actsAs)).toBe(true)
    expect(await actsAs.inputValue()).toBe(adminId)
    await page.keyboard.press('Tab')
    const expires = form.getByRole('combobox', { name: 'Expires' })
    expect(await focused(expires)).toBe(true)
    expect(await expires.inputValue()).toBe('90')
    await expires.selectOption({ label: 'In 30 days' })
    await page.keyboard.press('Tab')
    expect(await focused(form.getByRole('button', { name: 'Create token' }))).toBe(true)
    const before = Date.now()
    await page.keyboard.press('Enter')

    // Made: the secret shows once, focused and selected, with the warning.
    const secretField = page.getByRole('textbox', { name: 'Token' })
    await secretField.waitFor()
    await until(() => focused(secretField), 'the secret focus')
    const secret = await secretField.inputValue()
    expect(secret).toStartWith('pat_')
    await page.getByText('Copy it now: it will not be shown again.').waitFor()
    expect(
      await secretField.evaluate(
        (el: HTMLInputElement) => el.selectionEnd! - el.selectionStart! === el.value.length,
      ),
    ).toBe(true)
    const [made] = await stored()
    expect(made).toMatchObject({
      name: 'CRM sync',
      scope: 'write',
      operator: { id: adminId },
      revokedAt: null,
      lastUsedAt: null,
      prefix: secret.slice(0, made!.prefix.length),
    })
    expect(made!.expiresAt).toBeGreaterThanOrEqual(before + 30 * 86_400_000 - 60_000)
    expect(made!.expiresAt).toBeLessThanOrEqual(Date.now() + 30 * 86_400_000 + 60_000)

    // Listed: its access, its first characters, whom it acts as, active, never used yet.
    const listed = row(page, 'CRM sync')
    await listed.getByText('Read and write conversations').waitFor()
    await listed.getByText(`${made!.prefix}…`).waitFor()
    await listed.getByText('Active', { exact: true }).waitFor()
    await listed.locator('td[data-label="Last used"]', { hasText: 'Never' }).waitFor()

    // Copy puts it on the clipboard, and says so.
    await env.browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], {
      origin: env.server.url,
    })
    await press(page, 'Copy token')
    await page.getByRole('status').getByText('Copied').waitFor()
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret)

    // The secret works on the REST API.
    const inboxes = await env.server.http('/api/inboxes', { token: secret })
    expect(inboxes.status).toBe(200)

    // Copied: it goes for good, the focus goes back to the heading.
    await press(page, 'I have copied it')
    await until(async () => (await secretField.count()) === 0, 'the secret to go')
    expect(await page.content()).not.toContain(secret)
    await until(
      () => focused(page.getByRole('heading', { name: 'API tokens', level: 2 })),
      'the heading focus',
    )

    // A second one, then away and back: its secret is gone too.
    await press(page, 'New token')
    await page.keyboard.press('Tab')
    await page.keyboard.insertText('Backup script')
    await press(page, 'Create token')
    await secretField.waitFor()
    const second = await secretField.inputValue()
    await press(page, 'Operators')
    await page.getByRole('heading', { name: 'Operators', level: 2 }).waitFor()
    await press(page, 'API tokens')
    await row(page, 'Backup script').waitFor()
    expect(await secretField.count()).toBe(0)
    expect(await page.content()).not.toContain(second)

    // Revoke: Escape leaves it (the focus goes back to the button); confirmed, it is revoked.
    const revoke = listed.getByRole('button', { name: 'Revoke' })
    await revoke.focus()
    await page.keyboard.press('Enter')
    const confirm = page.getByRole('dialog', { name: 'Revoke token' })
    await confirm.getByText(`“CRM sync” (${made!.prefix}…)`, { exact: false }).waitFor()
    await page.keyboard.press('Escape')
    await until(async () => (await confirm.count()) === 0, 'Escape to close the dialog')
    await until(() => focused(revoke), 'the focus back on Revoke')
    expect((await stored()).find((x) => x.id === made!.id)!.revokedAt).toBeNull()
    await page.keyboard.press('Enter')
    await press(page, 'Revoke token', confirm)
    await until(async () => (await confirm.count()) === 0, 'the dialog to close')
    await listed.getByText('Revoked', { exact: true }).waitFor()
    expect(await listed.getByRole('button', { name: 'Revoke' }).count()).toBe(0)
    expect(await listed.getAttribute('class')).toContain('inactive')
    await until(
      () => focused(page.getByRole('heading', { name: 'API tokens', level: 2 })),
      'the heading focus after revoking',
    )
    expect((await stored()).find((x) => x.id === made!.id)!.revokedAt).toBeNumber()
    // The other one still works; the revoked one is refused.
    expect((await env.server.http('/api/inboxes', { token: second })).status).toBe(200)
    expect((await env.server.http('/api/inboxes', { token: secret })).status).toBe(401)
    // Listed newest first; the one used since says so.
    await press(page, 'Operators')
    await press(page, 'API tokens')
    const rows = page.locator('tbody tr')
    await until(async () => (await rows.count()) === 2, 'two tokens listed')
    expect(await rows.first().innerText()).toContain('Backup script')
    await until(
      async () =>
        !(await row(page, 'Backup script').locator('td[data-label="Last used"]').innerText())
          .trim()
          .endsWith('Never'),
      'the last use',
    )
    await page.close()
  }, 90_000)

  test('API tokens - no serious axe violation (list, secret, form, dialog), light and dark, desktop and 375 px; nothing scrolls sideways on a phone', async () => {
    const ops = await env.server.http('/api/admin/operators', {
      token: await env.server.adminToken(),
    })
    const other = await env.server.operator({ role: 'operator' })
    await make({ name: 'Zapier', scope: 'read', expiresInDays: 365 })
    await make({ name: 'Helpdesk bridge', scope: 'write', operatorId: other.id })
    const old = await make({ name: 'Old reporting job', scope: 'admin', expiresInDays: 90 })
    await env.server.http(`/api/tokens/${old.token.id}`, {
      method: 'DELETE',
      token: await env.server.adminToken(),
    })
    expect(ops.status).toBe(200)

    for (const scheme of ['light', 'dark'] as const) {
      for (const viewport of [undefined, PHONE]) {
        const ru = scheme === 'dark' && viewport === PHONE
        const page = await openTokens({ viewport, ru })
        await page.emulateMedia({ colorScheme: scheme })
        await row(page, 'Zapier').waitFor()
        const where = { scheme, viewport }
        expect({ ...where, list: await violations(page) }).toEqual({ ...where, list: [] })
        if (viewport) {
          const width = await page.evaluate(() => document.documentElement.scrollWidth)
          expect(width).toBeLessThanOrEqual(375)
          const main = await page
            .locator('main')
            .evaluate((el) => ({ scroll: el.scrollWidth, client: el.clientWidth }))
          expect(main.scroll).toBeLessThanOrEqual(main.client)
        }
        if (ru) {
          // In Russian on a phone, the list is what is checked (the rest reads as in English).
          await page.close()
          continue
        }
        // The form.
        await press(page, 'New token')
        const form = page.getByRole('form', { name: 'New API token' })
        await form.waitFor()
        expect({ ...where, form: await violations(page) }).toEqual({ ...where, form: [] })
        // Refused: the field marked.
        await press(page, 'Create token', form)
        await form.getByText('Enter a name.').waitFor()
        expect({ ...where, refused: await violations(page) }).toEqual({ ...where, refused: [] })
        // The secret, shown once.
        await form
          .getByRole('textbox', { name: 'Name' })
          .fill(`Axe ${scheme} ${viewport ? 375 : 'desktop'}`)
        await press(page, 'Create token', form)
        await page.getByRole('textbox', { name: 'Token' }).waitFor()
        expect({ ...where, secret: await violations(page) }).toEqual({ ...where, secret: [] })
        // The confirmation.
        await press(page, 'Revoke', row(page, 'Zapier'))
        await page.getByRole('dialog', { name: 'Revoke token' }).waitFor()
        expect({ ...where, dialog: await violations(page) }).toEqual({ ...where, dialog: [] })
        await page.keyboard.press('Escape')
        await page.close()
      }
    }
  }, 150_000)

  test('API tokens - a refusal by the server shows under the field it names, else by the Create button', async () => {
    const page = await openTokens()
    const refusals = [
      {
        status: 422,
        code: 'validation_failed',
        message: 'body.name: name: at most 100 characters',
      },
      { status: 409, code: 'conflict', message: 'at most 200 API tokens' },
    ]
    await page.route('**/api/tokens', (route) => {
      if (route.request().method() !== 'POST') return route.fallback()
      const { status, ...error } = refusals.shift()!
      return route.fulfill({ status, json: { error } })
    })
    await press(page, 'New token')
    const form = page.getByRole('form', { name: 'New API token' })
    const name = form.getByRole('textbox', { name: 'Name' })
    await name.fill('Refused')
    await press(page, 'Create token', form)
    await form.getByText('at most 100 characters', { exact: false }).waitFor()
    expect(await name.getAttribute('aria-invalid')).toBe('true')
    await until(() => focused(name), 'the focus on the field named')
    await press(page, 'Create token', form)
    await form.getByRole('alert').getByText('at most 200 API tokens', { exact: false }).waitFor()
    expect(await name.getAttribute('aria-invalid')).toBeNull()
    expect(await form.getByText('at most 100 characters', { exact: false }).count()).toBe(0)
    await page.close()
  }, 60_000)

  test('API tokens - an expired token says so (and may still be revoked)', async () => {
    const { page } = await PanelPage.open(env.browser.context, env.server.url, {
      viewport: { width: 1280, height: 900 },
      initScript: EN,
    })
    const day = 86_400_000
    const admin = { id: 'op-admin', name: 'admin' }
    // The server's list, with one token past its lifetime (a real one would take 24 hours).
    await page.route('**/api/tokens', (route) =>
      route.request().method() === 'GET'
        ? route.fulfill({
            json: {
              tokens: [
                {
                  id: 'tok-expired',
                  name: 'Last year’s import',
                  scope: 'read',
                  prefix: 'pat_abcd',
                  operator: admin,
                  createdBy: null,
                  createdAt: Date.now() - 40 * day,
                  lastUsedAt: Date.now() - 32 * day,
                  expiresAt: Date.now() - 10 * day,
                  revokedAt: null,
                },
              ],
            },
          })
        : route.fallback(),
    )
    await press(page, 'API tokens')
    const expired = row(page, 'Last year’s import')
    await expired.getByText('Expired', { exact: true }).waitFor()
    await expired.getByText('pat_abcd…').waitFor()
    await expired.getByText('32 days ago').waitFor()
    expect(await expired.getAttribute('class')).toContain('inactive')
    await expired.getByRole('button', { name: 'Revoke' }).waitFor()
    expect(await violations(page)).toEqual([])
    await page.close()
  }, 60_000)

  test('API tokens - in Russian; only admins see the page', async () => {
    const page = await openTokens({ ru: true, viewport: PHONE })
    await page.getByRole('button', { name: 'Новый токен' }).waitFor()
    await press(page, 'Новый токен')
    const form = page.getByRole('form', { name: 'Новый API-токен' })
    await form.getByRole('textbox', { name: 'Название' }).waitFor()
    await form.getByRole('radio', { name: 'Только чтение' }).waitFor()
    await form.getByRole('radio', { name: 'Полный доступ администратора' }).waitFor()
    await form.getByRole('combobox', { name: 'Действует от имени' }).waitFor()
    const expires = form.getByRole('combobox', { name: 'Истекает' })
    await expires.getByRole('option', { name: 'Через 30 дней' }).waitFor({ state: 'attached' })
    await expires.getByRole('option', { name: 'Никогда' }).waitFor({ state: 'attached' })
    await press(page, 'Создать токен', form)
    await form.getByText('Введите название.').waitFor()
    await press(page, 'Отмена', form)
    // On a phone each token is a card of labelled lines.
    await page.locator('tbody td[data-label="Действует от имени"]').first().waitFor()

    // A supervisor signs in: no API tokens in the top bar, and the API refuses them.
    await page.getByRole('button', { name: 'Выйти' }).click()
    const sup = await env.server.operator({ role: 'supervisor' })
    expect((await env.server.http('/api/tokens', { token: sup.token })).status).toBe(403)
    const res = await env.server.http(`/api/admin/operators`, {
      token: await env.server.adminToken(),
    })
    const email = (res.body.operators as Array<{ id: string; email: string }>).find(
      (o) => o.id === sup.id,
    )!.email
    await page.getByLabel('E-mail').fill(email)
    await page.getByLabel('Пароль').fill('operator-password-1')
    await page.getByRole('button', { name: 'Войти' }).click()
    await page.locator('.shell[data-connection="connected"]').waitFor()
    await page.getByRole('button', { name: 'Обзор' }).waitFor()
    expect(await page.getByRole('button', { name: 'API-токены' }).count()).toBe(0)
    await page.getByRole('button', { name: 'Выйти' }).click()
    await page.getByRole('button', { name: 'Войти' }).waitFor()
    await page.close()
  }, 60_000)
})
