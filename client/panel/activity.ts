/**
 * The words of the thread's system lines and the names in them: an operator by their name
 * (from the inbox's team or the public names; one's own from the login), never a placeholder
 * once a name is known.
 */
import type { Party } from '../shared/index.ts'
import { operatorName } from './derive.ts'
import type { PanelState, StatusLine, TransferLine } from './store.ts'

const STATUS_VERB = { open: 'Reopened', resolved: 'Resolved', closed: 'Closed' } as const

/** An operator's name: from the team or the public names, the own one from the login. */
export function nameOf(state: PanelState, id: string): string {
  const own = state.login?.operator
  return operatorName(state, id) ?? (own?.id === id ? own.name : null) ?? 'An operator'
}

/** Who did it, as the line names them. */
function actor(state: PanelState, by: Party): string {
  if (by.kind === 'operator') return nameOf(state, by.id)
  return by.kind === 'visitor' ? 'the visitor' : 'routing'
}

/** The words of the line (names are plain text, rendered as text). */
export function activityText(state: PanelState, line: StatusLine | TransferLine): string {
  if (line.name === 'conversation.status') {
    const { status, by } = line.data
    if (by.kind === 'visitor') return status === 'open' ? 'Visitor reopened' : `Visitor ${status}`
    if (by.kind === 'system') return `${STATUS_VERB[status]} automatically`
    return `${STATUS_VERB[status]} by ${actor(state, by)}`
  }
  const { assigneeId, reason, by } = line.data
  const to = assigneeId ? nameOf(state, assigneeId) : null
  switch (reason) {
    case 'auto':
      return to ? `Auto-assigned to ${to}` : 'Back in the queue'
    case 'escalation':
      return to ? `Escalated to ${to}` : 'Escalated back to the queue'
    case 'released':
      return `Released by ${actor(state, by)}`
    case 'transfer':
      return to
        ? `Transferred to ${to} by ${actor(state, by)}`
        : `Transferred by ${actor(state, by)}`
    case 'manual':
      if (!to) return `Unassigned by ${actor(state, by)}`
      if (by.kind === 'operator' && by.id === assigneeId) return `${to} took it`
      return `Assigned to ${to} by ${actor(state, by)}`
  }
}
