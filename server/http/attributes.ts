/**
 * Custom attribute definitions (issue 20, protocol/attributes.ts): an inbox defines typed
 * attributes of its visitors and of its conversations. Read by whoever may view the inbox's
 * conversations (and admins); defined, renamed and deleted by admins and by supervisors whose
 * scope includes the inbox. A deleted conversation attribute's values go from every
 * conversation holding one, each through its actor; a deleted visitor attribute's values stay
 * on the visitors as free-form attributes.
 */
import { Elysia } from 'elysia'
import * as v from 'valibot'
import { newId } from '../../actors/index.ts'
import {
  ATTRIBUTE_SCOPES,
  ATTRIBUTE_TYPES,
  AttributeInput,
  AttributePatch,
  MAX_INBOX_ATTRIBUTES,
  type AttributeDefinition,
} from '../../protocol/attributes.ts'
import { ParleyError } from '../../protocol/index.ts'
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

const DefinitionShape = v.object({
  id: v.string(),
  inboxId: v.string(),
  scope: v.picklist(ATTRIBUTE_SCOPES),
  key: v.string(),
  name: v.string(),
  type: v.picklist(ATTRIBUTE_TYPES),
  options: v.array(v.string()),
  createdAt: v.number(),
  updatedAt: v.number(),
})
const EnvelopeShape = v.object({ attribute: DefinitionShape })
const ListShape = v.object({ attributes: v.array(DefinitionShape) })
const DeletedShape = v.object({
  ok: v.literal(true),
  /** How many conversations its value was removed from (0 for a visitor attribute). */
  removedFrom: v.number(),
})

export function attributeRoutes(ctx: HttpContext) {
  const audit = (op: Operator, request: Request, action: string, def: AttributeDefinition) =>
    ctx.audit.record({
      actor: op,
      action,
      target: { kind: 'attribute', id: def.id },
      address: ctx.clientKey(request),
      details: {
        inboxId: def.inboxId,
        scope: def.scope,
        key: def.key,
        name: def.name,
        type: def.type,
      },
    })

  /** An attribute the caller may change (inbox-rights.ts). */
  async function writable(op: Operator, id: string): Promise<AttributeDefinition> {
    return writableOf(op, await ctx.store.attributes.get(id), 'attribute', 'attributes')
  }

  return new Elysia()
    .get(
      '/api/inboxes/:id/attributes',
      async ({ headers, params }) => {
        const op = await operatorOf(ctx, headers)
        await readableInbox(ctx, op, params.id)
        return { attributes: await ctx.store.attributes.list(params.id) }
      },
      {
        params: v.object({ id: Id }),
        detail: doc({
          summary: "An inbox's custom attributes",
          tag: 'labels',
          description:
            'Visitor attributes first, then conversation attributes, each by name. Whoever ' +
            'may view the inbox, and admins.',
          access: 'operator',
          ok: ListShape,
        }),
      },
    )
    .post(
      '/api/admin/inboxes/:id/attributes',
      async ({ headers, params, body, request, set }) => {
        const op = await operatorOf(ctx, headers)
        await writableInbox(ctx, op, params.id, 'attributes')
        const now = ctx.clock.now()
        const def: AttributeDefinition = {
          id: newId(),
          inboxId: params.id,
          scope: body.scope,
          key: body.key,
          name: body.name,
          type: body.type,
          options: body.options ?? [],
          createdAt: now,
          updatedAt: now,
        }
        await ctx.store.attributes.create(def, MAX_INBOX_ATTRIBUTES)
        await audit(op, request, 'attribute.created', def)
        set.status = 201
        return { attribute: def }
      },
      {
        params: v.object({ id: Id }),
        body: AttributeInput,
        detail: doc({
          summary: 'Define a custom attribute',
          tag: 'labels',
          description:
            'Of the inbox’s visitors or of its conversations: a key (a-z, 0-9, _; not name, ' +
            'email or phone) unique in the inbox and scope (409), a name, a type (text, ' +
            'number, date, list, checkbox, link) and, for a list, its choices (1 to 50). At ' +
            `most ${MAX_INBOX_ATTRIBUTES} per scope and inbox. Admins, and supervisors of the ` +
            'inbox. On the audit trail.',
          access: 'elevated',
          ok: EnvelopeShape,
          status: 201,
          okDescription: 'Defined.',
          errors: [409],
        }),
      },
    )
    .patch(
      '/api/admin/attributes/:id',
      async ({ headers, params, body, request }) => {
        const op = await operatorOf(ctx, headers)
        const def = await writable(op, params.id)
        if (body.options !== undefined && def.type !== 'list') {
          throw new ParleyError('validation_failed', 'options: only a list has choices')
        }
        const updated = await ctx.store.attributes.update(def.id, body, ctx.clock.now())
        if (!updated) throw new ParleyError('not_found', 'attribute not found')
        await audit(op, request, 'attribute.updated', updated)
        return { attribute: updated }
      },
      {
        params: v.object({ id: Id }),
        body: AttributePatch,
        detail: doc({
          summary: 'Rename an attribute or change its choices',
          tag: 'labels',
          description:
            'Its key, scope and type stay. A value stored before a choice was taken away ' +
            'stays until changed. On the audit trail.',
          access: 'elevated',
          ok: EnvelopeShape,
        }),
      },
    )
    .delete(
      '/api/admin/attributes/:id',
      async ({ headers, params, request }) => {
        const op = await operatorOf(ctx, headers)
        const def = await writable(op, params.id)
        if (!(await ctx.store.attributes.delete(def.id))) {
          throw new ParleyError('not_found', 'attribute not found')
        }
        await audit(op, request, 'attribute.deleted', def)
        // After the delete: no conversation can take it any more, so one pass finds them all.
        const removedFrom =
          def.scope === 'conversation' ? await ctx.chat.dropAttribute(def.inboxId, def.key) : 0
        return { ok: true as const, removedFrom }
      },
      {
        params: v.object({ id: Id }),
        detail: doc({
          summary: 'Delete an attribute',
          tag: 'labels',
          description:
            'A conversation attribute’s value goes from every conversation holding one (a ' +
            '`conversation.attributes` event by the system on each); a visitor attribute’s ' +
            'values stay on the visitors as free-form attributes. On the audit trail.',
          access: 'elevated',
          ok: DeletedShape,
        }),
      },
    )
}
