/**
 * A branch's working hours: weekly local wall-clock intervals plus dated exceptions, in an IANA
 * time zone. Pure: every function takes the instant as epoch milliseconds.
 *
 * Local times become instants through the zone's offset, read from Intl (never a hand-written
 * table). A local time in a spring-forward gap maps to the first instant after the gap, one that
 * occurs twice maps to its first occurrence, so "00:00-24:00" covers a 23- or 25-hour day.
 */
import { ParleyError } from '../../protocol/index.ts'

export type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun'
/** "HH:MM" local wall-clock times; `to` may be "24:00" (end of day). */
export interface Interval {
  from: string
  to: string
}
export interface ScheduleException {
  /** Local date "YYYY-MM-DD" in the schedule's time zone. */
  date: string
  /** Hours that day instead of the weekly ones; [] = closed all day (a holiday). */
  hours: Interval[]
  /** Shown to admins, e.g. "New Year"; at most 100 characters. */
  note?: string
}
export interface Schedule {
  /** IANA time zone name, e.g. "Europe/Moscow". */
  timeZone: string
  /** Open hours per weekday; a missing or empty day is closed. */
  week: Partial<Record<Weekday, Interval[]>>
  exceptions: ScheduleException[]
}

/** Indexed by (getUTCDay() + 6) % 7, so Monday first. */
const WEEKDAYS: readonly Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']
const MINUTE = 60_000
const DAY = 86_400_000
/** How far nextChange and nextOpening look ahead. */
const HORIZON_DAYS = 400
const MAX_INTERVALS_PER_DAY = 6
const MAX_EXCEPTIONS = 366
const MAX_NOTE = 100
const MAX_ZONE_NAME = 64
const MAX_CACHED_ZONES = 64

const ALL_DAY: Interval = Object.freeze({ from: '00:00', to: '24:00' })

/** Always open (the default for a new branch): every day 00:00-24:00, UTC. Frozen: shared. */
export const ALWAYS_OPEN: Schedule = Object.freeze({
  timeZone: 'UTC',
  week: Object.freeze(
    Object.fromEntries(WEEKDAYS.map((day) => [day, Object.freeze([ALL_DAY]) as Interval[]])),
  ),
  exceptions: Object.freeze([] as ScheduleException[]) as ScheduleException[],
})

// ---- Validation ----

const TIME = /^([01]\d|2[0-3]):[0-5]\d$/
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/

function invalid(message: string): never {
  throw new ParleyError('validation_failed', message)
}
const isRecord = (x: unknown): x is Record<string, unknown> =>
  typeof x === 'object' && x !== null && !Array.isArray(x)

/** Validates a schedule from JSON and returns a normalized copy; throws validation_failed. */
export function parseSchedule(input: unknown): Schedule {
  if (!isRecord(input)) return invalid('schedule: expected an object')
  const timeZone = parseTimeZone(input.timeZone)
  if (!isRecord(input.week)) return invalid('schedule.week: expected an object')
  const week: Schedule['week'] = {}
  for (const key of Object.keys(input.week)) {
    if (!(WEEKDAYS as readonly string[]).includes(key))
      invalid(`schedule.week.${key}: not a weekday (expected ${WEEKDAYS.join(', ')})`)
  }
  for (const day of WEEKDAYS) {
    const hours = input.week[day]
    if (hours !== undefined) week[day] = parseHours(hours, `schedule.week.${day}`)
  }
  if (!Array.isArray(input.exceptions)) return invalid('schedule.exceptions: expected an array')
  if (input.exceptions.length > MAX_EXCEPTIONS)
    invalid(`schedule.exceptions: at most ${MAX_EXCEPTIONS}, got ${input.exceptions.length}`)
  const exceptions = input.exceptions.map((x, i) => parseException(x, `schedule.exceptions[${i}]`))
  exceptions.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0))
  for (let i = 1; i < exceptions.length; i++) {
    const date = exceptions[i]!.date
    if (date === exceptions[i - 1]!.date) invalid(`schedule.exceptions: ${date} is listed twice`)
  }
  return { timeZone, week, exceptions }
}

