/**
 * Suggested articles above the composer while the visitor writes the first message of a new
 * conversation (issue 21): up to 3 titles under "These might help", found as they type
 * (debounced, not counted as searches). One opens in the widget; Back returns to the composer,
 * whose text stays.
 */
import { createEffect, createSignal, on, Show } from 'solid-js'
import { useWidget } from '../context.ts'
import { searcher, type Hit } from './api.ts'
import { Reader, type Reading } from './Reader.tsx'
import { Hits } from './Search.tsx'
import { helpStrings } from './strings.ts'

export function Suggest(props: { text: string }) {
  const w = useWidget()
  const s = () => helpStrings(w.state.lang)
  const found = searcher(w, 3)
  /** The first message of a new conversation: none yet, none on its way. */
  const first = () => !w.state.conversation && w.state.pending.length === 0
  createEffect(on(() => (first() ? props.text : ''), found.input))
  const [reading, setReading] = createSignal<Reading | null>(null)
  return (
    <>
      <Show when={found.hits()?.length ? found.hits() : null}>
        {(hits) => (
          <section class="help-suggest" aria-labelledby="pw-help-might" data-testid="help-suggest">
            <p id="pw-help-might" class="help-might">
              {s().might}
            </p>
            <Hits hits={hits()} onOpen={(hit: Hit, from) => setReading({ hit, from })} />
          </section>
        )}
      </Show>
      <Show when={reading()}>
        {(r) => <Reader reading={r()} onBack={() => setReading(null)} />}
      </Show>
    </>
  )
}
