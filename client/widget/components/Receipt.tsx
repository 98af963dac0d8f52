/** The status mark on the visitor's own message: clock, one tick, two ticks, or "not sent". */
import { Match, Switch } from 'solid-js'
import { useWidget } from '../context.ts'
import type { Receipt as ReceiptStatus } from '../derive.ts'
import { Icon } from '../../shared/ui/Icon.tsx'

export function Receipt(props: { status: ReceiptStatus }) {
  const w = useWidget()
  return (
    <span
      class="receipt"
      classList={{ [props.status]: true }}
      role="img"
      aria-label={w.t[props.status]}
      title={w.t[props.status]}
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
