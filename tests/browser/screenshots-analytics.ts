/**
 * Screenshots of the analytics dashboard (issue 19) for the README (run by
 * tests/browser/screenshots.ts), with a server of its own: docs/panel-analytics.png (desktop,
 * light), docs/panel-analytics-dark.png, docs/panel-analytics-mobile.png (375 px, dark) and
 * docs/panel-analytics-drill.png (an operator's figure opened: the conversations behind it).
 *
 * The history is two weeks long and made through the real APIs on the server's fake clock,
 * walked forward conversation by conversation: three operators in two branches (Berlin for
 * visitors from Germany, Moscow for Russia, the default one for the rest), visitors from a few
 * countries (named by a trusted proxy's X-Real-IP, placed by the shipped GeoIP database), more
 * on weekdays and in office hours; most answered within minutes and resolved, some rated with a
 * comment, a few transferred, a few never answered, some left open until the next day.
 * Operators work shifts on real sockets: connected on weekdays from about nine to six (one of
 * them at weekends), away for lunch, now and then busy; while they are online routing hands them
 * the conversations, outside their hours someone takes them by hand. So the load (conversations
 * open at the same time) and the time online by status are real too. The one who answers
 * labels the conversation by its question (issue 20: conversations by label; one label is used
 * on none). The projection then catches up.
 *
 * `bun tests/browser/screenshots-analytics.ts` writes these alone.
 */
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { FakeClock } from '../../actors/index.ts'
import { ROOT } from '../../client/build-stamp.ts'
import { ADMIN, startTestServer, type TestServer } from '../helpers/server.ts'
import { TestClient } from '../helpers/ws.ts'
import { ensureClientBuilt, launchBrowser, type TestBrowser } from './harness.ts'
import { PanelPage } from './panel-page.ts'

const PASSWORD = 'operator-password-1'
const MINUTE = 60_000
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR

/** Addresses the shipped GeoIP database places in these countries. */
const ADDRESSES: Record<string, string> = {
  DE: '194.25.0.60',
  RU: '77.88.8.8',
  US: '8.8.8.8',
  GB: '212.58.244.22',
  FR: '80.67.169.12',
  NL: '193.0.14.129',
}
/** Where visitors come from, weighted. */
const COUNTRIES = ['DE', 'DE', 'DE', 'RU', 'RU', 'US', 'US', 'GB', 'FR', 'NL']
const QUESTIONS = [
  'Where is my order?',
  'Do you ship to Norway?',
  'Can I change the delivery address?',
  'Is the Ethiopia roast decaf?',
  'How do I pause my subscription?',
  'My grinder arrived broken',
  'Do you have gift cards?',
]
/** The labels of the inbox, and which the answer puts on each question (none: unlabelled). */
const LABELS = {
  'Order status': '#2563eb',
  Shipping: '#0d9488',
  Returns: '#dc2626',
  Subscription: '#9333ea',
  Wholesale: '#d97706',
} as const
type LabelName = keyof typeof LABELS
const LABELLED: Record<string, LabelName[]> = {
  'Where is my order?': ['Order status'],
  'Do you ship to Norway?': ['Shipping'],
  'Can I change the delivery address?': ['Order status', 'Shipping'],
  'How do I pause my subscription?': ['Subscription'],
  'My grinder arrived broken': ['Returns'],
}
const COMMENTS = ['Quick and kind, thank you!', 'Solved in minutes', 'A bit slow, but helpful']

/** A small deterministic random source: the same history every run. */
function random(seed: number) {
  let s = seed
  return () => {
    s = (s * 1_103_515_245 + 12_345) % 2_147_483_648
    return s / 2_147_483_648
  }
}

