/**
 * The panel's two UI languages (issue 16). The English text is the key: components keep their
 * English words in place, wrapped in `t()`, and the Russian dictionary (`i18n/ru.ts`, a lazy
 * chunk fetched only by a Russian UI) maps each to its translation. English operators never pay
 * for Russian; a missing translation shows English, never a key.
 *
 * - `t('Reply')`, `t('Assigned to {name}', { name })`: reactive (reads the locale), so call it
 *   inside JSX or a derivation, never once at module level.
 * - `tn(n, '{n} conversation', '{n} conversations')`: plurals; the key is the plural (`other`)
 *   form, Russian gives one/few/many.
 * - `msg('Label')`: marks a key kept in a table (module-level constants) and returns it
 *   unchanged; translate it where it is shown, with `t(item.label)`.
 *
 * `tests/unit/panel-i18n.test.ts` reads every literal key from the sources and checks that the
 * dictionary translates each (placeholders too), that none is stale, and that no visible English
 * text in a component is left unwrapped.
 */
import { createSignal } from 'solid-js'

export type Locale = 'en' | 'ru'
export const LOCALES: ReadonlyArray<{ id: Locale; name: string }> = [
  { id: 'en', name: 'English' },
  { id: 'ru', name: 'Русский' },
]

/** A translation: text, or the one/few/many forms of a plural. */
export type Entry = string | readonly [one: string, few: string, many: string]
export type Dictionary = Readonly<Record<string, Entry>>

const KEY = 'parley:lang'
const [current, setCurrent] = createSignal<Locale>('en')
let dictionary: Dictionary = {}

/** The UI language now (a signal: formatters that read it update when it changes). */
export const locale = current

/** This device's last choice, else the browser's languages (Russian if any comes first). */
export function deviceLocale(): Locale {
  try {
    const stored = localStorage.getItem(KEY)
    if (stored === 'en' || stored === 'ru') return stored
  } catch {
    // Storage off: the browser decides.
  }
  for (const tag of navigator.languages ?? [navigator.language]) {
    const base = tag.toLowerCase().split('-')[0]
    if (base === 'ru') return 'ru'
    if (base === 'en') return 'en'
  }
  return 'en'
}

/**
 * Switches the UI: fetches the Russian dictionary the first time, then flips every string at
 * once. Remembered on this device, so the next page load (the sign-in form too) starts in it.
 */
export async function setLocale(next: Locale): Promise<void> {
  if (next === 'ru') dictionary = (await import('./i18n/ru.ts')).RU
  try {
    localStorage.setItem(KEY, next)
  } catch {
    // The choice lasts for this page only.
  }
  document.documentElement.lang = next
  setCurrent(next)
}

function fill(text: string, vars?: Readonly<Record<string, string | number>>): string {
  if (!vars) return text
  return text.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in vars ? String(vars[name]) : whole,
  )
}

/** `text` in the UI language, with `{name}` placeholders filled from `vars`. */
export function t(text: string, vars?: Readonly<Record<string, string | number>>): string {
  if (current() === 'en') return fill(text, vars)
  const entry = dictionary[text]
  return fill(typeof entry === 'string' ? entry : text, vars)
}

/** `text` in one sense of several (see the header): keyed `context|text`. */
export function tx(
  context: string,
  text: string,
  vars?: Readonly<Record<string, string | number>>,
): string {
  if (current() === 'en') return fill(text, vars)
  const entry = dictionary[`${context}|${text}`]
  return fill(typeof entry === 'string' ? entry : text, vars)
}

const plurals = { en: new Intl.PluralRules('en'), ru: new Intl.PluralRules('ru') }

/** `n` things: `one` or `other` in English, one/few/many in Russian; `{n}` is the number. */
export function tn(
  n: number,
  one: string,
  other: string,
  vars?: Readonly<Record<string, string | number>>,
): string {
  const all = { n, ...vars }
  const lang = current()
  const entry = lang === 'ru' ? dictionary[other] : undefined
  if (lang === 'ru' && Array.isArray(entry)) {
    const form = plurals.ru.select(n)
    return fill(entry[form === 'one' ? 0 : form === 'few' ? 1 : 2]!, all)
  }
  return fill(plurals.en.select(n) === 'one' ? one : other, all)
}

/** Marks a key for the dictionary without translating it yet (see the header). */
export function msg<T extends string>(text: T): T {
  return text
}
