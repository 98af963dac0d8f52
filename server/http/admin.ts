/**
 * Admin pages' API: operators (O6), inbox settings and members, and signing visitors out.
 * Admins only. Changes that end or narrow access go through the account service, which
 * revokes them on every node.
 */
import { randomBytes } from 'node:crypto'
import { Elysia } from 'elysia'
import * as v from 'valibot'
import {
  DEFAULT_INBOX_SETTINGS,
  newId,
  type InboxRecord,
  type InboxSettings,
  type OperatorRecord,
} from '../../actors/index.ts'
import { operatorView } from '../auth/index.ts'
import { ParleyError } from '../../protocol/index.ts'
import { requireAdmin, type HttpContext } from './context.ts'
import { DisplayName, Email, Id, InboxSettingsPatch, Name, Password, Role } from './schemas.ts'
import { doc } from './responses.ts'
import {
  IdentitySecretShape,
  InboxListShape,
  InboxShape,
  MembersShape,
  OperatorListShape,
  OperatorShape,
} from './shapes-admin.ts'
import { OkShape } from './shapes-common.ts'

export { DEFAULT_INBOX_SETTINGS }

export function newInbox(name: string, now: number, settings: SettingsPatch = {}): InboxRecord {
  const id = newId()
  return {
    id,
    name,
    identitySecret: randomBytes(32).toString('base64url'),
    settings: mergeSettings(DEFAULT_INBOX_SETTINGS, settings),
    createdAt: now,
    updatedAt: now,
    visitorsSignedOutAt: 0,
    identityRotatedAt: 0,
    // Created with the inbox by the store: the default branch has the inbox's id.
    defaultBranchId: id,
    geoRules: [],
  }
}

/**
 * An inbox as the admin API shows it. The identity secret lets a site vouch for any user it
 * likes, so it is never in a list or an update's answer: only `GET .../identity-secret` shows
 * it, on an admin's explicit request, and that is logged.
 */
export type InboxView = Omit<InboxRecord, 'identitySecret'>

/** A settings patch: any top-level setting, the appearance and the CAPTCHA field by field. */
export type SettingsPatch = Partial<Omit<InboxSettings, 'appearance' | 'captcha'>> & {
  appearance?: Partial<InboxSettings['appearance']>
  captcha?: Partial<InboxSettings['captcha']>
}

/** `current` with the patch applied (the appearance and the CAPTCHA merged field by field). */
export function mergeSettings(current: InboxSettings, patch: SettingsPatch): InboxSettings {
  const { appearance, captcha, ...rest } = patch
  return {
    ...current,
    ...rest,
    appearance: { ...current.appearance, ...appearance },
    captcha: { ...current.captcha, ...captcha },
  }
}

export function inboxView(inbox: InboxRecord): InboxView {
  const { identitySecret: _hidden, ...view } = inbox
  return view
}

