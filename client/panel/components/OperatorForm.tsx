/** Admin: create an operator (a member of every inbox, as the server does by default). */
import { createStore } from 'solid-js/store'
import { For } from 'solid-js'
import { ROLES, type NewOperator, type OperatorRole } from '../api.ts'
import { usePanel } from '../context.ts'

const EMPTY: NewOperator = { email: '', name: '', password: '', role: 'operator', canChat: true }

export function OperatorForm() {
  const panel = usePanel()
  const [form, setForm] = createStore<NewOperator>({ ...EMPTY })
  return (
    <form
      class="card inline-form"
      onSubmit={async (e) => {
        e.preventDefault()
        if (await panel.actions.createOperator({ ...form })) setForm({ ...EMPTY })
      }}
    >
      <h3>Add operator</h3>
      <label>
        Name
        <input required value={form.name} onInput={(e) => setForm('name', e.currentTarget.value)} />
      </label>
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
