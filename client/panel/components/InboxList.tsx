/** The conversation list: unanswered filter, rows, and the next page when scrolled to the end. */
import { For, onCleanup, onMount, Show } from 'solid-js'
import { usePanel } from '../context.ts'
import { visibleConversations } from '../derive.ts'
import { InboxRow } from './InboxRow.tsx'

export function InboxList() {
  const panel = usePanel()
  let sentinel: HTMLLIElement | undefined
  onMount(() => {
    if (!sentinel) return
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) void panel.actions.loadMore()
    })
    observer.observe(sentinel)
    onCleanup(() => observer.disconnect())
  })
  return (
    <section class="pane list-pane" aria-label="Conversations">
      <div class="list-head">
        <h2>Conversations</h2>
        <label class="toggle">
          <input
            type="checkbox"
            checked={panel.state.unansweredOnly}
            onChange={(e) => panel.actions.setUnansweredOnly(e.currentTarget.checked)}
          />
          Unanswered only
          <Show when={panel.state.badges.unanswered > 0}>
            <span class="count">{panel.state.badges.unanswered}</span>
          </Show>
        </label>
      </div>
      <ul class="conversations">
        <For each={visibleConversations(panel.state)}>
          {(conversation) => <InboxRow conversation={conversation} />}
        </For>
        <Show when={!panel.state.loadingList && visibleConversations(panel.state).length === 0}>
          <li class="muted empty-list">No conversations yet</li>
        </Show>
        <li ref={sentinel} class="sentinel" aria-hidden="true">
          <Show when={panel.state.loadingList}>Loading…</Show>
        </li>
      </ul>
    </section>
  )
}
