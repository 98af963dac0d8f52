/**
 * The built client (dist/, made by `npm run build`) and the widget demo page:
 * - `/widget/*`: the loader, the widget frame and its assets; `/panel/*`: the operator panel
 *   (a path under /panel/ that is not a file gets the panel's index.html: client-side routes);
 * - `/`: a demo page embedding the widget for the default inbox (the first in the store), so a
 *   fresh `npm start` shows a working widget with nothing else running.
 * The widget's pages and the demo page run sandboxed in an opaque origin (SANDBOX below);
 * their assets carry CORS headers for that (http/cors.ts).
 * Hashed files (`assets/`) are cached for good; loader.js and HTML revalidate (no-cache + ETag)
 * so a new build reaches every embedding site at once. Paths are resolved inside dist/ only.
 */
import { existsSync, readFileSync, statSync } from 'node:fs'
import { extname, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Elysia } from 'elysia'
import { ParleyError } from '../../protocol/index.ts'
import type { HttpContext } from './context.ts'

const DIST = fileURLToPath(new URL('../../dist/', import.meta.url))

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
}
const IMMUTABLE = 'public, max-age=31536000, immutable'

/**
 * The file a URL path names inside `root`, or null: undecodable, a NUL or backslash, a `..` or
 * dot-file segment, or anything resolving outside root is refused before touching the disk.
 */
export function resolveInside(root: string, urlPath: string): string | null {
  let decoded: string
  try {
    decoded = decodeURIComponent(urlPath)
  } catch {
    return null
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null
  const segments = decoded.split('/').filter((s) => s.length > 0)
  if (segments.length === 0 || segments.some((s) => s.startsWith('.'))) return null
  const base = resolve(root)
  const path = resolve(base, ...segments)
  return path.startsWith(base + sep) ? path : null
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile()
  } catch {
    return false
  }
}

/**
 * Runs a page in an opaque origin: its scripts work, but it shares no storage with the panel
 * and cannot script it, although both are served from this origin (same-origin policy is per
 * origin, so a path alone would not separate them). Links may still open normal tabs.
 */
export const SANDBOX =
  'sandbox allow-scripts allow-popups allow-popups-to-escape-sandbox allow-forms'

/**
 * Security headers per page: the widget frame may be embedded anywhere and runs sandboxed (it
 * lives on every embedding site, so it must never reach the panel's login), the panel nowhere.
 */
function pageHeaders(request: Request, area: 'widget' | 'panel'): Record<string, string> {
  const csp = [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    // blob: for previews of files about to be sent (object URLs of the picked files).
    "img-src 'self' data: blob:",
    "media-src 'self' blob:",
    // 'self' covers ws: and wss: to this origin (CSP3); naming the request's Host here would
    // echo a header the client chose into the policy.
    "connect-src 'self'",
    "base-uri 'none'",
    "object-src 'none'",
    "form-action 'none'",
    ...(area === 'panel' ? ["frame-ancestors 'none'"] : [SANDBOX]),
  ].join('; ')
  return {
    'content-security-policy': csp,
    'referrer-policy': 'no-referrer',
    ...(area === 'panel' ? { 'x-frame-options': 'DENY' } : {}),
  }
}

/** The built frame page, read once per build (its mtime). */
let framePage: { path: string; mtimeMs: number; html: string } | null = null

function frameHtml(path: string): string {
  const { mtimeMs } = statSync(path)
  if (framePage?.path !== path || framePage.mtimeMs !== mtimeMs)
    framePage = { path, mtimeMs, html: readFileSync(path, 'utf8') }
  return framePage.html
}

/**
 * The widget frame's page, per inbox (S3): `frame-ancestors` from the inbox's sites, so
 * browsers show it only inside them, and a ticket the frame presents to open its first
 * session (origins.ts). Never cached, never readable cross-origin (no CORS, cors.ts).
 */
async function serveFrame(ctx: HttpContext, request: Request, path: string): Promise<Response> {
  const inboxId = new URL(request.url).searchParams.get('inbox') ?? ''
  const known = /^[A-Za-z0-9_-]{1,64}$/.test(inboxId)
  const ancestors = known ? await ctx.origins.frameAncestors(inboxId) : "'self'"
  const headers = pageHeaders(request, 'widget')
  if (ancestors !== null) headers['content-security-policy'] += `; frame-ancestors ${ancestors}`
  const ticket = known ? ctx.origins.frameTicket(inboxId, ctx.clientKey(request)) : ''
  const html = frameHtml(path).replace(
    '</head>',
    `<meta name="parley-frame-ticket" content="${ticket}" />\n  </head>`,
  )
  return new Response(html, {
    headers: {
      ...headers,
      'content-type': TYPES['.html']!,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    },
  })
}

