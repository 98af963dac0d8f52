/**
 * The admin's label calls (issue 20): create, rename or recolor, and delete an inbox's labels
 * (`/api/admin/...`). Only the settings' lazy chunk loads it; everyone reads labels through
 * the panel's own api (api.ts).
 */
import { httpJson } from '../shared/index.ts'
import type { Label } from './api.ts'

/** What the form saves: a name (1 to MAX_LABEL_NAME characters) and a #rrggbb color. */
export type LabelInput = Pick<Label, 'name' | 'color'>

export function labelsApi(http: { baseUrl: string; token: () => string | null }) {
  const call = <T>(path: string, method: string, body?: unknown) =>
    httpJson<T>(http.baseUrl, `/api/admin${path}`, { method, body, token: http.token() })
  const label = (id: string) => `/labels/${encodeURIComponent(id)}`
  return {
    create: (inboxId: string, input: LabelInput) =>
      call<{ label: Label }>(`/inboxes/${encodeURIComponent(inboxId)}/labels`, 'POST', input),
    patch: (id: string, input: Partial<LabelInput>) =>
      call<{ label: Label }>(label(id), 'PATCH', input),
    /** It leaves every conversation that has it (each gets a line saying so). */
    remove: (id: string) => call<{ ok: true }>(label(id), 'DELETE'),
  }
}
