/**
 * The team's availability (R5, R6): asked when the widget loads, when the chat opens, and every
 * minute while it stays open, never more often. A failed answer keeps the last one.
 */
import type { AvailabilityView } from '../shared/index.ts'

const POLL_MS = 60_000

export function availabilityPoller(
  fetch: () => Promise<AvailabilityView>,
  set: (availability: AvailabilityView) => void,
) {
  let timer: ReturnType<typeof setInterval> | undefined
  let asking = false
  const check = () => {
    // The load and a chat restored open ask at the same moment: one request serves both.
    if (asking) return
    asking = true
    fetch()
      .then(set, () => undefined)
      .finally(() => (asking = false))
  }
  return {
    check,
    /** Asks now and then every minute while the chat is open; stops when it closes. */
    watch(open: boolean) {
      clearInterval(timer)
      if (!open) return
      check()
      timer = setInterval(check, POLL_MS)
    },
  }
}
