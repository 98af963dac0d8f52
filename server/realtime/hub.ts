/**
 * Local fan-out: which connections watch which conversation. Each published frame is encoded
 * once per format and handed to every subscription.
 */
import type { ConversationPublisher, OperatorFeed } from '../../actors/index.ts'
import {
  EncodedFrame,
  type EventFrame,
  type FeedFrame,
  type TypingEventFrame,
} from '../protocol/index.ts'
import type { Connection, Subscription } from './connection.ts'

export class Hub implements ConversationPublisher, OperatorFeed {
  private readonly watchers = new Map<string, Set<Subscription>>()
  /** Connections that asked for an operator's feed, by operator id. */
  private readonly feeds = new Map<string, Set<Connection>>()
  /** Events published (not deliveries); for metrics. */
  published = 0

  add(sub: Subscription): void {
    let set = this.watchers.get(sub.conversationId)
    if (!set) this.watchers.set(sub.conversationId, (set = new Set()))
    set.add(sub)
  }

  remove(sub: Subscription): void {
    const set = this.watchers.get(sub.conversationId)
    if (!set) return
    set.delete(sub)
    if (set.size === 0) this.watchers.delete(sub.conversationId)
  }

  publish(frame: EventFrame | TypingEventFrame): void {
    this.published++
    const set = this.watchers.get(frame.conversationId)
    if (!set) return
    const encoded = new EncodedFrame(frame)
    for (const sub of set) sub.deliver(frame, encoded)
  }

  watchFeed(operatorId: string, conn: Connection): void {
    let set = this.feeds.get(operatorId)
    if (!set) this.feeds.set(operatorId, (set = new Set()))
    set.add(conn)
  }

  unwatchFeed(operatorId: string, conn: Connection): void {
    const set = this.feeds.get(operatorId)
    if (!set) return
    set.delete(conn)
    if (set.size === 0) this.feeds.delete(operatorId)
  }

  /** An operator actor's feed frame, to every connection of that operator that watches it. */
  push(operatorId: string, frame: FeedFrame): void {
    const set = this.feeds.get(operatorId)
    if (!set) return
    const encoded = new EncodedFrame(frame)
    for (const conn of set) conn.sendEncoded(encoded)
  }

  get watchedConversations(): number {
    return this.watchers.size
  }
}
