/**
 * Webhooks in the panel (issue 17, I1): from an inbox's settings an admin, with the keyboard
 * only, adds an endpoint (a private address is refused by the server, named under the URL, and
 * nothing is saved), sees its secret once, sends a test event and watches it arrive in the
 * delivery log (the receiver got a POST signed with Parley-Signature), sends it again, narrows
 * the events, switches it off, rotates its secret (the old one signs too for the hours chosen),
 * and deletes it after a confirmation (Escape first leaves it). axe-core finds no serious
 * violation, light and dark, desktop and 375 px (nothing scrolls sideways); Russian reads.
 * Everything saved is checked through the API.
 *
 * The receiver is a local Bun server: the test server allows 127.0.0.1 (WEBHOOK_ALLOW_HOSTS).
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import type { Page } from 'playwright-core'
import { violations } from './axe.ts'
import { skipBrowserTests, until, useServerAndBrowser } from './harness.ts'
import { PanelPage } from './panel-page.ts'

const EN = "localStorage.setItem('parley:lang', 'en')"
const RU = "localStorage.setItem('parley:lang', 'ru')"

interface Received {
  path: string
  signature: string | null
  body: { id?: string; type?: string }
}

describe.skipIf(skipBrowserTests)('panel webhooks', () => {
  const env = useServerAndBrowser({ WEBHOOK_ALLOW_HOSTS: '127.0.0.1' })
  const received: Received[] = []
  let receiver: ReturnType<typeof Bun.serve>

  beforeAll(() => {
    receiver = Bun.serve({
      port: 0,
      hostname: '127.0.0.1',
      async fetch(req) {
        received.push({
          path: new URL(req.url).pathname,
          signature: req.headers.get('parley-signature'),
          body: (await req.json().catch(() => ({}))) as Received['body'],
        })
        return new Response('thanks', { status: 200 })
      },
    })
  })
  afterAll(() => receiver?.stop(true))

  const hook = (path: string) => `http://127.0.0.1:${receiver.port}${path}`

  /** The inbox's endpoints, as the API lists them. */
  const stored = async (inboxId: string) => {
    const res = await env.server.http(`/api/webhooks?inboxId=${inboxId}`, {
      token: await env.server.adminToken(),
    })
    expect(res.status).toBe(200)
    return res.body.endpoints as Array<Record<string, any>>
  }

  /** A new inbox (its webhooks page starts empty). */
  async function newInbox(name: string): Promise<string> {
    const res = await env.server.http('/api/admin/inboxes', {
      token: await env.server.adminToken(),
      body: { name },
    })
    expect(res.status).toBe(201)
    return res.body.id as string
  }

  /** The panel on the inbox's webhooks page, reached from its settings with the keyboard. */
  async function openWebhooks(
    inboxId: string,
    opts: { viewport?: { width: number; height: number }; ru?: boolean } = {},
  ): Promise<Page> {
    const { page } = await PanelPage.open(env.browser.context, env.server.url, {
      viewport: opts.viewport,
      initScript: opts.ru ? RU : EN,
    })
    const settings = page.getByRole('button', { name: opts.ru ? 'Настройки' : 'Settings' })
    await settings.focus()
    await page.keyboard.press('Enter')
    const open = page
      .locator(`form[data-inbox="${inboxId}"]`)
      .getByRole('button', { name: opts.ru ? 'Вебхуки' : 'Webhooks' })
    await open.focus()
    await page.keyboard.press('Enter')
    const heading = page.getByRole('heading', {
      name: opts.ru ? /^Вебхуки: / : /^Webhooks of /,
      level: 2,
    })
    await heading.waitFor()
    // Shown in place of the inbox forms: the focus starts at its heading.
    await until(() => heading.evaluate((el) => el === document.activeElement), 'the heading focus')
    return page
  }

  /** Presses a button with the keyboard. */
  async function press(page: Page, name: string | RegExp, scope = page.locator('body')) {
    const button = scope.getByRole('button', { name, exact: typeof name === 'string' })
    await button.focus()
    await page.keyboard.press('Enter')
  }

  const item = (page: Page, url: string) =>
    page.locator('div.card').filter({ has: page.getByRole('heading', { name: url }) })

  test('webhooks - keyboard only: a private address refused, then added with its secret shown once, a test event delivered and sent again, events narrowed, switched off, secret rotated, deleted', async () => {
    const inboxId = await newInbox('Hooked shop')
    const page = await openWebhooks(inboxId)
    await page.getByText('No webhooks yet.').waitFor()

    // A private address: the server refuses it, the form says so under the URL; nothing saved.
    await press(page, 'Add webhook')
    const form = page.getByRole('form', { name: 'New webhook' })
    await until(
      () => form.getByRole('heading').evaluate((el) => el === document.activeElement),
      'the form heading focus',
    )
    // Tab goes through the form in order: the URL, the description, the events.
    const url = form.getByRole('textbox', { name: 'URL that receives the events' })
    await page.keyboard.press('Tab')
    expect(await url.evaluate((el) => el === document.activeElement)).toBe(true)
    await page.keyboard.insertText('http://10.0.0.1/hook')
    await page.keyboard.press('Tab')
    await page.keyboard.insertText('Order sync')
    await page.keyboard.press('Tab')
    expect(
      await form
        .getByRole('checkbox', { name: 'Select all' })
        .evaluate((el) => el === document.activeElement),
    ).toBe(true)
    // Every event is chosen for a new webhook.
    expect(await form.getByRole('checkbox', { name: 'Select all' }).isChecked()).toBe(true)
    expect(await form.getByRole('switch').isChecked()).toBe(true)
    await press(page, 'Save webhook', form)
    await form.getByText('private network address').waitFor()
    expect(await url.getAttribute('aria-invalid')).toBe('true')
    // The focus went to the field the refusal names; the refusal describes it.
    expect(await url.evaluate((el) => el === document.activeElement)).toBe(true)
    expect(await url.getAttribute('aria-describedby')).toBeTruthy()
    expect(await stored(inboxId)).toEqual([])

    // No event chosen: refused before sending.
    const all = form.getByRole('checkbox', { name: 'Select all' })
    await all.focus()
    await page.keyboard.press('Space')
    await press(page, 'Save webhook', form)
    await form.getByText('Choose at least one event.').waitFor()
    await all.focus()
    await page.keyboard.press('Space')

    await url.focus()
    await page.keyboard.press('ControlOrMeta+a')
    await page.keyboard.insertText(hook('/orders'))
    await press(page, 'Save webhook', form)

    // Saved: the secret shows once, focused and selected, with what to do with it.
    const row = item(page, hook('/orders'))
    const secretField = row.getByRole('textbox', { name: 'Signing secret' })
    await secretField.waitFor()
    await until(
      () => secretField.evaluate((el) => el === document.activeElement),
      'the secret focus',
    )
    const secret = await secretField.inputValue()
    expect(secret.length).toBeGreaterThan(16)
    await row.getByText('Copy it now: it will not be shown again.').waitFor()
    const [made] = await stored(inboxId)
    expect(made).toMatchObject({
      url: hook('/orders'),
      description: 'Order sync',
      enabled: true,
      status: 'active',
      secretHint: secret.slice(-4),
    })
    expect(made!.events).toHaveLength(10)
    await row.getByText('Active', { exact: true }).waitFor()
    await row.getByText('All events').waitFor()
    await press(page, 'I have copied it', row)
    await until(async () => (await secretField.count()) === 0, 'the secret to go')
    expect(await page.content()).not.toContain(secret)

    // A test event: the log opens and shows it delivered; the receiver got it, signed.
    await press(page, 'Send test event', row)
    await row.getByRole('status').getByText('Test event queued').waitFor()
    const log = row.getByRole('region', { name: 'Delivery log' })
    const ping = log.locator('tbody tr', { hasText: 'ping' })
    await ping.getByText('Delivered', { exact: true }).waitFor({ timeout: 15_000 })
    expect(
      await row.getByRole('button', { name: 'Delivery log' }).getAttribute('aria-expanded'),
    ).toBe('true')
    const pings = received.filter((r) => r.path === '/orders')
    expect(pings).toHaveLength(1)
    expect(pings[0]!.signature).toBeTruthy()
    expect(pings[0]!.body.type).toBe('ping')
    const eventId = pings[0]!.body.id!
    await ping.getByText(eventId).waitFor()
    await ping.getByText('thanks').waitFor()
    expect(await ping.locator('td').nth(5).innerText()).toContain('200')
    // The list's counts follow: a success, nothing waiting.
    await until(
      async () => !(await row.locator('.branch-meta').innerText()).includes('Last success: Never'),
      'the last success',
    )

    // Sent again: the same event id arrives a second time.
    await press(page, 'Redeliver', ping)
    await until(
      () => received.filter((r) => r.body.id === eventId).length === 2,
      'the redelivery',
      15_000,
    )
    await ping.getByText('Delivered', { exact: true }).waitFor({ timeout: 15_000 })
    // The filter: nothing failed.
    await log.getByRole('combobox', { name: 'Show' }).selectOption('failed')
    await log.getByText('No deliveries yet.').waitFor()
    await log.getByRole('combobox', { name: 'Show' }).selectOption('')
    await ping.waitFor()

    // Narrow the events: none but two.
    await press(page, 'Edit', row)
    const edit = page.getByRole('form', { name: 'Edit webhook' })
    await edit.getByRole('checkbox', { name: 'Select all' }).focus()
    await page.keyboard.press('Space')
    for (const name of ['conversation.created', 'message.created']) {
      await edit.getByRole('checkbox', { name }).focus()
      await page.keyboard.press('Space')
    }
    await press(page, 'Save webhook', edit)
    await row.getByText('conversation.created, message.created').waitFor()
    expect((await stored(inboxId))[0]!.events).toEqual(['conversation.created', 'message.created'])

    // Switched off.
    await press(page, 'Edit', row)
    await edit.getByRole('switch').focus()
    await page.keyboard.press('Space')
    await press(page, 'Save webhook', edit)
    await row.getByText('Disabled', { exact: true }).waitFor()
    expect((await stored(inboxId))[0]).toMatchObject({ enabled: false, status: 'disabled' })

    // Rotated: the old secret signs for the hours chosen; the new one shows once.
    await press(page, 'Rotate secret', row)
    const rotate = page.getByRole('dialog', { name: 'Rotate the signing secret' })
    await rotate.getByRole('combobox').selectOption({ label: '1 hour' })
    const before = Date.now()
    await press(page, 'Rotate secret', rotate)
    await until(async () => (await rotate.count()) === 0, 'the dialog to close')
    await secretField.waitFor()
    const rotated = await secretField.inputValue()
    expect(rotated).not.toBe(secret)
    await until(
      () => secretField.evaluate((el) => el === document.activeElement),
      'the new secret focus',
    )
    const [after] = await stored(inboxId)
    expect(after!.secretHint).toBe(rotated.slice(-4))
    expect(after!.previousSecretUntil).toBeGreaterThanOrEqual(before + 3_600_000 - 5_000)
    expect(after!.previousSecretUntil).toBeLessThanOrEqual(Date.now() + 3_600_000 + 5_000)

    // Delete: Escape leaves it; confirmed, it goes.
    await press(page, 'Delete', row)
    const confirm = page.getByRole('dialog', { name: 'Delete webhook' })
    await confirm.getByText(hook('/orders')).waitFor()
    await page.keyboard.press('Escape')
    await until(async () => (await confirm.count()) === 0, 'Escape to close the dialog')
    expect(await stored(inboxId)).toHaveLength(1)
    await press(page, 'Delete', row)
    await press(page, 'Delete webhook', confirm)
    await page.getByText('No webhooks yet.').waitFor()
    expect(await stored(inboxId)).toEqual([])
    await page.close()
  }, 90_000)

  test('webhooks - no serious axe violation with the log open, light and dark, desktop and 375 px; nothing scrolls sideways on a phone', async () => {
    const inboxId = await newInbox('Axe shop')
    const token = await env.server.adminToken()
    const made = await env.server.http('/api/webhooks', {
      token,
      body: {
        inboxId,
        url: hook('/axe'),
        events: ['conversation.created'],
        description: 'CRM',
      },
    })
    expect(made.status).toBe(201)
    const ping = await env.server.http(`/api/webhooks/${made.body.endpoint.id}/ping`, {
      method: 'POST',
      token,
    })
    expect(ping.status).toBe(200)
    for (const scheme of ['light', 'dark'] as const) {
      for (const viewport of [undefined, { width: 375, height: 740 }]) {
        const page = await openWebhooks(inboxId, { viewport })
        await page.emulateMedia({ colorScheme: scheme })
        const row = item(page, hook('/axe'))
        await press(page, 'Delivery log', row)
        await row
          .locator('tbody tr', { hasText: 'ping' })
          .getByText('Delivered', { exact: true })
          .waitFor({ timeout: 15_000 })
        expect({ scheme, viewport, found: await violations(page) }).toEqual({
          scheme,
          viewport,
          found: [],
        })
        if (viewport) {
          const width = await page.evaluate(() => document.documentElement.scrollWidth)
          expect(width).toBeLessThanOrEqual(375)
          const main = await page
            .locator('main')
            .evaluate((el) => ({ scroll: el.scrollWidth, client: el.clientWidth }))
          expect(main.scroll).toBeLessThanOrEqual(main.client)
        }
        // The form too.
        await press(page, 'Edit', row)
        await page.getByRole('form', { name: 'Edit webhook' }).waitFor()
        expect({ scheme, viewport, form: await violations(page) }).toEqual({
          scheme,
          viewport,
          form: [],
        })
        await page.close()
      }
    }
  }, 120_000)

  test('webhooks - in Russian', async () => {
    const inboxId = await newInbox('Магазин')
    const made = await env.server.http('/api/webhooks', {
      token: await env.server.adminToken(),
      body: { inboxId, url: hook('/ru'), events: ['message.created'] },
    })
    expect(made.status).toBe(201)
    const page = await openWebhooks(inboxId, { ru: true, viewport: { width: 375, height: 740 } })
    const row = item(page, hook('/ru'))
    await row.getByText('Активен', { exact: true }).waitFor()
    await row.getByRole('button', { name: 'Отправить тестовое событие' }).waitFor()
    await press(page, 'Журнал доставок', row)
    await row.getByRole('combobox', { name: 'Показать' }).waitFor()
    await page.getByRole('button', { name: 'Добавить вебхук' }).waitFor()
    await press(page, 'Сменить секрет', row)
    const dialog = page.getByRole('dialog', { name: 'Сменить секрет подписи' })
    await dialog.getByRole('option', { name: '24 часов' }).waitFor({ state: 'attached' })
    await page.keyboard.press('Escape')
    await until(async () => (await dialog.count()) === 0, 'Escape to close the dialog')
    await page.close()
  }, 60_000)
})
