/**
 * The visitor's context (identity and context) through the real server, on SQLite or Postgres
 * (PARLEY_TEST_DB): the page the widget reports when a conversation starts, with the browser,
 * OS and device the server reads from the User-Agent, kept in the creation event; page changes
 * while it is open as `conversation.context` events (none for the same page again); operators
 * read the newest. Bad values are refused and record nothing.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { parseUserAgent } from '../../server/visitor-context.ts'
import { startTestServer, type TestServer } from '../helpers/server.ts'

let s: TestServer

beforeAll(async () => {
  s = await startTestServer()
})
afterAll(async () => {
  await s.stop()
})

const IPHONE =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1'
const LINUX_CHROME =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36'

const PAGE = {
  url: 'https://shop.example.com/cart?id=7',
  title: 'Your cart',
  referrer: 'https://www.example.org/search?q=shoes',
  language: 'ru-RU',
  timeZone: 'Europe/Moscow',
}

async function start(token: string, body: Record<string, unknown>, userAgent = IPHONE) {
  const res = await fetch(`${s.url}/api/visitor/conversations`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${token}`,
      'user-agent': userAgent,
    },
    body: JSON.stringify(body),
  })
  return { status: res.status, body: (await res.json()) as Record<string, any> }
}

describe('visitor context', () => {
  test('context - the user agent reads as browser, OS and device', () => {
    expect(parseUserAgent(IPHONE)).toEqual({
      browser: 'Mobile Safari 17',
      os: 'iOS 17.4',
      device: 'mobile',
    })
    expect(parseUserAgent(LINUX_CHROME)).toEqual({
      browser: 'Chrome 131',
      os: 'Linux',
      device: 'desktop',
    })
    expect(parseUserAgent(null)).toEqual({ browser: null, os: null, device: null })
    expect(parseUserAgent('curl-ish thing')).toEqual({ browser: null, os: null, device: null })
  })

  test('context - reported at start, changed by page moves, read by operators', async () => {
    const { token } = await s.visitorToken()
    const started = await start(token, { text: 'hello', context: PAGE })
    expect(started.status).toBe(201)
    const id = started.body.conversation.id as string
    const operator = await s.operator()
    const read = async () =>
      (await s.http(`/api/conversations/${id}/visitor`, { token: operator.token })).body.context
    const first = {
      ...PAGE,
      userAgent: IPHONE,
      browser: 'Mobile Safari 17',
      os: 'iOS 17.4',
      device: 'mobile',
    }
    expect(await read()).toEqual(first)

    const moved = await s.http(`/api/conversations/${id}/page`, {
      token,
      body: { url: 'https://shop.example.com/checkout', title: 'Checkout' },
    })
    expect(moved.status).toBe(200)
    expect(moved.body.seq).toBeNumber()
    expect(await read()).toEqual({
      ...first,
      url: 'https://shop.example.com/checkout',
      title: 'Checkout',
    })
    const same = await s.http(`/api/conversations/${id}/page`, {
      token,
      body: { url: 'https://shop.example.com/checkout', title: 'Checkout' },
    })
    expect(same.body.seq).toBeNull()

    const visitor = await s.http(`/api/conversations/${id}/visitor`, { token })
    expect(visitor.status).toBe(403)
  })

  test('context - bad pages are refused; only the visitor of an open conversation records one', async () => {
    const { token } = await s.visitorToken()
    for (const context of [
      { url: 'javascript:alert(1)' },
      { url: 'data:text/html,<b>x</b>' },
      { url: 'https://x.example/' + 'a'.repeat(2100) },
      { title: 'x'.repeat(301) },
      { timeZone: 'Mars/Olympus' },
      { language: 'not a tag' },
      { referrer: 'ftp://files.example.com/' },
      { url: 'https://x.example/', cookies: 'a=b' },
    ]) {
      const res = await start(token, { text: 'hi', context })
      expect(res.status).toBe(422)
    }
    const started = await start(token, { text: 'hi' }, LINUX_CHROME)
    const id = started.body.conversation.id as string
    const operator = await s.operator()
    const byOperator = await s.http(`/api/conversations/${id}/page`, {
      token: operator.token,
      body: { url: 'https://x.example/' },
    })
    expect(byOperator.status).toBe(403)
    const context = (await s.http(`/api/conversations/${id}/visitor`, { token: operator.token }))
      .body.context
    expect(context).toMatchObject({ url: null, browser: 'Chrome 131', device: 'desktop' })

    const ws = await s.http(`/api/conversations/${id}/status`, {
      method: 'POST',
      token: operator.token,
      body: { status: 'resolved' },
    })
    expect(ws.status).toBeLessThan(300)
    const closed = await s.http(`/api/conversations/${id}/page`, {
      token,
      body: { url: 'https://x.example/after' },
    })
    expect(closed.body.seq).toBeNull()
  })
})
