/**
 * The public help center's pages (issue 21): complete HTML documents rendered on the server from
 * data, so the site works without JavaScript, is indexed by search engines and loads in one
 * request. Pure functions: the routes (server/http/help-public.ts) fetch, these only render.
 *
 * Safe: everything from data is escaped (names, titles, the query, snippets), slugs in URLs go
 * through encodeURIComponent, the accent is used only when it is `#rrggbb`. An article's body
 * comes already safe from render.ts. The one inline <style> and the one tiny inline <script>
 * carry the page's CSP nonce when given.
 *
 * Accessible: a skip link, landmarks, one h1, labelled forms, visible focus, colours that pass
 * contrast in light and dark with any accent (links use the text colour with an accent
 * underline; buttons put white or near-black text on the accent, whichever contrasts more), and
 * nothing scrolls sideways at 375 px but code blocks and tables, in their own focusable boxes.
 */
import type { HelpCategory, HelpHit, HelpLanguage } from '../../protocol/help.ts'
import { escapeHtml } from './render.ts'

/** What every page needs to know about its portal and language. */
export interface PortalView {
  /** URL prefix of this portal and language, e.g. '/help/<inboxId>/en'. */
  base: string
  language: HelpLanguage
  /** The same page in the other language (hreflang links and a visible switcher). */
  alternates: Array<{ language: HelpLanguage; href: string }>
  /** The portal's name (the inbox's name). */
  name: string
  /** '#rrggbb' brand colour; anything else falls back to the default. */
  accent: string
  /** The chat widget loader to include (optional progressive enhancement). */
  widget: { src: string; inboxId: string } | null
  /** The page's CSP nonce, put on its inline <style> and <script>. */
  nonce?: string
}

/** An article as a heading of its page's table of contents. */
export interface PageHeading {
  id: string
  level: 2 | 3 | 4
  text: string
}

const DEFAULT_ACCENT = '#4f46e5'
const MAX_QUERY = 200

const STRINGS = {
  en: {
    helpCenter: 'Help center',
    skip: 'Skip to content',
    language: 'Language',
    languageName: 'English',
    search: 'Search',
    searchLabel: 'Search articles',
    searchPlaceholder: 'Search articles…',
    homeTitle: 'How can we help?',
    categories: 'Categories',
    other: 'Other articles',
    seeAll: 'All articles in this category',
    noArticles: 'There are no articles here yet.',
    breadcrumb: 'Breadcrumb',
    updated: 'Updated',
    toc: 'On this page',
    related: 'Related articles',
    helpfulQuestion: 'Was this article helpful?',
    yes: 'Yes',
    no: 'No',
    comment: 'What could be better? (optional)',
    feedbackSent: 'Thank you for your feedback!',
    stillNeedHelp: 'Still need help?',
    stillText: 'Our team is happy to answer your question.',
    writeToUs: 'Write to us',
    searchTitle: 'Search',
    searchPrompt: 'Type a few words to find an article.',
    noResults: (q: string) => `No results for “${q}”`,
    results: (n: number, q: string) => `${n} ${n === 1 ? 'result' : 'results'} for “${q}”`,
    noResultsTip: 'Try other words, a shorter query or check the spelling.',
    didYouMean: 'Did you mean',
    notFoundTitle: 'Page not found',
    notFoundText: 'The page may have moved or never existed.',
    backHome: 'Go to the help center home',
    thanksTitle: 'Thank you!',
    thanksText: 'Your feedback helps us improve our articles.',
    backToArticle: 'Back to the article',
  },
  ru: {
    helpCenter: 'Справочный центр',
    skip: 'Перейти к содержанию',
    language: 'Язык',
    languageName: 'Русский',
    search: 'Найти',
    searchLabel: 'Поиск по статьям',
    searchPlaceholder: 'Поиск по статьям…',
    homeTitle: 'Чем мы можем помочь?',
    categories: 'Разделы',
    other: 'Другие статьи',
    seeAll: 'Все статьи раздела',
    noArticles: 'Здесь пока нет статей.',
    breadcrumb: 'Навигационная цепочка',
    updated: 'Обновлено',
    toc: 'Содержание',
    related: 'Похожие статьи',
    helpfulQuestion: 'Статья была полезной?',
    yes: 'Да',
    no: 'Нет',
    comment: 'Что можно улучшить? (необязательно)',
    feedbackSent: 'Спасибо за отзыв!',
    stillNeedHelp: 'Остались вопросы?',
    stillText: 'Наша команда с радостью ответит на ваш вопрос.',
    writeToUs: 'Написать нам',
    searchTitle: 'Поиск',
    searchPrompt: 'Введите несколько слов, чтобы найти статью.',
    noResults: (q: string) => `Ничего не найдено по запросу «${q}»`,
    results: (n: number, q: string) => `${n} ${ruResults(n)} по запросу «${q}»`,
    noResultsTip: 'Попробуйте другие слова, более короткий запрос или проверьте написание.',
    didYouMean: 'Возможно, вы имели в виду',
    notFoundTitle: 'Страница не найдена',
    notFoundText: 'Возможно, страница переехала или никогда не существовала.',
    backHome: 'На главную справочного центра',
    thanksTitle: 'Спасибо!',
    thanksText: 'Ваш отзыв помогает нам улучшать статьи.',
    backToArticle: 'Вернуться к статье',
  },
} as const

