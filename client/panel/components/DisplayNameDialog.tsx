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
import { t } from '../i18n.ts'
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
  /** This form's own check refused the full name (its text is in the UI language). */
  const [fullRefused, setFullRefused] = createSignal(false)
  const [busy, setBusy] = createSignal(false)
  const hintId = createUniqueId()
  const errorId = createUniqueId()
  // Which field a refusal is about: this form's own checks say so, the server's start with it.
  const fullInvalid = () => {
    const e = error()
    return e !== null && (fullRefused() || fieldOf(e) === 'name')
  }
  const refuse = (text: string, full: boolean) => {
    setFullRefused(full)
    setError(text)
  }
  const shownInvalid = () => error() !== null && !fullInvalid()
  const save = (patch: { name: string; displayName: string | null }) =>
    other === undefined ? panel.actions.setProfile(patch) : panel.actions.editOperator(other, patch)
  const submit = async (e: SubmitEvent, close: () => void) => {
    e.preventDefault()
    const full = fullName().trim()
    const name = value().trim()
    if (full === '') return refuse(t('Full name: enter a name.'), true)
    if (full.length > FULL_MAX) {
      return refuse(t('Full name: at most {n} characters.', { n: FULL_MAX }), true)
    }
    if (name.length > MAX) {
      return refuse(t('Name shown to visitors: at most {n} characters.', { n: MAX }), false)
    }
    setBusy(true)
    setFullRefused(false)
    setError(null)
    const failure = await save({ name: full, displayName: name === '' ? null : name })
    setBusy(false)
    if (failure) setError(failure)
    else close()
  }
  return (
    <Modal
      title={t('Picture and name shown to visitors')}
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
                  label={
                    other === undefined
                      ? t('Your picture')
                      : t('Picture of {name}', { name: op().name })
                  }
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
              {t('Full name')}
              <input
                dir="auto"
                maxLength={FULL_MAX}
                autocomplete={other === undefined ? 'name' : 'off'}
                value={fullName()}
                onInput={(e) => setFullName(e.currentTarget.value)}
                aria-invalid={fullInvalid() ? true : undefined}
                aria-describedby={fullInvalid() ? errorId : undefined}
              />
              <span class="muted">{t('What colleagues see.')}</span>
            </label>
            <label>
              {t('Name shown to visitors')}
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
                {other === undefined
                  ? t('Up to {n} characters. Empty: your first name, {first}.', {
                      n: MAX,
                      first: firstWord(),
                    })
                  : t('Up to {n} characters. Empty: the first name, {first}.', {
                      n: MAX,
                      first: firstWord(),
                    })}
              </span>
            </label>
            <Show when={error()}>
              <p id={errorId} class="error" role="alert">
                {error()}
              </p>
            </Show>
            <div class="form-foot">
              <button type="submit" disabled={busy()}>
                {t('Save')}
              </button>
              <button type="button" class="secondary" onClick={close}>
                {t('Cancel')}
              </button>
            </div>
          </form>
        </div>
      )}
    </Modal>
  )
}
