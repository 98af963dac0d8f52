/**
 * Who may touch which conversation (S1, O6), over HTTP and over the socket. To a visitor,
 * someone else's conversation must be indistinguishable from one that does not exist.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { startTestServer, type TestServer } from '../helpers/server.ts'
import { TestClient, type Frame } from '../helpers/ws.ts'

let s: TestServer
const clients: TestClient[] = []
/** Visitor B's conversation, which every other party probes. */
let convB: { id: string; messageId: string; token: string }
const missingId = crypto.randomUUID()

beforeAll(async () => {
  s = await startTestServer()
  const b = await s.visitorToken()
  const visitorB = await connect(b.token)
  const started = await visitorB.ok({ type: 'start', text: 'b-secret', clientMsgId: 'b1' })
  convB = { id: started.conversation.id, messageId: started.message.messageId, token: b.token }
})

afterAll(async () => {
  for (const c of clients) c.close()
  await s.stop()
})

async function connect(token: string) {
  const c = await TestClient.connect(s.wsUrl, { token })
  clients.push(c)
  return c
}

/** B's conversation as B sees it: used to prove a refused request changed nothing. */
async function snapshotB() {
  const conv = await s.http(`/api/conversations/${convB.id}`, { token: convB.token })
  const history = await s.http(`/api/conversations/${convB.id}/messages`, { token: convB.token })
  expect(conv.status).toBe(200)
  return {
    lastSeq: conv.body.conversation.lastSeq,
    readStates: conv.body.readStates,
    messages: history.body.messages,
  }
}

const withoutReq = ({ req: _req, ...rest }: Frame) => rest

/** Every socket frame a visitor could aim at a conversation, by conversation id. */
function socketProbes(conversationId: string): Frame[] {
  const messageId = convB.messageId
  return [
    { type: 'subscribe', conversationId, afterSeq: 0 },
    { type: 'send', conversationId, clientMsgId: 'x1', text: 'intrusion' },
    { type: 'edit', conversationId, messageId, text: 'rewritten' },
    { type: 'delete', conversationId, messageId },
    { type: 'read', conversationId, seq: 2 },
    { type: 'delivered', conversationId, seq: 2 },
    { type: 'typing', conversationId, on: true },
    { type: 'set_status', conversationId, status: 'closed' },
  ]
}

/** Every HTTP request a visitor could aim at a conversation, by conversation id. */
function httpProbes(id: string): Array<[string, { method?: string; body?: unknown }]> {
  const mid = convB.messageId
  return [
    [`/api/conversations/${id}`, {}],
    [`/api/conversations/${id}/messages`, {}],
    [`/api/conversations/${id}/messages`, { body: { clientMsgId: 'x2', text: 'intrusion' } }],
    [`/api/conversations/${id}/messages/${mid}`, { method: 'PATCH', body: { text: 'rewritten' } }],
    [`/api/conversations/${id}/messages/${mid}`, { method: 'DELETE' }],
    [`/api/conversations/${id}/read`, { body: { seq: 2 } }],
    [`/api/conversations/${id}/delivered`, { body: { seq: 2 } }],
    [`/api/conversations/${id}/typing`, { body: { on: true } }],
    [`/api/conversations/${id}/status`, { body: { status: 'closed' } }],
  ]
}

/** Asserts a stranger's token gets exactly the not_found a missing id gets, everywhere. */
async function expectIndistinguishableFromMissing(token: string) {
  const before = await snapshotB()
  const socket = await connect(token)
  const foreign = socketProbes(convB.id)
  const missing = socketProbes(missingId)
  for (let i = 0; i < foreign.length; i++) {
    const a = await socket.request(foreign[i] as Frame)
    const b = await socket.request(missing[i] as Frame)
    expect({ frame: foreign[i]?.type, reply: withoutReq(a) }).toEqual({
      frame: foreign[i]?.type,
      reply: {
        type: 'error',
        code: 'not_found',
        message: 'conversation not found',
        retryable: false,
      },
    })
    expect(withoutReq(a)).toEqual(withoutReq(b))
  }
  const foreignHttp = httpProbes(convB.id)
  const missingHttp = httpProbes(missingId)
  for (let i = 0; i < foreignHttp.length; i++) {
    const [pathA, init] = foreignHttp[i] as [string, { method?: string; body?: unknown }]
    const [pathB] = missingHttp[i] as [string, unknown]
    const a = await s.http(pathA, { ...init, token })
    const b = await s.http(pathB, { ...init, token })
    expect({ path: pathA, status: a.status, body: a.body }).toEqual({
      path: pathA,
      status: 404,
      body: { error: { code: 'not_found', message: 'conversation not found', retryable: false } },
    })
    expect({ status: b.status, body: b.body }).toEqual({ status: a.status, body: a.body })
  }
  expect(socket.events(convB.id)).toEqual([])
  expect(await snapshotB()).toEqual(before)
}

