/**
 * Visitor session tokens (S2): `v1.<payload>.<signature>`, HMAC-SHA256 over the payload with the
 * server secret, base64url. Stateless, so any node can check them; they expire in <= 24 h. The
 * issued-at time lets a revocation void every token issued before it (visitor-gate.ts).
 */
import { createHmac, timingSafeEqual } from 'node:crypto'
import { ParleyError } from '../../protocol/index.ts'

export interface VisitorClaims {
  visitorId: string
  inboxId: string
  /** Expiry, Unix epoch milliseconds. */
  expiresAt: number
  /** When the token was issued, Unix epoch milliseconds. */
  issuedAt: number
}

const PREFIX = 'v1.'
/** The longest lifetime a visitor token may have (VISITOR_TOKEN_TTL is at most this). */
export const MAX_VISITOR_TOKEN_MS = 86_400_000

export function isVisitorToken(token: string): boolean {
  return token.startsWith(PREFIX)
}

/**
 * Signs claims into a token. Without `issuedAt` the token has no issued-at claim, as tokens
 * signed before it existed, and counts as issued as early as its expiry allows.
 */
export function signVisitorToken(
  secret: string,
  claims: Omit<VisitorClaims, 'issuedAt'> & { issuedAt?: number },
): string {
  const payload = Buffer.from(
    JSON.stringify({
      v: claims.visitorId,
      i: claims.inboxId,
      e: claims.expiresAt,
      t: claims.issuedAt,
    }),
  ).toString('base64url')
  return `${PREFIX}${payload}.${mac(secret, payload)}`
}

/** Returns the claims of a well-signed, unexpired token; throws a typed error otherwise. */
export function verifyVisitorToken(secret: string, token: string, now: number): VisitorClaims {
  const rest = token.startsWith(PREFIX) ? token.slice(PREFIX.length) : ''
  const dot = rest.indexOf('.')
  if (dot <= 0) throw new ParleyError('unauthenticated', 'malformed token')
  const payload = rest.slice(0, dot)
  // Compare the encoded text, not decoded bytes: a lenient base64 decoder ignores padding and
  // stray characters, and each such variant would pass as a distinct token (per-token limits).
  const given = Buffer.from(rest.slice(dot + 1))
  const expected = Buffer.from(mac(secret, payload))
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new ParleyError('unauthenticated', 'invalid token')
  }
  let claims: { v?: unknown; i?: unknown; e?: unknown; t?: unknown }
  try {
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'))
  } catch {
    throw new ParleyError('unauthenticated', 'malformed token')
  }
  if (
    typeof claims.v !== 'string' ||
    typeof claims.i !== 'string' ||
    typeof claims.e !== 'number' ||
    (claims.t !== undefined && typeof claims.t !== 'number')
  ) {
    throw new ParleyError('unauthenticated', 'malformed token')
  }
  if (claims.e <= now)
    throw new ParleyError('token_expired', 'token expired; request a new session')
  // A token from before the issued-at claim: the earliest it can have been issued, so that any
  // revocation since then covers it.
  const issuedAt = claims.t ?? claims.e - MAX_VISITOR_TOKEN_MS
  return { visitorId: claims.v, inboxId: claims.i, expiresAt: claims.e, issuedAt }
}

/**
 * Identity verification (W2): the site's backend sends hex HMAC-SHA256(inbox secret, user id);
 * a match proves the site vouches for this user id.
 */
export function verifyIdentityHash(identitySecret: string, userId: string, hash: string): boolean {
  const expected = createHmac('sha256', identitySecret).update(userId).digest()
  const given = Buffer.from(hash, 'hex')
  return given.length === expected.length && timingSafeEqual(given, expected)
}

function mac(secret: string, payload: string): string {
  return createHmac('sha256', secret).update(payload).digest('base64url')
}
