/** Admin: every operator with role, chat permission and active switch; a form to add one. */
import { For, Show } from 'solid-js'
import type { OperatorView } from '../../shared/index.ts'
import { SafeText } from '../../shared/ui/SafeText.tsx'
import { ROLES, type OperatorRole } from '../api.ts'
import { usePanel } from '../context.ts'
import { OperatorForm } from './OperatorForm.tsx'

export function Operators() {
  const panel = usePanel()
  const update = (op: OperatorView, patch: Parameters<typeof panel.actions.updateOperator>[1]) =>
    void panel.actions.updateOperator(op.id, patch)
  return (
    <main class="admin">
      <h2>Operators</h2>
      <Show when={panel.state.notice}>
        <p class="error" role="alert">
          {panel.state.notice}
        </p>
      </Show>
      <table class="table">
        <thead>
          <tr>
            <th>Name</th>
            <th>Email</th>
            <th>Role</th>
            <th>Can chat</th>
            <th>Active</th>
          </tr>
        </thead>
        <tbody>
          <For each={panel.state.operators}>
            {(op) => (
              <tr data-operator={op.email} classList={{ inactive: !op.active }}>
                <td>
                  <SafeText text={op.name} />
                </td>
                <td>
                  <SafeText text={op.email} />
                </td>
                <td>
                  <select
                    aria-label={`Role of ${op.email}`}
                    value={op.role}
                    onChange={(e) => update(op, { role: e.currentTarget.value as OperatorRole })}
                  >
                    <For each={ROLES}>{(role) => <option value={role}>{role}</option>}</For>
                  </select>
                </td>
                <td>
                  <input
                    type="checkbox"
                    aria-label={`${op.email} can chat`}
                    checked={op.canChat}
                    onChange={(e) => update(op, { canChat: e.currentTarget.checked })}
                  />
                </td>
                <td>
                  <button
                    type="button"
                    class="secondary"
                    onClick={() => update(op, { active: !op.active })}
                  >
                    {op.active ? 'Deactivate' : 'Activate'}
                  </button>
                </td>
              </tr>
            )}
          </For>
        </tbody>
      </table>
      <OperatorForm />
    </main>
  )
}
