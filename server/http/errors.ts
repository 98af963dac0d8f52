/**
 * Maps every error an HTTP route can raise to the wire error body and status: ParleyErrors
 * keep their code; Elysia's validation and parse errors become validation_failed / bad_request.
 */
import { Elysia } from 'elysia'
import type { Logger } from '../../actors/index.ts'
import { ParleyError, toWireError, type WireError } from '../../protocol/index.ts'

export function errorMapper(log: Logger) {
  return new Elysia({ name: 'parley-errors' }).onError({ as: 'global' }, ({ code, error, set }) => {
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
    if (wire.retryAfterMs !== undefined)
      set.headers['retry-after'] = String(Math.ceil(wire.retryAfterMs / 1000))
    return { error: wire }
  })
}

function validationMessage(error: unknown): string {
  try {
    const parsed = JSON.parse((error as Error).message) as {
      on?: string
      property?: { key?: string }
      message?: string
      summary?: string
    }
    const where = [parsed.on, parsed.property?.key].filter(Boolean).join('.')
    return `${where ? `${where}: ` : ''}${parsed.summary ?? parsed.message ?? 'invalid input'}`
  } catch {
    return 'invalid input'
  }
}
