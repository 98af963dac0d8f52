/**
 * Admin, in an inbox's settings: its labels (issue 20), each with its color and name, renamed
 * or recolored in place, deleted after a confirmation (it leaves every conversation that has
 * it); a form for a new one below. Every change reads the inbox's labels again, so the chips
 * and filters everywhere in the panel follow.
 */
import { createSignal, createUniqueId, For, Show } from 'solid-js'
import type { Label } from '../api.ts'
import { describe } from '../chat.ts'
import { usePanel } from '../context.ts'
import { t } from '../i18n.ts'
import { labelsApi } from '../labels-api.ts'
import { ConfirmDialog } from './ConfirmDialog.tsx'
import { LabelChip } from './LabelChip.tsx'
import { LabelForm } from './LabelForm.tsx'
import '../label-admin.css'

export function LabelSettings(props: { inboxId: string }) {
  const panel = usePanel()
  const api = labelsApi(panel.http)
  const headingId = createUniqueId()
  /** The label whose form shows in place of its row. */
  const [editing, setEditing] = createSignal<string | null>(null)
  const [deleting, setDeleting] = createSignal<Label | null>(null)
  let list: HTMLUListElement | undefined
  let heading!: HTMLHeadingElement
  const labels = () => panel.state.labels[props.inboxId]
  void panel.actions.labelsFor(props.inboxId)

  /** Back from a row's form: onto its Edit button, or the heading when it is gone. */
  const refocus = (id: string) => {
    const row = list?.querySelector(`[data-row="${CSS.escape(id)}"] button`)
    ;(row instanceof HTMLElement ? row : heading).focus()
  }
  const remove = async (label: Label) => {
    try {
      await api.remove(label.id)
      await panel.actions.reloadLabels(props.inboxId)
      return null
    } catch (e) {
      return describe(e)
    }
  }

  return (
    <section class="card label-admin" aria-labelledby={headingId}>
      <h3 id={headingId} ref={heading} tabIndex={-1}>
        {t('Labels')}
      </h3>
      <p class="muted hint">
        {t('Operators put labels on conversations and filter the list by them.')}
      </p>
      <Show when={labels()?.length}>
        <ul class="branch-list" ref={list} aria-label={t('Labels')}>
          <For each={labels()}>
            {(label) => (
              <li class="branch-row" data-row={label.id}>
                <Show
                  when={editing() === label.id}
                  fallback={
                    <>
                      <LabelChip label={label} />
                      <div class="branch-actions">
                        <button
                          type="button"
                          class="secondary"
                          aria-label={t('Edit {name}', { name: label.name })}
                          onClick={() => setEditing(label.id)}
                        >
                          {t('Edit')}
                        </button>
                        <button
                          type="button"
                          class="secondary"
                          aria-label={t('Delete {name}', { name: label.name })}
                          onClick={() => setDeleting(label)}
                        >
                          {t('Delete')}
                        </button>
                      </div>
                    </>
                  }
                >
                  <LabelForm
                    inboxId={props.inboxId}
                    label={label}
                    onDone={() => {
                      setEditing(null)
                      refocus(label.id)
                    }}
                  />
                </Show>
              </li>
            )}
          </For>
        </ul>
      </Show>
      <LabelForm inboxId={props.inboxId} label={null} />
      <Show when={deleting()}>
        {(label) => (
          <ConfirmDialog
            title={t('Delete the label {name}?', { name: label().name })}
            confirm={t('Delete label')}
            danger
            run={() => remove(label())}
            onClose={(deleted) => {
              setDeleting(null)
              // Kept: the dialog hands the focus back to its button itself.
              if (deleted) heading.focus()
            }}
          >
            <p>{t('It is removed from every conversation that has it.')}</p>
          </ConfirmDialog>
        )}
      </Show>
    </section>
  )
}
