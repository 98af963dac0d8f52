/**
 * The help center's confirmation (a category's delete, a revision's restore): the panel's
 * ConfirmDialog in small, on a native modal <dialog> of this chunk's own, so that opening the
 * section fetches no other chunk (ConfirmDialog lives in the account dialogs' one). Escape or
 * Cancel closes it; the browser hands the focus back to the button that opened it.
 */
import { createSignal, createUniqueId, onMount, Show, type JSX } from 'solid-js'
import { th } from './HelpApi.ts'

export function Confirm(props: {
  title: string
  confirm: string
  danger?: boolean
  /** Null when done (it closes), else what to say (it stays). */
  run: () => Promise<string | null>
  onClose: () => void
  children: JSX.Element
}) {
  let dialog!: HTMLDialogElement
  const titleId = createUniqueId()
  const [error, setError] = createSignal<string | null>(null)
  const [busy, setBusy] = createSignal(false)
  onMount(() => dialog.showModal())
  const close = () => {
    if (dialog.open) dialog.close()
  }
  return (
    <dialog ref={dialog} class="modal" aria-labelledby={titleId} onClose={() => props.onClose()}>
      <h2 id={titleId}>{props.title}</h2>
      <div class="dialog-body">
        {props.children}
        <Show when={error()}>
          <p class="error" role="alert">
            {error()}
          </p>
        </Show>
        <div class="form-foot">
          <button type="button" class="secondary" onClick={close}>
            {th('Cancel')}
          </button>
          <button
            type="button"
            classList={{ danger: props.danger === true }}
            disabled={busy()}
            onClick={async () => {
              setBusy(true)
              setError(null)
              const failure = await props.run()
              setBusy(false)
              if (failure) setError(failure)
              else close()
            }}
          >
            {props.confirm}
          </button>
        </div>
      </div>
    </dialog>
  )
}
