/**
 * Where an inbox's widget may run (issue 18, S3; server/origins.ts): the list is validated and
 * normalized as settings, and every visitor entry point (session creation, availability, calls
 * with a visitor token, the WebSocket, SSE/long-poll) checks the browser's Origin against it;
 * the sandboxed frame (Origin `null`) gets its first session only with its page's ticket. The
 * panel's API refuses other sites' pages outright. Refusals are typed and counted.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { authFromOrigin, TestClient } from '../helpers/ws.ts'
import { metric, startTestServer, type TestServer } from '../helpers/server.ts'

let s: TestServer
let admin: string
/** Listed sites only. */
let listed: string
/** Any site, as an admin chose. */
let anywhere: string
/** Not chosen: no site (the panel's preview only). */
let unchosen: string

const SHOP = 'https://shop.example.com'
const SUB = 'https://eu.shop.example.org'

async function createInbox(name: string, allowedOrigins?: string[] | null): Promise<string> {
  const res = await s.http('/api/admin/inboxes', {
    token: admin,
    body: { name, ...(allowedOrigins !== undefined ? { settings: { allowedOrigins } } : {}) },
  })
  expect(res.status).toBe(201)
  return res.body.id
}

beforeAll(async () => {
  // Tickets are bound to the client's address: tests name it through a trusted proxy header.
  s = await startTestServer({ env: { TRUST_PROXY: '127.0.0.1' } })
  admin = await s.adminToken()
  listed = await createInbox('Listed', [SHOP, 'https://*.example.org', 'http://localhost:3000'])
  anywhere = await createInbox('Anywhere', [])
  unchosen = await createInbox('Unchosen')
})

afterAll(async () => {
  await s.stop()
})

type Headers = Record<string, string>

async function call(
  path: string,
  init: { method?: string; body?: unknown; headers?: Headers; token?: string } = {},
): Promise<{ status: number; body: any; headers: globalThis.Headers }> {
  const res = await fetch(s.url + path, {
    method: init.method ?? (init.body !== undefined ? 'POST' : 'GET'),
    headers: {
      'x-real-ip': '203.0.113.7',
      ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
      ...init.headers,
    },
    body: init.body !== undefined ? JSON.stringify(init.body) : undefined,
  })
  const text = await res.text()
  let body: any = text
  try {
    body = JSON.parse(text)
  } catch {}
  return { status: res.status, body, headers: res.headers }
}

const session = (inboxId: string, headers: Headers = {}, extra: object = {}) =>
  call('/api/visitor/session', { body: { inboxId, ...extra }, headers })

const code = (r: { body: any }) => r.body?.error?.code

/** The frame page for an inbox as a browser loads it: its CSP and its ticket. */
async function framePage(inboxId: string, headers: Headers = {}) {
  const res = await call(`/widget/frame.html?inbox=${inboxId}&lang=en`, { headers })
  const ticket = /<meta name="parley-frame-ticket" content="([^"]*)"/.exec(res.body)?.[1]
  return { res, csp: res.headers.get('content-security-policy') ?? '', ticket }
}

const socketAuth = (token: string, origin: string) => authFromOrigin(s.wsUrl, token, origin)

