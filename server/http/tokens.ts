/**
 * API tokens (issue 17, I3; docs/api.md).
 *
 * `apiTokenGuard`: before any route runs, a request carrying `Authorization: Bearer pat_...` has
 * its token resolved, its method checked against the token's scope and one request taken from
 * the token's budget; `principalOf` (context.ts) then finds the principal in the cache.
 *
 * The admin API, for signed-in admins only (a token cannot manage tokens):
 *   GET    /api/tokens        -> { tokens }            newest first, revoked ones included
 *   POST   /api/tokens        -> 201 { token, secret } the secret is shown this once
 *   DELETE /api/tokens/:id    -> 204                   revoked at once on every node
 * Creating and revoking are on the audit trail.
 */
import { Elysia } from 'elysia'
import { ApiTokenList, CreateApiTokenBody, CreatedApiToken } from '../../protocol/api-tokens.ts'
import { ParleyError } from '../../protocol/index.ts'
import { isApiToken } from '../auth/api-tokens.ts'
import type { Revocations } from '../auth/index.ts'
import { bearer, refuseApiToken, requireAdmin, type HttpContext } from './context.ts'
import * as v from 'valibot'
import { Id } from './schemas.ts'
import { doc } from './responses.ts'

export function apiTokenGuard(ctx: HttpContext) {
  return new Elysia({ name: 'parley-api-tokens' }).onBeforeHandle(
    { as: 'global' },
    async ({ request }) => {
      const token = bearer({ authorization: request.headers.get('authorization') ?? undefined })
      if (token !== null && isApiToken(token)) await ctx.apiTokens.admit(token, request.method)
    },
  )
}

export function tokenRoutes(ctx: HttpContext, revocations: Revocations) {
  /** A signed-in admin: tokens are managed by people, never by another token. */
  const admin = async (headers: Record<string, string | undefined>) => {
    const principal = await requireAdmin(ctx, headers)
    refuseApiToken(principal, 'managing API tokens')
    return principal
  }
  return new Elysia({ prefix: '/api/tokens' })
    .get(
      '',
      async ({ headers }) => {
        await admin(headers)
        return { tokens: await ctx.apiTokens.list() }
      },
      {
        detail: doc({
          summary: 'List API tokens',
          tag: 'tokens',
          description:
            'Newest first, revoked ones included; never a secret, only its first characters. ' +
            'A signed-in admin only: a token cannot manage tokens.',
          access: 'admin',
          ok: ApiTokenList,
        }),
      },
    )
    .post(
      '',
      async ({ headers, body, request, set }) => {
        const principal = await admin(headers)
        const { record, secret } = await ctx.apiTokens.create(principal, body)
        await ctx.audit.record({
          actor: principal,
          action: 'api_token.created',
          target: { kind: 'api_token', id: record.id },
          address: ctx.clientKey(request),
          details: { name: record.name, scope: record.scope, operatorId: record.operatorId },
        })
        set.status = 201
        return { token: await ctx.apiTokens.describe(record), secret }
      },
      {
        body: CreateApiTokenBody,
        detail: doc({
          summary: 'Make an API token',
          tag: 'tokens',
          description:
            'A token acting as an operator (the admin, unless `operatorId` names another), ' +
            'narrowed by its scope (`read`, `write`, `admin`), optionally expiring. The secret ' +
            'is in this answer only. On the audit trail.',
          access: 'admin',
          ok: CreatedApiToken,
          status: 201,
          okDescription: 'Made; `secret` is shown this once.',
        }),
      },
    )
    .delete(
      '/:id',
      async ({ headers, params, request, set }) => {
        const principal = await admin(headers)
        const before = await ctx.store.apiTokens.get(params.id)
        if (!before) throw new ParleyError('not_found', 'API token not found')
        if (before.revokedAt === null) {
          await ctx.apiTokens.revoke(params.id)
          await revocations.revoke({ kind: 'api_token', tokenId: params.id })
          await ctx.audit.record({
            actor: principal,
            action: 'api_token.revoked',
            target: { kind: 'api_token', id: params.id },
            address: ctx.clientKey(request),
            details: { name: before.name },
          })
        }
        set.status = 204
      },
      {
        params: v.object({ id: Id }),
        detail: doc({
          summary: 'Revoke an API token',
          tag: 'tokens',
          description: 'It stops working at once on every node. On the audit trail.',
          access: 'admin',
          noContent: true,
          okDescription: 'Revoked (or revoked already).',
        }),
      },
    )
}
