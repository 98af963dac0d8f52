/**
 * Cross-origin access, all in one place. The widget frame and the demo page run in an opaque
 * origin (CSP sandbox, see static.ts), so every request the widget makes is cross-origin with
 * `Origin: null`: the routes a visitor uses answer any origin (`*`, never with credentials;
 * tokens travel in the Authorization header). Operator-only routes get no CORS headers, so a
 * browser refuses their preflight from any page but the panel's own origin.
 *
 * Defence in depth for the shared routes: a request from a foreign origin may carry a visitor
 * token only. An operator token is accepted from the panel's origin (or from non-browser
 * clients, which send no Origin); the WebSocket upgrade applies the same rule (realtime/ws.ts).
 * Every other API route (login, admin, the panel's own calls) refuses a browser request from
 * another origin outright (`origin_not_allowed`), so no site can even make one on a signed-in
 * operator's behalf. Which sites may use the visitor routes is the inbox's list (origins.ts).
 */
import { Elysia } from 'elysia'
import { ParleyError } from '../../protocol/index.ts'
import { isVisitorToken } from '../auth/index.ts'
import type { OriginGuard, RequestOrigin } from '../origins.ts'

/** Routes a visitor (the widget) calls, with the methods it uses on each. */
const VISITOR_ROUTES: ReadonlyArray<[RegExp, string]> = [
  [
    /^\/api\/visitor\/(session|conversations|availability|offline-requests|challenge|captcha)$/,
    'GET, POST',
  ],
  [/^\/api\/visitor\/profile$/, 'GET, PATCH'],
  // Proactive messages (issue 20): the page's offers, and a showing.
  [/^\/api\/visitor\/campaigns$/, 'GET'],
  [/^\/api\/visitor\/help\/(search|articles\/[^/]+)$/, 'GET'],
  [/^\/api\/visitor\/campaigns\/[^/]+\/shown$/, 'POST'],
  [/^\/api\/conversations\/[^/]+\/(rating|page)$/, 'POST'],
  [/^\/api\/avatars\/[^/]+$/, 'GET'],
  [/^\/api\/conversations\/[^/]+(\/messages)?$/, 'GET, POST'],
  [/^\/api\/conversations\/[^/]+\/(queue|operators)$/, 'GET'],
  [/^\/api\/conversations\/[^/]+\/messages\/[^/]+$/, 'PATCH, DELETE'],
  [/^\/api\/conversations\/[^/]+\/(read|delivered|typing)$/, 'POST'],
  [/^\/api\/conversations\/[^/]+\/attachments(\/links)?$/, 'POST'],
  [/^\/api\/conversations\/[^/]+\/attachments\/[^/]+$/, 'GET'],
  [/^\/rt\/sessions(\/[^/]+(\/(events|poll|frames))?)?$/, 'GET, POST, DELETE'],
  [/^\/(readyz|healthz)$/, 'GET'],
  // Module scripts and stylesheets of a sandboxed frame are fetched in CORS mode. Not the frame's
  // page: it holds a ticket only pages the inbox allows may show (origins.ts).
  [/^\/widget\/(?!frame\.html$)/, 'GET'],
]

/** Browsers cap it lower (Chromium: 2 h); one preflight per route and token is enough. */
const PREFLIGHT_MAX_AGE = '7200'

function visitorRoute(path: string): string | null {
  for (const [pattern, methods] of VISITOR_ROUTES) if (pattern.test(path)) return methods
  return null
}

/**
 * True when a browser sent the request from a page of another origin than this server's: an
 * `Origin` (`null` included) whose host differs from the Host the request was sent to. Hosts
 * are compared, not schemes, so a TLS-terminating proxy that forwards Host stays same-origin;
 * a Host without a port (nginx's `$host`) matches the origin's host name on any port.
 */
export function isForeignOrigin(headers: Headers): boolean {
  const origin = headers.get('origin')
  if (origin === null) return false
  const own = headers.get('host')
  try {
    const { host, hostname } = new URL(origin)
    return own !== host && own !== hostname
  } catch {
    return true
  }
}

/** Where a request says it came from (headers as a Headers object or Elysia's record). */
export function requestOrigin(
  headers: Headers | Record<string, string | undefined>,
): RequestOrigin {
  const h = headers instanceof Headers ? headers : new Headers(pickHeaders(headers))
  return { origin: h.get('origin'), foreign: isForeignOrigin(h) }
}

function pickHeaders(headers: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {}
  if (headers.origin !== undefined) out.origin = headers.origin
  if (headers.host !== undefined) out.host = headers.host
  return out
}

export function cors(origins: OriginGuard) {
  return new Elysia({ name: 'parley-cors' }).onRequest(({ request, set }) => {
    const path = new URL(request.url).pathname
    const methods = visitorRoute(path)
    if (!methods) {
      if (path.startsWith('/api/') && isForeignOrigin(request.headers)) origins.refusePanel()
      return
    }
    set.headers['access-control-allow-origin'] = '*'
    if (request.method === 'OPTIONS') {
      return new Response(null, {
        status: 204,
        headers: {
          'access-control-allow-methods': methods,
          'access-control-allow-headers': 'authorization, content-type, range, if-none-match',
          'access-control-max-age': PREFLIGHT_MAX_AGE,
        },
      })
    }
    set.headers['access-control-expose-headers'] =
      'retry-after, content-length, content-range, content-disposition, etag'
    const token = /^Bearer\s+(\S+)$/i.exec(request.headers.get('authorization') ?? '')?.[1]
    if (token && !isVisitorToken(token) && isForeignOrigin(request.headers)) {
      throw new ParleyError('forbidden', "operator sessions are accepted from the panel's origin")
    }
  })
}
