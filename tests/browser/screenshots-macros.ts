/**
 * Screenshots of macros, collision detection and mentions (issue 20) for the README (run by
 * tests/browser/screenshots.ts, or alone: `bun tests/browser/screenshots-macros.ts`), with a
 * server of their own:
 * - docs/panel-macros.png: a thread with the "Macros" menu open on the inbox's macros, "Also
 *   viewing: Bob Stone" under its header and Bob's typing line (desktop, light, English);
 * - docs/panel-macro-editor.png: a macro in the inbox settings' editor (a label, a priority, a
 *   reply, resolve);
 * - docs/panel-mentions.png: the Mentions view, the notes that mention Anna, newest first.
 */
import { join } from 'node:path'
import type { Locator, Page } from 'playwright-core'
import { ROOT } from '../../client/build-stamp.ts'
import { httpSend, httpStart } from '../helpers/http.ts'
import { startTestServer, type TestServer } from '../helpers/server.ts'
import { TestClient } from '../helpers/ws.ts'
import { ensureClientBuilt, launchBrowser, type TestBrowser } from './harness.ts'
import { PanelPage } from './panel-page.ts'

const PASSWORD = 'operator-password-1'

/** Oldest first: the newest conversation (the last) leads the list. */
const CONVERSATIONS = [
  { name: 'Olivia Martin', text: 'I was charged twice for order #1042' },
  { name: 'Lucas Becker', text: 'Can I get an invoice for my company?' },
  { name: 'Mia Rossi', text: 'Love the new design!' },
  { name: 'Noah Kim', text: 'Do you ship to Norway?' },
] as const

async function shoot(target: Page | Locator, file: string): Promise<void> {
  const page = 'page' in target ? target.page() : target
  await page.waitForTimeout(250)
  const path = join(ROOT, 'docs', file)
  await target.screenshot({ path })
  console.log(`wrote ${path}`)
}

async function call(server: TestServer, token: string, path: string, body?: unknown) {
  const res = await server.http(path, { token, body })
  if (res.status >= 300) throw new Error(`${path}: ${JSON.stringify(res.body)}`)
  return res.body
}

