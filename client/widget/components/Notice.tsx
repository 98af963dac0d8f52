/** One dismissible message about the last action that failed (read already, offline, ...). */
import { Show } from 'solid-js'
import { useWidget } from '../context.ts'
import { Icon } from '../../shared/ui/Icon.tsx'

export function Notice() {
  const w = useWidget()
  return (
    <Show when={w.state.notice}>
      {(key) => (
        <div class="notice" role="alert" data-notice={key()}>
          <Icon name="alert" size={18} />
          <span class="notice-text">{w.t[key()]}</span>
          <button
            type="button"
            class="icon-button"
            aria-label={w.t.dismiss}
            onClick={() => w.actions.dismissNotice()}
          >
            <Icon name="close" size={16} />
          </button>
        </div>
      )}
    </Show>
  )
}
