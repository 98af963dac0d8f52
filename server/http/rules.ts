/**
 * Automation rules (issue 20, protocol/rules.ts): an inbox's ordered rules, read and written by
 * admins and the inbox's supervisors, on the audit trail. Every label, branch and operator a
 * rule names is checked against the inbox when it is saved (and again by the runner when it
 * acts: server/rules/runner.ts). A dry run says how many of the inbox's recent conversations
 * its conditions match now.
 */
import { Elysia } from 'elysia'
import * as v from 'valibot'
import { newId } from '../../actors/index.ts'
import { ParleyError, type Conversation, type Message } from '../../protocol/index.ts'
import type { MacroAction } from '../../protocol/macros.ts'
import {
  MAX_DRY_RUN_CONVERSATIONS,
  MAX_DRY_RUN_DAYS,
  MAX_INBOX_RULES,
  RuleActions,
  RuleConditions,
  RuleEvent,
  RuleInput,
  RuleName,
  WaitMinutes,
  type Rule,
  type RuleCondition,
  type RuleDryRun,
} from '../../protocol/rules.ts'
import { isOpen } from '../../actors/inbox/schedule.ts'
import { conditionsHold, needsContext, needsVisitor } from '../rules/match.ts'
import {
  attributeValue,
  type AttributeDefinition,
  type AttributeOp,
  type AttributeValue,
} from '../../protocol/attributes.ts'
import type { RulesRunner } from '../rules/runner.ts'
import { attributeToSet } from '../rules/set-attribute.ts'
import type { WebhookService } from '../webhooks/service.ts'
import type { HttpContext } from './context.ts'
import { operatorOf, writableInbox, writableOf, type Operator } from './inbox-rights.ts'
import { checkActions } from './macros.ts'
import { Id } from './schemas.ts'
import { doc } from './responses.ts'
import { OkShape } from './shapes-common.ts'

const DAY = 86_400_000
/** Messages a dry run reads per conversation for the message conditions. */
const DRY_RUN_EVENTS = 200

const RuleShape = v.object({
  id: v.string(),
  inboxId: v.string(),
  name: v.string(),
  enabled: v.boolean(),
  position: v.number(),
  event: v.string(),
  waitMinutes: v.nullable(v.number()),
  conditions: v.array(v.looseObject({ field: v.string() })),
  actions: v.array(v.looseObject({ type: v.string() })),
  createdBy: v.nullable(v.string()),
  createdAt: v.number(),
  updatedAt: v.number(),
  runs: v.number(),
  lastRunAt: v.nullable(v.number()),
  lastError: v.nullable(v.object({ at: v.number(), message: v.string() })),
})
const RuleListShape = v.object({ rules: v.array(RuleShape) })
const RuleEnvelopeShape = v.object({ rule: RuleShape })
const DryRunShape = v.object({
  examined: v.number(),
  matched: v.number(),
  conversations: v.array(v.object({ id: v.string(), createdAt: v.number(), status: v.string() })),
})

/** Every label, branch and operator the conditions name is the inbox's; else names the first. */
async function checkConditions(
  ctx: HttpContext,
  inboxId: string,
  conditions: readonly RuleCondition[],
): Promise<void> {
  const labels = new Set((await ctx.store.labels.list(inboxId)).map((l) => l.id))
  const branches = new Set((await ctx.store.branches.list(inboxId)).map((b) => b.id))
  const members = new Set(await ctx.store.inboxes.members(inboxId))
  const attributes = await ctx.store.attributes.list(inboxId)
  for (const [i, c] of conditions.entries()) {
    const refuse = (why: string) => {
      throw new ParleyError('validation_failed', `conditions[${i}] (${c.field}): ${why}`)
    }
    if (c.field === 'label' && !labels.has(c.value))
      refuse(`${c.value} is not a label of this inbox`)
    if (c.field === 'branch' && !branches.has(c.value)) {
      refuse(`${c.value} is not a branch of this inbox`)
    }
    if (c.field === 'assignee' && c.value !== null && !members.has(c.value)) {
      refuse(`${c.value} is not an operator of this inbox`)
    }
    if (c.field === 'attribute') {
      const def = attributes.find((a) => a.scope === c.scope && a.key === c.key)
      if (!def) refuse(`${c.key} is not a ${c.scope} attribute of this inbox`)
      else {
        const why = attributeConditionProblem(def, c.op, c.value)
        if (why) refuse(why)
      }
    }
  }
}