function serveFile(request: Request, path: string, area: 'widget' | 'panel'): Response {
  const ext = extname(path)
  const gz = `${path}.gz`
  const useGzip = /\bgzip\b/.test(request.headers.get('accept-encoding') ?? '') && isFile(gz)
  const stat = statSync(useGzip ? gz : path)
  const etag = `W/"${stat.size.toString(16)}-${Math.floor(stat.mtimeMs).toString(16)}${useGzip ? '-gz' : ''}"`
  const headers: Record<string, string> = {
    'content-type': TYPES[ext] ?? 'application/octet-stream',
    'cache-control': path.includes(`${sep}assets${sep}`) ? IMMUTABLE : 'no-cache',
    etag,
    vary: 'Accept-Encoding',
    'x-content-type-options': 'nosniff',
    ...(ext === '.html' ? pageHeaders(request, area) : {}),
  }
  if (request.headers.get('if-none-match') === etag)
    return new Response(null, { status: 304, headers })
  if (useGzip) headers['content-encoding'] = 'gzip'
  return new Response(Bun.file(useGzip ? gz : path), { headers })
}

/** Pages and files, not the API: left out of the OpenAPI document (openapi.ts). */
const NOT_API = { detail: { hide: true } }

export function staticRoutes(ctx: HttpContext, opts: { dist?: string } = {}) {
  const dist = opts.dist ?? DIST
  const built = () => existsSync(resolve(dist, 'widget', 'loader.js'))
  const serve = (request: Request, area: 'widget' | 'panel', rest: string, fallback?: string) => {
    if (!built())
      throw new ParleyError('unavailable', 'the client is not built: run `npm run build`')
    const path = resolveInside(resolve(dist, area), rest)
    if (path && path === resolve(dist, 'widget', 'frame.html') && isFile(path))
      return serveFrame(ctx, request, path)
    if (path && isFile(path)) return serveFile(request, path, area)
    // A client-side route (no extension) gets the page; a missing asset stays a 404.
    if (fallback && !extname(rest)) return serveFile(request, resolve(dist, area, fallback), area)
    throw new ParleyError('not_found', 'no such file')
  }
  return (
    new Elysia()
      .get(
        '/',
        async ({ request }) => {
          const inboxes = await ctx.store.inboxes.list()
          // The demo page is sandboxed: only an inbox that runs on any site can show here (S3).
          const restricted = new Set(
            inboxes.filter((i) => i.settings.allowedOrigins?.length !== 0).map((i) => i.id),
          )
          return demoPage(new URL(request.url), inboxes[0]?.id ?? null, built(), restricted)
        },
        NOT_API,
      )
      .get('/widget/*', ({ request, params }) => serve(request, 'widget', params['*']), NOT_API)
      // Elysia matches /panel and /panel/ alike; only the bare one redirects (relative URLs).
      .get(
        '/panel',
        ({ request, redirect }) =>
          new URL(request.url).pathname === '/panel'
            ? redirect('/panel/', 302)
            : serve(request, 'panel', 'index.html'),
        NOT_API,
      )
      .get(
        '/panel/*',
        ({ request, params }) => serve(request, 'panel', params['*'] || 'index.html', 'index.html'),
        NOT_API,
      )
  )
}

