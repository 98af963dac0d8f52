/**
 * The help-center stemmers (server/help/stem.ts). Every expected stem here was worked out from
 * the Snowball definitions (English Porter2 with the 2023 undoubling rule, Russian), and the
 * implementation was also checked against Snowball's own sample vocabularies.
 */
import { describe, expect, test } from 'bun:test'
import { terms } from '../../server/help/analyze.ts'
import { stem } from '../../server/help/stem.ts'

/** Asserts each word -> stem pair, reporting all the wrong ones at once. */
function expectStems(pairs: Record<string, string>): void {
  const got = Object.fromEntries(Object.keys(pairs).map((w) => [w, stem(w)]))
  expect(got).toEqual(pairs)
}

/** Asserts every word stems to `expected` (inflections that must group). */
function expectGroup(expected: string, words: string[]): void {
  expect(words.map(stem)).toEqual(words.map(() => expected))
}

describe('stem - English (Porter2)', () => {
  test('stem - inflections of one word share a stem', () => {
    expectGroup('consign', ['consign', 'consigned', 'consigning', 'consignment', 'consigns'])
    expectGroup('refund', ['refund', 'refunds', 'refunded', 'refunding'])
    expectGroup('payment', ['payment', 'payments'])
    expectGroup('account', ['account', 'accounts'])
    expectGroup('subscript', ['subscription', 'subscriptions'])
    expectGroup('cancel', ['cancel', 'cancelled', 'cancelling'])
    expectGroup('deliveri', ['delivery', 'deliveries'])
    expectGroup('address', ['address', 'addresses'])
    expectGroup('invoic', ['invoice', 'invoices'])
    expectGroup('cri', ['cry', 'cried', 'cries'])
    expectGroup('say', ['say', 'says', 'saying'])
    expectGroup('run', ['run', 'runs', 'running'])
    expectGroup('ship', ['shipped', 'shipping'])
    expectGroup('password', ['password', 'passwords'])
  })

  test('stem - step 1: plurals, -ed, -ing, undoubling, e restored', () => {
    expectStems({
      caresses: 'caress',
      ponies: 'poni',
      ties: 'tie',
      cats: 'cat',
      gas: 'gas',
      this: 'this',
      gaps: 'gap',
      kiwis: 'kiwi',
      feed: 'feed',
      agreed: 'agre',
      plastered: 'plaster',
      sing: 'sing',
      troubled: 'troubl',
      sized: 'size',
      hopping: 'hop',
      tanned: 'tan',
      falling: 'fall',
      hissing: 'hiss',
      failing: 'fail',
      filing: 'file',
      billing: 'bill',
      added: 'add',
      erred: 'err',
      happy: 'happi',
      by: 'by',
    })
  })

  test('stem - steps 2 to 5: derivational suffixes by region', () => {
    expectStems({
      generously: 'generous',
      generous: 'generous',
      generation: 'generat',
      generate: 'generat',
      communication: 'communic',
      communism: 'communism',
      happily: 'happili',
      easily: 'easili',
      fluently: 'fluentli',
      abruptly: 'abrupt',
      knightly: 'knight',
      conditional: 'condit',
      rational: 'ration',
      operator: 'oper',
      analogy: 'analog',
      hopefulness: 'hope',
      callousness: 'callous',
      electrical: 'electr',
      hopeful: 'hope',
      goodness: 'good',
      formative: 'format',
      revival: 'reviv',
      allowance: 'allow',
      inference: 'infer',
      defensible: 'defens',
      adjustment: 'adjust',
      dependent: 'depend',
      adoption: 'adopt',
      effective: 'effect',
      generic: 'generic',
    })
  })

  test('stem - exceptional forms', () => {
    expectStems({
      skis: 'ski',
      skies: 'sky',
      sky: 'sky',
      dying: 'die',
      lying: 'lie',
      tying: 'tie',
      idly: 'idl',
      gently: 'gentl',
      ugly: 'ugli',
      early: 'earli',
      only: 'onli',
      singly: 'singl',
      news: 'news',
      howe: 'howe',
      atlas: 'atlas',
      cosmos: 'cosmos',
      bias: 'bias',
      andes: 'andes',
    })
  })

  test('stem - words left invariant after step 1a', () => {
    expectStems({
      inning: 'inning',
      innings: 'inning',
      outing: 'outing',
      canning: 'canning',
      herring: 'herring',
      earring: 'earring',
      proceed: 'proceed',
      proceeds: 'proceed',
      exceed: 'exceed',
      exceeded: 'exceed',
      succeed: 'succeed',
    })
  })

  test('stem - possessive apostrophes and short words', () => {
    expectStems({ "customer's": 'custom', "customers'": 'custom', at: 'at', is: 'is', a: 'a' })
  })
})

