/**
 * Text analysis for the help-center search: the same normalization, word splitting and
 * stemming for the articles when they are indexed and for the visitor's query on every
 * keystroke, so that both sides meet on the same terms whatever the script, case or accents.
 *
 * - `words()`: NFC, lower case, Latin diacritics removed ("café" -> "cafe"), `ё` -> `е`, then
 *   every run of letters/digits of any script is a word (punctuation, spaces, emoji separate).
 * - `terms()`: the stems of those words (Russian and English Snowball, see ./stem.ts), what
 *   the index stores.
 * - `queryTerms()`: a query's distinct content words, with search-as-you-type on the last one.
 * - `editDistance()` / `typoBudget()` / `closestTerms()`: typo tolerance against the index's
 *   vocabulary.
 *
 * Everything here runs on whole articles (100 KB) and on each keystroke: the regular
 * expressions are module constants, ASCII text skips the Unicode passes, and stems are cached.
 */
import { stem } from './stem.ts'

/**
 * A word: a run of letters and digits of any script. Everything else (spaces, punctuation,
 * symbols, emoji) separates words. Global: use it with `String.prototype.match`/`matchAll`,
 * which do not depend on its `lastIndex`.
 */
export const WORD = /[\p{L}\p{N}]+/gu

/** Text whose last character belongs to a word: the query's last word is still being typed. */
const ENDS_IN_WORD = /[\p{L}\p{N}]$/u

/** Text that needs none of the Unicode passes (NFC, diacritics, folds). */
const ASCII_ONLY = /^[\x00-\x7f]*$/

/** Combining marks right after a Latin letter, in NFD text: the diacritics to remove. */
const LATIN_DIACRITICS = /(\p{Script=Latin})\p{M}+/gu

/**
 * Letters that NFD does not decompose but that are written without their stroke or ligature in
 * an ASCII query ("straße" / "strasse", "søren" / "soren"), and `ё`, which Russian readers
 * write as `е` more often than not.
 */
const FOLDS: Readonly<Record<string, string>> = {
  ß: 'ss',
  æ: 'ae',
  œ: 'oe',
  ø: 'o',
  ł: 'l',
  đ: 'd',
  ð: 'd',
  þ: 'th',
  ı: 'i',
  ё: 'е',
}
const FOLDABLE = /[ßæœøłđðþıё]/g

/**
 * The text as the search sees it: NFC, lower case, Latin diacritics removed, the FOLDS
 * applied. Only marks on Latin letters go, so Cyrillic `й` keeps its breve (it is a letter of
 * its own, not an accented `и`). Length may change (ß -> ss), so positions in the result are
 * not positions in the input.
 */
export function normalize(text: string): string {
  if (ASCII_ONLY.test(text)) return text.toLowerCase()
  const lower = text.normalize('NFC').toLowerCase()
  const stripped = lower.normalize('NFD').replace(LATIN_DIACRITICS, '$1').normalize('NFC')
  return stripped.replace(FOLDABLE, (ch) => FOLDS[ch] ?? ch)
}

/** The normalized words of `text`, in order (see WORD and normalize). */
export function words(text: string): string[] {
  return normalize(text).match(WORD) ?? []
}

/**
 * Stems already computed: an article repeats its vocabulary many times and a query is retyped
 * one letter at a time. Cleared when full rather than kept as an LRU: cheap, and stemming a
 * word again costs microseconds.
 */
const STEM_CACHE = new Map<string, string>()
const STEM_CACHE_SIZE = 50_000

function cachedStem(word: string): string {
  let s = STEM_CACHE.get(word)
  if (s === undefined) {
    s = stem(word)
    if (STEM_CACHE.size >= STEM_CACHE_SIZE) STEM_CACHE.clear()
    STEM_CACHE.set(word, s)
  }
  return s
}

/**
 * The stems of `words(text)`, in order, repeats included: what the index stores (joined by
 * spaces) for an article, and what a query is matched with.
 */
export function terms(text: string): string[] {
  return words(text).map(cachedStem)
}

/**
 * English function words that say nothing about which article is wanted ("how do I change my
 * password"), in normalized form. Only the commonest: a longer list starts eating real terms.
 */
export const STOP_WORDS_EN: ReadonlySet<string> = new Set([
  'a',
  'about',
  'am',
  'an',
  'and',
  'are',
  'as',
  'at',
  'be',
  'been',
  'but',
  'by',
  'can',
  'could',
  'did',
  'do',
  'does',
  'for',
  'from',
  'had',
  'has',
  'have',
  'he',
  'her',
  'his',
  'how',
  'i',
  'if',
  'in',
  'into',
  'is',
  'it',
  'its',
  'me',
  'my',
  'no',
  'not',
  'of',
  'on',
  'or',
  'our',
  'she',
  'so',
  'than',
  'that',
  'the',
  'their',
  'them',
  'then',
  'there',
  'these',
  'they',
  'this',
  'those',
  'to',
  'was',
  'we',
  'were',
  'what',
  'when',
  'where',
  'which',
  'who',
  'why',
  'will',
  'with',
  'would',
  'you',
  'your',
])

