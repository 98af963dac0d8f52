/**
 * Help-center images (issue 21, server/help/images.ts):
 *   POST /api/help/images?portal=<inbox id | shared>   multipart, field `file` -> 201 {image}
 *   GET  /help/images/:id                              the bytes; public, cached for a year
 * An upload is for one portal, by whoever may write its articles; an article saved with
 * another portal's image is refused (HelpService).
 */
import { Elysia } from 'elysia'
import * as v from 'valibot'
import { HELP_IMAGE_TYPES } from '../../protocol/help.ts'
import { ParleyError } from '../../protocol/index.ts'
import type { HelpImages } from '../help/images.ts'
import type { HttpContext } from './context.ts'
import { Portal, portalOf, refuseWrite } from './help.ts'
import { operatorOf } from './inbox-rights.ts'
import { doc } from './responses.ts'
import { Id } from './schemas.ts'
import { HelpImageShape } from './shapes-help.ts'

export function helpImageRoutes(ctx: HttpContext, images: HelpImages) {
  return new Elysia()
    .post(
      '/api/help/images',
      async ({ headers, query, request, set }) => {
        const op = await operatorOf(ctx, headers)
        const inboxId = portalOf(query.portal)
        refuseWrite(op, inboxId, 'articles')
        if (inboxId !== null && !(await ctx.store.inboxes.get(inboxId))) {
          throw new ParleyError('not_found', 'inbox not found')
        }
        const image = await images.upload(inboxId, op, request)
        set.status = 201
        return { image }
      },
      {
        query: v.object({ portal: Portal }),
        detail: doc({
          summary: 'Upload an image for articles',
          tag: 'help',
          description:
            'Multipart, field `file`: a PNG, JPEG, WebP or GIF of at most 10 MB, checked by ' +
            'its bytes and stored without its metadata. Articles of the portal (and, for the ' +
            'shared portal, every portal) show it as `![alt](url)`; one no saved article shows ' +
            'a day later is removed.',
          access: 'elevated',
          ok: HelpImageShape,
          status: 201,
          upload: { field: 'file', description: 'The image, as `multipart/form-data`.' },
          errors: [413, 415, 429],
        }),
      },
    )
    .get(
      '/help/images/:id',
      async ({ params, request }) => {
        const { record, size, body } = await images.open(params.id)
        const etag = `"${record.sha256}"`
        const headers: Record<string, string> = {
          'content-type': record.contentType,
          // An id names one picture for good: a new upload gets a new id.
          'cache-control': 'public, max-age=31536000, immutable',
          etag,
          'x-content-type-options': 'nosniff',
          'content-security-policy': "default-src 'none'; sandbox",
          // The widget's frame is a sandboxed (opaque) origin: it shows articles' images too.
          'cross-origin-resource-policy': 'cross-origin',
        }
        if (request.headers.get('if-none-match') === etag) {
          if (body instanceof ReadableStream) await body.cancel()
          return new Response(null, { status: 304, headers })
        }
        return new Response(body, { headers: { ...headers, 'content-length': String(size) } })
      },
      {
        params: v.object({ id: Id }),
        detail: doc({
          summary: 'A help-center image',
          tag: 'help',
          description:
            "An article's image. Public; an id never changes its picture: cached for a year.",
          access: 'public',
          raw: { type: HELP_IMAGE_TYPES, description: 'The image.' },
          errors: [404],
        }),
      },
    )
}
