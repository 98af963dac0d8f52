/**
 * Admin API for branches (R1): the teams of an inbox, their members and working hours (R5),
 * the inbox's default branch and its country/region rules. Admins only; every body is checked
 * whole before anything is written, so a bad field changes nothing.
 */
import { Elysia } from 'elysia'
import * as v from 'valibot'
import { newId, type BranchRecord, type InboxRecord } from '../../actors/index.ts'
import { ALWAYS_OPEN, parseSchedule } from '../../actors/inbox/schedule.ts'
import { DEFAULT_BRANCH_SETTINGS, WAITING_REPLY_SECONDS } from '../../actors/ports.ts'
import { ParleyError, wireString } from '../../protocol/index.ts'
import { parseGeoRules } from '../geo/rules.ts'
import { requireAdmin, type HttpContext } from './context.ts'
import { Id, Name } from './schemas.ts'
import { doc } from './responses.ts'
import {
  BranchDeletedShape,
  BranchListShape,
  BranchShape,
  MembersShape,
  RoutingShape,
} from './shapes-admin.ts'

/** An inbox has at most this many branches. */
const MAX_BRANCHES = 200

/** An admin's text in both widget languages; at most 1000 characters each. */
const Texts = v.strictObject({
  en: v.pipe(wireString('text'), v.trim(), v.maxLength(1000)),
  ru: v.pipe(wireString('text'), v.trim(), v.maxLength(1000)),
})
const Reply = v.strictObject({ on: v.boolean(), text: Texts })
const BranchSettingsPatch = v.strictObject({
  escalateToDefault: v.optional(v.boolean()),
  offlineText: v.optional(Texts),
  greeting: v.optional(Reply),
  firstReply: v.optional(Reply),
  offlineReply: v.optional(Reply),
  waitingReply: v.optional(
    v.strictObject({
      on: v.boolean(),
      text: Texts,
      afterSeconds: v.pipe(
        v.number(),
        v.integer(),
        v.minValue(WAITING_REPLY_SECONDS.min),
        v.maxValue(WAITING_REPLY_SECONDS.max),
      ),
    }),
  ),
})
const OperatorIds = v.pipe(v.array(Id), v.maxLength(1000))

/** A branch as the admin API shows it: the record and its members. */
export interface BranchView extends BranchRecord {
  operatorIds: string[]
  isDefault: boolean
}

