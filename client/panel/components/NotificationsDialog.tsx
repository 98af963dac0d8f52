/**
 * Notification preferences on this device (prefs.ts): which events alert a hidden panel, the
 * beep, and the browser's permission for notifications (asked from here when not decided).
 * And the operator's own, on the server (issue 17, I4): an e-mail digest of the conversations
 * waiting for them while no panel of theirs is open, offered only when the server sends e-mail.
 * Changes apply at once; a refused one is undone and says why. Then Web Push on this browser
 * (issue 20): its own on-demand chunk (Push.tsx).
 */
import { createSignal, createUniqueId, For, lazy, Show } from 'solid-js'
import { httpJson } from '../../shared/index.ts'
import { describe } from '../chat.ts'
import { usePanel } from '../context.ts'
import { msg, t } from '../i18n.ts'
import { askPermission, permission } from '../notify.ts'
import { loadPrefs, savePrefs, type AlertKind, type NotifyPrefs } from '../prefs.ts'
import { Modal } from './Modal.tsx'

/** Labels and texts: msg() keys, translated where shown. */
const KINDS: ReadonlyArray<[AlertKind, string]> = [
  ['conversations', msg('New conversations')],
  ['messages', msg('New messages from visitors')],
  ['assignments', msg('Conversations assigned or transferred to me')],
  ['mentions', msg('Mentions in notes')],
]

const PERMISSION: Record<ReturnType<typeof permission>, string> = {
  granted: msg('Browser notifications are allowed.'),
  denied: msg('This browser blocks notifications from Parley: allow them in its site settings.'),
  default: msg('This browser has not been asked yet.'),
  unsupported: msg('This browser shows no notifications; alerts only beep.'),
}

/** `GET`/`PUT /api/me/notifications`. */
interface Digest {
  emailDigest: boolean
  /** Whether the server sends e-mail. */
  available: boolean
}

export function NotificationsDialog(props: { onClose: () => void }) {
  const panel = usePanel()
  const PushSection = lazy(panel.push)
  const [digest, setDigest] = createSignal<Digest>()
  const [failure, setFailure] = createSignal('')
  const hintId = createUniqueId()
  /** Reads the digest's setting, or switches it (undone in the box when refused). */
  const digestCall = async (box?: HTMLInputElement) => {
    setFailure('')
    try {
      setDigest(
        await httpJson<Digest>(panel.http.baseUrl, '/api/me/notifications', {
          method: box && 'PUT',
          body: box && { emailDigest: box.checked },
          token: panel.http.token(),
        }),
      )
    } catch (e) {
      if (box) box.checked = !box.checked
      setFailure(describe(e))
    }
  }
  void digestCall()
  const [prefs, setPrefs] = createSignal<NotifyPrefs>(loadPrefs())
  const [allowed, setAllowed] = createSignal(permission())
  const change = (next: NotifyPrefs) => {
    setPrefs(next)
    savePrefs(next)
  }
  return (
    <Modal title={t('Notifications')} onClose={props.onClose}>
      {(close) => (
        <div class="dialog-body">
          <p class="muted">
            {t('While Parley is in a background tab, on this device, alert me about:')}
          </p>
          <fieldset class="checks">
            <legend class="sr-only">{t('Alert me about')}</legend>
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
                  {t(label)}
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
            {t('Play a sound')}
          </label>
          <p role="status">{t(PERMISSION[allowed()])}</p>
          <Show when={allowed() === 'default'}>
            <button
              type="button"
              class="secondary"
              onClick={() => void askPermission().then(setAllowed)}
            >
              {t('Allow browser notifications')}
            </button>
          </Show>
          <label class="toggle">
            <input
              type="checkbox"
              checked={digest()?.emailDigest}
              disabled={!digest()?.available}
              aria-describedby={hintId}
              onChange={(e) => void digestCall(e.currentTarget)}
            />
            {t("E-mail me a digest of waiting conversations while I'm offline")}
          </label>
          <p id={hintId} class="muted">
            {digest()?.available === false &&
              t('Not available: this server sends no e-mail (SMTP is not set up).')}
          </p>
          <PushSection />
          <Show when={failure()}>
            <p class="error" role="alert">
              {failure()}
            </p>
          </Show>
          <div class="form-foot">
            <button type="button" onClick={close}>
              {t('Done')}
            </button>
          </div>
        </div>
      )}
    </Modal>
  )
}
