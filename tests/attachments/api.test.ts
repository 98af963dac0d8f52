/**
 * Attachments through the real server (F1-F4): upload, send with a message, download with the
 * HTTP contract (ETag/304, Range/206/416, nosniff, disposition, private caching), 404 cloaking,
 * signed links and their expiry, deletion, the cleanup job, and bad input. One server for the
 * file, on SQLite, or on Postgres with PARLEY_TEST_DB=postgres (tests/run.ts runs both in CI).
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import sharp from 'sharp'
import { DEFAULT_INBOX_SETTINGS, FakeClock } from '../../actors/index.ts'
import { blobKey } from '../../server/attachments/storage.ts'
import { httpStart } from '../helpers/http.ts'
import { TestClient } from '../helpers/ws.ts'
import { startTestServer, type TestServer } from '../helpers/server.ts'

const clock = new FakeClock(Date.now())
let s: TestServer

beforeAll(async () => {
  s = await startTestServer({
    clock,
    env: {
      ATTACHMENT_SWEEP_MS: '0',
      ATTACHMENT_GRACE_SEC: '60',
      ATTACHMENT_UPLOAD_TTL_SEC: '7200',
    },
  })
})
afterAll(async () => {
  await s.stop()
})

/** A real PNG with EXIF (GPS included) in it, as a phone would send. */
async function photo(width = 640, height = 480): Promise<Uint8Array> {
  const png = await sharp({
    create: { width, height, channels: 3, background: { r: 20, g: 120, b: 200 } },
  })
    .withExif({
      IFD0: { Make: 'TestPhone', Model: 'X' },
      IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '59/1 56/1 0/1' },
    })
    .png()
    .toBuffer()
  return new Uint8Array(png)
}

async function upload(
  token: string,
  conversationId: string,
  bytes: Uint8Array | string,
  name: string,
  type = 'application/octet-stream',
): Promise<{ status: number; body: any; headers: Headers }> {
  const form = new FormData()
  form.append('file', new File([bytes as BlobPart], name, { type }))
  const res = await fetch(`${s.url}/api/conversations/${conversationId}/attachments`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
    body: form,
  })
  return { status: res.status, body: await res.json(), headers: res.headers }
}

async function uploaded(
  token: string,
  conversationId: string,
  bytes: Uint8Array | string,
  name: string,
) {
  const res = await upload(token, conversationId, bytes, name)
  if (res.status !== 201) throw new Error(`upload: ${res.status} ${JSON.stringify(res.body)}`)
  return res.body.attachment as {
    id: string
    size: number
    contentType: string
    width: number | null
    height: number | null
    thumbnail: boolean
    name: string
  }
}

function get(path: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(s.url + path, { headers })
}

const auth = (token: string, more: Record<string, string> = {}) => ({
  authorization: `Bearer ${token}`,
  ...more,
})

