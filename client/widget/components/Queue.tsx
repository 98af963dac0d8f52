/**
 * "You are #2 in line" while the conversation waits for an operator (R6), above the composer.
 * The region stays in place (empty when not waiting) so that each new place is read out once.
 * Not shown when the inbox turned it off (appearance.showQueuePosition).
 */
import { Show } from 'solid-js'
import { useWidget } from '../context.ts'
import { queuePlace } from '../derive.ts'
import { appearanceOf } from '../appearance.ts'

export function Queue() {
  const w = useWidget()
  return (
    <div role="status" data-testid="queue">
      <Show when={appearanceOf(w.state).showQueuePosition && queuePlace(w.state)}>
        {(n) => <p class="queue">{w.t.place(n())}</p>}
      </Show>
    </div>
  )
}
