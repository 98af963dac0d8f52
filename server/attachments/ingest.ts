/**
 * One upload: a multipart/form-data request with one file in its `file` field, streamed to a
 * temp file while its bytes are counted and hashed, then judged by its content alone. The type
 * comes from the bytes (file-type), never from the client's name or Content-Type; images are
 * decoded and re-encoded (EXIF, GPS and every other metadata dropped, orientation applied) and
 * get a WebP thumbnail. Memory stays flat whatever the size: the multipart body is parsed here,
 * chunk by chunk, because @remix-run/multipart-parser (0.16) collects each part's whole content
 * in memory before handing it over. Every temp file is removed when ingest throws.
 */
import { randomUUID } from 'node:crypto'
import { isUtf8 } from 'node:buffer'
import type { Dirent } from 'node:fs'
import { mkdir, open, readdir, rm, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { fileTypeFromFile } from 'file-type/node'
import { DEFAULT_ATTACHMENT_TYPES } from '../../actors/index.ts'
import sharp from 'sharp'
import { ParleyError } from '../../protocol/index.ts'

export interface IngestLimits {
  /** Largest accepted file, in bytes. */
  maxBytes: number
  /** MIME types (as `DEFAULT_ALLOWED_TYPES` spells them) an upload may have. */
  allowedTypes: readonly string[]
}

export interface Ingested {
  /** The sanitized original file name. */
  name: string
  /** Bytes of what will be stored (after metadata stripping). */
  size: number
  /** Sniffed from the bytes, never taken from the client. */
  contentType: string
  /** Images only, after the EXIF orientation is applied. */
  width: number | null
  height: number | null
  /** Hex SHA-256 of the stored bytes (a strong ETag). */
  sha256: string
  /** Temp file holding the bytes to store; the caller moves it to storage or removes it. */
  path: string
  thumbnail: {
    path: string
    size: number
    contentType: string
    width: number
    height: number
  } | null
}

/** What uploads may be by default: the inbox default (actors/ports.ts), as file-type spells them. */
export const DEFAULT_ALLOWED_TYPES: readonly string[] = DEFAULT_ATTACHMENT_TYPES

/** Room for the multipart framing around the file: boundaries, part headers, small fields. */
const MULTIPART_OVERHEAD = 64 * 1024
/** Largest header block of one part; browsers send a few hundred bytes. */
const MAX_PART_HEADER_BYTES = 8 * 1024
/** Parts one form may have: the file and a few ignored fields. */
const MAX_PARTS = 16
/** Bytes before the first boundary (a preamble; browsers send none). */
const MAX_PREAMBLE_BYTES = 1024
/** sharp refuses images with more pixels than this (decompression bombs). */
const MAX_IMAGE_PIXELS = 50_000_000
/** Thumbnails fit inside this square. */
const THUMB_SIDE = 320
/** Longest sanitized file name, in characters (code points). */
const MAX_NAME_CHARS = 200
/** An extension longer than this is not kept apart when a name is shortened. */
const MAX_EXTENSION_CHARS = 16

/** The images decoded and re-encoded in their own format, by MIME type. */
const REENCODED = {
  'image/png': 'png',
  'image/jpeg': 'jpeg',
  'image/webp': 'webp',
  'image/gif': 'gif',
} as const
type ImageFormat = (typeof REENCODED)[keyof typeof REENCODED]

const CRLF = Buffer.from('\r\n')
const HEADER_END = Buffer.from('\r\n\r\n')

function badRequest(message: string, cause?: unknown): ParleyError {
  return new ParleyError('bad_request', message, cause === undefined ? {} : { cause })
}

function tooLarge(maxBytes: number): ParleyError {
  return new ParleyError('payload_too_large', `the file is larger than ${maxBytes} bytes`)
}

function malformed(what: string): ParleyError {
  return badRequest(`malformed multipart body: ${what}`)
}

// ---------------------------------------------------------------------------------------------
// File names

/** Bidirectional controls (embeddings, overrides, isolates, marks) that can disguise a name. */
const BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g

/**
 * A name safe to show and to put in a Content-Disposition header: only the last path segment is
 * kept (`C:\fakepath\a.png` -> `a.png`), so no `/` or `\` survives; control characters and bidi
 * overrides are removed, leading dots too (no hidden or `..` names); trimmed; at most 200
 * characters, shortened before the extension so it is kept; empty -> "file".
 */
export function sanitizeFileName(raw: string): string {
  const segments = raw
    .toWellFormed()
    .normalize('NFC')
    .replace(CONTROL, '')
    .replace(BIDI, '')
    .split(/[/\\]/)
  const last = segments.findLast((s) => s.trim() !== '') ?? ''
  const name = last.trim().replace(/^[.\s]+/, '')
  return shorten(name) || 'file'
}

/** At most MAX_NAME_CHARS code points, cutting the base name and keeping a short extension. */
function shorten(name: string): string {
  const chars = Array.from(name)
  if (chars.length <= MAX_NAME_CHARS) return name
  const dot = name.lastIndexOf('.')
  const extension = dot > 0 ? Array.from(name.slice(dot)) : []
  const keep = extension.length > 0 && extension.length <= MAX_EXTENSION_CHARS ? extension : []
  const base = chars
    .slice(0, MAX_NAME_CHARS - keep.length)
    .join('')
    .trimEnd()
  return base + keep.join('')
}

// ---------------------------------------------------------------------------------------------
// Multipart

interface PartHead {
  /** The form field's name. */
  name: string | undefined
  /** The file name as sent; undefined for a plain field. */
  filename: string | undefined
}

/** The boundary of a multipart/form-data content type; bad_request for anything else. */
function boundaryOf(request: Request): string {
  const type = request.headers.get('content-type') ?? ''
  if (!/^multipart\/form-data\s*(;|$)/i.test(type)) {
    throw badRequest('the upload must be multipart/form-data')
  }
  const match = /;\s*boundary=(?:"([^"]{1,70})"|([^;\s"]{1,70}))\s*(;|$)/i.exec(type)
  const boundary = match?.[1] ?? match?.[2]
  if (!boundary) throw badRequest('the multipart content type has no valid boundary')
  return boundary
}

