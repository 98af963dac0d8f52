/**
 * A client connection, whatever carries it (WebSocket, SSE + POST, long-poll). Transports
 * implement `write` and `terminate`; everything else (auth state, subscriptions, resume,
 * slow-consumer cut) lives here once.
 */
import type { Principal } from '../../actors/index.ts'
import type { RequestOrigin } from '../origins.ts'
import {
  EncodedFrame,
  encodeFrame,
  isOperatorOnly,
  type EventFrame,
  type FeedBatchFrame,
  type FeedFrame,
  type Format,
  type ServerFrame,
  type EphemeralEventFrame,
} from '../../protocol/index.ts'
import { coalesceFeed, feedMessage } from './feed-batch.ts'

export type TransportKind = 'ws' | 'sse' | 'poll'

/** How a wait for the client to drain its queue ended (see Connection.whenWritable). */
export type WriteWait = 'writable' | 'closed' | 'stalled' | 'aborted'

/**
 * Past maxQueuedBytes a client is cut when it read nothing for this long (no drain signal), or
 * at once past BEHIND_FACTOR times the mark: a client that reads, only slower than a burst
 * came, is given time to catch up (T3, issue 23).
 */
export const BEHIND_STALL_MS = 3000
export const BEHIND_FACTOR = 4
/** Held feed frames are coalesced again whenever they doubled; past this many, the client is cut. */
const HELD_FEED_COALESCE_AT = 64
const MAX_HELD_FEED = 5000
/** A held feed is looked at again this often, besides every drain signal. */
const HELD_FEED_RECHECK_MS = 250

export abstract class Connection {
  readonly id = crypto.randomUUID()
  principal: Principal | null = null
  token: string | null = null
  /** When the token expires (epoch ms); the connection is cut then. */
  expiresAt: number | null = null
  /**
   * Where it was opened from (the Origin header at upgrade or stream creation): from another
   * origin than the server's only a visitor may authenticate, where its inbox allows.
   */
  origin: RequestOrigin = { origin: null, foreign: false }
  /** The client's address (through a trusted proxy: the one it names); null when unknown. */
  address: string | null = null
  /** The client's User-Agent header (at most 512 characters); null when it sent none. */
  userAgent: string | null = null
  readonly subs = new Map<string, Subscription>()
  /** Requests being handled now; bounded per connection. */
  inflight = 0
  lastSeenAt = Date.now()
  closed = false
  /** Set when the connection was cut for falling behind. */
  cutForSlowness = false
  /** Flow-controlled writers (replays) waiting for the client to read; see whenWritable. */
  private writers = new Set<() => void>()
  /** Feed frames held back while the client's queue is high (see sendFeed); null: none. */
  private heldFeed: FeedFrame[] | null = null
  /** Held frames after their last coalescing (they are coalesced again when this doubled). */
  private heldFeedBase = 0
  private heldFeedTimer: ReturnType<typeof setInterval> | null = null
  /** How long a client over the mark may read nothing before it is cut (tests shorten it). */
  protected behindStallMs = BEHIND_STALL_MS
  /** When the queue went over maxQueuedBytes (0: it is not over), and the last drain signal. */
  private overSince = 0
  private lastDrainAt = 0

  constructor(
    readonly transport: TransportKind,
    readonly format: Format,
    private readonly maxQueuedBytes: number,
    private readonly onSlow: (conn: Connection) => void,
  ) {}

  /** Queues bytes for the client; false when the transport dropped them instead. */
  protected abstract write(data: string | Uint8Array): boolean
  /** Bytes accepted by write() but not yet handed to the network. */
  abstract queuedBytes(): number
  /** Drops the connection now, without a goodbye. */
  abstract terminate(reason: string): void
  /** Sends a last frame and closes politely (drain). */
  abstract close(frame: ServerFrame | null, code?: number): void

  /**
   * Joins a native publish topic (WebSocket only: Bun writes published frames to every member
   * without a JavaScript call per socket). False when the transport has no such thing.
   */
  joinTopic(_topic: string): boolean {
    return false
  }

  leaveTopic(_topic: string): void {}

  send(frame: ServerFrame): void {
    this.writeChecked(encodeFrame(frame, this.format))
  }

  /**
   * Room for a flow-controlled writer: it may write while the queue is below this, so that its
   * own frames never reach maxQueuedBytes and the slow-consumer cut is left to live traffic.
   */
  get canWriteMore(): boolean {
    return this.queuedBytes() < this.maxQueuedBytes / 2
  }

