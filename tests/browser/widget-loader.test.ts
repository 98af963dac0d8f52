import { describe, expect, test } from 'bun:test'
import { skipBrowserTests, useServerAndBrowser } from './harness.ts'

describe.skipIf(skipBrowserTests)('widget loader', () => {
  const env = useServerAndBrowser()

  test('loader - data-delay loads the widget only after N seconds', async () => {
    const page = await env.browser.context.newPage()
    const started = Date.now()
    await page.goto(`${env.server.url}/?delay=1`)
    expect(await page.locator('iframe').count()).toBe(0)
    await page.locator('iframe').waitFor({ state: 'attached' })
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000)
    await page.close()
  })

  test('loader - data-on-scroll loads the widget at the first scroll', async () => {
    const page = await env.browser.context.newPage()
    await page.setViewportSize({ width: 800, height: 300 })
    await page.goto(`${env.server.url}/?scroll`)
    await page.waitForTimeout(500)
    expect(await page.locator('iframe').count()).toBe(0)
    await page.mouse.wheel(0, 200)
    await page.locator('iframe').waitFor({ state: 'attached' })
    await page.close()
  })

  test('loader - language from the page, theme from data-theme', async () => {
    const page = await env.browser.context.newPage()
    await page.goto(`${env.server.url}/?lang=ru&theme=dark`)
    const frame = page.frameLocator('iframe[title="Чат поддержки"]')
    await frame.locator('.pw.dark').waitFor({ state: 'attached' })
    expect(await frame.locator('.launcher').getAttribute('aria-label')).toBe(
      'Открыть чат поддержки',
    )
    await page.close()
  })
})