describe('stem - Russian (Snowball)', () => {
  test('stem - noun cases and numbers share a stem', () => {
    expectGroup('заказ', [
      'заказ',
      'заказа',
      'заказу',
      'заказом',
      'заказе',
      'заказы',
      'заказов',
      'заказам',
      'заказами',
      'заказах',
    ])
    expectGroup('оплат', ['оплата', 'оплаты', 'оплату', 'оплатой', 'оплате'])
    expectGroup('доставк', ['доставка', 'доставки', 'доставку', 'доставкой', 'доставке'])
    expectGroup('парол', ['пароль', 'пароля', 'паролю', 'паролем'])
    expectGroup('книг', ['книга', 'книги', 'книгу', 'книгой', 'книг'])
    expectGroup('карт', ['карта', 'карты', 'картой'])
    expectGroup('возврат', ['возврат', 'возврата', 'возвраты'])
    expectGroup('аккаунт', ['аккаунт', 'аккаунта'])
    expectGroup('вопрос', ['вопрос', 'вопросы'])
    expectGroup('человек', ['человек', 'человека'])
    expectGroup('изменен', ['изменение', 'изменения'])
    expectGroup('сообщен', ['сообщение', 'сообщения'])
  })

  test('stem - verb forms share a stem', () => {
    expectGroup('оплат', ['оплатить', 'оплатил', 'оплатила', 'оплатили'])
    expectGroup('говор', ['говорить', 'говорил', 'говорит', 'говорят'])
    expectGroup('писа', ['писать', 'писал', 'писала', 'писали'])
    expectGroup('откр', ['открыть', 'открыл', 'открыла', 'открылась'])
    expectGroup('работа', ['работает', 'работать'])
    expectGroup('чита', ['читать', 'читаю'])
    expectGroup('дела', ['делать', 'делал'])
    expectGroup('сдела', ['сделал', 'сделали'])
  })

  test('stem - adjectives, participles, gerunds, reflexives', () => {
    expectGroup('красив', ['красивая', 'красивые', 'красивый'])
    expectGroup('нов', ['новые', 'новая', 'нового', 'новым', 'новейший'])
    expectGroup('быстр', ['быстрый', 'быстрее'])
    expectGroup('прочита', ['прочитав', 'прочитавши'])
    expectStems({
      регистрироваться: 'регистрирова',
      изменить: 'измен',
      закрыта: 'закрыт',
      людей: 'люд',
      пишет: 'пишет',
    })
  })

  test('stem - step 3 derivational ending only in R2, step 4 нн and ь', () => {
    expectStems({ возможность: 'возможн', радость: 'радост', длинный: 'длин' })
  })

  test('stem - ё is е, short words unchanged', () => {
    expectStems({ ёлка: 'елк', елка: 'елк', ёж: 'еж', он: 'он', ее: 'ее', я: 'я' })
  })
})

describe('stem - script selection', () => {
  test('stem - digits, other scripts and mixed words are unchanged', () => {
    expectStems({
      '2024': '2024',
      mp3: 'mp3',
      '42px': '42px',
      中文: '中文',
      γράμματα: 'γράμματα',
      naïve: 'naïve',
      orderзаказы: 'orderзаказы',
      заказы1: 'заказы1',
    })
  })

  test('stem - a Latin word inside Russian text is stemmed as English', () => {
    expect(terms('Как оплатить invoices через PayPal? Заказы и deliveries')).toEqual([
      'как',
      'оплат',
      'invoic',
      'через',
      'paypal',
      'заказ',
      'и',
      'deliveri',
    ])
  })
})
