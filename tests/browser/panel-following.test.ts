/**
 * Following in the panel (issue 20's participants): Anna, an operator of the inbox, follows a
 * conversation from its details with the keyboard alone ("Follow" becomes "Following",
 * pressed, and "Followed by" names her); Ben follows it too, through the API, and Anna's panel
 * names both once the change reaches it; the list's "Following" filter shows only what she
 * follows, with its counts; she stops following and the row leaves that list. axe-core finds
 * nothing serious, desktop and 375 px, light and dark, English and Russian. What the panel saved
 * is checked through the API.
 */
import { beforeAll, describe, expect, test } from 'bun:test'
import type { Page } from 'playwright-core'
import { httpStart } from '../helpers/http.ts'
import { violations } from './axe.ts'
import { skipBrowserTests, until, useServerAndBrowser } from './harness.ts'
import { operatorPanel } from './panel-page.ts'

const PASSWORD = 'operator-password-1'

describe.skipIf(skipBrowserTests)('panel following', () => {
  const env = useServerAndBrowser()
  let adminToken = ''
  const anna = { email: `anna-${Date.now()}@example.com`, id: '', token: '' }
  const ben = { email: `ben-${Date.now()}@example.com`, id: '', token: '' }
  /** Conversations by the visitor's first words. */
  const conv = {} as Record<'parcel' | 'refund', { id: string; token: string }>

  const api = async (
    path: string,
    init: { method?: string; body?: unknown; token?: string } = {},
  ) => {
    const res = await env.server.http(path, { token: adminToken, ...init })
    if (res.status >= 300) throw new Error(`${path}: ${res.status} ${JSON.stringify(res.body)}`)
    return res.body
  }
  const followersOf = async (id: string): Promise<string[]> =>
    (await api(`/api/conversations/${id}/followers`, { token: anna.token })).followers

  /** Anna's panel, in a language, optionally at a size. */
  const annaPanel = (opts: { viewport?: { width: number; height: number }; ru?: boolean } = {}) =>
    operatorPanel(env.browser.context, env.server.port, { ...anna, password: PASSWORD }, opts)

  const row = (page: Page, id: string) =>
    page.locator(`.conversation-row[data-conversation-id="${id}"]`)
  const pane = (page: Page) => page.locator('.pane.conversation')
  const toggle = (page: Page) => pane(page).locator('.follow button')
  const followedBy = (page: Page) => pane(page).locator('.follow dd')

  /** Opens a conversation from the list; its followers show once read. */
  async function open(page: Page, id: string) {
    await row(page, id).click()
    await page.locator(`.pane.conversation[data-conversation-id="${id}"] .follow`).waitFor()
  }

  /** Focuses the toggle and presses Enter, as a keyboard user would. */
  async function pressToggle(page: Page) {
    await toggle(page).focus()
    await page.keyboard.press('Enter')
  }

  /** Waits until the row is (or is not) in the list. */
  const listed = (page: Page, id: string, shown: boolean) =>
    until(
      async () => (await row(page, id).count()) > 0 === shown,
      `row ${id} ${shown ? 'listed' : 'gone'}`,
    )

  beforeAll(async () => {
    const s = env.server
    adminToken = await s.adminToken()
    const inboxId = await s.defaultInboxId()
    // Away: routing gives the signed-in admin none of the waiting conversations.
    await api('/api/me/status', { method: 'PUT', body: { status: 'away' } })
    for (const [who, name] of [
      [anna, 'Anna Lee'],
      [ben, 'Ben Ho'],
    ] as const) {
      await api('/api/admin/operators', {
        body: {
          email: who.email,
          name,
          password: PASSWORD,
          role: 'operator',
          canChat: true,
          inboxIds: [inboxId],
        },
      })
      const login = await s.http('/api/auth/login', {
        body: { email: who.email, password: PASSWORD },
      })
      who.token = login.body.token
      who.id = login.body.operator.id
    }
    conv.parcel = await httpStart(s, undefined, 'Where is my parcel?')
    conv.refund = await httpStart(s, undefined, 'I want a refund')
  }, 60_000)

  test('following - follows from the keyboard; a colleague following too shows live; the "Following" filter lists only what she follows; she stops', async () => {
    const page = await annaPanel()
    const id = conv.parcel.id
    await open(page, id)
    expect(await toggle(page).getAttribute('aria-pressed')).toBe('false')
    expect(await toggle(page).innerText()).toBe('Follow')
    expect(await followedBy(page).innerText()).toStartWith('Nobody')

    await pressToggle(page)
    await until(
      async () => (await toggle(page).getAttribute('aria-pressed')) === 'true',
      'the toggle pressed',
    )
    expect(await toggle(page).innerText()).toBe('Following')
    expect(await toggle(page).evaluate((el) => el === document.activeElement)).toBe(true)
    await followedBy(page).getByText('Anna Lee').waitFor()
    expect(await followersOf(id)).toEqual([anna.id])

    // Ben follows elsewhere: Anna's panel hears of it and names both, first follower first.
    await api(`/api/conversations/${id}/follow`, { method: 'PUT', token: ben.token })
    await followedBy(page).getByText('Anna Lee, Ben Ho').waitFor()
    expect(await toggle(page).getAttribute('aria-pressed')).toBe('true')

    // The filter, from the keyboard: only the followed conversation, and the counts say so.
    await listed(page, conv.refund.id, true)
    const filter = page.getByRole('checkbox', { name: 'Following' })
    await filter.focus()
    await page.keyboard.press('Space')
    expect(await filter.isChecked()).toBe(true)
    await listed(page, conv.refund.id, false)
    await listed(page, id, true)
    expect(await page.locator('.conversation-row').count()).toBe(1)
    await until(
      async () => (await page.locator('#list-tab-all .count').innerText()) === '1',
      'the counts follow the filter',
    )

    // She stops: the toggle flips back, Ben stays, and the row leaves the "Following" list.
    await pressToggle(page)
    await until(
      async () => (await toggle(page).getAttribute('aria-pressed')) === 'false',
      'the toggle released',
    )
    expect(await toggle(page).innerText()).toBe('Follow')
    await followedBy(page).getByText('Ben Ho').waitFor()
    expect(await followersOf(id)).toEqual([ben.id])
    await listed(page, id, false)
    await filter.focus()
    await page.keyboard.press('Space')
    await listed(page, id, true)
    await listed(page, conv.refund.id, true)
    await page.close()
  }, 60_000)

  test('following - fits a 375 px phone; axe finds nothing serious, light and dark, desktop and phone, English and Russian', async () => {
    const id = conv.refund.id
    await api(`/api/conversations/${id}/follow`, { method: 'PUT', token: anna.token })
    const problems: string[] = []
    for (const ru of [false, true]) {
      const page = await annaPanel({ viewport: { width: 375, height: 740 }, ru })
      await page.getByRole('checkbox', { name: ru ? 'Только отслеживаемые' : 'Following' }).check()
      await listed(page, id, true)
      for (const theme of ['light', 'dark'] as const) {
        await page.emulateMedia({ colorScheme: theme })
        for (const v of await violations(page)) {
          problems.push(`${ru ? 'ru' : 'en'} list 375 ${theme}: ${v}`)
        }
      }
      await open(page, id)
      await until(
        async () => (await toggle(page).getAttribute('aria-pressed')) === 'true',
        'shown as followed',
      )
      expect(await toggle(page).innerText()).toBe(ru ? 'Слежу' : 'Following')
      expect(await followedBy(page).innerText()).toStartWith('Anna Lee')
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
        375,
      )
      for (const width of [375, 1280]) {
        await page.setViewportSize({ width, height: 800 })
        for (const theme of ['light', 'dark'] as const) {
          await page.emulateMedia({ colorScheme: theme })
          for (const v of await violations(page)) {
            problems.push(`${ru ? 'ru' : 'en'} ${width} ${theme}: ${v}`)
          }
        }
      }
      await page.close()
    }
    expect(problems).toEqual([])
  }, 90_000)
})