describe('attachments - upload, send, download', () => {
  test('attachments - a visitor sends a photo; the operator sees it in history and downloads it without its EXIF, thumbnail too', async () => {
    const { id, token } = await httpStart(s)
    const op = await s.operator()
    const meta = await uploaded(token, id, await photo(), 'IMG_0001.png')
    expect(meta).toMatchObject({
      name: 'IMG_0001.png',
      contentType: 'image/png',
      width: 640,
      height: 480,
      thumbnail: true,
    })
    const sent = await s.http(`/api/conversations/${id}/messages`, {
      token,
      body: { clientMsgId: 'photo-1', attachmentIds: [meta.id] },
    })
    expect(sent.status).toBe(201)
    const history = await s.http(`/api/conversations/${id}/messages`, { token: op.token })
    const message = history.body.messages.at(-1)
    expect(message.text).toBe('')
    expect(message.attachments).toEqual([meta])

    const res = await get(`/api/conversations/${id}/attachments/${meta.id}`, auth(op.token))
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('image/png')
    expect(res.headers.get('x-content-type-options')).toBe('nosniff')
    expect(res.headers.get('cache-control')).toContain('private')
    expect(res.headers.get('content-disposition')).toBe(
      `inline; filename="IMG_0001.png"; filename*=UTF-8''IMG_0001.png`,
    )
    expect(res.headers.get('etag')).toMatch(/^"[0-9a-f]{64}"$/)
    expect(res.headers.get('last-modified')).toBeTruthy()
    const bytes = new Uint8Array(await res.arrayBuffer())
    expect(bytes.length).toBe(meta.size)
    expect(res.headers.get('content-length')).toBe(String(meta.size))
    const served = await sharp(bytes).metadata()
    expect(served.exif).toBeUndefined()
    expect([served.width, served.height]).toEqual([640, 480])

    const thumb = await get(
      `/api/conversations/${id}/attachments/${meta.id}?variant=thumb`,
      auth(token),
    )
    expect(thumb.status).toBe(200)
    expect(thumb.headers.get('content-type')).toBe('image/webp')
    const t = await sharp(new Uint8Array(await thumb.arrayBuffer())).metadata()
    expect(Math.max(t.width ?? 0, t.height ?? 0)).toBeLessThanOrEqual(320)
  })

  test('attachments - text and several files in one message, in order; a retry of the send gets the same message', async () => {
    const { id, token } = await httpStart(s)
    const a = await uploaded(token, id, 'first file\n', 'a.txt')
    const b = await uploaded(
      token,
      id,
      '%PDF-1.4\n%\xe2\xe3\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n',
      'b.pdf',
    )
    expect(a.contentType).toBe('text/plain')
    expect(b.contentType).toBe('application/pdf')
    const body = { clientMsgId: 'two-files', text: 'see both', attachmentIds: [b.id, a.id] }
    const first = await s.http(`/api/conversations/${id}/messages`, { token, body })
    expect(first.status).toBe(201)
    const again = await s.http(`/api/conversations/${id}/messages`, { token, body })
    expect(again.status).toBe(200)
    expect(again.body.messageId).toBe(first.body.messageId)
    const history = await s.http(`/api/conversations/${id}/messages`, { token })
    const message = history.body.messages.at(-1)
    expect(message.text).toBe('see both')
    expect(message.attachments.map((x: { id: string }) => x.id)).toEqual([b.id, a.id])
    // Other files download as attachments, text with its charset.
    const res = await get(`/api/conversations/${id}/attachments/${a.id}`, auth(token))
    expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8')
    expect(res.headers.get('content-disposition')).toStartWith('attachment;')
    expect(await res.text()).toBe('first file\n')
  })

  test('attachments - over the socket: send with files only, the subscriber gets them in message.created, msgpack too', async () => {
    const { id, token } = await httpStart(s)
    const op = await s.operator()
    for (const format of ['json', 'msgpack'] as const) {
      const watcher = await TestClient.connect(s.wsUrl, { token: op.token, format })
      const sender = await TestClient.connect(s.wsUrl, { token, format })
      try {
        await watcher.ok({ type: 'subscribe', conversationId: id, afterSeq: 0 })
        const meta = await uploaded(token, id, `socket ${format}`, `${format}.txt`)
        const ack = await sender.ok({
          type: 'send',
          conversationId: id,
          clientMsgId: `ws-${format}`,
          attachmentIds: [meta.id],
        })
        const event = await watcher.next(
          (f) => f.type === 'event' && f.name === 'message.created' && f.seq === ack.seq,
        )
        expect(
          (event.data as { message: { text: string; attachments: unknown[] } }).message,
        ).toMatchObject({
          text: '',
          attachments: [meta],
        })
        const refused = await sender.request({
          type: 'send',
          conversationId: id,
          clientMsgId: `ws-empty-${format}`,
        })
        expect(refused).toMatchObject({ type: 'error', code: 'validation_failed' })
      } finally {
        watcher.close()
        sender.close()
      }
    }
  })

  test('attachments - a subscribe from an earlier seq replays message.created with its files', async () => {
    const { id, token } = await httpStart(s)
    const op = await s.operator()
    const meta = await uploaded(token, id, await photo(64, 48), 'replayed.png')
    const first = await s.http(`/api/conversations/${id}/messages`, {
      token,
      body: { clientMsgId: 'before', text: 'no files yet' },
    })
    const sent = await s.http(`/api/conversations/${id}/messages`, {
      token,
      body: { clientMsgId: 'replay', text: 'see this', attachmentIds: [meta.id] },
    })
    expect(sent.status).toBe(201)
    for (const format of ['json', 'msgpack'] as const) {
      const late = await TestClient.connect(s.wsUrl, { token: op.token, format })
      try {
        await late.ok({ type: 'subscribe', conversationId: id, afterSeq: first.body.seq })
        const event = await late.next(
          (f) => f.type === 'event' && f.name === 'message.created' && f.seq === sent.body.seq,
        )
        expect(event.data.message).toMatchObject({
          id: sent.body.messageId,
          text: 'see this',
          attachments: [meta],
        })
        // Only what came after the given seq.
        expect(late.events(id).some((f) => f.seq <= first.body.seq)).toBe(false)
      } finally {
        late.close()
      }
    }
  })

  test('attachments - conditional requests and byte ranges: 304 by ETag and date, 206, suffix ranges, 416', async () => {
    const { id, token } = await httpStart(s)
    const text = 'abcdefghijklmnopqrstuvwxyz'
    const meta = await uploaded(token, id, text, 'letters.txt')
    await s.http(`/api/conversations/${id}/messages`, {
      token,
      body: { clientMsgId: 'l', attachmentIds: [meta.id] },
    })
    const path = `/api/conversations/${id}/attachments/${meta.id}`
    const full = await get(path, auth(token))
    const etag = full.headers.get('etag') as string
    const modified = full.headers.get('last-modified') as string
    await full.arrayBuffer()
    expect((await get(path, auth(token, { 'if-none-match': etag }))).status).toBe(304)
    expect((await get(path, auth(token, { 'if-none-match': `"other", ${etag}` }))).status).toBe(304)
    expect((await get(path, auth(token, { 'if-modified-since': modified }))).status).toBe(304)
    const changed = await get(
      path,
      auth(token, { 'if-none-match': '"other"', 'if-modified-since': modified }),
    )
    expect(changed.status).toBe(200)
    await changed.arrayBuffer()

    const part = await get(path, auth(token, { range: 'bytes=2-5' }))
    expect(part.status).toBe(206)
    expect(part.headers.get('content-range')).toBe(`bytes 2-5/${text.length}`)
    expect(await part.text()).toBe('cdef')
    const tail = await get(path, auth(token, { range: 'bytes=-3' }))
    expect([tail.status, await tail.text()]).toEqual([206, 'xyz'])
    const open = await get(path, auth(token, { range: 'bytes=20-' }))
    expect([open.status, await open.text()]).toEqual([206, 'uvwxyz'])
    const clipped = await get(path, auth(token, { range: 'bytes=24-1000' }))
    expect([clipped.status, await clipped.text()]).toEqual([206, 'yz'])
    for (const range of ['bytes=-0', `bytes=${text.length}-`, 'bytes=500-600']) {
      const res = await get(path, auth(token, { range }))
      expect(res.status).toBe(416)
      expect(res.headers.get('content-range')).toBe(`bytes */${text.length}`)
      expect((await res.json()).error.code).toBe('range_not_satisfiable')
    }
    // Several ranges, or an If-Range that no longer matches: the whole file.
    const many = await get(path, auth(token, { range: 'bytes=0-1,4-5' }))
    expect([many.status, await many.text()]).toEqual([200, text])
    const stale = await get(path, auth(token, { range: 'bytes=0-1', 'if-range': '"old"' }))
    expect([stale.status, await stale.text()]).toEqual([200, text])
  })
})

