/**
 * Macros (issue 20): an inbox's named lists of actions (protocol/macros.ts). Read by whoever may
 * view the inbox's conversations (and admins); written by admins and the inbox's supervisors;
 * run on a conversation by an operator who may take part in it. Every label, branch and
 * operator an action names is checked against the inbox when the macro is saved and again
 * when it runs, before anything is done: a macro that no longer fits is refused whole.
 */
import { Elysia } from 'elysia'
import * as v from 'valibot'
import { canOperatorAccess, newId } from '../../actors/index.ts'
import { ParleyError, wireString, type Conversation } from '../../protocol/index.ts'
import {
  MacroActions,
  MacroName,
  MAX_INBOX_MACROS,
  type Macro,
  type MacroAction,
} from '../../protocol/macros.ts'
import type { HttpContext } from './context.ts'
import {
  mayReadInbox,
  operatorOf,
  readableInbox,
  writableInbox,
  writableOf,
  type Operator,
} from './inbox-rights.ts'
import { Id } from './schemas.ts'
import { doc } from './responses.ts'
import { OkShape } from './shapes-common.ts'

const MINUTE = 60_000

const MacroShape = v.object({
  id: v.string(),
  inboxId: v.string(),
  name: v.string(),
  actions: v.array(v.looseObject({ type: v.string() })),
  createdBy: v.nullable(v.string()),
  createdAt: v.number(),
  updatedAt: v.number(),
})
const MacroListShape = v.object({ macros: v.array(MacroShape) })
const MacroEnvelopeShape = v.object({ macro: MacroShape })
const RunShape = v.object({
  /** How many actions were done (all of them). */
  applied: v.number(),
  conversation: v.looseObject({ id: v.string() }),
})

/**
 * Whether every action fits the inbox: its labels, branches and operators (members of the
 * inbox), and no snooze after a resolve or close (only an open conversation is snoozed).
 * Throws `validation_failed` naming the first action that does not.
 */
export async function checkActions(
  ctx: HttpContext,
  inboxId: string,
  actions: readonly MacroAction[],
): Promise<void> {
  const labels = new Set((await ctx.store.labels.list(inboxId)).map((l) => l.id))
  const members = new Set(await ctx.store.inboxes.members(inboxId))
  let closed = false
  for (const [i, a] of actions.entries()) {
    const refuse = (why: string) => {
      throw new ParleyError('validation_failed', `actions[${i}] (${a.type}): ${why}`)
    }
    switch (a.type) {
      case 'add_labels':
        for (const id of a.labelIds)
          if (!labels.has(id)) refuse(`${id} is not a label of this inbox`)
        break
      case 'assign':
        if (typeof a.to === 'string' && a.to !== 'me' && !members.has(a.to)) {
          refuse(`${a.to} is not an operator of this inbox`)
        }
        break
      case 'transfer': {
        const branch = await ctx.store.branches.get(a.branchId)
        if (!branch || branch.inboxId !== inboxId)
          refuse(`${a.branchId} is not a branch of this inbox`)
        break
      }
      case 'snooze':
        if (closed) refuse('only an open conversation is snoozed: snooze before resolving')
        break
      case 'set_status':
        closed = true
        break
      default:
        break
    }
  }
}

