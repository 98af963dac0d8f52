/**
 * Access hardening (issue 22): what a malformed request gets back (never Bun's development
 * page with the checkout's paths), who may read the data folder, who may scrape /metrics, and
 * the headers and bodies every API response and request must have.
 */
import { describe, expect, test } from 'bun:test'
import { createHmac } from 'node:crypto'
import { chmodSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createLogger } from '../../actors/index.ts'
import { useServers } from '../helpers/lifecycle.ts'
import { ADMIN, type TestServer } from '../helpers/server.ts'

const { server } = useServers()

const ROOT = new URL('../..', import.meta.url).pathname

interface RawResponse {
  status: number
  headers: Map<string, string>
  body: string
}

/** Sends bytes fetch would refuse (a bad Host, control characters) and reads the answer. */
function raw(port: number, request: string): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(request))
    const chunks: Buffer[] = []
    const timer = setTimeout(() => socket.destroy(), 5000)
    socket.on('data', (chunk) => chunks.push(Buffer.from(chunk)))
    socket.on('error', reject)
    socket.on('close', () => {
      clearTimeout(timer)
      const text = Buffer.concat(chunks).toString('latin1')
      const end = text.indexOf('\r\n\r\n')
      const [statusLine = '', ...lines] = text.slice(0, end < 0 ? text.length : end).split('\r\n')
      const headers = new Map<string, string>()
      for (const line of lines) {
        const colon = line.indexOf(':')
        headers.set(line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim())
      }
      resolve({
        status: Number(statusLine.split(' ')[1]),
        headers,
        body: end < 0 ? '' : text.slice(end + 4),
      })
    })
  })
}

const get = (target: string, headers: string[]) =>
  `GET ${target} HTTP/1.1\r\n${headers.map((h) => `${h}\r\n`).join('')}Connection: close\r\n\r\n`

/**
 * Asserts a refusal that reveals nothing: a small typed JSON client error from the server, or
 * Bun's own bare answer (no body; 4xx, or 505 for a request line it cannot parse) to a request
 * that never reached JavaScript.
 */
function expectQuietClientError(what: string, res: RawResponse) {
  const bare = res.body === '' && res.headers.get('connection') === 'close'
  const status = bare
    ? res.status >= 400 && res.status <= 505
    : res.status >= 400 && res.status < 500
  expect({ what, code: res.status, status }).toEqual({ what, code: res.status, status: true })
  expect({ what, small: res.body.length < 1024 }).toEqual({ what, small: true })
  for (const leak of [ROOT, 'node_modules', '    at ', '<html', '.ts:'])
    expect({ what, leaks: res.body.includes(leak) ? leak : null }).toEqual({ what, leaks: null })
  if (bare) return
  const body = JSON.parse(res.body) as { error: Record<string, unknown> }
  expect({ what, keys: Object.keys(body) }).toEqual({ what, keys: ['error'] })
  expect(body.error).toEqual({
    code: expect.any(String),
    message: expect.any(String),
    retryable: false,
  })
}