function parseTimeZone(x: unknown): string {
  if (typeof x !== 'string') return invalid('schedule.timeZone: expected a string')
  if (x.length > MAX_ZONE_NAME)
    invalid(`schedule.timeZone: longer than ${MAX_ZONE_NAME} characters`)
  const bad = () => invalid(`schedule.timeZone: ${JSON.stringify(x)} is not an IANA time zone`)
  // Intl also accepts offsets such as "+03:00", which have no DST rules and no name.
  if (x === '' || /^[+-]/.test(x)) bad()
  try {
    new Intl.DateTimeFormat(undefined, { timeZone: x })
  } catch {
    bad()
  }
  return x
}

function parseException(x: unknown, path: string): ScheduleException {
  if (!isRecord(x)) return invalid(`${path}: expected an object`)
  const date = x.date
  if (typeof date !== 'string') return invalid(`${path}.date: expected a string "YYYY-MM-DD"`)
  if (!isCalendarDate(date)) invalid(`${path}.date: ${date} is not a date`)
  const out: ScheduleException = { date, hours: parseHours(x.hours, `${path}.hours`) }
  if (x.note !== undefined) {
    if (typeof x.note !== 'string') invalid(`${path}.note: expected a string`)
    else if (x.note.length > MAX_NOTE) invalid(`${path}.note: longer than ${MAX_NOTE} characters`)
    else out.note = x.note
  }
  return out
}

function isCalendarDate(s: string): boolean {
  const m = DATE.exec(s)
  if (!m) return false
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])]
  const date = new Date(Date.UTC(y, mo - 1, d))
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d
}

/** One day's intervals, sorted by start; `path` names the day in messages. */
function parseHours(x: unknown, path: string): Interval[] {
  if (!Array.isArray(x)) return invalid(`${path}: expected an array of intervals`)
  if (x.length > MAX_INTERVALS_PER_DAY)
    invalid(`${path}: at most ${MAX_INTERVALS_PER_DAY} intervals, got ${x.length}`)
  const hours = x.map((item, i): Interval => {
    const at = `${path}[${i}]`
    if (!isRecord(item)) return invalid(`${at}: expected an object { from, to }`)
    const { from, to } = item
    if (typeof from !== 'string' || !TIME.test(from))
      invalid(`${at}.from: ${JSON.stringify(from)} is not a time (HH:MM, 00:00-23:59)`)
    if (typeof to !== 'string' || !(TIME.test(to) || to === '24:00'))
      invalid(`${at}.to: ${JSON.stringify(to)} is not a time (HH:MM, 00:01-24:00)`)
    if (from === to) invalid(`${at}: ${from}-${to} is empty`)
    if (from > to) invalid(`${at}: ${from}-${to} ends before it starts`)
    return { from, to }
  })
  hours.sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : 0))
  for (let i = 1; i < hours.length; i++) {
    const [prev, cur] = [hours[i - 1]!, hours[i]!]
    if (prev.to > cur.from)
      invalid(`${path}: ${prev.from}-${prev.to} overlaps ${cur.from}-${cur.to}`)
  }
  return hours
}

// ---- Time zones ----
// "Wall" values are local wall-clock times encoded as if they were UTC epoch milliseconds.

const formatters = new Map<string, Intl.DateTimeFormat>()

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone)
  if (!f) {
    // Evict the oldest zone; a deployment uses a handful, so this only guards against growth.
    if (formatters.size >= MAX_CACHED_ZONES) formatters.delete(formatters.keys().next().value!)
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    })
    formatters.set(timeZone, f)
  }
  return f
}

/** The local wall clock at instant `at`, to the second. */
function wallAt(timeZone: string, at: number): number {
  const v: Partial<Record<Intl.DateTimeFormatPartTypes, number>> = {}
  for (const p of formatter(timeZone).formatToParts(at)) v[p.type] = Number(p.value)
  // `% 24`: some engines still print midnight as "24" despite hourCycle h23.
  return Date.UTC(v.year!, v.month! - 1, v.day!, v.hour! % 24, v.minute!, v.second!)
}

