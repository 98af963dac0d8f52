/**
 * Input at the edges of what a string or a body can be (issue 11, item 4). One rule for every
 * string a client sends, on every transport: well-formed Unicode and no NUL, refused with
 * validation_failed and never repaired (a lone surrogate would come back differently on each
 * transport). Bodies and frames nested deeper than 64 levels are validation_failed, not a stack
 * overflow; a body over 1 MiB gets the JSON error body every other error has. Each refusal is
 * checked to have stored nothing.
 */
import { createHmac } from 'node:crypto'
import { describe, expect, test } from 'bun:test'
import { Packr } from 'msgpackr'
import { httpStart } from '../helpers/http.ts'
import { useServers } from '../helpers/lifecycle.ts'
import type { TestServer } from '../helpers/server.ts'
import { PollClient } from '../helpers/streams.ts'
import type { Frame, TestClient } from '../helpers/ws.ts'

const { server, client, track } = useServers()
const packr = new Packr({ useRecords: false, mapsAsObjects: true })

const LONE = 'x\uD800y'
/** 100,000 levels of arrays: 200 KB, far below the body limit. */
const DEEP = '['.repeat(100_000) + ']'.repeat(100_000)
/** 30,000 levels: 60 KB, inside the default 64 KiB frame limit. */
const DEEP_FRAME = '['.repeat(30_000) + ']'.repeat(30_000)
/** A field holding 63 levels of arrays: 64 with the object around it, the most allowed. */
const NESTED_64 = '['.repeat(63) + ']'.repeat(63)

/** A server, a visitor with one conversation, and how to read what is stored. */
async function chat() {
  const s = await server()
  const { id, token } = await httpStart(s, undefined, 'hello')
  const stored = async () => {
    const res = await s.http(`/api/conversations/${id}/messages?limit=100`, { token })
    return (res.body.messages as Frame[]).map((m) => m.text as string)
  }
  return { s, id, token, stored }
}

/** The error body every refusal must have, without a retry hint. */
function expectRefused(
  res: Awaited<ReturnType<TestServer['http']>>,
  status: number,
  code: string,
): void {
  expect({ status: res.status, body: res.body }).toEqual({
    status,
    body: { error: { code, message: expect.any(String), retryable: false } },
  })
}

/** MessagePack bytes of frame, with the string "QQQ" in it replaced by the bytes given. */
function packWith(frame: Frame, bytes: number[]): Uint8Array {
  const packed = packr.pack(frame)
  const at = Buffer.from(packed).indexOf('QQQ')
  if (at < 0 || bytes.length !== 3) throw new Error('no QQQ placeholder to replace')
  packed.set(bytes, at)
  return packed
}

