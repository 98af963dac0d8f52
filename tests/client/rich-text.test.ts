import { describe, expect, test } from 'bun:test'
import { parseRichText, safeHref, showControls } from '../../client/shared/rich-text.ts'

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

  test('rich text - bidi controls show as visible markers in text, bold and links', () => {
    // Rendered raw, the RLO makes this link read as ending in "exe.pdf".
    expect(parseRichText('https://evil.test/\u202Efdp.exe')).toEqual([
      {
        kind: 'link',
        text: 'https://evil.test/⟨RLO⟩fdp.exe',
        href: 'https://evil.test/%E2%80%AEfdp.exe',
      },
    ])
    expect(
      parseRichText('a\u202Ab\u202Bc\u202Cd **e\u202Df** g\u2066h\u2067i\u2068j\u2069'),
    ).toEqual([
      { kind: 'text', text: 'a⟨LRE⟩b⟨RLE⟩c⟨PDF⟩d ' },
      { kind: 'bold', text: 'e⟨LRO⟩f' },
      { kind: 'text', text: ' g⟨LRI⟩h⟨RLI⟩i⟨FSI⟩j⟨PDI⟩' },
    ])
    expect(showControls('Support\u200E team\u200F')).toBe('Support⟨LRM⟩ team⟨RLM⟩')
    expect(showControls('Анна Петрова')).toBe('Анна Петрова')
  })

  test('rich text - a link whose host mixes scripts shows the host in punycode; one script or an allowed mix stays', () => {
    // "аpple.com" with a Cyrillic "а", and "аррӏе.com" all Cyrillic but for the TLD.
    expect(parseRichText('see https://аpple.com/login.')).toEqual([
      { kind: 'text', text: 'see ' },
      {
        kind: 'link',
        text: 'https://xn--pple-43d.com/login',
        href: 'https://xn--pple-43d.com/login',
      },
      { kind: 'text', text: '.' },
    ])
    expect(parseRichText('https://аррӏе.com/')[0]).toMatchObject({
      text: 'https://xn--80ak6aa92e.com/',
    })
    expect(parseRichText('https://user@аpple.com:8443/x?q=1')[0]).toMatchObject({
      text: 'https://user@xn--pple-43d.com:8443/x?q=1',
    })
    for (const url of ['https://пример.рф/', 'https://münchen.de/', 'https://例え.jp/a']) {
      expect(parseRichText(url)[0]).toMatchObject({ kind: 'link', text: url })
    }
  })
})
