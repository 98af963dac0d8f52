/**
 * Fallback transports (T1): SSE + POST and long-poll carry the same frames as the WebSocket,
 * with the same resume rule; a session answers only to the token that created it.
 */
import { describe, expect, test } from 'bun:test'
import { useServers } from '../helpers/lifecycle.ts'
import type { TestServer } from '../helpers/server.ts'
import { PollClient, SseClient } from '../helpers/streams.ts'
import { TestClient, type Frame } from '../helpers/ws.ts'

const { server, track } = useServers()

/** A server with a conversation whose seqs 1..4 exist: created, visitor message, two replies. */
async function scene() {
  const s = await server()
  const visitorToken = (await s.visitorToken()).token
  const op = await s.operator()
  const visitor = await TestClient.connect(s.wsUrl, { token: visitorToken })
  const operator = await TestClient.connect(s.wsUrl, { token: op.token })
  track(visitor)
  track(operator)
  const id = (await visitor.ok({ type: 'start', text: 'hello', clientMsgId: 'v0' })).conversation
    .id as string
  await operator.ok({ type: 'send', conversationId: id, clientMsgId: 'o1', text: 'missed one' })
  await operator.ok({ type: 'send', conversationId: id, clientMsgId: 'o2', text: 'missed two' })
  // A WebSocket watcher: the reference for what every transport must carry.
  const watcher = await TestClient.connect(s.wsUrl, { token: op.token })
  track(watcher)
  await watcher.ok({ type: 'subscribe', conversationId: id, afterSeq: 0 })
  return { s, id, visitor, operator, watcher, visitorToken, opToken: op.token }
}

type Transport = typeof SseClient | typeof PollClient

