/** Text analysis for the help-center search (server/help/analyze.ts). */
import { describe, expect, test } from 'bun:test'
import {
  STOP_WORDS_EN,
  STOP_WORDS_RU,
  WORD,
  closestTerms,
  editDistance,
  queryTerms,
  terms,
  typoBudget,
  words,
} from '../../server/help/analyze.ts'

describe('analyze - words', () => {
  test('analyze - lower case, punctuation separates words', () => {
    expect(words('How do I change my E-mail? (Settings → Account)')).toEqual([
      'how',
      'do',
      'i',
      'change',
      'my',
      'e',
      'mail',
      'settings',
      'account',
    ])
    expect(words('')).toEqual([])
    expect(words(' ?!… — ')).toEqual([])
  })

  test('analyze - Latin diacritics removed, NFC first, folds', () => {
    expect(words('Café CAFÉ cafe\u0301 naïve Ångström Straße Søren')).toEqual([
      'cafe',
      'cafe',
      'cafe',
      'naive',
      'angstrom',
      'strasse',
      'soren',
    ])
  })

  test('analyze - ё becomes е, й keeps its breve', () => {
    expect(words('Ёлка ещё её Йошкар-Ола')).toEqual(['елка', 'еще', 'ее', 'йошкар', 'ола'])
    expect(words('е\u0308ж')).toEqual(['еж'])
  })

  test('analyze - mixed scripts and digits', () => {
    expect(words('Заказ #12345 через PayPal, 2-й раз; iPhone15 中文 ελληνικά')).toEqual([
      'заказ',
      '12345',
      'через',
      'paypal',
      '2',
      'й',
      'раз',
      'iphone15',
      '中文',
      // Only Latin letters lose their diacritics: Greek keeps its tonos.
      'ελληνικά',
    ])
  })

  test('analyze - emoji separate words', () => {
    expect(words('ok👍thanks🙂 спасибо❤️да')).toEqual(['ok', 'thanks', 'спасибо', 'да'])
  })

  test('analyze - WORD is a run of letters and digits of any script', () => {
    expect('a1 б2_в—γ'.match(WORD)).toEqual(['a1', 'б2', 'в', 'γ'])
  })

  test('analyze - terms are the stems of the words, in order, repeats kept', () => {
    expect(terms('Orders, ordered; заказы и заказами — orders')).toEqual([
      'order',
      'order',
      'заказ',
      'и',
      'заказ',
      'order',
    ])
  })
})

describe('analyze - stop words', () => {
  test('analyze - lists hold the commonest function words, normalized', () => {
    for (const w of [
      'the',
      'a',
      'an',
      'is',
      'how',
      'do',
      'i',
      'to',
      'of',
      'and',
      'in',
      'my',
      'can',
      'what',
    ])
      expect(STOP_WORDS_EN.has(w)).toBe(true)
    for (const w of [
      'и',
      'в',
      'не',
      'на',
      'я',
      'как',
      'что',
      'с',
      'по',
      'это',
      'у',
      'мой',
      'мне',
      'ли',
      'же',
      'ее',
      'еще',
    ])
      expect(STOP_WORDS_RU.has(w)).toBe(true)
    expect(STOP_WORDS_EN.size).toBeGreaterThanOrEqual(40)
    expect(STOP_WORDS_RU.size).toBeGreaterThanOrEqual(40)
    expect(STOP_WORDS_EN.has('password')).toBe(false)
    expect([...STOP_WORDS_RU].some((w) => w.includes('ё'))).toBe(false)
  })
})

describe('analyze - queryTerms', () => {
  test('analyze - stop words dropped, last word a prefix while typing', () => {
    expect(queryTerms('How do I change my deliv', 8)).toEqual([
      { stem: 'chang', word: 'change', prefix: false },
      { stem: 'deliv', word: 'deliv', prefix: true },
    ])
    expect(queryTerms('как оплатить заказ', 8)).toEqual([
      { stem: 'оплат', word: 'оплатить', prefix: false },
      { stem: 'заказ', word: 'заказ', prefix: true },
    ])
  })

  test('analyze - a trailing space or punctuation ends the last word', () => {
    expect(queryTerms('refund order ', 8).map((t) => t.prefix)).toEqual([false, false])
    expect(queryTerms('refund order?', 8).map((t) => t.prefix)).toEqual([false, false])
    expect(queryTerms('refund order\n', 8).map((t) => t.prefix)).toEqual([false, false])
    expect(queryTerms('refund order', 8).map((t) => t.prefix)).toEqual([false, true])
  })

  test('analyze - a one-character last word is not a prefix', () => {
    expect(queryTerms('windows 7', 8)).toEqual([
      { stem: 'window', word: 'windows', prefix: false },
      { stem: '7', word: '7', prefix: false },
    ])
    expect(queryTerms('refund or', 8)).toEqual([{ stem: 'refund', word: 'refund', prefix: false }])
  })

  test('analyze - stop words kept when the query has nothing else', () => {
    expect(queryTerms('how to', 8)).toEqual([
      { stem: 'how', word: 'how', prefix: false },
      { stem: 'to', word: 'to', prefix: true },
    ])
    expect(queryTerms('что это ', 8).map((t) => t.word)).toEqual(['что', 'это'])
  })

  test('analyze - each stem once; a repeated prefix word marks the entry as prefix', () => {
    expect(queryTerms('orders order ordered ', 8)).toEqual([
      { stem: 'order', word: 'orders', prefix: false },
    ])
    expect(queryTerms('заказы заказ', 8)).toEqual([{ stem: 'заказ', word: 'заказ', prefix: true }])
  })

  test('analyze - at most maxWords terms, counted after stop words', () => {
    expect(
      queryTerms('how do I reset my password and email address now', 3).map((t) => t.word),
    ).toEqual(['reset', 'password', 'email'])
    expect(queryTerms('reset password', 0)).toEqual([])
  })

  test('analyze - no words, no terms', () => {
    expect(queryTerms('', 5)).toEqual([])
    expect(queryTerms('?!... —', 5)).toEqual([])
    expect(queryTerms('👍🙂', 5)).toEqual([])
  })
})