describe('malformed requests (item 5)', () => {
  test('hardening - a malformed Host header gets 400 bad_request as typed JSON, without paths or stack', async () => {
    const s = await server()
    for (const host of ['[::1', 'a b', 'exa%mple', 'a:99999999', 'a/b', 'a@b', '[zz]']) {
      const res = await raw(s.port, get('/api', [`Host: ${host}`]))
      expectQuietClientError(`Host: ${host}`, res)
      expect({ host, status: res.status, code: JSON.parse(res.body).error.code }).toEqual({
        host,
        status: 400,
        code: 'bad_request',
      })
      expect(res.headers.get('content-type')).toStartWith('application/json')
    }
  })

  test("hardening - absurd headers and invalid URLs get a typed JSON error or Bun's own bare 4xx", async () => {
    const s = await server()
    // Bun's HTTP parser refuses some of these before any JavaScript runs, with no body: 431
    // (headers too large or too many, a 20 KB path), 400 (a NUL or a bad header name, no Host,
    // a relative target) and 505 (a control character in the request line). The rest reach
    // the server and get its typed JSON error.
    const cases: Array<[string, string]> = [
      ['a 100 KB header', get('/api', ['Host: a', `X-Big: ${'a'.repeat(100_000)}`])],
      [
        '500 headers',
        get('/api', ['Host: a'].concat(Array.from({ length: 500 }, (_, i) => `X-H${i}: v`))),
      ],
      ['a control character in a value', get('/api', ['Host: a', 'X-A: a\u0001b'])],
      ['a NUL in a value', get('/api', ['Host: a', 'X-A: a\u0000b'])],
      ['a space in a header name', get('/api', ['Host: a', 'X A: b'])],
      ['non-ASCII bytes in a value', get('/api', ['Host: a', 'X-A: \u00ff\u00fe'])],
      ['no Host at all', get('/api', [])],
      ['a relative request target', get('api', ['Host: a'])],
      ['a control character in the path', get('/\u0001api', ['Host: a'])],
      ['an unparsable absolute URL', get('http://[zz/api', ['Host: a'])],
      ['a bad percent escape', get('/api/conversations/%zz', ['Host: a'])],
      ['a percent-encoded NUL', get('/widget/%00', ['Host: a'])],
      ['a truncated UTF-8 escape', get('/panel/%E0%A4%A', ['Host: a'])],
      ['a 20 KB path', get(`/api/${'x'.repeat(20_000)}`, ['Host: a'])],
    ]
    for (const [what, request] of cases) expectQuietClientError(what, await raw(s.port, request))
    // Still serving.
    expect((await s.http('/healthz')).status).toBe(200)
  })
})

describe('data folder (item 7)', () => {
  const mode = (path: string) => (statSync(path).mode & 0o777).toString(8)

  test('hardening - a new data folder is 0700; the database, its WAL and shared memory and the secret are 0600', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'parley-perm-'))
    const dir = join(parent, 'data')
    try {
      const s = await server({
        dataDir: dir,
        env: { DATABASE_URL: `sqlite:${join(dir, 'parley.db')}` },
      })
      // A write, so that the WAL holds frames.
      await s.visitorToken()
      expect(mode(dir)).toBe('700')
      for (const file of ['parley.db', 'parley.db-wal', 'parley.db-shm', 'secret'])
        expect({ file, mode: mode(join(dir, file)) }).toEqual({ file, mode: '600' })
    } finally {
      rmSync(parent, { recursive: true, force: true })
    }
  })

  test('hardening - a data folder or file that others may read is named with its mode in a warning at start', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'parley-perm-'))
    chmodSync(dir, 0o755)
    writeFileSync(join(dir, 'secret'), 'k'.repeat(43) + '\n', { mode: 0o644 })
    writeFileSync(join(dir, 'parley.db'), '', { mode: 0o640 })
    const lines: Array<Record<string, unknown>> = []
    const log = createLogger({
      write: (line) => lines.push(JSON.parse(line) as Record<string, unknown>),
    })
    await server({ dataDir: dir, log, env: { DATABASE_URL: `sqlite:${join(dir, 'parley.db')}` } })
    const warned = new Map(
      lines
        .filter((l) => l.level === 'warn' && l.msg === 'data readable by others')
        .map((l) => [l.path, l.mode]),
    )
    expect(warned.get(dir)).toBe('0755')
    expect(warned.get(join(dir, 'secret'))).toBe('0644')
    expect(warned.get(join(dir, 'parley.db'))).toBe('0640')
    // SQLite gives the WAL the database's mode.
    expect(warned.get(join(dir, 'parley.db-wal'))).toBe('0640')
  })
})

