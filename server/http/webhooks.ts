/**
 * Webhook endpoints (issue 17, I1; docs/webhooks.md), admins only, each limited to the inboxes
 * in their scope (an endpoint of another inbox is not found):
 *   GET    /api/webhooks?inboxId=                        -> { endpoints }
 *   POST   /api/webhooks                                 -> 201 { endpoint, secret }
 *   GET    /api/webhooks/:id                             -> { endpoint }
 *   PATCH  /api/webhooks/:id                             -> { endpoint }
 *   DELETE /api/webhooks/:id                             -> 204
 *   POST   /api/webhooks/:id/rotate-secret               -> { endpoint, secret }
 *   POST   /api/webhooks/:id/ping                        -> { delivery }
 *   GET    /api/webhooks/:id/deliveries?status=&before=&limit= -> { deliveries, next }
 *   POST   /api/webhooks/:id/deliveries/:eventId/redeliver     -> { delivery }
 * Every change is on the audit trail.
 */
import { Elysia } from 'elysia'
import * as v from 'valibot'
import { inScope, type Principal, type WebhookEndpointRecord } from '../../actors/index.ts'
import { ParleyError, wireString } from '../../protocol/index.ts'
import {
  CreateWebhookBody,
  RotateSecretBody,
  UpdateWebhookBody,
  WebhookDeliveryStatus,
  WebhookWithSecret,
} from '../../protocol/webhooks.ts'
import type { WebhookService } from '../webhooks/service.ts'
import { requireAdmin, type HttpContext } from './context.ts'
import { Id, QueryInt } from './schemas.ts'
import { doc } from './responses.ts'
import {
  DeliveryEnvelopeShape,
  DeliveryPageShape,
  WebhookEnvelopeShape,
  WebhookListShape,
} from './shapes-admin.ts'

type Admin = Extract<Principal, { kind: 'operator' }>

const EventId = v.pipe(wireString('eventId'), v.minLength(1), v.maxLength(200))
const DeliveriesQuery = v.strictObject({
  status: v.optional(WebhookDeliveryStatus),
  before: v.optional(v.pipe(wireString('before'), v.maxLength(300))),
  limit: v.optional(v.pipe(QueryInt, v.minValue(1), v.maxValue(100)), '50'),
})

