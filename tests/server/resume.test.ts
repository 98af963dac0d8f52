import { describe, expect, test } from 'bun:test'
import { useServers } from '../helpers/lifecycle.ts'
import { startTestServer, tempDir, type TestServer } from '../helpers/server.ts'
import { TestClient } from '../helpers/ws.ts'

const { server, client } = useServers()

/** from..to inclusive. */
const range = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i)

describe('resume (C2)', () => {
  test('resubscribing with the last seen seq replays exactly the missed events, then streams live', async () => {
    const s = await server()
    const { token } = await s.visitorToken()
    const op = await s.operator()
    const visitor = await client(s, token)
    const { conversation } = await visitor.ok({ type: 'start', text: 'hello', clientMsgId: 'v1' })
    const id = conversation.id
    await visitor.ok({ type: 'subscribe', conversationId: id, afterSeq: 0 })
    await visitor.next((f) => f.type === 'event' && f.seq === 2)
    visitor.close()

    const operatorClient = await client(s, op.token)
    for (let i = 0; i < 5; i++) {
      await operatorClient.ok({
        type: 'send',
        conversationId: id,
        clientMsgId: `o${i}`,
        text: `reply ${i}`,
      })
    }
    const back = await client(s, token)
    const ack = await back.ok({ type: 'subscribe', conversationId: id, afterSeq: 2 })
    // Exactly every event after seq 2 (the operator's arrival also assigned the conversation).
    const missed = back.events(id)
    expect(missed.map((f) => f.seq)).toEqual(range(3, ack.lastSeq))
    expect(
      missed.filter((f) => f.name === 'message.created').map((f) => f.data.message.text),
    ).toEqual(['reply 0', 'reply 1', 'reply 2', 'reply 3', 'reply 4'])
    await operatorClient.ok({
      type: 'send',
      conversationId: id,
      clientMsgId: 'o-live',
      text: 'live',
    })
    const live = await back.next((f) => f.type === 'event' && f.seq === ack.lastSeq + 1)
    expect(live.data.message.text).toBe('live')
    expect(back.events(id).map((f) => f.seq)).toEqual(range(3, ack.lastSeq + 1))
  })

  test('events racing a subscribe are delivered once each, in order', async () => {
    const s = await server()
    const { token } = await s.visitorToken()
    const op = await s.operator()
    const visitor = await client(s, token)
    const { conversation } = await visitor.ok({ type: 'start', text: 'hello', clientMsgId: 'v1' })
    const writer = await client(s, op.token)
    const watcher = await client(s, op.token)
    const sends = Array.from({ length: 40 }, (_, i) =>
      writer.ok({
        type: 'send',
        conversationId: conversation.id,
        clientMsgId: `o${i}`,
        text: `m${i}`,
      }),
    )
    await watcher.ok({ type: 'subscribe', conversationId: conversation.id, afterSeq: 0 })
    const last = Math.max(...(await Promise.all(sends)).map((ack) => ack.seq as number))
    await watcher.next((f) => f.type === 'event' && f.seq === last)
    expect(watcher.events(conversation.id).map((f) => f.seq)).toEqual(range(1, last))
  })
})

describe('restart', () => {
  test('a restart keeps history and seq; a retried send after it gets the original ack', async () => {
    const dataDir = tempDir()
    const first = await startTestServer({ dataDir })
    const { token } = await first.visitorToken()
    const c1 = await TestClient.connect(first.wsUrl, { token })
    const { conversation } = await c1.ok({
      type: 'start',
      text: 'before restart',
      clientMsgId: 'a',
    })
    const sent = await c1.ok({
      type: 'send',
      conversationId: conversation.id,
      clientMsgId: 'b',
      text: 'second',
    })
    c1.close()
    await first.stop({ keepData: true })

    const second = await server({ dataDir })
    const c2 = await client(second, token) // the token survives: the secret is kept in the data folder
    const retry = await c2.ok({
      type: 'send',
      conversationId: conversation.id,
      clientMsgId: 'b',
      text: 'second',
    })
    expect(retry).toMatchObject({ messageId: sent.messageId, seq: sent.seq, duplicate: true })
    const next = await c2.ok({
      type: 'send',
      conversationId: conversation.id,
      clientMsgId: 'c',
      text: 'after restart',
    })
    expect(next.seq).toBe(sent.seq + 1)
    const history = await second.http(`/api/conversations/${conversation.id}/messages`, { token })
    expect(history.body.messages.map((m: { text: string }) => m.text)).toEqual([
      'before restart',
      'second',
      'after restart',
    ])
  })
})

