/**
 * API tokens (issue 17, I3; docs/api.md): credentials an admin makes for integrations, sent as
 * `Authorization: Bearer pat_...` on the REST API. A token acts as one operator (its "as"
 * operator), never with more rights than that operator has, and its scope narrows them further:
 * - `read`: GET and HEAD requests only, and nothing of the admin API;
 * - `write`: every request an operator can make in conversations, nothing of the admin API;
 * - `admin`: everything the operator can do, the admin API included (an admin's token).
 * Tokens are shown once, stored hashed, revocable; a token cannot manage tokens, sign out
 * sessions or change passwords (those need a signed-in operator).
 */
import * as v from 'valibot'
import { wireString } from './strings.ts'

export const API_TOKEN_SCOPES = ['read', 'write', 'admin'] as const
export const ApiTokenScope = v.picklist(API_TOKEN_SCOPES)
export type ApiTokenScope = v.InferOutput<typeof ApiTokenScope>

/** What every token starts with: tells a leaked one apart in logs and secret scanners. */
export const API_TOKEN_PREFIX = 'pat_'
/** Longest token name, in characters. */
export const MAX_API_TOKEN_NAME = 100
/** Tokens (revoked ones aside) the server keeps at most. */
export const MAX_API_TOKENS = 200
/** A token's lifetime may be set up to this many days (none: until revoked). */
export const MAX_API_TOKEN_DAYS = 3650

/** A token as the admin API lists it: never the secret, only its first characters. */
export const ApiToken = v.object({
  id: v.string(),
  name: v.string(),
  scope: ApiTokenScope,
  /** The token's first characters (`pat_` and four more), to recognize it. */
  prefix: v.string(),
  /** The operator the token acts as. */
  operator: v.object({ id: v.string(), name: v.string() }),
  /** Who made it (null: that operator was erased since). */
  createdBy: v.nullable(v.object({ id: v.string(), name: v.string() })),
  createdAt: v.number(),
  /** When a request last used it (to the minute); null: never. */
  lastUsedAt: v.nullable(v.number()),
  /** When it stops working; null: until revoked. */
  expiresAt: v.nullable(v.number()),
  /** When an admin revoked it; null: not revoked. */
  revokedAt: v.nullable(v.number()),
})
export type ApiToken = v.InferOutput<typeof ApiToken>

export const CreateApiTokenBody = v.strictObject({
  name: v.pipe(
    wireString('name'),
    v.trim(),
    v.minLength(1, 'name: required'),
    v.maxLength(MAX_API_TOKEN_NAME, `name: at most ${MAX_API_TOKEN_NAME} characters`),
  ),
  scope: ApiTokenScope,
  /** The operator the token acts as; absent: the admin who makes it. */
  operatorId: v.optional(v.pipe(wireString('operatorId'), v.maxLength(64))),
  /** Days until it expires; absent: until revoked. */
  expiresInDays: v.optional(
    v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(MAX_API_TOKEN_DAYS)),
  ),
})
export type CreateApiTokenBody = v.InferInput<typeof CreateApiTokenBody>

/** The answer to a create: the only time the secret is shown. */
export const CreatedApiToken = v.object({ token: ApiToken, secret: v.string() })
export type CreatedApiToken = v.InferOutput<typeof CreatedApiToken>

export const ApiTokenList = v.object({ tokens: v.array(ApiToken) })
