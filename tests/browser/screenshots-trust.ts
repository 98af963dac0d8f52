/**
 * Screenshots of trust and compliance (issue 18) for the README (run by
 * tests/browser/screenshots.ts), each with a server of its own:
 * - where the widget runs (S3): docs/panel-sites.png (an inbox limited to two sites, a third
 *   entry refused by the server and named) and docs/panel-sites-375-ru-dark.png (a new inbox
 *   nobody chose sites for, on a phone, dark, in Russian);
 * - the audit log (S6): docs/panel-audit.png (an admin's changes and failed sign-ins, names
 *   shown) and docs/panel-audit-375-ru-dark.png (on a phone, dark, in Russian);
 * - data requests (S8): docs/panel-data-requests.png (a visitor found by e-mail in two inboxes,
 *   each with its Export and Erase buttons), docs/panel-erase-dialog.png (the confirmation of an
 *   erasure) and docs/panel-erased-375-ru-dark.png (the erased conversation as an operator
 *   sees it, on a phone, dark, in Russian).
 */
import { join } from 'node:path'
import { ROOT } from '../../client/build-stamp.ts'
import { startTestServer } from '../helpers/server.ts'
import type { Page } from 'playwright-core'
import {
  connectOperator,
  embeddingPage,
  serveHostPage,
  waitOnline,
  Widget,
  type TestBrowser,
} from './harness.ts'
import { PanelPage } from './panel-page.ts'

/** Writes the page as docs/<file> and closes it. */
async function shoot(page: Page, file: string): Promise<void> {
  const path = join(ROOT, 'docs', file)
  await page.screenshot({ path })
  console.log(`wrote ${path}`)
  await page.close()
}

export async function sitesShots(browser: TestBrowser): Promise<void> {
  const server = await startTestServer()
  try {
    const token = await server.adminToken()
    // Named to sort first, so its form is at the top of the page.
    const created = await server.http('/api/admin/inboxes', {
      token,
      body: { name: 'Acme shop' },
    })
    const id = created.body.id as string
    for (const shot of [
      { file: 'panel-sites.png', viewport: { width: 1280, height: 800 }, dark: false, ru: false },
      {
        file: 'panel-sites-375-ru-dark.png',
        viewport: { width: 375, height: 760 },
        dark: true,
        ru: true,
      },
    ]) {
      const { page } = await PanelPage.open(browser.context, server.url, {
        viewport: shot.viewport,
        initScript: shot.ru ? "localStorage.setItem('parley:lang', 'ru')" : undefined,
      })
      await page.emulateMedia({ colorScheme: shot.dark ? 'dark' : 'light' })
      await page.locator('.shell nav button, .shell button').first().waitFor()
      await page.getByRole('button', { name: shot.ru ? 'Настройки' : 'Settings' }).click()
      const form = page.locator(`form[data-inbox="${id}"]`)
      const sites = form.getByRole('group', {
        name: shot.ru ? 'Где работает виджет' : 'Where the widget runs',
      })
      await sites.waitFor()
      if (!shot.ru) {
        await sites.getByRole('radio', { name: 'Only on these sites' }).check()
        await sites
          .getByRole('textbox', { name: 'Sites, one per line' })
          .fill('https://shop.acme.example\nhttps://*.acme.example\nhttps://*.com')
        await form.getByRole('button', { name: 'Save' }).click()
        await form.getByRole('alert').waitFor()
      }
      await sites.evaluate((el) => el.scrollIntoView({ block: 'start' }))
      await page.waitForTimeout(200)
      await shoot(page, shot.file)
    }
  } finally {
    await server.stop()
  }
}

export async function auditShots(browser: TestBrowser): Promise<void> {
  const server = await startTestServer()
  try {
    const token = await server.adminToken()
    // A morning's worth of an admin's work, and a few failed sign-ins.
    const inboxId = await server.defaultInboxId()
    await server.http(`/api/admin/inboxes/${inboxId}`, {
      method: 'PATCH',
      token,
      body: { settings: { allowedOrigins: ['https://shop.acme.example'], escalationMinutes: 3 } },
    })
    const op = await server.operator({ role: 'operator', inboxIds: [inboxId] })
    await server.http(`/api/admin/operators/${op.id}`, {
      method: 'PATCH',
      token,
      body: { role: 'supervisor' },
    })
    await server.http(`/api/admin/inboxes/${inboxId}/identity-secret`, { token })
    for (const email of ['admin@acme.example', 'root@acme.example']) {
      await server.http('/api/auth/login', { body: { email, password: 'letmein' } })
    }
    for (const shot of [
      { file: 'panel-audit.png', viewport: { width: 1280, height: 720 }, dark: false, ru: false },
      {
        file: 'panel-audit-375-ru-dark.png',
        viewport: { width: 375, height: 760 },
        dark: true,
        ru: true,
      },
    ]) {
      const { page } = await PanelPage.open(browser.context, server.url, {
        viewport: shot.viewport,
        initScript: shot.ru ? "localStorage.setItem('parley:lang', 'ru')" : undefined,
      })
      await page.emulateMedia({ colorScheme: shot.dark ? 'dark' : 'light' })
      await page.getByRole('button', { name: shot.ru ? 'Журнал аудита' : 'Audit log' }).click()
      await page.locator('.audit-table tbody tr').first().waitFor()
      await page.waitForTimeout(300)
      await shoot(page, shot.file)
    }
  } finally {
    await server.stop()
  }
}

