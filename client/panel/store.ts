/**
 * The panel's state so far: the operator session (login, logout, the token kept in
 * localStorage). The inbox, conversation view and admin pages come with the next increment
 * and will build on the same shared transport as the widget (client/shared).
 */
import { createStore } from 'solid-js/store'
import type { OperatorView } from '../../server/auth/index.ts'
import { asParleyError, httpJson } from '../shared/index.ts'

const KEY = 'parley:operator'

interface StoredLogin {
  token: string
  expiresAt: number
  operator: OperatorView
}

export interface PanelState {
  login: StoredLogin | null
  busy: boolean
  error: string | null
}

export function createPanel(baseUrl: string) {
  const [state, setState] = createStore<PanelState>({ login: load(), busy: false, error: null })
  const actions = {
    async login(email: string, password: string) {
      setState({ busy: true, error: null })
      try {
        const login = await httpJson<StoredLogin>(baseUrl, '/api/auth/login', {
          body: { email, password },
        })
        localStorage.setItem(KEY, JSON.stringify(login))
        setState({ login, busy: false })
      } catch (e) {
        setState({ busy: false, error: asParleyError(e).message })
      }
    },
    async logout() {
      const token = state.login?.token
      localStorage.removeItem(KEY)
      setState({ login: null })
      if (token) await httpJson(baseUrl, '/api/auth/logout', { body: {}, token }).catch(() => null)
    },
  }
  return { state, actions }
}

export type Panel = ReturnType<typeof createPanel>

function load(): StoredLogin | null {
  try {
    const login = JSON.parse(localStorage.getItem(KEY) ?? 'null') as StoredLogin | null
    return login && login.expiresAt > Date.now() ? login : null
  } catch {
    return null
  }
}
