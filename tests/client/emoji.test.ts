import { describe, expect, test } from 'bun:test'
import { emojiNamesRu, emojiRows, withTone } from '../../client/emoji-data.ts'
import { buildCatalog, emojiPrefs, inTone } from '../../client/shared/emoji/catalog.ts'
import { gridMove } from '../../client/shared/emoji/grid.ts'

const rows = emojiRows()
const en = buildCatalog(rows)
const ru = buildCatalog(rows, emojiNamesRu())

describe('emoji data', () => {
  test('emoji data - every picker emoji once, no skin variants or components, names in both languages', () => {
    expect(rows.length).toBeGreaterThan(1800)
    expect(new Set(rows.map((r) => r[0])).size).toBe(rows.length)
    expect(rows.some((r) => r[1] === 2)).toBe(false)
    expect(rows.some((r) => /[\u{1F3FB}-\u{1F3FF}]/u.test(r[0]))).toBe(false)
    expect(emojiNamesRu()).toHaveLength(rows.length)
  })

  test('emoji data - stays small: only the fields the picker reads', () => {
    const bytes =
      Buffer.byteLength(JSON.stringify(rows)) + Buffer.byteLength(JSON.stringify(emojiNamesRu()))
    expect(bytes).toBeLessThan(400_000)
  })

  test('emoji data - skin tones: the usual modifier place, or every tone spelled out', () => {
    const wave = en.byChar('👋')
    expect(wave && inTone(wave, 3)).toBe('👋🏽')
    expect(wave && inTone(wave, 0)).toBe('👋')
    const smile = en.byChar('😀')
    expect(smile && inTone(smile, 4)).toBe('😀')
    const hands = en.all.find((e) => e.name === 'people holding hands')
    expect(hands && inTone(hands, 1)).toBe('🧑🏻‍🤝‍🧑🏻')
    expect(withTone('☝️', 0)).toBe('☝🏻')
  })
})

describe('emoji catalog', () => {
  test('emoji catalog - search by English name, tag and shortcode', () => {
    expect(en.search('grinning').map((e) => e.char)).toContain('😀')
    expect(en.search('wave')[0]?.char).toBe('👋')
    expect(en.search('thumbs up').map((e) => e.char)).toContain('\u{1F44D}\uFE0F')
    expect(en.search('zzzznothing')).toEqual([])
  })

  test('emoji catalog - a Russian UI also finds Russian names, English still works', () => {
    expect(ru.search('сердце').map((e) => e.char)).toContain('❤️')
    expect(ru.search('heart').map((e) => e.char)).toContain('❤️')
    expect(en.search('сердце')).toEqual([])
  })

  test('emoji catalog - shortcode completion, shortest first, and exact lookup', () => {
    expect(en.complete('smi')[0]?.char).toBe('😄')
    expect(en.complete('+1').map((e) => e.char)).toContain('\u{1F44D}\uFE0F')
    expect(en.byCode('smile')?.char).toBe('😄')
    expect(en.byCode('tada')?.char).toBe('🎉')
    expect(en.byCode('no_such_code')).toBeUndefined()
  })

  test('emoji catalog - recent emoji newest first, deduplicated, and the tone kept', () => {
    const values = new Map<string, unknown>()
    const prefs = emojiPrefs({
      get: <T>(k: string) => (values.get(k) as T) ?? null,
      set: (k, v) => values.set(k, v),
    })
    prefs.used('😀')
    prefs.used('👍')
    prefs.used('😀')
    expect(prefs.recent()).toEqual(['😀', '👍'])
    prefs.setTone(9)
    expect(prefs.tone()).toBe(0)
    prefs.setTone(2)
    expect(prefs.tone()).toBe(2)
  })
})

describe('emoji grid', () => {
  // Sections of 10 and 3 emoji in rows of 8.
  const sizes = [10, 3]
  test('emoji grid - arrows move within and across sections, keeping the column', () => {
    expect(gridMove(sizes, [0, 0], 'ArrowRight', 8)).toEqual([0, 1])
    expect(gridMove(sizes, [0, 9], 'ArrowRight', 8)).toEqual([1, 0])
    expect(gridMove(sizes, [1, 0], 'ArrowLeft', 8)).toEqual([0, 9])
    expect(gridMove(sizes, [0, 1], 'ArrowDown', 8)).toEqual([0, 9])
    expect(gridMove(sizes, [0, 5], 'ArrowDown', 8)).toEqual([0, 9])
    expect(gridMove(sizes, [0, 9], 'ArrowDown', 8)).toEqual([1, 1])
    expect(gridMove(sizes, [1, 2], 'ArrowUp', 8)).toEqual([0, 9])
    expect(gridMove(sizes, [1, 0], 'ArrowUp', 8)).toEqual([0, 8])
    expect(gridMove(sizes, [0, 3], 'ArrowUp', 8)).toBeNull()
    expect(gridMove(sizes, [0, 3], 'a', 8)).toBeNull()
    expect(gridMove([0, 4], [1, 0], 'ArrowUp', 8)).toBeNull()
  })
})
