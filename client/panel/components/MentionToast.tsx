/**
 * "Anna mentioned you: …" while the panel is in view (a hidden tab gets a notification instead,
 * see chat.ts). Stays until opened or dismissed; not shown for the conversation on screen, whose
 * thread shows the note.
 */
import { createEffect, Show } from 'solid-js'
import { SafeText } from '../../shared/ui/SafeText.tsx'
import { nameOf } from '../activity.ts'
import { usePanel } from '../context.ts'
import { t } from '../i18n.ts'
import { ToastActions } from './ToastActions.tsx'

export function MentionToast() {
  const panel = usePanel()
  const mention = () => {
    const item = panel.state.mention
    return item && item.conversationId !== panel.state.selectedId ? item : null
  }
  // The author's name, from the conversation's team (or its public names).
  createEffect(() => {
    const item = panel.state.mention
    const c = item && panel.state.conversations.find((x) => x.id === item.conversationId)
    if (c && item) void panel.actions.learnNames(c, [item.by.id])
  })
  return (
    <div class="toast-region mention-region" role="status">
      <Show when={mention()}>
        {(item) => (
          <div class="toast mention-toast">
            <p>
              {t('{name} mentioned you in a note:')
                .split(/(\{name\})/)
                .map((part) =>
                  part === '{name}' ? <SafeText text={nameOf(panel.state, item().by.id)} /> : part,
                )}{' '}
              <SafeText class="toast-note" text={item().excerpt} />
            </p>
            <ToastActions
              conversationId={item().conversationId}
              dismiss={() => panel.actions.dismissMention()}
            />
          </div>
        )}
      </Show>
    </div>
  )
}