export async function dataRequestShots(browser: TestBrowser): Promise<void> {
  const server = await startTestServer()
  try {
    const token = await server.adminToken()
    // Read before the second inbox exists: the helper takes the first inbox by name.
    const first = await server.defaultInboxId()
    const second = await server.http('/api/admin/inboxes', {
      token,
      body: { name: 'Acme EU', settings: { allowedOrigins: [] } },
    })
    let erasedConversation = ''
    for (const inboxId of [first, second.body.id as string]) {
      const visitor = await server.visitorToken(inboxId)
      await server.http('/api/visitor/profile', {
        method: 'PATCH',
        token: visitor.token,
        body: { name: 'Grace Hopper', email: 'grace@acme.example' },
      })
      const started = await server.http('/api/visitor/conversations', {
        token: visitor.token,
        body: { text: 'Please delete everything you hold about me.', clientMsgId: 'g1' },
      })
      erasedConversation ||= started.body.conversation.id as string
      await server.http(`/api/conversations/${erasedConversation}/messages`, {
        token,
        body: { text: 'Of course, Grace: it is done.', clientMsgId: 'a1' },
      })
    }
    const { page } = await PanelPage.open(browser.context, server.url, {
      viewport: { width: 1280, height: 560 },
    })
    await page.getByRole('button', { name: 'Data requests' }).click()
    await page.getByLabel('Value').fill('grace@acme.example')
    await page.getByRole('button', { name: 'Find' }).click()
    await page.locator('tr[data-visitor]').nth(1).waitFor()
    await page.waitForTimeout(200)
    await shoot(page, 'panel-data-requests.png')

    // The confirmation, then the row erased.
    const again = await PanelPage.open(browser.context, server.url, {
      viewport: { width: 1280, height: 640 },
    })
    await again.page.getByRole('button', { name: 'Data requests' }).click()
    await again.page.getByLabel('Value').fill('grace@acme.example')
    await again.page.getByRole('button', { name: 'Find' }).click()
    const row = again.page.locator('tr[data-visitor]').first()
    await row.waitFor()
    await row.getByRole('button', { name: /^Erase the data of/ }).click()
    const dialog = again.page.getByRole('dialog')
    await dialog.waitFor()
    await again.page.waitForTimeout(200)
    const dialogPath = join(ROOT, 'docs', 'panel-erase-dialog.png')
    await again.page.screenshot({ path: dialogPath })
    console.log(`wrote ${dialogPath}`)
    await dialog.getByRole('button', { name: 'Erase for good' }).click()
    await row.getByText('Erased on').waitFor()
    await again.page.close()

    // The erased thread, on a phone, dark, in Russian.
    const phone = await PanelPage.open(browser.context, server.url, {
      viewport: { width: 375, height: 740 },
      initScript: "localStorage.setItem('parley:lang', 'ru')",
    })
    await phone.page.emulateMedia({ colorScheme: 'dark' })
    await phone.page.evaluate((id) => {
      location.hash = `#c/${id}`
    }, erasedConversation)
    await phone.page.locator('.notice.erased').waitFor()
    await phone.page.waitForTimeout(200)
    await shoot(phone.page, 'panel-erased-375-ru-dark.png')
  } finally {
    await server.stop()
  }
}

/**
 * CAPTCHA (S4): docs/panel-captcha.png (an inbox's Visitor checks) and
 * docs/widget-captcha-375-ru-dark.png (the widget's notice while it proves itself, on a phone,
 * dark, in Russian; the solution is held on its way so the notice stays for the picture).
 */
export async function captchaShots(browser: TestBrowser): Promise<void> {
  const server = await startTestServer()
  try {
    const token = await server.adminToken()
    const inboxId = await server.defaultInboxId()
    await server.http(`/api/admin/inboxes/${inboxId}`, {
      method: 'PATCH',
      token,
      body: { settings: { captcha: { mode: 'always' } } },
    })
    const { page } = await PanelPage.open(browser.context, server.url, {
      viewport: { width: 1280, height: 640 },
    })
    await page.getByRole('button', { name: 'Settings' }).click()
    const checks = page.getByRole('group', { name: 'Visitor checks (CAPTCHA)' })
    await checks.waitFor()
    await checks.evaluate((el) => el.scrollIntoView({ block: 'center' }))
    await page.waitForTimeout(200)
    await shoot(page, 'panel-captcha.png')

    const operator = await connectOperator(server)
    await waitOnline(server, inboxId)
    const host = serveHostPage(embeddingPage(server, inboxId, ' data-lang="ru"'))
    try {
      const phone = await browser.context.newPage()
      await phone.setViewportSize({ width: 375, height: 740 })
      await phone.emulateMedia({ colorScheme: 'dark' })
      await phone.route(`${server.url}/api/visitor/captcha`, () => {
        // Held: never answered while the picture is taken.
      })
      await phone.goto(`http://127.0.0.1:${host.port}/`)
      const widget = new Widget(phone)
      await widget.openChat()
      await widget.send('Здравствуйте! Где мой заказ?')
      await widget.frame.locator('[data-notice="verifying"]').waitFor()
      await phone.waitForTimeout(200)
      await shoot(phone, 'widget-captcha-375-ru-dark.png')
    } finally {
      operator.client.close()
      host.stop(true)
    }
  } finally {
    await server.stop()
  }
}
