/** Change the own password (current, new, new again); the server ends every other session. */
import { createSignal, createUniqueId, Show } from 'solid-js'
import { usePanel } from '../context.ts'
import { t } from '../i18n.ts'
import { Modal } from './Modal.tsx'

export function PasswordDialog(props: { onClose: () => void }) {
  const panel = usePanel()
  const [error, setError] = createSignal<string | null>(null)
  const [busy, setBusy] = createSignal(false)
  const [done, setDone] = createSignal(false)
  const hintId = createUniqueId()
  let current!: HTMLInputElement
  let next!: HTMLInputElement
  let again!: HTMLInputElement
  const submit = async (e: SubmitEvent) => {
    e.preventDefault()
    if (next.value !== again.value) return setError(t('The new passwords do not match.'))
    setBusy(true)
    setError(null)
    const failure = await panel.actions.changePassword(current.value, next.value)
    setBusy(false)
    if (failure) setError(failure)
    else setDone(true)
  }
  return (
    <Modal title={t('Change password')} onClose={props.onClose}>
      {(close) => (
        <Show
          when={!done()}
          fallback={
            <div class="dialog-body">
              <p role="status">{t('Password changed. Your other sessions were signed out.')}</p>
              <div class="form-foot">
                {/* The form's buttons are gone: keep focus inside the dialog. */}
                <button
                  type="button"
                  ref={(el) => queueMicrotask(() => el.focus())}
                  onClick={close}
                >
                  {t('Done')}
                </button>
              </div>
            </div>
          }
        >
          <form class="dialog-body" onSubmit={(e) => void submit(e)}>
            <label>
              {t('Current password')}
              <input ref={current} type="password" autocomplete="current-password" required />
            </label>
            <label>
              {t('New password')}
              <input
                ref={next}
                type="password"
                autocomplete="new-password"
                minLength={10}
                required
                aria-describedby={hintId}
              />
              <span id={hintId} class="muted">
                {t('At least 10 characters. Your other sessions will be signed out.')}
              </span>
            </label>
            <label>
              {t('New password again')}
              <input ref={again} type="password" autocomplete="new-password" required />
            </label>
            <Show when={error()}>
              <p class="error" role="alert">
                {error()}
              </p>
            </Show>
            <div class="form-foot">
              <button type="submit" disabled={busy()}>
                {t('Change password')}
              </button>
              <button type="button" class="secondary" onClick={close}>
                {t('Cancel')}
              </button>
            </div>
          </form>
        </Show>
      )}
    </Modal>
  )
}
