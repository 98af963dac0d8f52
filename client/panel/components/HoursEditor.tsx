/**
 * One day's opening hours in the branch form: closed (no intervals) or up to six from-to
 * intervals, each removable. `path` is the day as the server's messages name it.
 */
import { For, Show } from 'solid-js'
import { Icon } from '../../shared/ui/Icon.tsx'
import { listFocus } from '../focus.ts'
import { t } from '../i18n.ts'
import { names } from '../form-errors.ts'
import { MAX_INTERVALS, type Interval } from '../schedule.ts'

/** The changes a day's hours take, applied where the draft keeps them. */
export interface HoursEdit {
  onSet: (index: number, end: keyof Interval, value: string) => void
  onAdd: () => void
  onRemove: (index: number) => void
}

export function HoursEditor(props: {
  legend: string
  hours: Interval[]
  path: string
  error: string | null
  errorId: string
  edit: HoursEdit
}) {
  const bad = (i: number, end: keyof Interval) => names(props.error, `${props.path}[${i}].${end}`)
  const focus = listFocus()
  return (
    <fieldset class="day">
      <legend>{props.legend}</legend>
      <div class="day-body">
        <Show when={props.hours.length > 0}>
          <ul class="intervals">
            <For each={props.hours}>
              {(interval, i) => (
                <li class="interval">
                  {/* Shown as "08:00 – 18:00"; the words are for screen readers. */}
                  <label class="inline">
                    <span class="sr-only">{t('From')}</span>
                    <input
                      ref={focus.first}
                      type="time"
                      required
                      value={interval.from}
                      onInput={(e) => props.edit.onSet(i(), 'from', e.currentTarget.value)}
                      aria-invalid={bad(i(), 'from') || undefined}
                      aria-describedby={bad(i(), 'from') ? props.errorId : undefined}
                    />
                  </label>
                  <span aria-hidden="true">–</span>
                  <label class="inline">
                    <span class="sr-only">{t('To')}</span>
                    <input
                      type="time"
                      required
                      value={interval.to}
                      onInput={(e) => props.edit.onSet(i(), 'to', e.currentTarget.value)}
                      aria-invalid={bad(i(), 'to') || undefined}
                      aria-describedby={bad(i(), 'to') ? props.errorId : undefined}
                    />
                  </label>
                  <button
                    type="button"
                    class="icon-button remove"
                    aria-label={t('Remove {from}-{to}', { from: interval.from, to: interval.to })}
                    title={t('Remove these hours')}
                    onClick={() => {
                      props.edit.onRemove(i())
                      focus.removed()
                    }}
                  >
                    <Icon name="close" size={18} />
                  </button>
                </li>
              )}
            </For>
          </ul>
        </Show>
        <div class="day-foot">
          <Show when={props.hours.length === 0}>
            <span class="muted">{t('Closed')}</span>
          </Show>
          <button
            ref={focus.addButton}
            type="button"
            class="secondary small"
            disabled={props.hours.length >= MAX_INTERVALS}
            onClick={() => {
              focus.adding()
              props.edit.onAdd()
            }}
          >
            {t('Add hours')}
          </button>
        </div>
      </div>
    </fieldset>
  )
}
