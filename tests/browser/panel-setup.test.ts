/**
 * First run in the panel (issue 16): with no admin, the setup link from the log opens a "create
 * the first admin" form with its code filled in (and taken out of the address bar); it is used
 * with the keyboard only, says what is wrong next to the field, and signs the new admin in.
 * Once an admin exists, /panel/ is the sign-in form again.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import type { Logger } from '../../actors/index.ts'
import { startTestServer, type TestServer } from '../helpers/server.ts'
import { violations } from './axe.ts'
import { ensureClientBuilt, launchBrowser, skipBrowserTests, type TestBrowser } from './harness.ts'

describe.skipIf(skipBrowserTests)('panel first run', () => {
  let server: TestServer
  let browser: TestBrowser
  let link = ''

  beforeAll(async () => {
    ensureClientBuilt()
    const log: Logger = {
      debug: () => undefined,
      info: () => undefined,
      warn: (msg, fields) => {
        if (msg.startsWith('no admin yet')) link = String(fields?.url)
      },
      error: () => undefined,
      child: () => log,
    }
    server = await startTestServer({ env: { ADMIN_EMAIL: '', ADMIN_PASSWORD: '' }, log })
    browser = await launchBrowser()
  }, 120_000)

  afterAll(async () => {
    await browser?.close()
    await server?.stop()
  })

  test('setup - the logged link opens the form with its code; keyboard only, errors by the field, then signed in as admin', async () => {
    expect(link).toContain('/panel/#setup=')
    const page = await browser.context.newPage()
    await page.setViewportSize({ width: 375, height: 740 })
    // The logged link names this server's host and port.
    const url = new URL(link)
    await page.goto(`${server.url}/panel/${url.hash}`)
    const form = page.getByRole('form', { name: 'Welcome to Parley' })
    await form.waitFor()
    expect(new URL(page.url()).hash).toBe('')
    expect(await page.getByLabel('Setup code').inputValue()).toBe(url.hash.slice('#setup='.length))
    expect(await violations(page)).toEqual([])

    // Keyboard only: from the code field through every field to the button.
    await page.getByLabel('Setup code').focus()
    await page.keyboard.press('Tab')
    await page.keyboard.type('Ada Admin')
    await page.keyboard.press('Tab')
    await page.keyboard.type('ada@example.com')
    await page.keyboard.press('Tab')
    await page.keyboard.type('short')
    await page.keyboard.press('Tab')
    await page.keyboard.type('short')
    await page.keyboard.press('Enter')
    const alert = page.getByRole('alert')
    await alert.waitFor()
    expect(await alert.textContent()).toBe('Password: use at least 10 characters')
    expect(await page.getByLabel('Password', { exact: true }).getAttribute('aria-invalid')).toBe(
      'true',
    )
    expect(await violations(page)).toEqual([])
    // Nothing was sent: the server still waits for its first admin.
    expect((await server.http('/api/setup')).body).toEqual({ pending: true })

    await page.getByLabel('Password', { exact: true }).fill('a-long-password-1')
    await page.getByLabel('Repeat the password').fill('a-long-password-1')
    await page.getByLabel('Repeat the password').press('Enter')
    await page.locator('.shell[data-connection="connected"]').waitFor()
    expect((await server.http('/api/setup')).body).toEqual({ pending: false })
    const me = await page.evaluate(() => localStorage.getItem('parley:operator'))
    expect(JSON.parse(me ?? '{}').operator).toMatchObject({
      email: 'ada@example.com',
      role: 'admin',
    })

    // Another visit, signed out: the sign-in form, not the setup.
    await page.close()
    const other = await browser.context.newPage()
    // Same origin, but no panel running there to save its login again.
    await other.goto(`${server.url}/api/setup`)
    await other.evaluate(() => localStorage.removeItem('parley:operator'))
    await other.goto(`${server.url}/panel/${url.hash}`)
    await other.getByRole('button', { name: 'Sign in' }).waitFor()
    expect(await other.getByRole('form', { name: 'Welcome to Parley' }).count()).toBe(0)
  })
})
