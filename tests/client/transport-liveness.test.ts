/**
 * The transport's liveness: a missed pong or the browser's `offline` event makes it reconnect
 * at once; while the browser says offline it waits for `reconnectNow` (its `online` event);
 * a durable request refused by a rate limit is announced and resent by itself.
 */
import { describe, expect, test } from 'bun:test'
import {
  ParleyError,
  Transport,
  type TransportState,
  type TransportOptions,
} from '../../client/shared/index.ts'
import { FakeServer, until } from './fake-server.ts'

function setup(opts: Partial<TransportOptions> = {}) {
  const server = new FakeServer()
  const transport = new Transport({
    baseUrl: 'http://parley.test',
    auth: { token: async () => 't1', rejected: () => undefined },
    channels: server.factory,
    probe: server.probe,
    backoff: { minMs: 5, maxMs: 20 },
    random: () => 0.5,
    ...opts,
  })
  const states: TransportState[] = []
  transport.on('state', (s) => states.push(s))
  return { server, transport, states }
}

describe('transport liveness', () => {
  test('liveness - a silent connection is pinged, and one whose pong does not come is dropped and reconnected', async () => {
    const { server, transport, states } = setup({ pingIntervalMs: 30, pongTimeoutMs: 40 })
    transport.start()
    const ws = await server.accept(0)
    // The first ping is answered: the connection stays.
    const ping = await ws.waitSent('ping')
    await ws.push({ type: 'pong', req: ping.req as number })
    await ws.waitSent('ping', 2)
    expect(transport.state).toBe('connected')
    // The second one is not: lost, then a new channel.
    await until(() => transport.state !== 'connected', 500)
    expect(ws.closedByClient).toBe(true)
    await server.accept(1)
    await until(() => transport.state === 'connected')
    expect(states).toEqual(['connecting', 'connected', 'disconnected', 'connecting', 'connected'])
    transport.stop()
  })

  test('liveness - any frame from the server postpones the next ping', async () => {
    const { server, transport } = setup({ pingIntervalMs: 60, pongTimeoutMs: 1000 })
    transport.start()
    const ws = await server.accept(0)
    for (let i = 0; i < 5; i++) {
      await new Promise((resolve) => setTimeout(resolve, 30))
      await ws.push({ type: 'reconnect', reason: 'test', afterMs: 10 })
    }
    expect(ws.ofType('ping')).toHaveLength(0)
    await ws.waitSent('ping')
    transport.stop()
  })

  test('liveness - offline drops the connection at once and no attempt is made until online', async () => {
    let online = true
    const { server, transport } = setup({ online: () => online })
    transport.start()
    const ws = await server.accept(0)
    const typing = transport.request({ type: 'typing', conversationId: 'c1', on: true })
    const send = transport.request(
      { type: 'send', conversationId: 'c1', clientMsgId: 'm1', text: 'hi' },
      { durable: true },
    )
    await ws.waitSent('send')

    online = false
    transport.wentOffline()
    expect(transport.state).toBe('disconnected')
    expect(ws.closedByClient).toBe(true)
    expect(await typing.catch((e: ParleyError) => e.code)).toBe('unavailable')
    // Well past the backoff: still no new channel while offline.
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(server.channels).toHaveLength(1)

    online = true
    transport.reconnectNow()
    const again = await server.accept(1)
    // The durable send goes again, unchanged (same clientMsgId), and resolves with its ack.
    const resent = await again.ack('send', { messageId: 'x', seq: 1 })
    expect(resent).toMatchObject({ type: 'send', clientMsgId: 'm1' })
    expect(await send).toMatchObject({ seq: 1 })
    transport.stop()
  })

  test('liveness - a rate-limited durable request is announced and resent after retryAfterMs', async () => {
    const { server, transport } = setup()
    const retrying: ParleyError[] = []
    transport.on('retrying', (e) => retrying.push(e))
    transport.start()
    const ws = await server.accept(0)
    const send = transport.request(
      { type: 'send', conversationId: 'c1', clientMsgId: 'm1', text: 'hi' },
      { durable: true },
    )
    const first = await ws.waitSent('send')
    const refusedAt = Date.now()
    await ws.push({
      type: 'error',
      req: first.req as number,
      code: 'rate_limited',
      message: 'too many messages; slow down',
      retryable: true,
      retryAfterMs: 80,
    })
    await until(() => retrying.length === 1)
    expect(retrying[0]).toMatchObject({ code: 'rate_limited', retryAfterMs: 80 })
    await ws.waitSent('send', 2)
    expect(Date.now() - refusedAt).toBeGreaterThanOrEqual(70)
    await ws.ack('send', { messageId: 'x', seq: 1 })
    expect(await send).toMatchObject({ seq: 1 })
    transport.stop()
  })
})
