/**
 * Where the operator writes. Enter sends, Shift+Enter breaks the line; also the editor for an
 * own message (Enter saves, Escape cancels). Typing notices go out while writing a new message.
 */
import { createEffect, createSignal, on, Show } from 'solid-js'
import { MAX_TEXT_LENGTH } from '../../shared/index.ts'
import { Icon } from '../../shared/ui/Icon.tsx'
import { usePanel } from '../context.ts'

export function Composer() {
  const panel = usePanel()
  const [draft, setDraft] = createSignal('')
  let input: HTMLTextAreaElement | undefined
  const over = () => draft().length > MAX_TEXT_LENGTH
  const canSubmit = () => draft().trim().length > 0 && !over()
  const canChat = () => panel.state.login?.operator.canChat === true
  const grow = () => {
    if (!input) return
    input.style.height = 'auto'
    input.style.height = `${Math.min(input.scrollHeight, 160)}px`
  }
  createEffect(
    on(
      () => panel.state.editing,
      (id, previous) => {
        const message = id ? panel.state.messages.find((m) => m.id === id) : undefined
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
    if (panel.state.editing) {
      if (await panel.actions.saveEdit(draft())) setDraft('')
    } else if (panel.actions.send(draft())) {
      setDraft('')
    }
    queueMicrotask(grow)
  }
  return (
    <form
      class="composer"
      onSubmit={(e) => {
        e.preventDefault()
        void submit()
      }}
    >
      <Show when={panel.state.editing}>
        <div class="editing-bar">
          <Icon name="edit" size={16} />
          <span>Editing message</span>
          <button type="button" class="link-button" onClick={() => panel.actions.cancelEdit()}>
            Cancel
          </button>
        </div>
      </Show>
      <div class="composer-row">
        <textarea
          ref={input}
          rows={1}
          value={draft()}
          disabled={!canChat()}
          placeholder={canChat() ? 'Reply to the visitor…' : 'You may view but not chat'}
          aria-label="Reply"
          aria-invalid={over()}
          onInput={(e) => {
            setDraft(e.currentTarget.value)
            grow()
            if (!panel.state.editing) panel.actions.typing()
          }}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
              e.preventDefault()
              void submit()
            } else if (e.key === 'Escape' && panel.state.editing) {
              e.preventDefault()
              panel.actions.cancelEdit()
            }
          }}
        />
        <button
          type="submit"
          class="send"
          aria-label={panel.state.editing ? 'Save' : 'Send'}
          disabled={!canSubmit()}
        >
          <Icon name={panel.state.editing ? 'check' : 'send'} />
        </button>
      </div>
      <Show when={over()}>
        <p class="count over">
          Too long: {draft().length} / {MAX_TEXT_LENGTH}
        </p>
      </Show>
    </form>
  )
}
