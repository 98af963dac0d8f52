/**
 * Build-time emoji data for the picker and `:shortcode:` completion: emojibase-data's compact
 * files are 570 KB (en) and 740 KB (ru) with fields nobody here reads, so a vite plugin serves
 * two virtual modules holding only what is used. `virtual:parley-emoji/en`: every emoji (no
 * skin-tone variants, no components) with group, English name and tags, GitHub shortcodes
 * (emojibase's where GitHub has none) and how it takes a skin tone. `virtual:parley-emoji/ru`:
 * Russian names and tags, by the same index, loaded only for a Russian UI. Each becomes a lazy
 * chunk of its own (emoji-en-*.js, emoji-ru-*.js), reported by client/build.ts.
 */
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import type { Plugin } from 'vite'
import type { EmojiNames, EmojiRow, EmojiSkins } from './shared/emoji/data-types.ts'

interface Compact {
  hexcode: string
  unicode: string
  label: string
  group?: number
  order?: number
  tags?: string[]
  skins?: Array<{ hexcode: string; unicode: string }>
}

const require = createRequire(import.meta.url)
const read = <T>(file: string): T =>
  JSON.parse(readFileSync(require.resolve(`emojibase-data/${file}`), 'utf8')) as T

const TONES = ['1F3FB', '1F3FC', '1F3FD', '1F3FE', '1F3FF']
const COMPONENT_GROUP = 2

/** The picker's emoji in emojibase's order. */
function baseEmoji(): Compact[] {
  return read<Compact[]>('en/compact.json')
    .filter((e) => e.group !== undefined && e.group !== COMPONENT_GROUP)
    .sort((a, b) => (a.order ?? 0) - (b.order ?? 0))
}

/** The emoji with one skin-tone modifier after its first code point (a leading FE0F dropped). */
export function withTone(emoji: string, tone: number): string {
  const [first = '', ...rest] = [...emoji]
  if (rest[0] === '\uFE0F') rest.shift()
  return first + String.fromCodePoint(0x1f3fb + tone) + rest.join('')
}

function skinsOf(e: Compact): EmojiSkins {
  if (!e.skins) return 0
  // One tone for everybody in the emoji: for two people, both get the same.
  const same = TONES.map((tone) =>
    e.skins?.find((s) =>
      s.hexcode
        .split('-')
        .filter((h) => TONES.includes(h))
        .every((h) => h === tone),
    ),
  )
  const spelled = same.map((s) => s?.unicode ?? e.unicode)
  return spelled.every((s, i) => s === withTone(e.unicode, i)) ? 1 : spelled
}

const list = (v: string | string[] | undefined) => (v === undefined ? [] : [v].flat())

/** Rows for `virtual:parley-emoji/en`. */
export function emojiRows(): EmojiRow[] {
  const github = read<Record<string, string | string[]>>('en/shortcodes/github.json')
  const emojibase = read<Record<string, string | string[]>>('en/shortcodes/emojibase.json')
  return baseEmoji().map((e) => {
    const codes = list(github[e.hexcode])
    return [
      e.unicode,
      e.group ?? 0,
      e.label,
      (e.tags ?? []).join(' '),
      (codes.length ? codes : list(emojibase[e.hexcode])).join(' '),
      skinsOf(e),
    ]
  })
}

/** Russian names and tags for `virtual:parley-emoji/ru`, by the index of `emojiRows`. */
export function emojiNamesRu(): EmojiNames {
  const ru = new Map(read<Compact[]>('ru/compact.json').map((e) => [e.hexcode, e]))
  return baseEmoji().map((e) => {
    const r = ru.get(e.hexcode)
    return [r?.label ?? e.label, (r?.tags ?? []).join(' ')]
  })
}

const PREFIX = 'virtual:parley-emoji/'

/** Serves `virtual:parley-emoji/en` and `virtual:parley-emoji/ru`. */
export function emojiDataPlugin(): Plugin {
  return {
    name: 'parley-emoji-data',
    resolveId(id) {
      // The file-like id names the chunk: emoji-en-*.js.
      if (id === `${PREFIX}en` || id === `${PREFIX}ru`)
        return `\0emoji-${id.slice(PREFIX.length)}.js`
      return null
    },
    load(id) {
      if (id === '\0emoji-en.js') return module(emojiRows())
      if (id === '\0emoji-ru.js') return module(emojiNamesRu())
      return null
    },
  }
}

// JSON.parse of a string literal: quicker for the browser than the same data as an object literal.
const module = (data: unknown) =>
  `export default JSON.parse(${JSON.stringify(JSON.stringify(data))})`
