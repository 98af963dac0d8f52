/**
 * The admin's compliance pages' calls (issue 18): the audit log (S6) and its downloads; only
 * the admin area's lazy chunk (components/settings-area.ts) loads them.
 */
import type { AuditEntry } from '../../actors/index.ts'
import { fromWire, httpJson, ParleyError, type WireError } from '../shared/index.ts'

export type { AuditEntry }

export const AUDIT_PAGE = 50

export interface AuditPage {
  entries: AuditEntry[]
  next: string | null
}

/** What the page filters by; empty strings and nulls: no filter. */
export interface AuditFilter {
  action: string
  actor: string
  /** Epoch ms, inclusive bounds. */
  from: number | null
  to: number | null
}

function params(f: AuditFilter): URLSearchParams {
  const p = new URLSearchParams()
  if (f.action) p.set('action', f.action)
  if (f.actor) p.set('actor', f.actor)
  if (f.from !== null) p.set('from', String(f.from))
  if (f.to !== null) p.set('to', String(f.to))
  return p
}

export function auditApi(http: { baseUrl: string; token: () => string | null }) {
  return {
    /** A page, newest first (`before`: the previous page's `next`). */
    page(filter: AuditFilter, before: string | null): Promise<AuditPage> {
      const q = params(filter)
      q.set('limit', String(AUDIT_PAGE))
      if (before) q.set('before', before)
      return httpJson<AuditPage>(http.baseUrl, `/api/admin/audit?${q}`, { token: http.token() })
    },
    /** The filtered trail as CSV (the server records the export). */
    async csv(filter: AuditFilter): Promise<Blob> {
      const q = params(filter)
      q.set('format', 'csv')
      let res: Response
      try {
        res = await fetch(`${http.baseUrl}/api/admin/audit?${q}`, {
          headers: { authorization: `Bearer ${http.token() ?? ''}` },
          cache: 'no-store',
        })
      } catch {
        throw new ParleyError('unavailable', 'network error')
      }
      if (!res.ok) {
        const body = (await res.json().catch(() => null)) as { error?: WireError } | null
        throw body?.error
          ? fromWire(body.error)
          : new ParleyError('unavailable', `HTTP ${res.status}`)
      }
      return res.blob()
    },
  }
}

/** Saves a fetched file through the browser's downloads (an object URL, freed soon after). */
export function saveFile(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob)
  const a = document.createElement('a')
  a.href = url
  a.download = name
  a.click()
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}