export async function analyticsShots(browser: TestBrowser): Promise<void> {
  const now = Date.now()
  const today = new Date(now)
  const firstDay = new Date(today.getFullYear(), today.getMonth(), today.getDate() - 14).getTime()
  const clock = new FakeClock(firstDay)
  const server = await startTestServer({
    clock,
    env: {
      TRUST_PROXY: '127.0.0.1',
      // Sessions are signed in again every few (fake) days: a week is the longest allowed.
      OPERATOR_SESSION_TTL: String(7 * 86400),
    },
  })
  const sockets: TestClient[] = []
  try {
    const history = await seed(server, clock, firstDay, now - 20 * MINUTE, sockets)
    await server.analytics.catchUp()
    console.log(`analytics: ${history} conversations over two weeks`)

    for (const shot of [
      { file: 'panel-analytics.png', theme: 'light', width: 1280 },
      { file: 'panel-analytics-dark.png', theme: 'dark', width: 1280 },
      { file: 'panel-analytics-mobile.png', theme: 'dark', width: 375 },
    ] as const) {
      const { page } = await PanelPage.open(browser.context, server.url, {
        viewport: { width: shot.width, height: 900 },
        initScript: "localStorage.setItem('parley:lang', 'en')",
      })
      await page.emulateMedia({ colorScheme: shot.theme })
      await page.getByRole('button', { name: 'Analytics' }).click()
      await page.locator('.an-comments').waitFor()
      await shoot(page, shot.file, shot.width === 375 ? 1960 : null)
      await page.close()
    }

    // A breakdown row's figure opens the conversations behind it (the drill-down).
    const { page } = await PanelPage.open(browser.context, server.url, {
      viewport: { width: 1280, height: 900 },
      initScript: "localStorage.setItem('parley:lang', 'en')",
    })
    await page.emulateMedia({ colorScheme: 'light' })
    await page.getByRole('button', { name: 'Analytics' }).click()
    await page.locator('.an-comments').waitFor()
    await page
      .locator('[data-table="operators"] button.an-drill-link')
      .filter({ hasText: /^[1-9]/ })
      .nth(1)
      .click()
    await page.locator('.an-drill-list li').first().waitFor()
    const path = join(ROOT, 'docs', 'panel-analytics-drill.png')
    await page.screenshot({ path })
    console.log(`wrote ${path}`)
    await page.close()
  } finally {
    for (const ws of sockets) ws.close()
    await server.stop()
  }
}

/** The whole page (its <main> scrolls: the window grows to show it), or its top `height` px. */
async function shoot(page: Page, file: string, height: number | null): Promise<void> {
  const full = await page
    .locator('main')
    .evaluate((el) => el.scrollHeight + el.getBoundingClientRect().top)
  const width = page.viewportSize()?.width ?? 1280
  await page.setViewportSize({ width, height: Math.ceil(height ?? full) })
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur())
  // The charts follow the new size.
  await page.waitForTimeout(400)
  const path = join(ROOT, 'docs', file)
  await page.screenshot({ path })
  console.log(`wrote ${path}`)
}

/**
 * Two weeks of conversations up to `until`; how many. The operators' sockets still open at the
 * end (the shift of now) are left in `sockets`.
 */
