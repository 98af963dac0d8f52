/**
 * Keyboard focus in the forms' growing lists (hours, exceptions, rules): an added row's first
 * input takes focus, and removing a row hands focus to the list's "add" button, since the
 * pressed "remove" button is gone.
 */
export function listFocus() {
  let adding = false
  let addButton: HTMLElement | undefined
  return {
    /** Before a row is added. */
    adding: () => {
      adding = true
    },
    /** `ref` of each row's first input: runs once per row, so only the added one takes focus. */
    first: (el: HTMLElement) => {
      if (!adding) return
      adding = false
      queueMicrotask(() => el.focus())
    },
    /** `ref` of the list's "add" button. */
    addButton: (el: HTMLElement) => {
      addButton = el
    },
    /** After a row is removed. */
    removed: () => queueMicrotask(() => addButton?.focus()),
  }
}
