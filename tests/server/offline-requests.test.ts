/**
 * Offline requests (R6) and automatic replies (R7) through the real server: a visitor who finds
 * nobody available leaves a name, an e-mail and a message; bad input is refused and stores
 * nothing; the request waits in its branch's queue and is routed when an operator comes; one
 * address cannot flood it. Automatic replies are system messages stored with the conversation
 * itself, in the visitor's language, by the branch's state, and never twice.
 */
import { describe, expect, test } from 'bun:test'
import { FakeClock } from '../../actors/index.ts'
import { useServers } from '../helpers/lifecycle.ts'
import { Observer, signIn } from '../helpers/routing.ts'
import type { TestServer } from '../helpers/server.ts'

const u = useServers()

async function visitor(s: TestServer) {
  return (await s.visitorToken()).token
}

function leave(s: TestServer, token: string, body: unknown, address = '203.0.113.7') {
  return fetch(`${s.url}/api/visitor/offline-requests`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${token}`,
      'x-real-ip': address,
    },
    body: JSON.stringify(body),
  })
}

async function setBranch(s: TestServer, settings: unknown) {
  const inboxId = await s.defaultInboxId()
  const res = await s.http(`/api/admin/branches/${inboxId}`, {
    method: 'PATCH',
    token: await s.adminToken(),
    body: { settings },
  })
  expect(res.status).toBe(200)
}

const REQUEST = { name: 'Anna', email: 'Anna@Example.com', text: 'Please call me back' }

describe('offline requests (R6)', () => {
  test('offline - bad requests are refused with typed errors and store nothing', async () => {
    const s = await u.server({ env: { TRUST_PROXY: '127.0.0.1' } })
    const token = await visitor(s)
    const refused: Array<[unknown, RegExp]> = [
      [{ ...REQUEST, email: 'not-an-email' }, /email/],
      [{ ...REQUEST, name: '   ' }, /name/],
      [{ ...REQUEST, name: 'x'.repeat(101) }, /name/],
      [{ ...REQUEST, text: 'x'.repeat(10_000) }, /text/],
      [{ ...REQUEST, text: '' }, /text/],
      [{ ...REQUEST, phone: '123' }, /phone/],
    ]
    for (const [body, message] of refused) {
      const res = await leave(s, token, body)
      expect(res.status).toBe(422)
      const { error } = (await res.json()) as { error: { code: string; message: string } }
      expect(error.code).toBe('validation_failed')
      expect(error.message).toMatch(message)
    }
    const noToken = await fetch(`${s.url}/api/visitor/offline-requests`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(REQUEST),
    })
    expect(noToken.status).toBe(401)
    const list = await s.http('/api/visitor/conversations', { token })
    expect(list.body.conversations).toEqual([])
  })

  test('offline - a request becomes an offline conversation in the queue, routed when someone comes', async () => {
    const s = await u.server({ env: { TRUST_PROXY: '127.0.0.1' } })
    const obs = await Observer.create(u, s)
    const token = await visitor(s)
    const res = await leave(s, token, { ...REQUEST, clientMsgId: 'req-1', locale: 'ru' })
    expect(res.status).toBe(201)
    const created = (await res.json()) as { conversation: any; message: any }
    expect(created.conversation).toMatchObject({ offline: true, assigneeId: null, status: 'open' })
    expect(created.message).toMatchObject({ seq: 2, duplicate: false })
    // The contact is kept on the visitor, e-mail normalized.
    const stored = await s.store.visitors.getById(created.conversation.visitorId)
    expect(stored).toMatchObject({ name: 'Anna', email: 'anna@example.com' })
    // A retry (a lost answer) is the same request, not a second one.
    const again = await leave(s, token, { ...REQUEST, clientMsgId: 'req-1' })
    expect(again.status).toBe(200)
    expect(((await again.json()) as { conversation: { id: string } }).conversation.id).toBe(
      created.conversation.id,
    )
    expect(await obs.assigneeNow(created.conversation.id)).toBeNull()

    const a = await signIn(u, s)
    expect(await obs.routed(created.conversation.id)).toBe(a.id)
    const seen = await obs.conversation(created.conversation.id)
    expect(seen).toMatchObject({ offline: true, assigneeId: a.id })
  })

  test('offline - one address gets a few requests, then 429 with a retry time', async () => {
    const s = await u.server({ env: { TRUST_PROXY: '127.0.0.1' } })
    const statuses: number[] = []
    let retryAfterMs = 0
    for (let i = 0; i < 8; i++) {
      const res = await leave(s, await visitor(s), REQUEST, '198.51.100.9')
      statuses.push(res.status)
      if (res.status === 429)
        retryAfterMs = ((await res.json()) as { error: { retryAfterMs: number } }).error
          .retryAfterMs
    }
    expect(statuses.slice(0, 5)).toEqual([201, 201, 201, 201, 201])
    expect(statuses.slice(5)).toEqual([429, 429, 429])
    expect(retryAfterMs).toBeGreaterThan(60_000)
    // Another address is not affected.
    expect((await leave(s, await visitor(s), REQUEST, '198.51.100.10')).status).toBe(201)
  })
})

describe('automatic replies (R7)', () => {
  test('auto-reply - the first message gets the branch reply in the visitor language, once, as a system message', async () => {
    const s = await u.server()
    const obs = await Observer.create(u, s)
    await setBranch(s, {
      firstReply: { on: true, text: { en: 'Thanks, wait a moment.', ru: 'Спасибо, минутку.' } },
      offlineReply: { on: true, text: { en: 'We are away.', ru: 'Нас нет.' } },
    })
    const token = await visitor(s)
    const client = await u.client(s, token)
    // Nobody available: the offline reply.
    const first = await client.ok({
      type: 'start',
      clientMsgId: 'c-1',
      text: 'hello',
      locale: 'ru',
    })
    const log = await obs.log(first.conversation.id)
    const messages = log.filter((e) => e.name === 'message.created').map((e) => e.data.message)
    expect(messages.map((m) => [m.seq, m.author.kind, m.text])).toEqual([
      [2, 'visitor', 'hello'],
      [3, 'system', 'Нас нет.'],
    ])
    expect(messages[1].author).toEqual({ kind: 'system', id: 'auto-reply' })
    // An automatic reply answers nothing: the conversation stays unanswered for operators.
    expect((await obs.conversation(first.conversation.id)).hasUnansweredIncoming).toBe(true)
    // The same start again (a retry) adds nothing.
    const retried = await client.ok({ type: 'start', clientMsgId: 'c-1', text: 'hello' })
    expect(retried.message.duplicate).toBe(true)
    expect((await obs.conversation(first.conversation.id)).lastSeq).toBe(3)

    // Someone available: the first-message reply, in English by default.
    await signIn(u, s)
    await untilState(s, 'online')
    const second = await client.ok({ type: 'start', clientMsgId: 'c-2', text: 'hi' })
    const reply = (await obs.log(second.conversation.id)).find(
      (e) => e.name === 'message.created' && e.data.message.seq === 3,
    )
    expect(reply?.data.message.text).toBe('Thanks, wait a moment.')
  })

  test('auto-reply - the waiting reply reaches the visitor live once per wait; an operator answer starts a new wait', async () => {
    const clock = new FakeClock()
    const s = await u.server({ clock })
    const obs = await Observer.create(u, s)
    await setBranch(s, {
      waitingReply: {
        on: true,
        afterSeconds: 60,
        text: { en: 'Thanks for waiting.', ru: 'Спасибо за ожидание.' },
      },
    })
    const a = await signIn(u, s)
    const client = await u.client(s, await visitor(s))
    const started = await client.ok({ type: 'start', clientMsgId: 'c-1', text: 'hello' })
    const id = started.conversation.id as string
    await client.ok({ type: 'subscribe', conversationId: id, afterSeq: 0 })
    const waitingReply = (since: number) =>
      client.next(
        (f) =>
          f.type === 'event' &&
          f.name === 'message.created' &&
          f.data.message.clientMsgId === `waiting:${since}`,
      )
    /**
     * Moves the clock a second at a time until `frame` arrives (bounded): the inbox actor hears
     * of a message a moment after its ack, and a timer armed late fires at the next step.
     */
    const advanceUntil = async <T>(frame: Promise<T>): Promise<T> => {
      let got = false
      void frame.then(() => (got = true)).catch(() => {})
      for (let i = 0; i < 120 && !got; i++) {
        await clock.advance(1_000)
        await Bun.sleep(5)
      }
      return frame
    }
    const first = await advanceUntil(waitingReply(started.conversation.createdAt))
    expect(first.data.message.createdAt).toBeGreaterThanOrEqual(
      started.conversation.createdAt + 60_000,
    )
    expect(first.data.message).toMatchObject({
      author: { kind: 'system', id: 'auto-reply' },
      text: 'Thanks for waiting.',
    })
    expect((await obs.conversation(id)).hasUnansweredIncoming).toBe(true)

    await a.tab.ok({ type: 'send', conversationId: id, clientMsgId: 'a-1', text: 'Hi!' })
    await client.ok({ type: 'send', conversationId: id, clientMsgId: 'c-2', text: 'thanks' })
    const asked = clock.now()
    const second = await advanceUntil(waitingReply(asked))
    expect(second.data.message.createdAt).toBeGreaterThanOrEqual(asked + 60_000)
    const texts = (await obs.log(id))
      .filter((e) => e.name === 'message.created')
      .map((e) => [e.data.message.author.kind, e.data.message.text])
    expect(texts).toEqual([
      ['visitor', 'hello'],
      ['system', 'Thanks for waiting.'],
      ['operator', 'Hi!'],
      ['visitor', 'thanks'],
      ['system', 'Thanks for waiting.'],
    ])
  })

  test('auto-reply - off by default: a new conversation gets no automatic message', async () => {
    const s = await u.server()
    const obs = await Observer.create(u, s)
    const client = await u.client(s, await visitor(s))
    const started = await client.ok({ type: 'start', clientMsgId: 'c-1', text: 'hi' })
    const log = await obs.log(started.conversation.id)
    expect(log.filter((e) => e.name === 'message.created')).toHaveLength(1)
  })
})

/** Waits (bounded) until the availability the server answers with says `state`. */
async function untilState(s: TestServer, state: string): Promise<void> {
  const inboxId = await s.defaultInboxId()
  const deadline = Date.now() + 10_000
  while (Date.now() < deadline) {
    const res = await s.http(`/api/visitor/availability?inboxId=${inboxId}`)
    if (res.body.state === state) return
    await Bun.sleep(100)
  }
  throw new Error(`availability never became ${state}`)
}
