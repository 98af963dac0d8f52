/**
 * A profile: the picture (saved as soon as it is chosen), the full name colleagues see, and the
 * name visitors see ("Anna from Support"): 1-50 characters, or empty for the first word of the
 * full name. Checked
 * here first, then by the server, whose refusal is shown. The own profile (from the user menu),
 * or, for an admin, another operator's (`operatorId`, from the operators page). The name field
 * takes the focus.
 */
import { createSignal, createUniqueId, Show } from 'solid-js'
import { SafeText } from '../../shared/ui/SafeText.tsx'
import { usePanel } from '../context.ts'
import { fieldOf } from '../form-errors.ts'
import { Modal } from './Modal.tsx'
import { PictureField } from './PictureField.tsx'

/** The server's limits (DisplayName, Name). */
const MAX = 50
const FULL_MAX = 100

export function DisplayNameDialog(props: { onClose: () => void; operatorId?: string }) {
  const panel = usePanel()
  const other = props.operatorId
  const operator = () =>
    other === undefined
      ? panel.state.login?.operator
      : panel.state.operators.find((op) => op.id === other)
  const firstWord = () => operator()?.name.trim().split(/\s+/)[0] ?? ''
  const [value, setValue] = createSignal(operator()?.displayName ?? '')
  const [fullName, setFullName] = createSignal(operator()?.name ?? '')
  const [error, setError] = createSignal<string | null>(null)
  const [busy, setBusy] = createSignal(false)
  const hintId = createUniqueId()
  const errorId = createUniqueId()
  // Which field a refusal is about: this form's own checks name it, the server's start with it.
  const fullInvalid = () => {
    const e = error()
    return e !== null && (e.startsWith('Full name') || fieldOf(e) === 'name')
  }
  const shownInvalid = () => error() !== null && !fullInvalid()
  const save = (patch: { name: string; displayName: string | null }) =>
    other === undefined ? panel.actions.setProfile(patch) : panel.actions.editOperator(other, patch)
  const submit = async (e: SubmitEvent, close: () => void) => {
    e.preventDefault()
    const full = fullName().trim()
    const name = value().trim()
    if (full === '') return setError('Full name: enter a name.')
    if (full.length > FULL_MAX) return setError(`Full name: at most ${FULL_MAX} characters.`)
    if (name.length > MAX) return setError(`Name shown to visitors: at most ${MAX} characters.`)
    setBusy(true)
    setError(null)
    const failure = await save({ name: full, displayName: name === '' ? null : name })
    setBusy(false)
    if (failure) setError(failure)
    else close()
  }
  return (
    <Modal
      title="Picture and name shown to visitors"
      class="operator-dialog"
      onClose={props.onClose}
    >
      {(close) => (
        <div class="dialog-body">
          <Show when={operator()}>
            {(op) => (
              <>
                <Show when={other !== undefined}>
                  <p class="muted">
                    <SafeText text={`${op().name} (${op().email})`} />
                  </p>
                </Show>
                <PictureField
                  name={op().name}
                  id={op().id}
                  avatarId={op().avatarId}
                  label={other === undefined ? 'Your picture' : `Picture of ${op().name}`}
                  save={(file, progress) =>
                    other === undefined
                      ? panel.actions.setAvatar(file, progress)
                      : panel.actions.setOperatorAvatar(other, file, progress)
                  }
                />
              </>
            )}
          </Show>
          <form class="dialog-body" onSubmit={(e) => void submit(e, close)}>
            <label>
              Full name
              <input
                dir="auto"
                maxLength={FULL_MAX}
                autocomplete={other === undefined ? 'name' : 'off'}
                value={fullName()}
                onInput={(e) => setFullName(e.currentTarget.value)}
                aria-invalid={fullInvalid() ? true : undefined}
                aria-describedby={fullInvalid() ? errorId : undefined}
              />
              <span class="muted">What colleagues see.</span>
            </label>
            <label>
              Name shown to visitors
              <input
                autofocus
                dir="auto"
                maxLength={MAX}
                autocomplete={other === undefined ? 'nickname' : 'off'}
                value={value()}
                placeholder={firstWord()}
                onInput={(e) => setValue(e.currentTarget.value)}
                aria-invalid={shownInvalid() ? true : undefined}
                aria-describedby={shownInvalid() ? `${hintId} ${errorId}` : hintId}
              />
              <span id={hintId} class="muted">
                Up to {MAX} characters. Empty: {other === undefined ? 'your' : 'the'} first name,{' '}
                {firstWord()}.
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
        </div>
      )}
    </Modal>
  )
}
