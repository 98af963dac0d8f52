/**
 * The whole widget inside its frame: the chat window (or home, with the help center's search
 * when the inbox has one, issue 21) when open, a proactive message (M6) while one shows, and
 * the launcher.
 */
import { Show } from 'solid-js'
import { accentStyle, appearanceOf } from '../appearance.ts'
import { useWidget } from '../context.ts'
import { Announcer } from './Announcer.tsx'
import { CampaignBubble, ChatView, Help, HomeView } from './lazy.ts'
import { Launcher } from './Launcher.tsx'

export function App() {
  const w = useWidget()
  return (
    <div
      class="pw"
      classList={{
        dark: w.state.dark,
        compact: w.state.compact,
        open: w.state.open,
        left: appearanceOf(w.state).position === 'left',
        'no-launcher': w.state.hidden,
      }}
      style={accentStyle(w.state)}
      lang={w.state.lang}
      data-connection={w.state.connection}
      data-channel={w.state.channel}
    >
      <Show when={w.state.open}>
        <Show
          when={!w.state.home}
          fallback={
            <HomeView>
              <Show when={w.state.availability?.help}>
                <Help />
              </Show>
            </HomeView>
          }
        >
          <ChatView />
        </Show>
      </Show>
      <Show when={w.state.campaign}>
        <CampaignBubble />
      </Show>
      <Launcher />
      <Announcer />
    </div>
  )
}
