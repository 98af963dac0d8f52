/**
 * The help center's calls (issue 21): a search (`record=false` while the visitor still types,
 * so it is not counted) and an article as the server's safe HTML. The visitor's token goes along
 * when the widget has a session, so searches and views count for that visitor; none is made for
 * this. A search is debounced and only its latest answer is shown.
 */
import { createSignal, onCleanup } from 'solid-js'
import type { Widget } from '../widget.ts'

/** One search result. */
export interface Hit {
  id: string
  slug: string
  title: string
  snippet: string
  url: string
}

/** An article to read inside the widget: `html` is safe (server/help/render.ts). */
export interface Article {
  id: string
  slug: string
  title: string
  html: string
  url: string
}

/** The server's limit on a query. */
const MAX_QUERY = 200
/** The wait after the last keystroke before searching. */
const DEBOUNCE_MS = 250

const ask = async <T>(w: Widget, path: string, params: Record<string, string>): Promise<T> => {
  const query = new URLSearchParams({ inbox: w.config.inboxId, language: w.state.lang, ...params })
  const token = w.state.visitorId
    ? await Promise.resolve(w.uploads.token()).catch(() => null)
    : null
  const res = await fetch(`${w.config.baseUrl}/api/visitor/help/${path}?${query}`, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
  })
  if (!res.ok) throw new Error(`help: ${res.status}`)
  return (await res.json()) as T
}

/** An article by its slug, in the widget's language. */
export const article = (w: Widget, slug: string) =>
  ask<Article>(w, `articles/${encodeURIComponent(slug)}`, {})

/**
 * A search box's results: `input` as the visitor types (at least 2 characters, debounced, not
 * counted), `submit` at once and counted, `record` counts the query before a result is opened
 * (once per query). `hits` is null while there is nothing to show.
 */
export function searcher(w: Widget, limit: number) {
  const [hits, setHits] = createSignal<Hit[] | null>(null)
  const [corrected, setCorrected] = createSignal<string | null>(null)
  let timer: ReturnType<typeof setTimeout> | undefined
  let asked = 0
  let recorded = ''
  const clean = (q: string) => q.trim().slice(0, MAX_QUERY)
  const search = (q: string, record: boolean) =>
    ask<{ hits: Hit[]; corrected: string | null }>(w, 'search', {
      q,
      limit: String(limit),
      record: String(record),
    })
  const go = (q: string, record: boolean) => {
    const n = ++asked
    search(q, record).then(
      (found) => {
        if (n !== asked) return
        setHits(found.hits)
        setCorrected(found.corrected)
      },
      // Kept as they were: the next keystroke asks again.
      () => undefined,
    )
  }
  onCleanup(() => clearTimeout(timer))
  return {
    hits,
    corrected,
    input(text: string) {
      clearTimeout(timer)
      const q = clean(text)
      if (q.length >= 2) timer = setTimeout(() => go(q, false), DEBOUNCE_MS)
      else {
        asked++
        setHits(null)
      }
    },
    submit(text: string) {
      clearTimeout(timer)
      const q = clean(text)
      if (q.length < 2) return
      recorded = q
      go(q, true)
    },
    record(text: string) {
      const q = clean(text)
      if (q.length < 2 || q === recorded) return
      recorded = q
      search(q, true).catch(() => undefined)
    },
  }
}