/** Russian function words, in normalized form (`ё` written `е`: "ее", "еще", "все"). */
export const STOP_WORDS_RU: ReadonlySet<string> = new Set([
  'а',
  'бы',
  'был',
  'была',
  'были',
  'быть',
  'в',
  'вам',
  'вас',
  'во',
  'вот',
  'все',
  'вы',
  'где',
  'да',
  'для',
  'до',
  'его',
  'ее',
  'если',
  'есть',
  'еще',
  'же',
  'за',
  'и',
  'из',
  'или',
  'их',
  'к',
  'как',
  'ко',
  'когда',
  'ли',
  'мне',
  'меня',
  'мой',
  'моя',
  'мое',
  'мои',
  'мы',
  'на',
  'не',
  'нет',
  'но',
  'о',
  'об',
  'он',
  'она',
  'они',
  'оно',
  'от',
  'по',
  'почему',
  'при',
  'с',
  'со',
  'так',
  'то',
  'ты',
  'у',
  'уже',
  'что',
  'чтобы',
  'это',
  'я',
])

function isStopWord(word: string): boolean {
  return STOP_WORDS_EN.has(word) || STOP_WORDS_RU.has(word)
}

/** One word of a search query. */
export interface QueryTerm {
  /** The stem of the word: what to look up among the indexed terms. */
  stem: string
  /** The normalized word as typed (see `prefix`). */
  word: string
  /**
   * The word is still being typed (the last word, the query not ending in a space or
   * punctuation, at least 2 characters): match indexed terms that start with it.
   *
   * The index holds stems only, so prefix matching is against stems, and the stem of a partial
   * word is not always a prefix of the stem of the whole word: "runn" stems to "runn" while
   * "running" stems to "run", and "happy" to "happi". Callers should therefore accept an
   * indexed term that starts with `stem` or with `word` (each catches cases the other misses);
   * some partial words ("runn") still match nothing until the next letter or space.
   */
  prefix: boolean
}

/**
 * The terms to search for: the query's words, each once by stem (first occurrence kept; it
 * becomes the prefix entry if the prefix word has the same stem), stop words dropped unless
 * every word is one ("how to" still finds something; a stop word being typed is dropped too,
 * so "reset the" searches "reset" until the word grows into "theme"), at most `maxWords` of
 * them, counted after stop words and repeats are dropped (the rest ignored, to bound the work
 * of one keystroke). Empty for a query without any word.
 */
export function queryTerms(query: string, maxWords: number): QueryTerm[] {
  const text = normalize(query)
  const all = text.match(WORD)
  if (!all || maxWords < 1) return []
  const last = all.length - 1
  const lastIsPrefix = ENDS_IN_WORD.test(text) && codePointLength(all[last] ?? '') >= 2
  const candidates = all.map((word, i) => ({ word, prefix: lastIsPrefix && i === last }))
  const content = candidates.filter((c) => !isStopWord(c.word))
  const out: QueryTerm[] = []
  const byStem = new Map<string, QueryTerm>()
  for (const { word, prefix } of content.length > 0 ? content : candidates) {
    const s = cachedStem(word)
    const seen = byStem.get(s)
    if (seen) {
      if (prefix && !seen.prefix) {
        seen.prefix = true
        seen.word = word
      }
    } else if (out.length < maxWords) {
      const term = { stem: s, word, prefix }
      byStem.set(s, term)
      out.push(term)
    }
  }
  return out
}

function codePointLength(s: string): number {
  let n = 0
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c < 0xdc00 || c > 0xdfff) n++
  }
  return n
}

/**
 * The number of typos tolerated in a word: none in short words, where one edit makes another
 * common word ("cat"/"car"), one up to 7 characters, two from 8 (code points).
 */
export function typoBudget(word: string): number {
  const n = codePointLength(word)
  return n <= 3 ? 0 : n <= 7 ? 1 : 2
}

/** Reused buffers (code points of both strings, three DP rows), grown on demand. */
let cpA: Int32Array = new Int32Array(64)
let cpB: Int32Array = new Int32Array(64)
let rowPrev2: Int32Array = new Int32Array(65)
let rowPrev: Int32Array = new Int32Array(65)
let rowCur: Int32Array = new Int32Array(65)

