/**
 * The API's description (server/http/openapi.ts, docs/api.md) against the running server: every
 * route the app registers is in `GET /api/openapi.json` with a summary, a tag and a documented
 * 2xx answer; every documented JSON answer is checked (ajv, JSON Schema 2020-12) against a real
 * answer of the server, made with real data; an operation this file does not call says why
 * (`NOT_CALLED`), or the last test fails; the page at `/api/docs` lists every path and loads
 * nothing from elsewhere. One server for the file; destructive calls run last, on their own
 * objects.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020.js'
import sharp from 'sharp'
import pkg from '../../package.json' with { type: 'json' }
import { encodeSolution, solveChallenge, type Challenge } from '../../protocol/captcha.ts'
import { registeredRoutes, type OpenApiDocument } from '../../server/http/openapi.ts'
import { ADMIN, METRICS_TOKEN, startTestServer, type TestServer } from '../helpers/server.ts'
import { startReceiver, type Receiver } from '../helpers/webhook-receiver.ts'
import { startPushService } from '../helpers/push-endpoint.ts'

/**
 * Operations with a documented JSON answer that this file does not call, and why. An entry
 * for an operation the file does call, or one the document does not have, fails the last test.
 */
const NOT_CALLED: Record<string, string> = {
  'post /api/setup':
    'the test server creates its admin from ADMIN_EMAIL, so setup is closed (409); ' +
    'tests/server cover the first run on a server of its own',
  'post /api/auth/password-reset':
    'the test server sends no e-mail (no SMTP): it answers 503 not_configured, checked here',
  'post /api/auth/password-reset/confirm':
    'needs the token of a reset e-mail, which a server without SMTP never sends; a bad token ' +
    'is checked here (401)',
  'post /api/conversations/{id}/transcript':
    'the test server sends no e-mail (no SMTP): it answers 503 not_configured, checked here',
}

/** Error statuses documented with a body of their own rather than the error body. */
const OWN_ERROR_BODY = ['get /readyz 503']

const DOC_ID = 'https://parley.invalid/openapi.json'
const PASSWORD = 'operator-password-1'

let s: TestServer
let receiver: Receiver
let doc: OpenApiDocument
let ajv: Ajv2020
let admin: string

/** "get /api/inbox": operations whose 2xx JSON answer was checked against its schema. */
const checked = new Set<string>()
const validators = new Map<string, ValidateFunction>()

interface Call {
  token?: string
  body?: unknown
  form?: FormData
  query?: Record<string, string>
  headers?: Record<string, string>
}

interface Answer {
  status: number
  body: any
  headers: Headers
}

/** A schema of the document with its `#/components/...` references made absolute. */
function absolute(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(absolute)
  if (schema === null || typeof schema !== 'object') return schema
  return Object.fromEntries(
    Object.entries(schema).map(([key, value]) => [
      key,
      key === '$ref' && typeof value === 'string' && value.startsWith('#/')
        ? `${DOC_ID}${value}`
        : absolute(value),
    ]),
  )
}

function validatorFor(key: string, schema: unknown): ValidateFunction {
  let validate = validators.get(key)
  if (!validate) {
    validate = ajv.compile(absolute(schema) as object)
    validators.set(key, validate)
  }
  return validate
}

/**
 * Calls the operation `method template` (path parameters from `params`) and checks the answer
 * against the document: its status is documented, a JSON body fits the documented schema, a
 * body of another type has a documented media type.
 */
async function api(
  method: string,
  template: string,
  params: Record<string, string> = {},
  init: Call = {},
): Promise<Answer> {
  const op = doc.paths[template]?.[method]
  if (!op) throw new Error(`${method} ${template} is not in the document`)
  const path = template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = params[name]
    if (value === undefined) throw new Error(`${template}: no value for ${name}`)
    return encodeURIComponent(value)
  })
  const url = new URL(s.url + path)
  for (const [k, v] of Object.entries(init.query ?? {})) url.searchParams.set(k, v)
  const headers: Record<string, string> = { ...init.headers }
  if (init.token) headers.authorization = `Bearer ${init.token}`
  let body: BodyInit | undefined
  if (init.form) body = init.form
  else if (init.body !== undefined) {
    headers['content-type'] = 'application/json'
    body = JSON.stringify(init.body)
  }
  const res = await fetch(url, { method: method.toUpperCase(), headers, body })
  const type = (res.headers.get('content-type') ?? '').split(';')[0]!.trim()
  const raw = new Uint8Array(await res.arrayBuffer())
  const where = `${method.toUpperCase()} ${template} -> ${res.status}`
  const status = String(res.status)
  const documented = op.responses[status] ?? op.responses[`${status[0]}XX`]
  if (!documented) {
    throw new Error(`${where}, not documented: ${new TextDecoder().decode(raw).slice(0, 300)}`)
  }
  let parsed: unknown = raw
  if (type === 'application/json') {
    parsed = JSON.parse(new TextDecoder().decode(raw))
    const schema = (documented.content?.['application/json'] as { schema?: unknown } | undefined)
      ?.schema
    expect(schema, `${where}: a JSON answer with no documented schema`).toBeDefined()
    const validate = validatorFor(`${method} ${template} ${status}`, schema)
    if (!validate(parsed)) {
      throw new Error(
        `${where} does not fit its schema: ${JSON.stringify(validate.errors, null, 1)}\n` +
          JSON.stringify(parsed).slice(0, 2000),
      )
    }
    if (status.startsWith('2')) checked.add(`${method} ${template}`)
  } else if (res.status !== 204 && res.status !== 304) {
    const types = Object.keys(documented.content ?? {})
    expect(
      types.some((t) => t === type || t === '*/*'),
      `${where}: content-type ${type} is not one of ${types.join(', ')}`,
    ).toBe(true)
  }
  return { status: res.status, body: parsed, headers: res.headers }
}

/** `api`, failing unless the answer has one of the `statuses` (default: 200). */
async function ok(
  method: string,
  template: string,
  params: Record<string, string> = {},
  init: Call = {},
  ...statuses: number[]
): Promise<any> {
  const res = await api(method, template, params, init)
  const wanted = statuses.length > 0 ? statuses : [200]
  if (!wanted.includes(res.status)) {
    throw new Error(
      `${method.toUpperCase()} ${template}: ${res.status} ${JSON.stringify(res.body).slice(0, 500)}`,
    )
  }
  return res.body
}