describe('origins: settings', () => {
  test('origins - entries are normalized: case, default port, trailing slash, IDN to punycode, duplicates', async () => {
    const id = await createInbox('Normalized', [
      'HTTPS://Shop.Example.COM:443/',
      'https://shop.example.com',
      'https://bücher.example',
      'http://127.0.0.1:8080',
      'https://*.Example.net:8443',
    ])
    const res = await s.http(`/api/admin/inboxes`, { token: admin })
    const inbox = res.body.inboxes.find((i: { id: string }) => i.id === id)
    expect(inbox.settings.allowedOrigins).toEqual([
      'https://shop.example.com',
      'https://xn--bcher-kva.example',
      'http://127.0.0.1:8080',
      'https://*.example.net:8443',
    ])
  })

  test('origins - bad entries are refused with the entry named, and the stored list is unchanged', async () => {
    const bad = [
      '*',
      'https://*',
      'https://*.com',
      'https://*.co.uk',
      'https://*.github.io',
      'https://*.127.0.0.1',
      'https://shop.example.com/chat',
      'https://shop.example.com/?a=1',
      'https://shop.example.com#top',
      'https://user:pw@shop.example.com',
      'ftp://shop.example.com',
      'shop.example.com',
      'https://a.*.example.com',
      'https://exa mple.com',
      '',
    ]
    for (const entry of bad) {
      const res = await s.http(`/api/admin/inboxes/${listed}`, {
        method: 'PATCH',
        token: admin,
        body: { settings: { allowedOrigins: [SHOP, entry] } },
      })
      expect({ entry, status: res.status, code: code(res) }).toEqual({
        entry,
        status: 422,
        code: 'validation_failed',
      })
      expect(res.body.error.message).toContain('allowedOrigins')
    }
    const tooMany = Array.from({ length: 101 }, (_, i) => `https://s${i}.example.com`)
    const res = await s.http(`/api/admin/inboxes/${listed}`, {
      method: 'PATCH',
      token: admin,
      body: { settings: { allowedOrigins: tooMany } },
    })
    expect(res.status).toBe(422)
    const wrongType = await s.http(`/api/admin/inboxes/${listed}`, {
      method: 'PATCH',
      token: admin,
      body: { settings: { allowedOrigins: 'https://shop.example.com' } },
    })
    expect(wrongType.status).toBe(422)
    const list = await s.http('/api/admin/inboxes', { token: admin })
    expect(
      list.body.inboxes.find((i: { id: string }) => i.id === listed).settings.allowedOrigins,
    ).toEqual([SHOP, 'https://*.example.org', 'http://localhost:3000'])
  })

  test('origins - a new inbox is "not chosen" (null) until an admin decides; the change is audited', async () => {
    const list = await s.http('/api/admin/inboxes', { token: admin })
    const inbox = list.body.inboxes.find((i: { id: string }) => i.id === unchosen)
    expect(inbox.settings.allowedOrigins).toBeNull()
    const chosen = await s.http(`/api/admin/inboxes/${unchosen}`, {
      method: 'PATCH',
      token: admin,
      body: { settings: { allowedOrigins: ['https://Unchosen.example/'] } },
    })
    expect(chosen.body.settings.allowedOrigins).toEqual(['https://unchosen.example'])
    const audit = await s.http(`/api/admin/audit?action=inbox.updated&target=${unchosen}`, {
      token: admin,
    })
    expect(audit.body.entries.map((e: { details: unknown }) => e.details)).toEqual([
      { settings: { allowedOrigins: ['https://unchosen.example'] } },
    ])
    await s.http(`/api/admin/inboxes/${unchosen}`, {
      method: 'PATCH',
      token: admin,
      body: { settings: { allowedOrigins: null } },
    })
  })
})