for (const [name, Client] of [
  ['SSE', SseClient],
  ['long-poll', PollClient],
] as Array<[string, Transport]>) {
  describe(`${name} sessions`, () => {
    test(`transports - ${name}: subscribe with afterSeq replays missed events, then streams live ones; acks arrive in-band`, async () => {
      const { s, id, visitor, watcher, visitorToken } = await scene()
      const rt = await Client.open(s, visitorToken)
      track(rt)
      const ack = await rt.request({ type: 'subscribe', conversationId: id, afterSeq: 2 })
      expect(ack).toMatchObject({
        type: 'ack',
        data: { conversation: { id, lastSeq: 4 }, lastSeq: 4 },
      })
      expect(rt.events(id).map((e) => e.seq)).toEqual([3, 4])
      expect(rt.events(id)).toEqual(watcher.events(id).filter((e) => e.seq > 2))

      // Live: a message sent by another client over the WebSocket.
      await visitor.ok({
        type: 'send',
        conversationId: id,
        clientMsgId: 'v1',
        text: 'live over ws',
      })
      const live = await rt.next((f) => f.type === 'event' && f.seq === 5)
      expect(live).toEqual(await watcher.next((f) => f.type === 'event' && f.seq === 5))
      expect(live.data.message.text).toBe('live over ws')

      // Requests through the session: acks, errors and pongs come back on it, same shapes.
      const sent = await rt.request({
        type: 'send',
        conversationId: id,
        clientMsgId: 'rt1',
        text: `via ${name}`,
      })
      expect(sent).toEqual({
        type: 'ack',
        req: sent.req,
        data: {
          messageId: expect.any(String),
          seq: 6,
          createdAt: expect.any(Number),
          duplicate: false,
        },
      })
      const echoed = await watcher.next((f) => f.type === 'event' && f.seq === 6)
      expect(await rt.next((f) => f.type === 'event' && f.seq === 6)).toEqual(echoed)
      const bad = await rt.request({
        type: 'send',
        conversationId: id,
        clientMsgId: 'rt2',
        text: '   ',
      })
      expect(bad).toMatchObject({ type: 'error', code: 'validation_failed', retryable: false })
      expect(await rt.request({ type: 'ping' })).toEqual({ type: 'pong', req: expect.any(String) })
      expect(rt.events(id).map((e) => e.seq)).toEqual([3, 4, 5, 6])
    })

    test(`transports - ${name}: several frames in one POST are each answered by req; sends keep their order`, async () => {
      const { s, id, opToken } = await scene()
      const rt = await Client.open(s, opToken)
      track(rt)
      const res = await rt.post([
        { type: 'ping', req: 'b1' },
        { type: 'subscribe', req: 'b2', conversationId: id, afterSeq: 4 },
        { type: 'sendd', req: 'b3' },
        { type: 'send', req: 'b4', conversationId: id, clientMsgId: 'batch-1', text: 'first' },
        { type: 'send', req: 'b5', conversationId: id, clientMsgId: 'batch-2', text: 'second' },
      ])
      expect(res).toMatchObject({ status: 202, body: { accepted: 5 } })
      const reply = (req: string) => rt.next((f) => f.req === req && f.type !== 'event')
      expect(await reply('b1')).toEqual({ type: 'pong', req: 'b1' })
      // The sends posted with it may commit while the replay reads the store (an async store
      // does): the ack's lastSeq is then theirs, and every event up to it has arrived (resume rule).
      const subscribed = await reply('b2')
      expect(subscribed.type).toBe('ack')
      expect(subscribed.data.lastSeq).toBeGreaterThanOrEqual(4)
      expect(subscribed.data.lastSeq).toBeLessThanOrEqual(6)
      const seen = rt.events(id).map((f) => f.seq as number)
      for (let seq = 5; seq <= subscribed.data.lastSeq; seq++) expect(seen).toContain(seq)
      expect(await reply('b3')).toMatchObject({ type: 'error', code: 'unknown_type' })
      expect((await reply('b4')).data.seq).toBe(5)
      expect((await reply('b5')).data.seq).toBe(6)
      const tooMany = Array.from({ length: 33 }, (_, i) => ({ type: 'ping', req: `many-${i}` }))
      const refused = await rt.post(tooMany)
      expect(refused.status).toBe(422)
      expect(refused.body.error.code).toBe('validation_failed')
    })

    test(`transports - ${name}: frames posted to someone else's session are not_found and do nothing`, async () => {
      const { s, id, visitorToken, opToken } = await scene()
      const rt = await Client.open(s, visitorToken)
      track(rt)
      const intrusion = {
        type: 'send',
        req: 'x',
        conversationId: id,
        clientMsgId: 'intruder',
        text: 'not mine',
      }
      const other = (await s.visitorToken()).token
      for (const token of [other, opToken]) {
        const res = await rt.post(intrusion, token)
        expect(res.status).toBe(404)
        expect(res.body.error).toMatchObject({ code: 'not_found', retryable: false })
      }
      const anonymous = await s.http(`/rt/sessions/${rt.sessionId}/frames`, { body: intrusion })
      expect(anonymous.status).toBe(404)
      const missing = await s.http(`/rt/sessions/${crypto.randomUUID()}/frames`, {
        body: intrusion,
        token: visitorToken,
      })
      expect(missing.status).toBe(404)
      const foreignDelete = await s.http(`/rt/sessions/${rt.sessionId}`, {
        method: 'DELETE',
        token: other,
      })
      expect(foreignDelete.status).toBe(404)
      // The owner's session still works, and the intrusion was never executed.
      expect(await rt.request({ type: 'ping' })).toMatchObject({ type: 'pong' })
      const conv = await s.http(`/api/conversations/${id}`, { token: visitorToken })
      expect(conv.body.conversation.lastSeq).toBe(4)
      expect(rt.frames.some((f) => f.req === 'x')).toBe(false)
    })
  })
}

describe('session lifecycle', () => {
  test('transports - a session needs a valid token, and is gone once deleted', async () => {
    const s = await server()
    const none = await s.http('/rt/sessions', { body: { transport: 'sse' } })
    expect(none.status).toBe(401)
    const bad = await s.http('/rt/sessions', { body: { transport: 'sse' }, token: 'v1.bad.token' })
    expect(bad.status).toBe(401)
    const wrong = await s.http('/rt/sessions', {
      body: { transport: 'carrier-pigeon' },
      token: (await s.visitorToken()).token,
    })
    expect(wrong.status).toBe(422)
    const { token } = await s.visitorToken()
    const rt = await PollClient.open(s, token)
    track(rt)
    expect(await rt.request({ type: 'ping' })).toMatchObject({ type: 'pong' })
    expect((await s.http(`/rt/sessions/${rt.sessionId}`, { method: 'DELETE', token })).status).toBe(
      200,
    )
    expect((await rt.post({ type: 'ping', req: 'late' })).status).toBe(404)
    const poll = await fetch(`${s.url}/rt/sessions/${rt.sessionId}/poll`)
    expect(poll.status).toBe(404)
  })
})
