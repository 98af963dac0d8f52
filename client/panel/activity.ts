/**
 * The words of the thread's system lines and the names in them: an operator by their name
 * (from the inbox's team or the public names; one's own from the login), never a placeholder
 * once a name is known.
 */
import type { Party } from '../shared/index.ts'
import { operatorName } from './derive.ts'
import { t, tn } from './i18n.ts'
import { PRIORITY_NAMES } from './labels.ts'
import type { PanelState, StatusLine, TagLine, TransferLine } from './store.ts'

/** An operator's name: from the team or the public names, the own one from the login. */
export function nameOf(state: PanelState, id: string): string {
  const own = state.login?.operator
  return operatorName(state, id) ?? (own?.id === id ? own.name : null) ?? t('An operator')
}

/** Done by an automation rule (issue 20): the system as `rule:<ruleId>/<depth>`. */
export const byRule = (by: Party) => by.kind === 'system' && by.id.startsWith('rule:')

/** Who wrote a note or mentioned someone: an operator by name, or an automation rule. */
export function authorName(state: PanelState, by: Party): string {
  return byRule(by) ? t('Automation rule') : nameOf(state, by.id)
}

/** Who did it, as the line names them. */
function actor(state: PanelState, by: Party): string {
  if (by.kind === 'operator') return nameOf(state, by.id)
  if (byRule(by)) return t('Automation rule')
  return by.kind === 'visitor' ? t('the visitor') : t('routing')
}

/**
 * A priority or labels line (issue 20): "Anna set priority to High", "Anna added label Billing",
 * "System removed label Billing" (its inbox deleted it). A label this panel never knew, deleted
 * before it loaded the inbox's labels, is "(deleted)".
 */
function tagText(state: PanelState, line: TagLine): string {
  const by = line.data.by
  const name = by.kind === 'operator' || byRule(by) ? actor(state, by) : t('System')
  if (line.name === 'conversation.priority') {
    const priority = t(PRIORITY_NAMES[line.data.priority])
    return t('{name} set priority to {priority}', { name, priority })
  }
  const inboxId = state.conversations.find((c) => c.id === line.conversationId)?.inboxId ?? ''
  const known = state.labels[inboxId]
  const names = (ids: string[]) =>
    ids
      .map((id) => (known ? (known.find((l) => l.id === id)?.name ?? t('(deleted)')) : '…'))
      .join(', ')
  const { added, removed } = line.data
  if (added.length > 0 && removed.length > 0) {
    return t('{name} added {added} and removed {removed}', {
      name,
      added: names(added),
      removed: names(removed),
    })
  }
  const labels = names(added.length > 0 ? added : removed)
  return added.length > 0
    ? tn(added.length, '{name} added label {labels}', '{name} added labels {labels}', {
        name,
        labels,
      })
    : tn(removed.length, '{name} removed label {labels}', '{name} removed labels {labels}', {
        name,
        labels,
      })
}

/** Whether the status line before this one in the thread made it pending (issue 20). */
function wasPending(state: PanelState, line: StatusLine): boolean {
  let before: StatusLine | undefined
  for (const l of state.activity) {
    if (l.seq >= line.seq) break
    if (l.name === 'conversation.status') before = l
  }
  return before?.data.status === 'pending'
}

/** The words of the line (names are plain text, rendered as text). */
export function activityText(state: PanelState, line: StatusLine | TransferLine | TagLine): string {
  if (line.name === 'conversation.priority' || line.name === 'conversation.labels') {
    return tagText(state, line)
  }
  if (line.name === 'conversation.status') {
    const { status, by } = line.data
    if (by.kind === 'visitor') {
      if (status === 'open') {
        // Pending (issue 20) was never closed to them: they wrote back.
        return wasPending(state, line)
          ? t('The visitor replied: open again')
          : t('Visitor reopened')
      }
      return status === 'resolved' ? t('Visitor resolved') : t('Visitor closed')
    }
    if (by.kind === 'system' && !byRule(by)) {
      if (status === 'open') return t('Reopened automatically')
      if (status === 'pending') return t('Marked pending automatically')
      return status === 'resolved' ? t('Resolved automatically') : t('Closed automatically')
    }
    const name = actor(state, by)
    if (status === 'open') return t('Reopened by {name}', { name })
    if (status === 'pending') return t('{name} marked it pending', { name })
    return status === 'resolved'
      ? t('Resolved by {name}', { name })
      : t('Closed by {name}', { name })
  }
  const { assigneeId, reason, by } = line.data
  const to = assigneeId ? nameOf(state, assigneeId) : null
  switch (reason) {
    case 'auto':
      return to ? t('Auto-assigned to {name}', { name: to }) : t('Back in the queue')
    case 'escalation':
      return to ? t('Escalated to {name}', { name: to }) : t('Escalated back to the queue')
    case 'released':
      return t('Released by {name}', { name: actor(state, by) })
    case 'transfer':
      return to
        ? t('Transferred to {to} by {name}', { to, name: actor(state, by) })
        : t('Transferred by {name}', { name: actor(state, by) })
    case 'manual':
      if (!to) return t('Unassigned by {name}', { name: actor(state, by) })
      if (by.kind === 'operator' && by.id === assigneeId) return t('{name} took it', { name: to })
      return t('Assigned to {to} by {name}', { to, name: actor(state, by) })
  }
}
