/**
 * Working hours in the branch form: the draft the form edits, the schedule it saves (always
 * whole), and the one-line summary the branch list shows.
 */
import type { Schedule } from './api.ts'
import { locale, t, tn } from './i18n.ts'

export type Weekday = keyof Schedule['week']
export type Interval = NonNullable<Schedule['week'][Weekday]>[number]

export const WEEKDAYS: ReadonlyArray<{ day: Weekday }> = [
  { day: 'mon' },
  { day: 'tue' },
  { day: 'wed' },
  { day: 'thu' },
  { day: 'fri' },
  { day: 'sat' },
  { day: 'sun' },
]

/**
 * The name of `WEEKDAYS[index]` in the UI language, capitalized: "Monday" ("Mon" when short),
 * "Понедельник" ("Пн"). Reads the locale, so call it where it is shown.
 */
export function weekdayName(index: number, width: 'long' | 'short'): string {
  // 1 January 2024 was a Monday.
  const name = new Intl.DateTimeFormat(locale(), { weekday: width, timeZone: 'UTC' }).format(
    Date.UTC(2024, 0, 1 + index),
  )
  return name.charAt(0).toLocaleUpperCase(locale()) + name.slice(1)
}

/** A dated exception as the form holds it (no note is an empty one). */
export interface ExceptionDraft {
  date: string
  hours: Interval[]
  note: string
}

/**
 * The form's hours. The weekly hours are kept while "always open" is on, so turning it off
 * again brings them back. Ends are as the time inputs show them (see `showEnd`).
 */
export interface ScheduleDraft {
  timeZone: string
  alwaysOpen: boolean
  week: Record<Weekday, Interval[]>
  exceptions: ExceptionDraft[]
}

/** The most an interval list of one day may hold (the server's limit). */
export const MAX_INTERVALS = 6

// A time input cannot hold "24:00": the form shows the end of the day as "00:00", which as an
// end means nothing else (an interval ending at 00:00 the same day would be empty).
const showEnd = (hours: Interval[]) =>
  hours.map((h) => ({ from: h.from, to: h.to === '24:00' ? '00:00' : h.to }))
const saveEnd = (hours: Interval[]) =>
  hours.map((h) => ({ from: h.from, to: h.to === '00:00' ? '24:00' : h.to }))

export const browserZone = (): string => Intl.DateTimeFormat().resolvedOptions().timeZone

/** Time zones to suggest; the server accepts any IANA name Intl knows. */
export function timeZones(): string[] {
  const zones = Intl.supportedValuesOf('timeZone')
  return zones.includes('UTC') ? zones : [...zones, 'UTC']
}

/** What turning "always open" off starts from. */
const officeHours = (): ScheduleDraft['week'] =>
  Object.fromEntries(
    WEEKDAYS.map(({ day }, i) => [day, i < 5 ? [{ from: '09:00', to: '18:00' }] : []]),
  ) as ScheduleDraft['week']

const isAlwaysOpen = (s: Schedule) =>
  WEEKDAYS.every(({ day }) => {
    const hours = s.week[day] ?? []
    return hours.length === 1 && hours[0]?.from === '00:00' && hours[0].to === '24:00'
  })

/** The form's draft of a schedule; a new branch is always open, like the server's default. */
export function toDraft(schedule: Schedule | null): ScheduleDraft {
  if (!schedule) {
    return { timeZone: browserZone(), alwaysOpen: true, week: officeHours(), exceptions: [] }
  }
  const alwaysOpen = isAlwaysOpen(schedule)
  return {
    // Where an always-open week lies only matters once hours are set: in the admin's own zone.
    timeZone: alwaysOpen && schedule.exceptions.length === 0 ? browserZone() : schedule.timeZone,
    alwaysOpen,
    week: alwaysOpen
      ? officeHours()
      : (Object.fromEntries(
          WEEKDAYS.map(({ day }) => [day, showEnd(schedule.week[day] ?? [])]),
        ) as ScheduleDraft['week']),
    exceptions: schedule.exceptions.map((x) => ({
      date: x.date,
      hours: showEnd(x.hours),
      note: x.note ?? '',
    })),
  }
}

/** The whole schedule to save; intervals keep the form's order, so the server's indices match. */
export function fromDraft(draft: ScheduleDraft): Schedule {
  const week: Schedule['week'] = {}
  for (const { day } of WEEKDAYS) {
    const hours = draft.alwaysOpen ? [{ from: '00:00', to: '24:00' }] : saveEnd(draft.week[day])
    if (hours.length > 0) week[day] = hours
  }
  return {
    timeZone: draft.timeZone.trim(),
    week,
    exceptions: draft.exceptions.map((x) => ({
      date: x.date,
      hours: saveEnd(x.hours),
      ...(x.note.trim() ? { note: x.note.trim() } : {}),
    })),
  }
}

/** "Mon-Fri 09:00-18:00, Sat 10:00-14:00, Europe/Moscow", "Always open"; exceptions counted. */
export function summarize(schedule: Schedule): string {
  const parts = isAlwaysOpen(schedule)
    ? [t('Always open')]
    : [...weekText(schedule), schedule.timeZone]
  const n = schedule.exceptions.length
  if (n > 0) parts.push(tn(n, '{n} exception', '{n} exceptions'))
  return parts.join(', ')
}

/** Runs of neighbouring days with the same hours. */
function weekText(schedule: Schedule): string[] {
  const runs: Array<{ first: number; last: number; hours: string }> = []
  WEEKDAYS.forEach(({ day }, i) => {
    const hours = (schedule.week[day] ?? []).map((h) => `${h.from}-${h.to}`).join(` ${t('and')} `)
    const run = runs[runs.length - 1]
    if (run && run.hours === hours && run.last === i - 1) run.last = i
    else runs.push({ first: i, last: i, hours })
  })
  const open = runs.filter((run) => run.hours !== '')
  if (open.length === 0) return [t('Closed every day')]
  const short = (i: number) => weekdayName(i, 'short')
  return open.map(
    (run) =>
      `${run.first === run.last ? short(run.first) : `${short(run.first)}-${short(run.last)}`} ${run.hours}`,
  )
}
