/** The status mark on one's own message: clock, one tick, two ticks, or "not sent" (C5). */
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
          <Icon name="checks" size={16} />
        </Match>
        <Match when={props.status === 'sent' || props.status === 'delivered'}>
          <Icon name="check" size={16} />
        </Match>
      </Switch>
    </span>
  )
}
