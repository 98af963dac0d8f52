/**
 * Where the visitor writes. Enter sends, Shift+Enter breaks the line, the 4000-character limit
 * shows as a counter near the end (C7). Also the editor for an own message: it fills in the
 * text, Enter saves, Escape cancels.
 */
import { createEffect, createSignal, on, onMount, Show } from 'solid-js'
import { MAX_TEXT_LENGTH } from '../../shared/index.ts'
import { useWidget } from '../context.ts'
import { Icon } from '../../shared/ui/Icon.tsx'

/** The counter appears once the text is this long. */
const COUNTER_FROM = 3200

export function Composer() {
  const w = useWidget()
  const [draft, setDraft] = createSignal('')
  let input: HTMLTextAreaElement | undefined
  const over = () => draft().length > MAX_TEXT_LENGTH
  const canSubmit = () => draft().trim().length > 0 && !over()
  const grow = () => {
    if (!input) return
    input.style.height = 'auto'
    input.style.height = `${Math.min(input.scrollHeight, 120)}px`
  }
  // Focus follows the visitor's own action (opening the chat); a chat left open on another
  // page and restored on load must not steal focus from the host page.
  onMount(() => {
    if (document.hasFocus()) input?.focus()
  })
  createEffect(
    on(
      () => w.state.editing,
      (id, previous) => {
        const message = id ? w.state.messages.find((m) => m.id === id) : undefined
        if (message) setDraft(message.text)
        else if (previous) setDraft('')
        queueMicrotask(grow)
        input?.focus()
      },
      { defer: true },
    ),
  )
  const submit = async () => {
    if (!canSubmit()) return
    if (w.state.editing) {
      if (await w.actions.saveEdit(draft())) setDraft('')
    } else if (w.actions.send(draft())) {
      setDraft('')
    }
    queueMicrotask(grow)
  }
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault()
      void submit()
    } else if (e.key === 'Escape' && w.state.editing) {
      e.preventDefault()
      w.actions.cancelEdit()
    }
  }
  return (
    <form
      class="composer"
      onSubmit={(e) => {
        e.preventDefault()
        void submit()
      }}
    >
      <Show when={w.state.editing}>
        <div class="editing-bar">
          <Icon name="edit" size={16} />
          <span>{w.t.editing}</span>
          <button type="button" class="link-button" onClick={() => w.actions.cancelEdit()}>
            {w.t.cancel}
          </button>
        </div>
      </Show>
      <div class="composer-row">
        <textarea
          ref={input}
          class="input"
          rows={1}
          value={draft()}
          placeholder={w.t.placeholder}
          aria-label={w.t.placeholder}
          aria-describedby="pw-hint pw-count"
          aria-invalid={over()}
          onInput={(e) => {
            setDraft(e.currentTarget.value)
            grow()
            if (!w.state.editing) w.actions.typing()
          }}
          onKeyDown={onKeyDown}
        />
        <button
          type="submit"
          class="send"
          aria-label={w.state.editing ? w.t.save : w.t.send}
          title={w.state.editing ? w.t.save : w.t.send}
          disabled={!canSubmit()}
        >
          <Icon name={w.state.editing ? 'check' : 'send'} />
        </button>
      </div>
      <p id="pw-hint" class="sr-only">
        {w.t.hint}
      </p>
      <p id="pw-count" class="count" classList={{ over: over() }} aria-live="polite">
        <Show when={draft().length >= COUNTER_FROM}>
          <Show when={over()}>{w.t.tooLong}: </Show>
          {draft().length} / {MAX_TEXT_LENGTH}
        </Show>
      </p>
    </form>
  )
}
