/**
 * The composer's draft, shared by widget and panel: Enter sends, Shift+Enter breaks the line,
 * the text limit (C7), and editing one's own message (the draft takes its text; Enter saves,
 * Escape cancels). Typing notices go out while writing a new message, not while editing.
 */
import { createEffect, createSignal, on } from 'solid-js'
import { MAX_TEXT_LENGTH } from './index.ts'

export interface DraftTarget {
  /** Id of the message being edited, or null. */
  editing(): string | null | undefined
  /** Current text of a message (to start editing it). */
  textOf(id: string): string | undefined
  send(text: string): boolean
  saveEdit(text: string): Promise<boolean>
  cancelEdit(): void
  /** The new draft was typed (an empty one: typing stopped). */
  typing(draft: string): void
  /** Files ready to go with a new message: it may then have no text. */
  hasFiles?(): boolean
}

export function createDraft(target: DraftTarget, opts: { maxHeight: number }) {
  const [draft, setDraft] = createSignal('')
  let input: HTMLTextAreaElement | undefined
  const over = () => draft().length > MAX_TEXT_LENGTH
  const canSubmit = () =>
    (draft().trim().length > 0 || (!target.editing() && target.hasFiles?.() === true)) && !over()
  const grow = () => {
    if (!input) return
    input.style.height = 'auto'
    input.style.height = `${Math.min(input.scrollHeight, opts.maxHeight)}px`
  }
  createEffect(
    on(
      () => target.editing(),
      (id, previous) => {
        const text = id ? target.textOf(id) : undefined
        if (text !== undefined) setDraft(text)
        else if (previous) setDraft('')
        queueMicrotask(grow)
        input?.focus()
      },
      { defer: true },
    ),
  )
  const submit = async () => {
    if (!canSubmit()) return
    if (target.editing()) {
      const text = draft()
      if (await target.saveEdit(text)) setDraft('')
      // Refused for good (read meanwhile): the editor closed, the words stay to send anew.
      else if (!target.editing()) setDraft(text)
    } else if (target.send(draft())) {
      setDraft('')
    }
    queueMicrotask(grow)
  }
  return {
    draft,
    over,
    canSubmit,
    submit,
    /** Puts words that were not accepted back, before anything written since. */
    restore(text: string) {
      setDraft(draft() ? `${text}\n${draft()}` : text)
      queueMicrotask(grow)
    },
    /** Pass as the textarea's ref. */
    ref: (el: HTMLTextAreaElement) => (input = el),
    focus: () => input?.focus(),
    onInput(e: InputEvent & { currentTarget: HTMLTextAreaElement }) {
      setDraft(e.currentTarget.value)
      grow()
      if (!target.editing()) target.typing(e.currentTarget.value)
    },
    onKeyDown(e: KeyboardEvent) {
      if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
        e.preventDefault()
        void submit()
      } else if (e.key === 'Escape' && target.editing()) {
        e.preventDefault()
        target.cancelEdit()
      }
    },
  }
}
