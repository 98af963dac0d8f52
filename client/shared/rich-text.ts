/**
 * Markdown-like formatting for message text (C8): **bold**, http(s) links, line breaks (kept
 * by CSS `white-space: pre-wrap`). The output is a list of tokens rendered as text nodes and
 * elements, never as HTML, so message text can never inject markup.
 *
 * Spoofing: invisible bidi controls could make `https://evil.test/\u202Efdp.exe` read as a
 * link ending in `exe.pdf`, so every one is replaced by a visible marker (⟨RLO⟩) in all text;
 * and a link whose host mixes scripts (`аpple.com` with a Cyrillic а) shows its host in
 * punycode (`xn--pple-43d.com`), as browsers' address bars do. Renderers also isolate each
 * message and name (`dir="auto"`, `unicode-bidi: isolate`) so one cannot reorder its
 * neighbours.
 */
export type RichToken =
  | { kind: 'text'; text: string }
  | { kind: 'bold'; text: string }
  | { kind: 'link'; text: string; href: string }

const BOLD = /\*\*(?=\S)([^\n]*?\S)\*\*/g
const URL_LIKE = /\bhttps?:\/\/[^\s<>"']+/gi
/** Punctuation that ends a sentence more often than a URL. */
const TRAILING = /[.,;:!?)\]}»"']+$/

/** Bidi embedding, override and isolate controls and the directional marks. */
const BIDI_CONTROLS: Record<string, string> = {
  '\u202A': 'LRE',
  '\u202B': 'RLE',
  '\u202C': 'PDF',
  '\u202D': 'LRO',
  '\u202E': 'RLO',
  '\u2066': 'LRI',
  '\u2067': 'RLI',
  '\u2068': 'FSI',
  '\u2069': 'PDI',
  '\u200E': 'LRM',
  '\u200F': 'RLM',
  '\u061C': 'ALM',
}
const BIDI_CONTROL = /[\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C]/g

export function parseRichText(text: string): RichToken[] {
  const out: RichToken[] = []
  let last = 0
  for (const match of text.matchAll(BOLD)) {
    linkify(text.slice(last, match.index), out)
    out.push({ kind: 'bold', text: showControls(match[1] ?? '') })
    last = match.index + match[0].length
  }
  linkify(text.slice(last), out)
  return out
}

/** The text with every bidi control replaced by a visible marker such as ⟨RLO⟩. */
export function showControls(text: string): string {
  return text.replace(BIDI_CONTROL, (c) => `⟨${BIDI_CONTROLS[c]}⟩`)
}

function linkify(text: string, out: RichToken[]): void {
  let last = 0
  const plain = (s: string) => out.push({ kind: 'text', text: showControls(s) })
  for (const match of text.matchAll(URL_LIKE)) {
    const raw = match[0].replace(TRAILING, '')
    const href = safeHref(raw)
    if (!href) continue
    if (match.index > last) plain(text.slice(last, match.index))
    out.push({ kind: 'link', text: linkText(raw, href), href })
    last = match.index + raw.length
  }
  if (last < text.length) plain(text.slice(last))
}

/** Only absolute http(s) URLs become links; anything else stays text. */
export function safeHref(raw: string): string | null {
  try {
    const url = new URL(raw)
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null
  } catch {
    return null
  }
}

/** What a link shows: the URL as written, its host in punycode when that host mixes scripts. */
function linkText(raw: string, href: string): string {
  const authority = /^(https?:\/\/)([^/?#]*)(.*)$/i.exec(raw)
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
