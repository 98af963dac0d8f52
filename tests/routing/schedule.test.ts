/**
 * Working hours against real zone rules (the runtime's Intl data, no mocks). Instants are written
 * as UTC ISO strings so each expectation can be checked against a DST table by hand.
 */
import { describe, expect, test } from 'bun:test'
import {
  ALWAYS_OPEN,
  isOpen,
  localDate,
  localMinutes,
  nextChange,
  nextOpening,
  parseSchedule,
  type Interval,
  type Schedule,
  type Weekday,
} from '../../actors/inbox/schedule.ts'
import { ParleyError } from '../../protocol/index.ts'

const utc = (iso: string) => Date.parse(iso)
const iso = (at: number | null) => (at === null ? null : new Date(at).toISOString())
const hours = (...spans: string[]): Interval[] =>
  spans.map((span) => {
    const [from, to] = span.split('-') as [string, string]
    return { from, to }
  })
const workdays = (...spans: string[]) =>
  Object.fromEntries(
    (['mon', 'tue', 'wed', 'thu', 'fri'] as Weekday[]).map((d) => [d, hours(...spans)]),
  )
const schedule = (
  timeZone: string,
  week: Schedule['week'],
  exceptions: Schedule['exceptions'] = [],
): Schedule => parseSchedule({ timeZone, week, exceptions })

/** Asserts parseSchedule rejects `input` with validation_failed and exactly `message`. */
function expectInvalid(input: unknown, message: string) {
  let error: unknown
  try {
    parseSchedule(input)
  } catch (e) {
    error = e
  }
  expect(error).toBeInstanceOf(ParleyError)
  expect((error as ParleyError).code).toBe('validation_failed')
  expect((error as ParleyError).message).toBe(message)
}

describe('schedule - opening hours', () => {
  // Moscow is UTC+3 all year; 2026-03-02 is a Monday.
  const moscow = schedule('Europe/Moscow', workdays('09:00-18:00'))

  test('schedule - a weekday 09:00-18:00 is open from 09:00 up to but not at 18:00', () => {
    expect(isOpen(moscow, utc('2026-03-02T05:59:00Z'))).toBe(false)
    expect(isOpen(moscow, utc('2026-03-02T06:00:00Z'))).toBe(true)
    expect(isOpen(moscow, utc('2026-03-02T14:59:00Z'))).toBe(true)
    expect(isOpen(moscow, utc('2026-03-02T14:59:59.999Z'))).toBe(true)
    expect(isOpen(moscow, utc('2026-03-02T15:00:00Z'))).toBe(false)
    expect(isOpen(moscow, utc('2026-03-07T09:00:00Z'))).toBe(false)
  })

  test('schedule - nextChange arms the opening and the closing', () => {
    expect(iso(nextChange(moscow, utc('2026-03-02T05:00:00Z')))).toBe('2026-03-02T06:00:00.000Z')
    expect(iso(nextChange(moscow, utc('2026-03-02T06:00:00Z')))).toBe('2026-03-02T15:00:00.000Z')
    expect(iso(nextChange(moscow, utc('2026-03-02T15:00:00Z')))).toBe('2026-03-03T06:00:00.000Z')
  })

  test('schedule - localDate and localMinutes read the wall clock of the zone', () => {
    expect(localDate('Europe/Moscow', utc('2026-03-02T22:30:00Z'))).toBe('2026-03-03')
    expect(localMinutes('Europe/Moscow', utc('2026-03-02T22:30:00Z'))).toBe(90)
    expect(localDate('America/New_York', utc('2026-03-02T03:00:00Z'))).toBe('2026-03-01')
  })

  test('schedule - a zone with a non-hour offset (Asia/Kathmandu, +05:45)', () => {
    const kathmandu = schedule('Asia/Kathmandu', workdays('09:00-17:00'))
    expect(isOpen(kathmandu, utc('2026-03-02T03:14:00Z'))).toBe(false)
    expect(isOpen(kathmandu, utc('2026-03-02T03:15:00Z'))).toBe(true)
    expect(iso(nextChange(kathmandu, utc('2026-03-02T00:00:00Z')))).toBe('2026-03-02T03:15:00.000Z')
    expect(iso(nextChange(kathmandu, utc('2026-03-02T03:15:00Z')))).toBe('2026-03-02T11:15:00.000Z')
    expect(localMinutes('Asia/Kathmandu', utc('2026-03-02T03:15:00Z'))).toBe(9 * 60)
  })

  test('schedule - 22:00-24:00 Friday and 00:00-02:00 Saturday are one opening', () => {
    const late = schedule('Europe/Moscow', {
      fri: hours('22:00-24:00'),
      sat: hours('00:00-02:00'),
    })
    // Friday 2026-03-06, 23:00 Moscow.
    expect(isOpen(late, utc('2026-03-06T20:00:00Z'))).toBe(true)
    expect(isOpen(late, utc('2026-03-06T21:00:00Z'))).toBe(true)
    expect(iso(nextChange(late, utc('2026-03-06T20:00:00Z')))).toBe('2026-03-06T23:00:00.000Z')
    expect(iso(nextChange(late, utc('2026-03-06T18:00:00Z')))).toBe('2026-03-06T19:00:00.000Z')
  })
})

