/**
 * The composer's "Insert article link" search (issue 21): an on-demand chunk (HelpLink-*,
 * client/build.ts) fetched when the composer's button is first pressed. Searches the published
 * articles of the conversation's inbox (and the shared ones) in the conversation's language
 * (the visitor's, else the operator's), a moment after typing stops; choosing a result puts
 * `[Title](address)` at the reply's caret and hands the focus back to it. Down from the search
 * field goes to the results, Up and Down move among them, Escape closes (the focus goes back to
 * the composer's button).
 */
import { createSignal, createUniqueId, For, onCleanup, onMount, Show } from 'solid-js'
import { asParleyError, httpJson } from '../../shared/index.ts'
import { SafeText } from '../../shared/ui/SafeText.tsx'
import { usePanel } from '../context.ts'
import { selected } from '../derive.ts'
import { locale } from '../i18n.ts'
// Inside the chunk, not a file of its own: the first load's import of this chunk names one file.
import css from '../help/link.css?inline'

/** A search result with its public path (`/help/<inbox>/<lang>/articles/<slug>`). */
interface Hit {
  id: string
  title: string
  snippet: string
  url: string
}

/**
 * This search's words in Russian (keys: the English text). Here rather than in
 * ../i18n/ru/help.ts: a module shared with the settings' section would be a chunk of its own.
 */
export const RU_LINK: Record<string, string> = {
  'Search help articles': 'Поиск по статьям помощи',
  '{n} articles found': 'Найдено статей: {n}',
  'No articles found.': 'Статьи не найдены.',
  Articles: 'Статьи',
  Close: 'Закрыть',
}

/** `text` in the UI language, `{n}` filled in. */
function tl(text: string, n = 0): string {
  return ((locale() === 'ru' && RU_LINK[text]) || text).replace('{n}', String(n))
}

export default function HelpLink(props: {
  /** Closes it (the focus is handed on here first). */
  onClose: () => void
}) {
  const panel = usePanel()
  const id = createUniqueId()
  const [query, setQuery] = createSignal('')
  const [hits, setHits] = createSignal<Hit[] | null>(null)
  const [error, setError] = createSignal('')
  let field!: HTMLInputElement
  let host!: HTMLDivElement
  /** The composer's button that opened it: the focus goes back there. */
  const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null
  /** The reply's textarea, where the link goes. */
  const input = () => host.closest('form')?.querySelector('textarea') ?? undefined
  const close = (inserted: boolean) => {
    if (!inserted) opener?.focus()
    props.onClose()
  }
  let list: HTMLUListElement | undefined
  let timer: ReturnType<typeof setTimeout> | undefined
  let asked = 0
  onCleanup(() => clearTimeout(timer))
  onMount(() => field.focus())

  const inboxId = () => selected(panel.state)?.inboxId ?? 'shared'
  /** The visitor's language when it is one of the help center's, else the operator's. */
  const language = (): 'en' | 'ru' => {
    const visitor = panel.state.visitor
    const tag =
      visitor?.conversationId === panel.state.selectedId ? visitor?.context?.language : null
    const base = tag?.toLowerCase().split('-')[0]
    return base === 'ru' || base === 'en' ? base : locale()
  }

  const search = (text: string) => {
    clearTimeout(timer)
    const n = ++asked
    if (!text.trim()) return setHits(null)
    timer = setTimeout(() => {
      const q = new URLSearchParams({ portal: inboxId(), language: language(), q: text })
      httpJson<{ hits: Hit[] }>(panel.http.baseUrl, `/api/help/search?${q}&limit=8`, {
        token: panel.http.token(),
      }).then(
        (r) => {
          if (n !== asked) return
          setError('')
          setHits(r.hits)
        },
        (e) => n === asked && setError(asParleyError(e).message),
      )
    }, 250)
  }

  const insert = (hit: Hit) => {
    const textarea = input()
    close(Boolean(textarea))
    if (!textarea) return
    const title = hit.title.replace(/[[\]]/g, '\\$&')
    textarea.focus()
    textarea.setRangeText(
      `[${title}](${location.origin}${hit.url})`,
      textarea.selectionStart,
      textarea.selectionEnd,
      'end',
    )
    textarea.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertText' }))
  }

  const buttons = () => [...(list?.querySelectorAll<HTMLButtonElement>('button') ?? [])]
  const step = (e: KeyboardEvent) => {
    if (e.key === 'Escape') {
      e.preventDefault()
      e.stopPropagation()
      close(false)
      return
    }
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return
    const all = buttons()
    const at = all.indexOf(document.activeElement as HTMLButtonElement)
    const next = e.key === 'ArrowDown' ? at + 1 : at - 1
    e.preventDefault()
    if (next < 0) field.focus()
    else all[Math.min(next, all.length - 1)]?.focus()
  }

  return (
    <div class="help-link" role="search" ref={host} onKeyDown={step}>
      <style>{css}</style>
      <label for={id}>{tl('Search help articles')}</label>
      <input
        id={id}
        ref={field}
        type="search"
        value={query()}
        autocomplete="off"
        onInput={(e) => {
          setQuery(e.currentTarget.value)
          search(e.currentTarget.value)
        }}
        onKeyDown={(e) => {
          if (e.key === 'Enter') {
            e.preventDefault()
            const first = hits()?.[0]
            if (first) insert(first)
          }
        }}
      />
      <Show when={error()}>
        <p class="error" role="alert">
          {error()}
        </p>
      </Show>
      <p class="sr-only" role="status" aria-live="polite">
        {hits() === null ? '' : tl('{n} articles found', hits()?.length)}
      </p>
      <Show when={hits()}>
        {(found) => (
          <Show
            when={found().length > 0}
            fallback={<p class="muted">{tl('No articles found.')}</p>}
          >
            <ul class="help-link-hits" ref={list} aria-label={tl('Articles')}>
              <For each={found()}>
                {(hit) => (
                  <li>
                    <button type="button" class="ghost" onClick={() => insert(hit)}>
                      <SafeText class="help-link-title" text={hit.title} />
                      <SafeText class="muted help-link-snippet" text={hit.snippet} />
                    </button>
                  </li>
                )}
              </For>
            </ul>
          </Show>
        )}
      </Show>
      <button type="button" class="secondary" onClick={() => close(false)}>
        {tl('Close')}
      </button>
    </div>
  )
}
