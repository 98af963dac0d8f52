/** Values computed from the panel state: the visitor's watermarks, receipts, edit rights. */
import type { Conversation, Message } from '../shared/index.ts'
import { generatedVisitorName } from '../../protocol/visitor-label.ts'
import { t } from './i18n.ts'
import { priorityRank } from './labels.ts'
import { inboxOrder, type PanelState, type PendingMessage } from './store.ts'

import type { ReceiptStatus } from '../shared/ui/ReceiptMark.tsx'
export type Receipt = ReceiptStatus

export function selected(state: PanelState): Conversation | undefined {
  return state.conversations.find((c) => c.id === state.selectedId)
}

/** The visitor's highest read and delivered watermarks in the conversation on screen. */
export function visitorMarks(state: PanelState): { read: number; delivered: number } {
  let read = 0
  let delivered = 0
  for (const rs of state.readStates) {
    if (rs.reader.kind !== 'visitor') continue
    read = Math.max(read, rs.readSeq)
    delivered = Math.max(delivered, rs.deliveredSeq, rs.readSeq)
  }
  return { read, delivered }
}

/** The signed-in operator's own read watermark in the conversation on screen. */
export function ownRead(state: PanelState): number {
  const me = state.login?.operator.id
  const rs = state.readStates.find((x) => x.reader.kind === 'operator' && x.reader.id === me)
  return rs?.readSeq ?? 0
}

export function newestVisitorSeq(state: PanelState): number {
  for (let i = state.messages.length - 1; i >= 0; i--) {
    const m = state.messages[i] as Message
    if (m.author.kind === 'visitor') return m.seq
  }
  return 0
}

export function isMine(state: PanelState, m: Message): boolean {
  return m.author.kind === 'operator' && m.author.id === state.login?.operator.id
}

/** One tick delivered, two ticks read: from the visitor's watermarks (C5). */
export function receiptOf(state: PanelState, m: Message | PendingMessage): Receipt {
  if (!('seq' in m)) return m.failed ? 'failed' : 'pending'
  const marks = visitorMarks(state)
  if (marks.read >= m.seq) return 'read'
  if (marks.delivered >= m.seq) return 'delivered'
  return 'sent'
}

/** An operator may edit or delete an own message until the visitor has read it (C6). */
export function canChange(state: PanelState, m: Message): boolean {
  return isMine(state, m) && m.deletedAt === null && visitorMarks(state).read < m.seq
}

/** Whether it has the attribute filter's `key:value` (text ignoring case, as the server). */
function hasAttribute(c: Conversation, filter: string): boolean {
  const at = filter.indexOf(':')
  const value = c.attributes?.[filter.slice(0, at)]
  return value !== undefined && String(value).toLowerCase() === filter.slice(at + 1).toLowerCase()
}

/** Whether the list's view and filters take this conversation (as the server decides). */
export function listed(state: PanelState, c: Conversation): boolean {
  const q = state.list
  return (
    (q.status === '' || c.status === q.status) &&
    (q.inbox === '' || c.inboxId === q.inbox) &&
    (q.assignee === '' || c.assigneeId === q.assignee) &&
    (!q.unanswered || c.hasUnansweredIncoming) &&
    (q.label === '' || (c.labels?.includes(q.label) ?? false)) &&
    (q.attribute === '' || hasAttribute(c, q.attribute)) &&
    (q.priority === '' || (c.priority ?? 'normal') === q.priority) &&
    q.snoozed === (c.snooze !== undefined) &&
    (!q.following || state.followed[c.id] === true) &&
    (q.view !== 'mine' || c.assigneeId === state.login?.operator.id) &&
    (q.view !== 'unassigned' || (c.status === 'open' && c.assigneeId === null))
  )
}

const RANK: Record<Conversation['status'], number> = {
  open: 0,
  pending: 1,
  resolved: 2,
  closed: 3,
}
const NOT_WAITING = Number.MAX_SAFE_INTEGER

/** The waiting order: open first; within a status longest waiting first, the rest by activity. */
function waitingOrder(a: Conversation, b: Conversation): number {
  return (
    RANK[a.status] - RANK[b.status] ||
    (a.waitingSince ?? NOT_WAITING) - (b.waitingSince ?? NOT_WAITING) ||
    inboxOrder(a, b)
  )
}

/** The priority order (issue 20): open first; within a status most urgent first, then newest. */
function priorityOrder(a: Conversation, b: Conversation): number {
  return RANK[a.status] - RANK[b.status] || priorityRank(a) - priorityRank(b) || inboxOrder(a, b)
}

/** The rows the list shows: those its filters take, in its order. */
export function visibleConversations(state: PanelState): Conversation[] {
  const rows = state.conversations.filter((c) => listed(state, c))
  const sort = state.list.sort
  return sort === 'activity' ? rows : rows.sort(sort === 'waiting' ? waitingOrder : priorityOrder)
}

/** "now", "5 min", "3 h", "2 d": how long ago, short (in the UI language). */
export function ago(at: number, now: number): string {
  const minutes = Math.floor(Math.max(0, now - at) / 60_000)
  if (minutes < 1) return t('now')
  if (minutes < 60) return t('{n} min', { n: minutes })
  const hours = Math.floor(minutes / 60)
  return hours < 24 ? t('{n} h', { n: hours }) : t('{n} d', { n: Math.floor(hours / 24) })
}

/** An operator's name as the panel knows it, or null (not learnt yet, or not to be had). */
export function operatorName(state: PanelState, id: string): string | null {
  return state.names[id] ?? null
}

/** A branch's name, from the inbox's team or the admin's branches page. */
export function branchName(state: PanelState, inboxId: string, branchId: string): string | null {
  const fromTeam = state.teams[inboxId]?.branches.find((b) => b.id === branchId)
  if (fromTeam) return fromTeam.name
  return state.branches?.branches.find((b) => b.id === branchId)?.name ?? null
}

/**
 * The visitor as the panel calls them: their name, else their e-mail, as their details or the
 * list gave them; else the name derived from their id, as the server derives it. Of an erased
 * conversation (issue 18): "Erased visitor".
 */
export function visitorLabel(
  state: PanelState,
  visitorId: string,
  conversationId?: string,
  erased = false,
): string {
  if (erased) return t('Erased visitor')
  const listed = conversationId ? state.rowDetails[conversationId]?.visitor.label : undefined
  return state.visitorLabels[visitorId] ?? listed ?? generatedVisitorName(visitorId)
}
