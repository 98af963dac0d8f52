/**
 * Where attachment bytes live: a port with two backends, a folder on disk and an S3 bucket. Both
 * stream (an upload is never held in memory), never show a half-written object under its key,
 * and report a store they cannot reach or write as a retryable `unavailable` error, so a client
 * tries again later instead of losing its file. Keys are plain relative paths (`blobKey`), checked
 * the same way by both backends, so a key that works on one works on the other.
 */
import { randomUUID } from 'node:crypto'
import { copyFile, link, mkdir, open, rename, rm, stat as fsStat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { ParleyError } from '../../protocol/index.ts'

export interface BlobStorage {
  readonly kind: 'disk' | 's3'
  /**
   * Stores the finished local file at `path` under `key`, then removes `path`. Durable once it
   * resolves (disk: file and folder fsynced; S3: the upload completed). The key never shows a
   * partial object. On failure `path` is left in place for the caller to retry or remove.
   */
  putFile(key: string, path: string, contentType: string): Promise<void>
  /** Byte size, or null when the object does not exist. */
  stat(key: string): Promise<{ size: number } | null>
  /**
   * The bytes [start, end] (inclusive; the caller clamps them to `stat`'s size), or the whole
   * object, as a stream for `new Response(stream)`. A stream and never the backend's own file
   * object: Bun answers a Response holding an S3 file with a redirect to a presigned URL, which
   * would hand the bucket's address to the client. A missing object errors the stream.
   */
  stream(key: string, range?: { start: number; end: number }): ReadableStream<Uint8Array>
  /** Removes the object; an absent one is fine (idempotent). */
  delete(key: string): Promise<void>
  /**
   * Disk only: the object's file, for a response body Bun sends with its length (sendfile);
   * a stream of several chunks goes out chunked. Undefined on S3.
   */
  readonly localPath?: (key: string) => string
  /** Throws a clear Error unless the store can be written, read back and deleted from. */
  check(): Promise<void>
}

/** One S3 part: S3 wants at least 5 MiB; each upload holds about queueSize of these in memory. */
const S3_PART_BYTES = 8 * 1024 * 1024
const S3_PARALLEL_PARTS = 2
/** Bytes of the probe object `check` writes and reads back. */
const PROBE = 'parley storage probe\n'

/**
 * The key an attachment's bytes live under, spread over 65536 folders by the id's last four hex
 * digits (random in a UUIDv7, whose first digits are a timestamp): `attachments/3f/a2/<id>`, and
 * `<...>/<id>.thumb` for its thumbnail.
 */
export function blobKey(attachmentId: string, variant: 'original' | 'thumb'): string {
  const hex = attachmentId.toLowerCase().replace(/[^0-9a-f]/g, '')
  if (!/^[A-Za-z0-9_-]+$/.test(attachmentId) || hex.length < 4) {
    throw new Error(`not an attachment id: ${JSON.stringify(attachmentId)}`)
  }
  const spread = `${hex.slice(-4, -2)}/${hex.slice(-2)}`
  return `attachments/${spread}/${attachmentId}${variant === 'thumb' ? '.thumb' : ''}`
}

/**
 * Refuses any key that is not a plain relative path of safe segments: no "..", no absolute path,
 * no backslash, no NUL, no empty segment. Thrown as a plain Error: keys come from `blobKey`, so
 * a bad one is a bug, never a client's mistake.
 */
export function checkKey(key: string): void {
  const segments = key.split('/')
  const safe =
    key.length > 0 &&
    key.length <= 512 &&
    !key.includes('..') &&
    segments.every((s) => /^[A-Za-z0-9._-]+$/.test(s) && s !== '.')
  if (!safe) throw new Error(`unsafe storage key: ${JSON.stringify(key)}`)
}

function checkRange(range: { start: number; end: number }): void {
  const { start, end } = range
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || end < start) {
    throw new RangeError(`invalid byte range ${start}-${end}`)
  }
}

/**
 * A stream that opens its source at the first read: a missing file errors the stream (as S3 does)
 * instead of throwing where the stream is taken, which Bun does for a missing local file.
 */
