/**
 * Fan-out: which connections watch which conversation or operator feed. Each frame is encoded
 * once per format and handed to every local watcher. In a cluster, a relay carries frames to
 * the other nodes: this node publishes what its own actors produce once per subject, and
 * subscribes to a subject only while one of its connections watches it. An operator's feed
 * frames of one event-loop turn travel as one message (feed-batch.ts).
 */
import {
  silentLogger,
  type ConversationPublisher,
  type Logger,
  type OperatorFeed,
} from '../../actors/index.ts'
import {
  EncodedFrame,
  isOperatorOnly,
  type Format,
  type EventFrame,
  type FeedBatchFrame,
  type FeedFrame,
  type EphemeralEventFrame,
} from '../../protocol/index.ts'
import type { Connection, Subscription } from './connection.ts'
import { FeedBatcher, feedJson } from './feed-batch.ts'

/** Carries frames between nodes (server/cluster/relay.ts); absent on a single node. */
export interface HubRelay {
  /** `json`: the payload's JSON text when the caller has it (not encoded again). */
  publish(subject: string, payload: unknown, json?: string): void
  /** The handler gets the payload and its JSON text as published. */
  watch(subject: string, handler: (payload: unknown, json: string) => void): () => void
  ready(): Promise<void>
}

/** Bun's topic publish (server.publish): one native call writes a frame to every member. */
export type NativePublish = (topic: string, data: string | Uint8Array) => void

const conversationSubject = (id: string) => `parley.ev.conv.${id}`
const nativeTopic = (format: Format, conversationId: string) => `${format}:${conversationId}`
const feedSubject = (operatorId: string) => `parley.ev.op.${operatorId}`

export class Hub implements ConversationPublisher, OperatorFeed {
  private readonly watchers = new Map<string, Set<Subscription>>()
  /** Connections that asked for an operator's feed, by operator id. */
  private readonly feeds = new Map<string, Set<Connection>>()
  /** Relay subscriptions, by conversation id and by operator id. */
  private readonly remote = new Map<string, () => void>()
  /**
   * Operators whose actor, live here, says another node may be watching their feed: only
   * theirs is published to the cluster (an operator's feed batch is kilobytes, and its
   * connections are usually all on the node of its actor).
   */
  private readonly relayedFeeds = new Set<string>()
  /** Events published (not deliveries); for metrics. */
  published = 0

  private native: NativePublish | null = null
  /** Feed frames pushed by local actors, sent per operator once per event-loop turn. */
  readonly feedBatches: FeedBatcher

  constructor(
    private readonly relay: HubRelay | null = null,
    log: Logger = silentLogger,
  ) {
    this.feedBatches = new FeedBatcher(
      (operatorId, message) => {
        // Encoded once, for this node's connections and for the relay.
        const encoded = new EncodedFrame(message, feedJson)
        this.pushLocal(operatorId, message, encoded)
        if (this.relayedFeeds.has(operatorId)) {
          this.relay?.publish(feedSubject(operatorId), message, encoded.get('json') as string)
        }
      },
      (operatorId, error) => log.error('feed push failed', { operatorId, error }),
    )
  }

  /** Enables native fan-out once the server exists (WebSocket subscriptions only). */
  useNativePublish(publish: NativePublish): void {
    this.native = publish
  }

  /**
   * A subscription that finished its replay and is live: once it has received, the per-socket
   * way, an event straight from the publishing stream, it joins the conversation's native
   * topic (when its transport has one). From then on every published event is newer than what
   * it holds, so native publish can neither double nor skip one. (Joining right after the
   * replay could double an event that the replay read from the store and the actor is about
   * to publish.)
   */
  live(sub: Subscription): void {
    if (!this.native || sub.native || sub.conn.closed) return
    sub.wantsNative = true
  }

  /** Back to per-socket delivery (a replay is about to start, or the subscription ends). */
  leaveNative(sub: Subscription): void {
    sub.wantsNative = false
    if (!sub.native) return
    sub.native = false
    sub.conn.leaveTopic(nativeTopic(sub.conn.format, sub.conversationId))
  }

  add(sub: Subscription): void {
    let set = this.watchers.get(sub.conversationId)
    if (!set) {
      this.watchers.set(sub.conversationId, (set = new Set()))
      this.watchRemote(conversationSubject(sub.conversationId), (frame, json) =>
        this.deliver(frame as EventFrame | EphemeralEventFrame, EncodedFrame.withJson(frame, json)),
      )
    }
    set.add(sub)
  }

  /** Resolves once frames from other nodes reach the watchers added so far (before a replay). */
  ready(): Promise<void> {
    return this.relay ? this.relay.ready() : Promise.resolve()
  }

