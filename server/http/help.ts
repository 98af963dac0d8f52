/**
 * The help center's authoring API (issue 21, H1): categories, articles, revisions and the
 * operators' search (the composer's "insert an article link").
 *
 * Who: an inbox's articles and categories are read by whoever may view that inbox and written
 * by admins and that inbox's supervisors; shared ones (no inbox: every portal shows them) are
 * read by every operator and written by admins and supervisors. One that the caller may not
 * even read is `not_found`, as if there were none.
 */
import { Elysia } from 'elysia'
import * as v from 'valibot'
import { newId, type HelpArticleRecord } from '../../actors/index.ts'
import {
  ARTICLE_STATUSES,
  HELP_LANGUAGES,
  MAX_ARTICLE_BODY,
  MAX_ARTICLE_TITLE,
  MAX_CATEGORY_DESCRIPTION,
  MAX_HELP_QUERY,
  MAX_PORTAL_CATEGORIES,
  Slug,
  slugify,
  type HelpArticle,
  type HelpCategory,
} from '../../protocol/help.ts'
import { ParleyError, wireString } from '../../protocol/index.ts'
import { renderArticle } from '../help/render.ts'
import { articleImage, type HelpService } from '../help/service.ts'
import type { HttpContext } from './context.ts'
import { mayReadInbox, mayWriteInbox, operatorOf, type Operator } from './inbox-rights.ts'
import { doc } from './responses.ts'
import { Id, queryText } from './schemas.ts'
import { OkShape } from './shapes-common.ts'
import {
  HelpArticleListShape,
  HelpArticleShape,
  HelpArticleViewShape,
  HelpCategoryListShape,
  HelpCategoryShape,
  HelpPreviewShape,
  HelpFiguresShape,
  HelpRevisionListShape,
  HelpSearchShape,
} from './shapes-help.ts'

const Language = v.picklist(HELP_LANGUAGES, 'the language is en or ru')
const Status = v.picklist(ARTICLE_STATUSES, 'the status is draft, published or archived')
const Title = v.pipe(
  wireString('title'),
  v.trim(),
  v.minLength(1, 'the title is empty'),
  v.maxLength(MAX_ARTICLE_TITLE, `the title is longer than ${MAX_ARTICLE_TITLE} characters`),
)
const Body = v.pipe(
  wireString('body'),
  v.maxLength(MAX_ARTICLE_BODY, `the article is longer than ${MAX_ARTICLE_BODY} characters`),
)
const Name = v.pipe(
  wireString('name'),
  v.trim(),
  v.minLength(1, 'the name is empty'),
  v.maxLength(MAX_ARTICLE_TITLE, `the name is longer than ${MAX_ARTICLE_TITLE} characters`),
)
const Description = v.pipe(
  wireString('description'),
  v.trim(),
  v.maxLength(
    MAX_CATEGORY_DESCRIPTION,
    `the description is longer than ${MAX_CATEGORY_DESCRIPTION} characters`,
  ),
)
const Names = v.pipe(
  v.strictObject({ en: v.optional(Name), ru: v.optional(Name) }),
  v.check((n) => n.en !== undefined || n.ru !== undefined, 'a name in at least one language'),
)
const Descriptions = v.strictObject({ en: v.optional(Description), ru: v.optional(Description) })
const Position = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(10_000))
/** `shared` or an inbox id. */
export const Portal = v.union([v.literal('shared'), Id])

/** Null for the shared portal. */
export function portalOf(portal: string): string | null {
  return portal === 'shared' ? null : portal
}

/** Who may read a portal's articles: an inbox's viewers; every operator the shared one. */
function mayReadPortal(op: Operator, inboxId: string | null): boolean {
  return inboxId === null ? true : mayReadInbox(op, inboxId)
}

/** Who may write them: admins, and supervisors (of the inbox, for an inbox's). */
function mayWritePortal(op: Operator, inboxId: string | null): boolean {
  return inboxId === null
    ? op.role === 'admin' || op.role === 'supervisor'
    : mayWriteInbox(op, inboxId)
}

export function refuseWrite(op: Operator, inboxId: string | null, plural: string): void {
  if (!mayWritePortal(op, inboxId)) {
    throw new ParleyError('forbidden', `only admins and supervisors change help-center ${plural}`)
  }
}

/**
 * The public address of an article: in its inbox's portal, or a shared one in the given portal
 * (`shared` when none).
 */
