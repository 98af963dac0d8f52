/**
 * Canned replies in the panel (O6): the admin adds a shared reply from the inbox settings (the
 * form refuses an empty one and a taken shortcut, each next to its field); Pat, an operator of
 * the inbox, types `/gre` in a reply, picks it with the keyboard and sends it with the visitor's
 * and her own name filled in; Pat keeps a reply of her own from the user menu, edits and deletes
 * it after a confirmation; on a 375 px screen the list fits and a click picks; axe-core finds
 * no serious violation, light and dark, desktop and 375 px. Everything saved is checked through
 * the API.
 *
 * Two operators in one browser: the admin's panel on 127.0.0.1, Pat's on localhost, another
 * origin, so each keeps its own login.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import type { Page } from 'playwright-core'
import { startTestServer, type TestServer } from '../helpers/server.ts'
import { TestClient } from '../helpers/ws.ts'
import { violations } from './axe.ts'
import { ensureClientBuilt, launchBrowser, skipBrowserTests, type TestBrowser } from './harness.ts'
import { PanelPage } from './panel-page.ts'

const PASSWORD = 'operator-password-1'
const GREETING = 'Hello {visitor.name}, I am {operator.name}. How can I help?'

describe.skipIf(skipBrowserTests)('panel canned replies', () => {
  const env = {} as {
    server: TestServer
    browser: TestBrowser
    inboxId: string
    conversationId: string
    visitor: TestClient
    pat: { id: string; email: string; token: string }
  }

  const api = async (path: string, token?: string) => {
    const res = await env.server.http(path, { token: token ?? (await env.server.adminToken()) })
    if (res.status >= 300) throw new Error(`${path}: ${JSON.stringify(res.body)}`)
    return res.body
  }
  /** The replies Pat may use in the inbox, as the API lists them. */
  const patReplies = async () =>
    (await api(`/api/canned-replies?inbox=${env.inboxId}`, env.pat.token)).replies as Array<
      Record<string, any>
    >

  /** Pat's panel (her own origin), optionally at a size, with the visitor's conversation open. */
  async function patPanel(viewport?: { width: number; height: number }): Promise<Page> {
    const page = await env.browser.context.newPage()
    if (viewport) await page.setViewportSize(viewport)
    await page.goto(`http://localhost:${env.server.port}/panel/#c/${env.conversationId}`)
    if (await page.getByLabel('Email').isVisible()) {
      await page.getByLabel('Email').fill(env.pat.email)
      await page.getByLabel('Password').fill(PASSWORD)
      await page.keyboard.press('Enter')
    }
    await page.locator('.shell[data-connection="connected"]').waitFor()
    // Signed in just now, the conversation in the address is not open yet: open it from the list.
    const row = page.locator(`.conversation-row[data-conversation-id="${env.conversationId}"]`)
    if (!(await page.locator('.pane.conversation').isVisible())) await row.click()
    await page.locator('.messages .row', { hasText: 'where is my parcel' }).waitFor()
    // The visitor's details are loaded: their name is on screen.
    await page.locator('.conv-title h2', { hasText: 'Jane Doe' }).waitFor()
    return page
  }

  const listbox = (page: Page) => page.getByRole('listbox', { name: 'Canned replies' })

  beforeAll(async () => {
    ensureClientBuilt()
    env.server = await startTestServer()
    env.browser = await launchBrowser()
    env.inboxId = await env.server.defaultInboxId()
    const admin = await env.server.adminToken()
    const email = `pat-${Date.now()}@example.com`
    const created = await env.server.http('/api/admin/operators', {
      token: admin,
      body: {
        email,
        name: 'Patricia Quinn',
        displayName: 'Pat',
        password: PASSWORD,
        role: 'operator',
        canChat: true,
        inboxIds: [env.inboxId],
      },
    })
    expect(created.status).toBe(201)
    const login = await env.server.http('/api/auth/login', { body: { email, password: PASSWORD } })
    env.pat = { id: created.body.id, email, token: login.body.token }

    const { token } = await env.server.visitorToken()
    const profile = await env.server.http('/api/visitor/profile', {
      method: 'PATCH',
      token,
      body: { name: 'Jane Doe' },
    })
    expect(profile.status).toBe(200)
    env.visitor = await TestClient.connect(env.server.wsUrl, { token })
    const started = await env.visitor.ok({
      type: 'start',
      clientMsgId: 'visitor-1',
      text: 'Hi, where is my parcel?',
    })
    env.conversationId = started.conversation.id
  }, 120_000)

  afterAll(async () => {
    env.visitor?.close()
    await env.browser?.close()
    await env.server?.stop()
  })

  test('canned - the admin adds a shared reply from the inbox settings; the form names what is wrong next to the field', async () => {
    const panel = await PanelPage.open(env.browser.context, env.server.url)
    const page = panel.page
    await page.getByRole('button', { name: 'Settings' }).click()
    await page.getByRole('button', { name: 'Canned replies' }).first().click()
    const heading = page.getByRole('heading', { name: /^Canned replies of / })
    await heading.waitFor()
    // The page took the focus (it replaced another view).
    expect(await heading.evaluate((el) => el === document.activeElement)).toBe(true)
    await page.getByText('No canned replies yet.').waitFor()

    await page.getByRole('button', { name: 'New reply' }).click()
    const shortcut = page.getByLabel('Shortcut')
    // Nothing filled in: every field says why, next to it; the first one takes the focus.
    await page.getByRole('button', { name: 'Save reply' }).click()
    await page.getByText('Use 1 to 32 letters').waitFor()
    expect(await shortcut.getAttribute('aria-invalid')).toBe('true')
    expect(await shortcut.evaluate((el) => el === document.activeElement)).toBe(true)
    expect(await page.getByLabel('Title').getAttribute('aria-invalid')).toBe('true')
    expect(await page.getByLabel('Text').getAttribute('aria-invalid')).toBe('true')
    // The error is part of the field's description, so a screen reader says it.
    const describedBy = (await shortcut.getAttribute('aria-describedby')) ?? ''
    const description = await page.evaluate(
      (ids) => ids.map((id) => document.getElementById(id)?.textContent).join(' '),
      describedBy.split(' '),
    )
    expect(description).toContain('Use 1 to 32 letters')
    expect((await api(`/api/canned-replies?inbox=${env.inboxId}`)).replies).toEqual([])

    await shortcut.fill('two words')
    await page.getByLabel('Title').fill('Greeting')
    await page.getByLabel('Text').fill(GREETING)
    await page.getByRole('button', { name: 'Save reply' }).click()
    expect(await shortcut.getAttribute('aria-invalid')).toBe('true')
    expect(await page.getByLabel('Title').getAttribute('aria-invalid')).toBeNull()
    // A leading slash and capitals are how people type it: accepted as `greet`.
    await shortcut.fill('/Greet')
    await page.getByRole('button', { name: 'Save reply' }).click()
    const row = page.locator('.branch-row', { hasText: '/greet' })
    await row.waitFor()
    expect(await row.innerText()).toContain('Greeting')
    const [saved] = (await api(`/api/canned-replies?inbox=${env.inboxId}`)).replies
    expect(saved).toMatchObject({
      inboxId: env.inboxId,
      ownerId: null,
      shortcut: 'greet',
      title: 'Greeting',
      text: GREETING,
    })

    // The same shortcut again: the server's refusal lands next to the shortcut.
    await page.getByRole('button', { name: 'New reply' }).click()
    await shortcut.fill('greet')
    await page.getByLabel('Title').fill('Another')
    await page.getByLabel('Text').fill('Another text')
    await page.getByRole('button', { name: 'Save reply' }).click()
    await page.getByText('Another reply here already uses this shortcut.').waitFor()
    expect(await shortcut.getAttribute('aria-invalid')).toBe('true')
    await page.getByRole('button', { name: 'Cancel' }).click()
    expect((await api(`/api/canned-replies?inbox=${env.inboxId}`)).replies).toHaveLength(1)

    for (const theme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: theme })
      expect(await violations(page)).toEqual([])
    }
    await page.close()
  }, 60_000)

  test('canned - an operator types /gre, picks the reply with the keyboard and sends it with both names filled in', async () => {
    const page = await patPanel()
    const input = page.locator('.composer textarea')
    await input.click()
    await page.keyboard.type('/gre')
    const list = listbox(page)
    await list.waitFor()
    const options = list.getByRole('option')
    expect(await options.count()).toBe(1)
    expect(await options.first().innerText()).toMatch(
      /\/greet\s*Greeting\s*Hello \{visitor\.name\}/,
    )
    // The textarea points at the list and its active option.
    const listId = await list.getAttribute('id')
    expect(await input.getAttribute('aria-controls')).toBe(listId)
    expect(await input.getAttribute('aria-activedescendant')).toBe(
      await options.first().getAttribute('id'),
    )
    expect(await options.first().getAttribute('aria-selected')).toBe('true')

    // Escape closes the list and keeps the draft; a changed word opens it again.
    await page.keyboard.press('Escape')
    await list.waitFor({ state: 'detached' })
    expect(await input.inputValue()).toBe('/gre')
    expect(await input.getAttribute('aria-activedescendant')).toBeNull()
    await page.keyboard.press('Backspace')
    await list.waitFor()

    await page.keyboard.press('ArrowDown')
    await page.keyboard.press('Enter')
    await list.waitFor({ state: 'detached' })
    const filled = 'Hello Jane Doe, I am Pat. How can I help?'
    expect(await input.inputValue()).toBe(filled)
    // Enter now sends, as for any draft.
    await page.keyboard.press('Enter')
    await page.locator('.messages .row', { hasText: filled }).waitFor()
    const history = await api(`/api/conversations/${env.conversationId}/messages`, env.pat.token)
    expect(history.messages.map((m: { text: string }) => m.text)).toContain(filled)

    // After words and a space, `/` opens the list too; inside a word it does not.
    await input.click()
    await page.keyboard.type('and/')
    expect(await list.count()).toBe(0)
    await page.keyboard.type(' /')
    await list.waitFor()
    await page.keyboard.press('Tab')
    expect(await input.inputValue()).toBe(`and/ ${filled}`)
    await input.fill('')

    expect(await violations(page)).toEqual([])
    await page.close()
  }, 60_000)

  test('canned - an operator keeps replies of her own from the user menu: create, use, edit, delete after a confirmation', async () => {
    const page = await patPanel()
    await page.locator('.account-button').click()
    await page.getByRole('menuitem', { name: 'My canned replies' }).click()
    await page.getByRole('heading', { name: 'My canned replies' }).waitFor()
    // The inbox's shared replies are not hers to manage: this page lists her own only.
    await page.getByText('No canned replies yet.').waitFor()
    await page.getByRole('button', { name: 'New reply' }).click()
    await page.getByLabel('Shortcut').fill('thanks')
    await page.getByLabel('Title').fill('Thank you')
    await page.getByLabel('Text').fill('{visitor.name}, thank you for waiting!')
    await page.getByRole('button', { name: 'Save reply' }).click()
    await page.locator('.branch-row', { hasText: '/thanks' }).waitFor()
    expect((await patReplies()).map((r) => [r.shortcut, r.ownerId])).toEqual([
      ['greet', null],
      ['thanks', env.pat.id],
    ])
    // Nobody else sees it, the admin neither.
    const adminSees = await api(`/api/canned-replies?inbox=${env.inboxId}`)
    expect(adminSees.replies.map((r: { shortcut: string }) => r.shortcut)).toEqual(['greet'])

    // Back in the conversation, `/` lists the shared reply and her own; the title matches too.
    await page.getByRole('button', { name: 'Back to the inbox' }).click()
    await page.locator('.messages .row', { hasText: 'where is my parcel' }).waitFor()
    const input = page.locator('.composer textarea')
    await input.click()
    await page.keyboard.type('/')
    const options = listbox(page).getByRole('option')
    await options.nth(1).waitFor()
    expect(await options.allInnerTexts()).toEqual([
      expect.stringContaining('/greet'),
      expect.stringContaining('/thanks'),
    ])
    await page.keyboard.type('waiting')
    expect(await options.count()).toBe(0)
    await page.keyboard.press('Backspace')
    await input.fill('')
    await page.keyboard.type('/thank')
    await page.keyboard.press('Enter')
    expect(await input.inputValue()).toBe('Jane Doe, thank you for waiting!')
    await input.fill('')

    // Edit it, then delete it after saying yes.
    await page.locator('.account-button').click()
    await page.getByRole('menuitem', { name: 'My canned replies' }).click()
    await page.getByRole('button', { name: 'Edit /thanks' }).click()
    const title = page.getByLabel('Title')
    expect(await title.inputValue()).toBe('Thank you')
    await title.fill('Thanks for waiting')
    await page.getByRole('button', { name: 'Save reply' }).click()
    await page.locator('.branch-row', { hasText: 'Thanks for waiting' }).waitFor()
    expect((await patReplies()).find((r) => r.shortcut === 'thanks')?.title).toBe(
      'Thanks for waiting',
    )

    await page.getByRole('button', { name: 'Delete /thanks' }).click()
    const dialog = page.getByRole('dialog', { name: 'Delete /thanks?' })
    await dialog.waitFor()
    expect(await violations(page)).toEqual([])
    // Cancel keeps it.
    await dialog.getByRole('button', { name: 'Cancel' }).click()
    await dialog.waitFor({ state: 'detached' })
    expect(await patReplies()).toHaveLength(2)
    await page.getByRole('button', { name: 'Delete /thanks' }).click()
    await dialog.getByRole('button', { name: 'Delete reply' }).click()
    await dialog.waitFor({ state: 'detached' })
    await page.getByText('No canned replies yet.').waitFor()
    expect((await patReplies()).map((r) => r.shortcut)).toEqual(['greet'])
    await page.close()
  }, 60_000)

  test('canned - on a 375 px screen the list fits, a tap picks, and axe-core finds nothing, light and dark', async () => {
    const page = await patPanel({ width: 375, height: 740 })
    const input = page.locator('.composer textarea')
    await input.click()
    await page.keyboard.type('/')
    const list = listbox(page)
    await list.waitFor()
    const box = await list.boundingBox()
    expect(box).not.toBeNull()
    expect(box!.x).toBeGreaterThanOrEqual(0)
    expect(box!.x + box!.width).toBeLessThanOrEqual(375)
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375)
    for (const theme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: theme })
      expect(await violations(page)).toEqual([])
    }
    await list.getByRole('option', { name: /greet/ }).click()
    expect(await input.inputValue()).toBe('Hello Jane Doe, I am Pat. How can I help?')
    // The textarea kept the focus.
    expect(await input.evaluate((el) => el === document.activeElement)).toBe(true)
    await input.fill('')

    // The page and its form fit too.
    await page.locator('.account-button').click()
    await page.getByRole('menuitem', { name: 'My canned replies' }).click()
    await page.getByRole('button', { name: 'New reply' }).click()
    await page.getByRole('button', { name: 'Save reply' }).click()
    await page.getByText('Write the text of the reply.').waitFor()
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375)
    for (const theme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: theme })
      expect(await violations(page)).toEqual([])
    }
    await page.close()
  }, 60_000)

  test('canned - a supervisor manages the shared replies of the inboxes they supervise from their own page', async () => {
    const email = `sam-${Date.now()}@example.com`
    const created = await env.server.http('/api/admin/operators', {
      token: await env.server.adminToken(),
      body: {
        email,
        name: 'Sam Supervisor',
        password: PASSWORD,
        role: 'supervisor',
        canChat: true,
        inboxIds: [env.inboxId],
      },
    })
    expect(created.status).toBe(201)
    // Sam's own browser: the admin's and Pat's logins stay where they are.
    const device = await launchBrowser()
    try {
      const page = await device.context.newPage()
      await page.goto(`${env.server.url}/panel/`)
      await page.getByLabel('Email').fill(email)
      await page.getByLabel('Password').fill(PASSWORD)
      await page.keyboard.press('Enter')
      await page.locator('.shell[data-connection="connected"]').waitFor()
      await page.locator('.account-button').click()
      await page.getByRole('menuitem', { name: 'My canned replies' }).click()
      const shared = page.getByRole('navigation', { name: 'Shared replies of your inboxes' })
      await shared.getByRole('button').first().click()
      await page.getByRole('heading', { name: /^Canned replies of / }).waitFor()
      await page.locator('.branch-row', { hasText: '/greet' }).waitFor()
      await page.getByRole('button', { name: 'New reply' }).click()
      await page.getByLabel('Shortcut').fill('sorry')
      await page.getByLabel('Title').fill('Apology')
      await page.getByLabel('Text').fill('Sorry for the wait, {visitor.name}.')
      await page.getByRole('button', { name: 'Save reply' }).click()
      await page.locator('.branch-row', { hasText: '/sorry' }).waitFor()
      expect(await violations(page)).toEqual([])
      // Shared with the inbox: Pat may use it, and it is nobody's own.
      const sorry = (await patReplies()).find((r) => r.shortcut === 'sorry')
      expect(sorry).toMatchObject({ inboxId: env.inboxId, ownerId: null })
      // Back to Sam's own page.
      await page.getByRole('button', { name: 'Back to my canned replies' }).click()
      await page.getByRole('heading', { name: 'My canned replies' }).waitFor()
      // Tidy up for the other tests: only the admin's reply is shared.
      await env.server.http(`/api/canned-replies/${sorry?.id}`, {
        method: 'DELETE',
        token: await env.server.adminToken(),
      })
    } finally {
      await device.close()
    }
  }, 60_000)
})
