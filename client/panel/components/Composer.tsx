/**
 * Where the operator writes. Enter sends, Shift+Enter breaks the line; also the editor for an
 * own message (Enter saves, Escape cancels). Typing notices go out while writing a new message.
 */
import { Show } from 'solid-js'
import { createDraft } from '../../shared/draft.ts'
import { MAX_TEXT_LENGTH } from '../../shared/index.ts'
import { Icon } from '../../shared/ui/Icon.tsx'
import { usePanel } from '../context.ts'

export function Composer() {
  const panel = usePanel()
  const d = createDraft(
    {
      editing: () => panel.state.editing,
      textOf: (id) => panel.state.messages.find((m) => m.id === id)?.text,
      send: (text) => panel.actions.send(text),
      saveEdit: (text) => panel.actions.saveEdit(text),
      cancelEdit: () => panel.actions.cancelEdit(),
      typing: () => panel.actions.typing(),
    },
    { maxHeight: 160 },
  )
  const canChat = () => panel.state.login?.operator.canChat === true
  return (
    <form
      class="composer"
      onSubmit={(e) => {
        e.preventDefault()
        void d.submit()
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
          ref={d.ref}
          rows={1}
          value={d.draft()}
          disabled={!canChat()}
          placeholder={canChat() ? 'Reply to the visitor…' : 'You may view but not chat'}
          aria-label="Reply"
          aria-invalid={d.over()}
          onInput={d.onInput}
          onKeyDown={d.onKeyDown}
        />
        <button
          type="submit"
          class="send"
          aria-label={panel.state.editing ? 'Save' : 'Send'}
          disabled={!d.canSubmit()}
        >
          <Icon name={panel.state.editing ? 'check' : 'send'} />
        </button>
      </div>
      <Show when={d.over()}>
        <p class="count over">
          Too long: {d.draft().length} / {MAX_TEXT_LENGTH}
        </p>
      </Show>
    </form>
  )
}
