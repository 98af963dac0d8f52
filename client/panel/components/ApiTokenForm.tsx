/**
 * Make an API token: its name, its access (one line on what each allows), the operator it acts
 * as (the admin by default) and when it expires. An empty name is refused before sending; a
 * refusal by the server shows under the field it names (the name, the operator), else by the
 * Create button (too many tokens, say).
 */
import { createSignal, createUniqueId, For, Show } from 'solid-js'
import { createStore } from 'solid-js/store'
import { asParleyError, ParleyError } from '../../shared/index.ts'
import { describe } from '../chat.ts'
import { usePanel } from '../context.ts'
import { fieldOf } from '../form-errors.ts'
import { msg, t, tn, tx } from '../i18n.ts'
import {
  MAX_NAME,
  SCOPES,
  type ApiToken,
  type CreatedApiToken,
  type TokensApi,
} from '../tokens-api.ts'

type Scope = ApiToken['scope']
type Errors = Partial<Record<'name' | 'operatorId' | 'form', string>>

/** Each access as people read it, and what it allows. */
export const SCOPE_LABELS: Readonly<Record<Scope, string>> = {
  read: msg('Read only'),
  write: msg('Read and write conversations'),
  admin: msg('Full admin access'),
}
const SCOPE_HINTS: Readonly<Record<Scope, string>> = {
  read: msg('Sees conversations, messages and visitors; changes nothing.'),
  write: msg('Also replies to, assigns and closes conversations; no admin settings.'),
  admin: msg('Everything its operator can do, the admin settings included.'),
}

/** Lifetimes offered, in days (0: until revoked). */
const DAYS = [0, 30, 90, 365]

/** A refusal, under the field it names, else by the button. */
function refusal(error: ParleyError): Errors {
  const named = fieldOf(error.message)?.replace(/^body\./, '')
  const text = describe(new ParleyError(error.code, error.message.replace(/^([\w.[\]]+: )+/, '')))
  return named === 'name' || named === 'operatorId' ? { [named]: text } : { form: text }
}

export function ApiTokenForm(props: {
  api: TokensApi
  /** The token made, with its secret; null: cancelled. */
  onDone: (made: CreatedApiToken | null) => void
}) {
  const panel = usePanel()
  const [draft, setDraft] = createStore({
    name: '',
    scope: 'read' as Scope,
    operatorId: panel.state.login?.operator.id ?? '',
    days: 90,
  })
  const [errors, setErrors] = createStore<Errors>({})
  const [busy, setBusy] = createSignal(false)
  const id = createUniqueId()
  let form!: HTMLFormElement

  const submit = async (e: SubmitEvent) => {
    e.preventDefault()
    const name = draft.name.trim()
    setErrors({
      name: name ? undefined : tx('token', 'Enter a name.'),
      operatorId: undefined,
      form: undefined,
    })
    if (name) {
      setBusy(true)
      try {
        return props.onDone(
          await props.api.create({
            name,
            scope: draft.scope,
            operatorId: draft.operatorId || undefined,
            expiresInDays: draft.days || undefined,
          }),
        )
      } catch (error) {
        setErrors(refusal(asParleyError(error)))
      } finally {
        setBusy(false)
      }
    }
    form.querySelector<HTMLElement>('[aria-invalid]')?.focus()
  }

  /** A field's refusal, under it (it describes the field). */
  const problem = (field: 'name' | 'operatorId') => (
    <Show when={errors[field]}>
      <span id={`${id}-${field}`} class="field-error">
        {errors[field]}
      </span>
    </Show>
  )

  return (
    <form
      ref={form}
      class="card inline-form"
      noValidate
      aria-labelledby={`${id}-h`}
      onSubmit={(e) => void submit(e)}
    >
      <h3 id={`${id}-h`} tabIndex={-1} ref={(el) => queueMicrotask(() => el.focus())}>
        {t('New API token')}
      </h3>
      <label>
        {tx('token', 'Name')}
        <input
          required
          dir="auto"
          maxLength={MAX_NAME}
          value={draft.name}
          onInput={(e) => setDraft('name', e.currentTarget.value)}
          aria-invalid={errors.name ? true : undefined}
          aria-describedby={errors.name ? `${id}-name` : undefined}
        />
      </label>
      {problem('name')}
      <fieldset class="members">
        <legend>{t('Access')}</legend>
        <For each={SCOPES}>
          {(scope) => (
            <div>
              <label class="check">
                <input
                  type="radio"
                  name={`${id}-s`}
                  checked={draft.scope === scope}
                  onChange={() => setDraft('scope', scope)}
                  aria-describedby={`${id}-${scope}`}
                />
                {t(SCOPE_LABELS[scope])}
              </label>
              <p id={`${id}-${scope}`} class="muted scope-hint">
                {t(SCOPE_HINTS[scope])}
              </p>
            </div>
          )}
        </For>
      </fieldset>
      <label>
        {t('Acts as')}
        <select
          onChange={(e) => setDraft('operatorId', e.currentTarget.value)}
          aria-invalid={errors.operatorId ? true : undefined}
          aria-describedby={errors.operatorId ? `${id}-operatorId ${id}-a` : `${id}-a`}
        >
          <For each={panel.state.operators.filter((op) => op.active)}>
            {(op) => (
              <option value={op.id} selected={op.id === draft.operatorId}>
                {op.name}
              </option>
            )}
          </For>
        </select>
      </label>
      {problem('operatorId')}
      <p id={`${id}-a`} class="muted form-hint">
        {t('The token can never do more than this operator may.')}
      </p>
      <label>
        {t('Expires')}
        <select
          value={draft.days}
          onChange={(e) => setDraft('days', Number(e.currentTarget.value))}
        >
          <For each={DAYS}>
            {(n) => (
              <option value={n}>{n ? tn(n, 'In {n} day', 'In {n} days') : t('Never')}</option>
            )}
          </For>
        </select>
      </label>
      <Show when={errors.form}>
        <p class="error" role="alert">
          {errors.form}
        </p>
      </Show>
      <div class="form-foot">
        <button type="submit" disabled={busy()}>
          {t('Create token')}
        </button>
        <button type="button" class="secondary" onClick={() => props.onDone(null)}>
          {t('Cancel')}
        </button>
      </div>
    </form>
  )
}
