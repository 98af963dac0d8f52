/**
 * Transfers in the panel (R4) and what a conversation tells about itself: an admin transfers a
 * conversation to a colleague with a note (the colleague is alerted with it, sees the
 * conversation as theirs and the transfer in the thread) and then to a branch; the note never
 * reaches the visitor; the dialog with the keyboard only, under axe-core and at 375 px; an
 * automatic reply marked as such, the visitor's place, branch and an offline request; the
 * branch form's automatic replies; the name shown to visitors.
 *
 * Two operators in one browser: the admin's panel on 127.0.0.1, the colleague's on localhost,
 * another origin, so each keeps its own login. The server trusts X-Real-IP from loopback, so a
 * visitor started over HTTP can be placed in Russia.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import type { Locator, Page } from 'playwright-core'
import { startTestServer, type TestServer } from '../helpers/server.ts'
import { TestClient } from '../helpers/ws.ts'
import {
  ensureClientBuilt,
  launchBrowser,
  skipBrowserTests,
  until,
  type TestBrowser,
} from './harness.ts'
import { PanelPage } from './panel-page.ts'
import { violations } from './axe.ts'

const RU_ADDRESS = '77.88.8.8'
const NOTE = 'VIP customer, refund approved'
const OFFLINE_REPLY = 'We are offline now. We will answer by e-mail.'
const PASSWORD = 'operator-password-1'

/**
 * A headless tab is always visible and has no notification UI: the page gets a switch for its
 * visibility and a Notification that records what it was asked to show.
 */
const FAKES = `
  window.__hidden = false
  window.__notes = []
  Object.defineProperty(Document.prototype, 'visibilityState', {
    configurable: true,
    get: () => (window.__hidden ? 'hidden' : 'visible'),
  })
  window.Notification = class {
    static permission = 'granted'
    static requestPermission() { return Promise.resolve('granted') }
    constructor(title, options) { window.__notes.push({ title, body: options && options.body }) }
    close() {}
  }
`

/** The accessible name of the focused element (a radio: its label's text). */
const focused = (page: Page) =>
  page.evaluate(() => {
    const el = document.activeElement
    if (el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement) {
      return el.labels?.[0]?.textContent?.trim() ?? ''
    }
    return el?.getAttribute('aria-label') ?? el?.textContent?.trim() ?? ''
  })

