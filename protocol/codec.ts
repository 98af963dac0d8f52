/**
 * Wire encodings: JSON text frames by default, MessagePack binary frames as the second
 * subprotocol. Same frame shapes in both.
 */
import { Packr } from 'msgpackr'
import { ParleyError } from './errors.ts'
import { jsonNestsDeeper, nestingError, scanMsgpack } from './prescan.ts'

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

/**
 * A frame refused while decoding although it could be read: `decoded` is what was read (e.g.
 * with U+FFFD in place of bytes that are not UTF-8), only so that the error can echo its req.
 */
export class RefusedFrame extends ParleyError {
  constructor(
    message: string,
    readonly decoded: unknown,
  ) {
    super('validation_failed', message)
  }
}

/**
 * Decodes one client frame; throws invalid_frame on bytes that are not a frame, and
 * validation_failed on nesting deeper than MAX_NESTING or a MessagePack string that is not UTF-8
 * (checked before decoding: see prescan.ts).
 */
export function decodeFrame(data: string | Uint8Array | ArrayBuffer, format: Format): unknown {
  const invalid = () =>
    new ParleyError(
      'invalid_frame',
      `frame is not valid ${format === 'json' ? 'JSON' : 'MessagePack'}`,
    )
  if (format === 'msgpack') {
    if (typeof data === 'string') throw invalid() // a text frame on a MessagePack connection
    const bytes = data instanceof ArrayBuffer ? new Uint8Array(data) : data
    const scan = scanMsgpack(bytes)
    if (scan === 'too_deep') throw nestingError()
    let decoded: unknown
    try {
      decoded = packr.unpack(bytes)
    } catch {
      throw invalid()
    }
    // msgpackr would hand on U+FFFD in place of the bad bytes: the text silently changed.
    if (scan === 'bad_string')
      throw new RefusedFrame('a string is not well-formed Unicode (invalid UTF-8)', decoded)
    return decoded
  }
  let text: string
  try {
    text = typeof data === 'string' ? data : textDecoder.decode(data)
  } catch {
    throw invalid()
  }
  if (jsonNestsDeeper(text)) throw nestingError()
  try {
    return JSON.parse(text)
  } catch {
    throw invalid()
  }
}

/** A frame encoded at most once per format, however many connections receive it. */
export class EncodedFrame {
  private json: string | undefined
  private msgpack: Uint8Array | undefined

  /** `toJson` builds the JSON text (JSON.stringify unless the frame has a faster equivalent). */
  constructor(
    readonly frame: unknown,
    private readonly toJson: (frame: never) => string = JSON.stringify,
  ) {}

  /** A frame whose JSON text is known already (received from another node): not encoded again. */
  static withJson(frame: unknown, json: string | undefined): EncodedFrame {
    const encoded = new EncodedFrame(frame)
    encoded.json = json
    return encoded
  }

  get(format: Format): string | Uint8Array {
    if (format === 'json') return (this.json ??= this.toJson(this.frame as never))
    return (this.msgpack ??= packr.pack(this.frame))
  }
}