function openOnRead(open: () => ReadableStream<Uint8Array>): ReadableStream<Uint8Array> {
  let reader: ReadableStreamDefaultReader<Uint8Array> | undefined
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        reader ??= open().getReader()
        const next = await reader.read()
        if (next.done) controller.close()
        else controller.enqueue(next.value)
      },
      async cancel(reason) {
        await reader?.cancel(reason)
      },
    },
    { highWaterMark: 0 },
  )
}

/**
 * At most `length` bytes of a stream. S3 servers that answer a one-byte range with more than
 * that exist (s3rver sends the whole object for `bytes=0-0`): the response is cut to the range.
 */
function limitBytes(
  stream: ReadableStream<Uint8Array>,
  length: number,
): ReadableStream<Uint8Array> {
  let remaining = length
  return stream.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        if (remaining <= 0) return
        const part = chunk.byteLength <= remaining ? chunk : chunk.subarray(0, remaining)
        remaining -= part.byteLength
        controller.enqueue(part)
        if (remaining === 0) controller.terminate()
      },
    }),
  )
}

function unavailable(cause: unknown): ParleyError {
  return new ParleyError('unavailable', 'attachment storage is unavailable; try again later', {
    cause,
  })
}

function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined
  return typeof error.code === 'string' ? error.code : undefined
}

function messageOf(error: unknown): string {
  const cause = error instanceof Error && error.cause !== undefined ? error.cause : error
  return cause instanceof Error
    ? `${errorCode(cause) ?? cause.name}: ${cause.message}`
    : String(cause)
}

/** Reads a stream to the end as text (the probe is tiny). */
async function readAll(stream: ReadableStream<Uint8Array>): Promise<string> {
  return await new Response(stream).text()
}

/** Writes, reads back and deletes a probe object: the start-up check of both backends. */
async function probe(storage: BlobStorage, where: string): Promise<void> {
  const key = `.probe-${randomUUID()}`
  const local = join(tmpdir(), `parley-probe-${randomUUID()}`)
  try {
    await Bun.write(local, PROBE)
    await storage.putFile(key, local, 'text/plain')
    const back = await readAll(storage.stream(key))
    if (back !== PROBE) throw new Error('the probe object read back differs from what was written')
    await storage.delete(key)
    if ((await storage.stat(key)) !== null) throw new Error('the probe object was not deleted')
  } catch (error) {
    throw new Error(`attachment storage ${where} is not usable: ${messageOf(error)}`, {
      cause: error,
    })
  } finally {
    await rm(local, { force: true })
  }
}

// ---------------------------------------------------------------------------------------------
// Disk

/** Flushes a file's or folder's contents to the device (a folder: its entries, e.g. a rename). */
async function fsync(path: string): Promise<void> {
  const handle = await open(path, 'r')
  try {
    await handle.sync()
  } finally {
    await handle.close()
  }
}

/**
 * Creates `dir` and its missing parents; each new folder's entry is fsynced into its parent, so
 * a file renamed into it after a crash is not left in a folder that never reached the disk.
 */
async function ensureDir(dir: string): Promise<void> {
  const first = await mkdir(dir, { recursive: true, mode: 0o700 })
  if (first === undefined) return
  // Every folder from dir up to the first one created is new: sync each into its parent.
  const top = resolve(first)
  for (let d = resolve(dir); ; d = dirname(d)) {
    await fsync(dirname(d))
    if (d === top || d === dirname(d)) break
  }
}

/**
 * Puts `path`'s bytes at `temp` without touching `path`: a hard link when both are on one file
 * system (no copy at all), a kernel-side copy otherwise (never through JS memory).
 */
async function placeCopy(path: string, temp: string): Promise<void> {
  try {
    await link(path, temp)
  } catch (error) {
    if (errorCode(error) !== 'EXDEV' && errorCode(error) !== 'EPERM') throw error
    await copyFile(path, temp)
  }
}

/**
 * Files under `root`, one per key. A file is written as a temp file in its final folder, fsynced,
 * renamed over the key and the folder fsynced: readers see the old object or the whole new one.
 */