describe('lone surrogates and NUL', () => {
  test('input edges - a lone surrogate in a WebSocket JSON send is validation_failed and nothing is stored', async () => {
    const { s, id, token, stored } = await chat()
    const before = await stored()
    const c = await client(s, token)
    const reply = await c.request({
      type: 'send',
      conversationId: id,
      clientMsgId: 'lone',
      text: LONE,
    })
    expect(reply).toMatchObject({ type: 'error', code: 'validation_failed', retryable: false })
    expect(reply.message).toContain('text')
    expect(await stored()).toEqual(before)
  })

  test('input edges - a surrogate encoded in a MessagePack string is validation_failed, not turned into U+FFFD', async () => {
    const { s, id, token, stored } = await chat()
    const before = await stored()
    const c = await client(s, token, { format: 'msgpack' })
    const seen = c.frames.length
    // ED A0 80 is U+D800 written as if it were a character: not UTF-8.
    c.sendRaw(
      packWith(
        { type: 'send', req: 'mp', conversationId: id, clientMsgId: 'lone', text: 'xQQQy' },
        [0xed, 0xa0, 0x80],
      ),
    )
    const reply = await c.next((f) => c.frames.indexOf(f) >= seen && f.req === 'mp')
    expect(reply).toMatchObject({ type: 'error', code: 'validation_failed', retryable: false })
    expect(await stored()).toEqual(before)
    expect(await c.request({ type: 'ping' })).toMatchObject({ type: 'pong' })
  })

  test('input edges - a lone surrogate or a NUL in an HTTP message is 422 and nothing is stored', async () => {
    const { s, id, token, stored } = await chat()
    const before = await stored()
    for (const body of [
      { clientMsgId: 'lone', text: LONE },
      { clientMsgId: 'lone-\uDC00', text: 'fine' },
      { clientMsgId: 'nul', text: 'a\u0000b' },
    ]) {
      const res = await s.http(`/api/conversations/${id}/messages`, { token, body })
      expectRefused(res, 422, 'validation_failed')
    }
    const start = await s.http('/api/visitor/conversations', { token, body: { text: LONE } })
    expectRefused(start, 422, 'validation_failed')
    expect(await stored()).toEqual(before)
    const mine = await s.http('/api/visitor/conversations', { token })
    expect(mine.body.conversations.length).toBe(1)
  })

  test('input edges - a lone surrogate or a NUL in an admin name is 422 and nothing changes', async () => {
    const s = await server()
    const admin = await s.adminToken()
    const inboxes = async () => (await s.http('/api/admin/inboxes', { token: admin })).body.inboxes
    const operators = async () =>
      (await s.http('/api/admin/operators', { token: admin })).body.operators
    const [inboxesBefore, operatorsBefore] = [await inboxes(), await operators()]
    const op = await s.operator()
    const after = await operators()
    for (const name of [LONE, 'Ada\u0000']) {
      expectRefused(
        await s.http('/api/admin/inboxes', { token: admin, body: { name } }),
        422,
        'validation_failed',
      )
      expectRefused(
        await s.http(`/api/admin/operators/${op.id}`, {
          method: 'PATCH',
          token: admin,
          body: { name },
        }),
        422,
        'validation_failed',
      )
      expectRefused(
        await s.http('/api/admin/operators', {
          token: admin,
          body: { email: 'new@example.com', name, password: 'long-enough-password' },
        }),
        422,
        'validation_failed',
      )
    }
    expect(await inboxes()).toEqual(inboxesBefore)
    expect(await operators()).toEqual(after)
    expect(after.length).toBe(operatorsBefore.length + 1)
  })

  test('input edges - a verified user id with a lone surrogate is 422: it would hash like U+FFFD', async () => {
    const s = await server()
    const admin = await s.adminToken()
    const inbox = (await s.http('/api/admin/inboxes', { token: admin })).body.inboxes[0]
    const secret = await s.identitySecret(inbox.id)
    const hash = (userId: string) => createHmac('sha256', secret).update(userId).digest('hex')
    // Node hashes the UTF-8 of a string, where a lone surrogate becomes U+FFFD: the same bytes.
    expect(hash('user-\uD800')).toBe(hash('user-\uFFFD'))
    const res = await s.http('/api/visitor/session', {
      body: { inboxId: inbox.id, userId: 'user-\uD800', userHash: hash('user-\uD800') },
    })
    expectRefused(res, 422, 'validation_failed')
    expect(await s.store.visitors.findByExternalId(inbox.id, 'user-\uD800')).toBeNull()
    expect(await s.store.visitors.findByExternalId(inbox.id, 'user-\uFFFD')).toBeNull()
  })

  test('input edges - a lone surrogate posted to a long-poll session gets validation_failed on the poll', async () => {
    const { s, id, token, stored } = await chat()
    const before = await stored()
    const poll = track(await PollClient.open(s, token))
    const reply = await poll.request({
      type: 'send',
      conversationId: id,
      clientMsgId: 'lone',
      text: LONE,
    })
    expect(reply).toMatchObject({ type: 'error', code: 'validation_failed', retryable: false })
    expect(await stored()).toEqual(before)
  })
})

