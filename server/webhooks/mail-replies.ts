/**
 * Offline requests answered by e-mail (issue 17, I4; R6): an inbox's endpoint with the target
 * `email:visitor` (optionally `?lang=ru`) e-mails operators' replies in offline conversations
 * to the address the visitor left. Like Telegram notifications (telegram.ts) it rides the
 * webhook outbox: the same delivery rows, retries, failing state and delivery log. What
 * differs:
 * - only an operator's message in a conversation that began as an offline request notifies
 *   (`mailNotifies`); never a visitor's, a system message or a note (notes are not messages);
 * - replies wait MAIL_DELAY_MS before they go, and the whole pending queue of the conversation
 *   goes as one e-mail, so an answer typed as three quick messages is one e-mail;
 * - threading: every e-mail of a conversation references one root Message-ID, so the
 *   visitor's mail client shows them as one thread.
 */
import type { WebhookEventType } from '../../protocol/webhooks.ts'
import type { WebhookPayload } from './events.ts'

export const MAIL_SCHEME = 'email:'
/** Replies wait this long, so what an operator writes in a row goes as one e-mail. */
export const MAIL_DELAY_MS = 20_000
/** The events an e-mail endpoint may subscribe to. */
export const MAIL_EVENTS: readonly WebhookEventType[] = ['message.created']

export function isMailTarget(url: string): boolean {
  return url.startsWith(MAIL_SCHEME)
}

/** The language of an `email:visitor` target; null when it is malformed. */
export function parseMailTarget(url: string): { lang: 'en' | 'ru' } | null {
  const match = /^email:visitor(?:\?lang=(en|ru))?$/.exec(url)
  return match ? { lang: match[1] === 'ru' ? 'ru' : 'en' } : null
}

/** Whether a reported event is an operator's answer in an offline conversation. */
export function mailNotifies(payload: WebhookPayload): boolean {
  if (payload.type === 'ping') return true
  const data = payload.data as {
    conversation?: { offline?: boolean; channel?: string }
    message?: { author?: { kind?: string }; text?: string; deletedAt?: number | null }
  }
  return (
    payload.type === 'message.created' &&
    (data.conversation?.offline === true || data.conversation?.channel === 'email') &&
    data.message?.author?.kind === 'operator' &&
    (data.message.text ?? '') !== ''
  )
}

/** The domain Message-IDs are made in: the sender's. */
export function mailDomain(from: string): string {
  const match = /@([^@\s>]+)>?\s*$/.exec(from)
  return match?.[1] ?? 'parley.invalid'
}

/** The root Message-ID every e-mail of a conversation refers to. */
export function threadRoot(conversationId: string, domain: string): string {
  return `<conversation.${conversationId}@${domain}>`
}
