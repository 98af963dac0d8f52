/**
 * Local time for analytics (issue 19): which local day, ISO week, month, weekday and hour an
 * instant falls in, in an IANA time zone, with offsets read from Intl (never a table). Offsets
 * are read twice per UTC day and a change inside a day (a DST switch) is found by bisection to
 * the 15-minute bucket, so a year of buckets costs about 800 Intl calls.
 */
import { BUCKET_MS } from '../../protocol/analytics.ts'

const DAY = 86_400_000
const MINUTE = 60_000

/** True when Intl knows the zone. */
export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz })
    return true
  } catch {
    return false
  }
}

export interface LocalParts {
  /** "2026-03-29" */
  date: string
  /** "2026-03" */
  month: string
  /** ISO week: "2026-W13". */
  week: string
  /** 0 = Monday ... 6 = Sunday. */
  weekday: number
  hour: number
}

/** Zones already read (their offsets are facts of the zone): a report reuses them. */
const zones = new Map<string, LocalTime>()
const ZONES_KEPT = 64
/** Days (offsets) and quarter hours (parts) a zone keeps at most. */
const KEPT = 50_000

export class LocalTime {
  /** The zone's LocalTime, shared by the reports that read it (the last ZONES_KEPT zones). */
  static of(timeZone: string): LocalTime {
    let zone = zones.get(timeZone)
    if (zone) {
      // Most recently used last.
      zones.delete(timeZone)
    } else {
      zone = new LocalTime(timeZone)
      if (zones.size >= ZONES_KEPT) zones.delete(zones.keys().next().value!)
    }
    zones.set(timeZone, zone)
    return zone
  }

  readonly #format: Intl.DateTimeFormat
  /** Offset in minutes at the start of each UTC day (by day number), and whether it holds all day. */
  readonly #days = new Map<number, { start: number; change: number | null; after: number }>()

  constructor(readonly timeZone: string) {
    this.#format = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' })
  }

  /** The zone's offset from UTC at `at`, in minutes (east positive). */
  offset(at: number): number {
    const day = Math.floor(at / DAY)
    let known = this.#days.get(day)
    if (!known) {
      const start = this.#read(day * DAY)
      const end = this.#read((day + 1) * DAY - BUCKET_MS)
      let change: number | null = null
      if (start !== end) {
        // The first bucket of the day with the new offset.
        let lo = day * DAY
        let hi = (day + 1) * DAY - BUCKET_MS
        while (hi - lo > BUCKET_MS) {
          const mid = lo + Math.floor((hi - lo) / BUCKET_MS / 2) * BUCKET_MS
          if (this.#read(mid) === start) lo = mid
          else hi = mid
        }
        change = hi
      }
      known = { start, change, after: end }
      // A shared zone is asked about any days: what it keeps stays bounded.
      if (this.#days.size >= KEPT) this.#days.clear()
      this.#days.set(day, known)
    }
    return known.change !== null && at >= known.change ? known.after : known.start
  }

  /** True when the zone's offset is a whole number of hours all through [from, to). */
  wholeHours(from: number, to: number): boolean {
    for (let day = Math.floor(from / DAY); day * DAY < to; day++) {
      this.offset(day * DAY)
      const known = this.#days.get(day)
      if (!known || known.start % 60 !== 0 || known.after % 60 !== 0) return false
    }
    return true
  }

  /**
   * The offsets in force over [from, to): the first from `from`, then one per change, in ms
   * (for the store's counts by local time).
   */
  offsets(from: number, to: number): Array<{ from: number; offsetMs: number }> {
    const offsets = [{ from, offsetMs: this.offset(from) * MINUTE }]
    const change = (at: number, minutes: number) => {
      const last = offsets[offsets.length - 1]!
      if (at > from && at < to && last.offsetMs !== minutes * MINUTE) {
        offsets.push({ from: at, offsetMs: minutes * MINUTE })
      }
    }
    for (let day = Math.floor(from / DAY); day * DAY < to; day++) {
      this.offset(day * DAY)
      const known = this.#days.get(day)!
      change(day * DAY, known.start)
      if (known.change !== null) change(known.change, known.after)
    }
    return offsets
  }

  /**
   * Every instant of [from, to) at which the local date can change, ascending: `from`, each
   * change of offset, each local midnight (the local date holds from one to the next).
   */
  dateChanges(from: number, to: number): number[] {
    const offsets = this.offsets(from, to)
    const instants: number[] = []
    offsets.forEach((o, i) => {
      const end = offsets[i + 1]?.from ?? to
      instants.push(o.from)
      // Under one offset, local midnights are UTC k * DAY - offset.
      for (let k = Math.floor((o.from + o.offsetMs) / DAY) + 1; k * DAY - o.offsetMs < end; k++) {
        instants.push(k * DAY - o.offsetMs)
      }
    })
    return instants
  }

  /** Local parts per quarter hour (every instant of one has the same local hour and date). */
  readonly #quarters = new Map<number, LocalParts>()

  parts(at: number): LocalParts {
    const quarter = Math.floor(at / BUCKET_MS)
    let found = this.#quarters.get(quarter)
    if (!found) {
      found = this.#compute(quarter * BUCKET_MS)
      if (this.#quarters.size >= KEPT) this.#quarters.clear()
      this.#quarters.set(quarter, found)
    }
    return found
  }

  #compute(at: number): LocalParts {
    return partsOfLocal(at + this.offset(at) * MINUTE)
  }

  #read(at: number): number {
    const name = this.#format.formatToParts(at).find((p) => p.type === 'timeZoneName')?.value ?? ''
    const match = /GMT([+-])(\d{2}):(\d{2})/.exec(name)
    if (!match) return 0
    const minutes = Number(match[2]) * 60 + Number(match[3])
    return match[1] === '-' ? -minutes : minutes
  }
}

const pad = (n: number) => String(n).padStart(2, '0')

/** The parts of a local time given as ms since the epoch read as UTC (UTC time + offset). */
export function partsOfLocal(localMs: number): LocalParts {
  const local = new Date(localMs)
  const y = local.getUTCFullYear()
  const m = local.getUTCMonth() + 1
  const d = local.getUTCDate()
  const weekday = (local.getUTCDay() + 6) % 7
  return {
    date: `${y}-${pad(m)}-${pad(d)}`,
    month: `${y}-${pad(m)}`,
    week: isoWeek(Date.UTC(y, m - 1, d), weekday),
    weekday,
    hour: local.getUTCHours(),
  }
}

/** ISO 8601 week of a local date (as UTC midnight ms) whose weekday (0 = Monday) is given. */
function isoWeek(dateUtc: number, weekday: number): string {
  // The week's Thursday decides its year.
  const thursday = new Date(dateUtc + (3 - weekday) * DAY)
  const year = thursday.getUTCFullYear()
  const week = Math.floor((thursday.getTime() - Date.UTC(year, 0, 1)) / (7 * DAY)) + 1
  return `${year}-W${pad(week)}`
}