async function seed(
  server: TestServer,
  clock: FakeClock,
  from: number,
  until: number,
  sockets: TestClient[],
) {
  const rnd = random(19)
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)] as T
  let admin = await server.adminToken()
  const inboxId = await server.defaultInboxId()
  const call = async (path: string, token: string, body?: unknown, method?: string) => {
    const res = await server.http(path, { token, body, method })
    if (res.status >= 300) throw new Error(`${path}: ${res.status} ${JSON.stringify(res.body)}`)
    return res.body
  }
  // A conversation waits a quarter of an hour for its first answer before it moves on.
  await call(
    `/api/admin/inboxes/${inboxId}`,
    admin,
    { settings: { rating: 'stars', escalationMinutes: 15 } },
    'PATCH',
  )
  const people = [
    { email: 'anna@example.com', name: 'Anna Schmidt' },
    { email: 'lukas@example.com', name: 'Lukas Weber' },
    { email: 'olga@example.com', name: 'Olga Ivanova' },
  ]
  const ops: Array<{ id: string; email: string; token: string; ws: TestClient | null }> = []
  for (const p of people) {
    const op = await call('/api/admin/operators', admin, {
      ...p,
      password: PASSWORD,
      role: 'operator',
      canChat: true,
      inboxIds: [inboxId],
    })
    ops.push({ id: op.id, email: p.email, token: '', ws: null })
  }
  const weekdays = Object.fromEntries(
    ['mon', 'tue', 'wed', 'thu', 'fri'].map((d) => [d, [{ from: '09:00', to: '18:00' }]]),
  )
  const branch = async (name: string, timeZone: string, members: string[]) =>
    (
      await call(`/api/admin/inboxes/${inboxId}/branches`, admin, {
        name,
        operatorIds: members,
        schedule: { timeZone, week: weekdays, exceptions: [] },
      })
    ).id as string
  const berlin = await branch('Berlin', 'Europe/Berlin', [ops[0]!.id, ops[1]!.id])
  const moscow = await branch('Moscow', 'Europe/Moscow', [ops[2]!.id])
  await call(
    `/api/admin/inboxes/${inboxId}/routing`,
    admin,
    {
      geoRules: [
        { country: 'DE', branchId: berlin },
        { country: 'RU', branchId: moscow },
      ],
    },
    'PUT',
  )
  const labelIds = {} as Record<LabelName, string>
  for (const [name, color] of Object.entries(LABELS) as Array<[LabelName, string]>) {
    const res = await call(`/api/admin/inboxes/${inboxId}/labels`, admin, { name, color })
    labelIds[name] = res.label.id as string
  }
  /** Operators of a branch, by country of the visitor. */
  const teamFor = (country: string) =>
    country === 'DE' ? ops.slice(0, 2) : country === 'RU' ? ops.slice(2) : ops

  let signedInAt = -Infinity
  const signIn = async () => {
    for (const person of [...ops, { email: ADMIN.email }]) {
      const res = await server.http('/api/auth/login', {
        body: { email: person.email, password: 'id' in person ? PASSWORD : ADMIN.password },
      })
      if ('id' in person) person.token = res.body.token as string
      else admin = res.body.token as string
    }
    signedInAt = clock.now()
  }
  const advanceTo = async (at: number) => {
    if (at > clock.now()) await clock.advance(at - clock.now())
    if (clock.now() - signedInAt > 3 * DAY) await signIn()
  }
  /** What falls due as the clock walks on (shifts, late resolutions), in time order. */
  const agenda: Array<{ at: number; run: () => Promise<void> }> = []
  const later = (at: number, run: () => Promise<void>) => {
    agenda.push({ at, run })
    agenda.sort((a, b) => a.at - b.at)
  }
  const walkTo = async (at: number) => {
    while (agenda.length > 0 && agenda[0]!.at <= at) {
      const next = agenda.shift()!
      await advanceTo(next.at)
      await next.run()
    }
    await advanceTo(at)
  }

  // Shifts: on weekdays everyone from about nine to six, away for lunch, busy for a while on
  // some afternoons; at weekends one of them (in turn) from ten to four.
  type Status = 'online' | 'away' | 'busy'
  const connect = (op: (typeof ops)[number]) => async () => {
    op.ws = await TestClient.connect(server.wsUrl, { token: op.token })
    await op.ws.ok({ type: 'set_operator_status', status: 'online' })
  }
  const status = (op: (typeof ops)[number], to: Status) => async () => {
    await op.ws?.ok({ type: 'set_operator_status', status: to })
  }
  const leave = (op: (typeof ops)[number]) => async () => {
    op.ws?.close()
    op.ws = null
  }
  let weekendTurn = 0
  for (let day = from; day < until; day += DAY) {
    const weekday = new Date(day).getDay()
    if (weekday === 0 || weekday === 6) {
      const op = ops[weekendTurn++ % ops.length]!
      later(day + 10 * HOUR, connect(op))
      later(day + 16 * HOUR, leave(op))
      continue
    }
    for (const op of ops) {
      const start = day + 8 * HOUR + 45 * MINUTE + Math.floor(rnd() * 30) * MINUTE
      const lunch = day + 12 * HOUR + 30 * MINUTE + Math.floor(rnd() * 60) * MINUTE
      later(start, connect(op))
      later(lunch, status(op, 'away'))
      later(lunch + (30 + Math.floor(rnd() * 20)) * MINUTE, status(op, 'online'))
      if (rnd() < 0.5) {
        const busy = day + 15 * HOUR + Math.floor(rnd() * 90) * MINUTE
        later(busy, status(op, 'busy'))
        later(busy + (20 + Math.floor(rnd() * 40)) * MINUTE, status(op, 'online'))
      }
      later(day + 17 * HOUR + 45 * MINUTE + Math.floor(rnd() * 45) * MINUTE, leave(op))
    }
  }
  /** The conversation's assignee now (routing may have given it to someone online). */
  const assignee = async (path: string) => {
    const id = (await call(path, admin)).conversation.assigneeId as string | null
    return ops.find((o) => o.id === id)
  }
  /** Its assignee resolves it then (one still waiting for someone: an hour later). */
  const resolveLater = (path: string, at: number) => {
    if (at >= until) return // still open now
    later(at, async () => {
      const view = (await call(path, admin)).conversation
      if (view.status !== 'open') return
      const owner = ops.find((o) => o.id === view.assigneeId)
      if (owner) await call(`${path}/status`, owner.token, { status: 'resolved' })
      else resolveLater(path, at + HOUR)
    })
  }

  let made = 0
  for (let day = from; day < until; day += DAY) {
    const weekday = new Date(day).getDay()
    const weekend = weekday === 0 || weekday === 6
    const count = weekend ? 2 + Math.floor(rnd() * 3) : 6 + Math.floor(rnd() * 6)
    // Office hours mostly, a peak before noon and after lunch.
    const times = Array.from({ length: count }, () => {
      const hour = rnd() < 0.75 ? 9 + Math.floor(rnd() * 9) : 7 + Math.floor(rnd() * 15)
      return day + hour * HOUR + Math.floor(rnd() * 60) * MINUTE
    }).sort((a, b) => a - b)
    for (const at of times) {
      if (at <= clock.now() || at > until) continue
      await walkTo(at)
      const country = pick(COUNTRIES)
      const { token: visitor } = await server.visitorToken(inboxId)
      const question = pick(QUESTIONS)
      const res = await fetch(`${server.url}/api/visitor/conversations`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${visitor}`,
          'x-real-ip': ADDRESSES[country]!,
        },
        body: JSON.stringify({ text: question }),
      })
      if (res.status !== 201) throw new Error(`start: ${res.status} ${await res.text()}`)
      const id = ((await res.json()) as { conversation: { id: string } }).conversation.id
      made++
      const path = `/api/conversations/${id}`
      if (rnd() < 0.08) {
        // Never answered: the visitor left; whoever has it closes it within the hour or two.
        resolveLater(path, clock.now() + (30 + rnd() * 90) * MINUTE)
        continue
      }
      await walkTo(clock.now() + (1 + rnd() * 8) * MINUTE * (weekend ? 3 : 1))
      // Routed to someone online, or (outside their hours) taken by hand.
      // (Picked either way: the same history every run, whoever routing chose.)
      const taker = pick(teamFor(country))
      let op = await assignee(path)
      if (!op) {
        const res = await server.http(`${path}/assign`, {
          token: taker.token,
          body: { operatorId: taker.id },
        })
        // Routing may have been quicker (someone just came online): theirs then.
        if (res.status === 409) op = await assignee(path)
        else if (res.status >= 300)
          throw new Error(`assign: ${res.status} ${JSON.stringify(res.body)}`)
        op ??= taker
      }
      await walkTo(clock.now() + (0.5 + rnd() * 4) * MINUTE)
      op = (await assignee(path)) ?? op
      await call(`${path}/messages`, op.token, {
        clientMsgId: `a-${id}`,
        text: 'Hello! Let me check.',
      })
      const add = (LABELLED[question] ?? []).map((name) => labelIds[name])
      if (add.length > 0) await call(`${path}/labels`, op.token, { add })
      const turns = 1 + Math.floor(rnd() * 3)
      for (let i = 0; i < turns; i++) {
        await walkTo(clock.now() + (1 + rnd() * 3) * MINUTE)
        await call(`${path}/messages`, visitor, {
          clientMsgId: `v${i}-${id}`,
          text: 'Thanks, and…',
        })
        await walkTo(clock.now() + (1 + rnd() * 5) * MINUTE)
        await call(`${path}/messages`, op.token, { clientMsgId: `o${i}-${id}`, text: 'Done.' })
      }
      let owner = op
      if (rnd() < 0.1) {
        owner = ops.find((o) => o !== op) ?? op
        await call(`${path}/transfer`, op.token, {
          to: { operatorId: owner.id },
          note: 'Can you take this one?',
        })
      }
      if (rnd() < 0.15) {
        // Waiting on something: resolved the next working day (or still open now).
        resolveLater(path, clock.now() + (14 + rnd() * 10) * HOUR)
      } else {
        await walkTo(clock.now() + (2 + rnd() * 25) * MINUTE)
        await call(`${path}/status`, owner.token, { status: 'resolved' })
        if (rnd() < 0.6) {
          const score = rnd() < 0.7 ? 5 : rnd() < 0.7 ? 4 : 3
          const comment = rnd() < 0.35 ? pick(COMMENTS) : undefined
          await call(`${path}/rating`, visitor, { score, ...(comment ? { comment } : {}) })
        }
      }
    }
  }
  await walkTo(until)
  // Whoever is on shift now stays connected (closed with the server).
  for (const op of ops) if (op.ws) sockets.push(op.ws)
  return made
}

if (import.meta.main) {
  ensureClientBuilt()
  const browser = await launchBrowser()
  try {
    await analyticsShots(browser)
  } finally {
    await browser.close()
  }
}
