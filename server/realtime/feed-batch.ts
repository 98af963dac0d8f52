/**
 * Operator feed coalescing: under load one visitor message gives every operator of the inbox a
 * `conversation` and a `badges` frame, and socket writes dominate. Frames an operator's feed
 * produces within one event-loop turn therefore leave as one message (one encode per format,
 * one write per connection, one relay publish), with superseded state frames left out.
 */
import type { FeedBatchFrame, FeedFrame } from '../../protocol/index.ts'

/**
 * Change kinds a client acts on beyond taking the newest state (the panel rings for them), each
 * with its bit: a `conversation` frame of such a kind survives a newer frame of the same
 * conversation unless that one has the same kind.
 */
const NOTIFYING_CHANGES: ReadonlyMap<string, number> = new Map([
  ['created', 2],
  ['message', 4],
])
/** Bit of a conversation that has a newer frame in the batch already. */
const HAS_NEWEST = 1

/**
 * The frames a client needs from `frames`: every `alert`; the newest `status`; per conversation
 * the newest frame, plus the newest `created` and the newest `message` frame before it; all in
 * their order, then the newest `badges`. That one goes last because its totals already count
 * every change the batch's conversation frames show (a dropped older frame may have preceded
 * it while its newer replacement came after). A `resync` is kept where it is; its snapshot
 * holds the status and the totals, so `status` and `badges` frames before it are left out.
 */
export function coalesceFeed(frames: readonly FeedFrame[]): FeedFrame[] {
  if (frames.length < 2) return [...frames]
  const kept: FeedFrame[] = []
  /** Per conversation id: HAS_NEWEST and the bits of the notifying kinds kept so far. */
  const seen = new Map<string, number>()
  let badges: FeedFrame | null = null
  /** Older badges are superseded: by a newer `badges` frame or by a `resync` snapshot. */
  let badgesDone = false
  let status = false
  for (let i = frames.length - 1; i >= 0; i--) {
    const frame = frames[i] as FeedFrame
    switch (frame.name) {
      case 'alert':
        kept.push(frame)
        break
      case 'badges':
        if (!badgesDone) badges = frame
        badgesDone = true
        break
      case 'status':
        if (!status) kept.push(frame)
        status = true
        break
      case 'resync':
        kept.push(frame)
        badgesDone = true
        status = true
        break
      case 'conversation': {
        const id = frame.data.conversation.id
        const bits = seen.get(id) ?? 0
        const kind = NOTIFYING_CHANGES.get(frame.data.change) ?? 0
        if ((bits & HAS_NEWEST) === 0 || (kind !== 0 && (bits & kind) === 0)) kept.push(frame)
        seen.set(id, bits | HAS_NEWEST | kind)
        break
      }
      default:
        return assertNever(frame)
    }
  }
  kept.reverse()
  if (badges) kept.push(badges)
  return kept
}

type ConversationFeedData = Extract<FeedFrame, { name: 'conversation' }>['data']
/** Every field of a `conversation` frame's data, as feedJson writes them (a new one fails here). */
const CONVERSATION_FIELDS: Record<keyof ConversationFeedData, true> = {
  conversation: true,
  change: true,
  unread: true,
}
void CONVERSATION_FIELDS

/**
 * JSON text of each change's conversation, by the object itself. A change carries one snapshot
 * (the actor's toWire copy, changed by no one after) to every operator of the inbox, whose
 * `conversation` frames differ only in `unread`: it is encoded once for all of them, not once
 * per operator (that was the feed's largest cost under load).
 */
const conversationJson = new WeakMap<object, string>()

function frameJson(frame: FeedFrame): string {
  if (frame.name !== 'conversation') return JSON.stringify(frame)
  const { conversation, change, unread } = frame.data
  let conv = conversationJson.get(conversation)
  if (conv === undefined) {
    conv = JSON.stringify(conversation)
    conversationJson.set(conversation, conv)
  }
  // `?? 'null'`: a value JSON has no text for (undefined) must not make the frame unreadable.
  const changeJson = JSON.stringify(change) ?? 'null'
  const unreadJson = JSON.stringify(unread) ?? 'null'
  return `{"type":"feed","name":"conversation","data":{"conversation":${conv},"change":${changeJson},"unread":${unreadJson}}}`
}

/** The JSON text of a feed message: the same value JSON.stringify gives, built from shared parts. */
export function feedJson(message: FeedFrame | FeedBatchFrame): string {
  if (message.name !== 'batch') return frameJson(message)
  let out = '{"type":"feed","name":"batch","data":{"frames":['
  const frames = message.data.frames
  for (let i = 0; i < frames.length; i++) {
    if (i > 0) out += ','
    out += frameJson(frames[i] as FeedFrame)
  }
  return `${out}]}}`
}

/** One frame goes bare (as before batching); several go as one batch. */
export function feedMessage(frames: FeedFrame[]): FeedFrame | FeedBatchFrame {
  if (frames.length === 1) return frames[0] as FeedFrame
  return { type: 'feed', name: 'batch', data: { frames } }
}

/**
 * Collects feed frames per operator and hands each operator's coalesced frames on once per
 * event-loop turn (setImmediate: after every frame the current turn's I/O and microtasks
 * produce, before the next poll, so the added latency is the rest of the turn).
 */
export class FeedBatcher {
  private pending = new Map<string, FeedFrame[]>()
  private scheduled = false
  /** Frames pushed, and messages emitted (the difference is what batching saved). */
  framesIn = 0
  messagesOut = 0

  constructor(
    private readonly emit: (operatorId: string, message: FeedFrame | FeedBatchFrame) => void,
    private readonly onError: (operatorId: string, error: unknown) => void,
    private readonly schedule: (fn: () => void) => void = setImmediate,
  ) {}

  add(operatorId: string, frame: FeedFrame): void {
    this.framesIn++
    const frames = this.pending.get(operatorId)
    if (frames) frames.push(frame)
    else this.pending.set(operatorId, [frame])
    if (this.scheduled) return
    this.scheduled = true
    this.schedule(() => this.flush())
  }

  /** Sends what is pending, one message per operator (the scheduled end of the turn). */
  flush(): void {
    this.scheduled = false
    const pending = this.pending
    if (pending.size === 0) return
    this.pending = new Map()
    for (const [operatorId, frames] of pending) {
      this.messagesOut++
      try {
        this.emit(operatorId, feedMessage(coalesceFeed(frames)))
      } catch (error) {
        // One operator's failure must not hold back the others' frames.
        this.onError(operatorId, error)
      }
    }
  }
}

function assertNever(value: never): never {
  throw new Error(`unhandled feed frame ${JSON.stringify(value)}`)
}
