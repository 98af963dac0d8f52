/**
 * The inbox bus: after every committed change, a conversation actor announces it on its inbox's
 * topic. The inbox actor (routing, escalation) and the operator actors of the inbox's members
 * (unread, unanswered, live feed) listen. In-process here; a cluster carries the same changes
 * over NATS.
 */
import type { AssignReason, Conversation, Party, PartyKind } from '../server/protocol/index.ts'

export type InboxChange =
  | { kind: 'created'; conversation: Conversation; seq: number }
  | { kind: 'message'; conversation: Conversation; seq: number; author: PartyKind }
  | { kind: 'message_updated'; conversation: Conversation; seq: number; author: PartyKind }
  | { kind: 'status'; conversation: Conversation; seq: number }
  | { kind: 'read'; conversation: Conversation; seq: number; reader: Party; readSeq: number }
  | {
      kind: 'assigned'
      conversation: Conversation
      seq: number
      previousAssigneeId: string | null
      reason: AssignReason
      by: Party
    }
  /** The assignee opened the conversation: its escalation is off for good. No event, no seq. */
  | { kind: 'opened'; conversation: Conversation; seq: number }

export type InboxChangeKind = InboxChange['kind']

export interface InboxBus {
  publish(change: InboxChange): void
  /** Calls listener for every change in the inbox; returns the unsubscribe function. */
  subscribe(inboxId: string, listener: (change: InboxChange) => void): () => void
}

export class LocalInboxBus implements InboxBus {
  private readonly listeners = new Map<string, Set<(change: InboxChange) => void>>()

  publish(change: InboxChange): void {
    const set = this.listeners.get(change.conversation.inboxId)
    if (!set) return
    for (const listener of [...set]) listener(change)
  }

  subscribe(inboxId: string, listener: (change: InboxChange) => void): () => void {
    let set = this.listeners.get(inboxId)
    if (!set) this.listeners.set(inboxId, (set = new Set()))
    set.add(listener)
    return () => {
      set.delete(listener)
      if (set.size === 0) this.listeners.delete(inboxId)
    }
  }
}