export function articleUrl(
  a: Pick<HelpArticle, 'inboxId' | 'language' | 'slug'>,
  portal: string | null,
): string {
  const inbox = a.inboxId ?? portal ?? 'shared'
  return `/help/${encodeURIComponent(inbox)}/${a.language}/articles/${encodeURIComponent(a.slug)}`
}

/** The record without the index's terms: what the API answers. */
function publicArticle(a: HelpArticleRecord): HelpArticle {
  const { titleTerms: _t, bodyTerms: _b, ...article } = a
  return article
}

export function helpRoutes(ctx: HttpContext, help: HelpService) {
  async function readableArticle(op: Operator, id: string): Promise<HelpArticleRecord> {
    const a = await ctx.store.help.article(id)
    if (!a || !mayReadPortal(op, a.inboxId)) {
      throw new ParleyError('not_found', 'article not found')
    }
    return a
  }

  async function writableArticle(op: Operator, id: string): Promise<HelpArticleRecord> {
    const a = await readableArticle(op, id)
    refuseWrite(op, a.inboxId, 'articles')
    return a
  }

  async function readableCategory(op: Operator, id: string): Promise<HelpCategory> {
    const c = await ctx.store.help.category(id)
    if (!c || !mayReadPortal(op, c.inboxId)) {
      throw new ParleyError('not_found', 'category not found')
    }
    return c
  }

  /** A category an article of `inboxId` may be in: its portal's, or a shared one. */
  async function categoryFor(op: Operator, inboxId: string | null, id: string | null) {
    if (id === null) return null
    const c = await readableCategory(op, id)
    if (c.inboxId !== null && c.inboxId !== inboxId) {
      throw new ParleyError(
        'validation_failed',
        "the category belongs to another inbox's help center",
      )
    }
    return c.id
  }

  /** The inbox exists and the caller may see it (null: the shared portal). */
  async function portalInbox(op: Operator, inboxId: string | null): Promise<void> {
    if (inboxId === null) return
    if (!mayReadInbox(op, inboxId) || !(await ctx.store.inboxes.get(inboxId))) {
      throw new ParleyError('not_found', 'inbox not found')
    }
  }

  /**
   * Which portals a list covers: the given one (an inbox with the shared articles, or the
   * shared ones alone), or every one the caller may read.
   */
  async function scopeOf(
    op: Operator,
    portal: string | undefined,
  ): Promise<{ inboxIds: readonly string[] | null; shared: boolean }> {
    if (portal === undefined) {
      return { inboxIds: op.role === 'admin' ? null : (op.inboxIds ?? null), shared: true }
    }
    const inboxId = portalOf(portal)
    await portalInbox(op, inboxId)
    return { inboxIds: inboxId === null ? [] : [inboxId], shared: true }
  }

  async function view(a: HelpArticleRecord) {
    const group = await ctx.store.help.translations(a.groupId)
    return {
      ...publicArticle(a),
      translations: group
        .filter((t) => t.id !== a.id)
        .map((t) => ({
          id: t.id,
          language: t.language,
          slug: t.slug,
          title: t.title,
          status: t.status,
        })),
      url: a.status === 'published' ? articleUrl(a, null) : null,
    }
  }

  return new Elysia({ prefix: '/api/help' })
    .get(
      '/categories',
      async ({ headers, query }) => {
        const op = await operatorOf(ctx, headers)
        const { inboxIds, shared } = await scopeOf(op, query.portal)
        return { categories: await ctx.store.help.categories(inboxIds, shared) }
      },
      {
        query: v.object({ portal: v.optional(Portal) }),
        detail: doc({
          summary: 'List help-center categories',
          tag: 'help',
          description:
            "With `portal` (an inbox id, or `shared`), that portal's and the shared ones; " +
            'without, every one the caller may read. In their order.',
          access: 'operator',
          ok: HelpCategoryListShape,
        }),
      },
    )
    .post(
      '/categories',
      async ({ headers, body, set }) => {
        const op = await operatorOf(ctx, headers)
        const inboxId = portalOf(body.portal)
        await portalInbox(op, inboxId)
        refuseWrite(op, inboxId, 'categories')
        const now = ctx.clock.now()
        const slug =
          body.slug ?? (slugify(body.names.en ?? body.names.ru ?? '') || `c-${newId().slice(-8)}`)
        const category: HelpCategory = {
          id: newId(),
          inboxId,
          slug,
          names: body.names,
          descriptions: body.descriptions ?? {},
          position: body.position ?? 0,
          createdAt: now,
          updatedAt: now,
        }
        await ctx.store.help.createCategory(category, MAX_PORTAL_CATEGORIES)
        set.status = 201
        return category
      },
      {
        body: v.strictObject({
          portal: Portal,
          names: Names,
          descriptions: v.optional(Descriptions),
          slug: v.optional(Slug),
          position: v.optional(Position),
        }),
        detail: doc({
          summary: 'Add a help-center category',
          tag: 'help',
          description:
            `A name per language (at least one); a slug unique across portals (409), made from ` +
            `the name when absent; at most ${MAX_PORTAL_CATEGORIES} per portal.`,
          access: 'elevated',
          ok: HelpCategoryShape,
          status: 201,
          okDescription: 'Added.',
          errors: [409],
        }),
      },
    )
    .patch(
      '/categories/:id',
      async ({ headers, params, body }) => {
        const op = await operatorOf(ctx, headers)
        const c = await readableCategory(op, params.id)
        refuseWrite(op, c.inboxId, 'categories')
        const updated = await ctx.store.help.updateCategory(c.id, {
          ...body,
          updatedAt: ctx.clock.now(),
        })
        if (!updated) throw new ParleyError('not_found', 'category not found')
        return updated
      },
      {
        params: v.object({ id: Id }),
        body: v.pipe(
          v.strictObject({
            names: v.optional(Names),
            descriptions: v.optional(Descriptions),
            slug: v.optional(Slug),
            position: v.optional(Position),
          }),
          v.check((patch) => Object.keys(patch).length > 0, 'nothing to change'),
        ),
        detail: doc({
          summary: 'Change a help-center category',
          tag: 'help',
          access: 'elevated',
          ok: HelpCategoryShape,
          errors: [409],
        }),
      },
    )
    .delete(
      '/categories/:id',
      async ({ headers, params }) => {
        const op = await operatorOf(ctx, headers)
        const c = await readableCategory(op, params.id)
        refuseWrite(op, c.inboxId, 'categories')
        if (!(await ctx.store.help.deleteCategory(c.id))) {
          throw new ParleyError('not_found', 'category not found')
        }
        return { ok: true as const }
      },
      {
        params: v.object({ id: Id }),
        detail: doc({
          summary: 'Delete a help-center category',
          tag: 'help',
          description: 'Its articles stay, without a category.',
          access: 'elevated',
          ok: OkShape,
        }),
      },
    )
    .get(
      '/articles',
      async ({ headers, query }) => {
        const op = await operatorOf(ctx, headers)
        const scope = await scopeOf(op, query.portal)
        const { inboxIds } = scope
        // `shared=false`: an inbox's own articles only.
        const shared =
          scope.shared && !(query.shared === 'false' && inboxIds !== null && inboxIds.length > 0)
        const { articles, total } = await ctx.store.help.articles({
          inboxIds,
          shared,
          language: query.language,
          status: query.status,
          categoryId: query.category,
          limit: query.limit ?? 50,
          offset: query.offset ?? 0,
        })
        return {
          articles: articles.map((a) => {
            const { body: _body, ...rest } = publicArticle(a)
            return rest
          }),
          total,
        }
      },
      {
        query: v.object({
          portal: v.optional(Portal),
          shared: v.optional(v.picklist(['true', 'false'])),
          language: v.optional(Language),
          status: v.optional(Status),
          category: v.optional(Id),
          limit: v.optional(
            v.pipe(v.string(), v.toNumber(), v.integer(), v.minValue(1), v.maxValue(200)),
          ),
          offset: v.optional(
            v.pipe(v.string(), v.toNumber(), v.integer(), v.minValue(0), v.maxValue(100_000)),
          ),
        }),
        detail: doc({
          summary: 'List help-center articles',
          tag: 'help',
          description:
            'Newest change first, without bodies; drafts and archived ones too (filter by ' +
            '`status`). `portal` narrows to an inbox (and the shared ones unless ' +
            '`shared=false`) or to `shared`.',
          access: 'operator',
          ok: HelpArticleListShape,
        }),
      },
    )
    .post(
      '/articles',
      async ({ headers, body, set }) => {
        const op = await operatorOf(ctx, headers)
        let source: HelpArticleRecord | undefined
        let inboxId: string | null
        if (body.translationOf !== undefined) {
          source = await readableArticle(op, body.translationOf)
          inboxId = source.inboxId
        } else {
          if (body.portal === undefined) {
            throw new ParleyError('validation_failed', 'portal or translationOf is required')
          }
          inboxId = portalOf(body.portal)
          await portalInbox(op, inboxId)
        }
        refuseWrite(op, inboxId, 'articles')
        const categoryId =
          body.categoryId !== undefined
            ? await categoryFor(op, inboxId, body.categoryId)
            : source?.categoryId
        const article = await help.create(op.id, {
          inboxId,
          language: body.language,
          title: body.title,
          body: body.body,
          slug: body.slug,
          status: body.status,
          categoryId,
          translationOf: source,
        })
        set.status = 201
        return view(article)
      },
      {
        body: v.strictObject({
          portal: v.optional(Portal),
          translationOf: v.optional(Id),
          language: Language,
          title: Title,
          body: Body,
          slug: v.optional(Slug),
          categoryId: v.optional(v.nullable(Id)),
          status: v.optional(Status),
        }),
        detail: doc({
          summary: 'Write a help-center article',
          tag: 'help',
          description:
            'In a `portal` (an inbox id, or `shared`), or as a translation of another article ' +
            '(`translationOf`: one per language, 409 for a second). Body: Markdown. The slug is ' +
            'made from the title when absent; a slug any article has or had is 409.',
          access: 'elevated',
          ok: HelpArticleViewShape,
          status: 201,
          okDescription: 'Written (revision 1).',
          errors: [409],
        }),
      },
    )
    .get(
      '/articles/:id',
      async ({ headers, params }) => {
        const op = await operatorOf(ctx, headers)
        return view(await readableArticle(op, params.id))
      },
      {
        params: v.object({ id: Id }),
        detail: doc({
          summary: 'Read a help-center article',
          tag: 'help',
          description: 'With its translations and, once published, its public address.',
          access: 'operator',
          ok: HelpArticleViewShape,
        }),
      },
    )
    .patch(
      '/articles/:id',
      async ({ headers, params, body }) => {
        const op = await operatorOf(ctx, headers)
        const a = await writableArticle(op, params.id)
        const { fromRevision, autosave, ...change } = body
        if (change.categoryId !== undefined) {
          change.categoryId = await categoryFor(op, a.inboxId, change.categoryId)
        }
        const saved = await help.save(op.id, a, fromRevision, change, { autosave })
        return view(saved)
      },
      {
        params: v.object({ id: Id }),
        body: v.pipe(
          v.strictObject({
            fromRevision: v.pipe(v.number(), v.integer(), v.minValue(1)),
            autosave: v.optional(v.boolean()),
            title: v.optional(Title),
            body: v.optional(Body),
            slug: v.optional(Slug),
            categoryId: v.optional(v.nullable(Id)),
            status: v.optional(Status),
          }),
          v.check(
            (patch) => Object.keys(patch).some((k) => k !== 'fromRevision' && k !== 'autosave'),
            'nothing to change',
          ),
        ),
        detail: doc({
          summary: 'Change a help-center article',
          tag: 'help',
          description:
            'Made from `fromRevision` (409 when the article changed since). Each save is a ' +
            'revision; an `autosave` by the same author within 10 minutes amends the latest ' +
            'one instead. A new slug keeps the old one redirecting.',
          access: 'elevated',
          ok: HelpArticleViewShape,
          errors: [409],
        }),
      },
    )
    .delete(
      '/articles/:id',
      async ({ headers, params }) => {
        const op = await operatorOf(ctx, headers)
        const a = await writableArticle(op, params.id)
        if (!(await ctx.store.help.deleteArticle(a.id))) {
          throw new ParleyError('not_found', 'article not found')
        }
        return { ok: true as const }
      },
      {
        params: v.object({ id: Id }),
        detail: doc({
          summary: 'Delete a help-center article',
          tag: 'help',
          description: 'With its revisions, slugs and feedback. Archive it to keep them.',
          access: 'elevated',
          ok: OkShape,
        }),
      },
    )
    .get(
      '/articles/:id/revisions',
      async ({ headers, params }) => {
        const op = await operatorOf(ctx, headers)
        const a = await readableArticle(op, params.id)
        return { revisions: await ctx.store.help.revisions(a.id) }
      },
      {
        params: v.object({ id: Id }),
        detail: doc({
          summary: "An article's revisions",
          tag: 'help',
          description: 'Newest first: who saved what, when.',
          access: 'operator',
          ok: HelpRevisionListShape,
        }),
      },
    )
    .post(
      '/articles/:id/revisions/:revision/restore',
      async ({ headers, params, body }) => {
        const op = await operatorOf(ctx, headers)
        const a = await writableArticle(op, params.id)
        if (body.fromRevision !== a.revision) {
          throw new ParleyError(
            'conflict',
            'the article changed since it was opened; reload it to see the other change',
          )
        }
        return view(await help.restore(op.id, a, params.revision))
      },
      {
        params: v.object({
          id: Id,
          revision: v.pipe(v.string(), v.toNumber(), v.integer(), v.minValue(1)),
        }),
        body: v.strictObject({ fromRevision: v.pipe(v.number(), v.integer(), v.minValue(1)) }),
        detail: doc({
          summary: 'Restore a revision',
          tag: 'help',
          description:
            "A new revision with the old one's title, body, slug and category; the status stays.",
          access: 'elevated',
          ok: HelpArticleViewShape,
          errors: [409],
        }),
      },
    )
    .get(
      '/search',
      async ({ headers, query }) => {
        const op = await operatorOf(ctx, headers)
        const inboxId = portalOf(query.portal)
        await portalInbox(op, inboxId)
        const result = await help.search({
          inboxId,
          language: query.language,
          query: query.q,
          limit: query.limit ?? 10,
        })
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
          portal: Portal,
          language: Language,
          q: queryText('q', MAX_HELP_QUERY),
          limit: v.optional(
            v.pipe(v.string(), v.toNumber(), v.integer(), v.minValue(1), v.maxValue(50)),
          ),
        }),
        detail: doc({
          summary: 'Search published articles',
          tag: 'help',
          description:
            "The portal's published articles (and the shared ones) in a language, best first, " +
            'with their public addresses: what the composer links in a reply.',
          access: 'operator',
          ok: HelpSearchShape,
        }),
      },
    )
    .get(
      '/figures',
      async ({ headers, query }) => {
        const op = await operatorOf(ctx, headers)
        if (op.role !== 'admin' && op.role !== 'supervisor') {
          throw new ParleyError('forbidden', 'supervisors and admins only')
        }
        const { inboxIds } = await scopeOf(op, query.portal)
        const to = query.to ?? ctx.clock.now()
        const from = query.from ?? to - 30 * 86_400_000
        if (from >= to) throw new ParleyError('validation_failed', 'from must be before to')
        const figures = await ctx.store.help.figures({ inboxIds, from, to })
        return { from, to, ...figures }
      },
      {
        query: v.object({
          portal: v.optional(Portal),
          from: v.optional(v.pipe(v.string(), v.toNumber(), v.integer(), v.minValue(0))),
          to: v.optional(v.pipe(v.string(), v.toNumber(), v.integer(), v.minValue(1))),
        }),
        detail: doc({
          summary: "The help center's figures",
          tag: 'help',
          description:
            'Views, searches, searches that found nothing (and their commonest queries), the ' +
            'most read articles, votes, and deflection: known visitors who searched or read, ' +
            'and how many of them started a conversation within a day. Default: the last 30 days.',
          access: 'elevated',
          ok: HelpFiguresShape,
        }),
      },
    )
    .post(
      '/preview',
      async ({ headers, body }) => {
        const op = await operatorOf(ctx, headers)
        if (op.role !== 'admin' && op.role !== 'supervisor') {
          throw new ParleyError(
            'forbidden',
            'only admins and supervisors write help-center articles',
          )
        }
        const rendered = renderArticle(body.body, { image: articleImage, language: body.language })
        return { html: rendered.html, headings: rendered.headings }
      },
      {
        body: v.strictObject({ language: Language, body: Body }),
        detail: doc({
          summary: "Preview an article's body",
          tag: 'help',
          description:
            'The Markdown as the public site renders it (safe HTML and the headings of its table ' +
            'of contents): what the editor shows beside the text. Nothing is stored.',
          access: 'elevated',
          ok: HelpPreviewShape,
        }),
      },
    )
}