describe('schedule - daylight saving time', () => {
  test('schedule - Berlin spring-forward: 01:00-03:00 on the gap day is one real hour', () => {
    // 2026-03-29: 02:00 CET jumps to 03:00 CEST at 01:00Z.
    const s = schedule('Europe/Berlin', { sun: hours('01:00-03:00') })
    expect(isOpen(s, utc('2026-03-28T23:59:00Z'))).toBe(false)
    expect(isOpen(s, utc('2026-03-29T00:30:00Z'))).toBe(true)
    expect(isOpen(s, utc('2026-03-29T01:00:00Z'))).toBe(false)
    expect(nextChange(s, utc('2026-03-28T12:00:00Z'))).toBe(utc('2026-03-29T00:00:00Z'))
    expect(nextChange(s, utc('2026-03-29T00:00:00Z'))).toBe(utc('2026-03-29T01:00:00Z'))
  })

  test('schedule - a start inside the gap maps to the first instant after it', () => {
    const s = schedule('Europe/Berlin', { sun: hours('02:30-04:00') })
    expect(isOpen(s, utc('2026-03-29T00:59:59Z'))).toBe(false)
    expect(isOpen(s, utc('2026-03-29T01:00:00Z'))).toBe(true)
    expect(nextChange(s, utc('2026-03-29T00:00:00Z'))).toBe(utc('2026-03-29T01:00:00Z'))
    expect(nextChange(s, utc('2026-03-29T01:00:00Z'))).toBe(utc('2026-03-29T02:00:00Z'))
  })

  test('schedule - an interval wholly inside the gap opens nothing that day', () => {
    const s = schedule('Europe/Berlin', { sun: hours('02:15-02:45') })
    expect(isOpen(s, utc('2026-03-29T01:00:00Z'))).toBe(false)
    // The next Sunday, 02:15 CEST.
    expect(nextChange(s, utc('2026-03-28T12:00:00Z'))).toBe(utc('2026-04-05T00:15:00Z'))
  })

  test('schedule - 00:00-24:00 covers the 23-hour and the 25-hour day', () => {
    const s = schedule('Europe/Berlin', { sun: hours('00:00-24:00') })
    expect(nextChange(s, utc('2026-03-28T12:00:00Z'))).toBe(utc('2026-03-28T23:00:00Z'))
    expect(nextChange(s, utc('2026-03-28T23:00:00Z'))).toBe(utc('2026-03-29T22:00:00Z'))
    expect(nextChange(s, utc('2026-10-24T12:00:00Z'))).toBe(utc('2026-10-24T22:00:00Z'))
    expect(nextChange(s, utc('2026-10-24T22:00:00Z'))).toBe(utc('2026-10-25T23:00:00Z'))
    expect(isOpen(s, utc('2026-10-25T22:59:59Z'))).toBe(true)
  })

  test('schedule - Berlin fall-back: 02:00-03:00 spans both passes of the repeated hour', () => {
    // 2026-10-25: 03:00 CEST falls back to 02:00 CET at 01:00Z, so 02:00-03:00 happens twice.
    const s = schedule('Europe/Berlin', { sun: hours('02:00-03:00') })
    expect(isOpen(s, utc('2026-10-25T00:30:00Z'))).toBe(true)
    expect(isOpen(s, utc('2026-10-25T01:30:00Z'))).toBe(true)
    expect(nextChange(s, utc('2026-10-24T12:00:00Z'))).toBe(utc('2026-10-25T00:00:00Z'))
    expect(nextChange(s, utc('2026-10-25T00:00:00Z'))).toBe(utc('2026-10-25T02:00:00Z'))
  })

  test('schedule - a time in the repeated hour means its first occurrence', () => {
    const s = schedule('Europe/Berlin', { sun: hours('00:00-02:30') })
    expect(nextChange(s, utc('2026-10-24T22:00:00Z'))).toBe(utc('2026-10-25T00:30:00Z'))
    // 02:15 on the second pass, after the close at the first 02:30.
    expect(isOpen(s, utc('2026-10-25T01:15:00Z'))).toBe(false)
  })

  test('schedule - New York spring-forward: 01:00-03:00 on the gap day is one real hour', () => {
    // 2026-03-08: 02:00 EST jumps to 03:00 EDT at 07:00Z.
    const s = schedule('America/New_York', { sun: hours('01:00-03:00') })
    expect(nextChange(s, utc('2026-03-08T05:00:00Z'))).toBe(utc('2026-03-08T06:00:00Z'))
    expect(nextChange(s, utc('2026-03-08T06:00:00Z'))).toBe(utc('2026-03-08T07:00:00Z'))
    expect(isOpen(s, utc('2026-03-08T06:59:00Z'))).toBe(true)
    expect(isOpen(s, utc('2026-03-08T07:00:00Z'))).toBe(false)
  })

  test('schedule - New York fall-back: the repeated hour counts from its first pass', () => {
    // 2026-11-01: 02:00 EDT falls back to 01:00 EST at 06:00Z, so 01:00-02:00 happens twice.
    const both = schedule('America/New_York', { sun: hours('01:00-02:00') })
    expect(nextChange(both, utc('2026-11-01T04:00:00Z'))).toBe(utc('2026-11-01T05:00:00Z'))
    expect(isOpen(both, utc('2026-11-01T06:30:00Z'))).toBe(true)
    expect(nextChange(both, utc('2026-11-01T05:00:00Z'))).toBe(utc('2026-11-01T07:00:00Z'))

    const fromHalfPast = schedule('America/New_York', { sun: hours('01:30-03:00') })
    expect(nextChange(fromHalfPast, utc('2026-11-01T04:00:00Z'))).toBe(utc('2026-11-01T05:30:00Z'))
    // 01:15 EST, the second pass, is after the first 01:30.
    expect(isOpen(fromHalfPast, utc('2026-11-01T06:15:00Z'))).toBe(true)
    expect(nextChange(fromHalfPast, utc('2026-11-01T05:30:00Z'))).toBe(utc('2026-11-01T08:00:00Z'))
  })

  test('schedule - weekday hours keep their local time across the change', () => {
    const s = schedule('America/New_York', workdays('09:00-17:00'))
    // Friday 17:00 EST, then Monday 09:00 EDT.
    expect(nextChange(s, utc('2026-03-06T21:00:00Z'))).toBe(utc('2026-03-06T22:00:00Z'))
    expect(nextChange(s, utc('2026-03-06T22:00:00Z'))).toBe(utc('2026-03-09T13:00:00Z'))
    expect(nextOpening(s, utc('2026-03-07T00:00:00Z'))).toBe(utc('2026-03-09T13:00:00Z'))
  })
})

