/**
 * The operator's notification preferences (issue 16), kept per device: what alerts a hidden
 * tab gives, and whether it beeps. Per device on purpose: the browser's own notification
 * permission is per device too, and a phone and a desktop want different things.
 */

/** What a hidden panel may alert about. */
export type AlertKind = 'conversations' | 'messages' | 'assignments' | 'mentions'

export interface NotifyPrefs {
  /** The beep with each alert. */
  sound: boolean
  /** Browser notifications (and the beep) per kind of event. */
  alerts: Record<AlertKind, boolean>
}

const KEY = 'parley:notify'

export const DEFAULT_PREFS: NotifyPrefs = {
  sound: true,
  alerts: { conversations: true, messages: true, assignments: true, mentions: true },
}

/** This device's preferences; the defaults for anything not stored or unreadable. */
export function loadPrefs(): NotifyPrefs {
  try {
    const stored = JSON.parse(localStorage.getItem(KEY) ?? '{}') as Partial<NotifyPrefs>
    const alerts = { ...DEFAULT_PREFS.alerts }
    for (const kind of Object.keys(alerts) as AlertKind[]) {
      if (typeof stored.alerts?.[kind] === 'boolean') alerts[kind] = stored.alerts[kind]
    }
    return { sound: typeof stored.sound === 'boolean' ? stored.sound : true, alerts }
  } catch {
    return structuredClone(DEFAULT_PREFS)
  }
}

export function savePrefs(prefs: NotifyPrefs): void {
  try {
    localStorage.setItem(KEY, JSON.stringify(prefs))
  } catch {
    // Storage full or off: the choice lasts for this page only.
  }
}
