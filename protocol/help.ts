/**
 * Help center (issue 21, H1): articles written in the panel, read on the public site (`/help`)
 * and in the widget, searched in both.
 *
 * An article is one language's text; translations of one article share a `groupId`. Each
 * article belongs to a portal: an inbox (`inboxId`), or every inbox's portal (`inboxId` null,
 * shared). A category is a portal's too, with a name per language and an order. Slugs are unique
 * per language across the install (current and former ones): a former slug redirects to the
 * article's current one, so links never break.
 *
 * Not exported from protocol/index.ts: valibot schemas stay out of the client bundles.
 */
import * as v from 'valibot'
import { wireString } from './strings.ts'

export const HELP_LANGUAGES = ['en', 'ru'] as const
export type HelpLanguage = (typeof HELP_LANGUAGES)[number]

export const ARTICLE_STATUSES = ['draft', 'published', 'archived'] as const
export type ArticleStatus = (typeof ARTICLE_STATUSES)[number]

/** The longest article body, in characters (about 60 printed pages). */
export const MAX_ARTICLE_BODY = 100_000
/** The longest article title and category name. */
export const MAX_ARTICLE_TITLE = 200
/** The longest slug. */
export const MAX_SLUG = 100
/** The longest category description. */
export const MAX_CATEGORY_DESCRIPTION = 500
/** The most categories one portal has. */
export const MAX_PORTAL_CATEGORIES = 100
/** The longest search query, in characters; longer ones are refused. */
export const MAX_HELP_QUERY = 200
/** The most words of a search query that count; the rest are ignored. */
export const MAX_HELP_QUERY_WORDS = 12
/** The longest feedback comment. */
export const MAX_FEEDBACK_COMMENT = 1000
/** Revisions kept per article (the oldest beyond are dropped; the first is always kept). */
export const MAX_ARTICLE_REVISIONS = 200

/** A slug: lower-case letters of any script, digits and single hyphens between them. */
export const Slug = v.pipe(
  wireString('slug'),
  v.trim(),
  v.toLowerCase(),
  v.maxLength(MAX_SLUG, `the slug is longer than ${MAX_SLUG} characters`),
  v.regex(
    /^[\p{Ll}\p{Lo}\p{N}]+(?:-[\p{Ll}\p{Lo}\p{N}]+)*$/u,
    'use letters, digits and single hyphens between them',
  ),
)

/** A slug made from a title: `How do I pay?` -> `how-do-i-pay`; '' when nothing is left. */
export function slugify(title: string): string {
  return title
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, MAX_SLUG)
    .replace(/-+$/, '')
}

/** An article as the panel edits it. */
export interface HelpArticle {
  id: string
  /** Shared by the translations of one article (the first one's id). */
  groupId: string
  /** The portal: an inbox, or null for every inbox's. */
  inboxId: string | null
  categoryId: string | null
  language: HelpLanguage
  slug: string
  title: string
  /** Markdown: the messages' safe subset plus headings, images and code blocks. */
  body: string
  status: ArticleStatus
  authorId: string | null
  updatedBy: string | null
  createdAt: number
  updatedAt: number
  /** When it was first published; null while it never was. */
  publishedAt: number | null
  /** The latest revision's number (1 for a new article). */
  revision: number
  views: number
  helpful: number
  notHelpful: number
}

/** One saved state of an article, for its history and restore. */
export interface HelpRevision {
  articleId: string
  revision: number
  title: string
  body: string
  slug: string
  categoryId: string | null
  status: ArticleStatus
  /** Who saved it. */
  authorId: string | null
  createdAt: number
}

export interface HelpCategory {
  id: string
  inboxId: string | null
  slug: string
  /** Per language; a language without a name shows the other one's. */
  names: Partial<Record<HelpLanguage, string>>
  descriptions: Partial<Record<HelpLanguage, string>>
  position: number
  createdAt: number
  updatedAt: number
}

/** A search result: a published article, ranked. */
export interface HelpHit {
  id: string
  slug: string
  language: HelpLanguage
  title: string
  /** A short plain-text excerpt around the matched words. */
  snippet: string
  categoryId: string | null
  score: number
}

/** The largest image an article may show, in bytes. */
export const MAX_HELP_IMAGE_BYTES = 10 * 1024 * 1024
/** The most images one article may show. */
export const MAX_ARTICLE_IMAGES = 100
/** The types an article's image may have (re-encoded without metadata on upload). */
export const HELP_IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/webp', 'image/gif'] as const

/**
 * An image uploaded for a portal's articles, stored with the attachments' bytes. Articles show
 * it as `![alt](url)`; `url` is root-relative (`/help/images/<id>`), public and cached for good
 * (an id names one picture: a new upload gets a new id).
 */
export interface HelpImage {
  id: string
  /** The portal: an inbox, or null for the shared one. */
  inboxId: string | null
  /** The file's name as uploaded (sanitized): the alt text the editor suggests. */
  name: string
  contentType: string
  size: number
  width: number | null
  height: number | null
  url: string
  createdAt: number
}

/** The public address of a help-center image. */
export function helpImageUrl(id: string): string {
  return `/help/images/${id}`
}

const HELP_IMAGE_PATH =
  /^\/help\/images\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/

/** The image id an article's image source names, or null when it names no help-center image. */
export function helpImageId(src: string): string | null {
  return HELP_IMAGE_PATH.exec(src)?.[1] ?? null
}

/** The help center's figures over a period (issue 21). */
export interface HelpFigures {
  views: number
  searches: number
  /** Searches that found nothing. */
  emptySearches: number
  /** The commonest queries that found nothing: what to write next. */
  emptyQueries: Array<{ query: string; count: number; lastAt: number }>
  /** The most read articles. */
  topArticles: Array<{ id: string; title: string; views: number }>
  helpful: number
  notHelpful: number
  /** Known visitors (the widget's) who searched or read. */
  helpedVisitors: number
  /** Of those, who started a conversation within a day of it. */
  followedByConversation: number
}
