/**
 * The public help center's pages (server/help/pages.ts): full documents, landmarks, escaping,
 * forms that work without JavaScript, Russian plurals, the widget only when the portal has one.
 */
import { describe, expect, test } from 'bun:test'
import type { HelpCategory, HelpHit } from '../../protocol/help.ts'
import {
  articlePage,
  categoryPage,
  feedbackThanks,
  homePage,
  notFoundPage,
  onAccent,
  ruResults,
  searchPage,
  type PortalView,
} from '../../server/help/pages.ts'

function view(over: Partial<PortalView> = {}): PortalView {
  return {
    base: '/help/inbox1/en',
    language: 'en',
    alternates: [{ language: 'ru', href: '/help/inbox1/ru' }],
    name: 'Acme <Support>',
    accent: '#ff8800',
    widget: { src: '/widget/loader.js', inboxId: 'inbox1' },
    nonce: 'abc123',
    ...over,
  }
}

const category: HelpCategory = {
  id: 'c1',
  inboxId: 'inbox1',
  slug: 'billing & pay',
  names: { en: 'Billing <b>' },
  descriptions: { ru: 'Оплата' },
  position: 0,
  createdAt: 0,
  updatedAt: 0,
}

function hit(n: number): HelpHit {
  return {
    id: `a${n}`,
    slug: `article-${n}`,
    language: 'en',
    title: `Title ${n} <i>`,
    snippet: `snippet <script>${n}</script>`,
    categoryId: null,
    score: 1,
  }
}

const article = {
  title: 'How to <pay>',
  html: '<h2 id="one">One</h2><p>x</p><h2 id="two">Two</h2><h3 id="three">Three</h3>',
  headings: [
    { id: 'one', level: 2 as const, text: 'One' },
    { id: 'two', level: 2 as const, text: 'Two' },
    { id: 'three', level: 3 as const, text: 'Three' },
  ],
  updatedAt: Date.UTC(2026, 2, 5, 12),
  slug: 'how-to-pay',
  category,
  related: [{ slug: 'refunds', title: 'Refunds' }],
}
const feedback = { action: '/help/inbox1/en/articles/how-to-pay/feedback', sent: null }

function allPages(p: PortalView): Record<string, string> {
  return {
    home: homePage(
      p,
      [{ category, articles: [{ slug: 'a', title: 'A' }] }],
      [{ slug: 'b', title: 'B' }],
    ),
    category: categoryPage(p, category, [{ slug: 'a', title: 'A', snippet: 'about <a>' }]),
    article: articlePage(p, article, feedback),
    search: searchPage(p, 'pay', [hit(1)], null),
    empty: searchPage(p, 'zzz', [], 'pay'),
    notFound: notFoundPage(p),
    thanks: feedbackThanks(p, '/help/inbox1/en/articles/how-to-pay'),
  }
}

describe('every page', () => {
  for (const language of ['en', 'ru'] as const) {
    for (const [name, html] of Object.entries(allPages(view({ language })))) {
      test(`${language} ${name}: a full, accessible document`, () => {
        expect(html.startsWith('<!doctype html>')).toBe(true)
        expect(html).toContain(`<html lang="${language}">`)
        expect(html).toContain(
          '<meta name="viewport" content="width=device-width, initial-scale=1">',
        )
        expect(html).toMatch(/<title>[^<]+<\/title>/)
        expect(html.match(/<h1[\s>]/g)?.length).toBe(1)
        expect(html.match(/<main id="main"/g)?.length).toBe(1)
        expect(html).toContain('<a class="skip" href="#main">')
        expect(html).toContain('<link rel="alternate" hreflang="ru" href="/help/inbox1/ru">')
        expect(html).toContain('hreflang="ru" lang="ru">Русский</a>')
        expect(html.match(/<style/g)?.length).toBe(1)
        expect(html).toContain('<style nonce="abc123">')
        expect(html).toContain('<a class="brand" href="/help/inbox1/en">Acme &lt;Support&gt;')
        expect(html).not.toContain('<Support>')
        // One search form: the header's, or the home page's big one.
        expect(html.match(/role="search"/g)?.length).toBe(1)
        expect(html).toMatch(
          /<label for="q" class="vh">[^<]+<\/label><input id="q" type="search" name="q" maxlength="200"/,
        )
        expect(html).toContain('action="/help/inbox1/en/search"')
        expect(html.match(/ id="q"/g)?.length).toBe(1)
        const style = /<style[^>]*>([\s\S]*?)<\/style>/.exec(html)?.[1] ?? ''
        expect(style.length).toBeLessThan(6500)
        expect(style).toContain('prefers-color-scheme:dark')
      })
    }
  }

  test('the home page has the big search and no header search', () => {
    const html = homePage(view(), [], [])
    expect(html).toContain('class="search big"')
    expect(html).toContain('There are no articles here yet.')
  })

  test('slugs in URLs are encoded, category names fall back', () => {
    const html = homePage(view({ language: 'ru' }), [{ category, articles: [] }], [])
    expect(html).toContain('href="/help/inbox1/en/categories/billing%20%26%20pay"')
    expect(html).toContain('Billing &lt;b&gt;')
    expect(html).toContain('Оплата')
  })
})