/** What is wrong with `op value` for an attribute of this definition, or null. */
function attributeConditionProblem(
  def: AttributeDefinition,
  op: AttributeOp,
  value: AttributeValue | null,
): string | null {
  if (op === 'set' || op === 'not_set') return null
  if (op === 'contains') {
    return def.type === 'text' || def.type === 'link' ? null : 'contains tests text or a link'
  }
  if ((op === 'greater' || op === 'less') && def.type !== 'number' && def.type !== 'date') {
    return `${op} compares numbers or dates`
  }
  const checked = attributeValue(def, value)
  if ('error' in checked) return `the value ${checked.error}`
  return checked.value === value ? null : `the value must be ${JSON.stringify(checked.value)}`
}

/** How many of the inbox's conversations of the last `days` the conditions match now. */
async function dryRun(
  ctx: HttpContext,
  inboxId: string,
  conditions: readonly RuleCondition[],
  days: number,
): Promise<RuleDryRun> {
  const now = ctx.clock.now()
  const recent = await ctx.store.rules.recent(inboxId, now - days * DAY, MAX_DRY_RUN_CONVERSATIONS)
  const byMessage = conditions.some((c) => c.field === 'message_text' || c.field === 'author')
  const withContext = needsContext(conditions)
  const withVisitor = needsVisitor(conditions)
  const schedules = new Map(
    (await ctx.store.branches.list(inboxId)).map((b) => [b.id, b.schedule] as const),
  )
  const matches: Conversation[] = []
  for (const conversation of recent) {
    const [newest] = withContext ? await ctx.store.conversations.pageEvents(conversation.id, 1) : []
    const schedule = conversation.branchId ? schedules.get(conversation.branchId) : undefined
    const visitor = withVisitor ? await ctx.store.visitors.getById(conversation.visitorId) : null
    const facts = {
      conversation,
      context: newest?.data.context ?? null,
      visitorAttributes: visitor?.attributes ?? null,
      businessHours: () => (schedule ? isOpen(schedule, now) : true),
    }
    // With message conditions: some message of it satisfies them all.
    const messages: (Message | null)[] = byMessage
      ? (await ctx.store.conversations.eventsAfter(conversation.id, 0, DRY_RUN_EVENTS)).flatMap(
          (e) => (e.name === 'message.created' ? [e.data.message] : []),
        )
      : [null]
    if (messages.some((message) => conditionsHold(conditions, { ...facts, message }))) {
      matches.push(conversation)
    }
  }
  return {
    examined: recent.length,
    matched: matches.length,
    conversations: matches
      .slice(0, 20)
      .map((c) => ({ id: c.id, createdAt: c.createdAt, status: c.status })),
  }
}