const DEMO_TEXT = {
  en: {
    title: 'Northwind Coffee — Parley demo',
    hero: 'Freshly roasted coffee, delivered',
    body: 'This page stands in for any website. The round button in the corner is the Parley widget: open it and write to support. Operators answer from the panel.',
    snippet: 'The whole embed is one script tag:',
    panel: 'Operator panel',
    api: 'API',
    missing: 'The client is not built yet: run npm run build, then reload.',
    noInbox: 'There is no inbox yet.',
    restricted:
      "This inbox's widget runs only on the sites its settings list (Settings → Where the widget runs), so it cannot show on this page.",
  },
  ru: {
    title: 'Northwind Coffee — демо Parley',
    hero: 'Свежая обжарка с доставкой',
    body: 'Эта страница изображает любой сайт. Круглая кнопка в углу — виджет Parley: откройте его и напишите в поддержку. Операторы отвечают из панели.',
    snippet: 'Весь код для встраивания — один тег script:',
    panel: 'Панель оператора',
    api: 'API',
    missing: 'Клиент ещё не собран: выполните npm run build и обновите страницу.',
    noInbox: 'Пока нет ни одного инбокса.',
    restricted:
      'Виджет этого ящика работает только на сайтах из его настроек (Настройки → Где работает виджет), поэтому на этой странице его не видно.',
  },
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

/**
 * The demo host page. Query overrides, for trying things out: `lang=ru|en` (sets the page's
 * <html lang>, which the widget follows), `theme=light|dark|auto`, `delay=N`, `scroll`,
 * `inbox=<id>`. Sandboxed like the widget frame (any script on it is as foreign as a real
 * embedding site's), so its widget has no storage: it forgets the visitor on reload.
 */
export function demoPage(
  url: URL,
  defaultInbox: string | null,
  built: boolean,
  restricted: ReadonlySet<string> = new Set(),
): Response {
  const q = url.searchParams
  const lang = q.get('lang') === 'ru' ? 'ru' : 'en'
  const t = DEMO_TEXT[lang]
  const requested = q.get('inbox')
  const inbox = requested && /^[\w-]{1,64}$/.test(requested) ? requested : defaultInbox
  const theme = q.get('theme')
  const attrs = [
    ['data-inbox', inbox],
    ['data-theme', theme === 'light' || theme === 'dark' || theme === 'auto' ? theme : null],
    ['data-delay', /^\d{1,3}$/.test(q.get('delay') ?? '') ? q.get('delay') : null],
    ['data-on-scroll', q.has('scroll') ? '' : null],
  ]
    .filter((a): a is [string, string] => a[1] !== null)
    .map(([k, v]) => ` ${k}="${escapeHtml(v)}"`)
    .join('')
  const tag = `<script src="/widget/loader.js"${attrs} async></script>`
  const shown = `<script src="${url.origin}/widget/loader.js" data-inbox="${inbox ?? '<inbox id>'}" async></script>`
  const scheme = theme === 'dark' ? 'dark' : theme === 'light' ? 'light' : 'light dark'
  const body = !built
    ? `<p class="warn">${t.missing}</p>`
    : !inbox
      ? `<p class="warn">${t.noInbox}</p>`
      : restricted.has(inbox)
        ? `<p class="warn">${t.restricted}</p>`
        : ''
  const html = `<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${t.title}</title>
<link rel="icon" href="data:,">
<style>
  :root { color-scheme: ${scheme}; font: 16px/1.6 Georgia, 'Times New Roman', serif; }
  body { margin: 0; background: light-dark(#faf7f2, #15120f); color: light-dark(#2b2118, #efe6dc); }
  header { padding: 18px 32px; border-bottom: 1px solid light-dark(#eadfd2, #2e261f); font-weight: bold; letter-spacing: .04em; }
  main { max-width: 720px; margin: 0 auto; padding: 56px 32px 160px; }
  h1 { font-size: 40px; line-height: 1.15; margin: 0 0 16px; }
  pre { overflow-x: auto; padding: 14px 16px; border-radius: 10px; background: light-dark(#efe7dc, #241e18); font-size: 13px; }
  a { color: light-dark(#8a4b16, #f0b37e); }
  .warn { padding: 12px 16px; border-radius: 10px; background: #fde68a; color: #713f12; }
</style>
</head>
<body>
<header>NORTHWIND COFFEE</header>
<main>
<h1>${t.hero}</h1>
<p>${t.body}</p>
${body}
<p>${t.snippet}</p>
<pre>${escapeHtml(shown)}</pre>
<p><a href="/panel/">${t.panel}</a> · <a href="/api">${t.api}</a></p>
</main>
${built && inbox && !restricted.has(inbox) ? tag : ''}
</body>
</html>
`
  return new Response(html, {
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-cache',
      'x-content-type-options': 'nosniff',
      'content-security-policy': `default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-src 'self'; base-uri 'none'; object-src 'none'; frame-ancestors 'none'; ${SANDBOX}`,
      'referrer-policy': 'no-referrer',
      'x-frame-options': 'DENY',
    },
  })
}
