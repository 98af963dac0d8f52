/**
 * Wire errors. One class with a stable string code; every thrown value is mapped to a wire error
 * by `toWireError`, which passes ParleyErrors through and turns anything else into
 * `internal_error` (the caller logs the original).
 */

/** Every error code a client can see, with its HTTP status and whether a retry may succeed. */
export const ERROR_CODES = {
  bad_request: { status: 400, retryable: false },
  invalid_frame: { status: 400, retryable: false },
  unknown_type: { status: 400, retryable: false },
  frame_too_large: { status: 413, retryable: false },
  payload_too_large: { status: 413, retryable: false },
  unauthenticated: { status: 401, retryable: false },
  token_expired: { status: 401, retryable: false },
  /** A verified visitor's identity must be proved again (the inbox's identity secret rotated). */
  identity_required: { status: 401, retryable: false },
  forbidden: { status: 403, retryable: false },
  /** A browser request from a site the inbox does not allow (S3), or to the panel's API from another site. */
  origin_not_allowed: { status: 403, retryable: false },
  not_found: { status: 404, retryable: false },
  conflict: { status: 409, retryable: false },
  validation_failed: { status: 422, retryable: false },
  /** An upload whose content (sniffed from its bytes, never its name) is not allowed. */
  unsupported_media_type: { status: 415, retryable: false },
  /** A Range header no byte of the file satisfies. */
  range_not_satisfiable: { status: 416, retryable: false },
  MESSAGE_ALREADY_READ: { status: 409, retryable: false },
  MESSAGE_ALREADY_DELETED: { status: 409, retryable: false },
  MESSAGE_ACTION_FORBIDDEN: { status: 403, retryable: false },
  rate_limited: { status: 429, retryable: true },
  /** Behaviour looked like abuse (S4): solve a challenge (POST /api/visitor/challenge), then retry. */
  captcha_required: { status: 428, retryable: true },
  /** A challenge's solution that is wrong, expired, someone else's or used already. */
  captcha_invalid: { status: 422, retryable: false },
  too_many_connections: { status: 429, retryable: true },
  overloaded: { status: 503, retryable: true },
  unavailable: { status: 503, retryable: true },
  /** What the request needs is not set up on this server (e-mail without SMTP_HOST). */
  not_configured: { status: 503, retryable: false },
  internal_error: { status: 500, retryable: true },
} as const

export type ErrorCode = keyof typeof ERROR_CODES

/** The error body carried by an `error` frame and by every non-2xx HTTP response. */
export interface WireError {
  code: ErrorCode
  message: string
  retryable: boolean
  /** Milliseconds after which a retry is sensible (rate limits, overload). */
  retryAfterMs?: number
}

export class ParleyError extends Error {
  readonly code: ErrorCode
  readonly retryAfterMs: number | undefined

  constructor(
    code: ErrorCode,
    message: string,
    opts: { retryAfterMs?: number; cause?: unknown } = {},
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause })
    this.name = 'ParleyError'
    this.code = code
    this.retryAfterMs = opts.retryAfterMs
  }

  get retryable(): boolean {
    return ERROR_CODES[this.code].retryable
  }

  get status(): number {
    return ERROR_CODES[this.code].status
  }

  toWire(): WireError {
    const wire: WireError = { code: this.code, message: this.message, retryable: this.retryable }
    if (this.retryAfterMs !== undefined) wire.retryAfterMs = this.retryAfterMs
    return wire
  }
}

export function isParleyError(value: unknown): value is ParleyError {
  return value instanceof ParleyError
}

/** Maps any thrown value to a wire error; non-Parley errors become a generic internal_error. */
export function toWireError(value: unknown): WireError {
  if (value instanceof ParleyError) return value.toWire()
  return { code: 'internal_error', message: 'internal error', retryable: true }
}

export function httpStatusOf(code: ErrorCode): number {
  return ERROR_CODES[code].status
}
