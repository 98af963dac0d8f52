/**
 * The open chat: header, history, the place in the queue, typing line, notices and the
 * composer. Escape closes it. Files dropped anywhere on it join the composer's. While nobody
 * can answer, a visitor without a conversation gets the request form instead of the composer;
 * once typed into, it stays until the request is sent (or the chat closes), so the team coming
 * back never wipes the text. Otherwise, with the inbox's pre-chat form in `before` mode, a
 * visitor without a conversation answers it first (unless their profile already has the
 * answers); "Your details" (from the header) also takes the composer's place while open.
 */
import { attachStrings } from '../../shared/attach-i18n.ts'
import { createEffect, createSignal, onCleanup, Show } from 'solid-js'
import { createFileDraft } from '../../shared/attachments.ts'
import { createDropZone } from '../../shared/ui/Attachments.tsx'
import { useWidget } from '../context.ts'
import { preChatForm } from '../derive.ts'
import { appearanceOf } from '../appearance.ts'
import { Composer } from './Composer.tsx'
import { DetailsForm, LeaveForm } from './lazy.ts'
import { Header } from './Header.tsx'
import { MessageList } from './MessageList.tsx'
import { Notice } from './Notice.tsx'
import { Queue } from './Queue.tsx'
import { TypingIndicator } from './TypingIndicator.tsx'
// The rating card's and the pre-chat form's (lazy) styles: one file with the window's is less
// to fetch than one of their own.
import './cards.css'

// For a proactive message (campaign/, M6), which fetches this chunk as it shows: its visitor
// may well open the chat next, and it needs nothing more of its own.
export { RichText } from '../../shared/ui/RichText.tsx'
export { initials } from './Face.tsx'

export default function ChatWindow() {
  const w = useWidget()
  const files = createFileDraft(w.uploads)
  onCleanup(() => files.clear())
  const [typed, setTyped] = createSignal(false)
  const form = () =>
    !w.state.conversation &&
    w.state.pending.length === 0 &&
    (typed() || (w.state.availability?.state === 'offline' && w.state.lookedUp))
  /** The pre-chat form before the first message: being decided, or asked. */
  const before = () =>
    !form() &&
    !w.state.conversation &&
    preChatForm(w.state).mode === 'before' &&
    w.state.details !== 'done'
  createEffect(() => {
    if (before() && w.state.details === 'unknown' && w.state.lookedUp) {
      void w.actions.checkDetails()
    }
  })
  const closeDetails = () => {
    void w.actions.openDetails(false)
    document.getElementById('pw-details')?.focus()
  }
  // A file would start a conversation of its own, past the form.
  const drop = createDropZone(
    (list) => files.add(list),
    () => !w.state.editing && !form() && !before() && !w.state.detailsOpen,
  )
  return (
    <section
      id="pw-window"
      class="window"
      role="dialog"
      aria-label={appearanceOf(w.state).title || w.t.title}
      onKeyDown={(e) => {
        if (e.key === 'Escape' && !e.defaultPrevented) w.actions.close()
      }}
      onDragEnter={drop.handlers.onDragEnter}
      onDragOver={drop.handlers.onDragOver}
      onDragLeave={drop.handlers.onDragLeave}
      onDrop={drop.handlers.onDrop}
    >
      <Header />
      <MessageList />
      <Show when={!form()} fallback={<LeaveForm onInput={() => setTyped(true)} />}>
        <Queue />
        <TypingIndicator />
        <Notice />
        <Show
          when={w.state.detailsOpen}
          fallback={
            <Show when={before()} fallback={<Composer files={files} />}>
              {/* Nothing while the profile is read: the form or the composer follows. */}
              <Show when={w.state.details === 'ask'}>
                <DetailsForm mode="before" />
              </Show>
            </Show>
          }
        >
          <DetailsForm mode="edit" onClose={closeDetails} />
        </Show>
      </Show>
      <Show when={drop.dragging()}>
        <div class="drop-overlay">{attachStrings(w.state.lang).drop}</div>
      </Show>
    </section>
  )
}