export function macroRoutes(ctx: HttpContext) {
  const audit = (op: Operator, request: Request, action: string, macro: Macro) =>
    ctx.audit.record({
      actor: op,
      action,
      target: { kind: 'macro', id: macro.id },
      address: ctx.clientKey(request),
      details: { inboxId: macro.inboxId, name: macro.name, actions: macro.actions.length },
    })

  async function writable(op: Operator, id: string): Promise<Macro> {
    return writableOf(op, await ctx.store.macros.get(id), 'macro', 'macros')
  }

  /**
   * Does the macro's actions in order, as `op`. Retry-safe: a message or note goes once per
   * run id, labels, priority and status are the same again, and an assignment or transfer
   * already in effect is not made again.
   */
  async function run(
    op: Operator,
    conversationId: string,
    macro: Macro,
    runId: string,
  ): Promise<{ applied: number; conversation: Conversation }> {
    // Every action needs the chat permission: refused before the first, never half-way.
    if (!canOperatorAccess(op, 'participate')) {
      throw new ParleyError('forbidden', 'this operator has no permission to handle chats')
    }
    const chat = ctx.chat
    const { conversation } = await chat.open(op, conversationId)
    if (conversation.inboxId !== macro.inboxId) {
      throw new ParleyError('not_found', 'macro not found')
    }
    await checkActions(ctx, macro.inboxId, macro.actions)
    if (conversation.status !== 'open' && macro.actions.some((a) => a.type === 'snooze')) {
      throw new ParleyError('conflict', 'this macro snoozes: the conversation must be open')
    }
    for (const [i, a] of macro.actions.entries()) {
      const clientMsgId = `macro:${runId}:${i}`
      switch (a.type) {
        case 'add_labels':
          await chat.setLabels(op, conversationId, { add: a.labelIds })
          break
        case 'remove_labels':
          await chat.setLabels(op, conversationId, { remove: a.labelIds })
          break
        case 'set_priority':
          await chat.setPriority(op, conversationId, a.priority)
          break
        case 'send_message':
          await chat.send(op, conversationId, clientMsgId, { text: a.text })
          break
        case 'add_note':
          await chat.note(op, conversationId, clientMsgId, a.text)
          break
        case 'assign': {
          // Already so (a retry of this run, or by hand): nothing to do.
          const to = a.to === 'me' ? op.id : a.to
          if ((await chat.open(op, conversationId)).conversation.assigneeId !== to) {
            await chat.assign(op, conversationId, to)
          }
          break
        }
        case 'transfer':
          if ((await chat.open(op, conversationId)).conversation.branchId !== a.branchId) {
            await chat.transfer(op, conversationId, { branchId: a.branchId })
          }
          break
        case 'snooze':
          await chat.snooze(
            op,
            conversationId,
            a.minutes === null ? null : ctx.clock.now() + a.minutes * MINUTE,
          )
          break
        case 'set_status':
          await chat.setStatus(op, conversationId, a.status)
          break
      }
    }
    return {
      applied: macro.actions.length,
      conversation: (await chat.open(op, conversationId)).conversation,
    }
  }

  return new Elysia()
    .get(
      '/api/inboxes/:id/macros',
      async ({ headers, params }) => {
        const op = await operatorOf(ctx, headers)
        await readableInbox(ctx, op, params.id)
        return { macros: await ctx.store.macros.list(params.id) }
      },
      {
        params: v.object({ id: Id }),
        detail: doc({
          summary: "An inbox's macros",
          tag: 'labels',
          description: 'By name. Whoever may view the inbox, and admins.',
          access: 'operator',
          ok: MacroListShape,
        }),
      },
    )
    .post(
      '/api/admin/inboxes/:id/macros',
      async ({ headers, params, body, request, set }) => {
        const op = await operatorOf(ctx, headers)
        await writableInbox(ctx, op, params.id, 'macros')
        await checkActions(ctx, params.id, body.actions)
        const now = ctx.clock.now()
        const macro: Macro = {
          id: newId(),
          inboxId: params.id,
          name: body.name,
          actions: body.actions,
          createdBy: op.id,
          createdAt: now,
          updatedAt: now,
        }
        await ctx.store.macros.create(macro, MAX_INBOX_MACROS)
        await audit(op, request, 'macro.created', macro)
        set.status = 201
        return { macro }
      },
      {
        params: v.object({ id: Id }),
        body: v.strictObject({ name: MacroName, actions: MacroActions }),
        detail: doc({
          summary: 'Add a macro',
          tag: 'labels',
          description:
            'A name unique in the inbox (409) and 1 to 10 actions (docs/protocol.md 4.20), each ' +
            `checked against the inbox. At most ${MAX_INBOX_MACROS} per inbox. On the audit trail.`,
          access: 'elevated',
          ok: MacroEnvelopeShape,
          status: 201,
          okDescription: 'Added.',
          errors: [409],
        }),
      },
    )
    .patch(
      '/api/admin/macros/:id',
      async ({ headers, params, body, request }) => {
        const op = await operatorOf(ctx, headers)
        const macro = await writable(op, params.id)
        if (body.actions) await checkActions(ctx, macro.inboxId, body.actions)
        const updated = await ctx.store.macros.update(macro.id, {
          ...body,
          updatedAt: ctx.clock.now(),
        })
        if (!updated) throw new ParleyError('not_found', 'macro not found')
        await audit(op, request, 'macro.updated', updated)
        return { macro: updated }
      },
      {
        params: v.object({ id: Id }),
        body: v.pipe(
          v.strictObject({ name: v.optional(MacroName), actions: v.optional(MacroActions) }),
          v.check((patch) => Object.keys(patch).length > 0, 'nothing to change'),
        ),
        detail: doc({
          summary: 'Change a macro',
          tag: 'labels',
          access: 'elevated',
          ok: MacroEnvelopeShape,
          errors: [409],
        }),
      },
    )
    .delete(
      '/api/admin/macros/:id',
      async ({ headers, params, request }) => {
        const op = await operatorOf(ctx, headers)
        const macro = await writable(op, params.id)
        if (!(await ctx.store.macros.delete(macro.id))) {
          throw new ParleyError('not_found', 'macro not found')
        }
        await audit(op, request, 'macro.deleted', macro)
        return { ok: true as const }
      },
      {
        params: v.object({ id: Id }),
        detail: doc({ summary: 'Delete a macro', tag: 'labels', access: 'elevated', ok: OkShape }),
      },
    )
    .post(
      '/api/conversations/:id/macros/:macroId',
      async ({ headers, params, body }) => {
        const op = await operatorOf(ctx, headers)
        const macro = await ctx.store.macros.get(params.macroId)
        if (!macro || !mayReadInbox(op, macro.inboxId)) {
          throw new ParleyError('not_found', 'macro not found')
        }
        return run(op, params.id, macro, body.runId)
      },
      {
        params: v.object({ id: Id, macroId: Id }),
        body: v.strictObject({
          /** Chosen by the client per click: a retry with the same one sends nothing twice. */
          runId: v.pipe(wireString('runId'), v.minLength(1), v.maxLength(40)),
        }),
        detail: doc({
          summary: 'Run a macro',
          tag: 'conversations',
          description:
            "Does the macro's actions in order with the caller's rights, after checking them " +
            'all against the inbox (a macro that no longer fits is refused whole). A retry ' +
            'with the same `runId` never sends a message or a note twice.',
          access: 'operator',
          ok: RunShape,
          errors: [409],
        }),
      },
    )
}