type Strings = (typeof STRINGS)[HelpLanguage]

/** Russian plural of «результат»: 1, 21 результат; 2–4, 22 результата; 5–20, 11–14 результатов. */
export function ruResults(n: number): string {
  const mod10 = n % 10
  const mod100 = n % 100
  if (mod10 === 1 && mod100 !== 11) return 'результат'
  if (mod10 >= 2 && mod10 <= 4 && (mod100 < 12 || mod100 > 14)) return 'результата'
  return 'результатов'
}

// ---------------------------------------------------------------------------------------------
// Pages

/** The portal's home: a big search, then categories with their first articles. */
export function homePage(
  p: PortalView,
  categories: Array<{ category: HelpCategory; articles: Array<{ slug: string; title: string }> }>,
  uncategorized: Array<{ slug: string; title: string }>,
): string {
  const s = t(p)
  const sections = categories.map(({ category, articles }) => {
    const description = pick(category.descriptions, p.language)
    return `<section class="card"><h2><a href="${esc(categoryHref(p, category.slug))}">${esc(categoryName(category, p.language))}</a></h2>${
      description ? `<p class="muted">${esc(description)}</p>` : ''
    }${articleList(p, articles)}<p><a href="${esc(categoryHref(p, category.slug))}">${esc(s.seeAll)}</a></p></section>`
  })
  if (uncategorized.length) {
    sections.push(
      `<section class="card"><h2>${esc(s.other)}</h2>${articleList(p, uncategorized)}</section>`,
    )
  }
  const body = `<div class="hero"><h1>${esc(s.homeTitle)}</h1>${searchForm(p, '', true)}</div>${
    sections.length
      ? `<h2 class="vh">${esc(s.categories)}</h2><div class="cards">${sections.join('')}</div>`
      : `<p>${esc(s.noArticles)}</p>`
  }`
  return page(p, { title: `${s.helpCenter} — ${p.name}`, body, headerSearch: false })
}

/** A category: its name, description and articles with a snippet each. */
export function categoryPage(
  p: PortalView,
  category: HelpCategory,
  articles: Array<{ slug: string; title: string; snippet: string }>,
): string {
  const s = t(p)
  const name = categoryName(category, p.language)
  const description = pick(category.descriptions, p.language)
  const list = articles.length
    ? `<ul class="results">${articles
        .map(
          (a) =>
            `<li><a href="${esc(articleHref(p, a.slug))}">${esc(a.title)}</a>${
              a.snippet ? `<p class="muted">${esc(a.snippet)}</p>` : ''
            }</li>`,
        )
        .join('')}</ul>`
    : `<p>${esc(s.noArticles)}</p>`
  const body = `${breadcrumb(p, [{ text: name, href: categoryHref(p, category.slug) }])}<h1>${esc(name)}</h1>${
    description ? `<p class="muted">${esc(description)}</p>` : ''
  }${list}`
  return page(p, { title: `${name} — ${p.name}`, body })
}

