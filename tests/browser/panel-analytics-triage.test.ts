/**
 * The analytics dashboard's triage tables (issue 20) on a small real history, on a fake clock:
 * four conversations in the default inbox, one in a second. Two conversation attributes, a list
 * (Topic: Billing twice, Shipping once, Returns never, one not set) and a checkbox (VIP: yes
 * once, no once, two not set); two SLA policies, Fast (first response 5 min, resolution 10 min)
 * on two conversations and Slow (first response 10 h) on one. One Fast conversation is answered
 * in time; 15 minutes pass: it breaches its resolution target, the unanswered one both targets.
 * The tables show exactly what the API counts, in English and Russian, at 375 px, light and
 * dark, without serious axe violations; the second inbox alone has neither, and says so.
 * Also writes docs/panel-analytics-triage.png (desktop, light, both tables).
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { FakeClock } from '../../actors/index.ts'
import type { AnalyticsAttributes, AnalyticsSla } from '../../protocol/analytics.ts'
import { httpStart } from '../helpers/http.ts'
import { waitUntil } from '../helpers/processes.ts'
import { startTestServer, type TestServer } from '../helpers/server.ts'
import { violations } from './axe.ts'
import {
  ensureClientBuilt,
  launchBrowser,
  skipBrowserTests,
  until,
  type TestBrowser,
} from './harness.ts'
import { PanelPage } from './panel-page.ts'

const ROOT = join(import.meta.dir, '../..')
type Lang = 'en' | 'ru'
const INIT: Record<Lang, string> = {
  en: "localStorage.setItem('parley:lang', 'en')",
  ru: "localStorage.setItem('parley:lang', 'ru')",
}
const num = (lang: Lang, n: number) => new Intl.NumberFormat(lang).format(n)
const pct = (lang: Lang, n: number, of: number) =>
  of
    ? new Intl.NumberFormat(lang, { style: 'percent', maximumFractionDigits: 0 }).format(n / of)
    : '–'
/** The words the tables use, per language. */
const WORDS = {
  en: {
    attributes: 'Conversations by attribute',
    sla: 'SLA',
    yes: 'Yes',
    no: 'No',
    unset: 'Not set',
    kinds: ['First response', 'Next response', 'Resolution'],
    of: 'of',
    noAttributes: 'No list or checkbox attributes in these inboxes yet.',
    noSla: 'No conversations under an SLA in this period.',
  },
  ru: {
    attributes: 'Разговоры по атрибутам',
    sla: 'Соблюдение SLA',
    yes: 'Да',
    no: 'Нет',
    unset: 'Не задано',
    kinds: ['Первый ответ', 'Следующий ответ', 'Решение'],
    of: 'из',
    noAttributes: 'В этих ящиках пока нет атрибутов-списков и флажков.',
    noSla: 'За этот период нет разговоров с SLA.',
  },
}

const fits = (page: Page) =>
  page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)
/** A table's body rows as shown: each row's key, then its cells' text. */
const rowsOf = (page: Page, selector: string) =>
  page
    .locator(`${selector} tbody tr`)
    .evaluateAll((rows) =>
      rows.map((tr) => [
        tr.getAttribute('data-key'),
        ...[...tr.children].map((cell) => (cell.textContent ?? '').trim()),
      ]),
    )

