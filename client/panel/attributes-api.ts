/**
 * The admin's custom attribute calls (issue 20): define, rename (or change a list's choices)
 * and delete an inbox's attributes (`/api/admin/...`). Only the settings' on-demand chunk
 * (Attributes-*) loads it; everyone reads definitions through attribute-defs.ts.
 */
import { httpJson } from '../shared/index.ts'
import type { AttributeDefinition } from './attributes/index.ts'

/** What the form defines: key, scope and type stay once defined; `options` for a list only. */
export type AttributeInput = Pick<AttributeDefinition, 'scope' | 'key' | 'name' | 'type'> & {
  options?: string[]
}

export function attributesApi(http: { baseUrl: string; token: () => string | null }) {
  const call = <T>(path: string, method: string, body?: unknown) =>
    httpJson<T>(http.baseUrl, `/api/admin${path}`, { method, body, token: http.token() })
  const one = (id: string) => `/attributes/${encodeURIComponent(id)}`
  return {
    create: (inboxId: string, input: AttributeInput) =>
      call<{ attribute: AttributeDefinition }>(
        `/inboxes/${encodeURIComponent(inboxId)}/attributes`,
        'POST',
        input,
      ),
    patch: (id: string, input: { name?: string; options?: string[] }) =>
      call<{ attribute: AttributeDefinition }>(one(id), 'PATCH', input),
    /** Its values leave every conversation and visitor that has one. */
    remove: (id: string) => call<{ ok: true; removedFrom: number }>(one(id), 'DELETE'),
  }
}
