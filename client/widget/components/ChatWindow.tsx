/** The open chat: header, history, typing line, notices and the composer. Escape closes it. */
import { useWidget } from '../context.ts'
import { Composer } from './Composer.tsx'
import { Header } from './Header.tsx'
import { MessageList } from './MessageList.tsx'
import { Notice } from './Notice.tsx'
import { TypingIndicator } from './TypingIndicator.tsx'

export function ChatWindow() {
  const w = useWidget()
  return (
    <section
      id="pw-window"
      class="window"
      role="dialog"
      aria-label={w.t.title}
      onKeyDown={(e) => {
        if (e.key === 'Escape' && !e.defaultPrevented) w.actions.close()
      }}
    >
      <Header />
      <MessageList />
      <TypingIndicator />
      <Notice />
      <Composer />
    </section>
  )
}
