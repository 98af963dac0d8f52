/**
 * A proactive message above the launcher (M6): its sender's face and name, its text (as
 * messages show it), a close button, and "Reply", which opens the chat, where the message waits
 * atop the thread (so does a click anywhere on it but a link). While it shows, the closed iframe
 * is as wide as the loader allows and as tall as the message needs; it goes back to the
 * launcher's size when the message goes. Dismissed (or Escape), it is gone for good: the server
 * never offers it to this visitor again. Opened any other way, the chat shows it too.
 */
import { createEffect, createSignal, onCleanup, Show } from 'solid-js'
import { Icon } from '../../shared/ui/Icon.tsx'
import { useWidget } from '../context.ts'
import './campaign.css'
import { bubble, campaignEnv, kit, setBubble } from './offers.ts'
import { Sender } from './Sender.tsx'
import { campaignStrings } from './strings.ts'

/** The closed iframe's width while it shows: the most the loader gives (a 375 px phone fits). */
const WIDTH = 360
/** The launcher's height and margins below it, and room above it for its shadow (px). */
const BELOW = 84
const ABOVE = 16
const LAUNCHER_HEIGHT = 88

export function Bubble() {
  const w = useWidget()
  const e = campaignEnv()
  const { RichText } = kit()
  const s = () => campaignStrings(w.state.lang)
  const [height, setHeight] = createSignal(0)
  /** The launcher's own width, to go back to (measured while closed, when the bubble first shows). */
  let restore = 0
  const shrink = () => {
    if (restore) e.host.place({ width: restore, height: LAUNCHER_HEIGHT })
    restore = 0
  }
  createEffect(() => {
    // Opened any way (the launcher, the page's SDK): the message waits in the thread instead.
    if (w.state.open) setBubble(false)
  })
  createEffect(() => {
    const h = bubble() && !w.state.open ? height() : 0
    if (!h) return shrink()
    if (!restore) restore = launcherWidth()
    e.host.place({ width: WIDTH, height: BELOW + h + ABOVE })
  })
  onCleanup(shrink)

  const observe = (el: HTMLElement) => {
    const observer = new ResizeObserver(() => setHeight(el.offsetHeight))
    observer.observe(el)
    onCleanup(() => {
      observer.disconnect()
      setHeight(0)
    })
  }
  const reply = () => {
    setBubble(false)
    w.actions.open()
  }
  const dismiss = () => {
    const focused = document.activeElement?.closest('.campaign')
    setBubble(false)
    e.m.setCampaign(null)
    if (focused) document.querySelector<HTMLElement>('.launcher')?.focus()
  }
  return (
    <Show when={bubble() && !w.state.open && w.state.campaign}>
      {(offer) => (
        <section
          ref={observe}
          class="campaign"
          aria-label={s().from(offer().sender.name)}
          data-testid="campaign"
          onClick={(event) => {
            if (!(event.target as Element).closest('a, .campaign-close')) reply()
          }}
          onKeyDown={(event) => {
            if (event.key === 'Escape') dismiss()
          }}
        >
          <div class="campaign-head">
            <Sender sender={offer().sender} />
            <span class="campaign-name">{offer().sender.name}</span>
            <button
              type="button"
              class="icon-button small campaign-close"
              aria-label={s().dismiss}
              title={s().dismiss}
              onClick={dismiss}
            >
              <Icon name="close" size={16} />
            </button>
          </div>
          <div class="campaign-text">
            <RichText text={offer().text} />
          </div>
          <button type="button" class="campaign-reply">
            {s().reply}
          </button>
        </section>
      )}
    </Show>
  )
}

/** The closed iframe's width the launcher asks for (Launcher.tsx: its width and margins). */
function launcherWidth(): number {
  const launcher = document.querySelector<HTMLElement>('.launcher')
  return launcher ? launcher.offsetWidth + 32 : 88
}
