/** One conversation in the list: visitor, status, activity, unanswered marker, unread count. */
import { Show } from 'solid-js'
import type { Conversation } from '../../shared/index.ts'
import { usePanel } from '../context.ts'
import { visitorName, when } from '../format.ts'

export function InboxRow(props: { conversation: Conversation }) {
  const panel = usePanel()
  const unread = () => panel.state.unread[props.conversation.id] ?? 0
  const assignee = () => {
    const id = props.conversation.assigneeId
    if (!id) return 'Unassigned'
    return id === panel.state.login?.operator.id ? 'You' : 'Colleague'
  }
  return (
    <li>
      <button
        type="button"
        class="conversation-row"
        data-conversation-id={props.conversation.id}
        data-unanswered={props.conversation.hasUnansweredIncoming ? 'true' : undefined}
        aria-current={panel.state.selectedId === props.conversation.id ? 'true' : undefined}
        onClick={() => void panel.actions.openConversation(props.conversation.id)}
      >
        <span class="avatar" aria-hidden="true">
          {props.conversation.visitorId.slice(-2).toUpperCase()}
        </span>
        <span class="row-main">
          <span class="row-title">
            <span class="name">{visitorName(props.conversation.visitorId)}</span>
            <time>{when(props.conversation.lastMessageAt ?? props.conversation.createdAt)}</time>
          </span>
          <span class="row-sub">
            <span class="pill" data-status={props.conversation.status}>
              {props.conversation.status}
            </span>
            <span class="muted">{assignee()}</span>
            <Show when={props.conversation.hasUnansweredIncoming}>
              <span class="unanswered" title="Waiting for a reply">
                Unanswered
              </span>
            </Show>
            <Show when={unread() > 0}>
              <span class="badge" aria-label={`${unread()} unread`}>
                {unread()}
              </span>
            </Show>
          </span>
        </span>
      </button>
    </li>
  )
}
