/**
 * The analytics dashboard (issue 19, A1/A2) on a small real history: three visitors start
 * conversations, Olga answers all three and resolves two, one visitor rates 4 stars with a
 * comment; the projection catches up. The admin sees those numbers in the cards, Olga's row in
 * the operators' table, the hour's heatmap cell; a card lists its conversations and one opens in
 * the conversation view; a table downloads as CSV. Filters survive a reload (the hash). The
 * operators' online time and load (Olga connected, three conversations hers and open at once):
 * the two cards, the load and online charts' tables and the new columns show the report's
 * figures, in English and Russian. Keyboard only (a card, Enter, Escape), 375 px, dark, Russian,
 * axe-core; a supervisor has the page, a plain operator neither the page nor the API. A chart's
 * interval (its table's cell, a click on the canvas) and a breakdown's row (Olga's resolved)
 * list exactly their conversations, by mouse and by keyboard. Conversations by label (issue 20):
 * two labels on the first two conversations, a third on none; the table shows what the API
 * counts, the row of none, an inbox column once a second inbox has labels too.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { readFileSync } from 'node:fs'
import type { Page } from 'playwright-core'
import type { AnalyticsLabels, AnalyticsReport } from '../../protocol/analytics.ts'
import { startTestServer, type TestServer } from '../helpers/server.ts'
import { TestClient } from '../helpers/ws.ts'
import { violations } from './axe.ts'
import {
  ensureClientBuilt,
  launchBrowser,
  skipBrowserTests,
  until,
  type TestBrowser,
} from './harness.ts'
import { PanelPage } from './panel-page.ts'

const PASSWORD = 'analytics-password-1'
const EN = "localStorage.setItem('parley:lang', 'en')"
const RU = "localStorage.setItem('parley:lang', 'ru')"

/** The accessible name of the focused element. */
const focused = (page: Page) =>
  page.evaluate(() => {
    const el = document.activeElement
    return (el?.getAttribute('aria-label') ?? el?.textContent ?? '').trim()
  })

/** Presses Tab until the focused element's name matches (keyboard only), at most 80 times. */
async function tabTo(page: Page, name: RegExp): Promise<void> {
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur())
  for (let i = 0; i < 80; i++) {
    await page.keyboard.press('Tab')
    if (name.test(await focused(page))) return
  }
  throw new Error(`no focusable element named ${name} within 80 tabs`)
}

const fits = (page: Page) =>
  page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)

type Lang = 'en' | 'ru'
/** Numbers as the panel writes them in a language (at most `digits` decimals). */
const num = (lang: Lang, x: number, digits = 0) =>
  new Intl.NumberFormat(lang, { maximumFractionDigits: digits }).format(x)
/** Connected time as the dashboard writes it: "36 h 20 min", "45 min", "30 s". */
function hoursText(ms: number, lang: Lang): string {
  const [h, min, sec] = lang === 'ru' ? ['ч', 'мин', 'с'] : ['h', 'min', 's']
  const m = Math.round(ms / 60_000)
  if (m === 0) return ms > 0 ? `${Math.round(ms / 1000)} ${sec}` : `0 ${min}`
  if (m < 60) return `${m} ${min}`
  const hours = Math.floor(m / 60)
  if (hours >= 100) return `${num(lang, Math.round(m / 60))} ${h}`
  return m % 60 ? `${hours} ${h} ${m % 60} ${min}` : `${hours} ${h}`
}
/** An average load as the dashboard writes it: one decimal at most, "<0.1" for a sliver. */
const loadText = (x: number, lang: Lang) =>
  x > 0 && x < 0.05 ? `<${num(lang, 0.1, 1)}` : num(lang, x, 1)