export function webhookRoutes(ctx: HttpContext, webhooks: WebhookService) {
  /** The endpoint, if the admin's scope includes its inbox; otherwise not found. */
  async function endpointOf(admin: Admin, id: string): Promise<WebhookEndpointRecord> {
    const endpoint = await webhooks.get(id)
    if (!inScope(admin, endpoint.inboxId)) {
      throw new ParleyError('not_found', 'webhook endpoint not found')
    }
    return endpoint
  }
  const recordAs =
    (admin: Admin, request: Request) =>
    (action: string, id: string, details: Record<string, unknown> | null = null) =>
      ctx.audit.record({
        actor: admin,
        action,
        target: { kind: 'webhook', id },
        address: ctx.clientKey(request),
        details,
      })

  return new Elysia({ prefix: '/api/webhooks' })
    .get(
      '',
      async ({ headers, query }) => {
        const admin = await requireAdmin(ctx, headers)
        const inboxId = query.inboxId ?? null
        if (inboxId !== null && !inScope(admin, inboxId)) return { endpoints: [] }
        return { endpoints: await webhooks.list(admin.inboxIds ?? null, inboxId) }
      },
      {
        query: v.strictObject({ inboxId: v.optional(Id) }),
        detail: doc({
          summary: 'List webhook endpoints',
          tag: 'webhooks',
          description: "Of the inboxes in the admin's scope, or of one (`inboxId`).",
          access: 'admin',
          ok: WebhookListShape,
        }),
      },
    )
    .post(
      '',
      async ({ headers, body, request, set }) => {
        const admin = await requireAdmin(ctx, headers)
        if (!inScope(admin, body.inboxId)) throw new ParleyError('not_found', 'inbox not found')
        const created = await webhooks.create(body)
        await recordAs(admin, request)('webhook.created', created.endpoint.id, {
          inboxId: body.inboxId,
          url: created.endpoint.url,
          events: created.endpoint.events,
        })
        set.status = 201
        return created
      },
      {
        body: CreateWebhookBody,
        detail: doc({
          summary: 'Add a webhook endpoint',
          tag: 'webhooks',
          description:
            'A URL that gets the chosen events of an inbox, signed (docs/webhooks.md). The ' +
            'signing secret is in this answer only. Private and unresolvable targets are ' +
            'refused (422); at most 10 per inbox.',
          access: 'admin',
          ok: WebhookWithSecret,
          status: 201,
          okDescription: 'Added; `secret` is shown this once.',
        }),
      },
    )
    .get(
      '/:id',
      async ({ headers, params }) => {
        const admin = await requireAdmin(ctx, headers)
        return { endpoint: await webhooks.wire(await endpointOf(admin, params.id)) }
      },
      {
        params: v.object({ id: Id }),
        detail: doc({
          summary: 'A webhook endpoint',
          tag: 'webhooks',
          access: 'admin',
          ok: WebhookEnvelopeShape,
        }),
      },
    )
    .patch(
      '/:id',
      async ({ headers, params, body, request }) => {
        const admin = await requireAdmin(ctx, headers)
        await endpointOf(admin, params.id)
        const endpoint = await webhooks.update(params.id, body)
        await recordAs(admin, request)('webhook.updated', params.id, { ...body })
        return { endpoint }
      },
      {
        params: v.object({ id: Id }),
        body: UpdateWebhookBody,
        detail: doc({
          summary: 'Change a webhook endpoint',
          tag: 'webhooks',
          description: 'Its URL, events, description, or enabled.',
          access: 'admin',
          ok: WebhookEnvelopeShape,
        }),
      },
    )
    .delete(
      '/:id',
      async ({ headers, params, request, set }) => {
        const admin = await requireAdmin(ctx, headers)
        const endpoint = await endpointOf(admin, params.id)
        await webhooks.remove(params.id)
        await recordAs(admin, request)('webhook.deleted', params.id, { url: endpoint.url })
        set.status = 204
        return ''
      },
      {
        params: v.object({ id: Id }),
        detail: doc({
          summary: 'Delete a webhook endpoint',
          tag: 'webhooks',
          description: 'What it had not yet been sent is dropped.',
          access: 'admin',
          noContent: true,
          okDescription: 'Deleted.',
        }),
      },
    )
    .post(
      '/:id/rotate-secret',
      async ({ headers, params, body, request }) => {
        const admin = await requireAdmin(ctx, headers)
        await endpointOf(admin, params.id)
        const overlapHours = body?.overlapHours ?? 24
        const rotated = await webhooks.rotate(params.id, overlapHours)
        await recordAs(admin, request)('webhook.secret_rotated', params.id, { overlapHours })
        return rotated
      },
      {
        params: v.object({ id: Id }),
        body: v.optional(RotateSecretBody),
        detail: doc({
          summary: 'Rotate the signing secret',
          tag: 'webhooks',
          description:
            'A new secret, shown in this answer only; the old one keeps signing beside it for ' +
            '`overlapHours` (default 24, 0: retire it now).',
          access: 'admin',
          ok: WebhookWithSecret,
        }),
      },
    )
    .post(
      '/:id/ping',
      async ({ headers, params }) => {
        const admin = await requireAdmin(ctx, headers)
        return { delivery: await webhooks.ping(await endpointOf(admin, params.id)) }
      },
      {
        params: v.object({ id: Id }),
        detail: doc({
          summary: 'Send a test event',
          tag: 'webhooks',
          description: 'Queues a `ping` event for the endpoint; its delivery is answered.',
          access: 'admin',
          ok: DeliveryEnvelopeShape,
        }),
      },
    )
    .get(
      '/:id/deliveries',
      async ({ headers, params, query }) => {
        const admin = await requireAdmin(ctx, headers)
        await endpointOf(admin, params.id)
        return webhooks.deliveries(params.id, {
          limit: Number(query.limit),
          ...(query.status ? { status: query.status } : {}),
          ...(query.before ? { before: query.before } : {}),
        })
      },
      {
        params: v.object({ id: Id }),
        query: DeliveriesQuery,
        detail: doc({
          summary: 'Delivery log',
          tag: 'webhooks',
          description:
            'Newest first, by status; pass `next` as `before` for the following page (null at ' +
            'the end); `limit` 1-100 (default 50).',
          access: 'admin',
          ok: DeliveryPageShape,
        }),
      },
    )
    .post(
      '/:id/deliveries/:eventId/redeliver',
      async ({ headers, params, request }) => {
        const admin = await requireAdmin(ctx, headers)
        const endpoint = await endpointOf(admin, params.id)
        const delivery = await webhooks.redeliver(endpoint, params.eventId)
        await recordAs(admin, request)('webhook.redelivered', params.id, {
          eventId: params.eventId,
        })
        return { delivery }
      },
      {
        params: v.object({ id: Id, eventId: EventId }),
        detail: doc({
          summary: 'Send an event again',
          tag: 'webhooks',
          description: 'Queues the event of the log for the endpoint once more, as it was.',
          access: 'admin',
          ok: DeliveryEnvelopeShape,
        }),
      },
    )
}
