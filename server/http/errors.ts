/**
 * Maps every error an HTTP route can raise to the wire error body and status: ParleyErrors
 * keep their code (also when thrown by the body parser, which Elysia wraps in a ParseError);
 * Elysia's validation and parse errors become validation_failed / bad_request. Every error
 * response is counted by route pattern and code.
 */
import { Elysia } from 'elysia'
import type { Logger } from '../../actors/index.ts'
import type { Metrics } from '../metrics.ts'
import { ParleyError, toWireError, type WireError } from '../../protocol/index.ts'

export function errorMapper(log: Logger, metrics: Metrics) {
  return new Elysia({ name: 'parley-errors' }).onError({ as: 'global' }, (context) => {
    const { code, set } = context
    const error =
      code === 'PARSE' && context.error.cause instanceof ParleyError
        ? context.error.cause
        : context.error
    let wire: WireError
    let status: number
    if (error instanceof ParleyError) {
      wire = error.toWire()
      status = error.status
    } else if (code === 'VALIDATION') {
      wire = { code: 'validation_failed', message: validationMessage(error), retryable: false }
      status = 422
    } else if (code === 'PARSE') {
      wire = { code: 'bad_request', message: 'request body is not valid', retryable: false }
      status = 400
    } else if (code === 'NOT_FOUND') {
      wire = { code: 'not_found', message: 'no such route', retryable: false }
      status = 404
    } else {
      log.error('http request failed', { code, error })
      wire = toWireError(error)
      status = 500
    }
    set.status = status
    // The pattern (`/api/conversations/:id`), never the raw path: one series per route, not per id.
    metrics.inc('parley_http_errors_total', 'HTTP requests answered with an error.', {
      route: context.route || 'unmatched',
      code: wire.code,
    })
    if (wire.retryAfterMs !== undefined)
      set.headers['retry-after'] = String(Math.ceil(wire.retryAfterMs / 1000))
    return { error: wire }
  })
}

/**
 * The typed JSON error response outside Elysia's routing: a request whose URL cannot be parsed
 * (a malformed Host header), or anything thrown by the server's own fetch handler (Bun.serve's
 * `error` handler). The same body as every route's error, never a page with paths or a stack.
 */
export function errorResponse(error: unknown): Response {
  const wire = toWireError(error)
  const headers: Record<string, string> = {
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  }
  if (wire.retryAfterMs !== undefined)
    headers['retry-after'] = String(Math.ceil(wire.retryAfterMs / 1000))
  const status = error instanceof ParleyError ? error.status : 500
  return Response.json({ error: wire }, { status, headers })
}

function validationMessage(error: unknown): string {
  try {
    const parsed = JSON.parse((error as Error).message) as {
      on?: string
      property?: { key?: string }
      message?: string
      summary?: string
      errors?: Array<{ message?: string; path?: Array<{ key?: unknown }> }>
    }
    // The first issue's whole path ("body.settings.appearance.accentColor", "items[2].id"), so
    // a form can mark the very field; else the top-level key Elysia names.
    const first = parsed.errors?.[0]
    const path = (first?.path ?? []).reduce(
      (at, { key }) =>
        typeof key === 'number' ? `${at}[${key}]` : `${at}${at ? '.' : ''}${String(key)}`,
      '',
    )
    const where = path
      ? [parsed.on, path].filter(Boolean).join('.')
      : [parsed.on, parsed.property?.key].filter(Boolean).join('.')
    const message = first?.message ?? parsed.summary ?? parsed.message ?? 'invalid input'
    return `${where ? `${where}: ` : ''}${message}`
  } catch {
    return 'invalid input'
  }
}
