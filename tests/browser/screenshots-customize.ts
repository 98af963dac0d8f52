/**
 * Screenshots of the widget's customization for the README (run by tests/browser/screenshots.ts):
 * docs/panel-appearance.png (an inbox's appearance settings with the live preview, the accent
 * being typed, and the embed snippet below) and docs/panel-appearance-375-dark.png (the same on
 * a phone, dark, the preview in Russian). A server of its own.
 */
import { join } from 'node:path'
import { ROOT } from '../../client/build-stamp.ts'
import { startTestServer } from '../helpers/server.ts'
import type { TestBrowser } from './harness.ts'
import { PanelPage } from './panel-page.ts'

export async function appearanceShots(browser: TestBrowser): Promise<void> {
  const server = await startTestServer()
  try {
    for (const shot of [
      { file: 'panel-appearance.png', viewport: { width: 1280, height: 900 }, dark: false },
      { file: 'panel-appearance-375-dark.png', viewport: { width: 375, height: 800 }, dark: true },
    ]) {
      const { page } = await PanelPage.open(browser.context, server.url, {
        viewport: shot.viewport,
      })
      await page.emulateMedia({ colorScheme: shot.dark ? 'dark' : 'light' })
      await page.getByRole('button', { name: 'Settings' }).click()
      const appearance = page.getByRole('group', { name: 'Widget appearance' }).first()
      await appearance.waitFor()
      const title = appearance.getByRole('group', { name: /^Title/ })
      await title.getByLabel('English').fill('Acme support')
      await title.getByLabel('Russian').fill('Поддержка Acme')
      const label = appearance.getByRole('group', { name: /^Launcher label/ })
      await label.getByLabel('English').fill('Chat with us')
      await label.getByLabel('Russian').fill('Напишите нам')
      const accent = appearance.getByLabel('Accent color', { exact: true })
      await accent.fill('#0f766e')
      await appearance.getByLabel('Bottom left').check()
      if (shot.dark) {
        await appearance.getByRole('button', { name: 'Show in Russian' }).click()
        await appearance.getByRole('button', { name: 'Dark theme' }).click()
      }
      // The phone shows the preview (below the fields there), the desktop the whole section.
      const top = shot.dark ? appearance.locator('figure.preview') : appearance
      await top.evaluate((el) => el.scrollIntoView({ block: 'start' }))
      await page.waitForTimeout(200)
      const path = join(ROOT, 'docs', shot.file)
      await page.screenshot({ path })
      console.log(`wrote ${path}`)
      await page.close()
    }
  } finally {
    await server.stop()
  }
}
