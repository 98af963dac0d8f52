/**
 * "Also viewing: Bob, Carol" under the thread's header (collision detection, issue 20): the
 * colleagues who have this conversation open too, with their pictures; names learnt from the
 * inbox's team. A polite live region, so a screen reader hears a colleague come or go.
 */
import { createEffect, For, Show } from 'solid-js'
import type { Conversation } from '../../shared/index.ts'
import { nameOf } from '../activity.ts'
import { usePanel } from '../context.ts'
import { t } from '../i18n.ts'
import { Avatar } from './Avatar.tsx'

export function AlsoViewing(props: { conversation: Conversation }) {
  const panel = usePanel()
  const ids = () => panel.state.viewers
  createEffect(() => {
    if (ids().length > 0) void panel.actions.learnNames(props.conversation, ids())
  })
  const avatar = (id: string) =>
    panel.state.teams[props.conversation.inboxId]?.operators.find((op) => op.id === id)?.avatarId
  return (
    <p class="viewers" role="status">
      <Show when={ids().length > 0}>
        <For each={ids()}>
          {(id) => (
            <Avatar name={nameOf(panel.state, id)} colorKey={id} avatarId={avatar(id)} size={20} />
          )}
        </For>
        {t('Also viewing: {names}', {
          names: ids()
            .map((id) => nameOf(panel.state, id))
            .join(', '),
        })}
      </Show>
    </p>
  )
}
