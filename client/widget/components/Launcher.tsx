/** The round button in the corner: opens and closes the chat, shows the unread badge (W3). */
import { createEffect, on, Show } from 'solid-js'
import { useWidget } from '../context.ts'
import { unreadCount } from '../derive.ts'
import { Icon } from '../../shared/ui/Icon.tsx'

export function Launcher() {
  const w = useWidget()
  let button: HTMLButtonElement | undefined
  const unread = () => unreadCount(w.state)
  const label = () => {
    if (w.state.open) return w.t.closeChat
    return unread() > 0 ? `${w.t.openChat}. ${w.t.unread(unread())}` : w.t.openChat
  }
  // Closing the chat puts focus back where the visitor opened it from.
  createEffect(
    on(
      () => w.state.open,
      (open, wasOpen) => {
        if (wasOpen && !open) button?.focus()
      },
      { defer: true },
    ),
  )
  return (
    <button
      ref={button}
      type="button"
      class="launcher"
      aria-label={label()}
      aria-expanded={w.state.open}
      aria-controls="pw-window"
      onClick={() => w.actions.toggle()}
    >
      <Icon name={w.state.open ? 'down' : 'chat'} size={26} filled={!w.state.open} />
      <Show when={!w.state.open && unread() > 0}>
        <span class="badge" data-testid="unread-badge" aria-hidden="true">
          {unread() > 99 ? '99+' : unread()}
        </span>
      </Show>
    </button>
  )
}
