import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { DIST } from '../../client/build-stamp.ts'
import { resolveInside } from '../../server/http/static.ts'
import { startTestServer, type TestServer } from '../helpers/server.ts'
import { ensureClientBuilt } from './harness.ts'

describe('static files', () => {
  let server: TestServer

  beforeAll(async () => {
    ensureClientBuilt()
    server = await startTestServer()
  }, 120_000)

  afterAll(async () => {
    await server?.stop()
  })

  const get = (path: string, headers: Record<string, string> = {}) =>
    fetch(server.url + path, { headers, redirect: 'manual' })

  test('static - the demo page embeds the loader with the default inbox', async () => {
    const res = await get('/')
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8')
    expect(res.headers.get('cache-control')).toBe('no-cache')
    const html = await res.text()
    const inbox = await server.defaultInboxId()
    expect(html).toContain(`<script src="/widget/loader.js" data-inbox="${inbox}" async></script>`)
    // Sandboxed like the widget frame: nothing on it shares the panel's origin.
    const csp = res.headers.get('content-security-policy') ?? ''
    expect(csp).toContain('sandbox allow-scripts')
    expect(csp).not.toContain('allow-same-origin')
    const ru = await (await get('/?lang=ru&theme=dark&delay=3&scroll&inbox="><x')).text()
    expect(ru).toContain('<html lang="ru">')
    expect(ru).toContain('data-theme="dark" data-delay="3" data-on-scroll=""')
    expect(ru).not.toContain('"><x')
  })

  test('static - the API description moved to /api', async () => {
    const res = await server.http('/api')
    expect(res.body).toEqual({ name: 'parley', websocket: '/ws', docs: 'docs/protocol.md' })
  })

  test('static - the loader and pages revalidate; hashed assets are immutable', async () => {
    const loader = await get('/widget/loader.js')
    expect(loader.status).toBe(200)
    expect(loader.headers.get('content-type')).toBe('text/javascript; charset=utf-8')
    expect(loader.headers.get('cache-control')).toBe('no-cache')
    const etag = loader.headers.get('etag') ?? ''
    expect((await get('/widget/loader.js', { 'if-none-match': etag })).status).toBe(304)

    const frame = await get('/widget/frame.html')
    expect(frame.headers.get('content-type')).toBe('text/html; charset=utf-8')
    expect(frame.headers.get('content-security-policy')).toContain("script-src 'self'")
    expect(frame.headers.get('content-security-policy')).toContain(
      'sandbox allow-scripts allow-popups allow-popups-to-escape-sandbox allow-forms',
    )
    expect(frame.headers.get('content-security-policy')).not.toContain('allow-same-origin')
    const asset = readdirSync(join(DIST, 'widget', 'assets')).find((f) => f.endsWith('.css'))
    const css = await get(`/widget/assets/${asset}`)
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8')
    expect(css.headers.get('cache-control')).toBe('public, max-age=31536000, immutable')
  })

  test('static - gzip twins go to browsers that accept them', async () => {
    const res = await fetch(`${server.url}/widget/loader.js`, {
      headers: { 'accept-encoding': 'gzip' },
      decompress: false,
    })
    expect(res.headers.get('content-encoding')).toBe('gzip')
    expect(res.headers.get('vary')).toBe('Accept-Encoding')
  })

  test('static - the panel: its page for client routes, 404 for missing assets, never framed', async () => {
    expect((await get('/panel')).headers.get('location')).toBe('/panel/')
    const index = await get('/panel/')
    expect(index.status).toBe(200)
    expect(await index.text()).toContain('<div id="root">')
    const page = await get('/panel/conversations/123')
    expect(page.status).toBe(200)
    expect(page.headers.get('x-frame-options')).toBe('DENY')
    expect(await page.text()).toContain('<div id="root">')
    expect((await get('/panel/assets/missing.js')).status).toBe(404)
  })

  test('static - paths never leave dist/', async () => {
    for (const path of [
      '/widget/..%2f..%2fpackage.json',
      '/widget/%2e%2e/.build-stamp',
      '/widget/.build-stamp',
    ]) {
      expect((await get(path)).status).toBe(404)
    }
    const root = '/srv/dist/widget'
    expect(resolveInside(root, 'loader.js')).toBe('/srv/dist/widget/loader.js')
    expect(resolveInside(root, '../panel/index.html')).toBeNull()
    expect(resolveInside(root, '..%2F..%2Fetc%2Fpasswd')).toBeNull()
    expect(resolveInside(root, 'a%00.js')).toBeNull()
    expect(resolveInside(root, 'a\\..\\b.js')).toBeNull()
    expect(resolveInside(root, '%E0%A4%A')).toBeNull()
    expect(resolveInside(root, '')).toBeNull()
  })
})
