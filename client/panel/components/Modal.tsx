/**
 * A modal dialog on the native <dialog>: showModal() keeps focus inside and makes the page
 * behind inert, Escape closes it. The body gets `close`, which closes it the same way.
 */
import { createUniqueId, onMount, type JSX } from 'solid-js'

export function Modal(props: {
  title: string
  /** Extra classes on the dialog (a wider one, say). */
  class?: string
  onClose: () => void
  children: (close: () => void) => JSX.Element
}) {
  let dialog!: HTMLDialogElement
  const titleId = createUniqueId()
  onMount(() => dialog.showModal())
  return (
    <dialog
      ref={dialog}
      class={props.class ? `modal ${props.class}` : 'modal'}
      aria-labelledby={titleId}
      onClose={() => props.onClose()}
    >
      <h2 id={titleId}>{props.title}</h2>
      {props.children(() => dialog.close())}
    </dialog>
  )
}
