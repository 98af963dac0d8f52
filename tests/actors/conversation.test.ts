import { afterEach, describe, expect, test } from 'bun:test'
import { rejectionOf } from '../db/fixtures.ts'
import type { Store } from '../../actors/index.ts'
import {
  operator,
  spawnHarness,
  startConversation,
  TYPING_TTL_MS,
  visitor,
  type Harness,
} from './conversation-harness.ts'

let h: Harness
afterEach(async () => {
  await h?.close()
})

const send = (id: string, text: string, clientMsgId: string, who = visitor()) =>
  h.registry.ask(id, { type: 'send', principal: who, clientMsgId, text })

describe('conversation actor - ordering and durability', () => {
  test('concurrent sends get consecutive seqs in arrival order', async () => {
    h = await spawnHarness()
    const id = await startConversation(h)
    const acks = await Promise.all(Array.from({ length: 50 }, (_, i) => send(id, `m${i}`, `c${i}`)))
    expect(acks.map((a) => a.seq)).toEqual(Array.from({ length: 50 }, (_, i) => i + 2))
    const events = await h.store.conversations.eventsAfter(id, 0, 1000)
    expect(events.map((e) => e.seq)).toEqual(Array.from({ length: 51 }, (_, i) => i + 1))
    const texts = events.flatMap((e) => (e.name === 'message.created' ? [e.data.message.text] : []))
    expect(texts).toEqual(Array.from({ length: 50 }, (_, i) => `m${i}`))
  })

  test('an event is published only after it is durable', async () => {
    h = await spawnHarness()
    const id = await startConversation(h)
    await new Promise((r) => setImmediate(r))
    const durableAtPublish = new Map<number, boolean>()
    h.publisher.onPublish = (frame) => {
      if (frame.name === 'typing') return
      void h.store.conversations
        .eventsAfter(id, frame.seq - 1, 1)
        .then((rows) => durableAtPublish.set(frame.seq, rows[0]?.seq === frame.seq))
    }
    const ack = await send(id, 'hello', 'c1')
    expect(durableAtPublish.has(ack.seq)).toBe(false) // acked, not yet published
    await new Promise((r) => setImmediate(r))
    await new Promise((r) => setImmediate(r))
    expect([...durableAtPublish]).toEqual([[ack.seq, true]])
  })

  test('group commit: one message in each of 100 conversations shares a transaction', async () => {
    h = await spawnHarness()
    const ids = await Promise.all(Array.from({ length: 100 }, () => startConversation(h)))
    const before = h.store.stats()
    await Promise.all(ids.map((id, i) => send(id, `hello ${i}`, `c${i}`)))
    const after = h.store.stats()
    expect(after.writesCommitted - before.writesCommitted).toBe(100)
    // All 100 writes were queued in the same turn; they must not take 100 commits.
    expect(after.transactions - before.transactions).toBeLessThanOrEqual(2)
    expect(after.maxBatch).toBeGreaterThanOrEqual(50)
  })

  test('a failed write rejects only its caller and changes nothing', async () => {
    let failNext = false
    h = await spawnHarness({
      wrapStore: (s: Store) => {
        const write = s.conversations.write.bind(s.conversations)
        s.conversations.write = (w) => {
          if (!failNext) return write(w)
          failNext = false
          return Promise.reject(new Error('disk on fire'))
        }
        return s
      },
    })
    const id = await startConversation(h)
    failNext = true
    expect(await rejectionOf(send(id, 'lost', 'c1'))).toMatchObject({ message: 'disk on fire' })
    const ack = await send(id, 'kept', 'c2')
    expect(ack.seq).toBe(2)
    const events = await h.store.conversations.eventsAfter(id, 0, 10)
    expect(events.map((e) => e.seq)).toEqual([1, 2])
    expect(
      h.publisher.frames.some(
        (f) => f.name === 'message.created' && f.data.message.text === 'lost',
      ),
    ).toBe(false)
  })
})

describe('conversation actor - idempotent send', () => {
  test('a retried send with the same client id lands once', async () => {
    h = await spawnHarness()
    const id = await startConversation(h)
    const first = await send(id, 'hello', 'm1')
    const again = await send(id, 'hello', 'm1')
    expect(again).toEqual({ ...first, duplicate: true })
    const messages = await h.store.queries.listMessages(id, { limit: 10 })
    expect(messages.length).toBe(1)
  })

  test('the original ack is found after passivation and after a restart', async () => {
    h = await spawnHarness()
    const id = await startConversation(h)
    const first = await send(id, 'hello', 'm1')
    await h.clock.advance(120_000)
    expect(h.registry.sweep()).toBe(1)
    expect((await send(id, 'hello', 'm1')).seq).toBe(first.seq)
    await h.restart()
    const again = await send(id, 'hello', 'm1')
    expect(again).toMatchObject({ messageId: first.messageId, seq: first.seq, duplicate: true })
  })

  test('the same client id from the other party is a different message', async () => {
    h = await spawnHarness()
    const id = await startConversation(h)
    const a = await send(id, 'from visitor', 'x')
    const b = await send(id, 'from operator', 'x', operator())
    expect(b.messageId).not.toBe(a.messageId)
    expect(b.duplicate).toBe(false)
  })
})

