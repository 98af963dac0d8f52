/**
 * The visitor's typing notices (C4): "on" at the first keystroke and again every 5 s while
 * typing goes on (the server forgets it after 8 s), "off" after 4 s without a keystroke, and at
 * once when the draft is emptied. Sending a message turns it off on the server by itself.
 */
const REFRESH_MS = 5000
const IDLE_MS = 4000

export interface TypingSender {
  /** A keystroke; with the draft, an empty (or blank) one means "stopped typing" now. */
  input(draft?: string): void
  stop(): void
  /** A message was sent: the server already turned typing off. */
  sent(): void
}

export function typingSender(send: (on: boolean) => void): TypingSender {
  let on = false
  let lastSent = 0
  let idle: ReturnType<typeof setTimeout> | undefined
  const stop = () => {
    clearTimeout(idle)
    if (!on) return
    on = false
    send(false)
  }
  return {
    input(draft?: string) {
      if (draft !== undefined && draft.trim() === '') return stop()
      const now = Date.now()
      if (!on || now - lastSent >= REFRESH_MS) {
        on = true
        lastSent = now
        send(true)
      }
      clearTimeout(idle)
      idle = setTimeout(stop, IDLE_MS)
    },
    stop,
    sent() {
      clearTimeout(idle)
      on = false
    },
  }
}