describe('search page', () => {
  test('the query is escaped, in the title, heading and input', () => {
    const q = '"><script>alert(1)</script>'
    const html = searchPage(view(), q, [], null)
    expect(html).not.toContain('<script>alert')
    expect(html).toContain('value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"')
    expect(html).toContain('No results for “&quot;&gt;&lt;script&gt;')
  })

  test('hits: title links, escaped snippets, counts', () => {
    const html = searchPage(view(), 'pay', [hit(1), hit(2)], null)
    expect(html).toContain('2 results for “pay”')
    expect(html).toContain('<a href="/help/inbox1/en/articles/article-1">Title 1 &lt;i&gt;</a>')
    expect(html).toContain('snippet &lt;script&gt;1&lt;/script&gt;')
    expect(searchPage(view(), 'pay', [hit(1)], null)).toContain('1 result for “pay”')
  })

  test('Russian plural forms', () => {
    const forms: Array<[number, string]> = [
      [1, 'результат'],
      [2, 'результата'],
      [4, 'результата'],
      [5, 'результатов'],
      [11, 'результатов'],
      [12, 'результатов'],
      [14, 'результатов'],
      [21, 'результат'],
      [22, 'результата'],
      [25, 'результатов'],
      [101, 'результат'],
      [111, 'результатов'],
    ]
    for (const [n, word] of forms) expect(ruResults(n)).toBe(word)
    const html = searchPage(view({ language: 'ru' }), 'оплата', [hit(1), hit(2), hit(3)], null)
    expect(html).toContain('3 результата по запросу «оплата»')
  })

  test('no results: message, suggestion, the way to ask', () => {
    const html = searchPage(view(), 'pya', [], 'pay')
    expect(html).toContain('No results for “pya”')
    expect(html).toContain('Did you mean <a href="/help/inbox1/en/search?q=pay">pay</a>?')
    expect(html).toContain('Still need help?')
    expect(html).toContain('data-parley-open data-text="pya" hidden>Write to us</button>')
    expect(html).toContain('window.Parley?.open?.(')
  })

  test('an empty query asks for words', () => {
    expect(searchPage(view(), '', [], null)).toContain('Type a few words')
  })
})

describe('article page', () => {
  test('breadcrumb, date, contents, related, feedback form', () => {
    const html = articlePage(view(), article, feedback)
    expect(html).toContain('<nav class="crumbs" aria-label="Breadcrumb">')
    expect(html).toContain('aria-current="page">How to &lt;pay&gt;</a>')
    expect(html).toContain('<h1>How to &lt;pay&gt;</h1>')
    expect(html).toContain('Updated <time datetime="2026-03-05T12:00:00.000Z">March 5, 2026</time>')
    expect(html).toContain('<nav class="toc" aria-labelledby="toc-title">')
    expect(html).toContain('<a href="#three">Three</a>')
    expect(html).toContain('href="/help/inbox1/en/articles/refunds">Refunds</a>')
    expect(html).toContain(
      '<form method="post" action="/help/inbox1/en/articles/how-to-pay/feedback">',
    )
    expect(html).toContain('name="helpful" value="yes"')
    expect(html).toContain('name="helpful" value="no"')
    expect(html).toContain('<textarea id="comment" name="comment" maxlength="1000"')
    expect(html).toContain('Was this article helpful?')
    expect(html).toContain(article.html)
  })

  test('Russian strings and date', () => {
    const html = articlePage(view({ language: 'ru' }), article, feedback)
    expect(html).toContain('Статья была полезной?')
    expect(html).toContain('5 марта 2026')
    expect(html).toContain('Написать нам')
  })

  test('no contents under three headings; thanks instead of the form once sent', () => {
    const html = articlePage(
      view(),
      { ...article, headings: article.headings.slice(0, 2), category: null },
      { ...feedback, sent: 'helpful' },
    )
    expect(html).not.toContain('class="toc"')
    expect(html).not.toContain('<form method="post"')
    expect(html).toContain('<p role="status">Thank you for your feedback!</p>')
  })

  test('the widget only when the portal has one; the button hidden until the script runs', () => {
    const withWidget = articlePage(view(), article, feedback)
    expect(withWidget).toContain('<button type="button" class="button" data-parley-open hidden>')
    expect(withWidget).toContain(
      '<script src="/widget/loader.js" data-inbox="inbox1" nonce="abc123" async></script>',
    )
    expect(withWidget).toContain('<script nonce="abc123">')
    const without = articlePage(view({ widget: null }), article, feedback)
    expect(without).not.toContain('data-parley-open')
    expect(without).not.toContain('<script')
  })
})

describe('colours', () => {
  test('a bad accent falls back to the default', () => {
    for (const accent of ['red', '#fff', '#12345g', '#123456;}body{x:y', '']) {
      const html = notFoundPage(view({ accent }))
      expect(html).toContain('--accent:#4f46e5')
      expect(html).not.toContain('body{x:y')
    }
    expect(notFoundPage(view({ accent: '#AABBCC' }))).toContain('--accent:#aabbcc')
  })

  test('button text contrasts with the accent', () => {
    expect(onAccent('#4f46e5')).toBe('#ffffff')
    expect(onAccent('#ffff00')).toBe('#000000')
    expect(onAccent('#777777')).toBe('#000000')
    expect(onAccent('#000000')).toBe('#ffffff')
  })

  test('feedback thanks links back only to a local path', () => {
    expect(feedbackThanks(view(), '/help/inbox1/en/articles/x')).toContain(
      'href="/help/inbox1/en/articles/x"',
    )
    expect(feedbackThanks(view(), 'javascript:alert(1)')).not.toContain('javascript:')
    expect(feedbackThanks(view(), '//evil.example')).not.toContain('evil')
  })
})