/** The parameters of a Content-Disposition value, names lower-cased. */
function dispositionParams(value: string): Map<string, string> {
  const params = new Map<string, string>()
  // Quoted strings end at the next quote: browsers send backslashes raw (the HTML spec escapes
  // only `"`, CR and LF, as %22, %0D and %0A), so a backslash is no escape character here.
  for (const m of value.matchAll(/;\s*([^\s=;]+)\s*=\s*(?:"([^"]*)"|([^;]*))/g)) {
    const name = (m[1] as string).toLowerCase()
    params.set(name, m[2] ?? (m[3] as string).trim())
  }
  return params
}

/** `filename*=UTF-8''...` (RFC 5987) when given and valid, else `filename` as browsers send it. */
function fileNameOf(params: Map<string, string>): string | undefined {
  const extended = params.get('filename*')
  const m = extended === undefined ? null : /^utf-8'[^']*'(.*)$/i.exec(extended)
  if (m) {
    try {
      return decodeURIComponent(m[1] as string)
    } catch {
      // Not valid percent-encoding: fall back to the plain parameter.
    }
  }
  const plain = params.get('filename')
  return plain?.replace(/%22/g, '"').replace(/%0d/gi, '\r').replace(/%0a/gi, '\n')
}

function parsePartHead(bytes: Uint8Array): PartHead {
  const text = new TextDecoder('utf-8').decode(bytes)
  let disposition: string | undefined
  for (const line of text.split('\r\n')) {
    const colon = line.indexOf(':')
    if (colon > 0 && line.slice(0, colon).trim().toLowerCase() === 'content-disposition') {
      disposition = line.slice(colon + 1).trim()
    }
  }
  if (!disposition || !/^form-data\s*(;|$)/i.test(disposition)) {
    throw malformed('a part has no form-data Content-Disposition')
  }
  const params = dispositionParams(disposition)
  return { name: params.get('name'), filename: fileNameOf(params) }
}

/**
 * A multipart body read part by part from the request's stream. A part's content is handed out
 * in chunks as they arrive (`body`), keeping back only the few bytes that may start the next
 * boundary, so nothing ever waits for a whole part. The body is read as if it began with CRLF:
 * then the first delimiter is `CRLF--boundary` like every other.
 */
