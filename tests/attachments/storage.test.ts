/**
 * Both blob storage backends through the same tests: the disk one in a temp folder, the S3 one
 * against s3rver. Then what only one backend has: key checks and atomic writes on disk, and an
 * unreachable S3 reported as a retryable `unavailable`.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { isParleyError } from '../../protocol/index.ts'
import {
  blobKey,
  diskStorage,
  s3Storage,
  type BlobStorage,
} from '../../server/attachments/storage.ts'
import { startS3, type TestS3 } from '../helpers/s3.ts'

let s3: TestS3
let work: string

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'parley-storage-'))
  s3 = await startS3()
})

afterAll(async () => {
  await s3?.stop()
  rmSync(work, { recursive: true, force: true })
})

let files = 0
/** A new local file with these bytes, as ingest leaves one. */
async function localFile(bytes: Uint8Array | string): Promise<string> {
  const path = join(work, `source-${++files}`)
  await Bun.write(path, bytes)
  return path
}

async function bytesOf(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  const response = new Response(stream)
  expect(response.status).toBe(200)
  return new Uint8Array(await response.arrayBuffer())
}

async function textOf(stream: ReadableStream<Uint8Array>): Promise<string> {
  return new TextDecoder().decode(await bytesOf(stream))
}

function sha256(bytes: Uint8Array): string {
  return new Bun.CryptoHasher('sha256').update(bytes).digest('hex')
}

/** Random bytes (getRandomValues fills at most 64 KiB per call). */
function randomBytes(size: number): Uint8Array {
  const bytes = new Uint8Array(size)
  for (let at = 0; at < size; at += 65536) crypto.getRandomValues(bytes.subarray(at, at + 65536))
  return bytes
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise
  } catch (error) {
    return isParleyError(error) ? error.code : `not a ParleyError: ${String(error)}`
  }
  return 'resolved'
}

/** A loopback port nothing listens on. */
function closedPort(): number {
  const server = Bun.serve({ port: 0, hostname: '127.0.0.1', fetch: () => new Response() })
  const port = server.port as number
  server.stop(true)
  return port
}

const backends: [string, () => BlobStorage][] = [
  ['disk', () => diskStorage(join(work, 'disk'))],
  [
    's3',
    () =>
      s3Storage({
        bucket: s3.bucket,
        endpoint: s3.endpoint,
        accessKeyId: s3.accessKeyId,
        secretAccessKey: s3.secretAccessKey,
        region: 'us-east-1',
        prefix: 'install-1/',
      }),
  ],
]

describe.each(backends)('%s storage', (kind, make) => {
  let storage: BlobStorage
  beforeAll(() => {
    storage = make()
  })

  test(`${kind} storage - check() passes on a working store`, async () => {
    expect(storage.kind).toBe(kind as 'disk' | 's3')
    await storage.check()
  })

  test(`${kind} storage - putFile stores the bytes, removes the source; stat and stream read them`, async () => {
    const key = 'attachments/00/01/put-and-read'
    const source = await localFile('0123456789abcdef')
    await storage.putFile(key, source, 'text/plain')
    expect(existsSync(source)).toBe(false)
    expect(await storage.stat(key)).toEqual({ size: 16 })
    expect(await textOf(storage.stream(key))).toBe('0123456789abcdef')
    expect(await textOf(storage.stream(key, { start: 0, end: 0 }))).toBe('0')
    expect(await textOf(storage.stream(key, { start: 15, end: 15 }))).toBe('f')
    expect(await textOf(storage.stream(key, { start: 3, end: 9 }))).toBe('3456789')
  })

  test(`${kind} storage - putFile over an existing key replaces the object`, async () => {
    const key = 'attachments/00/02/replaced'
    await storage.putFile(key, await localFile('first version'), 'text/plain')
    await storage.putFile(key, await localFile('second'), 'text/plain')
    expect(await storage.stat(key)).toEqual({ size: 6 })
    expect(await textOf(storage.stream(key))).toBe('second')
  })

  test(`${kind} storage - a missing object: stat is null, its stream errors`, async () => {
    expect(await storage.stat('attachments/ff/ff/never-written')).toBeNull()
    const reader = storage.stream('attachments/ff/ff/never-written').getReader()
    await expect(reader.read()).rejects.toBeDefined()
  })

  test(`${kind} storage - delete removes the object and is idempotent`, async () => {
    const key = 'attachments/00/03/deleted'
    await storage.putFile(key, await localFile('bye'), 'text/plain')
    await storage.delete(key)
    expect(await storage.stat(key)).toBeNull()
    await storage.delete(key)
    await storage.delete('attachments/00/03/never-written')
  })

  test(`${kind} storage - unsafe keys are refused`, async () => {
    for (const key of ['../escape', 'a/../../b', '/etc/passwd', 'a\\b', 'a\0b', '', 'a//b']) {
      expect(() => storage.stream(key)).toThrow(/unsafe storage key/)
      await expect(storage.stat(key)).rejects.toThrow(/unsafe storage key/)
    }
    const source = await localFile('kept')
    await expect(storage.putFile('../outside', source, 'text/plain')).rejects.toThrow(/unsafe/)
    expect(existsSync(source)).toBe(true)
  })

  test(`${kind} storage - a 20 MB file round-trips byte for byte`, async () => {
    const bytes = randomBytes(20 * 1024 * 1024)
    const key = blobKey(Bun.randomUUIDv7(), 'original')
    await storage.putFile(key, await localFile(bytes), 'application/octet-stream')
    expect(await storage.stat(key)).toEqual({ size: bytes.byteLength })
    expect(sha256(await bytesOf(storage.stream(key)))).toBe(sha256(bytes))
    const tail = await bytesOf(
      storage.stream(key, { start: 20 * 1024 * 1024 - 100, end: 20 * 1024 * 1024 - 1 }),
    )
    expect(sha256(tail)).toBe(sha256(bytes.subarray(bytes.byteLength - 100)))
    await storage.delete(key)
  })
})

