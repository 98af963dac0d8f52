import { describe, expect, test } from 'bun:test'
import { useServers } from '../helpers/lifecycle.ts'
import { FakeClock } from '../../actors/index.ts'
import { scrape } from '../helpers/server.ts'
import { TestClient } from '../helpers/ws.ts'

const { server, client, track } = useServers()

async function setup(opts: Parameters<typeof server>[0] = {}) {
  const s = await server(opts)
  return { s, connect: (token: string) => client(s, token) }
}

describe('gateway - subscribe edges', () => {
  test('every subscribe gets a reply even when a newer one replaces it mid-replay', async () => {
    const { s, connect } = await setup()
    const { token } = await s.visitorToken()
    const c = await connect(token)
    const { conversation } = await c.ok({ type: 'start', text: 'hi', clientMsgId: 's1' })
    const [first, second] = await Promise.all([
      c.request({ type: 'subscribe', conversationId: conversation.id, afterSeq: 0 }),
      c.request({ type: 'subscribe', conversationId: conversation.id, afterSeq: 1 }),
    ])
    expect(second).toMatchObject({ type: 'ack' })
    // The first either finished before the second arrived or is told it was replaced.
    expect(first.type === 'ack' || first.code === 'conflict').toBe(true)
  })

  test('an afterSeq beyond the newest event resumes from what exists and says so', async () => {
    const { s, connect } = await setup()
    const { token } = await s.visitorToken()
    const c = await connect(token)
    const { conversation } = await c.ok({ type: 'start', text: 'hi', clientMsgId: 's1' })
    const ack = await c.ok({ type: 'subscribe', conversationId: conversation.id, afterSeq: 1000 })
    expect(ack.lastSeq).toBe(2)
    const sent = await c.ok({
      type: 'send',
      conversationId: conversation.id,
      clientMsgId: 'm2',
      text: 'next',
    })
    const live = await c.next((f) => f.type === 'event' && f.seq === sent.seq)
    expect(live.data.message.text).toBe('next')
  })
})

describe('gateway - sessions', () => {
  test('the connection limit counts the user, so a renewed token cannot add connections', async () => {
    const { s, connect } = await setup({ env: { MAX_VISITOR_CONNECTIONS: '2' } })
    const first = await s.visitorToken()
    const renewed = await s.http('/api/visitor/session', {
      body: { inboxId: first.inboxId, token: first.token },
    })
    expect(renewed.body.visitorId).toBe(first.visitorId)
    await connect(first.token)
    await connect(renewed.body.token)
    const third = track(await TestClient.connect(s.wsUrl))
    const reply = await third.request({ type: 'auth', token: renewed.body.token })
    expect(reply).toMatchObject({ type: 'error', code: 'too_many_connections', retryable: true })
  })

  test('a connection whose token expires is told so and closed', async () => {
    const clock = new FakeClock(Date.now())
    const { s, connect } = await setup({ clock, env: { VISITOR_TOKEN_TTL: '60' } })
    const { token } = await s.visitorToken()
    const c = await connect(token)
    s.gateway.expireSessions(clock.now())
    expect(c.closedWith).toBeNull()
    await clock.advance(61_000)
    s.gateway.expireSessions(clock.now())
    const error = await c.next((f) => f.type === 'error' && f.code === 'token_expired')
    expect(error.retryable).toBe(false)
    expect((await c.waitClosed()).code).toBe(4001)
  })
})

describe('gateway - metrics', () => {
  test('metrics count stored messages by author and failed requests by code', async () => {
    const { s, connect } = await setup()
    const { token } = await s.visitorToken()
    const c = await connect(token)
    const { conversation } = await c.ok({ type: 'start', text: 'hi', clientMsgId: 's1' })
    await s.http(`/api/conversations/${conversation.id}/messages`, {
      token,
      body: { clientMsgId: 'h1', text: 'over http' },
    })
    await c.request({ type: 'nonsense' })
    const text = await scrape(s)
    expect(text).toContain('parley_messages_total{by="visitor"} 2')
    expect(text).toContain('parley_dispatch_errors_total{code="unknown_type"} 1')
    expect(text).toMatch(/parley_active_connections 1\n/)
    expect(text).toMatch(/parley_actors 1\n/)
  })
})

describe('gateway - text that no store can keep', () => {
  test('a NUL character in text or clientMsgId is refused at the edge with validation_failed', async () => {
    const { s, connect } = await setup()
    const { token } = await s.visitorToken()
    const c = await connect(token)
    const { conversation } = await c.ok({ type: 'start', text: 'hi', clientMsgId: 's1' })
    for (const frame of [
      { type: 'send', conversationId: conversation.id, clientMsgId: 'm1', text: 'a\u0000b' },
      { type: 'send', conversationId: conversation.id, clientMsgId: 'm\u00001', text: 'ok' },
    ]) {
      expect(await c.request(frame)).toMatchObject({ type: 'error', code: 'validation_failed' })
    }
    expect(
      (await c.ok({ type: 'subscribe', conversationId: conversation.id, afterSeq: 0 })).lastSeq,
    ).toBe(2)
  })
})
