/**
 * The help-center article renderer (server/help/render.ts): Markdown in, safe HTML out. The
 * XSS suite and the fuzz check every tag and attribute of the output against the allowed list.
 */
import { describe, expect, test } from 'bun:test'
import { ALLOWED_TAGS, renderArticle } from '../../server/help/render.ts'
import { excerpt, oneLine } from '../../server/help/service.ts'

const noImages = { image: () => null }
const ownImages = {
  image: (src: string) => (src.startsWith('https://help.example/') ? src : null),
}

/** Every tag of the HTML: its name and attributes; what is not a well-formed tag holds no '<'. */
function tagsOf(html: string): Array<{ name: string; attributes: Array<[string, string]> }> {
  const tag = /<\/?([a-zA-Z][\w-]*)((?:\s+[\w-]+(?:="[^"<>]*")?)*)\s*\/?>/g
  const tags = [...html.matchAll(tag)].map((m) => ({
    name: (m[1] ?? '').toLowerCase(),
    attributes: [...(m[2] ?? '').matchAll(/([\w-]+)(?:="([^"]*)")?/g)].map(
      (a): [string, string] => [a[1] ?? '', a[2] ?? ''],
    ),
  }))
  expect(html.replace(tag, '')).not.toContain('<')
  return tags
}

/** Only allowed tags and attributes, no handler, no script URL; `strict`: no `javascript:` at all. */
function expectSafe(html: string, strict = false): void {
  expect(html).not.toMatch(/<script/i)
  expect(html).not.toMatch(/<(iframe|svg|object|embed|style|form|input|math|base|meta|link)\b/i)
  if (strict) expect(html).not.toMatch(/javascript:/i)
  for (const { name, attributes } of tagsOf(html)) {
    expect(Object.keys(ALLOWED_TAGS)).toContain(name)
    for (const [attribute, value] of attributes) {
      expect(ALLOWED_TAGS[name]).toContain(attribute)
      expect(attribute).not.toMatch(/^on/i)
      expect(value).not.toMatch(/^\s*(javascript|data|vbscript):/i)
      if (attribute === 'href' || attribute === 'src') {
        expect(value).toMatch(/^(https?:\/\/|mailto:|\/(?![/\\]))/i)
      }
    }
  }
}

const XSS = [
  '<script>alert(1)</script>',
  'text <script>alert(1)</script> more',
  '<img src=x onerror=alert(1)>',
  'inline <img src=x onerror="alert(1)"> here',
  '[click](javascript:alert(1))',
  '[click](jav&#x61;script:alert(1))',
  '[click](JAVASCRIPT:alert(1))',
  '[click](  javascript:alert(1)  )',
  '[click](java\tscript:alert(1))',
  '[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)',
  '![x](javascript:alert(1))',
  '![x](data:image/svg+xml,<svg onload=alert(1)>)',
  '[a](https://e.com "x\\" onmouseover=\\"alert(1)")',
  "[a](https://e.com 'x\\' onmouseover=alert(1)')",
  '[a](https://e.com/"onmouseover="alert(1))',
  '![a" onerror="alert(1)](https://help.example/a.png)',
  "![a' onerror='alert(1)](https://help.example/a.png)",
  '```js" onclick="alert(1)\ncode\n```',
  "```x' onclick='y\ncode\n```",
  '<!-- <script>alert(1)</script> -->',
  '<svg><script>alert(1)</script></svg>',
  '<svg onload=alert(1)>',
  '<iframe src="javascript:alert(1)"></iframe>',
  '[ref][1]\n\n[1]: javascript:alert(1)',
  '[ref][x]\n\n[x]: jav&#x61;script:alert(1) "t"',
  '![img][i]\n\n[i]: javascript:alert(1)',
  '*a <b onclick=alert(1)>b</b> **c <i>d</i>***',
  '_<a href="javascript:alert(1)">x</a>_',
  '&lt;script&gt;alert(1)&lt;/script&gt;',
  '&#60;script&#62;alert(1)&#60;/script&#62;',
  '&#x3C;img src=x onerror=alert(1)&#x3E;',
  '# Title <b>bold</b> <script>x</script>',
  '<https://e.com/"onmouseover="alert(1)>',
  '<javascript:alert(1)>',
  'www.e.com/"onmouseover="alert(1)',
  '<a href="https://e.com">real</a>',
  '<div>\n<p onclick="x">block</p>\n</div>',
  '| a | <b>b</b> |\n|---|---|\n| <script>x</script> | [x](javascript:y) |',
  '> <style>body{}</style>\n> quote',
  '- <form><input></form>\n- item',
  '`<code onclick=x>`',
  '[![x](javascript:a)](javascript:b)',
  '[x](vbscript:msgbox)',
  '[x](//evil.example/path)',
  '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
  '\\<script\\>alert(1)\\</script\\>',
]

describe('renderArticle: XSS', () => {
  for (const input of XSS) {
    test(JSON.stringify(input).slice(0, 70), () => {
      for (const opts of [noImages, ownImages]) {
        const { html } = renderArticle(input, opts)
        // Raw HTML shows as text, which may spell `javascript:`; links and images never do.
        expectSafe(html, !input.includes('<'))
      }
    })
  }

  test('raw HTML is shown as its text', () => {
    const { html, text } = renderArticle('Hi <b>there</b>\n\n<div>x</div>', noImages)
    expect(html).toContain('Hi &lt;b&gt;there&lt;/b&gt;')
    expect(html).toContain('&lt;div&gt;x&lt;/div&gt;')
    expect(text).toContain('<b>there</b>')
  })

  test('unsafe links keep their label as text', () => {
    const { html } = renderArticle('[label](javascript:alert(1)) and [ok](https://e.com)', noImages)
    expect(html).toContain('label and ')
    expect(html).toContain('<a href="https://e.com/" rel="nofollow noopener noreferrer">ok</a>')
  })

  test('mailto links have no rel; autolinks are links', () => {
    const { html } = renderArticle('[m](mailto:a@b.c) <https://x.example> www.y.example', noImages)
    expect(html).toContain('<a href="mailto:a@b.c">m</a>')
    expect(html).toContain(
      '<a href="https://x.example/" rel="nofollow noopener noreferrer">https://x.example</a>',
    )
    expect(html).toContain('href="http://www.y.example/"')
  })

  test('a link title with quotes stays inside its attribute', () => {
    const { html } = renderArticle('[a](https://e.com "x\\" y=\'z")', noImages)
    expect(html).toContain('title="x&quot; y=&#39;z"')
  })

  test('bidi controls are shown, in text and code', () => {
    const { html } = renderArticle('a\u202Eb `c\u202Ed`', noImages)
    expect(html).toContain('a⟨RLO⟩b')
    expect(html).toContain('c⟨RLO⟩d')
    expect(html).not.toContain('\u202E')
  })
})

describe('renderArticle: images', () => {
  test('an image is an <img> only when the caller allows its source', () => {
    const md = '![A "cat" <3](https://help.example/cat.png) ![Dog](https://other.example/dog.png)'
    const { html, text } = renderArticle(md, ownImages)
    expect(html).toContain(
      '<img src="https://help.example/cat.png" alt="A &quot;cat&quot; &lt;3" loading="lazy" decoding="async">',
    )
    expect(html).toContain('[image: Dog]')
    expect(html).not.toContain('other.example')
    expect(text).toContain('A "cat" <3')
    expectSafe(html)
  })

  test('no image without the caller', () => {
    const { html } = renderArticle('![x](https://help.example/cat.png)', noImages)
    expect(html).not.toContain('<img')
    expect(html).toContain('[image: x]')
  })

  test("the caller's URL must be http(s) or root-relative", () => {
    for (const url of [
      'javascript:alert(1)',
      'data:image/png;base64,AA',
      '//evil.example/x',
      'x y',
    ]) {
      const { html } = renderArticle('![x](a.png)', { image: () => url })
      expect(html).not.toContain('<img')
    }
    const { html } = renderArticle('![x](a.png)', { image: () => '/files/a.png' })
    expect(html).toContain('<img src="/files/a.png"')
  })

  test('a throwing image callback is an image not shown', () => {
    const { html } = renderArticle('![x](a.png)', {
      image: () => {
        throw new Error('no')
      },
    })
    expect(html).toContain('[image: x]')
  })

  test('image labels in Russian', () => {
    const { html } = renderArticle('![кот](a.png)', { image: () => null, language: 'ru' })
    expect(html).toContain('[изображение: кот]')
  })
})

describe('renderArticle: structure', () => {
  test('headings: levels, unique ids, text', () => {
    const md =
      '# Setup\n\n## Setup\n\n### Setup <b>x</b>\n\n#### Deep\n\n##### Deeper\n\n## Main\n\n## Setup-2'
    const { html, headings } = renderArticle(md, noImages)
    expect(headings.map((h) => h.level)).toEqual([2, 2, 3, 4, 4, 2, 2])
    const ids = headings.map((h) => h.id)
    expect(new Set(ids).size).toBe(ids.length)
    expect(ids.slice(0, 2)).toEqual(['setup', 'setup-2'])
    expect(ids).not.toContain('main')
    expect(headings[2]?.text).toBe('Setup <b>x</b>')
    expect(html).toContain('<h3 id="setup-b-x-b">Setup &lt;b&gt;x&lt;/b&gt;</h3>')
    expect(html).not.toContain('<h1')
    expect(html).not.toContain('<h5')
  })

  test('code blocks, language tags, lists, quotes, tables, rules, breaks', () => {
    const md = [
      '```ts\nconst a = 1 < 2\n```',
      '```not/ok\nx\n```',
      '    indented',
      '3. three\n4. four\n   - nested',
      '> quote **b** ~~d~~ _e_ `c`',
      '| l | c | r |\n|:--|:-:|--:|\n| 1 | 2 | 3 |',
      '---',
      'line one  \nline two',
      '- [x] done\n- [ ] todo',
    ].join('\n\n')
    const { html, text } = renderArticle(md, noImages)
    expect(html).toContain('<pre><code class="language-ts">const a = 1 &lt; 2</code></pre>')
    expect(html).toContain('<pre><code>x</code></pre>')
    expect(html).toContain('<pre><code>indented</code></pre>')
    expect(html).toContain('<ol start="3"><li>three</li><li>four<ul><li>nested</li></ul></li></ol>')
    expect(html).toContain(
      '<blockquote><p>quote <strong>b</strong> <del>d</del> <em>e</em> <code>c</code></p></blockquote>',
    )
    expect(html).toContain('<th style="text-align: left">l</th>')
    expect(html).toContain('<td style="text-align: center">2</td>')
    expect(html).toContain('<td style="text-align: right">3</td>')
    expect(html).toContain('<hr>')
    expect(html).toContain('line one<br>line two')
    expect(html).toContain('☑ done')
    expect(html).toContain('tabindex="0" role="region" aria-label="Table"')
    expectSafe(html)
    for (const word of ['const a = 1 < 2', 'indented', 'three', 'nested', 'quote', 'l', '3']) {
      expect(text).toContain(word)
    }
    expect(text).not.toContain('<strong>')
  })

  test('entities decode in text', () => {
    const { html, text } = renderArticle('Fish &amp; chips &copy; &#169; &unknown;', noImages)
    expect(text).toBe('Fish & chips © © &unknown;')
    expect(html).toBe('<p>Fish &amp; chips © © &amp;unknown;</p>')
  })
})

describe('renderArticle: robustness', () => {
  test('a 100 KB article renders', () => {
    const section =
      '## Section\n\nSome *text* with a [link](https://e.com) and `code`.\n\n- a\n- b\n\n'
    const md = section.repeat(Math.ceil(100_000 / section.length)).slice(0, 100_000)
    const { html, headings } = renderArticle(md, noImages)
    expect(html.length).toBeGreaterThan(100_000)
    expect(new Set(headings.map((h) => h.id)).size).toBe(headings.length)
  })

  test('hostile 100 KB bodies finish and stay safe', () => {
    const bodies = [
      '>'.repeat(100_000),
      Array.from({ length: 2000 }, (_, i) => '>'.repeat(i % 300) + ' x').join('\n'),
      Array.from({ length: 2000 }, (_, i) => '  '.repeat(i % 100) + '- x').join('\n'),
      '- '.repeat(50_000),
      '*'.repeat(50_000) + 'a' + '*'.repeat(50_000),
      '*a _b '.repeat(8000),
      '['.repeat(50_000) + ']('.repeat(25_000),
      '<a '.repeat(33_000),
      'x\n'.repeat(50_000),
      '|'.repeat(50_000) + '\n' + '|-'.repeat(25_000),
      '```\n' + '<script>'.repeat(12_000),
    ]
    for (const body of bodies) expectSafe(renderArticle(body, noImages).html)
  })

  test('nesting deeper than 20 is flattened', () => {
    const quotes = renderArticle('>'.repeat(50) + ' deep', noImages).html
    expect(quotes.split('<blockquote>').length - 1).toBeLessThanOrEqual(20)
    expect(quotes).toContain('deep')
    const list = Array.from({ length: 40 }, (_, i) => '  '.repeat(i) + '- item' + i).join('\n')
    const nested = renderArticle(list, noImages)
    expect(nested.html.split('<ul>').length - 1).toBeLessThanOrEqual(21)
    expect(nested.text).toContain('item39')
  })

  test('fuzz: 300 random markdown-ish strings never throw nor make a bad tag', () => {
    let seed = 42
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648
      return seed / 2147483648
    }
    const alphabet = [
      ...'<>/"\'=&#;:!*_~`[]()|-+>\\ \n\n\tabcjsvripto',
      'javascript:',
      '<script>',
      '<img ',
      ' onerror=',
      '](',
      '![',
      '```',
      '# ',
      '> ',
      '- ',
      '1. ',
      '&#x61;',
      'https://e.com',
      'data:',
      '\u202E',
      '\0',
      '\ud800',
    ]
    for (let i = 0; i < 300; i++) {
      const length = Math.floor(random() * 400)
      let s = ''
      for (let j = 0; j < length; j++) s += alphabet[Math.floor(random() * alphabet.length)]
      const out = renderArticle(s, i % 2 ? ownImages : { image: (src: string) => src })
      expectSafe(out.html)
      expect(typeof out.text).toBe('string')
    }
  })

  test('random bytes never throw', () => {
    let seed = 7
    for (let i = 0; i < 50; i++) {
      let s = ''
      for (let j = 0; j < 2000; j++) {
        seed = (seed * 1103515245 + 12345) % 2147483648
        s += String.fromCharCode(seed % 65536)
      }
      expectSafe(renderArticle(s, noImages).html)
    }
  })
})

describe('excerpts', () => {
  test('blocks on one line: a heading or cell without punctuation is followed by a dot', () => {
    const { text } = renderArticle(
      '## Steps\n\nOpen **Orders**.\n\n## Если не прошло\n\nНичего не списано!',
      {
        image: () => null,
      },
    )
    expect(oneLine(text)).toBe('Steps · Open Orders. Если не прошло · Ничего не списано!')
    expect(excerpt(text, new Set(['списа']))).toBe(oneLine(text))
  })
})
