/** Confirms signing out on every device (this one included): a stolen session ends too. */
import { createSignal, Show } from 'solid-js'
import { usePanel } from '../context.ts'
import { t } from '../i18n.ts'
import { Modal } from './Modal.tsx'

export function SignOutEverywhereDialog(props: { onClose: () => void }) {
  const panel = usePanel()
  const [error, setError] = createSignal<string | null>(null)
  const [busy, setBusy] = createSignal(false)
  const confirm = async () => {
    setBusy(true)
    setError(null)
    // Done: the panel shows the sign-in page and this dialog goes with the shell.
    const failure = await panel.actions.logoutEverywhere()
    setBusy(false)
    if (failure) setError(failure)
  }
  return (
    <Modal title={t('Sign out everywhere?')} onClose={props.onClose}>
      {(close) => (
        <div class="dialog-body">
          <p>
            {t('This ends your sessions in every browser and on every device, this one included.')}
          </p>
          <Show when={error()}>
            <p class="error" role="alert">
              {error()}
            </p>
          </Show>
          <div class="form-foot">
            <button type="button" class="secondary" onClick={close}>
              {t('Cancel')}
            </button>
            <button type="button" disabled={busy()} onClick={() => void confirm()}>
              {t('Sign out everywhere')}
            </button>
          </div>
        </div>
      )}
    </Modal>
  )
}
