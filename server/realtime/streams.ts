/**
 * Fallback transports for networks that block WebSockets: an SSE stream for server frames with
 * POSTed client frames, and long-poll as a last resort. A session is created with a token, gets
 * an unguessable id, and carries exactly the frames a WebSocket would. JSON only. Every request
 * on a session must bear the token that created it: the id alone (which lands in access logs
 * with the URL) reads and does nothing.
 */
import type { RequestOrigin } from '../origins.ts'
import { ParleyError, type ServerFrame } from '../../protocol/index.ts'
import { Connection } from './connection.ts'
import type { Gateway } from './gateway.ts'

const encoder = new TextEncoder()
/** A long-poll returns after this long with an empty list when nothing happened. */
export const POLL_WAIT_MS = 25_000
/** A session with neither a stream nor a poll attached for this long is dropped. */
const DETACHED_TTL_MS = 60_000
/** A poll returns frames of at most this many bytes (or one larger frame); the rest waits. */
export const POLL_PAGE_BYTES = 256 * 1024

export class StreamSession extends Connection {
  /** Frames no stream or poll has taken yet, with their size in UTF-8 bytes. */
  private queue: Array<{ text: string; bytes: number }> = []
  private queued = 0
  private flushScheduled = false
  private sse: ReadableStreamDefaultController<Uint8Array> | null = null
  private waiter: ((frames: string[]) => void) | null = null
  detachedSince: number | null = Date.now()

  constructor(
    transport: 'sse' | 'poll',
    maxQueuedBytes: number,
    onSlow: (c: Connection) => void,
    private readonly onClose: (s: StreamSession) => void,
  ) {
    super(transport, 'json', maxQueuedBytes, onSlow)
  }

  protected write(data: string | Uint8Array): boolean {
    const text = typeof data === 'string' ? data : new TextDecoder().decode(data)
    if (this.sse) {
      this.sse.enqueue(encoder.encode(`data: ${text}\n\n`))
      return true
    }
    const bytes = Buffer.byteLength(text)
    this.queue.push({ text, bytes })
    this.queued += bytes
    // A waiting poll answers once this run of writes is done (a replay's frames, an event and
    // its ack), not with its first frame alone.
    if (this.waiter && !this.flushScheduled) {
      this.flushScheduled = true
      queueMicrotask(() => {
        this.flushScheduled = false
        if (this.waiter) this.flushPoll()
      })
    }
    return true
  }

  /** Frames written while no poll was waiting, not yet fetched. */
  get hasQueuedFrames(): boolean {
    return this.queue.length > 0
  }

  queuedBytes(): number {
    if (this.sse) return Math.max(0, -(this.sse.desiredSize ?? 0)) + this.queued
    return this.queued
  }

  /** Opens the SSE stream; frames queued while detached go first. */
  attachSse(): Response {
    if (this.transport !== 'sse')
      throw new ParleyError('bad_request', 'this session is for long-poll')
    if (this.sse || this.closed) throw new ParleyError('conflict', 'stream already attached')
    let heartbeat: ReturnType<typeof setInterval> | undefined
    const stream = new ReadableStream<Uint8Array>(
      {
        start: (controller) => {
          this.sse = controller
          this.detachedSince = null
          controller.enqueue(encoder.encode(`retry: 2000\n\n`))
          const pending = this.queue
          this.queue = []
          this.queued = 0
          for (const { text } of pending) controller.enqueue(encoder.encode(`data: ${text}\n\n`))
          heartbeat = setInterval(() => this.sse?.enqueue(encoder.encode(': ping\n\n')), 15_000)
        },
        // With highWaterMark 0, Bun pulls only when the socket took everything enqueued: the
        // drain signal a replay waits for.
        pull: () => this.drained(),
        cancel: () => {
          clearInterval(heartbeat)
          this.sse = null
          this.detachedSince = Date.now()
          // A waiting replay goes on into the session's queue until the stream is back.
          this.drained()
        },
      },
      { highWaterMark: 0, size: (chunk) => chunk?.byteLength ?? 0 },
    )
    return new Response(stream, {
      headers: {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        'x-accel-buffering': 'no',
      },
    })
  }

