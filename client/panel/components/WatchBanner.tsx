/**
 * Supervisor mode (O5): above the thread, what the visitor sees of this supervisor. Watching
 * invisibly: they see nothing (no receipts, no typing); "Take over" assigns it to me and joins,
 * "Join visibly" only joins. Without the chat permission: read-only, nothing to join.
 */
import { Show } from 'solid-js'
import { usePanel } from '../context.ts'
import { t } from '../i18n.ts'
import '../supervisor.css'

export function WatchBanner() {
  const panel = usePanel()
  const canChat = () => panel.state.login?.operator.canChat === true
  return (
    <Show when={panel.state.watching}>
      <div class="watch-banner" role="status" data-testid="watch-banner">
        <Show
          when={canChat()}
          fallback={
            <p>{t('Read-only: you can view this conversation but not take part in it.')}</p>
          }
        >
          <p>{t('You are watching invisibly: the visitor does not see you.')}</p>
          <div class="watch-actions">
            <button type="button" onClick={() => void panel.actions.takeOver()}>
              {t('Take over')}
            </button>
            <button type="button" class="secondary" onClick={() => panel.actions.joinVisibly()}>
              {t('Join visibly')}
            </button>
          </div>
        </Show>
      </div>
    </Show>
  )
}
