/**
 * The admin's API token calls (issue 17, I3): list, create (the secret comes back once) and
 * revoke (`/api/tokens`). Only the API tokens page's lazy chunk loads it. Types only from
 * protocol/api-tokens.ts: a value from it would bring its valibot schemas into the panel.
 */
import type { ApiToken, CreateApiTokenBody, CreatedApiToken } from '../../protocol/api-tokens.ts'
import { httpJson } from '../shared/index.ts'

export type { ApiToken, CreateApiTokenBody, CreatedApiToken }

/** The scopes, narrowest first (protocol's API_TOKEN_SCOPES). */
export const SCOPES: ReadonlyArray<ApiToken['scope']> = ['read', 'write', 'admin']
/** Longest token name (protocol's MAX_API_TOKEN_NAME). */
export const MAX_NAME = 100

export type TokensApi = ReturnType<typeof tokensApi>

export function tokensApi(http: { baseUrl: string; token: () => string | null }) {
  const call = <T>(path: string, opts: { method?: string; body?: unknown } = {}) =>
    httpJson<T>(http.baseUrl, `/api/tokens${path}`, { ...opts, token: http.token() })
  return {
    /** Newest first, revoked ones too. */
    list: () => call<{ tokens: ApiToken[] }>(''),
    create: (body: CreateApiTokenBody) => call<CreatedApiToken>('', { body }),
    revoke: (id: string) => call<null>(`/${encodeURIComponent(id)}`, { method: 'DELETE' }),
  }
}
