/**
 * Cheap, non-recursive scans of a frame or body before it is decoded. Decoders and validators
 * recurse: a 200 KB body nested 100,000 levels deep overflowed the stack (in msgpackr's unpack,
 * and in the JSON.stringify behind Elysia's validation error) and came back as a retryable
 * internal_error. No real frame or body nests more than a few levels, so anything deeper than
 * MAX_NESTING is refused up front as validation_failed.
 */
import { ParleyError } from './errors.ts'

/** Deepest nesting of objects and arrays accepted in a frame or an HTTP body. */
export const MAX_NESTING = 64

/** The error for input nested deeper than MAX_NESTING. */
export function nestingError(): ParleyError {
  return new ParleyError('validation_failed', `nesting deeper than ${MAX_NESTING}`)
}

const OPEN_BRACE = 0x7b
const CLOSE_BRACE = 0x7d
const OPEN_BRACKET = 0x5b
const CLOSE_BRACKET = 0x5d
const QUOTE = 0x22
const BACKSLASH = 0x5c

/**
 * True when JSON text opens more than `max` objects or arrays inside one another. Brackets in
 * strings do not count. Invalid JSON is left for JSON.parse to refuse.
 */
export function jsonNestsDeeper(text: string, max = MAX_NESTING): boolean {
  let depth = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (inString) {
      if (c === BACKSLASH) i++
      else if (c === QUOTE) inString = false
    } else if (c === QUOTE) inString = true
    else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (++depth > max) return true
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) depth--
  }
  return false
}

/**
 * What a MessagePack scan found: nesting deeper than allowed, a string whose bytes are not UTF-8
 * (msgpackr would turn them into U+FFFD, silently changing the text), bytes that are not one
 * MessagePack value (left for unpack to report), or nothing wrong.
 */
export type PackScan = 'ok' | 'too_deep' | 'bad_string' | 'malformed'

const utf8 = new TextDecoder('utf-8', { fatal: true })

function isUtf8(bytes: Uint8Array): boolean {
  let ascii = true
  for (let i = 0; i < bytes.length && ascii; i++) ascii = (bytes[i] as number) < 0x80
  if (ascii) return true
  try {
    utf8.decode(bytes)
    return true
  } catch {
    return false
  }
}

/**
 * Walks the first MessagePack value in bytes without building it (see PackScan). A bad string
 * does not stop the walk: 'bad_string' means the value is otherwise safe to unpack.
 */
export function scanMsgpack(bytes: Uint8Array, max = MAX_NESTING): PackScan {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  let badString = false
  // Items still expected by each open array or map (a map entry is two items).
  const open: number[] = []
  let i = 0
  const uint = (size: 1 | 2 | 4): number => {
    if (i + size > bytes.length) return -1
    const n = size === 1 ? view.getUint8(i) : size === 2 ? view.getUint16(i) : view.getUint32(i)
    i += size
    return n
  }
  for (;;) {
    if (i >= bytes.length) return 'malformed'
    const b = bytes[i++] as number
    let children = -1 // -1: not a container
    let skip = 0
    let str = false
    if (b <= 0x7f || b >= 0xe0)
      skip = 0 // fixint
    else if (b <= 0x8f)
      children = (b & 0x0f) * 2 // fixmap
    else if (b <= 0x9f)
      children = b & 0x0f // fixarray
    else if (b <= 0xbf) {
      skip = b & 0x1f // fixstr
      str = true
    } else {
      switch (b) {
        case 0xc0:
        case 0xc2:
        case 0xc3:
          break
        case 0xc4:
          skip = uint(1)
          break
        case 0xc5:
          skip = uint(2)
          break
        case 0xc6:
          skip = uint(4)
          break
        case 0xc7:
        case 0xc8:
        case 0xc9: {
          const len = uint(b === 0xc7 ? 1 : b === 0xc8 ? 2 : 4)
          skip = len < 0 ? -1 : len + 1 // the ext type byte
          break
        }
        case 0xca:
        case 0xce:
        case 0xd2:
          skip = 4
          break
        case 0xcb:
        case 0xcf:
        case 0xd3:
          skip = 8
          break
        case 0xcc:
        case 0xd0:
          skip = 1
          break
        case 0xcd:
        case 0xd1:
          skip = 2
          break
        case 0xd4:
        case 0xd5:
        case 0xd6:
        case 0xd7:
        case 0xd8:
          skip = 1 + (1 << (b - 0xd4)) // fixext: type byte and 1-16 data bytes
          break
        case 0xd9:
        case 0xda:
        case 0xdb:
          skip = uint(b === 0xd9 ? 1 : b === 0xda ? 2 : 4)
          str = true
          break
        case 0xdc:
        case 0xdd:
          children = uint(b === 0xdc ? 2 : 4)
          if (children < 0) return 'malformed'
          break
        case 0xde:
        case 0xdf: {
          const entries = uint(b === 0xde ? 2 : 4)
          if (entries < 0) return 'malformed'
          children = entries * 2
          break
        }
        default:
          return 'malformed' // 0xc1 is never used
      }
    }
    if (skip < 0 || i + skip > bytes.length) return 'malformed'
    if (str && !badString && !isUtf8(bytes.subarray(i, i + skip))) badString = true
    i += skip
    if (children > 0) {
      open.push(children)
      if (open.length > max) return 'too_deep'
      continue
    }
    if (children === 0 && open.length + 1 > max) return 'too_deep'
    // A value is complete: count it against its container, and close every container it fills.
    for (;;) {
      const last = open.length - 1
      if (last < 0) return badString ? 'bad_string' : 'ok'
      const left = (open[last] as number) - 1
      if (left > 0) {
        open[last] = left
        break
      }
      open.pop()
    }
  }
}
