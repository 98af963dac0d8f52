/**
 * An operator's notifications outside the panel (issue 17, I4):
 *   GET /api/me/notifications -> { emailDigest, available }  available: the server sends e-mail
 *   PUT /api/me/notifications { emailDigest } -> the same
 * Digests (server/mail/digests.ts) go to the operator's own e-mail address.
 */
import { Elysia } from 'elysia'
import * as v from 'valibot'
import { ParleyError } from '../../protocol/index.ts'
import { principalOf, type HttpContext } from './context.ts'
import { doc } from './responses.ts'
import { NotificationPrefsShape } from './shapes-chat.ts'

export function notificationRoutes(ctx: HttpContext, mailAvailable: boolean) {
  const operatorOf = async (headers: Record<string, string | undefined>) => {
    const principal = await principalOf(ctx, headers)
    if (principal.kind !== 'operator') throw new ParleyError('forbidden', 'operators only')
    return principal
  }
  const view = async (operatorId: string) => ({
    emailDigest: (await ctx.store.notificationPrefs.get(operatorId))?.emailDigest ?? false,
    available: mailAvailable,
  })
  return new Elysia({ prefix: '/api/me/notifications' })
    .get('', async ({ headers }) => view((await operatorOf(headers)).id), {
      detail: doc({
        summary: 'My e-mail notifications',
        tag: 'me',
        description:
          'Whether the operator gets e-mail digests, and whether this server sends e-mail.',
        access: 'operator',
        ok: NotificationPrefsShape,
      }),
    })
    .put(
      '',
      async ({ headers, body }) => {
        const op = await operatorOf(headers)
        if (body.emailDigest && !mailAvailable) {
          throw new ParleyError('not_configured', 'this server sends no e-mail (SMTP_HOST)')
        }
        await ctx.store.notificationPrefs.setEmailDigest(op.id, body.emailDigest, ctx.clock.now())
        return view(op.id)
      },
      {
        body: v.strictObject({ emailDigest: v.boolean() }),
        detail: doc({
          summary: 'Switch my e-mail digest',
          tag: 'me',
          description:
            "Digests go to the operator's own address. Switching one on needs a server that " +
            'sends e-mail (503 `not_configured` otherwise).',
          access: 'operator',
          ok: NotificationPrefsShape,
          errors: [503],
        }),
      },
    )
}
