/** The transport's public types: its states, options, events and what a token source is. */
import type { BackoffOptions } from './backoff.ts'
import type { ChannelFactory, ChannelKind } from './channel.ts'
import type {
  ClientFrame,
  ConversationView,
  ErrorCode,
  EventFrame,
  FeedBatchFrame,
  FeedFrame,
  ParleyError,
  QueueEventFrame,
  TypingEventFrame,
  ViewersEventFrame,
} from './protocol.ts'

/** idle: never started; closed: stopped by its owner; disconnected: waiting to retry. */
export type TransportState = 'idle' | 'connecting' | 'connected' | 'disconnected' | 'closed'

type WithoutReq<F> = F extends unknown ? Omit<F, 'req'> : never
/** A client frame without `req`: the transport numbers requests itself. */
export type Outgoing = WithoutReq<ClientFrame>

/** The `subscribe` ack (docs/protocol.md section 4.4). */
export type SubscribeAck = ConversationView & { lastSeq: number }

/** Where tokens come from: a visitor session or an operator login. */
export interface TokenSource {
  /** A token to connect with; may create or renew a session. Rejects when that fails. */
  token(): Promise<string>
  /** The server refused this token (expired, revoked): forget it if it is still the current one. */
  rejected(token: string, code: ErrorCode): void
}

export interface TransportOptions {
  /** The server's origin (and path prefix), e.g. `https://chat.example.com`. */
  baseUrl: string
  auth: TokenSource
  channels: ChannelFactory
  /** Whether the server answers plain HTTP: tells a blocked WebSocket from a server that is down. */
  probe?: () => Promise<boolean>
  kinds?: readonly ChannelKind[]
  backoff?: BackoffOptions
  /** Silence before a ping (default 12 s), and the wait for its pong (default 3 s). */
  pingIntervalMs?: number
  pongTimeoutMs?: number
  /** False while the browser knows it is offline (`navigator.onLine`): no attempts then. */
  online?: () => boolean
  random?: () => number
}

export interface TransportEvents {
  state: TransportState
  /** Stored events (each once, in seq order, per subscription) and typing notices. */
  event: EventFrame | TypingEventFrame
  /** A waiting conversation's place in its branch's queue (R6). */
  queue: QueueEventFrame
  /** Operators only (issue 20): who of the team has the conversation open. */
  viewers: ViewersEventFrame
  /** Operator feed: one frame, or a batch of a moment's frames to apply in order. */
  feed: FeedFrame | FeedBatchFrame
  /** A (re)subscribe was acked; `behind`: the server has less than we had (reload the view). */
  subscribed: { conversationId: string; view: SubscribeAck; behind: boolean }
  subscribeFailed: { conversationId: string; error: ParleyError }
  /** A durable request was refused for now (rate_limited, overloaded): resent after retryAfterMs. */
  retrying: ParleyError
}

/** A request waiting for its ack or error. */
export interface Pending {
  resolve(data: unknown): void
  reject(error: ParleyError): void
}
