/**
 * A WebSocket client written by hand over a raw TCP socket (Bun.connect), for tests that need
 * what a browser-grade client hides: stop reading (pause) so the server sees real TCP
 * backpressure, and see exactly when the server drops the connection. It never answers a ping
 * (it only counts them), so it is also the silent peer that liveness checks must drop. JSON
 * subprotocol only; client frames are masked as RFC 6455 requires. To extend: add opcodes to
 * `parse`.
 */
import { randomBytes } from 'node:crypto'
import type { Socket } from 'bun'
import type { Frame } from './ws.ts'

export class RawWsClient {
  readonly frames: Frame[] = []
  /** WebSocket pings received; none is ever answered with a pong. */
  pings = 0
  /** Set once the server closed or reset the TCP connection. */
  closed = false
  private buffer = new Uint8Array(0)
  private upgraded = false
  private readonly closeWaiters: Array<() => void> = []
  private readonly frameWaiters: Array<() => void> = []
  private nextReq = 1
  private handshake: { resolve: () => void; reject: (e: Error) => void } | null = null

  private constructor(private readonly socket: Socket<undefined>) {}

  /** Connects and completes the upgrade with subprotocol parley.json.v1. */
  static async connect(port: number, path = '/ws'): Promise<RawWsClient> {
    let client: RawWsClient | null = null
    const pending: Uint8Array[] = []
    const socket = await Bun.connect({
      hostname: '127.0.0.1',
      port,
      socket: {
        data(_s, chunk) {
          if (client) client.onData(chunk)
          else pending.push(new Uint8Array(chunk))
        },
        close() {
          client?.onClose()
        },
        error() {
          client?.onClose()
        },
      },
    })
    client = new RawWsClient(socket)
    const ready = new Promise<void>((resolve, reject) => (client.handshake = { resolve, reject }))
    const key = randomBytes(16).toString('base64')
    socket.write(
      `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: parley.json.v1\r\n\r\n`,
    )
    for (const chunk of pending) client.onData(chunk)
    await withTimeout(ready, 5000, 'websocket handshake')
    return client
  }

  /** Sends a masked text frame with a fresh req; returns the req. */
  send(frame: Frame): number {
    const req = this.nextReq++
    this.socket.write(maskedTextFrame(JSON.stringify({ ...frame, req })))
    return req
  }

  /** Sends frame and waits for the ack or error with its req. */
  async request(frame: Frame, timeoutMs = 5000): Promise<Frame> {
    const req = this.send(frame)
    return this.waitFor((f) => f.req === req && (f.type === 'ack' || f.type === 'error'), timeoutMs)
  }

  /** Resolves with the first frame received so far or later that matches. */
  async waitFor(match: (f: Frame) => boolean, timeoutMs = 5000): Promise<Frame> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const found = this.frames.find(match)
      if (found) return found
      if (this.closed) throw new Error('connection closed before the frame arrived')
      const left = deadline - Date.now()
      if (left <= 0) throw new Error(`no matching frame within ${timeoutMs} ms`)
      await withTimeout(new Promise<void>((r) => this.frameWaiters.push(r)), left, 'frame').catch(
        () => undefined,
      )
    }
  }

  /** Stops reading from the kernel socket: the server's writes back up. */
  pause(): void {
    this.socket.pause()
  }

  resume(): void {
    this.socket.resume()
  }

  waitClosed(timeoutMs = 5000): Promise<void> {
    if (this.closed) return Promise.resolve()
    return withTimeout(
      new Promise<void>((r) => this.closeWaiters.push(r)),
      timeoutMs,
      'server close',
    )
  }

  end(): void {
    this.socket.end()
  }

  private onClose(): void {
    if (this.closed) return
    this.closed = true
    for (const w of this.closeWaiters.splice(0)) w()
    for (const w of this.frameWaiters.splice(0)) w()
  }

  private onData(chunk: Uint8Array): void {
    if (this.buffer.length === 0) this.buffer = new Uint8Array(chunk)
    else {
      const joined = new Uint8Array(this.buffer.length + chunk.length)
      joined.set(this.buffer)
      joined.set(chunk, this.buffer.length)
      this.buffer = joined
    }
    if (!this.upgraded) {
      const text = new TextDecoder().decode(this.buffer)
      const end = text.indexOf('\r\n\r\n')
      if (end < 0) return
      const head = text.slice(0, end)
      if (
        !head.startsWith('HTTP/1.1 101') ||
        !/sec-websocket-protocol: parley\.json\.v1/i.test(head)
      ) {
        this.handshake?.reject(new Error(`upgrade refused: ${head.split('\r\n')[0]}`))
        return
      }
      this.upgraded = true
      this.buffer = this.buffer.subarray(new TextEncoder().encode(text.slice(0, end + 4)).length)
      this.handshake?.resolve()
    }
    this.parse()
  }

  /** Server frames are unmasked; this reads text frames and counts pings, skipping the rest. */
  private parse(): void {
    let got = false
    for (;;) {
      const b = this.buffer
      if (b.length < 2) break
      const opcode = (b[0] as number) & 0x0f
      let len = (b[1] as number) & 0x7f
      let offset = 2
      if (len === 126) {
        if (b.length < 4) break
        len = ((b[2] as number) << 8) | (b[3] as number)
        offset = 4
      } else if (len === 127) {
        if (b.length < 10) break
        len = Number(new DataView(b.buffer, b.byteOffset + 2, 8).getBigUint64(0))
        offset = 10
      }
      if (b.length < offset + len) break
      const payload = b.subarray(offset, offset + len)
      this.buffer = b.subarray(offset + len)
      if (opcode === 1) {
        this.frames.push(JSON.parse(new TextDecoder().decode(payload)) as Frame)
        got = true
      } else if (opcode === 9) this.pings++
    }
    if (got) for (const w of this.frameWaiters.splice(0)) w()
  }
}

function maskedTextFrame(text: string): Uint8Array {
  const payload = new TextEncoder().encode(text)
  const len = payload.length
  const header = len < 126 ? 2 : len < 65536 ? 4 : 10
  const out = new Uint8Array(header + 4 + len)
  out[0] = 0x81
  if (len < 126) out[1] = 0x80 | len
  else if (len < 65536) {
    out[1] = 0x80 | 126
    out[2] = len >> 8
    out[3] = len & 0xff
  } else {
    out[1] = 0x80 | 127
    new DataView(out.buffer).setBigUint64(2, BigInt(len))
  }
  const mask = randomBytes(4)
  out.set(mask, header)
  for (let i = 0; i < len; i++)
    out[header + 4 + i] = (payload[i] as number) ^ (mask[i % 4] as number)
  return out
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: timed out after ${ms} ms`)), ms)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}
