/**
 * The push section's words (issue 20): `tp` is `t` (i18n.ts) for the keys of
 * i18n/ru/push.ts. That Russian comes with the section's on-demand chunk rather than in the
 * panel's Russian chunk, which has no room left for it (client/build.ts budgets), so an English
 * UI that never opens the section pays nothing. tests/browser/panel-push.test.ts checks that
 * every key has its translation, as tests/client/panel-i18n.test.ts does for `t`.
 */
import { asParleyError } from '../shared/index.ts'
import { locale, t } from './i18n.ts'
import { RU_PUSH } from './i18n/ru/push.ts'

/** `text` in the UI language, with `{name}` placeholders filled from `vars`. */
export function tp(text: string, vars: Readonly<Record<string, string>> = {}): string {
  const entry = locale() === 'ru' ? RU_PUSH[text] : undefined
  const chosen = typeof entry === 'string' ? entry : text
  return chosen.replace(/\{(\w+)\}/g, (whole, name: string) => vars[name] ?? whole)
}

/** The server's refusal, or no connection (as chat.ts `describe` says them). */
export function describe(e: unknown): string {
  const error = asParleyError(e)
  if (error.code === 'unavailable' || error.code === 'overloaded') {
    return t('No connection right now. Please try again in a moment.')
  }
  return t('{detail} ({code})', { detail: error.message, code: error.code })
}
