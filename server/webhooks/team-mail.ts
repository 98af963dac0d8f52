/**
 * E-mail to the team (issue 20): an inbox's endpoint whose target is an address
 * (`mailto:ops@shop.example`, optionally `?lang=ru`) hears of what needs someone, as a team's
 * Telegram chat does (telegram.ts `notifies`: a new conversation, a visitor's message while
 * nobody has it, an escalation, an offline request, a missed SLA deadline), in the same words
 * (`formatBatch`), by e-mail through the SMTP relay. It rides the webhook outbox like the other
 * notification targets: the same delivery rows, retries and failing state. Batched: what is
 * due goes as one e-mail, at most one per endpoint every TEAM_MAIL_GAP_MS, so a burst is one
 * e-mail, not a hundred.
 */
import type { OutgoingMail } from '../mail/mailer.ts'

export const TEAM_MAIL_SCHEME = 'mailto:'
/** One e-mail per endpoint at most this often. */
export const TEAM_MAIL_GAP_MS = 60_000
/** The longest address (RFC 5321's path limit). */
const MAX_ADDRESS = 254

export function isTeamMailTarget(url: string): boolean {
  return url.startsWith(TEAM_MAIL_SCHEME)
}

/** The address and language of a `mailto:` target; null when it is malformed. */
export function parseTeamMailTarget(url: string): { to: string; lang: 'en' | 'ru' } | null {
  const match = /^mailto:([^?\s]+)(?:\?lang=(en|ru))?$/.exec(url)
  const to = match?.[1]?.toLowerCase()
  if (!to || to.length > MAX_ADDRESS) return null
  if (
    !/^[^@\s<>()[\],;:"\\]+@[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+$/.test(
      to,
    )
  ) {
    return null
  }
  return { to, lang: match?.[2] === 'ru' ? 'ru' : 'en' }
}

/** The e-mail for a batch: the notification's text (Telegram's HTML subset) as HTML and text. */
export function teamMail(
  to: string,
  html: string,
  opts: { inboxName: string; count: number; lang: 'en' | 'ru' },
): OutgoingMail {
  const text = html
    // A link keeps its address in the text part: "Open: https://…".
    .replace(/<a href="([^"]*)">([^<]*)<\/a>/g, '$2: $1')
    .replace(/<[^>]*>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')
  const what =
    opts.lang === 'ru'
      ? opts.count === 1
        ? 'уведомление'
        : `уведомлений: ${opts.count}`
      : opts.count === 1
        ? 'a notification'
        : `${opts.count} notifications`
  return {
    to,
    subject: `${opts.inboxName}: ${what}`,
    text,
    html: `<!doctype html><html><body><div style="font:15px/1.5 -apple-system,Segoe UI,Roboto,Arial,sans-serif;white-space:pre-wrap">${html}</div></body></html>`,
  }
}
