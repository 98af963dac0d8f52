/**
 * Screenshots of an inbox's webhooks (issue 17, I1) for the README (run by
 * tests/browser/screenshots.ts), with a server of its own: docs/panel-webhooks.png and
 * docs/panel-webhooks-dark.png, two endpoints on local receivers: one whose receiver has
 * answered 500 for a day, shown failing; one that answers, its delivery log open (new
 * conversations and a test event, delivered).
 *
 * The server's clock is a fake one started a day and a bit ago, walked through the failing
 * endpoint's retries, so the times read like a day's history.
 */
import { join } from 'node:path'
import { FakeClock } from '../../actors/index.ts'
import { ROOT } from '../../client/build-stamp.ts'
import { httpStart } from '../helpers/http.ts'
import { startTestServer } from '../helpers/server.ts'
import type { TestBrowser } from './harness.ts'
import { PanelPage } from './panel-page.ts'

export async function webhookShots(browser: TestBrowser): Promise<void> {
  const receiver = Bun.serve({
    port: 0,
    hostname: '127.0.0.1',
    fetch: (req) =>
      new URL(req.url).pathname === '/crm'
        ? Response.json({ ok: true })
        : new Response('upstream unavailable', { status: 500 }),
  })
  const clock = new FakeClock(Date.now() - 26 * 3_600_000)
  const server = await startTestServer({
    clock,
    env: {
      WEBHOOK_ALLOW_HOSTS: 'localhost,127.0.0.1',
      // The clock walks a day: the session must outlive the walk.
      OPERATOR_SESSION_TTL: String(7 * 86400),
    },
  })
  try {
    const token = await server.adminToken()
    const inboxId = await server.defaultInboxId()
    const create = async (body: Record<string, unknown>) =>
      (await server.http('/api/webhooks', { token, body: { inboxId, ...body } })).body.endpoint
        .id as string
    // The failing one first: it heads the list.
    const failing = await create({
      url: `http://localhost:${receiver.port}/analytics`,
      description: 'Old analytics',
      events: ['conversation.created', 'conversation.closed'],
    })
    const crm = await create({
      url: `http://localhost:${receiver.port}/crm`,
      description: 'CRM sync',
      events: ['conversation.created', 'conversation.resolved', 'message.created'],
    })
    await httpStart(server, undefined, 'Where is my order #1042?')
    await server.webhooks.drain()
    // A day of retries for the failing one.
    for (let i = 0; i < 200; i++) {
      const res = await server.http(`/api/webhooks/${failing}/deliveries?status=pending`, {
        token,
      })
      const due = (res.body.deliveries as Array<{ nextAttemptAt: number }>).map(
        (d) => d.nextAttemptAt,
      )
      if (due.length === 0) break
      await clock.advance(Math.max(0, Math.min(...due) - clock.now()))
      await server.webhooks.drain()
    }
    for (const text of ['Do you ship to Norway?', 'Can I change the delivery address?']) {
      await clock.advance(17 * 60_000 + 23_000)
      await httpStart(server, undefined, text)
      await server.webhooks.drain()
    }
    await clock.advance(4 * 60_000 + 41_000)
    await server.http(`/api/webhooks/${crm}/ping`, { method: 'POST', token })
    await server.webhooks.drain()

    for (const dark of [false, true]) {
      const { page } = await PanelPage.open(browser.context, server.url, {
        viewport: { width: 1280, height: 1100 },
        initScript: "localStorage.setItem('parley:lang', 'en')",
      })
      await page.emulateMedia({ colorScheme: dark ? 'dark' : 'light' })
      await page.getByRole('button', { name: 'Settings' }).click()
      await page
        .locator(`form[data-inbox="${inboxId}"]`)
        .getByRole('button', { name: 'Webhooks' })
        .click()
      const row = page.locator('div.card', { hasText: '/crm' })
      await row.getByRole('button', { name: 'Delivery log' }).click()
      await row.locator('tbody tr').first().waitFor()
      await page.getByText('Failing since').waitFor()
      await page.locator('h2').focus()
      await page.waitForTimeout(200)
      const path = join(ROOT, 'docs', dark ? 'panel-webhooks-dark.png' : 'panel-webhooks.png')
      await page.screenshot({ path })
      console.log(`wrote ${path}`)
      await page.close()
    }
  } finally {
    await server.stop()
    receiver.stop(true)
  }
}