describe('schedule - exceptions', () => {
  // 2026-03-06 is a Friday, 03-08 a Sunday, 03-09 a Monday; Moscow is UTC+3.
  const week = workdays('09:00-18:00')

  test('schedule - a holiday closes a weekday', () => {
    const s = schedule('Europe/Moscow', week, [{ date: '2026-03-09', hours: [] }])
    expect(isOpen(s, utc('2026-03-09T09:00:00Z'))).toBe(false)
    expect(isOpen(s, utc('2026-03-10T09:00:00Z'))).toBe(true)
  })

  test('schedule - a short day replaces the weekly hours', () => {
    const s = schedule('Europe/Moscow', week, [{ date: '2026-03-06', hours: hours('09:00-14:00') }])
    expect(isOpen(s, utc('2026-03-06T10:59:00Z'))).toBe(true)
    expect(isOpen(s, utc('2026-03-06T11:00:00Z'))).toBe(false)
    expect(nextChange(s, utc('2026-03-06T07:00:00Z'))).toBe(utc('2026-03-06T11:00:00Z'))
  })

  test('schedule - an exception opens a Sunday', () => {
    const s = schedule('Europe/Moscow', week, [{ date: '2026-03-08', hours: hours('10:00-16:00') }])
    expect(isOpen(s, utc('2026-03-08T09:00:00Z'))).toBe(true)
    expect(isOpen(s, utc('2026-03-01T09:00:00Z'))).toBe(false)
    expect(nextOpening(s, utc('2026-03-06T16:00:00Z'))).toBe(utc('2026-03-08T07:00:00Z'))
  })

  test('schedule - nextOpening from Friday evening lands on Monday 09:00', () => {
    const s = schedule('Europe/Moscow', week)
    expect(nextOpening(s, utc('2026-03-06T16:00:00Z'))).toBe(utc('2026-03-09T06:00:00Z'))
    expect(nextOpening(s, utc('2026-03-09T08:00:00Z'))).toBe(utc('2026-03-09T08:00:00Z'))
  })

  test('schedule - nextOpening skips a holiday to the next working day', () => {
    const s = schedule('Europe/Moscow', week, [{ date: '2026-03-09', hours: [] }])
    expect(nextOpening(s, utc('2026-03-06T16:00:00Z'))).toBe(utc('2026-03-10T06:00:00Z'))
  })

  test('schedule - a lone exception opens and closes within an otherwise closed week', () => {
    const s = schedule('Europe/Moscow', {}, [{ date: '2026-12-31', hours: hours('10:00-12:00') }])
    expect(nextOpening(s, utc('2026-01-01T00:00:00Z'))).toBe(utc('2026-12-31T07:00:00Z'))
    expect(nextChange(s, utc('2026-12-31T08:00:00Z'))).toBe(utc('2026-12-31T09:00:00Z'))
    expect(nextChange(s, utc('2026-12-31T09:00:00Z'))).toBeNull()
    // More than 400 days ahead.
    expect(nextOpening(s, utc('2025-11-01T00:00:00Z'))).toBeNull()
  })
})

