/**
 * Local time for analytics (server/analytics/time.ts) against Intl's own calendar fields, every
 * 15 minutes of a year, in zones with whole-hour, half-hour and 45-minute offsets and DST
 * switches of one hour and of half an hour (Lord Howe), north and south; and the working-time
 * measure (openMs) against a minute-by-minute walk across a DST switch and a holiday.
 */
import { describe, expect, test } from 'bun:test'
import { ALWAYS_OPEN, type Schedule } from '../../actors/inbox/schedule.ts'
import { BUCKET_MS } from '../../protocol/analytics.ts'
import { openMs } from '../../server/analytics/fold.ts'
import { isTimeZone, LocalTime, partsOfLocal } from '../../server/analytics/time.ts'
import { local, openMinutesMs } from './reference.ts'

const HOUR = 3_600_000
const DAY = 86_400_000

const ZONES = [
  'UTC',
  'Europe/Berlin',
  'America/St_Johns',
  'Asia/Kathmandu',
  'Australia/Lord_Howe',
  'Pacific/Chatham',
  'America/Santiago',
]

describe('analytics local time', () => {
  test('time - every quarter hour of 2026 in seven zones: the same local date, weekday and hour as Intl', () => {
    const from = Date.UTC(2026, 0, 1)
    const to = Date.UTC(2027, 0, 1)
    for (const tz of ZONES) {
      const zone = new LocalTime(tz)
      const wrong: string[] = []
      for (let at = from; at < to; at += BUCKET_MS) {
        const mine = zone.parts(at)
        const theirs = local(tz, at)
        if (
          mine.date !== theirs.date ||
          mine.weekday !== theirs.weekday ||
          mine.hour !== theirs.hour
        ) {
          wrong.push(
            `${tz} ${new Date(at).toISOString()}: ${JSON.stringify(mine)} vs ${JSON.stringify(theirs)}`,
          )
        }
      }
      expect(wrong.slice(0, 3)).toEqual([])
    }
  })

  test('time - offsets in force over a year: local day and hour of the week as the store groups counts, the same as parts (checked against Intl above)', () => {
    const from = Date.UTC(2026, 0, 1, 5, 15)
    const to = Date.UTC(2027, 0, 1)
    for (const tz of ZONES) {
      const zone = new LocalTime(tz)
      const offsets = zone.offsets(from, to)
      expect(offsets[0]!.from).toBe(from)
      const wrong: string[] = []
      let k = 0
      for (let at = from; at < to; at += BUCKET_MS) {
        while (k + 1 < offsets.length && offsets[k + 1]!.from <= at) k++
        // What countsInLocalTime computes in SQL: integer division of the local ms.
        const localMs = at + offsets[k]!.offsetMs
        const day = Math.floor(localMs / DAY)
        const hourOfWeek = Math.floor(localMs / HOUR) % 168
        const theirs = zone.parts(at)
        const date = partsOfLocal(day * DAY).date
        const weekday = (Math.floor(hourOfWeek / 24) + 3) % 7
        if (date !== theirs.date || weekday !== theirs.weekday || hourOfWeek % 24 !== theirs.hour)
          wrong.push(`${tz} ${new Date(at).toISOString()}: ${date} ${weekday} ${hourOfWeek}`)
      }
      expect(wrong.slice(0, 3)).toEqual([])
      // One entry per change only.
      expect(offsets.every((o, i) => i === 0 || o.offsetMs !== offsets[i - 1]!.offsetMs)).toBe(true)
    }
    expect(
      new LocalTime('Europe/Berlin').offsets(from, to).map((o) => o.offsetMs / 60_000),
    ).toEqual([60, 120, 60])
  })

  test('time - the local date changes only at the instants dateChanges lists (a series visits only those)', () => {
    const from = Date.UTC(2026, 0, 1, 5, 15)
    const to = Date.UTC(2027, 0, 1)
    for (const tz of ZONES) {
      const zone = new LocalTime(tz)
      const listed = zone.dateChanges(from, to)
      expect(listed[0]).toBe(from)
      expect(listed.every((at, i) => i === 0 || at > listed[i - 1]!)).toBe(true)
      const instants = new Set(listed)
      const missing: string[] = []
      for (let at = from + BUCKET_MS; at < to; at += BUCKET_MS) {
        if (zone.parts(at).date !== zone.parts(at - BUCKET_MS).date && !instants.has(at))
          missing.push(`${tz} ${new Date(at).toISOString()}`)
      }
      expect(missing.slice(0, 3)).toEqual([])
      // About one a day: no scan of every quarter hour.
      expect(listed.length).toBeLessThan(370)
    }
  })

  test('time - ISO weeks and months: the week of 2026-12-31 is 2026-W53, of 2027-01-04 2027-W01', () => {
    const utc = new LocalTime('UTC')
    expect(utc.parts(Date.UTC(2026, 11, 31, 12)).week).toBe('2026-W53')
    expect(utc.parts(Date.UTC(2027, 0, 3, 12)).week).toBe('2026-W53')
    expect(utc.parts(Date.UTC(2027, 0, 4, 12)).week).toBe('2027-W01')
    expect(utc.parts(Date.UTC(2026, 0, 1, 12)).week).toBe('2026-W01')
    expect(utc.parts(Date.UTC(2026, 2, 1)).month).toBe('2026-03')
    // 23:30 UTC on 31 March is already April in Moscow.
    expect(new LocalTime('Europe/Moscow').parts(Date.UTC(2026, 2, 31, 23, 30)).month).toBe(
      '2026-04',
    )
  })

  test('time - unknown zones are told apart', () => {
    expect(isTimeZone('Europe/Berlin')).toBe(true)
    expect(isTimeZone('Mars/Olympus')).toBe(false)
    expect(isTimeZone('')).toBe(false)
  })

  test('time - working time between two instants equals a minute-by-minute walk, across DST and a holiday', () => {
    const schedule: Schedule = {
      timeZone: 'Europe/Berlin',
      week: {
        mon: [
          { from: '09:00', to: '13:00' },
          { from: '14:00', to: '18:00' },
        ],
        tue: [{ from: '09:00', to: '18:00' }],
        wed: [{ from: '09:00', to: '18:00' }],
        thu: [{ from: '09:00', to: '18:00' }],
        fri: [{ from: '09:00', to: '18:00' }],
        sun: [{ from: '00:00', to: '24:00' }],
      },
      exceptions: [{ date: '2026-04-03', hours: [] }],
    }
    const base = Date.UTC(2026, 2, 27, 7, 13)
    const spans: Array<[number, number]> = [
      [base, base + 3 * 60_000],
      [base, base + 26 * 3_600_000],
      // Across the switch (Sunday 29 March, a 23-hour day open all day) to the next Tuesday.
      [base + 40 * 3_600_000, base + 90 * 3_600_000],
      // Across Good Friday (closed) into the weekend.
      [Date.UTC(2026, 3, 2, 15, 0), Date.UTC(2026, 3, 6, 8, 0)],
      [base, base],
    ]
    for (const [from, to] of spans) {
      expect([from, openMs(schedule, from, to)]).toEqual([from, openMinutesMs(schedule, from, to)])
    }
    expect(openMs(null, base, base + 5000)).toBe(5000)
  })

  test('time - working time: always open, night hours across midnight switches (Santiago), the Berlin fall-back, a long wait', () => {
    const nights: Schedule = {
      timeZone: 'America/Santiago',
      week: Object.fromEntries(
        (['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const).map((d) => [
          d,
          [
            { from: '00:00', to: '02:00' },
            { from: '22:00', to: '24:00' },
          ],
        ]),
      ),
      exceptions: [],
    }
    const berlinAllDay: Schedule = { ...ALWAYS_OPEN, timeZone: 'Europe/Berlin' }
    const cases: Array<[Schedule, number, number]> = [
      [ALWAYS_OPEN, Date.UTC(2026, 5, 1, 10), Date.UTC(2026, 5, 1, 10, 0, 7)],
      [ALWAYS_OPEN, Date.UTC(2026, 5, 1, 10), Date.UTC(2026, 5, 9, 3)],
      // Santiago leaves DST at 00:00 on 5 April and enters it at 00:00 on 6 September 2026.
      [nights, Date.UTC(2026, 3, 3, 12), Date.UTC(2026, 3, 7, 12)],
      [nights, Date.UTC(2026, 8, 4, 12), Date.UTC(2026, 8, 8, 12)],
      [berlinAllDay, Date.UTC(2026, 9, 24, 20), Date.UTC(2026, 9, 26, 4)],
    ]
    for (const [schedule, from, to] of cases) {
      expect([from, openMs(schedule, from, to)]).toEqual([from, openMinutesMs(schedule, from, to)])
    }
    // A first response five months later: the whole span, without walking a horizon per call.
    const from = Date.UTC(2026, 0, 1)
    expect(openMs(ALWAYS_OPEN, from, from + 150 * 86_400_000)).toBe(150 * 86_400_000)
  })
})
