/**
 * The operator panel under a busy inbox (issue 16: "feed updates for a busy inbox (2k msgs/s)
 * coalesce so the panel never falls behind"). A real server (SQLite, pinned to its core), a
 * real Chromium with the panel signed in as an admin (who sees every conversation), and
 * `PARLEY_FEED_VISITORS` visitors (default 250) each sending `PARLEY_FEED_RATE` messages a
 * second (default 8: 2,000 msgs/s in all) for `PARLEY_FEED_SECONDS` (default 10).
 *
 * Measured in the page, first with the inbox quiet (the baseline, same length) and then under
 * the load: animation frame gaps (p50 / p95 / max: the page stays responsive), long tasks (ms
 * of main thread blocked per second), WebSocket messages and bytes the panel received per
 * second against the visitor messages sent (what coalescing saves); then the catch-up: after
 * the load stops, how long until the newest message shows as its row's preview at the top of
 * the list (the panel is not behind). Prints figures; asserts nothing.
 *
 *   node_modules/.bin/bun bench/panel-feed.ts [--no-pin]
 */
import { spawnSync } from 'node:child_process'
import { chromium } from 'playwright-core'
import { call } from './lib/client.ts'
import { ChatMetrics, Visitor } from './lib/actors.ts'
import { ADMIN, metric, setupInbox, startParley, visitorSessions } from './lib/parley.ts'
import { BUN, detectPinning, pinSelf, ROOT } from './lib/procs.ts'
import { nowMs } from './lib/stats.ts'

const VISITORS = Number(process.env.PARLEY_FEED_VISITORS ?? 250)
const RATE = Number(process.env.PARLEY_FEED_RATE ?? 8)
const SECONDS = Number(process.env.PARLEY_FEED_SECONDS ?? 10)
const CHROMIUM = '/usr/bin/chromium'

/** Installed before the panel's scripts: counts what the page's sockets receive, frame gaps and long tasks. */
const PROBE = `
  window.__probe = { messages: 0, bytes: 0, gaps: [], longMs: 0, last: 0, on: false }
  const Native = window.WebSocket
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args)
      this.addEventListener('message', (e) => {
        const p = window.__probe
        p.lastAt = performance.now()
        if (!p.on) return
        p.messages++
        p.bytes += typeof e.data === 'string' ? e.data.length : e.data.byteLength ?? e.data.size ?? 0
      })
    }
  }
  new PerformanceObserver((list) => {
    const p = window.__probe
    if (p.on) for (const e of list.getEntries()) p.longMs += e.duration
  }).observe({ type: 'longtask', buffered: false })
  const tick = (t) => {
    const p = window.__probe
    if (p.on && p.last) p.gaps.push(t - p.last)
    p.last = t
    requestAnimationFrame(tick)
  }
  requestAnimationFrame(tick)
`

interface PageFigures {
  messages: number
  bytes: number
  gaps: number[]
  longMs: number
}

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number
}

const pin = detectPinning(!process.argv.includes('--no-pin'))
pinSelf(pin)
const built = spawnSync(BUN, ['client/build.ts', '--if-stale'], {
  cwd: ROOT,
  stdio: 'inherit',
  env: { ...process.env, NODE_ENV: 'production' },
})
if (built.status !== 0) throw new Error('client build failed')

