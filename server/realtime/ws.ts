/**
 * WebSocket transport on Bun's native handler (measured 4x the throughput of Elysia's .ws()).
 * Subprotocol picks JSON or MessagePack; server pings measure latency and find dead peers.
 */
import type { Server, ServerWebSocket, WebSocketHandler } from 'bun'
import { requestOrigin } from '../http/cors.ts'
import type { RequestOrigin } from '../origins.ts'
import type { Metrics } from '../metrics.ts'
import { SUBPROTOCOLS, type Format, type ServerFrame } from '../../protocol/index.ts'
import { BEHIND_FACTOR, Connection } from './connection.ts'
import type { Gateway } from './gateway.ts'
import { userAgentOf } from '../visitor-context.ts'

export interface WsData {
  format: Format
  /**
   * Where the upgrade came from: from another origin (a widget frame, any site) only a visitor
   * may authenticate, and only where the inbox allows (checked at auth, origins.ts).
   */
  origin: RequestOrigin
  /** The client's address, as server/app.ts's clientAddress finds it. */
  address: string | null
  userAgent: string | null
  conn?: WsConnection
  pingSentAt?: number
}

export class WsConnection extends Connection {
  constructor(
    readonly ws: ServerWebSocket<WsData>,
    format: Format,
    maxQueuedBytes: number,
    onSlow: (c: Connection) => void,
  ) {
    super('ws', format, maxQueuedBytes, onSlow)
  }

  protected write(data: string | Uint8Array): boolean {
    // Bun drops (returns 0) past its own backpressureLimit; a closed socket drops by design.
    return this.ws.send(data) !== 0 || this.ws.readyState !== 1
  }

  queuedBytes(): number {
    return this.ws.getBufferedAmount()
  }

  override joinTopic(topic: string): boolean {
    if (this.closed) return false
    this.ws.subscribe(topic)
    return true
  }

  override leaveTopic(topic: string): void {
    if (this.closed) return
    try {
      this.ws.unsubscribe(topic)
    } catch {
      // Closing: Bun drops its topics anyway.
    }
  }

  terminate(reason: string): void {
    if (this.closed) return
    this.closed = true
    void reason
    this.ws.terminate()
    this.drained()
  }

  close(frame: ServerFrame | null, code = 1000): void {
    if (this.closed) return
    if (frame) this.send(frame)
    this.closed = true
    this.ws.close(code, frame && frame.type === 'reconnect' ? 'reconnect' : undefined)
    this.drained()
  }
}

/** Picks the first subprotocol we speak from the client's offer; JSON when none is offered. */
export function negotiate(
  header: string | null,
): { format: Format; protocol: string | null } | null {
  if (!header) return { format: 'json', protocol: null }
  for (const offered of header.split(',').map((s) => s.trim())) {
    const format = SUBPROTOCOLS[offered]
    if (format) return { format, protocol: offered }
  }
  return null
}

/** Upgrades a request to a socket; returns a Response when it refuses. */
export function upgrade(
  req: Request,
  server: Server<WsData>,
  address: string | null = null,
): Response | undefined {
  const chosen = negotiate(req.headers.get('sec-websocket-protocol'))
  if (!chosen) {
    return Response.json(
      {
        error: {
          code: 'bad_request',
          message: `unsupported subprotocol; use one of ${Object.keys(SUBPROTOCOLS).join(', ')}`,
          retryable: false,
        },
      },
      { status: 400 },
    )
  }
  const headers = chosen.protocol ? { 'Sec-WebSocket-Protocol': chosen.protocol } : undefined
  // Browsers always send Origin on a WebSocket upgrade and CORS does not apply to sockets: the
  // gateway refuses an operator token on a socket opened from another origin.
  const data = {
    format: chosen.format,
    origin: requestOrigin(req.headers),
    address,
    userAgent: userAgentOf(req),
  }
  if (server.upgrade(req, { data, headers })) return undefined
  return Response.json(
    { error: { code: 'bad_request', message: 'expected a WebSocket upgrade', retryable: false } },
    { status: 400 },
  )
}

export function websocketHandler(
  gateway: Gateway,
  metrics: Metrics,
  opts: { maxQueuedBytes: number; hardFrameLimit: number },
): WebSocketHandler<WsData> {
  return {
    // Frames above maxFrameBytes get a typed error from the gateway; only absurd ones close.
    maxPayloadLength: opts.hardFrameLimit,
    // Our own limit (maxQueuedBytes, up to BEHIND_FACTOR times it for a client that reads) must
    // be the one that acts: Bun's default (16 MB) drops frames silently when it is lower.
    backpressureLimit: Math.min(
      2 ** 31 - 1,
      Math.max(2 * BEHIND_FACTOR * opts.maxQueuedBytes, 16 * 1024 * 1024),
    ),
    idleTimeout: 0,
    sendPings: false,
    perMessageDeflate: false,
    open(ws) {
      const conn = new WsConnection(ws, ws.data.format, opts.maxQueuedBytes, (c) =>
        gateway.slowConsumer(c),
      )
      conn.origin = ws.data.origin
      conn.address = ws.data.address
      conn.userAgent = ws.data.userAgent
      ws.data.conn = conn
      gateway.open(conn)
    },
    message(ws, message) {
      const conn = ws.data.conn
      if (conn)
        gateway.receive(conn, typeof message === 'string' ? message : new Uint8Array(message))
    },
    // Bun wrote out some of what backpressure held: a replay waiting for room goes on.
    drain(ws) {
      ws.data.conn?.drained()
    },
    pong(ws) {
      const conn = ws.data.conn
      if (!conn) return
      conn.lastSeenAt = Date.now()
      if (ws.data.pingSentAt !== undefined) {
        metrics.pingLatency.observe((performance.now() - ws.data.pingSentAt) / 1000)
        ws.data.pingSentAt = undefined
      }
    },
    close(ws) {
      const conn = ws.data.conn
      if (!conn) return
      conn.closed = true
      conn.drained()
      gateway.closed(conn)
    },
  }
}

/** Sends a ping to every socket and drops those silent for longer than deadAfterMs (T2). */
export function heartbeat(gateway: Gateway, deadAfterMs: number): void {
  const now = Date.now()
  for (const conn of gateway.connections) {
    if (!(conn instanceof WsConnection)) continue
    if (now - conn.lastSeenAt > deadAfterMs) {
      conn.terminate('no pong')
      gateway.closed(conn)
      continue
    }
    conn.ws.data.pingSentAt = performance.now()
    conn.ws.ping()
  }
}
