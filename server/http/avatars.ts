/**
 * Operators' pictures (docs/protocol.md 13.7):
 *   PUT    /api/me/avatar                   multipart, field `file` -> the operator (with avatarId)
 *   DELETE /api/me/avatar                   -> the operator (avatarId null: initials)
 *   PUT    /api/admin/operators/:id/avatar  the same for any operator (admins)
 *   DELETE /api/admin/operators/:id/avatar
 *   GET    /api/avatars/:avatarId           the WebP square; public, cached for a year
 */
import { Elysia } from 'elysia'
import * as v from 'valibot'
import { ParleyError } from '../../protocol/index.ts'
import type { AvatarService } from '../attachments/avatars.ts'
import { operatorView } from '../auth/index.ts'
import { principalOf, requireAdmin, type HttpContext } from './context.ts'
import { Id } from './schemas.ts'
import { doc } from './responses.ts'
import { OperatorShape } from './shapes-admin.ts'

const setDoc = (summary: string, access: 'operator' | 'admin') =>
  doc({
    summary,
    tag: 'me',
    description:
      'Multipart, field `file`: an image, cropped to a square and stored as WebP. Answers the ' +
      'operator with its new `avatarId`.',
    access,
    ok: OperatorShape,
    upload: { field: 'file', description: 'The image, as `multipart/form-data`.' },
    errors: [413, 415, 429],
  })

const removeDoc = (summary: string, access: 'operator' | 'admin') =>
  doc({
    summary,
    tag: 'me',
    description: 'Back to initials: answers the operator with `avatarId` null.',
    access,
    ok: OperatorShape,
  })

export function avatarRoutes(ctx: HttpContext, avatars: AvatarService) {
  const own = async (headers: Record<string, string | undefined>) => {
    const principal = await principalOf(ctx, headers)
    if (principal.kind !== 'operator') throw new ParleyError('forbidden', 'operators only')
    return principal
  }
  const params = v.object({ id: Id })
  return new Elysia()
    .put(
      '/api/me/avatar',
      async ({ headers, request }) => {
        const principal = await own(headers)
        return operatorView(await avatars.set(principal.id, principal, request))
      },
      { detail: setDoc('My picture', 'operator') },
    )
    .delete(
      '/api/me/avatar',
      async ({ headers }) => {
        const principal = await own(headers)
        return operatorView(await avatars.remove(principal.id))
      },
      { detail: removeDoc('Remove my picture', 'operator') },
    )
    .put(
      '/api/admin/operators/:id/avatar',
      async ({ headers, params, request }) => {
        const admin = await requireAdmin(ctx, headers)
        return operatorView(await avatars.set(params.id, admin, request))
      },
      { params, detail: setDoc("An operator's picture", 'admin') },
    )
    .delete(
      '/api/admin/operators/:id/avatar',
      async ({ headers, params }) => {
        await requireAdmin(ctx, headers)
        return operatorView(await avatars.remove(params.id))
      },
      { params, detail: removeDoc("Remove an operator's picture", 'admin') },
    )
    .get(
      '/api/avatars/:id',
      async ({ params }) => {
        const { size, body } = await avatars.open(params.id)
        return new Response(body, {
          headers: {
            'content-type': 'image/webp',
            'content-length': String(size),
            // A picture never changes under its id: a new one gets a new id.
            'cache-control': 'public, max-age=31536000, immutable',
            'x-content-type-options': 'nosniff',
            'content-security-policy': "default-src 'none'; sandbox",
            // Public, and the widget's frame is a sandboxed (opaque) origin: any page may show it.
            'cross-origin-resource-policy': 'cross-origin',
          },
        })
      },
      {
        params,
        detail: doc({
          summary: "An operator's picture",
          tag: 'me',
          description: 'The WebP square. A picture never changes under its id: cached for a year.',
          access: 'public',
          raw: { type: 'image/webp', description: 'The picture.' },
          errors: [404],
        }),
      },
    )
}
