/** The operator actor's commands and replies. */
import type { Badges, OperatorStatus, Party } from '../../protocol/index.ts'
import type { InboxChange } from '../bus.ts'
import type { Availability } from './presence.ts'

/** What `feed_subscribe` and the badge endpoint answer with. */
export interface OperatorSnapshot extends Availability {
  badges: Badges
  /** Unread visitor messages per conversation of the badge set (zeros omitted). */
  unread: Record<string, number>
}

export type OperatorCommand =
  /** `node`: the connection's node in a cluster (absent from nodes of older releases). */
  | { type: 'connected'; connId: string; node?: string }
  | { type: 'disconnected'; connId: string }
  | { type: 'grace_expired' }
  /** Timer (cluster): drop connections not re-announced within connectionTtlMs. */
  | { type: 'sweep_connections' }
  | { type: 'set_status'; status: OperatorStatus }
  /** `node`: the asking node in a cluster (a feed starts there). */
  | { type: 'snapshot'; node?: string }
  | { type: 'change'; change: InboxChange }
  /**
   * Role, permission or inbox membership changed: reload them and the badges from the store.
   * `resend` (a cluster link came back: feed frames may have been missed meanwhile) pushes a
   * `resync` feed frame with the whole snapshot, changed or not, so the panel reads its list
   * again too.
   */
  | { type: 'refresh'; resend?: boolean }
  /** Timer: the connected time going on lasted until now (analytics). */
  | { type: 'confirm_presence' }
  /** A colleague mentioned this operator in a private note (stored already): an alert. */
  | { type: 'mention'; conversationId: string; seq: number; by: Party; excerpt: string }

export interface OperatorReplies {
  connected: Availability
  disconnected: void
  grace_expired: void
  sweep_connections: void
  set_status: Availability
  snapshot: OperatorSnapshot
  change: void
  refresh: void
  confirm_presence: void
  mention: void
}
