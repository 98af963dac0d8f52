/**
 * The inbox: the list and the conversation side by side; on a phone-sized screen they are two
 * screens (data-screen tells the CSS which one shows), with back navigation.
 */
import { Show } from 'solid-js'
import { usePanel } from '../context.ts'
import { ConversationPane } from './ConversationPane.tsx'
import { InboxList } from './InboxList.tsx'

export function InboxPage() {
  const panel = usePanel()
  return (
    <main class="inbox" data-screen={panel.state.selectedId ? 'conversation' : 'list'}>
      <InboxList />
      <Show
        when={panel.state.selectedId}
        keyed
        fallback={
          <section class="pane empty">
            <p class="muted">Select a conversation</p>
          </section>
        }
      >
        {(id) => <ConversationPane id={id} />}
      </Show>
    </main>
  )
}
