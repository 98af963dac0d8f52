/**
 * SLA policies (issue 20, protocol/sla.ts): an inbox defines them; operators, macros' callers
 * and rules apply them to its conversations. Read by whoever may view the inbox's
 * conversations (and admins); defined, changed and deleted by admins and by supervisors whose
 * scope includes the inbox. A policy changed or deleted leaves the conversations running under
 * it as they are (each carries the policy as it was applied) until one is applied again.
 */
import { Elysia } from 'elysia'
import * as v from 'valibot'
import { newId } from '../../actors/index.ts'
import {
  MAX_INBOX_SLAS,
  MAX_SLA_MINUTES,
  policyHasTarget,
  SlaPolicyInput,
  SlaPolicyPatch,
  type SlaPolicy,
} from '../../protocol/sla.ts'
import { ConversationSlaShape, ParleyError } from '../../protocol/index.ts'
import { principalOf, type HttpContext } from './context.ts'
import {
  operatorOf,
  readableInbox,
  writableInbox,
  writableOf,
  type Operator,
} from './inbox-rights.ts'
import { Id } from './schemas.ts'
import { doc } from './responses.ts'

const Minutes = v.nullable(v.number())
const PolicyShape = v.object({
  id: v.string(),
  inboxId: v.string(),
  name: v.string(),
  firstResponseMinutes: Minutes,
  nextResponseMinutes: Minutes,
  resolutionMinutes: Minutes,
  businessHours: v.boolean(),
  createdAt: v.number(),
  updatedAt: v.number(),
})
const EnvelopeShape = v.object({ policy: PolicyShape })
const ListShape = v.object({ policies: v.array(PolicyShape) })
const AppliedShape = v.object({ sla: v.nullable(ConversationSlaShape), seq: v.number() })

export function slaRoutes(ctx: HttpContext) {
  const audit = (op: Operator, request: Request, action: string, policy: SlaPolicy) =>
    ctx.audit.record({
      actor: op,
      action,
      target: { kind: 'sla_policy', id: policy.id },
      address: ctx.clientKey(request),
      details: {
        inboxId: policy.inboxId,
        name: policy.name,
        firstResponseMinutes: policy.firstResponseMinutes,
        nextResponseMinutes: policy.nextResponseMinutes,
        resolutionMinutes: policy.resolutionMinutes,
        businessHours: policy.businessHours,
      },
    })

  /** An SLA policy the caller may change (inbox-rights.ts). */
  async function writable(op: Operator, id: string): Promise<SlaPolicy> {
    return writableOf(op, await ctx.store.slaPolicies.get(id), 'SLA policy', 'SLA policies')
  }

  return new Elysia()
    .get(
      '/api/inboxes/:id/sla-policies',
      async ({ headers, params }) => {
        const op = await operatorOf(ctx, headers)
        await readableInbox(ctx, op, params.id)
        return { policies: await ctx.store.slaPolicies.list(params.id) }
      },
      {
        params: v.object({ id: Id }),
        detail: doc({
          summary: "An inbox's SLA policies",
          tag: 'labels',
          description: 'By name. Whoever may view the inbox, and admins.',
          access: 'operator',
          ok: ListShape,
        }),
      },
    )
    .post(
      '/api/admin/inboxes/:id/sla-policies',
      async ({ headers, params, body, request, set }) => {
        const op = await operatorOf(ctx, headers)
        await writableInbox(ctx, op, params.id, 'SLA policies')
        const now = ctx.clock.now()
        const policy: SlaPolicy = {
          id: newId(),
          inboxId: params.id,
          ...body,
          createdAt: now,
          updatedAt: now,
        }
        await ctx.store.slaPolicies.create(policy, MAX_INBOX_SLAS)
        await audit(op, request, 'sla.created', policy)
        set.status = 201
        return { policy }
      },
      {
        params: v.object({ id: Id }),
        body: SlaPolicyInput,
        detail: doc({
          summary: 'Define an SLA policy',
          tag: 'labels',
          description:
            'A name and targets in whole minutes (1 to ' +
            `${MAX_SLA_MINUTES}, null: none; at least one) for the first response, the next ` +
            'response and the resolution, counted in wall time or (`businessHours`) in the ' +
            `open hours of the conversation's branch. At most ${MAX_INBOX_SLAS} per inbox. ` +
            'Admins, and supervisors of the inbox. On the audit trail.',
          access: 'elevated',
          ok: EnvelopeShape,
          status: 201,
          okDescription: 'Defined.',
        }),
      },
    )
    .patch(
      '/api/admin/sla-policies/:id',
      async ({ headers, params, body, request }) => {
        const op = await operatorOf(ctx, headers)
        const policy = await writable(op, params.id)
        if (!policyHasTarget({ ...policy, ...body })) {
          throw new ParleyError('validation_failed', 'a policy sets at least one target')
        }
        const updated = await ctx.store.slaPolicies.update(policy.id, {
          ...body,
          updatedAt: ctx.clock.now(),
        })
        if (!updated) throw new ParleyError('not_found', 'SLA policy not found')
        await audit(op, request, 'sla.updated', updated)
        return { policy: updated }
      },
      {
        params: v.object({ id: Id }),
        body: SlaPolicyPatch,
        detail: doc({
          summary: 'Change an SLA policy',
          tag: 'labels',
          description:
            'Conversations already under it keep the targets they were given until it is ' +
            'applied again. On the audit trail.',
          access: 'elevated',
          ok: EnvelopeShape,
        }),
      },
    )
    .delete(
      '/api/admin/sla-policies/:id',
      async ({ headers, params, request }) => {
        const op = await operatorOf(ctx, headers)
        const policy = await writable(op, params.id)
        if (!(await ctx.store.slaPolicies.delete(policy.id))) {
          throw new ParleyError('not_found', 'SLA policy not found')
        }
        await audit(op, request, 'sla.deleted', policy)
        return { ok: true as const }
      },
      {
        params: v.object({ id: Id }),
        detail: doc({
          summary: 'Delete an SLA policy',
          tag: 'labels',
          description:
            'Rules applying it fail (their last error says so) until changed; conversations ' +
            'under it keep their deadlines. On the audit trail.',
          access: 'elevated',
          ok: v.object({ ok: v.literal(true) }),
        }),
      },
    )
    .put(
      '/api/conversations/:id/sla',
      async ({ headers, params, body }) =>
        ctx.chat.applySla(await principalOf(ctx, headers), params.id, body.policyId),
      {
        params: v.object({ id: Id }),
        body: v.strictObject({ policyId: v.nullable(Id) }),
        detail: doc({
          summary: 'Apply an SLA policy to a conversation',
          tag: 'conversations',
          description:
            'Runs it under a policy of its inbox from now (deadlines from its start and its ' +
            "visitor's current wait; one already breached is not pending again), or, with " +
            'null, under none. One `conversation.sla` event. Operators who may manage it.',
          access: 'operator',
          ok: AppliedShape,
        }),
      },
    )
}