describe('disk storage', () => {
  test('disk storage - keys are files under the root; no temp file is left beside them', async () => {
    const root = join(work, 'disk-layout')
    const storage = diskStorage(root)
    await storage.putFile('attachments/ab/cd/one', await localFile('1'), 'text/plain')
    expect(readdirSync(join(root, 'attachments/ab/cd'))).toEqual(['one'])
    expect(await Bun.file(join(root, 'attachments/ab/cd/one')).text()).toBe('1')
  })

  test('disk storage - check() rejects a root that cannot be created', async () => {
    const blocker = await localFile('a file, not a folder')
    await expect(diskStorage(join(blocker, 'store')).check()).rejects.toThrow(/cannot be created/)
  })

  test('disk storage - a failed write is unavailable and keeps the source', async () => {
    const blocker = await localFile('a file where a folder should be')
    const storage = diskStorage(blocker)
    const source = await localFile('payload')
    expect(await codeOf(storage.putFile('a/b', source, 'text/plain'))).toBe('unavailable')
    expect(existsSync(source)).toBe(true)
  })
})

describe('s3 storage', () => {
  test('s3 storage - unreachable: check() rejects, putFile is unavailable and keeps the source', async () => {
    const storage = s3Storage({
      bucket: 'parley',
      endpoint: `http://127.0.0.1:${closedPort()}`,
      accessKeyId: 'S3RVER',
      secretAccessKey: 'S3RVER',
      region: 'us-east-1',
    })
    await expect(storage.check()).rejects.toThrow(
      /attachment storage s3:\/\/parley\/ .*is not usable/,
    )
    const source = await localFile('payload')
    expect(await codeOf(storage.putFile('a/b', source, 'text/plain'))).toBe('unavailable')
    expect(existsSync(source)).toBe(true)
    expect(await codeOf(storage.stat('a/b'))).toBe('unavailable')
    expect(await codeOf(storage.delete('a/b'))).toBe('unavailable')
  })

  test('s3 storage - keys live under the prefix', async () => {
    const plain = s3Storage({
      bucket: s3.bucket,
      endpoint: s3.endpoint,
      accessKeyId: s3.accessKeyId,
      secretAccessKey: s3.secretAccessKey,
    })
    const prefixed = s3Storage({
      bucket: s3.bucket,
      endpoint: s3.endpoint,
      accessKeyId: s3.accessKeyId,
      secretAccessKey: s3.secretAccessKey,
      prefix: '/tenant-a/',
    })
    await prefixed.putFile('x/y', await localFile('in prefix'), 'text/plain')
    expect(await plain.stat('tenant-a/x/y')).toEqual({ size: 9 })
    expect(await plain.stat('x/y')).toBeNull()
  })
})

describe('blobKey', () => {
  test('blobKey - spreads by the last hex digits; the thumbnail sits beside the original', () => {
    const id = '0190f5c2-7b1e-7c3a-9d4e-5f6a7b8c3fa2'
    expect(blobKey(id, 'original')).toBe(`attachments/3f/a2/${id}`)
    expect(blobKey(id, 'thumb')).toBe(`attachments/3f/a2/${id}.thumb`)
    expect(() => blobKey('../etc', 'original')).toThrow()
    expect(() => blobKey('xyz', 'original')).toThrow()
  })
})
