/**
 * Following (issue 20), among the conversation's details: "Followed by Anna, Ben" and a
 * "Follow" / "Following" toggle for the operator (any operator who may view it, erased or not).
 * Learns the followers' names as they come up.
 */
import { createEffect } from 'solid-js'
import type { Conversation } from '../../shared/index.ts'
import { nameOf } from '../activity.ts'
import { usePanel } from '../context.ts'
import { t } from '../i18n.ts'

export function FollowToggle(props: { conversation: Conversation }) {
  const panel = usePanel()
  const followers = () => panel.state.followers ?? []
  const following = () => panel.state.followed[props.conversation.id] === true
  createEffect(() => void panel.actions.learnNames(props.conversation, followers()))
  return (
    <div class="follow">
      <dt>{t('Followed by')}</dt>
      <dd>
        {followers()
          .map((id) => nameOf(panel.state, id))
          .join(', ') || t('Nobody')}
        <button
          type="button"
          class="secondary"
          aria-pressed={following()}
          onClick={() => void panel.actions.toggleFollow()}
        >
          {following() ? t('Following') : t('Follow')}
        </button>
      </dd>
    </div>
  )
}
