/**
 * Stemmers for the help-center search: one lower-cased word in, its stem out, so that "orders",
 * "ordered" and "ordering" (or "заказа", "заказы", "заказами") index and search as one term.
 *
 * The algorithm is chosen by script, because help articles and visitors' queries mix Russian and
 * English (product names, error messages) inside one sentence:
 * - a word of Russian letters goes through the Snowball Russian stemmer (other Cyrillic
 *   letters, such as Ukrainian і/ї/є/ґ, make a word "other": Russian endings would mangle it),
 * - a word of ASCII Latin letters goes through the Snowball English ("Porter2") stemmer,
 * - anything else (digits, other scripts, letters with diacritics, a mix) is returned unchanged,
 *   which is the safe choice: an unstemmed word still matches itself exactly.
 *
 * Both algorithms are written from their published descriptions on snowballstem.org (regions,
 * step lists, exceptional forms). English follows the current description including the 2023
 * undoubling refinement ("added" -> "add", not "ad"), with the R1 prefixes gener/commun/arsen
 * only (the 2025 additions such as past/univers/later/emerg/organ/inter are not included). Like
 * Porter2, words shorter than 3 characters are never changed, and the Russian stemmer does the
 * same. Russian treats `ё` as `е`, short words included ("ёж" -> "еж"), so both spellings meet.
 */

/** Words shorter than this are returned as they are by both stemmers. */
const MIN_STEM_LENGTH = 3

/** A word for the English stemmer: ASCII letters, possibly with apostrophes ("o'clock"). */
const ENGLISH_WORD = /^[a-z']*[a-z][a-z']*$/

/** A word for the Russian stemmer: the 33 letters of the Russian alphabet only. */
const RUSSIAN_WORD = /^[а-яё]+$/

/** Every `ё`, to fold to `е` (the stemmer's suffix tables are written with `е`). */
const YO = /ё/g

/** Every `Y` the English prelude set, to turn back to `y` at the end. */
const CAPITAL_Y = /Y/g

/**
 * The stem of one lower-cased word, by script (see the module comment): Russian words by the
 * Snowball Russian stemmer, ASCII Latin words by Snowball English (Porter2), the rest unchanged.
 */
export function stem(word: string): string {
  if (RUSSIAN_WORD.test(word)) {
    const folded = word.includes('ё') ? word.replace(YO, 'е') : word
    return folded.length < MIN_STEM_LENGTH ? folded : stemRussian(folded)
  }
  if (word.length < MIN_STEM_LENGTH) return word
  return ENGLISH_WORD.test(word) ? stemEnglish(word) : word
}

// ---------------------------------------------------------------------------------------------
// Shared helpers

/** The suffixes of a table, longest first, so the first one a word ends with is the longest. */
function longestFirst(suffixes: Iterable<string>): readonly string[] {
  return [...suffixes].sort((a, b) => b.length - a.length)
}

/**
 * The longest of `suffixes` (sorted longest first) that `word` ends with and that starts at or
 * after `from`, or '' when none does. `from` is a region limit (Russian RV): Snowball searches
 * only inside the region, so a longer ending reaching before it is not seen at all.
 */
function longestSuffix(word: string, suffixes: readonly string[], from = 0): string {
  for (const suffix of suffixes) {
    if (word.length - suffix.length >= from && word.endsWith(suffix)) return suffix
  }
  return ''
}

/**
 * The start of the region after the first non-vowel that follows a vowel, searching from
 * `from`, or the word's length when there is none: R1 from 0, R2 from R1's start.
 */
function afterVowelConsonant(word: string, from: number, vowels: ReadonlySet<string>): number {
  const n = word.length
  let i = from
  while (i < n && !vowels.has(word.charAt(i))) i++
  i++
  while (i < n && vowels.has(word.charAt(i))) i++
  return i < n ? i + 1 : n
}

// ---------------------------------------------------------------------------------------------
// English (Porter2)

/** The vowels of Porter2. `Y` (a `y` the prelude marked as a consonant) is not one. */
const EN_VOWELS: ReadonlySet<string> = new Set('aeiouy')

