/**
 * Values computed from the state: unread count, a message's receipt status, edit rights, the
 * place in the queue, the pre-chat form and its answers.
 */
import type { InboxSettings, Message } from '../shared/index.ts'
import type { Profile } from './api.ts'
import type { PendingMessage, WidgetState } from './store.ts'

import type { ReceiptStatus } from '../shared/ui/ReceiptMark.tsx'
export type Receipt = ReceiptStatus

/** Operator messages the visitor has not read (the launcher badge). */
export function unreadCount(state: WidgetState): number {
  let n = 0
  for (const m of state.messages) {
    if (m.author.kind === 'operator' && m.deletedAt === null && m.seq > state.ownRead) n++
  }
  return n
}

/** The newest operator message's seq: what `read` / `delivered` acknowledge. */
export function newestOperatorSeq(state: WidgetState): number {
  for (let i = state.messages.length - 1; i >= 0; i--) {
    const m = state.messages[i] as Message
    if (m.author.kind === 'operator') return m.seq
  }
  return 0
}

export function isMine(state: WidgetState, m: Message): boolean {
  return (
    m.author.kind === 'visitor' && (state.visitorId === null || m.author.id === state.visitorId)
  )
}

/** One tick delivered, two ticks read: from the operators' watermarks (C5). */
export function receiptOf(state: WidgetState, m: Message | PendingMessage): Receipt {
  if (!('seq' in m)) return m.failed ? 'failed' : 'pending'
  if (state.operatorRead >= m.seq) return 'read'
  if (state.operatorDelivered >= m.seq) return 'delivered'
  return 'sent'
}

/** The visitor may edit or delete an own message until an operator has read it (C6). */
export function canChange(state: WidgetState, m: Message): boolean {
  return isMine(state, m) && m.deletedAt === null && state.operatorRead < m.seq
}

/** The conversation's place in the queue while it waits (open, unassigned); else null. */
export function queuePlace(state: WidgetState): number | null {
  const c = state.conversation
  return c?.status === 'open' && !c.assigneeId ? state.queue : null
}

export type PreChatForm = InboxSettings['preChat']
export type PreChatField = PreChatForm['fields'][number]

const NO_FORM: PreChatForm = { mode: 'off', fields: [] }

/** The inbox's pre-chat form; off until the availability answer tells (or from an older server). */
export function preChatForm(state: WidgetState): PreChatForm {
  const form = state.availability?.preChat
  return form && form.fields.length > 0 ? form : NO_FORM
}

/** A field's answer on the profile ('' when none): its own field or an attribute. */
export function fieldValue(profile: Profile, key: string): string {
  const value =
    key === 'name' || key === 'email' || key === 'phone' ? profile[key] : profile.attributes[key]
  return value === null || value === undefined ? '' : String(value).trim()
}
