/**
 * The REST API's description (docs/api.md): `GET /api/openapi.json`, an OpenAPI 3.1 document
 * generated from the app's own routes by `@elysiajs/openapi` (request schemas from each route's
 * valibot options, answers and summaries from each route's `detail: doc(...)`, responses.ts),
 * and `GET /api/docs`, a page rendered from the same document (docs-page.ts). Built once, on
 * the first request: the routes do not change after start.
 */
import { createHash } from 'node:crypto'
import { Elysia, type AnyElysia } from 'elysia'
import * as v from 'valibot'
import pkg from '../../package.json' with { type: 'json' }
import type { Store } from '../../actors/index.ts'
import type { HttpContext } from './context.ts'
import { DOCS_STYLE_HASH, docsPage } from './docs-page.ts'
import {
  componentSchemas,
  errorResponse,
  jsonSchemaOf,
  requestSchemaOf,
  TAGS,
  type JsonSchema,
} from './responses.ts'

export const OPENAPI_PATH = '/api/openapi.json'
export const DOCS_PATH = '/api/docs'
/** Browsers and proxies may keep the document this long (it changes only with a new version). */
const MAX_AGE_SEC = 300

/** An operation of the document, as far as this module reads and completes it. */
export interface Operation {
  operationId: string
  summary?: string
  description?: string
  tags?: string[]
  security?: Array<Record<string, string[]>>
  parameters?: Array<{ name: string; in: string; required?: boolean; schema?: JsonSchema }>
  requestBody?: { description?: string; required?: boolean; content: Record<string, unknown> }
  responses: Record<string, { description: string; content?: Record<string, unknown> }>
  [extension: `x-${string}`]: unknown
}

export interface OpenApiDocument {
  openapi: string
  info: { title: string; version: string; description: string }
  jsonSchemaDialect: string
  servers: Array<{ url: string; description?: string }>
  security: Array<Record<string, string[]>>
  tags: Array<{ name: string; description: string }>
  paths: Record<string, Record<string, Operation>>
  components: {
    schemas: Record<string, JsonSchema>
    securitySchemes: Record<string, unknown>
  }
}

export const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']

/**
 * Routes declared outside the route modules (app.ts), documented here. Keyed "METHOD path".
 */
const ELSEWHERE: Record<string, Partial<Operation>> = {
  'GET /api': {
    summary: 'What this server is',
    description: 'Names the WebSocket path and the protocol document.\n\nPublic: no token.',
    tags: ['ops'],
    security: [],
    responses: {
      '200': {
        description: 'Success.',
        content: {
          'application/json': {
            schema: jsonSchemaOf(
              v.object({ name: v.string(), websocket: v.string(), docs: v.string() }),
            ),
          },
        },
      },
    },
    'x-parley-access': 'public',
  },
}

/** What a route registered with the app is: its method and its path as Elysia has it. */
export interface RouteEntry {
  method: string
  path: string
  /** Set by `detail: { hide: true }` (static files). */
  hidden: boolean
}

/**
 * The plugin these routes live in. Elysia hands a plugin its parent's route list once it is
 * used (protected as `getGlobalRoutes`); this reads it, then and later, whole.
 */
class RouteReader extends Elysia {
  appRoutes() {
    return this.getGlobalRoutes()
  }
}

/** The routes plugin of each running server, by its store (`RunningServer.store`): for tests. */
const apps = new WeakMap<Store, RouteReader>()

/** Every route the app of the server with this store registered, static ones included. */
export function registeredRoutes(store: Store): RouteEntry[] {
  const app = apps.get(store)
  if (!app) throw new Error('no app registered openapiRoutes for this store')
  return app.appRoutes().map((r) => ({
    method: r.method,
    path: r.path,
    hidden: r.hooks?.detail?.hide === true,
  }))
}

