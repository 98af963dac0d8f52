import { describe, expect, test } from 'bun:test'
import {
  looksLikeMarkdown,
  parseRichText,
  safeHref,
  showControls,
} from '../../client/shared/rich-text.ts'
import { mixesScripts } from '../../client/shared/link-text.ts'
import { markdownTree, type RichBlock, type RichInline } from '../../client/shared/markdown.ts'

/** Every node of a tree, depth first. */
function nodes(blocks: RichBlock[]): Array<RichBlock | RichInline> {
  const out: Array<RichBlock | RichInline> = []
  const visit = (n: RichBlock | RichInline) => {
    out.push(n)
    if ('children' in n) n.children.forEach(visit)
    if (n.kind === 'list') n.items.flat().forEach(visit)
  }
  blocks.forEach(visit)
  return out
}

const links = (text: string) =>
  nodes(markdownTree(text)).filter(
    (n): n is Extract<RichInline, { kind: 'link' }> => n.kind === 'link',
  )

/** All the text a reader sees, in order. */
function shown(blocks: RichBlock[]): string {
  return nodes(blocks)
    .map((n) => ('text' in n ? n.text : ''))
    .join('')
}

/** Node kinds the renderer knows: anything else would be a bug in the tree. */
const KINDS = new Set([
  'paragraph',
  'plain',
  'codeblock',
  'quote',
  'list',
  'rule',
  'text',
  'strong',
  'em',
  'del',
  'code',
  'link',
  'br',
])

describe('rich text - plain path', () => {
  test('rich text - links and plain text become tokens', () => {
    expect(parseRichText('Hi there, see https://example.com/a?b=1.')).toEqual([
      { kind: 'text', text: 'Hi there, see ' },
      { kind: 'link', text: 'https://example.com/a?b=1', href: 'https://example.com/a?b=1' },
      { kind: 'text', text: '.' },
    ])
  })

  test('rich text - markup stays text', () => {
    const text = '<img src=x onerror=alert(1)> <b>x</b>'
    expect(parseRichText(text)).toEqual([{ kind: 'text', text }])
  })

  test('rich text - only http(s) and mailto URLs are links', () => {
    expect(parseRichText('javascript:alert(1) data:text/html,x')).toEqual([
      { kind: 'text', text: 'javascript:alert(1) data:text/html,x' },
    ])
    for (const bad of [
      'javascript:alert(1)',
      'JaVaScRiPt:alert(1)',
      ' javascript:alert(1)',
      'java\tscript:alert(1)',
      'java\nscript:alert(1)',
      'vbscript:msgbox(1)',
      'data:text/html,<script>alert(1)</script>',
      '//evil.test/x',
      '/relative',
      'file:///etc/passwd',
    ]) {
      expect(safeHref(bad)).toBeNull()
    }
    expect(safeHref('http://example.com')).toBe('http://example.com/')
    expect(safeHref('mailto:a@example.com')).toBe('mailto:a@example.com')
  })

  test('rich text - line breaks and emoji pass through', () => {
    expect(parseRichText('ok 👍\nnext')).toEqual([{ kind: 'text', text: 'ok 👍\nnext' }])
  })

  test('rich text - bidi controls show as visible markers in text and links', () => {
    // Rendered raw, the RLO makes this link read as ending in "exe.pdf".
    expect(parseRichText('https://evil.test/\u202Efdp.exe')).toEqual([
      {
        kind: 'link',
        text: 'https://evil.test/⟨RLO⟩fdp.exe',
        href: 'https://evil.test/%E2%80%AEfdp.exe',
      },
    ])
    expect(parseRichText('a\u202Ab\u202Bc\u202Cd e\u202Df g\u2066h\u2067i\u2068j\u2069')).toEqual([
      { kind: 'text', text: 'a⟨LRE⟩b⟨RLE⟩c⟨PDF⟩d e⟨LRO⟩f g⟨LRI⟩h⟨RLI⟩i⟨FSI⟩j⟨PDI⟩' },
    ])
    expect(showControls('Support\u200E team\u200F')).toBe('Support⟨LRM⟩ team⟨RLM⟩')
    expect(showControls('Анна Петрова')).toBe('Анна Петрова')
  })

  test('rich text - a URL whose host is not ASCII is text in punycode until the full renderer decides', () => {
    expect(parseRichText('see https://аpple.com/login.')).toEqual([
      { kind: 'text', text: 'see ' },
      { kind: 'text', text: 'https://xn--pple-43d.com/login' },
      { kind: 'text', text: '.' },
    ])
    expect(looksLikeMarkdown('see https://аpple.com/login.')).toBe(true)
    expect(looksLikeMarkdown('see https://ru.wikipedia.org/wiki/Москва')).toBe(false)
  })

  test('rich text - only text that may be markdown waits for the parser', () => {
    for (const plain of [
      'Hello, how are you?',
      'Order 1234 arrived.',
      'see https://a.test/x',
      'ok 👍\nnext',
    ]) {
      expect(looksLikeMarkdown(plain)).toBe(false)
    }
    for (const md of [
      '**b**',
      '_i_',
      '`c`',
      '[a](https://x.test)',
      '- item',
      '1. item',
      '> quote',
      '# title',
      'a &amp; b',
      'www.example.com',
      'me@example.com',
      '<b>x</b>',
      '    code',
      'title\n---',
    ]) {
      expect(looksLikeMarkdown(md)).toBe(true)
    }
  })
})

