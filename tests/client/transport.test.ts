import { describe, expect, test } from 'bun:test'
import {
  backoffDelay,
  ParleyError,
  Transport,
  type ErrorCode,
  type EventFrame,
  type TransportState,
} from '../../client/shared/index.ts'
import { FakeServer, until } from './fake-server.ts'

function setup(opts: { tokens?: string[] } = {}) {
  const server = new FakeServer()
  const tokens = opts.tokens ?? ['t1']
  const rejected: Array<{ token: string; code: ErrorCode }> = []
  let issued = 0
  const transport = new Transport({
    baseUrl: 'http://parley.test',
    auth: {
      token: async () => tokens[Math.min(issued++, tokens.length - 1)] as string,
      rejected: (token, code) => rejected.push({ token, code }),
    },
    channels: server.factory,
    probe: server.probe,
    backoff: { minMs: 5, maxMs: 20 },
    random: () => 0.5,
  })
  const states: TransportState[] = []
  transport.on('state', (s) => states.push(s))
  return { server, transport, states, rejected }
}

function messageEvent(conversationId: string, seq: number): EventFrame {
  const message = {
    id: `m${seq}`,
    conversationId,
    seq,
    author: { kind: 'operator' as const, id: 'op' },
    text: `hello ${seq}`,
    clientMsgId: null,
    createdAt: seq,
    editedAt: null,
    deletedAt: null,
    deletedBy: null,
  }
  return { type: 'event', name: 'message.created', data: { message }, conversationId, seq, at: seq }
}

