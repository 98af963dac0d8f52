/**
 * Screenshots of availability and routing for the README (run by tests/browser/screenshots.ts):
 * the widget online, busy and offline with the request form, and the panel's branch pages.
 */
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import sharp from 'sharp'
import { ROOT } from '../../client/build-stamp.ts'
import { httpStart } from '../helpers/http.ts'
import { startTestServer, type TestServer } from '../helpers/server.ts'
import { TestClient } from '../helpers/ws.ts'
import { imageLoaded } from './files.ts'
import { connectOperator, until, Widget, type TestBrowser } from './harness.ts'
import { PanelPage } from './panel-page.ts'

/**
 * The widget's availability (R5, R6): docs/widget-online.png (an operator present who answered
 * three visitors within seconds, so the typical reply time shows; the branch's greeting),
 * docs/widget-busy.png (the only operator at capacity), docs/widget-offline-form.png
 * (nobody present: the request form) and docs/widget-offline-form-dark-375.png (the same on a
 * phone, dark, in Russian, with field errors). A server of its own for each: presence and
 * settings differ.
 */
export async function availabilityShots(browser: TestBrowser) {
  const shot = async (page: Page, name: string, phone = false) => {
    const path = join(ROOT, 'docs', name)
    await page.waitForTimeout(300)
    await page.screenshot(
      phone ? { path } : { path, clip: { x: 520, y: 0, width: 580, height: 760 } },
    )
    console.log(`wrote ${path}`)
  }
  const state = (widget: Widget, value: string) =>
    until(async () => {
      if ((await widget.frame.locator('.status').getAttribute('data-state')) === value) return true
      await widget.launcher.click() // closing and opening asks again
      await widget.launcher.click()
      return false
    }, `the widget to show ${value}`)

  for (const busy of [false, true]) {
    const server = await startTestServer()
    try {
      const inboxId = await server.defaultInboxId()
      const token = await server.adminToken()
      const greeting = { en: 'Hi! Ask us anything about your order.', ru: 'Здравствуйте!' }
      await server.http(`/api/admin/branches/${inboxId}`, {
        method: 'PATCH',
        token,
        body: { settings: { greeting: { on: !busy, text: greeting } } },
      })
      const operator = await connectOperator(server)
      if (!busy) {
        // Answered within seconds before the widget asks: "Typically replies in ~1 min".
        await answered(server, operator, [
          'Do you ship to Austria?',
          'Is the Ethiopia roast decaf?',
          'Can I pause my subscription?',
        ])
      } else {
        await server.http(`/api/admin/inboxes/${inboxId}`, {
          method: 'PATCH',
          token,
          body: { settings: { maxOpenPerOperator: 1 } },
        })
        const first = await httpStart(server, undefined, 'I was here first')
        await until(async () => {
          const res = await server.http(`/api/conversations/${first.id}`, { token })
          return res.body.conversation.assigneeId === operator.id
        }, 'the first conversation to be assigned')
      }
      const widget = await Widget.open(browser.context, `${server.url}/?theme=light`)
      await widget.openChat()
      await state(widget, busy ? 'busy' : 'online')
      if (!busy) await widget.frame.locator('.status .reply-time').waitFor()
      await widget.input.fill(busy ? 'Is my order on its way?' : 'Do you roast on Mondays?')
      await widget.input.blur()
      await shot(widget.page, busy ? 'widget-busy.png' : 'widget-online.png')
      operator.client.close()
      await widget.page.close()
    } finally {
      await server.stop()
    }
  }

  const server = await startTestServer()
  try {
    const desk = await browser.context.newPage()
    await desk.goto(`${server.url}/?theme=light`)
    const widget = new Widget(desk)
    await widget.launcher.click()
    await widget.frame.locator('form.leave').waitFor()
    await widget.frame.locator('#pw-name').fill('Anna Petrova')
    await widget.frame.locator('#pw-email').fill('anna@example.com')
    await widget.frame
      .locator('#pw-text')
      .fill('My order #1042 has not arrived. Could you check where it is?')
    await widget.frame.locator('#pw-text').blur()
    await shot(desk, 'widget-offline-form.png')
    await desk.close()

    const phone = await browser.context.newPage()
    await phone.setViewportSize({ width: 375, height: 740 })
    await phone.goto(`${server.url}/?theme=dark&lang=ru`)
    const ru = new Widget(phone)
    await ru.launcher.click()
    await ru.frame.locator('.pw.dark.compact form.leave').waitFor()
    await ru.frame.locator('#pw-name').fill('Анна')
    await ru.frame.locator('#pw-email').fill('anna@')
    await ru.frame.locator('.leave button[type=submit]').click()
    await ru.frame.locator('#pw-email-error').waitFor()
    await ru.frame.locator('#pw-email').blur()
    await shot(phone, 'widget-offline-form-dark-375.png', true)
    await phone.close()
  } finally {
    await server.stop()
  }
}