describe.skipIf(skipBrowserTests)('panel analytics', () => {
  const env = {} as {
    server: TestServer
    browser: TestBrowser
    inboxId: string
    olga: { id: string; client: TestClient }
    conversations: string[]
    /** When the first conversation started (its heatmap cell). */
    startedAt: number
    /** When each conversation started, as env.conversations. */
    createdAt: number[]
    /** The labels each conversation carries (ids), as env.conversations. */
    labelled: string[][]
    /** The default inbox's labels by name. */
    labels: Record<string, string>
  }
  const clients: TestClient[] = []
  const api = async (path: string, method = 'GET', body?: unknown) => {
    const res = await env.server.http(path, { method, body, token: await env.server.adminToken() })
    if (res.status >= 300) throw new Error(`${method} ${path}: ${JSON.stringify(res.body)}`)
    return res.body
  }
  const login = async (email: string) =>
    (await env.server.http('/api/auth/login', { body: { email, password: PASSWORD } })).body
      .token as string

  /**
   * The admin's dashboard, in English unless told, the report it shows and the labels' figures
   * (with the query the page asked them with).
   */
  async function openReport(
    opts: { viewport?: { width: number; height: number }; ru?: boolean } = {},
  ): Promise<{ page: Page; report: AnalyticsReport; labels: AnalyticsLabels; query: string }> {
    const { page } = await PanelPage.open(env.browser.context, env.server.url, {
      viewport: opts.viewport,
      initScript: opts.ru ? RU : EN,
    })
    const response = page.waitForResponse((r) => r.url().includes('/api/analytics/report?'))
    const labelled = page.waitForResponse((r) => r.url().includes('/api/analytics/labels?'))
    await page.getByRole('button', { name: opts.ru ? 'Аналитика' : 'Analytics' }).click()
    const report = (await (await response).json()) as AnalyticsReport
    const labels = (await (await labelled).json()) as AnalyticsLabels
    const query = new URL((await labelled).url()).search
    await page.locator('.an-cards').waitFor()
    return { page, report, labels, query }
  }
  const openDashboard = async (opts: Parameters<typeof openReport>[0] = {}) =>
    (await openReport(opts)).page
  const card = (page: Page, id: string) => page.locator(`[data-card="${id}"] .an-card`)

  beforeAll(async () => {
    ensureClientBuilt()
    env.server = await startTestServer()
    env.browser = await launchBrowser()
    env.inboxId = await env.server.defaultInboxId()
    await api(`/api/admin/inboxes/${env.inboxId}`, 'PATCH', { settings: { rating: 'stars' } })
    const olga = await api('/api/admin/operators', 'POST', {
      email: 'olga@example.com',
      name: 'Olga Ortiz',
      password: PASSWORD,
      role: 'operator',
      canChat: true,
      inboxIds: [env.inboxId],
    })
    await api('/api/admin/operators', 'POST', {
      email: 'sam@example.com',
      name: 'Sam Supervisor',
      password: PASSWORD,
      role: 'supervisor',
      canChat: true,
      inboxIds: [env.inboxId],
    })
    // Olga is signed in on a socket (present, online): routing gives her every conversation.
    const olgaToken = await login('olga@example.com')
    const client = await TestClient.connect(env.server.wsUrl, { token: olgaToken })
    clients.push(client)
    await client.ok({ type: 'feed_subscribe' })
    env.olga = { id: olga.id, client }

    // Labels: two used (Billing on two conversations, Shipping on one), one used on none.
    env.labels = {}
    for (const [name, color] of [
      ['Billing', '#2563eb'],
      ['Shipping', '#16a34a'],
      ['Refund', '#dc2626'],
    ]) {
      env.labels[name!] = (
        await api(`/api/admin/inboxes/${env.inboxId}/labels`, 'POST', { name, color })
      ).label.id
    }
    const plan = [[env.labels.Billing!, env.labels.Shipping!], [env.labels.Billing!], []]
    env.labelled = []

    env.conversations = []
    env.createdAt = []
    const visitors: Array<{ client: TestClient; id: string }> = []
    for (const text of ['Where is my order?', 'Do you ship to Norway?', 'Can I pay by card?']) {
      const visitor = await env.server.visitorToken()
      const vc = await TestClient.connect(env.server.wsUrl, { token: visitor.token })
      clients.push(vc)
      const ack = await vc.ok({ type: 'start', clientMsgId: `start-${text}`, text })
      const id = ack.conversation.id as string
      env.startedAt ??= ack.conversation.createdAt as number
      env.createdAt.push(ack.conversation.createdAt as number)
      await vc.ok({ type: 'subscribe', conversationId: id, afterSeq: 0 })
      env.conversations.push(id)
      visitors.push({ client: vc, id })
      await until(
        async () => (await api(`/api/conversations/${id}`)).conversation.assigneeId === olga.id,
        'routed to Olga',
      )
      await client.ok({ type: 'subscribe', conversationId: id, afterSeq: 0 })
      await client.ok({ type: 'send', conversationId: id, clientMsgId: `re-${id}`, text: 'Hi!' })
      // Olga (a member of the inbox) labels it as planned.
      const add = plan[env.labelled.length]!
      env.labelled.push(add)
      if (add.length > 0) {
        const res = await env.server.http(`/api/conversations/${id}/labels`, {
          token: olgaToken,
          body: { add },
        })
        expect(res.status).toBe(200)
      }
    }
    // Two resolved; the first one rated 4 stars with a comment.
    for (const { id } of visitors.slice(0, 2)) {
      const res = await env.server.http(`/api/conversations/${id}/status`, {
        token: olgaToken,
        body: { status: 'resolved' },
      })
      expect(res.status).toBe(200)
    }
    await visitors[0]!.client.ok({
      type: 'rate',
      conversationId: visitors[0]!.id,
      score: 4,
      comment: 'Quick and kind',
    })
    // Olga steps away for a moment, then is busy for one, then online again: each change of
    // status ends a stretch of her connected time, so the report has it to count (a stretch
    // going on counts up to its last minute's confirmation).
    for (const status of ['away', 'busy', 'online'] as const) {
      await client.ok({ type: 'set_operator_status', status })
      if (status !== 'online') await Bun.sleep(1_100)
    }
    await env.server.analytics.catchUp()
  }, 120_000)

  afterAll(async () => {
    for (const c of clients) c.close()
    await env.browser?.close()
    await env.server?.stop()
  })

  test('analytics - real figures: cards, the operators table, the hour in the heatmap, ratings and a comment', async () => {
    const page = await openDashboard()
    expect(await card(page, 'conversations').getByTestId('card-value').innerText()).toBe('3')
    expect(await card(page, 'resolved').getByTestId('card-value').innerText()).toBe('2')
    expect(await card(page, 'visitor-messages').getByTestId('card-value').innerText()).toBe('3')
    expect(await card(page, 'operator-messages').getByTestId('card-value').innerText()).toBe('3')
    expect(await card(page, 'rating').getByTestId('card-value').innerText()).toBe('4 of 5')
    // Nothing the week before: the change says so in words too.
    expect(await card(page, 'conversations').innerText()).toContain('new')
    expect(await card(page, 'conversations').locator('.sr-only').innerText()).toBe(
      'up from none in the previous period',
    )
    // Durations read as durations.
    expect(await card(page, 'first-response').getByTestId('card-value').innerText()).toMatch(
      /^\d+ s$|^\d+ min( \d+ s)?$/,
    )

    const olga = page.locator(`[data-table="operators"] tr[data-key="${env.olga.id}"]`)
    expect(await olga.locator('th').innerText()).toBe('Olga Ortiz')
    expect(await olga.locator('td[data-label="Conversations"]').innerText()).toBe('3')
    expect(await olga.locator('td[data-label="Resolved"]').innerText()).toBe('2')
    expect(await olga.locator('td[data-label="Rating"]').innerText()).toBe('4 (1 rating)')

    // The heatmap's cell of the weekday and hour the conversations started in (the browser's
    // time zone): the three visitors' first messages.
    const [day, hour] = await page.evaluate((at) => {
      const d = new Date(at)
      return [(d.getDay() + 6) % 7, d.getHours()]
    }, env.startedAt)
    const cell = page.locator(`.an-heat td[data-day="${day}"][data-hour="${hour}"]`)
    expect(Number(await cell.innerText())).toBeGreaterThanOrEqual(1)
    await page.getByRole('button', { name: 'Conversations started' }).click()
    expect(await page.locator('.an-heat').getAttribute('data-showing')).toBe('conversations')
    expect(await cell.innerText()).toBe('3')

    // The charts: a canvas named for screen readers, the same numbers as a table.
    const canvas = page.locator('.an-chart canvas[role="img"]').first()
    expect(await canvas.getAttribute('aria-label')).toContain('Conversations: 3 in all')
    const toggle = page.getByRole('button', { name: 'Show as table' }).first()
    await toggle.click()
    const table = page.locator('.an-series-table').first()
    await table.waitFor()
    expect(await table.innerText()).toContain('3')

    // Sorting by a header: aria-sort follows.
    const resolvedHeader = page.locator('[data-table="operators"] thead th', {
      hasText: 'Resolved',
    })
    await resolvedHeader.getByRole('button').click()
    expect(await resolvedHeader.getAttribute('aria-sort')).toBe('descending')
    await resolvedHeader.getByRole('button').click()
    expect(await resolvedHeader.getAttribute('aria-sort')).toBe('ascending')

    expect(await page.getByTestId('response-rate').innerText()).toContain('50%')
    await page.locator('.an-comments', { hasText: 'Quick and kind' }).waitFor()
    expect(await page.getByTestId('analytics-as-of').innerText()).toMatch(/^Figures as of /)
    await page.close()
  }, 60_000)

  test('analytics - a card lists its conversations and one opens in the conversation view; a table downloads as CSV', async () => {
    const page = await openDashboard()
    await card(page, 'conversations').click()
    const dialog = page.getByRole('dialog', { name: 'Conversations' })
    await dialog.waitFor()
    const rows = dialog.locator('.an-drill-row')
    await until(async () => (await rows.count()) === 3, 'three conversations listed')
    const listed = await rows.evaluateAll((els) =>
      els.map((el) => el.getAttribute('data-conversation-id')),
    )
    expect(listed.sort()).toEqual([...env.conversations].sort())
    expect(await dialog.innerText()).toContain('Olga Ortiz')
    const target = env.conversations[1]!
    await dialog.locator(`[data-conversation-id="${target}"]`).click()
    await page.locator(`.pane.conversation[data-conversation-id="${target}"]`).waitFor()
    await page.locator('.messages .row', { hasText: 'Do you ship to Norway?' }).waitFor()

    // Back on the dashboard: the operators' CSV, as the server wrote it.
    await page.getByRole('button', { name: 'Analytics' }).click()
    await page.locator('.an-cards').waitFor()
    const response = page.waitForResponse((r) => r.url().includes('/api/analytics/export?'))
    const download = page.waitForEvent('download')
    await page.getByRole('button', { name: 'Export CSV (Operators)' }).click()
    const res = await response
    expect(res.status()).toBe(200)
    expect(res.headers()['content-type']).toContain('text/csv')
    expect(new URL(res.url()).searchParams.get('table')).toBe('operators')
    const csv = readFileSync(await (await download).path(), 'utf8')
    const [header, ...lines] = csv.trim().split(/\r?\n/)
    expect(header).toStartWith('key,name,conversations')
    expect(lines.some((l) => l.startsWith(`${env.olga.id},Olga Ortiz,3,`))).toBe(true)
    await page.close()
  }, 60_000)

  test('analytics - the filters live in the hash: a reload keeps them; an empty range says so', async () => {
    const page = await openDashboard()
    const filters = page.locator('.an-filters')
    await filters.getByLabel('Dates').selectOption('30d')
    await filters.getByLabel('Operator').selectOption(env.olga.id)
    await until(() => page.url().includes('range=30d'), 'the hash to follow')
    expect(page.url()).toContain(`operator=${env.olga.id}`)
    await page.reload()
    await page.locator('.an-cards').waitFor()
    expect(await filters.getByLabel('Dates').inputValue()).toBe('30d')
    await until(
      async () => (await filters.getByLabel('Operator').inputValue()) === env.olga.id,
      'the operator filter back',
    )
    expect(await card(page, 'conversations').getByTestId('card-value').innerText()).toBe('3')

    // A custom range long before anything happened: nothing to show, and it says so.
    await filters.getByLabel('Dates').selectOption('custom')
    await filters.getByLabel('From', { exact: true }).fill('2020-01-01')
    await filters.getByLabel('To', { exact: true }).fill('2020-01-31')
    await page.getByTestId('analytics-empty').waitFor()
    // Leaving the page takes its hash away.
    await page.getByRole('button', { name: 'Inbox' }).click()
    expect(new URL(page.url()).hash).toBe('')
    await page.close()
  }, 60_000)

  for (const lang of ['en', 'ru'] as const) {
    test(`analytics - online time and load (${lang}): the cards, the load and online charts' tables, the operators' columns match the report`, async () => {
      const ru = lang === 'ru'
      const { page, report } = await openReport({ ru })
      const { presence, load } = report.totals
      // Not an empty check: Olga has been connected (online) and had the three conversations
      // assigned and open at once.
      const olgaRow = report.operators.find((r) => r.key === env.olga.id)!
      expect(olgaRow.presence?.onlineMs).toBeGreaterThan(0)
      expect(olgaRow.load.peak).toBeGreaterThanOrEqual(1)
      expect(load.peak).toBeGreaterThanOrEqual(1)
      expect(presence.onlineMs).toBeGreaterThan(0)

      // The cards: the figure, its detail, the change; no drill-down behind either.
      const online = page.locator('[data-card="online-time"]')
      expect(await online.getByTestId('card-value').innerText()).toBe(
        hoursText(presence.onlineMs, lang),
      )
      expect(await online.locator('.an-card-detail').innerText()).toBe(
        ru
          ? `Отошёл: ${hoursText(presence.awayMs, lang)}, занят: ${hoursText(presence.busyMs, lang)}`
          : `Away: ${hoursText(presence.awayMs, lang)}, busy: ${hoursText(presence.busyMs, lang)}`,
      )
      expect(await online.locator('.an-card-label').innerText()).toBe(
        ru ? 'Время в сети' : 'Online time',
      )
      const loadCard = page.locator('[data-card="load"]')
      expect(await loadCard.getByTestId('card-value').innerText()).toBe(
        loadText(load.average, lang),
      )
      expect(await loadCard.locator('.an-card-detail').innerText()).toBe(
        `${ru ? 'пик' : 'peak'} ${load.peak}`,
      )
      expect(await loadCard.locator('.an-card-label').innerText()).toBe(
        ru ? 'Средняя нагрузка' : 'Average load',
      )
      expect(
        await page.locator('[data-card="online-time"] button, [data-card="load"] button').count(),
      ).toBe(0)
      // Against the week before (nothing then): more online time is good news, load is neither.
      const direction = (before: number, now: number) =>
        now > before ? 'up' : now < before ? 'down' : 'same'
      const onlineChange = online.locator('.an-change')
      expect(await onlineChange.getAttribute('data-dir')).toBe(
        direction(report.previous.presence.onlineMs, presence.onlineMs),
      )
      if (presence.onlineMs > report.previous.presence.onlineMs) {
        expect(await onlineChange.getAttribute('data-mood')).toBe('good')
      }
      expect(await loadCard.locator('.an-change').getAttribute('data-mood')).toBeNull()

      // The load chart: two lines, named for screen readers; its table has the series' figures.
      const chart = page.locator('[data-chart="load"]')
      expect(await chart.locator('.an-chart-title').innerText()).toBe(
        ru ? 'Нагрузка операторов' : 'Operator load',
      )
      const summary = await chart.locator('canvas[role="img"]').getAttribute('aria-label')
      expect(summary).toContain(ru ? 'Средняя нагрузка от' : 'Average load from')
      expect(summary).toContain(num(lang, load.peak))
      await chart.getByRole('button', { name: ru ? 'Показать таблицей' : 'Show as table' }).click()
      const loadTable = chart.locator('.an-series-table')
      await loadTable.waitFor()
      expect(await loadTable.locator('thead th').allInnerTexts()).toEqual(
        ru
          ? ['Период', 'Средняя нагрузка', 'Пиковая нагрузка']
          : ['Period', 'Average load', 'Peak load'],
      )
      const loadRows = await loadTable
        .locator('tbody tr')
        .evaluateAll((rows) =>
          rows.map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent)),
        )
      expect(loadRows).toEqual(
        report.series.map((p) => [loadText(p.loadAverage, lang), num(lang, p.loadPeak)]),
      )
      expect(Math.max(...report.series.map((p) => p.loadPeak))).toBeGreaterThanOrEqual(1)
      // Online time per interval: a chart of its own, durations in hours.
      const onlineChart = page.locator('[data-chart="online"]')
      await onlineChart
        .getByRole('button', { name: ru ? 'Показать таблицей' : 'Show as table' })
        .click()
      const onlineRows = await onlineChart
        .locator('.an-series-table tbody td')
        .evaluateAll((cells) => cells.map((td) => td.textContent))
      expect(onlineRows).toEqual(report.series.map((p) => hoursText(p.onlineMs, lang)))
      expect(report.series.some((p) => p.onlineMs > 0)).toBe(true)

      // The operators' table: time by status and load per operator, sortable.
      const labels = ru
        ? {
            online: 'В сети',
            away: 'Отошёл',
            busy: 'Занят',
            avg: 'Средняя нагрузка',
            peak: 'Пиковая нагрузка',
          }
        : { online: 'Online', away: 'Away', busy: 'Busy', avg: 'Average load', peak: 'Peak load' }
      for (const row of report.operators) {
        const tr = page.locator(`[data-table="operators"] tr[data-key="${row.key}"]`)
        const cell = (label: string) => tr.locator(`td[data-label="${label}"]`).innerText()
        expect(await cell(labels.online)).toBe(
          row.presence ? hoursText(row.presence.onlineMs, lang) : '–',
        )
        expect(await cell(labels.away)).toBe(
          row.presence ? hoursText(row.presence.awayMs, lang) : '–',
        )
        expect(await cell(labels.busy)).toBe(
          row.presence ? hoursText(row.presence.busyMs, lang) : '–',
        )
        expect(await cell(labels.avg)).toBe(loadText(row.load.average, lang))
        expect(await cell(labels.peak)).toBe(num(lang, row.load.peak))
      }
      const peakHeader = page.locator('[data-table="operators"] thead th', { hasText: labels.peak })
      await peakHeader.getByRole('button').click()
      expect(await peakHeader.getAttribute('aria-sort')).toBe('descending')
      const peaks = await page
        .locator(`[data-table="operators"] tbody td[data-label="${labels.peak}"]`)
        .allInnerTexts()
      expect(peaks.map(Number)).toEqual([...peaks.map(Number)].sort((a, b) => b - a))
      const onlineHeader = page.locator('[data-table="operators"] thead th', {
        hasText: labels.online,
      })
      await onlineHeader.getByRole('button').click()
      expect(await onlineHeader.getAttribute('aria-sort')).toBe('descending')
      // The longest online first; no figure ("Unassigned") last.
      const order = await page
        .locator('[data-table="operators"] tbody tr')
        .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-key')))
      const onlineOf = (key: string | null) =>
        report.operators.find((r) => r.key === key)?.presence?.onlineMs ?? -1
      expect(order.map(onlineOf)).toEqual(order.map(onlineOf).sort((a, b) => b - a))
      // Thirteen figures may not fit: the table then scrolls in its box, which takes the focus.
      const box = page.locator('[data-table="operators"] .an-scroll')
      const overflows = await box.evaluate((el) => el.scrollWidth > el.clientWidth + 1)
      expect(await box.getAttribute('tabindex')).toBe(overflows ? '0' : null)
      // Regions: the shipped GeoIP database knows none, so the table is not shown at all.
      expect(report.regions.every((r) => r.key === '')).toBe(true)
      expect(await page.locator('[data-table="regions"]').count()).toBe(0)
      // The other tables: load, no time by status (an inbox is never online).
      for (const table of ['branches', 'inboxes', 'countries', 'channels'] as const) {
        const headers = await page.locator(`[data-table="${table}"] thead th`).allInnerTexts()
        expect(headers.map((h) => h.trim())).toContain(labels.avg)
        expect(headers.map((h) => h.trim())).toContain(labels.peak)
        expect(headers.map((h) => h.trim())).not.toContain(labels.online)
        expect(headers.map((h) => h.trim())).not.toContain(labels.busy)
      }
      const inbox = report.inboxes[0]!
      const inboxRow = page.locator(`[data-table="inboxes"] tr[data-key="${inbox.key}"]`)
      expect(await inboxRow.locator(`td[data-label="${labels.avg}"]`).innerText()).toBe(
        loadText(inbox.load.average, lang),
      )
      expect(await inboxRow.locator(`td[data-label="${labels.peak}"]`).innerText()).toBe(
        num(lang, inbox.load.peak),
      )
      // With the tables open, still nothing serious for axe.
      expect(await violations(page)).toEqual([])
      await page.close()
    }, 60_000)
  }

  test('analytics - keyboard only (a card, Enter opens its list, Escape closes it), axe light and dark, 375 px in Russian', async () => {
    const page = await openDashboard()
    await tabTo(page, /^Resolved\s*2/)
    const outline = await page.evaluate(
      () => getComputedStyle(document.activeElement as Element).outlineStyle,
    )
    expect(outline).not.toBe('none')
    await page.keyboard.press('Enter')
    const dialog = page.getByRole('dialog', { name: 'Resolved' })
    await dialog.waitFor()
    await until(async () => (await dialog.locator('.an-drill-row').count()) === 2, 'two resolved')
    expect(await violations(page)).toEqual([])
    await page.keyboard.press('Escape')
    await dialog.waitFor({ state: 'detached' })
    expect(await focused(page)).toMatch(/^Resolved\s*2/)
    expect(await violations(page)).toEqual([])
    await page.emulateMedia({ colorScheme: 'dark' })
    // The charts drew again in the dark theme's colours.
    await page.waitForTimeout(200)
    expect(await violations(page)).toEqual([])
    await page.close()

    const phone = await openDashboard({ viewport: { width: 375, height: 740 }, ru: true })
    await phone.emulateMedia({ colorScheme: 'dark' })
    await phone.getByRole('heading', { name: 'Аналитика' }).waitFor()
    expect(await card(phone, 'conversations').innerText()).toContain('Разговоры')
    expect(await phone.locator('[data-table="operators"] h3').innerText()).toBe('Операторы')
    await until(() => fits(phone), 'the dashboard fits 375 px')
    // The charts follow the width of the phone.
    const chartWidth = await phone
      .locator('.an-chart canvas')
      .first()
      .evaluate((el) => el.getBoundingClientRect().width)
    expect(chartWidth).toBeLessThanOrEqual(375)
    // The new figures on a phone: the cards, the load chart's table (scrolls in its own box),
    // the operators' time by status as labelled lines.
    expect(await card(phone, 'online-time').innerText()).toContain('Время в сети')
    expect(await card(phone, 'load').innerText()).toContain('Средняя нагрузка')
    const loadChart = phone.locator('[data-chart="load"]')
    await loadChart.getByRole('button', { name: 'Показать таблицей' }).click()
    await loadChart.locator('.an-series-table').waitFor()
    await phone
      .locator(`[data-table="operators"] tr[data-key="${env.olga.id}"] td[data-label="В сети"]`)
      .waitFor()
    await until(() => fits(phone), 'the dashboard with the load table fits 375 px')
    expect(await violations(phone)).toEqual([])
    await card(phone, 'conversations').click()
    await phone.getByRole('dialog', { name: 'Разговоры' }).waitFor()
    expect(await violations(phone)).toEqual([])
    await phone.close()
  }, 90_000)

  test("analytics - drill-downs: a chart's interval (its cell, the canvas) and Olga's resolved list their conversations; keyboard, axe, 375 px in Russian", async () => {
    const { page, report } = await openReport()
    /** The drill-down's request (its query) and the conversations its dialog lists. */
    async function drilled(name: string, open: () => Promise<void>) {
      const request = page.waitForRequest((r) => r.url().includes('/api/analytics/conversations?'))
      await open()
      const query = new URL((await request).url()).searchParams
      const dialog = page.getByRole('dialog', { name, exact: true })
      await dialog.waitFor()
      const rows = dialog.locator('.an-drill-row')
      await until(
        async () => /^\d+ conversations?/.test(await dialog.getByRole('status').innerText()),
        'the list loaded',
      )
      const ids = await rows.evaluateAll((els) =>
        els.map((el) => el.getAttribute('data-conversation-id')),
      )
      return { query, dialog, ids: ids.sort() }
    }
    const close = async (dialog: ReturnType<Page['getByRole']>) => {
      await dialog.getByRole('button', { name: 'Close' }).click()
      await dialog.waitFor({ state: 'detached' })
    }

    // The volume chart's table: a cell with conversations behind it is a button, a zero is not.
    const chart = page.locator('[data-chart="volume"]')
    await chart.getByRole('button', { name: 'Show as table' }).click()
    const rows = chart.locator('.an-series-table tbody tr')
    await rows.first().waitFor()
    const nonZero = report.series.flatMap((p) => [p.conversations, p.resolved]).filter((n) => n > 0)
    expect(await chart.locator('.an-series-table button').count()).toBe(nonZero.length)
    const i = report.series.findIndex((p) => p.conversations > 0)
    expect(i).toBeGreaterThanOrEqual(0)
    const point = report.series[i]!
    const from = point.at
    const to = report.series[i + 1]?.at ?? report.query.to
    // Exactly the conversations that started in that interval (the test's own).
    const started = env.conversations.filter((_, k) => {
      const at = env.createdAt[k]!
      return at >= from && at < to
    })
    expect(started.length).toBe(point.conversations)
    const label = (await rows.nth(i).locator('th').innerText()).trim()
    const cellButton = rows.nth(i).locator('td').first().getByRole('button')
    expect(await cellButton.getAttribute('aria-label')).toBe(
      `Conversations, ${label}: ${point.conversations} — list them`,
    )
    const byCell = await drilled(`Conversations · ${label}`, () => cellButton.click())
    expect(byCell.query.get('metric')).toBe('created')
    expect(Number(byCell.query.get('from'))).toBe(from)
    expect(Number(byCell.query.get('to'))).toBe(to)
    expect(from % 900_000).toBe(0)
    expect(to % 900_000).toBe(0)
    expect(byCell.ids).toEqual([...started].sort())
    expect(await violations(page)).toEqual([])
    await close(byCell.dialog)

    // A click on the canvas at that point: the same list (the chart's first line).
    const over = chart.locator('.u-over')
    const box = (await over.boundingBox())!
    const n = report.series.length
    const x = n === 1 ? box.width / 2 : Math.min(box.width - 1, (box.width * i) / (n - 1))
    const byCanvas = await drilled(`Conversations · ${label}`, () =>
      over.click({ position: { x, y: box.height / 2 } }),
    )
    expect(Number(byCanvas.query.get('from'))).toBe(from)
    expect(byCanvas.ids).toEqual(byCell.ids)
    await close(byCanvas.dialog)

    // Olga's resolved in the operators' table: the two she resolved, filtered to her.
    const olga = page.locator(`[data-table="operators"] tr[data-key="${env.olga.id}"]`)
    const resolved = olga.locator('td[data-label="Resolved"]').getByRole('button')
    expect(await resolved.innerText()).toBe('2')
    const byRow = await drilled('Resolved · Olga Ortiz', () => resolved.click())
    expect(byRow.query.get('metric')).toBe('resolved')
    expect(byRow.query.get('operator')).toBe(env.olga.id)
    expect(byRow.query.get('from')).toBe(String(report.query.from))
    expect(byRow.ids).toEqual(env.conversations.slice(0, 2).sort())
    await close(byRow.dialog)
    const conversations = olga.locator('td[data-label="Conversations"]').getByRole('button')
    const byFirst = await drilled('Conversations · Olga Ortiz', () => conversations.click())
    expect(byFirst.query.get('metric')).toBe('created')
    expect(byFirst.ids).toEqual([...env.conversations].sort())
    await close(byFirst.dialog)
    // No filter says "none": the Unassigned row (if any) and zeros are plain numbers.
    expect(await page.locator('[data-table] tr[data-key=""] button').count()).toBe(0)

    // Keyboard only: Tab to the interval's cell, Enter lists, Escape closes, the focus is back.
    const name = new RegExp(`^Conversations, ${label}: ${point.conversations} — list them$`)
    // From the chart's own toggle (the page has many stops before it): Tab, Tab… to the cell.
    await chart.getByRole('button', { name: 'Hide the table' }).focus()
    for (let k = 0; k < 20 && !name.test(await focused(page)); k++) await page.keyboard.press('Tab')
    expect(await focused(page)).toMatch(name)
    const outline = await page.evaluate(
      () => getComputedStyle(document.activeElement as Element).outlineStyle,
    )
    expect(outline).not.toBe('none')
    await page.keyboard.press('Enter')
    const dialog = page.getByRole('dialog', { name: `Conversations · ${label}`, exact: true })
    await dialog.waitFor()
    await until(
      async () => (await dialog.locator('.an-drill-row').count()) === started.length,
      'the interval listed',
    )
    await page.keyboard.press('Escape')
    await dialog.waitFor({ state: 'detached' })
    expect(await focused(page)).toMatch(name)
    // The new buttons, light and dark.
    expect(await violations(page)).toEqual([])
    await page.emulateMedia({ colorScheme: 'dark' })
    expect(await violations(page)).toEqual([])
    await page.close()

    // 375 px in Russian: the row's button named in Russian, the page still fits, it opens.
    const phone = await openDashboard({ viewport: { width: 375, height: 740 }, ru: true })
    const phoneResolved = phone
      .locator(`[data-table="operators"] tr[data-key="${env.olga.id}"] td[data-label="Решено"]`)
      .getByRole('button')
    expect(await phoneResolved.getAttribute('aria-label')).toBe(
      'Решено, Olga Ortiz: 2 — показать список',
    )
    await until(() => fits(phone), 'the dashboard fits 375 px')
    await phoneResolved.click()
    const phoneDialog = phone.getByRole('dialog', { name: 'Решено · Olga Ortiz', exact: true })
    await phoneDialog.waitFor()
    await until(async () => (await phoneDialog.locator('.an-drill-row').count()) === 2, 'two')
    expect(await violations(phone)).toEqual([])
    await phone.close()
  }, 90_000)

  test('analytics - conversations by label: the counts and shares the API gives, the row of none, an inbox column for two inboxes; en and ru, 375 px, light and dark, axe', async () => {
    const { page, labels, query } = await openReport()
    // The API read apart with the page's query: the same figures, and those the setup made.
    expect(await api(`/api/analytics/labels${query}`)).toEqual(labels)
    const carrying = (id: string) => env.labelled.filter((ids) => ids.includes(id)).length
    expect(labels.conversations).toBe(env.conversations.length)
    expect(labels.unlabelled).toBe(env.labelled.filter((ids) => ids.length === 0).length)
    expect(labels.labels.map((l) => l.id).sort()).toEqual(Object.values(env.labels).sort())
    for (const l of labels.labels) expect(l.conversations).toBe(carrying(l.id))

    /** The table's rows as shown: each row's key and its cells' text. */
    const shown = (p: Page) =>
      p
        .locator('[data-table="labels"] tbody tr')
        .evaluateAll((rows) =>
          rows.map((tr) => [
            tr.getAttribute('data-key'),
            ...[...tr.children].map((cell) => (cell.textContent ?? '').trim()),
          ]),
        )
    /** What the table should show: the API's labels in its order, then the row of none. */
    const expected = (
      figures: AnalyticsLabels,
      lang: Lang,
      none: string,
      inbox?: (id: string) => string,
    ) => {
      const pct = (n: number) =>
        new Intl.NumberFormat(lang, { style: 'percent', maximumFractionDigits: 0 }).format(
          n / figures.conversations,
        )
      const row = (key: string, name: string, n: number, inboxId?: string) => [
        key,
        name,
        ...(inbox ? [inboxId ? inbox(inboxId) : '–'] : []),
        num(lang, n),
        pct(n),
      ]
      return [
        ...figures.labels.map((l) => row(l.id, l.name, l.conversations, l.inboxId)),
        row('', none, figures.unlabelled),
      ]
    }

    // Named by its heading; one inbox, so no inbox column.
    const table = page.getByRole('table', { name: 'Conversations by label' })
    await table.waitFor()
    expect(await table.locator('thead th').allInnerTexts()).toEqual([
      'Label',
      'Conversations',
      'Share',
    ])
    expect(await shown(page)).toEqual(expected(labels, 'en', 'No label'))
    // The swatch has the label's color and is hidden from screen readers (the name says it).
    const billing = labels.labels.find((l) => l.id === env.labels.Billing)!
    const swatch = table.locator(`tr[data-key="${billing.id}"] .an-swatch`)
    expect(await swatch.getAttribute('aria-hidden')).toBe('true')
    const [r, g, b] = [1, 3, 5].map((i) => parseInt(billing.color.slice(i, i + 2), 16))
    expect(await swatch.evaluate((el) => getComputedStyle(el).backgroundColor)).toBe(
      `rgb(${r}, ${g}, ${b})`,
    )
    expect(await violations(page)).toEqual([])
    await page.emulateMedia({ colorScheme: 'dark' })
    expect(await violations(page)).toEqual([])
    // Other filters: asked again, with the report's query, at the same time.
    const asked = (what: string) =>
      page
        .waitForRequest((r) => r.url().includes(`/api/analytics/${what}?`))
        .then((r) => new URL(r.url()).search)
    const [reportQuery, labelsQuery] = await Promise.all([
      asked('report'),
      asked('labels'),
      page.locator('.an-filters').getByLabel('Dates').selectOption('30d'),
    ])
    expect(labelsQuery).toBe(reportQuery)
    expect(new URLSearchParams(labelsQuery).get('from')).not.toBe(
      new URLSearchParams(query).get('from'),
    )
    await page.close()

    // 375 px, dark, Russian: each row a card of labelled lines, the page still fits.
    const phone = await openReport({ viewport: { width: 375, height: 740 }, ru: true })
    await phone.page.emulateMedia({ colorScheme: 'dark' })
    const ruTable = phone.page.getByRole('table', { name: 'Разговоры по меткам' })
    await ruTable.waitFor()
    expect(phone.labels).toEqual(labels)
    expect(await shown(phone.page)).toEqual(expected(labels, 'ru', 'Без метки'))
    expect(
      await ruTable
        .locator(`tr[data-key="${billing.id}"] td`)
        .evaluateAll((cells) => cells.map((td) => td.getAttribute('data-label'))),
    ).toEqual(['Разговоры', 'Доля'])
    await until(() => fits(phone.page), 'the dashboard fits 375 px')
    expect(await violations(phone.page)).toEqual([])
    await phone.page.emulateMedia({ colorScheme: 'light' })
    expect(await violations(phone.page)).toEqual([])
    await phone.page.close()

    // A second inbox with a label of the same name: a column says whose each label is.
    const other = (await api('/api/admin/inboxes', 'POST', { name: 'Wholesale' })).id as string
    await api(`/api/admin/inboxes/${other}/labels`, 'POST', { name: 'Billing', color: '#9333ea' })
    const { inboxes } = (await api('/api/admin/inboxes')) as {
      inboxes: Array<{ id: string; name: string }>
    }
    const inboxName = (id: string) => inboxes.find((i) => i.id === id)!.name
    const two = await openReport()
    expect(new Set(two.labels.labels.map((l) => l.inboxId))).toEqual(new Set([env.inboxId, other]))
    expect(await api(`/api/analytics/labels${two.query}`)).toEqual(two.labels)
    const twoTable = two.page.getByRole('table', { name: 'Conversations by label' })
    await twoTable.waitFor()
    expect(await twoTable.locator('thead th').allInnerTexts()).toEqual([
      'Label',
      'Inbox',
      'Conversations',
      'Share',
    ])
    // The inboxes' names come with the filters' choices: wait for them.
    await until(
      async () =>
        JSON.stringify(await shown(two.page)) ===
        JSON.stringify(expected(two.labels, 'en', 'No label', inboxName)),
      'the table with its inbox column',
    )
    expect(await violations(two.page)).toEqual([])

    // Inboxes with no labels at all (as the server would answer): a line says so, no table.
    await two.page.route('**/api/analytics/labels?*', (route) =>
      route.fulfill({ json: { conversations: 3, unlabelled: 3, labels: [] } }),
    )
    await two.page.getByRole('button', { name: 'Refresh' }).click()
    await two.page
      .locator('[data-table="labels"]', { hasText: 'No labels in these inboxes yet.' })
      .waitFor()
    expect(await two.page.locator('[data-table="labels"] table').count()).toBe(0)
    await two.page.close()
  }, 90_000)

  test('analytics - a supervisor has the page; a plain operator neither the page nor the API', async () => {
    const other = `http://localhost:${env.server.port}/panel/`
    const page = await env.browser.context.newPage()
    await page.addInitScript(EN)
    await page.goto(other)
    await page.getByLabel('Email').fill('sam@example.com')
    await page.getByLabel('Password').fill(PASSWORD)
    await page.getByRole('button', { name: 'Sign in' }).click()
    await page.locator('.shell[data-connection="connected"]').waitFor()
    await page.getByRole('button', { name: 'Analytics' }).click()
    await page.locator('.an-cards').waitFor()
    expect(await card(page, 'conversations').getByTestId('card-value').innerText()).toBe('3')

    await page.getByRole('button', { name: 'Sign out' }).click()
    await page.getByLabel('Email').fill('olga@example.com')
    await page.getByLabel('Password').fill(PASSWORD)
    await page.getByRole('button', { name: 'Sign in' }).click()
    await page.locator('.shell[data-connection="connected"]').waitFor()
    expect(await page.getByRole('button', { name: 'Inbox' }).isVisible()).toBe(true)
    expect(await page.getByRole('button', { name: 'Analytics' }).count()).toBe(0)
    await page.close()
    const now = Date.now()
    const from = now - (now % 900_000) - 86_400_000
    const res = await env.server.http(
      `/api/analytics/report?from=${from}&to=${from + 86_400_000}`,
      { token: await login('olga@example.com') },
    )
    expect(res.status).toBe(403)
  }, 60_000)
})