/** An article: breadcrumb, title, date, contents, body, feedback, related, "still need help". */
export function articlePage(
  p: PortalView,
  a: {
    title: string
    html: string
    headings: PageHeading[]
    updatedAt: number
    slug: string
    category: HelpCategory | null
    related: Array<{ slug: string; title: string }>
  },
  feedback: { action: string; sent: 'helpful' | 'not_helpful' | null },
): string {
  const s = t(p)
  const trail: Array<{ text: string; href: string }> = []
  if (a.category) {
    trail.push({
      text: categoryName(a.category, p.language),
      href: categoryHref(p, a.category.slug),
    })
  }
  trail.push({ text: a.title, href: articleHref(p, a.slug) })
  const toc =
    a.headings.length >= 3
      ? `<nav class="toc" aria-labelledby="toc-title"><h2 id="toc-title">${esc(s.toc)}</h2><ul>${a.headings
          .map(
            (h) =>
              `<li class="l${h.level === 2 ? 2 : h.level === 3 ? 3 : 4}"><a href="#${encodeURIComponent(h.id)}">${esc(h.text)}</a></li>`,
          )
          .join('')}</ul></nav>`
      : ''
  const related = a.related.length
    ? `<section aria-labelledby="related-title"><h2 id="related-title">${esc(s.related)}</h2>${articleList(p, a.related)}</section>`
    : ''
  const body = `${breadcrumb(p, trail)}<article><h1>${esc(a.title)}</h1>${updated(p, a.updatedAt)}${toc}<div class="body">${a.html}</div></article>${feedbackBlock(p, feedback)}${related}${stillNeedHelp(p, '')}`
  return page(p, { title: `${a.title} — ${p.name}`, body, script: Boolean(p.widget) })
}

/** Search results, or a clear "nothing found" with a suggestion and a way to ask. */
export function searchPage(
  p: PortalView,
  query: string,
  hits: HelpHit[],
  suggestion: string | null,
): string {
  const s = t(p)
  const q = query.slice(0, MAX_QUERY)
  let body: string
  if (!q.trim()) {
    body = `<h1>${esc(s.searchTitle)}</h1><p>${esc(s.searchPrompt)}</p>`
  } else if (hits.length) {
    body = `<h1>${esc(s.results(hits.length, q))}</h1><ul class="results">${hits
      .map(
        (h) =>
          `<li><a href="${esc(articleHref(p, h.slug))}">${esc(h.title)}</a>${
            h.snippet ? `<p class="muted">${esc(h.snippet)}</p>` : ''
          }</li>`,
      )
      .join('')}</ul>${stillNeedHelp(p, q)}`
  } else {
    const didYouMean = suggestion
      ? `<p>${esc(s.didYouMean)} <a href="${esc(searchHref(p, suggestion))}">${esc(suggestion)}</a>?</p>`
      : ''
    body = `<h1>${esc(s.noResults(q))}</h1>${didYouMean}<p>${esc(s.noResultsTip)}</p>${stillNeedHelp(p, q)}`
  }
  const title = q.trim() ? `${s.searchTitle}: ${q}` : s.searchTitle
  return page(p, { title: `${title} — ${p.name}`, body, query: q, script: Boolean(p.widget) })
}

/** A page of the portal that does not exist (answered with 404). */
export function notFoundPage(p: PortalView): string {
  const s = t(p)
  const body = `<h1>${esc(s.notFoundTitle)}</h1><p>${esc(s.notFoundText)}</p><p><a href="${esc(homeHref(p))}">${esc(s.backHome)}</a></p>`
  return page(p, { title: `${s.notFoundTitle} — ${p.name}`, body })
}

