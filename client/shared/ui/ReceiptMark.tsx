/**
 * The status mark on one's own message (C5), told apart by shape, not colour alone: a clock
 * (queued), "!" in a circle (not sent), one tick (the server has it), two ticks (the other
 * side's app received it), two ticks cut out of a filled disc (read). Labelled for screen
 * readers and as a tooltip.
 */
import { Match, Switch } from 'solid-js'
import { Icon } from './Icon.tsx'

/** Where one's own message is: queued, failed, accepted, delivered to the other side, read. */
export type ReceiptStatus = 'pending' | 'failed' | 'sent' | 'delivered' | 'read'

export function ReceiptMark(props: { status: ReceiptStatus; label: string }) {
  return (
    <span
      class="receipt"
      classList={{ [props.status]: true }}
      role="img"
      aria-label={props.label}
      title={props.label}
    >
      <Switch>
        <Match when={props.status === 'pending'}>
          <Icon name="clock" size={14} />
        </Match>
        <Match when={props.status === 'failed'}>
          <Icon name="alert" size={14} />
        </Match>
        <Match when={props.status === 'read'}>
          <ReadDisc />
        </Match>
        <Match when={props.status === 'delivered'}>
          <Icon name="checks" size={16} />
        </Match>
        <Match when={props.status === 'sent'}>
          <Icon name="check" size={16} />
        </Match>
      </Switch>
    </span>
  )
}

/** Two ticks cut out of a filled disc: readable on any bubble colour (a mask, not a fill). */
function ReadDisc() {
  return (
    <svg class="icon" width="16" height="16" viewBox="0 0 24 24" aria-hidden="true">
      <mask id="receipt-read-mask">
        <rect width="24" height="24" fill="#fff" />
        <path
          d="M4.5 12.5L8 16l7-7 M11.5 15.5l.5.5 7-7"
          fill="none"
          stroke="#000"
          stroke-width="2.2"
          stroke-linecap="round"
          stroke-linejoin="round"
        />
      </mask>
      <circle cx="12" cy="12" r="11" fill="currentColor" mask="url(#receipt-read-mask)" />
    </svg>
  )
}
