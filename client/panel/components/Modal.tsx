/**
 * A modal dialog on the native <dialog>: showModal() keeps focus inside and makes the page
 * behind inert, Escape closes it. The body gets `close`, which closes it the same way.
 * The owner hears of it (onClose) at once, in the same task as the dialog disappears, not when
 * the browser's `close` event comes a moment later: by then a quick user (or test) may have
 * opened the next dialog, which a late onClose would close again.
 */
import { createUniqueId, onCleanup, onMount, type JSX } from 'solid-js'

export function Modal(props: {
  title: string
  /** Extra classes on the dialog (a wider one, say). */
  class?: string
  onClose: () => void
  children: (close: () => void) => JSX.Element
}) {
  let dialog!: HTMLDialogElement
  const titleId = createUniqueId()
  onMount(() => {
    dialog.showModal()
    // The key that opened the dialog (Enter or Space on a button or menu item) goes on after
    // the dialog took the focus: its keypress would submit the form now focused, its keyup
    // press a button there. Only keys pressed down inside the dialog act in it.
    const down = new Set<string>()
    const onDown = (e: KeyboardEvent) => down.add(e.key)
    const tail = (e: KeyboardEvent) => {
      if (down.has(e.key)) {
        if (e.type === 'keyup') down.delete(e.key)
        return
      }
      e.preventDefault()
      e.stopPropagation()
    }
    dialog.addEventListener('keydown', onDown, true)
    dialog.addEventListener('keypress', tail, true)
    dialog.addEventListener('keyup', tail, true)
  })
  // Once, and only while shown: a close event that comes late (after this dialog was taken
  // away, or a second one) must not close whatever the page shows by then, nor move its focus.
  let open = true
  onCleanup(() => {
    open = false
    // Taken away while open (its owner closed it directly): close it now, while it is still
    // in the page, so the browser's own close steps (focus restore, the close event) happen
    // here and not a moment later, on whatever has the focus by then.
    if (dialog.open) dialog.close()
  })
  const closed = () => {
    if (!open) return
    open = false
    props.onClose()
  }
  return (
    <dialog
      ref={dialog}
      class={props.class ? `modal ${props.class}` : 'modal'}
      aria-labelledby={titleId}
      // Escape: the browser closes it right after this event unless it is cancelled.
      onCancel={(e) => {
        if (!e.defaultPrevented) closed()
      }}
      onClose={closed}
    >
      <h2 id={titleId}>{props.title}</h2>
      {props.children(() => {
        dialog.close()
        closed()
      })}
    </dialog>
  )
}
