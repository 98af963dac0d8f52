/**
 * Supervisor mode (O5, issue 16): a supervisor or admin watches a conversation invisibly (the
 * `subscribe` frame's and `GET /api/conversations/:id`'s `watch: 'invisible'`): history and
 * live events arrive, but the connection's read and delivered marks and typing are refused, so
 * the visitor sees nothing of it and may still edit; every invisible view is audited. Only
 * supervisors and admins may, within their scope (ELEVATED_SCOPE=members). `GET /api/overview`
 * gives them operators' status and load and each branch's queue.
 */
import { describe, expect, test } from 'bun:test'
import { createLogger } from '../../actors/index.ts'
import { useServers } from '../helpers/lifecycle.ts'
import { Observer, openTab, signIn } from '../helpers/routing.ts'
import { ADMIN, type TestServer } from '../helpers/server.ts'
import type { Frame, TestClient } from '../helpers/ws.ts'

const u = useServers()

/** A server whose log lines are kept, parsed. */
async function loggedServer(env: Record<string, string> = {}) {
  const lines: Frame[] = []
  const log = createLogger({ level: 'info', write: (line) => lines.push(JSON.parse(line)) })
  const s = await u.server({ env, log })
  const audits = () => lines.filter((l) => l.msg === 'audit: conversation viewed invisibly')
  return { s, audits }
}

/** A visitor on a socket with a started, subscribed conversation. */
async function visitorChat(s: TestServer, text: string, inboxId?: string) {
  const { token } = await s.visitorToken(inboxId)
  const ws = await u.client(s, token)
  const started = await ws.ok({ type: 'start', clientMsgId: `start-${text}`, text })
  const id = started.conversation.id as string
  await ws.ok({ type: 'subscribe', conversationId: id, afterSeq: 0 })
  return { ws, token, id, messageId: started.message.messageId as string }
}

const invisibly = (conversationId: string) =>
  ({ type: 'subscribe', conversationId, afterSeq: 0, watch: 'invisible' }) as const

/** What the visitor's socket got about an operator: typing notices and read receipts. */
function operatorSignals(ws: TestClient, id: string): Frame[] {
  return ws.frames.filter(
    (f) =>
      f.type === 'event' &&
      f.conversationId === id &&
      ((f.name === 'typing' && f.data.party.kind === 'operator') ||
        (f.name === 'read.updated' && f.data.reader.kind === 'operator')),
  )
}