/** `/api/conversations/:id` in OpenAPI's form: `/api/conversations/{id}`, no trailing slash. */
export function openApiPath(path: string): string {
  const bare = path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path
  return bare.replace(/:([^/]+)/g, '{$1}')
}

/** `post /api/conversations/{id}/messages` -> `postApiConversationsByIdMessages`. */
export function operationIdOf(method: string, path: string): string {
  const camel = (s: string) =>
    s
      .split(/[^A-Za-z0-9]+/)
      .filter(Boolean)
      .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
      .join('')
  const words = path
    .split('/')
    .filter(Boolean)
    .map((segment) =>
      segment.startsWith('{') ? `By${camel(segment.slice(1, -1))}` : camel(segment),
    )
  return method.toLowerCase() + (words.join('') || 'Root')
}

/** The OpenAPI document of `app`'s routes. */
export async function buildDocument(app: RouteReader): Promise<OpenApiDocument> {
  // Loaded on the first request for the document only: the generator is large.
  const { toOpenAPISchema } = await import('@elysiajs/openapi')
  const generated = toOpenAPISchema(
    // A new Elysia's model map is typed narrower than AnyElysia's; the generator reads routes.
    app as unknown as AnyElysia,
    // Only `detail.hide` leaves a route out (static.ts, and these routes): not a dot in its path.
    { staticFile: false },
    undefined,
    { valibot: requestSchemaOf },
    '3.1.0',
  )
  // What the generator leaves out: a route's own operation id, and its JSON body schema (it
  // lists bodies only for the parsers it knows, and body.ts is a parser of our own).
  const named = new Map<string, string>()
  const bodies = new Map<string, v.GenericSchema>()
  for (const route of app.appRoutes()) {
    const key = `${route.method} ${openApiPath(route.path)}`
    const given: unknown = route.hooks?.detail?.operationId
    if (typeof given === 'string') named.set(key, given)
    const body: unknown = route.hooks?.body
    if (isValibot(body)) bodies.set(key, body)
  }
  const paths: OpenApiDocument['paths'] = {}
  const used = new Set<string>()
  for (const [rawPath, item] of Object.entries(generated.paths)) {
    const path = openApiPath(rawPath)
    for (const [method, value] of Object.entries(item ?? {})) {
      if (!METHODS.includes(method) || value === undefined || typeof value !== 'object') continue
      const key = `${method.toUpperCase()} ${path}`
      const op = complete(
        { ...(value as Operation), ...ELSEWHERE[key] },
        named.get(key) ?? operationIdOf(method, path),
        bodies.get(key),
        path,
        used,
      )
      paths[path] = { ...paths[path], [method]: op }
    }
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Parley',
      version: pkg.version,
      description:
        'The REST API of Parley, a self-hosted live support chat. How to sign in, read errors, ' +
        'page through lists and retry safely: docs/api.md in the repository. This document as ' +
        `a page: ${DOCS_PATH}. The realtime protocol (WebSocket frames): docs/protocol.md.`,
    },
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    servers: [{ url: '/', description: 'This server' }],
    security: [{ bearer: [] }],
    tags: Object.entries(TAGS).map(([name, description]) => ({ name, description })),
    paths,
    components: {
      schemas: { ...generated.components.schemas, ...componentSchemas() },
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          description:
            '`Authorization: Bearer <token>`: an operator session token (`POST /api/auth/login`), ' +
            'a visitor token (`POST /api/visitor/session`) or an API token (`pat_...`, made by ' +
            'an admin).',
        },
        metricsToken: {
          type: 'http',
          scheme: 'bearer',
          description: 'The METRICS_TOKEN of the server configuration (`GET /metrics` only).',
        },
      },
    },
  }
}

function isValibot(value: unknown): value is v.GenericSchema {
  if (typeof value !== 'object' || value === null || !('~standard' in value)) return false
  const standard = value['~standard'] as { vendor?: unknown } | undefined
  return standard?.vendor === 'valibot'
}

