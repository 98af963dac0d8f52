/**
 * A test WebSocket client: sends frames, numbers requests, and lets a test await the reply to
 * a request or the next frame matching a predicate. Real sockets, JSON or MessagePack. A feed
 * batch (several operator feed frames in one message) counts as its frames, in order; the
 * messages as they came are in `messages`.
 */
import { Packr } from 'msgpackr'

const packr = new Packr({ useRecords: false, mapsAsObjects: true })

export type Frame = Record<string, any>

/** One WebSocket message as received: its bytes (or text) and what they decode to. */
export interface Received {
  data: string | Uint8Array
  frame: Frame
}

export class TestClient {
  readonly frames: Frame[] = []
  readonly messages: Received[] = []
  private waiters: Array<{ match: (f: Frame) => boolean; resolve: (f: Frame) => void }> = []
  private nextReq = 1
  closedWith: { code: number; reason: string } | null = null
  private closeWaiters: Array<() => void> = []

  private constructor(
    readonly ws: WebSocket,
    readonly format: 'json' | 'msgpack',
  ) {
    ws.binaryType = 'arraybuffer'
    ws.onmessage = (e) => {
      const data = typeof e.data === 'string' ? e.data : new Uint8Array(e.data as ArrayBuffer)
      const message = (typeof data === 'string' ? JSON.parse(data) : packr.unpack(data)) as Frame
      this.messages.push({ data, frame: message })
      const batch = message.type === 'feed' && message.name === 'batch'
      for (const frame of batch ? (message.data.frames as Frame[]) : [message]) this.take(frame)
    }
    ws.onclose = (e) => {
      this.closedWith = { code: e.code, reason: e.reason }
      for (const w of this.closeWaiters.splice(0)) w()
    }
  }

  static async connect(
    url: string,
    opts: {
      format?: 'json' | 'msgpack'
      token?: string
      /** The Origin header of the upgrade, as a browser on that page sends it. */
      origin?: string
    } = {},
  ): Promise<TestClient> {
    const format = opts.format ?? 'json'
    const protocol = format === 'json' ? 'parley.json.v1' : 'parley.msgpack.v1'
    const ws = opts.origin
      ? new BunWebSocket(url, { protocols: [protocol], headers: { origin: opts.origin } })
      : new WebSocket(url, protocol)
    await new Promise<void>((resolve, reject) => {
      ws.onopen = () => resolve()
      ws.onerror = () => reject(new Error('websocket failed to open'))
    })
    const client = new TestClient(ws, format)
    if (opts.token) {
      const reply = await client.request({ type: 'auth', token: opts.token })
      if (reply.type !== 'ack') throw new Error(`auth failed: ${JSON.stringify(reply)}`)
    }
    return client
  }

  private take(frame: Frame): void {
    this.frames.push(frame)
    for (const w of [...this.waiters]) {
      if (w.match(frame)) {
        this.waiters.splice(this.waiters.indexOf(w), 1)
        w.resolve(frame)
      }
    }
  }

  /** Sends raw bytes or text, exactly as given. */
  sendRaw(data: string | Uint8Array): void {
    this.ws.send(data)
  }

  send(frame: Frame): void {
    this.ws.send(this.format === 'json' ? JSON.stringify(frame) : packr.pack(frame))
  }

  /** Sends frame with a fresh req and resolves with the ack or error for it. */
  async request(frame: Frame, timeoutMs = 5000): Promise<Frame> {
    const req = this.nextReq++
    const reply = this.next(
      (f) => (f.type === 'ack' || f.type === 'error' || f.type === 'pong') && f.req === req,
      timeoutMs,
    )
    this.send({ ...frame, req })
    return reply
  }

  /** Like request, but throws unless the reply is an ack; returns its data. */
  async ok(frame: Frame, timeoutMs = 5000): Promise<any> {
    const reply = await this.request(frame, timeoutMs)
    if (reply.type !== 'ack')
      throw new Error(`expected ack for ${frame.type}, got ${JSON.stringify(reply)}`)
    return reply.data
  }

  /** Resolves with the first frame (already received or future) matching. */
  next(match: (f: Frame) => boolean, timeoutMs = 5000): Promise<Frame> {
    const seen = this.frames.find(match)
    if (seen) return Promise.resolve(seen)
    return new Promise<Frame>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new Error(
              `no matching frame within ${timeoutMs} ms; got ${JSON.stringify(this.frames.slice(-5))}`,
            ),
          ),
        timeoutMs,
      )
      this.waiters.push({
        match,
        resolve: (f) => {
          clearTimeout(timer)
          resolve(f)
        },
      })
    })
  }

  /** Frames received so far that are stored events of a conversation. */
  /** The stored events received for the conversation (ephemeral ones, typing and queue, carry no seq). */
  events(conversationId: string): Frame[] {
    return this.frames.filter(
      (f) => f.type === 'event' && f.conversationId === conversationId && f.seq !== undefined,
    )
  }

  waitClosed(timeoutMs = 5000): Promise<{ code: number; reason: string }> {
    if (this.closedWith) return Promise.resolve(this.closedWith)
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('socket did not close')), timeoutMs)
      this.closeWaiters.push(() => {
        clearTimeout(timer)
        resolve(this.closedWith as { code: number; reason: string })
      })
    })
  }

  close(): void {
    this.ws.close()
  }
}

/** Bun's client takes headers (a browser's sets Origin itself); the DOM typings win otherwise. */
const BunWebSocket = WebSocket as unknown as new (
  url: string,
  options: Bun.WebSocketOptions,
) => WebSocket

/**
 * The reply to an `auth` frame on a socket opened with this Origin header, as a browser on that
 * page would open it: the ack's type, or `error <code>`.
 */
export async function authFromOrigin(
  wsUrl: string,
  token: string,
  origin: string,
): Promise<string> {
  const ws = new BunWebSocket(wsUrl, { protocols: ['parley.json.v1'], headers: { origin } })
  await new Promise((resolve, reject) => {
    ws.onopen = resolve
    ws.onerror = reject
  })
  const reply = new Promise<string>((resolve) => {
    ws.onmessage = (e) => {
      const frame = JSON.parse(String(e.data)) as { type: string; code?: string }
      resolve(frame.type === 'error' ? `error ${frame.code}` : frame.type)
    }
  })
  ws.send(JSON.stringify({ type: 'auth', req: 1, token }))
  const result = await reply
  ws.close()
  return result
}
