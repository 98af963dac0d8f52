/**
 * Screenshots of operators' public identity and of visitors for the README (run by
 * tests/browser/screenshots.ts): docs/panel-profile.png (the own profile dialog with a picture,
 * over the inbox), docs/panel-operators.png (the operators page: pictures, initials, names shown
 * to visitors) and docs/panel-visitor.png (a resolved conversation: the visitor's profile, page
 * and attributes in its details, their star rating in the thread). Each a server of its own; the
 * pictures are drawn portraits, uploaded the way the panel does.
 */
import { createHmac } from 'node:crypto'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import sharp from 'sharp'
import { ROOT } from '../../client/build-stamp.ts'
import { startTestServer, type TestServer } from '../helpers/server.ts'
import { TestClient } from '../helpers/ws.ts'
import { imageLoaded } from './files.ts'
import { until, type TestBrowser } from './harness.ts'
import { PanelPage } from './panel-page.ts'

/** A drawn head and shoulders on a coloured ground (a JPEG, as from a phone). */
export async function portrait(look: {
  ground: string
  skin: string
  hair: string
  shirt: string
  long?: boolean
}): Promise<Buffer> {
  const hair = look.long
    ? `<path d="M118 250 C100 120 160 70 200 70 C240 70 300 120 282 250 L262 300 L138 300 Z" fill="${look.hair}"/>`
    : `<path d="M128 180 C120 110 160 80 200 80 C240 80 280 110 272 180 C262 140 240 128 200 128 C160 128 138 140 128 180 Z" fill="${look.hair}"/>`
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="400" height="400">
  <rect width="400" height="400" fill="${look.ground}"/>
  ${hair}
  <path d="M70 400 C70 320 130 290 200 290 C270 290 330 320 330 400 Z" fill="${look.shirt}"/>
  <rect x="178" y="240" width="44" height="60" rx="18" fill="${look.skin}"/>
  <ellipse cx="200" cy="185" rx="68" ry="80" fill="${look.skin}"/>
  ${look.long ? '' : hair}
  <circle cx="176" cy="185" r="6" fill="#2b2b2b"/><circle cx="224" cy="185" r="6" fill="#2b2b2b"/>
  <path d="M178 222 Q200 238 222 222" stroke="#8a4b3a" stroke-width="5" fill="none" stroke-linecap="round"/>
</svg>`
  return sharp(Buffer.from(svg)).jpeg({ quality: 90 }).toBuffer()
}

export async function putAvatar(server: TestServer, token: string, path: string, jpeg: Buffer) {
  const form = new FormData()
  form.append('file', new File([new Uint8Array(jpeg)], 'me.jpg', { type: 'image/jpeg' }))
  const res = await fetch(`${server.url}${path}`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${token}` },
    body: form,
  })
  if (!res.ok) throw new Error(`PUT ${path}: ${res.status} ${await res.text()}`)
}

async function shoot(page: Page, file: string): Promise<void> {
  const imgs = page.locator('.avatar img')
  for (let i = 0; i < (await imgs.count()); i++) {
    await until(() => imageLoaded(imgs.nth(i)), `picture ${i} on ${file}`)
  }
  await page.waitForTimeout(200)
  const path = join(ROOT, 'docs', file)
  await page.screenshot({ path })
  console.log(`wrote ${path}`)
}

export async function profileShots(browser: TestBrowser): Promise<void> {
  const server = await startTestServer()
  try {
    const token = await server.adminToken()
    const api = async (path: string, body?: unknown, method = body ? 'POST' : 'GET') => {
      const res = await server.http(path, { method, body, token })
      if (res.status >= 300) throw new Error(`${method} ${path}: ${JSON.stringify(res.body)}`)
      return res.body
    }
    const me = await api('/api/auth/me')
    const adminId = me.operator.id as string
    await api(`/api/admin/operators/${adminId}`, { name: 'Anna Petrova' }, 'PATCH')
    await putAvatar(
      server,
      token,
      '/api/me/avatar',
      await portrait({
        ground: '#c7d2fe',
        skin: '#f1c7a5',
        hair: '#6b3e26',
        shirt: '#4f46e5',
        long: true,
      }),
    )
    const colleagues = [
      {
        name: 'Boris Ivanov',
        displayName: null,
        role: 'supervisor',
        look: { ground: '#bbf7d0', skin: '#e8b48f', hair: '#2f2f2f', shirt: '#0f766e' },
      },
      { name: 'Carla Jones', displayName: 'Carla J.', role: 'operator', look: null },
      {
        name: 'Dana Smith',
        displayName: 'Dana',
        role: 'operator',
        look: { ground: '#fde68a', skin: '#8d5a3b', hair: '#1b1b1b', shirt: '#b91c1c', long: true },
      },
      { name: 'Lukas Weber', displayName: null, role: 'operator', look: null },
      { name: 'Mei Tanaka', displayName: 'Mei', role: 'admin', look: null },
    ] as const
    for (const c of colleagues) {
      const created = await api('/api/admin/operators', {
        email: `${c.name.split(' ')[0]!.toLowerCase()}@example.com`,
        name: c.name,
        displayName: c.displayName,
        password: 'operator-password-1',
        role: c.role,
      })
      if (c.look) {
        await putAvatar(
          server,
          token,
          `/api/admin/operators/${created.id}/avatar`,
          await portrait(c.look),
        )
      }
    }
    // A few visitors waiting behind the dialog.
    for (const text of ['Do you ship to Norway?', 'My order #1042 has not arrived yet']) {
      const visitor = await server.visitorToken()
      const client = await TestClient.connect(server.wsUrl, { token: visitor.token })
      await client.ok({ type: 'start', clientMsgId: text, text })
      client.close()
    }

    const panel = await PanelPage.open(browser.context, server.url, {
      viewport: { width: 1280, height: 760 },
    })
    const page = panel.page
    await page.emulateMedia({ colorScheme: 'light' })
    await panel.rows.nth(1).waitFor()
    await page.locator('.account-button').click()
    await page.getByRole('menuitem', { name: 'Name shown to visitors…' }).click()
    const dialog = page.getByRole('dialog', { name: 'Picture and name shown to visitors' })
    await dialog.getByLabel('Name shown to visitors').fill('Anna')
    await dialog.locator('.picture img').waitFor()
    await shoot(page, 'panel-profile.png')
    await page.keyboard.press('Escape')
    await dialog.waitFor({ state: 'detached' })

    await page.setViewportSize({ width: 1280, height: 640 })
    await page.getByRole('button', { name: 'Operators' }).click()
    await page.locator('tr[data-operator="mei@example.com"]').waitFor()
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur())
    await shoot(page, 'panel-operators.png')
    await page.close()
  } finally {
    await server.stop()
  }
}