describe('schedule - never changing', () => {
  const at = utc('2026-03-29T01:00:00Z')

  test('schedule - ALWAYS_OPEN is open at any instant and never changes', () => {
    expect(isOpen(ALWAYS_OPEN, at)).toBe(true)
    expect(isOpen(ALWAYS_OPEN, utc('2026-12-31T23:59:59Z'))).toBe(true)
    expect(nextChange(ALWAYS_OPEN, at)).toBeNull()
    expect(nextOpening(ALWAYS_OPEN, at)).toBe(at)
    expect(parseSchedule(ALWAYS_OPEN)).toEqual(ALWAYS_OPEN)
  })

  test('schedule - an empty week is never open', () => {
    const closed = schedule('Europe/Berlin', {})
    expect(isOpen(closed, at)).toBe(false)
    expect(nextChange(closed, at)).toBeNull()
    expect(nextOpening(closed, at)).toBeNull()
  })
})

describe('schedule - parseSchedule', () => {
  const valid = { timeZone: 'Europe/Moscow', week: {}, exceptions: [] }
  const withDay = (day: string, ...spans: string[]) => ({
    ...valid,
    week: { [day]: hours(...spans) },
  })
  const withExceptions = (...exceptions: unknown[]) => ({ ...valid, exceptions })
  const holiday = (date: string) => ({ date, hours: [] })

  test('schedule - drops unknown keys and normalizes order', () => {
    const parsed = parseSchedule({
      timeZone: 'Europe/Berlin',
      color: 'red',
      week: {
        fri: [{ from: '14:00', to: '18:00', label: 'x' }, ...hours('09:00-12:00')],
        mon: hours('12:00-13:00', '09:00-12:00'),
      },
      exceptions: [
        { date: '2026-12-31', hours: [], note: 'New Year', extra: true },
        { date: '2026-05-01', hours: hours('10:00-12:00') },
      ],
    })
    expect(parsed).toEqual({
      timeZone: 'Europe/Berlin',
      week: { mon: hours('09:00-12:00', '12:00-13:00'), fri: hours('09:00-12:00', '14:00-18:00') },
      exceptions: [
        { date: '2026-05-01', hours: hours('10:00-12:00') },
        { date: '2026-12-31', hours: [], note: 'New Year' },
      ],
    })
    expect(Object.keys(parsed.week)).toEqual(['mon', 'fri'])
  })

  test('schedule - rejects a time zone that is not IANA', () => {
    const zone = (timeZone: unknown) => ({ ...valid, timeZone })
    expectInvalid(zone('Mars/Base'), 'schedule.timeZone: "Mars/Base" is not an IANA time zone')
    expectInvalid(zone(''), 'schedule.timeZone: "" is not an IANA time zone')
    expectInvalid(zone('+03:00'), 'schedule.timeZone: "+03:00" is not an IANA time zone')
    expectInvalid(zone('A'.repeat(65)), 'schedule.timeZone: longer than 64 characters')
    expectInvalid(zone(3), 'schedule.timeZone: expected a string')
  })

  test('schedule - rejects an interval that ends before it starts or is empty', () => {
    expectInvalid(
      withDay('mon', '09:00-13:00', '18:00-09:00'),
      'schedule.week.mon[1]: 18:00-09:00 ends before it starts',
    )
    expectInvalid(withDay('mon', '09:00-09:00'), 'schedule.week.mon[0]: 09:00-09:00 is empty')
  })

  test('schedule - rejects malformed times, and 24:00 as a start', () => {
    expectInvalid(
      withDay('wed', '9:00-12:00'),
      'schedule.week.wed[0].from: "9:00" is not a time (HH:MM, 00:00-23:59)',
    )
    expectInvalid(
      withDay('wed', '24:00-24:00'),
      'schedule.week.wed[0].from: "24:00" is not a time (HH:MM, 00:00-23:59)',
    )
    expectInvalid(
      withDay('wed', '10:00-12:60'),
      'schedule.week.wed[0].to: "12:60" is not a time (HH:MM, 00:01-24:00)',
    )
    expectInvalid(
      withDay('wed', '10:00-24:30'),
      'schedule.week.wed[0].to: "24:30" is not a time (HH:MM, 00:01-24:00)',
    )
    expectInvalid(
      { ...valid, week: { wed: ['09:00-12:00'] } },
      'schedule.week.wed[0]: expected an object { from, to }',
    )
  })

  test('schedule - rejects overlapping intervals but allows touching ones', () => {
    expectInvalid(
      withDay('tue', '12:00-18:00', '09:00-13:00'),
      'schedule.week.tue: 09:00-13:00 overlaps 12:00-18:00',
    )
    expect(parseSchedule(withDay('tue', '12:00-13:00', '09:00-12:00')).week.tue).toEqual(
      hours('09:00-12:00', '12:00-13:00'),
    )
  })

  test('schedule - rejects more than 6 intervals a day', () => {
    const seven = ['01', '02', '03', '04', '05', '06', '07'].map((h) => `${h}:00-${h}:30`)
    expect(parseSchedule(withDay('sat', ...seven.slice(0, 6))).week.sat).toHaveLength(6)
    expectInvalid(withDay('sat', ...seven), 'schedule.week.sat: at most 6 intervals, got 7')
  })

  test('schedule - rejects a week key that is not a weekday', () => {
    expectInvalid(
      withDay('monday', '09:00-18:00'),
      'schedule.week.monday: not a weekday (expected mon, tue, wed, thu, fri, sat, sun)',
    )
    expectInvalid(
      { ...valid, week: { sun: null } },
      'schedule.week.sun: expected an array of intervals',
    )
  })

  test('schedule - rejects a date that is not on the calendar', () => {
    expectInvalid(
      withExceptions(holiday('2026-01-01'), holiday('2026-01-07'), holiday('2026-02-30')),
      'schedule.exceptions[2].date: 2026-02-30 is not a date',
    )
    expectInvalid(
      withExceptions(holiday('2026-1-7')),
      'schedule.exceptions[0].date: 2026-1-7 is not a date',
    )
    expectInvalid(
      withExceptions({ hours: [] }),
      'schedule.exceptions[0].date: expected a string "YYYY-MM-DD"',
    )
    expect(parseSchedule(withExceptions(holiday('2028-02-29'))).exceptions).toHaveLength(1)
  })

  test('schedule - rejects a date listed twice', () => {
    expectInvalid(
      withExceptions(holiday('2026-12-31'), holiday('2026-01-01'), holiday('2026-12-31')),
      'schedule.exceptions: 2026-12-31 is listed twice',
    )
  })

  test('schedule - rejects bad exception hours and notes', () => {
    expectInvalid(
      withExceptions({ date: '2026-05-01', hours: hours('14:00-10:00') }),
      'schedule.exceptions[0].hours[0]: 14:00-10:00 ends before it starts',
    )
    expectInvalid(
      withExceptions({ date: '2026-05-01' }),
      'schedule.exceptions[0].hours: expected an array of intervals',
    )
    expectInvalid(
      withExceptions({ date: '2026-05-01', hours: [], note: 'x'.repeat(101) }),
      'schedule.exceptions[0].note: longer than 100 characters',
    )
    expectInvalid(
      withExceptions({ date: '2026-05-01', hours: [], note: 7 }),
      'schedule.exceptions[0].note: expected a string',
    )
  })

  test('schedule - rejects more than 366 exceptions', () => {
    const days = (n: number) =>
      Array.from({ length: n }, (_, i) =>
        holiday(new Date(utc('2026-01-01') + i * 86_400_000).toISOString().slice(0, 10)),
      )
    expect(parseSchedule(withExceptions(...days(366))).exceptions).toHaveLength(366)
    expectInvalid(withExceptions(...days(367)), 'schedule.exceptions: at most 366, got 367')
  })

  test('schedule - rejects input that is not shaped like a schedule', () => {
    expectInvalid(null, 'schedule: expected an object')
    expectInvalid([], 'schedule: expected an object')
    expectInvalid({ timeZone: 'UTC', exceptions: [] }, 'schedule.week: expected an object')
    expectInvalid({ timeZone: 'UTC', week: {} }, 'schedule.exceptions: expected an array')
  })
})
