import { describe, expect, test } from 'bun:test'
import { ADMIN } from '../helpers/server.ts'
import { skipBrowserTests, useServerAndBrowser } from './harness.ts'

describe.skipIf(skipBrowserTests)('panel login', () => {
  const env = useServerAndBrowser()

  test('panel - an operator signs in, stays signed in across a reload, and signs out', async () => {
    const page = await env.browser.context.newPage()
    await page.goto(`${env.server.url}/panel`)
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