export function ruleRoutes(ctx: HttpContext, runner: RulesRunner, webhooks: WebhookService) {
  const audit = (op: Operator, request: Request, action: string, rule: Rule) =>
    ctx.audit.record({
      actor: op,
      action,
      target: { kind: 'rule', id: rule.id },
      address: ctx.clientKey(request),
      details: { inboxId: rule.inboxId, name: rule.name, enabled: rule.enabled, event: rule.event },
    })

  /** The inbox, if the caller may change its rules: else 404 (cannot see it) or 403. */
  const rulesOf = (op: Operator, inboxId: string) => writableInbox(ctx, op, inboxId, 'rules')

  async function writable(op: Operator, id: string): Promise<Rule> {
    return writableOf(op, await ctx.store.rules.get(id), 'rule', 'rules')
  }

  async function check(inboxId: string, rule: Pick<Rule, 'conditions' | 'actions'>): Promise<void> {
    await checkConditions(ctx, inboxId, rule.conditions)
    // Macros' checks for the actions they share (a notify is passed over there).
    await checkActions(ctx, inboxId, rule.actions as MacroAction[])
    const members = new Set(await ctx.store.inboxes.members(inboxId))
    for (const [i, a] of rule.actions.entries()) {
      if (a.type === 'webhook') {
        await webhooks.ruleTarget(a.endpointId, inboxId).catch((error: unknown) => {
          if (!(error instanceof ParleyError)) throw error
          throw new ParleyError('validation_failed', `actions[${i}] (webhook): ${error.message}`)
        })
      }
      if (a.type === 'apply_sla') {
        const policy = await ctx.store.slaPolicies.get(a.policyId)
        if (!policy || policy.inboxId !== inboxId) {
          throw new ParleyError(
            'validation_failed',
            `actions[${i}] (apply_sla): ${a.policyId} is not an SLA policy of this inbox`,
          )
        }
      }
      if (a.type === 'set_attribute') {
        const set = await attributeToSet(ctx.store, inboxId, a.key, a.value)
        if ('error' in set) {
          throw new ParleyError('validation_failed', `actions[${i}] (set_attribute): ${set.error}`)
        }
      }
      if (a.type !== 'notify') continue
      const stranger = a.operatorIds.find((id) => !members.has(id))
      if (stranger !== undefined) {
        throw new ParleyError(
          'validation_failed',
          `actions[${i}] (notify): ${stranger} is not an operator of this inbox`,
        )
      }
    }
  }

  return new Elysia()
    .get(
      '/api/admin/inboxes/:id/rules',
      async ({ headers, params }) => {
        const op = await operatorOf(ctx, headers)
        await rulesOf(op, params.id)
        return { rules: await ctx.store.rules.list(params.id) }
      },
      {
        params: v.object({ id: Id }),
        detail: doc({
          summary: "An inbox's automation rules",
          tag: 'labels',
          description: 'In the order they run. Admins and the inbox’s supervisors.',
          access: 'elevated',
          ok: RuleListShape,
        }),
      },
    )
    .post(
      '/api/admin/inboxes/:id/rules',
      async ({ headers, params, body, request, set }) => {
        const op = await operatorOf(ctx, headers)
        await rulesOf(op, params.id)
        await check(params.id, body)
        const now = ctx.clock.now()
        const rule = await ctx.store.rules.create(
          {
            id: newId(),
            inboxId: params.id,
            name: body.name,
            enabled: body.enabled,
            position: 0,
            event: body.event,
            waitMinutes: body.waitMinutes,
            conditions: body.conditions,
            actions: body.actions,
            createdBy: op.id,
            createdAt: now,
            updatedAt: now,
            runs: 0,
            lastRunAt: null,
            lastError: null,
          },
          MAX_INBOX_RULES,
        )
        runner.changed()
        await audit(op, request, 'rule.created', rule)
        set.status = 201
        return { rule }
      },
      {
        params: v.object({ id: Id }),
        body: RuleInput,
        detail: doc({
          summary: 'Add an automation rule',
          tag: 'labels',
          description:
            'After the inbox’s last rule. A name unique in the inbox (409), an event, up to 10 ' +
            'conditions (all must hold) and 1 to 10 actions (docs/protocol.md 4.22), each ' +
            `checked against the inbox. At most ${MAX_INBOX_RULES} per inbox. On the audit trail.`,
          access: 'elevated',
          ok: RuleEnvelopeShape,
          status: 201,
          okDescription: 'Added.',
          errors: [409],
        }),
      },
    )
    .patch(
      '/api/admin/rules/:id',
      async ({ headers, params, body, request }) => {
        const op = await operatorOf(ctx, headers)
        const rule = await writable(op, params.id)
        const next = { ...rule, ...body }
        if ((next.event === 'conversation.waited') !== (next.waitMinutes !== null)) {
          throw new ParleyError(
            'validation_failed',
            'waitMinutes is set for conversation.waited, and only for it',
          )
        }
        if (body.conditions || body.actions) await check(rule.inboxId, next)
        const updated = await ctx.store.rules.update(rule.id, {
          ...body,
          updatedAt: ctx.clock.now(),
        })
        if (!updated) throw new ParleyError('not_found', 'rule not found')
        runner.changed()
        await audit(op, request, 'rule.updated', updated)
        return { rule: updated }
      },
      {
        params: v.object({ id: Id }),
        body: v.pipe(
          v.strictObject({
            name: v.optional(RuleName),
            enabled: v.optional(v.boolean()),
            event: v.optional(RuleEvent),
            waitMinutes: v.optional(v.nullable(WaitMinutes)),
            conditions: v.optional(RuleConditions),
            actions: v.optional(RuleActions),
          }),
          v.check((patch) => Object.keys(patch).length > 0, 'nothing to change'),
        ),
        detail: doc({
          summary: 'Change an automation rule',
          tag: 'labels',
          description: 'Any of its fields; turned off and on with `enabled`. On the audit trail.',
          access: 'elevated',
          ok: RuleEnvelopeShape,
          errors: [409],
        }),
      },
    )
    .delete(
      '/api/admin/rules/:id',
      async ({ headers, params, request }) => {
        const op = await operatorOf(ctx, headers)
        const rule = await writable(op, params.id)
        if (!(await ctx.store.rules.delete(rule.id))) {
          throw new ParleyError('not_found', 'rule not found')
        }
        runner.changed()
        await audit(op, request, 'rule.deleted', rule)
        return { ok: true as const }
      },
      {
        params: v.object({ id: Id }),
        detail: doc({
          summary: 'Delete an automation rule',
          tag: 'labels',
          access: 'elevated',
          ok: OkShape,
        }),
      },
    )
    .put(
      '/api/admin/inboxes/:id/rules/order',
      async ({ headers, params, body, request }) => {
        const op = await operatorOf(ctx, headers)
        await rulesOf(op, params.id)
        const rules = await ctx.store.rules.reorder(params.id, body.ids, ctx.clock.now())
        runner.changed()
        await ctx.audit.record({
          actor: op,
          action: 'rule.reordered',
          target: { kind: 'inbox', id: params.id },
          address: ctx.clientKey(request),
          details: { ids: body.ids },
        })
        return { rules }
      },
      {
        params: v.object({ id: Id }),
        body: v.strictObject({
          ids: v.pipe(v.array(Id), v.maxLength(MAX_INBOX_RULES)),
        }),
        detail: doc({
          summary: 'Order the automation rules',
          tag: 'labels',
          description: '`ids` names each of the inbox’s rules once, in the order they run.',
          access: 'elevated',
          ok: RuleListShape,
        }),
      },
    )
    .post(
      '/api/admin/inboxes/:id/rules/dry-run',
      async ({ headers, params, body }) => {
        const op = await operatorOf(ctx, headers)
        await rulesOf(op, params.id)
        await checkConditions(ctx, params.id, body.conditions)
        return dryRun(ctx, params.id, body.conditions, body.days)
      },
      {
        params: v.object({ id: Id }),
        body: v.strictObject({
          event: v.optional(RuleEvent),
          waitMinutes: v.optional(v.nullable(WaitMinutes)),
          conditions: RuleConditions,
          days: v.optional(
            v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(MAX_DRY_RUN_DAYS)),
            7,
          ),
        }),
        detail: doc({
          summary: 'Try a rule’s conditions on recent conversations',
          tag: 'labels',
          description:
            `The inbox’s conversations created in the last \`days\` (1-${MAX_DRY_RUN_DAYS}, at ` +
            `most ${MAX_DRY_RUN_CONVERSATIONS}, newest first) that the conditions match as they ` +
            'are now; message conditions hold when one of their messages satisfies them. ' +
            'Changes nothing.',
          access: 'elevated',
          ok: DryRunShape,
        }),
      },
    )
}