  remove(sub: Subscription): void {
    this.leaveNative(sub)
    const set = this.watchers.get(sub.conversationId)
    if (!set) return
    set.delete(sub)
    if (set.size === 0) {
      this.watchers.delete(sub.conversationId)
      this.unwatchRemote(conversationSubject(sub.conversationId))
    }
  }

  /** An event of an actor on this node: to local watchers, then once to the cluster. */
  publish(frame: EventFrame | EphemeralEventFrame): void {
    this.published++
    // Encoded once, for this node's watchers and for the relay.
    const encoded = new EncodedFrame(frame)
    this.deliver(frame, encoded)
    this.relay?.publish(
      conversationSubject(frame.conversationId),
      frame,
      encoded.get('json') as string,
    )
  }

  private deliver(frame: EventFrame | EphemeralEventFrame, encoded: EncodedFrame): void {
    const set = this.watchers.get(frame.conversationId)
    if (!set) return
    let json = false
    let msgpack = false
    let joining: Subscription[] | null = null
    const operatorOnly = isOperatorOnly(frame.name, 'data' in frame ? frame.data : undefined)
    for (const sub of set) {
      if (sub.native) {
        const conn = sub.conn
        if (conn.fallenBehind()) {
          // Too far behind: cut it (it resumes by seq) rather than let Bun buffer on.
          this.leaveNative(sub)
          conn.cutSlow()
          continue
        }
        if ('seq' in frame) {
          // A gap (an event lost between nodes): this one goes the per-socket way, which
          // replays the gap from the store first.
          if (frame.seq > sub.lastSeq + 1) {
            this.leaveNative(sub)
            sub.deliver(frame, encoded)
            continue
          }
          if (frame.seq <= sub.lastSeq) continue
          sub.lastSeq = frame.seq
        }
        // Not for everyone on the topic (a private note, who has it open): each operator gets
        // it on its own, in order with the topic's frames; a visitor only counts its seq.
        if (operatorOnly) {
          if (!sub.hidden(frame)) conn.sendEncoded(encoded)
          continue
        }
        if (conn.format === 'json') json = true
        else msgpack = true
        continue
      }
      sub.deliver(frame, encoded)
      if (sub.wantsNative && 'seq' in frame && !sub.replaying && sub.lastSeq === frame.seq) {
        ;(joining ??= []).push(sub)
      }
    }
    const native = this.native
    if (!native) return
    if (json) native(nativeTopic('json', frame.conversationId), encoded.get('json'))
    if (msgpack) native(nativeTopic('msgpack', frame.conversationId), encoded.get('msgpack'))
    // After this frame's publish: they hold it already.
    if (joining) for (const sub of joining) this.join(sub)
  }

  private join(sub: Subscription): void {
    sub.wantsNative = false
    if (sub.conn.closed || this.watchers.get(sub.conversationId)?.has(sub) !== true) return
    if (sub.conn.joinTopic(nativeTopic(sub.conn.format, sub.conversationId))) sub.native = true
  }

  watchFeed(operatorId: string, conn: Connection): void {
    let set = this.feeds.get(operatorId)
    if (!set) {
      this.feeds.set(operatorId, (set = new Set()))
      this.watchRemote(feedSubject(operatorId), (message, json) =>
        this.pushLocal(
          operatorId,
          message as FeedFrame | FeedBatchFrame,
          EncodedFrame.withJson(message, json),
        ),
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

  /**
   * An operator actor's feed frame, for every connection of that operator that watches it (on
   * any node) at the end of this event-loop turn, with the turn's other frames of that operator.
   */
  push(operatorId: string, frame: FeedFrame): void {
    // Nobody is watching: no connection here asked, and none elsewhere may have.
    if (!this.feeds.has(operatorId) && !this.relayedFeeds.has(operatorId)) return
    this.feedBatches.add(operatorId, frame)
  }

  /** The operator's actor (here) on whether another node may watch its feed (cluster). */
  watchedElsewhere(operatorId: string, elsewhere: boolean): void {
    if (elsewhere && this.relay) this.relayedFeeds.add(operatorId)
    else this.relayedFeeds.delete(operatorId)
  }

  private pushLocal(
    operatorId: string,
    message: FeedFrame | FeedBatchFrame,
    encoded: EncodedFrame,
  ): void {
    const set = this.feeds.get(operatorId)
    if (!set) return
    for (const conn of set) conn.sendFeed(message, encoded)
  }

  private watchRemote(subject: string, handler: (payload: unknown, json: string) => void): void {
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
