/**
 * Frames on every transport (WebSocket JSON or MessagePack, SSE + POST, long-poll).
 * A client request carries `req`; the server answers it with `ack` or `error` carrying the same
 * `req`. Events arrive as `event` frames. See docs/protocol.md.
 */
import * as v from 'valibot'
import {
  ConversationStatus,
  MAX_TEXT_LENGTH,
  type ConversationEvent,
  type TypingData,
} from './model.ts'
import type { WireError } from './errors.ts'

/** Request id chosen by the client: a short string or a non-negative integer. */
export const ReqId = v.union([
  v.pipe(v.string(), v.minLength(1), v.maxLength(64)),
  v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(Number.MAX_SAFE_INTEGER)),
])
export type ReqId = v.InferOutput<typeof ReqId>

const Id = v.pipe(v.string(), v.minLength(1), v.maxLength(64))
const Seq = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(Number.MAX_SAFE_INTEGER))
/** Client message id for idempotent send (C3). */
export const ClientMsgId = v.pipe(v.string(), v.minLength(1), v.maxLength(64))
/** Message text: trimmed content must be non-empty, at most MAX_TEXT_LENGTH characters (C7). */
export const MessageText = v.pipe(
  v.string(),
  v.maxLength(MAX_TEXT_LENGTH, `text is longer than ${MAX_TEXT_LENGTH} characters`),
  v.check((s) => s.trim().length > 0, 'text is empty'),
)

/** First frame on a socket: present a visitor or operator token. */
export const AuthFrame = v.strictObject({
  type: v.literal('auth'),
  req: ReqId,
  token: v.pipe(v.string(), v.maxLength(2048)),
})
/** Liveness check answered by `pong` with the same req. */
export const PingFrame = v.strictObject({ type: v.literal('ping'), req: ReqId })
/** Visitor only: open a new conversation in the token's inbox, optionally with a first message. */
export const StartFrame = v.strictObject({
  type: v.literal('start'),
  req: ReqId,
  clientMsgId: v.optional(ClientMsgId),
  text: v.optional(MessageText),
})
/** Stream a conversation's events with seq > afterSeq, then live ones. */
export const SubscribeFrame = v.strictObject({
  type: v.literal('subscribe'),
  req: ReqId,
  conversationId: Id,
  afterSeq: Seq,
})
export const UnsubscribeFrame = v.strictObject({
  type: v.literal('unsubscribe'),
  req: ReqId,
  conversationId: Id,
})
/** Post a message; a retry with the same clientMsgId gets the original ack. */
export const SendFrame = v.strictObject({
  type: v.literal('send'),
  req: ReqId,
  conversationId: Id,
  clientMsgId: ClientMsgId,
  text: MessageText,
})
/** Edit one's own message while the other side has not read it. */
export const EditFrame = v.strictObject({
  type: v.literal('edit'),
  req: ReqId,
  conversationId: Id,
  messageId: Id,
  text: MessageText,
})
/** Soft-delete one's own message while the other side has not read it. */
export const DeleteFrame = v.strictObject({
  type: v.literal('delete'),
  req: ReqId,
  conversationId: Id,
  messageId: Id,
})
/** Typing on/off; the server expires "on" after about 8 s without a refresh. */
export const TypingFrame = v.strictObject({
  type: v.literal('typing'),
  req: ReqId,
  conversationId: Id,
  on: v.boolean(),
})
/** Move the sender's read watermark up to seq (it never moves back). Implies delivered. */
export const ReadFrame = v.strictObject({
  type: v.literal('read'),
  req: ReqId,
  conversationId: Id,
  seq: Seq,
})
/** Move the sender's delivered watermark up to seq. */
export const DeliveredFrame = v.strictObject({
  type: v.literal('delivered'),
  req: ReqId,
  conversationId: Id,
  seq: Seq,
})
/** Operators only: set open / resolved / closed. */
export const SetStatusFrame = v.strictObject({
  type: v.literal('set_status'),
  req: ReqId,
  conversationId: Id,
  status: ConversationStatus,
})

export const ClientFrame = v.variant('type', [
  AuthFrame,
  PingFrame,
  StartFrame,
  SubscribeFrame,
  UnsubscribeFrame,
  SendFrame,
  EditFrame,
  DeleteFrame,
  TypingFrame,
  ReadFrame,
  DeliveredFrame,
  SetStatusFrame,
])
export type ClientFrame = v.InferOutput<typeof ClientFrame>
export type ClientFrameType = ClientFrame['type']
export const CLIENT_FRAME_TYPES: readonly ClientFrameType[] = ClientFrame.options.map(
  (o) => o.entries.type.literal,
)

/** Reply to a request. `data` depends on the request type (see docs/protocol.md). */
export interface AckFrame {
  type: 'ack'
  req: ReqId
  data?: unknown
}
/** Reply to a failed request, or a connection-level error without req. */
export interface ErrorFrame extends WireError {
  type: 'error'
  req?: ReqId
}
/** A stored conversation event; `seq` orders it within the conversation. */
export type EventFrame = { type: 'event' } & ConversationEvent
/** Ephemeral typing notice; no seq. */
export interface TypingEventFrame {
  type: 'event'
  name: 'typing'
  conversationId: string
  at: number
  data: TypingData
}
export interface PongFrame {
  type: 'pong'
  req: ReqId
}
/** Sent before the server closes a connection on purpose (drain, shutdown): reconnect later. */
export interface ReconnectFrame {
  type: 'reconnect'
  reason: string
  afterMs: number
}
export type ServerFrame =
  AckFrame | ErrorFrame | EventFrame | TypingEventFrame | PongFrame | ReconnectFrame
