/**
 * Screenshots of the integrations (issue 17) for the README (run by
 * tests/browser/screenshots.ts), with a server of their own:
 * - API tokens (I3): docs/panel-api-tokens.png (desktop, light, English: three tokens, one made
 *   by another admin for another operator, one revoked, and a new one's secret shown once) and
 *   docs/panel-api-tokens-dark.png (375 px, dark, Russian: the list as cards).
 * The webhooks page (with Telegram chats and e-mail replies, I1, I2, I4) has its own module,
 * screenshots-webhooks.ts.
 */
import { join } from 'node:path'
import { ROOT } from '../../client/build-stamp.ts'
import { startTestServer } from '../helpers/server.ts'
import type { TestBrowser } from './harness.ts'
import { PanelPage } from './panel-page.ts'

export async function tokenShots(browser: TestBrowser): Promise<void> {
  const server = await startTestServer()
  try {
    const token = await server.adminToken()
    const make = async (body: Record<string, unknown>) => {
      const res = await server.http('/api/tokens', { token, body })
      if (res.status !== 201) throw new Error(`token not made: ${JSON.stringify(res.body)}`)
      return res.body.token as { id: string }
    }
    const other = await server.operator({ role: 'operator' })
    await make({ name: 'Zapier', scope: 'read', expiresInDays: 365 })
    await make({ name: 'Helpdesk bridge', scope: 'write', operatorId: other.id })
    const old = await make({ name: 'Old reporting job', scope: 'admin', expiresInDays: 90 })
    await server.http(`/api/tokens/${old.id}`, { method: 'DELETE', token })

    // Signed in first in English (PanelPage signs in with the English words).
    await (await PanelPage.open(browser.context, server.url)).page.close()
    // The phone first: the desktop one makes a token.
    for (const shot of [
      { file: 'panel-api-tokens-dark.png', viewport: { width: 375, height: 740 }, ru: true },
      { file: 'panel-api-tokens.png', viewport: { width: 1280, height: 900 }, ru: false },
    ]) {
      const { page } = await PanelPage.open(browser.context, server.url, {
        viewport: shot.viewport,
        initScript: `localStorage.setItem('parley:lang', '${shot.ru ? 'ru' : 'en'}')`,
      })
      await page.emulateMedia({ colorScheme: shot.ru ? 'dark' : 'light' })
      const title = shot.ru ? 'API-токены' : 'API tokens'
      await page.getByRole('button', { name: title }).click()
      await page.getByRole('heading', { name: title, level: 2 }).waitFor()
      await page.locator('tbody tr', { hasText: 'Zapier' }).waitFor()
      if (!shot.ru) {
        // A new token, its secret shown once.
        await page.getByRole('button', { name: 'New token' }).click()
        const form = page.getByRole('form', { name: 'New API token' })
        await form.getByRole('textbox', { name: 'Name' }).fill('CRM sync')
        await form.getByRole('radio', { name: 'Read and write conversations' }).check()
        await form.getByRole('button', { name: 'Create token' }).click()
        await page.getByRole('textbox', { name: 'Token' }).waitFor()
      }
      await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur())
      await page.waitForTimeout(200)
      const path = join(ROOT, 'docs', shot.file)
      await page.screenshot({ path, fullPage: true })
      console.log(`wrote ${path}`)
      await page.close()
    }
  } finally {
    await server.stop()
  }
}