/** Local minus UTC at `at`, in milliseconds (a multiple of 1000). */
const offsetAt = (timeZone: string, at: number) =>
  wallAt(timeZone, at) - Math.floor(at / 1000) * 1000

/** Local date "YYYY-MM-DD" at instant `at`. */
export const localDate = (timeZone: string, at: number): string =>
  new Date(wallAt(timeZone, at)).toISOString().slice(0, 10)

/** Minutes since local midnight at instant `at`. */
export const localMinutes = (timeZone: string, at: number): number =>
  Math.floor((((wallAt(timeZone, at) % DAY) + DAY) % DAY) / MINUTE)

/** The instant of wall time `wall`, by the gap and overlap rules above. */
function toInstant(timeZone: string, wall: number): number {
  // The instant lies within 14 hours of `wall`, so the offsets a day either side bracket it.
  const before = offsetAt(timeZone, wall - DAY)
  const after = offsetAt(timeZone, wall + DAY)
  if (before === after) return wall - before
  const valid = [wall - after, wall - before].filter((t) => offsetAt(timeZone, t) === wall - t)
  if (valid.length > 0) return Math.min(...valid)
  // A gap: binary search (to the second) for the transition, the first instant after it.
  let [lo, hi] = [wall - after, wall - before]
  while (hi - lo > 1000) {
    const mid = lo + Math.floor((hi - lo) / 2000) * 1000
    if (offsetAt(timeZone, mid) === before) lo = mid
    else hi = mid
  }
  return hi
}

/**
 * A wall-to-instant converter for wall times in [from, to]. When the offset is the same on both
 * sides of the window (almost always), it needs no further Intl calls.
 */
function converter(timeZone: string, from: number, to: number): (wall: number) => number {
  const before = offsetAt(timeZone, from - DAY)
  if (before === offsetAt(timeZone, to + DAY)) return (wall) => wall - before
  return (wall) => toInstant(timeZone, wall)
}

// ---- Opening hours as instants ----

type Span = [start: number, end: number]
type HoursOn = (date: string, weekday: Weekday) => Interval[] | undefined

const minutesOf = (time: string) => Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5))

/** Hours for a local date; a Map of exceptions pays off only when `many` days are looked up. */
function hoursLookup(schedule: Schedule, many: boolean): HoursOn {
  const week = (_: string, weekday: Weekday) => schedule.week[weekday]
  if (schedule.exceptions.length === 0) return week
  if (!many) {
    return (date, weekday) =>
      schedule.exceptions.find((e) => e.date === date)?.hours ?? week(date, weekday)
  }
  const byDate = new Map(schedule.exceptions.map((e) => [e.date, e.hours]))
  return (date, weekday) => byDate.get(date) ?? week(date, weekday)
}

/** The non-empty spans of the local day starting at wall time `midnight`, in order. */
function daySpans(hoursOn: HoursOn, midnight: number, convert: (wall: number) => number): Span[] {
  const day = new Date(midnight)
  const hours = hoursOn(day.toISOString().slice(0, 10), WEEKDAYS[(day.getUTCDay() + 6) % 7]!)
  const spans: Span[] = []
  for (const { from, to } of hours ?? []) {
    const start = convert(midnight + minutesOf(from) * MINUTE)
    const end = convert(midnight + minutesOf(to) * MINUTE)
    // An interval wholly inside a spring-forward gap maps to nothing.
    if (end > start) spans.push([start, end])
  }
  return spans
}

/** Wall time of local midnight on the local date of `at`. */
const localMidnight = (timeZone: string, at: number) => {
  const wall = wallAt(timeZone, at)
  return wall - (((wall % DAY) + DAY) % DAY)
}