/** After feedback was posted without JavaScript: thanks, and the way back to the article. */
export function feedbackThanks(p: PortalView, articleHref: string): string {
  const s = t(p)
  const back = /^\/(?![/\\])/.test(articleHref) ? articleHref : homeHref(p)
  const body = `<h1>${esc(s.thanksTitle)}</h1><p role="status">${esc(s.thanksText)}</p><p><a href="${esc(back)}">${esc(s.backToArticle)}</a></p>`
  return page(p, { title: `${s.thanksTitle} — ${p.name}`, body })
}

// ---------------------------------------------------------------------------------------------
// Parts

function page(
  p: PortalView,
  o: { title: string; body: string; headerSearch?: boolean; query?: string; script?: boolean },
): string {
  const s = t(p)
  const nonce = p.nonce ? ` nonce="${esc(p.nonce)}"` : ''
  const alternates = p.alternates
    .map((a) => `<link rel="alternate" hreflang="${a.language}" href="${esc(a.href)}">`)
    .join('')
  const switcher = p.alternates.length
    ? `<nav class="langs" aria-label="${esc(s.language)}"><ul>${p.alternates
        .map(
          (a) =>
            `<li><a href="${esc(a.href)}" hreflang="${a.language}" lang="${a.language}">${esc(STRINGS[a.language].languageName)}</a></li>`,
        )
        .join('')}</ul></nav>`
    : ''
  const search = o.headerSearch === false ? '' : searchForm(p, o.query ?? '', false)
  return `<!doctype html>
<html lang="${p.language}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${esc(o.title)}</title>${alternates}<style${nonce}>${style(p.accent)}</style></head>
<body><a class="skip" href="#main">${esc(s.skip)}</a><header><div class="wrap bar"><a class="brand" href="${esc(homeHref(p))}">${esc(p.name)} <span>${esc(s.helpCenter)}</span></a>${switcher}</div>${
    search ? `<div class="wrap">${search}</div>` : ''
  }</header><main id="main" class="wrap">${o.body}</main>${o.script && p.widget ? widget(p, nonce) : ''}</body></html>`
}

/** The "Write to us" button shows only once the inline script runs; the loader brings the chat. */
function widget(p: PortalView, nonce: string): string {
  if (!p.widget) return ''
  const open =
    "for(const b of document.querySelectorAll('[data-parley-open]')){b.hidden=false;b.addEventListener('click',()=>window.Parley?.open?.({text:b.dataset.text||undefined}))}"
  return `<script${nonce}>${open}</script><script src="${esc(p.widget.src)}" data-inbox="${esc(p.widget.inboxId)}"${nonce} async></script>`
}

function stillNeedHelp(p: PortalView, query: string): string {
  if (!p.widget) return ''
  const s = t(p)
  const text = query.trim() ? ` data-text="${esc(query.trim())}"` : ''
  return `<section class="still" aria-labelledby="still-title"><h2 id="still-title">${esc(s.stillNeedHelp)}</h2><p>${esc(s.stillText)}</p><button type="button" class="button" data-parley-open${text} hidden>${esc(s.writeToUs)}</button></section>`
}

function searchForm(p: PortalView, query: string, big: boolean): string {
  const s = t(p)
  return `<form class="search${big ? ' big' : ''}" role="search" method="get" action="${esc(`${p.base}/search`)}"><label for="q" class="vh">${esc(s.searchLabel)}</label><input id="q" type="search" name="q" maxlength="${MAX_QUERY}" value="${esc(query)}" placeholder="${esc(s.searchPlaceholder)}"><button type="submit" class="button">${esc(s.search)}</button></form>`
}

