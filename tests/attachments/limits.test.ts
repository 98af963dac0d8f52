/**
 * Attachment limits through the real server (F1, F3): the per-message total of an inbox
 * (`attachmentMaxMessageBytes`, checked at send over HTTP and the socket), and the download
 * limits per principal (`ATTACHMENT_DOWNLOADS_PER_MINUTE`, `ATTACHMENT_CONCURRENT_DOWNLOADS`),
 * each refused with 429, `Retry-After` and a typed body. One server on the S3 backend (a disk
 * download is a file slice sent at once, so only a stream holds a download slot), on SQLite, or
 * on Postgres with PARLEY_TEST_DB=postgres.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { connect, type Socket } from 'node:net'
import { DEFAULT_INBOX_SETTINGS, type InboxSettings } from '../../actors/index.ts'
import { httpStart } from '../helpers/http.ts'
import { waitUntil } from '../helpers/processes.ts'
import { startS3, type TestS3 } from '../helpers/s3.ts'
import { startTestServer, type TestServer } from '../helpers/server.ts'
import { TestClient } from '../helpers/ws.ts'

const DOWNLOADS_PER_MINUTE = 30
const CONCURRENT_DOWNLOADS = 2
let s3: TestS3
let s: TestServer

beforeAll(async () => {
  s3 = await startS3()
  s = await startTestServer({
    env: {
      ATTACHMENT_STORAGE: 's3',
      S3_ENDPOINT: s3.endpoint,
      S3_BUCKET: s3.bucket,
      S3_ACCESS_KEY_ID: s3.accessKeyId,
      S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
      S3_PREFIX: 'limits-test/',
      ATTACHMENT_SWEEP_MS: '0',
      ATTACHMENT_DOWNLOADS_PER_MINUTE: String(DOWNLOADS_PER_MINUTE),
      ATTACHMENT_CONCURRENT_DOWNLOADS: String(CONCURRENT_DOWNLOADS),
    },
  })
})
afterAll(async () => {
  await s?.stop()
  await s3?.stop()
})

async function uploaded(token: string, conversationId: string, bytes: Uint8Array | string) {
  const form = new FormData()
  form.append('file', new File([bytes as BlobPart], 'file.txt'))
  const res = await fetch(`${s.url}/api/conversations/${conversationId}/attachments`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
    body: form,
  })
  const body = (await res.json()) as { attachment: { id: string; size: number } }
  if (res.status !== 201) throw new Error(`upload: ${res.status} ${JSON.stringify(body)}`)
  return body.attachment
}

function download(token: string, conversationId: string, id: string): Promise<Response> {
  return fetch(`${s.url}/api/conversations/${conversationId}/attachments/${id}`, {
    headers: { authorization: `Bearer ${token}` },
  })
}

/** A 429 as every limit answers it: Retry-After in seconds and the typed error body. */
async function expectRateLimited(res: Response): Promise<void> {
  expect(res.status).toBe(429)
  expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0)
  const body = (await res.json()) as { error: Record<string, unknown> }
  expect(body.error).toMatchObject({ code: 'rate_limited', retryable: true })
  expect(body.error.retryAfterMs).toBeGreaterThan(0)
}

/**
 * A download that reads its response headers and then nothing more: a raw socket, paused, so
 * the server's stream stays open (its window fills) and holds its download slot.
 */
async function stalledDownload(
  token: string,
  path: string,
): Promise<{ status: number; socket: Socket }> {
  const socket = connect(s.port, '127.0.0.1')
  const head = await new Promise<string>((resolve, reject) => {
    let text = ''
    socket.once('error', reject)
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString('latin1')
      const end = text.indexOf('\r\n\r\n')
      if (end < 0) return
      socket.removeAllListeners('data')
      socket.pause()
      resolve(text.slice(0, end))
    })
    socket.write(
      `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${token}\r\n\r\n`,
    )
  })
  return { status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]), socket }
}