describe('origins: visitor entry points', () => {
  test('origins - session creation: listed sites and subdomains pass; other sites, schemes, ports and the bare parent domain are refused', async () => {
    const allowed = [
      SHOP,
      'https://SHOP.example.com:443',
      SUB,
      'https://a.b.example.org',
      'http://localhost:3000',
    ]
    for (const origin of allowed) {
      const res = await session(listed, { origin })
      expect({ origin, status: res.status }).toEqual({ origin, status: 200 })
      expect(res.body.token).toStartWith('v1.')
    }
    const refused = [
      'https://evil.example',
      'http://shop.example.com',
      'https://shop.example.com:8443',
      'https://example.org',
      'https://shop.example.com.evil.example',
      'https://notexample.org',
      'http://localhost:3001',
      'garbage',
    ]
    for (const origin of refused) {
      const res = await session(listed, { origin })
      expect({ origin, status: res.status, code: code(res) }).toEqual({
        origin,
        status: 403,
        code: 'origin_not_allowed',
      })
    }
    // Non-browser clients send no Origin (a site's backend, load tests): the list binds browsers.
    expect((await session(listed)).status).toBe(200)
    // Parley's own pages are always allowed.
    expect((await session(listed, { origin: s.url })).status).toBe(200)
  })

  test('origins - an Origin over HTTP/1.0 is checked like any other; without a Host it is a typed bad request', async () => {
    const raw = async (origin: string, host = `Host: 127.0.0.1:${s.port}\r\n`) => {
      const body = JSON.stringify({ inboxId: listed })
      const chunks: Buffer[] = []
      await new Promise<void>((resolve, reject) => {
        Bun.connect({
          hostname: '127.0.0.1',
          port: s.port,
          socket: {
            open(socket) {
              socket.write(
                `POST /api/visitor/session HTTP/1.0\r\n${host}Origin: ${origin}\r\n` +
                  `Content-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
              )
            },
            data(_socket, data) {
              chunks.push(Buffer.from(data))
            },
            close: () => resolve(),
            error: (_socket, error) => reject(error),
          },
        }).catch(reject)
      })
      return Buffer.concat(chunks).toString('utf8')
    }
    const refused = await raw('https://evil.example')
    expect(refused).toStartWith('HTTP/1.1 403')
    expect(refused).toContain('origin_not_allowed')
    expect(await raw(SHOP)).toStartWith('HTTP/1.1 200')
    const hostless = await raw('https://evil.example', '')
    expect(hostless).toStartWith('HTTP/1.1 400')
    expect(hostless).toContain('bad_request')
  })

  test('origins - any site when the admin chose it; only Parley itself while not chosen', async () => {
    expect((await session(anywhere, { origin: 'https://evil.example' })).status).toBe(200)
    expect((await session(anywhere, { origin: 'null' })).status).toBe(200)
    const refused = await session(unchosen, { origin: SHOP })
    expect(code(refused)).toBe('origin_not_allowed')
    expect((await session(unchosen, { origin: s.url })).status).toBe(200)
  })

  test('origins - the sandboxed frame (Origin null) needs its page ticket, bound to inbox and address, to start a session', async () => {
    const bare = await session(listed, { origin: 'null' })
    expect(code(bare)).toBe('origin_not_allowed')
    const { ticket } = await framePage(listed)
    expect(ticket).toMatch(/^\d+\.[A-Za-z0-9_-]{22}$/)
    const ok = await session(listed, { origin: 'null' }, { frameTicket: ticket })
    expect(ok.status).toBe(200)
    // Another inbox's ticket, another address, a forged or altered ticket: refused.
    const other = (await framePage(unchosen)).ticket
    expect(code(await session(listed, { origin: 'null' }, { frameTicket: other }))).toBe(
      'origin_not_allowed',
    )
    const elsewhere = await session(
      listed,
      { origin: 'null', 'x-real-ip': '198.51.100.9' },
      { frameTicket: ticket },
    )
    expect(code(elsewhere)).toBe('origin_not_allowed')
    const [expires, mac] = ticket!.split('.')
    const later = `${Number(expires) + 1000}.${mac}`
    expect(code(await session(listed, { origin: 'null' }, { frameTicket: later }))).toBe(
      'origin_not_allowed',
    )
    expect(
      code(
        await session(listed, { origin: 'null' }, { frameTicket: `${expires}.${'A'.repeat(22)}` }),
      ),
    ).toBe('origin_not_allowed')
    const tooLong = await session(listed, { origin: 'null' }, { frameTicket: 'x'.repeat(65) })
    expect(tooLong.status).toBe(422)
    // Renewing a token needs no ticket: its holder passed the check.
    const renewed = await session(listed, { origin: 'null' }, { token: ok.body.token })
    expect(renewed.status).toBe(200)
    expect(renewed.body.visitorId).toBe(ok.body.visitorId)
  })

  test('origins - calls with a visitor token: a site off the list is refused, the frame and listed sites pass', async () => {
    const { body } = await session(listed)
    const token = body.token as string
    const start = (origin?: string) =>
      call('/api/visitor/conversations', {
        token,
        body: { text: 'hello', clientMsgId: crypto.randomUUID() },
        headers: origin ? { origin } : {},
      })
    const refused = await start('https://evil.example')
    expect([refused.status, code(refused)]).toEqual([403, 'origin_not_allowed'])
    expect(
      (
        await call('/api/visitor/conversations', {
          token,
          headers: { origin: 'https://evil.example' },
        })
      ).status,
    ).toBe(403)
    const created = await start(SHOP)
    expect(created.status).toBe(201)
    const conversationId = created.body.conversation.id as string
    const send = await call(`/api/conversations/${conversationId}/messages`, {
      token,
      body: { text: 'again', clientMsgId: crypto.randomUUID() },
      headers: { origin: 'null' },
    })
    expect(send.status).toBe(201)
    const foreignSend = await call(`/api/conversations/${conversationId}/messages`, {
      token,
      body: { text: 'not from here', clientMsgId: crypto.randomUUID() },
      headers: { origin: 'https://evil.example' },
    })
    expect(code(foreignSend)).toBe('origin_not_allowed')
    // Refused sends wrote nothing.
    const history = await call(`/api/conversations/${conversationId}/messages`, { token })
    expect(history.body.messages.map((m: { text: string }) => m.text)).toEqual(['hello', 'again'])
  })

  test('origins - the WebSocket checks the upgrade Origin at auth; SSE and long-poll at session creation', async () => {
    const { body } = await session(listed)
    const token = body.token as string
    expect(await socketAuth(token, 'https://evil.example')).toBe('error origin_not_allowed')
    expect(await socketAuth(token, SUB)).toBe('ack')
    expect(await socketAuth(token, 'null')).toBe('ack')
    for (const transport of ['sse', 'poll']) {
      const refused = await call('/rt/sessions', {
        token,
        body: { transport },
        headers: { origin: 'https://evil.example' },
      })
      expect([transport, refused.status, code(refused)]).toEqual([
        transport,
        403,
        'origin_not_allowed',
      ])
      const ok = await call('/rt/sessions', {
        token,
        body: { transport },
        headers: { origin: SHOP },
      })
      expect([transport, ok.status]).toEqual([transport, 201])
      await call(`/rt/sessions/${ok.body.sessionId}`, { method: 'DELETE', token })
    }
  })

  test('origins - availability: other sites are refused, the frame and listed sites read it', async () => {
    const path = `/api/visitor/availability?inboxId=${listed}`
    expect(code(await call(path, { headers: { origin: 'https://evil.example' } }))).toBe(
      'origin_not_allowed',
    )
    expect((await call(path, { headers: { origin: 'null' } })).status).toBe(200)
    expect((await call(path, { headers: { origin: SHOP } })).status).toBe(200)
  })

  test('origins - refusals are counted per entry point in /metrics', async () => {
    const before = await metric(s, 'parley_origin_refused_total{entry="session"}')
    await session(listed, { origin: 'https://evil.example' })
    await session(listed, { origin: 'https://evil.example' })
    expect(await metric(s, 'parley_origin_refused_total{entry="session"}')).toBe(before + 2)
    expect(await metric(s, 'parley_origin_refused_total{entry="websocket"}')).toBeGreaterThan(0)
  })
})

describe('origins: the frame page', () => {
  test('origins - frame-ancestors follows the list; the page is not cached nor readable cross-origin', async () => {
    const a = await framePage(listed, { origin: 'https://evil.example' })
    expect(a.res.status).toBe(200)
    expect(a.csp).toContain(
      "frame-ancestors 'self' https://shop.example.com https://*.example.org http://localhost:3000",
    )
    expect(a.csp).toContain('sandbox allow-scripts')
    expect(a.res.headers.get('cache-control')).toBe('no-store')
    expect(a.res.headers.get('access-control-allow-origin')).toBeNull()
    expect((await framePage(unchosen)).csp).toContain("frame-ancestors 'self'")
    expect((await framePage(unchosen)).csp).not.toContain("'self' http")
    expect((await framePage(anywhere)).csp).not.toContain('frame-ancestors')
    // An unknown or malformed inbox: framed by Parley itself only, and no ticket.
    const unknown = await framePage('no-such-inbox')
    expect(unknown.csp).toContain("frame-ancestors 'self'")
    const malformed = await framePage('%3Cscript%3E')
    expect(malformed.csp).toContain("frame-ancestors 'self'")
    expect(malformed.ticket).toBe('')
    // The (sandboxed) demo page says why a listed inbox cannot show there, and does not embed it.
    const demo = await call(`/?inbox=${listed}`)
    expect(demo.body).toContain('runs only on the sites its settings list')
    expect(demo.body).not.toContain(`<script src="/widget/loader.js" data-inbox="${listed}"`)
    const anyDemo = await call(`/?inbox=${anywhere}`)
    expect(anyDemo.body).toContain(`<script src="/widget/loader.js" data-inbox="${anywhere}"`)
    // Its scripts stay readable (module scripts of a sandboxed frame load in CORS mode).
    const loader = await call('/widget/loader.js', { headers: { origin: 'null' } })
    expect(loader.headers.get('access-control-allow-origin')).toBe('*')
  })

  test('origins - a changed list applies at once to new frames and requests', async () => {
    const id = await createInbox('Changing', [SHOP])
    expect(code(await session(id, { origin: SUB }))).toBe('origin_not_allowed')
    const patched = await s.http(`/api/admin/inboxes/${id}`, {
      method: 'PATCH',
      token: admin,
      body: { settings: { allowedOrigins: [SUB] } },
    })
    expect(patched.status).toBe(200)
    expect((await session(id, { origin: SUB })).status).toBe(200)
    expect(code(await session(id, { origin: SHOP }))).toBe('origin_not_allowed')
    expect((await framePage(id)).csp).toContain(`frame-ancestors 'self' ${SUB}`)
  })

  test('origins - a site taken off the list loses its open sockets and stream sessions at once; the frame and listed sites keep theirs', async () => {
    const id = await createInbox('Shrinking', [SHOP, SUB])
    const { body } = await session(id)
    const token = body.token as string
    const fromShop = await TestClient.connect(s.wsUrl, { token, origin: SHOP })
    const fromSub = await TestClient.connect(s.wsUrl, { token, origin: SUB })
    const fromFrame = await TestClient.connect(s.wsUrl, { token, origin: 'null' })
    const stream = await call('/rt/sessions', {
      token,
      body: { transport: 'poll' },
      headers: { origin: SHOP },
    })
    expect(stream.status).toBe(201)
    const patched = await s.http(`/api/admin/inboxes/${id}`, {
      method: 'PATCH',
      token: admin,
      body: { settings: { allowedOrigins: [SUB] } },
    })
    expect(patched.status).toBe(200)
    // Applied before the PATCH answers: the socket is already ending.
    expect((await fromShop.waitClosed(2000)).code).toBe(4001)
    expect(fromShop.frames.at(-1)).toMatchObject({ type: 'error', code: 'origin_not_allowed' })
    const polled = await call(`/rt/sessions/${stream.body.sessionId}/poll`, { token })
    expect(JSON.stringify(polled.body)).toContain('origin_not_allowed')
    expect((await fromSub.request({ type: 'ping' })).type).not.toBe('error')
    expect((await fromFrame.request({ type: 'ping' })).type).not.toBe('error')
    fromSub.close()
    fromFrame.close()
  })
})

describe('origins: the panel API', () => {
  test("origins - the panel's routes refuse other sites' pages (login included); its own origin and non-browser clients pass", async () => {
    const login = (origin?: string) =>
      call('/api/auth/login', {
        body: { email: 'nobody@example.com', password: 'wrong password' },
        headers: origin ? { origin } : {},
      })
    const foreign = await login('https://evil.example')
    expect([foreign.status, code(foreign)]).toEqual([403, 'origin_not_allowed'])
    expect(code(await login('null'))).toBe('origin_not_allowed')
    expect((await login(s.url)).status).toBe(401)
    expect((await login()).status).toBe(401)
    const adminList = await call('/api/admin/inboxes', {
      token: admin,
      headers: { origin: 'https://evil.example' },
    })
    expect(code(adminList)).toBe('origin_not_allowed')
    expect(await metric(s, 'parley_origin_refused_total{entry="panel"}')).toBeGreaterThanOrEqual(3)
  })
})
