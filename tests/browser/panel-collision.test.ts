/**
 * Collision detection and mentions in the panel (issue 20): Anna and Bob, operators of the
 * inbox, open the same conversation, each in their own panel: each sees the other under "Also
 * viewing" (never themselves); Bob writing a reply shows to Anna as "Bob Stone is typing a
 * reply…"; when Bob replied while Anna was writing, her Enter asks first ("Send anyway" /
 * "Cancel", keyboard only, nothing sent until she chooses); Bob leaving the thread or hiding his
 * tab takes him off her list; a supervisor watching invisibly is never listed, and is once he
 * joins. The Mentions view (the account menu) lists the notes that mention Anna, newest first,
 * pages on with "Load more" and opens the conversation of the one chosen at its note. axe-core
 * finds nothing serious, 375 px, dark, Russian.
 *
 * The panels are on different origins of the same server (localhost, 127.0.0.1), so each keeps
 * its own login; the supervisor's is in a browser of its own.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import type { Page } from 'playwright-core'
import { httpStart } from '../helpers/http.ts'
import { metric } from '../helpers/server.ts'
import { violations } from './axe.ts'
import {
  launchBrowser,
  skipBrowserTests,
  until,
  useServerAndBrowser,
  type TestBrowser,
} from './harness.ts'

const PASSWORD = 'operator-password-1'

describe.skipIf(skipBrowserTests)('panel collision detection and mentions', () => {
  const env = useServerAndBrowser()
  let inboxId = ''
  let adminToken = ''
  const stamp = Date.now()
  const people = {
    anna: { email: `anna-${stamp}@example.com`, name: 'Anna Lee', id: '', token: '' },
    bob: { email: `bob-${stamp}@example.com`, name: 'Bob Stone', id: '', token: '' },
    sam: { email: `sam-${stamp}@example.com`, name: 'Sam Chief', id: '', token: '' },
  }
  type Who = keyof typeof people
  let conversationId = ''
  let other: TestBrowser | null = null

  const api = async (path: string, init: { method?: string; body?: unknown; token?: string }) => {
    const res = await env.server.http(path, { token: adminToken, ...init })
    if (res.status >= 300) throw new Error(`${path}: ${res.status} ${JSON.stringify(res.body)}`)
    return res.body
  }
  const texts = async (): Promise<string[]> =>
    (await api(`/api/conversations/${conversationId}/messages`, {})).messages.map(
      (m: { text: string }) => m.text,
    )

  /** Someone's panel: Anna on localhost, Bob on 127.0.0.1, Sam in a browser of his own. */
  async function panelOf(
    who: Who,
    opts: { ru?: boolean; viewport?: { width: number; height: number } } = {},
  ): Promise<Page> {
    const host = who === 'anna' ? 'localhost' : '127.0.0.1'
    if (who === 'sam') other ??= await launchBrowser()
    const page = await (who === 'sam' && other ? other : env.browser).context.newPage()
    await page.addInitScript(`localStorage.setItem('parley:lang', '${opts.ru ? 'ru' : 'en'}')`)
    if (opts.viewport) await page.setViewportSize(opts.viewport)
    await page.goto(`http://${host}:${env.server.port}/panel/`)
    await page.locator('.shell, form.card').first().waitFor()
    if (await page.locator('input[type="email"]').isVisible()) {
      await page.locator('input[type="email"]').fill(people[who].email)
      await page.locator('input[type="password"]').fill(PASSWORD)
      await page.keyboard.press('Enter')
    }
    await page.locator('.shell[data-connection="connected"]').waitFor()
    return page
  }

  const pane = (page: Page) => page.locator('.pane.conversation')
  const viewers = (page: Page) => pane(page).locator('.viewers')
  /** Opens the conversation from the list and waits for its thread. */
  async function open(page: Page, id = conversationId) {
    await page.locator(`.conversation-row[data-conversation-id="${id}"]`).click()
    await pane(page).locator('.messages .row').first().waitFor()
  }
  /** Waits until the "Also viewing" line says exactly this (empty: it is gone). */
  const seen = (page: Page, text: string) =>
    until(async () => (await viewers(page).innerText()).trim() === text, `viewers "${text}"`)
  /** Hides or shows the tab as the browser would when switching tabs. */
  const setHidden = (page: Page, hidden: boolean) =>
    page.evaluate((h) => {
      Object.defineProperty(document, 'visibilityState', {
        configurable: true,
        get: () => (h ? 'hidden' : 'visible'),
      })
      document.dispatchEvent(new Event('visibilitychange'))
    }, hidden)

  beforeAll(async () => {
    const s = env.server
    adminToken = await s.adminToken()
    inboxId = await s.defaultInboxId()
    // Away: routing gives the signed-in admin none of the waiting conversations.
    await api('/api/me/status', { method: 'PUT', body: { status: 'away' } })
    for (const [who, person] of Object.entries(people)) {
      person.id = (
        await api('/api/admin/operators', {
          body: {
            email: person.email,
            name: person.name,
            password: PASSWORD,
            role: who === 'sam' ? 'supervisor' : 'operator',
            canChat: true,
            inboxIds: [inboxId],
          },
        })
      ).id
      person.token = (
        await s.http('/api/auth/login', { body: { email: person.email, password: PASSWORD } })
      ).body.token
    }
    conversationId = (await httpStart(s, undefined, 'My order has not arrived')).id
  }, 60_000)

  afterAll(async () => {
    await other?.close()
  })

  test('collision - each sees the other under "Also viewing", typing shows, and leaving or hiding the tab takes them off', async () => {
    const anna = await panelOf('anna')
    const bob = await panelOf('bob')
    await open(anna)
    expect(await viewers(anna).innerText()).toBe('')
    await open(bob)
    await seen(anna, 'Also viewing: Bob Stone')
    await seen(bob, 'Also viewing: Anna Lee')
    expect(await viewers(anna).getAttribute('role')).toBe('status')

    // Bob writes a reply: Anna sees it; he empties the box: gone.
    const typing = pane(anna).locator('.typing', { hasText: 'typing a reply' })
    await pane(bob).getByRole('textbox', { name: 'Reply', exact: true }).fill('Let me check')
    await typing.filter({ hasText: 'Bob Stone is typing a reply…' }).waitFor()
    await pane(bob).getByRole('textbox', { name: 'Reply', exact: true }).fill('')
    await typing.waitFor({ state: 'detached' })

    // Bob hides his tab, then comes back; then he goes back to the list.
    await setHidden(bob, true)
    await seen(anna, '')
    await setHidden(bob, false)
    await seen(anna, 'Also viewing: Bob Stone')
    await bob.evaluate(() => history.back())
    await pane(bob)
      .waitFor({ state: 'detached' })
      .catch(() => undefined)
    await seen(anna, '')
    await Promise.all([anna.close(), bob.close()])
  }, 60_000)

  test('collision - a reply Bob sent while Anna was writing: her Enter asks first, Cancel keeps the draft, Send anyway sends it', async () => {
    const anna = await panelOf('anna')
    const bob = await panelOf('bob')
    await open(anna)
    await open(bob)
    await seen(anna, 'Also viewing: Bob Stone')
    const annaBox = pane(anna).getByRole('textbox', { name: 'Reply', exact: true })
    const bobBox = pane(bob).getByRole('textbox', { name: 'Reply', exact: true })

    await annaBox.pressSequentially('Hello! I am looking into it')
    await bobBox.fill('Hi, your parcel left today.')
    await bobBox.press('Enter')
    await pane(anna).locator('.messages .row', { hasText: 'your parcel left today' }).waitFor()
    await annaBox.press('Enter')
    const warning = pane(anna).locator('.reply-warning')
    await warning.waitFor()
    expect(await warning.getAttribute('role')).toBe('alert')
    expect(await warning.innerText()).toContain('Bob Stone replied while you were writing.')
    // The choice has the focus; Escape (as Cancel) goes back to the draft, nothing sent.
    await until(
      () =>
        warning
          .getByRole('button', { name: 'Send anyway' })
          .evaluate((el) => el === document.activeElement),
      'Send anyway focused',
    )
    await anna.keyboard.press('Escape')
    await warning.waitFor({ state: 'detached' })
    expect(await annaBox.evaluate((el) => el === document.activeElement)).toBe(true)
    expect(await annaBox.inputValue()).toBe('Hello! I am looking into it')
    expect(await texts()).not.toContain('Hello! I am looking into it')

    // Bob replies again before she sends: asked again; Send anyway from the keyboard sends it.
    await bobBox.fill('It should arrive tomorrow.')
    await bobBox.press('Enter')
    await pane(anna).locator('.messages .row', { hasText: 'arrive tomorrow' }).waitFor()
    await annaBox.press('Enter')
    await warning.waitFor()
    await anna.keyboard.press('Enter')
    await warning.waitFor({ state: 'detached' })
    await until(
      async () => (await texts()).includes('Hello! I am looking into it'),
      'her reply sent',
    )
    expect(await annaBox.inputValue()).toBe('')

    // Nobody replied since: Enter just sends.
    await annaBox.fill('Anything else I can do?')
    await annaBox.press('Enter')
    await until(async () => (await texts()).includes('Anything else I can do?'), 'sent at once')
    expect(await warning.count()).toBe(0)

    // At 375 px, dark, in Russian: the warning and the line fit, and axe finds nothing serious.
    const ru = await panelOf('anna', { ru: true, viewport: { width: 375, height: 740 } })
    await ru.emulateMedia({ colorScheme: 'dark' })
    await open(ru)
    await seen(ru, 'Также открыли: Bob Stone')
    const ruBox = pane(ru).getByRole('textbox', { name: 'Ответ', exact: true })
    await ruBox.pressSequentially('Одну минуту')
    await bobBox.fill('One more thing from me.')
    await bobBox.press('Enter')
    await pane(ru).locator('.messages .row', { hasText: 'One more thing' }).waitFor()
    await ruBox.press('Enter')
    await pane(ru)
      .locator('.reply-warning')
      .getByRole('button', { name: 'Всё равно отправить' })
      .waitFor()
    expect(await ru.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375)
    expect(await violations(ru)).toEqual([])
    await Promise.all([anna.close(), bob.close(), ru.close()])
  }, 90_000)

  test('collision - a supervisor watching invisibly is never listed; once he joins he is', async () => {
    const anna = await panelOf('anna')
    const bob = await panelOf('bob')
    const sam = await panelOf('sam')
    const refused = () => metric(env.server, 'parley_dispatch_errors_total{code="forbidden"}')
    const refusedBefore = await refused()
    await open(anna)
    await open(sam)
    await sam.getByTestId('watch-banner').waitFor()
    // Bob comes in after Sam: once Anna lists Bob, she has heard of every viewer there is.
    await open(bob)
    await seen(anna, 'Also viewing: Bob Stone')
    expect(await viewers(bob).innerText()).toBe('Also viewing: Anna Lee')

    await sam.getByRole('button', { name: 'Join visibly' }).click()
    await until(
      async () => (await viewers(anna).innerText()).includes('Sam Chief'),
      'Sam listed once he joined',
    )
    await until(async () => {
      const text = await viewers(sam).innerText()
      return text.includes('Anna Lee') && text.includes('Bob Stone')
    }, 'Sam sees Anna and Bob')
    // His panel never said `viewing` while unseen (the server would have refused it).
    expect(await refused()).toBe(refusedBefore)
    await Promise.all([anna.close(), bob.close(), sam.close()])
  }, 60_000)

  test('mentions - the Mentions view lists the notes that mention Anna, newest first, pages on, and opens the chosen one at its note', async () => {
    const second = (await httpStart(env.server, undefined, 'Question about my invoice')).id
    const note = (id: string, n: number) =>
      api(`/api/conversations/${id}/notes`, {
        token: people.bob.token,
        body: { clientMsgId: `n-${id}-${n}`, text: `@Anna note ${n}`, mentions: [people.anna.id] },
      })
    // The oldest in the first conversation, 31 more in the second: more than one page.
    await note(conversationId, 0)
    for (let n = 1; n <= 31; n++) await note(second, n)

    const anna = await panelOf('anna')
    await anna.locator('.account-button').click()
    await anna.getByRole('menuitem', { name: 'Mentions…' }).click()
    const dialog = anna.getByRole('dialog', { name: 'Mentions' })
    const items = dialog.getByRole('list', { name: 'Mentions' }).getByRole('button')
    await until(async () => (await items.count()) === 30, 'the first page')
    expect(await items.first().innerText()).toContain('Bob Stone')
    expect(await items.first().innerText()).toContain('@Anna note 31')
    await dialog.getByRole('button', { name: 'Load more' }).click()
    await until(async () => (await items.count()) === 32, 'the second page')
    // The button is gone with the last page: the focus is on the first item it brought.
    expect(await dialog.getByRole('button', { name: 'Load more' }).count()).toBe(0)
    expect(await items.nth(30).evaluate((el) => el === document.activeElement)).toBe(true)
    expect(await violations(anna)).toEqual([])

    // The oldest: its conversation opens, its note in view.
    await items.nth(31).focus()
    await anna.keyboard.press('Enter')
    await dialog.waitFor({ state: 'detached' })
    await anna.locator(`.pane.conversation[data-conversation-id="${conversationId}"]`).waitFor()
    const noteRow = pane(anna).locator('.note-row', { hasText: '@Anna note 0' })
    await noteRow.waitFor()
    await until(() => noteRow.isVisible(), 'the note in view')
    await anna.close()
  }, 90_000)
})
