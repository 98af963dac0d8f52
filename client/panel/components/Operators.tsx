/**
 * Admin: every operator with picture, the name visitors see, role, chat permission and active
 * switch; "Edit…" opens their picture and shown name; a form to add one.
 */
import { createSignal, For, Show } from 'solid-js'
import type { OperatorView } from '../../shared/index.ts'
import { SafeText } from '../../shared/ui/SafeText.tsx'
import { ROLES, type OperatorRole } from '../api.ts'
import { usePanel } from '../context.ts'
import { t } from '../i18n.ts'
import { Avatar } from './Avatar.tsx'
import { DisplayNameDialog } from './account-dialogs.ts'
import { OperatorForm, ROLE_LABELS } from './OperatorForm.tsx'

export function Operators() {
  const panel = usePanel()
  const update = (op: OperatorView, patch: Parameters<typeof panel.actions.updateOperator>[1]) =>
    void panel.actions.updateOperator(op.id, patch)
  /** The operator whose profile dialog is open, and the button that opened it. */
  const [editing, setEditing] = createSignal<string | null>(null)
  let opener: HTMLButtonElement | undefined
  return (
    <main class="admin">
      <h2>{t('Operators')}</h2>
      <Show when={panel.state.notice}>
        <p class="error" role="alert">
          {panel.state.notice}
        </p>
      </Show>
      <table class="table cards">
        <thead>
          <tr>
            <th>{t('Name')}</th>
            <th>{t('Shown to visitors')}</th>
            <th>{t('Email')}</th>
            <th>{t('Role')}</th>
            <th>{t('Can chat')}</th>
            <th>{t('Active')}</th>
          </tr>
        </thead>
        <tbody>
          <For each={panel.state.operators}>
            {(op) => (
              <tr data-operator={op.email} classList={{ inactive: !op.active }}>
                <td data-label="">
                  <span class="op-name">
                    <Avatar name={op.name} colorKey={op.id} avatarId={op.avatarId} />
                    <SafeText text={op.name} />
                  </span>
                </td>
                <td data-label={t('Shown to visitors')}>
                  <span class="op-name">
                    <Show
                      when={op.displayName}
                      fallback={
                        <span class="muted">
                          <SafeText text={op.name.trim().split(/\s+/)[0] ?? ''} />{' '}
                          {t('(first name)')}
                        </span>
                      }
                    >
                      {(shown) => <SafeText text={shown()} />}
                    </Show>
                    <button
                      type="button"
                      class="secondary"
                      aria-label={t('Edit profile of {email}', { email: op.email })}
                      onClick={(e) => {
                        opener = e.currentTarget
                        setEditing(op.id)
                      }}
                    >
                      {t('Edit…')}
                    </button>
                  </span>
                </td>
                <td data-label={t('Email')}>
                  <SafeText text={op.email} />
                </td>
                <td data-label={t('Role')}>
                  <select
                    aria-label={t('Role of {email}', { email: op.email })}
                    value={op.role}
                    onChange={(e) => update(op, { role: e.currentTarget.value as OperatorRole })}
                  >
                    <For each={ROLES}>
                      {(role) => <option value={role}>{t(ROLE_LABELS[role])}</option>}
                    </For>
                  </select>
                </td>
                <td data-label={t('Can chat')}>
                  <input
                    type="checkbox"
                    aria-label={t('{email} can chat', { email: op.email })}
                    checked={op.canChat}
                    onChange={(e) => update(op, { canChat: e.currentTarget.checked })}
                  />
                </td>
                <td data-label={t('Active')}>
                  <button
                    type="button"
                    class="secondary"
                    onClick={() => update(op, { active: !op.active })}
                  >
                    {op.active ? t('Deactivate') : t('Activate')}
                  </button>
                </td>
              </tr>
            )}
          </For>
        </tbody>
      </table>
      <OperatorForm />
      <Show when={editing()} keyed>
        {(id) => (
          <DisplayNameDialog
            operatorId={id}
            onClose={() => {
              setEditing(null)
              opener?.focus()
            }}
          />
        )}
      </Show>
    </main>
  )
}