describe('attachments - access', () => {
  test('attachments - the widget (a sandboxed frame, Origin: null) may upload and download with a visitor token', async () => {
    const { id, token } = await httpStart(s)
    const preflight = await fetch(`${s.url}/api/conversations/${id}/attachments`, {
      method: 'OPTIONS',
      headers: { origin: 'null', 'access-control-request-method': 'POST' },
    })
    expect(preflight.status).toBe(204)
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*')
    const form = new FormData()
    form.append('file', new File(['from the widget'], 'w.txt'))
    const up = await fetch(`${s.url}/api/conversations/${id}/attachments`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, origin: 'null' },
      body: form,
    })
    expect(up.status).toBe(201)
    expect(up.headers.get('access-control-allow-origin')).toBe('*')
    const meta = ((await up.json()) as { attachment: { id: string } }).attachment
    const down = await get(
      `/api/conversations/${id}/attachments/${meta.id}`,
      auth(token, { origin: 'null' }),
    )
    expect(down.status).toBe(200)
    expect(down.headers.get('access-control-allow-origin')).toBe('*')
    expect(down.headers.get('access-control-expose-headers')).toContain('content-disposition')
    expect(await down.text()).toBe('from the widget')
    // An operator token from a foreign page is refused, as on every shared route.
    const op = await s.operator()
    const foreign = await get(
      `/api/conversations/${id}/attachments/${meta.id}`,
      auth(op.token, { origin: 'https://evil.example' }),
    )
    expect(foreign.status).toBe(403)
  })

  test('attachments - an operator without the chat permission is refused; a supervisor without it may only view', async () => {
    const { id, token } = await httpStart(s)
    const meta = await uploaded(token, id, 'for operators', 'op.txt')
    await s.http(`/api/conversations/${id}/messages`, {
      token,
      body: { clientMsgId: 'for-ops', attachmentIds: [meta.id] },
    })
    const path = `/api/conversations/${id}/attachments/${meta.id}`
    // A member of the conversation's inbox with the permission downloads it; an operator of
    // another inbox does not even see it (O6: scoped access).
    const inboxIds = [await s.defaultInboxId()]
    const member = await s.operator({ role: 'operator', inboxIds })
    expect((await get(path, auth(member.token))).status).toBe(200)
    const outsider = await s.operator({ role: 'operator', inboxIds: [] })
    const hidden = await get(path, auth(outsider.token))
    expect([hidden.status, (await hidden.json()).error.code]).toEqual([404, 'not_found'])

    const noChat = await s.operator({ role: 'operator', canChat: false, inboxIds })
    const down = await get(path, auth(noChat.token))
    expect([down.status, (await down.json()).error.code]).toEqual([403, 'forbidden'])
    const up = await upload(noChat.token, id, 'x', 'x.txt')
    expect([up.status, up.body.error.code]).toEqual([403, 'forbidden'])
    const links = await s.http(`/api/conversations/${id}/attachments/links`, {
      token: noChat.token,
      body: { ids: [meta.id] },
    })
    expect([links.status, links.body.error.code]).toEqual([403, 'forbidden'])

    const viewer = await s.operator({ role: 'supervisor', canChat: false })
    const viewed = await get(path, auth(viewer.token))
    expect([viewed.status, await viewed.text()]).toEqual([200, 'for operators'])
    const refused = await upload(viewer.token, id, 'x', 'x.txt')
    expect([refused.status, refused.body.error.code]).toEqual([403, 'forbidden'])
    // Nothing of the refused uploads was stored.
    const rows = await s.store.attachments.expirable(Number.MAX_SAFE_INTEGER, 1000)
    expect(rows.some((r) => r.conversationId === id)).toBe(false)
  })

  test("attachments - not yours looks exactly like does not exist; an unsent upload is its uploader's alone", async () => {
    const { id, token } = await httpStart(s)
    const other = await httpStart(s)
    const op = await s.operator()
    const sent = await uploaded(token, id, 'sent file', 'sent.txt')
    await s.http(`/api/conversations/${id}/messages`, {
      token,
      body: { clientMsgId: 's', attachmentIds: [sent.id] },
    })
    const draft = await uploaded(token, id, 'draft file', 'draft.txt')

    const missing = await get(
      `/api/conversations/${id}/attachments/01900000-0000-7000-8000-000000000000`,
      auth(token),
    )
    const foreign = await get(`/api/conversations/${id}/attachments/${sent.id}`, auth(other.token))
    const wrongPath = await get(
      `/api/conversations/${other.id}/attachments/${sent.id}`,
      auth(other.token),
    )
    const bodies = await Promise.all([missing, foreign, wrongPath].map((r) => r.json()))
    expect([missing.status, foreign.status, wrongPath.status]).toEqual([404, 404, 404])
    expect(bodies[1]).toEqual(bodies[0])
    expect(bodies[2]).toEqual(bodies[0])

    expect(
      (await get(`/api/conversations/${id}/attachments/${draft.id}`, auth(op.token))).status,
    ).toBe(404)
    const own = await get(`/api/conversations/${id}/attachments/${draft.id}`, auth(token))
    expect([own.status, await own.text()]).toEqual([200, 'draft file'])
    expect((await get(`/api/conversations/${id}/attachments/${sent.id}`)).status).toBe(401)

    // Sending: another conversation's or another person's upload is not found; a file goes once.
    const mine = await uploaded(other.token, other.id, 'x', 'x.txt')
    const cross = await s.http(`/api/conversations/${id}/messages`, {
      token,
      body: { clientMsgId: 'cross', attachmentIds: [mine.id] },
    })
    expect([cross.status, cross.body.error.code]).toEqual([404, 'not_found'])
    const byOperator = await s.http(`/api/conversations/${id}/messages`, {
      token: op.token,
      body: { clientMsgId: 'steal', attachmentIds: [draft.id] },
    })
    expect([byOperator.status, byOperator.body.error.code]).toEqual([404, 'not_found'])
    const twice = await s.http(`/api/conversations/${id}/messages`, {
      token,
      body: { clientMsgId: 'twice', attachmentIds: [sent.id] },
    })
    expect([twice.status, twice.body.error.code]).toEqual([409, 'conflict'])
    const nothing = await s.http(`/api/conversations/${id}/messages`, {
      token,
      body: { clientMsgId: 'empty' },
    })
    expect([nothing.status, nothing.body.error.code]).toEqual([422, 'validation_failed'])
    const dup = await s.http(`/api/conversations/${id}/messages`, {
      token,
      body: { clientMsgId: 'dup', attachmentIds: [draft.id, draft.id] },
    })
    expect(dup.status).toBe(422)
    // Nothing of the refused sends was stored: the draft can still be sent.
    const ok = await s.http(`/api/conversations/${id}/messages`, {
      token,
      body: { clientMsgId: 'draft', attachmentIds: [draft.id] },
    })
    expect(ok.status).toBe(201)
  })

  test('attachments - signed links open without a token until they expire; a changed link is refused', async () => {
    const { id, token } = await httpStart(s)
    const meta = await uploaded(token, id, await photo(100, 80), 'small.png')
    await s.http(`/api/conversations/${id}/messages`, {
      token,
      body: { clientMsgId: 'p', attachmentIds: [meta.id] },
    })
    const other = await httpStart(s)
    const refused = await s.http(`/api/conversations/${id}/attachments/links`, {
      token: other.token,
      body: { ids: [meta.id] },
    })
    expect(refused.status).toBe(404)
    const res = await s.http(`/api/conversations/${id}/attachments/links`, {
      token,
      body: { ids: [meta.id, 'unknown-id'] },
    })
    expect(res.status).toBe(200)
    expect(res.body.links).toHaveLength(1)
    const [link] = res.body.links
    expect(link.expiresAt).toBe(clock.now() + 3600_000)
    const img = await get(link.url)
    expect([img.status, img.headers.get('content-type')]).toEqual([200, 'image/png'])
    await img.arrayBuffer()
    const thumb = await get(link.thumbnailUrl)
    expect([thumb.status, thumb.headers.get('content-type')]).toEqual([200, 'image/webp'])
    await thumb.arrayBuffer()
    // The signature covers the file, the variant and the expiry.
    const forged = [
      link.url.replace(
        /sig=([A-Za-z0-9_-])/,
        (_: string, c: string) => `sig=${c === 'A' ? 'B' : 'A'}`,
      ),
      link.url.replace(/expires=(\d+)/, (_: string, n: string) => `expires=${Number(n) + 1000}`),
      link.url.replace('?', '?variant=thumb&'),
      link.url.replace(id, other.id),
    ]
    for (const url of forged) {
      const r = await get(url)
      expect(r.status === 403 || r.status === 404).toBe(true)
      expect((await r.json()).error.code).toMatch(/forbidden|not_found/)
    }
    await clock.advance(3600_000 + 1000)
    const late = await get(link.url)
    expect(late.status).toBe(403)
    expect((await late.json()).error.message).toContain('expired')
  })
})

