/**
 * Admin: create an operator (a member of every inbox, as the server does by default), with the
 * name visitors see if it is not the first word of the name.
 */
import { createStore } from 'solid-js/store'
import { createUniqueId, For } from 'solid-js'
import { ROLES, type NewOperator, type OperatorRole } from '../api.ts'
import { usePanel } from '../context.ts'

const EMPTY = {
  email: '',
  name: '',
  displayName: '',
  password: '',
  role: 'operator' as OperatorRole,
  canChat: true,
}

export function OperatorForm() {
  const panel = usePanel()
  const [form, setForm] = createStore({ ...EMPTY })
  const hintId = createUniqueId()
  return (
    <form
      class="card inline-form"
      onSubmit={async (e) => {
        e.preventDefault()
        const shown = form.displayName.trim()
        const op: NewOperator = { ...form, displayName: shown === '' ? null : shown }
        if (await panel.actions.createOperator(op)) setForm({ ...EMPTY })
      }}
    >
      <h3>Add operator</h3>
      <label>
        Name
        <input required value={form.name} onInput={(e) => setForm('name', e.currentTarget.value)} />
      </label>
      <label>
        Shown to visitors as (optional)
        <input
          dir="auto"
          maxLength={50}
          value={form.displayName}
          placeholder={form.name.trim().split(/\s+/)[0] ?? ''}
          aria-describedby={hintId}
          onInput={(e) => setForm('displayName', e.currentTarget.value)}
        />
      </label>
      <p id={hintId} class="muted form-hint">
        Empty: the first word of the name. A picture can be added once the operator exists.
      </p>
      <label>
        Email
        <input
          type="email"
          required
          value={form.email}
          onInput={(e) => setForm('email', e.currentTarget.value)}
        />
      </label>
      <label>
        Password (10+ characters)
        <input
          type="password"
          minLength={10}
          required
          autocomplete="new-password"
          value={form.password}
          onInput={(e) => setForm('password', e.currentTarget.value)}
        />
      </label>
      <label>
        Role
        <select
          value={form.role}
          onChange={(e) => setForm('role', e.currentTarget.value as OperatorRole)}
        >
          <For each={ROLES}>{(role) => <option value={role}>{role}</option>}</For>
        </select>
      </label>
      <label class="check">
        <input
          type="checkbox"
          checked={form.canChat}
          onChange={(e) => setForm('canChat', e.currentTarget.checked)}
        />
        Can chat
      </label>
      <button type="submit">Create operator</button>
    </form>
  )
}