describe('conversation actor - state across passivation and restart', () => {
  test('a passivated conversation reactivates with its seq, status and watermarks', async () => {
    h = await spawnHarness()
    const id = await startConversation(h, visitor(), 'hi')
    const reply = await send(id, 'hello!', 'o1', operator())
    await h.registry.ask(id, { type: 'mark', principal: visitor(), readSeq: reply.seq })
    await h.registry.ask(id, { type: 'set_status', principal: operator(), status: 'resolved' })
    await h.clock.advance(120_000)
    expect(h.registry.sweep()).toBe(1)
    expect(h.registry.has(id)).toBe(false)
    const view = await h.registry.ask(id, { type: 'open', principal: operator() })
    expect(view.conversation).toMatchObject({ status: 'resolved', lastSeq: 5 })
    expect(view.readStates).toEqual([
      { reader: { kind: 'visitor', id: 'visitor-1' }, readSeq: 3, deliveredSeq: 3 },
    ])
    // The visitor read it before passivation, so the operator can no longer edit it.
    expect(
      await rejectionOf(
        h.registry.ask(id, {
          type: 'edit',
          principal: operator(),
          messageId: reply.messageId,
          text: 'x',
        }),
      ),
    ).toMatchObject({
      code: 'MESSAGE_ALREADY_READ',
    })
  })

  test('a restart keeps history and continues seq where it stopped', async () => {
    h = await spawnHarness()
    const id = await startConversation(h, visitor(), 'one')
    await send(id, 'two', 'c2')
    await h.restart()
    const ack = await send(id, 'three', 'c3')
    expect(ack.seq).toBe(4)
    const texts = (await h.store.queries.listMessages(id, { limit: 10 })).map((m) => m.text)
    expect(texts).toEqual(['one', 'two', 'three'])
  })
})

describe('conversation actor - typing', () => {
  test('typing expires by itself after about 8 s and is never stored', async () => {
    h = await spawnHarness()
    const id = await startConversation(h)
    await h.registry.ask(id, { type: 'typing', principal: visitor(), on: true })
    await h.clock.advance(TYPING_TTL_MS - 1)
    expect(
      h.publisher.frames
        .filter((f) => f.name === 'typing')
        .map((f) => f.name === 'typing' && f.data.on),
    ).toEqual([true])
    await h.clock.advance(1)
    expect(
      h.publisher.frames
        .filter((f) => f.name === 'typing')
        .map((f) => f.name === 'typing' && f.data.on),
    ).toEqual([true, false])
    const view = await h.registry.ask(id, { type: 'open', principal: operator() })
    expect(view.typing).toEqual([])
    const stored = await h.store.conversations.eventsAfter(id, 0, 100)
    expect(stored.map((e) => e.name)).toEqual(['conversation.created'])
  })

  test('a refresh keeps typing on without republishing; sending turns it off', async () => {
    h = await spawnHarness()
    const id = await startConversation(h)
    await h.registry.ask(id, { type: 'typing', principal: visitor(), on: true })
    await h.clock.advance(5000)
    await h.registry.ask(id, { type: 'typing', principal: visitor(), on: true })
    await h.clock.advance(5000)
    const view = await h.registry.ask(id, { type: 'open', principal: operator() })
    expect(view.typing).toEqual([{ kind: 'visitor', id: 'visitor-1' }])
    await send(id, 'done typing', 'c1')
    await new Promise((r) => setImmediate(r))
    expect(
      h.publisher.frames
        .filter((f) => f.name === 'typing')
        .map((f) => f.name === 'typing' && f.data.on),
    ).toEqual([true, false])
  })
})

describe('conversation actor - idempotent start', () => {
  test('a retried create with the same client id answers with the original conversation and ack', async () => {
    h = await spawnHarness()
    const { derivedId } = await import('../../actors/index.ts')
    const id = derivedId('start:visitor-1', 'first-1')
    const first = await h.registry.ask(id, {
      type: 'create',
      principal: visitor(),
      first: { clientMsgId: 'first-1', text: 'hi' },
    })
    const again = await h.registry.ask(id, {
      type: 'create',
      principal: visitor(),
      first: { clientMsgId: 'first-1', text: 'hi' },
    })
    expect(again.conversation.id).toBe(first.conversation.id)
    expect(again.message).toMatchObject({ messageId: first.message?.messageId, duplicate: true })
    expect((await h.store.queries.listMessages(id, { limit: 10 })).length).toBe(1)
    expect(
      await rejectionOf(
        h.registry.ask(id, {
          type: 'create',
          principal: visitor('someone-else'),
          first: { text: 'x' },
        }),
      ),
    ).toMatchObject({ code: 'not_found' })
  })
})