/**
 * Branches: three teams with hours and members, GeoIP rules; the list (desktop, light) and a
 * branch form (375 px, dark): docs/panel-branches.png, docs/panel-branch-form-375-dark.png.
 */
export async function branchShots(browser: TestBrowser, server: TestServer): Promise<void> {
  const token = await server.adminToken()
  const inboxId = await server.defaultInboxId()
  const admin = (path: string, body: unknown, method = 'POST') =>
    server.http(path, { method, body, token })
  const ops = await Promise.all(
    ['anna', 'lukas', 'olga'].map((n) =>
      admin('/api/admin/operators', {
        email: `${n}@example.com`,
        name: n[0]!.toUpperCase() + n.slice(1),
        password: 'operator-password-1',
        role: 'operator',
        canChat: true,
      }),
    ),
  )
  const weekdays = (hours: object[]) =>
    Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri'].map((d) => [d, hours]))
  const moscow = await admin(`/api/admin/inboxes/${inboxId}/branches`, {
    name: 'Moscow',
    operatorIds: [ops[2]!.body.id],
    schedule: {
      timeZone: 'Europe/Moscow',
      week: weekdays([{ from: '09:00', to: '18:00' }]),
      exceptions: [],
    },
  })
  const berlin = await admin(`/api/admin/inboxes/${inboxId}/branches`, {
    name: 'Berlin',
    operatorIds: [ops[0]!.body.id, ops[1]!.body.id],
    schedule: {
      timeZone: 'Europe/Berlin',
      week: {
        ...weekdays([
          { from: '08:00', to: '12:00' },
          { from: '13:00', to: '17:00' },
        ]),
        sat: [{ from: '10:00', to: '14:00' }],
      },
      exceptions: [
        { date: '2026-12-24', hours: [{ from: '08:00', to: '12:00' }], note: 'Christmas Eve' },
        { date: '2026-12-25', hours: [], note: 'Christmas' },
      ],
    },
  })
  await admin(
    `/api/admin/inboxes/${inboxId}/routing`,
    {
      geoRules: [
        { country: 'RU', branchId: moscow.body.id },
        { country: 'DE', branchId: berlin.body.id },
        { country: 'AT', region: 'Wien', branchId: berlin.body.id },
      ],
    },
    'PUT',
  )
  for (const shot of [
    {
      file: 'panel-branches.png',
      viewport: { width: 1280, height: 1180 },
      theme: 'light',
      edit: null,
    },
    {
      file: 'panel-branch-form-375-dark.png',
      viewport: { width: 375, height: 1500 },
      theme: 'dark',
      edit: 'Edit Berlin',
    },
  ] as const) {
    const p = await PanelPage.open(browser.context, server.url, { viewport: shot.viewport })
    await p.page.emulateMedia({ colorScheme: shot.theme })
    await p.page.getByRole('button', { name: 'Settings' }).click()
    await p.page.getByRole('button', { name: 'Branches and routing' }).first().click()
    await p.page.locator('.rule').nth(2).waitFor()
    if (shot.edit) await p.page.getByRole('button', { name: shot.edit }).click()
    await p.page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur())
    await p.page.screenshot({ path: join(ROOT, 'docs', shot.file) })
    console.log(`wrote ${join(ROOT, 'docs', shot.file)}`)
    await p.page.close()
  }
}

/**
 * Waiting and who answers (R6, 13.7): docs/widget-queue.png (the visitor's place in the queue
 * under the automatic reply) and docs/widget-joined.png (the operator joined, a named reply,
 * her picture beside her name). The only operator is at capacity with one conversation and
 * another visitor waits first.
 */
