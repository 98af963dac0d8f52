/**
 * The operator's own menu, used with the keyboard only: change password (the other sessions
 * end, this one stays) and sign out everywhere (every session ends, this one included).
 */
import { describe, expect, test } from 'bun:test'
import type { Page } from 'playwright-core'
import { skipBrowserTests, until, useServerAndBrowser } from './harness.ts'

const focused = (page: Page) =>
  page.evaluate(() => {
    const el = document.activeElement
    if (el instanceof HTMLInputElement) return el.labels?.[0]?.textContent?.trim() ?? ''
    return el?.getAttribute('aria-label') ?? el?.textContent?.trim() ?? ''
  })

describe.skipIf(skipBrowserTests)('panel account', () => {
  const env = useServerAndBrowser()

  /** A fresh operator signed in on a new page, plus a second session of it ("another device"). */
  async function signIn(name: string) {
    const email = `${name}@example.com`
    const password = 'first-password-1'
    const created = await env.server.http('/api/admin/operators', {
      token: await env.server.adminToken(),
      body: { email, name, password, role: 'operator', canChat: true },
    })
    expect(created.status).toBe(201)
    const other = await env.server.http('/api/auth/login', { body: { email, password } })
    const page = await env.browser.context.newPage()
    await page.goto(`${env.server.url}/panel/`)
    // The profile is shared by the tests: start signed out whoever signed in before.
    await page.evaluate(() => localStorage.removeItem('parley:operator'))
    await page.reload()
    await page.getByLabel('Email').fill(email)
    await page.getByLabel('Password').fill(password)
    await page.keyboard.press('Enter')
    await page.locator('.shell[data-connection="connected"]').waitFor()
    // From the top of the page, Tab reaches the menu button.
    for (let i = 0; i < 10 && !(await focused(page)).startsWith(name); i++) {
      await page.keyboard.press('Tab')
    }
    expect(await focused(page)).toStartWith(name)
    expect(await page.locator('.account-button').getAttribute('aria-expanded')).toBe('false')
    const stillValid = async () =>
      (await env.server.http('/api/auth/me', { token: other.body.token as string })).status
    return { email, password, page, stillValid }
  }

  test('panel - change password from the user menu with the keyboard: a wrong current password is refused, then the other sessions end and this one stays', async () => {
    const { email, password, page, stillValid } = await signIn('Pat')
    expect(await stillValid()).toBe(200)
    await page.keyboard.press('Enter')
    expect(await page.locator('.account-button').getAttribute('aria-expanded')).toBe('true')
    expect(await focused(page)).toBe('Name shown to visitors…')
    await page.keyboard.press('ArrowDown')
    expect(await focused(page)).toBe('Change password…')
    await page.keyboard.press('Enter')
    const dialog = page.getByRole('dialog', { name: 'Change password' })
    await dialog.waitFor()
    expect(await focused(page)).toBe('Current password')
    await page.keyboard.type('not-my-password')
    await page.keyboard.press('Tab')
    await page.keyboard.type('second-password-2')
    await page.keyboard.press('Tab')
    expect(await focused(page)).toBe('New password again')
    await page.keyboard.type('second-password-2')
    await page.keyboard.press('Enter')
    await dialog.getByRole('alert').filter({ hasText: 'current password is wrong' }).waitFor()
    await dialog.getByLabel('Current password').fill(password)
    await dialog.getByLabel('Current password').press('Enter')
    await dialog.getByRole('status').filter({ hasText: 'Password changed' }).waitFor()
    expect(await focused(page)).toBe('Done')
    await page.keyboard.press('Enter')
    await dialog.waitFor({ state: 'hidden' })
    // The dialog's close event puts focus back on the menu button.
    await until(async () => (await focused(page)).startsWith('Pat'), 'focus on the menu button')

    expect(await stillValid()).toBe(401)
    const relogin = await env.server.http('/api/auth/login', {
      body: { email, password: 'second-password-2' },
    })
    expect(relogin.status).toBe(200)
    await page.reload()
    await page.locator('.shell[data-connection="connected"]').waitFor()
    await page.close()
  }, 60_000)

  test('panel - sign out everywhere from the user menu with the keyboard ends every session, this one included', async () => {
    const { page, stillValid } = await signIn('Sam')
    // ArrowUp opens the menu on its last item; Escape closes it back onto the button.
    await page.keyboard.press('ArrowUp')
    expect(await focused(page)).toBe('Sign out everywhere…')
    await page.keyboard.press('Escape')
    expect(await page.getByRole('menu').count()).toBe(0)
    expect(await focused(page)).toStartWith('Sam')
    // ArrowDown opens it on the first item; End goes to the last.
    await page.keyboard.press('ArrowDown')
    await page.keyboard.press('End')
    expect(await focused(page)).toBe('Sign out everywhere…')
    await page.keyboard.press('Enter')
    const dialog = page.getByRole('dialog', { name: 'Sign out everywhere?' })
    await dialog.waitFor()
    // The safe choice has focus first.
    expect(await focused(page)).toBe('Cancel')
    await page.keyboard.press('Tab')
    expect(await focused(page)).toBe('Sign out everywhere')
    await page.keyboard.press('Enter')
    await page.getByRole('button', { name: 'Sign in' }).waitFor()
    expect(await page.evaluate(() => localStorage.getItem('parley:operator'))).toBeNull()
    expect(await stillValid()).toBe(401)
    await page.close()
  }, 60_000)
})
