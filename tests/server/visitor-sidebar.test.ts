/**
 * The operator's visitor sidebar (issue 16, conversation view) through the real server, on
 * SQLite or Postgres (PARLEY_TEST_DB): `GET /api/conversations/:id/visitor` lists the pages
 * visited in the conversation (newest first, at most 20) and the visitor's other conversations
 * in the caller's inbox scope only; `PATCH` of the same path lets an operator who may take
 * part correct the visitor's name and e-mail. Visitors and operators of another inbox are
 * refused, bad input is a typed error, and a refused request changes nothing.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { FakeClock } from '../../actors/index.ts'
import { startTestServer, type TestServer } from '../helpers/server.ts'
import { TestClient, type Frame } from '../helpers/ws.ts'

let s: TestServer
/** Moved on between page changes: their limit allows a burst of 10, then 20 a minute. */
const clock = new FakeClock(Date.now())
let defaultInbox: string
let secondInbox: string
const sockets: TestClient[] = []

beforeAll(async () => {
  s = await startTestServer({ clock })
  defaultInbox = await s.defaultInboxId()
  const created = await s.http('/api/admin/inboxes', {
    token: await s.adminToken(),
    body: { name: 'Second site' },
  })
  expect(created.status).toBe(201)
  secondInbox = created.body.id
})
afterAll(async () => {
  for (const c of sockets) c.close()
  await s.stop()
})

async function visitorSocket(token: string) {
  const c = await TestClient.connect(s.wsUrl, { token })
  sockets.push(c)
  return c
}

const details = (id: string, token: string) => s.http(`/api/conversations/${id}/visitor`, { token })
const patch = (id: string, token: string, body: unknown) =>
  s.http(`/api/conversations/${id}/visitor`, { method: 'PATCH', token, body })