describe('metrics access (item 9)', () => {
  test('hardening - /metrics is not public: 404 without METRICS_TOKEN; with one, 401 unless the bearer matches', async () => {
    const closed = await server({ env: { METRICS_TOKEN: '' } })
    const hidden = await closed.http('/metrics')
    expect(hidden.status).toBe(404)
    expect(hidden.body.error.code).toBe('not_found')
    const token = 'scrape-token-'.padEnd(40, 'x')
    const s = await server({ env: { METRICS_TOKEN: token } })
    for (const given of [undefined, 'wrong', token.slice(0, -1), `${token}x`]) {
      const res = await s.http('/metrics', { token: given })
      expect({ given, status: res.status, code: res.body.error?.code }).toEqual({
        given,
        status: 401,
        code: 'unauthenticated',
      })
    }
    const ok = await s.http('/metrics', { token })
    expect(ok.status).toBe(200)
    expect(String(ok.body)).toContain('# TYPE parley_active_connections gauge')
  })

  test('hardening - with METRICS_PORT, /metrics is served on its own listener, and only there', async () => {
    const s = await server({ env: { METRICS_TOKEN: '', METRICS_PORT: '0' } })
    expect((await s.http('/metrics')).status).toBe(404)
    expect(s.metricsUrl).toStartWith('http://127.0.0.1:')
    const res = await fetch(`${s.metricsUrl}/metrics`)
    expect(res.status).toBe(200)
    expect(await res.text()).toContain('# TYPE parley_active_connections gauge')
    for (const path of ['/api', '/healthz', '/api/auth/login']) {
      const other = await fetch(`${s.metricsUrl}${path}`)
      expect({ path, status: other.status }).toEqual({ path, status: 404 })
    }
  })
})