/** Doubles that step 1b undoubles ("hopp" -> "hop"); c, h, j, k, q, v, w and x are not. */
const EN_DOUBLES: ReadonlySet<string> = new Set([
  'bb',
  'dd',
  'ff',
  'gg',
  'mm',
  'nn',
  'pp',
  'rr',
  'tt',
])

/** Letters that may precede a removable "li" in step 2. */
const EN_LI_ENDINGS: ReadonlySet<string> = new Set('cdeghkmnrt')

/** Prefixes after which R1 starts, instead of after the first vowel-consonant ("generous"). */
const EN_R1_PREFIXES: readonly string[] = ['gener', 'commun', 'arsen']

/** Exceptional forms: words (checked before anything else) with a fixed stem. */
const EN_EXCEPTIONS: ReadonlyMap<string, string> = new Map([
  ['skis', 'ski'],
  ['skies', 'sky'],
  ['dying', 'die'],
  ['lying', 'lie'],
  ['tying', 'tie'],
  ['idly', 'idl'],
  ['gently', 'gentl'],
  ['ugly', 'ugli'],
  ['early', 'earli'],
  ['only', 'onli'],
  ['singly', 'singl'],
  ['sky', 'sky'],
  ['news', 'news'],
  ['howe', 'howe'],
  ['atlas', 'atlas'],
  ['cosmos', 'cosmos'],
  ['bias', 'bias'],
  ['andes', 'andes'],
])

/** Words left as they are once step 1a has run ("innings" -> "inning", not "inn"). */
const EN_INVARIANT_AFTER_1A: ReadonlySet<string> = new Set([
  'inning',
  'outing',
  'canning',
  'herring',
  'earring',
  'proceed',
  'exceed',
  'succeed',
])

/** Step 0 suffixes (possessive apostrophes). */
const EN_STEP0 = longestFirst(["'s'", "'s", "'"])

/** Step 1a suffixes; the action depends on which one matched. */
const EN_STEP1A = longestFirst(['sses', 'ied', 'ies', 'us', 'ss', 's'])

/** Step 1b suffixes; "eed" forms become "ee" in R1, the others are deleted after a vowel. */
const EN_STEP1B = longestFirst(['eed', 'eedly', 'ed', 'edly', 'ing', 'ingly'])

/** Step 2: suffix -> replacement when in R1 ("ogi" needs a preceding l, "li" a li-ending). */
const EN_STEP2: ReadonlyMap<string, string> = new Map([
  ['tional', 'tion'],
  ['enci', 'ence'],
  ['anci', 'ance'],
  ['abli', 'able'],
  ['entli', 'ent'],
  ['izer', 'ize'],
  ['ization', 'ize'],
  ['ational', 'ate'],
  ['ation', 'ate'],
  ['ator', 'ate'],
  ['alism', 'al'],
  ['aliti', 'al'],
  ['alli', 'al'],
  ['fulness', 'ful'],
  ['ousli', 'ous'],
  ['ousness', 'ous'],
  ['iveness', 'ive'],
  ['iviti', 'ive'],
  ['biliti', 'ble'],
  ['bli', 'ble'],
  ['ogi', 'og'],
  ['fulli', 'ful'],
  ['lessli', 'less'],
  ['li', ''],
])
const EN_STEP2_SUFFIXES = longestFirst(EN_STEP2.keys())

/** Step 3: suffix -> replacement when in R1 ("ative" must also be in R2). */
const EN_STEP3: ReadonlyMap<string, string> = new Map([
  ['tional', 'tion'],
  ['ational', 'ate'],
  ['alize', 'al'],
  ['icate', 'ic'],
  ['iciti', 'ic'],
  ['ical', 'ic'],
  ['ful', ''],
  ['ness', ''],
  ['ative', ''],
])
const EN_STEP3_SUFFIXES = longestFirst(EN_STEP3.keys())

/** Step 4: suffixes deleted when in R2 ("ion" only after s or t). */
const EN_STEP4 = longestFirst([
  'al',
  'ance',
  'ence',
  'er',
  'ic',
  'able',
  'ible',
  'ant',
  'ement',
  'ment',
  'ent',
  'ism',
  'ate',
  'iti',
  'ous',
  'ive',
  'ize',
  'ion',
])

