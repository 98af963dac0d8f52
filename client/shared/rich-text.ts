/**
 * Message text, the cheap way: plain text with its http(s) links (line breaks kept by CSS
 * `white-space: pre-wrap`). Shown at once for every message; text that looks like markdown
 * (`looksLikeMarkdown`) is shown again by the CommonMark renderer once its lazy chunk is here
 * (markdown.ts, ui/Markdown.tsx), which uses the same guards below. The output is a list of
 * tokens rendered as text nodes and elements, never as HTML, so message text can never inject
 * markup.
 *
 * Spoofing: invisible bidi controls could make `https://evil.test/\u202Efdp.exe` read as a
 * link ending in `exe.pdf`, so every one is replaced by a visible marker (⟨RLO⟩) in all text;
 * and a link whose host mixes scripts (`аpple.com` with a Cyrillic а) shows its host in
 * punycode (`xn--pple-43d.com`), as browsers' address bars do (link-text.ts: the plain path
 * leaves any non-ASCII host to the markdown renderer, which keeps that table off first load). Renderers also isolate each
 * message and name (`dir="auto"`, `unicode-bidi: isolate`) so one cannot reorder its
 * neighbours.
 */
export type RichToken =
  { kind: 'text'; text: string } | { kind: 'link'; text: string; href: string }

const URL_LIKE = /\bhttps?:\/\/[^\s<>"']+/gi
/** Punctuation that ends a sentence more often than a URL. */
const TRAILING = /[.,;:!?)\]}»"']+$/
/**
 * Characters and line starts that may mean markdown (emphasis, code, links, autolinks, HTML,
 * entities, lists, quotes, headings, rules, indented code), and a URL whose host is not ASCII
 * (only the full renderer checks it for mixed scripts). Text without any renders the same
 * either way, so it never waits for the parser.
 */
const MARKDOWN_LIKE =
  /[*_`~[\]<>#\\|@&]|www\.|^\s*(?:[-+=]|\d+[.)])|^(?: {4}|\t)|https?:\/\/[^\s/?#]*[^\0-\x7f]/im

/** True when the CommonMark renderer could show the text differently from `parseRichText`. */
export function looksLikeMarkdown(text: string): boolean {
  return MARKDOWN_LIKE.test(text)
}

/** Bidi embedding, override and isolate controls and the directional marks, and their names. */
const BIDI = '\u202A\u202B\u202C\u202D\u202E\u2066\u2067\u2068\u2069\u200E\u200F\u061C'
const BIDI_NAMES = 'LRE RLE PDF LRO RLO LRI RLI FSI PDI LRM RLM ALM'.split(' ')
const BIDI_CONTROL = /[\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C]/g

/** Message text as plain runs and links, the plain way: only URLs with an ASCII host link. */
export function parseRichText(text: string): RichToken[] {
  return linkify(text, plainUrl)
}

/**
 * Plain runs and http(s) URLs, each URL as `url` makes it (a link, or text). Bidi controls show
 * as markers everywhere.
 */
export function linkify(text: string, url: (raw: string, href: string) => RichToken): RichToken[] {
  const out: RichToken[] = []
  let last = 0
  const plain = (s: string) => out.push({ kind: 'text', text: showControls(s) })
  for (const match of text.matchAll(URL_LIKE)) {
    const raw = match[0].replace(TRAILING, '')
    const href = safeHref(raw)
    if (!href) continue
    if (match.index > last) plain(text.slice(last, match.index))
    out.push(url(raw, href))
    last = match.index + raw.length
  }
  if (last < text.length) plain(text.slice(last))
  return out
}

/** The text with every bidi control replaced by a visible marker such as ⟨RLO⟩. */
export function showControls(text: string): string {
  return text.replace(BIDI_CONTROL, (c) => `⟨${BIDI_NAMES[BIDI.indexOf(c)]}⟩`)
}

/**
 * Only absolute http(s) and mailto URLs become links; anything else (javascript:, data:,
 * relative or protocol-relative addresses) stays text. The URL parser has the last word, so
 * tabs, case or stray spaces in a scheme cannot smuggle one through.
 */
export function safeHref(raw: string): string | null {
  try {
    const url = new URL(raw)
    return /^(https?|mailto):$/.test(url.protocol) ? url.href : null
  } catch {
    return null
  }
}

/**
 * A URL with an ASCII host is a link showing the URL as written. Any other host may mix scripts
 * (link-text.ts decides, in the markdown chunk): until then the URL is text, in its punycode
 * form, never a look-alike.
 */
function plainUrl(raw: string, href: string): RichToken {
  const host = /^https?:\/\/([^/?#]*)/i.exec(raw)?.[1] ?? ''
  return /^[\x21-\x7e]*$/.test(host)
    ? { kind: 'link', text: showControls(raw), href }
    : { kind: 'text', text: href }
}
