/**
 * The supervisors' live overview (O5): per inbox in the caller's scope, its operators (status,
 * presence, load) and per branch its queue and unanswered conversations. Built from the
 * availability snapshot (at most one read per inbox per two seconds, shared with the widget's
 * status) and one grouped query per inbox, so a panel refreshing it every ten seconds costs
 * little.
 */
import type { Clock, Store } from '../actors/index.ts'
import { ParleyError } from '../protocol/index.ts'
import type { AvailabilityService, TeamMember } from './availability.ts'
import type { OperatorPrincipal } from './supervisor.ts'

/** Inboxes one overview shows at most (alphabetically first); `truncated` says when more exist. */
export const MAX_OVERVIEW_INBOXES = 100

/** A branch of an inbox, with its routing queue and its unanswered conversations. */
export interface OverviewBranch {
  id: string
  name: string
  isDefault: boolean
  /** Within its opening hours now. */
  withinHours: boolean
  /** Open conversations waiting for an operator (unassigned). */
  waiting: number
  /** When the oldest of them was created (epoch ms); null when none waits. */
  oldestWaitingAt: number | null
  /** Open conversations whose newest message by a person is the visitor's. */
  unanswered: number
}

export interface OverviewInbox {
  id: string
  name: string
  /** Open conversations an operator takes at most (routing); null: no limit. */
  capacity: number | null
  /** The operators of its branches: status, presence and open conversations here (`open`). */
  operators: TeamMember[]
  branches: OverviewBranch[]
}

export interface Overview {
  /** When it was built (server time, epoch ms): waiting times count from here. */
  at: number
  inboxes: OverviewInbox[]
  truncated: boolean
}

export async function buildOverview(
  deps: { store: Store; availability: AvailabilityService; clock: Clock },
  principal: OperatorPrincipal,
): Promise<Overview> {
  const scope = principal.inboxIds ?? null
  const all = (await deps.store.inboxes.list())
    .filter((inbox) => scope === null || scope.includes(inbox.id))
    .sort((a, b) => a.name.localeCompare(b.name) || (a.id < b.id ? -1 : 1))
  const shown = all.slice(0, MAX_OVERVIEW_INBOXES)
  const inboxes = await Promise.all(
    shown.map(async (inbox): Promise<OverviewInbox | null> => {
      let team
      try {
        team = await deps.availability.team(inbox.id)
      } catch (error) {
        // Deleted meanwhile: left out like one that never existed.
        if (error instanceof ParleyError && error.code === 'not_found') return null
        throw error
      }
      const queues = await deps.store.queries.branchQueues(inbox.id)
      const defaultId =
        team.branches.find((b) => b.isDefault)?.id ?? team.branches[0]?.id ?? inbox.id
      const branches = new Map<string, OverviewBranch>(
        team.branches.map((b) => [
          b.id,
          { ...b, waiting: 0, oldestWaitingAt: null, unanswered: 0 } satisfies OverviewBranch,
        ]),
      )
      for (const q of queues) {
        // Rows from before branches, or of a branch gone meanwhile, are routed by the default.
        const branch = branches.get(q.branchId ?? defaultId) ?? branches.get(defaultId)
        if (!branch) continue
        branch.waiting += q.waiting
        branch.unanswered += q.unanswered
        if (q.oldestWaitingAt !== null) {
          branch.oldestWaitingAt = Math.min(branch.oldestWaitingAt ?? Infinity, q.oldestWaitingAt)
        }
      }
      const capacity = inbox.settings.maxOpenPerOperator
      return {
        id: inbox.id,
        name: inbox.name,
        capacity: capacity > 0 ? capacity : null,
        operators: [...team.operators].sort((a, b) => a.name.localeCompare(b.name)),
        branches: [...branches.values()],
      }
    }),
  )
  return {
    at: deps.clock.now(),
    inboxes: inboxes.filter((i): i is OverviewInbox => i !== null),
    truncated: all.length > shown.length,
  }
}
