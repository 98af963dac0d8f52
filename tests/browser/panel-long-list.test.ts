/**
 * A long conversation list in a real browser (issue 16: thousands of open conversations scroll
 * smoothly): only the rows near the viewport are in the DOM however many are loaded; scrolling
 * to the end loads the next pages; the rows say their place in the whole list; a conversation
 * chosen by keyboard shortcut far down the list is scrolled into view; the rows stay in order.
 */
import { beforeAll, describe, expect, test } from 'bun:test'
import type { TestServer } from '../helpers/server.ts'
import { skipBrowserTests, until, useServerAndBrowser } from './harness.ts'
import { PanelPage } from './panel-page.ts'

const COUNT = 240

/**
 * A conversation with its first message, from a visitor at its own address: new sessions are
 * limited per address, so each comes "through the proxy" (TRUST_PROXY) with its own X-Real-IP.
 */
async function start(s: TestServer, n: number, text: string): Promise<void> {
  const address = { 'x-real-ip': `10.9.${n >> 8}.${n & 255}`, 'content-type': 'application/json' }
  const session = await fetch(`${s.url}/api/visitor/session`, {
    method: 'POST',
    headers: address,
    body: JSON.stringify({ inboxId: await s.defaultInboxId() }),
  })
  expect(session.status).toBe(200)
  const { token } = (await session.json()) as { token: string }
  const started = await fetch(`${s.url}/api/visitor/conversations`, {
    method: 'POST',
    headers: { ...address, authorization: `Bearer ${token}` },
    body: JSON.stringify({ text }),
  })
  expect(started.status).toBe(201)
}

