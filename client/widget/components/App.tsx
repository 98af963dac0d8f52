/** The whole widget inside its frame: the chat window when open, and the launcher. */
import { Show } from 'solid-js'
import { useWidget } from '../context.ts'
import { Announcer } from './Announcer.tsx'
import { ChatWindow } from './ChatWindow.tsx'
import { Launcher } from './Launcher.tsx'

export function App() {
  const w = useWidget()
  return (
    <div
      class="pw"
      classList={{ dark: w.state.dark, compact: w.state.compact, open: w.state.open }}
      lang={w.config.lang}
      data-connection={w.state.connection}
      data-channel={w.state.channel}
    >
      <Show when={w.state.open}>
        <ChatWindow />
      </Show>
      <Launcher />
      <Announcer />
    </div>
  )
}
