/**
 * What a screen reader hears of the live inbox (issue 16, accessibility): new conversations and
 * new visitor messages, through one polite live region. A busy inbox must not flood it: the
 * first event is said after a moment (its visitor's name known by then), the ones within the next
 * few seconds are summed up in one line. Said in the UI language (read when said).
 */
import { t, tn } from './i18n.ts'

/** The first event is said this long after it arrives: the list has learnt its visitor's name. */
export const ANNOUNCE_SETTLE_MS = 800
/** Events within this long after an announcement are summed into the next one. */
export const ANNOUNCE_WINDOW_MS = 3000

/** `from` is read when the line is said, so a name learnt meanwhile is the one heard. */
export type Arrival = { kind: 'conversation' | 'message'; from: () => string }

export function createAnnouncer(
  say: (text: string) => void,
  timers: {
    set: (fn: () => void, ms: number) => unknown
    clear: (handle: unknown) => void
  } = {
    set: (fn, ms) => setTimeout(fn, ms),
    clear: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
  },
) {
  let held: Arrival[] = []
  /** Pending: the first line's settle time, or the window after a line was said. */
  let timer: unknown = null

  const flush = () => {
    timer = null
    if (held.length === 0) return
    say(summary(held))
    held = []
    timer = timers.set(flush, ANNOUNCE_WINDOW_MS)
  }

  return {
    arrived(arrival: Arrival) {
      held.push(arrival)
      if (timer === null) timer = timers.set(flush, ANNOUNCE_SETTLE_MS)
    },
    stop() {
      if (timer !== null) timers.clear(timer)
      timer = null
      held = []
    },
  }
}

/** "New message from Amber Fox", or "3 new messages and 1 new conversation". */
export function summary(arrivals: Arrival[]): string {
  if (arrivals.length === 1) {
    const [only] = arrivals as [Arrival]
    return only.kind === 'conversation'
      ? t('New conversation from {name}', { name: only.from() })
      : t('New message from {name}', { name: only.from() })
  }
  const conversations = arrivals.filter((a) => a.kind === 'conversation').length
  const messages = arrivals.length - conversations
  const ofMessages = messages > 0 ? tn(messages, '{n} new message', '{n} new messages') : ''
  const ofConversations =
    conversations > 0 ? tn(conversations, '{n} new conversation', '{n} new conversations') : ''
  if (ofMessages && ofConversations) {
    return t('{messages} and {conversations}', {
      messages: ofMessages,
      conversations: ofConversations,
    })
  }
  return ofMessages || ofConversations
}
