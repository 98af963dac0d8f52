/**
 * The public help center in Chromium (issue 21): the home page with its categories, an
 * article with its table of contents, code and table, and the search, at desktop width and at
 * 375 px, light and dark, English and Russian; the keyboard alone reaches the content (skip
 * link), searches and votes (a plain form: the vote is counted, the page thanks); axe-core finds
 * nothing serious anywhere; nothing scrolls sideways on a phone. Writes docs/help-center.png
 * (home, desktop, light), docs/help-center-article.png (an article with its picture, desktop,
 * light) and docs/help-center-375-dark-ru.png (a Russian search on a phone, dark).
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import sharp from 'sharp'
import { ROOT } from '../../client/build-stamp.ts'
import { violations } from './axe.ts'
import { skipBrowserTests, until, useServerAndBrowser } from './harness.ts'
import { focusedName } from './panel-page.ts'

const BODY_EN = `Paying by card takes a minute.

![The payment form](IMAGE_URL)

## Before you start

You need the card and your order number. Cards we take:

| Card | Currency | Fee |
| :--- | :------: | --: |
| Visa | EUR, USD | none |
| Mastercard | EUR | none |

## Steps

1. Open **Orders** and choose the order.
2. Press *Pay* and enter the card.
3. Confirm with your bank's code.

## If the payment fails

Nothing is charged. Check the card's limit, or try again later:

\`\`\`
Error 402: the bank declined the payment
\`\`\`
`

const BODY_RU = `Оплата картой занимает минуту.

## Что понадобится

Карта и номер заказа.

## Как оплатить

1. Откройте **Заказы** и выберите заказ.
2. Нажмите *Оплатить* и введите данные карты.
3. Подтвердите оплату кодом банка.
`

/** A drawing of a card payment form (shapes only: no font needed), as a PNG. */
async function paymentForm(): Promise<Uint8Array> {
  const field = (y: number, w: number) =>
    `<rect x="40" y="${y}" width="${w}" height="34" rx="6" fill="#fff" stroke="#c7c9d1"/>`
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="640" height="260">
    <rect width="640" height="260" rx="14" fill="#eef0f6"/>
    <rect x="40" y="28" width="180" height="14" rx="7" fill="#9aa0b4"/>
    ${field(60, 560)}${field(112, 270)}${field(112, 270).replace('x="40"', 'x="330"')}
    <rect x="40" y="176" width="150" height="40" rx="8" fill="#4f46e5"/>
    <rect x="70" y="191" width="90" height="10" rx="5" fill="#fff"/>
    <rect x="520" y="70" width="64" height="14" rx="4" fill="#f59e0b"/>
  </svg>`
  return new Uint8Array(await sharp(Buffer.from(svg)).png().toBuffer())
}

describe.skipIf(skipBrowserTests)('help center site', () => {
  const env = useServerAndBrowser()
  let inbox = ''
  let admin = ''
  let article: { id: string; slug: string } = { id: '', slug: '' }
  let ruSlug = ''
  let page: Page

  const api = async (path: string, body?: unknown, method?: string) => {
    const res = await env.server.http(path, { token: admin, body, method })
    if (res.status >= 300) throw new Error(`${path}: ${res.status} ${JSON.stringify(res.body)}`)
    return res.body
  }

  beforeAll(async () => {
    admin = await env.server.adminToken()
    inbox = await env.server.defaultInboxId()
    const billing = await api('/api/help/categories', {
      portal: inbox,
      names: { en: 'Billing and payments', ru: 'Оплата и счета' },
      descriptions: { en: 'Cards, invoices, refunds', ru: 'Карты, счета, возвраты' },
    })
    const account = await api('/api/help/categories', {
      portal: inbox,
      names: { en: 'Your account', ru: 'Ваш аккаунт' },
      position: 1,
    })
    const publish = (body: Record<string, unknown>) =>
      api('/api/help/articles', { status: 'published', ...body })
    // A picture of the payment form, uploaded as the editor does.
    const form = new FormData()
    form.append(
      'file',
      new File([(await paymentForm()) as BlobPart], 'payment-form.png', { type: 'image/png' }),
    )
    const uploaded = await fetch(`${env.server.url}/api/help/images?portal=${inbox}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}` },
      body: form,
    })
    expect(uploaded.status).toBe(201)
    const { image } = (await uploaded.json()) as { image: { url: string } }
    article = await publish({
      portal: inbox,
      language: 'en',
      title: 'How do I pay by card?',
      body: BODY_EN.replace('IMAGE_URL', image.url),
      categoryId: billing.id,
    })
    ruSlug = (
      await publish({
        translationOf: article.id,
        language: 'ru',
        title: 'Как оплатить заказ картой?',
        body: BODY_RU,
      })
    ).slug
    await publish({
      portal: inbox,
      language: 'en',
      title: 'Getting an invoice for your company',
      body: 'Invoices are in **Orders**, under each paid order.',
      categoryId: billing.id,
    })
    await publish({
      portal: inbox,
      language: 'en',
      title: 'Refunds',
      body: 'Refunds reach your card within five working days.',
      categoryId: billing.id,
    })
    await publish({
      portal: inbox,
      language: 'en',
      title: 'Changing your e-mail address',
      body: 'Open **Settings**, then **Account**.',
      categoryId: account.id,
    })
    await publish({
      portal: 'shared',
      language: 'en',
      title: 'Opening hours',
      body: 'We answer every day from 9:00 to 21:00.',
    })
    page = await env.browser.context.newPage()
  }, 60_000)

  afterAll(async () => {
    await page?.close()
  })

  const open = async (path: string, opts: { width?: number; dark?: boolean } = {}) => {
    await page.setViewportSize({ width: opts.width ?? 1100, height: 760 })
    await page.emulateMedia({ colorScheme: opts.dark ? 'dark' : 'light' })
    const res = await page.goto(env.server.url + path)
    expect(res?.status()).toBe(200)
  }

  const noSidewaysScroll = () =>
    page.evaluate(
      () => document.documentElement.scrollWidth <= document.documentElement.clientWidth,
    )

  test('help site - home: categories with their articles and the shared ones, a search form; axe light and dark', async () => {
    await open(`/help/${inbox}/en`)
    expect(await page.locator('h1').count()).toBe(1)
    const text = await page.locator('main').innerText()
    for (const title of [
      'Billing and payments',
      'Your account',
      'How do I pay by card?',
      'Opening hours',
    ]) {
      expect(text).toContain(title)
    }
    expect(await page.locator('form[role="search"] input[name="q"]').count()).toBeGreaterThan(0)
    expect(await violations(page)).toEqual([])
    await page.screenshot({ path: join(ROOT, 'docs', 'help-center.png') })
    await page.emulateMedia({ colorScheme: 'dark' })
    expect(await violations(page)).toEqual([])
    await page.setViewportSize({ width: 375, height: 760 })
    expect(await noSidewaysScroll()).toBe(true)
  })

  test('help site - an article: the keyboard skips to it, its contents link its headings, the table and code scroll in their boxes; a vote by the plain form is counted', async () => {
    await open(`/help/${inbox}/en/articles/${article.slug}`)
    // Its picture, from the help center's own address, loaded.
    const picture = page.getByRole('img', { name: 'The payment form' })
    await until(
      async () => (await picture.evaluate((i) => (i as HTMLImageElement).naturalWidth)) === 640,
      'the picture loaded',
      5000,
    )
    await page.screenshot({ path: join(ROOT, 'docs', 'help-center-article.png') })
    await page.keyboard.press('Tab')
    expect((await focusedName(page)).toLowerCase()).toContain('skip')
    await page.keyboard.press('Enter')
    expect(page.url()).toEndWith('#main')
    const headings = await page.locator('main h2').allInnerTexts()
    expect(headings).toEqual(expect.arrayContaining(['Steps', 'If the payment fails']))
    // The contents link each heading by its id.
    const href = await page.locator('a[href="#steps"]').first().getAttribute('href')
    expect(href).toBe('#steps')
    expect(await page.locator('table th').count()).toBe(3)
    expect(await page.locator('pre code').innerText()).toContain('Error 402')
    // Russian translation linked with hreflang.
    expect(
      await page.locator('link[rel="alternate"][hreflang="ru"]').getAttribute('href'),
    ).toContain(encodeURIComponent(ruSlug))
    expect(await violations(page)).toEqual([])

    // Vote with the keyboard: focus "Yes", press Enter; the form posts and the page thanks.
    await page.locator('button[name="helpful"][value="yes"]').focus()
    await Promise.all([page.waitForURL(/feedback=helpful/), page.keyboard.press('Enter')])
    await until(async () => (await page.locator('[role="status"]').count()) > 0, 'the thanks', 5000)
    const stored = await api(`/api/help/articles/${article.id}`)
    expect(stored.helpful).toBe(1)

    await open(`/help/${inbox}/en/articles/${article.slug}`, { width: 375, dark: true })
    expect(await noSidewaysScroll()).toBe(true)
    expect(await violations(page)).toEqual([])
  })

  test('help site - search in Russian finds inflected words; nothing found offers the way to write; 375 px, dark; axe', async () => {
    await open(`/help/${inbox}/ru`, { width: 375, dark: true })
    const box = page.locator('form[role="search"] input[name="q"]').first()
    await box.focus()
    await page.keyboard.type('оплатой заказов')
    await Promise.all([page.waitForURL(/search\?q=/), page.keyboard.press('Enter')])
    const results = await page.locator('main').innerText()
    expect(results).toContain('Как оплатить заказ картой?')
    expect(results).toContain('1 результат по запросу')
    expect(await noSidewaysScroll()).toBe(true)
    expect(await violations(page)).toEqual([])
    await page.screenshot({ path: join(ROOT, 'docs', 'help-center-375-dark-ru.png') })

    await open(`/help/${inbox}/en/search?q=${encodeURIComponent('teleportation')}`)
    const none = await page.locator('main').innerText()
    expect(none.toLowerCase()).toContain('no')
    expect(await violations(page)).toEqual([])
  })
})
