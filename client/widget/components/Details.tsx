/**
 * The inbox's pre-chat form (docs/protocol.md 14.2): before the first message in place of the
 * composer (`before`), as a dismissible card in the thread after it (`after`), or opened from
 * "Your details" to change the answers (`edit`, Escape cancels). Labels in the widget's
 * language, required fields marked, e-mail and phone inputs of their own type, a select's
 * choices; prefilled from the visitor's profile, and only changed answers saved to it (`name`,
 * `email`, `phone` as fields, the rest as attributes; an emptied one is cleared). Checked here
 * as the server checks it; the server's own refusal (422) shows beside the field it names.
 */
import { createSignal, For, onMount, Show } from 'solid-js'
import { asParleyError } from '../../shared/index.ts'
import type { ProfilePatch } from '../api.ts'
import { useWidget } from '../context.ts'
import { fieldValue, preChatForm, type PreChatField } from '../derive.ts'
import { failureText } from '../i18n.ts'

/** The server's shapes: a dot and two letters after the @; digits with spaces, ()-. and a +. */
const EMAIL = /^[^\s@]+@[^\s@]+\.[a-z]{2,}$/i
const PHONE = /^\+?[0-9][0-9 ().-]{3,28}[0-9]$/
const en = {
  after: 'Leave your contacts in case we get disconnected',
  start: 'Start chat',
  badPhone: 'Enter a phone number like +1 555 123 4567',
  choose: 'Choose…',
  noThanks: 'No thanks',
}
const ru: typeof en = {
  after: 'Оставьте контакты на случай, если связь прервётся',
  start: 'Начать чат',
  badPhone: 'Введите номер вида +7 912 345-67-89',
  choose: 'Выберите…',
  noThanks: 'Нет, спасибо',
}
const TYPES = { email: 'email', phone: 'tel' } as Record<string, string>
const AUTOCOMPLETE = { name: 'name', email: 'email', phone: 'tel' } as Record<string, string>

export default function DetailsForm(props: {
  mode: 'before' | 'after' | 'edit'
  onClose?(): void
  /** Shown: the thread may scroll to it. */
  onShow?(): void
}) {
  const w = useWidget()
  const t = w.t
  const own = w.state.lang === 'ru' ? ru : en
  const fields = () => preChatForm(w.state).fields
  /** Each field's error by key; under '' what failed otherwise (offline, ...). */
  const [errors, setErrors] = createSignal<Record<string, string | undefined>>({})
  let form: HTMLFormElement | undefined
  const initial = (key: string) => (w.state.profile ? fieldValue(w.state.profile, key) : '')
  const input = (key: string) => form?.elements.namedItem(key) as HTMLInputElement | null
  const value = (key: string) => input(key)?.value.trim() ?? ''
  const problem = (f: PreChatField) => {
    const v = value(f.key)
    if (!v) return f.required ? t.required : undefined
    if (f.type === 'email' && !EMAIL.test(v)) return t.badEmail
    if (f.type === 'phone' && !PHONE.test(v)) return own.badPhone
  }
  onMount(() => {
    props.onShow?.()
    void w.actions.profile()
    if (props.mode !== 'after' && document.hasFocus()) input(fields()[0]?.key ?? '')?.focus()
  })

  const recheck = (e: Event) => {
    const f = fields().find((x) => x.key === (e.target as HTMLInputElement).name)
    if (f && errors()[f.key]) setErrors({ ...errors(), [f.key]: problem(f) })
  }

  const submit = async () => {
    const found = Object.fromEntries(fields().map((f) => [f.key, problem(f)]))
    setErrors(found)
    const first = fields().find((f) => found[f.key])
    if (first) return input(first.key)?.focus()
    const patch: ProfilePatch = {}
    const attributes: Record<string, string | null> = {}
    for (const { key } of fields()) {
      const v = value(key)
      if (v === initial(key)) continue
      if (key === 'name' || key === 'email' || key === 'phone') patch[key] = v || null
      else attributes[key] = v || null
    }
    if (Object.keys(attributes).length > 0) patch.attributes = attributes
    try {
      await w.actions.saveProfile(patch)
      if (props.mode === 'before') w.actions.detailsAnswered()
      props.onClose?.()
    } catch (e) {
      const error = asParleyError(e)
      // "body.email: must be an email address", "body.name: name: at most 100 characters",
      // "attributes.plan: not one of the choices"
      const [, key = '', text] =
        /^(?:body\.)?(?:attributes\.)?(\w+): (?:\w+: )?(.*)/.exec(error.message) ?? []
      if (error.code === 'validation_failed' && input(key)) {
        setErrors({ [key]: text })
        input(key)?.focus()
      } else setErrors({ '': failureText(t, error) })
    }
  }

  return (
    <form
      ref={form}
      class="leave details"
      classList={{ card: props.mode === 'after' }}
      noValidate
      aria-labelledby="pw-d-title"
      onSubmit={(e) => {
        e.preventDefault()
        void submit()
      }}
      // An error, once shown, is checked again while it is fixed.
      onInput={recheck}
      onChange={recheck}
      onKeyDown={(e) => {
        if (e.key === 'Escape' && props.mode === 'edit') {
          e.preventDefault()
          props.onClose?.()
        }
      }}
    >
      <h2 id="pw-d-title">{props.mode === 'after' ? own.after : t.details}</h2>
      <For each={fields()}>
        {(f) => {
          // Constants here: the compiled form then sets them once, without an effect each.
          const { key, required } = f
          const fid = `pw-d-${key}`
          const label = f.label[w.state.lang] || key
          const type = TYPES[f.type] ?? 'text'
          const complete = AUTOCOMPLETE[key]
          const chosen = initial(key)
          const error = () => errors()[key]
          return (
            <div>
              <label for={fid}>
                {label}
                {required && <span aria-hidden="true"> *</span>}
              </label>
              {f.type === 'select' ? (
                <select
                  id={fid}
                  name={key}
                  class="input"
                  required={required}
                  aria-invalid={!!error()}
                  aria-describedby={`${fid}-error`}
                >
                  <option value="">{own.choose}</option>
                  {f.options?.map((o) => (
                    <option selected={o === chosen}>{o}</option>
                  ))}
                </select>
              ) : (
                <input
                  id={fid}
                  name={key}
                  class="input"
                  type={type}
                  autocomplete={complete}
                  maxLength={500}
                  required={required}
                  value={chosen}
                  aria-invalid={!!error()}
                  aria-describedby={`${fid}-error`}
                />
              )}
              <p id={`${fid}-error`} class="field-error">
                {error()}
              </p>
            </div>
          )
        }}
      </For>
      <p class="field-error" role="alert">
        {errors()['']}
      </p>
      <div class="actions-row">
        <button type="submit" class="submit">
          {props.mode === 'before' ? own.start : t.save}
        </button>
        <Show when={props.onClose}>
          <button
            type="button"
            class="link-button"
            onClick={() => {
              if (props.mode === 'after') w.actions.dismissDetails()
              props.onClose?.()
            }}
          >
            {props.mode === 'after' ? own.noThanks : t.cancel}
          </button>
        </Show>
      </div>
    </form>
  )
}