export function adminRoutes(ctx: HttpContext) {
  const params = v.object({ id: Id })
  /** An admin's change, on the audit trail with the request's address. */
  const audit = (
    admin: { kind: 'operator'; id: string },
    request: Request,
    action: string,
    target: { kind: string; id: string },
    details?: Record<string, unknown>,
  ) => ctx.audit.record({ actor: admin, action, target, address: ctx.clientKey(request), details })
  return new Elysia({ prefix: '/api/admin' })
    .get(
      '/operators',
      async ({ headers }) => {
        await requireAdmin(ctx, headers)
        return { operators: (await ctx.store.operators.list()).map(operatorView) }
      },
      {
        detail: doc({
          summary: 'List operators',
          tag: 'admin',
          description: 'Every operator, deactivated ones included.',
          access: 'admin',
          ok: OperatorListShape,
        }),
      },
    )
    .post(
      '/operators',
      async ({ headers, body, set, request }) => {
        const admin = await requireAdmin(ctx, headers)
        if (await ctx.store.operators.getByEmail(body.email)) {
          throw new ParleyError('conflict', 'email: an operator with this email exists already')
        }
        // Unless told otherwise, a new operator handles every inbox. Checked before creating,
        // so an unknown inbox id leaves no operator behind.
        const known = (await ctx.store.inboxes.list()).map((i) => i.id)
        const inboxIds = body.inboxIds ?? known
        const unknown = inboxIds.find((id) => !known.includes(id))
        if (unknown !== undefined) throw new ParleyError('not_found', `inbox ${unknown} not found`)
        const now = ctx.clock.now()
        const op: OperatorRecord = {
          id: newId(),
          email: body.email,
          name: body.name,
          displayName: body.displayName ?? null,
          avatarId: null,
          role: body.role ?? 'operator',
          canChat: body.canChat ?? true,
          active: true,
          status: 'online',
          passwordHash: await ctx.auth.hashPassword(body.password),
          createdAt: now,
          updatedAt: now,
        }
        await ctx.store.operators.create(op)
        await ctx.store.inboxes.addMember(inboxIds, op.id)
        for (const inboxId of inboxIds) ctx.chat.refreshInbox(inboxId)
        await audit(
          admin,
          request,
          'operator.created',
          { kind: 'operator', id: op.id },
          { email: op.email, role: op.role, canChat: op.canChat, inboxIds },
        )
        set.status = 201
        return operatorView(op)
      },
      {
        body: v.strictObject({
          email: Email,
          name: Name,
          displayName: v.optional(v.nullable(DisplayName)),
          password: Password,
          role: v.optional(Role),
          canChat: v.optional(v.boolean()),
          inboxIds: v.optional(v.pipe(v.array(Id), v.maxLength(1000))),
        }),
        detail: doc({
          summary: 'Add an operator',
          tag: 'admin',
          description:
            'Handles the inboxes named in `inboxIds` (absent: every inbox). On the audit trail.',
          access: 'admin',
          ok: OperatorShape,
          status: 201,
          okDescription: 'Added.',
          errors: [409],
        }),
      },
    )
    .patch(
      '/operators/:id',
      async ({ headers, params, body, request }) => {
        const admin = await requireAdmin(ctx, headers)
        const current = await ctx.store.operators.getById(params.id)
        if (!current) throw new ParleyError('not_found', 'operator not found')
        const losesAdmin =
          current.role === 'admin' &&
          current.active &&
          (body.active === false || (body.role !== undefined && body.role !== 'admin'))
        if (losesAdmin && (await ctx.store.operators.countActiveAdmins()) <= 1) {
          throw new ParleyError(
            'conflict',
            'the last active admin cannot be demoted or deactivated',
          )
        }
        if (admin.id === params.id && body.active === false) {
          throw new ParleyError('conflict', 'you cannot deactivate yourself')
        }
        const { password, ...rest } = body
        const updated = await ctx.store.operators.update(params.id, {
          ...rest,
          ...(password !== undefined
            ? { passwordHash: await ctx.auth.hashPassword(password) }
            : {}),
          updatedAt: ctx.clock.now(),
        })
        if (!updated) throw new ParleyError('not_found', 'operator not found')
        // Every node: sessions end, or open connections go on with the new rights.
        if (body.active === false) await ctx.accounts.operatorChanged(params.id, 'deactivated')
        else if (password !== undefined)
          await ctx.accounts.operatorChanged(params.id, 'password_reset')
        else if (body.role !== undefined || body.canChat !== undefined)
          await ctx.accounts.operatorChanged(params.id, 'rights')
        // Routing caches members' role, permission and activity; the operator actor its own.
        ctx.chat.refreshOperator(params.id)
        for (const inboxId of await ctx.store.inboxes.inboxesOf(params.id))
          ctx.chat.refreshInbox(inboxId)
        // What changed, from what; a new password only as the fact that it was set.
        const changes: Record<string, unknown> = {}
        for (const key of ['name', 'displayName', 'role', 'canChat', 'active'] as const) {
          if (rest[key] !== undefined && rest[key] !== current[key]) {
            changes[key] = { from: current[key], to: rest[key] }
          }
        }
        if (password !== undefined) changes.password = 'reset'
        await audit(
          admin,
          request,
          'operator.updated',
          { kind: 'operator', id: params.id },
          changes,
        )
        return operatorView(updated)
      },
      {
        params,
        body: v.strictObject({
          name: v.optional(Name),
          displayName: v.optional(v.nullable(DisplayName)),
          role: v.optional(Role),
          canChat: v.optional(v.boolean()),
          active: v.optional(v.boolean()),
          password: v.optional(Password),
        }),
        detail: doc({
          summary: 'Change an operator',
          tag: 'admin',
          description:
            'Names, role, permission to chat, active, a new password. Deactivating or a new ' +
            'password ends their sessions; new rights apply to open connections at once. The ' +
            'last active admin cannot be demoted or deactivated (409). On the audit trail.',
          access: 'admin',
          ok: OperatorShape,
          errors: [409],
        }),
      },
    )
    .get(
      '/inboxes',
      async ({ headers }) => {
        await requireAdmin(ctx, headers)
        return { inboxes: (await ctx.store.inboxes.list()).map(inboxView) }
      },
      {
        detail: doc({
          summary: 'List inboxes',
          tag: 'admin',
          description: 'Every inbox with its settings (never its identity secret).',
          access: 'admin',
          ok: InboxListShape,
        }),
      },
    )
    .post(
      '/inboxes',
      async ({ headers, body, set, request }) => {
        const admin = await requireAdmin(ctx, headers)
        await addressFree(ctx, body.settings?.emailAddress, null)
        const inbox = newInbox(body.name, ctx.clock.now(), body.settings)
        await ctx.store.inboxes.create(inbox)
        // Its router must listen before the first conversation arrives.
        ctx.chat.refreshInbox(inbox.id)
        // Supervisors and admins who see every inbox start watching this one too.
        for (const op of await ctx.store.operators.list()) {
          if (op.active && (op.role === 'supervisor' || op.role === 'admin')) {
            ctx.chat.refreshOperator(op.id)
          }
        }
        await audit(
          admin,
          request,
          'inbox.created',
          { kind: 'inbox', id: inbox.id },
          { name: inbox.name },
        )
        set.status = 201
        return inboxView(inbox)
      },
      {
        body: v.strictObject({ name: Name, settings: v.optional(InboxSettingsPatch) }),
        detail: doc({
          summary: 'Add an inbox',
          tag: 'admin',
          description:
            'With default settings and the given ones. Until `allowedOrigins` is set, its ' +
            'widget runs on no site. On the audit trail.',
          access: 'admin',
          ok: InboxShape,
          status: 201,
          okDescription: 'Added.',
        }),
      },
    )
    .patch(
      '/inboxes/:id',
      async ({ headers, params, body, request }) => {
        const admin = await requireAdmin(ctx, headers)
        const current = await ctx.store.inboxes.get(params.id)
        if (!current) throw new ParleyError('not_found', 'inbox not found')
        await addressFree(ctx, body.settings?.emailAddress, params.id)
        let updated = await ctx.store.inboxes.update(params.id, {
          ...(body.name !== undefined ? { name: body.name } : {}),
          ...(body.settings ? { settings: mergeSettings(current.settings, body.settings) } : {}),
          updatedAt: ctx.clock.now(),
        })
        if (body.rotateIdentitySecret) updated = await ctx.accounts.rotateIdentitySecret(params.id)
        ctx.chat.refreshInbox(params.id)
        if (body.settings?.allowedOrigins !== undefined)
          await ctx.accounts.inboxSitesChanged(params.id)
        await audit(
          admin,
          request,
          'inbox.updated',
          { kind: 'inbox', id: params.id },
          {
            ...(body.name !== undefined ? { name: { from: current.name, to: body.name } } : {}),
            // The settings named, with their new values (settings hold no secrets).
            ...(body.settings ? { settings: body.settings } : {}),
            ...(body.rotateIdentitySecret ? { identitySecret: 'rotated' } : {}),
          },
        )
        return updated && inboxView(updated)
      },
      {
        params,
        body: v.strictObject({
          name: v.optional(Name),
          settings: v.optional(InboxSettingsPatch),
          rotateIdentitySecret: v.optional(v.boolean()),
        }),
        detail: doc({
          summary: 'Change an inbox',
          tag: 'admin',
          description:
            'Its name and any settings (the appearance and the CAPTCHA field by field). Sites ' +
            "taken off `allowedOrigins` lose their visitors' access at once. On the audit " +
            'trail.',
          access: 'admin',
          ok: InboxShape,
        }),
      },
    )
    .post(
      '/inboxes/:id/rotate-identity-secret',
      async ({ headers, params, request }) => {
        const admin = await requireAdmin(ctx, headers)
        const rotated = inboxView(await ctx.accounts.rotateIdentitySecret(params.id))
        await audit(admin, request, 'inbox.identity_secret_rotated', {
          kind: 'inbox',
          id: params.id,
        })
        return rotated
      },
      {
        params,
        detail: doc({
          summary: 'Rotate the identity secret',
          tag: 'admin',
          description:
            'A new secret for vouching for site users; verified visitors must prove their ' +
            'identity again (`identity_required`). On the audit trail.',
          access: 'admin',
          ok: InboxShape,
        }),
      },
    )
    .post(
      '/inboxes/:id/revoke-visitor-sessions',
      async ({ headers, params, request }) => {
        const admin = await requireAdmin(ctx, headers)
        const inbox = inboxView(await ctx.accounts.signOutInboxVisitors(params.id))
        await audit(admin, request, 'inbox.visitor_sessions_revoked', {
          kind: 'inbox',
          id: params.id,
        })
        return inbox
      },
      {
        params,
        detail: doc({
          summary: "Sign out the inbox's visitors",
          tag: 'admin',
          description: 'Every visitor token of the inbox issued until now stops working.',
          access: 'admin',
          ok: InboxShape,
        }),
      },
    )
    .post(
      '/visitors/:id/revoke',
      async ({ headers, params, request }) => {
        const admin = await requireAdmin(ctx, headers)
        await ctx.accounts.signOutVisitor(params.id)
        await audit(admin, request, 'visitor.sessions_revoked', { kind: 'visitor', id: params.id })
        return { ok: true }
      },
      {
        params,
        detail: doc({
          summary: 'Sign out a visitor',
          tag: 'admin',
          description: 'Every token of the visitor issued until now stops working.',
          access: 'admin',
          ok: OkShape,
        }),
      },
    )
    .get(
      '/inboxes/:id/identity-secret',
      async ({ headers, params, request }) => {
        const admin = await requireAdmin(ctx, headers)
        const inbox = await ctx.store.inboxes.get(params.id)
        if (!inbox) throw new ParleyError('not_found', 'inbox not found')
        const who = await ctx.store.operators.getById(admin.id)
        ctx.log.warn('identity secret revealed', {
          adminId: admin.id,
          adminEmail: who?.email ?? null,
          inboxId: inbox.id,
        })
        await audit(admin, request, 'inbox.identity_secret_revealed', {
          kind: 'inbox',
          id: inbox.id,
        })
        return { identitySecret: inbox.identitySecret }
      },
      {
        params,
        detail: doc({
          summary: 'Reveal the identity secret',
          tag: 'admin',
          description:
            "The key a site's backend signs user ids with (identity verification). Logged and " +
            'on the audit trail.',
          access: 'admin',
          ok: IdentitySecretShape,
        }),
      },
    )
    .get(
      '/inboxes/:id/members',
      async ({ headers, params }) => {
        await requireAdmin(ctx, headers)
        if (!(await ctx.store.inboxes.get(params.id)))
          throw new ParleyError('not_found', 'inbox not found')
        return { operatorIds: await ctx.store.inboxes.members(params.id) }
      },
      {
        params,
        detail: doc({
          summary: "An inbox's members",
          tag: 'admin',
          description: 'Ids of the operators who handle the inbox.',
          access: 'admin',
          ok: MembersShape,
        }),
      },
    )
    .put(
      '/inboxes/:id/members',
      async ({ headers, params, body, request }) => {
        const admin = await requireAdmin(ctx, headers)
        const before = await ctx.store.inboxes.members(params.id)
        await ctx.store.inboxes.setMembers(params.id, body.operatorIds)
        ctx.chat.refreshInbox(params.id)
        const after = new Set(body.operatorIds)
        for (const id of new Set([...before, ...body.operatorIds])) {
          ctx.chat.refreshOperator(id)
          if (before.includes(id) !== after.has(id))
            await ctx.accounts.operatorChanged(id, 'rights')
        }
        await audit(
          admin,
          request,
          'inbox.members_changed',
          { kind: 'inbox', id: params.id },
          {
            added: body.operatorIds.filter((id) => !before.includes(id)),
            removed: before.filter((id) => !after.has(id)),
          },
        )
        return { operatorIds: await ctx.store.inboxes.members(params.id) }
      },
      {
        params,
        body: v.strictObject({ operatorIds: v.pipe(v.array(Id), v.maxLength(1000)) }),
        detail: doc({
          summary: "Set an inbox's members",
          tag: 'admin',
          description:
            'Replaces the list; those added or removed get their new rights at once. On the ' +
            'audit trail.',
          access: 'admin',
          ok: MembersShape,
        }),
      },
    )
}

/**
 * An inbox's e-mail address (the e-mail channel, issue 17) is its own: another inbox with the
 * same one is a conflict, since mail to it could go to either.
 */
async function addressFree(
  ctx: HttpContext,
  address: string | null | undefined,
  inboxId: string | null,
): Promise<void> {
  if (!address) return
  const taken = (await ctx.store.inboxes.list()).some(
    (i) => i.id !== inboxId && i.settings.emailAddress?.toLowerCase() === address.toLowerCase(),
  )
  if (taken) throw new ParleyError('conflict', 'another inbox has this e-mail address')
}
