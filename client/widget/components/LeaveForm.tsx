/**
 * "Leave us a message" (R6): in place of the composer while nobody can answer and the visitor
 * has no conversation yet. Checked here as the server checks it, each error tied to its field;
 * sending it starts the conversation, answered at opening time and by e-mail. Enter sends
 * (Shift+Enter breaks the message's line).
 */
import { createSignal, onMount, Show } from 'solid-js'
import { asParleyError, MAX_TEXT_LENGTH } from '../../shared/index.ts'
import type { OfflineRequest } from '../api.ts'
import { useWidget } from '../context.ts'
import { failureText } from '../i18n.ts'

type Field = keyof OfflineRequest

const FIELDS: Field[] = ['name', 'email', 'text']
/** Name and e-mail cannot grow past the server's limits (maxlength); the message shows why. */
const MAX = { name: 100, email: 254 }
/** The server's shape too: a dot and two letters after the @. */
const EMAIL = /^[^\s@]+@[^\s@]+\.[a-z]{2,}$/i

export default function LeaveForm(props: { onInput(): void }) {
  const w = useWidget()
  const t = w.t
  const values: OfflineRequest = { name: '', email: '', text: '' }
  const [errors, setErrors] = createSignal<Partial<OfflineRequest>>({})
  const [failure, setFailure] = createSignal('')
  const [busy, setBusy] = createSignal(false)
  let form: HTMLFormElement | undefined

  const problem = (f: Field) => {
    const v = values[f].trim()
    if (!v) return t.required
    if (f === 'text' && v.length > MAX_TEXT_LENGTH) return t.tooLong
    if (f === 'email' && !EMAIL.test(v)) return t.badEmail
  }
  const focus = (f: Field) => (form?.elements.namedItem(f) as HTMLElement | null)?.focus()
  const submit = async () => {
    const found = { name: problem('name'), email: problem('email'), text: problem('text') }
    setErrors(found)
    setFailure('')
    const first = FIELDS.find((f) => found[f])
    if (first) return focus(first)
    if (busy()) return
    setBusy(true)
    try {
      const { name, email, text } = values
      await w.actions.leave({ name: name.trim(), email: email.trim(), text })
    } catch (e) {
      setFailure(failureText(t, asParleyError(e)))
    } finally {
      setBusy(false)
    }
  }
  const describedBy = (f: Field) => errors()[f] && `pw-${f}-error`
  const error = (f: Field) => (
    <Show when={errors()[f]}>
      <p id={`pw-${f}-error`} class="field-error">
        {errors()[f]}
      </p>
    </Show>
  )
  onMount(() => {
    if (document.hasFocus()) focus('name')
  })
  return (
    <form
      ref={form}
      class="leave"
      noValidate
      aria-labelledby="pw-leave"
      onSubmit={(e) => {
        e.preventDefault()
        void submit()
      }}
      // Values are kept as typed; an error, once shown, is checked again while it is fixed.
      onInput={(e) => {
        const input = e.target as HTMLInputElement
        const f = input.name as Field
        values[f] = input.value
        if (errors()[f]) setErrors({ ...errors(), [f]: problem(f) })
        props.onInput()
      }}
    >
      <h2 id="pw-leave">{t.leave}</h2>
      {(['name', 'email'] as const).map((f) => (
        <div>
          <label for={`pw-${f}`}>{t[f]}</label>
          <input
            id={`pw-${f}`}
            name={f}
            type={f === 'email' ? f : 'text'}
            autocomplete={f}
            maxLength={MAX[f]}
            class="input"
            required
            aria-invalid={!!errors()[f]}
            aria-describedby={describedBy(f)}
          />
          {error(f)}
        </div>
      ))}
      <div class="wide">
        <label for="pw-text">{t.message}</label>
        <textarea
          id="pw-text"
          name="text"
          class="input"
          rows={3}
          required
          aria-invalid={!!errors().text}
          aria-describedby={`pw-hint ${describedBy('text') || ''}`}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
              e.preventDefault()
              form?.requestSubmit()
            }
          }}
        />
        <span id="pw-hint" class="sr-only">
          {t.hint}
        </span>
        {error('text')}
      </div>
      <Show when={failure()}>
        <p class="field-error wide" role="alert">
          {failure()}
        </p>
      </Show>
      <button type="submit" class="submit wide" aria-disabled={busy()}>
        {t.send}
      </button>
    </form>
  )
}