class MultipartReader {
  private buffer: Buffer = CRLF
  private readonly delimiter: Buffer
  private read = 0
  /** The buffer starts right after a delimiter (the next part's headers or the closing `--`). */
  private atDelimiter = false

  constructor(
    private readonly reader: ReadableStreamDefaultReader<Uint8Array>,
    boundary: string,
    /** Bytes the whole body may have; payload_too_large past it. */
    private readonly maxBodyBytes: number,
    private readonly maxFileBytes: number,
  ) {
    this.delimiter = Buffer.from(`\r\n--${boundary}`)
  }

  /** Appends the next chunk of the body to the buffer; false at its end. */
  private async more(): Promise<boolean> {
    let next: Awaited<ReturnType<typeof this.reader.read>>
    try {
      next = await this.reader.read()
    } catch (error) {
      throw badRequest('the upload was interrupted', error)
    }
    if (next.done) return false
    const chunk = next.value
    this.read += chunk.byteLength
    if (this.read > this.maxBodyBytes) throw tooLarge(this.maxFileBytes)
    const bytes = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)
    this.buffer = this.buffer.length === 0 ? bytes : Buffer.concat([this.buffer, bytes])
    return true
  }

  /** Waits until the buffer holds at least `n` bytes; malformed if the body ends first. */
  private async need(n: number, what: string): Promise<void> {
    while (this.buffer.length < n) {
      if (!(await this.more())) throw malformed(what)
    }
  }

  /** Skips the preamble up to the first delimiter. */
  private async seekFirst(): Promise<void> {
    let skipped = 0
    for (;;) {
      const at = this.buffer.indexOf(this.delimiter)
      if (at >= 0) {
        this.buffer = this.buffer.subarray(at + this.delimiter.length)
        this.atDelimiter = true
        return
      }
      const drop = Math.max(0, this.buffer.length - (this.delimiter.length - 1))
      skipped += drop
      if (skipped > MAX_PREAMBLE_BYTES) throw malformed('no boundary where the body starts')
      this.buffer = this.buffer.subarray(drop)
      if (!(await this.more())) throw malformed('no boundary in the body')
    }
  }

  /** The next part's headers, or null after the closing delimiter. */
  async next(): Promise<PartHead | null> {
    if (!this.atDelimiter) await this.seekFirst()
    await this.need(2, 'the body ends after a boundary')
    if (this.buffer[0] === 0x2d && this.buffer[1] === 0x2d) return null
    // The delimiter line may carry whitespace before its CRLF (RFC 2046 transport padding).
    let lineEnd: number
    while ((lineEnd = this.buffer.indexOf(CRLF)) < 0) {
      if (this.buffer.length > MAX_PART_HEADER_BYTES) throw malformed('a boundary line is too long')
      await this.need(this.buffer.length + 1, 'the body ends after a boundary')
    }
    if (!/^[ \t]*$/.test(this.buffer.subarray(0, lineEnd).toString('latin1'))) {
      throw malformed('a boundary is followed by text')
    }
    // Searching from the line's own CRLF finds an empty header block too.
    let headEnd: number
    while ((headEnd = this.buffer.indexOf(HEADER_END, lineEnd)) < 0) {
      if (this.buffer.length - lineEnd > MAX_PART_HEADER_BYTES) {
        throw malformed('part headers are too large')
      }
      await this.need(this.buffer.length + 1, 'the body ends inside part headers')
    }
    const head = parsePartHead(this.buffer.subarray(lineEnd + 2, headEnd))
    this.buffer = this.buffer.subarray(headEnd + HEADER_END.length)
    this.atDelimiter = false
    return head
  }

  /**
   * The current part's content, chunk by chunk, up to the next delimiter. Chunks are views of
   * the buffer, valid until the next call (the buffer is replaced, never written into).
   */
  async *body(): AsyncGenerator<Uint8Array> {
    const keep = this.delimiter.length - 1
    for (;;) {
      const at = this.buffer.indexOf(this.delimiter)
      if (at >= 0) {
        if (at > 0) yield this.buffer.subarray(0, at)
        this.buffer = this.buffer.subarray(at + this.delimiter.length)
        this.atDelimiter = true
        return
      }
      // All but the last few bytes cannot be the start of a delimiter: hand them out now.
      const safe = this.buffer.length - keep
      if (safe > 0) {
        const chunk = this.buffer.subarray(0, safe)
        this.buffer = this.buffer.subarray(safe)
        yield chunk
      }
      if (!(await this.more())) throw malformed('the body ends inside a part')
    }
  }

  /** Reads past the current part's content. */
  async skip(): Promise<void> {
    for await (const _ of this.body()) {
      // Discarded: an ignored field.
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Temp files

/** The temp files of one ingest, all removed when it fails. */
class TempFiles {
  private readonly paths = new Set<string>()
  private readonly id = randomUUID()

  constructor(private readonly dir: string) {}

  /** A new path in the temp folder, tracked from now on. */
  path(suffix: string): string {
    const path = join(this.dir, `upload-${this.id}.${suffix}`)
    this.paths.add(path)
    return path
  }

  async remove(path: string): Promise<void> {
    await rm(path, { force: true })
    this.paths.delete(path)
  }

  async removeAll(): Promise<void> {
    await Promise.all([...this.paths].map((p) => rm(p, { force: true }).catch(() => undefined)))
    this.paths.clear()
  }
}

// ---------------------------------------------------------------------------------------------
// Receiving the file

interface Received {
  filename: string
  path: string
  size: number
  /** Hex SHA-256 of the received bytes. */
  sha256: string
  /** Valid UTF-8 with no NUL byte, from the first byte to the last. */
  isText: boolean
}

/**
 * Where a chunk stops being complete UTF-8: before a multi-byte sequence its last bytes begin
 * but do not finish (the rest is in the next chunk), else its length.
 */
function completeUtf8Length(bytes: Uint8Array): number {
  for (let back = 1; back <= Math.min(3, bytes.length); back++) {
    const byte = bytes[bytes.length - back] as number
    if ((byte & 0xc0) === 0x80) continue // a continuation byte: look further back
    const needs = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1
    return needs > back ? bytes.length - back : bytes.length
  }
  return bytes.length
}

/**
 * Tells, chunk by chunk, whether a byte stream is UTF-8 text without NUL bytes. Checked with
 * the native isUtf8 (no string is made: a 200 MB text upload costs no memory), carrying a
 * sequence split between two chunks over to the next.
 */
class TextCheck {
  private carry: Uint8Array = new Uint8Array(0)
  private isText = true

  update(chunk: Uint8Array): void {
    if (!this.isText) return
    if (chunk.includes(0)) {
      this.isText = false
      return
    }
    const bytes = this.carry.length === 0 ? chunk : Buffer.concat([this.carry, chunk])
    const complete = completeUtf8Length(bytes)
    if (!isUtf8(bytes.subarray(0, complete))) this.isText = false
    this.carry = bytes.slice(complete)
  }

  /** The verdict; a multi-byte sequence cut off at the end is not text. */
  finish(): boolean {
    return this.isText && this.carry.length === 0
  }
}

/** Writes the whole chunk (a write may take only part of it). */
async function writeAll(
  handle: Awaited<ReturnType<typeof open>>,
  chunk: Uint8Array,
): Promise<void> {
  for (let at = 0; at < chunk.byteLength;) {
    const { bytesWritten } = await handle.write(chunk, at, chunk.byteLength - at)
    at += bytesWritten
  }
}

/** Streams the current part to a new temp file, counting, hashing and checking it as text. */
async function receivePart(
  form: MultipartReader,
  filename: string,
  maxBytes: number,
  temps: TempFiles,
): Promise<Received> {
  const path = temps.path('upload')
  const hasher = new Bun.CryptoHasher('sha256')
  const text = new TextCheck()
  let size = 0
  const handle = await open(path, 'wx', 0o600)
  try {
    for await (const chunk of form.body()) {
      size += chunk.byteLength
      if (size > maxBytes) throw tooLarge(maxBytes)
      hasher.update(chunk)
      text.update(chunk)
      await writeAll(handle, chunk)
    }
  } finally {
    await handle.close()
  }
  if (size === 0) throw new ParleyError('validation_failed', 'the file is empty')
  return { filename, path, size, sha256: hasher.digest('hex'), isText: text.finish() }
}

/**
 * Reads the whole form: its `file` field to a temp file, other fields skipped. A second file
 * (or a second `file` field) is refused: one upload, one file.
 */
async function receiveForm(
  form: MultipartReader,
  maxBytes: number,
  temps: TempFiles,
): Promise<Received> {
  let received: Received | null = null
  for (let parts = 1; ; parts++) {
    const part = await form.next()
    if (!part) break
    if (parts > MAX_PARTS) throw badRequest(`the form has more than ${MAX_PARTS} fields`)
    if (part.name === 'file' || part.filename !== undefined) {
      if (received || part.name !== 'file') {
        throw badRequest('send one file per upload, in the field "file"')
      }
      received = await receivePart(form, part.filename ?? '', maxBytes, temps)
    } else {
      await form.skip()
    }
  }
  if (!received) throw badRequest('the form has no "file" field')
  return received
}

// ---------------------------------------------------------------------------------------------
// Type

/**
 * An SVG document, judged from its start: an optional XML declaration, comments and doctype,
 * then an `<svg` element. file-type reports none (or application/xml with a declaration).
 */
function looksLikeSvg(head: string): boolean {
  const prolog = /^\ufeff?\s*(<\?xml[^>]*>\s*)?(<!--[\s\S]*?-->\s*|<!doctype[^>]*>\s*)*<svg[\s>]/i
  return prolog.test(head)
}

/** The content's MIME type, from its bytes alone; null when it is not recognised. */
async function sniff(received: Received): Promise<string | null> {
  const found = await fileTypeFromFile(received.path)
  // Parameters (file-type says `audio/ogg; codecs=opus`) are not part of the type allowed.
  const detected = found && { mime: found.mime.split(';')[0]?.trim() ?? found.mime }
  if (detected && detected.mime !== 'application/xml') return detected.mime
  const xmlOrText = detected !== undefined || received.isText
  if (xmlOrText && looksLikeSvg(await Bun.file(received.path).slice(0, 4096).text())) {
    return 'image/svg+xml'
  }
  if (detected) return detected.mime
  return received.isText ? 'text/plain' : null
}

// ---------------------------------------------------------------------------------------------
// Images

/** Hex SHA-256 of a file, read as a stream. */
async function sha256Of(path: string): Promise<string> {
  const hasher = new Bun.CryptoHasher('sha256')
  const reader = Bun.file(path).stream().getReader()
  for (let next = await reader.read(); !next.done; next = await reader.read()) {
    hasher.update(next.value)
  }
  return hasher.digest('hex')
}

/** Encoder settings per format; none of them writes metadata (sharp drops it by default). */
function encode(image: sharp.Sharp, format: ImageFormat): sharp.Sharp {
  switch (format) {
    case 'jpeg':
      return image.jpeg({ quality: 90 })
    case 'png':
      return image.png()
    case 'webp':
      return image.webp({ quality: 90 })
    case 'gif':
      return image.gif()
  }
}

/** A sharp failure as the client's error: the image is too large or cannot be decoded. */
function imageError(error: unknown): ParleyError {
  const message = error instanceof Error ? error.message : String(error)
  if (/pixel limit/i.test(message)) {
    return new ParleyError(
      'validation_failed',
      `the image is larger than ${MAX_IMAGE_PIXELS / 1_000_000} megapixels`,
      { cause: error },
    )
  }
  return new ParleyError('validation_failed', 'the image cannot be read', { cause: error })
}

/**
 * Decodes the image, applies its EXIF orientation and writes it again in its own format without
 * any metadata (animated GIF and WebP keep every frame), then a WebP thumbnail of its first
 * frame that fits in 320x320 (never enlarged). The received file is removed.
 */
async function processImage(
  received: Received,
  contentType: keyof typeof REENCODED,
  temps: TempFiles,
): Promise<Ingested> {
  const format = REENCODED[contentType]
  const animated = format === 'gif' || format === 'webp'
  const output = temps.path('image')
  const thumbPath = temps.path('thumb.webp')
  let info: sharp.OutputInfo
  let thumb: sharp.OutputInfo
  try {
    const input = sharp(received.path, {
      limitInputPixels: MAX_IMAGE_PIXELS,
      animated,
      failOn: 'error',
    })
    info = await encode(input.rotate(), format).toFile(output)
    thumb = await sharp(output, { limitInputPixels: MAX_IMAGE_PIXELS })
      .resize(THUMB_SIDE, THUMB_SIDE, { fit: 'inside', withoutEnlargement: true })
      .webp({ quality: 80 })
      .toFile(thumbPath)
  } catch (error) {
    throw imageError(error)
  }
  await temps.remove(received.path)
  return {
    name: sanitizeFileName(received.filename),
    size: info.size,
    contentType,
    width: info.width,
    // An animated image's height is its frames' height, not the strip of all frames.
    height: info.pageHeight ?? info.height,
    sha256: await sha256Of(output),
    path: output,
    thumbnail: {
      path: thumbPath,
      size: thumb.size,
      contentType: 'image/webp',
      width: thumb.width,
      height: thumb.height,
    },
  }
}

// ---------------------------------------------------------------------------------------------
// Ingest

function isReencoded(type: string): type is keyof typeof REENCODED {
  return Object.hasOwn(REENCODED, type)
}

/** payload_too_large at once when Content-Length alone proves the body is over the limit. */
function checkDeclaredLength(request: Request, maxBytes: number): void {
  const declared = request.headers.get('content-length')
  if (declared !== null && Number(declared) > maxBytes + MULTIPART_OVERHEAD) {
    throw tooLarge(maxBytes)
  }
}

/**
 * Reads a multipart/form-data request whose one file field is `file` (plain fields are ignored,
 * a second file is bad_request), streaming it to a temp file under tmpDir: past maxBytes it
 * stops reading and throws payload_too_large (at once when Content-Length alone says so). An
 * empty file is validation_failed. The type is sniffed from the bytes: a type file-type does not
 * know is text/plain when every byte is UTF-8 text without NUL, else unsupported_media_type; a
 * type not in allowedTypes is unsupported_media_type. PNG, JPEG, WebP and GIF are re-encoded
 * without metadata and get a thumbnail; an image sharp cannot decode is validation_failed. Any
 * other allowed type (SVG included, if an admin allows it) is stored as received. Malformed
 * multipart, or another content type, is bad_request. Every temp file is removed on failure.
 */
export async function ingestUpload(
  request: Request,
  limits: IngestLimits,
  tmpDir: string,
): Promise<Ingested> {
  const boundary = boundaryOf(request)
  checkDeclaredLength(request, limits.maxBytes)
  if (!request.body) throw badRequest('the upload has no body')
  await mkdir(tmpDir, { recursive: true, mode: 0o700 })
  const temps = new TempFiles(tmpDir)
  const reader = request.body.getReader()
  const maxBody = limits.maxBytes + MULTIPART_OVERHEAD
  try {
    const form = new MultipartReader(reader, boundary, maxBody, limits.maxBytes)
    const received = await receiveForm(form, limits.maxBytes, temps)
    const type = await sniff(received)
    if (type === null) {
      throw new ParleyError('unsupported_media_type', 'this type of file is not recognised')
    }
    if (!limits.allowedTypes.includes(type)) {
      throw new ParleyError('unsupported_media_type', `files of type ${type} are not allowed`)
    }
    if (isReencoded(type)) return await processImage(received, type, temps)
    return {
      name: sanitizeFileName(received.filename),
      size: received.size,
      contentType: type,
      width: null,
      height: null,
      sha256: received.sha256,
      path: received.path,
      thumbnail: null,
    }
  } catch (error) {
    // Stop the upload where it is: the rest of the body is never read.
    await reader.cancel().catch(() => undefined)
    await temps.removeAll()
    throw error
  } finally {
    reader.releaseLock()
  }
}

/**
 * Removes the files in tmpDir last modified more than olderThanMs ago: uploads a killed process
 * left behind. Returns how many were removed; a missing folder has none.
 */
export async function cleanTempFiles(tmpDir: string, olderThanMs: number): Promise<number> {
  let entries: Dirent[]
  try {
    entries = await readdir(tmpDir, { withFileTypes: true })
  } catch (error) {
    if (error instanceof Error && 'code' in error && error.code === 'ENOENT') return 0
    throw error
  }
  const cutoff = Date.now() - olderThanMs
  let removed = 0
  for (const entry of entries) {
    if (!entry.isFile()) continue
    const path = join(tmpDir, entry.name)
    try {
      if ((await stat(path)).mtimeMs >= cutoff) continue
      await rm(path)
      removed++
    } catch {
      // Removed meanwhile (an ingest finishing): nothing to do.
    }
  }
  return removed
}
