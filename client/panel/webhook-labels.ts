/** The webhooks page's events, and its words for states (msg() keys, shown with `t()`) and times. */
import type { WebhookEventType } from '../../protocol/webhooks.ts'
import type { WebhookDelivery, WebhookEndpoint } from './webhooks-api.ts'
import { locale, msg, t } from './i18n.ts'

/**
 * Every event an endpoint may subscribe to, in the protocol's order. Not protocol's
 * WEBHOOK_EVENTS: a value from protocol/webhooks.ts brings its valibot schemas into the panel
 * (about 3 KB); this Record's type keeps the list whole and right.
 */
const EVENTS: Readonly<Record<WebhookEventType, 1>> = {
  'conversation.created': 1,
  'conversation.assigned': 1,
  'conversation.resolved': 1,
  'conversation.closed': 1,
  'conversation.reopened': 1,
  'conversation.pending': 1,
  'conversation.rated': 1,
  'conversation.priority_changed': 1,
  'conversation.labels_changed': 1,
  'conversation.attributes_changed': 1,
  'conversation.snoozed': 1,
  'conversation.sla_breached': 1,
  'message.created': 1,
  'message.updated': 1,
  'message.deleted': 1,
  'offline_request.created': 1,
}
export const WEBHOOK_EVENTS = Object.keys(EVENTS) as WebhookEventType[]

/**
 * What an endpoint's target is (the server's five kinds, server/webhooks/service.ts): an
 * http(s) URL, a Telegram chat (`telegram:<chat id>` or `telegram:@channel`, issue 17, I2),
 * e-mail to visitors (`email:visitor`, I4), e-mail to the team (`mailto:<address>`, issue 20),
 * the last three may end in `?lang=ru`; or the Telegram channel (`telegram:visitor`, I5: people
 * write to the bot, their chats are conversations).
 */
export type EndpointKind = 'webhook' | 'telegram' | 'mail' | 'team_mail' | 'channel'

export function kindOf(url: string): EndpointKind {
  if (url === 'telegram:visitor') return 'channel'
  if (url.startsWith('mailto:')) return 'team_mail'
  return url.startsWith('telegram:') ? 'telegram' : url.startsWith('email:') ? 'mail' : 'webhook'
}

/** Each kind as the form offers it (msg() keys). */
export const KINDS: Readonly<Record<EndpointKind, string>> = {
  webhook: msg('Webhook'),
  telegram: msg('Telegram chat'),
  mail: msg('E-mail replies to offline requests'),
  channel: msg('Telegram channel (people write to your bot)'),
  team_mail: msg('E-mail to the team'),
}

/** What needs someone: the events a team hears of, in a Telegram chat or by e-mail. */
const TEAM_EVENTS: readonly WebhookEventType[] = [
  'conversation.created',
  'conversation.assigned',
  'message.created',
  'offline_request.created',
  'conversation.sla_breached',
]

/** The events each kind may subscribe to, in the protocol's order (the server refuses others). */
export const KIND_EVENTS: Readonly<Record<EndpointKind, readonly WebhookEventType[]>> = {
  webhook: WEBHOOK_EVENTS,
  telegram: TEAM_EVENTS,
  mail: ['message.created'],
  team_mail: TEAM_EVENTS,
  channel: ['message.created'],
}

/**
 * A Telegram or e-mail target's chat or address (after the scheme) and the language of its
 * texts.
 */
export function parseTarget(url: string): { chat: string; lang: 'en' | 'ru' } {
  const match = /^\w+:([^?]*)(?:\?lang=(\w+))?/.exec(url)
  return { chat: match?.[1] ?? '', lang: match?.[2] === 'ru' ? 'ru' : 'en' }
}

/**
 * The target as people read it: the URL, "Telegram: -100… (ru)", "E-mail: ops@… (ru)",
 * "E-mail to visitors (en)", "Telegram channel".
 */
export function targetName(url: string): string {
  const kind = kindOf(url)
  if (kind === 'webhook') return url
  if (kind === 'channel') return t('Telegram channel')
  const { chat, lang } = parseTarget(url)
  if (kind === 'mail') return t('E-mail to visitors ({lang})', { lang })
  return `${kind === 'telegram' ? 'Telegram' : 'E-mail'}: ${chat} (${lang})`
}

export const ENDPOINT_STATUS: Readonly<Record<WebhookEndpoint['status'], string>> = {
  active: msg('Active'),
  failing: msg('Failing'),
  disabled: msg('Disabled'),
}

export const DELIVERY_STATUS: Readonly<Record<WebhookDelivery['status'], string>> = {
  pending: msg('Pending'),
  delivered: msg('Delivered'),
  failed: msg('Failed'),
  cancelled: msg('Cancelled'),
}

/** A moment with its date, in the UI language. */
export function moment(at: number): string {
  return new Date(at).toLocaleString(locale(), { dateStyle: 'short', timeStyle: 'medium' })
}
