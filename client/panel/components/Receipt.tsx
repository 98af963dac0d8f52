/** The status mark on an operator message: clock, one tick, two ticks, or "not sent". */
import { Match, Switch } from 'solid-js'
import { Icon } from '../../shared/ui/Icon.tsx'
import type { Receipt as ReceiptStatus } from '../derive.ts'

const LABELS: Record<ReceiptStatus, string> = {
  pending: 'Sending…',
  failed: 'Not sent',
  sent: 'Sent',
  delivered: 'Delivered',
  read: 'Read',
}

export function Receipt(props: { status: ReceiptStatus }) {
  return (
    <span
      class="receipt"
      classList={{ [props.status]: true }}
      role="img"
      aria-label={LABELS[props.status]}
      title={LABELS[props.status]}
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
