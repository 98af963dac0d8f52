/**
 * Where the operator writes. Enter sends, Shift+Enter breaks the line; also the editor for an
 * own message (Enter saves, Escape cancels). Typing notices go out while writing a new message.
 */
import { Show } from 'solid-js'
import type { FileDraft } from '../../shared/attachments.ts'
import { createDraft } from '../../shared/draft.ts'
import { MAX_TEXT_LENGTH } from '../../shared/index.ts'
import { Icon } from '../../shared/ui/Icon.tsx'
import { AttachButton, FileChips, pastedFiles } from '../../shared/ui/Attachments.tsx'
import { EmojiButton } from '../../shared/ui/EmojiTools.tsx'
import { FILE_STRINGS } from '../format.ts'
import { usePanel } from '../context.ts'

export function Composer(props: { files: FileDraft }) {
  const panel = usePanel()
  const files = props.files
  const d = createDraft(
    {
      editing: () => panel.state.editing,
      textOf: (id) => panel.state.messages.find((m) => m.id === id)?.text,
      hasFiles: () => files.sendable().length > 0,
      send(text) {
        const ok = panel.actions.send(text, files.sendable())
        if (ok) files.take()
        return ok
      },
      saveEdit: (text) => panel.actions.saveEdit(text),
      cancelEdit: () => panel.actions.cancelEdit(),
      typing: (draft) => panel.actions.typing(draft),
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
      <Show when={files.items().length > 0 && !panel.state.editing}>
        <FileChips uploads={files.items()} t={FILE_STRINGS} onRemove={files.remove} />
      </Show>
      <Show when={files.tooMany()}>
        <p class="count over" role="alert">
          {FILE_STRINGS.tooMany}
        </p>
      </Show>
      <div class="composer-row">
        <Show when={!panel.state.editing}>
          <AttachButton
            label={FILE_STRINGS.attach}
            disabled={!canChat()}
            onFiles={(picked) => files.add(picked)}
          />
        </Show>
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
          onPaste={(e) => {
            if (panel.state.editing || !canChat()) return
            const pasted = pastedFiles(e)
            if (pasted.length > 0) files.add(pasted)
          }}
        />
        <EmojiButton label="Emoji" disabled={!canChat()} lang="en" />
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
