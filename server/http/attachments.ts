/**
 * Attachment routes (F1-F4, docs/protocol.md 7):
 *   POST /api/conversations/:id/attachments              multipart, field `file` -> 201 {attachment}
 *   GET  /api/conversations/:id/attachments/:aid         bytes (bearer token, or a signed link)
 *   POST /api/conversations/:id/attachments/links        {ids} -> {links} (signed, short-lived)
 * Downloads answer conditional requests (ETag, Last-Modified -> 304) and one byte range (206,
 * 416), stream from the storage, and are never sniffed or rendered as a page.
 */
import { Elysia } from 'elysia'
import * as v from 'valibot'
import { ParleyError, MAX_ATTACHMENTS_PER_MESSAGE } from '../../protocol/index.ts'
import type { AttachmentService, Download, DownloadAuth, Variant } from '../attachments/service.ts'
import { bearer, principalOf, type HttpContext } from './context.ts'
import { Id } from './schemas.ts'
import { doc } from './responses.ts'
import { AttachmentCreatedShape, AttachmentLinksShape } from './shapes-chat.ts'

/** Shown inline (a preview in the thread or a new tab); anything else always downloads. */
const INLINE_TYPES = new Set([
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/webp',
  'application/pdf',
  'video/mp4',
  'video/webm',
  'audio/mpeg',
  'audio/ogg',
])

export function attachmentRoutes(ctx: HttpContext, attachments: AttachmentService) {
  const params = v.object({ id: Id })
  return new Elysia({ prefix: '/api/conversations' })
    .post(
      '/:id/attachments',
      async ({ headers, params, request, set }) => {
        const principal = await principalOf(ctx, headers)
        const attachment = await attachments.upload(principal, params.id, request)
        set.status = 201
        return { attachment }
      },
      {
        params,
        detail: doc({
          summary: 'Upload a file',
          tag: 'attachments',
          description:
            'Multipart, field `file`. Its type is sniffed from the bytes and must be one the ' +
            'inbox allows, within its size limit; images lose their metadata. Send it with a ' +
            'message (`attachmentIds`) within a day, or it is removed.',
          access: 'participant',
          ok: AttachmentCreatedShape,
          status: 201,
          okDescription: 'Stored; not yet on a message.',
          upload: { field: 'file', description: 'The file, as `multipart/form-data`.' },
          errors: [409, 413, 415, 429],
        }),
      },
    )
    .post(
      '/:id/attachments/links',
      async ({ headers, params, body }) => ({
        links: await attachments.links(await principalOf(ctx, headers), params.id, body.ids),
      }),
      {
        params,
        body: v.strictObject({
          ids: v.pipe(v.array(Id), v.minLength(1), v.maxLength(5 * MAX_ATTACHMENTS_PER_MESSAGE)),
        }),
        detail: doc({
          summary: 'Signed download links',
          tag: 'attachments',
          description:
            'Short-lived links to files of the conversation (and their previews) that work ' +
            'without a token, e.g. in an `<img src>`.',
          access: 'participant',
          ok: AttachmentLinksShape,
        }),
      },
    )
    .get(
      '/:id/attachments/:attachmentId',
      async ({ headers, params, query, request }) => {
        const variant: Variant = query.variant === 'thumb' ? 'thumb' : 'original'
        let auth: DownloadAuth
        if (query.sig !== undefined || query.expires !== undefined) {
          if (query.sig === undefined || query.expires === undefined) {
            throw new ParleyError('forbidden', 'the link is invalid')
          }
          auth = {
            kind: 'signed',
            sig: query.sig,
            expires: query.expires,
            client: ctx.clientKey(request),
          }
        } else {
          if (bearer(headers) === null)
            throw new ParleyError('unauthenticated', 'sign in or use a signed link')
          auth = { kind: 'principal', principal: await principalOf(ctx, headers) }
        }
        const file = await attachments.download(params.id, params.attachmentId, variant, auth)
        return respond(file, request, query.download === '1')
      },
      {
        params: v.object({ id: Id, attachmentId: Id }),
        query: v.object({
          variant: v.optional(v.picklist(['thumb'])),
          download: v.optional(v.picklist(['1'])),
          expires: v.optional(
            v.pipe(
              v.string(),
              v.regex(/^\d{1,15}$/, 'expires must be a time'),
              v.transform(Number),
            ),
          ),
          sig: v.optional(v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{43}$/, 'sig is malformed'))),
        }),
        detail: doc({
          summary: 'Download a file',
          tag: 'attachments',
          description:
            'With the bearer token of a participant, or a signed link (`expires`, `sig`) and no ' +
            'token. `variant=thumb`: the preview; `download=1`: as an attachment. Answers ' +
            'conditional requests (304) and one byte range (206, 416).',
          access: 'optional',
          raw: { type: '*/*', description: 'The bytes, as stored.' },
          errors: [416, 429],
        }),
      },
    )
}

