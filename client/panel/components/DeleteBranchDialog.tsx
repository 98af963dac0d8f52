/** Confirms deleting a branch: its conversations move to the default branch, its rules go. */
import { createSignal, Show } from 'solid-js'
import { SafeText } from '../../shared/ui/SafeText.tsx'
import type { BranchView } from '../api.ts'
import { usePanel } from '../context.ts'
import { t } from '../i18n.ts'
import { Modal } from './Modal.tsx'

export function DeleteBranchDialog(props: {
  inboxId: string
  branch: BranchView
  defaultName: string
  /** `deleted`: the branch is gone (and with it the button that opened this). */
  onClose: (deleted: boolean) => void
}) {
  const panel = usePanel()
  const [error, setError] = createSignal<string | null>(null)
  const [busy, setBusy] = createSignal(false)
  let deleted = false
  const confirm = async (close: () => void) => {
    setBusy(true)
    setError(null)
    const failure = await panel.actions.deleteBranch(props.inboxId, props.branch.id)
    setBusy(false)
    if (failure) return setError(failure)
    deleted = true
    close()
  }
  return (
    <Modal title={t('Delete branch?')} onClose={() => props.onClose(deleted)}>
      {(close) => (
        <div class="dialog-body">
          <p>
            {t(
              '{name} will be deleted. Its conversations move to the default branch, {defaultName}, and GeoIP rules that send visitors to it are removed.',
            )
              .split(/(\{name\}|\{defaultName\})/)
              .map((part) =>
                part === '{name}' ? (
                  <SafeText text={props.branch.name} />
                ) : part === '{defaultName}' ? (
                  <SafeText text={props.defaultName} />
                ) : (
                  part
                ),
              )}
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
            <button
              type="button"
              class="danger"
              disabled={busy()}
              onClick={() => void confirm(close)}
            >
              {t('Delete branch')}
            </button>
          </div>
        </div>
      )}
    </Modal>
  )
}
