/**
 * Screenshots of automation rules (issue 20) for the README (run by tests/browser/screenshots.ts,
 * or alone: `bun tests/browser/screenshots-rules.ts`), with a server of their own:
 * - docs/panel-rules.png: an inbox's rules in run order, one open in its editor (two conditions,
 *   two actions) with a dry run's count (desktop, light, English);
 * - docs/panel-rules-375-ru-dark.png: the same editor on a phone, dark, in Russian.
 */
import { join } from 'node:path'
import type { Locator } from 'playwright-core'
import { ROOT } from '../../client/build-stamp.ts'
import { httpStart } from '../helpers/http.ts'
import { startTestServer, type TestServer } from '../helpers/server.ts'
import { ensureClientBuilt, launchBrowser, type TestBrowser } from './harness.ts'
import { PanelPage } from './panel-page.ts'

async function shoot(target: Locator, file: string): Promise<void> {
  await target.page().waitForTimeout(250)
  const path = join(ROOT, 'docs', file)
  await target.screenshot({ path })
  console.log(`wrote ${path}`)
}

async function call(server: TestServer, token: string, path: string, body?: unknown) {
  const res = await server.http(path, { token, body })
  if (res.status >= 300) throw new Error(`${path}: ${JSON.stringify(res.body)}`)
  return res.body
}

/** The rules section with "Refund requests" open in its editor and a 7-day dry run done. */
async function editor(
  browser: TestBrowser,
  server: TestServer,
  opts: { ru: boolean; width: number; dark: boolean },
): Promise<{ close: () => Promise<void>; section: Locator }> {
  const settings = await PanelPage.open(browser.context, server.url, {
    viewport: { width: opts.width, height: opts.width < 600 ? 2600 : 1400 },
    initScript: `localStorage.setItem('parley:lang', '${opts.ru ? 'ru' : 'en'}')`,
  })
  const page = settings.page
  await page.emulateMedia({ colorScheme: opts.dark ? 'dark' : 'light' })
  await page.getByRole('button', { name: opts.ru ? 'Настройки' : 'Settings' }).click()
  const section = page.locator('.rule-admin')
  const edit = `${opts.ru ? 'Изменить' : 'Edit'} Refund requests`
  await section.getByRole('button', { name: edit }).click()
  const form = section.getByRole('form', { name: edit })
  await form.getByRole('combobox', { name: opts.ru ? 'Действие 2' : 'Action 2' }).waitFor()
  await form.getByRole('button', { name: opts.ru ? 'Проверить' : 'Dry run' }).click()
  await form.locator('.rule-dry-run [role="status"] p').waitFor()
  await section.scrollIntoViewIfNeeded()
  return { close: () => page.close(), section }
}

export async function ruleShots(browser: TestBrowser): Promise<void> {
  const server = await startTestServer()
  try {
    const admin = await server.adminToken()
    const inboxId = await server.defaultInboxId()
    await server.http('/api/me/status', { method: 'PUT', token: admin, body: { status: 'away' } })
    const label = async (name: string, color: string) =>
      (await call(server, admin, `/api/admin/inboxes/${inboxId}/labels`, { name, color })).label
        .id as string
    const refund = await label('Refund', '#16a34a')
    const vip = await label('VIP', '#7c3aed')
    const rules = [
      {
        name: 'Refund requests',
        event: 'message.created',
        waitMinutes: null,
        conditions: [
          { field: 'message_text', op: 'contains', value: 'refund' },
          { field: 'author', op: 'is', value: 'visitor' },
        ],
        actions: [
          { type: 'add_labels', labelIds: [refund] },
          { type: 'set_priority', priority: 'high' },
        ],
      },
      {
        name: 'German visitors',
        event: 'conversation.created',
        waitMinutes: null,
        conditions: [{ field: 'country', op: 'is', value: 'DE' }],
        actions: [{ type: 'add_note', text: 'Write in German if you can.' }],
      },
      {
        name: 'Nobody answered in 10 minutes',
        event: 'conversation.waited',
        waitMinutes: 10,
        conditions: [{ field: 'label', op: 'has_not', value: vip }],
        actions: [
          { type: 'set_priority', priority: 'urgent' },
          { type: 'send_message', text: 'Sorry for the wait: someone is coming right now.' },
        ],
      },
    ]
    for (const rule of rules) {
      await call(server, admin, `/api/admin/inboxes/${inboxId}/rules`, rule)
    }
    for (const text of [
      'I want a refund for order #1042',
      'Can I get an invoice for my company?',
      'My refund has not arrived yet',
      'Do you ship to Norway?',
    ]) {
      await httpStart(server, undefined, text)
    }

    const desktop = await editor(browser, server, { ru: false, width: 1280, dark: false })
    await shoot(desktop.section, 'panel-rules.png')
    await desktop.close()
    const phone = await editor(browser, server, { ru: true, width: 375, dark: true })
    await shoot(phone.section, 'panel-rules-375-ru-dark.png')
    await phone.close()
  } finally {
    await server.stop()
  }
}

if (import.meta.main) {
  ensureClientBuilt()
  const browser = await launchBrowser()
  try {
    await ruleShots(browser)
  } finally {
    await browser.close()
  }
}
