/**
 * The emoji catalog behind the picker and `:shortcode:` completion: the build-time data
 * (virtual:parley-emoji/*, lazy chunks), search over names, tags and shortcodes in English and,
 * for a Russian UI, Russian; skin tones; recent emoji kept in the caller's storage.
 */
import type { EmojiRow, EmojiSkins } from './data-types.ts'

export type EmojiLang = 'en' | 'ru'

/** One emoji as the picker shows it. */
export interface Emoji {
  char: string
  group: number
  /** In the UI language. */
  name: string
  codes: string[]
  skins: EmojiSkins
  /** Lower-case words searched: names, tags and shortcodes, in English and the UI language. */
  words: string[]
}

export interface Catalog {
  all: Emoji[]
  /** Emoji whose words start with every word of the query, best first. */
  search(query: string, limit?: number): Emoji[]
  /** Emoji with a shortcode starting with `prefix` (no colons), shortest first. */
  complete(prefix: string, limit?: number): Emoji[]
  byCode(code: string): Emoji | undefined
  byChar(char: string): Emoji | undefined
}

/** Where the picker keeps recent emoji and the skin tone (the widget's host storage, localStorage). */
export interface EmojiStore {
  get<T>(key: string): T | null
  set(key: string, value: unknown): void
}

const loaded = new Map<EmojiLang, Promise<Catalog>>()

/** The catalog for a UI language; data chunks are fetched once (again after a failure). */
export function loadCatalog(lang: EmojiLang): Promise<Catalog> {
  let catalog = loaded.get(lang)
  if (!catalog) {
    catalog = Promise.all([
      import('virtual:parley-emoji/en'),
      lang === 'ru' ? import('virtual:parley-emoji/ru') : null,
    ]).then(([en, ru]) => buildCatalog(en.default, ru?.default))
    catalog.catch(() => loaded.delete(lang))
    loaded.set(lang, catalog)
  }
  return catalog
}

export function buildCatalog(rows: EmojiRow[], names?: Array<[string, string]>): Catalog {
  const all = rows.map(([char, group, name, tags, codes, skins], i): Emoji => {
    const local = names?.[i]
    const codeList = codes ? codes.split(' ') : []
    const text = [name, tags, codes.replace(/_/g, ' '), local?.[0] ?? '', local?.[1] ?? '']
    return {
      char,
      group,
      name: local?.[0] ?? name,
      codes: codeList,
      skins,
      words: [
        ...new Set([
          ...codeList,
          ...text
            .join(' ')
            .toLowerCase()
            .split(/[\s:,.()"“”-]+/),
        ]),
      ].filter(Boolean),
    }
  })
  const codes = new Map(all.flatMap((e) => e.codes.map((c) => [c, e] as const)))
  const chars = new Map(all.map((e) => [e.char, e]))
  return {
    all,
    search(query, limit = 200) {
      const terms = query.toLowerCase().split(/\s+/).filter(Boolean)
      if (terms.length === 0) return []
      const scored: Array<[number, Emoji]> = []
      for (const e of all) {
        if (!terms.every((t) => e.words.some((w) => w.startsWith(t)))) continue
        const whole = query.trim().toLowerCase()
        const score = e.codes.includes(whole) ? 0 : e.name.toLowerCase().startsWith(whole) ? 1 : 2
        scored.push([score, e])
      }
      return scored
        .sort((a, b) => a[0] - b[0])
        .slice(0, limit)
        .map(([, e]) => e)
    },
    complete(prefix, limit = 8) {
      const p = prefix.toLowerCase()
      const found: Array<[string, Emoji]> = []
      for (const [code, e] of codes) if (code.startsWith(p)) found.push([code, e])
      return found
        .sort((a, b) => a[0].length - b[0].length || a[0].localeCompare(b[0]))
        .filter(([, e], i, list) => list.findIndex(([, x]) => x === e) === i)
        .slice(0, limit)
        .map(([, e]) => e)
    },
    byCode: (code) => codes.get(code.toLowerCase()),
    byChar: (char) => chars.get(char),
  }
}

/** The emoji in a skin tone (1-5; 0 the default yellow), when it takes one. */
export function inTone(e: Emoji, tone: number): string {
  if (tone < 1 || tone > 5 || e.skins === 0) return e.char
  if (e.skins !== 1) return e.skins[tone - 1] ?? e.char
  const [first = '', ...rest] = [...e.char]
  if (rest[0] === '\uFE0F') rest.shift()
  return first + String.fromCodePoint(0x1f3fa + tone) + rest.join('')
}

// Word characters only: the widget loader keeps keys matching /^\w{1,32}$/.
const RECENT_KEY = 'emojiRecent'
const TONE_KEY = 'emojiTone'
const RECENT_MAX = 24

/** Recent emoji (base characters, newest first) and the chosen skin tone. */
export function emojiPrefs(store: EmojiStore) {
  return {
    recent: (): string[] =>
      store.get<string[]>(RECENT_KEY)?.filter((c) => typeof c === 'string') ?? [],
    used(char: string) {
      const next = [char, ...this.recent().filter((c) => c !== char)].slice(0, RECENT_MAX)
      store.set(RECENT_KEY, next)
    },
    tone: (): number => {
      const t = store.get<number>(TONE_KEY)
      return typeof t === 'number' && t >= 0 && t <= 5 ? t : 0
    },
    setTone: (tone: number) => store.set(TONE_KEY, tone),
  }
}

export type EmojiPrefs = ReturnType<typeof emojiPrefs>

/**
 * Puts text in place of `from`..`to` of a textarea, caret after it, and tells the composer as
 * typing would (an input event), so its draft, height and typing notice follow.
 */
export function insertText(input: HTMLTextAreaElement, text: string, from?: number, to?: number) {
  const start = from ?? input.selectionStart
  const end = to ?? input.selectionEnd
  input.focus()
  input.setRangeText(text, start, end, 'end')
  input.dispatchEvent(
    new InputEvent('input', { bubbles: true, inputType: 'insertText', data: text }),
  )
}
