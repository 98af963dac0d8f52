/**
 * Create or edit a canned reply: shortcut, title, text. Checked here before it is sent, each
 * problem shown under its field in plain words; a refusal by the server lands there too.
 */
import { createRenderEffect, createSignal, createUniqueId, Show } from 'solid-js'
import { createStore } from 'solid-js/store'
import { MAX_TEXT_LENGTH } from '../../shared/index.ts'
import type { CannedInput, CannedReply } from '../api.ts'
import { usePanel } from '../context.ts'
import { msg, t } from '../i18n.ts'

type Field = keyof CannedInput
type Errors = Partial<Record<Field | 'form', string>>

const SHORTCUT = /^[a-z0-9][a-z0-9_-]{0,31}$/

/** The input as the server takes it, or what is wrong with it. */
function check(input: CannedInput): Errors {
  const errors: Errors = {}
  if (!SHORTCUT.test(input.shortcut))
    errors.shortcut = t(
      'Use 1 to 32 letters, digits, - or _ (no spaces), starting with a letter or digit.',
    )
  if (!input.title) errors.title = t('Give the reply a title.')
  else if (input.title.length > 100) errors.title = t('Keep the title to 100 characters.')
  if (!input.text.trim()) errors.text = t('Write the text of the reply.')
  else if (input.text.length > MAX_TEXT_LENGTH)
    errors.text = t('The text is {n} characters long; at most {max}.', {
      n: input.text.length,
      max: MAX_TEXT_LENGTH,
    })
  return errors
}

export function CannedForm(props: {
  inboxId: string | null
  /** Null: a new reply. */
  reply: CannedReply | null
  onDone: (saved: boolean) => void
}) {
  const panel = usePanel()
  // Read when submitted; the fields keep what is typed.
  const values: CannedInput = {
    shortcut: props.reply?.shortcut ?? '',
    title: props.reply?.title ?? '',
    text: props.reply?.text ?? '',
  }
  const [errors, setErrors] = createStore<Errors>({})
  const [busy, setBusy] = createSignal(false)
  const uid = createUniqueId()
  let form!: HTMLFormElement

  const submit = async (e: SubmitEvent) => {
    e.preventDefault()
    const input: CannedInput = {
      // A leading slash is how it is typed in the composer; it is not part of the shortcut.
      shortcut: values.shortcut.trim().replace(/^\//, '').toLowerCase(),
      title: values.title.trim(),
      text: values.text,
    }
    const found = check(input)
    setErrors(found)
    if (Object.keys(found).length === 0) {
      setBusy(true)
      const refusal = await panel.actions.saveCanned(props.inboxId, props.reply?.id ?? null, input)
      setBusy(false)
      if (!refusal) return props.onDone(true)
      setErrors({ [refusal.field ?? 'form']: refusal.message })
    }
    form.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus()
  }

  /** `label` and `hint` are keys (msg()), translated where shown. */
  const field = (name: Field, label: string, hint?: string) => {
    const id = `${uid}-${name}`
    // Set up by hand, not by a JSX spread: one binding for the input and the textarea.
    const bind = (el: HTMLInputElement | HTMLTextAreaElement) => {
      el.id = id
      el.dir = 'auto'
      el.value = values[name]
      el.oninput = () => {
        values[name] = el.value
        setErrors(name, undefined)
      }
      createRenderEffect(() => {
        const error = errors[name]
        const by = [hint && `${id}-hint`, error && `${id}-error`].filter(Boolean).join(' ')
        if (error) el.setAttribute('aria-invalid', 'true')
        else el.removeAttribute('aria-invalid')
        if (by) el.setAttribute('aria-describedby', by)
        else el.removeAttribute('aria-describedby')
      })
    }
    return (
      <div class="canned-field">
        <label for={id}>{t(label)}</label>
        {name === 'text' ? <textarea rows={5} ref={bind} /> : <input ref={bind} />}
        <Show when={hint}>
          <span id={`${id}-hint`} class="muted">
            {t(hint ?? '')}
          </span>
        </Show>
        <Show when={errors[name]}>
          <span id={`${id}-error`} class="error">
            {errors[name]}
          </span>
        </Show>
      </div>
    )
  }

  return (
    <form
      ref={form}
      class="card canned-form"
      aria-labelledby={`${uid}-heading`}
      noValidate
      onSubmit={(e) => void submit(e)}
    >
      <h3 id={`${uid}-heading`} tabIndex={-1} ref={(el) => queueMicrotask(() => el.focus())}>
        {props.reply ? t('Edit canned reply') : t('New canned reply')}
      </h3>
      {field('shortcut', msg('Shortcut'), msg('Type / and the shortcut in a reply to insert it.'))}
      {field('title', msg('Title'))}
      {field(
        'text',
        msg('Text'),
        msg('{visitor.name} and {operator.name} are filled in when the reply is inserted.'),
      )}
      <Show when={errors.form}>
        <p class="error" role="alert">
          {errors.form}
        </p>
      </Show>
      <div class="form-foot">
        <button type="submit" disabled={busy()}>
          {t('Save reply')}
        </button>
        <button type="button" class="secondary" onClick={() => props.onDone(false)}>
          {t('Cancel')}
        </button>
      </div>
    </form>
  )
}