/** Whether the branch is open at instant `at`. */
export function isOpen(schedule: Schedule, at: number): boolean {
  const { timeZone } = schedule
  const today = localMidnight(timeZone, at)
  const convert = converter(timeZone, today - DAY, today + 2 * DAY)
  const hoursOn = hoursLookup(schedule, false)
  // Neighbouring days too: a fall-back across midnight can put their spans around `at`.
  for (const midnight of [today - DAY, today, today + DAY]) {
    for (const [start, end] of daySpans(hoursOn, midnight, convert)) {
      if (start <= at && at < end) return true
    }
  }
  return false
}

/**
 * The next instant strictly after `at` at which isOpen changes, or null if it does not change
 * within 400 days. Touching spans (22:00-24:00 then 00:00-02:00) are one opening.
 */
export function nextChange(schedule: Schedule, at: number): number | null {
  const { timeZone } = schedule
  const today = localMidnight(timeZone, at)
  const hoursOn = hoursLookup(schedule, true)
  const limit = at + HORIZON_DAYS * DAY
  let open: Span | null = null
  // Spans come out in order because wall-to-instant conversion never goes backwards.
  for (let d = -1; d <= HORIZON_DAYS + 1; d++) {
    const midnight = today + d * DAY
    const convert = converter(timeZone, midnight, midnight + DAY)
    for (const span of daySpans(hoursOn, midnight, convert)) {
      if (open && span[0] <= open[1]) {
        open[1] = Math.max(open[1], span[1])
        continue
      }
      // `open` began at or before `at` (else it was returned), so its end is a closing.
      if (open && open[1] > at) return open[1] <= limit ? open[1] : null
      if (span[0] > at) return span[0] <= limit ? span[0] : null
      open = span
    }
  }
  // The walk ends past the limit, so an end within it is a real closing.
  return open && open[1] > at && open[1] <= limit ? open[1] : null
}

/**
 * How much of [from, to) lies within the open hours, in ms: each local day's spans from the day
 * before `from` to the day after `to`, clipped to the window, in order (a span never counts
 * twice where two touch). A few Intl calls per day of the window, however far the next change
 * of an always-open schedule is (nextChange walks the whole horizon for one).
 */
export function openWithin(schedule: Schedule, from: number, to: number): number {
  if (to <= from) return 0
  const { timeZone } = schedule
  const hoursOn = hoursLookup(schedule, true)
  const last = localMidnight(timeZone, to) + DAY
  let total = 0
  let reached = from
  for (let midnight = localMidnight(timeZone, from) - DAY; midnight <= last; midnight += DAY) {
    const convert = converter(timeZone, midnight, midnight + DAY)
    for (const [start, end] of daySpans(hoursOn, midnight, convert)) {
      const clippedStart = Math.max(start, reached)
      const clippedEnd = Math.min(end, to)
      if (clippedEnd > clippedStart) {
        total += clippedEnd - clippedStart
        reached = clippedEnd
      }
    }
  }
  return total
}

/** `at` if open then, else the next instant it opens, or null if not within 400 days. */
export function nextOpening(schedule: Schedule, at: number): number | null {
  return isOpen(schedule, at) ? at : nextChange(schedule, at)
}

/**
 * The instant at which `ms` of open time has passed since `from` (issue 20's SLA deadlines in
 * business hours): the open spans from `from` on, in order, until they add up; null if they do
 * not within 400 days (a schedule that is never open). `ms` 0 is the next open instant.
 */
export function addOpenTime(schedule: Schedule, from: number, ms: number): number | null {
  const { timeZone } = schedule
  const hoursOn = hoursLookup(schedule, true)
  const limit = from + HORIZON_DAYS * DAY
  let left = ms
  let reached = from
  for (let midnight = localMidnight(timeZone, from) - DAY; midnight <= limit; midnight += DAY) {
    const convert = converter(timeZone, midnight, midnight + DAY)
    for (const [start, end] of daySpans(hoursOn, midnight, convert)) {
      const clippedStart = Math.max(start, reached)
      if (end <= clippedStart) continue
      if (end - clippedStart >= left) return clippedStart + left
      left -= end - clippedStart
      reached = end
    }
  }
  return null
}
