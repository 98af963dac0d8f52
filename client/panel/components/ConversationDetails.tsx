/**
 * Under the conversation's title: where the visitor is (GeoIP), its branch and its assignee
 * (the rest about the visitor is in the sidebar, VisitorSidebar). Learns the names it shows (and those of the thread's transfers) as they
 * come up.
 */
import { createEffect, Show } from 'solid-js'
import type { Conversation } from '../../shared/index.ts'
import { SafeText } from '../../shared/ui/SafeText.tsx'
import { usePanel } from '../context.ts'
import { branchName, operatorName } from '../derive.ts'
import { placeName } from '../format.ts'

export function ConversationDetails(props: { conversation: Conversation }) {
  const panel = usePanel()
  createEffect(() => {
    const ids = [props.conversation.assigneeId]
    for (const t of panel.state.activity) {
      if (t.name !== 'conversation.assigned' || t.data.reason !== 'transfer') continue
      ids.push(t.data.assigneeId, t.data.by.kind === 'operator' ? t.data.by.id : null)
    }
    void panel.actions.learnNames(props.conversation, ids)
  })
  const branch = () => {
    const id = props.conversation.branchId
    return id ? branchName(panel.state, props.conversation.inboxId, id) : null
  }
  const assignee = () => {
    const id = props.conversation.assigneeId
    if (!id) return 'Unassigned'
    if (id === panel.state.login?.operator.id) return 'You'
    return operatorName(panel.state, id) ?? 'A colleague'
  }
  return (
    <dl class="conv-details">
      <Show when={props.conversation.location}>
        {(location) => (
          <div>
            <dt>Location</dt>
            <dd>
              <SafeText text={placeName(location())} />
            </dd>
          </div>
        )}
      </Show>
      <Show when={branch()}>
        {(name) => (
          <div>
            <dt>Branch</dt>
            <dd>
              <SafeText text={name()} />
            </dd>
          </div>
        )}
      </Show>
      <div>
        <dt>Assigned to</dt>
        <dd data-testid="assignee">
          <SafeText text={assignee()} />
        </dd>
      </div>
    </dl>
  )
}