export function branchRoutes(ctx: HttpContext) {
  const params = v.object({ id: Id })

  async function inboxOrThrow(id: string): Promise<InboxRecord> {
    const inbox = await ctx.store.inboxes.get(id)
    if (!inbox) throw new ParleyError('not_found', 'inbox not found')
    return inbox
  }

  async function branchOrThrow(id: string): Promise<BranchRecord> {
    const branch = await ctx.store.branches.get(id)
    if (!branch) throw new ParleyError('not_found', 'branch not found')
    return branch
  }

  async function view(branch: BranchRecord, inbox?: InboxRecord): Promise<BranchView> {
    const owner = inbox ?? (await inboxOrThrow(branch.inboxId))
    return {
      ...branch,
      operatorIds: await ctx.store.branches.members(branch.id),
      isDefault: owner.defaultBranchId === branch.id,
    }
  }

  /** Members changed: their rights, badges and the router's pools follow. */
  async function membersChanged(inboxId: string, ids: Iterable<string>): Promise<void> {
    ctx.chat.refreshInbox(inboxId)
    for (const id of ids) {
      ctx.chat.refreshOperator(id)
      await ctx.accounts.operatorChanged(id, 'rights')
    }
  }

  return new Elysia({ prefix: '/api/admin' })
    .get(
      '/inboxes/:id/branches',
      async ({ headers, params }) => {
        await requireAdmin(ctx, headers)
        const inbox = await inboxOrThrow(params.id)
        const branches = await ctx.store.branches.list(inbox.id)
        return {
          defaultBranchId: inbox.defaultBranchId,
          geoRules: inbox.geoRules,
          branches: await Promise.all(branches.map((b) => view(b, inbox))),
        }
      },
      {
        params,
        detail: doc({
          summary: "An inbox's branches and routing",
          tag: 'branches',
          description: 'Its branches (by name) with members and hours, its default and geo rules.',
          access: 'admin',
          ok: BranchListShape,
        }),
      },
    )
    .post(
      '/inboxes/:id/branches',
      async ({ headers, params, body, set }) => {
        await requireAdmin(ctx, headers)
        const inbox = await inboxOrThrow(params.id)
        const schedule = body.schedule === undefined ? ALWAYS_OPEN : parseSchedule(body.schedule)
        if ((await ctx.store.branches.list(inbox.id)).length >= MAX_BRANCHES) {
          throw new ParleyError(
            'validation_failed',
            `an inbox has at most ${MAX_BRANCHES} branches`,
          )
        }
        const now = ctx.clock.now()
        const branch: BranchRecord = {
          id: newId(),
          inboxId: inbox.id,
          name: body.name,
          schedule,
          settings: { ...DEFAULT_BRANCH_SETTINGS, ...body.settings },
          createdAt: now,
          updatedAt: now,
        }
        await ctx.store.branches.create(branch)
        if (body.operatorIds?.length) {
          await ctx.store.branches.setMembers(branch.id, body.operatorIds)
          await membersChanged(inbox.id, body.operatorIds)
        } else ctx.chat.refreshInbox(inbox.id)
        set.status = 201
        return view(branch, inbox)
      },
      {
        params,
        body: v.strictObject({
          name: Name,
          schedule: v.optional(v.unknown()),
          settings: v.optional(BranchSettingsPatch),
          operatorIds: v.optional(OperatorIds),
        }),
        detail: doc({
          summary: 'Add a branch',
          tag: 'branches',
          description:
            'A team of the inbox with its own hours (`schedule`: `{ timeZone, week, ' +
            'exceptions }`, always open when absent), settings and members.',
          access: 'admin',
          ok: BranchShape,
          status: 201,
          okDescription: 'Added.',
        }),
      },
    )
    .get(
      '/branches/:id',
      async ({ headers, params }) => {
        await requireAdmin(ctx, headers)
        return view(await branchOrThrow(params.id))
      },
      {
        params,
        detail: doc({
          summary: 'A branch',
          tag: 'branches',
          access: 'admin',
          ok: BranchShape,
        }),
      },
    )
    .patch(
      '/branches/:id',
      async ({ headers, params, body }) => {
        await requireAdmin(ctx, headers)
        const current = await branchOrThrow(params.id)
        // Parsed before anything is written: an invalid schedule leaves the name unchanged too.
        const schedule = body.schedule === undefined ? undefined : parseSchedule(body.schedule)
        const updated = await ctx.store.branches.update(current.id, {
          ...(body.name !== undefined ? { name: body.name } : {}),
          ...(schedule ? { schedule } : {}),
          ...(body.settings ? { settings: { ...current.settings, ...body.settings } } : {}),
          updatedAt: ctx.clock.now(),
        })
        if (!updated) throw new ParleyError('not_found', 'branch not found')
        ctx.chat.refreshInbox(current.inboxId)
        return view(updated)
      },
      {
        params,
        body: v.strictObject({
          name: v.optional(Name),
          schedule: v.optional(v.unknown()),
          settings: v.optional(BranchSettingsPatch),
        }),
        detail: doc({
          summary: 'Change a branch',
          tag: 'branches',
          description: 'Its name, hours or settings; checked whole before anything is written.',
          access: 'admin',
          ok: BranchShape,
        }),
      },
    )
    .delete(
      '/branches/:id',
      async ({ headers, params }) => {
        await requireAdmin(ctx, headers)
        const branch = await branchOrThrow(params.id)
        const inbox = await inboxOrThrow(branch.inboxId)
        if (inbox.defaultBranchId === branch.id) {
          throw new ParleyError(
            'conflict',
            'the default branch cannot be deleted; choose another default first',
          )
        }
        const members = await ctx.store.branches.members(branch.id)
        // Rules naming it go first: a visitor arriving meanwhile lands in the default branch.
        const rules = inbox.geoRules.filter((rule) => rule.branchId !== branch.id)
        if (rules.length !== inbox.geoRules.length) {
          await ctx.store.inboxes.update(inbox.id, { geoRules: rules, updatedAt: ctx.clock.now() })
        }
        const result = await ctx.store.branches.delete(branch.id)
        if (!result) throw new ParleyError('not_found', 'branch not found')
        for (const id of result.moved) ctx.chat.rebranched(id, branch.id, result.movedTo)
        await membersChanged(inbox.id, members)
        return { ok: true, movedTo: result.movedTo }
      },
      {
        params,
        detail: doc({
          summary: 'Delete a branch',
          tag: 'branches',
          description:
            "Its conversations move to the inbox's default branch; rules naming it go. The " +
            'default branch cannot be deleted (409).',
          access: 'admin',
          ok: BranchDeletedShape,
          errors: [409],
        }),
      },
    )
    .put(
      '/branches/:id/members',
      async ({ headers, params, body }) => {
        await requireAdmin(ctx, headers)
        const branch = await branchOrThrow(params.id)
        const before = await ctx.store.branches.members(branch.id)
        await ctx.store.branches.setMembers(branch.id, body.operatorIds)
        await membersChanged(branch.inboxId, new Set([...before, ...body.operatorIds]))
        return { operatorIds: await ctx.store.branches.members(branch.id) }
      },
      {
        params,
        body: v.strictObject({ operatorIds: OperatorIds }),
        detail: doc({
          summary: "Set a branch's members",
          tag: 'branches',
          description: 'Replaces the list; every member also becomes a member of the inbox.',
          access: 'admin',
          ok: MembersShape,
        }),
      },
    )
    .put(
      '/inboxes/:id/routing',
      async ({ headers, params, body }) => {
        await requireAdmin(ctx, headers)
        const inbox = await inboxOrThrow(params.id)
        const ids = new Set((await ctx.store.branches.list(inbox.id)).map((b) => b.id))
        if (body.defaultBranchId !== undefined && !ids.has(body.defaultBranchId)) {
          throw new ParleyError(
            'validation_failed',
            `defaultBranchId: no branch "${body.defaultBranchId}" in this inbox`,
          )
        }
        const geoRules = body.geoRules === undefined ? undefined : parseGeoRules(body.geoRules, ids)
        const updated = await ctx.store.inboxes.update(inbox.id, {
          ...(body.defaultBranchId !== undefined ? { defaultBranchId: body.defaultBranchId } : {}),
          ...(geoRules ? { geoRules } : {}),
          updatedAt: ctx.clock.now(),
        })
        if (!updated) throw new ParleyError('not_found', 'inbox not found')
        ctx.chat.refreshInbox(inbox.id)
        return { defaultBranchId: updated.defaultBranchId, geoRules: updated.geoRules }
      },
      {
        params,
        body: v.strictObject({
          defaultBranchId: v.optional(Id),
          geoRules: v.optional(v.unknown()),
        }),
        detail: doc({
          summary: "Set an inbox's routing",
          tag: 'branches',
          description:
            'Its default branch and its geo rules (`[{ country, region?, branchId }]`: the most ' +
            'specific match wins).',
          access: 'admin',
          ok: RoutingShape,
        }),
      },
    )
}
