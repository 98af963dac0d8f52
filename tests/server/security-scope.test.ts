/**
 * Operators' access is scoped to their inboxes (O6, issue 16): to an operator of another inbox
 * a conversation is exactly as absent as one that does not exist, on the WebSocket, over SSE,
 * long-poll and HTTP; the list shows only their inboxes; supervisors and admins see every
 * inbox unless ELEVATED_SCOPE=members; a membership taken away applies to open sockets at once.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { startTestServer, type TestServer } from '../helpers/server.ts'
import { PollClient, SseClient } from '../helpers/streams.ts'
import { TestClient, type Frame } from '../helpers/ws.ts'

let s: TestServer
const closers: Array<{ close(): void }> = []
/** A conversation of the default inbox, with one visitor message. */
let conv: { id: string; messageId: string; token: string }
let defaultInbox: string
let secondInbox: string
const missingId = crypto.randomUUID()
const NOT_FOUND = {
  type: 'error',
  code: 'not_found',
  message: 'conversation not found',
  retryable: false,
}

beforeAll(async () => {
  s = await startTestServer()
  defaultInbox = await s.defaultInboxId()
  const created = await s.http('/api/admin/inboxes', {
    token: await s.adminToken(),
    body: { name: 'Second site' },
  })
  expect(created.status).toBe(201)
  secondInbox = created.body.id
  const visitor = await s.visitorToken()
  const socket = await connect(visitor.token)
  const started = await socket.ok({ type: 'start', text: 'scoped secret', clientMsgId: 'v1' })
  conv = { id: started.conversation.id, messageId: started.message.messageId, token: visitor.token }
})

afterAll(async () => {
  for (const c of closers) c.close()
  await s.stop()
})

async function connect(token: string) {
  const c = await TestClient.connect(s.wsUrl, { token })
  closers.push(c)
  return c
}

const withoutReq = ({ req: _req, ...rest }: Frame) => rest

/** Every frame an operator could aim at a conversation. */
function frames(conversationId: string, operatorId: string): Frame[] {
  const messageId = conv.messageId
  return [
    { type: 'subscribe', conversationId, afterSeq: 0 },
    { type: 'send', conversationId, clientMsgId: 'x1', text: 'intrusion' },
    { type: 'edit', conversationId, messageId, text: 'rewritten' },
    { type: 'delete', conversationId, messageId },
    { type: 'read', conversationId, seq: 2 },
    { type: 'delivered', conversationId, seq: 2 },
    { type: 'typing', conversationId, on: true },
    { type: 'set_status', conversationId, status: 'closed' },
    { type: 'assign', conversationId, operatorId },
    { type: 'transfer', conversationId, to: { operatorId } },
  ]
}

/** Every HTTP request an operator could aim at a conversation. */
function requests(
  id: string,
  operatorId: string,
): Array<[string, { method?: string; body?: unknown }]> {
  const mid = conv.messageId
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
    [`/api/conversations/${id}/assign`, { body: { operatorId } }],
    [`/api/conversations/${id}/transfer`, { body: { to: { operatorId } } }],
    [`/api/conversations/${id}/visitor`, {}],
    [`/api/conversations/${id}/queue`, {}],
    [`/api/conversations/${id}/operators?ids=${operatorId}`, {}],
    [`/api/conversations/${id}/attachments/links`, { body: { ids: ['a1'] } }],
  ]
}

/** The conversation as its visitor sees it: a refused probe must change none of it. */
async function snapshot() {
  const c = await s.http(`/api/conversations/${conv.id}`, { token: conv.token })
  const history = await s.http(`/api/conversations/${conv.id}/messages`, { token: conv.token })
  expect(c.status).toBe(200)
  return {
    conversation: c.body.conversation,
    readStates: c.body.readStates,
    messages: history.body.messages,
  }
}

/** A client on one transport that sends a frame and returns the reply. */
type Requester = { request(frame: Frame): Promise<Frame>; events(id: string): Frame[] }

async function expectAbsent(rt: Requester, operatorId: string) {
  const foreign = frames(conv.id, operatorId)
  const missing = frames(missingId, operatorId)
  for (let i = 0; i < foreign.length; i++) {
    const a = withoutReq(await rt.request(foreign[i] as Frame))
    const b = withoutReq(await rt.request(missing[i] as Frame))
    expect({ frame: foreign[i]?.type, reply: a }).toEqual({
      frame: foreign[i]?.type,
      reply: NOT_FOUND,
    })
    expect(a).toEqual(b)
  }
  expect(rt.events(conv.id)).toEqual([])
}

async function expectAbsentOverHttp(token: string, operatorId: string) {
  const foreign = requests(conv.id, operatorId)
  const missing = requests(missingId, operatorId)
  for (let i = 0; i < foreign.length; i++) {
    const [pathA, init] = foreign[i] as [string, { method?: string; body?: unknown }]
    const [pathB] = missing[i] as [string, unknown]
    const a = await s.http(pathA, { ...init, token })
    const b = await s.http(pathB, { ...init, token })
    expect({ path: pathA, status: a.status, code: a.body?.error?.code }).toEqual({
      path: pathA,
      status: 404,
      code: 'not_found',
    })
    expect({ status: b.status, body: b.body }).toEqual({ status: a.status, body: a.body })
  }
}

async function listedIds(token: string): Promise<string[]> {
  const res = await s.http('/api/inbox?limit=100', { token })
  expect(res.status).toBe(200)
  return res.body.items.map((c: { id: string }) => c.id)
}

