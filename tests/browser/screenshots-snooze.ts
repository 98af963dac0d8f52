/**
 * Screenshots of snooze (issue 20) for the README (run by tests/browser/screenshots.ts, or alone:
 * `bun tests/browser/screenshots-snooze.ts`), with a server of their own:
 * - docs/panel-snooze.png: the list under "Snoozed only" (each row with its clock and time) and
 *   a snoozed thread: the note with "Unsnooze", the lines of who snoozed it and how it woke up
 *   once, and the "Snooze" menu open on its presets (desktop, light, English);
 * - docs/panel-snooze-375-ru-dark.png: the same thread on a phone, dark, in Russian, menu closed.
 */
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { ROOT } from '../../client/build-stamp.ts'
import { httpSend, httpStart } from '../helpers/http.ts'
import { startTestServer, type TestServer } from '../helpers/server.ts'
import { ensureClientBuilt, launchBrowser, until, type TestBrowser } from './harness.ts'

const PASSWORD = 'operator-password-1'
const HOUR = 3_600_000

/** Oldest first; `snooze`: hours ahead, null until the visitor replies, absent: not snoozed. */
const CONVERSATIONS: ReadonlyArray<{ name: string; text: string; snooze?: number | null }> = [
  { name: 'Olivia Martin', text: 'My order #1042 has not arrived yet', snooze: 20 },
  { name: 'Lucas Becker', text: 'Can I get an invoice for my company?', snooze: null },
  { name: 'Mia Rossi', text: 'Love the new design!' },
  { name: 'Noah Kim', text: 'I will send the photos tomorrow', snooze: 26 },
  { name: 'Emma Dubois', text: 'The app crashes when I upload a photo' },
  { name: 'James Wilson', text: 'Waiting for my bank to confirm', snooze: 4 },
]

async function shoot(page: Page, file: string): Promise<void> {
  await page.waitForTimeout(250)
  const path = join(ROOT, 'docs', file)
  await page.screenshot({ path })
  console.log(`wrote ${path}`)
}

async function call(server: TestServer, token: string, path: string, body: unknown) {
  const res = await server.http(path, { token, body })
  if (res.status >= 300) throw new Error(`${path}: ${JSON.stringify(res.body)}`)
  return res.body
}

/** Anna's panel (signed in with her own words), in a language. */
async function annaPanel(browser: TestBrowser, server: TestServer, email: string, ru: boolean) {
  const page = await browser.context.newPage()
  await page.addInitScript(`localStorage.setItem('parley:lang', '${ru ? 'ru' : 'en'}')`)
  await page.goto(`http://localhost:${server.port}/panel/`)
  await page.locator('.shell, form.card').first().waitFor()
  if (await page.locator('input[type="email"]').isVisible()) {
    await page.locator('input[type="email"]').fill(email)
    await page.locator('input[type="password"]').fill(PASSWORD)
    await page.keyboard.press('Enter')
  }
  await page.locator('.shell[data-connection="connected"]').waitFor()
  return page
}

export async function snoozeShots(browser: TestBrowser): Promise<void> {
  const server = await startTestServer()
  try {
    const admin = await server.adminToken()
    const inboxId = await server.defaultInboxId()
    const email = `anna-${Date.now()}@example.com`
    await call(server, admin, '/api/admin/operators', {
      email,
      name: 'Anna Lee',
      password: PASSWORD,
      role: 'operator',
      canChat: true,
      inboxIds: [inboxId],
    })
    const anna = (await server.http('/api/auth/login', { body: { email, password: PASSWORD } }))
      .body.token as string
    const started: Array<{ id: string; token: string }> = []
    for (const c of CONVERSATIONS) {
      const visitor = await server.visitorToken()
      await server.http('/api/visitor/profile', {
        method: 'PATCH',
        token: visitor.token,
        body: { name: c.name },
      })
      const conversation = await httpStart(server, visitor.token, c.text)
      started.push(conversation)
      if (c.snooze === undefined) continue
      const until = c.snooze === null ? {} : { until: Date.now() + c.snooze * HOUR }
      await call(server, anna, `/api/conversations/${conversation.id}/snooze`, until)
    }
    // The thread on screen: Anna answered and waited for a reply; it came, and she snoozed it
    // again until tomorrow.
    const order = started[0] as { id: string; token: string }
    const at = `/api/conversations/${order.id}`
    await httpSend(server, anna, order.id, 'a-1', 'The courier says it left the depot today.')
    await call(server, anna, `${at}/snooze`, {})
    await httpSend(server, order.token, order.id, 'v-1', 'Great, I will wait then!')
    await call(server, anna, `${at}/snooze`, { until: Date.now() + 20 * HOUR })

    for (const shot of [
      { file: 'panel-snooze.png', ru: false, viewport: { width: 1280, height: 860 } },
      { file: 'panel-snooze-375-ru-dark.png', ru: true, viewport: { width: 375, height: 740 } },
    ]) {
      const page = await annaPanel(browser, server, email, shot.ru)
      await page.setViewportSize(shot.viewport)
      await page.emulateMedia({ colorScheme: shot.ru ? 'dark' : 'light' })
      await page
        .getByRole('checkbox', { name: shot.ru ? 'Только отложенные' : 'Snoozed only' })
        .check()
      const row = page.locator(`.conversation-row[data-conversation-id="${order.id}"]`)
      await row.locator('.snoozed').waitFor()
      await until(async () => (await page.locator('.conversation-row').count()) === 4, '4 rows')
      await row.click()
      const pane = page.locator('.pane.conversation')
      await pane.locator('.sys-line').nth(2).waitFor()
      // The phone shows the snoozed thread itself (the menu would cover it).
      if (!shot.ru) {
        await pane.locator('.snooze > button').focus()
        await page.keyboard.press('Enter')
        await pane.getByRole('menu').waitFor()
        await page.keyboard.press('ArrowDown')
        await page.keyboard.press('ArrowDown')
      }
      await shoot(page, shot.file)
      await page.close()
    }
  } finally {
    await server.stop()
  }
}

if (import.meta.main) {
  ensureClientBuilt()
  const browser = await launchBrowser()
  try {
    await snoozeShots(browser)
  } finally {
    await browser.close()
  }
}
