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
} from '../../protocol/webhooks.ts'
import type { WebhookService } from '../webhooks/service.ts'
import { requireAdmin, type HttpContext } from './context.ts'
import { Id, QueryInt } from './schemas.ts'

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
      { query: v.strictObject({ inboxId: v.optional(Id) }) },
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
      { body: CreateWebhookBody },
    )
    .get(
      '/:id',
      async ({ headers, params }) => {
        const admin = await requireAdmin(ctx, headers)
        return { endpoint: await webhooks.wire(await endpointOf(admin, params.id)) }
      },
      { params: v.object({ id: Id }) },
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
      { params: v.object({ id: Id }), body: UpdateWebhookBody },
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
      { params: v.object({ id: Id }) },
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
      { params: v.object({ id: Id }), body: v.optional(RotateSecretBody) },
    )
    .post(
      '/:id/ping',
      async ({ headers, params }) => {
        const admin = await requireAdmin(ctx, headers)
        return { delivery: await webhooks.ping(await endpointOf(admin, params.id)) }
      },
      { params: v.object({ id: Id }) },
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
      { params: v.object({ id: Id }), query: DeliveriesQuery },
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
      { params: v.object({ id: Id, eventId: EventId }) },
    )
}
