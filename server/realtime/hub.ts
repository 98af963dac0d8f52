/**
 * Local fan-out: which connections watch which conversation. Each published frame is encoded
 * once per format and handed to every subscription.
 */
import type { ConversationPublisher } from '../../actors/index.ts'
import { EncodedFrame, type EventFrame, type TypingEventFrame } from '../protocol/index.ts'
import type { Subscription } from './connection.ts'

export class Hub implements ConversationPublisher {
  private readonly watchers = new Map<string, Set<Subscription>>()
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

  get watchedConversations(): number {
    return this.watchers.size
  }
}
