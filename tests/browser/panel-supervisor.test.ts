/**
 * Supervisor mode in the panel (O5): a supervisor opening a colleague's conversation watches it
 * invisibly (a banner says so): the panel sends no receipt and no typing, so the visitor's
 * socket gets none from them, until "Take over" assigns it to them and they join visibly. The
 * overview page lists operators with status and load and each branch's queue, and opens an
 * operator's conversations. Keyboard only, at 375 px, light and dark, under axe-core.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import type { Page } from 'playwright-core'
import { metric, startTestServer, type TestServer } from '../helpers/server.ts'
import { TestClient, type Frame } from '../helpers/ws.ts'
import { violations } from './axe.ts'
import {
  ensureClientBuilt,
  launchBrowser,
  skipBrowserTests,
  until,
  type TestBrowser,
} from './harness.ts'
import { focusedName, tabTo } from './panel-page.ts'

const PASSWORD = 'supervisor-password-1'
const FORBIDDEN = 'parley_dispatch_errors_total{code="forbidden"}'

/** What the visitor's socket got from operators: typing notices and read receipts. */
const operatorSignals = (client: TestClient, id: string): Frame[] =>
  client.frames.filter(
    (f) =>
      f.type === 'event' &&
      f.conversationId === id &&
      ((f.name === 'typing' && f.data.party.kind === 'operator') ||
        (f.name === 'read.updated' && f.data.reader.kind === 'operator')),
  )