describe('responses and requests (hygiene)', () => {
  test('hardening - every /api and /rt response, errors and streams included, is no-store and nosniff', async () => {
    const s = await server()
    const visitor = await s.visitorToken()
    const json = { 'content-type': 'application/json' }
    const sse = await s.http('/rt/sessions', {
      token: visitor.token,
      body: { transport: 'sse' },
    })
    const stream = new AbortController()
    const responses: Array<[string, Promise<Response>]> = [
      ['GET /api', fetch(`${s.url}/api`)],
      [
        'login',
        fetch(`${s.url}/api/auth/login`, {
          method: 'POST',
          headers: json,
          body: JSON.stringify(ADMIN),
        }),
      ],
      [
        'failed login',
        fetch(`${s.url}/api/auth/login`, {
          method: 'POST',
          headers: json,
          body: JSON.stringify({ ...ADMIN, password: 'wrong-password' }),
        }),
      ],
      ['401', fetch(`${s.url}/api/inbox`)],
      ['unknown route', fetch(`${s.url}/api/no-such-thing`)],
      [
        'rt session',
        fetch(`${s.url}/rt/sessions`, {
          method: 'POST',
          headers: { ...json, authorization: `Bearer ${visitor.token}` },
          body: JSON.stringify({ transport: 'poll' }),
        }),
      ],
      [
        'sse stream',
        fetch(`${s.url}/rt/sessions/${sse.body.sessionId}/events`, { signal: stream.signal }),
      ],
      ['unknown rt session', fetch(`${s.url}/rt/sessions/${crypto.randomUUID()}/poll`)],
    ]
    for (const [what, pending] of responses) {
      const res = await pending
      expect({
        what,
        cache: res.headers.get('cache-control'),
        sniff: res.headers.get('x-content-type-options'),
      }).toEqual({ what, cache: 'no-store', sniff: 'nosniff' })
    }
    stream.abort()
  })

  test('hardening - page CSPs do not echo the Host header', async () => {
    const s = await server()
    for (const path of ['/panel/', '/widget/frame.html']) {
      const res = await raw(s.port, get(path, ['Host: evil.example:8443']))
      expect(res.status).toBe(200)
      const csp = res.headers.get('content-security-policy') ?? ''
      expect(csp).toContain("connect-src 'self'")
      expect(csp).not.toContain('evil.example')
    }
  })

  test('hardening - a body that is not JSON is refused on JSON routes with 400 bad_request', async () => {
    const s = await server()
    const inboxId = await s.defaultInboxId()
    const cases: Array<[string, string, string]> = [
      [
        '/api/auth/login',
        'application/x-www-form-urlencoded',
        `email=${encodeURIComponent(ADMIN.email)}&password=${ADMIN.password}`,
      ],
      ['/api/auth/login', 'text/plain', JSON.stringify(ADMIN)],
      ['/api/visitor/session', 'text/plain;charset=UTF-8', JSON.stringify({ inboxId })],
      ['/api/visitor/session', 'multipart/form-data; boundary=x', '--x--'],
    ]
    for (const [path, type, body] of cases) {
      const res = await fetch(`${s.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': type },
        body,
      })
      const error = ((await res.json()) as { error?: { code: string } }).error
      expect({ path, type, status: res.status, code: error?.code }).toEqual({
        path,
        type,
        status: 400,
        code: 'bad_request',
      })
    }
  })
})

describe('identity secrets', () => {
  async function inboxApi(s: TestServer) {
    const token = await s.adminToken()
    return {
      list: async () => (await s.http('/api/admin/inboxes', { token })).body.inboxes as object[],
      create: (name: string) => s.http('/api/admin/inboxes', { token, body: { name } }),
      patch: (id: string, body: unknown) =>
        s.http(`/api/admin/inboxes/${id}`, { method: 'PATCH', token, body }),
      reveal: (id: string, as = token) =>
        s.http(`/api/admin/inboxes/${id}/identity-secret`, { token: as }),
    }
  }

  test('hardening - inbox lists and updates never carry the identity secret; an admin reveals it explicitly, and that is logged', async () => {
    const lines: Array<Record<string, unknown>> = []
    const log = createLogger({
      write: (line) => lines.push(JSON.parse(line) as Record<string, unknown>),
    })
    const s = await server({ log })
    const api = await inboxApi(s)
    const created = await api.create('Shop')
    expect(created.status).toBe(201)
    const id = created.body.id as string
    const renamed = await api.patch(id, { name: 'Shop EU' })
    const rotated = await api.patch(id, { rotateIdentitySecret: true })
    for (const [what, body] of [
      ['create', created.body],
      ['rename', renamed.body],
      ['rotate', rotated.body],
      ...(await api.list()).map((inbox) => ['list', inbox] as const),
    ] as const) {
      expect({ what, id: typeof body.id, secret: 'identitySecret' in body }).toEqual({
        what,
        id: 'string',
        secret: false,
      })
    }
    const revealed = await api.reveal(id)
    expect(revealed.status).toBe(200)
    expect(Object.keys(revealed.body)).toEqual(['identitySecret'])
    const secret = revealed.body.identitySecret as string
    expect(secret.length).toBeGreaterThanOrEqual(32)
    // It is the key identity verification uses.
    const userHash = createHmac('sha256', secret).update('user-7').digest('hex')
    const session = await s.http('/api/visitor/session', {
      body: { inboxId: id, userId: 'user-7', userHash },
    })
    expect(session.status).toBe(200)
    const revealedLog = lines.filter((l) => l.msg === 'identity secret revealed')
    expect(revealedLog).toEqual([
      expect.objectContaining({ level: 'warn', inboxId: id, adminEmail: ADMIN.email }),
    ])
    expect(JSON.stringify(lines)).not.toContain(secret)
  })

  test('hardening - only admins may reveal an identity secret; an unknown inbox is 404', async () => {
    const s = await server()
    const api = await inboxApi(s)
    const inboxId = await s.defaultInboxId()
    const supervisor = await s.operator({ role: 'supervisor' })
    const visitor = await s.visitorToken()
    expect((await api.reveal(inboxId, supervisor.token)).status).toBe(403)
    expect((await api.reveal(inboxId, visitor.token)).status).toBe(403)
    expect((await s.http(`/api/admin/inboxes/${inboxId}/identity-secret`)).status).toBe(401)
    expect((await api.reveal(crypto.randomUUID())).status).toBe(404)
  })
})