describe.skipIf(skipBrowserTests)('panel transfer', () => {
  const env = {} as {
    server: TestServer
    browser: TestBrowser
    admin: PanelPage
    adminId: string
    boris: { id: string; page: Page }
    carla: { id: string }
    billingId: string
    inboxId: string
    conversationId: string
    visitorToken: string
  }

  const api = async (path: string, method = 'GET', body?: unknown) => {
    const res = await env.server.http(path, { method, body, token: await env.server.adminToken() })
    if (res.status >= 300) throw new Error(`${method} ${path}: ${JSON.stringify(res.body)}`)
    return res.body
  }
  const conversation = async (id: string) =>
    (await api(`/api/conversations/${id}`)).conversation as Record<string, any>
  const createOperator = async (name: string, email: string) =>
    (await api('/api/admin/operators', 'POST', {
      email,
      name,
      password: PASSWORD,
      role: 'operator',
      canChat: true,
      inboxIds: [env.inboxId],
    })) as { id: string }
  /** A visitor's conversation, started over the socket. */
  const startVisitor = async (text: string) => {
    const visitor = await env.server.visitorToken()
    const client = await TestClient.connect(env.server.wsUrl, { token: visitor.token })
    const ack = await client.ok({ type: 'start', clientMsgId: `start-${text}`, text })
    return { client, visitor, conversationId: ack.conversation.id as string }
  }
  /** The admin's panel with a conversation open. */
  const openInAdmin = async (conversationId: string) => {
    const page = env.admin.page
    await page.bringToFront()
    await page.locator(`.conversation-row[data-conversation-id="${conversationId}"]`).click()
    await page.locator(`.pane.conversation[data-conversation-id="${conversationId}"]`).waitFor()
  }
  const details = (page: Page) => page.locator('.conv-details')
  const assignee = (page: Page) => page.getByTestId('assignee')
  const transferDialog = (page: Page) => page.getByRole('dialog', { name: 'Transfer conversation' })
  /** Opens the transfer dialog and waits for its choices. */
  const openDialog = async (page: Page): Promise<Locator> => {
    await page.getByRole('button', { name: 'Transfer…' }).click()
    const dialog = transferDialog(page)
    await dialog.getByRole('radio').first().waitFor()
    return dialog
  }

  beforeAll(async () => {
    ensureClientBuilt()
    env.server = await startTestServer({ env: { TRUST_PROXY: '127.0.0.1' } })
    env.browser = await launchBrowser()
    env.inboxId = await env.server.defaultInboxId()
    const me = await env.server.http('/api/auth/me', { token: await env.server.adminToken() })
    env.adminId = me.body.operator.id
    await api(`/api/admin/operators/${env.adminId}`, 'PATCH', { name: 'Anna Admin' })
    const borisEmail = `boris-${Date.now()}@example.com`
    const boris = await createOperator('Boris Brown', borisEmail)
    env.carla = await createOperator('Carla Clark', `carla-${Date.now()}@example.com`)
    // Billing: Carla's branch, with its automatic reply to conversations nobody can take.
    const billing = await api(`/api/admin/inboxes/${env.inboxId}/branches`, 'POST', {
      name: 'Billing',
      operatorIds: [env.carla.id],
      settings: { offlineReply: { on: true, text: { en: OFFLINE_REPLY, ru: 'Мы не в сети.' } } },
    })
    env.billingId = billing.id
    await api(`/api/admin/inboxes/${env.inboxId}/routing`, 'PUT', {
      geoRules: [{ country: 'RU', branchId: billing.id }],
    })
    env.admin = await PanelPage.open(env.browser.context, env.server.url)
    // Boris on another origin: his own login, a fake Notification, a switch for visibility.
    const page = await env.browser.context.newPage()
    await page.addInitScript(FAKES)
    await page.goto(`http://localhost:${env.server.port}/panel/`)
    await page.getByLabel('Email').fill(borisEmail)
    await page.getByLabel('Password').fill(PASSWORD)
    await page.getByRole('button', { name: 'Sign in' }).click()
    await page.locator('.shell[data-connection="connected"]').waitFor()
    env.boris = { id: boris.id, page }
  }, 120_000)

  afterAll(async () => {
    await env.browser?.close()
    await env.server?.stop()
  })

  test('transfer - to a colleague with a note: the colleague is alerted with the note, and both see it theirs and the transfer in the thread', async () => {
    const boris = env.boris.page
    await boris.evaluate(() => ((window as unknown as { __hidden: boolean }).__hidden = true))
    const { client, visitor, conversationId } = await startVisitor('My invoice is wrong')
    env.conversationId = conversationId
    env.visitorToken = visitor.token
    await api(`/api/conversations/${conversationId}/assign`, 'POST', { operatorId: env.adminId })
    await openInAdmin(conversationId)
    const page = env.admin.page
    await until(async () => (await assignee(page).innerText()) === 'You', 'assigned to the admin')

    const dialog = await openDialog(page)
    // Every branch (Billing: Carla's, and she is not signed in) and every operator of them.
    const billing = dialog.locator(`label[data-branch-id="${env.billingId}"]`)
    expect(await billing.innerText()).toContain('Nobody available: it waits in the queue')
    const borisOption = dialog.locator(`label[data-operator-id="${env.boris.id}"]`)
    expect(await borisOption.innerText()).toMatch(/Boris Brown\s+Available · 0 open · Main/)
    const carlaOption = dialog.locator(`label[data-operator-id="${env.carla.id}"]`)
    expect(await carlaOption.innerText()).toMatch(/Carla Clark\s+Offline · 0 open · Billing, Main/)
    // The admin has it now: not a choice.
    expect(await dialog.getByRole('radio', { name: /Anna Admin/ }).isDisabled()).toBe(true)
    await dialog.getByRole('radio', { name: /Boris Brown/ }).check()
    await dialog.getByLabel('Note for the receiver (optional)').fill(NOTE)
    expect(await dialog.locator('.note-count').innerText()).toContain(`${NOTE.length} / 500`)
    await dialog.getByRole('button', { name: 'Transfer' }).click()
    await dialog.waitFor({ state: 'detached' })
    // Focus is back on the action, and the conversation shows its new assignee.
    expect(await focused(page)).toBe('Transfer…')
    await until(
      async () => (await assignee(page).innerText()) === 'Boris Brown',
      'the new assignee',
    )
    await page.locator('.sys-line', { hasText: 'You transferred this to Boris Brown' }).waitFor()
    const stored = await conversation(conversationId)
    expect(stored.assigneeId).toBe(env.boris.id)

    // Boris, away from the tab: a notification carrying the note.
    const notes = () =>
      boris.evaluate(
        () => (window as unknown as { __notes: Array<{ title: string; body: string }> }).__notes,
      )
    await until(
      async () => (await notes()).some((n) => n.title === 'Conversation transferred to you'),
      'the transfer notification',
    )
    const alert = (await notes()).find((n) => n.title === 'Conversation transferred to you')
    expect(alert?.body).toBe(`Transferred by Anna Admin: ${NOTE}`)
    // Back at the tab: the notice, which opens it.
    await boris.bringToFront()
    await boris.evaluate(() => ((window as unknown as { __hidden: boolean }).__hidden = false))
    const toast = boris.locator('.toast')
    await toast.waitFor()
    expect(await toast.innerText()).toContain(
      `Anna Admin transferred a conversation to you: ${NOTE}`,
    )
    await toast.getByRole('button', { name: 'Open' }).click()
    await boris.locator(`.pane.conversation[data-conversation-id="${conversationId}"]`).waitFor()
    await until(async () => (await assignee(boris).innerText()) === 'You', 'Boris sees it his')
    const line = boris.locator('.sys-line', { hasText: 'Anna Admin transferred this to you' })
    await line.waitFor()
    expect(await line.innerText()).toContain(`Note: ${NOTE}`)
    expect(await boris.locator('.conversation-row', { hasText: 'You' }).count()).toBeGreaterThan(0)
    client.close()
  }, 60_000)

  test('transfer - to a branch with nobody free: it waits there unassigned and the thread names the branch', async () => {
    const page = env.admin.page
    // A tab in the background gets few animation frames: Playwright's clicks would wait.
    await page.bringToFront()
    const dialog = await openDialog(page)
    await dialog.getByRole('radio', { name: /^Billing/ }).check()
    await dialog.getByRole('button', { name: 'Transfer' }).click()
    await dialog.waitFor({ state: 'detached' })
    await page.locator('.sys-line', { hasText: 'You transferred this to Billing' }).waitFor()
    await until(async () => (await assignee(page).innerText()) === 'Unassigned', 'unassigned')
    expect(await details(page).innerText()).toContain('Billing')
    const stored = await conversation(env.conversationId)
    expect(stored).toMatchObject({ assigneeId: null, branchId: env.billingId })
    // Both transfers stay in the thread, in order (among the other activity lines).
    expect(await page.locator('.sys-line:not(.activity-line)').allInnerTexts()).toEqual([
      expect.stringContaining('You transferred this to Boris Brown'),
      expect.stringContaining('You transferred this to Billing'),
    ])
  }, 60_000)

  test('transfer - the note never reaches the visitor: not in the replay, not in the history', async () => {
    const visitor = await TestClient.connect(env.server.wsUrl, { token: env.visitorToken })
    await visitor.ok({ type: 'subscribe', conversationId: env.conversationId, afterSeq: 0 })
    const replay = visitor.frames.filter((f) => f.type === 'event')
    const transfers = replay.filter((f) => f.name === 'conversation.assigned')
    expect(transfers.map((f) => f.data.reason)).toContain('transfer')
    expect(JSON.stringify(visitor.frames)).not.toContain('VIP customer')
    visitor.close()
    const history = await env.server.http(`/api/conversations/${env.conversationId}/messages`, {
      token: env.visitorToken,
    })
    expect(history.status).toBe(200)
    expect(JSON.stringify(history.body)).not.toContain('VIP customer')
  }, 60_000)

  test('transfer - with the keyboard only: open, choose, write a note, transfer; focus returns to the action', async () => {
    const page = env.admin.page
    await page.bringToFront()
    await page.getByRole('button', { name: 'Transfer…' }).focus()
    await page.keyboard.press('Enter')
    const dialog = transferDialog(page)
    await dialog.waitFor()
    // The first choice (the default branch) has focus; the arrows walk the choices.
    await until(async () => (await focused(page)).startsWith('Main'), 'focus on Main')
    await page.keyboard.press('ArrowDown')
    expect(await focused(page)).toStartWith('Billing')
    await page.keyboard.press('ArrowUp')
    expect(await focused(page)).toStartWith('Main')
    expect(await dialog.getByRole('radio', { name: /^Main/ }).isChecked()).toBe(true)
    await page.keyboard.press('Tab')
    expect(await focused(page)).toBe('Note for the receiver (optional)')
    await page.keyboard.type('Back to the main team')
    await page.keyboard.press('Tab')
    expect(await focused(page)).toBe('Transfer')
    await page.keyboard.press('Enter')
    await dialog.waitFor({ state: 'detached' })
    await until(async () => (await focused(page)) === 'Transfer…', 'focus back on Transfer…')
    await until(
      async () => (await conversation(env.conversationId)).branchId === env.inboxId,
      'the default branch',
    )
    // Escape closes it too, with focus back on the action.
    await page.keyboard.press('Enter')
    await dialog.waitFor()
    await page.keyboard.press('Escape')
    await dialog.waitFor({ state: 'detached' })
    expect(await focused(page)).toBe('Transfer…')
  }, 60_000)

  test('transfer - a refused transfer shows why and keeps the dialog open', async () => {
    const page = env.admin.page
    await page.bringToFront()
    const dialog = await openDialog(page)
    // Nothing chosen: said so.
    await dialog.getByRole('button', { name: 'Transfer' }).click()
    await dialog.getByRole('alert').filter({ hasText: 'Choose a branch or an operator.' }).waitFor()
    // Closed meanwhile (by someone else): the server refuses.
    await api(`/api/conversations/${env.conversationId}/status`, 'POST', { status: 'closed' })
    await dialog.getByRole('radio', { name: /^Billing/ }).check()
    await dialog.getByRole('button', { name: 'Transfer' }).click()
    await dialog
      .getByRole('alert')
      .filter({ hasText: 'only open or pending conversations can be transferred' })
      .waitFor()
    await dialog.getByRole('button', { name: 'Cancel' }).click()
    await dialog.waitFor({ state: 'detached' })
    await api(`/api/conversations/${env.conversationId}/status`, 'POST', { status: 'open' })
  }, 60_000)

  test('transfer - axe-core finds no serious violation in the dialog, light and dark; at 375 px it fits', async () => {
    const problems: string[] = []
    for (const viewport of [
      { width: 1280, height: 800 },
      { width: 375, height: 740 },
    ]) {
      const { page } = await PanelPage.open(env.browser.context, env.server.url, { viewport })
      await page.locator(`.conversation-row[data-conversation-id="${env.conversationId}"]`).click()
      const dialog = await openDialog(page)
      await dialog.getByRole('radio', { name: /Carla Clark/ }).check()
      await dialog.getByLabel('Note for the receiver (optional)').fill(NOTE)
      for (const theme of ['light', 'dark'] as const) {
        await page.emulateMedia({ colorScheme: theme })
        for (const v of await violations(page)) problems.push(`${viewport.width}px ${theme}: ${v}`)
      }
      if (viewport.width === 375) {
        const box = await dialog.boundingBox()
        expect(box).not.toBeNull()
        expect(box!.x).toBeGreaterThanOrEqual(0)
        expect(box!.x + box!.width).toBeLessThanOrEqual(375)
        // Nothing wider than the dialog: no sideways scrolling.
        expect(await dialog.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true)
        const transfer = dialog.getByRole('button', { name: 'Transfer' })
        await transfer.scrollIntoViewIfNeeded()
        const button = await transfer.boundingBox()
        expect(button!.x + button!.width).toBeLessThanOrEqual(375)
        // The conversation's actions fit too.
        const actions = await page
          .locator('.conv-actions')
          .evaluate((el) => el.scrollWidth <= el.clientWidth)
        expect(actions).toBe(true)
      }
      await page.keyboard.press('Escape')
      await page.close()
    }
    expect(problems).toEqual([])
  }, 90_000)

  test("transfer - an automatic reply is marked as automatic; the visitor's place, the branch and an offline request show", async () => {
    // From Russia: Billing's conversation, and nobody there is signed in, so its offline reply.
    const { token } = await env.server.visitorToken()
    const started = await fetch(`${env.server.url}/api/visitor/conversations`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${token}`,
        'x-real-ip': RU_ADDRESS,
      },
      body: JSON.stringify({ text: 'Where is my refund?' }),
    })
    expect(started.status).toBe(201)
    const { conversation: c } = (await started.json()) as { conversation: Record<string, any> }
    expect(c).toMatchObject({ branchId: env.billingId, location: { country: 'RU' } })

    const page = env.admin.page
    await openInAdmin(c.id)
    const auto = page.locator('.messages .row.auto', { hasText: OFFLINE_REPLY })
    await auto.waitFor()
    expect(await auto.locator('.auto-label').textContent()).toBe('Automatic reply')
    // Never as an operator's message: no receipt, no edit, not "mine".
    expect(await auto.getAttribute('class')).not.toContain('mine')
    expect(await auto.locator('.receipt').count()).toBe(0)
    const info = await details(page).innerText()
    expect(info).toContain('Russia')
    expect(info).toContain('Billing')
    expect(await page.locator('.offline-pill').count()).toBe(0)

    // An offline request: the badge.
    const other = await env.server.visitorToken()
    const request = await fetch(`${env.server.url}/api/visitor/offline-requests`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${other.token}` },
      body: JSON.stringify({ name: 'Olga', email: 'olga@example.com', text: 'Call me back' }),
    })
    expect(request.status).toBe(201)
    const offline = ((await request.json()) as { conversation: { id: string } }).conversation
    await openInAdmin(offline.id)
    await page.locator('.conv-title .offline-pill', { hasText: 'Offline request' }).waitFor()
  }, 60_000)

  test('transfer - the branch form saves automatic replies with the rest of the branch', async () => {
    const page = env.admin.page
    await page.bringToFront()
    await page.getByRole('button', { name: 'Settings' }).click()
    await page.getByRole('button', { name: 'Branches and routing' }).first().click()
    await page.getByRole('button', { name: 'Edit Billing' }).click()
    const form = page.locator('form.branch-form')
    const replies = form.getByRole('group', { name: 'Automatic replies' })
    const offlineReply = replies.getByRole('group', { name: 'Offline reply' })
    expect(await offlineReply.getByRole('switch').isChecked()).toBe(true)
    expect(await offlineReply.getByLabel('English').inputValue()).toBe(OFFLINE_REPLY)
    const first = replies.getByRole('group', { name: 'First reply' })
    expect(await first.getByRole('switch').isChecked()).toBe(false)
    await first.getByRole('switch').check()
    await first.getByLabel('English').fill('Thanks! Billing answers within an hour.')
    await first.getByLabel('Russian').fill('Спасибо! Ответим в течение часа.')
    await replies
      .getByRole('group', { name: 'Offline text' })
      .getByLabel('English')
      .fill('Back at 9')
    await form.getByRole('button', { name: 'Save branch' }).click()
    await page.locator('.branch-row', { hasText: 'Billing' }).waitFor()
    const saved = await api(`/api/admin/branches/${env.billingId}`)
    expect(saved.settings).toMatchObject({
      firstReply: {
        on: true,
        text: {
          en: 'Thanks! Billing answers within an hour.',
          ru: 'Спасибо! Ответим в течение часа.',
        },
      },
      offlineReply: { on: true, text: { en: OFFLINE_REPLY } },
      offlineText: { en: 'Back at 9', ru: '' },
      greeting: { on: false },
    })
    await page
      .getByRole('navigation', { name: 'Pages' })
      .getByRole('button', { name: 'Inbox' })
      .click()
  }, 60_000)

  test('transfer - the name shown to visitors is set from the user menu; a refused one says why', async () => {
    const page = env.admin.page
    await page.bringToFront()
    await page.locator('.account-button').click()
    await page.getByRole('menuitem', { name: 'Name shown to visitors…' }).click()
    const dialog = page.getByRole('dialog', { name: 'Name shown to visitors' })
    const input = dialog.getByLabel('Name shown to visitors')
    expect(await input.getAttribute('placeholder')).toBe('Anna')
    // A NUL character is not text the server stores: refused, and said so.
    await input.fill('Anna \u0000')
    await dialog.getByRole('button', { name: 'Save' }).click()
    await dialog
      .getByRole('alert')
      .filter({ hasText: 'displayName contains a NUL character' })
      .waitFor()
    expect(await input.getAttribute('aria-invalid')).toBe('true')
    await input.fill('Anna S.')
    await dialog.getByRole('button', { name: 'Save' }).click()
    await dialog.waitFor({ state: 'detached' })
    const operators = (await api('/api/admin/operators')).operators as Array<Record<string, any>>
    expect(operators.find((o) => o.id === env.adminId)?.displayName).toBe('Anna S.')
    // What a visitor now sees for the admin.
    const names = await env.server.http(
      `/api/conversations/${env.conversationId}/operators?ids=${env.adminId}`,
      { token: env.visitorToken },
    )
    expect(names.body.operators[0]?.name).toBe('Anna S.')
  }, 60_000)
})
