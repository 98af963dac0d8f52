/**
 * The help center's rules (issue 21): what an article may be, how a save becomes a revision,
 * how slugs move, and how a query finds articles. The HTTP routes (server/http/help.ts for the
 * panel, server/http/help-public.ts for readers) check who may do what and call this.
 *
 * Search: the query's words are stemmed as the articles' were (server/help/analyze.ts); every
 * word must match (the last, being typed, as a prefix). When nothing matches a short query, its
 * words that are not in the index are corrected to the index's nearest terms (one typo for a
 * word of 4-7 letters, two from 8) and the search runs again with them as alternatives; the
 * page then says what it searched for. Candidates are ranked by relevance (the title weighs four
 * times the body), then by their readers' votes of the last 90 days.
 */
import { newId, type HelpArticleRecord, type HelpStore } from '../../actors/index.ts'
import type { Clock } from '../../actors/runtime/clock.ts'
import {
  MAX_ARTICLE_BODY,
  MAX_ARTICLE_IMAGES,
  MAX_ARTICLE_REVISIONS,
  MAX_HELP_QUERY,
  MAX_HELP_QUERY_WORDS,
  helpImageId,
  slugify,
  type ArticleStatus,
  type HelpArticle,
  type HelpHit,
  type HelpLanguage,
} from '../../protocol/help.ts'
import { ParleyError } from '../../protocol/index.ts'
import { closestTerms, queryTerms, terms, words } from './analyze.ts'
import { renderArticle } from './render.ts'
import { stem } from './stem.ts'

/** Saves by the same author within this long amend their autosaved revision. */
export const AMEND_WINDOW_MS = 10 * 60_000
/** Votes older than this no longer move an article's rank. */
export const VOTES_WINDOW_MS = 90 * 86_400_000
/** Candidates ranked per search (the index's best by relevance). */
const CANDIDATES = 50
/** Queries of at most this many words get typo correction. */
const CORRECTED_WORDS = 3
/** Rendered articles kept in memory (an LRU). */
const RENDERED_KEPT = 500
/** Characters of an excerpt. */
const SNIPPET_LENGTH = 180

/** What an author writes; the rest of an article is the server's. */
export interface ArticleDraft {
  title: string
  body: string
  slug?: string
  categoryId?: string | null
  status?: ArticleStatus
}

export interface HelpSearchResult {
  hits: HelpHit[]
  /** The query as corrected, when the hits are for corrected words; else null. */
  corrected: string | null
}

/** A source an article's image may have: a help-center image's address; anything else none. */
export function articleImage(src: string): string | null {
  return helpImageId(src) === null ? null : src
}

/**
 * An article's plain text, the stems the index reads, and the help-center images it shows
 * (their ids, once each): what the renderer reads as images, never text or code that merely
 * looks like an address.
 */
function indexed(title: string, body: string) {
  const images = new Set<string>()
  const image = (src: string) => {
    const id = helpImageId(src)
    if (id !== null) images.add(id)
    return null
  }
  const text = renderArticle(body, { image }).text
  return {
    titleTerms: terms(title).join(' '),
    bodyTerms: terms(text).join(' '),
    text,
    images: [...images],
  }
}

/**
 * The index term a prefix word looks up: its stem when the stem is the start of the word (the
 * stem of a half-typed word may cut more than the whole word's would: only the common start of
 * the two is safe); otherwise what they share.
 */
function prefixTerm(word: string, wordStem: string): string {
  if (word.startsWith(wordStem)) return wordStem
  let i = 0
  while (i < word.length && i < wordStem.length && word[i] === wordStem[i]) i++
  return word.slice(0, Math.max(i, 1))
}

/**
 * An article's plain text on one line: a block that ends without punctuation (a heading, a
 * table cell) is followed by a middle dot, so `Steps` then `Open Orders` reads "Steps · Open
 * Orders", not "Steps Open Orders".
 */
export function oneLine(text: string): string {
  return text
    .replace(/([^\s.!?:;…,·])[ \t]*\n\s*/g, '$1 · ')
    .replace(/\s+/g, ' ')
    .trim()
}

/** A word of text (as server/help/analyze.ts splits them). */
const WORD_RE = /[\p{L}\p{N}]+/gu

/**
 * A plain-text excerpt around the first word whose stem starts with one of `stems`. Only words
 * whose first letter could match are stemmed: most of a long article is skipped cheaply.
 */