function breadcrumb(p: PortalView, trail: Array<{ text: string; href: string }>): string {
  const s = t(p)
  const items = trail.map((c, i) =>
    i === trail.length - 1
      ? `<li><a href="${esc(c.href)}" aria-current="page">${esc(c.text)}</a></li>`
      : `<li><a href="${esc(c.href)}">${esc(c.text)}</a></li>`,
  )
  return `<nav class="crumbs" aria-label="${esc(s.breadcrumb)}"><ol><li><a href="${esc(homeHref(p))}">${esc(s.helpCenter)}</a></li>${items.join('')}</ol></nav>`
}

function updated(p: PortalView, at: number): string {
  if (!Number.isFinite(at)) return ''
  const date = new Date(at)
  if (Number.isNaN(date.getTime())) return ''
  const shown = new Intl.DateTimeFormat(p.language, { dateStyle: 'long', timeZone: 'UTC' }).format(
    date,
  )
  return `<p class="muted">${esc(t(p).updated)} <time datetime="${date.toISOString()}">${esc(shown)}</time></p>`
}

function feedbackBlock(
  p: PortalView,
  feedback: { action: string; sent: 'helpful' | 'not_helpful' | null },
): string {
  const s = t(p)
  const inner = feedback.sent
    ? `<p role="status">${esc(s.feedbackSent)}</p>`
    : `<form method="post" action="${esc(feedback.action)}"><label for="comment">${esc(s.comment)}</label><textarea id="comment" name="comment" maxlength="1000" rows="3"></textarea><div class="buttons"><button type="submit" class="button" name="helpful" value="yes">${esc(s.yes)}</button><button type="submit" class="button" name="helpful" value="no">${esc(s.no)}</button></div></form>`
  return `<section class="feedback" aria-labelledby="feedback-title"><h2 id="feedback-title">${esc(s.helpfulQuestion)}</h2>${inner}</section>`
}

function articleList(p: PortalView, articles: Array<{ slug: string; title: string }>): string {
  if (!articles.length) return ''
  return `<ul>${articles.map((a) => `<li><a href="${esc(articleHref(p, a.slug))}">${esc(a.title)}</a></li>`).join('')}</ul>`
}

// ---------------------------------------------------------------------------------------------
// Helpers

function t(p: PortalView): Strings {
  return STRINGS[p.language === 'ru' ? 'ru' : 'en']
}

function esc(text: string): string {
  return escapeHtml(String(text ?? ''))
}

function homeHref(p: PortalView): string {
  return p.base
}

/** The href of an article of the portal (escape it in markup). */
function articleHref(p: PortalView, slug: string): string {
  return `${p.base}/articles/${encodeURIComponent(slug)}`
}

function categoryHref(p: PortalView, slug: string): string {
  return `${p.base}/categories/${encodeURIComponent(slug)}`
}

function searchHref(p: PortalView, query: string): string {
  return `${p.base}/search?q=${encodeURIComponent(query)}`
}

function pick(values: Partial<Record<HelpLanguage, string>>, language: HelpLanguage): string {
  return values[language] || values[language === 'en' ? 'ru' : 'en'] || ''
}

function categoryName(category: HelpCategory, language: HelpLanguage): string {
  return pick(category.names, language) || category.slug
}

/** The accent when it is '#rrggbb', else the default. */
export function safeAccent(accent: string): string {
  return /^#[0-9a-f]{6}$/i.test(accent) ? accent.toLowerCase() : DEFAULT_ACCENT
}

/**
 * White or black, whichever contrasts more with the accent (WCAG relative luminance): one of
 * them always reaches 4.58:1 (a near-black would miss 4.5:1 on mid-grey accents).
 */
export function onAccent(accent: string): string {
  const channel = (i: number) => {
    const c = parseInt(accent.slice(i, i + 2), 16) / 255
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4
  }
  const l = 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5)
  return 1.05 / (l + 0.05) >= (l + 0.05) / 0.05 ? '#ffffff' : '#000000'
}