/** The response for a checked download: 200, 206, 304 or 416, streamed, with its headers. */
export function respond(file: Download, request: Request, forceDownload: boolean): Response {
  const lastModified = new Date(Math.floor(file.record.createdAt / 1000) * 1000).toUTCString()
  const headers = new Headers({
    etag: file.etag,
    'last-modified': lastModified,
    'cache-control': 'private, max-age=3600',
    'x-content-type-options': 'nosniff',
    // Whatever the bytes are, they never run as a page of this origin.
    'content-security-policy': "default-src 'none'; sandbox",
    'accept-ranges': 'bytes',
  })
  if (notModified(request, file.etag, file.record.createdAt)) {
    file.release()
    return new Response(null, { status: 304, headers })
  }
  headers.set('content-type', contentTypeHeader(file.contentType))
  headers.set('content-disposition', disposition(file, forceDownload))
  const range = requestedRange(request, file.etag, file.size)
  if (range === 'unsatisfiable') {
    file.release()
    headers.set('content-range', `bytes */${file.size}`)
    headers.set('content-type', 'application/json')
    headers.delete('content-disposition')
    const error = new ParleyError(
      'range_not_satisfiable',
      `no byte of the range is in the file (${file.size} bytes)`,
    )
    return Response.json(
      { error: { code: error.code, message: error.message, retryable: false } },
      { status: 416, headers },
    )
  }
  const bytes = range ? file.body(range) : file.body()
  // A file slice goes out at once (sendfile); a stream holds its download slot until it ends.
  let body: Blob | ReadableStream<Uint8Array>
  if (bytes instanceof ReadableStream) body = released(bytes, file.release)
  else {
    file.release()
    body = bytes
  }
  if (range) {
    headers.set('content-range', `bytes ${range.start}-${range.end}/${file.size}`)
    headers.set('content-length', String(range.end - range.start + 1))
    return new Response(body, { status: 206, headers })
  }
  headers.set('content-length', String(file.size))
  return new Response(body, { status: 200, headers })
}

/** If-None-Match wins over If-Modified-Since (RFC 9110 13.2.2). */
function notModified(request: Request, etag: string, createdAt: number): boolean {
  const inm = request.headers.get('if-none-match')
  if (inm !== null) {
    return (
      inm.trim() === '*' || inm.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag)
    )
  }
  const ims = request.headers.get('if-modified-since')
  if (ims === null) return false
  const since = Date.parse(ims)
  return !Number.isNaN(since) && Math.floor(createdAt / 1000) * 1000 <= since
}

/**
 * One byte range of `Range: bytes=...` (RFC 9110 14): null for the whole file (no header, an
 * If-Range that does not match, several ranges, or a header this does not understand, which
 * a server may ignore), or 'unsatisfiable' when no byte of it is in the file.
 */
export function requestedRange(
  request: Request,
  etag: string,
  size: number,
): { start: number; end: number } | 'unsatisfiable' | null {
  const header = request.headers.get('range')
  if (header === null) return null
  const ifRange = request.headers.get('if-range')
  if (ifRange !== null && ifRange.trim() !== etag) return null
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim())
  if (!match) return null
  const [, from = '', to = ''] = match
  if (from === '' && to === '') return null
  if (from === '') {
    // The last N bytes; bytes=-0 asks for none.
    const n = Number(to)
    if (n === 0 || size === 0) return 'unsatisfiable'
    return { start: Math.max(0, size - n), end: size - 1 }
  }
  const start = Number(from)
  if (start >= size) return 'unsatisfiable'
  const end = to === '' ? size - 1 : Math.min(Number(to), size - 1)
  if (end < start) return null
  return { start, end }
}

function contentTypeHeader(type: string): string {
  return type.startsWith('text/') ? `${type}; charset=utf-8` : type
}

/** RFC 6266: inline only for types a browser shows safely; an ASCII fallback and filename*. */
function disposition(file: Download, forceDownload: boolean): string {
  const inline = !forceDownload && (file.variant === 'thumb' || INLINE_TYPES.has(file.contentType))
  const name = file.variant === 'thumb' ? `${file.record.name}.webp` : file.record.name
  const fallback = name.replace(/[^\x20-\x7e]|["\\%]/g, '_')
  const encoded = encodeURIComponent(name).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  )
  return `${inline ? 'inline' : 'attachment'}; filename="${fallback}"; filename*=UTF-8''${encoded}`
}

/** The stream, calling `done` once when it ends, fails or the client goes away. */
function released(
  stream: ReadableStream<Uint8Array>,
  done: () => void,
): ReadableStream<Uint8Array> {
  const reader = stream.getReader()
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { done: end, value } = await reader.read()
        if (end) {
          done()
          controller.close()
        } else controller.enqueue(value)
      } catch (error) {
        done()
        controller.error(error)
      }
    },
    cancel(reason) {
      done()
      return reader.cancel(reason)
    },
  })
}
