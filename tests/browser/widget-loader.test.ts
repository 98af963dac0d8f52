import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { startTestServer, type TestServer } from '../helpers/server.ts'
import { ensureClientBuilt, launchBrowser, skipBrowserTests, type TestBrowser } from './harness.ts'

describe.skipIf(skipBrowserTests)('widget loader', () => {
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

  test('loader - data-delay loads the widget only after N seconds', async () => {
    const page = await browser.context.newPage()
    const started = Date.now()
    await page.goto(`${server.url}/?delay=1`)
    expect(await page.locator('iframe').count()).toBe(0)
    await page.locator('iframe').waitFor({ state: 'attached' })
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000)
    await page.close()
  })

  test('loader - data-on-scroll loads the widget at the first scroll', async () => {
    const page = await browser.context.newPage()
    await page.setViewportSize({ width: 800, height: 300 })
    await page.goto(`${server.url}/?scroll`)
    await page.waitForTimeout(500)
    expect(await page.locator('iframe').count()).toBe(0)
    await page.mouse.wheel(0, 200)
    await page.locator('iframe').waitFor({ state: 'attached' })
    await page.close()
  })

  test('loader - language from the page, theme from data-theme', async () => {
    const page = await browser.context.newPage()
    await page.goto(`${server.url}/?lang=ru&theme=dark`)
    const frame = page.frameLocator('iframe[title="Чат поддержки"]')
    await frame.locator('.pw.dark').waitFor({ state: 'attached' })
    expect(await frame.locator('.launcher').getAttribute('aria-label')).toBe(
      'Открыть чат поддержки',
    )
    await page.close()
  })
})