export async function queueShots(browser: TestBrowser) {
  const shot = async (page: Page, name: string) => {
    const path = join(ROOT, 'docs', name)
    await page.waitForTimeout(300)
    await page.screenshot({ path, clip: { x: 520, y: 0, width: 580, height: 760 } })
    console.log(`wrote ${path}`)
  }
  const server = await startTestServer()
  try {
    const inboxId = await server.defaultInboxId()
    const token = await server.adminToken()
    const admin = (path: string, body: unknown) =>
      server.http(path, { method: 'PATCH', token, body })
    await admin(`/api/admin/inboxes/${inboxId}`, { settings: { maxOpenPerOperator: 1 } })
    const text = { en: 'Thanks for writing! An operator will be with you shortly.', ru: 'Спасибо!' }
    await admin(`/api/admin/branches/${inboxId}`, { settings: { firstReply: { on: true, text } } })
    const operator = await connectOperator(server)
    await server.http('/api/me/profile', {
      method: 'PATCH',
      token: operator.token,
      body: { displayName: 'Anna' },
    })
    const form = new FormData()
    form.append('file', new File([new Uint8Array(await portrait())], 'anna.png'))
    await fetch(`${server.url}/api/me/avatar`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${operator.token}` },
      body: form,
    })
    const first = await httpStart(server, undefined, 'I was here first')
    await until(async () => {
      const res = await server.http(`/api/conversations/${first.id}`, { token })
      return res.body.conversation.assigneeId === operator.id
    }, 'the first conversation to be assigned')
    const second = await httpStart(server, undefined, 'I am waiting too')

    const widget = await Widget.open(browser.context, `${server.url}/?theme=light`)
    await widget.openChat()
    await widget.send('Hi! My order #1042 has not arrived yet')
    await widget.frame.locator('.queue').getByText('#2').waitFor()
    await widget.message('An operator will be with you').waitFor()
    await shot(widget.page, 'widget-queue.png')

    for (const c of [first, second]) {
      await operator.client.ok({ type: 'set_status', conversationId: c.id, status: 'resolved' })
    }
    await widget.frame.locator('.joined').waitFor()
    const feed = await operator.client.next(
      (f) =>
        f.type === 'feed' &&
        f.name === 'conversation' &&
        f.data.conversation.assigneeId === operator.id &&
        ![first.id, second.id].includes(f.data.conversation.id),
      10_000,
    )
    const conversationId = feed.data.conversation.id as string
    await operator.client.ok({ type: 'subscribe', conversationId, afterSeq: 0 })
    for (const [i, reply] of [
      'Hi, I am looking into it right now.',
      'Your parcel left our warehouse on Monday, it should arrive tomorrow.',
    ].entries()) {
      await operator.client.ok({ type: 'send', conversationId, clientMsgId: `r${i}`, text: reply })
    }
    await widget.message('arrive tomorrow').waitFor()
    await widget.frame.locator('.title').getByText('Anna from Support').waitFor()
    // Her picture loaded (or, if it cannot be, her initials instead).
    const faces = widget.frame.locator('.face img')
    await until(async () => {
      for (const img of await faces.all()) {
        if (!(await imageLoaded(img).catch(() => true))) return false
      }
      return true
    }, 'her picture')
    await widget.input.fill('Great, thank you!')
    await widget.input.blur()
    await shot(widget.page, 'widget-joined.png')
    operator.client.close()
    await widget.page.close()
  } finally {
    await server.stop()
  }
}

/**
 * Transfers in the panel: docs/panel-conversation-details.png (a visitor from Russia in a
 * closed branch: location, branch, the automatic offline reply, then a colleague's transfer with
 * a note) and docs/panel-transfer.png (the transfer dialog with a colleague chosen and a note).
 */
export async function transferShots(browser: TestBrowser): Promise<void> {
  const server = await startTestServer({ env: { TRUST_PROXY: '127.0.0.1' } })
  try {
    const token = await server.adminToken()
    const inboxId = await server.defaultInboxId()
    const api = async (path: string, body?: unknown, method = body ? 'POST' : 'GET') => {
      const res = await server.http(path, { method, body, token })
      if (res.status >= 300) throw new Error(`${method} ${path}: ${JSON.stringify(res.body)}`)
      return res.body
    }
    const me = await server.http('/api/auth/me', { token })
    const adminId = me.body.operator.id as string
    await api(`/api/admin/operators/${adminId}`, { name: 'Anna Petrova' }, 'PATCH')
    const operator = async (name: string) => {
      const email = `${name.split(' ')[0]!.toLowerCase()}@example.com`
      const created = await api('/api/admin/operators', {
        email,
        name,
        password: 'operator-password-1',
        inboxIds: [inboxId],
      })
      const login = await server.http('/api/auth/login', {
        body: { email, password: 'operator-password-1' },
      })
      return { id: created.id as string, token: login.body.token as string }
    }
    const boris = await operator('Boris Ivanov')
    const dana = await operator('Dana Smith')
    const carla = await operator('Carla Jones')
    const borisWs = await TestClient.connect(server.wsUrl, { token: boris.token })
    await borisWs.ok({ type: 'feed_subscribe' })
    const danaWs = await TestClient.connect(server.wsUrl, { token: dana.token })
    await danaWs.ok({ type: 'set_operator_status', status: 'away' })
    const billing = await api(`/api/admin/inboxes/${inboxId}/branches`, {
      name: 'Billing',
      operatorIds: [carla.id, adminId],
      schedule: { timeZone: 'Europe/Moscow', week: {}, exceptions: [] },
      settings: {
        offlineReply: {
          on: true,
          text: {
            en: "Billing is closed right now; we'll answer first thing in the morning.",
            ru: 'Отдел оплаты сейчас закрыт; ответим утром.',
          },
        },
      },
    })
    await api(`/api/admin/inboxes/${inboxId}/branches`, { name: 'Sales', operatorIds: [boris.id] })
    await api(
      `/api/admin/inboxes/${inboxId}/routing`,
      { geoRules: [{ country: 'RU', branchId: billing.id }] },
      'PUT',
    )
    const visitor = await server.visitorToken(inboxId)
    const started = await fetch(`${server.url}/api/visitor/conversations`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${visitor.token}`,
        'x-real-ip': '77.88.8.8',
      },
      body: JSON.stringify({ text: 'I was charged twice for order #1042', clientMsgId: 'c1' }),
    })
    const conversationId = ((await started.json()) as { conversation: { id: string } }).conversation
      .id

    const panel = await PanelPage.open(browser.context, server.url, {
      viewport: { width: 1280, height: 760 },
    })
    const page = panel.page
    await page.locator(`.conversation-row[data-conversation-id="${conversationId}"]`).click()
    await page.locator(`.pane.conversation[data-conversation-id="${conversationId}"]`).waitFor()
    await borisWs.ok({
      type: 'transfer',
      conversationId,
      to: { operatorId: adminId },
      note: 'Duplicate charge confirmed, refund approved by finance',
    })
    await page.locator('.sys-line').first().waitFor()
    await server.http(`/api/conversations/${conversationId}/messages`, {
      token,
      body: { clientMsgId: 'r1', text: 'The second charge is refunded: 3-5 days to show up.' },
    })
    await page.getByText('3-5 days to show up').waitFor()
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur())
    await page.screenshot({ path: join(ROOT, 'docs', 'panel-conversation-details.png') })
    console.log(`wrote ${join(ROOT, 'docs', 'panel-conversation-details.png')}`)

    await page.getByRole('button', { name: 'Transfer…' }).click()
    const dialog = page.getByRole('dialog', { name: 'Transfer conversation' })
    await dialog.getByRole('radio', { name: /Boris Ivanov/ }).check()
    await dialog
      .getByLabel('Note for the receiver (optional)')
      .fill('VIP customer, please call back today')
    await page.screenshot({ path: join(ROOT, 'docs', 'panel-transfer.png') })
    console.log(`wrote ${join(ROOT, 'docs', 'panel-transfer.png')}`)
    for (const ws of [borisWs, danaWs]) ws.close()
    await page.close()
  } finally {
    await server.stop()
  }
}