async function login(email: string, password = PASSWORD): Promise<string> {
  return (await ok('post', '/api/auth/login', {}, { body: { email, password } })).token
}

/** An operator made through the documented API, signed in. */
async function newOperator(name: string, inboxIds: string[], role = 'operator') {
  const email = `${name.toLowerCase().replace(/\W+/g, '-')}-${crypto.randomUUID().slice(0, 6)}@example.com`
  const created = await ok(
    'post',
    '/api/admin/operators',
    {},
    { token: admin, body: { email, name, password: PASSWORD, role, inboxIds } },
    201,
  )
  return { id: created.id as string, email, token: await login(email) }
}

async function photo(): Promise<File> {
  const jpeg = await sharp({
    create: { width: 64, height: 48, channels: 3, background: { r: 40, g: 90, b: 160 } },
  })
    .jpeg()
    .toBuffer()
  return new File([new Uint8Array(jpeg)], 'me.jpg', { type: 'image/jpeg' })
}

function form(file: File): FormData {
  const data = new FormData()
  data.append('file', file)
  return data
}

beforeAll(async () => {
  receiver = startReceiver()
  s = await startTestServer({ env: { WEBHOOK_ALLOW_HOSTS: '127.0.0.1' } })
  admin = await s.adminToken()
  const res = await fetch(`${s.url}/api/openapi.json`)
  expect(res.status).toBe(200)
  doc = (await res.json()) as OpenApiDocument
  ajv = new Ajv2020({ allErrors: true, strict: true, strictTypes: false })
  // The document's named schemas, for the `$ref`s of every answer schema.
  ajv.addKeyword('components')
  ajv.addSchema({ $id: DOC_ID, components: doc.components })
})

afterAll(async () => {
  await s?.stop()
  receiver?.stop()
})

/** The fixture the tests share, filled as they run (in order). */
const f = {
  inboxId: '',
  defaultBranchId: '',
  anna: { id: '', email: '', token: '' },
  boris: { id: '', email: '', token: '' },
  visitor: { token: '', visitorId: '' },
  conversationId: '',
  lastSeq: 0,
  annaMessageId: '',
  offlineVisitorId: '',
  webhookId: '',
  apiTokenId: '',
}

describe('the document', () => {
  test('openapi - served as cacheable JSON, revalidated by ETag', async () => {
    const res = await fetch(`${s.url}/api/openapi.json`)
    expect(res.headers.get('content-type')).toStartWith('application/json')
    expect(res.headers.get('cache-control')).toMatch(/^public, max-age=\d+$/)
    const etag = res.headers.get('etag')
    expect(etag).toBeTruthy()
    const again = await fetch(`${s.url}/api/openapi.json`, { headers: { 'if-none-match': etag! } })
    expect(again.status).toBe(304)
    expect(doc.openapi).toStartWith('3.1.')
    expect(doc.info).toMatchObject({ title: 'Parley', version: pkg.version })
    expect(doc.info.description).toContain('docs/api.md')
    expect(doc.servers).toEqual([{ url: '/', description: expect.any(String) }])
    expect(doc.security).toEqual([{ bearer: [] }])
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' })
    expect(doc.components.schemas.Error).toMatchObject({ required: ['error'] })
  })

  test('openapi - every route the app registers is an operation, path parameters as {name}', () => {
    const routes = registeredRoutes(s.store)
    const hidden = routes.filter((r) => r.hidden).map((r) => `${r.method} ${r.path}`)
    // Pages and files are not the API, nor is the description itself.
    expect(hidden.sort()).toEqual(
      [
        'GET /',
        'GET /api/docs',
        'GET /api/openapi.json',
        'GET /help',
        'GET /help/:portal',
        'GET /help/:portal/:lang',
        'GET /help/:portal/:lang/categories/:slug',
        'GET /help/:portal/:lang/articles/:slug',
        'POST /help/:portal/:lang/articles/:slug/feedback',
        'GET /help/:portal/:lang/search',
        'GET /panel',
        'GET /panel/*',
        'GET /widget/*',
      ].sort(),
    )
    const expected = routes
      .filter((r) => !r.hidden)
      .map((r) => {
        const path = r.path.replace(/(.)\/$/, '$1').replace(/:([A-Za-z0-9_]+)/g, '{$1}')
        return `${r.method.toLowerCase()} ${path}`
      })
    const documented = Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.keys(item).map((method) => `${method} ${path}`),
    )
    expect(expected.length).toBeGreaterThan(90)
    expect(documented.sort()).toEqual([...new Set(expected)].sort())
  })

  test('openapi - every operation has a unique id, a summary, a known tag and a 2xx answer', () => {
    const tags = new Set(doc.tags.map((t) => t.name))
    const ids = new Set<string>()
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(item)) {
        const where = `${method} ${path}`
        expect(op.operationId, where).toMatch(/^[a-z]+[A-Za-z0-9]*$/)
        expect(ids.has(op.operationId), `${where}: id ${op.operationId} twice`).toBe(false)
        ids.add(op.operationId)
        expect(op.summary, where).toBeTruthy()
        expect(op.tags?.length, where).toBe(1)
        expect(tags.has(op.tags![0]!), `${where}: tag ${op.tags![0]}`).toBe(true)
        const success = Object.keys(op.responses).filter((status) => status.startsWith('2'))
        expect(success.length, `${where}: no 2xx answer`).toBeGreaterThan(0)
        for (const [status, response] of Object.entries(op.responses)) {
          if (/^[45]/.test(status) && !OWN_ERROR_BODY.includes(`${where} ${status}`)) {
            expect(response.content?.['application/json'], `${where} ${status}`).toEqual({
              schema: { $ref: '#/components/schemas/Error' },
            })
          }
        }
        if (path.includes('{')) {
          const names = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? '')
          const inPath = (op.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name)
          expect(inPath.sort(), where).toEqual(names.sort())
        }
      }
    }
  })

  test('openapi - no documented answer forbids extra properties', () => {
    const strict: string[] = []
    const walk = (value: unknown, at: string) => {
      if (Array.isArray(value)) value.forEach((v, i) => walk(v, `${at}/${i}`))
      else if (value !== null && typeof value === 'object') {
        for (const [key, inner] of Object.entries(value)) {
          if (key === 'additionalProperties' && inner === false) strict.push(at)
          walk(inner, `${at}/${key}`)
        }
      }
    }
    walk(doc.components.schemas, '#/components/schemas')
    for (const [path, item] of Object.entries(doc.paths))
      for (const [method, op] of Object.entries(item)) walk(op.responses, `${method} ${path}`)
    expect(strict).toEqual([])
  })

  test('openapi - the validator refuses a wrong type and a missing field, and allows extra ones', async () => {
    const view = {
      conversation: {
        id: 'c1',
        inboxId: 'i1',
        visitorId: 'v1',
        status: 'open',
        assigneeId: null,
        lastSeq: 3,
        hasUnansweredIncoming: true,
        lastMessageAt: 1,
        escalationAt: null,
        createdAt: 1,
        updatedAt: 1,
      },
      readStates: [],
      typing: [],
    }
    const schema =
      doc.paths['/api/conversations/{id}']!.get!.responses['200']!.content!['application/json']
    const validate = ajv.compile(absolute((schema as { schema: unknown }).schema) as object)
    expect(validate(view)).toBe(true)
    expect(
      validate({ ...view, added: 'later', conversation: { ...view.conversation, x: 1 } }),
    ).toBe(true)
    expect(validate({ ...view, conversation: { ...view.conversation, lastSeq: 'three' } })).toBe(
      false,
    )
    expect(validate.errors?.[0]?.instancePath).toBe('/conversation/lastSeq')
    const { typing: _gone, ...missing } = view
    expect(validate(missing)).toBe(false)
    expect(validate({ ...view, conversation: { ...view.conversation, status: 'lost' } })).toBe(
      false,
    )
  })
})

