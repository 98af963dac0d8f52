/**
 * Bad input on the socket (JSON subprotocol): every malformed frame gets a typed error frame,
 * with the req echoed whenever it could be read, changes nothing, and leaves the connection
 * usable. Each bad frame is a near-miss of a valid `send`, so accepting it would show in history.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { startTestServer, type TestServer } from '../helpers/server.ts'
import { TestClient, type Frame } from '../helpers/ws.ts'

const MAX_FRAME_BYTES = 8192
let s: TestServer
let visitor: TestClient
let token: string
let conversationId: string
let sent = 0

beforeAll(async () => {
  s = await startTestServer({ env: { MAX_FRAME_BYTES: String(MAX_FRAME_BYTES) } })
  // Room for one valid send per case without meeting the visitor rate limit.
  const inboxId = await s.defaultInboxId()
  const patch = await s.http(`/api/admin/inboxes/${inboxId}`, {
    method: 'PATCH',
    token: await s.adminToken(),
    body: { settings: { visitorMessagesPerMinute: 600 } },
  })
  expect(patch.status).toBe(200)
  token = (await s.visitorToken()).token
  visitor = await TestClient.connect(s.wsUrl, { token })
  conversationId = (await visitor.ok({ type: 'start', text: 'hello', clientMsgId: 'first' }))
    .conversation.id
})

afterAll(async () => {
  visitor.close()
  await s.stop()
})

/** The conversation as stored: lastSeq and every message. */
async function state() {
  const conv = await s.http(`/api/conversations/${conversationId}`, { token })
  const history = await s.http(`/api/conversations/${conversationId}/messages?limit=100`, { token })
  return {
    lastSeq: conv.body.conversation.lastSeq as number,
    messages: history.body.messages as Frame[],
  }
}

/** Sends raw data and resolves with the first error frame that arrives after it. */
async function errorAfter(c: TestClient, data: string | Uint8Array): Promise<Frame> {
  const seen = c.frames.length
  c.sendRaw(data)
  return c.next((f) => c.frames.indexOf(f) >= seen && f.type === 'error')
}

const validSend = (over: Record<string, unknown> = {}) => ({
  type: 'send',
  conversationId: () => conversationId,
  clientMsgId: 'bad',
  text: 'should never be stored',
  ...over,
})

/** Builds the frame text at run time, once conversationId is known. */
function json(frame: Record<string, unknown>): () => string {
  return () =>
    JSON.stringify(
      Object.fromEntries(
        Object.entries(frame).map(([k, v]) => [
          k,
          typeof v === 'function' ? (v as () => unknown)() : v,
        ]),
      ),
    )
}

interface BadFrame {
  name: string
  data: () => string | Uint8Array
  code: 'invalid_frame' | 'unknown_type' | 'validation_failed' | 'frame_too_large'
  /** The req the error must echo; null when it could not be read. */
  req: string | number | null
}

const cases: BadFrame[] = [
  {
    name: 'garbage bytes',
    data: () => new Uint8Array([0xff, 0xfe, 0x00, 0xc3, 0x28, 0x9f]),
    code: 'invalid_frame',
    req: null,
  },
  {
    name: 'invalid JSON',
    data: () => '{"type":"send","req":"j1","text":"hi"',
    code: 'invalid_frame',
    req: null,
  },
  {
    name: 'a JSON array',
    data: () => JSON.stringify([{ type: 'ping', req: 'a1' }]),
    code: 'invalid_frame',
    req: null,
  },
  { name: 'a JSON number', data: () => '42', code: 'invalid_frame', req: null },
  { name: 'JSON null', data: () => 'null', code: 'invalid_frame', req: null },
  {
    name: 'a frame without type',
    data: json({ ...validSend({ req: 'no-type' }), type: undefined }),
    code: 'invalid_frame',
    req: 'no-type',
  },
  {
    name: 'a frame whose type is not a string',
    data: json(validSend({ type: 7, req: 'seven' })),
    code: 'invalid_frame',
    req: 'seven',
  },
  {
    name: 'an unknown type',
    data: json(validSend({ type: 'sendd', req: 'u1' })),
    code: 'unknown_type',
    req: 'u1',
  },
  {
    name: 'a wrong field type',
    data: json(validSend({ req: 11, conversationId: 12345 })),
    code: 'validation_failed',
    req: 11,
  },
  {
    name: 'a wrong text type',
    data: json(validSend({ req: 12, text: ['hi'] })),
    code: 'validation_failed',
    req: 12,
  },
  {
    name: 'a missing field',
    data: json(validSend({ req: 13, clientMsgId: undefined })),
    code: 'validation_failed',
    req: 13,
  },
  { name: 'a missing req', data: json(validSend()), code: 'validation_failed', req: null },
  {
    name: 'an unreadable req',
    data: json(validSend({ req: { id: 1 } })),
    code: 'validation_failed',
    req: null,
  },
  {
    name: 'an extra field',
    data: json(validSend({ req: 14, author: 'operator' })),
    code: 'validation_failed',
    req: 14,
  },
  {
    name: 'text over 4000 characters',
    data: json(validSend({ req: 15, text: 'x'.repeat(4001) })),
    code: 'validation_failed',
    req: 15,
  },
  {
    name: 'empty text',
    data: json(validSend({ req: 16, text: '' })),
    code: 'validation_failed',
    req: 16,
  },
  {
    name: 'whitespace-only text',
    data: json(validSend({ req: 17, text: ' \n\t\u00a0 ' })),
    code: 'validation_failed',
    req: 17,
  },
  // Valid in every field (3500 characters) but 10.5 KB on the wire.
  {
    name: 'an oversize frame',
    data: json(validSend({ req: 18, text: '€'.repeat(3500) })),
    code: 'frame_too_large',
    req: null,
  },
]