  /**
   * A frame from a flow-controlled writer that checked `canWriteMore` (or waited in
   * whenWritable): one large frame may overshoot the mark, which must not count as slowness.
   * Only a dropped frame cuts.
   */
  sendPaced(frame: ServerFrame): void {
    if (this.closed) return
    if (!this.write(encodeFrame(frame, this.format))) this.cutSlow()
  }

  /**
   * Waits until the client has read the queue down to a quarter of maxQueuedBytes, so a
   * flow-controlled writer can go on. Ends early when the connection closes, when `signal`
   * aborts, or when the queue shrank not at all for `stallMs` (a client that stopped reading).
   */
  whenWritable(stallMs: number, signal?: AbortSignal): Promise<WriteWait> {
    if (this.closed) return Promise.resolve('closed')
    if (signal?.aborted) return Promise.resolve('aborted')
    if (this.queuedBytes() <= this.maxQueuedBytes / 4) return Promise.resolve('writable')
    return new Promise<WriteWait>((resolve) => {
      let low = this.queuedBytes()
      // Progress is judged when the clock runs out, not per drain signal: SSE signals only
      // once its whole queue went, and a very slow reader that still reads is not stalled.
      const onTimer = () => {
        const queued = this.queuedBytes()
        if (queued >= low) return finish('stalled')
        low = queued
        timer = setTimeout(onTimer, stallMs)
      }
      let timer = setTimeout(onTimer, stallMs)
      const check = () => {
        if (this.closed) finish('closed')
        else if (this.queuedBytes() <= this.maxQueuedBytes / 4) finish('writable')
      }
      const onAbort = () => finish('aborted')
      const finish = (how: WriteWait) => {
        clearTimeout(timer)
        this.writers.delete(check)
        signal?.removeEventListener('abort', onAbort)
        resolve(how)
      }
      this.writers.add(check)
      signal?.addEventListener('abort', onAbort)
    })
  }

  /**
   * The transport's drain signal (the client read some of the queue) and its close: wakes the
   * writers waiting in whenWritable, which look at the queue again.
   */
  drained(): void {
    this.lastDrainAt = performance.now()
    for (const check of [...this.writers]) check()
  }

  sendEncoded(encoded: EncodedFrame): void {
    this.writeChecked(encoded.get(this.format))
  }

  /**
   * An operator feed message (state, not a log): written at once while the client's queue is
   * low; otherwise its frames are held, coalesced with those held before (the newest state per
   * conversation, every alert), and sent as one message when the client has read its queue
   * down. A reader that is behind gets the feed's latest state, not every intermediate frame,
   * and the feed alone never makes a reading client slow.
   */
  sendFeed(message: FeedFrame | FeedBatchFrame, encoded: EncodedFrame): void {
    if (this.closed) return
    if (this.heldFeed === null && this.queuedBytes() < this.maxQueuedBytes / 2) {
      this.writeChecked(encoded.get(this.format))
      return
    }
    const frames = message.name === 'batch' ? message.data.frames : [message]
    if (this.heldFeed === null) {
      this.heldFeed = [...frames]
      this.heldFeedBase = HELD_FEED_COALESCE_AT / 2
      this.writers.add(this.releaseFeed)
      // SSE signals a drain only once its whole queue went: look again now and then too.
      this.heldFeedTimer = setInterval(this.releaseFeed, HELD_FEED_RECHECK_MS)
      return
    }
    for (const frame of frames) this.heldFeed.push(frame)
    if (this.queuedBytes() <= this.maxQueuedBytes / 4) return this.releaseFeed()
    if (this.heldFeed.length < 2 * this.heldFeedBase) return
    this.heldFeed = coalesceFeed(this.heldFeed)
    this.heldFeedBase = Math.max(HELD_FEED_COALESCE_AT / 2, this.heldFeed.length)
    // This many distinct frames left: alerts piling up for a client that reads nothing.
    if (this.heldFeed.length > MAX_HELD_FEED) this.cutSlow()
  }

  /** More than maxQueuedBytes queued now (metrics). */
  get behind(): boolean {
    return this.queuedBytes() > this.maxQueuedBytes
  }

  /** Feed frames held now (metrics). */
  get heldFeedFrames(): number {
    return this.heldFeed?.length ?? 0
  }

  /** Sends the held feed once the queue is down to a quarter of the mark (or drops it, closed). */
  private readonly releaseFeed = (): void => {
    if (!this.closed && this.queuedBytes() > this.maxQueuedBytes / 4) return
    const held = this.heldFeed
    this.heldFeed = null
    this.writers.delete(this.releaseFeed)
    if (this.heldFeedTimer) clearInterval(this.heldFeedTimer)
    this.heldFeedTimer = null
    if (!held || this.closed) return
    this.writeChecked(encodeFrame(feedMessage(coalesceFeed(held)), this.format))
  }