/** A desktop Chrome's User-Agent: the server reads browser, OS and device from it. */
const CHROME_MAC =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36'

/**
 * docs/panel-visitor.png: a signed-in customer of the site (identified) who filled the pre-chat
 * form starts from their order page; the operator answers and resolves; the visitor rates 4 of
 * 5 stars with a comment. Everything goes over HTTP, as the widget's fallback does.
 */
export async function visitorShots(browser: TestBrowser): Promise<void> {
  const server = await startTestServer()
  try {
    const adminToken = await server.adminToken()
    const call = async (path: string, token: string, body?: unknown, method = 'POST') => {
      const res = await fetch(`${server.url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          'user-agent': CHROME_MAC,
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      })
      if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`)
      // The two answers read here both carry ids: `me` its operator, a start its conversation.
      return (await res.json()) as { operator: { id: string }; conversation: { id: string } }
    }
    const inboxId = await server.defaultInboxId()
    const me = await call('/api/auth/me', adminToken, undefined, 'GET')
    await call(
      `/api/admin/operators/${me.operator.id}`,
      adminToken,
      { name: 'Anna Petrova' },
      'PATCH',
    )
    await call(
      `/api/admin/inboxes/${inboxId}`,
      adminToken,
      { settings: { rating: 'stars' } },
      'PATCH',
    )
    // Others waiting in the list.
    for (const text of ['Do you ship to Norway?', 'How do I reset my password?']) {
      const visitor = await server.visitorToken()
      await call('/api/visitor/conversations', visitor.token, { clientMsgId: text, text })
    }
    // Signed in on the site: the widget passes the site's signed user id.
    const secret = await server.identitySecret(inboxId)
    const userHash = createHmac('sha256', secret).update('customer-20417').digest('hex')
    const session = await server.http('/api/visitor/session', {
      body: { inboxId, userId: 'customer-20417', userHash },
    })
    const token = session.body.token as string
    await call(
      '/api/visitor/profile',
      token,
      {
        name: 'Maria Schmidt',
        email: 'maria.schmidt@example.com',
        phone: '+49 30 1234 5678',
        attributes: { plan: 'Business', customer_id: 'C-20417', orders: 12, newsletter: true },
      },
      'PATCH',
    )
    const started = await call('/api/visitor/conversations', token, {
      clientMsgId: 'maria-1',
      text: 'Hi! I was charged twice for order #2291 😕',
      context: {
        url: 'https://shop.example.com/account/orders/2291',
        title: 'Order #2291 — Example Shop',
        referrer: 'https://www.google.com/',
        language: 'de-DE',
        timeZone: 'Europe/Berlin',
      },
    })
    const id = started.conversation.id
    const conv = `/api/conversations/${id}`
    await call(`${conv}/assign`, adminToken, { operatorId: me.operator.id })
    await call(`${conv}/messages`, adminToken, {
      clientMsgId: 'anna-1',
      text: 'Sorry about that, Maria! I have refunded the second charge; it shows on your card in 3-5 days.',
    })
    await call(`${conv}/messages`, token, { clientMsgId: 'maria-2', text: 'Perfect, thank you!' })
    await call(`${conv}/status`, adminToken, { status: 'resolved' })
    await call(`${conv}/rating`, token, { score: 4, comment: 'Quick refund, thanks Anna!' })

    const panel = await PanelPage.open(browser.context, server.url, {
      viewport: { width: 1280, height: 760 },
    })
    const page = panel.page
    await page.emulateMedia({ colorScheme: 'light' })
    await page.locator(`.conversation-row[data-conversation-id="${id}"]`).click()
    await page.locator('.messages .rating-line').waitFor()
    await page.getByTestId('visitor-attributes').waitFor()
    await page.locator('.conv-title h2', { hasText: 'Maria Schmidt' }).waitFor()
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur())
    await shoot(page, 'panel-visitor.png')
    await page.close()
  } finally {
    await server.stop()
  }
}