describe.skipIf(skipBrowserTests)('panel long list', () => {
  const env = useServerAndBrowser({ TRUST_PROXY: '127.0.0.1' })

  beforeAll(async () => {
    const s = env.server
    const adminToken = await s.adminToken()
    // Away: routing assigns the signed-in admin nothing; every row stays in Unassigned and All.
    await s.http('/api/me/status', { method: 'PUT', token: adminToken, body: { status: 'away' } })
    // All of them come from one /24: a real inbox would ask them for a challenge (S4).
    const off = await s.http(`/api/admin/inboxes/${await s.defaultInboxId()}`, {
      method: 'PATCH',
      token: adminToken,
      body: { settings: { captcha: { mode: 'off' } } },
    })
    expect(off.status).toBe(200)
    // One after another: the newest activity is the highest number.
    for (let i = 0; i < COUNT; i++)
      await start(s, i, `Long list question ${String(i).padStart(3, '0')}`)
  }, 120_000)

  /** The panel on the All view, every conversation counted; its list. */
  async function allView() {
    const panel = await PanelPage.open(env.browser.context, env.server.url, {
      viewport: { width: 1280, height: 800 },
    })
    const page = panel.page
    const tab = page.getByRole('tab', { name: /^All/ })
    await tab.click()
    await until(
      async () => Number(await tab.locator('.count').innerText()) === COUNT,
      'the All count',
    )
    return { page, list: page.locator('ul.conversations') }
  }

  test('long list - a few dozen rows in the DOM for hundreds loaded; the end loads more; shortcuts scroll', async () => {
    const { page, list } = await allView()
    // Scroll to the end until every conversation is loaded (the list pages as it goes).
    await until(
      async () => {
        await list.evaluate((el) => el.scrollTo(0, el.scrollHeight))
        const last = page.locator('.row-item').last()
        return (await last.getAttribute('aria-posinset')) === String(COUNT)
      },
      'every page loaded',
      30_000,
    )
    const rendered = await page.locator('.row-item').count()
    expect(rendered).toBeGreaterThan(5)
    expect(rendered).toBeLessThan(80)
    // The newest first: the oldest question is at the very end.
    await expect(page.locator('.row-item').last().innerText()).resolves.toContain(
      'Long list question 000',
    )
    for (const row of await page.locator('.row-item').all()) {
      expect(await row.getAttribute('aria-setsize')).toBe(String(COUNT))
    }

    // Back to the top: the first rows are real elements again, the rest spacers.
    await list.evaluate((el) => el.scrollTo(0, 0))
    await until(
      async () => (await page.locator('.row-item').first().getAttribute('aria-posinset')) === '1',
      'the top rendered',
    )
    await expect(page.locator('.row-item').first().innerText()).resolves.toContain(
      `Long list question ${String(COUNT - 1).padStart(3, '0')}`,
    )

    // Keyboard: open the first conversation, then `j` forty times: the open one is on screen.
    await page.locator('.conversation-row').first().click()
    await page.locator('.conversation-row').first().focus()
    for (let i = 0; i < 40; i++) await page.keyboard.press('j')
    const wanted = `Long list question ${String(COUNT - 41).padStart(3, '0')}`
    await until(async () => {
      const current = page.locator('.conversation-row[aria-current="true"]')
      if ((await current.count()) !== 1) return false
      if (!(await current.innerText()).includes(wanted)) return false
      const box = await current.boundingBox()
      const frame = await list.boundingBox()
      return (
        !!box && !!frame && box.y >= frame.y - 1 && box.y + box.height <= frame.y + frame.height + 1
      )
    }, 'the conversation opened by shortcut in view')
    await page.close()
  }, 120_000)

  test('long list - the next page fails while the list is at its end: retried without another scroll', async () => {
    const { page, list } = await allView()
    // Only the next pages ask with a cursor (once scrolled): the first one is refused.
    let pages = 0
    let served = 0
    await page.route(/\/api\/inbox\?.*cursor=/, async (route) => {
      if (pages++ === 0) return route.fulfill({ status: 503, body: 'busy' })
      await route.continue()
      served++
    })
    await until(async () => (await page.locator('.row-item').count()) > 5, 'the first page')
    const before = Number(await page.locator('.row-item').last().getAttribute('aria-posinset'))
    // One scroll to the end, then none: the refused page is asked for again after a pause.
    await list.evaluate((el) => el.scrollTo(0, el.scrollHeight))
    await until(() => served >= 1, 'the refused page asked for again', 15_000)
    expect(pages).toBeGreaterThanOrEqual(2)
    // Its rows are there: the end moved on.
    await list.evaluate((el) => el.scrollTo(0, el.scrollHeight))
    await until(
      async () =>
        Number(await page.locator('.row-item').last().getAttribute('aria-posinset')) > before,
      'the rows of the retried page',
    )
    await page.close()
  }, 120_000)

  test('long list - the end loads while a steady stream of changes refreshes the first page', async () => {
    const s = env.server
    const token = await s.adminToken()
    // Replies to the newest conversation: it stays on top, and every one is a feed change.
    const newest = (await s.http('/api/inbox?view=all&limit=1', { token })).body.items[0]
      .id as string
    const { page, list } = await allView()
    // Each next page takes longer than the list waits to refresh its first page after a
    // change: a busy server and a busy inbox (the list used to restart from the first page on
    // every refresh, dropping the page in flight, and its end never came).
    let refreshes = 0
    page.on('request', (r) => {
      if (/\/api\/inbox\?/.test(r.url()) && !r.url().includes('cursor=')) refreshes++
    })
    await page.route(/\/api\/inbox\?.*cursor=/, async (route) => {
      await Bun.sleep(800)
      await route.continue().catch(() => {}) // the page closed meanwhile
    })
    let streaming = true
    const stopAt = Date.now() + 60_000
    const stream = (async () => {
      for (let n = 0; streaming && Date.now() < stopAt; n++) {
        const sent = await s.http(`/api/conversations/${newest}/messages`, {
          token,
          body: { clientMsgId: `stream-${n}`, text: `Still there? ${n}` },
        })
        expect(sent.status).toBe(201)
        await Bun.sleep(250)
      }
    })()
    try {
      await until(
        async () => {
          await list.evaluate((el) => el.scrollTo(0, el.scrollHeight))
          const last = page.locator('.row-item').last()
          return (await last.getAttribute('aria-posinset')) === String(COUNT)
        },
        'every page loaded while the first one kept refreshing',
        45_000,
      )
    } finally {
      streaming = false
      await stream
    }
    // The first page was read again meanwhile, more than once.
    expect(refreshes).toBeGreaterThan(3)
    await page.close()
  }, 120_000)
})