  /**
   * Long-poll: answers at once with queued frames (one page, see POLL_PAGE_BYTES), or waits up
   * to POLL_WAIT_MS for some.
   */
  poll(signal: AbortSignal | undefined): Promise<string[]> {
    if (this.transport !== 'poll') throw new ParleyError('bad_request', 'this session is for SSE')
    this.lastSeenAt = Date.now()
    if (this.waiter) this.waiter([]) // a newer poll replaces the older one
    this.detachedSince = null
    return new Promise<string[]>((resolve) => {
      const timer = setTimeout(() => finish([]), POLL_WAIT_MS)
      const finish = (frames: string[]) => {
        clearTimeout(timer)
        if (this.waiter === finish) {
          this.waiter = null
          this.detachedSince = Date.now()
        }
        resolve(frames)
      }
      this.waiter = finish
      signal?.addEventListener('abort', () => finish([]))
      if (this.queue.length > 0 || this.closed) this.flushPoll()
    })
  }

  /** Hands the waiting poll one page; taking it is the drain signal a replay waits for. */
  private flushPoll(): void {
    const waiter = this.waiter
    if (!waiter) return
    let count = 0
    let bytes = 0
    for (const frame of this.queue) {
      if (count > 0 && bytes + frame.bytes > POLL_PAGE_BYTES) break
      bytes += frame.bytes
      count++
    }
    const page = this.queue.splice(0, count)
    this.queued -= bytes
    waiter(page.map((frame) => frame.text))
    this.drained()
  }

  terminate(reason: string): void {
    if (this.closed) return
    this.closed = true
    void reason
    try {
      this.sse?.close()
    } catch {
      // already closed by the client
    }
    this.sse = null
    this.waiter?.([])
    this.drained()
    this.onClose(this)
  }

  close(frame: ServerFrame | null): void {
    if (this.closed) return
    if (frame) this.send(frame)
    if (this.waiter) this.flushPoll()
    this.terminate('closed')
  }
}

/** Registry of fallback sessions by id, with reaping of abandoned ones. */
export class StreamSessions {
  private readonly sessions = new Map<string, StreamSession>()
  /**
   * Closed long-poll sessions whose last frames (a reconnect, a revocation) were written
   * between two polls: the next poll still fetches them, nothing else reaches the session.
   */
  private readonly closing = new Map<string, { session: StreamSession; since: number }>()
  private readonly reaper: ReturnType<typeof setInterval>

  constructor(
    private readonly gateway: Gateway,
    private readonly maxQueuedBytes: number,
  ) {
    this.reaper = setInterval(() => this.reap(), 10_000)
    this.reaper.unref?.()
  }

  async create(
    transport: 'sse' | 'poll',
    token: string,
    address: string | null = null,
    userAgent: string | null = null,
    origin: RequestOrigin = { origin: null, foreign: false },
  ): Promise<StreamSession> {
    if (this.gateway.isDraining)
      throw new ParleyError('unavailable', 'server is restarting', { retryAfterMs: 1000 })
    const session = new StreamSession(
      transport,
      this.maxQueuedBytes,
      (c) => this.gateway.slowConsumer(c),
      (s) => {
        this.sessions.delete(s.id)
        if (s.hasQueuedFrames) this.closing.set(s.id, { session: s, since: Date.now() })
        this.gateway.closed(s)
      },
    )
    session.address = address
    session.userAgent = userAgent
    session.origin = origin
    await this.gateway.authenticate(session, token)
    this.gateway.open(session)
    if (session.closed)
      throw new ParleyError('unavailable', 'server is restarting', { retryAfterMs: 1000 })
    this.sessions.set(session.id, session)
    return session
  }

  /** The session with this id that belongs to this token; anything else is not found. */
  get(id: string, token: string | null): StreamSession {
    const session = this.sessions.get(id)
    if (!session || session.closed || token === null || session.token !== token) {
      throw new ParleyError('not_found', 'no such realtime session; create a new one')
    }
    return session
  }

  /**
   * The session a poll reads: an open one, or a closed one whose last frames are unread (they
   * may take several polls; the poll after the last of them gets not_found).
   */
  forPoll(id: string, token: string | null): StreamSession {
    const last = this.closing.get(id)
    if (last?.session.hasQueuedFrames && token !== null && last.session.token === token) {
      return last.session
    }
    if (last && !last.session.hasQueuedFrames) this.closing.delete(id)
    return this.get(id, token)
  }

  private reap(): void {
    const now = Date.now()
    for (const [id, last] of this.closing) {
      if (now - last.since > DETACHED_TTL_MS) this.closing.delete(id)
    }
    for (const session of this.sessions.values()) {
      if (session.detachedSince !== null && now - session.detachedSince > DETACHED_TTL_MS)
        session.terminate('abandoned')
    }
  }

  stop(): void {
    clearInterval(this.reaper)
  }
}
