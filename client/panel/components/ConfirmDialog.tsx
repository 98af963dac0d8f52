/**
 * A dialog that asks before an action: what it does (the children), Cancel, and the action's
 * button. `run` answers null when done (the dialog closes) or the error to show (it stays).
 */
import { createSignal, Show, type JSX } from 'solid-js'
import { t } from '../i18n.ts'
import { Modal } from './Modal.tsx'

export function ConfirmDialog(props: {
  title: string
  /** The action's button. */
  confirm: string
  /** A red button: the action cannot be undone. */
  danger?: boolean
  run: () => Promise<string | null>
  /** `done`: the action ran. */
  onClose: (done: boolean) => void
  children: JSX.Element
}) {
  const [error, setError] = createSignal<string | null>(null)
  const [busy, setBusy] = createSignal(false)
  let done = false
  const confirm = async (close: () => void) => {
    setBusy(true)
    setError(null)
    const failure = await props.run()
    setBusy(false)
    if (failure) return setError(failure)
    done = true
    close()
  }
  return (
    <Modal title={props.title} onClose={() => props.onClose(done)}>
      {(close) => (
        <div class="dialog-body">
          {props.children}
          <Show when={error()}>
            <p class="error" role="alert">
              {error()}
            </p>
          </Show>
          <div class="form-foot">
            <button type="button" class="secondary" onClick={close}>
              {t('Cancel')}
            </button>
            <button
              type="button"
              classList={{ danger: props.danger === true }}
              disabled={busy()}
              onClick={() => void confirm(close)}
            >
              {props.confirm}
            </button>
          </div>
        </div>
      )}
    </Modal>
  )
}