describe('answers fit their documented shapes', () => {
  test('shapes - ops, setup and sign-in', async () => {
    await ok('get', '/healthz')
    await ok('get', '/readyz')
    await ok('get', '/metrics', {}, { token: METRICS_TOKEN })
    await ok('get', '/api')
    await ok('get', '/api/setup')
    const signedIn = await ok('post', '/api/auth/login', {}, { body: ADMIN })
    expect(signedIn.operator.role).toBe('admin')
    // Errors fit the error body: a wrong password, an unknown route's conversation.
    expect(
      (await api('post', '/api/auth/login', {}, { body: { ...ADMIN, password: 'no' } })).status,
    ).toBe(401)
    expect(
      (await api('get', '/api/conversations/{id}', { id: 'nope' }, { token: admin })).status,
    ).toBe(404)
    expect((await api('get', '/api/admin/operators')).status).toBe(401)
    expect(
      (await api('get', '/api/inbox', {}, { token: admin, query: { view: 'nobody' } })).status,
    ).toBe(422)
  })

  test('shapes - an inbox, its operators and a visitor', async () => {
    const inbox = await ok(
      'post',
      '/api/admin/inboxes',
      {},
      { token: admin, body: { name: 'Docs', settings: { allowedOrigins: [], rating: 'stars' } } },
      201,
    )
    f.inboxId = inbox.id
    f.defaultBranchId = inbox.defaultBranchId
    f.anna = await newOperator('Anna Docs', [f.inboxId])
    f.boris = await newOperator('Boris Docs', [f.inboxId])
    await ok('get', '/api/visitor/availability', {}, { query: { inboxId: f.inboxId, lang: 'en' } })
    f.visitor = await ok('post', '/api/visitor/session', {}, { body: { inboxId: f.inboxId } })
    const me = await ok('get', '/api/auth/me', {}, { token: f.visitor.token })
    expect(me.kind).toBe('visitor')
    expect((await ok('get', '/api/auth/me', {}, { token: f.anna.token })).kind).toBe('operator')
    await ok(
      'patch',
      '/api/visitor/profile',
      {},
      {
        token: f.visitor.token,
        body: { name: 'Vera', email: 'vera@example.com', attributes: { plan: 'pro', seats: 3 } },
      },
    )
    await ok('get', '/api/visitor/profile', {}, { token: f.visitor.token })
  })

  test('shapes - the visitor starts a conversation and writes', async () => {
    const v = { token: f.visitor.token }
    const start = { text: 'Hello, a question about invoices', clientMsgId: 'start-1' }
    const started = await ok('post', '/api/visitor/conversations', {}, { ...v, body: start }, 201)
    f.conversationId = started.conversation.id
    const again = await ok('post', '/api/visitor/conversations', {}, { ...v, body: start }, 200)
    expect(again.message.duplicate).toBe(true)
    const id = { id: f.conversationId }
    const sent = await ok(
      'post',
      '/api/conversations/{id}/messages',
      id,
      { ...v, body: { clientMsgId: 'v-2', text: 'The second invoice is wrong' } },
      201,
    )
    await ok(
      'post',
      '/api/conversations/{id}/messages',
      id,
      { ...v, body: { clientMsgId: 'v-2', text: 'The second invoice is wrong' } },
      200,
    )
    f.lastSeq = sent.seq
    await ok('get', '/api/visitor/conversations', {}, v)
    await ok('post', '/api/conversations/{id}/page', id, {
      ...v,
      body: { url: 'https://shop.example/cart', title: 'Cart' },
    })
    await ok('get', '/api/conversations/{id}/queue', id, v)
    await ok('post', '/api/conversations/{id}/delivered', id, { ...v, body: { seq: f.lastSeq } })
    // A challenge, solved as the widget does, earns a pass.
    const challenge = (await ok(
      'post',
      '/api/visitor/challenge',
      {},
      { ...v, body: { inboxId: f.inboxId } },
    )) as Challenge
    const solution = await solveChallenge(challenge)
    expect(solution).not.toBeNull()
    await ok(
      'post',
      '/api/visitor/captcha',
      {},
      { ...v, body: { solution: encodeSolution(solution!) } },
    )
    // Someone else leaves a request while nobody answers.
    const other = await ok('post', '/api/visitor/session', {}, { body: { inboxId: f.inboxId } })
    f.offlineVisitorId = other.visitorId
    await ok(
      'post',
      '/api/visitor/offline-requests',
      {},
      {
        token: other.token,
        body: { name: 'Olga', email: 'olga@example.com', text: 'Call me back', clientMsgId: 'o-1' },
      },
      201,
    )
  })

  test('shapes - files and links', async () => {
    const v = { token: f.visitor.token }
    const id = { id: f.conversationId }
    const file = new File(['order 1234, invoice 5678\n'], 'notes.txt', { type: 'text/plain' })
    const uploaded = await ok(
      'post',
      '/api/conversations/{id}/attachments',
      id,
      { ...v, form: form(file) },
      201,
    )
    const attachmentId = uploaded.attachment.id
    await ok(
      'post',
      '/api/conversations/{id}/messages',
      id,
      { ...v, body: { clientMsgId: 'v-file', attachmentIds: [attachmentId] } },
      201,
    )
    await ok('post', '/api/conversations/{id}/attachments/links', id, {
      ...v,
      body: { ids: [attachmentId] },
    })
    await ok(
      'get',
      '/api/conversations/{id}/attachments/{attachmentId}',
      { ...id, attachmentId },
      v,
    )
  })

  test('shapes - operators answer, note, assign, transfer and resolve', async () => {
    const a = { token: f.anna.token }
    const id = { id: f.conversationId }
    await ok('get', '/api/inboxes', {}, a)
    await ok('get', '/api/inbox', {}, { ...a, query: { inbox: f.inboxId, sort: 'waiting' } })
    await ok('get', '/api/inbox/counts', {}, { ...a, query: { inbox: f.inboxId } })
    await ok('get', '/api/inboxes/{id}/team', { id: f.inboxId }, a)
    await ok('get', '/api/conversations/{id}', id, a)
    await ok('post', '/api/conversations/{id}/assign', id, {
      ...a,
      body: { operatorId: f.anna.id },
    })
    const reply = await ok(
      'post',
      '/api/conversations/{id}/messages',
      id,
      { ...a, body: { clientMsgId: 'a-1', text: 'Hi Vera, checking the invoice' } },
      201,
    )
    f.annaMessageId = reply.messageId
    await ok(
      'patch',
      '/api/conversations/{id}/messages/{messageId}',
      { ...id, messageId: reply.messageId },
      {
        ...a,
        body: { text: 'Hi Vera, checking the invoices now' },
      },
    )
    await ok(
      'post',
      '/api/conversations/{id}/notes',
      id,
      { ...a, body: { clientMsgId: 'n-1', text: 'VIP customer', mentions: [f.boris.id] } },
      201,
    )
    await ok('post', '/api/conversations/{id}/read', id, { ...a, body: { seq: reply.seq } })
    await ok('post', '/api/conversations/{id}/typing', id, { ...a, body: { on: true } })
    await ok('get', '/api/conversations/{id}/operators', id, {
      token: f.visitor.token,
      query: { ids: `${f.anna.id},${f.boris.id}` },
    })
    await ok('get', '/api/conversations/{id}/visitor', id, a)
    await ok('patch', '/api/conversations/{id}/visitor', id, { ...a, body: { name: 'Vera K.' } })
    const newest = await ok('get', '/api/conversations/{id}/messages', id, a)
    const last = newest.messages.at(-1).seq + 1
    const back = await ok('get', '/api/conversations/{id}/messages', id, {
      ...a,
      query: { before: String(last), limit: '2' },
    })
    expect(back.activity.length).toBeGreaterThan(0)
    await ok('get', '/api/conversations/{id}/messages', id, {
      token: f.visitor.token,
      query: { after: '0', limit: '3' },
    })
    await ok(
      'delete',
      '/api/conversations/{id}/messages/{messageId}',
      {
        ...id,
        messageId: f.annaMessageId,
      },
      a,
    )
    await ok('post', '/api/conversations/{id}/transfer', id, {
      token: admin,
      body: { to: { operatorId: f.boris.id }, note: 'Yours, about invoices' },
    })
    await ok('post', '/api/conversations/{id}/status', id, {
      token: f.boris.token,
      body: { status: 'resolved' },
    })
    await ok('post', '/api/conversations/{id}/rating', id, {
      token: f.visitor.token,
      body: { score: 5, comment: 'Quick and kind' },
    })
    const found = await ok('get', '/api/search', {}, { ...a, query: { q: 'invoice' } })
    expect(found.results.length).toBeGreaterThan(0)
    await ok('get', '/api/overview', {}, { token: admin })
    // Analytics over what this test just did: real figures, not an empty report.
    await s.analytics.catchUp()
    const hour = 3_600_000
    const range = {
      from: String(Math.floor(Date.now() / hour) * hour - 24 * hour),
      to: String(Math.floor(Date.now() / hour) * hour + hour),
      tz: 'Europe/Moscow',
    }
    const report = await ok('get', '/api/analytics/report', {}, { token: admin, query: range })
    expect(report.totals.conversations).toBeGreaterThan(0)
    expect(report.totals.ratings.rated).toBeGreaterThan(0)
    const drill = { ...range, metric: 'created' }
    const page = await ok('get', '/api/analytics/conversations', {}, { token: admin, query: drill })
    expect(page.items.length).toBeGreaterThan(0)
    const labels = await ok('get', '/api/analytics/labels', {}, { token: admin, query: range })
    expect(labels.conversations).toBeGreaterThan(0)
    const attributes = await ok(
      'get',
      '/api/analytics/attributes',
      {},
      { token: admin, query: range },
    )
    expect(attributes.conversations).toBeGreaterThan(0)
    const sla = await ok('get', '/api/analytics/sla', {}, { token: admin, query: range })
    expect(sla.conversations).toBeGreaterThan(0)
    const comments = await ok('get', '/api/analytics/comments', {}, { token: admin, query: range })
    expect(comments.map((c: { comment: string }) => c.comment)).toContain('Quick and kind')
  })

  test('shapes - triage: labels, priority, snooze, macros, mentions (issue 20)', async () => {
    const a = { token: f.anna.token }
    const started = await ok(
      'post',
      '/api/visitor/conversations',
      {},
      { token: f.visitor.token, body: { clientMsgId: 'triage-1', text: 'a refund, please' } },
      201,
    )
    const id = { id: started.conversation.id as string }
    const label = (
      await ok(
        'post',
        '/api/admin/inboxes/{id}/labels',
        { id: f.inboxId },
        { token: admin, body: { name: 'Refund', color: '#aa3300' } },
        201,
      )
    ).label
    await ok(
      'patch',
      '/api/admin/labels/{id}',
      { id: label.id },
      {
        token: admin,
        body: { color: '#bb4400' },
      },
    )
    await ok('get', '/api/inboxes/{id}/labels', { id: f.inboxId }, a)
    await ok('post', '/api/conversations/{id}/labels', id, { ...a, body: { add: [label.id] } })
    await ok('post', '/api/conversations/{id}/priority', id, { ...a, body: { priority: 'high' } })
    await ok('get', '/api/inbox', {}, { ...a, query: { label: label.id, sort: 'priority' } })
    await ok('post', '/api/conversations/{id}/snooze', id, { ...a, body: { until: null } })
    await ok('delete', '/api/conversations/{id}/snooze', id, a)
    const macro = (
      await ok(
        'post',
        '/api/admin/inboxes/{id}/macros',
        { id: f.inboxId },
        {
          token: admin,
          body: {
            name: 'Refund',
            actions: [
              { type: 'set_priority', priority: 'urgent' },
              { type: 'add_note', text: '@Boris refund requested' },
            ],
          },
        },
        201,
      )
    ).macro
    await ok(
      'patch',
      '/api/admin/macros/{id}',
      { id: macro.id },
      {
        token: admin,
        body: { name: 'Refund request' },
      },
    )
    await ok('get', '/api/inboxes/{id}/macros', { id: f.inboxId }, a)
    await ok(
      'post',
      '/api/conversations/{id}/macros/{macroId}',
      { ...id, macroId: macro.id },
      {
        ...a,
        body: { runId: 'docs-1' },
      },
    )
    await ok(
      'post',
      '/api/conversations/{id}/notes',
      id,
      { ...a, body: { clientMsgId: 'mention-1', text: 'Boris, look', mentions: [f.boris.id] } },
      201,
    )
    const mentions = await ok('get', '/api/me/mentions', {}, { token: f.boris.token })
    expect(mentions.items.length).toBeGreaterThan(0)
    await ok('delete', '/api/admin/macros/{id}', { id: macro.id }, { token: admin })
    // Automation rules (issue 20).
    const inbox = { id: f.inboxId }
    const rule = (
      await ok(
        'post',
        '/api/admin/inboxes/{id}/rules',
        inbox,
        {
          token: admin,
          body: {
            name: 'Refunds',
            event: 'message.created',
            conditions: [{ field: 'label', op: 'has', value: label.id }],
            actions: [{ type: 'set_priority', priority: 'urgent' }],
          },
        },
        201,
      )
    ).rule
    await ok(
      'patch',
      '/api/admin/rules/{id}',
      { id: rule.id },
      { token: admin, body: { enabled: false } },
    )
    await ok('get', '/api/admin/inboxes/{id}/rules', inbox, { token: admin })
    await ok('put', '/api/admin/inboxes/{id}/rules/order', inbox, {
      token: admin,
      body: { ids: [rule.id] },
    })
    const dry = await ok('post', '/api/admin/inboxes/{id}/rules/dry-run', inbox, {
      token: admin,
      body: { conditions: [{ field: 'label', op: 'has', value: label.id }] },
    })
    expect(dry.matched).toBeGreaterThan(0)
    await ok('delete', '/api/admin/rules/{id}', { id: rule.id }, { token: admin })
    // Following (issue 20).
    await ok('put', '/api/conversations/{id}/follow', id, a)
    const followers = await ok('get', '/api/conversations/{id}/followers', id, a)
    expect(followers.following).toBe(true)
    await ok('get', '/api/inbox', {}, { ...a, query: { following: 'true' } })
    await ok('delete', '/api/conversations/{id}/follow', id, a)
    // Custom attributes (issue 20).
    const attribute = (
      await ok(
        'post',
        '/api/admin/inboxes/{id}/attributes',
        inbox,
        {
          token: admin,
          body: {
            scope: 'conversation',
            key: 'plan',
            name: 'Plan',
            type: 'list',
            options: ['pro'],
          },
        },
        201,
      )
    ).attribute
    await ok(
      'patch',
      '/api/admin/attributes/{id}',
      { id: attribute.id },
      { token: admin, body: { options: ['pro', 'free'] } },
    )
    await ok('get', '/api/inboxes/{id}/attributes', inbox, a)
    const set = await ok('patch', '/api/conversations/{id}/attributes', id, {
      ...a,
      body: { attributes: { plan: 'pro' } },
    })
    expect(set.attributes).toEqual({ plan: 'pro' })
    await ok('get', '/api/inbox', {}, { ...a, query: { attribute: 'plan:pro' } })
    await ok('delete', '/api/admin/attributes/{id}', { id: attribute.id }, { token: admin })
    // SLA policies (issue 20).
    const policy = (
      await ok(
        'post',
        '/api/admin/inboxes/{id}/sla-policies',
        inbox,
        { token: admin, body: { name: 'Gold', firstResponseMinutes: 15 } },
        201,
      )
    ).policy
    await ok(
      'patch',
      '/api/admin/sla-policies/{id}',
      { id: policy.id },
      { token: admin, body: { resolutionMinutes: 600 } },
    )
    await ok('get', '/api/inboxes/{id}/sla-policies', inbox, a)
    const applied = await ok('put', '/api/conversations/{id}/sla', id, {
      ...a,
      body: { policyId: policy.id },
    })
    expect(applied.sla.policyId).toBe(policy.id)
    await ok('delete', '/api/admin/sla-policies/{id}', { id: policy.id }, { token: admin })
    // Proactive messages (issue 20): defined, offered, shown, answered, counted.
    const campaign = (
      await ok(
        'post',
        '/api/admin/inboxes/{id}/campaigns',
        inbox,
        { token: admin, body: { name: 'Pricing', text: 'Need a hand?' } },
        201,
      )
    ).campaign
    await ok(
      'patch',
      '/api/admin/campaigns/{id}',
      { id: campaign.id },
      { token: admin, body: { rules: { urlPattern: '*/pricing*' } } },
    )
    await ok('put', '/api/admin/inboxes/{id}/campaign-settings', inbox, {
      token: admin,
      body: { gapMinutes: 30 },
    })
    const listed = await ok('get', '/api/inboxes/{id}/campaigns', inbox, { token: admin })
    expect(listed.gapMinutes).toBe(30)
    const newcomer = await ok('post', '/api/visitor/session', {}, { body: { inboxId: f.inboxId } })
    const offered = await ok(
      'get',
      '/api/visitor/campaigns',
      {},
      {
        token: newcomer.token,
        query: { inboxId: f.inboxId, url: 'https://shop.example/pricing', lang: 'en' },
      },
    )
    expect(offered.campaigns.map((c: { id: string }) => c.id)).toEqual([campaign.id])
    await ok(
      'post',
      '/api/visitor/campaigns/{id}/shown',
      { id: campaign.id },
      {
        token: newcomer.token,
        body: {},
      },
    )
    const answered = await ok(
      'post',
      '/api/visitor/conversations',
      {},
      { token: newcomer.token, body: { campaignId: campaign.id, text: 'yes please' } },
      201,
    )
    expect(answered.conversation.campaignId).toBe(campaign.id)
    const campaignRange = {
      from: String(Math.floor(Date.now() / 900_000) * 900_000 - 3_600_000),
      to: String(Math.floor(Date.now() / 900_000) * 900_000 + 3_600_000),
      tz: 'UTC',
    }
    const counted = await ok(
      'get',
      '/api/analytics/campaigns',
      {},
      { token: admin, query: campaignRange },
    )
    expect(counted.campaigns).toEqual([
      { campaignId: campaign.id, inboxId: f.inboxId, name: 'Pricing', shown: 1, replied: 1 },
    ])
    await ok('delete', '/api/admin/campaigns/{id}', { id: campaign.id }, { token: admin })
    // Web Push (issue 20): a browser at a push service on loopback.
    const pushService = startPushService()
    try {
      const state = await ok('get', '/api/me/push', {}, a)
      expect(typeof state.publicKey).toBe('string')
      const registered = await ok(
        'post',
        '/api/me/push/subscriptions',
        {},
        { ...a, body: pushService.subscription() },
        201,
      )
      const quiet = { from: '22:00', to: '08:00', timeZone: 'Europe/Moscow' }
      const set = await ok(
        'put',
        '/api/me/push/quiet-hours',
        {},
        {
          ...a,
          body: { quietHours: quiet },
        },
      )
      expect(set.quietHours).toEqual(quiet)
      await ok('put', '/api/me/push/quiet-hours', {}, { ...a, body: { quietHours: null } })
      await ok('post', '/api/me/push/test', {}, { ...a, body: {} })
      await ok('delete', '/api/me/push/subscriptions/{id}', { id: registered.subscription.id }, a)
    } finally {
      pushService.stop()
    }
    await ok('delete', '/api/admin/labels/{id}', { id: label.id }, { token: admin })
  })

  test('shapes - e-mail: notifications, password reset, transcripts (a server without SMTP)', async () => {
    const a = { token: f.anna.token }
    await ok('get', '/api/me/notifications', {}, a)
    await ok('put', '/api/me/notifications', {}, { ...a, body: { emailDigest: false } })
    const available = await ok('get', '/api/auth/password-reset')
    expect(available.available).toBe(false)
    const reset = await api(
      'post',
      '/api/auth/password-reset',
      {},
      { body: { email: f.anna.email } },
    )
    expect(reset.status).toBe(503)
    const bogus = await api(
      'post',
      '/api/auth/password-reset/confirm',
      {},
      { body: { token: 'not-a-reset-token', newPassword: 'a-new-password-3' } },
    )
    expect(bogus.status).toBe(401)
    const transcript = await api(
      'post',
      '/api/conversations/{id}/transcript',
      { id: f.conversationId },
      { token: f.visitor.token, body: { email: 'vera@example.com' } },
    )
    expect(transcript.status).toBe(503)
  })

  test("shapes - the operator's own state, picture and canned replies", async () => {
    const a = { token: f.anna.token }
    await ok('get', '/api/me/badges', {}, a)
    await ok('put', '/api/me/status', {}, { ...a, body: { status: 'away' } })
    await ok('patch', '/api/me/profile', {}, { ...a, body: { displayName: 'Anna', locale: 'en' } })
    const pictured = await ok('put', '/api/me/avatar', {}, { ...a, form: form(await photo()) })
    await ok('get', '/api/avatars/{id}', { id: pictured.avatarId })
    await ok('delete', '/api/me/avatar', {}, a)
    await ok(
      'put',
      '/api/admin/operators/{id}/avatar',
      { id: f.boris.id },
      {
        token: admin,
        form: form(await photo()),
      },
    )
    await ok('delete', '/api/admin/operators/{id}/avatar', { id: f.boris.id }, { token: admin })
    const mine = await ok(
      'post',
      '/api/canned-replies',
      {},
      { ...a, body: { scope: 'personal', shortcut: 'hi', title: 'Greeting', text: 'Hello!' } },
      201,
    )
    await ok(
      'post',
      '/api/canned-replies',
      {},
      {
        token: admin,
        body: { scope: 'inbox', inboxId: f.inboxId, shortcut: 'bye', title: 'Bye', text: 'Bye!' },
      },
      201,
    )
    const listed = await ok('get', '/api/canned-replies', {}, { ...a, query: { inbox: f.inboxId } })
    expect(listed.replies.length).toBe(2)
    await ok('patch', '/api/canned-replies/{id}', { id: mine.id }, { ...a, body: { title: 'Hi' } })
    await ok('delete', '/api/canned-replies/{id}', { id: mine.id }, a)
  })

  test('shapes - help center: categories, articles, revisions, search, the widget calls', async () => {
    const t = { token: admin }
    const category = await ok(
      'post',
      '/api/help/categories',
      {},
      { ...t, body: { portal: f.inboxId, names: { en: 'Docs', ru: 'Документы' } } },
      201,
    )
    await ok('get', '/api/help/categories', {}, { ...t, query: { portal: f.inboxId } })
    await ok(
      'patch',
      '/api/help/categories/{id}',
      { id: category.id },
      { ...t, body: { position: 2 } },
    )
    const article = await ok(
      'post',
      '/api/help/articles',
      {},
      {
        ...t,
        body: {
          portal: f.inboxId,
          language: 'en',
          title: 'Shapes of things',
          body: 'Documented **shapes**.',
          categoryId: category.id,
          status: 'published',
        },
      },
      201,
    )
    await ok('get', '/api/help/articles', {}, { ...t, query: { portal: f.inboxId } })
    await ok('get', '/api/help/articles/{id}', { id: article.id }, t)
    await ok(
      'patch',
      '/api/help/articles/{id}',
      { id: article.id },
      { ...t, body: { fromRevision: 1, body: 'Documented shapes, again.' } },
    )
    await ok('get', '/api/help/articles/{id}/revisions', { id: article.id }, t)
    await ok(
      'post',
      '/api/help/articles/{id}/revisions/{revision}/restore',
      { id: article.id, revision: '1' },
      { ...t, body: { fromRevision: 2 } },
    )
    await ok(
      'get',
      '/api/help/search',
      {},
      {
        ...t,
        query: { portal: f.inboxId, language: 'en', q: 'shapes' },
      },
    )
    await ok(
      'get',
      '/api/visitor/help/search',
      {},
      {
        query: { inbox: f.inboxId, language: 'en', q: 'shape' },
      },
    )
    await ok(
      'get',
      '/api/visitor/help/articles/{slug}',
      { slug: article.slug },
      {
        query: { inbox: f.inboxId, language: 'en' },
      },
    )
    await ok('get', '/api/help/figures', {}, { ...t, query: { portal: f.inboxId } })
    const preview = await ok(
      'post',
      '/api/help/preview',
      {},
      {
        ...t,
        body: { language: 'en', body: '## A heading\n\n<script>x</script>' },
      },
    )
    expect(preview.html).not.toContain('<script>')
    const uploaded = await ok(
      'post',
      '/api/help/images',
      {},
      { ...t, query: { portal: f.inboxId }, form: form(await photo()) },
      201,
    )
    await ok('get', '/help/images/{id}', { id: uploaded.image.id })
    await ok('delete', '/api/help/articles/{id}', { id: article.id }, t)
    await ok('delete', '/api/help/categories/{id}', { id: category.id }, t)
  })

  test('shapes - admins: operators, inboxes, members, branches, audit, visitors', async () => {
    const t = { token: admin }
    await ok('get', '/api/admin/operators', {}, t)
    await ok(
      'patch',
      '/api/admin/operators/{id}',
      { id: f.boris.id },
      {
        ...t,
        body: { displayName: 'Bo' },
      },
    )
    await ok('get', '/api/admin/inboxes', {}, t)
    const inbox = { id: f.inboxId }
    await ok('patch', '/api/admin/inboxes/{id}', inbox, { ...t, body: { name: 'Docs inbox' } })
    await ok('get', '/api/admin/inboxes/{id}/identity-secret', inbox, t)
    await ok('get', '/api/admin/inboxes/{id}/members', inbox, t)
    await ok('put', '/api/admin/inboxes/{id}/members', inbox, {
      ...t,
      body: { operatorIds: [f.anna.id, f.boris.id] },
    })
    await ok('get', '/api/admin/inboxes/{id}/branches', inbox, t)
    const night = await ok(
      'post',
      '/api/admin/inboxes/{id}/branches',
      inbox,
      { ...t, body: { name: 'Night shift', operatorIds: [f.boris.id] } },
      201,
    )
    const branch = { id: night.id }
    await ok('get', '/api/admin/branches/{id}', branch, t)
    await ok('patch', '/api/admin/branches/{id}', branch, {
      ...t,
      body: {
        name: 'Nights',
        schedule: {
          timeZone: 'Europe/Berlin',
          week: { mon: [{ from: '18:00', to: '24:00' }] },
          exceptions: [],
        },
      },
    })
    await ok('put', '/api/admin/branches/{id}/members', branch, {
      ...t,
      body: { operatorIds: [f.anna.id, f.boris.id] },
    })
    await ok('put', '/api/admin/inboxes/{id}/routing', inbox, {
      ...t,
      body: {
        defaultBranchId: f.defaultBranchId,
        geoRules: [{ country: 'DE', branchId: night.id }],
      },
    })
    await ok('get', '/api/admin/inboxes/{id}/branches', inbox, t)
    await ok('delete', '/api/admin/branches/{id}', branch, t)
    await ok('get', '/api/admin/audit', {}, { ...t, query: { limit: '20' } })
    await ok('get', '/api/admin/audit', {}, { ...t, query: { format: 'csv' } })
    const found = await ok(
      'get',
      '/api/admin/visitors',
      {},
      {
        ...t,
        query: { email: 'vera@example.com' },
      },
    )
    expect(found.visitors.length).toBe(1)
    await ok('get', '/api/admin/visitors/{id}/export', { id: f.visitor.visitorId }, t)
  })

  test('shapes - webhook endpoints and their log', async () => {
    const t = { token: admin }
    const created = await ok(
      'post',
      '/api/webhooks',
      {},
      { ...t, body: { inboxId: f.inboxId, url: receiver.url, events: ['message.created'] } },
      201,
    )
    f.webhookId = created.endpoint.id
    const hook = { id: f.webhookId }
    await ok('get', '/api/webhooks', {}, { ...t, query: { inboxId: f.inboxId } })
    await ok('get', '/api/webhooks/{id}', hook, t)
    await ok('patch', '/api/webhooks/{id}', hook, { ...t, body: { description: 'CRM' } })
    await ok('post', '/api/webhooks/{id}/rotate-secret', hook, { ...t, body: { overlapHours: 0 } })
    const pinged = await ok('post', '/api/webhooks/{id}/ping', hook, t)
    await receiver.waitFor((r) => r.some((x) => x.event.id === pinged.delivery.eventId))
    await s.webhooks.drain()
    await ok('get', '/api/webhooks/{id}/deliveries', hook, { ...t, query: { limit: '10' } })
    await ok(
      'post',
      '/api/webhooks/{id}/deliveries/{eventId}/redeliver',
      {
        ...hook,
        eventId: pinged.delivery.eventId,
      },
      t,
    )
  })

  test('shapes - API tokens and conversations for outside contacts', async () => {
    const made = await ok(
      'post',
      '/api/tokens',
      {},
      { token: admin, body: { name: 'CRM', scope: 'write', expiresInDays: 30 } },
      201,
    )
    f.apiTokenId = made.token.id
    await ok('get', '/api/tokens', {}, { token: admin })
    // The token at work, acting as the admin.
    const pat = { token: made.secret as string }
    const contact = {
      inboxId: f.inboxId,
      contact: { externalId: 'crm-7', name: 'Carla', email: 'carla@example.com' },
      text: 'From the web form',
      clientMsgId: 'crm-1',
    }
    const started = await ok('post', '/api/conversations', {}, { ...pat, body: contact }, 201)
    await ok('post', '/api/conversations', {}, { ...pat, body: contact }, 200)
    await ok(
      'post',
      '/api/conversations/{id}/contact-messages',
      { id: started.conversation.id },
      { ...pat, body: { clientMsgId: 'crm-2', text: 'And a second line' } },
      201,
    )
    await ok('get', '/api/inbox', {}, { ...pat, query: { inbox: f.inboxId } })
  })

  test('shapes - the realtime fallbacks', async () => {
    const v = { token: f.visitor.token }
    const session = await ok('post', '/rt/sessions', {}, { ...v, body: { transport: 'poll' } }, 201)
    const sid = { id: session.sessionId }
    await ok(
      'post',
      '/rt/sessions/{id}/frames',
      sid,
      { ...v, body: [{ type: 'ping', req: 1 }] },
      202,
    )
    const frames = await ok('get', '/rt/sessions/{id}/poll', sid, v)
    expect(frames.length).toBeGreaterThan(0)
    await ok('delete', '/rt/sessions/{id}', sid, v)
  })

  test('shapes - sign-out, secrets, revocation and erasure, on objects of their own', async () => {
    const t = { token: admin }
    // An operator of its own for the session calls: each ends sessions.
    const carl = await newOperator('Carl Docs', [f.inboxId])
    await ok(
      'post',
      '/api/auth/password',
      {},
      {
        token: carl.token,
        body: { currentPassword: PASSWORD, newPassword: 'another-password-2' },
      },
    )
    await ok('post', '/api/auth/logout', {}, { token: carl.token })
    const again = await login(carl.email, 'another-password-2')
    await ok('post', '/api/auth/logout-all', {}, { token: again })
    // An inbox of its own for the rotation and the visitors' sign-out.
    const spare = await ok('post', '/api/admin/inboxes', {}, { ...t, body: { name: 'Spare' } }, 201)
    await ok('post', '/api/admin/inboxes/{id}/rotate-identity-secret', { id: spare.id }, t)
    await ok('post', '/api/admin/inboxes/{id}/revoke-visitor-sessions', { id: spare.id }, t)
    const stranger = await ok('post', '/api/visitor/session', {}, { body: { inboxId: f.inboxId } })
    await ok('post', '/api/admin/visitors/{id}/revoke', { id: stranger.visitorId }, t)
    const report = await ok('post', '/api/admin/visitors/{id}/erase', { id: f.offlineVisitorId }, t)
    expect(report.conversations).toBe(1)
    await ok('delete', '/api/webhooks/{id}', { id: f.webhookId }, t, 204)
    await ok('delete', '/api/tokens/{id}', { id: f.apiTokenId }, t, 204)
  })

  test('shapes - every documented JSON answer was checked, or the file says why not', () => {
    const documented = Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.entries(item)
        .filter(([, op]) =>
          Object.entries(op.responses).some(
            ([status, r]) => status.startsWith('2') && r.content?.['application/json'],
          ),
        )
        .map(([method]) => `${method} ${path}`),
    )
    const missed = documented.filter((key) => !checked.has(key) && !(key in NOT_CALLED))
    expect(missed).toEqual([])
    const stale = Object.keys(NOT_CALLED).filter(
      (key) => !documented.includes(key) || checked.has(key),
    )
    expect(stale).toEqual([])
  })
})

