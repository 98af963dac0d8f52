/**
 * Screenshot of following (issue 20) for the README (run by tests/browser/screenshots.ts, or
 * alone: `bun tests/browser/screenshots-following.ts`), with a server of their own:
 * - docs/panel-following.png: the list under "Following" (what Anna follows, a colleague's
 *   among them) and a followed thread: "Followed by Anna Lee, Ben Ho" and the pressed
 *   "Following" toggle (desktop, light, English).
 */
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { ROOT } from '../../client/build-stamp.ts'
import { httpSend, httpStart } from '../helpers/http.ts'
import { startTestServer, type TestServer } from '../helpers/server.ts'
import { ensureClientBuilt, launchBrowser, until, type TestBrowser } from './harness.ts'

const PASSWORD = 'operator-password-1'

/** Oldest first; `followers`: who follows it (a: Anna, b: Ben). */
const CONVERSATIONS: ReadonlyArray<{ name: string; text: string; followers: string }> = [
  { name: 'Olivia Martin', text: 'My order #1042 has not arrived yet', followers: 'ab' },
  { name: 'Lucas Becker', text: 'Can I get an invoice for my company?', followers: '' },
  { name: 'Mia Rossi', text: 'The discount code does not work', followers: 'a' },
  { name: 'Noah Kim', text: 'I will send the photos tomorrow', followers: 'b' },
  { name: 'Emma Dubois', text: 'The app crashes when I upload a photo', followers: 'ba' },
]

async function shoot(page: Page, file: string): Promise<void> {
  await page.waitForTimeout(250)
  const path = join(ROOT, 'docs', file)
  await page.screenshot({ path })
  console.log(`wrote ${path}`)
}

async function call(
  server: TestServer,
  token: string,
  path: string,
  body?: unknown,
  method = body === undefined ? 'PUT' : 'POST',
) {
  const res = await server.http(path, { token, body, method })
  if (res.status >= 300) throw new Error(`${path}: ${JSON.stringify(res.body)}`)
  return res.body
}

/** An operator of the inbox; their token. */
async function operator(server: TestServer, admin: string, inboxId: string, name: string) {
  const email = `${name.split(' ')[0]?.toLowerCase()}-${Date.now()}@example.com`
  await call(server, admin, '/api/admin/operators', {
    email,
    name,
    password: PASSWORD,
    role: 'operator',
    canChat: true,
    inboxIds: [inboxId],
  })
  const login = await server.http('/api/auth/login', { body: { email, password: PASSWORD } })
  return { email, id: login.body.operator.id as string, token: login.body.token as string }
}

export async function followingShots(browser: TestBrowser): Promise<void> {
  const server = await startTestServer()
  try {
    const admin = await server.adminToken()
    const inboxId = await server.defaultInboxId()
    // Away: routing gives the admin none of them; they are Ben's, and Anna follows some.
    await call(server, admin, '/api/me/status', { status: 'away' }, 'PUT')
    const anna = await operator(server, admin, inboxId, 'Anna Lee')
    const ben = await operator(server, admin, inboxId, 'Ben Ho')
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
      await call(server, admin, `/api/conversations/${conversation.id}/assign`, {
        operatorId: ben.id,
      })
      for (const who of c.followers) {
        const token = who === 'a' ? anna.token : ben.token
        await call(server, token, `/api/conversations/${conversation.id}/follow`)
      }
    }
    // The thread on screen: Ben answered; the visitor wrote back.
    const order = started[0] as { id: string; token: string }
    await httpSend(server, ben.token, order.id, 'b-1', 'The courier says it left the depot today.')
    await httpSend(server, order.token, order.id, 'v-1', 'Great, thank you! I will wait then.')

    const page = await browser.context.newPage()
    await page.addInitScript(`localStorage.setItem('parley:lang', 'en')`)
    await page.setViewportSize({ width: 1280, height: 860 })
    await page.emulateMedia({ colorScheme: 'light' })
    await page.goto(`http://localhost:${server.port}/panel/`)
    await page.locator('.shell, form.card').first().waitFor()
    if (await page.locator('input[type="email"]').isVisible()) {
      await page.locator('input[type="email"]').fill(anna.email)
      await page.locator('input[type="password"]').fill(PASSWORD)
      await page.keyboard.press('Enter')
    }
    await page.locator('.shell[data-connection="connected"]').waitFor()
    await page.getByRole('checkbox', { name: 'Following' }).check()
    await until(async () => (await page.locator('.conversation-row').count()) === 3, '3 rows')
    await page.locator(`.conversation-row[data-conversation-id="${order.id}"]`).click()
    const pane = page.locator('.pane.conversation')
    await pane.locator('.follow').getByText('Anna Lee, Ben Ho').waitFor()
    await pane.getByText('Great, thank you!').waitFor()
    await shoot(page, 'panel-following.png')
    await page.close()
  } finally {
    await server.stop()
  }
}

if (import.meta.main) {
  ensureClientBuilt()
  const browser = await launchBrowser()
  try {
    await followingShots(browser)
  } finally {
    await browser.close()
  }
}