describe('invisible watching (O5)', () => {
  test('supervisor - an invisible watch gets history and live events; its receipts and typing are refused; the visitor sees nothing and may still edit', async () => {
    const { s, audits } = await loggedServer()
    const v = await visitorChat(s, 'first question')
    const sup = await s.operator({ role: 'supervisor' })
    const tab = await u.client(s, sup.token)

    const ack = await tab.ok(invisibly(v.id))
    expect(ack.conversation.id).toBe(v.id)
    expect(tab.events(v.id).map((e) => e.name)).toContain('message.created')
    const second = await v.ws.ok({
      type: 'send',
      conversationId: v.id,
      clientMsgId: 's2',
      text: 'second',
    })
    const live = await tab.next(
      (f) => f.type === 'event' && f.name === 'message.created' && f.data.message.text === 'second',
    )
    expect(live.seq).toBe(second.seq)

    for (const frame of [
      { type: 'read', conversationId: v.id, seq: second.seq },
      { type: 'delivered', conversationId: v.id, seq: second.seq },
      { type: 'typing', conversationId: v.id, on: true },
    ]) {
      const reply = await tab.request(frame)
      expect({ frame: frame.type, code: reply.code, type: reply.type }).toEqual({
        frame: frame.type,
        code: 'forbidden',
        type: 'error',
      })
    }
    // Nothing was stored for the supervisor, and the visitor may still change both messages.
    const log = await s.store.conversations.eventsAfter(v.id, 0, 100)
    expect(log.filter((e) => e.name === 'read.updated')).toEqual([])
    const edited = await v.ws.request({
      type: 'edit',
      conversationId: v.id,
      messageId: v.messageId,
      text: 'first question, edited',
    })
    expect(edited.type).toBe('ack')
    const view = await s.http(`/api/conversations/${v.id}`, { token: v.token })
    expect(view.body.readStates.filter((r: Frame) => r.reader.kind === 'operator')).toEqual([])
    expect(view.body.typing).toEqual([])
    expect(operatorSignals(v.ws, v.id)).toEqual([])

    // Every invisible view is on the audit trail, with who, what and from where.
    expect(audits()).toEqual([
      expect.objectContaining({
        level: 'info',
        operatorId: sup.id,
        conversationId: v.id,
        address: '127.0.0.1',
      }),
    ])
    const overHttp = await s.http(`/api/conversations/${v.id}?watch=invisible`, {
      token: sup.token,
    })
    expect(overHttp.status).toBe(200)
    expect(overHttp.body.conversation.id).toBe(v.id)
    expect(audits()).toHaveLength(2)

    // Joining visibly (a subscribe without watch) lifts the refusal: now the visitor sees it.
    await tab.ok({ type: 'subscribe', conversationId: v.id, afterSeq: second.seq })
    const read = await tab.request({ type: 'read', conversationId: v.id, seq: second.seq })
    expect(read.type).toBe('ack')
    await v.ws.next(
      (f) => f.type === 'event' && f.name === 'read.updated' && f.data.reader.id === sup.id,
    )
    const tooLate = await v.ws.request({
      type: 'edit',
      conversationId: v.id,
      messageId: second.messageId,
      text: 'second, edited',
    })
    expect(tooLate).toMatchObject({ type: 'error', code: 'MESSAGE_ALREADY_READ' })
    expect(audits()).toHaveLength(2)
  })

  test('supervisor - an operator asking to watch invisibly is forbidden; a bad watch mode is refused; an admin without chat permission may watch read-only', async () => {
    const { s, audits } = await loggedServer()
    const v = await visitorChat(s, 'hello')
    const agent = await s.operator({ inboxIds: [await s.defaultInboxId()] })
    const tab = await u.client(s, agent.token)
    expect(await tab.request(invisibly(v.id))).toMatchObject({
      type: 'error',
      code: 'forbidden',
    })
    const overHttp = await s.http(`/api/conversations/${v.id}?watch=invisible`, {
      token: agent.token,
    })
    expect({ status: overHttp.status, code: overHttp.body.error.code }).toEqual({
      status: 403,
      code: 'forbidden',
    })
    // A visitor cannot ask either, not even for its own conversation.
    const visitorAsks = await v.ws.request(invisibly(v.id))
    expect(visitorAsks).toMatchObject({ type: 'error', code: 'forbidden' })
    const sup = await s.operator({ role: 'supervisor' })
    const supTab = await u.client(s, sup.token)
    expect(
      await supTab.request({
        type: 'subscribe',
        conversationId: v.id,
        afterSeq: 0,
        watch: 'visible',
      }),
    ).toMatchObject({ type: 'error', code: 'validation_failed' })
    const badHttp = await s.http(`/api/conversations/${v.id}?watch=visible`, { token: sup.token })
    expect(badHttp.status).toBe(422)
    expect(audits()).toEqual([])

    const viewer = await s.operator({ role: 'admin', canChat: false })
    const viewerTab = await u.client(s, viewer.token)
    await viewerTab.ok(invisibly(v.id))
    expect(viewerTab.events(v.id).length).toBeGreaterThan(0)
    expect(await viewerTab.request({ type: 'read', conversationId: v.id, seq: 1 })).toMatchObject({
      type: 'error',
      code: 'forbidden',
    })
    expect(audits().map((a) => a.operatorId)).toEqual([viewer.id])
  })

  test('supervisor - demoted to operator while watching invisibly: that watch ends, the connection stays', async () => {
    const { s } = await loggedServer()
    const v = await visitorChat(s, 'watched')
    const sup = await s.operator({ role: 'supervisor', inboxIds: [await s.defaultInboxId()] })
    const tab = await u.client(s, sup.token)
    await tab.ok(invisibly(v.id))
    const demoted = await s.http(`/api/admin/operators/${sup.id}`, {
      method: 'PATCH',
      token: await s.adminToken(),
      body: { role: 'operator' },
    })
    expect(demoted.status).toBe(200)
    const ended = await tab.next((f) => f.type === 'error' && f.conversationId === v.id)
    expect(ended).toMatchObject({ code: 'forbidden' })
    // As a member they may still view and take part, visibly.
    await tab.ok({ type: 'subscribe', conversationId: v.id, afterSeq: 0 })
    expect((await tab.request({ type: 'read', conversationId: v.id, seq: 1 })).type).toBe('ack')
  })

  test('supervisor - with ELEVATED_SCOPE=members a supervisor watches and overviews only their inboxes', async () => {
    const { s, audits } = await loggedServer({ ELEVATED_SCOPE: 'members' })
    const mainInbox = await s.defaultInboxId()
    const created = await s.http('/api/admin/inboxes', {
      token: await s.adminToken(),
      body: { name: 'Other site' },
    })
    expect(created.status).toBe(201)
    const otherInbox = created.body.id as string
    const mine = await visitorChat(s, 'in my inbox')
    const foreign = await visitorChat(s, 'in the other inbox', otherInbox)
    const sup = await s.operator({ role: 'supervisor', inboxIds: [mainInbox] })
    const tab = await u.client(s, sup.token)
    await tab.ok(invisibly(mine.id))
    expect(await tab.request(invisibly(foreign.id))).toMatchObject({
      type: 'error',
      code: 'not_found',
    })
    const overHttp = await s.http(`/api/conversations/${foreign.id}?watch=invisible`, {
      token: sup.token,
    })
    expect(overHttp.status).toBe(404)
    expect(audits().map((a) => a.conversationId)).toEqual([mine.id])

    const overview = await s.http('/api/overview', { token: sup.token })
    expect(overview.status).toBe(200)
    expect(overview.body.inboxes.map((i: Frame) => i.id)).toEqual([mainInbox])
    const all = await s.operator({ role: 'supervisor', inboxIds: [mainInbox, otherInbox] })
    const wider = await s.http('/api/overview', { token: all.token })
    expect(wider.body.inboxes.map((i: Frame) => i.id).sort()).toEqual(
      [mainInbox, otherInbox].sort(),
    )
  })
})