describe('the docs page', () => {
  test('docs - one self-contained page with every path, linking only to itself and the JSON', async () => {
    const res = await fetch(`${s.url}/api/docs`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8')
    const csp = res.headers.get('content-security-policy') ?? ''
    expect(csp).toContain("default-src 'none'")
    expect(csp).not.toContain('unsafe-inline')
    expect(csp).not.toContain('script-src')
    const html = await res.text()
    expect(html).not.toContain('<script')
    for (const path of Object.keys(doc.paths)) expect(html).toContain(`<code>${path}</code>`)
    for (const [path, item] of Object.entries(doc.paths))
      for (const op of Object.values(item))
        expect(html, path).toContain(`id="op-${op.operationId}"`)
    const links = [...html.matchAll(/\b(?:src|href|action)\s*=\s*"([^"]*)"/g)].map((m) => m[1]!)
    expect(links.length).toBeGreaterThan(Object.keys(doc.paths).length)
    const external = links.filter((l) => !/^(#|\/(?!\/)|data:)/.test(l))
    expect(external).toEqual([])
    expect(links).toContain('/api/openapi.json')
    // Every in-page link lands on an element of the page.
    const ids = new Set([...html.matchAll(/\bid="([^"]+)"/g)].map((m) => m[1]))
    const dangling = links.filter((l) => l.startsWith('#') && !ids.has(l.slice(1)))
    expect(dangling).toEqual([])
    expect(html).toContain('<main id="main">')
    expect(html).toContain('<nav aria-label="Contents">')
    expect(html).toContain('prefers-color-scheme: dark')
  })
})