describe('operators see only their inboxes (O6)', () => {
  test('scope - an operator of another inbox gets not_found on every frame and route, like a missing id, and changes nothing', async () => {
    const before = await snapshot()
    const other = await s.operator({ inboxIds: [secondInbox] })
    await expectAbsent(await connect(other.token), other.id)
    const sse = await SseClient.open(s, other.token)
    closers.push(sse)
    await expectAbsent(sse, other.id)
    const poll = await PollClient.open(s, other.token)
    closers.push(poll)
    await expectAbsent(poll, other.id)
    await expectAbsentOverHttp(other.token, other.id)
    expect(await snapshot()).toEqual(before)
  })

  test('scope - the list shows an operator only their inboxes; supervisors and admins see all', async () => {
    const member = await s.operator({ inboxIds: [defaultInbox] })
    const other = await s.operator({ inboxIds: [secondInbox] })
    const both = await s.operator({ inboxIds: [defaultInbox, secondInbox] })
    const supervisor = await s.operator({ role: 'supervisor', inboxIds: [] })
    expect(await listedIds(member.token)).toContain(conv.id)
    expect(await listedIds(both.token)).toContain(conv.id)
    expect(await listedIds(other.token)).not.toContain(conv.id)
    expect(await listedIds(supervisor.token)).toContain(conv.id)
    expect(await listedIds(await s.adminToken())).toContain(conv.id)
    // The member may act on it; the other may not even see it.
    const reply = await s.http(`/api/conversations/${conv.id}`, { token: member.token })
    expect(reply.status).toBe(200)
  })

  test('scope - leaving the inbox ends an open subscription at once; joining again restores access', async () => {
    const admin = await s.adminToken()
    const op = await s.operator({ inboxIds: [defaultInbox] })
    const socket = await connect(op.token)
    await socket.ok({ type: 'subscribe', conversationId: conv.id, afterSeq: 0 })
    const setMembers = async (ids: string[]) => {
      const res = await s.http(`/api/admin/inboxes/${defaultInbox}/members`, {
        method: 'PUT',
        token: admin,
        body: { operatorIds: ids },
      })
      expect(res.status).toBe(200)
    }
    const members = (await s.http(`/api/admin/inboxes/${defaultInbox}/members`, { token: admin }))
      .body.operatorIds as string[]
    await setMembers(members.filter((id) => id !== op.id))
    const ended = await socket.next(
      (f) => f.type === 'error' && f.conversationId === conv.id && f.req === undefined,
    )
    expect(ended.code).toBe('not_found')
    expect(withoutReq(await socket.request(frames(conv.id, op.id)[1] as Frame))).toEqual(NOT_FOUND)
    await setMembers(members)
    await socket.ok({ type: 'subscribe', conversationId: conv.id, afterSeq: 0 })
  })
})

describe('the live feed follows the scope (O6)', () => {
  test('scope - a supervisor outside every inbox hears every inbox, a new one too; an operator of another inbox hears nothing', async () => {
    const supervisor = await s.operator({ role: 'supervisor', inboxIds: [] })
    const other = await s.operator({ inboxIds: [secondInbox] })
    const supTab = await connect(supervisor.token)
    const otherTab = await connect(other.token)
    await supTab.ok({ type: 'feed_subscribe' })
    await otherTab.ok({ type: 'feed_subscribe' })
    const heard = (tab: TestClient, id: string) =>
      tab.next(
        (f) => f.type === 'feed' && f.name === 'conversation' && f.data.conversation.id === id,
      )
    const visitor = await s.visitorToken()
    const started = await (await connect(visitor.token)).ok({ type: 'start', text: 'feed me' })
    const first = await heard(supTab, started.conversation.id)
    // A supervisor is no member: the change carries no badge entry of theirs.
    expect(first.data.unread).toBeNull()

    const created = await s.http('/api/admin/inboxes', {
      token: await s.adminToken(),
      body: { name: 'Third site' },
    })
    expect(created.status).toBe(201)
    const third = await s.visitorToken(created.body.id)
    const late = await (await connect(third.token)).ok({ type: 'start', text: 'new inbox' })
    await heard(supTab, late.conversation.id)

    // The operator of the second inbox heard neither; a conversation of its own it hears.
    const own = await s.visitorToken(secondInbox)
    const mine = await (await connect(own.token)).ok({ type: 'start', text: 'mine' })
    await heard(otherTab, mine.conversation.id)
    const foreign = otherTab.frames.filter(
      (f) =>
        f.type === 'feed' &&
        f.name === 'conversation' &&
        [started.conversation.id, late.conversation.id].includes(f.data.conversation.id),
    )
    expect(foreign).toEqual([])
  })
})

describe('ELEVATED_SCOPE=members', () => {
  let scoped: TestServer
  beforeAll(async () => {
    scoped = await startTestServer({ env: { ELEVATED_SCOPE: 'members' } })
  })
  afterAll(() => scoped.stop())

  test('scope - supervisors and admins outside an inbox see nothing of it; inside, all of it', async () => {
    const visitor = await scoped.visitorToken()
    const started = await scoped.http('/api/visitor/conversations', {
      token: visitor.token,
      body: { clientMsgId: 'c1', text: 'hello' },
    })
    expect(started.status).toBe(201)
    const id = started.body.conversation.id
    const outside = await scoped.operator({ role: 'supervisor', inboxIds: [] })
    const inside = await scoped.operator({
      role: 'supervisor',
      inboxIds: [await scoped.defaultInboxId()],
    })
    const res = await scoped.http(`/api/conversations/${id}`, { token: outside.token })
    expect({ status: res.status, code: res.body.error?.code }).toEqual({
      status: 404,
      code: 'not_found',
    })
    const list = await scoped.http('/api/inbox', { token: outside.token })
    expect(list.body.items.map((c: { id: string }) => c.id)).not.toContain(id)
    const ok = await scoped.http(`/api/conversations/${id}`, { token: inside.token })
    expect(ok.status).toBe(200)
  })
})