describe('analyze - editDistance', () => {
  test('analyze - insert, delete, substitute', () => {
    expect(editDistance('kitten', 'sitting', 5)).toBe(3)
    expect(editDistance('', 'abc', 5)).toBe(3)
    expect(editDistance('abc', '', 5)).toBe(3)
    expect(editDistance('same', 'same', 0)).toBe(0)
    expect(editDistance('password', 'pasword', 2)).toBe(1)
  })

  test('analyze - adjacent transposition costs 1 (optimal string alignment)', () => {
    expect(editDistance('recieve', 'receive', 2)).toBe(1)
    expect(editDistance('ab', 'ba', 2)).toBe(1)
    expect(editDistance('заказ', 'зкааз', 2)).toBe(1)
    expect(editDistance('заказ', 'зкаакз', 2)).toBe(2)
    // OSA: a transposed pair is not edited again, so "ca" -> "abc" is 3, not 2.
    expect(editDistance('ca', 'abc', 5)).toBe(3)
  })

  test('analyze - code points, not UTF-16 units', () => {
    expect(editDistance('ёж', 'еж', 2)).toBe(1)
    expect(editDistance('😀a', '😁a', 2)).toBe(1)
    expect(editDistance('a😀', '😀a', 2)).toBe(1)
    expect(editDistance('𝒜𝒜𝒜', '', 5)).toBe(3)
  })

  test('analyze - returns max + 1 once the distance must exceed max', () => {
    expect(editDistance('kitten', 'sitting', 2)).toBe(3)
    expect(editDistance('kitten', 'sitting', 1)).toBe(2)
    expect(editDistance('abc', 'xyz', 0)).toBe(1)
    expect(editDistance('a', 'abcdefghij', 3)).toBe(4)
    expect(editDistance('abcdefghij', 'jihgfedcba', 2)).toBe(3)
    expect(editDistance('kitten', 'sitting', Number.POSITIVE_INFINITY)).toBe(3)
  })
})

describe('analyze - typo tolerance', () => {
  test('analyze - typoBudget by code points', () => {
    expect(['', 'a', 'cat', 'ёжи', '😀😀😀'].map(typoBudget)).toEqual([0, 0, 0, 0, 0])
    expect(['card', 'заказ', 'account', '😀😀😀😀'].map(typoBudget)).toEqual([1, 1, 1, 1])
    expect(['password', 'доставка', 'subscription'].map(typoBudget)).toEqual([2, 2, 2])
  })

  test('analyze - closestTerms: nearest first, then alphabetical, within the budget', () => {
    const vocabulary = [
      'payment',
      'paymant',
      'pyament',
      'paymnt',
      'payments',
      'pavement',
      'paid',
      'payment',
    ]
    expect(closestTerms('payment', vocabulary, 10)).toEqual([
      'paymant',
      'payments',
      'paymnt',
      'pyament',
    ])
    expect(closestTerms('payment', vocabulary, 2)).toEqual(['paymant', 'payments'])
    expect(
      closestTerms('subscript', ['subscrpit', 'subscirpt', 'sbscript', 'subsrcipt', 'script'], 10),
    ).toEqual(['sbscript', 'subscirpt', 'subscrpit', 'subsrcipt'])
  })

  test('analyze - closestTerms: short terms get no typo, the term itself is excluded', () => {
    expect(closestTerms('cat', ['car', 'bat', 'cats'], 10)).toEqual([])
    expect(closestTerms('заказ', new Set(['заказ', 'заказы', 'приказ', 'закат']), 10)).toEqual([
      'заказы',
      'закат',
    ])
    expect(closestTerms('заказ', ['заказы'], 0)).toEqual([])
  })
})
