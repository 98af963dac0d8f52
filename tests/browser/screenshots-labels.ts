/**
 * Screenshots of priority and labels (issue 20) for the README (run by
 * tests/browser/screenshots.ts, or alone: `bun tests/browser/screenshots-labels.ts`), with a
 * server of their own:
 * - docs/panel-labels.png: the list sorted by priority (urgent and high marked in words, label
 *   chips, "+1") and a thread with its labels in the header, the "Add label" picker open and the
 *   activity lines of who set what (desktop, light, English);
 * - docs/panel-labels-375-ru-dark.png: the same thread on a phone, dark, in Russian;
 * - docs/panel-labels-admin.png: the labels of an inbox in its settings.
 */
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { ROOT } from '../../client/build-stamp.ts'
import { httpSend, httpStart } from '../helpers/http.ts'
import { startTestServer, type TestServer } from '../helpers/server.ts'
import { ensureClientBuilt, launchBrowser, type TestBrowser } from './harness.ts'
import { PanelPage } from './panel-page.ts'

const PASSWORD = 'operator-password-1'

const LABELS = {
  billing: ['Billing', '#2563eb'],
  shipping: ['Shipping', '#d97706'],
  vip: ['VIP', '#7c3aed'],
  bug: ['Bug', '#dc2626'],
  refund: ['Refund', '#16a34a'],
  feedback: ['Feedback', '#0891b2'],
} as const
type LabelKey = keyof typeof LABELS

/** Oldest first: the newest conversation (the last) leads the list by activity. */
const CONVERSATIONS: ReadonlyArray<{
  name: string
  text: string
  priority?: 'urgent' | 'high' | 'low'
  labels: LabelKey[]
}> = [
  { name: 'Olivia Martin', text: 'My order #1042 has not arrived yet', labels: [] },
  {
    name: 'Lucas Becker',
    text: 'Can I get an invoice for my company?',
    labels: ['billing', 'vip', 'refund', 'feedback'],
  },
  { name: 'Mia Rossi', text: 'Love the new design!', priority: 'low', labels: ['feedback'] },
  { name: 'Noah Kim', text: 'Do you ship to Norway?', labels: ['shipping'] },
  {
    name: 'Emma Dubois',
    text: 'The app crashes when I upload a photo',
    priority: 'high',
    labels: ['bug'],
  },
  {
    name: 'James Wilson',
    text: 'I was charged twice this month',
    priority: 'high',
    labels: ['billing', 'refund'],
  },
]

async function shoot(page: Page, file: string, clip?: 'admin'): Promise<void> {
  await page.waitForTimeout(250)
  const path = join(ROOT, 'docs', file)
  if (clip) await page.locator('.label-admin').screenshot({ path })
  else await page.screenshot({ path })
  console.log(`wrote ${path}`)
}

async function call(server: TestServer, token: string, path: string, body: unknown) {
  const res = await server.http(path, { token, body })
  if (res.status >= 300) throw new Error(`${path}: ${JSON.stringify(res.body)}`)
  return res.body
}

/** Anna's panel (signed in with her own words), in a language and a size. */
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

export async function labelShots(browser: TestBrowser): Promise<void> {
  const server = await startTestServer()
  try {
    const admin = await server.adminToken()
    const inboxId = await server.defaultInboxId()
    const ids = {} as Record<LabelKey, string>
    for (const [key, [name, color]] of Object.entries(LABELS)) {
      const body = await call(server, admin, `/api/admin/inboxes/${inboxId}/labels`, {
        name,
        color,
      })
      ids[key as LabelKey] = body.label.id
    }
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
    const started: string[] = []
    for (const c of CONVERSATIONS) {
      const visitor = await server.visitorToken()
      await server.http('/api/visitor/profile', {
        method: 'PATCH',
        token: visitor.token,
        body: { name: c.name },
      })
      const { id } = await httpStart(server, visitor.token, c.text)
      started.push(id)
      const at = `/api/conversations/${id}`
      if (c.priority) await call(server, anna, `${at}/priority`, { priority: c.priority })
      if (c.labels.length > 0)
        await call(server, anna, `${at}/labels`, { add: c.labels.map((k) => ids[k]) })
    }
    // The thread on screen: Anna answers, marks it urgent and labels it, one label too many.
    const order = started[0] as string
    await httpSend(server, anna, order, 'a-1', 'Sorry about that! Let me check with the courier.')
    await call(server, anna, `/api/conversations/${order}/priority`, { priority: 'urgent' })
    await call(server, anna, `/api/conversations/${order}/labels`, {
      add: [ids.shipping, ids.billing, ids.vip],
    })
    await call(server, anna, `/api/conversations/${order}/labels`, { remove: [ids.billing] })

    for (const shot of [
      { file: 'panel-labels.png', ru: false, viewport: { width: 1280, height: 920 } },
      { file: 'panel-labels-375-ru-dark.png', ru: true, viewport: { width: 375, height: 740 } },
    ]) {
      const page = await annaPanel(browser, server, email, shot.ru)
      await page.setViewportSize(shot.viewport)
      await page.emulateMedia({ colorScheme: shot.ru ? 'dark' : 'light' })
      await page
        .locator('.list-filters')
        .getByRole('combobox', { name: shot.ru ? 'Сортировка' : 'Sort by' })
        .selectOption('priority')
      await page.locator(`.conversation-row[data-conversation-id="${order}"] .priority`).waitFor()
      await page.locator(`.conversation-row[data-conversation-id="${order}"]`).click()
      const pane = page.locator('.pane.conversation')
      await pane.locator('.sys-line').nth(3).waitFor()
      await pane.getByRole('button', { name: shot.ru ? 'Добавить метку' : 'Add label' }).click()
      await pane.locator('.tag-picker [role="option"]').first().waitFor()
      if (!shot.ru) await page.keyboard.press('ArrowDown')
      await shoot(page, shot.file)
      await page.close()
    }

    const { page } = await PanelPage.open(browser.context, server.url, {
      viewport: { width: 1280, height: 900 },
    })
    await page.getByRole('button', { name: 'Settings' }).click()
    await page.locator('.label-admin .branch-row').nth(5).waitFor()
    await page.locator('.label-admin').scrollIntoViewIfNeeded()
    await shoot(page, 'panel-labels-admin.png', 'admin')
    await page.close()
  } finally {
    await server.stop()
  }
}

if (import.meta.main) {
  ensureClientBuilt()
  const browser = await launchBrowser()
  try {
    await labelShots(browser)
  } finally {
    await browser.close()
  }
}
