/**
 * The conversation list: a slot for search, the views and filters, bulk actions, the rows, and
 * the next page when scrolled to the end. Windowed (../virtual.ts): however many pages are
 * loaded, only the rows near the viewport are in the DOM.
 */
import { createEffect, createMemo, createSignal, For, on, onCleanup, onMount, Show } from 'solid-js'
import { usePanel } from '../context.ts'
import { visibleConversations } from '../derive.ts'
import { t } from '../i18n.ts'
import { BulkBar } from './BulkBar.tsx'
import { InboxRow } from './InboxRow.tsx'
import { ListFilters } from './ListFilters.tsx'
import { SearchBox } from './SearchBox.tsx'
import { createListWindow } from '../virtual.ts'

export function InboxList() {
  const panel = usePanel()
  let sentinel: HTMLLIElement | undefined
  let list!: HTMLUListElement
  // Relative times move on by themselves.
  const [now, setNow] = createSignal(Date.now())
  const tick = setInterval(() => setNow(Date.now()), 30_000)
  onCleanup(() => clearInterval(tick))
  // The next pages load while the list's end is in view. The observer speaks only when the end
  // comes into view; a load refused then (another one in flight) or failed would leave a list
  // scrolled to its end waiting for a scroll that does not come: so the end is checked again
  // whenever a load ends, and a failed one is retried after a pause.
  let retry: ReturnType<typeof setTimeout> | undefined
  const endInView = () =>
    !!sentinel &&
    sentinel.getBoundingClientRect().top <= list.getBoundingClientRect().bottom &&
    list.getClientRects().length > 0
  const fill = async () => {
    clearTimeout(retry)
    while (endInView() && panel.state.nextCursor && !panel.state.loadingList) {
      if (!(await panel.actions.loadMore())) {
        retry = setTimeout(() => void fill(), 2_000)
        return
      }
    }
  }
  onMount(() => {
    if (!sentinel) return
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) void fill()
    })
    observer.observe(sentinel)
    onCleanup(() => {
      observer.disconnect()
      clearTimeout(retry)
    })
  })
  // Again when a load ends, or a refresh finds more pages behind a list that had none.
  createEffect(
    on(
      () => [panel.state.loadingList, panel.state.nextCursor] as const,
      ([loading]) => {
        if (!loading) queueMicrotask(() => void fill())
      },
      { defer: true },
    ),
  )
  const rows = createMemo(() => visibleConversations(panel.state))
  const win = createListWindow(() => rows().length)
  const shown = () => rows().slice(win.range().start, win.range().end)
  const setSize = () => (panel.state.nextCursor ? -1 : rows().length)
  onMount(() => win.attach(list))
  // Heights as rendered correct the window's estimate: when other rows come into view.
  createEffect(
    on(
      () => [win.range().start, win.range().end],
      () => win.measure(() => list.querySelectorAll<HTMLElement>(':scope > .row-item')),
    ),
  )
  // A conversation opened from elsewhere (a shortcut, a link, a notification) comes into view.
  createEffect(
    on(
      () => panel.state.selectedId,
      (id) => {
        const index = id === null ? -1 : rows().findIndex((c) => c.id === id)
        if (index >= 0) win.scrollToIndex(index)
      },
    ),
  )
  return (
    <section class="pane list-pane" aria-label={t('Conversations')}>
      <div class="list-search">
        <SearchBox />
      </div>
      <div class="list-head">
        <h2>{t('Conversations')}</h2>
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
        <ul class="conversations" ref={list}>
          <li class="spacer" aria-hidden="true" style={{ height: `${win.before()}px` }} />
          <For each={shown()}>
            {(conversation, i) => (
              <InboxRow
                conversation={conversation}
                now={now()}
                position={win.range().start + i() + 1}
                setSize={setSize()}
              />
            )}
          </For>
          <li class="spacer" aria-hidden="true" style={{ height: `${win.after()}px` }} />
          <Show when={!panel.state.loadingList && rows().length === 0}>
            <li class="muted empty-list">{t('No conversations here')}</li>
          </Show>
          <li ref={sentinel} class="sentinel" aria-hidden="true">
            <Show when={panel.state.loadingList}>{t('Loading…')}</Show>
          </li>
        </ul>
      </div>
    </section>
  )
}
