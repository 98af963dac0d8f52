/**
 * The words of a search and how they are matched and highlighted, the same for both
 * dialects: user input never reaches FTS5's or tsquery's syntax, only quoted words do.
 */
import { SEARCH_LIMITS, type SearchTextPart } from '../../actors/ports.ts'
import { ParleyError } from '../../protocol/index.ts'

const MAX_QUERY_LENGTH = SEARCH_LIMITS.queryLength
const MAX_QUERY_TERMS = SEARCH_LIMITS.words
/** Longest snippet of a message, in characters (about two lines of the list). */
export const SNIPPET_LENGTH = 160

/** One word of a query; `prefix` matches every word starting with it. */
export interface SearchTerm {
  text: string
  prefix: boolean
}

/**
 * A word as both indexes see one: letters and digits of any script (FTS5's unicode61 and the
 * Postgres parser after punctuation became spaces); everything else separates words.
 */
const WORD = /[\p{L}\p{N}\p{Co}]+/gu

/**
 * The words of a query, lower-cased, each once. The last word, the one being typed, matches as
 * a prefix when it has two or more characters (search as you type; it also stands in for
 * stemming: 'заказ' finds 'заказа'); the others, finished words, match whole (exact terms are
 * several times cheaper to look up than prefixes). Throws `validation_failed` for an empty or
 * too long query or too many words; a query of punctuation only has no words (finds nothing).
 */
export function parseSearchQuery(input: string): SearchTerm[] {
  const query = input.trim()
  if (query.length === 0) throw new ParleyError('validation_failed', 'the search query is empty')
  if (query.length > MAX_QUERY_LENGTH) {
    throw new ParleyError(
      'validation_failed',
      `the search query is longer than ${MAX_QUERY_LENGTH} characters`,
    )
  }
  const words = [...new Set(query.normalize('NFC').toLowerCase().match(WORD) ?? [])]
  if (words.length > MAX_QUERY_TERMS) {
    throw new ParleyError(
      'validation_failed',
      `the search query has more than ${MAX_QUERY_TERMS} words`,
    )
  }
  return words.map((text, i) => ({
    text,
    prefix: i === words.length - 1 && [...text].length >= 2,
  }))
}

/** The FTS5 MATCH expression: every word quoted (no operator survives), all required. */
export function fts5Match(terms: readonly SearchTerm[]): string {
  return terms.map((t) => `"${t.text.replaceAll('"', '""')}"${t.prefix ? '*' : ''}`).join(' AND ')
}

/** The to_tsquery text: every word a quoted lexeme, `:*` for a prefix, all required. */
export function tsQuery(terms: readonly SearchTerm[]): string {
  const quote = (s: string) => `'${s.replaceAll('\\', '\\\\').replaceAll("'", "''")}'`
  return terms.map((t) => `${quote(t.text)}${t.prefix ? ':*' : ''}`).join(' & ')
}

/** A word as the indexes compare it: lower case, Latin letters without diacritics. */
function fold(word: string): string {
  return word
    .toLowerCase()
    .normalize('NFD')
    .replace(/([a-z])\p{Mn}+/gu, '$1')
    .normalize('NFC')
}

/** The spans [start, end) of `text`'s words that the terms match. */
export function hitRanges(text: string, terms: readonly SearchTerm[]): Array<[number, number]> {
  const folded = terms.map((t) => ({ text: fold(t.text), prefix: t.prefix }))
  const ranges: Array<[number, number]> = []
  for (const match of text.matchAll(WORD)) {
    const word = fold(match[0])
    if (folded.some((t) => (t.prefix ? word.startsWith(t.text) : word === t.text))) {
      ranges.push([match.index, match.index + match[0].length])
    }
  }
  return ranges
}

/** `text` cut into parts, the matched words marked. */
export function highlight(text: string, terms: readonly SearchTerm[]): SearchTextPart[] {
  return partsOf(text, hitRanges(text, terms), 0, text.length)
}

/**
 * At most about SNIPPET_LENGTH characters of `text` around its first matched word, cut at
 * word boundaries, with '…' where text was left out.
 */
export function snippet(text: string, terms: readonly SearchTerm[]): SearchTextPart[] {
  const ranges = hitRanges(text, terms)
  if (text.length <= SNIPPET_LENGTH) return partsOf(text, ranges, 0, text.length)
  const first = ranges[0]?.[0] ?? 0
  let start = Math.max(0, first - Math.floor(SNIPPET_LENGTH / 4))
  if (start > 0) {
    const space = text.indexOf(' ', start)
    if (space !== -1 && space < first) start = space + 1
  }
  let end = Math.min(text.length, start + SNIPPET_LENGTH)
  if (end < text.length) {
    const space = text.lastIndexOf(' ', end)
    if (space > first) end = space
  }
  // Never split a surrogate pair.
  if (start > 0 && isLowSurrogate(text.charCodeAt(start))) start -= 1
  if (end < text.length && isLowSurrogate(text.charCodeAt(end))) end += 1
  const parts = partsOf(text, ranges, start, end)
  if (start > 0) parts.unshift({ text: '…', hit: false })
  if (end < text.length) parts.push({ text: '…', hit: false })
  return parts
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff
}

/** text[start, end) as parts, the ranges (clipped to it) marked. */
function partsOf(
  text: string,
  ranges: ReadonlyArray<readonly [number, number]>,
  start: number,
  end: number,
): SearchTextPart[] {
  const parts: SearchTextPart[] = []
  let at = start
  for (const [from, to] of ranges) {
    const a = Math.max(from, start)
    const b = Math.min(to, end)
    if (b <= a) continue
    if (a > at) parts.push({ text: text.slice(at, a), hit: false })
    parts.push({ text: text.slice(a, b), hit: true })
    at = b
  }
  if (at < end) parts.push({ text: text.slice(at, end), hit: false })
  return parts
}