/** The word being stemmed with its regions, which later steps read and shorten. */
interface EnglishState {
  w: string
  /** Start of R1 (index into the word; the word's length when R1 is empty). */
  p1: number
  /** Start of R2. */
  p2: number
}

function isEnglishVowel(ch: string): boolean {
  return EN_VOWELS.has(ch)
}

/** Whether `w` has a vowel in [from, to). */
function hasEnglishVowel(w: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (isEnglishVowel(w.charAt(i))) return true
  return false
}

/**
 * Whether w[0, end) ends in a short syllable: a non-vowel, a vowel, then a non-vowel other than
 * w, x or Y ("hop"); or, at the very start of the word, a vowel then a non-vowel ("at").
 */
function endsWithShortSyllable(w: string, end: number): boolean {
  if (end === 2) return isEnglishVowel(w.charAt(0)) && !isEnglishVowel(w.charAt(1))
  if (end < 3) return false
  const last = w.charAt(end - 1)
  return (
    !isEnglishVowel(w.charAt(end - 3)) &&
    isEnglishVowel(w.charAt(end - 2)) &&
    !isEnglishVowel(last) &&
    last !== 'w' &&
    last !== 'x' &&
    last !== 'Y'
  )
}

/**
 * Prelude: drop one leading apostrophe, and mark as consonants (`Y`) an initial y and every y
 * after a vowel, so "say" and "youth" keep their y out of the vowel rules.
 */
function englishPrelude(word: string): string {
  const w = word.charCodeAt(0) === 39 ? word.slice(1) : word
  if (!w.includes('y')) return w
  const chars = w.split('')
  for (let i = 0; i < chars.length; i++) {
    if (chars[i] === 'y' && (i === 0 || isEnglishVowel(chars[i - 1] ?? ''))) chars[i] = 'Y'
  }
  return chars.join('')
}

/** Regions R1 and R2 (with the gener/commun/arsen exception for R1). */
function englishRegions(w: string): { p1: number; p2: number } {
  let p1 = -1
  for (const prefix of EN_R1_PREFIXES) {
    if (w.startsWith(prefix)) {
      p1 = prefix.length
      break
    }
  }
  if (p1 < 0) p1 = afterVowelConsonant(w, 0, EN_VOWELS)
  return { p1, p2: afterVowelConsonant(w, p1, EN_VOWELS) }
}

/** Step 0: remove the longest of ' 's 's'. */
function englishStep0(s: EnglishState): void {
  const suffix = longestSuffix(s.w, EN_STEP0)
  if (suffix) s.w = s.w.slice(0, -suffix.length)
}

/**
 * Step 1a: sses -> ss; ied/ies -> i after two or more letters, else ie ("ties" -> "tie");
 * us and ss stay; s goes when a vowel comes before the letter before it ("gaps", not "gas").
 */
function englishStep1a(s: EnglishState): void {
  const w = s.w
  const suffix = longestSuffix(w, EN_STEP1A)
  const before = w.length - suffix.length
  switch (suffix) {
    case 'sses':
      s.w = w.slice(0, before) + 'ss'
      break
    case 'ied':
    case 'ies':
      s.w = w.slice(0, before) + (before > 1 ? 'i' : 'ie')
      break
    case 's':
      if (hasEnglishVowel(w, 0, before - 1)) s.w = w.slice(0, before)
      break
  }
}

/**
 * Step 1b: eed/eedly -> ee in R1; ed/edly/ing/ingly are deleted when a vowel precedes them, then
 * at/bl/iz get an e back, a double is undoubled (except the three-letter a/e/o + double, "add",
 * "err", "off"), and a short word gets an e ("hop" -> "hope").
 */
