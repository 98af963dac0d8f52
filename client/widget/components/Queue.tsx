/**
 * "You are #2 in line" while the conversation waits for an operator (R6), above the composer.
 * The region stays in place (empty when not waiting) so that each new place is read out once.
 */
import { Show } from 'solid-js'
import { useWidget } from '../context.ts'
import { queuePlace } from '../derive.ts'

export function Queue() {
  const w = useWidget()
  return (
    <div role="status" data-testid="queue">
      <Show when={queuePlace(w.state)}>{(n) => <p class="queue">{w.t.place(n())}</p>}</Show>
    </div>
  )
}
