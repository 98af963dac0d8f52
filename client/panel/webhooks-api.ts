/**
 * The admin's webhook calls (issue 17, I1): an inbox's endpoints, their secrets and delivery
 * logs (`/api/webhooks`). Only the webhooks page's lazy chunk loads it.
 */
import type {
  CreateWebhookBody,
  UpdateWebhookBody,
  WebhookDelivery,
  WebhookDeliveryStatus,
  WebhookEndpoint,
  WebhookWithSecret,
} from '../../protocol/webhooks.ts'
import { httpJson } from '../shared/index.ts'

export type {
  CreateWebhookBody,
  UpdateWebhookBody,
  WebhookDelivery,
  WebhookDeliveryStatus,
  WebhookEndpoint,
  WebhookWithSecret,
}

/** Deliveries per page of an endpoint's log. */
export const DELIVERY_PAGE = 20

export interface DeliveryPage {
  /** Newest first. */
  deliveries: WebhookDelivery[]
  /** Pass as `before` for the next older page; null: no older one. */
  next: string | null
}

export type WebhooksApi = ReturnType<typeof webhooksApi>

export function webhooksApi(http: { baseUrl: string; token: () => string | null }) {
  const call = <T>(path: string, opts: { method?: string; body?: unknown } = {}) =>
    httpJson<T>(http.baseUrl, `/api/webhooks${path}`, { ...opts, token: http.token() })
  const at = (id: string) => `/${encodeURIComponent(id)}`
  return {
    list: (inboxId: string) =>
      call<{ endpoints: WebhookEndpoint[] }>(`?inboxId=${encodeURIComponent(inboxId)}`),
    create: (body: CreateWebhookBody) => call<WebhookWithSecret>('', { body }),
    update: (id: string, body: UpdateWebhookBody) =>
      call<{ endpoint: WebhookEndpoint }>(at(id), { method: 'PATCH', body }),
    remove: (id: string) => call<null>(at(id), { method: 'DELETE' }),
    /** A new secret; the old one keeps signing for `overlapHours` too. */
    rotate: (id: string, overlapHours: number) =>
      call<WebhookWithSecret>(`${at(id)}/rotate-secret`, { body: { overlapHours } }),
    /** Queues a `ping` event for the endpoint. */
    ping: (id: string) => call<{ delivery: WebhookDelivery }>(`${at(id)}/ping`, { method: 'POST' }),
    deliveries: (id: string, status: WebhookDeliveryStatus | '', before: string | null) => {
      const q = new URLSearchParams({ limit: String(DELIVERY_PAGE) })
      if (status) q.set('status', status)
      if (before) q.set('before', before)
      return call<DeliveryPage>(`${at(id)}/deliveries?${q}`)
    },
    /** Sends an event again (its id URL-encoded in the path). */
    redeliver: (id: string, eventId: string) =>
      call<{ delivery: WebhookDelivery }>(
        `${at(id)}/deliveries/${encodeURIComponent(eventId)}/redeliver`,
        { method: 'POST' },
      ),
  }
}
