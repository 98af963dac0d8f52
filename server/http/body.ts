/**
 * Reads every request body for the routes: at most MAX_BODY_BYTES, JSON nested at most
 * MAX_NESTING deep. Counted here while reading, because a chunked body announces no length and
 * Bun's own limit answers with a bare 413 that has no error body; checked for depth before
 * JSON.parse, because the validation error Elysia builds stringifies the whole body and a
 * deeply nested one overflowed the stack (a retryable 500). Bodies are JSON: any other content
 * type (a form post, text/plain, multipart) is refused with 400 before it is read, so no route,
 * with a schema or without, ever sees a form-encoded body. The exceptions are the upload routes'
 * multipart bodies, left unread for the route to stream (with limits of its own).
 */
import { Elysia } from 'elysia'
import { jsonNestsDeeper, nestingError, ParleyError } from '../../protocol/index.ts'

/** Largest accepted request body, in bytes. */
export const MAX_BODY_BYTES = 1024 * 1024

const utf8 = new TextDecoder('utf-8', { fatal: true })
/** application/json and its structured-syntax kin (application/merge-patch+json, ...). */
const JSON_TYPE = /^application\/([\w.+-]+\+)?json$/i

/**
 * The routes whose body is a file, by method: left unread here, the route streams it
 * (attachments.ts, avatars.ts, help-images.ts).
 */
const UPLOAD_ROUTES: ReadonlyArray<{ method: string; path: RegExp }> = [
  { method: 'POST', path: /^\/api\/conversations\/[^/]+\/attachments\/?$/ },
  { method: 'PUT', path: /^\/api\/me\/avatar\/?$/ },
  { method: 'PUT', path: /^\/api\/admin\/operators\/[^/]+\/avatar\/?$/ },
  { method: 'POST', path: /^\/api\/help\/images\/?$/ },
]

/** The routes that take an HTML form's body (the public help center's feedback). */
const FORM_ROUTES = /^\/help\/[^/]+\/[^/]+\/articles\/[^/]+\/feedback\/?$/
/** A form's largest body: a vote and a comment of at most 1,000 characters, encoded. */
const MAX_FORM_BYTES = 16 * 1024

/** What an upload's body reads as to Elysia: nothing parsed, the stream still unread. */
export const STREAMED_BODY = Object.freeze({ streamed: true })

/** The global body parser; errors it throws reach errorMapper wrapped in Elysia's ParseError. */
export function bodyParser(maxBytes = MAX_BODY_BYTES) {
  return new Elysia({ name: 'parley-body' }).onParse(
    { as: 'global' },
    async ({ request }, contentType) => {
      if (!request.body || request.headers.get('content-length') === '0') return undefined
      if (/^multipart\/form-data\s*(;|$)/i.test(contentType.trim())) {
        const path = new URL(request.url).pathname
        if (UPLOAD_ROUTES.some((r) => r.method === request.method && r.path.test(path))) {
          return STREAMED_BODY
        }
      }
      if (/^application\/x-www-form-urlencoded\s*(;|$)/i.test(contentType.trim())) {
        // The help center's forms (feedback), which work without JavaScript; nowhere else.
        const path = new URL(request.url).pathname
        if (request.method === 'POST' && FORM_ROUTES.test(path)) {
          const bytes = await readLimited(request, MAX_FORM_BYTES)
          let text: string
          try {
            text = utf8.decode(bytes)
          } catch {
            throw new ParleyError('bad_request', 'request body is not valid UTF-8')
          }
          return Object.fromEntries(new URLSearchParams(text))
        }
      }
      if (!JSON_TYPE.test(contentType.trim())) {
        throw new ParleyError(
          'bad_request',
          'request body must be JSON (content-type: application/json)',
        )
      }
      const bytes = await readLimited(request, maxBytes)
      let text: string
      try {
        text = utf8.decode(bytes)
      } catch {
        throw new ParleyError('bad_request', 'request body is not valid UTF-8')
      }
      if (jsonNestsDeeper(text)) throw nestingError()
      try {
        return JSON.parse(text) as unknown
      } catch {
        throw new ParleyError('bad_request', 'request body is not valid JSON')
      }
    },
  )
}

function tooLarge(maxBytes: number): ParleyError {
  return new ParleyError('payload_too_large', `request body is larger than ${maxBytes} bytes`)
}

/** The body's bytes; payload_too_large as soon as more than maxBytes are announced or read. */
async function readLimited(request: Request, maxBytes: number): Promise<Uint8Array> {
  const declared = request.headers.get('content-length')
  if (declared !== null) {
    // HTTP framing ends the body at the announced length: the native read is bounded.
    if (Number(declared) > maxBytes) throw tooLarge(maxBytes)
    return new Uint8Array(await request.arrayBuffer())
  }
  const reader = (request.body as ReadableStream<Uint8Array>).getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.byteLength
    if (size > maxBytes) {
      // Stop here; the rest of the upload is never buffered.
      await reader.cancel().catch(() => undefined)
      throw tooLarge(maxBytes)
    }
    chunks.push(value)
  }
  return Buffer.concat(chunks)
}