describe.skipIf(skipBrowserTests)('panel supervisor mode', () => {
  const env = {} as {
    server: TestServer
    browser: TestBrowser
    page: Page
    supervisorId: string
    olga: { id: string; client: TestClient }
    /** The conversation the supervisor took over (the first test's). */
    orderId: string
    /** The conversation Olga keeps (the second test's). */
    parcelId: string
    inboxId: string
  }
  const api = async (path: string, method = 'GET', body?: unknown) => {
    const res = await env.server.http(path, { method, body, token: await env.server.adminToken() })
    if (res.status >= 300) throw new Error(`${method} ${path}: ${JSON.stringify(res.body)}`)
    return res.body
  }
  const visitors: TestClient[] = []
  /** A visitor's conversation, started and subscribed over the socket. */
  const startVisitor = async (text: string) => {
    const visitor = await env.server.visitorToken()
    const client = await TestClient.connect(env.server.wsUrl, { token: visitor.token })
    visitors.push(client)
    const ack = await client.ok({ type: 'start', clientMsgId: `start-${text}`, text })
    const id = ack.conversation.id as string
    await client.ok({ type: 'subscribe', conversationId: id, afterSeq: 0 })
    return { client, id }
  }
  const assigneeOf = async (id: string) =>
    (await api(`/api/conversations/${id}`)).conversation.assigneeId as string | null
  const banner = () => env.page.getByTestId('watch-banner')

  beforeAll(async () => {
    ensureClientBuilt()
    env.server = await startTestServer()
    env.browser = await launchBrowser()
    env.inboxId = await env.server.defaultInboxId()
    // Olga answers chats (signed in on a socket: present and online); the supervisor watches.
    const olga = await api('/api/admin/operators', 'POST', {
      email: 'olga@example.com',
      name: 'Olga Ortiz',
      password: PASSWORD,
      role: 'operator',
      canChat: true,
      inboxIds: [env.inboxId],
    })
    const login = await env.server.http('/api/auth/login', {
      body: { email: 'olga@example.com', password: PASSWORD },
    })
    const client = await TestClient.connect(env.server.wsUrl, { token: login.body.token })
    await client.ok({ type: 'feed_subscribe' })
    env.olga = { id: olga.id, client }
    const sup = await api('/api/admin/operators', 'POST', {
      email: 'sam@example.com',
      name: 'Sam Supervisor',
      password: PASSWORD,
      role: 'supervisor',
      canChat: true,
      inboxIds: [],
    })
    env.supervisorId = sup.id
    const page = await env.browser.context.newPage()
    await page.goto(`${env.server.url}/panel/`)
    await page.getByLabel('Email').fill('sam@example.com')
    await page.getByLabel('Password').fill(PASSWORD)
    await page.getByRole('button', { name: 'Sign in' }).click()
    await page.locator('.shell[data-connection="connected"]').waitFor()
    env.page = page
  }, 120_000)

  afterAll(async () => {
    for (const c of visitors) c.close()
    env.olga?.client.close()
    await env.browser?.close()
    await env.server?.stop()
  })

  test("supervisor - a colleague's conversation opens invisibly: no receipt, no typing reach the visitor until Take over (keyboard only)", async () => {
    const page = env.page
    const v = await startVisitor('I need help with my order')
    env.orderId = v.id
    await until(async () => (await assigneeOf(v.id)) === env.olga.id, 'routed to Olga')
    const row = page.locator(`.conversation-row[data-conversation-id="${v.id}"]`)
    await row.click()
    await page.locator(`.pane.conversation[data-conversation-id="${v.id}"]`).waitFor()
    await banner().waitFor()
    expect(await banner().innerText()).toContain(
      'You are watching invisibly: the visitor does not see you',
    )
    // A new visitor message on screen, and a draft typed: a visible operator would send a
    // receipt and typing now. Nothing goes out: the server refused nothing either.
    await v.client.ok({ type: 'send', conversationId: v.id, clientMsgId: 'm2', text: 'Hello?' })
    await page.locator('.messages .row', { hasText: 'Hello?' }).waitFor()
    await page.getByRole('textbox', { name: 'Reply', exact: true }).click()
    await page.keyboard.type('Let me check')
    expect(await metric(env.server, FORBIDDEN)).toBe(0)
    expect(operatorSignals(v.client, v.id)).toEqual([])
    expect(await violations(page)).toEqual([])
    await page.emulateMedia({ colorScheme: 'dark' })
    expect(await violations(page)).toEqual([])
    await page.emulateMedia({ colorScheme: 'light' })

    // Keyboard only: Take over assigns it to me, and from now on the visitor sees me read it.
    await page.getByRole('textbox', { name: 'Reply', exact: true }).fill('')
    await tabTo(page, /^Take over$/)
    const outline = await page.evaluate(
      () => getComputedStyle(document.activeElement as Element).outlineStyle,
    )
    expect(outline).not.toBe('none')
    await page.keyboard.press('Enter')
    await until(async () => (await assigneeOf(v.id)) === env.supervisorId, 'taken over')
    await banner().waitFor({ state: 'detached' })
    await v.client.next(
      (f) =>
        f.type === 'event' && f.name === 'read.updated' && f.data.reader.id === env.supervisorId,
      10_000,
    )
    expect(await metric(env.server, FORBIDDEN)).toBe(0)
  })

  test('supervisor - Join visibly lifts the invisibility without taking the conversation', async () => {
    const page = env.page
    const v = await startVisitor('Where is my parcel')
    env.parcelId = v.id
    await until(async () => (await assigneeOf(v.id)) === env.olga.id, 'routed to Olga')
    await page.locator(`.conversation-row[data-conversation-id="${v.id}"]`).click()
    await banner().waitFor()
    await page.locator('.messages .row', { hasText: 'Where is my parcel' }).waitFor()
    expect(operatorSignals(v.client, v.id)).toEqual([])
    await banner().getByRole('button', { name: 'Join visibly' }).click()
    await banner().waitFor({ state: 'detached' })
    await v.client.next(
      (f) =>
        f.type === 'event' && f.name === 'read.updated' && f.data.reader.id === env.supervisorId,
      10_000,
    )
    expect(await assigneeOf(v.id)).toBe(env.olga.id)
  })

  test('overview - operators with status and load, the queue; an operator’s conversation opens invisibly; keyboard, 375 px, axe', async () => {
    const page = env.page
    await env.olga.client.ok({ type: 'set_operator_status', status: 'away' })
    const waiting = await startVisitor('Anyone there')
    // On screen: the supervisor's own conversation (Olga's was joined visibly before).
    await page.locator(`.conversation-row[data-conversation-id="${env.orderId}"]`).click()
    await page.locator(`.pane.conversation[data-conversation-id="${env.orderId}"]`).waitFor()
    expect(await banner().count()).toBe(0)
    // Olga has the second test's conversation (the first is the supervisor's now).
    await tabTo(page, /^Overview$/)
    await page.keyboard.press('Enter')
    const overview = page.getByRole('main', { name: 'Overview' })
    await overview.waitFor()
    const inbox = overview.locator(`[data-inbox="${env.inboxId}"]`)
    const main = inbox.locator(`[data-branch="${env.inboxId}"]`)
    const olga = inbox.locator(`[data-operator="${env.olga.id}"]`)
    // The overview reads again every 10 s and soon after a feed change (the team's load is
    // reused for 2 s by the server): the new waiting one, Olga's status and load show without
    // a reload.
    await until(
      async () =>
        (await main.getByTestId('waiting').innerText()) === '1' &&
        (await olga.innerText()).includes('away') &&
        (await olga.getByTestId('load').innerText()) === '1 open',
      'the queue and Olga away',
      15_000,
    )
    expect(await olga.innerText()).toContain('Olga Ortiz')
    expect(await olga.getByTestId('presence').innerText()).toBe('connected')
    expect(await olga.getByTestId('load').innerText()).toBe('1 open')
    expect(await main.innerText()).toMatch(/Longest wait\s+under a minute/)
    expect(await violations(page)).toEqual([])
    await page.emulateMedia({ colorScheme: 'dark' })
    expect(await violations(page)).toEqual([])
    await page.emulateMedia({ colorScheme: 'light' })

    // Keyboard only: Olga's open conversations, then one of them, which opens invisibly.
    await tabTo(page, /^Show open conversations of Olga Ortiz$/)
    await page.keyboard.press('Enter')
    const listed = olga.locator('.overview-convs button')
    await listed.first().waitFor()
    expect(await listed.count()).toBe(1)
    await page.keyboard.press('Tab')
    await page.keyboard.press('Enter')
    await banner().waitFor()
    expect(await page.locator('.pane.conversation').getAttribute('data-conversation-id')).toBe(
      env.parcelId,
    )
    expect(await assigneeOf(waiting.id)).toBeNull()

    // 375 px: nothing wider than the screen, on the overview and with the banner.
    await page.setViewportSize({ width: 375, height: 740 })
    const fits = () =>
      page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)
    await until(fits, 'the conversation fits 375 px')
    expect(await banner().isVisible()).toBe(true)
    await page.getByRole('button', { name: 'Overview' }).click()
    await overview.waitFor()
    await until(fits, 'the overview fits 375 px')
    expect(await violations(page)).toEqual([])
    await page.setViewportSize({ width: 1100, height: 760 })
  }, 60_000)

  test('supervisor - without the chat permission: a read-only banner and no composer', async () => {
    await api('/api/admin/operators', 'POST', {
      email: 'vera@example.com',
      name: 'Vera Viewer',
      password: PASSWORD,
      role: 'supervisor',
      canChat: false,
      inboxIds: [],
    })
    const page = env.page
    await page.getByRole('button', { name: 'Inbox' }).click()
    await page.getByRole('button', { name: 'Sign out' }).click()
    await page.getByLabel('Email').fill('vera@example.com')
    await page.getByLabel('Password').fill(PASSWORD)
    await page.getByRole('button', { name: 'Sign in' }).click()
    await page.locator('.shell[data-connection="connected"]').waitFor()
    await page.locator(`.conversation-row[data-conversation-id="${env.parcelId}"]`).click()
    await banner().waitFor()
    expect(await banner().innerText()).toBe(
      'Read-only: you can view this conversation but not take part in it.',
    )
    expect(await banner().getByRole('button').count()).toBe(0)
    await page.locator('.messages .row', { hasText: 'Where is my parcel' }).waitFor()
    expect(await page.getByRole('textbox', { name: 'Reply', exact: true }).count()).toBe(0)
    expect(await violations(page)).toEqual([])
  })

  test('overview - an operator has no Overview page, and its API refuses them', async () => {
    const agent = await env.server.http('/api/auth/login', {
      body: { email: 'olga@example.com', password: PASSWORD },
    })
    const res = await env.server.http('/api/overview', { token: agent.body.token })
    expect(res.status).toBe(403)
    const page = await env.browser.context.newPage()
    // Another origin: a login of its own.
    await page.goto(`http://localhost:${env.server.port}/panel/`)
    await page.getByLabel('Email').fill('olga@example.com')
    await page.getByLabel('Password').fill(PASSWORD)
    await page.getByRole('button', { name: 'Sign in' }).click()
    await page.locator('.shell[data-connection="connected"]').waitFor()
    expect(await page.getByRole('button', { name: 'Inbox' }).isVisible()).toBe(true)
    expect(await page.getByRole('button', { name: 'Overview' }).count()).toBe(0)
    await page.close()
  })
})
