/** A polite live region that reads each new message from the team to screen-reader users. */
import { useWidget } from '../context.ts'

export function Announcer() {
  const w = useWidget()
  return (
    <div class="sr-only" role="status" aria-live="polite" aria-atomic="true">
      {w.state.announcement}
    </div>
  )
}
