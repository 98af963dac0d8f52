/** The webhooks page's events, and its words for states (msg() keys, shown with `t()`) and times. */
import type { WebhookEventType } from '../../protocol/webhooks.ts'
import type { WebhookDelivery, WebhookEndpoint } from './webhooks-api.ts'
import { locale, msg } from './i18n.ts'

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
  'conversation.rated': 1,
  'message.created': 1,
  'message.updated': 1,
  'message.deleted': 1,
  'offline_request.created': 1,
}
export const WEBHOOK_EVENTS = Object.keys(EVENTS) as WebhookEventType[]

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
