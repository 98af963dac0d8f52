/**
 * A branch's working hours in its form: the time zone (any IANA name, suggested from Intl),
 * "always open" or hours per weekday, and dated exceptions (closed, or other hours, with a note).
 */
import { createUniqueId, For, Show } from 'solid-js'
import { produce, type SetStoreFunction } from 'solid-js/store'
import { listFocus } from '../focus.ts'
import { names } from '../form-errors.ts'
import { locale, t } from '../i18n.ts'
import { timeZones, weekdayName, WEEKDAYS, type Interval, type ScheduleDraft } from '../schedule.ts'
import { HoursEditor, type HoursEdit } from './HoursEditor.tsx'

/** An added interval runs from the day's last end to midnight (office hours on an empty day). */
function nextInterval(hours: Interval[]): Interval {
  const last = hours[hours.length - 1]
  return last ? { from: last.to, to: '00:00' } : { from: '09:00', to: '18:00' }
}

const longDate = (date: string) =>
  new Intl.DateTimeFormat(locale(), { dateStyle: 'medium', timeZone: 'UTC' }).format(
    new Date(`${date}T00:00:00Z`),
  )

export function ScheduleEditor(props: {
  draft: ScheduleDraft
  setDraft: SetStoreFunction<ScheduleDraft>
  error: string | null
  errorId: string
}) {
  const zonesId = createUniqueId()
  const focus = listFocus()
  const zoneBad = () => names(props.error, 'schedule.timeZone')
  const bad = (path: string) => names(props.error, path) || undefined
  const describedBy = (path: string) => (names(props.error, path) ? props.errorId : undefined)
  /** Edits of one day's hours, wherever in the draft they are. */
  const edit = (hoursOf: (d: ScheduleDraft) => Interval[]): HoursEdit => ({
    onSet: (i: number, end: keyof Interval, value: string) =>
      props.setDraft(
        produce((d) => {
          const interval = hoursOf(d)[i]
          if (interval) interval[end] = value
        }),
      ),
    onAdd: () =>
      props.setDraft(
        produce((d) => {
          const list = hoursOf(d)
          list.push(nextInterval(list))
        }),
      ),
    onRemove: (i: number) => props.setDraft(produce((d) => void hoursOf(d).splice(i, 1))),
  })
  return (
    <fieldset class="hours">
      <legend>{t('Working hours')}</legend>
      <label>
        {t('Time zone')}
        <input
          list={zonesId}
          required
          autocomplete="off"
          spellcheck={false}
          value={props.draft.timeZone}
          onInput={(e) => props.setDraft('timeZone', e.currentTarget.value)}
          aria-invalid={zoneBad() || undefined}
          aria-describedby={zoneBad() ? props.errorId : undefined}
        />
      </label>
      <datalist id={zonesId}>
        <For each={timeZones()}>{(zone) => <option value={zone} />}</For>
      </datalist>
      <label class="check">
        <input
          type="checkbox"
          checked={props.draft.alwaysOpen}
          onChange={(e) => props.setDraft('alwaysOpen', e.currentTarget.checked)}
        />
        {t('Always open (every day, all day)')}
      </label>
      <Show when={!props.draft.alwaysOpen}>
        <p class="muted">
          {t('A day without hours is closed. An end of 00:00 is midnight, the end of the day.')}
        </p>
        <For each={WEEKDAYS}>
          {(weekday, i) => (
            <HoursEditor
              legend={weekdayName(i(), 'long')}
              hours={props.draft.week[weekday.day]}
              path={`schedule.week.${weekday.day}`}
              error={props.error}
              errorId={props.errorId}
              edit={edit((d) => d.week[weekday.day])}
            />
          )}
        </For>
      </Show>
      <fieldset class="exceptions">
        <legend>{t('Exceptions (holidays and other special days)')}</legend>
        <For each={props.draft.exceptions}>
          {(exception, i) => {
            const path = () => `schedule.exceptions[${i()}]`
            return (
              <fieldset class="exception">
                <legend>{exception.date ? longDate(exception.date) : t('New exception')}</legend>
                <label>
                  {t('Date')}
                  <input
                    ref={focus.first}
                    type="date"
                    required
                    value={exception.date}
                    onInput={(e) =>
                      props.setDraft('exceptions', i(), 'date', e.currentTarget.value)
                    }
                    aria-invalid={bad(`${path()}.date`)}
                    aria-describedby={describedBy(`${path()}.date`)}
                  />
                </label>
                <HoursEditor
                  legend={t('Hours')}
                  hours={exception.hours}
                  path={`${path()}.hours`}
                  error={props.error}
                  errorId={props.errorId}
                  edit={edit((d) => d.exceptions[i()]?.hours ?? [])}
                />
                <label>
                  {t('Note (optional)')}
                  <input
                    maxLength={100}
                    dir="auto"
                    value={exception.note}
                    onInput={(e) =>
                      props.setDraft('exceptions', i(), 'note', e.currentTarget.value)
                    }
                    aria-invalid={bad(`${path()}.note`)}
                    aria-describedby={describedBy(`${path()}.note`)}
                  />
                </label>
                <div>
                  <button
                    type="button"
                    class="secondary small"
                    onClick={() => {
                      props.setDraft('exceptions', (list) => list.filter((_, n) => n !== i()))
                      focus.removed()
                    }}
                  >
                    {t('Remove exception')}
                  </button>
                </div>
              </fieldset>
            )
          }}
        </For>
        <div>
          <button
            ref={focus.addButton}
            type="button"
            class="secondary"
            onClick={() => {
              focus.adding()
              props.setDraft('exceptions', (list) => [...list, { date: '', hours: [], note: '' }])
            }}
          >
            {t('Add exception')}
          </button>
        </div>
      </fieldset>
    </fieldset>
  )
}
