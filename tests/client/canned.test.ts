import { describe, expect, test } from 'bun:test'
import { fillReply, matchReplies, MAX_SUGGESTIONS, slashToken } from '../../client/panel/canned.ts'

const names = (visitor: string, operator = 'Anna') => ({ visitor, operator })

describe('canned replies - variables', () => {
  test('canned - both variables are filled, every time they appear', () => {
    expect(
      fillReply('Hello {visitor.name}, I am {operator.name}. Bye {visitor.name}!', names('Ivan')),
    ).toBe('Hello Ivan, I am Anna. Bye Ivan!')
  })

  test('canned - a value is inserted as text, never as a replacement pattern', () => {
    expect(fillReply('Hi {visitor.name}', names("$& $1 $' <b>"))).toBe("Hi $& $1 $' <b>")
  })

  test('canned - an unknown name goes with its space, keeping the punctuation after it', () => {
    expect(fillReply('Hello {visitor.name}!', names(''))).toBe('Hello!')
    expect(fillReply('Hi {visitor.name}, how can I help?', names(''))).toBe('Hi, how can I help?')
    expect(fillReply('Thank you {visitor.name} for waiting.', names(''))).toBe(
      'Thank you for waiting.',
    )
    expect(fillReply('Good morning {visitor.name}', names('  '))).toBe('Good morning')
  })

  test('canned - at the start of a line an unknown name takes its punctuation and space too', () => {
    expect(fillReply('{visitor.name}, thanks for writing.', names(''))).toBe('thanks for writing.')
    expect(fillReply('Hello.\n{visitor.name}: your order shipped.', names(''))).toBe(
      'Hello.\nyour order shipped.',
    )
  })

  test('canned - other braces and unknown variables stay as written', () => {
    expect(fillReply('{visitor.email} {name} {{visitor.name}}', names('Ivan'))).toBe(
      '{visitor.email} {name} {Ivan}',
    )
  })
})

describe('canned replies - the typed shortcut', () => {
  test('canned - a slash at the start or after a space begins a shortcut', () => {
    expect(slashToken('/', 1)).toEqual({ from: 0, query: '' })
    expect(slashToken('/gre', 4)).toEqual({ from: 0, query: 'gre' })
    expect(slashToken('Hi /Gre', 7)).toEqual({ from: 3, query: 'gre' })
    expect(slashToken('line\n/x', 7)).toEqual({ from: 5, query: 'x' })
  })

  test('canned - a slash inside a word, a path or before the caret’s word does not', () => {
    expect(slashToken('and/or', 6)).toBeNull()
    expect(slashToken('https://x', 9)).toBeNull()
    expect(slashToken('/gre more', 9)).toBeNull()
    // Only what is before the caret counts.
    expect(slashToken('/greet', 0)).toBeNull()
    expect(slashToken('/greet tail', 3)).toEqual({ from: 0, query: 'gr' })
  })

  test('canned - shortcut prefixes first, then titles containing the words', () => {
    const replies = [
      { shortcut: 'bye', title: 'Goodbye', text: '' },
      { shortcut: 'greet', title: 'Greeting', text: '' },
      { shortcut: 'hours', title: 'Opening hours, greetings', text: '' },
      { shortcut: 'gr-price', title: 'Price list', text: '' },
    ]
    expect(matchReplies(replies, 'gre').map((r) => r.shortcut)).toEqual(['greet', 'hours'])
    expect(matchReplies(replies, 'gr').map((r) => r.shortcut)).toEqual([
      'greet',
      'gr-price',
      'hours',
    ])
    expect(matchReplies(replies, 'GOODBYE').map((r) => r.shortcut)).toEqual(['bye'])
    expect(matchReplies(replies, 'zzz')).toEqual([])
  })

  test(`canned - at most ${MAX_SUGGESTIONS} suggestions`, () => {
    const many = Array.from({ length: 20 }, (_, i) => ({
      shortcut: `r${i}`,
      title: 't',
      text: '',
    }))
    expect(matchReplies(many, '')).toHaveLength(MAX_SUGGESTIONS)
    expect(matchReplies(many, '')[0]?.shortcut).toBe('r0')
  })
})
