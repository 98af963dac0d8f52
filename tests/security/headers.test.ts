/**
 * Security headers on every HTML response (issue 18, sessions hygiene): a CSP, no referrer, no
 * MIME sniffing; the panel and the demo page are never framed (frame-ancestors 'none' and
 * X-Frame-Options DENY), the widget frame only where its inbox allows (origins.test.ts) and in
 * a sandbox. The panel's token travels in the Authorization header, never in a cookie: no
 * response sets one.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { ensureClientBuilt } from '../browser/harness.ts'
import { startTestServer, type TestServer } from '../helpers/server.ts'

let s: TestServer

beforeAll(async () => {
  ensureClientBuilt()
  s = await startTestServer()
}, 120_000)

afterAll(async () => {
  await s.stop()
})

const directives = (csp: string) =>
  new Map(
    csp
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((d) => d[0])
      .map(([name, ...values]) => [name!, values.join(' ')]),
  )

describe('security headers', () => {
  test('headers - every HTML page carries a CSP, no-referrer and nosniff; the panel and the demo page refuse framing; no cookie is ever set', async () => {
    const inboxId = await s.defaultInboxId()
    const pages: Array<[string, 'panel' | 'demo' | 'frame']> = [
      ['/', 'demo'],
      ['/panel/', 'panel'],
      ['/panel/conversations/some-route', 'panel'],
      [`/widget/frame.html?inbox=${inboxId}`, 'frame'],
    ]
    for (const [path, kind] of pages) {
      const res = await fetch(s.url + path)
      expect({ path, status: res.status }).toEqual({ path, status: 200 })
      expect(res.headers.get('content-type')).toStartWith('text/html')
      const csp = directives(res.headers.get('content-security-policy') ?? '')
      expect({ path, base: csp.get('base-uri'), object: csp.get('object-src') }).toEqual({
        path,
        base: "'none'",
        object: "'none'",
      })
      expect(csp.get('script-src')).toBe("'self'")
      expect(res.headers.get('referrer-policy')).toBe('no-referrer')
      expect(res.headers.get('x-content-type-options')).toBe('nosniff')
      expect(res.headers.get('set-cookie')).toBeNull()
      if (kind === 'frame') {
        expect(csp.get('sandbox')).toContain('allow-scripts')
        expect(csp.get('sandbox')).not.toContain('allow-same-origin')
      } else {
        expect({ path, ancestors: csp.get('frame-ancestors') }).toEqual({
          path,
          ancestors: "'none'",
        })
        expect(res.headers.get('x-frame-options')).toBe('DENY')
      }
    }
    const login = await fetch(`${s.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'admin@example.com', password: 'wrong password' }),
    })
    expect(login.headers.get('set-cookie')).toBeNull()
  })
})
