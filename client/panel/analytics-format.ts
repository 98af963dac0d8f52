/**
 * How the analytics dashboard writes its figures (issue 19): durations ("3 min 20 s"), counts,
 * shares, the change from the previous period, and the names of presets, channels, weekdays.
 * Reactive like `t()`: call inside JSX or a derivation.
 */
import { locale, msg, t, tx } from './i18n.ts'
import type { Preset } from './analytics-api.ts'
import type { AnalyticsInterval } from '../../protocol/analytics.ts'

/** "45 s", "3 min 20 s", "2 h 5 min", "1 d 3 h"; a dash when there is no figure. */
export function duration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '–'
  const s = Math.round(Math.max(0, ms) / 1000)
  if (s < 60) return t('{s} s', { s })
  const m = Math.floor(s / 60)
  if (m < 60) return s % 60 ? t('{m} min {s} s', { m, s: s % 60 }) : t('{n} min', { n: m })
  const h = Math.floor(m / 60)
  if (h < 24) return m % 60 ? t('{h} h {m} min', { h, m: m % 60 }) : t('{h} h', { h })
  const d = Math.floor(h / 24)
  return h % 24 ? t('{d} d {h} h', { d, h: h % 24 }) : t('{d} d', { d })
}

/**
 * A long stretch of time in hours and minutes, never days ("36 h 20 min", "45 min", "30 s"):
 * operators' connected time, summed over days and people. From 100 hours on, whole hours.
 */
export function hours(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '–'
  const m = Math.round(Math.max(0, ms) / 60_000)
  // Under a minute connected still shows (a figure of 0 would say "never").
  if (m === 0) return ms > 0 ? duration(ms) : t('{n} min', { n: 0 })
  if (m < 60) return t('{n} min', { n: m })
  const h = Math.floor(m / 60)
  if (h >= 100) return t('{h} h', { h: count(Math.round(m / 60)) })
  return m % 60 ? t('{h} h {m} min', { h, m: m % 60 }) : t('{h} h', { h })
}

/**
 * Conversations open at the same time, on average: one decimal at most ("2.4"); "<0.1" for a few
 * minutes of one over a long range (0 would say none was open), a dash when there is none.
 */
export function load(x: number | null | undefined): string {
  if (x === null || x === undefined) return '–'
  return x > 0 && x < 0.05 ? `<${decimal(0.1)}` : decimal(x)
}

/** A count in the UI language's digits and grouping. */
export function count(n: number): string {
  return new Intl.NumberFormat(locale()).format(n)
}

/** A share 0..1 as "87%"; a dash when there is none. */
export function share(x: number | null | undefined): string {
  if (x === null || x === undefined) return '–'
  return new Intl.NumberFormat(locale(), { style: 'percent', maximumFractionDigits: 0 }).format(x)
}

/** An average with one decimal ("4.6"); a dash when there is none. */
export function decimal(x: number | null | undefined): string {
  if (x === null || x === undefined) return '–'
  return new Intl.NumberFormat(locale(), { maximumFractionDigits: 1 }).format(x)
}

/** The change from the previous period: its direction and what it says. */
export interface Change {
  dir: 'up' | 'down' | 'same' | 'none'
  /** Shown: "12%" (the arrow is drawn apart). */
  text: string
  /** Read: "up 12% from the previous period". */
  said: string
}

export function change(now: number | null, before: number | null): Change {
  if (now === null || before === null) {
    return { dir: 'none', text: '–', said: t('no figure to compare with the previous period') }
  }
  if (before === 0) {
    if (now === 0) return { dir: 'same', text: '0%', said: t('no change from the previous period') }
    return { dir: 'up', text: t('new'), said: t('up from none in the previous period') }
  }
  const pct = Math.round(((now - before) / before) * 100)
  if (pct === 0) return { dir: 'same', text: '0%', said: t('no change from the previous period') }
  const n = Math.abs(pct)
  return pct > 0
    ? { dir: 'up', text: `${n}%`, said: t('up {n}% from the previous period', { n }) }
    : { dir: 'down', text: `${n}%`, said: t('down {n}% from the previous period', { n }) }
}

export const PRESET_LABELS: Record<Preset, string> = {
  today: msg('Today'),
  '7d': msg('Last 7 days'),
  '30d': msg('Last 30 days'),
  month: msg('This month'),
  prev_month: msg('Previous month'),
  custom: msg('Custom dates'),
}

export const INTERVAL_LABELS: Record<AnalyticsInterval, string> = {
  day: msg('By day'),
  week: msg('By week'),
  month: msg('By month'),
}

/** A channel as people call it. */
export function channelName(channel: string): string {
  if (channel === 'widget') return t('Widget')
  if (channel === 'email') return tx('channel', 'E-mail')
  if (channel === 'api') return 'API'
  if (channel === 'telegram') return 'Telegram'
  return channel
}

/** "Germany (DE)": a two-letter code named in the UI language, the code beside it. */
/** A region's key ("RU/Moscow") as "Moscow, Russia" in the panel's language. */
export function regionName(key: string): string {
  const slash = key.indexOf('/')
  const code = key.slice(0, slash)
  const region = key.slice(slash + 1)
  if (!code) return region
  try {
    const country = new Intl.DisplayNames([locale()], { type: 'region', fallback: 'none' }).of(code)
    return `${region}, ${country ?? code}`
  } catch {
    return `${region}, ${code}`
  }
}

export function countryName(code: string): string {
  try {
    const name = new Intl.DisplayNames([locale()], { type: 'region', fallback: 'none' }).of(code)
    return name && name !== code ? `${name} (${code})` : code
  } catch {
    return code
  }
}

/** Monday first, short ("Mon") or long ("Monday"): index 0 is Monday, as the report's. */
export function weekday(index: number, long = false): string {
  // 1 January 2024 was a Monday.
  return new Intl.DateTimeFormat(locale(), { weekday: long ? 'long' : 'short' }).format(
    new Date(2024, 0, 1 + index),
  )
}

/** A day of the range ("5 Mar"). */
export function shortDate(at: number): string {
  return new Intl.DateTimeFormat(locale(), { day: 'numeric', month: 'short' }).format(at)
}

/** The start of a series interval, as its axis and table name it. */
export function intervalLabel(at: number, interval: AnalyticsInterval): string {
  if (interval === 'month') {
    return new Intl.DateTimeFormat(locale(), { month: 'short', year: 'numeric' }).format(at)
  }
  return shortDate(at)
}

/** A date and time ("5 Mar, 14:05"). */
export function dateTime(at: number): string {
  return new Intl.DateTimeFormat(locale(), {
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
  }).format(at)
}