function englishStep1b(s: EnglishState): void {
  const w = s.w
  const suffix = longestSuffix(w, EN_STEP1B)
  if (!suffix) return
  const before = w.length - suffix.length
  if (suffix === 'eed' || suffix === 'eedly') {
    if (before >= s.p1) s.w = w.slice(0, before) + 'ee'
    return
  }
  if (!hasEnglishVowel(w, 0, before)) return
  let x = w.slice(0, before)
  const end = x.slice(-2)
  if (end === 'at' || end === 'bl' || end === 'iz') x += 'e'
  else if (EN_DOUBLES.has(end)) {
    const first = x.charAt(0)
    if (!(x.length === 3 && (first === 'a' || first === 'e' || first === 'o'))) x = x.slice(0, -1)
  } else if (s.p1 >= x.length && endsWithShortSyllable(x, x.length)) x += 'e'
  s.w = x
}

/** Step 1c: a final y or Y becomes i after a non-vowel that is not the first letter ("cry"). */
function englishStep1c(s: EnglishState): void {
  const w = s.w
  const n = w.length
  const last = w.charAt(n - 1)
  if ((last === 'y' || last === 'Y') && n > 2 && !isEnglishVowel(w.charAt(n - 2))) {
    s.w = w.slice(0, -1) + 'i'
  }
}

/** Step 2: the longest EN_STEP2 suffix, when in R1, is replaced ("ational" -> "ate"...). */
function englishStep2(s: EnglishState): void {
  const w = s.w
  const suffix = longestSuffix(w, EN_STEP2_SUFFIXES)
  if (!suffix) return
  const before = w.length - suffix.length
  if (before < s.p1) return
  if (suffix === 'ogi' && w.charAt(before - 1) !== 'l') return
  if (suffix === 'li' && !EN_LI_ENDINGS.has(w.charAt(before - 1))) return
  s.w = w.slice(0, before) + (EN_STEP2.get(suffix) ?? '')
}

/** Step 3: the longest EN_STEP3 suffix, when in R1 (and "ative" in R2), is replaced. */
function englishStep3(s: EnglishState): void {
  const w = s.w
  const suffix = longestSuffix(w, EN_STEP3_SUFFIXES)
  if (!suffix) return
  const before = w.length - suffix.length
  if (before < s.p1 || (suffix === 'ative' && before < s.p2)) return
  s.w = w.slice(0, before) + (EN_STEP3.get(suffix) ?? '')
}

/** Step 4: the longest EN_STEP4 suffix, when in R2, is deleted ("ion" only after s or t). */
function englishStep4(s: EnglishState): void {
  const w = s.w
  const suffix = longestSuffix(w, EN_STEP4)
  if (!suffix) return
  const before = w.length - suffix.length
  if (before < s.p2) return
  if (suffix === 'ion') {
    const prev = w.charAt(before - 1)
    if (prev !== 's' && prev !== 't') return
  }
  s.w = w.slice(0, before)
}

/**
 * Step 5: a final e goes when in R2, or in R1 and not after a short syllable; a final l goes
 * when in R2 and after another l.
 */
function englishStep5(s: EnglishState): void {
  const w = s.w
  const before = w.length - 1
  const last = w.charAt(before)
  if (last === 'e') {
    if (before >= s.p2 || (before >= s.p1 && !endsWithShortSyllable(w, before)))
      s.w = w.slice(0, before)
  } else if (last === 'l') {
    if (before >= s.p2 && w.charAt(before - 1) === 'l') s.w = w.slice(0, before)
  }
}

/** Snowball English (Porter2) for one lower-case ASCII word. */
function stemEnglish(word: string): string {
  const exception = EN_EXCEPTIONS.get(word)
  if (exception !== undefined) return exception
  const w = englishPrelude(word)
  const s: EnglishState = { w, ...englishRegions(w) }
  englishStep0(s)
  englishStep1a(s)
  if (!EN_INVARIANT_AFTER_1A.has(s.w)) {
    englishStep1b(s)
    englishStep1c(s)
    englishStep2(s)
    englishStep3(s)
    englishStep4(s)
    englishStep5(s)
  }
  return s.w.includes('Y') ? s.w.replace(CAPITAL_Y, 'y') : s.w
}

// ---------------------------------------------------------------------------------------------
// Russian

