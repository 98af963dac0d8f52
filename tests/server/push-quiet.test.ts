/** Quiet hours' clock (issue 20, server/push/quiet.ts): local time in the zone, across midnight. */
import { describe, expect, test } from 'bun:test'
import { isQuiet } from '../../server/push/quiet.ts'

describe('push quiet hours', () => {
  test('quiet hours - a span within a day and one across midnight, in the zone, ends exclusive', () => {
    const day = { from: '13:00', to: '14:30', timeZone: 'UTC' }
    expect(isQuiet(day, Date.parse('2026-12-07T12:59:00Z'))).toBe(false)
    expect(isQuiet(day, Date.parse('2026-12-07T13:00:00Z'))).toBe(true)
    expect(isQuiet(day, Date.parse('2026-12-07T14:29:00Z'))).toBe(true)
    expect(isQuiet(day, Date.parse('2026-12-07T14:30:00Z'))).toBe(false)
    const night = { from: '22:00', to: '08:00', timeZone: 'Asia/Vladivostok' } // UTC+10
    expect(isQuiet(night, Date.parse('2026-12-07T11:59:00Z'))).toBe(false) // 21:59
    expect(isQuiet(night, Date.parse('2026-12-07T12:00:00Z'))).toBe(true) // 22:00
    expect(isQuiet(night, Date.parse('2026-12-07T15:00:00Z'))).toBe(true) // 01:00
    expect(isQuiet(night, Date.parse('2026-12-07T21:59:00Z'))).toBe(true) // 07:59
    expect(isQuiet(night, Date.parse('2026-12-07T22:00:00Z'))).toBe(false) // 08:00
  })
})
