/**
 * Getting the operator's attention while the tab is hidden: a browser notification (when
 * permitted) and the shared beep. Permission and audio both need a user gesture: `prime()`.
 */
import { beep, unlockAudio } from '../shared/index.ts'
import { loadPrefs, type AlertKind } from './prefs.ts'

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
  kind: AlertKind,
  conversationId: string,
  title: string,
  body: string,
  onClick: () => void,
  opts: { always?: boolean } = {},
): void {
  if (document.visibilityState === 'visible') return
  // This device's preferences (prefs.ts): this kind of alert off, or the beep off.
  const prefs = loadPrefs()
  if (!prefs.alerts[kind]) return
  const now = Date.now()
  if (!opts.always && now - (lastAlert.get(conversationId) ?? 0) < QUIET_MS) return
  lastAlert.set(conversationId, now)
  if (prefs.sound) beep()
  if (!supported() || Notification.permission !== 'granted') return
  const n = new Notification(title, { body, tag: conversationId })
  n.onclick = () => {
    window.focus()
    onClick()
    n.close()
  }
}

/** The browser's notification permission here: 'unsupported' when it has none. */
export function permission(): NotificationPermission | 'unsupported' {
  return supported() ? Notification.permission : 'unsupported'
}

/** Asks for the permission (from a click); what the browser answered. */
export async function askPermission(): Promise<NotificationPermission | 'unsupported'> {
  if (!supported()) return 'unsupported'
  try {
    return await Notification.requestPermission()
  } catch {
    return Notification.permission
  }
}