export function excerpt(text: string, stems: ReadonlySet<string>): string {
  const flat = oneLine(text)
  if (flat.length <= SNIPPET_LENGTH) return flat
  const targets = [...stems].filter((t) => t.length > 0)
  const firsts = new Set(targets.map((t) => t[0]!))
  let at = 0
  for (const match of flat.matchAll(WORD_RE)) {
    const first = match[0][0]!.toLowerCase()
    if (!firsts.has(first === 'ё' ? 'е' : first)) continue
    const s = stem(words(match[0])[0] ?? '')
    if (targets.some((t) => s.startsWith(t))) {
      at = match.index ?? 0
      break
    }
  }
  let start = Math.max(0, at - 40)
  if (start > 0) {
    const space = flat.indexOf(' ', start)
    start = space >= 0 && space < at ? space + 1 : start
  }
  const end = Math.min(flat.length, start + SNIPPET_LENGTH)
  return `${start > 0 ? '…' : ''}${flat.slice(start, end).trim()}${end < flat.length ? '…' : ''}`
}

export class HelpService {
  #vocabulary: { version: string; terms: string[] } | null = null
  readonly #rendered = new Map<string, ReturnType<typeof renderArticle>>()
  #loading: Promise<string[]> | null = null

  constructor(
    private readonly store: HelpStore,
    private readonly clock: Clock,
  ) {}

