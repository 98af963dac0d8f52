/**
 * Uploads through ingestUpload, as real multipart requests (FormData, and hand-written bodies
 * streamed in small chunks): what is stored, what is refused and when, and that a refused
 * upload leaves no temp file behind.
 */
import { afterAll, beforeEach, describe, expect, test } from 'bun:test'
import { mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import { isParleyError, type ErrorCode } from '../../protocol/index.ts'
import {
  cleanTempFiles,
  DEFAULT_ALLOWED_TYPES,
  ingestUpload,
  sanitizeFileName,
  type IngestLimits,
} from '../../server/attachments/ingest.ts'

const LIMITS: IngestLimits = { maxBytes: 1024 * 1024, allowedTypes: DEFAULT_ALLOWED_TYPES }
const BOUNDARY = 'parley-test-boundary-7f3a'
const encoder = new TextEncoder()

const work = mkdtempSync(join(tmpdir(), 'parley-ingest-'))
let tmp: string
let dirs = 0

beforeEach(() => {
  tmp = join(work, `tmp-${++dirs}`)
})

afterAll(() => {
  rmSync(work, { recursive: true, force: true })
})

function tmpFiles(): string[] {
  try {
    return readdirSync(tmp)
  } catch {
    return []
  }
}

/** A POST whose body is the FormData a browser would send. */
function formRequest(fields: [string, Blob | string, string?][]): Request {
  const form = new FormData()
  for (const [name, value, filename] of fields) {
    if (typeof value === 'string') form.append(name, value)
    else form.append(name, value, filename)
  }
  return new Request('http://x/', { method: 'POST', body: form })
}

function upload(bytes: Uint8Array | string, filename: string, clientType = ''): Request {
  const part = typeof bytes === 'string' ? bytes : new Uint8Array(bytes)
  return formRequest([['file', new Blob([part], { type: clientType }), filename]])
}

/** The multipart framing around one file, written by hand. */
function framing(filename: string, extraHead = ''): { head: Uint8Array; tail: Uint8Array } {
  const head =
    `--${BOUNDARY}\r\nContent-Disposition: form-data; name="note"\r\n\r\nignored\r\n` +
    `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\n` +
    `Content-Type: application/octet-stream\r\n${extraHead}\r\n`
  return { head: encoder.encode(head), tail: encoder.encode(`\r\n--${BOUNDARY}--\r\n`) }
}

/** A chunked request (no Content-Length) delivering `body` in chunks of `chunkSize` bytes. */
function chunkedRequest(body: Uint8Array, chunkSize: number, headers: HeadersInit = {}): Request {
  let at = 0
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (at >= body.byteLength) return controller.close()
      controller.enqueue(body.slice(at, at + chunkSize))
      at += chunkSize
    },
  })
  return new Request('http://x/', {
    method: 'POST',
    body: stream,
    headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}`, ...headers },
  })
}

function concat(...parts: Uint8Array[]): Uint8Array {
  return new Uint8Array(Buffer.concat(parts))
}

function sha256(bytes: Uint8Array): string {
  return new Bun.CryptoHasher('sha256').update(bytes).digest('hex')
}

/** Ingest must fail with `code`, leaving the temp folder empty. */
async function expectRefused(
  request: Request,
  code: ErrorCode,
  limits: IngestLimits = LIMITS,
): Promise<string> {
  let message = ''
  try {
    await ingestUpload(request, limits, tmp)
    throw new Error('ingest succeeded')
  } catch (error) {
    if (!isParleyError(error)) throw error
    expect(error.code).toBe(code)
    message = error.message
  }
  expect(tmpFiles()).toEqual([])
  return message
}

async function png(width: number, height: number): Promise<Buffer> {
  return await sharp({ create: { width, height, channels: 3, background: '#3366cc' } })
    .png()
    .toBuffer()
}

describe('ingestUpload: images', () => {
  test('images - a PNG with EXIF GPS is stored without any metadata, with a thumbnail', async () => {
    const original = await sharp({
      create: { width: 640, height: 480, channels: 3, background: '#3366cc' },
    })
      .png()
      .withExif({
        IFD0: { Make: 'Parley', Model: 'Spy Camera' },
        // IFD3 is the GPS directory.
        IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '51/1 30/1 0/1' },
      })
      .toBuffer()
    expect((await sharp(original).metadata()).exif).toBeDefined()

    const result = await ingestUpload(upload(original, 'holiday.png'), LIMITS, tmp)
    expect(result.contentType).toBe('image/png')
    expect(result.name).toBe('holiday.png')
    expect([result.width, result.height]).toEqual([640, 480])
    const stored = new Uint8Array(await Bun.file(result.path).arrayBuffer())
    expect(result.size).toBe(stored.byteLength)
    expect(result.sha256).toBe(sha256(stored))
    const meta = await sharp(result.path).metadata()
    expect(meta.exif).toBeUndefined()
    expect(meta.format).toBe('png')
    expect(new TextDecoder('latin1').decode(stored)).not.toContain('Spy Camera')

    const thumb = result.thumbnail
    expect(thumb).not.toBeNull()
    expect(thumb?.contentType).toBe('image/webp')
    expect([thumb?.width, thumb?.height]).toEqual([320, 240])
    const thumbMeta = await sharp(thumb?.path).metadata()
    expect([thumbMeta.format, thumbMeta.width, thumbMeta.height]).toEqual(['webp', 320, 240])
    expect(thumb?.size).toBe(Bun.file(thumb?.path as string).size)
    expect(tmpFiles().sort()).toEqual(
      [result.path, thumb?.path as string].map((p) => p.slice(tmp.length + 1)).sort(),
    )
  })

  test('images - a JPEG turned by its EXIF orientation is stored upright: width and height swap', async () => {
    const original = await sharp({
      create: { width: 400, height: 200, channels: 3, background: '#cc3366' },
    })
      .jpeg()
      .withMetadata({ orientation: 6 })
      .toBuffer()
    expect((await sharp(original).metadata()).orientation).toBe(6)

    const result = await ingestUpload(upload(original, 'phone.jpg', 'image/jpeg'), LIMITS, tmp)
    expect(result.contentType).toBe('image/jpeg')
    expect([result.width, result.height]).toEqual([200, 400])
    const meta = await sharp(result.path).metadata()
    expect([meta.width, meta.height, meta.orientation, meta.exif]).toEqual([
      200,
      400,
      undefined,
      undefined,
    ])
    expect([result.thumbnail?.width, result.thumbnail?.height]).toEqual([160, 320])
  })

  test('images - a small image is not enlarged for its thumbnail', async () => {
    const result = await ingestUpload(upload(await png(40, 30), 'icon.png'), LIMITS, tmp)
    expect([result.thumbnail?.width, result.thumbnail?.height]).toEqual([40, 30])
  })

  test('images - an animated GIF keeps its frames; its height is one frame', async () => {
    const colours = ['#ff0000', '#00ff00', '#0000ff']
    const frames = await Promise.all(
      colours.map((background) =>
        sharp({ create: { width: 30, height: 20, channels: 4, background } })
          .raw()
          .toBuffer(),
      ),
    )
    const gif = await sharp(Buffer.concat(frames), {
      raw: { width: 30, height: 60, channels: 4, pageHeight: 20 },
    })
      .gif({ loop: 0 })
      .toBuffer()
    const result = await ingestUpload(upload(gif, 'wave.gif'), LIMITS, tmp)
    expect(result.contentType).toBe('image/gif')
    expect([result.width, result.height]).toEqual([30, 20])
    expect((await sharp(result.path, { animated: true }).metadata()).pages).toBe(3)
    expect([result.thumbnail?.width, result.thumbnail?.height]).toEqual([30, 20])
  })

  test('images - a PNG header followed by garbage is validation_failed', async () => {
    const signature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]
    const ihdr = [0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]
    const elf = [0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00]
    // file-type reads the header and says PNG; only decoding shows it is none.
    const fake = concat(
      new Uint8Array([...signature, ...ihdr, ...elf]),
      new Uint8Array(2000).fill(7),
    )
    const message = await expectRefused(upload(fake, 'broken.png'), 'validation_failed')
    expect(message).toBe('the image cannot be read')
    // Without even an IHDR chunk file-type recognises nothing: not text either.
    const bare = concat(new Uint8Array(signature), new Uint8Array(2000).fill(7))
    await expectRefused(upload(bare, 'bare.png'), 'unsupported_media_type')
  })

  test('images - SVG is never an image by default; an admin may allow it, stored as is', async () => {
    const svg = '<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"><script/></svg>'
    const message = await expectRefused(
      upload(svg, 'logo.svg', 'image/svg+xml'),
      'unsupported_media_type',
    )
    expect(message).toContain('image/svg+xml')
    const limits = { ...LIMITS, allowedTypes: [...DEFAULT_ALLOWED_TYPES, 'image/svg+xml'] }
    const result = await ingestUpload(upload(svg, 'logo.svg'), limits, tmp)
    expect(result.contentType).toBe('image/svg+xml')
    expect([result.width, result.height, result.thumbnail]).toEqual([null, null, null])
    expect(await Bun.file(result.path).text()).toBe(svg)
  })
})

describe('ingestUpload: types', () => {
  test('types - text sent as image/png is stored as text/plain, byte for byte', async () => {
    const text = 'hello, this is not a picture\nsecond line: é ✓\n'
    const result = await ingestUpload(upload(text, 'photo.png', 'image/png'), LIMITS, tmp)
    expect(result.contentType).toBe('text/plain')
    expect(result.name).toBe('photo.png')
    expect([result.width, result.height, result.thumbnail]).toEqual([null, null, null])
    expect(await Bun.file(result.path).text()).toBe(text)
    expect(result.size).toBe(encoder.encode(text).byteLength)
    expect(result.sha256).toBe(sha256(encoder.encode(text)))
  })

  test('types - UTF-8 split across 1- and 2-byte chunks is text; a cut-off sequence is not', async () => {
    const text = encoder.encode('é✓😀 ünïcödé '.repeat(20))
    const { head, tail } = framing('utf8.txt')
    for (const size of [1, 2]) {
      const result = await ingestUpload(chunkedRequest(concat(head, text, tail), size), LIMITS, tmp)
      expect(result.contentType).toBe('text/plain')
      rmSync(result.path)
    }
    const cut = concat(text, new Uint8Array([0xf0, 0x9f, 0x98]))
    await expectRefused(chunkedRequest(concat(head, cut, tail), 3), 'unsupported_media_type')
  })

  test('types - HTML is text/plain, never an image', async () => {
    const html = '<!doctype html><html><script>alert(1)</script></html>'
    const result = await ingestUpload(upload(html, 'page.html', 'text/html'), LIMITS, tmp)
    expect(result.contentType).toBe('text/plain')
  })

  test('types - a PDF is detected and stored as received', async () => {
    const pdf = encoder.encode('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF\n')
    const result = await ingestUpload(upload(pdf, 'report.pdf'), LIMITS, tmp)
    expect(result.contentType).toBe('application/pdf')
    expect(result.sha256).toBe(sha256(pdf))
    expect(result.thumbnail).toBeNull()
  })

  test('types - an ELF executable renamed .png is unsupported_media_type', async () => {
    const elf = concat(
      new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00]),
      new Uint8Array(1000),
    )
    const message = await expectRefused(
      upload(elf, 'cute-cat.png', 'image/png'),
      'unsupported_media_type',
    )
    expect(message).toContain('application/x-elf')
  })

  test('types - binary content of no known type is unsupported_media_type', async () => {
    const bytes = new Uint8Array([0x01, 0x02, 0x00, 0x80, 0xff, 0x10, 0x00, 0x00, 0x42])
    await expectRefused(upload(bytes, 'data.bin'), 'unsupported_media_type')
  })

  test('types - a type detected but not allowed is unsupported_media_type', async () => {
    const limits = { ...LIMITS, allowedTypes: ['application/pdf'] }
    await expectRefused(upload(await png(10, 10), 'x.png'), 'unsupported_media_type', limits)
  })
})

describe('ingestUpload: limits', () => {
  test('limits - a zero-byte file is validation_failed', async () => {
    await expectRefused(upload(new Uint8Array(0), 'empty.txt'), 'validation_failed')
  })

  test('limits - a file of exactly maxBytes is accepted', async () => {
    const text = 'a'.repeat(LIMITS.maxBytes)
    const result = await ingestUpload(upload(text, 'big.txt'), LIMITS, tmp)
    expect(result.size).toBe(LIMITS.maxBytes)
  })

  test('limits - a file over maxBytes is refused while streaming, long before the body ends', async () => {
    const { head } = framing('huge.txt')
    const chunk = new Uint8Array(64 * 1024).fill(0x61)
    let pulled = 0
    let sentHead = false
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (!sentHead) {
          sentHead = true
          return controller.enqueue(head)
        }
        // Would go on for 1 GiB.
        if (pulled >= 1024 * 1024 * 1024) return controller.close()
        pulled += chunk.byteLength
        controller.enqueue(chunk)
      },
    })
    const request = new Request('http://x/', {
      method: 'POST',
      body: stream,
      headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
    })
    const limits = { ...LIMITS, maxBytes: 256 * 1024 }
    await expectRefused(request, 'payload_too_large', limits)
    expect(pulled).toBeGreaterThan(limits.maxBytes)
    expect(pulled).toBeLessThan(limits.maxBytes + 4 * chunk.byteLength)
  })

  test('limits - a Content-Length far over the limit is refused before any byte is read', async () => {
    let pulled = 0
    const stream = new ReadableStream<Uint8Array>(
      {
        pull(controller) {
          pulled++
          controller.enqueue(new Uint8Array(1024))
        },
      },
      // Pulled only when read (the default queue would pull one chunk on its own).
      { highWaterMark: 0 },
    )
    const request = new Request('http://x/', {
      method: 'POST',
      body: stream,
      headers: {
        'content-type': `multipart/form-data; boundary=${BOUNDARY}`,
        'content-length': String(LIMITS.maxBytes + 65 * 1024),
      },
    })
    await expectRefused(request, 'payload_too_large')
    expect(pulled).toBe(0)
  })
})

describe('ingestUpload: multipart', () => {
  test('multipart - a hand-written body in 7-byte chunks, content full of near-boundaries', async () => {
    // Everything but the delimiter itself (CRLF, "--", the whole boundary) may be content.
    const content = encoder.encode(
      `line one\r\n--${BOUNDARY.slice(0, -1)}\r\n` +
        `bare LF then the boundary:\n--${BOUNDARY}\r\n` +
        `\r\n-\r\n--\r\n\r\r\n--${BOUNDARY.slice(0, 5)}`,
    )
    const { head, tail } = framing('tricky.txt')
    const request = chunkedRequest(concat(head, content, tail), 7)
    const result = await ingestUpload(request, LIMITS, tmp)
    expect(result.contentType).toBe('text/plain')
    expect(new Uint8Array(await Bun.file(result.path).arrayBuffer())).toEqual(content)
    expect(result.sha256).toBe(sha256(content))
  })

  test('multipart - a binary image split into 1-byte and odd-sized chunks arrives intact', async () => {
    const image = await png(50, 50)
    const { head, tail } = framing('pixel.png')
    for (const size of [1, 1000, 4099]) {
      const result = await ingestUpload(
        chunkedRequest(concat(head, image, tail), size),
        LIMITS,
        tmp,
      )
      expect([result.contentType, result.width, result.height]).toEqual(['image/png', 50, 50])
    }
  })

  test('multipart - other fields are ignored, before and after the file', async () => {
    const request = formRequest([
      ['note', 'before'],
      ['file', new Blob(['plain text body']), 'a.txt'],
      ['note2', 'after'],
    ])
    const result = await ingestUpload(request, LIMITS, tmp)
    expect(await Bun.file(result.path).text()).toBe('plain text body')
  })

  test('multipart - a form without a "file" field is bad_request', async () => {
    await expectRefused(formRequest([['note', 'no file here']]), 'bad_request')
  })

  test('multipart - two files are bad_request, as is a file in another field', async () => {
    await expectRefused(
      formRequest([
        ['file', new Blob(['one']), 'one.txt'],
        ['file', new Blob(['two']), 'two.txt'],
      ]),
      'bad_request',
    )
    await expectRefused(formRequest([['attachment', new Blob(['one']), 'one.txt']]), 'bad_request')
  })

  test('multipart - a body that is not multipart/form-data is bad_request', async () => {
    const json = new Request('http://x/', {
      method: 'POST',
      body: '{"file":"x"}',
      headers: { 'content-type': 'application/json' },
    })
    await expectRefused(json, 'bad_request')
    const noBoundary = new Request('http://x/', {
      method: 'POST',
      body: 'x',
      headers: { 'content-type': 'multipart/form-data' },
    })
    await expectRefused(noBoundary, 'bad_request')
  })

  test('multipart - a body cut off inside the file part is bad_request', async () => {
    const { head } = framing('cut.txt')
    const request = chunkedRequest(concat(head, encoder.encode('some text, then nothing')), 5)
    await expectRefused(request, 'bad_request')
  })

  test('multipart - a body that does not start with its boundary is bad_request', async () => {
    const request = chunkedRequest(encoder.encode('x'.repeat(5000)), 1000)
    await expectRefused(request, 'bad_request')
  })
})

describe('file names', () => {
  test('file names - the sent name is sanitized: path, control and bidi characters go', async () => {
    const request = upload('text', 'C:\\fakepath\\..\\re\u202Eport\u0007 "final".txt')
    const result = await ingestUpload(request, LIMITS, tmp)
    expect(result.name).toBe('report "final".txt')
  })

  test('file names - a hand-written name with a tab and a leading dot', async () => {
    const { head, tail } = framing('../\t.hidden\u2066name.txt')
    const result = await ingestUpload(
      chunkedRequest(concat(head, encoder.encode('x'), tail), 64),
      LIMITS,
      tmp,
    )
    expect(result.name).toBe('hiddenname.txt')
  })

  test('file names - sanitizeFileName', () => {
    expect(sanitizeFileName('../../etc/passwd')).toBe('passwd')
    expect(sanitizeFileName('C:\\Users\\me\\photo.jpg')).toBe('photo.jpg')
    expect(sanitizeFileName('dir/')).toBe('dir')
    expect(sanitizeFileName('.htaccess')).toBe('htaccess')
    expect(sanitizeFileName('evil\u202Egpj.exe')).toBe('evilgpj.exe')
    expect(sanitizeFileName('new\nline\u0000\u007f\u0085.txt')).toBe('newline.txt')
    expect(sanitizeFileName('  spaced name.pdf  ')).toBe('spaced name.pdf')
    expect(sanitizeFileName('')).toBe('file')
    expect(sanitizeFileName('...')).toBe('file')
    expect(sanitizeFileName('\u0001\u202e')).toBe('file')
    const long = sanitizeFileName(`${'x'.repeat(300)}.txt`)
    expect(long.length).toBe(200)
    expect(long.endsWith('xxx.txt')).toBe(true)
    const emoji = sanitizeFileName(`${'😀'.repeat(300)}.png`)
    expect(Array.from(emoji).length).toBe(200)
    expect(emoji.endsWith('😀.png')).toBe(true)
    expect(emoji.isWellFormed()).toBe(true)
    const noExtension = sanitizeFileName('y'.repeat(300))
    expect(noExtension).toBe('y'.repeat(200))
  })
})

describe('cleanTempFiles', () => {
  test('cleanTempFiles - removes only files older than the given age', async () => {
    mkdirSync(tmp, { recursive: true })
    writeFileSync(join(tmp, 'old-upload'), 'left by a killed process')
    writeFileSync(join(tmp, 'fresh-upload'), 'still being written')
    mkdirSync(join(tmp, 'a-folder'))
    const hourAgo = new Date(Date.now() - 3600_000)
    utimesSync(join(tmp, 'old-upload'), hourAgo, hourAgo)
    utimesSync(join(tmp, 'a-folder'), hourAgo, hourAgo)
    expect(await cleanTempFiles(tmp, 10 * 60_000)).toBe(1)
    expect(readdirSync(tmp).sort()).toEqual(['a-folder', 'fresh-upload'])
    expect(await cleanTempFiles(join(tmp, 'missing'), 0)).toBe(0)
  })
})
