/**
 * Quiet hours (issue 20): a daily span of an operator's local time in which no Web Push goes
 * to them (the panel's own alerts and their lists still show everything). "22:00"-"08:00"
 * crosses midnight; `from` equal to `to` is refused when saved.
 */
import * as v from 'valibot'
import type { QuietHours } from '../../actors/ports.ts'
import { TimeZoneName } from '../../protocol/frames.ts'

const Clock = v.pipe(
  v.string(),
  v.regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time is HH:MM, 00:00-23:59'),
)

export const QuietHoursInput = v.pipe(
  v.strictObject({
    from: Clock,
    to: Clock,
    timeZone: TimeZoneName,
  }),
  v.check((q) => q.from !== q.to, 'from and to must differ'),
)

const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5))

/** Whether `at` falls in the quiet hours, in their zone. */
export function isQuiet(quiet: QuietHours, at: number): boolean {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone: quiet.timeZone,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(at)
  const hour = Number(parts.find((p) => p.type === 'hour')?.value ?? 0)
  const minute = Number(parts.find((p) => p.type === 'minute')?.value ?? 0)
  const now = hour * 60 + minute
  const from = minutes(quiet.from)
  const to = minutes(quiet.to)
  return from < to ? now >= from && now < to : now >= from || now < to
}
