/**
 * The admin's macro calls (issue 20): create, change and delete an inbox's macros
 * (`/api/admin/...`). Only the settings' lazy chunk loads it; operators read macros through the
 * panel's own api (api.ts).
 */
import { httpJson } from '../shared/index.ts'
import type { Macro } from './api.ts'

/** What the editor saves: a name and 1 to 10 actions, each checked against the inbox. */
export type MacroInput = Pick<Macro, 'name' | 'actions'>

export function macrosApi(http: { baseUrl: string; token: () => string | null }) {
  const call = <T>(path: string, method: string, body?: unknown) =>
    httpJson<T>(http.baseUrl, `/api/admin${path}`, { method, body, token: http.token() })
  const macro = (id: string) => `/macros/${encodeURIComponent(id)}`
  return {
    create: (inboxId: string, input: MacroInput) =>
      call<{ macro: Macro }>(`/inboxes/${encodeURIComponent(inboxId)}/macros`, 'POST', input),
    patch: (id: string, input: MacroInput) => call<{ macro: Macro }>(macro(id), 'PATCH', input),
    remove: (id: string) => call<{ ok: true }>(macro(id), 'DELETE'),
  }
}
