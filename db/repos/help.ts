/**
 * The help center's store (issue 21) over both dialects. Articles, their slugs (current and
 * former, one key space per language) and revisions change together in one transaction; a
 * save is guarded by the revision it was made from, so two editors (or two tabs autosaving)
 * cannot overwrite each other unseen. Search ranks with each dialect's own index (FTS5 bm25 on
 * SQLite, ts_rank on Postgres; see the help_search migrations) over the stems the server
 * computed, so both find the same articles.
 */
import {
  and,
  asc,
  count,
  desc,
  eq,
  gte,
  inArray,
  isNull,
  lt,
  or,
  sql,
  type Column,
  type SQL,
} from 'drizzle-orm'
import type {
  HelpArticleFilter,
  HelpArticleRecord,
  HelpArticleSave,
  HelpEventRecord,
  HelpFigures,
  HelpImageRecord,
  HelpStore,
} from '../../actors/ports.ts'
import type { HelpCategory, HelpLanguage, HelpRevision } from '../../protocol/help.ts'
import { ParleyError } from '../../protocol/index.ts'
import { insertStep, queryStep, type SqlDialect, type Step } from '../sql/dialect.ts'
import {
  field,
  insertInto,
  param,
  rawQuery,
  remove,
  selectFields,
  selectRows,
  update,
  updateRows,
} from '../sql/statements.ts'
import type { Rows } from '../sql/tables.ts'
import { asConflict } from './conflicts.ts'

const SLUG_TAKEN = 'this slug is taken by another article (now or formerly)'
const CATEGORY_SLUG_TAKEN = 'a category with this slug already exists'
const TRANSLATION_TAKEN = 'this article already has a translation in this language'

/**
 * The indexed document on Postgres: the stored column db/migrations/postgres/0050 adds (the
 * title's stems weighing A, the body's B), under the GIN index help_articles_search_idx.
 */
const PG_DOC = sql.raw('a."search_doc"')
/** The most matches Postgres ranks for one query (see searchTerms). */
const PG_RANKED = 1000

function toArticle(row: Rows['helpArticles']): HelpArticleRecord {
  return { ...row }
}

function toRevision(row: Rows['helpRevisions']): HelpRevision {
  return { ...row }
}

/** A stem as FTS5 and tsquery read it: quoted, so nothing in it is syntax. */
function ftsTerm(text: string, prefix: boolean): string {
  return `"${text.replaceAll('"', '""')}"${prefix ? '*' : ''}`
}

function tsTerm(text: string, prefix: boolean): string {
  return `'${text.replaceAll('\\', '\\\\').replaceAll("'", "''")}'${prefix ? ':*' : ''}`
}

export class SqlHelpStore implements HelpStore {
  readonly #insertCategory = insertInto('helpCategories')
  readonly #insertArticle = insertInto('helpArticles')
  readonly #insertSlug = insertInto('helpSlugs')
  readonly #insertRevision = insertInto('helpRevisions')
  readonly #insertFeedback = insertInto('helpFeedback')
  readonly #insertEvent = insertInto('helpEvents')
  readonly #insertImage = insertInto('helpImages')
  readonly #category
  readonly #categoryBySlug
  readonly #article
  readonly #group
  readonly #revisions
  readonly #revision
  readonly #slug

