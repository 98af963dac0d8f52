/** Display helpers: a visitor's short name and place, times, the words around files. */
import { attachStrings } from '../shared/attach-i18n.ts'
import type { Conversation } from '../shared/index.ts'
import { locale, msg, t } from './i18n.ts'

export function visitorName(visitorId: string): string {
  return t('Visitor {id}', { id: visitorId.slice(-6) })
}

/** A conversation's status as its pill shows it: msg() keys, shown with `t()`. */
export const STATUS_LABELS: Readonly<Record<Conversation['status'], string>> = {
  open: msg('open'),
  pending: msg('pending'),
  resolved: msg('resolved'),
  closed: msg('closed'),
}

/** Intl.DisplayNames of one kind in the UI language, made once per language. */
const displayNames = new Map<string, Intl.DisplayNames>()
function named(type: 'language' | 'region'): Intl.DisplayNames {
  const key = `${type}:${locale()}`
  let names = displayNames.get(key)
  if (!names) {
    names = new Intl.DisplayNames([locale()], { type, fallback: 'code' })
    displayNames.set(key, names)
  }
  return names
}

/** "German (Germany), de-DE": a BCP 47 tag named in the panel's language, with the tag. */
export function languageName(tag: string): string {
  try {
    const name = named('language').of(tag)
    return name && name !== tag ? `${name}, ${tag}` : tag
  } catch {
    return tag
  }
}

/** The time of day `at` in an IANA time zone ("14:05"), or null when Intl does not know it. */
export function timeIn(timeZone: string, at: number): string | null {
  try {
    return new Intl.DateTimeFormat(locale(), {
      hour: '2-digit',
      minute: '2-digit',
      timeZone,
    }).format(at)
  } catch {
    return null
  }
}

export function clock(at: number): string {
  return new Intl.DateTimeFormat(locale(), { hour: '2-digit', minute: '2-digit' }).format(at)
}

/** Time today, else the date. */
export function when(at: number): string {
  const d = new Date(at)
  if (d.toDateString() === new Date().toDateString()) return clock(at)
  return new Intl.DateTimeFormat(locale(), { day: 'numeric', month: 'short' }).format(d)
}

/** The words around files in the panel's language (shared with the widget, which has both). */
export const fileStrings = () => attachStrings(locale())

/**
 * Codes Intl names that no lookup returns: groupings and test regions, and withdrawn codes it
 * names after their successor (SU "Russia", DD "Germany"), which would list a country twice.
 */
const NOT_COUNTRIES = new Set('AN BU CS DD EU EZ FX NT QO SU TP UN XA XB YD YU ZR ZZ'.split(' '))

/** Countries by two-letter code, named in the page's language (for the GeoIP rules). */
export function countryNames() {
  const lang = locale()
  const names = new Intl.DisplayNames([lang], { type: 'region', fallback: 'none' })
  const name = (code: string): string | undefined => {
    if (!/^[A-Z]{2}$/.test(code) || NOT_COUNTRIES.has(code)) return undefined
    const named = names.of(code)
    return named && named !== code ? named : undefined
  }
  const list: Array<{ code: string; name: string }> = []
  for (let a = 65; a <= 90; a++) {
    for (let b = 65; b <= 90; b++) {
      const code = String.fromCharCode(a, b)
      const named = name(code)
      if (named) list.push({ code, name: named })
    }
  }
  list.sort((x, y) => x.name.localeCompare(y.name, lang))
  return { list, name }
}

/** "Kazan, Tatarstan, Russia": the visitor's place as GeoIP knows it, country named by Intl. */
export function placeName(location: NonNullable<Conversation['location']>): string {
  let country = location.country
  try {
    country = named('region').of(location.country) ?? country
  } catch {
    // not a code Intl accepts: shown as it came
  }
  return [location.city, location.region, country].filter((part) => !!part).join(', ')
}
