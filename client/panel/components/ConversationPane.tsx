/** The conversation on screen: its header and actions, the messages, typing, and the composer. */
import { Show } from 'solid-js'
import { Icon } from '../../shared/ui/Icon.tsx'
import { usePanel } from '../context.ts'
import { selected } from '../derive.ts'
import { visitorName } from '../format.ts'
import { Composer } from './Composer.tsx'
import { ConversationActions } from './ConversationActions.tsx'
import { MessageList } from './MessageList.tsx'

export function ConversationPane(props: { id: string }) {
  const panel = usePanel()
  const conversation = () => selected(panel.state)
  return (
    <section class="pane conversation" data-conversation-id={props.id} aria-label="Conversation">
      <header class="conv-head">
        <button
          type="button"
          class="icon-button back"
          aria-label="Back to conversations"
          onClick={() => panel.actions.back()}
        >
          <Icon name="back" />
        </button>
        <div class="conv-title">
          <h2>{conversation() ? visitorName(conversation()?.visitorId ?? '') : 'Conversation'}</h2>
          <Show when={conversation()}>
            {(c) => (
              <span class="pill" data-status={c().status}>
                {c().status}
              </span>
            )}
          </Show>
        </div>
        <ConversationActions />
      </header>
      <Show when={panel.state.notice}>
        <div class="notice" role="alert">
          <span>{panel.state.notice}</span>
          <button
            type="button"
            class="icon-button small"
            aria-label="Dismiss"
            onClick={() => panel.actions.dismissNotice()}
          >
            <Icon name="close" size={16} />
          </button>
        </div>
      </Show>
      <MessageList />
      <Show when={panel.state.visitorTyping}>
        <p class="typing" aria-live="polite">
          Visitor is typing…
        </p>
      </Show>
      <Composer />
    </section>
  )
}
