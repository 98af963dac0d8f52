/**
 * What a link in a message shows (C8): the URL as written, its host in punycode when that host
 * mixes scripts (`аpple.com` with a Cyrillic а reads `xn--pple-43d.com`), as browsers' address
 * bars do. Part of the lazy markdown chunk: the plain path on first load never links a URL
 * whose host is not ASCII, it leaves such a message to the markdown renderer.
 */
import { showControls } from './rich-text.ts'

/** What a link shows: the URL as written, its host in punycode when that host mixes scripts. */
export function linkText(raw: string, href: string): string {
  const authority = /^(https?:\/\/|(?=www\.))([^/?#]*)(.*)$/i.exec(raw)
  if (!authority) return showControls(raw)
  const [, scheme = '', hostPart = '', rest = ''] = authority
  const at = hostPart.lastIndexOf('@')
  const host = hostPart.slice(at + 1).replace(/:\d*$/, '')
  if (!mixesScripts(host)) return showControls(raw)
  const ascii = new URL(href).hostname
  return showControls(
    scheme + hostPart.slice(0, at + 1) + ascii + hostPart.slice(at + 1 + host.length) + rest,
  )
}

/** Scripts a host name may combine (UTS #39 "highly restrictive"); any other mix is suspect. */
const ALLOWED_MIXES: ReadonlyArray<ReadonlySet<string>> = [
  new Set(['Latin', 'Han', 'Hiragana', 'Katakana']),
  new Set(['Latin', 'Han', 'Bopomofo']),
  new Set(['Latin', 'Han', 'Hangul']),
]
const SCRIPTS = [
  'Latin',
  'Cyrillic',
  'Greek',
  'Armenian',
  'Georgian',
  'Hebrew',
  'Arabic',
  'Han',
  'Hiragana',
  'Katakana',
  'Hangul',
  'Bopomofo',
  'Thai',
  'Lao',
  'Khmer',
  'Myanmar',
  'Devanagari',
  'Bengali',
  'Gurmukhi',
  'Gujarati',
  'Tamil',
  'Telugu',
  'Kannada',
  'Malayalam',
  'Sinhala',
  'Thaana',
  'Ethiopic',
  'Cherokee',
].map((name) => [name, new RegExp(`\\p{Script=${name}}`, 'u')] as const)
const NEUTRAL = /[\p{Script=Common}\p{Script=Inherited}]/u

/** True when the host's letters come from scripts a genuine name would not combine. */
export function mixesScripts(host: string): boolean {
  const scripts = new Set<string>()
  for (const char of host) {
    if (NEUTRAL.test(char)) continue
    scripts.add(SCRIPTS.find(([, pattern]) => pattern.test(char))?.[0] ?? `other:${char}`)
  }
  if (scripts.size <= 1) return false
  return !ALLOWED_MIXES.some((allowed) => [...scripts].every((s) => allowed.has(s)))
}