describe('visitor sidebar', () => {
  test('sidebar - pages visited: the start page and every page change, newest first, at most 20', async () => {
    const { token } = await s.visitorToken()
    const visitor = await visitorSocket(token)
    const started = await visitor.ok({
      type: 'start',
      clientMsgId: 'pages-1',
      text: 'hello',
      context: { url: 'https://shop.example.com/start', title: 'Start' },
    })
    const id = started.conversation.id as string
    for (let i = 1; i <= 24; i++) {
      await clock.advance(5_000)
      await visitor.ok({
        type: 'page',
        conversationId: id,
        url: `https://shop.example.com/p/${i}`,
        title: `Page ${i}`,
      })
    }
    const member = await s.operator({ inboxIds: [defaultInbox] })
    const res = await details(id, member.token)
    expect(res.status).toBe(200)
    const pages = res.body.pages as Array<{ url: string; title: string | null; at: number }>
    expect(pages.map((p) => p.title)).toEqual(
      Array.from({ length: 20 }, (_, i) => `Page ${24 - i}`),
    )
    expect(pages[0]?.url).toBe('https://shop.example.com/p/24')
    for (const [i, p] of pages.entries()) {
      expect(typeof p.at).toBe('number')
      if (i > 0) expect(p.at).toBeLessThan(pages[i - 1]?.at ?? 0)
    }
    expect(res.body.context.url).toBe('https://shop.example.com/p/24')

    // Few pages: the start page is the last of them.
    const other = await s.visitorToken()
    const second = await visitorSocket(other.token)
    const short = await second.ok({
      type: 'start',
      clientMsgId: 'pages-2',
      text: 'hi',
      context: { url: 'https://shop.example.com/a', title: 'A' },
    })
    await second.ok({
      type: 'page',
      conversationId: short.conversation.id,
      url: 'https://shop.example.com/b',
    })
    const few = await details(short.conversation.id, member.token)
    expect(
      few.body.pages.map((p: { url: string; title: string | null }) => [p.url, p.title]),
    ).toEqual([
      ['https://shop.example.com/b', null],
      ['https://shop.example.com/a', 'A'],
    ])
  }, 30_000)

  test('sidebar - past conversations of the visitor: newest first with a preview, the current one and those outside the scope left out', async () => {
    const { token, visitorId } = await s.visitorToken()
    const visitor = await visitorSocket(token)
    const first = await visitor.ok({ type: 'start', clientMsgId: 'past-1', text: 'my first chat' })
    const long = 'x'.repeat(120)
    await clock.advance(1_000)
    const second = await visitor.ok({ type: 'start', clientMsgId: 'past-2', text: long })
    await clock.advance(1_000)
    const current = await visitor.ok({ type: 'start', clientMsgId: 'past-3', text: 'now' })
    // The same visitor's conversation in an inbox the member does not handle.
    const loaded = await s.store.conversations.loadConversation(first.conversation.id)
    expect(loaded).not.toBeNull()
    const foreignId = crypto.randomUUID()
    const record = { ...loaded!.conversation, id: foreignId, inboxId: secondInbox }
    await s.store.conversations.write({
      conversationId: foreignId,
      create: record,
      events: [
        {
          conversationId: foreignId,
          seq: 1,
          at: Date.now(),
          name: 'conversation.created',
          data: { conversation: record },
        },
      ],
    })
    expect(record.visitorId).toBe(visitorId)

    const member = await s.operator({ inboxIds: [defaultInbox] })
    const res = await details(current.conversation.id, member.token)
    expect(res.status).toBe(200)
    const listed = res.body.conversations as Array<Record<string, unknown>>
    expect(listed.map((c) => c.id)).toEqual([second.conversation.id, first.conversation.id])
    expect(listed[0]).toMatchObject({ status: 'open', lastMessage: 'x'.repeat(80) })
    expect(listed[1]).toMatchObject({ lastMessage: 'my first chat' })
    expect(typeof listed[1]?.createdAt).toBe('number')
    expect(typeof listed[1]?.lastActivityAt).toBe('number')

    // An operator of both inboxes sees the other one too; the admin (every inbox) as well.
    const both = await s.operator({ inboxIds: [defaultInbox, secondInbox] })
    const all = await details(current.conversation.id, both.token)
    expect(all.body.conversations.map((c: { id: string }) => c.id)).toContain(foreignId)
    expect(all.body.conversations).toHaveLength(3)
  }, 30_000)

  test('sidebar - a member edits the name and e-mail; null clears; the answer and the next read show it', async () => {
    const { token } = await s.visitorToken()
    const visitor = await visitorSocket(token)
    const started = await visitor.ok({ type: 'start', clientMsgId: 'edit-1', text: 'edit me' })
    const id = started.conversation.id as string
    const member = await s.operator({ inboxIds: [defaultInbox] })

    const saved = await patch(id, member.token, { name: '  Jane Roe ', email: 'Jane@Example.COM' })
    expect(saved.status).toBe(200)
    expect(saved.body).toMatchObject({ name: 'Jane Roe', email: 'jane@example.com' })
    expect((await details(id, member.token)).body.visitor).toMatchObject({
      name: 'Jane Roe',
      email: 'jane@example.com',
      identified: false,
      externalId: null,
    })
    // The visitor's own profile says the same.
    expect((await s.http('/api/visitor/profile', { token })).body).toMatchObject({
      name: 'Jane Roe',
      email: 'jane@example.com',
    })
    // Only what is sent changes; null clears.
    const cleared = await patch(id, member.token, { email: null })
    expect(cleared.status).toBe(200)
    expect(cleared.body).toMatchObject({ name: 'Jane Roe', email: null })
  }, 30_000)

  test('sidebar - editing is refused for a visitor, an operator of another inbox (not_found) and bad input (422), and changes nothing', async () => {
    const { token } = await s.visitorToken()
    const visitor = await visitorSocket(token)
    const started = await visitor.ok({ type: 'start', clientMsgId: 'refuse-1', text: 'hi' })
    const id = started.conversation.id as string
    const member = await s.operator({ inboxIds: [defaultInbox] })
    expect(
      (await patch(id, member.token, { name: 'Kept', email: 'kept@example.com' })).status,
    ).toBe(200)

    const byVisitor = await patch(id, token, { name: 'Mallory' })
    expect(byVisitor.status).toBe(403)
    expect(byVisitor.body.error.code).toBe('forbidden')

    const other = await s.operator({ inboxIds: [secondInbox] })
    const foreign = await patch(id, other.token, { name: 'Mallory' })
    const missing = await patch(crypto.randomUUID(), other.token, { name: 'Mallory' })
    expect(foreign.status).toBe(404)
    expect(foreign.body.error.code).toBe('not_found')
    expect(foreign.body).toEqual(missing.body)
    expect((await details(id, other.token)).status).toBe(404)

    const noChat = await s.operator({ inboxIds: [defaultInbox], canChat: false })
    expect((await patch(id, noChat.token, { name: 'Mallory' })).status).toBe(403)

    for (const body of [
      { name: '' },
      { name: '   ' },
      { name: 'n'.repeat(101) },
      { email: 'not an address' },
      { email: `${'a'.repeat(250)}@example.com` },
      { name: 'Fine', email: 'broken@' },
      { name: 42 },
      { phone: '+1 555 0100' },
      { name: 'Fine', extra: true },
    ]) {
      const res = await patch(id, member.token, body)
      expect({ body, status: res.status }).toEqual({ body, status: 422 })
      expect(res.body.error.code).toBe('validation_failed')
    }
    expect((await details(id, member.token)).body.visitor).toMatchObject({
      name: 'Kept',
      email: 'kept@example.com',
    })
  }, 30_000)

  test('sidebar - a changed name reaches the panels of the inbox at once: by a colleague, and by the visitor', async () => {
    const { token } = await s.visitorToken()
    const visitor = await visitorSocket(token)
    const started = await visitor.ok({ type: 'start', clientMsgId: 'live-1', text: 'hi' })
    const id = started.conversation.id as string
    const editor = await s.operator({ inboxIds: [defaultInbox] })
    const colleague = await s.operator({ inboxIds: [defaultInbox] })
    const outsider = await s.operator({ inboxIds: [secondInbox] })
    const feeds = await Promise.all(
      [colleague, outsider].map(async (op) => {
        const ws = await TestClient.connect(s.wsUrl, { token: op.token })
        sockets.push(ws)
        await ws.ok({ type: 'feed_subscribe' })
        return ws
      }),
    )
    const [colleagueFeed, outsiderFeed] = feeds as [TestClient, TestClient]
    const isDetails = (f: Frame) =>
      f.type === 'feed' &&
      f.name === 'conversation' &&
      f.data.change === 'details' &&
      f.data.conversation.id === id

    expect((await patch(id, editor.token, { name: 'Renamed By Colleague' })).status).toBe(200)
    await colleagueFeed.next(isDetails)
    // The panel reads the new name where it shows it.
    expect((await details(id, colleague.token)).body.visitor.name).toBe('Renamed By Colleague')

    // The visitor's own details card too.
    const own = await s.http('/api/visitor/profile', {
      method: 'PATCH',
      token,
      body: { name: 'Named By Visitor' },
    })
    expect(own.status).toBe(200)
    await colleagueFeed.next(
      (f) => isDetails(f) && colleagueFeed.frames.filter(isDetails).length >= 2,
    )
    // A refused change announces nothing; the other inbox heard nothing at all.
    const before = colleagueFeed.frames.filter(isDetails).length
    expect((await patch(id, outsider.token, { name: 'Intruder' })).status).toBe(404)
    expect((await patch(id, editor.token, { name: '' })).status).toBe(422)
    await visitor.ok({ type: 'typing', conversationId: id, on: false })
    expect(colleagueFeed.frames.filter(isDetails).length).toBe(before)
    expect(outsiderFeed.frames.filter(isDetails)).toEqual([])
  }, 30_000)
})
