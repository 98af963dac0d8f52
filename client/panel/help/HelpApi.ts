/**
 * The help center in the panel (issue 21): the calls on `/api/help/*`, the section's words
 * (`th`, with their Russian from ../i18n/ru/help.ts) and small formatters. Shared by the
 * settings' section (components/Help.tsx) and the composer's "Insert article link"
 * (components/HelpLink.tsx): both on-demand chunks (Help*-*, client/build.ts), so this module
 * is a `Help*` chunk of its own or inside theirs, never on the first load. Types only from
 * protocol/help.ts: its valibot schemas are the server's.
 */
import type {
  ArticleStatus,
  HelpArticle,
  HelpCategory,
  HelpImage,
  HelpLanguage,
  HelpRevision,
} from '../../../protocol/help.ts'
import { asParleyError, httpJson } from '../../shared/index.ts'
import { locale } from '../i18n.ts'
import { RU_HELP } from '../i18n/ru/help.ts'

export type { ArticleStatus, HelpArticle, HelpCategory, HelpLanguage, HelpRevision }

/** The help center's languages and statuses, as the server takes them. */
export const LANGUAGES: readonly HelpLanguage[] = ['en', 'ru']
export const STATUSES: readonly ArticleStatus[] = ['draft', 'published', 'archived']

/** An article in the list: no body. */
export type ArticleRow = Omit<HelpArticle, 'body'>

/** An article as the editor reads it: with its translations and, once published, its address. */
export interface ArticleView extends HelpArticle {
  translations: Array<Pick<HelpArticle, 'id' | 'language' | 'slug' | 'title' | 'status'>>
  url: string | null
}

/** A search result with its public path (`/help/<inbox>/<lang>/articles/<slug>`). */
export interface HelpLinkHit {
  id: string
  title: string
  snippet: string
  url: string
}

/** What an article save may change. */
export interface ArticlePatch {
  title?: string
  body?: string
  slug?: string
  categoryId?: string | null
  status?: ArticleStatus
}

/** The calls, with this panel's address and session. */
export function helpApi(http: { baseUrl: string; token: () => string | null }) {
  const call = <T>(path: string, method = 'GET', body?: unknown) =>
    httpJson<T>(http.baseUrl, `/api/help${path}`, { method, body, token: http.token() })
  const q = (params: Record<string, string | number | undefined>) =>
    new URLSearchParams(
      Object.entries(params).flatMap(([k, v]) =>
        v === undefined || v === '' ? [] : [[k, `${v}`]],
      ),
    ).toString()
  const one = (id: string) => `/articles/${encodeURIComponent(id)}`
  return {
    categories: (portal: string) =>
      call<{ categories: HelpCategory[] }>(`/categories?${q({ portal })}`),
    addCategory: (portal: string, names: HelpCategory['names'], position: number) =>
      call<HelpCategory>('/categories', 'POST', { portal, names, position }),
    patchCategory: (id: string, patch: { names?: HelpCategory['names']; position?: number }) =>
      call<HelpCategory>(`/categories/${encodeURIComponent(id)}`, 'PATCH', patch),
    removeCategory: (id: string) =>
      call<{ ok: true }>(`/categories/${encodeURIComponent(id)}`, 'DELETE'),
    articles: (filter: { portal: string; language?: string; status?: string }) =>
      call<{ articles: ArticleRow[]; total: number }>(
        `/articles?${q({ ...filter, shared: 'false', limit: 200 })}`,
      ),
    article: (id: string) => call<ArticleView>(one(id)),
    create: (
      input: { portal?: string; translationOf?: string; language: HelpLanguage } & Required<
        Pick<ArticlePatch, 'title' | 'body'>
      > &
        Omit<ArticlePatch, 'title' | 'body'>,
    ) => call<ArticleView>('/articles', 'POST', input),
    save: (id: string, fromRevision: number, patch: ArticlePatch, autosave = false) =>
      call<ArticleView>(one(id), 'PATCH', {
        fromRevision,
        ...(autosave ? { autosave } : {}),
        ...patch,
      }),
    remove: (id: string) => call<{ ok: true }>(one(id), 'DELETE'),
    revisions: (id: string) => call<{ revisions: HelpRevision[] }>(`${one(id)}/revisions`),
    restore: (id: string, revision: number, fromRevision: number) =>
      call<ArticleView>(`${one(id)}/revisions/${revision}/restore`, 'POST', { fromRevision }),
    preview: (language: HelpLanguage, body: string) =>
      call<{ html: string }>('/preview', 'POST', { language, body }),
    /** Stores an image for the portal's articles; its `url` goes into the Markdown. */
    uploadImage: (portal: string, file: File) => {
      const form = new FormData()
      form.append('file', file, file.name || 'image')
      return httpJson<{ image: HelpImage }>(
        http.baseUrl,
        `/api/help/images?portal=${encodeURIComponent(portal)}`,
        { form, token: http.token() },
      )
    },
    search: (portal: string, language: HelpLanguage, text: string) =>
      call<{ hits: HelpLinkHit[] }>(`/search?${q({ portal, language, q: text, limit: 8 })}`),
  }
}

export type HelpApi = ReturnType<typeof helpApi>

/** `text` in the UI language, with `{name}` placeholders filled from `vars`. */
export function th(text: string, vars: Readonly<Record<string, string | number>> = {}): string {
  const entry = locale() === 'ru' ? RU_HELP[text] : undefined
  const chosen = typeof entry === 'string' ? entry : text
  return chosen.replace(/\{(\w+)\}/g, (whole, name: string) => String(vars[name] ?? whole))
}

/** Marks a key of ../i18n/ru/help.ts kept in a table; shown with th(). */
export const mh = (text: string) => text

/** Each status and language in words (th() keys). */
export const STATUS_NAMES: Record<ArticleStatus, string> = {
  draft: mh('Draft'),
  published: mh('Published'),
  archived: mh('Archived'),
}
export const LANGUAGE_NAMES: Record<HelpLanguage, string> = {
  en: mh('English'),
  ru: mh('Russian'),
}

/** "6 Dec 2026, 14:05" in the UI language. */
export function when(ms: number): string {
  return new Intl.DateTimeFormat(locale(), { dateStyle: 'medium', timeStyle: 'short' }).format(ms)
}

/** The server's refusal in words: its message (the server says which field and why). */
export function failure(e: unknown): string {
  const error = asParleyError(e)
  return error.code === 'unavailable'
    ? th('No connection right now. Please try again in a moment.')
    : error.message
}

/** A revision conflict (someone saved since): 409 that is not about the slug. */
export function isConflict(e: unknown): boolean {
  const error = asParleyError(e)
  return error.code === 'conflict' && !/slug/i.test(error.message)
}

/** A slug clash: 409 about the slug, or the slug refused as written. */
export function isSlugProblem(e: unknown): boolean {
  return /slug/i.test(asParleyError(e).message)
}

/** The category's name in the UI language, else the other one. */
export function categoryName(c: HelpCategory): string {
  return (locale() === 'ru' ? (c.names.ru ?? c.names.en) : (c.names.en ?? c.names.ru)) ?? ''
}
