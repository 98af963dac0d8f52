/**
 * Collision detection (issue 20): while a thread is open (subscribed visibly, the tab visible,
 * connected) the panel says so (`viewing`), again every RENEW_MS because the server forgets a
 * mark after a minute, and says when it is not any more. Colleagues who have it open too come
 * as `viewers` events, those writing a reply as operator `typing` events: both into the store,
 * this operator left out. An invisible watcher says nothing (the server would refuse it).
 */
import type { EventFrame, Transport, TypingEventFrame, ViewersEventFrame } from '../shared/index.ts'
import type { PanelMutations, PanelState } from './store.ts'

/** Well within the server's 60 s (VIEWING_TTL_MS). */
const RENEW_MS = 25_000
/** A colleague's typing notice is dropped after this long without news (a lost "off"). */
const TYPING_TTL_MS = 10_000

export function createCollision(state: PanelState, m: PanelMutations, transport: Transport) {
  /** The conversation this panel said it has open, and the timer that says it again. */
  let marked: string | null = null
  let renew: ReturnType<typeof setInterval> | undefined
  const typing = new Map<string, ReturnType<typeof setTimeout>>()
  const others = (ids: string[]) => ids.filter((id) => id !== state.login?.operator.id)

  const say = (conversationId: string, on: boolean) =>
    transport.request<{ viewers: string[] }>({ type: 'viewing', conversationId, on }).then(
      (ack) => on && state.selectedId === conversationId && m.set('viewers', others(ack.viewers)),
      () => undefined,
    )

  const setTyping = (id: string, on: boolean) => {
    clearTimeout(typing.get(id))
    typing.delete(id)
    if (on) {
      const lapse = setTimeout(() => setTyping(id, false), TYPING_TTL_MS)
      typing.set(id, lapse)
    }
    m.set('typists', [...typing.keys()])
  }

  return {
    /**
     * Call whenever what is on screen may have changed: says `viewing` on or off as it is now
     * (on again after a reconnect: the mark may have lapsed meanwhile).
     */
    sync() {
      const id = state.selectedId
      const open =
        id !== null &&
        state.subscribed === id &&
        !state.watching &&
        state.connection === 'connected' &&
        document.visibilityState === 'visible'
      const next = open ? id : null
      if (marked && marked !== next && state.connection === 'connected') void say(marked, false)
      if (next && next !== marked) {
        void say(next, true)
        clearInterval(renew)
        renew = setInterval(() => void say(next, true), RENEW_MS)
      }
      if (!next) clearInterval(renew)
      marked = next
    },
    onViewers(frame: ViewersEventFrame) {
      if (frame.conversationId === state.selectedId) {
        m.set('viewers', others(frame.data.operators))
      }
    },
    onEvent(frame: EventFrame | TypingEventFrame) {
      if (frame.conversationId !== state.selectedId) return
      if (frame.name === 'typing') {
        const { party, on } = frame.data
        if (party.kind === 'operator' && party.id !== state.login?.operator.id) {
          setTyping(party.id, on)
        }
      } else if (frame.name === 'message.created') {
        const author = frame.data.message.author
        if (typing.has(author.id)) setTyping(author.id, false)
      }
    },
    /** Another conversation opens: its typists are its own. */
    clearTyping() {
      for (const id of [...typing.keys()]) setTyping(id, false)
    },
  }
}
