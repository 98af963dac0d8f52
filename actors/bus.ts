/**
 * The inbox bus: after every committed change, a conversation actor announces it on its inbox's
 * topic. The inbox actor (routing, escalation) and the operator actors of the inbox's members
 * (unread, unanswered, live feed) listen. In-process here; a cluster carries the same changes
 * over NATS.
 */
import type { SlaBreach } from '../protocol/sla.ts'
import type { AssignReason, Conversation, Party, PartyKind } from '../protocol/index.ts'

export type InboxChange =
  | { kind: 'created'; conversation: Conversation; seq: number }
  | { kind: 'message'; conversation: Conversation; seq: number; author: PartyKind }
  | { kind: 'message_updated'; conversation: Conversation; seq: number; author: PartyKind }
  | { kind: 'status'; conversation: Conversation; seq: number }
  /** Its priority or labels changed (issue 20). */
  | { kind: 'triage'; conversation: Conversation; seq: number }
  | { kind: 'read'; conversation: Conversation; seq: number; reader: Party; readSeq: number }
  | {
      kind: 'assigned'
      conversation: Conversation
      seq: number
      previousAssigneeId: string | null
      reason: AssignReason
      by: Party
      /** A transfer's note for its receiver (only in the receiver's alert, never stored). */
      note?: string
    }
  /** The assignee opened the conversation: its escalation is off for good. No event, no seq. */
  | { kind: 'opened'; conversation: Conversation; seq: number }
  /** Its visitor's name or e-mail changed (shown in rows and the sidebar). No event, no seq. */
  | { kind: 'details'; conversation: Conversation; seq: number }
  /** Deadlines of its SLA passed (issue 20): its assignee is alerted. */
  | { kind: 'sla_breached'; conversation: Conversation; seq: number; breaches: SlaBreach[] }

export type InboxChangeKind = InboxChange['kind']

export interface InboxBus {
  publish(change: InboxChange): void
  /** Calls listener for every change in the inbox; returns the unsubscribe function. */
  subscribe(inboxId: string, listener: (change: InboxChange) => void): () => void
}

/** Carries changes between nodes; absent on a single node. Same shape as the hub's relay. */
export interface BusRelay {
  publish(subject: string, payload: unknown): void
  watch(subject: string, handler: (payload: unknown) => void): () => void
}

/**
 * In-process listeners, plus (in a cluster) a relay: a change is delivered to this node's
 * listeners at once and published once on its inbox's subject for the other nodes, which
 * subscribe only to inboxes something of theirs listens to.
 */
export class LocalInboxBus implements InboxBus {
  private readonly remote = new Map<string, () => void>()

  constructor(private readonly relay: BusRelay | null = null) {}

  private readonly listeners = new Map<string, Set<(change: InboxChange) => void>>()

  publish(change: InboxChange): void {
    this.deliver(change)
    this.relay?.publish(`parley.bus.inbox.${change.conversation.inboxId}`, change)
  }

  private deliver(change: InboxChange): void {
    const set = this.listeners.get(change.conversation.inboxId)
    if (!set) return
    for (const listener of [...set]) listener(change)
  }

  subscribe(inboxId: string, listener: (change: InboxChange) => void): () => void {
    let set = this.listeners.get(inboxId)
    if (!set) {
      this.listeners.set(inboxId, (set = new Set()))
      if (this.relay) {
        const off = this.relay.watch(`parley.bus.inbox.${inboxId}`, (change) =>
          this.deliver(change as InboxChange),
        )
        this.remote.set(inboxId, off)
      }
    }
    set.add(listener)
    return () => {
      set.delete(listener)
      if (set.size === 0 && this.listeners.get(inboxId) === set) {
        this.listeners.delete(inboxId)
        this.remote.get(inboxId)?.()
        this.remote.delete(inboxId)
      }
    }
  }
}
