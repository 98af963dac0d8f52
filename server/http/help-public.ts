/**
 * The help center for readers (issue 21, H1): the public site (`/help/<portal>/<language>/...`,
 * server-rendered HTML that works without JavaScript) and the widget's JSON calls
 * (`/api/visitor/help/...`). A portal is an inbox (its articles and the shared ones, with the
 * inbox's name and accent) or `shared` (the shared articles only). Only published articles are
 * ever shown; a former slug answers 301 to the current one.
 *
 * Every page carries its own Content-Security-Policy: a fresh nonce for its one stylesheet and
 * its one small script, scripts otherwise only from this server (the widget's loader), no
 * plugins, forms only to this server.
 */
import { randomBytes } from 'node:crypto'
import { Elysia } from 'elysia'
import * as v from 'valibot'
import { newId, type HelpArticleRecord, type HelpEventRecord } from '../../actors/index.ts'
import {
  HELP_LANGUAGES,
  MAX_FEEDBACK_COMMENT,
  MAX_HELP_QUERY,
  type HelpLanguage,
} from '../../protocol/help.ts'
import { ParleyError } from '../../protocol/index.ts'
import { RateLimiter } from '../limits.ts'
import { oneLine, type HelpService } from '../help/service.ts'
import {
  articlePage,
  categoryPage,
  homePage,
  notFoundPage,
  searchPage,
  type PortalView,
} from '../help/pages.ts'
import { principalOf, type HttpContext } from './context.ts'
import { articleUrl } from './help.ts'
import { doc } from './responses.ts'
import { Id, queryText } from './schemas.ts'
import { HelpReadShape, HelpSearchShape } from './shapes-help.ts'

/** Pages, not API operations: left out of the OpenAPI document. */
const PAGE = { detail: { hide: true } }
const SHARED = 'shared'
const DEFAULT_ACCENT = '#4f46e5'
/** Articles listed per category on the home page. */
const HOME_ARTICLES = 6
/** Articles a category page lists. */
const CATEGORY_ARTICLES = 200
/** Results a search page shows. */
const SEARCH_RESULTS = 20

const Language = v.picklist(HELP_LANGUAGES, 'the language is en or ru')

interface Portal {
  key: string
  inboxId: string | null
  name: string
  accent: string
}

/** The reader's language from Accept-Language: ru when they prefer it to en, else en. */
export function preferredLanguage(header: string | null | undefined): HelpLanguage {
  let best: HelpLanguage = 'en'
  let bestQ = -1
  for (const part of (header ?? '').split(',')) {
    const [tag, ...params] = part.trim().toLowerCase().split(';')
    const q = Number(params.find((p) => p.trim().startsWith('q='))?.split('=')[1] ?? 1)
    const lang = tag?.split('-')[0]
    if ((lang === 'ru' || lang === 'en') && Number.isFinite(q) && q > bestQ) {
      best = lang
      bestQ = q
    }
  }
  return best
}

function isLanguage(value: string): value is HelpLanguage {
  return (HELP_LANGUAGES as readonly string[]).includes(value)
}

function html(body: string, status: number, nonce: string): Response {
  return new Response(body, {
    status,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-cache',
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'strict-origin-when-cross-origin',
      'content-security-policy':
        `default-src 'none'; style-src 'nonce-${nonce}'; script-src 'nonce-${nonce}' 'self'; ` +
        `img-src 'self' data:; frame-src 'self'; connect-src 'self'; form-action 'self'; ` +
        `base-uri 'none'; object-src 'none'; frame-ancestors 'self'`,
    },
  })
}

function redirect(location: string, status: 301 | 302 | 303): Response {
  return new Response(null, { status, headers: { location, 'cache-control': 'no-cache' } })
}

