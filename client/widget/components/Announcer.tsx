/** A polite live region that reads each new operator message to screen-reader users. */
import { Show } from 'solid-js'
import { useWidget } from '../context.ts'

export function Announcer() {
  const w = useWidget()
  return (
    <div class="sr-only" role="status" aria-live="polite" aria-atomic="true">
      <Show when={w.state.announcement}>
        {w.t.newMessage} {w.state.announcement}
      </Show>
    </div>
  )
}
