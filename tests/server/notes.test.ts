/**
 * Private notes and @mentions (issue 16): operator-only lines in a conversation's log. Operators
 * get them live and on replay; a visitor never does, on any transport, live or on resume, nor in
 * history, lists or summaries; a note is no reply (the unanswered flag stays); a visitor
 * subscription skips a note's seq without a gap replay; a mention alerts only valid colleagues.
 */
import { describe, expect, test } from 'bun:test'
import { useServers } from '../helpers/lifecycle.ts'
import type { TestServer } from '../helpers/server.ts'
import { PollClient, SseClient } from '../helpers/streams.ts'
import type { Frame, TestClient } from '../helpers/ws.ts'

const u = useServers()

/** Any client this file drives: WebSocket, SSE or long-poll. */
interface Rt {
  frames: Frame[]
  ok(frame: Frame): Promise<any>
  request(frame: Frame): Promise<Frame>
  next(match: (f: Frame) => boolean, timeoutMs?: number): Promise<Frame>
  events(conversationId: string): Frame[]
}

/**
 * A conversation the visitor started with "hello" (seqs 1, 2) and routing gave to a (seq 3), two
 * members of its inbox (a, b), an operator outside it (outsider) and a supervisor outside it
 * (boss).
 */
async function scene() {
  const s = await u.server()
  const inboxId = await s.defaultInboxId()
  const v = await s.visitorToken()
  const a = await s.operator({ inboxIds: [inboxId] })
  const b = await s.operator({ inboxIds: [inboxId] })
  const outsider = await s.operator({ inboxIds: [] })
  const boss = await s.operator({ role: 'supervisor', inboxIds: [] })
  const visitor = await u.client(s, v.token)
  const started = await visitor.ok({ type: 'start', text: 'hello', clientMsgId: 'v0' })
  const id = started.conversation.id as string
  const aws = await u.client(s, a.token)
  // a's connection makes them available: routing assigns the waiting conversation to them.
  await aws.ok({ type: 'subscribe', conversationId: id, afterSeq: 0 })
  await aws.next((f) => f.type === 'event' && f.name === 'conversation.assigned')
  return { s, inboxId, v, a, b, outsider, boss, visitor, aws, id }
}

/** Counts store replays (eventsAfter calls) of a conversation from now on. */
function countReplays(s: TestServer, conversationId: string): () => number {
  const store = s.store.conversations
  const original = store.eventsAfter.bind(store)
  let calls = 0
  store.eventsAfter = (id, after, limit) => {
    if (id === conversationId) calls++
    return original(id, after, limit)
  }
  return () => calls
}

const noteEvents = (rt: Rt, id: string) => rt.events(id).filter((e) => e.name === 'note.created')

