/**
 * The MessagePack subprotocol: bad bytes get the same typed errors as on JSON, and a valid
 * send/subscribe roundtrip yields frames that decode to exactly the JSON shapes.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { Packr } from 'msgpackr'
import { startTestServer, type TestServer } from '../helpers/server.ts'
import { TestClient, type Frame } from '../helpers/ws.ts'

const packr = new Packr({ useRecords: false, mapsAsObjects: true })
let s: TestServer
let token: string
let conversationId: string
const clients: TestClient[] = []

beforeAll(async () => {
  // Every case opens its own socket for the one visitor, all kept until the end.
  s = await startTestServer({ env: { MAX_VISITOR_CONNECTIONS: '20' } })
  token = (await s.visitorToken()).token
  const starter = await connect('json')
  conversationId = (await starter.ok({ type: 'start', text: 'hello', clientMsgId: 'first' }))
    .conversation.id
})

afterAll(async () => {
  for (const c of clients) c.close()
  await s.stop()
})

async function connect(format: 'json' | 'msgpack', as = token) {
  const c = await TestClient.connect(s.wsUrl, { format, token: as })
  clients.push(c)
  return c
}

async function lastSeq(): Promise<number> {
  const res = await s.http(`/api/conversations/${conversationId}`, { token })
  return res.body.conversation.lastSeq
}

async function errorAfter(c: TestClient, data: string | Uint8Array): Promise<Frame> {
  const seen = c.frames.length
  c.sendRaw(data)
  return c.next((f) => c.frames.indexOf(f) >= seen && f.type === 'error')
}

describe('MessagePack subprotocol', () => {
  const bad: Array<{
    name: string
    data: () => string | Uint8Array
    code: string
    req: string | null
  }> = [
    {
      name: 'garbage bytes',
      data: () => new Uint8Array([0xc1, 0xde, 0xad, 0xbe, 0xef]),
      code: 'invalid_frame',
      req: null,
    },
    {
      name: 'a truncated map',
      data: () => packr.pack({ type: 'ping', req: 'cut' }).slice(0, 6),
      code: 'invalid_frame',
      req: null,
    },
    {
      name: 'a text frame',
      data: () => JSON.stringify({ type: 'ping', req: 'txt' }),
      code: 'invalid_frame',
      req: null,
    },
    {
      name: 'an array',
      data: () => packr.pack([{ type: 'ping', req: 'arr' }]),
      code: 'invalid_frame',
      req: null,
    },
    {
      name: 'a map without type',
      data: () => packr.pack({ req: 'nt', conversationId }),
      code: 'invalid_frame',
      req: 'nt',
    },
    {
      name: 'an unknown type',
      data: () => packr.pack({ type: 'shout', req: 'un' }),
      code: 'unknown_type',
      req: 'un',
    },
    {
      name: 'text over 4000 characters',
      data: () =>
        packr.pack({
          type: 'send',
          req: 'long',
          conversationId,
          clientMsgId: 'm-long',
          text: 'x'.repeat(4001),
        }),
      code: 'validation_failed',
      req: 'long',
    },
  ]
  for (const b of bad) {
    test(`frames - msgpack: ${b.name} gets ${b.code}, changes nothing and keeps the connection usable`, async () => {
      const c = await connect('msgpack')
      const before = await lastSeq()
      const error = await errorAfter(c, b.data())
      expect(error).toMatchObject({ type: 'error', code: b.code, retryable: false })
      if (b.req === null) expect('req' in error).toBe(false)
      else expect(error.req).toBe(b.req)
      expect(await lastSeq()).toBe(before)
      expect(await c.request({ type: 'ping' })).toMatchObject({ type: 'pong' })
    })
  }

  test('frames - msgpack: a send/subscribe roundtrip decodes to the same frames as JSON', async () => {
    const packed = await connect('msgpack')
    const plain = await connect('json')
    const after = await lastSeq()
    const subPacked = await packed.ok({ type: 'subscribe', conversationId, afterSeq: 0 })
    const subPlain = await plain.ok({ type: 'subscribe', conversationId, afterSeq: 0 })
    expect(subPacked).toEqual(subPlain)
    expect(packed.events(conversationId)).toEqual(plain.events(conversationId))
    expect(packed.events(conversationId).map((e) => e.seq)).toEqual(
      Array.from({ length: after }, (_, i) => i + 1),
    )

    const ack = await packed.ok({
      type: 'send',
      conversationId,
      clientMsgId: 'mp-1',
      text: 'über 🎉 msgpack',
    })
    expect(ack).toEqual({
      messageId: expect.any(String),
      seq: after + 1,
      createdAt: expect.any(Number),
      duplicate: false,
    })
    const viaPacked = await packed.next((f) => f.type === 'event' && f.seq === after + 1)
    const viaPlain = await plain.next((f) => f.type === 'event' && f.seq === after + 1)
    expect(viaPacked).toEqual(viaPlain)
    expect(viaPacked).toMatchObject({
      type: 'event',
      name: 'message.created',
      conversationId,
      data: {
        message: {
          id: ack.messageId,
          seq: after + 1,
          text: 'über 🎉 msgpack',
          clientMsgId: 'mp-1',
          editedAt: null,
        },
      },
    })
    expect(typeof viaPacked.at).toBe('number')
    const retry = await packed.ok({
      type: 'send',
      conversationId,
      clientMsgId: 'mp-1',
      text: 'über 🎉 msgpack',
    })
    expect(retry).toEqual({ ...ack, duplicate: true })
  })
})
