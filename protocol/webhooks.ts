/**
 * Webhooks (issue 17, I1): what an admin configures and what a receiver gets. The wire shapes
 * of the admin API (`/api/webhooks`, docs/webhooks.md) and of the events Parley posts.
 */
import * as v from 'valibot'
import { wireString } from './strings.ts'

/** Every event an endpoint may subscribe to, in the order the panel lists them. */
export const WEBHOOK_EVENTS = [
  'conversation.created',
  'conversation.assigned',
  'conversation.resolved',
  'conversation.closed',
  'conversation.reopened',
  'conversation.pending',
  'conversation.rated',
  'conversation.priority_changed',
  'conversation.labels_changed',
  'conversation.attributes_changed',
  'conversation.snoozed',
  'conversation.sla_breached',
  'message.created',
  'message.updated',
  'message.deleted',
  'offline_request.created',
] as const
export const WebhookEventType = v.picklist(WEBHOOK_EVENTS)
export type WebhookEventType = v.InferOutput<typeof WebhookEventType>

/** Endpoints per inbox. */
export const MAX_WEBHOOKS_PER_INBOX = 10
/** Longest endpoint URL, in characters. */
export const MAX_WEBHOOK_URL = 2000
/** Longest description, in characters. */
export const MAX_WEBHOOK_DESCRIPTION = 200
/** Characters of a receiver's answer kept in the delivery log. */
export const WEBHOOK_SNIPPET_LENGTH = 500
/** Hours a rotated-out secret may still sign, at most (a week); default 24. */
export const MAX_SECRET_OVERLAP_HOURS = 168

/**
 * An endpoint as the admin API returns it. The secret is shown once, when it is made (create or
 * rotate); afterwards only its last four characters.
 */
export const WebhookEndpoint = v.object({
  id: v.string(),
  inboxId: v.string(),
  url: v.string(),
  description: v.string(),
  events: v.array(WebhookEventType),
  enabled: v.boolean(),
  /** The current secret's last four characters. */
  secretHint: v.string(),
  /** Until when the previous secret signs too (after a rotation); null: only the current one. */
  previousSecretUntil: v.nullable(v.number()),
  /**
   * `failing`: a delivery used up its retries (24 h) since the last success; it still gets new
   * events. `disabled`: switched off by an admin, gets nothing.
   */
  status: v.picklist(['active', 'failing', 'disabled']),
  failingSince: v.nullable(v.number()),
  lastSuccessAt: v.nullable(v.number()),
  lastFailureAt: v.nullable(v.number()),
  /** The newest failure's reason ("HTTP 500", "timed out after 10 s", "refused: private address"). */
  lastError: v.nullable(v.string()),
  /** Deliveries waiting to go (first attempt or a retry). */
  pending: v.number(),
  createdAt: v.number(),
  updatedAt: v.number(),
})
export type WebhookEndpoint = v.InferOutput<typeof WebhookEndpoint>

export const WebhookDeliveryStatus = v.picklist(['pending', 'delivered', 'failed', 'cancelled'])
export type WebhookDeliveryStatus = v.InferOutput<typeof WebhookDeliveryStatus>

/** One event for one endpoint, in the endpoint's delivery log. */
export const WebhookDelivery = v.object({
  endpointId: v.string(),
  /** The event's id, the same on every attempt and every endpoint: receivers dedupe by it. */
  eventId: v.string(),
  /** `rule.triggered`: an automation rule's webhook action (issue 20). */
  type: v.union([WebhookEventType, v.literal('ping'), v.literal('rule.triggered')]),
  conversationId: v.nullable(v.string()),
  status: WebhookDeliveryStatus,
  attempts: v.number(),
  /** The next attempt (pending only). */
  nextAttemptAt: v.nullable(v.number()),
  createdAt: v.number(),
  lastAttemptAt: v.nullable(v.number()),
  deliveredAt: v.nullable(v.number()),
  /** The receiver's HTTP status on the last attempt; null: no response (refused, timeout). */
  responseStatus: v.nullable(v.number()),
  /** Milliseconds the last attempt took. */
  responseMs: v.nullable(v.number()),
  /** The first 500 characters of the receiver's last response body. */
  responseSnippet: v.nullable(v.string()),
  /** Why the last attempt failed; null when it did not. */
  error: v.nullable(v.string()),
})
export type WebhookDelivery = v.InferOutput<typeof WebhookDelivery>

const Url = v.pipe(
  wireString('url'),
  v.trim(),
  v.minLength(1, 'the URL is empty'),
  v.maxLength(MAX_WEBHOOK_URL, `the URL is longer than ${MAX_WEBHOOK_URL} characters`),
)
const Description = v.pipe(
  wireString('description'),
  v.trim(),
  v.maxLength(
    MAX_WEBHOOK_DESCRIPTION,
    `the description is longer than ${MAX_WEBHOOK_DESCRIPTION} characters`,
  ),
)
const Events = v.pipe(
  v.array(WebhookEventType),
  v.minLength(1, 'choose at least one event'),
  v.maxLength(WEBHOOK_EVENTS.length),
  v.transform((events) => WEBHOOK_EVENTS.filter((e) => events.includes(e))),
)

/** A Telegram bot's token (BotFather's `<bot id>:<secret>`), for a `telegram:` target. */
const BotToken = v.pipe(wireString('botToken'), v.trim(), v.minLength(1), v.maxLength(100))

/**
 * `POST /api/webhooks`. `url` is an http(s) URL, or a Telegram chat (issue 17, I2):
 * `telegram:<chat id>` or `telegram:@channel`, optionally `?lang=ru`, with `botToken`.
 */
export const CreateWebhookBody = v.strictObject({
  inboxId: v.pipe(wireString('inboxId'), v.minLength(1), v.maxLength(64)),
  url: Url,
  events: Events,
  description: v.optional(Description, ''),
  enabled: v.optional(v.boolean(), true),
  botToken: v.optional(BotToken),
})
export type CreateWebhookBody = v.InferInput<typeof CreateWebhookBody>

/** `PATCH /api/webhooks/:id`: any of these. */
export const UpdateWebhookBody = v.strictObject({
  url: v.optional(Url),
  events: v.optional(Events),
  description: v.optional(Description),
  enabled: v.optional(v.boolean()),
  /** A Telegram endpoint's new bot token. */
  botToken: v.optional(BotToken),
})
export type UpdateWebhookBody = v.InferInput<typeof UpdateWebhookBody>

/** `POST /api/webhooks/:id/rotate-secret`. */
export const RotateSecretBody = v.strictObject({
  /** Hours the old secret keeps signing beside the new one; 0 retires it now. Default 24. */
  overlapHours: v.optional(
    v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(MAX_SECRET_OVERLAP_HOURS)),
    24,
  ),
})

/** The answer to create and rotate: the only time the secret is shown. */
export const WebhookWithSecret = v.object({ endpoint: WebhookEndpoint, secret: v.string() })
export type WebhookWithSecret = v.InferOutput<typeof WebhookWithSecret>