describe('malformed frames', () => {
  for (const bad of cases) {
    test(`frames - ${bad.name} gets ${bad.code}, changes nothing and keeps the connection usable`, async () => {
      const before = await state()
      const error = await errorAfter(visitor, bad.data())
      expect(error).toMatchObject({ type: 'error', code: bad.code, retryable: false })
      expect(typeof error.message).toBe('string')
      if (bad.code === 'frame_too_large') expect(error.message).toContain(String(MAX_FRAME_BYTES))
      else if (bad.req === null) expect('req' in error).toBe(false)
      else expect(error.req).toBe(bad.req)
      expect(await state()).toEqual(before)
      expect(await visitor.request({ type: 'ping' })).toMatchObject({ type: 'pong' })
      const ack = await visitor.ok({
        type: 'send',
        conversationId,
        clientMsgId: `ok-${++sent}`,
        text: 'still here',
      })
      expect(ack.seq).toBe(before.lastSeq + 1)
    })
  }

  test('frames - the limits themselves are accepted: 4000 characters, a frame of exactly MAX_FRAME_BYTES', async () => {
    const text = 'y'.repeat(4000)
    const ack = await visitor.ok({ type: 'send', conversationId, clientMsgId: 'max-text', text })
    const frame = { type: 'send', req: 'fit', conversationId, clientMsgId: 'max-frame', text: '' }
    const room = MAX_FRAME_BYTES - Buffer.byteLength(JSON.stringify(frame))
    frame.text = '€'.repeat(Math.floor(room / 3)) + 'z'.repeat(room % 3)
    expect(Buffer.byteLength(JSON.stringify(frame))).toBe(MAX_FRAME_BYTES)
    visitor.sendRaw(JSON.stringify(frame))
    const reply = await visitor.next((f) => f.req === 'fit')
    expect(reply.type).toBe('ack')
    const { messages } = await state()
    expect(messages.find((m) => m.seq === ack.seq)?.text).toBe(text)
    expect(messages.at(-1)?.text).toBe(frame.text)
  })
})

describe('before authentication', () => {
  test('frames - requests before auth get unauthenticated with their req and change nothing', async () => {
    const before = await state()
    const anon = await TestClient.connect(s.wsUrl)
    try {
      const requests: Frame[] = [
        { type: 'start', text: 'sneaky' },
        { type: 'subscribe', conversationId, afterSeq: 0 },
        { type: 'send', conversationId, clientMsgId: 'anon', text: 'sneaky' },
        { type: 'read', conversationId, seq: 2 },
        { type: 'set_status', conversationId, status: 'closed' },
      ]
      for (const frame of requests) {
        const reply = await anon.request(frame)
        expect({ frame: frame.type, reply: reply.type, code: reply.code }).toEqual({
          frame: frame.type,
          reply: 'error',
          code: 'unauthenticated',
        })
      }
      const badAuth = await anon.request({ type: 'auth', token: token.slice(0, -4) })
      expect(badAuth).toMatchObject({ type: 'error', code: 'unauthenticated' })
      expect(anon.events(conversationId)).toEqual([])
      expect(await state()).toEqual(before)
      // The same socket can still authenticate and work.
      await anon.ok({ type: 'auth', token })
      const sub = await anon.ok({ type: 'subscribe', conversationId, afterSeq: before.lastSeq })
      expect(sub.lastSeq).toBe(before.lastSeq)
    } finally {
      anon.close()
    }
  })
})
