/** One conversation in the list: visitor, status, assignee, activity, unanswered marker, unread. */
import { createEffect, Show } from 'solid-js'
import type { Conversation } from '../../shared/index.ts'
import { SafeText } from '../../shared/ui/SafeText.tsx'
import { usePanel } from '../context.ts'
import { operatorName, visitorLabel } from '../derive.ts'
import { when } from '../format.ts'

export function InboxRow(props: { conversation: Conversation }) {
  const panel = usePanel()
  const unread = () => panel.state.unread[props.conversation.id] ?? 0
  // A colleague's name comes with the inbox's team (loaded once per inbox).
  createEffect(() => {
    const { assigneeId, inboxId } = props.conversation
    if (assigneeId && !operatorName(panel.state, assigneeId)) {
      panel.actions.loadTeam(inboxId).catch(() => undefined)
    }
  })
  const assignee = () => {
    const id = props.conversation.assigneeId
    if (!id) return 'Unassigned'
    if (id === panel.state.login?.operator.id) return 'You'
    return operatorName(panel.state, id) ?? 'Colleague'
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
            <SafeText class="name" text={visitorLabel(panel.state, props.conversation.visitorId)} />
            <time>{when(props.conversation.lastMessageAt ?? props.conversation.createdAt)}</time>
          </span>
          <span class="row-sub">
            <span class="pill" data-status={props.conversation.status}>
              {props.conversation.status}
            </span>
            <SafeText class="muted" text={assignee()} />
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