/** One operation with a stable id, its JSON body and its error answers. */
function complete(
  op: Operation,
  wanted: string,
  body: v.GenericSchema | undefined,
  path: string,
  used: Set<string>,
): Operation {
  let id = wanted
  // Two paths that differ only in punctuation could derive one id; ids stay unique.
  for (let n = 2; used.has(id); n++) id = `${wanted}${n}`
  used.add(id)
  const responses = { ...op.responses }
  // Bodies are JSON only (body.ts refuses forms); uploads document their multipart body in
  // their detail, and so does the realtime route that reads frames without a schema.
  const requestBody = body
    ? {
        ...(op.requestBody?.description ? { description: op.requestBody.description } : {}),
        required: body.type !== 'optional',
        content: { 'application/json': { schema: requestSchemaOf(body) } },
      }
    : op.requestBody && Object.keys(op.requestBody.content).length > 0
      ? op.requestBody
      : undefined
  const statuses = new Set<string>()
  if (op.security === undefined || op.security.some((s) => Object.keys(s).length > 0)) {
    statuses.add('401').add('403')
  }
  if (path.includes('{')) statuses.add('404')
  if (requestBody || op.parameters?.some((p) => p.in === 'query')) statuses.add('400').add('422')
  if (requestBody) statuses.add('413')
  statuses.add('5XX')
  for (const status of statuses) responses[status] ??= errorResponse(status) as never
  const { requestBody: _generated, ...rest } = op
  return { ...rest, operationId: id, ...(requestBody ? { requestBody } : {}), responses }
}

/** A body as served, with its validator. */
interface Representation {
  body: string
  etag: string
}

function represent(body: string): Representation {
  return { body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` }
}

/** The document and its page, both answered from one build. */
interface Built {
  json: Representation
  html: Representation
}

/**
 * `GET /api/openapi.json` and `GET /api/docs`. Registered on the app like any route module;
 * the document covers the app these routes end up in (Elysia hands a plugin its parent's
 * routes), so it lists every route registered before or after this one.
 */
export function openapiRoutes(ctx: HttpContext) {
  let built: Promise<Built> | null = null
  const plugin = new RouteReader()
  apps.set(ctx.store, plugin)
  const build = () =>
    (built ??= buildDocument(plugin).then((doc) => ({
      json: represent(JSON.stringify(doc)),
      html: represent(docsPage(doc, OPENAPI_PATH)),
    }))).catch((error: unknown) => {
      // A failed build is not kept: the next request tries again.
      built = null
      throw error
    })
  /** Cacheable briefly and revalidated by ETag: the document is the same until a restart. */
  const cached = async (
    request: Request,
    set: { status?: number | string; headers: Record<string, string | number> },
    pick: (b: Built) => Representation,
    type: string,
  ) => {
    const { body, etag } = pick(await build())
    set.headers['cache-control'] = `public, max-age=${MAX_AGE_SEC}`
    set.headers.etag = etag
    set.headers['content-type'] = type
    if (request.headers.get('if-none-match') === etag) {
      set.status = 304
      return ''
    }
    return body
  }
  return plugin
    .get(
      OPENAPI_PATH,
      ({ request, set }) => cached(request, set, (b) => b.json, 'application/json'),
      { detail: { hide: true } },
    )
    .get(
      DOCS_PATH,
      async ({ request, set }) => {
        const page = await cached(request, set, (b) => b.html, 'text/html; charset=utf-8')
        Object.assign(set.headers, DOCS_PAGE_HEADERS)
        return page
      },
      { detail: { hide: true } },
    )
}

/** The page runs no script and loads nothing: its one inline stylesheet is allowed by hash. */
const DOCS_PAGE_HEADERS = {
  'content-security-policy': [
    "default-src 'none'",
    `style-src '${DOCS_STYLE_HASH}'`,
    "img-src 'self' data:",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; '),
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
}