/** Anna's panel (signed in with her own words) at a desktop size. */
async function annaPanel(browser: TestBrowser, server: TestServer, email: string) {
  const page = await browser.context.newPage()
  await page.addInitScript(`localStorage.setItem('parley:lang', 'en')`)
  await page.setViewportSize({ width: 1280, height: 860 })
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

export async function macroShots(browser: TestBrowser): Promise<void> {
  const server = await startTestServer()
  let bob: TestClient | null = null
  try {
    const admin = await server.adminToken()
    const inboxId = await server.defaultInboxId()
    await server.http('/api/me/status', { method: 'PUT', token: admin, body: { status: 'away' } })
    const label = async (name: string, color: string) =>
      (await call(server, admin, `/api/admin/inboxes/${inboxId}/labels`, { name, color })).label
        .id as string
    const refund = await label('Refund', '#16a34a')
    const billing = await label('Billing', '#2563eb')
    await label('VIP', '#7c3aed')
    const people: Record<'anna' | 'bob', { email: string; id: string; token: string }> = {
      anna: { email: `anna-${Date.now()}@example.com`, id: '', token: '' },
      bob: { email: `bob-${Date.now()}@example.com`, id: '', token: '' },
    }
    for (const [key, name] of [
      ['anna', 'Anna Lee'],
      ['bob', 'Bob Stone'],
    ] as const) {
      const person = people[key]
      person.id = (
        await call(server, admin, '/api/admin/operators', {
          email: person.email,
          name,
          password: PASSWORD,
          role: 'operator',
          canChat: true,
          inboxIds: [inboxId],
        })
      ).id
      person.token = (
        await server.http('/api/auth/login', {
          body: { email: person.email, password: PASSWORD },
        })
      ).body.token
    }
    const branchId = (await call(server, admin, `/api/inboxes/${inboxId}/team`)).branches[0].id
    const macros = [
      {
        name: 'Refund request',
        actions: [
          { type: 'add_labels', labelIds: [refund] },
          { type: 'set_priority', priority: 'high' },
          {
            type: 'send_message',
            text: 'Sorry about that! Your refund is on its way: it shows on your card in 3 to 5 days.',
          },
          { type: 'set_status', status: 'resolved' },
        ],
      },
      {
        name: 'Hand over to billing',
        actions: [
          { type: 'add_labels', labelIds: [billing] },
          { type: 'add_note', text: 'Billing: please check the payment provider.' },
          { type: 'transfer', branchId },
        ],
      },
      {
        name: 'Waiting for the customer',
        actions: [
          { type: 'send_message', text: 'Thanks! Tell us when you have it.' },
          { type: 'snooze', minutes: null },
        ],
      },
      { name: 'Spam', actions: [{ type: 'set_status', status: 'closed' }] },
    ]
    for (const macro of macros) {
      await call(server, admin, `/api/admin/inboxes/${inboxId}/macros`, macro)
    }
    const started: string[] = []
    for (const c of CONVERSATIONS) {
      const visitor = await server.visitorToken()
      await server.http('/api/visitor/profile', {
        method: 'PATCH',
        token: visitor.token,
        body: { name: c.name },
      })
      started.push((await httpStart(server, visitor.token, c.text)).id)
    }
    const charged = started[0] as string
    await httpSend(server, people.anna.token, charged, 'a-1', 'Let me look into it right away.')
    // Bob mentions Anna in notes here and there (newest last).
    for (const [i, [at, text]] of [
      [started[1], '@Anna this one is a VIP, can you take it?'],
      [charged, '@Anna the payment provider shows two charges, refund one of them'],
      [started[3], '@Anna do we ship to Norway now?'],
    ].entries()) {
      await call(server, people.bob.token, `/api/conversations/${at}/notes`, {
        clientMsgId: `note-${i}`,
        text,
        mentions: [people.anna.id],
      })
    }

    // Bob has the thread open and is writing (a raw socket, as his panel would).
    bob = await TestClient.connect(server.wsUrl, { token: people.bob.token })
    await bob.ok({ type: 'subscribe', conversationId: charged, afterSeq: 0 })
    await bob.ok({ type: 'viewing', conversationId: charged, on: true })

    const page = await annaPanel(browser, server, people.anna.email)
    await page.locator(`.conversation-row[data-conversation-id="${charged}"]`).click()
    const pane = page.locator('.pane.conversation')
    await pane.locator('.viewers', { hasText: 'Also viewing: Bob Stone' }).waitFor()
    await bob.ok({ type: 'typing', conversationId: charged, on: true })
    await pane.locator('.typing', { hasText: 'Bob Stone is typing a reply…' }).waitFor()
    await pane.getByRole('button', { name: 'Macros' }).focus()
    await page.keyboard.press('Enter')
    await pane.getByRole('menu', { name: 'Macros' }).waitFor()
    await shoot(page, 'panel-macros.png')
    await page.keyboard.press('Escape')

    await page.locator('.account-button').click()
    await page.getByRole('menuitem', { name: 'Mentions…' }).click()
    const dialog = page.getByRole('dialog', { name: 'Mentions' })
    await dialog.locator('.mention-item').nth(2).waitFor()
    await shoot(page, 'panel-mentions.png')
    await page.close()

    const settings = await PanelPage.open(browser.context, server.url, {
      viewport: { width: 1280, height: 1200 },
    })
    await settings.page.getByRole('button', { name: 'Settings' }).click()
    const section = settings.page.locator('.macro-admin')
    await section.getByRole('button', { name: 'Edit Refund request' }).click()
    await section.getByRole('combobox', { name: 'Action 4' }).waitFor()
    await section.scrollIntoViewIfNeeded()
    await shoot(section, 'panel-macro-editor.png')
    await settings.page.close()
  } finally {
    bob?.close()
    await server.stop()
  }
}

if (import.meta.main) {
  ensureClientBuilt()
  const browser = await launchBrowser()
  try {
    await macroShots(browser)
  } finally {
    await browser.close()
  }
}
