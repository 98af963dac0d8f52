/**
 * Browser test harness: Debian's Chromium driven by playwright-core (never a downloaded
 * browser), against the real server on a free port serving the real build of the client.
 *
 * Chromium missing: with CI=true the tests fail (launch throws); elsewhere they are skipped
 * with a message saying how to install it (`apt-get install chromium`).
 */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  chromium,
  type Browser,
  type BrowserContext,
  type FrameLocator,
  type Locator,
  type Page,
} from 'playwright-core'
import { isDistFresh, ROOT } from '../../client/build-stamp.ts'
import { afterAll, beforeAll } from 'bun:test'
import { startTestServer, type TestServer } from '../helpers/server.ts'
import { TestClient, type Frame } from '../helpers/ws.ts'

export const CHROMIUM = '/usr/bin/chromium'
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

/** Skip only outside CI, and only when Chromium is not installed. */
export const skipBrowserTests = !existsSync(CHROMIUM) && process.env.CI !== 'true'
if (skipBrowserTests) {
  console.warn(`browser tests skipped: ${CHROMIUM} is missing (apt-get install -y chromium)`)
}

/** Builds the client when dist/ is missing or older than its sources. */
export function ensureClientBuilt(): void {
  if (isDistFresh()) return
  // bun test sets NODE_ENV=test, which would make vite bundle Solid's development build.
  const result = spawnSync(process.execPath, ['client/build.ts'], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, NODE_ENV: 'production' },
  })
  if (result.status !== 0) throw new Error(`client build failed:\n${result.stdout}${result.stderr}`)
}

export interface TestBrowser {
  context: BrowserContext
  close(): Promise<void>
}

const VIEWPORT = { width: 1100, height: 760 }

/**
 * One Chromium per `bun test` process, shared by every test file in it: launching one costs
 * 1-2.5 s of a loaded CI core, and the browser step launched about a hundred. Each test still
 * gets its own browser context (its own cookies, storage, permissions and cache), which is what
 * isolated them. Closed once the last context is closed and no file asks for another soon;
 * playwright kills it if the process ends first.
 */
let shared: Promise<Browser> | null = null
let openContexts = 0
let idleTimer: ReturnType<typeof setTimeout> | undefined
const SHARED_IDLE_MS = 3_000

function sharedBrowser(): Promise<Browser> {
  clearTimeout(idleTimer)
  if (!shared) {
    const launching = chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS })
    shared = launching
    launching
      .then((browser) =>
        browser.on('disconnected', () => {
          if (shared === launching) shared = null
        }),
      )
      .catch(() => {
        if (shared === launching) shared = null
      })
  }
  return shared
}

function releaseShared(): void {
  if (--openContexts > 0) return
  clearTimeout(idleTimer)
  idleTimer = setTimeout(() => {
    const closing = shared
    shared = null
    void closing?.then((browser) => browser.close()).catch(() => {})
  }, SHARED_IDLE_MS)
  idleTimer.unref?.()
}

/**
 * A fresh browser context on the shared Chromium. `persistent: true` launches a Chromium of its
 * own on a fresh profile (--user-data-dir in a new temp folder) instead: Chromium keeps the Push
 * API away from the off-the-record contexts a shared browser hands out.
 */
export async function launchBrowser(options: { persistent?: boolean } = {}): Promise<TestBrowser> {
  if (options.persistent) {
    const profile = mkdtempSync(join(tmpdir(), 'parley-chromium-'))
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ARGS,
      viewport: VIEWPORT,
    })
    return {
      context,
      async close() {
        await context.close()
        rmSync(profile, { recursive: true, force: true })
      },
    }
  }
  openContexts++
  let context: BrowserContext
  try {
    context = await (await sharedBrowser()).newContext({ viewport: VIEWPORT })
  } catch (error) {
    releaseShared()
    throw error
  }
  let closed = false
  return {
    context,
    async close() {
      if (closed) return
      closed = true
      try {
        await context.close()
      } finally {
        releaseShared()
      }
    },
  }
}

/**
 * A host page on another origin: a real server on another port, on loopback like Parley (a
 * page faked by request interception counts as public, and Chromium keeps public pages away
 * from loopback addresses).
 */
export function serveHostPage(html: string) {
  return Bun.serve({
    port: 0,
    hostname: '127.0.0.1',
    fetch: () => new Response(html, { headers: { 'content-type': 'text/html; charset=utf-8' } }),
  })
}

/**
 * A site embedding the widget, as a real one does. Unlike the demo page (sandboxed like the
 * widget frame), its storage works, so the visitor and outbox outlive a reload.
 */
export function embeddingPage(server: TestServer, inboxId: string, attrs = ''): string {
  return `<!doctype html><html lang="en"><head><title>Embedding site</title></head><body>
<p>A site with the Parley widget</p>
<script src="${server.url}/widget/loader.js" data-inbox="${inboxId}"${attrs} async></script>
</body></html>`
}