describe('deep nesting', () => {
  test('input edges - a body nested 100,000 levels deep is 422 validation_failed on every route', async () => {
    const { s, id, token, stored } = await chat()
    const before = await stored()
    const session = await s.http('/rt/sessions', { token, body: { transport: 'poll' } })
    expect(session.status).toBe(201)
    const admin = await s.adminToken()
    const routes: Array<[string, string | undefined, string]> = [
      [`/api/conversations/${id}/messages`, token, `{"clientMsgId":"deep","text":${DEEP}}`],
      [`/api/conversations/${id}/messages`, token, DEEP],
      ['/api/visitor/session', undefined, DEEP],
      ['/api/auth/login', undefined, `{"email":${DEEP}}`],
      ['/api/admin/inboxes', admin, `{"name":"x","settings":${DEEP}}`],
      [`/rt/sessions/${session.body.sessionId}/frames`, token, DEEP],
      [`/rt/sessions/${session.body.sessionId}/frames`, token, `{"type":"send","text":${DEEP}}`],
    ]
    for (const [path, as, body] of routes) {
      const res = await s.http(path, { token: as, body })
      expectRefused(res, 422, 'validation_failed')
      expect(res.body.error.message).toContain('nesting deeper than 64')
    }
    // 64 levels are still read: the error is then about the field, not the nesting.
    const res = await s.http(`/api/conversations/${id}/messages`, {
      token,
      body: `{"clientMsgId":"d","text":${NESTED_64}}`,
    })
    expectRefused(res, 422, 'validation_failed')
    expect(res.body.error.message).toStartWith('body.text:')
    expect(await stored()).toEqual(before)
  })

  test('input edges - a frame nested deeper than 64 is validation_failed over JSON and MessagePack', async () => {
    const { s, id, token, stored } = await chat()
    const before = await stored()
    const json = await client(s, token)
    const packed = await client(s, token, { format: 'msgpack' })
    // 30,000 nested one-element arrays, closed by nil: 30 KB.
    const deepPack = new Uint8Array(30_001).fill(0x91)
    deepPack[30_000] = 0xc0
    const sends: Array<[TestClient, string | Uint8Array]> = [
      [json, DEEP_FRAME],
      [
        json,
        `{"type":"send","req":"d","conversationId":"${id}","clientMsgId":"d","text":${DEEP_FRAME}}`,
      ],
      [packed, deepPack],
    ]
    for (const [c, data] of sends) {
      const seen = c.frames.length
      c.sendRaw(data)
      const error = await c.next((f) => c.frames.indexOf(f) >= seen && f.type === 'error')
      expect(error).toMatchObject({
        type: 'error',
        code: 'validation_failed',
        message: 'nesting deeper than 64',
        retryable: false,
      })
    }
    // 64 levels are still read: the error is then about the field, not the nesting.
    const fieldError = await json.request({
      type: 'send',
      conversationId: id,
      clientMsgId: 'd',
      text: JSON.parse(NESTED_64),
    })
    expect(fieldError).toMatchObject({ type: 'error', code: 'validation_failed' })
    expect(fieldError.message).toStartWith('text:')
    expect(await stored()).toEqual(before)
    expect(await json.request({ type: 'ping' })).toMatchObject({ type: 'pong' })
    expect(await packed.request({ type: 'ping' })).toMatchObject({ type: 'pong' })
  })
})

describe('body size', () => {
  const bigBody = (bytes: number) => `{"clientMsgId":"big","text":"${'x'.repeat(bytes)}"}`

  test('input edges - a body over 1 MiB gets 413 payload_too_large with the JSON error body', async () => {
    const { s, id, token, stored } = await chat()
    const before = await stored()
    const res = await s.http(`/api/conversations/${id}/messages`, {
      token,
      body: bigBody(1024 * 1024 + 1),
    })
    expectRefused(res, 413, 'payload_too_large')
    expect(res.headers.get('content-type')).toStartWith('application/json')
    expect(await stored()).toEqual(before)
    // Just under the limit the body is read and judged by its fields.
    const under = await s.http(`/api/conversations/${id}/messages`, {
      token,
      body: bigBody(1024 * 1024 - 100),
    })
    expectRefused(under, 422, 'validation_failed')
    expect(under.body.error.message).toContain('text')
  })

  test('input edges - a chunked body without content-length is cut at 1 MiB with the same error', async () => {
    const { s, id, token, stored } = await chat()
    const before = await stored()
    const chunk = new TextEncoder().encode('x'.repeat(64 * 1024))
    let sent = 0
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        // 2 MiB in all, never announced: the server must count while it reads.
        if (sent === 0) controller.enqueue(new TextEncoder().encode('{"clientMsgId":"c","text":"'))
        if (sent >= 2 * 1024 * 1024) return controller.close()
        sent += chunk.length
        controller.enqueue(chunk)
      },
    })
    const res = await fetch(`${s.url}/api/conversations/${id}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body,
      duplex: 'half',
    } as RequestInit)
    expect({ status: res.status, body: await res.json() }).toEqual({
      status: 413,
      body: { error: { code: 'payload_too_large', message: expect.any(String), retryable: false } },
    })
    expect(await stored()).toEqual(before)
  })
})
