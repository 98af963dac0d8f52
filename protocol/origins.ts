/**
 * Site origins an inbox's widget may run on (S3): how an admin writes them and how a browser's
 * `Origin` is matched against them. Pure functions, shared by the server (settings validation,
 * request checks, the frame's `frame-ancestors`) and the panel.
 *
 * An entry is a scheme (`http` or `https`), a host and an optional port, as browsers serialize
 * an origin: `https://shop.example.com`, `http://localhost:3000`. `https://*.example.com` stands
 * for every subdomain of example.com at any depth, not example.com itself (as CSP reads it).
 * Entries are normalized: lower case, international names in punycode (what browsers send),
 * default ports dropped, one trailing `/` dropped. Anything else in a URL (a path, a query, a
 * fragment, user info) is refused rather than silently cut, and so are wildcards that would
 * cover a whole top-level or public domain (`*`, `*.com`, `*.co.uk`, `*.github.io`).
 */

/** Most entries one inbox may list. */
export const MAX_ALLOWED_ORIGINS = 100
/** Longest entry accepted, in characters (a host name is at most 253). */
export const MAX_ORIGIN_LENGTH = 300

/**
 * Suffixes under which anyone can register a name: a wildcard directly above one would admit
 * strangers' sites. Not the whole public suffix list (thousands of entries), but the
 * second-level registries and shared hosting domains people actually paste; one-label
 * suffixes (`*.com`) are refused by rule.
 */
const PUBLIC_SUFFIXES = new Set([
  'co.uk',
  'org.uk',
  'ac.uk',
  'gov.uk',
  'me.uk',
  'com.au',
  'net.au',
  'org.au',
  'co.nz',
  'co.jp',
  'ne.jp',
  'or.jp',
  'co.kr',
  'co.in',
  'co.za',
  'com.br',
  'com.cn',
  'com.mx',
  'com.tr',
  'com.ua',
  'com.ar',
  'com.sg',
  'com.hk',
  'com.tw',
  'msk.ru',
  'spb.ru',
  'github.io',
  'gitlab.io',
  'herokuapp.com',
  'vercel.app',
  'netlify.app',
  'pages.dev',
  'workers.dev',
  'web.app',
  'firebaseapp.com',
  'appspot.com',
  'azurewebsites.net',
  'cloudfront.net',
  'blogspot.com',
  'wordpress.com',
  'tilda.ws',
])

/** The label a wildcard stands in for while the URL parser checks the rest. */
const WILDCARD_LABEL = 'parley-wildcard'

export type OriginEntryResult = { ok: true; origin: string } | { ok: false; reason: string }

function isIpHost(hostname: string): boolean {
  return hostname.startsWith('[') || /^\d+(\.\d+){3}$/.test(hostname)
}

/** One entry as an admin wrote it: its normalized form, or why it is refused. */
export function normalizeAllowedOrigin(input: string): OriginEntryResult {
  const text = input.trim()
  if (text.length === 0) return { ok: false, reason: 'empty' }
  if (text.length > MAX_ORIGIN_LENGTH)
    return { ok: false, reason: `longer than ${MAX_ORIGIN_LENGTH} characters` }
  if (text === '*' || text === '*.*')
    return {
      ok: false,
      reason: 'a wildcard for every site is not an entry: choose "any website" instead',
    }
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(text)
  if (!scheme)
    return { ok: false, reason: 'must start with https:// or http:// (e.g. https://example.com)' }
  const protocol = scheme[1]!.toLowerCase()
  if (protocol !== 'https' && protocol !== 'http')
    return { ok: false, reason: 'only http and https sites can embed the widget' }
  let rest = text.slice(scheme[0].length)
  // One trailing slash is how browsers show a bare origin; any other path is not an origin.
  if (rest.endsWith('/')) rest = rest.slice(0, -1)
  if (/[/?#\\]/.test(rest))
    return {
      ok: false,
      reason: 'an origin has no path, query or fragment: scheme, host and port only',
    }
  if (rest.includes('@')) return { ok: false, reason: 'an origin has no user name or password' }
  const wildcard = rest.startsWith('*.')
  if (rest.includes('*') && !(wildcard && rest.indexOf('*', 1) === -1))
    return { ok: false, reason: 'a wildcard may only be the first label: https://*.example.com' }
  let url: URL
  try {
    url = new URL(`${protocol}://${wildcard ? `${WILDCARD_LABEL}.${rest.slice(2)}` : rest}`)
  } catch {
    return { ok: false, reason: 'not a valid host name' }
  }
  if (url.pathname !== '/' || url.search || url.hash || url.username || url.password)
    return {
      ok: false,
      reason: 'an origin has no path, query or fragment: scheme, host and port only',
    }
  const hostname = url.hostname
  if (hostname.length === 0 || hostname.endsWith('.'))
    return { ok: false, reason: 'not a valid host name' }
  if (wildcard) {
    const base = hostname.slice(WILDCARD_LABEL.length + 1)
    if (isIpHost(base) || /^\d+(\.\d+)*$/.test(base))
      return { ok: false, reason: 'a wildcard needs a domain name, not an address' }
    if (!base.includes('.'))
      return {
        ok: false,
        reason: `*.${base} would admit every site under .${base}: name your own domain`,
      }
    if (PUBLIC_SUFFIXES.has(base))
      return {
        ok: false,
        reason: `*.${base} would admit anyone's site under ${base}: name your own domain`,
      }
    return { ok: true, origin: `${protocol}://*.${base}${url.port ? `:${url.port}` : ''}` }
  }
  return { ok: true, origin: url.origin }
}

/** A list as the admin gave it: normalized and deduplicated, or the first refusal. */
export function normalizeAllowedOrigins(
  inputs: readonly string[],
): { ok: true; origins: string[] } | { ok: false; reason: string } {
  if (inputs.length > MAX_ALLOWED_ORIGINS)
    return { ok: false, reason: `at most ${MAX_ALLOWED_ORIGINS} sites` }
  const out: string[] = []
  for (const input of inputs) {
    const result = normalizeAllowedOrigin(input)
    if (!result.ok) return { ok: false, reason: `${input.trim().slice(0, 80)}: ${result.reason}` }
    if (!out.includes(result.origin)) out.push(result.origin)
  }
  return { ok: true, origins: out }
}

/**
 * Whether a browser's `Origin` header value is on a normalized list. `null` (an opaque origin)
 * and anything unparsable match nothing; the URL parser normalizes the header as it did the
 * entries, so `https://SHOP.example.com:443` matches `https://shop.example.com`.
 */
export function originAllowed(list: readonly string[], origin: string): boolean {
  let url: URL
  try {
    url = new URL(origin)
  } catch {
    return false
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return false
  if (url.pathname !== '/' || url.search || url.hash || url.username) return false
  const exact = url.origin
  const scheme = url.protocol.slice(0, -1)
  for (const entry of list) {
    if (entry === exact) return true
    const wild = /^(https?):\/\/\*\.([^:]+)(?::(\d+))?$/.exec(entry)
    if (
      wild &&
      wild[1] === scheme &&
      (wild[3] ?? '') === url.port &&
      url.hostname.endsWith(`.${wild[2]}`)
    )
      return true
  }
  return false
}
