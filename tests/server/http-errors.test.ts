/**
 * The HTTP API's write side and envelope: idempotent send, the status and error body of every
 * failure class, and the ops endpoints (health, readiness, metrics).
 */
import { describe, expect, test } from 'bun:test'
import { httpSend as send, httpStart as start } from '../helpers/http.ts'
import { useServers } from '../helpers/lifecycle.ts'
import { METRICS_TOKEN, scrape, type TestServer } from '../helpers/server.ts'
import type { Frame } from '../helpers/ws.ts'

const { server } = useServers()

describe('send and errors', () => {
  test('http - a send answers 201, and a retry with the same clientMsgId 200 with duplicate:true', async () => {
    const s = await server()
    const { id, token } = await start(s)
    const first = await s.http(`/api/conversations/${id}/messages`, {
      token,
      body: { clientMsgId: 'once', text: 'hi' },
    })
    expect(first.status).toBe(201)
    expect(first.body).toEqual({
      messageId: expect.any(String),
      seq: 2,
      createdAt: expect.any(Number),
      duplicate: false,
    })
    const again = await s.http(`/api/conversations/${id}/messages`, {
      token,
      body: { clientMsgId: 'once', text: 'hi' },
    })
    expect(again.status).toBe(200)
    expect(again.body).toEqual({ ...first.body, duplicate: true })
    const history = await s.http(`/api/conversations/${id}/messages`, { token })
    expect(history.body.messages.map((m: Frame) => m.clientMsgId)).toEqual(['once'])
  })

  test('http - every failure class has its status and the body {error:{code,message,retryable}}', async () => {
    const s = await server()
    const op = await s.operator()
    const { id, token } = await start(s)
    const mine = await send(s, token, id, 'mine')
    await s.http(`/api/conversations/${id}/read`, { token: op.token, body: { seq: mine.seq } })
    const cases: Array<[number, string, ReturnType<TestServer['http']>]> = [
      [
        400,
        'bad_request',
        s.http(`/api/conversations/${id}/messages`, { token, body: '{"clientMsgId": "x",' }),
      ],
      [401, 'unauthenticated', s.http('/api/inbox')],
      [401, 'unauthenticated', s.http('/api/inbox', { token: 'op_not-a-session' })],
      [403, 'forbidden', s.http('/api/inbox', { token })],
      [404, 'not_found', s.http(`/api/conversations/${crypto.randomUUID()}`, { token: op.token })],
      [404, 'not_found', s.http('/api/no-such-route', { token })],
      [
        409,
        'MESSAGE_ALREADY_READ',
        s.http(`/api/conversations/${id}/messages/${mine.messageId}`, {
          method: 'PATCH',
          token,
          body: { text: 'edited' },
        }),
      ],
      [
        409,
        'MESSAGE_ALREADY_READ',
        s.http(`/api/conversations/${id}/messages/${mine.messageId}`, { method: 'DELETE', token }),
      ],
      [
        422,
        'validation_failed',
        s.http(`/api/conversations/${id}/messages`, { token, body: { clientMsgId: 'no-text' } }),
      ],
      [
        422,
        'validation_failed',
        s.http(`/api/conversations/${id}/messages`, {
          token,
          body: { clientMsgId: 'x', text: 'x'.repeat(4001) },
        }),
      ],
      [
        422,
        'validation_failed',
        s.http(`/api/conversations/${id}/messages`, {
          token,
          body: { clientMsgId: 'x', text: 'hi', extra: 1 },
        }),
      ],
    ]
    for (const [status, code, pending] of cases) {
      const res = await pending
      expect({
        status: res.status,
        keys: Object.keys(res.body),
        code: res.body.error?.code,
      }).toEqual({ status, keys: ['error'], code })
      expect(res.body.error).toEqual({ code, message: expect.any(String), retryable: false })
    }
    // A visitor's burst is 10 messages (the inbox allows 30 per minute).
    let limited: Awaited<ReturnType<TestServer['http']>> | null = null
    for (let i = 0; i < 20 && !limited; i++) {
      const res = await s.http(`/api/conversations/${id}/messages`, {
        token,
        body: { clientMsgId: `r${i}`, text: 'spam' },
      })
      if (res.status !== 201) limited = res
    }
    expect(limited?.status).toBe(429)
    expect(limited?.body).toEqual({
      error: {
        code: 'rate_limited',
        message: expect.any(String),
        retryable: true,
        retryAfterMs: expect.any(Number),
      },
    })
    const message = (
      await s.http(`/api/conversations/${id}/messages`, { token })
    ).body.messages.find((m: Frame) => m.id === mine.messageId)
    expect(message).toMatchObject({ text: 'mine', editedAt: null, deletedAt: null })
  })
})

describe('operations (X5)', () => {
  test('http - /healthz and /readyz answer 200, /metrics counts active connections', async () => {
    const s = await server()
    expect(await s.http('/healthz')).toMatchObject({ status: 200, body: { status: 'ok' } })
    expect(await s.http('/readyz')).toMatchObject({ status: 200, body: { status: 'ready' } })
    const metrics = await s.http('/metrics', { token: METRICS_TOKEN })
    expect(metrics.status).toBe(200)
    expect(metrics.headers.get('content-type')).toStartWith('text/plain')
    expect(String(metrics.body)).toContain('# TYPE parley_active_connections gauge')
    expect(String(metrics.body)).toMatch(/^parley_active_connections 0$/m)
    const ws = new WebSocket(s.wsUrl, 'parley.json.v1')
    await new Promise((resolve) => (ws.onopen = resolve))
    expect(await scrape(s)).toMatch(/^parley_active_connections 1$/m)
    ws.close()
  })
})
