/**
 * The conversation list: a slot for search, the views and filters, bulk actions, the rows, and
 * the next page when scrolled to the end.
 */
import { createSignal, For, onCleanup, onMount, Show } from 'solid-js'
import { usePanel } from '../context.ts'
import { visibleConversations } from '../derive.ts'
import { BulkBar } from './BulkBar.tsx'
import { InboxRow } from './InboxRow.tsx'
import { ListFilters } from './ListFilters.tsx'
import { SearchBox } from './SearchBox.tsx'

export function InboxList() {
  const panel = usePanel()
  let sentinel: HTMLLIElement | undefined
  // Relative times move on by themselves.
  const [now, setNow] = createSignal(Date.now())
  const tick = setInterval(() => setNow(Date.now()), 30_000)
  onCleanup(() => clearInterval(tick))
  onMount(() => {
    if (!sentinel) return
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) void panel.actions.loadMore()
    })
    observer.observe(sentinel)
    onCleanup(() => observer.disconnect())
  })
  const rows = () => visibleConversations(panel.state)
  return (
    <section class="pane list-pane" aria-label="Conversations">
      <div class="list-search">
        <SearchBox />
      </div>
      <div class="list-head">
        <h2>Conversations</h2>
      </div>
      <ListFilters />
      <div
        id="list-panel"
        class="list-panel"
        role="tabpanel"
        aria-labelledby={`list-tab-${panel.state.list.view}`}
        classList={{ selecting: panel.state.selection.length > 0 }}
      >
        <BulkBar shown={rows().map((c) => c.id)} />
        <ul class="conversations">
          <For each={rows()}>
            {(conversation) => <InboxRow conversation={conversation} now={now()} />}
          </For>
          <Show when={!panel.state.loadingList && rows().length === 0}>
            <li class="muted empty-list">No conversations here</li>
          </Show>
          <li ref={sentinel} class="sentinel" aria-hidden="true">
            <Show when={panel.state.loadingList}>Loading…</Show>
          </li>
        </ul>
      </div>
    </section>
  )
}
