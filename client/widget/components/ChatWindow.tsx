/**
 * The open chat: header, history, typing line, notices and the composer. Escape closes it. Files
 * dropped anywhere on it join the composer's.
 */
import { onCleanup, Show } from 'solid-js'
import { createFileDraft } from '../../shared/attachments.ts'
import { createDropZone } from '../../shared/ui/Attachments.tsx'
import { useWidget } from '../context.ts'
import { Composer } from './Composer.tsx'
import { Header } from './Header.tsx'
import { MessageList } from './MessageList.tsx'
import { Notice } from './Notice.tsx'
import { TypingIndicator } from './TypingIndicator.tsx'

export function ChatWindow() {
  const w = useWidget()
  const files = createFileDraft(w.uploads)
  onCleanup(() => files.clear())
  const drop = createDropZone(
    (list) => files.add(list),
    () => !w.state.editing,
  )
  return (
    <section
      id="pw-window"
      class="window"
      role="dialog"
      aria-label={w.t.title}
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
      <TypingIndicator />
      <Notice />
      <Composer files={files} />
      <Show when={drop.dragging()}>
        <div class="drop-overlay">{w.t.files.drop}</div>
      </Show>
    </section>
  )
}