describe('graceful shutdown (X6)', () => {
  test('draining acks every accepted send, tells clients to reconnect, and loses nothing', async () => {
    const dataDir = tempDir()
    const first = await startTestServer({ dataDir })
    const { token } = await first.visitorToken()
    const visitor = await TestClient.connect(first.wsUrl, { token })
    const { conversation } = await visitor.ok({ type: 'start', text: 'hi', clientMsgId: 'start' })
    visitor.close()
    const op = await first.operator({ inboxIds: [await first.defaultInboxId()] })
    const c = await TestClient.connect(first.wsUrl, { token: op.token })
    // The operator's arrival routes the conversation to them; let that settle first.
    await c.ok({ type: 'subscribe', conversationId: conversation.id, afterSeq: 0 })
    await c.next((f) => f.type === 'event' && f.name === 'conversation.assigned')
    const replies = Array.from({ length: 50 }, (_, i) =>
      c.request({
        type: 'send',
        conversationId: conversation.id,
        clientMsgId: `m${i}`,
        text: `message ${i}`,
      }),
    )
    const reconnect = c.next((f) => f.type === 'reconnect')
    // Drain while sends are queued in the actor's mailbox and being written.
    for (let i = 0; i < 10_000 && first.conversations.mailboxDepth() === 0; i++) {
      await new Promise((r) => setImmediate(r))
    }
    expect(first.conversations.mailboxDepth()).toBeGreaterThan(0)
    const stopping = first.stop({ keepData: true })
    expect((await reconnect).afterMs).toBeGreaterThan(0)
    await stopping
    const settled = await Promise.allSettled(replies)
    const acked = settled.flatMap((r) =>
      r.status === 'fulfilled' && r.value.type === 'ack' ? [r.value.data.seq as number] : [],
    )
    expect(acked.length).toBeGreaterThan(0)
    console.log(`drain: ${acked.length} of 50 sends acked before the reconnect`)

    const second = await server({ dataDir })
    const history = await second.http(`/api/conversations/${conversation.id}/messages?limit=100`, {
      token,
    })
    const storedSeqs = new Set(history.body.messages.map((m: { seq: number }) => m.seq))
    for (const seq of acked) expect(storedSeqs.has(seq)).toBe(true)
    // Every send that got no ack is retried with its client id and lands exactly once.
    const again = await client(second, op.token)
    for (let i = 0; i < 50; i++)
      await again.ok({
        type: 'send',
        conversationId: conversation.id,
        clientMsgId: `m${i}`,
        text: `message ${i}`,
      })
    const all = await second.http(`/api/conversations/${conversation.id}/messages?limit=100`, {
      token,
    })
    expect(all.body.messages.length).toBe(51)
  })
})

describe('idempotent start (W4)', () => {
  test('a start retried with the same client id opens one conversation, over socket and HTTP', async () => {
    const s = await server()
    const { token } = await s.visitorToken()
    const c = await client(s, token)
    const first = await c.ok({ type: 'start', text: 'typed while offline', clientMsgId: 'q1' })
    const again = await c.ok({ type: 'start', text: 'typed while offline', clientMsgId: 'q1' })
    expect(again.conversation.id).toBe(first.conversation.id)
    expect(again.message).toMatchObject({ messageId: first.message.messageId, duplicate: true })
    const viaHttp = await s.http('/api/visitor/conversations', {
      token,
      body: { text: 'typed while offline', clientMsgId: 'q1' },
    })
    expect(viaHttp.status).toBe(200)
    expect(viaHttp.body.conversation.id).toBe(first.conversation.id)
    const list = await s.http('/api/visitor/conversations', { token })
    expect(list.body.conversations.length).toBe(1)
    const other = await c.ok({ type: 'start', text: 'a new topic', clientMsgId: 'q2' })
    expect(other.conversation.id).not.toBe(first.conversation.id)
  })
})
