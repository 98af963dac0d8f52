/**
 * The own name as visitors see it ("Anna from Support"): 1-50 characters, or empty for the first
 * word of the full name. Checked here first, then by the server, whose refusal is shown.
 */
import { createSignal, createUniqueId, Show } from 'solid-js'
import { usePanel } from '../context.ts'
import { Modal } from './Modal.tsx'

/** The server's limit (DisplayName). */
const MAX = 50

export function DisplayNameDialog(props: { onClose: () => void }) {
  const panel = usePanel()
  const operator = () => panel.state.login?.operator
  const firstWord = () => operator()?.name.trim().split(/\s+/)[0] ?? ''
  const [value, setValue] = createSignal(operator()?.displayName ?? '')
  const [error, setError] = createSignal<string | null>(null)
  const [busy, setBusy] = createSignal(false)
  const hintId = createUniqueId()
  const errorId = createUniqueId()
  const submit = async (e: SubmitEvent, close: () => void) => {
    e.preventDefault()
    const name = value().trim()
    if (name.length > MAX) return setError(`At most ${MAX} characters.`)
    setBusy(true)
    setError(null)
    const failure = await panel.actions.setDisplayName(name === '' ? null : name)
    setBusy(false)
    if (failure) setError(failure)
    else close()
  }
  return (
    <Modal title="Name shown to visitors" onClose={props.onClose}>
      {(close) => (
        <form class="dialog-body" onSubmit={(e) => void submit(e, close)}>
          <label>
            Name shown to visitors
            <input
              dir="auto"
              maxLength={MAX}
              autocomplete="nickname"
              value={value()}
              placeholder={firstWord()}
              onInput={(e) => setValue(e.currentTarget.value)}
              aria-invalid={error() ? true : undefined}
              aria-describedby={error() ? `${hintId} ${errorId}` : hintId}
            />
            <span id={hintId} class="muted">
              Up to {MAX} characters. Empty: your first name, {firstWord()}.
            </span>
          </label>
          <Show when={error()}>
            <p id={errorId} class="error" role="alert">
              {error()}
            </p>
          </Show>
          <div class="form-foot">
            <button type="submit" disabled={busy()}>
              Save
            </button>
            <button type="button" class="secondary" onClick={close}>
              Cancel
            </button>
          </div>
        </form>
      )}
    </Modal>
  )
}
