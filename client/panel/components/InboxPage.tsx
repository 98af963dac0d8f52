/**
 * The inbox: the list, the conversation and its visitor side by side; on a phone-sized screen
 * they are screens of their own (data-screen tells the CSS which one shows), with back
 * navigation.
 */
import { Show } from 'solid-js'
import { usePanel } from '../context.ts'
import { t } from '../i18n.ts'
import { ConversationPane } from './ConversationPane.tsx'
import { InboxList } from './InboxList.tsx'
import { VisitorSidebar } from './VisitorSidebar.tsx'

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
            <p class="muted">{t('Select a conversation')}</p>
          </section>
        }
      >
        {(id) => (
          <>
            <ConversationPane id={id} />
            <VisitorSidebar />
          </>
        )}
      </Show>
    </main>
  )
}
