/**
 * The load client every scenario uses, Parley and baselines alike: one WebSocket (Bun's client)
 * with request/reply matched by `req`, everything else handed to `onEvent`. A codec adapts the
 * framing: plain JSON (Parley, bare Bun echo) or Socket.IO's engine.io packets.
 */
import http from 'node:http'

/** A decoded frame: anything with a `type`; replies carry the request's `req`. */
export interface Frame {
  type: string
  req?: string | number
  [key: string]: unknown
}

/** How frames travel on one kind of server. */
export interface Codec {
  /** Appended to the server's base URL. */
  path: string
  encode(frame: Frame): string
  /** A frame, or a control packet (with the text to answer, if any). */
  decode(data: string): { frame: Frame } | { control: string | null }
  /** Runs after the socket opens and before the first request. */
  handshake?(conn: Conn): Promise<void>
}

export const jsonCodec = (path = '/ws'): Codec => ({
  path,
  encode: (frame) => JSON.stringify(frame),
  decode: (data) => ({ frame: JSON.parse(data) as Frame }),
})

/**
 * Socket.IO 4 over a raw WebSocket: `0{...}` open, `40` namespace connect, `2`/`3` ping/pong,
 * `42["m",frame]` events. The frame itself (with its `req`) rides as the event payload.
 */
export const socketIoCodec: Codec = {
  path: '/socket.io/?EIO=4&transport=websocket',
  encode: (frame) => `42${JSON.stringify(['m', frame])}`,
  decode: (data) => {
    if (data.startsWith('42')) return { frame: (JSON.parse(data.slice(2)) as [string, Frame])[1] }
    if (data === '2') return { control: '3' }
    return { control: null }
  },
  async handshake(conn) {
    await conn.waitControl((d) => d.startsWith('0'), 5000)
    const connected = conn.waitControl((d) => d.startsWith('40'), 5000)
    conn.sendRaw('40')
    await connected
  },
}

interface Pending {
  resolve(frame: Frame): void
  reject(error: Error): void
  timer: ReturnType<typeof setTimeout>
}

/** A request that got no reply in time, or whose socket closed first. */
export class RequestFailed extends Error {}

export class Conn {
  private nextReq = 1
  private readonly pending = new Map<string | number, Pending>()
  private controlWaiters: Array<{ test(d: string): boolean; resolve(): void }> = []
  /** Frames that are not replies to this connection's requests. */
  onEvent: (frame: Frame) => void = () => {}
  onClose: (code: number) => void = () => {}
  readonly closed: Promise<number>
  isOpen = false

  private constructor(
    readonly ws: WebSocket,
    private readonly codec: Codec,
    private readonly requestTimeoutMs: number,
  ) {
    let done: (code: number) => void = () => {}
    this.closed = new Promise((resolve) => (done = resolve))
    ws.onmessage = (e) => this.receive(typeof e.data === 'string' ? e.data : String(e.data))
    ws.onclose = (e) => {
      this.isOpen = false
      for (const p of this.pending.values()) {
        clearTimeout(p.timer)
        p.reject(new RequestFailed('socket closed'))
      }
      this.pending.clear()
      this.onClose(e.code)
      done(e.code)
    }
  }