/** Polls the overview until `ready` holds (the team's load is reused for two seconds). */
async function overviewWhen(s: TestServer, token: string, ready: (o: Frame) => boolean) {
  const deadline = Date.now() + 8000
  for (;;) {
    const res = await s.http('/api/overview', { token })
    expect(res.status).toBe(200)
    if (ready(res.body) || Date.now() > deadline) return res.body as Frame
    await Bun.sleep(100)
  }
}

describe('overview (O5)', () => {
  test('overview - operators with status, presence and load, and each branch queue, as seeded; operators and visitors get 403', async () => {
    const s = await u.server()
    const inboxId = await s.defaultInboxId()
    const admin = await s.adminToken()
    const patched = await s.http(`/api/admin/inboxes/${inboxId}`, {
      method: 'PATCH',
      token: admin,
      body: { settings: { maxOpenPerOperator: 2 } },
    })
    expect(patched.status).toBe(200)
    const night = await s.http(`/api/admin/inboxes/${inboxId}/branches`, {
      token: admin,
      body: { name: 'Night' },
    })
    expect(night.status).toBe(201)
    const obs = await Observer.create(u, s)
    const sup = await s.operator({ role: 'supervisor' })
    const supTab = await u.client(s, sup.token)

    // Four waiting before anyone is online; one moves to the Night branch (nobody there).
    const waiting: string[] = []
    for (const text of ['c1', 'c2', 'c3', 'c4']) waiting.push((await visitorChat(s, text)).id)
    const [c1, c2, c3, c4] = waiting as [string, string, string, string]
    await supTab.ok({ type: 'transfer', conversationId: c4, to: { branchId: night.body.id } })
    expect(await obs.assigneeNow(c4)).toBeNull()
    // The move is stored at once (routing reads the row), before A arrives.
    const moved = await overviewWhen(s, sup.token, (o) => o.inboxes[0].branches[1]?.waiting === 1)
    expect(moved.inboxes[0].branches[1]).toMatchObject({ id: night.body.id, waiting: 1 })

    // A takes the two oldest (capacity 2), B the third, then B goes busy; c5 waits.
    const a = await signIn(u, s)
    expect(await obs.routed(c1)).toBe(a.id)
    expect(await obs.routed(c2)).toBe(a.id)
    const b = await signIn(u, s)
    expect(await obs.routed(c3)).toBe(b.id)
    await b.tab.ok({ type: 'set_operator_status', status: 'busy' })
    const c5 = (await visitorChat(s, 'c5')).id
    expect(await obs.assigneeNow(c5)).toBeNull()
    const createdAt = async (id: string) => (await obs.conversation(id)).createdAt as number

    const expected = {
      id: inboxId,
      capacity: 2,
      branches: [
        {
          id: inboxId,
          isDefault: true,
          waiting: 1,
          oldestWaitingAt: await createdAt(c5),
          unanswered: 4,
        },
        {
          id: night.body.id,
          name: 'Night',
          isDefault: false,
          waiting: 1,
          oldestWaitingAt: await createdAt(c4),
          unanswered: 1,
        },
      ],
    }
    const byId = (o: Frame, id: string) =>
      (o.inboxes[0].operators as Frame[]).find((op) => op.id === id)
    const overview = await overviewWhen(
      s,
      sup.token,
      (o) =>
        byId(o, b.id)?.status === 'busy' &&
        byId(o, a.id)?.open === 2 &&
        byId(o, b.id)?.open === 1 &&
        o.inboxes[0].branches.every((x: Frame) => x.waiting === 1),
    )
    expect(overview.inboxes).toHaveLength(1)
    expect(overview.inboxes[0]).toMatchObject(expected)
    expect(byId(overview, a.id)).toMatchObject({ status: 'online', present: true, open: 2 })
    expect(byId(overview, b.id)).toMatchObject({ status: 'busy', present: true, open: 1 })
    // The first admin is a member too, never signed in on a socket here.
    const adminId = (await s.http('/api/auth/login', { body: ADMIN })).body.operator.id
    expect(byId(overview, adminId)).toMatchObject({ present: false, open: 0 })
    expect(typeof overview.at).toBe('number')
    expect(overview.truncated).toBe(false)

    // Back online, B takes c5 (A is full): the queue empties.
    await b.tab.ok({ type: 'set_operator_status', status: 'online' })
    expect(await obs.routed(c5)).toBe(b.id)
    const later = await overviewWhen(
      s,
      sup.token,
      (o) => byId(o, b.id)?.open === 2 && o.inboxes[0].branches[0].waiting === 0,
    )
    expect(later.inboxes[0].branches[0]).toMatchObject({ waiting: 0, oldestWaitingAt: null })

    const agent = await s.operator({ inboxIds: [inboxId] })
    const refused = await s.http('/api/overview', { token: agent.token })
    expect({ status: refused.status, code: refused.body.error.code }).toEqual({
      status: 403,
      code: 'forbidden',
    })
    const visitor = await s.visitorToken()
    expect((await s.http('/api/overview', { token: visitor.token })).status).toBe(403)
    expect((await s.http('/api/overview')).status).toBe(401)
    expect((await s.http('/api/overview?inbox=x', { token: sup.token })).status).toBe(422)
    // Opening a tab of one's own: present in the overview even as an admin.
    const adminTab = await openTab(u, s, admin)
    expect(adminTab.snapshot.present).toBe(true)
    const withAdmin = await overviewWhen(s, sup.token, (o) => byId(o, adminId)?.present === true)
    expect(byId(withAdmin, adminId)).toMatchObject({ present: true })
  })
})