describe('rich text - markdown', () => {
  test('markdown - emphasis, code, strikethrough and links become nodes', () => {
    expect(markdownTree('**b** _i_ `c` ~~d~~ [e](https://x.test/p)')).toEqual([
      {
        kind: 'paragraph',
        children: [
          { kind: 'strong', children: [{ kind: 'text', text: 'b' }] },
          { kind: 'text', text: ' ' },
          { kind: 'em', children: [{ kind: 'text', text: 'i' }] },
          { kind: 'text', text: ' ' },
          { kind: 'code', text: 'c' },
          { kind: 'text', text: ' ' },
          { kind: 'del', children: [{ kind: 'text', text: 'd' }] },
          { kind: 'text', text: ' ' },
          { kind: 'link', href: 'https://x.test/p', children: [{ kind: 'text', text: 'e' }] },
        ],
      },
    ])
  })

  test('markdown - a single newline is a line break, a blank line a new paragraph', () => {
    expect(markdownTree('one\ntwo\n\nthree')).toEqual([
      {
        kind: 'paragraph',
        children: [{ kind: 'text', text: 'one' }, { kind: 'br' }, { kind: 'text', text: 'two' }],
      },
      { kind: 'paragraph', children: [{ kind: 'text', text: 'three' }] },
    ])
  })

  test('markdown - fenced code keeps its text as written', () => {
    expect(markdownTree('```js\nif (a < b && c) {\n  go()\n}\n```')).toEqual([
      { kind: 'codeblock', text: 'if (a < b && c) {\n  go()\n}' },
    ])
    expect(markdownTree('`a &amp; <b>`')).toEqual([
      { kind: 'paragraph', children: [{ kind: 'code', text: 'a &amp; <b>' }] },
    ])
  })

  test('markdown - ordered and unordered lists, with their start number', () => {
    expect(markdownTree('- a\n- b')).toEqual([
      {
        kind: 'list',
        ordered: false,
        start: 1,
        items: [
          [{ kind: 'plain', children: [{ kind: 'text', text: 'a' }] }],
          [{ kind: 'plain', children: [{ kind: 'text', text: 'b' }] }],
        ],
      },
    ])
    expect(markdownTree('3. c\n4. d')[0]).toMatchObject({ kind: 'list', ordered: true, start: 3 })
  })

  test('markdown - block quotes nest blocks', () => {
    expect(markdownTree('> quoted **text**')).toEqual([
      {
        kind: 'quote',
        children: [
          {
            kind: 'paragraph',
            children: [
              { kind: 'text', text: 'quoted ' },
              { kind: 'strong', children: [{ kind: 'text', text: 'text' }] },
            ],
          },
        ],
      },
    ])
  })

  test('markdown - headings are bold paragraphs at most', () => {
    for (const heading of ['# Big', '###### Big', 'Big\n===']) {
      expect(markdownTree(heading)).toEqual([
        {
          kind: 'paragraph',
          children: [{ kind: 'strong', children: [{ kind: 'text', text: 'Big' }] }],
        },
      ])
    }
  })

  test('markdown - GFM autolinks: bare URLs, www and e-mail addresses, <angle> links', () => {
    expect(links('see https://a.test/x. and www.b.test, <https://c.test> or me@d.test')).toEqual([
      {
        kind: 'link',
        href: 'https://a.test/x',
        children: [{ kind: 'text', text: 'https://a.test/x' }],
      },
      {
        kind: 'link',
        href: 'http://www.b.test/',
        children: [{ kind: 'text', text: 'www.b.test' }],
      },
      {
        kind: 'link',
        href: 'https://c.test/',
        children: [{ kind: 'text', text: 'https://c.test' }],
      },
      { kind: 'link', href: 'mailto:me@d.test', children: [{ kind: 'text', text: 'me@d.test' }] },
    ])
  })

  test('markdown - entities mean their characters in text', () => {
    expect(shown(markdownTree('a &amp; b &lt;tag&gt; &#65;&#x42; &amp;lt;'))).toBe(
      'a & b <tag> AB &lt;',
    )
  })

  test('markdown - an image is a link to it (or its label), never an image', () => {
    expect(markdownTree('![cat](https://x.test/cat.png)')).toEqual([
      {
        kind: 'paragraph',
        children: [
          {
            kind: 'link',
            href: 'https://x.test/cat.png',
            children: [{ kind: 'text', text: 'cat' }],
          },
        ],
      },
    ])
    expect(markdownTree('![x](javascript:alert(1))')).toEqual([
      { kind: 'paragraph', children: [{ kind: 'text', text: 'x' }] },
    ])
  })

  test('markdown - task list items show their box as text', () => {
    expect(shown(markdownTree('- [ ] todo\n- [x] done'))).toBe('☐ todo☑ done')
  })
})