describe('private notes', () => {
  test('notes - stored in the log, replayed to operators, idempotent by clientMsgId', async () => {
    const { s, a, aws, id } = await scene()
    const ack = await aws.ok({
      type: 'note',
      conversationId: id,
      clientMsgId: 'n1',
      text: 'VIP: check the invoice first',
    })
    expect(ack).toEqual({
      noteId: expect.any(String),
      seq: 4,
      createdAt: expect.any(Number),
      mentions: [],
      duplicate: false,
    })
    const again = await aws.ok({
      type: 'note',
      conversationId: id,
      clientMsgId: 'n1',
      text: 'VIP: check the invoice first',
    })
    expect(again).toEqual({ ...ack, duplicate: true })
    // The same client id over HTTP is the same note; a new one is a new note.
    const retried = await s.http(`/api/conversations/${id}/notes`, {
      token: a.token,
      body: { clientMsgId: 'n1', text: 'VIP: check the invoice first' },
    })
    expect(retried.status).toBe(200)
    expect(retried.body).toEqual({ ...ack, duplicate: true })
    const viaHttp = await s.http(`/api/conversations/${id}/notes`, {
      token: a.token,
      body: { clientMsgId: 'n2', text: 'second note' },
    })
    expect(viaHttp.status).toBe(201)
    expect(viaHttp.body.seq).toBe(5)

    const b = await s.operator({ inboxIds: [await s.defaultInboxId()] })
    const bws = await u.client(s, b.token)
    await bws.ok({ type: 'subscribe', conversationId: id, afterSeq: 0 })
    const notes = noteEvents(bws, id)
    expect(notes.map((e) => [e.seq, e.data.note.text])).toEqual([
      [4, 'VIP: check the invoice first'],
      [5, 'second note'],
    ])
    expect(notes[0]?.data.note).toMatchObject({
      id: ack.noteId,
      author: { kind: 'operator', id: a.id },
      mentions: [],
      clientMsgId: 'n1',
    })
    // Notes are immutable: edit and delete name messages only.
    const edit = await aws.request({
      type: 'edit',
      conversationId: id,
      messageId: ack.noteId,
      text: 'changed',
    })
    expect(edit).toMatchObject({ type: 'error', code: 'not_found' })
    const del = await aws.request({ type: 'delete', conversationId: id, messageId: ack.noteId })
    expect(del).toMatchObject({ type: 'error', code: 'not_found' })
    // A message's retry with a note's client id is not a message.
    const clash = await aws.request({
      type: 'send',
      conversationId: id,
      clientMsgId: 'n1',
      text: 'a message',
    })
    expect(clash).toMatchObject({ type: 'error', code: 'conflict' })
  })

  test('notes - a visitor on WebSocket JSON and MessagePack, SSE and long-poll never gets one, live or on resume', async () => {
    const { s, v, aws, visitor, id } = await scene()
    const clients: Array<[string, Rt]> = [
      ['ws json', visitor],
      ['ws msgpack', await u.client(s, v.token, { format: 'msgpack' })],
      ['sse', u.track(await SseClient.open(s, v.token))],
      ['poll', u.track(await PollClient.open(s, v.token))],
    ]
    for (const [, rt] of clients)
      await rt.ok({ type: 'subscribe', conversationId: id, afterSeq: 0 })
    // A first live reply: sockets then move to the conversation's native topic.
    await aws.ok({ type: 'send', conversationId: id, clientMsgId: 'o1', text: 'hi there' })
    for (const [, rt] of clients) await rt.next((f) => f.type === 'event' && f.seq === 4)
    await aws.ok({ type: 'send', conversationId: id, clientMsgId: 'o2', text: 'one moment' })
    for (const [, rt] of clients) await rt.next((f) => f.type === 'event' && f.seq === 5)
    const replays = countReplays(s, id)

    await aws.ok({ type: 'note', conversationId: id, clientMsgId: 'n1', text: 'secret one' })
    await aws.ok({ type: 'send', conversationId: id, clientMsgId: 'o3', text: 'after a note' })
    await aws.ok({ type: 'note', conversationId: id, clientMsgId: 'n2', text: 'secret two' })
    await visitor.ok({ type: 'send', conversationId: id, clientMsgId: 'v1', text: 'thanks' })
    for (const [name, rt] of clients) {
      const last = await rt.next((f) => f.type === 'event' && f.seq === 9)
      expect(last.data.message.text).toBe('thanks')
      expect({ name, seqs: rt.events(id).map((e) => e.seq) }).toEqual({
        name,
        seqs: [1, 2, 3, 4, 5, 7, 9],
      })
      expect(rt.frames.some((f) => JSON.stringify(f).includes('secret'))).toBe(false)
    }
    // A skipped seq is no gap: nobody went back to the store.
    expect(replays()).toBe(0)

    // Resume from 0 on each transport (a new subscribe replaces the old one): the replay leaves
    // the notes out too.
    const replayed = async (rt: Rt, afterSeq: number) => {
      const from = rt.frames.length
      const ack = await rt.ok({ type: 'subscribe', conversationId: id, afterSeq })
      expect(ack.lastSeq).toBe(9)
      // The replay comes before its ack on every transport.
      return rt.frames.slice(from).filter((f) => f.type === 'event' && f.conversationId === id)
    }
    for (const [name, rt] of clients) {
      const frames = await replayed(rt, 0)
      expect({ name, seqs: frames.map((e) => e.seq) }).toEqual({
        name,
        seqs: [1, 2, 3, 4, 5, 7, 9],
      })
      expect(frames.some((f) => JSON.stringify(f).includes('secret'))).toBe(false)
    }
    // Resuming right before a note: nothing of it.
    expect((await replayed(visitor, 5)).map((e) => e.seq)).toEqual([7, 9])
    // Live goes on past the notes' seqs.
    await aws.ok({ type: 'send', conversationId: id, clientMsgId: 'o4', text: 'done' })
    for (const [, rt] of clients) await rt.next((f) => f.type === 'event' && f.seq === 10)
    expect(replays()).toBe(clients.length + 1)
  })

  test('notes - no reply: history, the visitor list and the unanswered flag ignore them', async () => {
    const { s, v, a, aws, id } = await scene()
    await aws.ok({ type: 'send', conversationId: id, clientMsgId: 'o1', text: 'how can I help?' })
    await (
      await u.client(s, v.token)
    ).ok({
      type: 'send',
      conversationId: id,
      clientMsgId: 'v1',
      text: 'my invoice is wrong',
    })
    const list = async () => (await s.http('/api/visitor/conversations', { token: v.token })).body
    const before = await list()
    const view = async () =>
      (await s.http(`/api/conversations/${id}`, { token: a.token })).body.conversation
    const viewBefore = await view()
    expect(viewBefore.hasUnansweredIncoming).toBe(true)

    await aws.ok({ type: 'note', conversationId: id, clientMsgId: 'n1', text: 'secret invoice' })

    const history = await s.http(`/api/conversations/${id}/messages`, { token: v.token })
    expect(history.status).toBe(200)
    expect(history.body.messages.map((m: Frame) => m.text)).toEqual([
      'hello',
      'how can I help?',
      'my invoice is wrong',
    ])
    const after = await list()
    expect(after.conversations[0].lastMessage.text).toBe('my invoice is wrong')
    expect(after.conversations[0].unread).toBe(before.conversations[0].unread)
    expect(after.conversations[0].hasUnansweredIncoming).toBe(true)
    const viewAfter = await view()
    expect(viewAfter).toMatchObject({
      hasUnansweredIncoming: true,
      lastMessageAt: viewBefore.lastMessageAt,
      lastSeq: viewBefore.lastSeq + 1,
    })
    // The operator's own history over HTTP holds messages only too (notes come by subscribe).
    const opHistory = await s.http(`/api/conversations/${id}/messages`, { token: a.token })
    expect(opHistory.body.messages).toHaveLength(3)
    // The inbox list keeps it among the unanswered.
    const inbox = await s.http('/api/inbox?unanswered=1', { token: a.token })
    expect(inbox.body.items.map((c: Frame) => c.id)).toContain(id)
  })

  test('notes - a visitor cannot write one, bad input is refused typed, and nothing is stored', async () => {
    const { s, v, a, aws, visitor, id } = await scene()
    const refused = await visitor.request({
      type: 'note',
      conversationId: id,
      clientMsgId: 'x1',
      text: 'let me in',
    })
    expect(refused).toMatchObject({ type: 'error', code: 'forbidden', retryable: false })
    const http = await s.http(`/api/conversations/${id}/notes`, {
      token: v.token,
      body: { clientMsgId: 'x2', text: 'let me in' },
    })
    expect(http.status).toBe(403)
    expect(http.body.error.code).toBe('forbidden')
    const empty = await aws.request({
      type: 'note',
      conversationId: id,
      clientMsgId: 'x3',
      text: ' ',
    })
    expect(empty).toMatchObject({ type: 'error', code: 'validation_failed' })
    const tooLong = await aws.request({
      type: 'note',
      conversationId: id,
      clientMsgId: 'x4',
      text: 'x'.repeat(5001),
    })
    expect(tooLong).toMatchObject({ type: 'error', code: 'validation_failed' })
    const many = Array.from({ length: 11 }, (_, i) => `op-${i}`)
    const tooMany = await aws.request({
      type: 'note',
      conversationId: id,
      clientMsgId: 'x5',
      text: 'hi all',
      mentions: many,
    })
    expect(tooMany).toMatchObject({ type: 'error', code: 'validation_failed' })
    const twice = await s.http(`/api/conversations/${id}/notes`, {
      token: a.token,
      body: { clientMsgId: 'x6', text: 'hi', mentions: [a.id, a.id] },
    })
    expect(twice.status).toBe(422)
    const unknownConv = await aws.request({
      type: 'note',
      conversationId: 'no-such-conversation',
      clientMsgId: 'x7',
      text: 'hi',
    })
    expect(unknownConv).toMatchObject({ type: 'error', code: 'not_found' })
    const viewer = await s.operator({ inboxIds: [await s.defaultInboxId()], canChat: false })
    const viewerWs = await u.client(s, viewer.token)
    const noChat = await viewerWs.request({
      type: 'note',
      conversationId: id,
      clientMsgId: 'x8',
      text: 'hi',
    })
    expect(noChat).toMatchObject({ type: 'error', code: 'forbidden' })
    const events = await s.store.conversations.eventsAfter(id, 0, 100)
    expect(events.map((e) => e.name)).toEqual([
      'conversation.created',
      'message.created',
      'conversation.assigned',
    ])
  })

  test('mentions - alert the inbox team and supervisors only, once, with an excerpt', async () => {
    const { s, a, b, outsider, boss, aws, id } = await scene()
    const feeds = await Promise.all(
      [b, outsider, boss].map(async (op) => {
        const ws = await u.client(s, op.token)
        await ws.ok({ type: 'feed_subscribe' })
        return ws
      }),
    )
    const [bFeed, outsiderFeed, bossFeed] = feeds as [TestClient, TestClient, TestClient]
    const text = `@b please look: ${'long '.repeat(60)}`
    const ack = await aws.ok({
      type: 'note',
      conversationId: id,
      clientMsgId: 'm1',
      text,
      mentions: [b.id, outsider.id, boss.id, a.id, 'no-such-operator'],
    })
    expect(ack.mentions.sort()).toEqual([b.id, boss.id].sort())
    const isMention = (f: Frame) =>
      f.type === 'feed' && f.name === 'alert' && f.data.kind === 'mentioned'
    const alert = await bFeed.next(isMention)
    expect(alert.data).toEqual({
      kind: 'mentioned',
      conversationId: id,
      seq: ack.seq,
      by: { kind: 'operator', id: a.id },
      excerpt: text.trim().slice(0, 140),
    })
    await bossFeed.next(isMention)
    // A retry alerts nobody again; the outsider got nothing (a ping after the alerts settles it).
    await aws.ok({ type: 'note', conversationId: id, clientMsgId: 'm1', text, mentions: [b.id] })
    await aws.ok({
      type: 'note',
      conversationId: id,
      clientMsgId: 'm2',
      text: 'for b only',
      mentions: [b.id],
    })
    await bFeed.next((f) => isMention(f) && f.data.excerpt === 'for b only')
    await outsiderFeed.request({ type: 'ping' })
    expect(outsiderFeed.frames.filter(isMention)).toEqual([])
    expect(bFeed.frames.filter(isMention)).toHaveLength(2)
    expect(bossFeed.frames.filter(isMention)).toHaveLength(1)
    const stored = await s.store.conversations.eventsAfter(id, 3, 10)
    expect(stored[0]).toMatchObject({
      name: 'note.created',
      data: { note: { mentions: ack.mentions } },
    })
  })

  test('notes - scrolling up, an operator history page carries its notes and system lines; a visitor page never', async () => {
    const { s, a, v, aws, id } = await scene()
    const say = (type: 'send' | 'note', n: number) =>
      aws.ok({ type, conversationId: id, clientMsgId: `${type}${n}`, text: `${type} ${n}` })
    await say('note', 1)
    await say('send', 1)
    await aws.ok({ type: 'set_status', conversationId: id, status: 'resolved' })
    await aws.ok({ type: 'set_status', conversationId: id, status: 'open' })
    await say('send', 2)
    await say('note', 2)
    for (let n = 3; n <= 6; n++) await say('send', n)
    const history = (token: string, before?: number) =>
      s.http(`/api/conversations/${id}/messages?limit=2${before ? `&before=${before}` : ''}`, {
        token,
      })
    // Every note and system line, as the operator's subscription (from 0) has them.
    const lines = [
      ...new Set(
        aws
          .events(id)
          .filter((e) =>
            ['note.created', 'conversation.status', 'conversation.assigned'].includes(e.name),
          )
          .map((e) => e.seq as number),
      ),
    ].sort((x, y) => x - y)
    // Page back to the start: together the pages hold each line exactly once.
    const seen: number[] = []
    let page = await history(a.token)
    expect(page.body.activity).toBeUndefined()
    while (page.body.hasMore) {
      const before = page.body.messages[0].seq
      page = await history(a.token, before)
      expect(page.status).toBe(200)
      for (const e of page.body.activity) {
        expect(e.seq).toBeLessThan(before)
        seen.push(e.seq)
      }
    }
    // The newest page's lines came with the subscription; the pages before it bring the rest.
    const newestFirst = (await history(a.token)).body.messages[0].seq
    expect(seen.sort((x, y) => x - y)).toEqual(lines.filter((seq) => seq < newestFirst))
    expect(seen.length).toBeGreaterThan(2)
    // The visitor's pages never carry them.
    const visitorPage = await history(v.token, newestFirst)
    expect(visitorPage.status).toBe(200)
    expect(visitorPage.body.activity).toBeUndefined()
  })
})
