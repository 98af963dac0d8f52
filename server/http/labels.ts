/**
 * Labels (issue 20): an inbox defines them, operators put them on its conversations. Read by
 * whoever may view the inbox's conversations (and admins); defined, renamed, recolored and
 * deleted by admins and by supervisors whose scope includes the inbox. A deleted label comes off
 * every conversation that carried it, each through its actor.
 */
import { Elysia } from 'elysia'
import * as v from 'valibot'
import { newId } from '../../actors/index.ts'
import {
  Label,
  MAX_INBOX_LABELS,
  MAX_LABEL_NAME,
  ParleyError,
  wireString,
} from '../../protocol/index.ts'
import type { HttpContext } from './context.ts'
import {
  operatorOf,
  readableInbox,
  writableInbox,
  writableOf,
  type Operator,
} from './inbox-rights.ts'
import { Id } from './schemas.ts'
import { doc } from './responses.ts'
import { shape } from './shapes-common.ts'

const Name = v.pipe(
  wireString('name'),
  v.trim(),
  v.minLength(1, 'the name is empty'),
  v.maxLength(MAX_LABEL_NAME, `the name is longer than ${MAX_LABEL_NAME} characters`),
  v.check((s) => !/[\p{Cc}\p{Cf}]/u.test(s), 'the name holds control characters'),
)
const Color = v.pipe(
  wireString('color'),
  v.regex(/^#[0-9a-fA-F]{6}$/, 'use a #rrggbb color'),
  v.toLowerCase(),
)

const LabelShape = shape<Label>()(Label)
const LabelEnvelopeShape = v.object({ label: LabelShape })
const LabelListShape = v.object({ labels: v.array(LabelShape) })
const DeletedShape = v.object({
  ok: v.literal(true),
  /** How many conversations it was taken off. */
  removedFrom: v.number(),
})

export function labelRoutes(ctx: HttpContext) {
  const audit = (op: Operator, request: Request, action: string, label: Label) =>
    ctx.audit.record({
      actor: op,
      action,
      target: { kind: 'label', id: label.id },
      address: ctx.clientKey(request),
      details: { inboxId: label.inboxId, name: label.name, color: label.color },
    })

  /** A label the caller may change (inbox-rights.ts). */
  async function writable(op: Operator, id: string): Promise<Label> {
    return writableOf(op, await ctx.store.labels.get(id), 'label', 'labels')
  }

  return new Elysia()
    .get(
      '/api/inboxes/:id/labels',
      async ({ headers, params }) => {
        const op = await operatorOf(ctx, headers)
        await readableInbox(ctx, op, params.id)
        return { labels: await ctx.store.labels.list(params.id) }
      },
      {
        params: v.object({ id: Id }),
        detail: doc({
          summary: "An inbox's labels",
          tag: 'labels',
          description: 'By name. Whoever may view the inbox, and admins.',
          access: 'operator',
          ok: LabelListShape,
        }),
      },
    )
    .post(
      '/api/admin/inboxes/:id/labels',
      async ({ headers, params, body, request, set }) => {
        const op = await operatorOf(ctx, headers)
        await writableInbox(ctx, op, params.id, 'labels')
        const label: Label = {
          id: newId(),
          inboxId: params.id,
          name: body.name,
          color: body.color,
          createdAt: ctx.clock.now(),
        }
        await ctx.store.labels.create(label, MAX_INBOX_LABELS)
        await audit(op, request, 'label.created', label)
        set.status = 201
        return { label }
      },
      {
        params: v.object({ id: Id }),
        body: v.strictObject({ name: Name, color: Color }),
        detail: doc({
          summary: 'Add a label',
          tag: 'labels',
          description:
            `A name unique in the inbox whatever its case (409), at most ${MAX_LABEL_NAME} ` +
            `characters; a #rrggbb color. At most ${MAX_INBOX_LABELS} per inbox. Admins, and ` +
            'supervisors of the inbox. On the audit trail.',
          access: 'elevated',
          ok: LabelEnvelopeShape,
          status: 201,
          okDescription: 'Added.',
          errors: [409],
        }),
      },
    )
    .patch(
      '/api/admin/labels/:id',
      async ({ headers, params, body, request }) => {
        const op = await operatorOf(ctx, headers)
        const label = await writable(op, params.id)
        const updated = await ctx.store.labels.update(label.id, body)
        if (!updated) throw new ParleyError('not_found', 'label not found')
        await audit(op, request, 'label.updated', updated)
        return { label: updated }
      },
      {
        params: v.object({ id: Id }),
        body: v.pipe(
          v.strictObject({ name: v.optional(Name), color: v.optional(Color) }),
          v.check((patch) => Object.keys(patch).length > 0, 'nothing to change'),
        ),
        detail: doc({
          summary: 'Rename or recolor a label',
          tag: 'labels',
          description: 'Conversations carrying it show the new name and color. On the audit trail.',
          access: 'elevated',
          ok: LabelEnvelopeShape,
          errors: [409],
        }),
      },
    )
    .delete(
      '/api/admin/labels/:id',
      async ({ headers, params, request }) => {
        const op = await operatorOf(ctx, headers)
        const label = await writable(op, params.id)
        if (!(await ctx.store.labels.delete(label.id))) {
          throw new ParleyError('not_found', 'label not found')
        }
        await audit(op, request, 'label.deleted', label)
        // After the delete: no conversation can take it any more, so one pass finds them all.
        const removedFrom = await ctx.chat.dropLabel(label.inboxId, label.id)
        return { ok: true as const, removedFrom }
      },
      {
        params: v.object({ id: Id }),
        detail: doc({
          summary: 'Delete a label',
          tag: 'labels',
          description:
            'It comes off every conversation that carried it (a `conversation.labels` event by ' +
            'the system on each). On the audit trail.',
          access: 'elevated',
          ok: DeletedShape,
        }),
      },
    )
}
