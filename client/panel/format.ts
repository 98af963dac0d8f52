/** Display helpers: a visitor's short name, times, the words around files. */
import { attachStrings } from '../shared/attach-i18n.ts'

export function visitorName(visitorId: string): string {
  return `Visitor ${visitorId.slice(-6)}`
}

export function clock(at: number): string {
  return new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' }).format(at)
}

/** Time today, else the date. */
export function when(at: number): string {
  const d = new Date(at)
  if (d.toDateString() === new Date().toDateString()) return clock(at)
  return new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short' }).format(d)
}

/** The panel speaks English (its other strings are English too); the widget has ru as well. */
export const FILE_STRINGS = attachStrings('en')
