/**
 * Under the conversation's title: the channel it came by (e-mail, Telegram, the API; none for
 * the widget's), where the visitor is (GeoIP), its branch and its assignee, its priority and
 * labels (ConversationTags), its SLA (issue 20, SlaDetails: on demand) and who follows it
 * (FollowToggle; the rest about the visitor is in
 * the sidebar, VisitorSidebar).
 * Learns the names it shows (and those of the thread's transfers) as they come up.
 */
import { createEffect, lazy, Show } from 'solid-js'
import type { Conversation } from '../../shared/index.ts'
import { SafeText } from '../../shared/ui/SafeText.tsx'
import { usePanel } from '../context.ts'
import { branchName, operatorName } from '../derive.ts'
import { placeName } from '../format.ts'
import { t } from '../i18n.ts'
import { ChannelMark } from './ChannelMark.tsx'
import { ConversationTags } from './ConversationTags.tsx'
import { FollowToggle } from './FollowToggle.tsx'

const SlaDetails = lazy(() =>
  import('../attributes/index.ts').then((m) => ({ default: m.SlaDetails })),
)

export function ConversationDetails(props: { conversation: Conversation }) {
  const panel = usePanel()
  createEffect(() => {
    const ids = [props.conversation.assigneeId]
    for (const line of panel.state.activity) {
      if (line.name !== 'conversation.assigned' || line.data.reason !== 'transfer') continue
      ids.push(line.data.assigneeId, line.data.by.kind === 'operator' ? line.data.by.id : null)
    }
    void panel.actions.learnNames(props.conversation, ids)
  })
  const branch = () => {
    const id = props.conversation.branchId
    return id ? branchName(panel.state, props.conversation.inboxId, id) : null
  }
  const assignee = () => {
    const id = props.conversation.assigneeId
    if (!id) return t('Unassigned')
    if (id === panel.state.login?.operator.id) return t('You')
    return operatorName(panel.state, id) ?? t('A colleague')
  }
  return (
    <dl class="conv-details">
      <Show when={props.conversation.channel}>
        <div>
          <dt>{t('Channel')}</dt>
          <dd>
            <ChannelMark of={props.conversation} named />
          </dd>
        </div>
      </Show>
      <Show when={props.conversation.location}>
        {(location) => (
          <div>
            <dt>{t('Location')}</dt>
            <dd>
              <SafeText text={placeName(location())} />
            </dd>
          </div>
        )}
      </Show>
      <Show when={branch()}>
        {(name) => (
          <div>
            <dt>{t('Branch')}</dt>
            <dd>
              <SafeText text={name()} />
            </dd>
          </div>
        )}
      </Show>
      <div>
        <dt>{t('Assigned to')}</dt>
        <dd data-testid="assignee">
          <SafeText text={assignee()} />
        </dd>
      </div>
      <ConversationTags conversation={props.conversation} />
      <SlaDetails conversation={props.conversation} />
      <FollowToggle conversation={props.conversation} />
    </dl>
  )
}
