/**
 * Wire encodings: JSON text frames by default, MessagePack binary frames as the second
 * subprotocol. Same frame shapes in both.
 */
import { Packr } from 'msgpackr'
import { ParleyError } from './errors.ts'

export type Format = 'json' | 'msgpack'

/** WebSocket subprotocol names, in server preference order. */
export const SUBPROTOCOLS: Record<string, Format> = {
  'parley.json.v1': 'json',
  'parley.msgpack.v1': 'msgpack',
}

// Plain maps, no record extension: any MessagePack library can read these frames.
const packr = new Packr({ useRecords: false, mapsAsObjects: true })
const textDecoder = new TextDecoder('utf-8', { fatal: true })

export function encodeFrame(frame: unknown, format: Format): string | Uint8Array {
  return format === 'json' ? JSON.stringify(frame) : packr.pack(frame)
}

/** Decodes one client frame; throws invalid_frame on bytes that are not a frame. */
export function decodeFrame(data: string | Uint8Array | ArrayBuffer, format: Format): unknown {
  try {
    if (format === 'msgpack') {
      if (typeof data === 'string') throw new Error('text frame on a MessagePack connection')
      return packr.unpack(data instanceof ArrayBuffer ? new Uint8Array(data) : data)
    }
    const text = typeof data === 'string' ? data : textDecoder.decode(data)
    return JSON.parse(text)
  } catch {
    throw new ParleyError(
      'invalid_frame',
      `frame is not valid ${format === 'json' ? 'JSON' : 'MessagePack'}`,
    )
  }
}

/** A frame encoded at most once per format, however many connections receive it. */
export class EncodedFrame {
  private json: string | undefined
  private msgpack: Uint8Array | undefined

  constructor(readonly frame: unknown) {}

  get(format: Format): string | Uint8Array {
    if (format === 'json') return (this.json ??= JSON.stringify(this.frame))
    return (this.msgpack ??= packr.pack(this.frame))
  }
}