/** The Russian vowels. */
const RU_VOWELS: ReadonlySet<string> = new Set('аеиоуыэюя')

/**
 * An ending table: ending -> group. Group 1 endings are removed only after а or я (itself in
 * RV), group 2 endings unconditionally.
 */
type Endings = ReadonlyMap<string, 1 | 2>

function endings(group1: readonly string[], group2: readonly string[]): Endings {
  return new Map<string, 1 | 2>([
    ...group1.map((e): [string, 1 | 2] => [e, 1]),
    ...group2.map((e): [string, 1 | 2] => [e, 2]),
  ])
}

/** PERFECTIVE GERUND endings ("прочитав", "прочитавшись", "купив"). */
const RU_PERFECTIVE_GERUND = endings(
  ['в', 'вши', 'вшись'],
  ['ив', 'ивши', 'ившись', 'ыв', 'ывши', 'ывшись'],
)
const RU_PERFECTIVE_GERUND_SUFFIXES = longestFirst(RU_PERFECTIVE_GERUND.keys())

/** ADJECTIVE endings. */
const RU_ADJECTIVE = endings(
  [],
  [
    'ее',
    'ие',
    'ые',
    'ое',
    'ими',
    'ыми',
    'ей',
    'ий',
    'ый',
    'ой',
    'ем',
    'им',
    'ым',
    'ом',
    'его',
    'ого',
    'ему',
    'ому',
    'их',
    'ых',
    'ую',
    'юю',
    'ая',
    'яя',
    'ою',
    'ею',
  ],
)
const RU_ADJECTIVE_SUFFIXES = longestFirst(RU_ADJECTIVE.keys())

/** PARTICIPLE endings, removed only right before an ADJECTIVE ending (ADJECTIVAL). */
const RU_PARTICIPLE = endings(['ем', 'нн', 'вш', 'ющ', 'щ'], ['ивш', 'ывш', 'ующ'])
const RU_PARTICIPLE_SUFFIXES = longestFirst(RU_PARTICIPLE.keys())

/** REFLEXIVE endings. */
const RU_REFLEXIVE = endings([], ['ся', 'сь'])
const RU_REFLEXIVE_SUFFIXES = longestFirst(RU_REFLEXIVE.keys())

/** VERB endings. */
const RU_VERB = endings(
  [
    'ла',
    'на',
    'ете',
    'йте',
    'ли',
    'й',
    'л',
    'ем',
    'н',
    'ло',
    'но',
    'ет',
    'ют',
    'ны',
    'ть',
    'ешь',
    'нно',
  ],
  [
    'ила',
    'ыла',
    'ена',
    'ейте',
    'уйте',
    'ите',
    'или',
    'ыли',
    'ей',
    'уй',
    'ил',
    'ыл',
    'им',
    'ым',
    'ен',
    'ило',
    'ыло',
    'ено',
    'ят',
    'ует',
    'уют',
    'ит',
    'ыт',
    'ены',
    'ить',
    'ыть',
    'ишь',
    'ую',
    'ю',
  ],
)
const RU_VERB_SUFFIXES = longestFirst(RU_VERB.keys())

/** NOUN endings. */
const RU_NOUN = endings(
  [],
  [
    'а',
    'ев',
    'ов',
    'ие',
    'ье',
    'е',
    'иями',
    'ями',
    'ами',
    'еи',
    'ии',
    'и',
    'ией',
    'ей',
    'ой',
    'ий',
    'й',
    'иям',
    'ям',
    'ием',
    'ем',
    'ам',
    'ом',
    'о',
    'у',
    'ах',
    'иях',
    'ях',
    'ы',
    'ь',
    'ию',
    'ью',
    'ю',
    'ия',
    'ья',
    'я',
  ],
)
const RU_NOUN_SUFFIXES = longestFirst(RU_NOUN.keys())

/** DERIVATIONAL endings, removed in R2 by step 3 ("радость" -> "рад"). */
const RU_DERIVATIONAL = longestFirst(['ост', 'ость'])

/** SUPERLATIVE endings and the other endings step 4 tidies up. */
const RU_TIDY_UP = longestFirst(['ейш', 'ейше', 'н', 'ь'])