/** Polls until check passes (or throws with what it last saw). */
export async function until(
  check: () => Promise<boolean> | boolean,
  what: string,
  timeoutMs = 10_000,
): Promise<void> {
  const start = Date.now()
  while (!(await check())) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

/** The widget on a host page, seen the way a visitor sees it. */
export class Widget {
  readonly frame: FrameLocator

  constructor(readonly page: Page) {
    this.frame = page.frameLocator('iframe[title="Support chat"], iframe[title="Чат поддержки"]')
  }

  static async open(context: BrowserContext, url: string): Promise<Widget> {
    const page = await context.newPage()
    page.on('dialog', (d) => {
      throw new Error(`unexpected dialog: ${d.message()}`)
    })
    await page.goto(url)
    const widget = new Widget(page)
    await widget.launcher.waitFor()
    return widget
  }

  get root(): Locator {
    return this.frame.locator('.pw')
  }

  get launcher(): Locator {
    return this.frame.locator('.launcher')
  }

  get input(): Locator {
    return this.frame.locator('textarea')
  }

  async openChat(): Promise<void> {
    await this.launcher.click()
    await this.input.waitFor()
  }

  async send(text: string): Promise<void> {
    await this.input.fill(text)
    await this.input.press('Enter')
  }

  /** The message rows containing text. */
  message(text: string): Locator {
    return this.frame.locator('.list .row', { hasText: text })
  }

  async status(text: string): Promise<string | null> {
    return this.message(text).getAttribute('data-status')
  }

  async waitStatus(text: string, status: string, timeoutMs = 10_000): Promise<void> {
    await this.frame
      .locator(`.list .row[data-status="${status}"]`, { hasText: text })
      .waitFor({ timeout: timeoutMs })
  }

  async texts(): Promise<string[]> {
    return this.frame.locator('.list .row:not(.greeting) .text').allInnerTexts()
  }
}

/** Until the inbox's availability says online (the widget then offers a chat, not the form). */
export function waitOnline(server: TestServer, inboxId: string): Promise<void> {
  return until(
    async () =>
      (await server.http(`/api/visitor/availability?inboxId=${inboxId}`)).body.state === 'online',
    'the inbox to be online',
  )
}

/** An operator of an inbox (the default one), on a raw WebSocket (the panel comes later). */
export async function connectOperator(server: TestServer, inbox?: string) {
  const inboxId = inbox ?? (await server.defaultInboxId())
  const op = await server.operator({ inboxIds: [inboxId] })
  const client = await TestClient.connect(server.wsUrl, { token: op.token })
  await client.ok({ type: 'feed_subscribe' })
  const seen = new Set<string>()
  return {
    ...op,
    client,
    /**
     * Waits for a conversation created that this helper has not returned before (the frames
     * received so far count too), then subscribes from seq 0.
     */
    async newConversation(timeoutMs = 15_000): Promise<string> {
      const feed = await client.next(
        (f) =>
          f.type === 'feed' &&
          f.name === 'conversation' &&
          f.data.change === 'created' &&
          !seen.has(f.data.conversation.id),
        timeoutMs,
      )
      const id = feed.data.conversation.id as string
      seen.add(id)
      await client.ok({ type: 'subscribe', conversationId: id, afterSeq: 0 })
      return id
    },
    /** Waits for the visitor's conversation in the live feed, then subscribes from seq 0. */
    async conversation(): Promise<string> {
      const feed = await client.next(
        (f) =>
          f.type === 'feed' &&
          f.name === 'conversation' &&
          (f.data.change === 'created' || f.data.change === 'message'),
        10_000,
      )
      const id = feed.data.conversation.id as string
      await client.ok({ type: 'subscribe', conversationId: id, afterSeq: 0 })
      return id
    },
    message(conversationId: string, text: string): Promise<Frame> {
      return client.next(
        (f) =>
          f.type === 'event' &&
          f.conversationId === conversationId &&
          f.name === 'message.created' &&
          f.data.message.text === text,
        10_000,
      )
    },
  }
}

/**
 * Lets the widget of these inboxes run on any site, as an admin chooses in the panel: the test
 * host pages live on other loopback ports (S3, issue 18: an inbox created without that choice
 * runs on none; the default inbox of a first start runs anywhere).
 */
export async function allowAnySite(server: TestServer, ...inboxIds: string[]): Promise<void> {
  const token = await server.adminToken()
  for (const id of inboxIds) {
    const res = await server.http(`/api/admin/inboxes/${id}`, {
      method: 'PATCH',
      token,
      body: { settings: { allowedOrigins: [] } },
    })
    if (res.status !== 200) throw new Error(`allowAnySite: ${JSON.stringify(res.body)}`)
  }
}

/**
 * One real server and one browser for a describe block: started before its tests (building the
 * client if stale), stopped after. Tests read `env.server` and `env.browser`; a test that
 * restarts the server assigns the new one to `env.server` so it is stopped too.
 */
export function useServerAndBrowser(
  serverEnv?: Record<string, string>,
  browserOptions: { persistent?: boolean } = {},
): {
  server: TestServer
  browser: TestBrowser
} {
  const env = {} as { server: TestServer; browser: TestBrowser }
  beforeAll(async () => {
    ensureClientBuilt()
    env.server = await startTestServer(serverEnv ? { env: serverEnv } : {})
    env.browser = await launchBrowser(browserOptions)
  }, 120_000)
  afterAll(async () => {
    await env.browser?.close()
    await env.server?.stop()
  })
  return env
}
