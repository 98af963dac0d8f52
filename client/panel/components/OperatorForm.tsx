/**
 * Admin: create an operator (a member of every inbox, as the server does by default), with the
 * name visitors see if it is not the first word of the name. Checked field by field before it is
 * sent; a problem (found here, or the server's refusal naming a field) shows next to its field
 * in plain words, and the first field with one takes the focus.
 */
import { createStore, reconcile } from 'solid-js/store'
import { createSignal, createUniqueId, For, Show } from 'solid-js'
import { ROLES, type NewOperator, type OperatorRole } from '../api.ts'
import { usePanel } from '../context.ts'
import { fieldOf } from '../form-errors.ts'
import { msg, t } from '../i18n.ts'

const EMPTY = {
  email: '',
  name: '',
  displayName: '',
  password: '',
  role: 'operator' as OperatorRole,
  canChat: true,
}

/** A role as people read it (the API value stays as it is). */
export const ROLE_LABELS: Record<OperatorRole, string> = {
  operator: msg('operator'),
  supervisor: msg('supervisor'),
  admin: msg('admin'),
}

type Field = 'name' | 'displayName' | 'email' | 'password'

const LABELS: Record<Field, string> = {
  name: 'Name',
  displayName: 'Shown to visitors as',
  email: 'Email',
  password: 'Password',
}

/** What is wrong with the form, field by field, before anything is sent. */
function check(form: typeof EMPTY): Partial<Record<Field, string>> {
  const problems: Partial<Record<Field, string>> = {}
  const name = form.name.trim()
  if (name === '') problems.name = t('Enter a name.')
  else if (name.length > 100) problems.name = t('Use at most 100 characters.')
  if (form.displayName.trim().length > 50) problems.displayName = t('Use at most 50 characters.')
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(form.email.trim())) {
    problems.email = t('Enter an email address like name@example.com.')
  }
  if (form.password.length < 10) problems.password = t('Use at least 10 characters.')
  return problems
}

export function OperatorForm() {
  const panel = usePanel()
  const [form, setForm] = createStore({ ...EMPTY })
  const [problems, setProblems] = createStore<Partial<Record<Field, string>>>({})
  const [refusal, setRefusal] = createSignal<string | null>(null)
  const hintId = createUniqueId()
  const ids = {
    name: createUniqueId(),
    displayName: createUniqueId(),
    email: createUniqueId(),
    password: createUniqueId(),
  }
  /** aria-* for a field: invalid when it has a problem, described by it (and its hint). */
  const invalid = (field: Field) => (problems[field] ? true : undefined)
  const described = (field: Field, hint?: string) =>
    [problems[field] ? ids[field] : '', hint ?? ''].filter(Boolean).join(' ') || undefined
  const problem = (field: Field) => (
    <Show when={problems[field]}>
      <span id={ids[field]} class="field-error">
        {problems[field]}
      </span>
    </Show>
  )
  return (
    <form
      class="card inline-form"
      noValidate
      onSubmit={async (e) => {
        e.preventDefault()
        setRefusal(null)
        const found = check(form)
        setProblems(reconcile(found))
        const first = (Object.keys(found) as Field[])[0]
        if (first) {
          e.currentTarget.querySelector<HTMLInputElement>(`[name="${first}"]`)?.focus()
          return
        }
        const shown = form.displayName.trim()
        const op: NewOperator = {
          ...form,
          name: form.name.trim(),
          email: form.email.trim(),
          displayName: shown === '' ? null : shown,
        }
        const failure = await panel.actions.addOperator(op)
        if (failure === null) {
          setForm({ ...EMPTY })
          return
        }
        // The server names the field it refuses ("email: ..."): the message goes next to it.
        const field = fieldOf(failure)?.replace(/^body\./, '') as Field | undefined
        if (field && field in LABELS) setProblems(field, failure.slice(failure.indexOf(': ') + 2))
        else setRefusal(failure)
      }}
    >
      <h3>{t('Add operator')}</h3>
      <label>
        {t('Name')}
        <input
          name="name"
          value={form.name}
          aria-invalid={invalid('name')}
          aria-describedby={described('name')}
          onInput={(e) => setForm('name', e.currentTarget.value)}
        />
      </label>
      {problem('name')}
      <label>
        {t('Shown to visitors as (optional)')}
        <input
          name="displayName"
          dir="auto"
          value={form.displayName}
          placeholder={form.name.trim().split(/\s+/)[0] ?? ''}
          aria-invalid={invalid('displayName')}
          aria-describedby={described('displayName', hintId)}
          onInput={(e) => setForm('displayName', e.currentTarget.value)}
        />
      </label>
      {problem('displayName')}
      <p id={hintId} class="muted form-hint">
        {t('Empty: the first word of the name. A picture can be added once the operator exists.')}
      </p>
      <label>
        {t('Email')}
        <input
          name="email"
          type="email"
          value={form.email}
          aria-invalid={invalid('email')}
          aria-describedby={described('email')}
          onInput={(e) => setForm('email', e.currentTarget.value)}
        />
      </label>
      {problem('email')}
      <label>
        {t('Password (10+ characters)')}
        <input
          name="password"
          type="password"
          autocomplete="new-password"
          value={form.password}
          aria-invalid={invalid('password')}
          aria-describedby={described('password')}
          onInput={(e) => setForm('password', e.currentTarget.value)}
        />
      </label>
      {problem('password')}
      <label>
        {t('Role')}
        <select
          value={form.role}
          onChange={(e) => setForm('role', e.currentTarget.value as OperatorRole)}
        >
          <For each={ROLES}>{(role) => <option value={role}>{t(ROLE_LABELS[role])}</option>}</For>
        </select>
      </label>
      <label class="check">
        <input
          type="checkbox"
          checked={form.canChat}
          onChange={(e) => setForm('canChat', e.currentTarget.checked)}
        />
        {t('Can chat')}
      </label>
      <Show when={refusal()}>
        <p class="error" role="alert">
          {refusal()}
        </p>
      </Show>
      <button type="submit">{t('Create operator')}</button>
    </form>
  )
}
