/** Client-side construction of wire errors: every failure a caller sees is a ParleyError. */
import { ERROR_CODES, ParleyError, type WireError } from './protocol.ts'

/** A wire error from the server; an unknown code (a newer server) counts as internal_error. */
export function fromWire(wire: WireError): ParleyError {
  if (!(wire.code in ERROR_CODES)) return new ParleyError('internal_error', wire.message)
  return new ParleyError(wire.code, wire.message, { retryAfterMs: wire.retryAfterMs })
}

/** The connection dropped (or is not up) before the request was answered: retry later. */
export function disconnected(): ParleyError {
  return new ParleyError('unavailable', 'not connected')
}

/** True for the error `disconnected()` makes, as opposed to a server's own `unavailable`. */
export function isDisconnected(error: unknown): boolean {
  return (
    error instanceof ParleyError &&
    error.code === 'unavailable' &&
    error.message === 'not connected'
  )
}

export function asParleyError(error: unknown): ParleyError {
  if (error instanceof ParleyError) return error
  return new ParleyError('unavailable', 'network error')
}
