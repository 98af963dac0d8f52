/**
 * Following a conversation (issue 20's participants): teammates who are not assigned keep it in
 * sight. Any operator who may view the conversation follows or stops for themselves; the list
 * takes `following=true`.
 */
import { Elysia } from 'elysia'
import * as v from 'valibot'
import { principalOf, type HttpContext } from './context.ts'
import { Id } from './schemas.ts'
import { doc } from './responses.ts'

const FollowersShape = v.object({ following: v.boolean(), followers: v.array(v.string()) })

export function followerRoutes(ctx: HttpContext) {
  const params = v.object({ id: Id })
  return new Elysia()
    .get(
      '/api/conversations/:id/followers',
      async ({ headers, params }) => ctx.chat.followers(await principalOf(ctx, headers), params.id),
      {
        params,
        detail: doc({
          summary: 'Who follows a conversation',
          tag: 'conversations',
          description: 'Operator ids, first follower first, and whether the caller is one.',
          access: 'operator',
          ok: FollowersShape,
        }),
      },
    )
    .put(
      '/api/conversations/:id/follow',
      async ({ headers, params }) =>
        ctx.chat.follow(await principalOf(ctx, headers), params.id, true),
      {
        params,
        detail: doc({
          summary: 'Follow a conversation',
          tag: 'conversations',
          description:
            'The caller follows it without being assigned (again: no change). At most 500 ' +
            'followed at once (422).',
          access: 'operator',
          ok: FollowersShape,
        }),
      },
    )
    .delete(
      '/api/conversations/:id/follow',
      async ({ headers, params }) =>
        ctx.chat.follow(await principalOf(ctx, headers), params.id, false),
      {
        params,
        detail: doc({
          summary: 'Stop following a conversation',
          tag: 'conversations',
          access: 'operator',
          ok: FollowersShape,
        }),
      },
    )
}