/**
 * Conversations the operator answered within seconds, as visitors saw it: each visitor writes
 * over HTTP, the conversation is routed to the operator, who answers and resolves it.
 */
async function answered(
  server: TestServer,
  operator: Awaited<ReturnType<typeof connectOperator>>,
  questions: string[],
) {
  const token = await server.adminToken()
  for (const [i, text] of questions.entries()) {
    const c = await httpStart(server, undefined, text)
    await until(async () => {
      const res = await server.http(`/api/conversations/${c.id}`, { token })
      return res.body.conversation.assigneeId === operator.id
    }, 'the conversation to be assigned')
    const conversationId = c.id
    await operator.client.ok({ type: 'subscribe', conversationId, afterSeq: 0 })
    await operator.client.ok({ type: 'send', conversationId, clientMsgId: `a${i}`, text: 'Yes!' })
    await operator.client.ok({ type: 'set_status', conversationId, status: 'resolved' })
  }
}

/** An operator's profile picture: a drawn head and shoulders on a warm background, as PNG. */
async function portrait(): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="512" height="512">
  <defs><linearGradient id="bg" x1="0" y1="0" x2="1" y2="1">
    <stop offset="0" stop-color="#fde7c8"/><stop offset="1" stop-color="#f4b183"/></linearGradient></defs>
  <rect width="512" height="512" fill="url(#bg)"/>
  <path d="M96 512c0-104 72-168 160-168s160 64 160 168z" fill="#0f766e"/>
  <path d="M150 250c-10-120 50-170 106-170s118 50 106 170c-8 40-20 60-30 70l-152 0c-12-12-24-34-30-70z" fill="#5b3a29"/>
  <circle cx="256" cy="215" r="88" fill="#f1c7a3"/>
  <path d="M168 200c8-70 52-100 92-100s82 30 88 96c-40-8-90-30-120-60-14 34-34 54-60 64z" fill="#5b3a29"/>
  <path d="M226 348h60v-40h-60z" fill="#f1c7a3"/>
</svg>`
  return await sharp(Buffer.from(svg)).png().toBuffer()
}
