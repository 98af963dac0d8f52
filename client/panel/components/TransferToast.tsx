/**
 * "Anna transferred a conversation to you", with her note, while the panel is in view (a hidden
 * tab gets a notification instead, see notify.ts). Stays until opened or dismissed; not shown
 * for the conversation already on screen, whose thread shows the note.
 */
import { Show } from 'solid-js'
import { SafeText } from '../../shared/ui/SafeText.tsx'
import { usePanel } from '../context.ts'
import { ToastActions } from './ToastActions.tsx'
import { operatorName } from '../derive.ts'
import { t } from '../i18n.ts'

export function TransferToast() {
  const panel = usePanel()
  const toast = () => {
    const item = panel.state.toast
    return item && item.conversationId !== panel.state.selectedId ? item : null
  }
  return (
    <div class="toast-region" role="status">
      <Show when={toast()}>
        {(item) => (
          <div class="toast">
            <p>
              {t('{name} transferred a conversation to you')
                .split(/(\{name\})/)
                .map((part) =>
                  part === '{name}' ? (
                    <SafeText
                      text={
                        (item().by && operatorName(panel.state, item().by ?? '')) ||
                        t('A colleague')
                      }
                    />
                  ) : (
                    part
                  ),
                )}
              <Show when={item().note}>
                {(note) => (
                  <>
                    : <SafeText class="toast-note" text={note()} />
                  </>
                )}
              </Show>
            </p>
            <ToastActions
              conversationId={item().conversationId}
              dismiss={() => panel.actions.dismissToast()}
            />
          </div>
        )}
      </Show>
    </div>
  )
}
