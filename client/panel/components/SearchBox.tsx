/**
 * The search box at the top of the list pane (issue 16): searches as the operator types
 * (debounced; a newer query aborts the older request), and while a query is in the box its
 * results take the list's place (search.css). Escape clears it.
 */
import { createSignal, onCleanup, Show } from 'solid-js'
import { Dynamic } from 'solid-js/web'
import type { SearchItem } from '../../../server/http/search.ts'
import { usePanel } from '../context.ts'
import { t } from '../i18n.ts'
import type { SearchResults } from './SearchResults.tsx'
import '../search.css'

const DEBOUNCE_MS = 250
/** The server refuses longer queries. */
const MAX_QUERY = 200

export function SearchBox() {
  const panel = usePanel()
  let input: HTMLInputElement | undefined
  let timer: ReturnType<typeof setTimeout> | undefined
  let inflight: AbortController | null = null
  const [query, setQuery] = createSignal('')
  const [shown, setShown] = createSignal('')
  const [items, setItems] = createSignal<SearchItem[]>([])
  const [total, setTotal] = createSignal(0)
  const [capped, setCapped] = createSignal(false)
  const [hasMore, setHasMore] = createSignal(false)
  const [loading, setLoading] = createSignal(false)
  const [error, setError] = createSignal<string | null>(null)
  // The results view is a chunk of its own, fetched when the box is first used.
  const [Results, setResults] = createSignal<typeof SearchResults>()
  let fetching: Promise<unknown> | undefined
  const preload = () => {
    fetching ??= import('./SearchResults.tsx').then(
      (chunk) => setResults(() => chunk.SearchResults),
      () => (fetching = undefined),
    )
  }

  const stop = () => {
    clearTimeout(timer)
    inflight?.abort()
    inflight = null
  }
  onCleanup(stop)

  const run = async (q: string, offset: number) => {
    stop()
    const mine = new AbortController()
    inflight = mine
    setLoading(true)
    try {
      const page = await panel.search(q, offset, mine.signal)
      if (mine.signal.aborted) return
      setItems(offset === 0 ? page.results : [...items(), ...page.results])
      setTotal(page.total)
      setCapped(page.capped)
      setHasMore(page.hasMore)
      setShown(q)
      setError(null)
    } catch (e) {
      if (mine.signal.aborted) return
      setError(
        e instanceof Error
          ? t('Search failed: {message}', { message: e.message })
          : t('Search failed'),
      )
    } finally {
      if (inflight === mine) {
        inflight = null
        setLoading(false)
      }
    }
  }

  const clear = () => {
    stop()
    setQuery('')
    setShown('')
    setItems([])
    setTotal(0)
    setLoading(false)
    setError(null)
  }

  const onInput = (value: string) => {
    preload()
    setQuery(value)
    clearTimeout(timer)
    const q = value.trim()
    if (q === '') return clear()
    setLoading(true)
    timer = setTimeout(() => void run(q, 0), DEBOUNCE_MS)
  }

  const active = () => query().trim() !== ''

  return (
    <div
      class="search-box"
      onKeyDown={(e) => {
        if (e.key !== 'Escape' || !active()) return
        e.preventDefault()
        clear()
        input?.focus()
      }}
    >
      <div class="search-field">
        <label class="sr-only" for="conversation-search">
          {t('Search conversations')}
        </label>
        <input
          ref={input}
          id="conversation-search"
          type="search"
          placeholder={t('Search messages and visitors')}
          autocomplete="off"
          maxLength={MAX_QUERY}
          value={query()}
          onFocus={preload}
          onInput={(e) => onInput(e.currentTarget.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && active()) void run(query().trim(), 0)
          }}
        />
        <Show when={active()}>
          <button
            type="button"
            class="ghost search-clear"
            aria-label={t('Clear search')}
            onClick={() => {
              clear()
              input?.focus()
            }}
          >
            ×
          </button>
        </Show>
      </div>
      <Show when={active() && Results()}>
        {(view) => (
          <Dynamic
            component={view()}
            query={shown() || query().trim()}
            items={items()}
            total={total()}
            capped={capped()}
            hasMore={hasMore()}
            loading={loading()}
            error={error()}
            onMore={() => void run(shown(), items().length)}
          />
        )}
      </Show>
    </div>
  )
}