/** The page's one stylesheet, with the portal's accent. */
function style(accentInput: string): string {
  const accent = safeAccent(accentInput)
  return `:root{color-scheme:light dark;--bg:#fff;--fg:#1f2937;--muted:#4b5563;--line:#d1d5db;--soft:#f3f4f6;--accent:${accent};--on-accent:${onAccent(accent)}}
@media (prefers-color-scheme:dark){:root{--bg:#111827;--fg:#e5e7eb;--muted:#a5adba;--line:#374151;--soft:#1f2937}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:17px/1.6 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;overflow-wrap:break-word}
a{color:var(--fg);text-decoration:underline;text-decoration-color:var(--accent);text-decoration-thickness:2px;text-underline-offset:3px}
a:hover{text-decoration-thickness:3px}
:focus-visible{outline:3px solid var(--fg);outline-offset:2px}
.wrap{max-width:46rem;margin:0 auto;padding:0 16px}
.skip{position:absolute;left:-9999px}
.skip:focus{left:8px;top:8px;background:var(--bg);padding:8px;z-index:1}
.vh{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
header{border-bottom:1px solid var(--line);padding:12px 0;margin-bottom:24px}
.bar{display:flex;flex-wrap:wrap;gap:8px 16px;align-items:center;justify-content:space-between}
.brand{font-weight:600;text-decoration:none}
.brand span{color:var(--muted);font-weight:400}
.langs ul,.crumbs ol{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:4px 12px}
.crumbs{font-size:.9rem;margin-bottom:8px}
.crumbs li+li::before{content:'›';margin-right:12px;color:var(--muted)}
.search{display:flex;gap:8px;margin:12px 0 0}
.search input{flex:1;min-width:0;font:inherit;padding:8px 12px;border:1px solid var(--muted);border-radius:8px;background:var(--bg);color:var(--fg)}
.search.big input{padding:12px 16px}
.button{font:inherit;cursor:pointer;padding:8px 16px;border:0;border-radius:8px;background:var(--accent);color:var(--on-accent)}
.button:hover{filter:brightness(1.1)}
.hero{padding:16px 0 24px}
h1{font-size:1.9rem;line-height:1.25;margin:8px 0 16px}
h2{font-size:1.35rem;margin:32px 0 8px}
h3{font-size:1.15rem;margin:24px 0 8px}
h4{font-size:1rem;margin:20px 0 8px}
.muted{color:var(--muted)}
.cards{display:grid;gap:16px;grid-template-columns:repeat(auto-fill,minmax(16rem,1fr))}
.card{border:1px solid var(--line);border-radius:12px;padding:4px 16px}
.card h2{font-size:1.15rem;margin:12px 0 4px}
.results{list-style:none;padding:0}
.results li{padding:12px 0;border-bottom:1px solid var(--line)}
.results p{margin:4px 0 0}
.toc{border-left:3px solid var(--accent);padding:0 16px;margin:16px 0}
.toc h2{font-size:1rem;margin:8px 0}
.toc ul{list-style:none;padding:0;margin:0 0 8px}
.toc .l3{padding-left:16px}.toc .l4{padding-left:32px}
.body img{max-width:100%;height:auto}
.body blockquote{margin:16px 0;padding:0 16px;border-left:3px solid var(--line);color:var(--muted)}
code,pre{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.9em}
code{background:var(--soft);border-radius:4px;padding:0 4px}
.scroll{overflow-x:auto;max-width:100%;margin:16px 0;border-radius:8px}
.scroll pre{margin:0;padding:12px 16px;background:var(--soft);width:max-content;min-width:100%}
pre code{padding:0;background:none}
table{border-collapse:collapse}
th,td{border:1px solid var(--line);padding:6px 10px;text-align:left}
hr{border:0;border-top:1px solid var(--line);margin:24px 0}
.feedback,.still{border-top:1px solid var(--line);margin-top:32px}
.feedback label{display:block;margin-bottom:4px}
textarea{display:block;width:100%;font:inherit;padding:8px;border:1px solid var(--muted);border-radius:8px;background:var(--bg);color:var(--fg)}
.buttons{display:flex;gap:8px;margin-top:8px}
[hidden]{display:none!important}
main{padding-bottom:48px}`
}