export function helpPublicRoutes(ctx: HttpContext, help: HelpService) {
  /** Feedback per client address: a few votes a minute. */
  const votes = new RateLimiter(10, 10)
  /** Searches per client address (each one costs the index a query). */
  const searches = new RateLimiter(60, 120)

  async function portalOf(key: string): Promise<Portal | null> {
    if (key === SHARED) return { key, inboxId: null, name: 'Help center', accent: DEFAULT_ACCENT }
    if (!v.is(Id, key)) return null
    const inbox = await ctx.store.inboxes.get(key)
    if (!inbox) return null
    return {
      key,
      inboxId: inbox.id,
      name: inbox.name,
      accent: inbox.settings.appearance?.accentColor ?? DEFAULT_ACCENT,
    }
  }

  function view(
    portal: Portal,
    language: HelpLanguage,
    nonce: string,
    alternates?: PortalView['alternates'],
  ): PortalView {
    const base = `/help/${encodeURIComponent(portal.key)}/${language}`
    const other: HelpLanguage = language === 'en' ? 'ru' : 'en'
    return {
      base,
      language,
      alternates: alternates ?? [
        { language: other, href: `/help/${encodeURIComponent(portal.key)}/${other}` },
      ],
      name: portal.name,
      accent: portal.accent,
      widget:
        portal.inboxId === null ? null : { src: '/widget/loader.js', inboxId: portal.inboxId },
      nonce,
    }
  }

  /**
   * A published article of the portal by a slug of its (current or former: `moved`, the page
   * then redirects to the current one).
   */
  async function bySlug(
    portal: Portal,
    language: HelpLanguage,
    slug: string,
  ): Promise<{ article: HelpArticleRecord; moved: boolean } | null> {
    const found = await ctx.store.help.slug(language, slug.toLowerCase())
    if (!found) return null
    const a = await ctx.store.help.article(found.articleId)
    if (!a || a.status !== 'published' || a.language !== language) return null
    if (a.inboxId !== null && a.inboxId !== portal.inboxId) return null
    return { article: a, moved: !found.current || slug !== a.slug }
  }

  function record(event: Omit<HelpEventRecord, 'id' | 'at'>): void {
    void ctx.store.help
      .addEvents([{ ...event, id: newId(), at: ctx.clock.now() }])
      .catch((error: unknown) =>
        ctx.log.warn('help event not recorded', {
          error: error instanceof Error ? error.message : String(error),
        }),
      )
  }

  /** The visitor behind an optional token (a bad or foreign one is simply no visitor). */
  async function visitorOf(headers: Record<string, string | undefined>, inboxId: string | null) {
    if (!headers.authorization) return null
    try {
      const principal = await principalOf(ctx, headers)
      return principal.kind === 'visitor' && principal.inboxId === inboxId ? principal.id : null
    } catch {
      return null
    }
  }

  return (
    new Elysia()
      .get(
        '/help',
        ({ request }) => {
          const language = preferredLanguage(request.headers.get('accept-language'))
          return ctx.store.inboxes.list().then((inboxes) => {
            const first = [...inboxes].sort((a, b) => a.createdAt - b.createdAt)[0]
            return redirect(`/help/${encodeURIComponent(first?.id ?? SHARED)}/${language}`, 302)
          })
        },
        PAGE,
      )
      .get(
        '/help/:portal',
        ({ params, request }) => {
          const language = preferredLanguage(request.headers.get('accept-language'))
          return redirect(`/help/${encodeURIComponent(params.portal)}/${language}`, 302)
        },
        PAGE,
      )
      .get(
        '/help/:portal/:lang',
        async ({ params }) => {
          const nonce = randomBytes(16).toString('base64')
          const portal = await portalOf(params.portal)
          if (!portal || !isLanguage(params.lang)) {
            return html(notFoundPage(view(portal ?? fallback(), 'en', nonce)), 404, nonce)
          }
          const language = params.lang
          const [categories, { articles }] = await Promise.all([
            ctx.store.help.categories(portal.inboxId === null ? [] : [portal.inboxId], true),
            ctx.store.help.articles({
              inboxIds: portal.inboxId === null ? [] : [portal.inboxId],
              shared: true,
              language,
              status: 'published',
              limit: 1000,
              offset: 0,
            }),
          ])
          const byCategory = new Map<string, Array<{ slug: string; title: string }>>()
          const uncategorized: Array<{ slug: string; title: string }> = []
          for (const a of [...articles].sort((x, y) => x.title.localeCompare(y.title, language))) {
            const list = a.categoryId ? byCategory.get(a.categoryId) : undefined
            if (a.categoryId && categories.some((c) => c.id === a.categoryId)) {
              if (list) list.push(a)
              else byCategory.set(a.categoryId, [a])
            } else uncategorized.push(a)
          }
          const sections = categories
            .filter((c) => byCategory.has(c.id))
            .map((category) => ({
              category,
              articles: (byCategory.get(category.id) ?? [])
                .slice(0, HOME_ARTICLES)
                .map((a) => ({ slug: a.slug, title: a.title })),
            }))
          return html(
            homePage(
              view(portal, language, nonce),
              sections,
              uncategorized.map((a) => ({ slug: a.slug, title: a.title })),
            ),
            200,
            nonce,
          )
        },
        PAGE,
      )
      .get(
        '/help/:portal/:lang/categories/:slug',
        async ({ params }) => {
          const nonce = randomBytes(16).toString('base64')
          const portal = await portalOf(params.portal)
          const language = isLanguage(params.lang) ? params.lang : null
          const category = await ctx.store.help.categoryBySlug(params.slug.toLowerCase())
          if (
            !portal ||
            !language ||
            !category ||
            (category.inboxId !== null && category.inboxId !== portal.inboxId)
          ) {
            return html(
              notFoundPage(view(portal ?? fallback(), language ?? 'en', nonce)),
              404,
              nonce,
            )
          }
          const { articles } = await ctx.store.help.articles({
            inboxIds: portal.inboxId === null ? [] : [portal.inboxId],
            shared: true,
            language,
            status: 'published',
            categoryId: category.id,
            limit: CATEGORY_ARTICLES,
            offset: 0,
          })
          const list = [...articles]
            .sort((x, y) => x.title.localeCompare(y.title, language))
            .map((a) => ({
              slug: a.slug,
              title: a.title,
              snippet: oneLine(help.rendered(a).text).slice(0, 160),
            }))
          return html(categoryPage(view(portal, language, nonce), category, list), 200, nonce)
        },
        PAGE,
      )
      .get(
        '/help/:portal/:lang/articles/:slug',
        async ({ params, query }) => {
          const nonce = randomBytes(16).toString('base64')
          const portal = await portalOf(params.portal)
          const language = isLanguage(params.lang) ? params.lang : null
          const found = portal && language ? await bySlug(portal, language, params.slug) : null
          if (!portal || !language || !found) {
            return html(
              notFoundPage(view(portal ?? fallback(), language ?? 'en', nonce)),
              404,
              nonce,
            )
          }
          const a = found.article
          if (found.moved) return redirect(articleUrl(a, portal.inboxId ?? SHARED), 301)
          const [category, group, related] = await Promise.all([
            a.categoryId ? ctx.store.help.category(a.categoryId) : null,
            ctx.store.help.translations(a.groupId),
            a.categoryId
              ? ctx.store.help.articles({
                  inboxIds: portal.inboxId === null ? [] : [portal.inboxId],
                  shared: true,
                  language,
                  status: 'published',
                  categoryId: a.categoryId,
                  limit: 6,
                  offset: 0,
                })
              : null,
          ])
          const alternates = group
            .filter((t) => t.id !== a.id && t.status === 'published')
            .map((t) => ({ language: t.language, href: articleUrl(t, portal.inboxId ?? SHARED) }))
          const other: HelpLanguage = language === 'en' ? 'ru' : 'en'
          if (!alternates.some((x) => x.language === other)) {
            alternates.push({
              language: other,
              href: `/help/${encodeURIComponent(portal.key)}/${other}`,
            })
          }
          const rendered = help.rendered(a)
          const sent =
            query.feedback === 'helpful' || query.feedback === 'not_helpful' ? query.feedback : null
          if (sent === null) {
            record({
              kind: 'view',
              inboxId: portal.inboxId,
              articleId: a.id,
              visitorId: null,
              language,
              query: null,
              results: null,
            })
          }
          const here = articleUrl(a, portal.inboxId ?? SHARED)
          return html(
            articlePage(
              view(portal, language, nonce, alternates),
              {
                title: a.title,
                html: rendered.html,
                headings: rendered.headings,
                updatedAt: a.updatedAt,
                slug: a.slug,
                category,
                related: (related?.articles ?? [])
                  .filter((r) => r.id !== a.id)
                  .slice(0, 5)
                  .map((r) => ({ slug: r.slug, title: r.title })),
              },
              { action: `${here}/feedback`, sent },
            ),
            200,
            nonce,
          )
        },
        PAGE,
      )
      .post(
        '/help/:portal/:lang/articles/:slug/feedback',
        async ({ params, body, request }) => {
          const nonce = randomBytes(16).toString('base64')
          const portal = await portalOf(params.portal)
          const language = isLanguage(params.lang) ? params.lang : null
          const found = portal && language ? await bySlug(portal, language, params.slug) : null
          if (!portal || !language || !found) {
            return html(
              notFoundPage(view(portal ?? fallback(), language ?? 'en', nonce)),
              404,
              nonce,
            )
          }
          const form = (body ?? {}) as Record<string, unknown>
          const helpful = form.helpful === 'yes' ? true : form.helpful === 'no' ? false : null
          if (helpful === null) throw new ParleyError('validation_failed', 'helpful is yes or no')
          const comment =
            typeof form.comment === 'string' && form.comment.trim() !== ''
              ? form.comment.trim().slice(0, MAX_FEEDBACK_COMMENT)
              : null
          votes.take(`${ctx.clientKey(request)}:${found.article.id}`, 'votes')
          await ctx.store.help.addFeedback({
            id: newId(),
            articleId: found.article.id,
            helpful,
            comment,
            visitorId: null,
            createdAt: ctx.clock.now(),
          })
          const here = articleUrl(found.article, portal.inboxId ?? SHARED)
          return redirect(`${here}?feedback=${helpful ? 'helpful' : 'not_helpful'}`, 303)
        },
        PAGE,
      )
      .get(
        '/help/:portal/:lang/search',
        async ({ params, query, request }) => {
          const nonce = randomBytes(16).toString('base64')
          const portal = await portalOf(params.portal)
          const language = isLanguage(params.lang) ? params.lang : null
          if (!portal || !language) {
            return html(
              notFoundPage(view(portal ?? fallback(), language ?? 'en', nonce)),
              404,
              nonce,
            )
          }
          const q = typeof query.q === 'string' ? query.q : ''
          const page = view(portal, language, nonce)
          if (q.trim() === '') return html(searchPage(page, '', [], null), 200, nonce)
          if (q.length > MAX_HELP_QUERY) {
            return html(searchPage(page, q.slice(0, MAX_HELP_QUERY), [], null), 400, nonce)
          }
          searches.take(ctx.clientKey(request), 'searches')
          const result = await help.search({
            inboxId: portal.inboxId,
            language,
            query: q,
            limit: SEARCH_RESULTS,
          })
          record({
            kind: 'search',
            inboxId: portal.inboxId,
            articleId: null,
            visitorId: null,
            language,
            query: q.trim().toLowerCase(),
            results: result.hits.length,
          })
          return html(searchPage(page, q, result.hits, result.corrected), 200, nonce)
        },
        PAGE,
      )
      // The widget's calls: JSON, any origin (cors.ts), a visitor token optional.
      .get(
        '/api/visitor/help/search',
        async ({ headers, query, request }) => {
          const inboxId = query.inbox
          if (!(await ctx.store.inboxes.get(inboxId))) {
            throw new ParleyError('not_found', 'inbox not found')
          }
          searches.take(ctx.clientKey(request), 'searches')
          const result = await help.search({
            inboxId,
            language: query.language,
            query: query.q,
            limit: query.limit ?? 5,
          })
          if (query.record !== 'false') {
            record({
              kind: 'search',
              inboxId,
              articleId: null,
              visitorId: await visitorOf(headers, inboxId),
              language: query.language,
              query: query.q.trim().toLowerCase(),
              results: result.hits.length,
            })
          }
          return {
            hits: result.hits.map((h) => ({
              ...h,
              url: articleUrl({ inboxId, language: h.language, slug: h.slug }, inboxId),
            })),
            corrected: result.corrected,
          }
        },
        {
          query: v.object({
            inbox: Id,
            language: Language,
            q: queryText('q', MAX_HELP_QUERY),
            limit: v.optional(
              v.pipe(v.string(), v.toNumber(), v.integer(), v.minValue(1), v.maxValue(20)),
            ),
            /** `false` while the visitor is still typing: not counted as a search. */
            record: v.optional(v.picklist(['true', 'false'])),
          }),
          detail: doc({
            summary: 'Search the help center',
            tag: 'help',
            description:
              "The inbox's published articles (and the shared ones), best first: the widget's " +
              'search and its suggestions while a first message is written (`record=false`: ' +
              'not counted as a search).',
            access: 'optional',
            ok: HelpSearchShape,
          }),
        },
      )
      .get(
        '/api/visitor/help/articles/:slug',
        async ({ headers, params, query }) => {
          const portal = await portalOf(query.inbox)
          if (!portal) throw new ParleyError('not_found', 'inbox not found')
          const found = await bySlug(portal, query.language, params.slug)
          if (!found) throw new ParleyError('not_found', 'article not found')
          const a = found
          const rendered = help.rendered(a.article)
          record({
            kind: 'view',
            inboxId: portal.inboxId,
            articleId: a.article.id,
            visitorId: await visitorOf(headers, portal.inboxId),
            language: query.language,
            query: null,
            results: null,
          })
          return {
            id: a.article.id,
            slug: a.article.slug,
            title: a.article.title,
            html: rendered.html,
            updatedAt: a.article.updatedAt,
            url: articleUrl(a.article, portal.inboxId),
          }
        },
        {
          params: v.object({ slug: v.pipe(v.string(), v.maxLength(200)) }),
          query: v.object({ inbox: Id, language: Language }),
          detail: doc({
            summary: 'Read a help-center article',
            tag: 'help',
            description:
              'A published article of the inbox (or a shared one) as safe HTML, for reading ' +
              'inside the widget; a former slug finds it too.',
            access: 'optional',
            ok: HelpReadShape,
          }),
        },
      )
  )

  function fallback(): Portal {
    return { key: SHARED, inboxId: null, name: 'Help center', accent: DEFAULT_ACCENT }
  }
}
