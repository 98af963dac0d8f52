/** "Operator is typing..." while any operator's typing notice is on (C4). */
import { Show } from 'solid-js'
import { useWidget } from '../context.ts'

export function TypingIndicator() {
  const w = useWidget()
  return (
    <Show when={w.state.typing.length > 0}>
      <div class="typing" data-testid="typing">
        <span class="dots" aria-hidden="true">
          <i />
          <i />
          <i />
        </span>
        {w.t.typing}
      </div>
    </Show>
  )
}
