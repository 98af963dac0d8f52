/**
 * Notification preferences on this device (prefs.ts): which events alert a hidden panel, the
 * beep, and the browser's permission for notifications (asked from here when not decided).
 * Changes apply at once.
 */
import { createSignal, For, Show } from 'solid-js'
import { askPermission, permission } from '../notify.ts'
import { loadPrefs, savePrefs, type AlertKind, type NotifyPrefs } from '../prefs.ts'
import { Modal } from './Modal.tsx'

const KINDS: ReadonlyArray<[AlertKind, string]> = [
  ['conversations', 'New conversations'],
  ['messages', 'New messages from visitors'],
  ['assignments', 'Conversations assigned or transferred to me'],
  ['mentions', 'Mentions in notes'],
]

const PERMISSION: Record<ReturnType<typeof permission>, string> = {
  granted: 'Browser notifications are allowed.',
  denied: 'This browser blocks notifications from Parley: allow them in its site settings.',
  default: 'This browser has not been asked yet.',
  unsupported: 'This browser shows no notifications; alerts only beep.',
}

export function NotificationsDialog(props: { onClose: () => void }) {
  const [prefs, setPrefs] = createSignal<NotifyPrefs>(loadPrefs())
  const [allowed, setAllowed] = createSignal(permission())
  const change = (next: NotifyPrefs) => {
    setPrefs(next)
    savePrefs(next)
  }
  return (
    <Modal title="Notifications" onClose={props.onClose}>
      {(close) => (
        <div class="dialog-body">
          <p class="muted">While Parley is in a background tab, on this device, alert me about:</p>
          <fieldset class="checks">
            <legend class="sr-only">Alert me about</legend>
            <For each={KINDS}>
              {([kind, label]) => (
                <label class="toggle">
                  <input
                    type="checkbox"
                    checked={prefs().alerts[kind]}
                    onChange={(e) =>
                      change({
                        ...prefs(),
                        alerts: { ...prefs().alerts, [kind]: e.currentTarget.checked },
                      })
                    }
                  />
                  {label}
                </label>
              )}
            </For>
          </fieldset>
          <label class="toggle">
            <input
              type="checkbox"
              checked={prefs().sound}
              onChange={(e) => change({ ...prefs(), sound: e.currentTarget.checked })}
            />
            Play a sound
          </label>
          <p role="status">{PERMISSION[allowed()]}</p>
          <Show when={allowed() === 'default'}>
            <button
              type="button"
              class="secondary"
              onClick={() => void askPermission().then(setAllowed)}
            >
              Allow browser notifications
            </button>
          </Show>
          <div class="form-foot">
            <button type="button" onClick={close}>
              Done
            </button>
          </div>
        </div>
      )}
    </Modal>
  )
}