const server = await startParley({ db: 'sqlite', pin })
const browser = await chromium.launch({
  executablePath: CHROMIUM,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-timer-throttling'],
})
const m = new ChatMetrics()
let visitors: Visitor[] = []
try {
  const setup = await setupInbox(server.url, 0)
  const sessions = await visitorSessions(server.url, setup.inboxId, VISITORS)
  visitors = sessions.map((s) => new Visitor(server.url, s, m))
  for (let i = 0; i < visitors.length; i += 25) {
    await Promise.all(
      visitors.slice(i, i + 25).map(async (v) => {
        await v.connect()
        await v.start()
      }),
    )
  }

  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } })
  await page.addInitScript(PROBE)
  await page.goto(`${server.url}/panel/`)
  await page.getByLabel('Email').fill(ADMIN.email)
  await page.getByLabel('Password').fill(ADMIN.password)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await page.locator('.shell[data-connection="connected"]').waitFor({ timeout: 30_000 })
  await page.getByRole('tab', { name: /^All/ }).click()
  await page.locator('.conversation-row').first().waitFor()

  const measure = async (ms: number): Promise<PageFigures> => {
    await page.evaluate(() => {
      const p = (window as unknown as { __probe: PageFigures & { on: boolean; last: number } })
        .__probe
      Object.assign(p, { messages: 0, bytes: 0, gaps: [], longMs: 0, last: 0, on: true })
    })
    await Bun.sleep(ms)
    return page.evaluate(() => {
      const p = (window as unknown as { __probe: PageFigures & { on: boolean } }).__probe
      p.on = false
      return { messages: p.messages, bytes: p.bytes, gaps: p.gaps, longMs: p.longMs }
    })
  }

  console.log(`quiet inbox, ${SECONDS} s (baseline)…`)
  const quiet = await measure(SECONDS * 1000)

  console.log(`${VISITORS} visitors x ${RATE} msgs/s for ${SECONDS} s…`)
  const start = nowMs()
  const until = start + SECONDS * 1000
  m.recording = true
  const load = Promise.all(
    visitors.map(async (v, i) => {
      const interval = 1000 / RATE
      let next = start + (interval * i) / visitors.length
      const inFlight: Promise<void>[] = []
      while (next < until) {
        const wait = next - nowMs()
        if (wait > 0) await Bun.sleep(wait)
        inFlight.push(v.send(until + 10_000))
        next += interval
      }
      await Promise.all(inFlight)
    }),
  )
  // PARLEY_FEED_PROFILE=1: the page's CPU profile while busy, its heaviest functions printed.
  const cdp = process.env.PARLEY_FEED_PROFILE ? await page.context().newCDPSession(page) : null
  if (cdp) {
    await cdp.send('Profiler.enable')
    await cdp.send('Profiler.start')
  }
  const busy = await measure(SECONDS * 1000)
  if (cdp) {
    const { profile } = await cdp.send('Profiler.stop')
    const self = new Map<string, number>()
    const dt = profile.timeDeltas ?? []
    const byId = new Map(profile.nodes.map((n) => [n.id, n]))
    for (const [i, id] of (profile.samples ?? []).entries()) {
      const f = byId.get(id)?.callFrame
      if (!f) continue
      const key = `${f.functionName || '(anonymous)'} ${f.url.split('/').pop()}:${f.lineNumber + 1}`
      self.set(key, (self.get(key) ?? 0) + (dt[i] ?? 0) / 1000)
    }
    const top = [...self].sort((a, b) => b[1] - a[1]).slice(0, 25)
    console.log('page CPU while busy, self time:')
    for (const [name, ms] of top) console.log(`  ${ms.toFixed(0).padStart(6)} ms  ${name}`)
  }
  console.log(
    `mailbox depth at the end of the load: ${await metric(server.url, 'parley_mailbox_depth')}`,
  )
  await load
  m.recording = false

  // The newest message of all, then how long until the panel shows it on top.
  const marker = `final marker ${Date.now()}`
  const last = visitors[0] as Visitor
  await call(last.conn!, {
    type: 'send',
    conversationId: last.conversationId,
    clientMsgId: 'final-marker',
    text: marker,
  })
  const sentAt = nowMs()
  await page
    .locator('.conversation-row')
    .first()
    .filter({ hasText: marker })
    .waitFor({ timeout: 60_000 })
  const catchUpMs = nowMs() - sentAt
  const quietFor = await page.evaluate(
    () => performance.now() - (window as unknown as { __probe: { lastAt: number } }).__probe.lastAt,
  )
  console.log(`(the page's sockets were quiet for the last ${quietFor.toFixed(0)} ms of it)`)

  const row = (name: string, f: PageFigures, seconds: number) => {
    const gaps = [...f.gaps].sort((a, b) => a - b)
    return {
      phase: name,
      'frame gap p50 ms': quantile(gaps, 0.5).toFixed(1),
      'frame gap p95 ms': quantile(gaps, 0.95).toFixed(1),
      'frame gap max ms': (gaps.at(-1) ?? NaN).toFixed(0),
      'long tasks ms/s': (f.longMs / seconds).toFixed(0),
      'ws msgs/s in': (f.messages / seconds).toFixed(0),
      'ws KB/s in': (f.bytes / 1024 / seconds).toFixed(0),
    }
  }
  const sent = m.acked / SECONDS
  console.log(`\npanel under a busy inbox (${VISITORS} conversations), ${SECONDS} s per phase`)
  console.table([row('quiet (baseline)', quiet, SECONDS), row('busy', busy, SECONDS)])
  const q95 = quantile(
    [...quiet.gaps].sort((a, b) => a - b),
    0.95,
  )
  const b95 = quantile(
    [...busy.gaps].sort((a, b) => a - b),
    0.95,
  )
  console.log(
    `visitor messages acked: ${sent.toFixed(0)}/s (offered ${VISITORS * RATE}/s); ` +
      `socket messages into the panel: ${(busy.messages / SECONDS).toFixed(0)}/s ` +
      `= ${(busy.messages / Math.max(1, m.acked)).toFixed(3)} per visitor message`,
  )
  console.log(`frame gap p95 busy / quiet: ${(b95 / q95).toFixed(2)}x`)
  console.log(
    `catch-up after the load: the newest message on top ${catchUpMs.toFixed(0)} ms after it was sent`,
  )
  if (m.errors > 0 || m.rateLimited > 0) {
    console.log(`errors ${m.errors}, rate limited ${m.rateLimited}`, m.errorCodes)
  }
} finally {
  for (const v of visitors) v.conn?.close()
  await browser.close()
  await server.stop()
}
