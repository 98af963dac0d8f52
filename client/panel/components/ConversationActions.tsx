/** Assign to me / release, and resolve, close or reopen (operators with chat permission). */
import { Show } from 'solid-js'
import { usePanel } from '../context.ts'
import { selected } from '../derive.ts'

export function ConversationActions() {
  const panel = usePanel()
  const me = () => panel.state.login?.operator.id ?? ''
  const c = () => selected(panel.state)
  return (
    <Show when={c() && panel.state.login?.operator.canChat}>
      <div class="conv-actions">
        <Show
          when={c()?.assigneeId === me()}
          fallback={
            <button type="button" class="secondary" onClick={() => panel.actions.assign(me())}>
              Assign to me
            </button>
          }
        >
          <button type="button" class="secondary" onClick={() => panel.actions.assign(null)}>
            Release
          </button>
        </Show>
        <Show
          when={c()?.status === 'open'}
          fallback={
            <button type="button" class="secondary" onClick={() => panel.actions.setStatus('open')}>
              Reopen
            </button>
          }
        >
          <button type="button" onClick={() => panel.actions.setStatus('resolved')}>
            Resolve
          </button>
          <button type="button" class="secondary" onClick={() => panel.actions.setStatus('closed')}>
            Close
          </button>
        </Show>
      </div>
    </Show>
  )
}