describe('rich text - XSS payloads produce nothing executable', () => {
  const PAYLOADS = [
    '<script>alert(1)</script>',
    '<img src=x onerror=alert(1)>',
    '<svg onload=alert(1)>',
    '<svg><script>alert(1)</script></svg>',
    '<a href="javascript:alert(1)">x</a>',
    '<iframe src="javascript:alert(1)"></iframe>',
    '<div onmouseover="alert(1)">hover</div>',
    '<body onload=alert(1)>',
    '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>',
    '[x](javascript:alert(1))',
    '[x](JAVASCRIPT:alert(1))',
    '[x](  javascript:alert(1)  )',
    '[x](java\tscript:alert(1))',
    '[x](<java script:alert(1)>)',
    '[x](jav&#x61;script:alert(1))',
    '[x](jav&#97;script:alert(1))',
    '[x](&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1))',
    '[x](javascript&colon;alert(1))',
    '[x](java%73cript:alert(1))',
    '[x](vbscript:msgbox(1))',
    '[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)',
    '[x](//evil.test/path)',
    '[x](/relative)',
    '[x](#fragment)',
    '[x]: javascript:alert(1)\n\n[x]',
    '<javascript:alert(1)>',
    '<JavaScript:alert(1)>',
    '<data:text/html,<script>alert(1)</script>>',
    'javascript:alert(1)',
    '![x](javascript:alert(1))',
    '![x" onerror="alert(1)](https://x.test/a.png)',
    '[a](https://x.test/"onmouseover="alert(1))',
    '[[x](javascript:alert(1))](https://ok.test)',
    '[x](https://ok.test "title\\" onclick=\\"alert(1)")',
    '**<img src=x onerror=alert(1)>**',
    '`<script>alert(1)</script>`',
    '```html\n<script>alert(1)</script>\n```',
    '> <script>alert(1)</script>',
    '- <img src=x onerror=alert(1)>',
  ]

  for (const payload of PAYLOADS) {
    test(`xss - ${JSON.stringify(payload)}`, () => {
      const tree = markdownTree(payload)
      for (const node of nodes(tree)) {
        expect(KINDS.has(node.kind)).toBe(true)
        if (node.kind === 'link') {
          expect(new URL(node.href).protocol).toMatch(/^(https?|mailto):$/)
          expect(node.href).not.toMatch(/["'<>\s]/)
        }
      }
      // Markup arrives as text: what was typed is what shows, never an element.
      const visible = shown(tree)
      if (/<(script|img|svg|iframe|div|body|math)/i.test(payload) && !payload.startsWith('```'))
        expect(visible).toContain('<')
    })
  }

  test('xss - raw HTML is its own source text, not elements', () => {
    expect(markdownTree('<img src=x onerror=alert(1)>')).toEqual([
      { kind: 'paragraph', children: [{ kind: 'text', text: '<img src=x onerror=alert(1)>' }] },
    ])
    expect(markdownTree('hi <b onclick=alert(1)>there</b>')).toEqual([
      {
        kind: 'paragraph',
        children: [
          { kind: 'text', text: 'hi ' },
          { kind: 'text', text: '<b onclick=alert(1)>' },
          { kind: 'text', text: 'there' },
          { kind: 'text', text: '</b>' },
        ],
      },
    ])
  })

  test('xss - a javascript: link keeps only its label, as text', () => {
    expect(markdownTree('[click me](jav&#x61;script:alert(1))')).toEqual([
      { kind: 'paragraph', children: [{ kind: 'text', text: 'click me' }] },
    ])
    expect(links('<javascript:alert(1)> javascript:alert(1)')).toEqual([])
  })

  test('xss - bidi overrides show as markers in link text, code and code blocks', () => {
    const tree = markdownTree(
      '[https://bank.test/\u202Efdp.exe](https://bank.test/) `a\u202Eb` \n\n```\nx\u2067y\n```',
    )
    expect(shown(tree)).not.toMatch(/[\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C]/)
    expect(shown(tree)).toContain('https://bank.test/⟨RLO⟩fdp.exe')
    expect(shown(tree)).toContain('a⟨RLO⟩b')
    expect(shown(tree)).toContain('x⟨RLI⟩y')
  })

  test('xss - a link whose host mixes scripts shows the host in punycode; one script or an allowed mix stays', () => {
    // "аpple.com" with a Cyrillic "а", and "аррӏе.com" all Cyrillic but for the TLD.
    expect(markdownTree('see https://аpple.com/login.')).toEqual([
      {
        kind: 'paragraph',
        children: [
          { kind: 'text', text: 'see ' },
          {
            kind: 'link',
            href: 'https://xn--pple-43d.com/login',
            children: [{ kind: 'text', text: 'https://xn--pple-43d.com/login' }],
          },
          { kind: 'text', text: '.' },
        ],
      },
    ])
    const label = (text: string) => links(text)[0]?.children[0]
    expect(label('https://аррӏе.com/')).toEqual({
      kind: 'text',
      text: 'https://xn--80ak6aa92e.com/',
    })
    expect(label('https://user@аpple.com:8443/x?q=1')).toEqual({
      kind: 'text',
      text: 'https://user@xn--pple-43d.com:8443/x?q=1',
    })
    for (const url of ['https://пример.рф/', 'https://münchen.de/', 'https://例え.jp/a']) {
      expect(label(url)).toEqual({ kind: 'text', text: url })
    }
    expect(mixesScripts('аpple.com')).toBe(true)
    expect(mixesScripts('例え.jp')).toBe(false)
  })
})
