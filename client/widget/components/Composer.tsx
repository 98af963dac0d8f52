/**
 * Where the visitor writes. Enter sends, Shift+Enter breaks the line, the 4000-character limit
 * shows as a counter near the end (C7). Also the editor for an own message: it fills in the
 * text, Enter saves, Escape cancels.
 */
import { attachStrings } from '../../shared/attach-i18n.ts'
import { createEffect, onMount, Show } from 'solid-js'
import type { FileDraft } from '../../shared/attachments.ts'
import { createDraft } from '../../shared/draft.ts'
import { MAX_TEXT_LENGTH } from '../../shared/index.ts'
import { useWidget } from '../context.ts'
import { Icon } from '../../shared/ui/Icon.tsx'
import { AttachButton, FileChips, pastedFiles } from '../../shared/ui/Attachments.tsx'
import { EmojiButton } from '../../shared/ui/EmojiTools.tsx'
import { Help } from './lazy.ts'

/** The counter appears once the text is this long. */
const COUNTER_FROM = 3200

export function Composer(props: { files: FileDraft }) {
  const w = useWidget()
  const files = props.files
  const d = createDraft(
    {
      editing: () => w.state.editing,
      textOf: (id) => w.state.messages.find((m) => m.id === id)?.text,
      hasFiles: () => files.sendable().length > 0,
      send(text) {
        const ok = w.actions.send(text, files.sendable())
        if (ok) files.take()
        return ok
      },
      saveEdit: (text) => w.actions.saveEdit(text),
      cancelEdit: () => w.actions.cancelEdit(),
      typing: (draft) => w.actions.typing(draft),
    },
    { maxHeight: 120 },
  )
  // Focus follows the visitor's own action (opening the chat); a chat left open on another
  // page and restored on load must not steal focus from the host page.
  onMount(() => {
    if (document.hasFocus()) d.focus()
  })
  // Words handed over (the page's SDK, the help center's "Write to us"): taken in, not sent.
  createEffect(() => {
    const text = w.state.prefill
    if (!text) return
    w.actions.prefill('')
    d.restore(text)
  })
  return (
    <form
      class="composer"
      onSubmit={(e) => {
        e.preventDefault()
        void d.submit()
      }}
    >
      <Show when={w.state.availability?.help}>
        <Help text={d.draft()} />
      </Show>
      <Show when={w.state.editing}>
        <div class="editing-bar">
          <Icon name="edit" size={16} />
          <span>{w.t.editing}</span>
          <button type="button" class="link-button" onClick={() => w.actions.cancelEdit()}>
            {w.t.cancel}
          </button>
        </div>
      </Show>
      <Show when={files.items().length > 0 && !w.state.editing}>
        <FileChips
          uploads={files.items()}
          t={attachStrings(w.state.lang)}
          onRemove={files.remove}
        />
      </Show>
      <Show when={files.tooMany()}>
        <p class="count over" role="alert">
          {attachStrings(w.state.lang).tooMany}
        </p>
      </Show>
      <div class="composer-row">
        <Show when={!w.state.editing}>
          <AttachButton
            label={attachStrings(w.state.lang).attach}
            onFiles={(picked) => files.add(picked)}
          />
        </Show>
        <textarea
          ref={d.ref}
          class="input"
          rows={1}
          value={d.draft()}
          placeholder={w.t.placeholder}
          aria-label={w.t.placeholder}
          aria-describedby="pw-hint pw-count"
          aria-invalid={d.over()}
          onInput={d.onInput}
          onKeyDown={d.onKeyDown}
          onPaste={(e) => {
            if (w.state.editing) return
            const pasted = pastedFiles(e)
            if (pasted.length > 0) files.add(pasted)
          }}
        />
        <EmojiButton label={w.t.emoji} lang={w.state.lang} store={w.local} />
        <button
          type="submit"
          class="send"
          aria-label={w.state.editing ? w.t.save : w.t.send}
          title={w.state.editing ? w.t.save : w.t.send}
          disabled={!d.canSubmit()}
        >
          <Icon name={w.state.editing ? 'check' : 'send'} />
        </button>
      </div>
      <p id="pw-hint" class="sr-only">
        {w.t.hint}
      </p>
      <p id="pw-count" class="count" classList={{ over: d.over() }} aria-live="polite">
        <Show when={d.draft().length >= COUNTER_FROM}>
          <Show when={d.over()}>{w.t.tooLong}: </Show>
          {d.draft().length} / {MAX_TEXT_LENGTH}
        </Show>
      </p>
    </form>
  )
}
