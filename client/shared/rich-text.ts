/**
 * Markdown-like formatting for message text (C8): **bold**, http(s) links, line breaks (kept
 * by CSS `white-space: pre-wrap`). The output is a list of tokens rendered as text nodes and
 * elements, never as HTML, so message text can never inject markup.
 */
export type RichToken =
  | { kind: 'text'; text: string }
  | { kind: 'bold'; text: string }
  | { kind: 'link'; text: string; href: string }

const BOLD = /\*\*(?=\S)([^\n]*?\S)\*\*/g
const URL_LIKE = /\bhttps?:\/\/[^\s<>"']+/gi
/** Punctuation that ends a sentence more often than a URL. */
const TRAILING = /[.,;:!?)\]}»"']+$/

export function parseRichText(text: string): RichToken[] {
  const out: RichToken[] = []
  let last = 0
  for (const match of text.matchAll(BOLD)) {
    linkify(text.slice(last, match.index), out)
    out.push({ kind: 'bold', text: match[1] ?? '' })
    last = match.index + match[0].length
  }
  linkify(text.slice(last), out)
  return out
}

function linkify(text: string, out: RichToken[]): void {
  let last = 0
  for (const match of text.matchAll(URL_LIKE)) {
    const raw = match[0].replace(TRAILING, '')
    const href = safeHref(raw)
    if (!href) continue
    if (match.index > last) out.push({ kind: 'text', text: text.slice(last, match.index) })
    out.push({ kind: 'link', text: raw, href })
    last = match.index + raw.length
  }
  if (last < text.length) out.push({ kind: 'text', text: text.slice(last) })
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
