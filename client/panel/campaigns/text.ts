/**
 * The proactive messages section's words (issue 20, M6): `tc` is `t` (../i18n.ts) for the keys
 * of ./ru.ts. That Russian comes with the section's on-demand chunk (Campaigns-*) rather than
 * in the panel's Russian chunk, which has no room left for it (client/build.ts budgets), as the
 * Web Push section's does (../push-text.ts). tests/browser/panel-campaigns.test.ts checks that
 * every key has its translation.
 */
import type { CampaignAudience } from './api.ts'
import { locale } from '../i18n.ts'
import { RU_CAMPAIGNS } from './ru.ts'

/** `text` in the UI language, with `{name}` placeholders filled from `vars`. */
export function tc(text: string, vars: Readonly<Record<string, string | number>> = {}): string {
  const entry = locale() === 'ru' ? RU_CAMPAIGNS[text] : undefined
  const chosen = typeof entry === 'string' ? entry : text
  return chosen.replace(/\{(\w+)\}/g, (whole, name: string) => String(vars[name] ?? whole))
}

/** Marks a key of ./ru.ts kept in a table and returns it unchanged; shown with tc(). */
export const mc = (text: string) => text

/** Each audience in words (tc() keys). */
export const AUDIENCES: ReadonlyArray<[CampaignAudience, string]> = [
  ['all', mc('Everyone')],
  ['new', mc('New visitors')],
  ['returning', mc('Returning visitors')],
]

/** A moment as "7 Dec 2026, 10:00" in the UI's language. */
export const dateTime = (at: number) =>
  new Intl.DateTimeFormat(locale(), { dateStyle: 'medium', timeStyle: 'short' }).format(at)