describe('attachments - bad input', () => {
  test('attachments - empty, oversized, disallowed, lying and malformed uploads are refused with typed errors and store nothing', async () => {
    const { id, token } = await httpStart(s)
    const before = await s.store.attachments.expirable(Number.MAX_SAFE_INTEGER, 1000)
    const empty = await upload(token, id, new Uint8Array(0), 'empty.txt')
    expect([empty.status, empty.body.error.code]).toEqual([422, 'validation_failed'])
    const elf = new Uint8Array(4096)
    elf.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1])
    const exe = await upload(token, id, elf, 'cat.png', 'image/png')
    expect([exe.status, exe.body.error.code]).toEqual([415, 'unsupported_media_type'])
    const png = await photo(50, 50)
    const broken = new Uint8Array(2000)
    broken.set(png.subarray(0, 40))
    const fake = await upload(token, id, broken, 'fake.png', 'image/png')
    expect([fake.status, fake.body.error.code]).toEqual([422, 'validation_failed'])
    const json = await s.http(`/api/conversations/${id}/attachments`, {
      token,
      body: { file: 'x' },
    })
    expect(json.status).toBe(400)
    // The name is cleaned, whatever it held.
    const named = await uploaded(
      token,
      id,
      'x',
      `../../etc/pass\u0000wd\u202e${'n'.repeat(300)}.txt`,
    )
    expect(named.name).not.toContain('/')
    expect(named.name).not.toMatch(/[\u0000-\u001f\u202e]/)
    expect(named.name.length).toBeLessThanOrEqual(200)
    expect(named.name).toEndWith('.txt')
    const after = await s.store.attachments.expirable(Number.MAX_SAFE_INTEGER, 1000)
    expect(after.length).toBe(before.length + 1)
  })

  test('attachments - per-inbox size limit and type allowlist; closed and foreign conversations; a burst is rate limited', async () => {
    const inboxId = await s.defaultInboxId()
    const admin = await s.adminToken()
    const set = (settings: object) =>
      s.http(`/api/admin/inboxes/${inboxId}`, { method: 'PATCH', token: admin, body: { settings } })
    expect((await set({ attachmentMaxBytes: 2048, attachmentTypes: ['text/plain'] })).status).toBe(
      200,
    )
    expect((await set({ attachmentTypes: ['text/html'] })).status).toBe(422)
    // The service caches inbox settings briefly.
    await clock.advance(31_000)
    const { id, token } = await httpStart(s)
    try {
      const big = await upload(token, id, 'x'.repeat(4096), 'big.txt')
      expect([big.status, big.body.error.code]).toEqual([413, 'payload_too_large'])
      const pdf = await upload(token, id, '%PDF-1.4\n%%EOF\n', 'doc.pdf')
      expect([pdf.status, pdf.body.error.code]).toEqual([415, 'unsupported_media_type'])
      expect((await upload(token, id, 'small', 'ok.txt')).status).toBe(201)
    } finally {
      await set({
        attachmentMaxBytes: DEFAULT_INBOX_SETTINGS.attachmentMaxBytes,
        attachmentTypes: DEFAULT_INBOX_SETTINGS.attachmentTypes,
      })
      await clock.advance(31_000)
    }
    const other = await httpStart(s)
    const foreign = await upload(other.token, id, 'x', 'x.txt')
    expect([foreign.status, foreign.body.error.code]).toEqual([404, 'not_found'])
    const op = await s.operator()
    await s.http(`/api/conversations/${id}/status`, { token: op.token, body: { status: 'closed' } })
    const closed = await upload(token, id, 'x', 'x.txt')
    expect([closed.status, closed.body.error.code]).toEqual([409, 'conflict'])

    const burst = await httpStart(s)
    const statuses: number[] = []
    let limited: { body: any; headers: Headers } | null = null
    for (let i = 0; i < 40; i++) {
      const r = await upload(burst.token, burst.id, `file ${i}`, `f${i}.txt`)
      statuses.push(r.status)
      if (r.status === 429) limited = r
    }
    expect(statuses.filter((x) => x === 201).length).toBe(30)
    expect(statuses.filter((x) => x === 429).length).toBe(10)
    expect(Number(limited?.headers.get('retry-after'))).toBeGreaterThan(0)
    expect(limited?.body.error).toMatchObject({ code: 'rate_limited', retryable: true })
    expect(limited?.body.error.retryAfterMs).toBeGreaterThan(0)
  })

  test('attachments - an SVG an admin allows is served as a download, never inline', async () => {
    const inboxId = await s.defaultInboxId()
    const admin = await s.adminToken()
    const set = (settings: object) =>
      s.http(`/api/admin/inboxes/${inboxId}`, { method: 'PATCH', token: admin, body: { settings } })
    expect(
      (await set({ attachmentTypes: [...DEFAULT_INBOX_SETTINGS.attachmentTypes, 'image/svg+xml'] }))
        .status,
    ).toBe(200)
    await clock.advance(31_000)
    try {
      const { id, token } = await httpStart(s)
      const svg =
        '<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script><rect width="10" height="10"/></svg>\n'
      const meta = await uploaded(token, id, svg, 'logo.svg')
      expect(meta.contentType).toBe('image/svg+xml')
      await s.http(`/api/conversations/${id}/messages`, {
        token,
        body: { clientMsgId: 'svg', attachmentIds: [meta.id] },
      })
      const links = await s.http(`/api/conversations/${id}/attachments/links`, {
        token,
        body: { ids: [meta.id] },
      })
      for (const res of [
        await get(`/api/conversations/${id}/attachments/${meta.id}`, auth(token)),
        await get(links.body.links[0].url),
      ]) {
        expect(res.status).toBe(200)
        expect(res.headers.get('content-type')).toBe('image/svg+xml')
        expect(res.headers.get('content-disposition')).toStartWith('attachment;')
        expect(res.headers.get('x-content-type-options')).toBe('nosniff')
        expect(res.headers.get('content-security-policy')).toContain('sandbox')
        await res.arrayBuffer()
      }
    } finally {
      await set({ attachmentTypes: DEFAULT_INBOX_SETTINGS.attachmentTypes })
      await clock.advance(31_000)
    }
  })

  test('attachments - 1,000 uploads at once by one person: each a 201 or a typed 429, and the server is fine after', async () => {
    const { id, token } = await httpStart(s)
    const started = performance.now()
    const answers = await Promise.all(
      Array.from({ length: 1000 }, (_, i) =>
        upload(token, id, `burst ${i}`, `b${i}.txt`).catch((error: unknown) => ({
          status: 0,
          body: { error: String(error) },
          headers: new Headers(),
        })),
      ),
    )
    const created = answers.filter((r) => r.status === 201)
    const limited = answers.filter((r) => r.status === 429)
    expect(created.length + limited.length).toBe(1000)
    // The budget (ATTACHMENT_UPLOADS_PER_MINUTE, default 30) holds under concurrency.
    expect(created.length).toBe(30)
    for (const r of limited) {
      expect(r.body.error.code).toBe('rate_limited')
      expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0)
    }
    expect(performance.now() - started).toBeLessThan(20_000)
    // Every accepted file is whole; the server still answers everyone else.
    const one = created[0]?.body.attachment as { id: string; name: string }
    const res = await get(`/api/conversations/${id}/attachments/${one.id}`, auth(token))
    expect([res.status, await res.text()]).toEqual([200, `burst ${one.name.slice(1, -4)}`])
    const other = await httpStart(s)
    expect((await upload(other.token, other.id, 'after the burst', 'after.txt')).status).toBe(201)
    expect((await s.http('/readyz')).status).toBe(200)
  }, 30_000)
})

