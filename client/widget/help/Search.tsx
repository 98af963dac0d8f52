/**
 * The help center's search on the widget's home view (issue 21): a search box, results (title
 * and snippet) as the visitor types (debounced, not counted), counted when submitted or when a
 * result is opened, their number read out politely, "No articles found", and "Still need help?
 * Write to us", which starts a conversation with the query in its composer (not sent).
 */
import { createSignal, For, Show } from 'solid-js'
import { useWidget } from '../context.ts'
import { searcher, type Hit } from './api.ts'
import { Reader, type Reading } from './Reader.tsx'
import { helpStrings } from './strings.ts'

export function Search() {
  const w = useWidget()
  const s = () => helpStrings(w.state.lang)
  const found = searcher(w, 8)
  const [query, setQuery] = createSignal('')
  const [reading, setReading] = createSignal<Reading | null>(null)
  /** What the polite status says: how many were found, or that none were. */
  const said = () => {
    const hits = found.hits()
    return hits ? (hits.length > 0 ? s().found(hits.length) : s().none) : ''
  }
  const open = (hit: Hit, from: HTMLElement) => {
    found.record(query())
    setReading({ hit, from })
  }
  return (
    <div class="help" data-testid="help-search">
      <form
        role="search"
        class="help-search"
        onSubmit={(e) => {
          e.preventDefault()
          found.submit(query())
        }}
      >
        <input
          type="search"
          class="help-input"
          maxLength={200}
          placeholder={s().search}
          aria-label={s().search}
          aria-describedby="pw-help-status"
          value={query()}
          onInput={(e) => {
            setQuery(e.currentTarget.value)
            found.input(e.currentTarget.value)
          }}
        />
      </form>
      <p
        id="pw-help-status"
        class="help-note"
        classList={{ 'sr-only': !!found.hits()?.length }}
        role="status"
      >
        {said()}
      </p>
      <Show when={found.hits()}>
        {(hits) => (
          <>
            <Show when={found.corrected()}>
              {(q) => <p class="help-note">{s().corrected(q())}</p>}
            </Show>
            <Hits hits={hits()} onOpen={open} />
            <button
              type="button"
              class="help-write"
              onClick={() => {
                const text = query().trim()
                w.actions.newConversation()
                w.actions.prefill(text)
              }}
            >
              {s().still} <strong>{s().write}</strong>
            </button>
          </>
        )}
      </Show>
      <Show when={reading()}>
        {(r) => <Reader reading={r()} onBack={() => setReading(null)} />}
      </Show>
    </div>
  )
}

/** Results as a list of buttons: Enter (or a click) opens one. */
export function Hits(props: {
  hits: Hit[]
  label?: string
  onOpen: (hit: Hit, from: HTMLElement) => void
}) {
  return (
    <ul class="help-hits" aria-label={props.label}>
      <For each={props.hits}>
        {(hit) => (
          <li>
            <button
              type="button"
              class="help-hit"
              data-slug={hit.slug}
              onClick={(e) => props.onOpen(hit, e.currentTarget)}
            >
              <span class="help-hit-title">{hit.title}</span>
              <Show when={hit.snippet}>
                <span class="help-hit-snippet">{hit.snippet}</span>
              </Show>
            </button>
          </li>
        )}
      </For>
    </ul>
  )
}
