/**
 * Fan-out: which connections watch which conversation or operator feed. Each frame is encoded
 * once per format and handed to every local watcher. In a cluster, a relay carries frames to
 * the other nodes: this node publishes what its own actors produce once per subject, and
 * subscribes to a subject only while one of its connections watches it.
 */
import type { ConversationPublisher, OperatorFeed } from '../../actors/index.ts'
import {
  EncodedFrame,
  type EventFrame,
  type FeedFrame,
  type TypingEventFrame,
} from '../protocol/index.ts'
import type { Connection, Subscription } from './connection.ts'

/** Carries frames between nodes (server/cluster/relay.ts); absent on a single node. */
export interface HubRelay {
  publish(subject: string, payload: unknown): void
  watch(subject: string, handler: (payload: unknown) => void): () => void
  ready(): Promise<void>
}

const conversationSubject = (id: string) => `parley.ev.conv.${id}`
const feedSubject = (operatorId: string) => `parley.ev.op.${operatorId}`

export class Hub implements ConversationPublisher, OperatorFeed {
  private readonly watchers = new Map<string, Set<Subscription>>()
  /** Connections that asked for an operator's feed, by operator id. */
  private readonly feeds = new Map<string, Set<Connection>>()
  /** Relay subscriptions, by conversation id and by operator id. */
  private readonly remote = new Map<string, () => void>()
  /** Events published (not deliveries); for metrics. */
  published = 0

  constructor(private readonly relay: HubRelay | null = null) {}

  add(sub: Subscription): void {
    let set = this.watchers.get(sub.conversationId)
    if (!set) {
      this.watchers.set(sub.conversationId, (set = new Set()))
      this.watchRemote(conversationSubject(sub.conversationId), (frame) =>
        this.deliver(frame as EventFrame | TypingEventFrame),
      )
    }
    set.add(sub)
  }

  /** Resolves once frames from other nodes reach the watchers added so far (before a replay). */
  ready(): Promise<void> {
    return this.relay ? this.relay.ready() : Promise.resolve()
  }

  remove(sub: Subscription): void {
    const set = this.watchers.get(sub.conversationId)
    if (!set) return
    set.delete(sub)
    if (set.size === 0) {
      this.watchers.delete(sub.conversationId)
      this.unwatchRemote(conversationSubject(sub.conversationId))
    }
  }

  /** An event of an actor on this node: to local watchers, then once to the cluster. */
  publish(frame: EventFrame | TypingEventFrame): void {
    this.published++
    this.deliver(frame)
    this.relay?.publish(conversationSubject(frame.conversationId), frame)
  }

  private deliver(frame: EventFrame | TypingEventFrame): void {
    const set = this.watchers.get(frame.conversationId)
    if (!set) return
    const encoded = new EncodedFrame(frame)
    for (const sub of set) sub.deliver(frame, encoded)
  }

  watchFeed(operatorId: string, conn: Connection): void {
    let set = this.feeds.get(operatorId)
    if (!set) {
      this.feeds.set(operatorId, (set = new Set()))
      this.watchRemote(feedSubject(operatorId), (frame) =>
        this.pushLocal(operatorId, frame as FeedFrame),
      )
    }
    set.add(conn)
  }

  unwatchFeed(operatorId: string, conn: Connection): void {
    const set = this.feeds.get(operatorId)
    if (!set) return
    set.delete(conn)
    if (set.size === 0) {
      this.feeds.delete(operatorId)
      this.unwatchRemote(feedSubject(operatorId))
    }
  }

  /** An operator actor's feed frame, to every connection of that operator that watches it. */
  push(operatorId: string, frame: FeedFrame): void {
    this.pushLocal(operatorId, frame)
    this.relay?.publish(feedSubject(operatorId), frame)
  }

  private pushLocal(operatorId: string, frame: FeedFrame): void {
    const set = this.feeds.get(operatorId)
    if (!set) return
    const encoded = new EncodedFrame(frame)
    for (const conn of set) conn.sendEncoded(encoded)
  }

  private watchRemote(subject: string, handler: (payload: unknown) => void): void {
    if (this.relay) this.remote.set(subject, this.relay.watch(subject, handler))
  }

  private unwatchRemote(subject: string): void {
    this.remote.get(subject)?.()
    this.remote.delete(subject)
  }

  get watchedConversations(): number {
    return this.watchers.size
  }
}
