import { describe, expect, test } from 'bun:test'
import { parseRichText, safeHref } from '../../client/shared/rich-text.ts'

describe('rich text', () => {
  test('rich text - bold, links and plain text become tokens', () => {
    expect(parseRichText('Hi **there**, see https://example.com/a?b=1.')).toEqual([
      { kind: 'text', text: 'Hi ' },
      { kind: 'bold', text: 'there' },
      { kind: 'text', text: ', see ' },
      { kind: 'link', text: 'https://example.com/a?b=1', href: 'https://example.com/a?b=1' },
      { kind: 'text', text: '.' },
    ])
  })

  test('rich text - markup stays text', () => {
    const text = '<img src=x onerror=alert(1)> <b>x</b>'
    expect(parseRichText(text)).toEqual([{ kind: 'text', text }])
  })

  test('rich text - only http(s) URLs are links', () => {
    expect(parseRichText('javascript:alert(1) data:text/html,x')).toEqual([
      { kind: 'text', text: 'javascript:alert(1) data:text/html,x' },
    ])
    expect(safeHref('javascript:alert(1)')).toBeNull()
    expect(safeHref('http://example.com')).toBe('http://example.com/')
  })

  test('rich text - unclosed or empty bold stays literal; emoji and line breaks pass through', () => {
    expect(parseRichText('**open and ** ** ok 👍\nnext')).toEqual([
      { kind: 'text', text: '**open and ** ** ok 👍\nnext' },
    ])
    expect(parseRichText('**a**\n**b**').map((t) => t.kind)).toEqual(['bold', 'text', 'bold'])
  })
})