  /**
   * Whether the client is too far behind to go on: over maxQueuedBytes and either silent (no
   * drain signal) for BEHIND_STALL_MS since it went over, or over BEHIND_FACTOR times the mark.
   */
  fallenBehind(): boolean {
    const queued = this.queuedBytes()
    if (queued <= this.maxQueuedBytes) {
      this.overSince = 0
      return false
    }
    const now = performance.now()
    if (this.overSince === 0) this.overSince = now
    if (queued > this.maxQueuedBytes * BEHIND_FACTOR) return true
    return now - Math.max(this.overSince, this.lastDrainAt) > this.behindStallMs
  }

  /** A client that cannot keep up is cut rather than allowed to grow our memory (T3). */
  private writeChecked(data: string | Uint8Array): void {
    if (this.closed) return
    const accepted = this.write(data)
    // A dropped frame would be a silent gap in the client's seq: cut it so it resumes instead.
    if (!accepted || this.fallenBehind()) this.cutSlow()
  }

  /** Cuts a client that fell too far behind; it reconnects and resumes by seq. */
  cutSlow(): void {
    if (this.closed) return
    this.cutForSlowness = true
    this.onSlow(this)
    this.terminate('slow consumer')
  }
}

/**
 * One connection watching one conversation. While the missed events are replayed from the
 * store, live events are buffered; afterwards anything at or below the last delivered seq is
 * dropped, so the client sees every seq exactly once and in order.
 */
export class Subscription {
  replaying = true
  lastSeq: number
  /**
   * Called when a live event skips seqs (in a cluster an event can be lost in transit, e.g.
   * while NATS reconnects): the gateway replays the gap from the store. Events that arrive
   * meanwhile are buffered as during a resume.
   */
  onGap: ((sub: Subscription) => void) | null = null
  /** A gap replay is running. */
  catchingUp = false
  /**
   * Live and joined to the conversation's native topic: the hub publishes to it once for all
   * such subscriptions and only keeps `lastSeq` here (see Hub.deliver).
   */
  native = false
  /** Live again after a replay: joins the native topic with the next published event. */
  wantsNative = false
  /** Aborted when a newer subscribe replaces this one: its replay stops waiting for the client. */
  readonly replaced = new AbortController()
  private buffer: Array<{ frame: EventFrame | EphemeralEventFrame; encoded: EncodedFrame }> = []
  /** Live events buffered during replay beyond this many cut the connection (resume later). */
  static readonly MAX_BUFFER = 10_000

  constructor(
    readonly conn: Connection,
    readonly conversationId: string,
    afterSeq: number,
  ) {
    this.lastSeq = afterSeq
  }

  deliver(frame: EventFrame | EphemeralEventFrame, encoded: EncodedFrame): void {
    if (this.replaying) {
      // Never drop an event (that would be a gap): a client this far behind starts over.
      if (this.buffer.length >= Subscription.MAX_BUFFER) this.conn.terminate('too far behind')
      else this.buffer.push({ frame, encoded })
      return
    }
    this.forward(frame, encoded)
  }

  /** Ends replay at seq: flushes buffered live events that come after it. */
  goLive(replayedUpTo: number): void {
    this.lastSeq = Math.max(this.lastSeq, replayedUpTo)
    this.replaying = false
    const buffered = this.buffer
    this.buffer = []
    for (let i = 0; i < buffered.length; i++) {
      const { frame, encoded } = buffered[i] as (typeof buffered)[number]
      this.forward(frame, encoded)
      // A gap again: forward() started another catch-up; keep the rest for it, in order.
      if (this.replaying) {
        this.buffer.push(...buffered.slice(i + 1))
        return
      }
    }
  }

  /** Back to buffering while the gateway replays missed events from the store. */
  startCatchUp(): void {
    this.replaying = true
  }

  private forward(frame: EventFrame | EphemeralEventFrame, encoded: EncodedFrame): void {
    if ('seq' in frame) {
      if (frame.seq <= this.lastSeq) return
      if (frame.seq > this.lastSeq + 1 && this.onGap) {
        this.replaying = true
        this.buffer.push({ frame, encoded })
        this.onGap(this)
        return
      }
      this.lastSeq = frame.seq
    }
    // A private note: counted (so the next event is no gap), never sent to a visitor; nor is
    // who of the team has it open.
    if (this.hidden(frame)) return
    this.conn.sendEncoded(encoded)
  }

  /** Whether this subscriber may not see the event (an operator-only one, to a visitor). */
  hidden(frame: { name: string; data?: unknown }): boolean {
    return this.conn.principal?.kind !== 'operator' && isOperatorOnly(frame.name, frame.data)
  }
}
