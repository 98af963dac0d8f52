/**
 * A channel is one physical connection of one transport kind. It only moves frames; the
 * Transport above it owns state, requests, subscriptions and reconnects. A channel never calls
 * its handlers after `close()` was called on it.
 */
import type { ClientFrame, ServerFrame } from './protocol.ts'

/** WebSocket first, then SSE + POST, then long-poll (docs/protocol.md section 1). */
export type ChannelKind = 'ws' | 'sse' | 'poll'

export const CHANNEL_ORDER: readonly ChannelKind[] = ['ws', 'sse', 'poll']

export interface ChannelHandlers {
  /** Ready to carry frames (a WebSocket still needs `auth`; fallback sessions do not). */
  open(): void
  frame(frame: ServerFrame): void
  /** The channel is gone. `opened` tells whether `open` was ever called. */
  close(info: { opened: boolean }): void
}

export interface Channel {
  readonly kind: ChannelKind
  /** True when the server expects an `auth` frame first (WebSocket). */
  readonly needsAuth: boolean
  send(frame: ClientFrame): void
  close(): void
}

export interface ChannelTarget {
  /** The server's origin and path prefix, e.g. `https://chat.example.com`. */
  baseUrl: string
  token: string
}

export type ChannelFactory = (
  kind: ChannelKind,
  target: ChannelTarget,
  handlers: ChannelHandlers,
) => Channel

/** A decoded frame, if it is an object with a string `type`; anything else is dropped. */
export function asFrame(value: unknown): ServerFrame | null {
  if (!value || typeof value !== 'object') return null
  return typeof (value as { type?: unknown }).type === 'string' ? (value as ServerFrame) : null
}

/** Parses a JSON text frame (the server sends only JSON objects on these channels). */
export function parseFrame(text: unknown): ServerFrame | null {
  if (typeof text !== 'string') return null
  try {
    return asFrame(JSON.parse(text))
  } catch {
    return null
  }
}
