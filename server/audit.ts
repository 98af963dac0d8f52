/**
 * The audit trail (issue 18, S6): who did what, to what, when and from where. Recorded after
 * the action succeeded; a refused action leaves no entry (a failed login does: that is the
 * action). A failure to record is logged as an error and does not undo or fail the action.
 * Read by admins only (`GET /api/admin/audit`, JSON or CSV); nothing in the product edits or
 * deletes an entry (retention, when configured, removes old ones).
 */
import {
  newId,
  type AuditEntry,
  type AuditStore,
  type Clock,
  type Logger,
} from '../actors/index.ts'
import { csv } from './csv.ts'

export interface AuditAction {
  /**
   * The operator who acted (a principal: one acting through an API token names it, and the
   * entry's details say which token); null: nobody signed in (a failed login), or the system.
   */
  actor:
    | { kind: 'operator'; id: string; token?: { id: string } }
    | { kind: 'anonymous' }
    | { kind: 'system' }
    | null
  action: string
  target?: { kind: string; id: string } | null
  address?: string | null
  details?: Record<string, unknown> | null
}

export class AuditTrail {
  constructor(
    private readonly store: AuditStore,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  async record(a: AuditAction): Promise<void> {
    const actor = a.actor
    const entry: AuditEntry = {
      id: newId(),
      at: this.clock.now(),
      actorKind:
        actor?.kind === 'operator' ? 'operator' : actor?.kind === 'system' ? 'system' : 'anonymous',
      actorId: actor?.kind === 'operator' ? actor.id : null,
      action: a.action,
      targetKind: a.target?.kind ?? null,
      targetId: a.target?.id ?? null,
      address: a.address ?? null,
      details:
        actor?.kind === 'operator' && actor.token
          ? { ...a.details, apiToken: actor.token.id }
          : (a.details ?? null),
    }
    try {
      await this.store.append(entry)
    } catch (error) {
      this.log.error('audit: an action could not be recorded', {
        action: entry.action,
        actorId: entry.actorId,
        targetId: entry.targetId,
        error: String(error),
      })
    }
  }
}

/** CSV of entries (server/csv.ts: formula-safe cells). */
export function auditCsv(entries: readonly AuditEntry[]): string {
  return csv(
    [
      'id',
      'time',
      'actor_kind',
      'actor_id',
      'action',
      'target_kind',
      'target_id',
      'address',
      'details',
    ],
    entries.map((e) => [
      e.id,
      new Date(e.at).toISOString(),
      e.actorKind,
      e.actorId,
      e.action,
      e.targetKind,
      e.targetId,
      e.address,
      e.details,
    ]),
  )
}
