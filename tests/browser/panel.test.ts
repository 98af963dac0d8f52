import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { ADMIN, startTestServer, type TestServer } from '../helpers/server.ts'
import { ensureClientBuilt, launchBrowser, skipBrowserTests, type TestBrowser } from './harness.ts'

describe.skipIf(skipBrowserTests)('panel login', () => {
  let server: TestServer
  let browser: TestBrowser

  beforeAll(async () => {
    ensureClientBuilt()
    server = await startTestServer()
    browser = await launchBrowser()
  }, 120_000)

  afterAll(async () => {
    await browser?.close()
    await server?.stop()
  })

  test('panel - an operator signs in, stays signed in across a reload, and signs out', async () => {
    const page = await browser.context.newPage()
    await page.goto(`${server.url}/panel`)
    await page.getByLabel('Email').fill(ADMIN.email)
    await page.getByLabel('Password').fill('not-the-password')
    await page.getByRole('button', { name: 'Sign in' }).click()
    expect(await page.getByRole('alert').innerText()).toBe('wrong email or password')
    await page.getByLabel('Password').fill(ADMIN.password)
    await page.getByRole('button', { name: 'Sign in' }).click()
    await page.locator('.shell[data-connection="connected"]').waitFor()
    await page.reload()
    await page.locator('.shell[data-connection="connected"]').waitFor()
    await page.getByRole('button', { name: 'Sign out' }).click()
    await page.getByRole('button', { name: 'Sign in' }).waitFor()
    await page.close()
  })
})
