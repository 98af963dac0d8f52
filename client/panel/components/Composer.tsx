/**
 * Where the operator writes. Enter sends, Shift+Enter breaks the line; also the editor for an
 * own message (Enter saves, Escape cancels). Typing notices go out while writing a new message.
 * A reply waits for a choice (Send anyway, Cancel) when a colleague replied since its draft was
 * started, or since the last such warning (collision detection, issue 20).
 */
import { createEffect, createSignal, lazy, on, onCleanup, onMount, Show } from 'solid-js'
import type { FileDraft } from '../../shared/attachments.ts'
import { createDraft } from '../../shared/draft.ts'
import { MAX_TEXT_LENGTH } from '../../shared/index.ts'
import { Icon } from '../../shared/ui/Icon.tsx'
import { AttachButton, FileChips, pastedFiles } from '../../shared/ui/Attachments.tsx'
import { EmojiButton } from '../../shared/ui/EmojiTools.tsx'
import { fileStrings } from '../format.ts'
import { usePanel } from '../context.ts'
import { nameOf } from '../activity.ts'
import { locale, t } from '../i18n.ts'
import { COMPOSE_EVENT, type ComposeRequest } from '../shortcuts.ts'
import { CannedPicker } from './CannedPicker.tsx'
import { ComposeMode, type ComposeModeValue } from './ComposeMode.tsx'
import { MentionPicker, mentionsIn } from './MentionPicker.tsx'

/** The help center's article search (issue 21): an on-demand chunk, fetched when first opened. */
const HelpLink = lazy(() => import('./HelpLink.tsx'))

