/**
 * The API's page (`GET /api/docs`) in Chromium: light and dark by the reader's setting, usable
 * on a 375 px phone without sideways scrolling, no accessibility violations (axe, serious and
 * critical), and nothing its Content-Security-Policy has to block (it runs no script and loads
 * nothing from elsewhere).
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import type { Page } from 'playwright-core'
import { startTestServer, type TestServer } from '../helpers/server.ts'
import { violations } from './axe.ts'
import { launchBrowser, skipBrowserTests, type TestBrowser } from './harness.ts'

let s: TestServer
let browser: TestBrowser

beforeAll(async () => {
  if (skipBrowserTests) return
  s = await startTestServer()
  browser = await launchBrowser()
})

afterAll(async () => {
  await browser?.close()
  await s?.stop()
})

/** The page at a width and colour scheme, with what the console said while it loaded. */
async function open(width: number, scheme: 'light' | 'dark') {
  const page = await browser.context.newPage()
  const console: string[] = []
  page.on('console', (m) => console.push(m.text()))
  await page.setViewportSize({ width, height: 800 })
  await page.emulateMedia({ colorScheme: scheme })
  const res = await page.goto(`${s.url}/api/docs`)
  expect(res?.status()).toBe(200)
  return { page, console }
}

const overflow = (page: Page) =>
  page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)

const background = (page: Page) =>
  page.evaluate(() => getComputedStyle(document.body).backgroundColor)

describe.skipIf(skipBrowserTests)('api docs page', () => {
  test('api docs - light and dark, 375 px wide without sideways scrolling, no axe violations', async () => {
    const light = await open(375, 'light')
    const dark = await open(375, 'dark')
    try {
      expect(await background(light.page)).toBe('rgb(255, 255, 255)')
      expect(await background(dark.page)).not.toBe('rgb(255, 255, 255)')
      for (const { page, console } of [light, dark]) {
        expect(await overflow(page)).toBeLessThanOrEqual(0)
        // An operation opens in place; its schemas scroll inside their own boxes.
        const op = page.locator('details[id^="op-"]').filter({ hasText: 'redeliver' }).first()
        await op.locator('summary').click()
        await expect(op.locator('h4', { hasText: 'Responses' }).isVisible()).resolves.toBe(true)
        expect(await overflow(page)).toBeLessThanOrEqual(0)
        expect(await violations(page)).toEqual([])
        expect(console.filter((line) => /Content.Security.Policy/i.test(line))).toEqual([])
      }
    } finally {
      await light.page.close()
      await dark.page.close()
    }
  })

  test('api docs - the contents lead to each tag, and every operation has a heading', async () => {
    const { page } = await open(1100, 'light')
    try {
      const tags = await page.locator('nav a[href^="#tag-"]').count()
      expect(tags).toBeGreaterThan(10)
      await page.locator('nav a[href="#tag-webhooks"]').click()
      expect(page.url()).toEndWith('#tag-webhooks')
      const operations = await page.locator('details[id^="op-"]').count()
      const headings = await page.locator('details[id^="op-"] > summary h3').count()
      expect(headings).toBe(operations)
      expect(await page.locator('h1').count()).toBe(1)
    } finally {
      await page.close()
    }
  })
})