/** Writes the code points of `s` into `buf` (grown if needed); returns [buffer, count]. */
function toCodePoints(s: string, buf: Int32Array): [Int32Array, number] {
  if (buf.length < s.length) buf = new Int32Array(s.length * 2)
  let n = 0
  for (let i = 0; i < s.length; i++) {
    const c = s.codePointAt(i) ?? 0
    buf[n++] = c
    if (c > 0xffff) i++
  }
  return [buf, n]
}

/**
 * Optimal string alignment distance between a[0, n) and b[0, m), computed only in the band
 * |i - j| <= max, with every cell capped at max + 1; returns max + 1 as soon as a whole row
 * exceeds max (row minima never decrease, transposition included). `max` >= 0.
 */
function boundedOsa(a: Int32Array, n: number, b: Int32Array, m: number, max: number): number {
  const big = max + 1
  if (Math.abs(n - m) > max) return big
  if (n === 0 || m === 0) return Math.max(n, m)
  if (rowCur.length <= m) {
    rowPrev2 = new Int32Array(2 * m + 2)
    rowPrev = new Int32Array(2 * m + 2)
    rowCur = new Int32Array(2 * m + 2)
  }
  let prev2 = rowPrev2
  let prev = rowPrev
  let cur = rowCur
  for (let j = 0; j <= m; j++) prev[j] = j <= max ? j : big
  for (let i = 1; i <= n; i++) {
    const lo = Math.max(1, i - max)
    const hi = Math.min(m, i + max)
    cur[0] = i <= max ? i : big
    if (lo > 1) cur[lo - 1] = big
    let rowMin = cur[0] ?? big
    const ai = a[i - 1]
    const aPrev = i > 1 ? a[i - 2] : -1
    for (let j = lo; j <= hi; j++) {
      const bj = b[j - 1]
      let v = Math.min(
        (prev[j - 1] ?? big) + (ai === bj ? 0 : 1),
        (prev[j] ?? big) + 1,
        (cur[j - 1] ?? big) + 1,
      )
      if (j > 1 && ai === b[j - 2] && aPrev === bj && ai !== bj) {
        v = Math.min(v, (prev2[j - 2] ?? big) + 1)
      }
      if (v > big) v = big
      cur[j] = v
      if (v < rowMin) rowMin = v
    }
    if (hi < m) cur[hi + 1] = big
    if (rowMin > max) return big
    const t = prev2
    prev2 = prev
    prev = cur
    cur = t
  }
  const d = prev[m] ?? big
  return d > max ? big : d
}

/**
 * Damerau-Levenshtein distance (optimal string alignment: insert, delete, substitute, swap two
 * adjacent characters, each costing 1) between `a` and `b`, on code points so that an emoji or
 * other astral character counts once. Bounded for speed: returns `max + 1` whenever the
 * distance exceeds `max`, stopping as soon as that is certain; work is O(length * max).
 */
export function editDistance(a: string, b: string, max: number): number {
  if (!(max >= 0)) return max + 1
  if (a === b) return 0
  const [bufA, n] = toCodePoints(a, cpA)
  cpA = bufA
  const [bufB, m] = toCodePoints(b, cpB)
  cpB = bufB
  // The distance never exceeds the longer length: cap `max` there (also keeps Infinity out of
  // the integer rows).
  const limit = Math.min(Math.floor(max), Math.max(n, m))
  const d = boundedOsa(bufA, n, bufB, m, limit)
  return d > limit ? max + 1 : d
}

/**
 * The entries of `vocabulary` (the index's terms) within `typoBudget(term)` edits of `term`,
 * `term` itself excluded: nearest first, then alphabetical (code unit order, so the result is
 * the same everywhere), at most `limit`. For "did you mean" and typo-tolerant lookups.
 */
export function closestTerms(term: string, vocabulary: Iterable<string>, limit: number): string[] {
  const budget = typoBudget(term)
  if (budget === 0 || limit < 1) return []
  const [bufA, n] = toCodePoints(term, cpA)
  cpA = bufA
  const found = new Map<string, number>()
  for (const candidate of vocabulary) {
    if (candidate === term || found.has(candidate)) continue
    // Cheap length filter: a string of L code units has between L/2 and L code points.
    const units = candidate.length
    if (units < n - budget || (units + 1) >> 1 > n + budget) continue
    const [bufB, m] = toCodePoints(candidate, cpB)
    cpB = bufB
    const d = boundedOsa(bufA, n, bufB, m, budget)
    if (d <= budget) found.set(candidate, d)
  }
  return [...found]
    .sort(([x, dx], [y, dy]) => dx - dy || (x < y ? -1 : x > y ? 1 : 0))
    .slice(0, limit)
    .map(([t]) => t)
}