export function Composer(props: { files: FileDraft }) {
  const panel = usePanel()
  const files = props.files
  // A private note (issue 16): no files, no typing notice to the visitor, amber.
  const [mode, setMode] = createSignal<ComposeModeValue>('reply')
  const [linking, setLinking] = createSignal(false)
  const noting = () => mode() === 'note' && !panel.state.editing
  const me = () => panel.state.login?.operator.id
  const newest = () => panel.state.messages.at(-1)?.seq ?? 0
  /** The newest seq on screen when this draft was started, or when the warning last showed. */
  let since: number | null = null
  /** "Send anyway" was chosen: the next send goes without asking. */
  let anyway = false
  /** Colleagues who replied since then (collision detection, issue 20): the warning's names. */
  const [warning, setWarning] = createSignal<string[]>([])
  const repliedSince = () => [
    ...new Set(
      panel.state.messages.flatMap((m) =>
        m.author.kind === 'operator' && m.author.id !== me() && m.seq > (since ?? Infinity)
          ? [nameOf(panel.state, m.author.id)]
          : [],
      ),
    ),
  ]
  // A draft begun before the thread was on screen (typed while its history loads) saw none of
  // it: what the history brings is not a reply made while writing. Once subscribed, the
  // baseline is what is on screen.
  createEffect(
    on(
      () => panel.state.subscribed,
      (subscribed) => {
        if (subscribed !== null && since !== null) since = Math.max(since, newest())
      },
    ),
  )
  const d = createDraft(
    {
      editing: () => panel.state.editing,
      textOf: (id) => panel.state.messages.find((m) => m.id === id)?.text,
      hasFiles: () => !noting() && files.sendable().length > 0,
      send(text) {
        if (noting()) return panel.actions.note(text, mentionsIn(panel.state, text))
        const names = anyway ? [] : repliedSince()
        anyway = false
        if (names.length > 0) {
          since = newest()
          setWarning(names)
          return false
        }
        const ok = panel.actions.send(text, files.sendable())
        if (ok) {
          files.take()
          since = null
        }
        return ok
      },
      saveEdit: (text) => panel.actions.saveEdit(text),
      cancelEdit: () => panel.actions.cancelEdit(),
      typing(draft) {
        // Nothing on screen yet (the history is loading): no baseline until there is.
        since = draft ? (since ?? (newest() > 0 ? newest() : null)) : null
        if (!noting()) panel.actions.typing(draft)
      },
    },
    { maxHeight: 160 },
  )
  const canChat = () => panel.state.login?.operator.canChat === true
  /** The warning's choice: send the draft as it is, or back to it (to read the thread first). */
  const closeWarning = (send: boolean) => {
    setWarning([])
    d.focus()
    anyway = send
    if (send) void d.submit()
  }
  // The `r` and `n` shortcuts (shortcuts.ts): the mode they name, and the box focused.
  onMount(() => {
    const onCompose = (event: Event) => {
      const { mode: asked, text } = (event as CustomEvent<ComposeRequest>).detail
      if (!canChat() || panel.state.editing) return
      if (asked === 'note') panel.actions.typing('')
      setMode(asked)
      if (text !== undefined) d.restore(text)
      d.focus()
    }
    window.addEventListener(COMPOSE_EVENT, onCompose)
    onCleanup(() => window.removeEventListener(COMPOSE_EVENT, onCompose))
  })
  return (
    <form
      class="composer"
      classList={{ noting: noting() }}
      onSubmit={(e) => {
        e.preventDefault()
        void d.submit()
      }}
    >
      <Show when={panel.state.editing}>
        <div class="editing-bar">
          <Icon name="edit" size={16} />
          <span>{t('Editing message')}</span>
          <button type="button" class="link-button" onClick={() => panel.actions.cancelEdit()}>
            {t('Cancel')}
          </button>
        </div>
      </Show>
      <Show when={!panel.state.editing}>
        <ComposeMode
          value={mode()}
          disabled={!canChat()}
          onChange={(next) => {
            // Whatever was typed as a reply stops showing as typing to the visitor.
            if (next === 'note') panel.actions.typing('')
            setMode(next)
          }}
        />
      </Show>
      <Show when={files.items().length > 0 && !noting()}>
        <FileChips uploads={files.items()} t={fileStrings()} onRemove={files.remove} />
      </Show>
      <Show when={files.tooMany()}>
        <p class="count over" role="alert">
          {fileStrings().tooMany}
        </p>
      </Show>
      <Show when={warning().length > 0}>
        <div
          class="reply-warning"
          role="alert"
          onKeyDown={(e) => e.key === 'Escape' && closeWarning(false)}
        >
          <span>
            {t('{names} replied while you were writing.', { names: warning().join(', ') })}
          </span>
          <button
            type="button"
            ref={(el) => queueMicrotask(() => el.focus())}
            onClick={() => closeWarning(true)}
          >
            {t('Send anyway')}
          </button>
          <button type="button" class="secondary" onClick={() => closeWarning(false)}>
            {t('Cancel')}
          </button>
        </div>
      </Show>
      <Show when={linking()}>
        <HelpLink onClose={() => setLinking(false)} />
      </Show>
      <div class="composer-row">
        <Show when={!panel.state.editing && !noting()}>
          <AttachButton
            label={fileStrings().attach}
            disabled={!canChat()}
            onFiles={(picked) => files.add(picked)}
          />
        </Show>
        <textarea
          ref={d.ref}
          rows={1}
          value={d.draft()}
          disabled={!canChat()}
          placeholder={
            !canChat()
              ? t('You may view but not chat')
              : noting()
                ? t('Private note: visible to your team only')
                : t('Reply to the visitor…')
          }
          aria-label={noting() ? t('Private note') : t('Reply')}
          aria-invalid={d.over()}
          onInput={d.onInput}
          onKeyDown={d.onKeyDown}
          onPaste={(e) => {
            if (panel.state.editing || !canChat() || noting()) return
            const pasted = pastedFiles(e)
            if (pasted.length > 0) files.add(pasted)
          }}
        />
        <EmojiButton label={t('Emoji')} disabled={!canChat()} lang={locale()} />
        <button
          type="button"
          class="icon-button"
          aria-label={t('Insert article link')}
          aria-expanded={linking()}
          disabled={!canChat()}
          onClick={() => setLinking(!linking())}
        >
          <Icon name="file" />
        </button>
        <CannedPicker />
        <MentionPicker enabled={noting()} />
        <button
          type="submit"
          class="send"
          aria-label={panel.state.editing ? t('Save') : noting() ? t('Add note') : t('Send')}
          disabled={!d.canSubmit()}
        >
          <Icon name={panel.state.editing ? 'check' : 'send'} />
        </button>
      </div>
      <Show when={d.over()}>
        <p class="count over">
          {t('Too long: {count} / {max}', { count: d.draft().length, max: MAX_TEXT_LENGTH })}
        </p>
      </Show>
    </form>
  )
}
