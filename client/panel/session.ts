/**
 * The operator's login, kept in localStorage so a reload stays signed in, and the TokenSource
 * the shared transport connects with. A token the server refuses (expired, revoked) signs out.
 * localStorage is per origin: the widget frame and the demo page come from this server too, but
 * run sandboxed in an opaque origin (server/http/static.ts), so no script there can read it.
 */
import {
  ParleyError,
  type ErrorCode,
  type OperatorView,
  type TokenSource,
} from '../shared/index.ts'

const KEY = 'parley:operator'

export interface StoredLogin {
  token: string
  expiresAt: number
  operator: OperatorView
}

export function loadLogin(): StoredLogin | null {
  try {
    const login = JSON.parse(localStorage.getItem(KEY) ?? 'null') as StoredLogin | null
    return login && login.expiresAt > Date.now() ? login : null
  } catch {
    return null
  }
}

export function saveLogin(login: StoredLogin | null): void {
  if (login) localStorage.setItem(KEY, JSON.stringify(login))
  else localStorage.removeItem(KEY)
}

/** Tokens for the transport: the stored login's, or a refusal when signed out. */
export function operatorTokens(
  current: () => StoredLogin | null,
  onRejected: (code: ErrorCode) => void,
): TokenSource {
  return {
    token() {
      const login = current()
      if (login) return Promise.resolve(login.token)
      return Promise.reject(new ParleyError('unauthenticated', 'signed out'))
    },
    rejected(token, code) {
      if (current()?.token === token) onRejected(code)
    },
  }
}
