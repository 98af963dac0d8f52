/**
 * "Pick a date and time…" of the snooze menu (issue 20): a native date-time field (local time,
 * tomorrow 09:00 to start with) checked before anything is sent: a time, in the future, within
 * a year (the server's limit). A refusal is said under the field and tied to it. Escape or
 * Cancel closes it back onto "Snooze".
 */
import { createSignal, Show } from 'solid-js'
import { MAX_SNOOZE_MS } from '../../../protocol/limits.ts'
import { msg, t } from '../i18n.ts'

/** `at` as a datetime-local input's value, "2025-12-07T09:00", in local time. */
const local = (at: number) =>
  new Date(at - new Date(at).getTimezoneOffset() * 60_000).toISOString().slice(0, 16)

export function SnoozeForm(props: { onSnooze: (until: number) => void; onCancel: () => void }) {
  /** Why the time is refused: a msg() key. */
  const [error, setError] = createSignal<string | null>(null)
  let input!: HTMLInputElement

  const submit = (e: SubmitEvent) => {
    e.preventDefault()
    // A value without an offset is local time.
    const at = new Date(input.value).getTime()
    const now = Date.now()
    const why = !(at > 0)
      ? msg('Choose a date and time.')
      : at <= now
        ? msg('Choose a time in the future.')
        : at > now + MAX_SNOOZE_MS
          ? msg('Choose a time within a year.')
          : null
    setError(why)
    if (why) input.focus()
    else props.onSnooze(at)
  }

  return (
    <form
      id="snooze-pop"
      class="menu snooze-form"
      aria-label={t('Snooze until')}
      noValidate
      onSubmit={submit}
      onKeyDown={(e) => {
        if (e.key !== 'Escape') return
        e.preventDefault()
        props.onCancel()
      }}
    >
      <label>
        {t('Date and time')}
        <input
          ref={(el) => {
            input = el
            queueMicrotask(() => el.focus())
          }}
          type="datetime-local"
          value={local(new Date().setHours(33, 0, 0, 0))}
          aria-invalid={error() !== null}
          aria-describedby={error() ? 'snooze-error' : undefined}
          onInput={() => setError(null)}
        />
      </label>
      <Show when={error()}>
        {(why) => (
          <p id="snooze-error" class="field-error" role="alert">
            {t(why())}
          </p>
        )}
      </Show>
      <div>
        <button type="submit">{t('Snooze')}</button>
        <button type="button" class="secondary" onClick={() => props.onCancel()}>
          {t('Cancel')}
        </button>
      </div>
    </form>
  )
}