// Last: these move the clock hours on.
describe('attachments - lifecycle', () => {
  test('attachments - deleting the message hides its files at once; the cleanup job removes the bytes after the grace period', async () => {
    const { id, token } = await httpStart(s)
    const meta = await uploaded(token, id, 'secret invoice', 'invoice.txt')
    const sent = await s.http(`/api/conversations/${id}/messages`, {
      token,
      body: { clientMsgId: 'inv', attachmentIds: [meta.id] },
    })
    const links = await s.http(`/api/conversations/${id}/attachments/links`, {
      token,
      body: { ids: [meta.id] },
    })
    const del = await s.http(`/api/conversations/${id}/messages/${sent.body.messageId}`, {
      method: 'DELETE',
      token,
    })
    expect(del.status).toBe(200)
    expect(del.body.message.attachments).toBeUndefined()
    const history = await s.http(`/api/conversations/${id}/messages`, { token })
    expect(history.body.messages.at(-1).attachments).toBeUndefined()
    expect((await get(`/api/conversations/${id}/attachments/${meta.id}`, auth(token))).status).toBe(
      404,
    )
    expect((await get(links.body.links[0].url)).status).toBe(404)
    // Bytes stay through the grace period, then go with the row.
    expect(await s.attachments.storage.stat(blobKey(meta.id, 'original'))).toEqual({
      size: meta.size,
    })
    expect((await s.sweepAttachments()).purged).toBe(0)
    await clock.advance(61_000)
    const dry = await s.sweepAttachments({ dryRun: true })
    expect(dry.ids).toContain(meta.id)
    expect(await s.store.attachments.get(meta.id)).toMatchObject({ status: 'deleted' })
    const swept = await s.sweepAttachments()
    expect(swept.purged).toBeGreaterThanOrEqual(1)
    expect(await s.attachments.storage.stat(blobKey(meta.id, 'original'))).toBeNull()
    expect(await s.store.attachments.get(meta.id)).toBeNull()
    expect((await s.sweepAttachments()).purged).toBe(0)
  })

  test('attachments - a cleanup run killed between its steps is finished by the next one', async () => {
    const { id, token } = await httpStart(s)
    // Killed after removing a deleted file's bytes, before its row.
    const a = await uploaded(token, id, 'bytes already gone', 'a.txt')
    const sent = await s.http(`/api/conversations/${id}/messages`, {
      token,
      body: { clientMsgId: 'half-a', attachmentIds: [a.id] },
    })
    await s.http(`/api/conversations/${id}/messages/${sent.body.messageId}`, {
      method: 'DELETE',
      token,
    })
    // Killed after expiring an unsent upload, before purging it.
    const b = await uploaded(token, id, 'expired, not purged', 'b.txt')
    await clock.advance(7200_000 + 1000)
    await s.attachments.storage.delete(blobKey(a.id, 'original'))
    expect(await s.store.attachments.expireUploads(clock.now(), 100)).toContain(b.id)
    expect(await s.store.attachments.get(a.id)).toMatchObject({ status: 'deleted' })
    expect(await s.store.attachments.get(b.id)).toMatchObject({ status: 'deleted' })
    const swept = await s.sweepAttachments()
    expect(swept.failed).toBe(0)
    for (const x of [a, b]) {
      expect(await s.store.attachments.get(x.id)).toBeNull()
      expect(await s.attachments.storage.stat(blobKey(x.id, 'original'))).toBeNull()
    }
  })

  test('attachments - an upload never sent expires after its TTL; a sent one is never touched', async () => {
    const { id, token } = await httpStart(s)
    const kept = await uploaded(token, id, 'kept', 'kept.txt')
    await s.http(`/api/conversations/${id}/messages`, {
      token,
      body: { clientMsgId: 'k', attachmentIds: [kept.id] },
    })
    const stale = await uploaded(token, id, 'stale', 'stale.txt')
    await clock.advance(7200_000 + 1000)
    const swept = await s.sweepAttachments()
    expect(swept.expired).toBeGreaterThanOrEqual(1)
    expect(swept.purged).toBeGreaterThanOrEqual(1)
    expect(await s.store.attachments.get(stale.id)).toBeNull()
    expect(await s.attachments.storage.stat(blobKey(stale.id, 'original'))).toBeNull()
    expect(await s.store.attachments.get(kept.id)).toMatchObject({ status: 'linked' })
    const res = await get(`/api/conversations/${id}/attachments/${kept.id}`, auth(token))
    expect([res.status, await res.text()]).toEqual([200, 'kept'])
    const late = await s.http(`/api/conversations/${id}/messages`, {
      token,
      body: { clientMsgId: 'late', attachmentIds: [stale.id] },
    })
    expect(late.status).toBe(404)
  })
})