describe('transport', () => {
  test('transport - authenticates first, then is connected', async () => {
    const { server, transport, states } = setup()
    transport.start()
    const ws = await server.channel(0)
    await ws.open()
    const auth = await ws.waitSent('auth')
    expect(auth).toMatchObject({ type: 'auth', token: 't1' })
    expect(transport.state).toBe('connecting')
    await ws.ack('auth', { kind: 'visitor', id: 'v1' })
    await until(() => transport.state === 'connected')
    expect(states).toEqual(['connecting', 'connected'])
    transport.stop()
  })

  test('transport - pending requests fail with a retryable error when the connection drops', async () => {
    const { server, transport } = setup()
    transport.start()
    const ws = await server.accept(0)
    const typing = transport.request({ type: 'typing', conversationId: 'c1', on: true })
    await ws.waitSent('typing')
    await ws.drop()
    const error = await typing.catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ParleyError)
    expect((error as ParleyError).retryable).toBe(true)
    expect(transport.state).toBe('disconnected')
    transport.stop()
  })

  test('transport - a plain request while disconnected fails at once, retryable', async () => {
    const { transport } = setup()
    const error = (await transport
      .request({ type: 'typing', conversationId: 'c1', on: true })
      .catch((e: unknown) => e)) as ParleyError
    expect(error.code).toBe('unavailable')
    expect(error.retryable).toBe(true)
  })

  test('transport - after a reconnect: auth, resubscribe from the last seq, resend the unacked send unchanged', async () => {
    const { server, transport } = setup()
    transport.start()
    const first = await server.accept(0)
    transport.subscribe('c1', 0)
    await first.waitSent('subscribe')
    await first.push(messageEvent('c1', 1))
    await first.push(messageEvent('c1', 2))
    const sent = transport.request<{ seq: number }>(
      { type: 'send', conversationId: 'c1', clientMsgId: 'm-1', text: 'hi' },
      { durable: true },
    )
    await first.waitSent('send')
    await first.drop()

    const second = await server.accept(1)
    const subscribe = await second.waitSent('subscribe')
    expect(subscribe).toMatchObject({ conversationId: 'c1', afterSeq: 2 })
    const resent = await second.waitSent('send')
    expect(resent).toMatchObject({ conversationId: 'c1', clientMsgId: 'm-1', text: 'hi' })
    // auth goes first, then the resubscribe, then the resend
    expect(second.sent.map((f) => f.type)).toEqual(['auth', 'subscribe', 'send'])
    await second.push({ type: 'ack', req: resent.req, data: { seq: 3, duplicate: true } })
    expect((await sent).seq).toBe(3)
    transport.stop()
  })

  test('transport - durable requests go one at a time, in order', async () => {
    const { server, transport } = setup()
    transport.start()
    const ws = await server.accept(0)
    const a = transport.request(
      { type: 'send', conversationId: 'c', clientMsgId: 'a', text: 'a' },
      { durable: true },
    )
    const b = transport.request(
      { type: 'send', conversationId: 'c', clientMsgId: 'b', text: 'b' },
      { durable: true },
    )
    await ws.waitSent('send')
    await new Promise((r) => setTimeout(r, 10))
    expect(ws.ofType('send')).toHaveLength(1)
    await ws.ack('send', { seq: 2 })
    const second = await ws.waitSent('send', 2)
    expect(second).toMatchObject({ clientMsgId: 'b' })
    await ws.ack('send', { seq: 3 })
    expect(await Promise.all([a, b])).toEqual([{ seq: 2 }, { seq: 3 }])
    transport.stop()
  })

  test('transport - a refused durable request rejects and the next one goes', async () => {
    const { server, transport } = setup()
    transport.start()
    const ws = await server.accept(0)
    const a = transport.request(
      { type: 'send', conversationId: 'c', clientMsgId: 'a', text: 'a' },
      { durable: true },
    )
    const b = transport.request(
      { type: 'send', conversationId: 'c', clientMsgId: 'b', text: 'b' },
      { durable: true },
    )
    const frame = await ws.waitSent('send')
    await ws.push({
      type: 'error',
      req: frame.req,
      code: 'not_found',
      message: 'no',
      retryable: false,
    })
    expect(((await a.catch((e: unknown) => e)) as ParleyError).code).toBe('not_found')
    await ws.waitSent('send', 2)
    await ws.ack('send', { seq: 9 })
    expect(await b).toEqual({ seq: 9 })
    transport.stop()
  })

  test('transport - events at or below the cursor are dropped, others advance it', async () => {
    const { server, transport } = setup()
    const seen: number[] = []
    transport.on('event', (f) => {
      if (f.name !== 'typing') seen.push(f.seq)
    })
    transport.start()
    const ws = await server.accept(0)
    transport.subscribe('c1', 1)
    await ws.push(messageEvent('c1', 1))
    await ws.push(messageEvent('c1', 2))
    await ws.push(messageEvent('c1', 2))
    await ws.push(messageEvent('c1', 3))
    await ws.push(messageEvent('other', 4))
    expect(seen).toEqual([2, 3])
    expect(transport.cursor('c1')).toBe(3)
    transport.stop()
  })

  test('transport - the subscribe ack reports a server that is behind the client', async () => {
    const { server, transport } = setup()
    const acks: boolean[] = []
    transport.on('subscribed', (s) => acks.push(s.behind))
    transport.start()
    const ws = await server.accept(0)
    transport.subscribe('c1', 9)
    const view = { conversation: {}, readStates: [], typing: [], lastSeq: 5 }
    await ws.ack('subscribe', view)
    await until(() => acks.length === 1)
    expect(acks).toEqual([true])
    expect(transport.cursor('c1')).toBe(5)
    transport.stop()
  })

  test('transport - falls back to SSE after two failed WebSocket opens while the server answers', async () => {
    const { server, transport } = setup()
    transport.start()
    await (await server.channel(0)).drop(false)
    await (await server.channel(1)).drop(false)
    const sse = await server.accept(2)
    expect(sse.kind).toBe('sse')
    expect(sse.sent.some((f) => f.type === 'auth')).toBe(false)
    await until(() => transport.state === 'connected')
    await sse.drop(false)
    await (await server.channel(3)).drop(false)
    expect((await server.channel(4)).kind).toBe('poll')
    transport.stop()
  })

  test('transport - a server that is down does not count as a blocked WebSocket', async () => {
    const { server, transport } = setup()
    server.reachable = false
    transport.start()
    for (let i = 0; i < 4; i++) await (await server.channel(i)).drop(false)
    const next = await server.channel(4)
    expect(next.kind).toBe('ws')
    transport.stop()
  })

  test('transport - token_expired on auth makes the token source drop that token, then reconnects with a new one', async () => {
    const { server, transport, rejected } = setup({ tokens: ['old', 'new'] })
    transport.start()
    const first = await server.channel(0)
    await first.open()
    const auth = await first.waitSent('auth')
    await first.push({
      type: 'error',
      req: auth.req,
      code: 'token_expired',
      message: 'expired',
      retryable: false,
    })
    await until(() => rejected.length === 1)
    expect(rejected[0]).toEqual({ token: 'old', code: 'token_expired' })
    const second = await server.channel(1)
    await second.open()
    expect(await second.waitSent('auth')).toMatchObject({ token: 'new' })
    transport.stop()
  })

  test('transport - identity_required, on auth or mid-connection, makes the token source drop that token', async () => {
    const { server, transport, rejected } = setup({ tokens: ['verified', 'proved'] })
    transport.start()
    const first = await server.channel(0)
    await first.open()
    const auth = await first.waitSent('auth')
    const refusal = {
      code: 'identity_required',
      message: 'verify again',
      retryable: false,
    } as const
    await first.push({ type: 'error', req: auth.req, ...refusal })
    await until(() => rejected.length === 1)
    expect(rejected[0]).toEqual({ token: 'verified', code: 'identity_required' })
    const second = await server.accept(1)
    await until(() => transport.state === 'connected')
    await second.push({ type: 'error', ...refusal })
    await until(() => rejected.length === 2)
    expect(rejected[1]).toEqual({ token: 'proved', code: 'identity_required' })
    transport.stop()
  })

  test('transport - an error frame naming a conversation ends that subscription only', async () => {
    const { server, transport } = setup()
    const failed: Array<{ conversationId: string; code: string }> = []
    const events: number[] = []
    transport.on('subscribeFailed', (f) =>
      failed.push({ conversationId: f.conversationId, code: f.error.code }),
    )
    transport.on('event', (e) => events.push(e.name === 'typing' ? -1 : e.seq))
    transport.start()
    const ws = await server.accept(0)
    transport.subscribe('c1', 0)
    transport.subscribe('c2', 0)
    await ws.waitSent('subscribe', 2)
    await ws.push({
      type: 'error',
      conversationId: 'c1',
      code: 'forbidden',
      message: 'permissions changed',
      retryable: false,
    })
    await until(() => failed.length === 1)
    expect(failed).toEqual([{ conversationId: 'c1', code: 'forbidden' }])
    expect(transport.cursor('c1')).toBeUndefined()
    expect(transport.cursor('c2')).toBe(0)
    await ws.push(messageEvent('c1', 1))
    await ws.push(messageEvent('c2', 1))
    await until(() => events.length === 1)
    expect(transport.state).toBe('connected')
    transport.stop()
  })

  test('transport - a reconnect frame sets the delay before the next attempt', async () => {
    const { server, transport } = setup()
    transport.start()
    const ws = await server.accept(0)
    await ws.push({ type: 'reconnect', reason: 'server is restarting', afterMs: 120 })
    const dropped = Date.now()
    await ws.drop()
    await server.channel(1)
    // random 0.5: afterMs * 1.5
    expect(Date.now() - dropped).toBeGreaterThanOrEqual(170)
    transport.stop()
  })

  test('transport - stop fails waiting durable requests and stays closed', async () => {
    const { transport } = setup()
    const queued = transport.request(
      { type: 'send', conversationId: 'c', clientMsgId: 'a', text: 'a' },
      { durable: true },
    )
    transport.stop()
    expect(((await queued.catch((e: unknown) => e)) as ParleyError).code).toBe('unavailable')
    expect(transport.state).toBe('closed')
  })
})

describe('backoff', () => {
  test('backoff - doubles from min to max with ±50 % jitter', () => {
    const opts = { minMs: 1000, maxMs: 30_000 }
    expect(backoffDelay(0, opts, 0)).toBe(500)
    expect(backoffDelay(0, opts, 0.999)).toBe(1499)
    expect(backoffDelay(3, opts, 0.5)).toBe(8000)
    expect(backoffDelay(10, opts, 0.5)).toBe(30_000)
    expect(backoffDelay(10, opts, 0)).toBe(15_000)
  })
})