describe.skipIf(skipBrowserTests)('panel analytics triage', () => {
  const env = {} as {
    server: TestServer
    browser: TestBrowser
    admin: string
    inboxId: string
    otherId: string
    policies: { fast: string; slow: string }
  }
  const api = async (path: string, method = 'GET', body?: unknown) => {
    const res = await env.server.http(path, { method, body, token: env.admin })
    if (res.status >= 300) throw new Error(`${method} ${path}: ${JSON.stringify(res.body)}`)
    return res.body
  }

  /** The two tables' figures the page gets next (and the query it asks them with). */
  function nextFigures(page: Page) {
    const got = (what: string) =>
      page.waitForResponse((r) => r.url().includes(`/api/analytics/${what}?`))
    const [attributes, sla] = [got('attributes'), got('sla')]
    // Awaited later: a test that fails first closes the page under them.
    for (const p of [attributes, sla]) p.catch(() => undefined)
    return async () => {
      const query = new URL((await sla).url()).search
      expect(new URL((await attributes).url()).search).toBe(query)
      return {
        query,
        attributes: (await (await attributes).json()) as AnalyticsAttributes,
        sla: (await (await sla).json()) as AnalyticsSla,
      }
    }
  }

  /** The admin's dashboard, with the two tables' figures as it got them. */
  async function openTables(
    opts: { lang?: Lang; viewport?: { width: number; height: number } } = {},
  ) {
    const lang = opts.lang ?? 'en'
    const { page } = await PanelPage.open(env.browser.context, env.server.url, {
      viewport: opts.viewport,
      initScript: INIT[lang],
    })
    const figures = nextFigures(page)
    await page.getByRole('button', { name: lang === 'ru' ? 'Аналитика' : 'Analytics' }).click()
    const got = await figures()
    await page.locator('[data-table="sla"]').waitFor()
    return { page, ...got }
  }

  beforeAll(async () => {
    ensureClientBuilt()
    // Now, so the dashboard's "last 7 days" (the browser's clock) holds the history.
    const clock = new FakeClock(Date.now())
    env.server = await startTestServer({ clock, env: { ANALYTICS_EVERY_MS: '0' } })
    env.browser = await launchBrowser()
    env.admin = await env.server.adminToken()
    env.inboxId = await env.server.defaultInboxId()
    const inbox = `/api/admin/inboxes/${env.inboxId}`
    for (const attribute of [
      { key: 'topic', name: 'Topic', type: 'list', options: ['Billing', 'Shipping', 'Returns'] },
      { key: 'vip', name: 'VIP', type: 'checkbox' },
    ]) {
      await api(`${inbox}/attributes`, 'POST', { scope: 'conversation', ...attribute })
    }
    const policy = async (body: Record<string, unknown>) =>
      (await api(`${inbox}/sla-policies`, 'POST', body)).policy.id as string
    env.policies = {
      fast: await policy({ name: 'Fast', firstResponseMinutes: 5, resolutionMinutes: 10 }),
      slow: await policy({ name: 'Slow', firstResponseMinutes: 600 }),
    }
    const agent = await env.server.operator({ inboxIds: [env.inboxId] })

    const ids: string[] = []
    for (let i = 0; i < 4; i++) ids.push((await httpStart(env.server, undefined, `hello ${i}`)).id)
    const values = [{ topic: 'Billing', vip: true }, { topic: 'Billing', vip: false }, {}]
    for (const [i, attributes] of values.entries()) {
      await api(`/api/conversations/${ids[i]}/attributes`, 'PATCH', { attributes })
    }
    await api(`/api/conversations/${ids[3]}/attributes`, 'PATCH', {
      attributes: { topic: 'Shipping' },
    })
    for (const [i, policyId] of [env.policies.fast, env.policies.fast, env.policies.slow].entries())
      await api(`/api/conversations/${ids[i]}/sla`, 'PUT', { policyId })
    // The second is answered in time; the first is not, nor resolved.
    const reply = await env.server.http(`/api/conversations/${ids[1]}/messages`, {
      token: agent.token,
      body: { clientMsgId: 'r1', text: 'on it' },
    })
    expect(reply.status).toBe(201)

    // A second inbox with a conversation and neither attributes nor policies.
    env.otherId = (await api('/api/admin/inboxes', 'POST', { name: 'Wholesale' })).id as string
    await httpStart(env.server, (await env.server.visitorToken(env.otherId)).token, 'elsewhere')

    await clock.advance(15 * 60_000)
    const slaEvents = async (id: string) =>
      (await env.server.store.conversations.eventsAfter(id, 0, 100)).filter(
        (e) => e.name === 'conversation.sla',
      ).length
    // The first one's resolution timer is armed after its first breach: due at once.
    await waitUntil('the first breach', async () => (await slaEvents(ids[0]!)) >= 2)
    // That timer is armed when the breach is handled, which a busy machine may do after a
    // single advance(0) already ran: fire due timers again until every breach is in.
    await waitUntil('every breach', async () => {
      await clock.advance(0)
      return (await slaEvents(ids[0]!)) === 3 && (await slaEvents(ids[1]!)) === 2
    })
    await env.server.analytics.catchUp()
  }, 120_000)

  afterAll(async () => {
    await env.browser?.close()
    await env.server?.stop()
  })

  /** Checks both tables against the figures the page got, in a language. */
  async function expectTables(page: Page, lang: Lang, a: AnalyticsAttributes, s: AnalyticsSla) {
    const w = WORDS[lang]
    expect(await page.locator('[data-table="attributes"] h3').innerText()).toBe(w.attributes)
    for (const attribute of a.attributes) {
      const total = attribute.values.reduce((n, v) => n + v.conversations, attribute.unset)
      const row = (key: string, name: string, n: number) => [
        key,
        name,
        num(lang, n),
        pct(lang, n, total),
      ]
      const table = page.getByRole('table', { name: attribute.name })
      expect(await rowsOf(page, `[data-attribute="${attribute.id}"]`)).toEqual([
        ...attribute.values.map((v) =>
          row(
            String(v.value),
            typeof v.value === 'boolean' ? (v.value ? w.yes : w.no) : v.value,
            v.conversations,
          ),
        ),
        row('', w.unset, attribute.unset),
      ])
      expect(await table.count()).toBe(1)
    }

    expect(await page.locator('[data-table="sla"] h3').innerText()).toBe(w.sla)
    const stat = (id: string) => page.locator(`[data-table="sla"] [data-card="${id}"]`)
    expect(await stat('sla-under').locator('.an-card-value').innerText()).toBe(
      `${num(lang, s.withSla)} ${w.of} ${num(lang, s.conversations)}`,
    )
    expect(await stat('sla-under').locator('.an-card-detail').innerText()).toBe(
      pct(lang, s.withSla, s.conversations),
    )
    expect(await stat('sla-breached').locator('.an-card-value').innerText()).toBe(
      `${num(lang, s.breached)} ${w.of} ${num(lang, s.withSla)}`,
    )
    expect(await stat('sla-breached').locator('.an-card-detail').innerText()).toBe(
      pct(lang, s.breached, s.withSla),
    )
    const kinds = ['first_response', 'next_response', 'resolution'] as const
    expect(await rowsOf(page, '[data-table="sla"] table[aria-labelledby="an-sla-kinds"]')).toEqual(
      kinds.map((k, i) => [k, w.kinds[i]!, num(lang, s.breaches[k])]),
    )
    expect(
      await rowsOf(page, '[data-table="sla"] table[aria-labelledby="an-sla-policies"]'),
    ).toEqual(
      s.policies.map((p) => [
        p.policyId,
        p.name,
        num(lang, p.conversations),
        num(lang, p.breached),
        pct(lang, p.breached, p.conversations),
      ]),
    )
  }

  test('analytics triage - the attribute and SLA tables show what the API counts; axe light and dark; a screenshot', async () => {
    const { page, query, attributes, sla } = await openTables({
      viewport: { width: 1280, height: 900 },
    })
    // The API asked apart with the page's query: the same figures, and those the setup made.
    expect(await api(`/api/analytics/attributes${query}`)).toEqual(attributes)
    expect(await api(`/api/analytics/sla${query}`)).toEqual(sla)
    expect(attributes.conversations).toBe(5)
    const counts = (key: string) => {
      const a = attributes.attributes.find((x) => x.key === key)!
      return [Object.fromEntries(a.values.map((v) => [String(v.value), v.conversations])), a.unset]
    }
    expect(counts('topic')).toEqual([{ Billing: 2, Shipping: 1, Returns: 0 }, 1])
    expect(counts('vip')).toEqual([{ true: 1, false: 1 }, 2])
    expect(sla).toEqual({
      conversations: 5,
      withSla: 3,
      breached: 2,
      breaches: { first_response: 1, next_response: 0, resolution: 2 },
      policies: [
        { policyId: env.policies.fast, name: 'Fast', conversations: 2, breached: 2 },
        { policyId: env.policies.slow, name: 'Slow', conversations: 1, breached: 0 },
      ],
    })

    await expectTables(page, 'en', attributes, sla)
    // Each table is named by its heading; the columns say what they count.
    const topic = page.getByRole('table', { name: 'Topic' })
    expect(await topic.locator('thead th').allInnerTexts()).toEqual([
      'Value',
      'Conversations',
      'Share',
    ])
    const policies = page.getByRole('table', { name: 'By policy' })
    expect(await policies.locator('thead th').allInnerTexts()).toEqual([
      'Policy',
      'Conversations',
      'Breached',
      'Breach rate',
    ])
    expect(
      await page
        .getByRole('table', { name: 'Breaches by kind' })
        .locator('thead th')
        .allInnerTexts(),
    ).toEqual(['Kind', 'Breaches'])
    expect(await violations(page)).toEqual([])

    // The two tables under the page's head and filters, for the docs: the rest hidden, fonts
    // settled (a screenshot is no assertion).
    await page.setViewportSize({ width: 1280, height: 1400 })
    // (Hidden by script: the page's CSP admits no inline style sheet.)
    const hide = (hidden: boolean) =>
      page.evaluate((hidden) => {
        const keep = '.an-head, .an-filters, [data-table="attributes"], [data-table="sla"]'
        for (const el of document.querySelectorAll<HTMLElement>('.analytics > *'))
          if (!el.matches(keep)) el.style.display = hidden ? 'none' : ''
      }, hidden)
    await hide(true)
    await page.evaluate(() => document.fonts.ready)
    // The page's top down to the SLA table's end (the page itself runs on, empty).
    const main = (await page.locator('main.analytics').boundingBox())!
    const end = (await page.locator('[data-table="sla"]').boundingBox())!
    await page.screenshot({
      path: join(ROOT, 'docs', 'panel-analytics-triage.png'),
      clip: { x: main.x, y: main.y, width: main.width, height: end.y + end.height + 20 - main.y },
    })
    await hide(false)

    await page.emulateMedia({ colorScheme: 'dark' })
    expect(await violations(page)).toEqual([])
    await page.close()
  })

  test('analytics triage - Russian at 375 px, dark and light: the same figures, each row a card that fits', async () => {
    const { page, attributes, sla } = await openTables({
      lang: 'ru',
      viewport: { width: 375, height: 740 },
    })
    await page.emulateMedia({ colorScheme: 'dark' })
    await expectTables(page, 'ru', attributes, sla)
    expect(
      await page
        .getByRole('table', { name: 'По политикам' })
        .locator(`tr[data-key="${env.policies.fast}"] td`)
        .evaluateAll((cells) => cells.map((td) => td.getAttribute('data-label'))),
    ).toEqual(['Разговоры', 'С нарушением', 'Доля нарушений'])
    await until(() => fits(page), 'the dashboard fits 375 px')
    expect(await violations(page)).toEqual([])
    await page.emulateMedia({ colorScheme: 'light' })
    expect(await violations(page)).toEqual([])
    await page.close()
  })

  test('analytics triage - an inbox with neither attributes nor SLA policies says so, in both languages', async () => {
    for (const lang of ['en', 'ru'] as const) {
      const { page } = await openTables({ lang })
      const figures = nextFigures(page)
      await page
        .locator('.an-filters')
        .getByLabel(lang === 'ru' ? /^Ящик/ : /^Inbox/)
        .selectOption(env.otherId)
      const { attributes, sla } = await figures()
      await until(
        async () => (await page.locator('[data-table="sla"] table').count()) === 0,
        'the figures of the second inbox',
      )
      expect(attributes).toEqual({ conversations: 1, attributes: [] })
      expect(sla.conversations).toBe(1)
      expect(sla.withSla).toBe(0)
      const w = WORDS[lang]
      expect(await page.locator('[data-table="attributes"] p').innerText()).toBe(w.noAttributes)
      expect(await page.locator('[data-table="sla"] p').innerText()).toBe(w.noSla)
      expect(
        await page.locator('[data-table="attributes"] table, [data-table="sla"] table').count(),
      ).toBe(0)
      expect(await violations(page)).toEqual([])
      await page.close()
    }
  })
})
