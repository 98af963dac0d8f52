/**
 * The push section's quiet hours (issue 20): a daily span in which no push but a test reaches
 * any of the operator's browsers. The operator's setting, not this browser's, so it is offered
 * whether or not pushes are on here. Changes apply at once, as the rest of the Notifications
 * dialog's do: the checkbox at once (a refused one is undone), the times a moment after the
 * last keystroke, when the focus leaves them, or when the dialog closes (a refused pair stays
 * for correcting, marked and said why).
 *
 * Times are in the zone they were saved in; when that is not this browser's, one button moves
 * them to this browser's. New quiet hours take this browser's zone.
 */
import { createSignal, createUniqueId, onCleanup, Show } from 'solid-js'
import { asParleyError } from '../../shared/index.ts'
import { t } from '../i18n.ts'
import type { Push, QuietHours } from '../push-api.ts'
import { describe, tp } from '../push-text.ts'

/** How long the times wait after a keystroke: an edit in progress is not saved half-done. */
const SETTLE_MS = 700

export function QuietHoursSection(props: { push: Push }) {
  const here = Intl.DateTimeFormat().resolvedOptions().timeZone
  /** What the server has; undefined until read. */
  const [saved, setSaved] = createSignal<QuietHours | null>()
  const [on, setOn] = createSignal(false)
  const [from, setFrom] = createSignal('22:00')
  const [to, setTo] = createSignal('08:00')
  const [failure, setFailure] = createSignal('')
  const [badTimes, setBadTimes] = createSignal(false)
  const [note, setNote] = createSignal('')
  const titleId = createUniqueId()
  const hintId = createUniqueId()
  const errorId = createUniqueId()
  let box!: HTMLInputElement

  const zone = () => saved()?.timeZone ?? here
  const show = (q: QuietHours | null) => {
    setSaved(q)
    setOn(q !== null)
    if (q) {
      setFrom(q.from)
      setTo(q.to)
    }
  }
  void props.push
    .quietHours()
    .then(show)
    .catch((e: unknown) => setFailure(describe(e)))

  const refusal = (e: unknown, wanted: QuietHours | null) =>
    wanted?.from === wanted?.to && asParleyError(e).code === 'validation_failed'
      ? tp('Quiet hours must start and end at different times.')
      : describe(e)

  /** The latest change not sent yet: saves go one at a time, the last one wins. */
  let next: { wanted: QuietHours | null } | undefined
  let sending = false
  const save = async (wanted: QuietHours | null) => {
    next = { wanted }
    if (sending) return
    sending = true
    while (next) {
      const { wanted: sent } = next
      next = undefined
      setNote('')
      try {
        const stored = await props.push.setQuietHours(sent)
        setSaved(stored)
        setFailure('')
        setBadTimes(false)
        setNote(stored ? tp('Saved.') : tp('Off: pushes come at any hour.'))
      } catch (e) {
        setFailure(refusal(e, sent))
        // A refused switch is undone; refused times stay, to be corrected.
        const switched = (sent === null) !== (saved() === null)
        if (switched) setOn(saved() !== null)
        setBadTimes(!switched)
      }
    }
    sending = false
  }

  let timer: ReturnType<typeof setTimeout> | undefined
  /** Saves the times when they are whole and not what the server has. */
  const flush = () => {
    clearTimeout(timer)
    timer = undefined
    const had = saved()
    if (!on() || !from() || !to()) return
    if (had && had.from === from() && had.to === to()) return
    void save({ from: from(), to: to(), timeZone: zone() })
  }
  const edited = (set: (v: string) => void, value: string) => {
    set(value)
    clearTimeout(timer)
    timer = setTimeout(flush, SETTLE_MS)
  }
  // Closed mid-edit (Escape, Done): what was typed is kept all the same.
  onCleanup(() => {
    if (timer !== undefined) flush()
  })

  const toggle = (checked: boolean) => {
    clearTimeout(timer)
    timer = undefined
    setOn(checked)
    if (!checked) return void save(null)
    // The times last shown, unless they were left unsaveable (then the defaults again).
    if (!from() || !to() || from() === to()) {
      setFrom('22:00')
      setTo('08:00')
    }
    void save({ from: from(), to: to(), timeZone: zone() })
  }

  return (
    <>
      <h3 id={titleId}>{tp('Quiet hours')}</h3>
      <Show when={saved() !== undefined}>
        <label class="toggle">
          <input
            ref={box}
            type="checkbox"
            checked={on()}
            aria-describedby={hintId}
            onChange={(e) => toggle(e.currentTarget.checked)}
          />
          {tp('Pause pushes at night')}
        </label>
        <p id={hintId} class="muted">
          {tp(
            'For all your browsers; a test push still comes, and so do the alerts of an open Parley.',
          )}
        </p>
        <Show when={on()}>
          <div
            class="quiet-times"
            role="group"
            aria-labelledby={titleId}
            onFocusOut={(e) => {
              // Left the pair: save now rather than after the pause.
              const into = e.relatedTarget
              if (!(into instanceof Node && e.currentTarget.contains(into))) flush()
            }}
          >
            <label>
              {t('From')}
              <input
                type="time"
                required
                value={from()}
                onInput={(e) => edited(setFrom, e.currentTarget.value)}
                aria-invalid={badTimes() || undefined}
                aria-describedby={badTimes() ? errorId : undefined}
              />
            </label>
            <label>
              {t('To')}
              <input
                type="time"
                required
                value={to()}
                onInput={(e) => edited(setTo, e.currentTarget.value)}
                aria-invalid={badTimes() || undefined}
                aria-describedby={badTimes() ? errorId : undefined}
              />
            </label>
          </div>
          <p class="muted">{tp('Times in {zone}.', { zone: zone() })}</p>
          <Show when={saved() && zone() !== here}>
            <button
              type="button"
              class="secondary"
              onClick={() => {
                // The button goes once saved: the focus goes to the checkbox, not to the page.
                box.focus()
                void save({ from: from(), to: to(), timeZone: here })
              }}
            >
              {tp("Use this browser's time zone ({zone})", { zone: here })}
            </button>
          </Show>
        </Show>
      </Show>
      <Show when={failure()}>
        <p id={errorId} class="error" role="alert">
          {failure()}
        </p>
      </Show>
      <p role="status" class="muted">
        {note()}
      </p>
    </>
  )
}
