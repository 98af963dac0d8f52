/**
 * An inbox's named things in its settings, as a card (its labels and its macros, issue 20): a
 * row each, changed in place by its form (Edit) or deleted after a confirmation (Delete); the
 * form for a new one below, open all along or behind a button (`add`). A form that closes hands
 * the focus back to its row's Edit button (or the button that opened it), else to the heading;
 * a delete hands it to the heading.
 */
import { createSignal, createUniqueId, For, Show, type JSX } from 'solid-js'
import { describe } from '../chat.ts'
import { t } from '../i18n.ts'
import { ConfirmDialog } from './ConfirmDialog.tsx'
import '../label-admin.css'

export function SettingsList<T extends { id: string; name: string }>(props: {
  title: string
  hint: string
  class: string
  items: readonly T[] | undefined
  /** A row's content before its Edit and Delete buttons. */
  row: (item: T) => JSX.Element
  /** The form for an item (null: a new one); `done` closes it. */
  form: (item: T | null, done: () => void) => JSX.Element
  /** The button that opens the form for a new one; absent, that form is always there. */
  add?: string
  /** The confirmation's title, its button and what it says. */
  confirm: [title: (item: T) => string, button: string, note: string]
  /** Deletes it (and reads the list again); throws why not. */
  remove: (item: T) => Promise<void>
  /** More of the section, under the list (a setting of them all). */
  children?: JSX.Element
}) {
  const headingId = createUniqueId()
  /** The item whose form shows in place of its row ('new': the new one's form is open). */
  const [editing, setEditing] = createSignal<string | null>(null)
  const [deleting, setDeleting] = createSignal<T | null>(null)
  let section!: HTMLElement
  let heading!: HTMLHeadingElement

  const done = (id: string) => {
    setEditing(null)
    const row = section.querySelector(`[data-row="${CSS.escape(id)}"]`)
    // Its Edit button (a row may hold buttons of its own before it), else "New ...".
    const button = row?.querySelector('.branch-actions button') ?? row?.querySelector('button')
    ;(button instanceof HTMLElement ? button : heading).focus()
  }

  return (
    <section class={`card ${props.class}`} aria-labelledby={headingId} ref={section}>
      <h3 id={headingId} ref={heading} tabIndex={-1}>
        {props.title}
      </h3>
      <p class="muted hint">{props.hint}</p>
      <Show when={props.items?.length}>
        <ul class="branch-list" aria-label={props.title}>
          <For each={props.items}>
            {(item) => (
              <li class="branch-row" data-row={item.id}>
                <Show
                  when={editing() === item.id}
                  fallback={
                    <>
                      {props.row(item)}
                      <div class="branch-actions">
                        <button
                          type="button"
                          class="secondary"
                          aria-label={t('Edit {name}', { name: item.name })}
                          onClick={() => setEditing(item.id)}
                        >
                          {t('Edit')}
                        </button>
                        <button
                          type="button"
                          class="secondary"
                          aria-label={t('Delete {name}', { name: item.name })}
                          onClick={() => setDeleting(() => item)}
                        >
                          {t('Delete')}
                        </button>
                      </div>
                    </>
                  }
                >
                  {props.form(item, () => done(item.id))}
                </Show>
              </li>
            )}
          </For>
        </ul>
      </Show>
      <div data-row="new">
        <Show
          when={!props.add || editing() === 'new'}
          fallback={
            <button type="button" class="secondary" onClick={() => setEditing('new')}>
              {props.add}
            </button>
          }
        >
          {props.form(null, () => done('new'))}
        </Show>
      </div>
      {props.children}
      <Show when={deleting()}>
        {(item) => (
          <ConfirmDialog
            title={props.confirm[0](item())}
            confirm={props.confirm[1]}
            danger
            run={() => props.remove(item()).then(() => null, describe)}
            onClose={(deleted) => {
              setDeleting(null)
              // Kept: the dialog hands the focus back to its button itself.
              if (deleted) heading.focus()
            }}
          >
            <p>{props.confirm[2]}</p>
          </ConfirmDialog>
        )}
      </Show>
    </section>
  )
}
