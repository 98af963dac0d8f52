/**
 * The round button in the corner: opens and closes the chat, shows the unread badge (W3).
 * With the inbox's launcher label it is a pill with the label beside the icon while closed
 * (the label is then its accessible name too). It sits on the inbox's side (left or right);
 * the loader is told that side and the closed iframe's width, measured here, so the label fits.
 * Hidden by the page (SDK `hide`): not shown, the chat opens only from the page.
 */
import { createEffect, createSignal, on, onCleanup, Show } from 'solid-js'
import { appearanceOf } from '../appearance.ts'
import { useWidget } from '../context.ts'
import { unreadCount } from '../derive.ts'
import { Icon } from '../../shared/ui/Icon.tsx'
import { ChatView } from './lazy.ts'
import './launcher.css'

/** The launcher's margin inside the iframe, on each side. */
const MARGIN = 16

export function Launcher() {
  const w = useWidget()
  let button: HTMLButtonElement | undefined
  const [width, setWidth] = createSignal(56)
  const unread = () => unreadCount(w.state)
  const text = () => (w.state.open ? '' : appearanceOf(w.state).launcherLabel)
  const label = () => {
    if (w.state.open) return w.t.closeChat
    const name = text() || w.t.openChat
    return unread() > 0 ? `${name}. ${w.t.unread(unread())}` : name
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
  createEffect(() => {
    if (!button) return
    // The closed launcher's width only: the iframe is that wide again the moment the chat closes.
    const observer = new ResizeObserver(() => {
      if (button && !w.state.open) setWidth(button.offsetWidth)
    })
    observer.observe(button)
    onCleanup(() => observer.disconnect())
  })
  createEffect(() =>
    w.sdk.place(appearanceOf(w.state).position === 'left', Math.ceil(width()) + 2 * MARGIN),
  )
  return (
    <button
      ref={button}
      type="button"
      class="launcher"
      classList={{ labelled: !!text() }}
      aria-label={label()}
      aria-expanded={w.state.open}
      aria-controls="pw-window"
      onClick={() => w.actions.toggle()}
      // The chat window's chunk, fetched on the first sign the visitor may open it.
      onPointerEnter={ChatView.preload}
      onFocus={ChatView.preload}
      onTouchStart={ChatView.preload}
    >
      <Icon name={w.state.open ? 'down' : 'chat'} size={26} filled={!w.state.open} />
      <Show when={text()}>
        <span class="launcher-label" aria-hidden="true">
          {text()}
        </span>
      </Show>
      <Show when={!w.state.open && unread() > 0}>
        <span class="badge" data-testid="unread-badge" aria-hidden="true">
          {unread() > 99 ? '99+' : unread()}
        </span>
      </Show>
    </button>
  )
}