describe('conversation access (S1)', () => {
  test('security - another visitor of the same inbox gets not_found, exactly as for a missing id', async () => {
    const a = await s.visitorToken()
    const own = await connect(a.token)
    await own.ok({ type: 'start', text: 'my own question' })
    await expectIndistinguishableFromMissing(a.token)
  })

  test('security - a visitor token of another inbox is treated the same', async () => {
    const admin = await s.adminToken()
    const inbox = await s.http('/api/admin/inboxes', {
      token: admin,
      body: { name: 'Second site' },
    })
    expect(inbox.status).toBe(201)
    const other = await s.visitorToken(inbox.body.id)
    expect(other.inboxId).toBe(inbox.body.id)
    await expectIndistinguishableFromMissing(other.token)
  })

  test('security - a visitor can neither set the status of its own conversation nor list the inbox', async () => {
    const socket = await connect(convB.token)
    const reply = await socket.request({
      type: 'set_status',
      conversationId: convB.id,
      status: 'closed',
    })
    expect(reply).toMatchObject({ type: 'error', code: 'forbidden', retryable: false })
    const http = await s.http(`/api/conversations/${convB.id}/status`, {
      token: convB.token,
      body: { status: 'resolved' },
    })
    expect(http.status).toBe(403)
    expect(http.body.error.code).toBe('forbidden')
    const inbox = await s.http('/api/inbox', { token: convB.token })
    expect(inbox.status).toBe(403)
    expect(inbox.body.error.code).toBe('forbidden')
    const conv = await s.http(`/api/conversations/${convB.id}`, { token: convB.token })
    expect(conv.body.conversation.status).toBe('open')
  })
})

describe('operator permissions (O6)', () => {
  test('security - an operator without the chat permission may not list, send, read or subscribe', async () => {
    const before = await snapshotB()
    const op = await s.operator({ role: 'operator', canChat: false })
    const inbox = await s.http('/api/inbox', { token: op.token })
    expect(inbox.status).toBe(403)
    expect(inbox.body.error.code).toBe('forbidden')
    const history = await s.http(`/api/conversations/${convB.id}/messages`, { token: op.token })
    expect(history.status).toBe(403)
    const send = await s.http(`/api/conversations/${convB.id}/messages`, {
      token: op.token,
      body: { clientMsgId: 'o1', text: 'hello' },
    })
    expect(send.status).toBe(403)
    expect(send.body.error).toMatchObject({ code: 'forbidden', retryable: false })
    const socket = await connect(op.token)
    const sub = await socket.request({ type: 'subscribe', conversationId: convB.id, afterSeq: 0 })
    expect(sub).toMatchObject({ type: 'error', code: 'forbidden' })
    const sent = await socket.request({
      type: 'send',
      conversationId: convB.id,
      clientMsgId: 'o2',
      text: 'hi',
    })
    expect(sent).toMatchObject({ type: 'error', code: 'forbidden' })
    expect(socket.events(convB.id)).toEqual([])
    expect(await snapshotB()).toEqual(before)
  })

  test('security - a supervisor without the chat permission may view and subscribe but not send', async () => {
    const before = await snapshotB()
    const sup = await s.operator({ role: 'supervisor', canChat: false })
    const history = await s.http(`/api/conversations/${convB.id}/messages`, { token: sup.token })
    expect(history.status).toBe(200)
    expect(history.body.messages.map((m: Frame) => m.text)).toContain('b-secret')
    expect((await s.http('/api/inbox', { token: sup.token })).status).toBe(200)
    const socket = await connect(sup.token)
    const sub = await socket.ok({ type: 'subscribe', conversationId: convB.id, afterSeq: 0 })
    expect(sub.conversation.id).toBe(convB.id)
    expect(socket.events(convB.id).map((e) => e.seq)).toEqual(
      Array.from({ length: before.lastSeq }, (_, i) => i + 1),
    )
    const sent = await socket.request({
      type: 'send',
      conversationId: convB.id,
      clientMsgId: 's1',
      text: 'hi',
    })
    expect(sent).toMatchObject({ type: 'error', code: 'forbidden' })
    const http = await s.http(`/api/conversations/${convB.id}/messages`, {
      token: sup.token,
      body: { clientMsgId: 's2', text: 'hi' },
    })
    expect(http.status).toBe(403)
    expect(await snapshotB()).toEqual(before)
  })

  test('security - revoking the chat permission applies to already open sockets at once', async () => {
    const admin = await s.adminToken()
    const op = await s.operator({
      role: 'operator',
      canChat: true,
      inboxIds: [await s.defaultInboxId()],
    })
    const sup = await s.operator({ role: 'supervisor', canChat: true })
    const opSocket = await connect(op.token)
    const supSocket = await connect(sup.token)
    await opSocket.ok({
      type: 'send',
      conversationId: convB.id,
      clientMsgId: 'r1',
      text: 'before revoke',
    })
    await supSocket.ok({
      type: 'send',
      conversationId: convB.id,
      clientMsgId: 'r1',
      text: 'before revoke',
    })
    for (const id of [op.id, sup.id]) {
      const patch = await s.http(`/api/admin/operators/${id}`, {
        method: 'PATCH',
        token: admin,
        body: { canChat: false },
      })
      expect(patch.status).toBe(200)
    }
    const before = await snapshotB()
    // An operator without the permission may not even view: its socket is cut.
    const opReply = await Promise.race([
      opSocket.request({
        type: 'send',
        conversationId: convB.id,
        clientMsgId: 'r2',
        text: 'after',
      }),
      opSocket.waitClosed().then(() => null),
    ])
    expect(opReply).toBeNull()
    expect(opSocket.frames.some((f) => f.type === 'error' && f.code === 'forbidden')).toBe(true)
    // A supervisor keeps viewing but may no longer send.
    const supReply = await supSocket.request({
      type: 'send',
      conversationId: convB.id,
      clientMsgId: 'r2',
      text: 'after',
    })
    expect(supReply).toMatchObject({ type: 'error', code: 'forbidden' })
    await supSocket.ok({ type: 'subscribe', conversationId: convB.id, afterSeq: before.lastSeq })
    expect(await snapshotB()).toEqual(before)
  })
})