/**
 * Removes the longest ending of `table` found inside RV (from `rv`), honouring its group: the
 * word without it, or undefined when none is found or the longest one's condition fails
 * (Snowball then does not fall back to a shorter ending).
 */
function removeEnding(
  w: string,
  table: Endings,
  suffixes: readonly string[],
  rv: number,
): string | undefined {
  const suffix = longestSuffix(w, suffixes, rv)
  if (!suffix) return undefined
  const before = w.length - suffix.length
  if (table.get(suffix) === 1) {
    const prev = w.charAt(before - 1)
    if (before - 1 < rv || (prev !== 'а' && prev !== 'я')) return undefined
  }
  return w.slice(0, before)
}

/** ADJECTIVAL: an ADJECTIVE ending, and then a PARTICIPLE ending before it if there is one. */
function removeAdjectival(w: string, rv: number): string | undefined {
  const adjective = removeEnding(w, RU_ADJECTIVE, RU_ADJECTIVE_SUFFIXES, rv)
  if (adjective === undefined) return undefined
  return removeEnding(adjective, RU_PARTICIPLE, RU_PARTICIPLE_SUFFIXES, rv) ?? adjective
}

/**
 * Step 1: a PERFECTIVE GERUND ending; otherwise a REFLEXIVE ending (if any) and then the first
 * found of an ADJECTIVAL, a VERB or a NOUN ending.
 */
function russianStep1(w: string, rv: number): string {
  const gerund = removeEnding(w, RU_PERFECTIVE_GERUND, RU_PERFECTIVE_GERUND_SUFFIXES, rv)
  if (gerund !== undefined) return gerund
  const x = removeEnding(w, RU_REFLEXIVE, RU_REFLEXIVE_SUFFIXES, rv) ?? w
  return (
    removeAdjectival(x, rv) ??
    removeEnding(x, RU_VERB, RU_VERB_SUFFIXES, rv) ??
    removeEnding(x, RU_NOUN, RU_NOUN_SUFFIXES, rv) ??
    x
  )
}

/** Step 2: a final и (in RV) is removed. */
function russianStep2(w: string, rv: number): string {
  return w.length - 1 >= rv && w.endsWith('и') ? w.slice(0, -1) : w
}

/** Step 3: a DERIVATIONAL ending (ост, ость) lying wholly in R2 is removed. */
function russianStep3(w: string, rv: number, r2: number): string {
  const suffix = longestSuffix(w, RU_DERIVATIONAL, rv)
  return suffix && w.length - suffix.length >= r2 ? w.slice(0, -suffix.length) : w
}

/**
 * Step 4: a SUPERLATIVE ending (ейш, ейше) is removed and then нн undoubled; or нн is undoubled;
 * or a final ь is removed. All inside RV.
 */
function russianStep4(w: string, rv: number): string {
  const suffix = longestSuffix(w, RU_TIDY_UP, rv)
  const before = w.length - suffix.length
  switch (suffix) {
    case 'ейш':
    case 'ейше': {
      const x = w.slice(0, before)
      return x.endsWith('нн') && x.length - 2 >= rv ? x.slice(0, -1) : x
    }
    case 'н':
      return before - 1 >= rv && w.charAt(before - 1) === 'н' ? w.slice(0, before) : w
    case 'ь':
      return w.slice(0, before)
    default:
      return w
  }
}

/** Snowball Russian for one lower-case word of Russian letters, with ё already folded to е. */
function stemRussian(w: string): string {
  // RV: after the first vowel. R1: after the first non-vowel following a vowel. R2: R1 of R1.
  let first = 0
  while (first < w.length && !RU_VOWELS.has(w.charAt(first))) first++
  const rv = Math.min(first + 1, w.length)
  const r2 = afterVowelConsonant(w, afterVowelConsonant(w, 0, RU_VOWELS), RU_VOWELS)
  let x = russianStep1(w, rv)
  x = russianStep2(x, rv)
  x = russianStep3(x, rv, r2)
  return russianStep4(x, rv)
}
