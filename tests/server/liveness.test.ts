/**
 * Connection rules (seed 003) and liveness: how many simultaneous connections a visitor and an
 * operator may hold (counted per principal across WebSocket, SSE and long-poll), the auth
 * timeout, and the heartbeat that drops a peer gone silent. Timings come from the config, so
 * these servers run with short ones; every wait is bounded.
 */
import { describe, expect, test } from 'bun:test'
import { useServers } from '../helpers/lifecycle.ts'
import { RawWsClient } from '../helpers/raw-ws.ts'
import { metric, type TestServer } from '../helpers/server.ts'
import { PollClient, SseClient } from '../helpers/streams.ts'

const { server, client, track } = useServers()

/** Opens `count` authenticated WebSockets for token, a few at a time. */
async function tabs(s: TestServer, token: string, count: number) {
  const opened = []
  for (let i = 0; i < count; i += 5) {
    const batch = Array.from({ length: Math.min(5, count - i) }, () => client(s, token))
    opened.push(...(await Promise.all(batch)))
  }
  return opened
}

describe('connections per principal (seed 003)', () => {
  test('liveness - a visitor holds at most 5 connections: the 6th is refused, a poll session counting as one', async () => {
    const s = await server()
    const { token } = await s.visitorToken()
    const open = await tabs(s, token, 4)
    const poll = track(await PollClient.open(s, token))
    const sixth = await client(s)
    const refused = await sixth.request({ type: 'auth', token })
    expect(refused).toMatchObject({ type: 'error', code: 'too_many_connections', retryable: true })
    expect(refused.message).toContain('5')
    expect(refused.retryAfterMs).toBeGreaterThan(0)
    const session = await s.http('/rt/sessions', { token, body: { transport: 'sse' } })
    expect(session.status).toBe(429)
    expect(session.body.error).toMatchObject({ code: 'too_many_connections', retryable: true })
    for (const c of open) expect(await c.request({ type: 'ping' })).toMatchObject({ type: 'pong' })

    // Closing the poll session frees its slot for the refused tab.
    const closed = await s.http(`/rt/sessions/${poll.sessionId}`, { method: 'DELETE', token })
    expect(closed.status).toBe(200)
    expect(await sixth.request({ type: 'auth', token })).toMatchObject({ type: 'ack' })
  })

  test('liveness - an operator holds at most 20 connections: the 21st is refused, an SSE session counting as one', async () => {
    const s = await server()
    const op = await s.operator()
    await tabs(s, op.token, 19)
    const sse = track(await SseClient.open(s, op.token))
    expect(await sse.request({ type: 'ping' })).toMatchObject({ type: 'pong' })
    const extra = await client(s)
    const refused = await extra.request({ type: 'auth', token: op.token })
    expect(refused).toMatchObject({ type: 'error', code: 'too_many_connections', retryable: true })
    expect(refused.message).toContain('20')
    // A visitor is not counted against the operator, nor the other way round.
    const visitor = await s.visitorToken()
    expect(await extra.request({ type: 'auth', token: visitor.token })).toMatchObject({
      type: 'ack',
    })
  })
})

describe('liveness', () => {
  test('liveness - a connection that never authenticates gets unauthenticated and close 4001 after AUTH_TIMEOUT_MS', async () => {
    const s = await server({ env: { AUTH_TIMEOUT_MS: '300' } })
    const { token } = await s.visitorToken()
    const authed = await client(s, token)
    const openedAt = Date.now()
    const silent = await client(s)
    const error = await silent.next((f) => f.type === 'error', 3000)
    expect(error).toEqual({
      type: 'error',
      code: 'unauthenticated',
      message: 'authenticate first',
      retryable: false,
    })
    expect((await silent.waitClosed(3000)).code).toBe(4001)
    expect(Date.now() - openedAt).toBeGreaterThanOrEqual(300)
    // The connection that did authenticate is left alone.
    expect(authed.closedWith).toBeNull()
    expect(await authed.request({ type: 'ping' })).toMatchObject({ type: 'pong' })
  })

  test('liveness - a WebSocket peer that stops answering pings is dropped after 2.5 x HEARTBEAT_SEC; one that answers stays', async () => {
    const s = await server({ env: { HEARTBEAT_SEC: '1' } })
    const { token } = await s.visitorToken()
    const answering = await client(s, token)
    const silent = track(await RawWsClient.connect(s.port))
    // The auth frame is the last thing the server hears from it.
    const lastSent = Date.now()
    expect(await silent.request({ type: 'auth', token })).toMatchObject({ type: 'ack' })
    await silent.waitClosed(6000)
    const silentFor = Date.now() - lastSent
    // Dead after 2.5 s of silence, found at the next ping round (every second).
    expect(silentFor).toBeGreaterThanOrEqual(2500)
    expect(silentFor).toBeLessThan(5000)
    expect(silent.pings).toBeGreaterThanOrEqual(2)
    // The client that answers pings (as browsers do) has been as quiet and is still here.
    expect(answering.closedWith).toBeNull()
    expect(await answering.request({ type: 'ping' })).toMatchObject({ type: 'pong' })
    expect(await metric(s, 'parley_active_connections')).toBe(1)
  })
})