describe('attachments limits - per message', () => {
  test('attachments limits - files totalling more than attachmentMaxMessageBytes are refused at send, over HTTP and the socket; nothing changes', async () => {
    const inboxId = await s.defaultInboxId()
    const admin = await s.adminToken()
    const set = (settings: object) =>
      s.http(`/api/admin/inboxes/${inboxId}`, { method: 'PATCH', token: admin, body: { settings } })
    // An inbox stored before the setting existed reads the default (50 MiB).
    const stored = await s.store.inboxes.get(inboxId)
    const { attachmentMaxMessageBytes: _absent, ...older } =
      stored?.settings ?? DEFAULT_INBOX_SETTINGS
    await s.store.inboxes.update(inboxId, {
      settings: older as InboxSettings,
      updatedAt: Date.now(),
    })
    const inboxes = await s.http('/api/admin/inboxes', { token: admin })
    expect(inboxes.body.inboxes[0].settings.attachmentMaxMessageBytes).toBe(50 * 1024 * 1024)
    for (const bad of [1023, 10 * 1024 ** 3 + 1, 4096.5, '4096']) {
      expect((await set({ attachmentMaxMessageBytes: bad })).status).toBe(422)
    }
    const changed = await set({ attachmentMaxMessageBytes: 4096 })
    expect(changed.status).toBe(200)
    expect(changed.body.settings.attachmentMaxMessageBytes).toBe(4096)
    try {
      const { id, token } = await httpStart(s)
      const a = await uploaded(token, id, 'a'.repeat(2500))
      const b = await uploaded(token, id, 'b'.repeat(2500))
      const before = await s.http(`/api/conversations/${id}/messages`, { token })
      const refused = await s.http(`/api/conversations/${id}/messages`, {
        token,
        body: { clientMsgId: 'both', text: 'two files', attachmentIds: [a.id, b.id] },
      })
      expect(refused.status).toBe(413)
      expect(refused.body.error).toMatchObject({ code: 'payload_too_large', retryable: false })
      expect(refused.body.error.message).toContain('4096')
      const ws = await TestClient.connect(s.wsUrl, { token })
      try {
        const frame = await ws.request({
          type: 'send',
          conversationId: id,
          clientMsgId: 'both-ws',
          attachmentIds: [a.id, b.id],
        })
        expect(frame).toMatchObject({ type: 'error', code: 'payload_too_large' })
        expect(frame.message).toContain('4096')
      } finally {
        ws.close()
      }
      // No message, and both files are still uploads that can be sent.
      const after = await s.http(`/api/conversations/${id}/messages`, { token })
      expect(after.body.messages).toEqual(before.body.messages)
      for (const x of [a, b]) {
        expect(await s.store.attachments.get(x.id)).toMatchObject({
          status: 'uploaded',
          messageId: null,
        })
      }
      for (const [clientMsgId, x] of [
        ['a', a],
        ['b', b],
      ] as const) {
        const sent = await s.http(`/api/conversations/${id}/messages`, {
          token,
          body: { clientMsgId, attachmentIds: [x.id] },
        })
        expect(sent.status).toBe(201)
      }
      // The limit is the message's: exactly at it is allowed.
      const exact = await uploaded(token, id, 'c'.repeat(4096))
      const atLimit = await s.http(`/api/conversations/${id}/messages`, {
        token,
        body: { clientMsgId: 'exact', attachmentIds: [exact.id] },
      })
      expect(atLimit.status).toBe(201)
    } finally {
      await set({ attachmentMaxMessageBytes: DEFAULT_INBOX_SETTINGS.attachmentMaxMessageBytes })
    }
  })
})

describe('attachments limits - downloads', () => {
  test('attachments limits - more than ATTACHMENT_DOWNLOADS_PER_MINUTE by one person: 429 with Retry-After and a typed body', async () => {
    const { id, token } = await httpStart(s)
    const file = await uploaded(token, id, 'downloaded often')
    for (let i = 0; i < DOWNLOADS_PER_MINUTE; i++) {
      const res = await download(token, id, file.id)
      expect([res.status, await res.text()]).toEqual([200, 'downloaded often'])
    }
    await expectRateLimited(await download(token, id, file.id))
    // The budget is the person's: someone else still downloads.
    const op = await s.operator()
    await s.http(`/api/conversations/${id}/messages`, {
      token,
      body: { clientMsgId: 'often', attachmentIds: [file.id] },
    })
    const other = await download(op.token, id, file.id)
    expect([other.status, await other.text()]).toEqual([200, 'downloaded often'])
  })

  test('attachments limits - more than ATTACHMENT_CONCURRENT_DOWNLOADS streams open at once: 429 until one ends', async () => {
    const { id, token } = await httpStart(s)
    // Large enough that a paused reader leaves the server's stream unfinished.
    const file = await uploaded(token, id, 'x'.repeat(16 * 1024 * 1024))
    const path = `/api/conversations/${id}/attachments/${file.id}`
    const open: Socket[] = []
    try {
      for (let i = 0; i < CONCURRENT_DOWNLOADS; i++) {
        const stalled = await stalledDownload(token, path)
        open.push(stalled.socket)
        expect(stalled.status).toBe(200)
      }
      await expectRateLimited(await download(token, id, file.id))
    } finally {
      for (const socket of open) socket.destroy()
    }
    // The slots come back once those streams end (the client went away). At most 20 tries:
    // each takes from the same per-minute budget.
    await waitUntil(
      'a download slot is free again',
      async () => {
        const res = await fetch(`${s.url}${path}`, {
          headers: { authorization: `Bearer ${token}`, range: 'bytes=0-3' },
        })
        await res.arrayBuffer()
        return res.status === 206
      },
      { timeoutMs: 5000, intervalMs: 250 },
    )
  }, 30_000)
})
