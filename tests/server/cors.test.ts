/**
 * Cross-origin access (server/http/cors.ts): the widget runs in an opaque origin, so the routes
 * a visitor uses answer CORS; operator-only routes do not, and an operator token coming from
 * another origin than the server's is refused over HTTP and on the WebSocket.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { startTestServer, type TestServer } from '../helpers/server.ts'
import { authFromOrigin } from '../helpers/ws.ts'

let s: TestServer
let operatorToken: string
let visitorToken: string
let conversationId: string

beforeAll(async () => {
  s = await startTestServer()
  operatorToken = await s.adminToken()
  visitorToken = (await s.visitorToken()).token
  const started = await s.http('/api/visitor/conversations', {
    token: visitorToken,
    body: { text: 'hello', clientMsgId: 'c1' },
  })
  conversationId = started.body.conversation.id
})

afterAll(async () => {
  await s.stop()
})

const preflight = (path: string, method: string) =>
  fetch(s.url + path, {
    method: 'OPTIONS',
    headers: {
      origin: 'null',
      'access-control-request-method': method,
      'access-control-request-headers': 'authorization, content-type',
    },
  })

const get = (path: string, token: string, origin?: string) =>
  fetch(s.url + path, {
    headers: { authorization: `Bearer ${token}`, ...(origin ? { origin } : {}) },
  })

const socketAuth = (token: string, origin: string) => authFromOrigin(s.wsUrl, token, origin)

describe('cors', () => {
  test('cors - the routes the widget uses answer preflights and any origin, errors included; operator-only routes get no CORS', async () => {
    const visitorRoutes: Array<[string, string]> = [
      ['/api/visitor/session', 'POST'],
      ['/api/visitor/conversations', 'GET'],
      [`/api/conversations/${conversationId}/messages`, 'POST'],
      [`/api/conversations/${conversationId}/messages/m1`, 'PATCH'],
      [`/api/conversations/${conversationId}/read`, 'POST'],
      ['/rt/sessions', 'POST'],
      ['/rt/sessions/abc/events', 'GET'],
      ['/readyz', 'GET'],
    ]
    for (const [path, method] of visitorRoutes) {
      const res = await preflight(path, method)
      expect({ path, status: res.status }).toEqual({ path, status: 204 })
      expect(res.headers.get('access-control-allow-origin')).toBe('*')
      expect(res.headers.get('access-control-allow-methods')).toContain(method)
      expect(res.headers.get('access-control-allow-headers')).toContain('authorization')
      expect(res.headers.get('access-control-allow-credentials')).toBeNull()
    }
    const ok = await get(`/api/conversations/${conversationId}`, visitorToken, 'null')
    expect(ok.status).toBe(200)
    expect(ok.headers.get('access-control-allow-origin')).toBe('*')
    // A typed error must reach the widget too, not a bare network failure.
    const refused = await get('/api/visitor/conversations', 'v1.bad.token', 'null')
    expect(refused.status).toBe(401)
    expect(refused.headers.get('access-control-allow-origin')).toBe('*')
    const asset = await fetch(`${s.url}/widget/loader.js`, { headers: { origin: 'null' } })
    expect(asset.headers.get('access-control-allow-origin')).toBe('*')
    // Operator-only routes: the browser refuses their preflight from any other origin.
    const operatorRoutes: Array<[string, string]> = [
      ['/api/inbox', 'GET'],
      ['/api/auth/login', 'POST'],
      ['/api/admin/operators', 'GET'],
      [`/api/conversations/${conversationId}/assign`, 'POST'],
      ['/panel/', 'GET'],
    ]
    for (const [path, method] of operatorRoutes) {
      const res = await preflight(path, method)
      expect({ path, allow: res.headers.get('access-control-allow-origin') }).toEqual({
        path,
        allow: null,
      })
    }
    const res = await get('/api/inbox', operatorToken, 'null')
    expect(res.headers.get('access-control-allow-origin')).toBeNull()
  })

  test("cors - an operator token from another origin is refused on shared routes and the socket; the server's own origin and visitors pass", async () => {
    const own = `http://127.0.0.1:${s.port}`
    for (const origin of ['null', 'https://shop.example']) {
      const res = await get(`/api/conversations/${conversationId}`, operatorToken, origin)
      expect(res.status).toBe(403)
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('forbidden')
      expect(await socketAuth(operatorToken, origin)).toBe('error forbidden')
      expect(await socketAuth(visitorToken, origin)).toBe('ack')
    }
    expect((await get(`/api/conversations/${conversationId}`, operatorToken, own)).status).toBe(200)
    expect((await get(`/api/conversations/${conversationId}`, operatorToken)).status).toBe(200)
    expect(await socketAuth(operatorToken, own)).toBe('ack')
  })
})
