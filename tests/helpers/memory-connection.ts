/**
 * A `Connection` over no socket, for tests of one module (the hub, the relay, flow control):
 * what it was sent is kept as the text a socket would carry, and its queue holds what the test
 * says. `read(bytes)` is the client reading: the queue goes down and the connection hears a
 * drain, as from a real transport. Cuts (the connection giving up on a slow client) are counted.
 */
import {
  EncodedFrame,
  type FeedBatchFrame,
  type FeedFrame,
  type ServerFrame,
} from '../../protocol/index.ts'
import { Connection } from '../../server/realtime/connection.ts'
import type { Frame } from './ws.ts'

export class MemoryConnection extends Connection {
  /** Bytes queued towards the client; the test sets it, or writes add to it (`queueWrites`). */
  queued = 0
  readonly sent: string[] = []
  cuts = 0
  private readonly queueWrites: boolean

  constructor(
    opts: {
      /** The queue size past which the connection is behind (default 1 MiB). */
      maxQueued?: number
      /** How long a connection may stay behind without reading before it is cut. */
      stallMs?: number
      /** Whether every write adds its bytes to `queued` (default: the test sets it). */
      queueWrites?: boolean
    } = {},
  ) {
    super('ws', 'json', opts.maxQueued ?? 1 << 20, () => this.cuts++)
    if (opts.stallMs !== undefined) this.behindStallMs = opts.stallMs
    this.queueWrites = opts.queueWrites ?? false
  }

  protected write(data: string | Uint8Array): boolean {
    const text = typeof data === 'string' ? data : new TextDecoder().decode(data)
    this.sent.push(text)
    if (this.queueWrites) this.queued += Buffer.byteLength(text)
    return true
  }

  queuedBytes(): number {
    return this.queued
  }

  terminate(): void {
    this.closed = true
    this.drained()
  }

  close(_frame: ServerFrame | null): void {
    this.terminate()
  }

  /** The client read `bytes`: the transport's drain signal. */
  read(bytes: number): void {
    this.queued = Math.max(0, this.queued - bytes)
    this.drained()
  }

  /** A feed frame as the operator actor sends it (coalesced while the connection is behind). */
  feed(frame: FeedFrame | FeedBatchFrame): void {
    this.sendFeed(frame, new EncodedFrame(frame))
  }

  /** What was sent, parsed. */
  frames(): Frame[] {
    return this.sent.map((text) => JSON.parse(text) as Frame)
  }
}