  /** Opens a socket to `baseUrl` (http:// or ws://) and runs the codec's handshake. */
  static async open(
    baseUrl: string,
    codec: Codec,
    opts: { timeoutMs?: number; requestTimeoutMs?: number } = {},
  ): Promise<Conn> {
    const url = baseUrl.replace(/^http/, 'ws') + codec.path
    const ws = new WebSocket(url)
    const conn = new Conn(ws, codec, opts.requestTimeoutMs ?? 15_000)
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        ws.close()
        reject(new Error(`connect timeout: ${url}`))
      }, opts.timeoutMs ?? 10_000)
      ws.onopen = () => {
        clearTimeout(timer)
        resolve()
      }
      ws.onerror = () => {
        clearTimeout(timer)
        reject(new Error(`connect failed: ${url}`))
      }
    })
    conn.isOpen = true
    if (codec.handshake) await codec.handshake(conn)
    return conn
  }

  /** Sends a frame with a fresh `req` and resolves with the reply (ack, error, pong, echo). */
  request(frame: Omit<Frame, 'req'>): Promise<Frame> {
    const req = this.nextReq++
    return new Promise<Frame>((resolve, reject) => {
      if (!this.isOpen) {
        reject(new RequestFailed('socket not open'))
        return
      }
      const timer = setTimeout(() => {
        this.pending.delete(req)
        reject(new RequestFailed(`no reply to ${frame.type} in ${this.requestTimeoutMs} ms`))
      }, this.requestTimeoutMs)
      this.pending.set(req, { resolve, reject, timer })
      this.ws.send(this.codec.encode({ ...frame, req } as Frame))
    })
  }

  sendRaw(text: string): void {
    this.ws.send(text)
  }

  waitControl(test: (data: string) => boolean, timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('handshake timeout')), timeoutMs)
      this.controlWaiters.push({
        test,
        resolve: () => {
          clearTimeout(timer)
          resolve()
        },
      })
    })
  }

  close(): void {
    this.isOpen = false
    this.ws.close()
  }

  private receive(data: string): void {
    const decoded = this.codec.decode(data)
    if ('control' in decoded) {
      if (decoded.control !== null) this.ws.send(decoded.control)
      const waiter = this.controlWaiters.find((w) => w.test(data))
      if (waiter) {
        this.controlWaiters = this.controlWaiters.filter((w) => w !== waiter)
        waiter.resolve()
      }
      return
    }
    const frame = decoded.frame
    if (frame.req !== undefined) {
      const p = this.pending.get(frame.req)
      if (p) {
        this.pending.delete(frame.req)
        clearTimeout(p.timer)
        p.resolve(frame)
        return
      }
    }
    // An operator feed batch: its frames, in order, as if they had come one by one.
    if (frame.type === 'feed' && frame.name === 'batch') {
      for (const f of (frame.data as { frames: Frame[] }).frames) this.onEvent(f)
      return
    }
    this.onEvent(frame)
  }
}

/** A reply that is an `error` frame, as a thrown value. */
export class ErrorReply extends Error {
  constructor(readonly frame: Frame) {
    super(`${String(frame.code)}: ${String(frame.message)}`)
  }
  get code(): string {
    return String(this.frame.code)
  }
  get retryAfterMs(): number {
    return typeof this.frame.retryAfterMs === 'number' ? this.frame.retryAfterMs : 100
  }
}

/** Sends a request and returns the ack's `data`; an error reply throws ErrorReply. */
export async function call<T = Record<string, unknown>>(
  conn: Conn,
  frame: Omit<Frame, 'req'>,
): Promise<T> {
  const reply = await conn.request(frame)
  if (reply.type === 'error') throw new ErrorReply(reply)
  return reply.data as T
}

/** An HTTP status other than 2xx, with the body's error. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(`HTTP ${status}: ${JSON.stringify(body)}`)
  }
  get retryAfterMs(): number {
    const err = (this.body as { error?: { retryAfterMs?: number } } | null)?.error
    return err?.retryAfterMs ?? 1000
  }
}

/**
 * JSON over HTTP. With `localAddress` the request leaves from that loopback address (per-IP
 * rate limits: the bench spreads visitor sessions over 127.0.x.y the way real visitors come
 * from many addresses).
 */
export async function api<T>(
  base: string,
  method: string,
  path: string,
  opts: { token?: string; body?: unknown; localAddress?: string } = {},
): Promise<T> {
  const headers: Record<string, string> = {}
  if (opts.token) headers.authorization = `Bearer ${opts.token}`
  if (opts.body !== undefined) headers['content-type'] = 'application/json'
  const payload = opts.body === undefined ? undefined : JSON.stringify(opts.body)
  if (!opts.localAddress) {
    const res = await fetch(base + path, {
      method,
      headers,
      body: payload,
      signal: AbortSignal.timeout(15_000),
    })
    const body = (await res.json().catch(() => null)) as unknown
    if (!res.ok) throw new HttpError(res.status, body)
    return body as T
  }
  const url = new URL(base + path)
  return new Promise<T>((resolve, reject) => {
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname + url.search,
        method,
        headers,
        localAddress: opts.localAddress,
        agent: false,
        timeout: 15_000,
      },
      (res) => {
        let text = ''
        res.setEncoding('utf8')
        res.on('data', (d: string) => (text += d))
        res.on('end', () => {
          let body: unknown = null
          try {
            body = JSON.parse(text)
          } catch {
            body = text
          }
          const status = res.statusCode ?? 0
          if (status >= 200 && status < 300) resolve(body as T)
          else reject(new HttpError(status, body))
        })
      },
    )
    req.on('timeout', () => req.destroy(new Error(`timeout: ${method} ${path}`)))
    req.on('error', reject)
    req.end(payload)
  })
}
