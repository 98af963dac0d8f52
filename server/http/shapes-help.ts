/**
 * Documented answer shapes of the help center's API (issue 21), tied to the types the handlers
 * return (`shape<Real>()`): a field added there fails the type check until it is documented.
 */
import * as v from 'valibot'
import type { HelpFigures } from '../../actors/index.ts'
import {
  ARTICLE_STATUSES,
  HELP_LANGUAGES,
  type HelpArticle,
  type HelpCategory,
  type HelpHit,
  type HelpRevision,
} from '../../protocol/help.ts'
import { Int, Millis, shape } from './shapes-common.ts'

const Language = v.picklist(HELP_LANGUAGES)
const Status = v.picklist(ARTICLE_STATUSES)
const PerLanguage = v.object({ en: v.optional(v.string()), ru: v.optional(v.string()) })

export const HelpCategoryShape = shape<HelpCategory>()(
  v.object({
    id: v.string(),
    inboxId: v.nullable(v.string()),
    slug: v.string(),
    names: PerLanguage,
    descriptions: PerLanguage,
    position: Int,
    createdAt: Millis,
    updatedAt: Millis,
  }),
)
export const HelpCategoryListShape = v.object({ categories: v.array(HelpCategoryShape) })

export const HelpArticleShape = shape<HelpArticle>()(
  v.object({
    id: v.string(),
    groupId: v.string(),
    inboxId: v.nullable(v.string()),
    categoryId: v.nullable(v.string()),
    language: Language,
    slug: v.string(),
    title: v.string(),
    body: v.string(),
    status: Status,
    authorId: v.nullable(v.string()),
    updatedBy: v.nullable(v.string()),
    createdAt: Millis,
    updatedAt: Millis,
    publishedAt: v.nullable(Millis),
    revision: Int,
    views: Int,
    helpful: Int,
    notHelpful: Int,
  }),
)

/** An article with its translations (id, language, slug, title, status each) and public URL. */
export const HelpArticleViewShape = v.object({
  ...HelpArticleShape.entries,
  translations: v.array(
    v.object({
      id: v.string(),
      language: Language,
      slug: v.string(),
      title: v.string(),
      status: Status,
    }),
  ),
  url: v.nullable(v.string()),
})

export const HelpArticleListShape = v.object({
  articles: v.array(v.omit(HelpArticleShape, ['body'])),
  total: Int,
})

export const HelpRevisionShape = shape<HelpRevision>()(
  v.object({
    articleId: v.string(),
    revision: Int,
    title: v.string(),
    body: v.string(),
    slug: v.string(),
    categoryId: v.nullable(v.string()),
    status: Status,
    authorId: v.nullable(v.string()),
    createdAt: Millis,
  }),
)
export const HelpRevisionListShape = v.object({ revisions: v.array(HelpRevisionShape) })

export const HelpHitShape = shape<HelpHit>()(
  v.object({
    id: v.string(),
    slug: v.string(),
    language: Language,
    title: v.string(),
    snippet: v.string(),
    categoryId: v.nullable(v.string()),
    score: v.number(),
  }),
)
export const HelpSearchShape = v.object({
  hits: v.array(v.object({ ...HelpHitShape.entries, url: v.string() })),
  corrected: v.nullable(v.string()),
})

/** An article as the widget reads it: safe HTML. */
export const HelpReadShape = v.object({
  id: v.string(),
  slug: v.string(),
  title: v.string(),
  html: v.string(),
  updatedAt: Millis,
  url: v.string(),
})

export const HelpFiguresShape = v.object({
  from: Millis,
  to: Millis,
  ...shape<HelpFigures>()(
    v.object({
      views: Int,
      searches: Int,
      emptySearches: Int,
      emptyQueries: v.array(v.object({ query: v.string(), count: Int, lastAt: Millis })),
      topArticles: v.array(v.object({ id: v.string(), title: v.string(), views: Int })),
      helpful: Int,
      notHelpful: Int,
      helpedVisitors: Int,
      followedByConversation: Int,
    }),
  ).entries,
})

export const HelpPreviewShape = v.object({
  html: v.string(),
  headings: v.array(
    v.object({ id: v.string(), level: v.picklist([2, 3, 4] as const), text: v.string() }),
  ),
})

export const HelpImageShape = v.object({
  image: v.object({
    id: v.string(),
    inboxId: v.nullable(v.string()),
    name: v.string(),
    contentType: v.string(),
    size: v.number(),
    width: v.nullable(v.number()),
    height: v.nullable(v.number()),
    url: v.string(),
    createdAt: v.number(),
  }),
})
