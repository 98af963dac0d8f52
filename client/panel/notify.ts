/**
 * Getting the operator's attention while the tab is hidden: a browser notification (when
 * permitted) and the shared beep. Permission and audio both need a user gesture: `prime()`.
 */
import { beep, unlockAudio } from '../shared/index.ts'

const supported = () => typeof Notification !== 'undefined'

/** Call from a user gesture (signing in, a click): unlocks audio, asks for permission once. */
export function prime(): void {
  unlockAudio()
  if (supported() && Notification.permission === 'default') {
    void Notification.requestPermission().catch(() => undefined)
  }
}

/** One alert per conversation in this window: a start with text is two feed frames. */
const QUIET_MS = 3000
const lastAlert = new Map<string, number>()

/**
 * Rings and notifies, only when the panel is not being looked at. `always`: even right after
 * another alert of the conversation (a transfer's note must not be swallowed by the quiet time).
 */
export function alertHidden(
  conversationId: string,
  title: string,
  body: string,
  onClick: () => void,
  opts: { always?: boolean } = {},
): void {
  if (document.visibilityState === 'visible') return
  const now = Date.now()
  if (!opts.always && now - (lastAlert.get(conversationId) ?? 0) < QUIET_MS) return
  lastAlert.set(conversationId, now)
  beep()
  if (!supported() || Notification.permission !== 'granted') return
  const n = new Notification(title, { body, tag: conversationId })
  n.onclick = () => {
    window.focus()
    onClick()
    n.close()
  }
}
