/**
 * One dismissible message about the last action that failed (read already, offline, ...). A
 * rate limit counts down to when sending resumes; the queued messages then go by themselves.
 */
import { createSignal, onCleanup, Show } from 'solid-js'
import { useWidget } from '../context.ts'
import { Icon } from '../../shared/ui/Icon.tsx'

export function Notice() {
  const w = useWidget()
  return (
    <Show when={w.state.notice}>
      {(key) => (
        <div class="notice" role="alert" data-notice={key()}>
          <Icon name="alert" size={18} />
          <span class="notice-text">
            {w.t[key()]}
            <Show when={key() === 'rateLimited' && w.state.limitedUntil}>
              {(until) => <Countdown until={until()} />}
            </Show>
          </span>
          <button
            type="button"
            class="icon-button"
            aria-label={w.t.dismiss}
            onClick={() => w.actions.dismissNotice()}
          >
            <Icon name="close" size={16} />
          </button>
        </div>
      )}
    </Show>
  )
}

/** "Sending resumes in 12 s", each second; not read out again on every tick. */
function Countdown(props: { until: number }) {
  const w = useWidget()
  const [now, setNow] = createSignal(Date.now())
  const tick = setInterval(() => setNow(Date.now()), 250)
  onCleanup(() => clearInterval(tick))
  const seconds = () => Math.max(0, Math.ceil((props.until - now()) / 1000))
  return (
    <span class="countdown" aria-live="off">
      {' '}
      {w.t.resumesIn(seconds())}
    </span>
  )
}