  constructor(private readonly db: SqlDialect) {
    const { helpCategories: c, helpArticles: a, helpRevisions: r, helpSlugs: s } = db.tables
    this.#category = selectRows('helpCategories', { where: eq(c.id, param('id')) })
    this.#categoryBySlug = selectRows('helpCategories', { where: eq(c.slug, param('slug')) })
    this.#article = selectRows('helpArticles', { where: eq(a.id, param('id')) })
    this.#group = selectRows('helpArticles', {
      where: eq(a.groupId, param('groupId')),
      orderBy: [asc(a.language)],
    })
    this.#revisions = selectRows('helpRevisions', {
      where: eq(r.articleId, param('articleId')),
      orderBy: [desc(r.revision)],
    })
    this.#revision = selectRows('helpRevisions', {
      where: and(eq(r.articleId, param('articleId')), eq(r.revision, param('revision'))),
    })
    this.#slug = selectFields(
      { articleId: field(s.articleId), current: field(s.current) },
      'helpSlugs',
      { where: and(eq(s.language, param('language')), eq(s.slug, param('slug'))) },
    )
  }

  /** The portal condition: these inboxes' rows (null: all), and the shared ones when asked. */
  #portal(column: Column, inboxIds: readonly string[] | null, shared: boolean): SQL | undefined {
    const own =
      inboxIds === null
        ? sql`${column} is not null`
        : inboxIds.length > 0
          ? inArray(column, [...inboxIds])
          : undefined
    if (shared) return own ? or(own, isNull(column)) : isNull(column)
    return own ?? sql`1 = 0`
  }

  async categories(inboxIds: readonly string[] | null, shared: boolean): Promise<HelpCategory[]> {
    const c = this.db.tables.helpCategories
    return this.db.all(
      selectRows('helpCategories', {
        where: this.#portal(c.inboxId, inboxIds, shared),
        orderBy: [asc(c.position), asc(c.createdAt), asc(c.id)],
      }),
    )
  }

  async category(id: string): Promise<HelpCategory | null> {
    const [row] = await this.db.all(this.#category, { id })
    return row ?? null
  }

  async categoryBySlug(slug: string): Promise<HelpCategory | null> {
    const [row] = await this.db.all(this.#categoryBySlug, { slug })
    return row ?? null
  }

  async createCategory(category: HelpCategory, max: number): Promise<void> {
    const { helpCategories: c, inboxes: i } = this.db.tables
    const steps: Step[] = []
    if (category.inboxId !== null) {
      // The inbox row, for update: concurrent creates in one portal take turns on the count.
      steps.push(
        queryStep(
          selectFields({ id: field(i.id) }, 'inboxes', {
            where: eq(i.id, category.inboxId),
            forUpdate: true,
          }),
          {},
          (rows) => {
            if (rows.length === 0) throw new ParleyError('not_found', 'inbox not found')
          },
        ),
      )
    }
    const inPortal = category.inboxId === null ? isNull(c.inboxId) : eq(c.inboxId, category.inboxId)
    steps.push(
      queryStep(selectFields({ n: count() }, 'helpCategories', { where: inPortal }), {}, (rows) => {
        if ((rows[0]?.n ?? 0) >= max) {
          throw new ParleyError('validation_failed', `at most ${max} categories per help center`)
        }
      }),
      ...insertStep(this.#insertCategory, [category]),
    )
    try {
      await this.db.transaction(steps)
    } catch (error) {
      throw asConflict(this.db, error, CATEGORY_SLUG_TAKEN)
    }
  }

  async updateCategory(
    id: string,
    patch: Partial<Pick<HelpCategory, 'slug' | 'names' | 'descriptions' | 'position'>> & {
      updatedAt: number
    },
  ): Promise<HelpCategory | null> {
    const c = this.db.tables.helpCategories
    try {
      const [row] = await this.db.all(updateRows('helpCategories', { ...patch }, eq(c.id, id)))
      return row ?? null
    } catch (error) {
      throw asConflict(this.db, error, CATEGORY_SLUG_TAKEN)
    }
  }

  async deleteCategory(id: string): Promise<boolean> {
    const c = this.db.tables.helpCategories
    const gone = await this.db.all(remove('helpCategories', eq(c.id, id), { id: field(c.id) }))
    return gone.length > 0
  }

  async article(id: string): Promise<HelpArticleRecord | null> {
    const [row] = await this.db.all(this.#article, { id })
    return row ? toArticle(row) : null
  }

  async translations(groupId: string): Promise<HelpArticleRecord[]> {
    return (await this.db.all(this.#group, { groupId })).map(toArticle)
  }

  async articles(
    filter: HelpArticleFilter,
  ): Promise<{ articles: HelpArticleRecord[]; total: number }> {
    const a = this.db.tables.helpArticles
    const where = and(
      this.#portal(a.inboxId, filter.inboxIds, filter.shared),
      filter.language ? eq(a.language, filter.language) : undefined,
      filter.status ? eq(a.status, filter.status) : undefined,
      filter.categoryId ? eq(a.categoryId, filter.categoryId) : undefined,
    )
    const [rows, total] = await Promise.all([
      this.db.all(
        selectRows('helpArticles', {
          where,
          orderBy: [desc(a.updatedAt), asc(a.id)],
          limit: filter.limit,
          offset: filter.offset,
        }),
      ),
      this.db.all(selectFields({ n: count() }, 'helpArticles', { where })),
    ])
    return { articles: rows.map(toArticle), total: Number(total[0]?.n ?? 0) }
  }

  async createArticle(article: HelpArticleRecord): Promise<void> {
    // The article, then its slug (whose key says whether any article has or had it), then
    // its first revision.
    const steps: Step[] = [
      ...insertStep(this.#insertArticle, [article]),
      ...insertStep(this.#insertSlug, [
        {
          language: article.language,
          slug: article.slug,
          articleId: article.id,
          current: true,
          createdAt: article.createdAt,
        },
      ]),
      ...insertStep(this.#insertRevision, [this.#revisionRow(article)]),
    ]
    try {
      await this.db.transaction(steps)
    } catch (error) {
      throw await this.#conflict(error, article)
    }
  }

  /** Which key a failed write took: the slug's, or the translation's language. */
  async #conflict(error: unknown, article: HelpArticleRecord): Promise<unknown> {
    if (this.db.classify(error) !== 'unique_violation') return error
    const owner = await this.slug(article.language, article.slug)
    return asConflict(
      this.db,
      error,
      owner && owner.articleId !== article.id ? SLUG_TAKEN : TRANSLATION_TAKEN,
    )
  }

  #revisionRow(article: HelpArticleRecord): Rows['helpRevisions'] {
    return {
      articleId: article.id,
      revision: article.revision,
      title: article.title,
      body: article.body,
      slug: article.slug,
      categoryId: article.categoryId,
      status: article.status,
      authorId: article.updatedBy,
      createdAt: article.updatedAt,
    }
  }

  async saveArticle(save: HelpArticleSave, maxRevisions: number): Promise<void> {
    const { helpArticles: a, helpSlugs: s, helpRevisions: r } = this.db.tables
    const next = save.article
    const { id, language } = next
    const steps: Step[] = [
      // The guard: the article is still at the revision the change was made from.
      queryStep(
        update(
          'helpArticles',
          {
            categoryId: next.categoryId,
            slug: next.slug,
            title: next.title,
            body: next.body,
            status: next.status,
            updatedBy: next.updatedBy,
            updatedAt: next.updatedAt,
            publishedAt: next.publishedAt,
            revision: next.revision,
            titleTerms: next.titleTerms,
            bodyTerms: next.bodyTerms,
          },
          and(eq(a.id, id), eq(a.revision, save.fromRevision)),
          { id: field(a.id) },
        ),
        {},
        (rows) => {
          if (rows.length === 0) {
            throw new ParleyError(
              'conflict',
              'the article changed since it was opened; reload it to see the other change',
            )
          }
        },
      ),
    ]
    if (save.formerSlug !== null && save.formerSlug !== next.slug) {
      steps.push(
        // The old slug stays the article's, redirecting; a former slug of its own it takes
        // back is made current again (its row goes, then comes back current).
        queryStep(
          update('helpSlugs', { current: false }, and(eq(s.articleId, id), eq(s.current, true)), {
            slug: field(s.slug),
          }),
          {},
        ),
        queryStep(
          remove(
            'helpSlugs',
            and(eq(s.language, language), eq(s.slug, next.slug), eq(s.articleId, id)),
            { slug: field(s.slug) },
          ),
          {},
        ),
        ...insertStep(this.#insertSlug, [
          { language, slug: next.slug, articleId: id, current: true, createdAt: next.updatedAt },
        ]),
      )
    }
    if (save.amend) {
      steps.push(
        queryStep(
          update(
            'helpRevisions',
            {
              title: next.title,
              body: next.body,
              slug: next.slug,
              categoryId: next.categoryId,
              status: next.status,
              createdAt: next.updatedAt,
            },
            and(eq(r.articleId, id), eq(r.revision, next.revision)),
            { revision: field(r.revision) },
          ),
          {},
        ),
      )
    } else {
      steps.push(...insertStep(this.#insertRevision, [this.#revisionRow(next)]))
      // The oldest beyond the limit go; the first (the original) stays.
      steps.push(
        queryStep(
          remove(
            'helpRevisions',
            and(
              eq(r.articleId, id),
              sql`${r.revision} > 1`,
              lt(r.revision, next.revision - maxRevisions + 2),
            ),
            { revision: field(r.revision) },
          ),
          {},
        ),
      )
    }
    try {
      await this.db.transaction(steps)
    } catch (error) {
      throw await this.#conflict(error, next)
    }
  }

  async deleteArticle(id: string): Promise<boolean> {
    const a = this.db.tables.helpArticles
    const gone = await this.db.all(remove('helpArticles', eq(a.id, id), { id: field(a.id) }))
    return gone.length > 0
  }

  async revisions(articleId: string): Promise<HelpRevision[]> {
    return (await this.db.all(this.#revisions, { articleId })).map(toRevision)
  }

  async revision(articleId: string, revision: number): Promise<HelpRevision | null> {
    const [row] = await this.db.all(this.#revision, { articleId, revision })
    return row ? toRevision(row) : null
  }

  async slug(
    language: HelpLanguage,
    slug: string,
  ): Promise<{ articleId: string; current: boolean } | null> {
    const [row] = await this.db.all(this.#slug, { language, slug })
    return row ?? null
  }

  async searchTerms(opts: {
    inboxId: string | null
    language: HelpLanguage
    terms: ReadonlyArray<{ text: string; prefix: boolean }>
    alternatives?: ReadonlyArray<readonly string[]>
    match?: 'all' | 'any'
    limit: number
  }): Promise<Array<{ id: string; relevance: number }>> {
    const any = opts.match === 'any'
    const groups: Array<Array<{ text: string; prefix: boolean }>> = [
      ...opts.terms.map((t) => [t]),
      ...(opts.alternatives ?? []).map((alts) => alts.map((text) => ({ text, prefix: false }))),
    ].filter((g) => g.length > 0)
    if (groups.length === 0) return []
    const portal =
      opts.inboxId === null
        ? sql`a."inbox_id" is null`
        : sql`(a."inbox_id" = ${opts.inboxId} or a."inbox_id" is null)`
    const limit = Math.max(1, Math.min(200, Math.floor(opts.limit)))
    let statement: SQL
    if (this.db.name === 'sqlite') {
      const match = groups
        .map((g) => `(${g.map((t) => ftsTerm(t.text, t.prefix)).join(' OR ')})`)
        .join(any ? ' OR ' : ' AND ')
      // bm25 is lower for better matches; the title's terms weigh four times the body's.
      statement = sql`select a."id" as id, -bm25(help_search, 4.0, 1.0) as relevance
        from help_search join help_articles a on a.rowid = help_search.rowid
        where help_search match ${match} and a."status" = 'published'
          and a."language" = ${opts.language} and ${portal}
        order by bm25(help_search, 4.0, 1.0) limit ${limit}`
    } else {
      const query = groups
        .map((g) => `(${g.map((t) => tsTerm(t.text, t.prefix)).join(' | ')})`)
        .join(any ? ' | ' : ' & ')
      // ts_rank reads each match's whole document (~10 us an article): a word in thousands of
      // articles ranks the first PG_RANKED the index yields, newest first (ids are UUIDv7).
      statement = sql`select m.id, ts_rank(m.doc, to_tsquery('simple', ${query})) as relevance
        from (select a."id" as id, ${PG_DOC} as doc from help_articles a
          where ${PG_DOC} @@ to_tsquery('simple', ${query}) and a."status" = 'published'
            and a."language" = ${opts.language} and ${portal}
          order by a."id" desc limit ${PG_RANKED}) m
        order by relevance desc, m.id limit ${limit}`
    }
    const rows = await this.db.all(rawQuery<{ id: string; relevance: number | string }>(statement))
    return rows.map((r) => ({ id: String(r.id), relevance: Number(r.relevance) }))
  }

  async recentVotes(
    articleIds: readonly string[],
    since: number,
  ): Promise<Map<string, { helpful: number; notHelpful: number }>> {
    const votes = new Map<string, { helpful: number; notHelpful: number }>()
    if (articleIds.length === 0) return votes
    const f = this.db.tables.helpFeedback
    const rows = await this.db.all(
      selectFields(
        { articleId: field(f.articleId), helpful: field(f.helpful), n: count() },
        'helpFeedback',
        {
          where: and(inArray(f.articleId, [...articleIds]), gte(f.createdAt, since)),
          groupBy: [field(f.articleId), field(f.helpful)],
        },
      ),
    )
    for (const row of rows) {
      const v = votes.get(row.articleId) ?? { helpful: 0, notHelpful: 0 }
      if (row.helpful) v.helpful += Number(row.n)
      else v.notHelpful += Number(row.n)
      votes.set(row.articleId, v)
    }
    return votes
  }

  async vocabulary(): Promise<string[]> {
    // SQLite: the index's own term list (fts5vocab). Postgres: ts_stat over the published
    // articles' documents (a scan, run only when an article changed: the caller caches it).
    const statement =
      this.db.name === 'sqlite'
        ? sql`select term from help_search_vocab`
        : sql.raw(
            `select word as term from ts_stat(` +
              `$q$select search_doc from help_articles where status = 'published'$q$)`,
          )
    const rows = await this.db.all(rawQuery<{ term: string }>(statement))
    return rows.map((r) => String(r.term))
  }

  async hasPublished(inboxId: string): Promise<boolean> {
    const a = this.db.tables.helpArticles
    const rows = await this.db.all(
      selectFields({ id: field(a.id) }, 'helpArticles', {
        where: and(or(eq(a.inboxId, inboxId), isNull(a.inboxId)), eq(a.status, 'published')),
        limit: 1,
      }),
    )
    return rows.length > 0
  }

  async version(): Promise<string> {
    const a = this.db.tables.helpArticles
    const [row] = await this.db.all(
      selectFields({ n: count(), latest: sql<number | null>`max(${a.updatedAt})` }, 'helpArticles'),
    )
    return `${Number(row?.n ?? 0)}:${Number(row?.latest ?? 0)}`
  }

  async addFeedback(feedback: {
    id: string
    articleId: string
    helpful: boolean
    comment: string | null
    visitorId: string | null
    createdAt: number
  }): Promise<boolean> {
    const a = this.db.tables.helpArticles
    let found = true
    await this.db
      .transaction([
        queryStep(
          update(
            'helpArticles',
            feedback.helpful
              ? { helpful: sql`${a.helpful} + 1` }
              : { notHelpful: sql`${a.notHelpful} + 1` },
            eq(a.id, feedback.articleId),
            { id: field(a.id) },
          ),
          {},
          (rows) => {
            if (rows.length === 0) {
              found = false
              throw new ParleyError('not_found', 'article not found')
            }
          },
        ),
        ...insertStep(this.#insertFeedback, [feedback]),
      ])
      .catch((error: unknown) => {
        if (!found) return
        throw error
      })
    return found
  }

  async addImage(image: HelpImageRecord): Promise<void> {
    await this.db.transaction([...insertStep(this.#insertImage, [image])])
  }

  async images(ids: readonly string[]): Promise<HelpImageRecord[]> {
    if (ids.length === 0) return []
    const i = this.db.tables.helpImages
    return this.db.all(selectRows('helpImages', { where: inArray(i.id, [...ids]) }))
  }

  async markImagesUsed(ids: readonly string[], at: number): Promise<void> {
    if (ids.length === 0) return
    const i = this.db.tables.helpImages
    await this.db.all(
      updateRows('helpImages', { usedAt: at }, and(inArray(i.id, [...ids]), isNull(i.usedAt))),
    )
  }

  async unusedImages(before: number, limit: number): Promise<HelpImageRecord[]> {
    const i = this.db.tables.helpImages
    // help_images_unused_idx: `used_at is null and created_at < ?` in created_at order.
    return this.db.all(
      selectRows('helpImages', {
        where: and(isNull(i.usedAt), lt(i.createdAt, before)),
        orderBy: [asc(i.usedAt), asc(i.createdAt)],
        limit,
      }),
    )
  }

  async deleteUnusedImage(id: string): Promise<boolean> {
    const i = this.db.tables.helpImages
    const gone = await this.db.all(
      remove('helpImages', and(eq(i.id, id), isNull(i.usedAt)), { id: field(i.id) }),
    )
    return gone.length > 0
  }

  async addEvents(events: ReadonlyArray<HelpEventRecord>): Promise<void> {
    if (events.length === 0) return
    const a = this.db.tables.helpArticles
    const views = new Map<string, number>()
    for (const e of events) {
      if (e.kind === 'view' && e.articleId)
        views.set(e.articleId, (views.get(e.articleId) ?? 0) + 1)
    }
    await this.db.transaction([
      ...insertStep(this.#insertEvent, [...events]),
      ...[...views].map(([id, n]) =>
        queryStep(
          update('helpArticles', { views: sql`${a.views} + ${n}` }, eq(a.id, id), {
            id: field(a.id),
          }),
          {},
        ),
      ),
    ])
  }

  async figures(opts: {
    inboxIds: readonly string[] | null
    from: number
    to: number
  }): Promise<HelpFigures> {
    const { helpEvents: e, helpArticles: a, helpFeedback: f, conversations: c } = this.db.tables
    const portal = this.#portal(
      e.inboxId,
      opts.inboxIds,
      // Every portal, or the shared one alone ([]).
      opts.inboxIds === null || opts.inboxIds.length === 0,
    )
    const period = and(portal, gte(e.at, opts.from), lt(e.at, opts.to))
    const [kinds, empty, top, votes, visitors] = await Promise.all([
      this.db.all(
        selectFields(
          {
            kind: field(e.kind),
            n: count(),
            empty: sql<number>`sum(case when ${e.results} = 0 then 1 else 0 end)`,
          },
          'helpEvents',
          { where: period, groupBy: [field(e.kind)] },
        ),
      ),
      this.db.all(
        selectFields(
          { query: field(e.query), n: count(), lastAt: sql<number>`max(${e.at})` },
          'helpEvents',
          {
            where: and(period, eq(e.kind, 'search'), eq(e.results, 0), sql`${e.query} is not null`),
            groupBy: [field(e.query)],
            orderBy: [desc(count()), desc(sql`max(${e.at})`)],
            limit: 20,
          },
        ),
      ),
      this.db.all(
        selectFields({ id: field(e.articleId), n: count() }, 'helpEvents', {
          where: and(period, eq(e.kind, 'view'), sql`${e.articleId} is not null`),
          groupBy: [field(e.articleId)],
          orderBy: [desc(count())],
          limit: 10,
        }),
      ),
      this.db.all(
        selectFields({ helpful: field(f.helpful), n: count() }, 'helpFeedback', {
          where: and(
            gte(f.createdAt, opts.from),
            lt(f.createdAt, opts.to),
            sql`${f.articleId} in (select ${a.id} from ${a} where ${this.#portal(
              a.inboxId,
              opts.inboxIds,
              opts.inboxIds === null,
            )})`,
          ),
          groupBy: [field(f.helpful)],
        }),
      ),
      // A visitor "followed" when any of their help events has a conversation of theirs
      // created within a day after it (conversations_visitor_idx).
      this.db.all(
        selectFields(
          {
            helped: sql<number>`count(distinct ${e.visitorId})`,
            followed: sql<number>`count(distinct case when exists (select 1 from ${c} where ${and(
              eq(c.visitorId, e.visitorId),
              gte(c.createdAt, e.at),
              lt(c.createdAt, sql`${e.at} + 86400000`),
            )}) then ${e.visitorId} end)`,
          },
          'helpEvents',
          { where: and(period, sql`${e.visitorId} is not null`) },
        ),
      ),
    ])
    const ids = top.map((t) => String(t.id))
    const titles = new Map<string, string>()
    if (ids.length > 0) {
      const rows = await this.db.all(
        selectFields({ id: field(a.id), title: field(a.title) }, 'helpArticles', {
          where: inArray(a.id, ids),
        }),
      )
      for (const r of rows) titles.set(r.id, r.title)
    }
    const kind = (k: string) => kinds.find((r) => r.kind === k)
    return {
      views: Number(kind('view')?.n ?? 0),
      searches: Number(kind('search')?.n ?? 0),
      emptySearches: Number(kind('search')?.empty ?? 0),
      emptyQueries: empty.map((r) => ({
        query: String(r.query),
        count: Number(r.n),
        lastAt: Number(r.lastAt),
      })),
      topArticles: top.flatMap((t) =>
        titles.has(String(t.id))
          ? [{ id: String(t.id), title: titles.get(String(t.id)) ?? '', views: Number(t.n) }]
          : [],
      ),
      helpful: Number(votes.find((v) => v.helpful)?.n ?? 0),
      notHelpful: Number(votes.find((v) => !v.helpful)?.n ?? 0),
      helpedVisitors: Number(visitors[0]?.helped ?? 0),
      followedByConversation: Number(visitors[0]?.followed ?? 0),
    }
  }
}