  /** Checks the title and body; the typed errors say what is wrong. */
  #checkText(title: string, body: string): void {
    if (title.trim().length === 0) throw new ParleyError('validation_failed', 'the title is empty')
    if (body.length > MAX_ARTICLE_BODY) {
      throw new ParleyError(
        'validation_failed',
        `the article is longer than ${MAX_ARTICLE_BODY} characters`,
      )
    }
  }

  /**
   * Checks that the article shows only images of its own portal (and shared ones: every portal
   * shows those), at most MAX_ARTICLE_IMAGES, then marks them used so the cleanup of abandoned
   * uploads leaves them alone (before the save: a save that then fails leaves an image kept
   * that nothing shows, never an article showing a removed one).
   */
  async #useImages(inboxId: string | null, ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return
    if (ids.length > MAX_ARTICLE_IMAGES) {
      throw new ParleyError(
        'validation_failed',
        `an article shows at most ${MAX_ARTICLE_IMAGES} images`,
      )
    }
    const own = (found: ReadonlyArray<{ id: string; inboxId: string | null }>) => {
      const mine = new Set(
        found.filter((i) => i.inboxId === null || i.inboxId === inboxId).map((i) => i.id),
      )
      const foreign = ids.find((id) => !mine.has(id))
      if (foreign !== undefined) {
        throw new ParleyError(
          'validation_failed',
          `the image ${foreign} is not one of this help center's images; upload it here`,
        )
      }
    }
    own(await this.store.images(ids))
    await this.store.markImagesUsed(ids, this.clock.now())
    // Removed by the cleanup between the check and the mark (an upload a day old): say so.
    own(await this.store.images(ids))
  }

  /**
   * Adds an article (a translation when `translationOf` names another): its slug is the given
   * one (a `conflict` when taken) or made from the title (a number added while taken).
   */
  async create(
    authorId: string,
    input: ArticleDraft & {
      inboxId: string | null
      language: HelpLanguage
      translationOf?: HelpArticle
    },
  ): Promise<HelpArticleRecord> {
    this.#checkText(input.title, input.body)
    const now = this.clock.now()
    const id = newId()
    const status = input.status ?? 'draft'
    const { titleTerms, bodyTerms, images } = indexed(input.title, input.body)
    const inboxId = input.translationOf ? input.translationOf.inboxId : input.inboxId
    await this.#useImages(inboxId, images)
    const base: HelpArticleRecord = {
      id,
      groupId: input.translationOf?.groupId ?? id,
      inboxId,
      categoryId:
        input.categoryId !== undefined
          ? input.categoryId
          : (input.translationOf?.categoryId ?? null),
      language: input.language,
      slug: input.slug ?? '',
      title: input.title.trim(),
      body: input.body,
      status,
      authorId,
      updatedBy: authorId,
      createdAt: now,
      updatedAt: now,
      publishedAt: status === 'published' ? now : null,
      revision: 1,
      views: 0,
      helpful: 0,
      notHelpful: 0,
      titleTerms,
      bodyTerms,
    }
    if (input.slug !== undefined) {
      await this.store.createArticle(base)
      return base
    }
    // A slug from the title; while another article has it, the next number.
    const made = slugify(input.title) || `article-${id.slice(-8)}`
    for (let n = 1; ; n++) {
      const slug = n === 1 ? made : `${made.slice(0, 90)}-${n}`
      try {
        const article = { ...base, slug }
        await this.store.createArticle(article)
        return article
      } catch (error) {
        const taken = error instanceof ParleyError && error.code === 'conflict'
        const owner = taken ? await this.store.slug(input.language, slug) : null
        if (!owner || owner.articleId === id || n >= 20) throw error
      }
    }
  }

  /**
   * Saves a change made from revision `fromRevision`. An `autosave` by the author of the latest
   * revision within AMEND_WINDOW_MS amends it; anything else is a new revision.
   */
  async save(
    editorId: string,
    current: HelpArticleRecord,
    fromRevision: number,
    change: Partial<ArticleDraft>,
    opts: { autosave?: boolean } = {},
  ): Promise<HelpArticleRecord> {
    if (fromRevision !== current.revision) {
      throw new ParleyError(
        'conflict',
        'the article changed since it was opened; reload it to see the other change',
      )
    }
    const title = change.title?.trim() ?? current.title
    const body = change.body ?? current.body
    this.#checkText(title, body)
    const now = this.clock.now()
    const status = change.status ?? current.status
    let amend = false
    if (opts.autosave && status === current.status) {
      const [latest] = await this.store.revisions(current.id)
      amend =
        latest !== undefined &&
        latest.revision === current.revision &&
        latest.revision > 1 &&
        latest.authorId === editorId &&
        now - latest.createdAt < AMEND_WINDOW_MS
    }
    const next: HelpArticleRecord = {
      ...current,
      title,
      body,
      slug: change.slug ?? current.slug,
      categoryId: change.categoryId !== undefined ? change.categoryId : current.categoryId,
      status,
      updatedBy: editorId,
      updatedAt: now,
      publishedAt: current.publishedAt ?? (status === 'published' ? now : null),
      revision: amend ? current.revision : current.revision + 1,
      titleTerms: current.titleTerms,
      bodyTerms: current.bodyTerms,
    }
    if (title !== current.title || body !== current.body) {
      const { titleTerms, bodyTerms, images } = indexed(title, body)
      if (body !== current.body) await this.#useImages(current.inboxId, images)
      next.titleTerms = titleTerms
      next.bodyTerms = bodyTerms
    }
    await this.store.saveArticle(
      { article: next, fromRevision, formerSlug: current.slug, amend },
      MAX_ARTICLE_REVISIONS,
    )
    return next
  }

  /** A new revision with an old one's title, body, slug and category (the status stays). */
  async restore(
    editorId: string,
    current: HelpArticleRecord,
    revision: number,
  ): Promise<HelpArticleRecord> {
    const old = await this.store.revision(current.id, revision)
    if (!old) throw new ParleyError('not_found', 'revision not found')
    const category = old.categoryId ? await this.store.category(old.categoryId) : null
    return this.save(editorId, current, current.revision, {
      title: old.title,
      body: old.body,
      slug: old.slug,
      // A category deleted since is not brought back.
      categoryId: category ? category.id : null,
    })
  }

  /** The index's terms, read again only after an article changed. */
  async #terms(): Promise<string[]> {
    const version = await this.store.version()
    if (this.#vocabulary?.version === version) return this.#vocabulary.terms
    this.#loading ??= this.store
      .vocabulary()
      .then((list) => {
        this.#vocabulary = { version, terms: list }
        return list
      })
      .finally(() => (this.#loading = null))
    return this.#loading
  }

  /**
   * Published articles of the portal (the inbox's and the shared ones) in the language that
   * match the query, best first. A query longer than MAX_HELP_QUERY characters is refused; one
   * without words finds nothing.
   */
  async search(opts: {
    inboxId: string | null
    language: HelpLanguage
    query: string
    limit: number
  }): Promise<HelpSearchResult> {
    if (opts.query.length > MAX_HELP_QUERY) {
      throw new ParleyError(
        'validation_failed',
        `the search query is longer than ${MAX_HELP_QUERY} characters`,
      )
    }
    const parsed = queryTerms(opts.query, MAX_HELP_QUERY_WORDS)
    if (parsed.length === 0) return { hits: [], corrected: null }
    const lookup = parsed.map((t) => ({
      text: t.prefix ? prefixTerm(t.word, t.stem) : t.stem,
      prefix: t.prefix,
    }))
    const scope = { inboxId: opts.inboxId, language: opts.language, limit: CANDIDATES }
    let found = await this.store.searchTerms({ ...scope, terms: lookup })
    let corrected: string | null = null
    let stems = new Set(lookup.map((t) => t.text))
    /** Each corrected term and the index terms it was replaced by. */
    const corrections = new Map<string, string[]>()
    if (found.length === 0 && parsed.length <= CORRECTED_WORDS) {
      const known = await this.#terms()
      const vocabulary = new Set(known)
      const kept: typeof lookup = []
      let alternatives: string[][] = []
      for (const term of lookup) {
        const present = term.prefix
          ? known.some((k) => k.startsWith(term.text))
          : vocabulary.has(term.text)
        if (present) {
          kept.push(term)
          continue
        }
        const near = closestTerms(term.text, known, 5)
        if (near.length === 0) {
          // A word nothing is near: no correction makes every word match.
          alternatives = []
          break
        }
        alternatives.push(near)
        corrections.set(term.text, near)
      }
      if (alternatives.length > 0) {
        found = await this.store.searchTerms({ ...scope, terms: kept, alternatives })
        stems = new Set([...kept.map((t) => t.text), ...alternatives.flat()])
        if (found.length > 0) corrected = ''
      }
    }
    if (found.length === 0 && lookup.length > 1) {
      // No article has every word (a question in a sentence): the ones with the most of them.
      found = await this.store.searchTerms({ ...scope, terms: lookup, match: 'any' })
      stems = new Set(lookup.map((t) => t.text))
      corrected = null
    }
    if (found.length === 0) return { hits: [], corrected: null }
    const votes = await this.store.recentVotes(
      found.map((f) => f.id),
      this.clock.now() - VOTES_WINDOW_MS,
    )
    const top = found.length > 0 ? Math.max(...found.map((f) => f.relevance)) : 1
    const ranked = found
      .map((f) => {
        const v = votes.get(f.id) ?? { helpful: 0, notHelpful: 0 }
        // Smoothed share of helpful votes: 0.5 with none; moves the rank by at most +-20%.
        const helpfulness = (v.helpful + 1) / (v.helpful + v.notHelpful + 2)
        const relevance = top > 0 ? f.relevance / top : 0
        return { id: f.id, score: relevance * (0.8 + 0.4 * helpfulness) }
      })
      .sort((a, b) => b.score - a.score || a.id.localeCompare(b.id))
      .slice(0, Math.max(1, Math.min(CANDIDATES, opts.limit)))
    const articles = await Promise.all(ranked.map((r) => this.store.article(r.id)))
    const hits: HelpHit[] = []
    ranked.forEach((r, i) => {
      const a = articles[i]
      if (!a || a.status !== 'published') return
      const text = this.rendered(a).text
      hits.push({
        id: a.id,
        slug: a.slug,
        language: a.language,
        title: a.title,
        snippet: excerpt(text, stems),
        categoryId: a.categoryId,
        score: Math.round(r.score * 1000) / 1000,
      })
    })
    if (corrected !== null && hits[0]) {
      corrected = this.#correctedQuery(parsed, lookup, corrections, articles[0] ?? null)
    }
    return { hits, corrected }
  }

  /**
   * The query's words with each corrected one replaced by the best hit's word whose stem was
   * its correction (what "Showing results for" names); stop words dropped, as searched.
   */
  #correctedQuery(
    parsed: ReadonlyArray<{ word: string }>,
    lookup: ReadonlyArray<{ text: string }>,
    corrections: ReadonlyMap<string, readonly string[]>,
    best: HelpArticleRecord | null,
  ): string {
    const forms = new Map<string, string>()
    if (best) {
      for (const w of words(`${best.title} ${this.rendered(best).text}`)) {
        const s = stem(w)
        if (!forms.has(s)) forms.set(s, w)
      }
    }
    return parsed
      .map((p, i) => {
        const near = corrections.get(lookup[i]?.text ?? '')
        if (!near) return p.word
        const form = near.map((n) => forms.get(n)).find((f) => f !== undefined)
        return form ?? near[0] ?? p.word
      })
      .join(' ')
  }

  /**
   * An article's safe HTML and plain text, kept for the latest RENDERED_KEPT articles shown
   * (rendering a long article costs milliseconds; the same ones are read again and again).
   */
  rendered(a: Pick<HelpArticleRecord, 'id' | 'body' | 'updatedAt' | 'language'>) {
    const key = `${a.id}:${a.updatedAt}`
    const hit = this.#rendered.get(key)
    if (hit) {
      this.#rendered.delete(key)
      this.#rendered.set(key, hit)
      return hit
    }
    const made = renderArticle(a.body, { image: articleImage, language: a.language })
    this.#rendered.set(key, made)
    if (this.#rendered.size > RENDERED_KEPT) {
      const oldest = this.#rendered.keys().next().value
      if (oldest !== undefined) this.#rendered.delete(oldest)
    }
    return made
  }
}