export function diskStorage(root: string): BlobStorage {
  const base = resolve(root)
  const pathOf = (key: string) => {
    checkKey(key)
    return join(base, key)
  }

  const storage: BlobStorage = {
    kind: 'disk',

    localPath: (key) => pathOf(key),

    async putFile(key, path) {
      const target = pathOf(key)
      const dir = dirname(target)
      const temp = `${target}.tmp-${randomUUID()}`
      try {
        await ensureDir(dir)
        await placeCopy(path, temp)
        await fsync(temp)
        await rename(temp, target)
        await fsync(dir)
      } catch (error) {
        await rm(temp, { force: true }).catch(() => undefined)
        throw unavailable(error)
      }
      await rm(path, { force: true })
    },

    async stat(key) {
      const target = pathOf(key)
      try {
        const info = await fsStat(target)
        return info.isFile() ? { size: info.size } : null
      } catch (error) {
        const code = errorCode(error)
        if (code === 'ENOENT' || code === 'ENOTDIR') return null
        throw unavailable(error)
      }
    },

    stream(key, range) {
      const file = Bun.file(pathOf(key))
      if (!range) return openOnRead(() => file.stream())
      checkRange(range)
      return openOnRead(() => file.slice(range.start, range.end + 1).stream())
    },

    async delete(key) {
      try {
        await rm(pathOf(key), { force: true })
      } catch (error) {
        throw unavailable(error)
      }
    },

    async check() {
      try {
        await mkdir(base, { recursive: true, mode: 0o700 })
      } catch (error) {
        throw new Error(
          `attachment storage folder ${base} cannot be created: ${messageOf(error)}`,
          {
            cause: error,
          },
        )
      }
      await probe(storage, `folder ${base}`)
    },
  }
  return storage
}

// ---------------------------------------------------------------------------------------------
// S3

export interface S3Options {
  bucket: string
  /** The S3 API's base URL (MinIO, R2, Ceph...); unset: AWS. */
  endpoint?: string
  accessKeyId: string
  secretAccessKey: string
  region?: string
  /** Prepended to every key, e.g. `parley/` (several installations may share a bucket). */
  prefix?: string
}

/** S3's answers for an object that does not exist (GET gives NoSuchKey, HEAD a bare 404). */
function isMissing(error: unknown): boolean {
  const code = errorCode(error)
  return code === 'NoSuchKey' || code === 'NotFound'
}

/**
 * Objects in an S3 bucket through Bun's own client. An upload is a single PUT or a multipart
 * upload that Bun reads from the file part by part (memory stays at a few parts, whatever the
 * size); S3 shows an object only once its upload completed. Every failure to reach or use the
 * bucket (refused connection, denied access, server error) is `unavailable`.
 */
export function s3Storage(opts: S3Options): BlobStorage {
  const client = new Bun.S3Client({
    bucket: opts.bucket,
    accessKeyId: opts.accessKeyId,
    secretAccessKey: opts.secretAccessKey,
    ...(opts.endpoint ? { endpoint: opts.endpoint } : {}),
    ...(opts.region ? { region: opts.region } : {}),
  })
  const trimmed = (opts.prefix ?? '').replace(/^\/+|\/+$/g, '')
  const prefix = trimmed ? `${trimmed}/` : ''
  const keyOf = (key: string) => {
    checkKey(key)
    return prefix + key
  }

  const storage: BlobStorage = {
    kind: 's3',

    async putFile(key, path, contentType) {
      const target = keyOf(key)
      try {
        await client.write(target, Bun.file(path), {
          type: contentType,
          partSize: S3_PART_BYTES,
          queueSize: S3_PARALLEL_PARTS,
        })
      } catch (error) {
        throw unavailable(error)
      }
      await rm(path, { force: true })
    },

    async stat(key) {
      const target = keyOf(key)
      try {
        const info = await client.file(target).stat()
        return { size: info.size }
      } catch (error) {
        if (isMissing(error)) return null
        throw unavailable(error)
      }
    },

    stream(key, range) {
      const file = client.file(keyOf(key))
      if (!range) return file.stream()
      checkRange(range)
      const length = range.end - range.start + 1
      return limitBytes(file.slice(range.start, range.end + 1).stream(), length)
    },

    async delete(key) {
      const target = keyOf(key)
      try {
        await client.delete(target)
      } catch (error) {
        if (!isMissing(error)) throw unavailable(error)
      }
    },

    async check() {
      const where = `s3://${opts.bucket}/${prefix}${opts.endpoint ? ` at ${opts.endpoint}` : ''}`
      await probe(storage, where)
    },
  }
  return storage
}
