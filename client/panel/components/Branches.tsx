/**
 * Admin: an inbox's branches (teams of operators with their own hours): the list with the
 * default one marked, members and hours; the branch form in its place while one is edited;
 * deleting one; and the routing form (default branch, GeoIP rules).
 */
import { createSignal, For, Show } from 'solid-js'
import { Icon } from '../../shared/ui/Icon.tsx'
import { SafeText } from '../../shared/ui/SafeText.tsx'
import type { BranchView } from '../api.ts'
import { usePanel } from '../context.ts'
import { t, tn } from '../i18n.ts'
import { summarize } from '../schedule.ts'
import { BranchForm } from './BranchForm.tsx'
import { DeleteBranchDialog } from './DeleteBranchDialog.tsx'
import { RoutingForm } from './RoutingForm.tsx'

const memberCount = (b: BranchView) => {
  const n = b.operatorIds.length
  return n === 0 ? t('No members') : tn(n, '{n} member', '{n} members')
}

export function Branches(props: { inboxId: string }) {
  const panel = usePanel()
  /** The branch in the form: its id, 'new', or none (the list shows). */
  const [editing, setEditing] = createSignal<string | null>(null)
  const [deleting, setDeleting] = createSignal<BranchView | null>(null)
  let heading: HTMLHeadingElement | undefined
  const inboxName = () => panel.state.inboxes.find((i) => i.id === props.inboxId)?.name ?? ''
  const branch = (id: string) => panel.state.branches?.branches.find((b) => b.id === id) ?? null
  const defaultName = () => {
    const data = panel.state.branches
    return data?.branches.find((b) => b.id === data.defaultBranchId)?.name ?? ''
  }
  return (
    <Show
      when={editing()}
      keyed
      fallback={
        <main class="admin">
          <div class="page-head">
            <button
              type="button"
              class="icon-button"
              aria-label={t('Back to inbox settings')}
              onClick={() => panel.actions.closeInboxPage()}
            >
              <Icon name="back" />
            </button>
            {/* Shown in place of another view: focus starts here. */}
            <h2
              tabIndex={-1}
              ref={(el) => {
                heading = el
                queueMicrotask(() => el.focus())
              }}
            >
              {t('Branches of {name}')
                .split(/(\{name\})/)
                .map((part) => (part === '{name}' ? <SafeText text={inboxName()} /> : part))}
            </h2>
          </div>
          <p class="muted">
            {t(
              'Teams of operators with their own working hours. Each conversation belongs to one branch and goes to its members.',
            )}
          </p>
          <Show when={panel.state.notice}>
            <p class="error" role="alert">
              {panel.state.notice}
            </p>
          </Show>
          <Show when={panel.state.branches}>
            {(data) => (
              <>
                <ul class="branch-list" aria-label={t('Branches')}>
                  <For each={data().branches}>
                    {(b) => (
                      <li class="branch-row" data-branch-id={b.id}>
                        <div class="branch-main">
                          <span class="branch-name">
                            <SafeText text={b.name} />
                            <Show when={b.isDefault}>
                              <span class="pill">{t('Default')}</span>
                            </Show>
                          </span>
                          <span class="branch-meta">
                            <span>{memberCount(b)}</span>
                            <span>{summarize(b.schedule)}</span>
                          </span>
                        </div>
                        <div class="branch-actions">
                          <button
                            type="button"
                            class="secondary"
                            aria-label={t('Edit {name}', { name: b.name })}
                            onClick={() => setEditing(b.id)}
                          >
                            {t('Edit')}
                          </button>
                          <Show when={!b.isDefault}>
                            <button
                              type="button"
                              class="secondary"
                              aria-label={t('Delete {name}', { name: b.name })}
                              onClick={() => setDeleting(b)}
                            >
                              {t('Delete')}
                            </button>
                          </Show>
                        </div>
                      </li>
                    )}
                  </For>
                </ul>
                <div>
                  <button type="button" onClick={() => setEditing('new')}>
                    {t('Add branch')}
                  </button>
                </div>
                <RoutingForm inboxId={props.inboxId} data={data()} />
              </>
            )}
          </Show>
          <Show when={deleting()}>
            {(b) => (
              <DeleteBranchDialog
                inboxId={props.inboxId}
                branch={b()}
                defaultName={defaultName()}
                onClose={(deleted) => {
                  setDeleting(null)
                  if (deleted) heading?.focus()
                }}
              />
            )}
          </Show>
        </main>
      }
    >
      {(id) => (
        <BranchForm
          inboxId={props.inboxId}
          branch={id === 'new' ? null : branch(id)}
          onDone={() => setEditing(null)}
        />
      )}
    </Show>
  )
}
