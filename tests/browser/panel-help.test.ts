/**
 * The help center in the panel's settings (issue 21): an admin adds a category and an article,
 * types (the draft saves itself: revision 1 -> 2, then the next autosave amends 2), previews it
 * (the heading rendered by the server, a <script> not run), publishes it, changes its slug (the
 * old address answers 301) and restores a revision (the editor shows its text again). axe-core
 * finds nothing serious, light and dark; 375 px has no sideways scroll; a Russian UI says it in
 * Russian, and every key of the section has its Russian. Images go in by the button and by a
 * paste. The analytics dashboard's help-center section counts reads, searches, what found
 * nothing and who found an answer without writing (docs/analytics-help.png).
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import type { Page } from 'playwright-core'
import sharp from 'sharp'
import { join } from 'node:path'
import { ROOT } from '../../client/build-stamp.ts'
import { RU_HELP } from '../../client/panel/i18n/ru/help.ts'
import { RU_HELP_FIGURES } from '../../client/panel/i18n/ru/help-figures.ts'
import { startTestServer, type TestServer } from '../helpers/server.ts'
import { violations } from './axe.ts'
import {
  ensureClientBuilt,
  launchBrowser,
  skipBrowserTests,
  until,
  type TestBrowser,
} from './harness.ts'
import { httpStart } from '../helpers/http.ts'
import { PanelPage } from './panel-page.ts'

const WIDE = { width: 1400, height: 900 }
const PHONE = { width: 375, height: 740 }

describe.skipIf(skipBrowserTests)('panel help center', () => {
  const env = {} as { server: TestServer; browser: TestBrowser }
  let adminToken = ''
  const api = async (path: string) => {
    const res = await env.server.http(path, { token: adminToken })
    if (res.status >= 300) throw new Error(`${path}: ${res.status} ${JSON.stringify(res.body)}`)
    return res.body
  }

  beforeAll(async () => {
    ensureClientBuilt()
    env.server = await startTestServer()
    env.browser = await launchBrowser()
    adminToken = await env.server.adminToken()
  }, 120_000)
  afterAll(async () => {
    await env.browser?.close()
    await env.server?.stop()
  })

  async function settings(
    viewport = WIDE,
    lang: 'en' | 'ru' = 'en',
    scheme: 'light' | 'dark' = 'light',
  ): Promise<Page> {
    const panel = await PanelPage.open(env.browser.context, env.server.url, {
      viewport,
      initScript: `localStorage.setItem('parley:lang', '${lang}')`,
    })
    await panel.page.emulateMedia({ colorScheme: scheme })
    await panel.page.getByRole('button', { name: lang === 'ru' ? 'Настройки' : 'Settings' }).click()
    await panel.page.locator('.help-admin').waitFor()
    return panel.page
  }

  test('every word of the section has its Russian', () => {
    for (const [key, value] of Object.entries({ ...RU_HELP, ...RU_HELP_FIGURES })) {
      expect(typeof value === 'string' && /[а-яё]/i.test(value)).toBe(true)
      const holes = (s: string) => [...s.matchAll(/\{\w+\}/g)].map((m) => m[0]).sort()
      expect(holes(value as string)).toEqual(holes(key))
    }
  })

  test('an admin writes, autosaves, previews, publishes, renames and restores an article', async () => {
    const page = await settings()
    const section = page.locator('.help-admin')
    // A category, with the keyboard.
    await section.getByLabel('Name in English').fill('Billing')
    await section.getByLabel('Name in Russian').fill('Оплата')
    await section.getByLabel('Name in Russian').press('Enter')
    await section.getByRole('list', { name: 'Categories' }).getByText('Billing').first().waitFor()

    // A new article: its first Save creates it (revision 1).
    await section.getByRole('button', { name: 'New article' }).click()
    await section.getByLabel('Title').fill('How to pay')
    await section.getByLabel('Category').selectOption({ label: 'Billing' })
    await section.getByLabel('Article (Markdown)').fill('## Cards\n\nWe take cards.')
    await section.getByRole('button', { name: 'Save', exact: true }).click()
    await section.getByRole('status').getByText('Saved').waitFor()
    const listed = async () =>
      (await api('/api/help/articles?portal=shared')) as {
        articles: Array<{ id: string; revision: number; slug: string; status: string }>
      }
    const id = (await listed()).articles[0]!.id
    expect((await listed()).articles[0]!.revision).toBe(1)

    // Typing: the draft saves itself (a new revision), then the next autosave amends it.
    const body = section.getByLabel('Article (Markdown)')
    await body.press('End')
    await body.pressSequentially(' And transfers.')
    await until(
      async () => (await listed()).articles[0]!.revision === 2,
      'autosave revision 2',
      10_000,
    )
    await body.pressSequentially(' Soon crypto.')
    await until(
      async () => {
        const a = (await api(`/api/help/articles/${id}`)) as { body: string; revision: number }
        return a.body.endsWith('Soon crypto.') && a.revision === 2
      },
      'the amended revision',
      10_000,
    )

    // The preview: the server's safe HTML; a script stays text, never runs.
    await body.fill('## Cards\n\nWe take cards.\n\n<script>window.pwned = 1</script>')
    await section.getByRole('button', { name: 'Preview' }).click()
    const preview = section.getByRole('region', { name: 'Preview' })
    await preview.getByRole('heading', { name: 'Cards' }).waitFor()
    expect(await preview.locator('script').count()).toBe(0)
    expect(await page.evaluate(() => (window as { pwned?: number }).pwned)).toBeUndefined()

    // Published: its public address shows; a new slug keeps the old one redirecting.
    await section.getByRole('button', { name: 'Published' }).click()
    const link = section.getByTestId('help-url')
    await link.waitFor()
    const oldUrl = (await link.getAttribute('href')) ?? ''
    expect(oldUrl).toContain('/articles/how-to-pay')
    await section.getByLabel('Slug').fill('paying')
    await section.getByRole('button', { name: 'Save', exact: true }).click()
    await until(
      async () => ((await link.getAttribute('href')) ?? '').endsWith('/paying'),
      'the new slug',
      10_000,
    )
    const moved = await fetch(env.server.url + oldUrl, { redirect: 'manual' })
    expect(moved.status).toBe(301)
    expect(moved.headers.get('location') ?? '').toContain('/paying')

    // Axe, light then dark, with the editor open.
    expect(await violations(page)).toEqual([])
    await page.emulateMedia({ colorScheme: 'dark' })
    expect(await violations(page)).toEqual([])
    await page.emulateMedia({ colorScheme: 'light' })

    // Restore revision 1: the editor shows its text again.
    await section.getByRole('button', { name: 'Show revisions' }).click()
    const restore = section.getByRole('button', { name: 'Restore revision 1' })
    await restore.click()
    const dialog = page.getByRole('dialog')
    await dialog.getByRole('button', { name: 'Restore' }).click()
    await until(
      async () => (await body.inputValue()) === '## Cards\n\nWe take cards.',
      'the restored text',
      10_000,
    )
    expect(await section.getByLabel('Slug').inputValue()).toBe('how-to-pay')

    // Back: the focus goes to the article's row in the list.
    await section.getByRole('button', { name: 'Back to articles' }).click()
    await until(
      async () =>
        (await page.evaluate(() => document.activeElement?.textContent ?? '')) === 'How to pay',
      'the focus on the row',
      5000,
    )
    await page.close()
  }, 60_000)

  test('an image by the button and by a paste: uploaded to the portal, written at the caret, shown in the preview', async () => {
    const png = await sharp({
      create: { width: 120, height: 80, channels: 3, background: { r: 20, g: 160, b: 90 } },
    })
      .png()
      .toBuffer()
    const page = await settings()
    const section = page.locator('.help-admin')
    await section.getByRole('button', { name: 'New article' }).click()
    await section.getByLabel('Title').fill('With pictures')
    const body = section.getByLabel('Article (Markdown)')
    await body.fill('First.\nLast.')
    await section.getByRole('button', { name: 'Save', exact: true }).click()
    await section.getByRole('status').getByText('Saved').waitFor()

    // The button: the file goes where the caret is, on a paragraph of its own.
    await body.evaluate((el: HTMLTextAreaElement) => el.setSelectionRange(6, 6))
    const chooser = page.waitForEvent('filechooser')
    await section.getByRole('button', { name: 'Insert image' }).click()
    await (await chooser).setFiles({ name: 'receipt.png', mimeType: 'image/png', buffer: png })
    await until(
      async () =>
        /^First\.\n\n!\[receipt\]\(\/help\/images\/[0-9a-f-]{36}\)\n\n\nLast\.$/.test(
          await body.inputValue(),
        ),
      'the image written at the caret',
      10_000,
    )
    // A paste of an image: the same, at the end.
    await body.press('ControlOrMeta+End')
    await body.evaluate(
      (el, bytes) => {
        const data = new DataTransfer()
        data.items.add(new File([new Uint8Array(bytes)], 'pasted.png', { type: 'image/png' }))
        el.dispatchEvent(
          new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }),
        )
      },
      [...png],
    )
    await until(
      async () => (await body.inputValue()).includes('![pasted](/help/images/'),
      'the pasted image',
      10_000,
    )
    await section.getByRole('button', { name: 'Preview' }).click()
    const preview = section.getByRole('region', { name: 'Preview' })
    await until(
      async () =>
        (await preview
          .locator('img')
          .evaluateAll(
            (imgs) => imgs.filter((i) => (i as HTMLImageElement).naturalWidth === 120).length,
          )) === 2,
      'both images loaded in the preview',
      10_000,
    )
    await section.getByRole('button', { name: 'Save', exact: true }).click()
    await until(
      async () => {
        const { articles } = (await api('/api/help/articles?portal=shared')) as {
          articles: Array<{ id: string; title: string }>
        }
        const mine = articles.find((a) => a.title === 'With pictures')
        if (!mine) return false
        const a = (await api(`/api/help/articles/${mine.id}`)) as { body: string }
        return (a.body.match(/\/help\/images\//g) ?? []).length === 2
      },
      'the article saved with both images',
      10_000,
    )
    expect(await violations(page)).toEqual([])
    await page.close()
  }, 60_000)

  test("the dashboard's help center: reads, searches, what found nothing, and who found an answer without writing; Russian, 375 px, dark, axe", async () => {
    const inbox = await env.server.defaultInboxId()
    const published = (await api(`/api/help/articles?portal=${inbox}&language=en`)) as {
      articles: Array<{ title: string }>
    }
    if (!published.articles.some((a) => a.title === 'Returns in 30 days')) {
      const res = await env.server.http('/api/help/articles', {
        token: adminToken,
        body: {
          portal: inbox,
          language: 'en',
          title: 'Returns in 30 days',
          body: 'Send the parcel back within 30 days.',
          status: 'published',
        },
      })
      expect(res.status).toBe(201)
    }
    // Two widget visitors: one reads and leaves, one finds nothing and writes.
    const reader = await env.server.visitorToken(inbox)
    const writer = await env.server.visitorToken(inbox)
    const as = (token: string) => ({ authorization: `Bearer ${token}` })
    const base = `${env.server.url}/api/visitor/help`
    const q = (text: string) => `inbox=${inbox}&language=en&q=${encodeURIComponent(text)}`
    expect(
      (await fetch(`${base}/search?${q('returns')}`, { headers: as(reader.token) })).status,
    ).toBe(200)
    const read = await fetch(`${base}/articles/returns-in-30-days?inbox=${inbox}&language=en`, {
      headers: as(reader.token),
    })
    expect(read.status).toBe(200)
    for (let i = 0; i < 2; i++) {
      const none = await fetch(`${base}/search?${q('quantum teleportation')}`, {
        headers: as(writer.token),
      })
      expect(((await none.json()) as { hits: unknown[] }).hits).toEqual([])
    }
    await httpStart(env.server, writer.token, 'Can you do quantum teleportation?')

    const page = await settings()
    await page.getByRole('button', { name: 'Analytics' }).click()
    const section = page.locator('[data-table="help"]')
    await section.waitFor()
    const card = (id: string) => section.locator(`[data-card="${id}"] .an-card-value`)
    await until(
      async () => (await card('help-deflected').innerText()) === '1 of 2',
      'deflection: one of the two visitors',
      10_000,
    )
    expect(Number(await card('help-views').innerText())).toBeGreaterThanOrEqual(1)
    expect(Number(await card('help-empty').innerText())).toBeGreaterThanOrEqual(2)
    const row = section.locator('tr[data-key="quantum teleportation"]')
    expect((await row.locator('th, td').allInnerTexts()).slice(0, 2)).toEqual([
      'quantum teleportation',
      '2',
    ])
    expect(await section.getByRole('table', { name: 'Most read articles' }).innerText()).toContain(
      'Returns in 30 days',
    )
    expect(await violations(page)).toEqual([])
    await page.mouse.move(0, 0)
    await page.evaluate(() => document.fonts.ready)
    await section.screenshot({ path: join(ROOT, 'docs', 'analytics-help.png') })
    await page.close()

    const phone = await settings(PHONE, 'ru', 'dark')
    await phone.getByRole('button', { name: 'Аналитика' }).click()
    const ru = phone.locator('[data-table="help"]')
    await ru.getByRole('heading', { name: 'Центр помощи' }).waitFor()
    await until(
      async () =>
        (await ru.locator('[data-card="help-deflected"] .an-card-value').innerText()) === '1 из 2',
      'the Russian card',
      10_000,
    )
    const wide = await phone.evaluate(
      () => document.documentElement.scrollWidth > document.documentElement.clientWidth,
    )
    expect(wide).toBe(false)
    expect(await violations(phone)).toEqual([])
    await phone.close()
  }, 60_000)

  test('a Russian UI at 375 px, light and dark', async () => {
    for (const scheme of ['light', 'dark'] as const) {
      const page = await settings(PHONE, 'ru', scheme)
      const section = page.locator('.help-admin')
      await section.getByRole('heading', { name: 'Центр помощи' }).waitFor()
      await section.getByRole('button', { name: 'Новая статья' }).waitFor()
      const wide = await page.evaluate(
        () => document.documentElement.scrollWidth > document.documentElement.clientWidth,
      )
      expect(wide).toBe(false)
      expect(await violations(page)).toEqual([])
      await page.close()
    }
  }, 60_000)

  test('the composer links a published article into the reply, with the keyboard alone', async () => {
    const inbox = await env.server.defaultInboxId()
    const created = await env.server.http('/api/help/articles', {
      token: adminToken,
      body: {
        portal: inbox,
        language: 'en',
        title: 'Returns and refunds',
        body: 'Refunds reach your card within five working days.',
        status: 'published',
      },
    })
    expect(created.status).toBe(201)
    await httpStart(env.server, undefined, 'Where is my refund?')
    // English again (the Russian test's choice stays in this browser profile).
    const panel = await PanelPage.open(env.browser.context, env.server.url, {
      viewport: WIDE,
      initScript: `localStorage.setItem('parley:lang', 'en')`,
    })
    const page = panel.page
    await panel.rows.first().click()
    await panel.input.waitFor()
    await panel.input.focus()
    await page.keyboard.type('Here you go: ')
    const button = page.getByRole('button', { name: 'Insert article link' })
    await button.focus()
    await page.keyboard.press('Enter')
    const search = page
      .getByRole('searchbox', { name: 'Search help articles' })
      .or(page.getByLabel('Search help articles'))
    await search.first().waitFor()
    await page.keyboard.type('refunded')
    const result = page
      .getByRole('option', { name: /Returns and refunds/ })
      .or(page.getByRole('button', { name: /Returns and refunds/ }))
    await result.first().waitFor()
    await page.keyboard.press('ArrowDown')
    await page.keyboard.press('Enter')
    await until(
      async () => (await panel.input.inputValue()).includes('[Returns and refunds]('),
      'the link in the reply',
      5000,
    )
    const value = await panel.input.inputValue()
    expect(value).toStartWith('Here you go: [Returns and refunds](')
    expect(value).toContain(`${env.server.url}/help/${inbox}/en/articles/${created.body.slug}`)
    expect(await violations(page)).toEqual([])
    await page.close()
  }, 60_000)
})
