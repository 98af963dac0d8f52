/**
 * A completion list tied to the composer's textarea (the canned replies' `/` and the note's
 * `@`): a listbox named by aria-controls and aria-activedescendant on the textarea; Up/Down
 * move, Enter or Tab insert, Escape dismisses until the word changes, a click inserts. Each
 * picker says which word before the caret it completes, what matches it, and what replaces it.
 */
import { createEffect, createMemo, createSignal, createUniqueId, onCleanup } from 'solid-js'

/** The word being completed: its start in the text, and what was typed of it. */
export interface CompletionToken {
  from: number
  query: string
}

export interface CompletionSpec<T> {
  /** The token that ends at the caret, or null when there is nothing to complete. */
  token(value: string, caret: number): CompletionToken | null
  /** What the list shows for this query (empty: closed). */
  matches(query: string): T[]
  /** The text that replaces the token. */
  text(item: T): string
  /** Off: never opens (a note's @mentions while writing a reply). */
  enabled?: () => boolean
  /** Called as a token starts or changes (to load what it matches). */
  onQuery?: () => void
}

export function createCompletion<T>(spec: CompletionSpec<T>) {
  const id = createUniqueId()
  const [token, setToken] = createSignal<(CompletionToken & { to: number }) | null>(null)
  const [active, setActive] = createSignal(0)
  let input: HTMLTextAreaElement | null = null
  let dismissed = ''

  const matches = createMemo(() => {
    const t = token()
    return t && (spec.enabled?.() ?? true) ? spec.matches(t.query) : []
  })
  const open = () => matches().length > 0
  // Runs after the form's input listener, after the textarea's own: another completion's
  // clean-up (which clears these when it has nothing to show) cannot undo them.
  createEffect(() => {
    const shown = open()
    const at = active()
    if (!input) return
    if (shown) {
      input.setAttribute('aria-controls', id)
      input.setAttribute('aria-activedescendant', `${id}-${at}`)
      input.setAttribute('aria-autocomplete', 'list')
    } else if (input.getAttribute('aria-controls') === id) {
      input.removeAttribute('aria-controls')
      input.removeAttribute('aria-activedescendant')
    }
  })
  const close = () => setToken(null)
  const typed = (e: Event) => {
    // Only the textarea's own input: not a radio or another field of the form.
    if (!input || e.target !== input) return
    if (!(spec.enabled?.() ?? true) || input.selectionStart !== input.selectionEnd) return close()
    const caret = input.selectionStart
    const t = spec.token(input.value, caret)
    if (!t || `${t.from}:${t.query}` === dismissed) return close()
    dismissed = ''
    spec.onQuery?.()
    setToken({ ...t, to: caret })
    setActive(0)
  }
  const pick = (item: T) => {
    const t = token()
    if (!input || !t) return
    close()
    input.focus()
    input.setRangeText(spec.text(item), t.from, t.to, 'end')
    input.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertText' }))
  }
  const keys = (e: KeyboardEvent) => {
    const list = matches()
    const n = list.length
    if (n === 0 || !token() || e.isComposing) return
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      setActive((active() + (e.key === 'ArrowDown' ? 1 : n - 1)) % n)
    } else if (e.key === 'Enter' || e.key === 'Tab') {
      const chosen = list[Math.min(active(), n - 1)]
      if (chosen) pick(chosen)
    } else if (e.key === 'Escape') {
      const t = token()
      if (t) dismissed = `${t.from}:${t.query}`
      close()
    } else return
    e.preventDefault()
    e.stopPropagation()
  }

  /** Call once mounted, with an element inside the composer's form. */
  const attach = (host: HTMLElement) => {
    const form = host.closest('form')
    input = form?.querySelector('textarea') ?? null
    if (!form || !input) return
    const el = input
    // On the form: input events reach it after the textarea's own listeners.
    form.addEventListener('input', typed)
    el.addEventListener('keydown', keys, true)
    el.addEventListener('blur', close)
    onCleanup(() => {
      form.removeEventListener('input', typed)
      el.removeEventListener('keydown', keys, true)
      el.removeEventListener('blur', close)
    })
  }

  /** The i-th option's element id, and whether it is the active one. */
  const optionId = (i: number) => `${id}-${i}`
  const isActive = (i: number) => active() === i

  return { id, open, matches, pick, attach, optionId, isActive }
}
