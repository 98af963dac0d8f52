/**
 * Webhooks through the real server (issue 17, I1), on SQLite or Postgres: endpoints managed by
 * admins over the API, chat events delivered to a real HTTP receiver on loopback, signed, in
 * log order, once each; retries with backoff under the fake clock, the queue of a conversation
 * waiting for its head, `failing` after the retry window; redirects, timeouts, huge answers
 * and private targets refused; secret rotation, test events, redelivery, disable and delete;
 * erasure cancels what was not sent.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { FakeClock } from '../../actors/index.ts'
import { verifySignature } from '../../server/webhooks/signature.ts'
import { httpSend, httpStart, okBody } from '../helpers/http.ts'
import { rawTableDump, startTestServer, type TestServer } from '../helpers/server.ts'
import { waitUntil } from '../helpers/processes.ts'
import { startReceiver, type Received, type Receiver } from '../helpers/webhook-receiver.ts'

const ALL_EVENTS = [
  'conversation.created',
  'conversation.assigned',
  'conversation.resolved',
  'conversation.closed',
  'conversation.reopened',
  'conversation.rated',
  'conversation.priority_changed',
  'conversation.labels_changed',
  'conversation.attributes_changed',
  'conversation.snoozed',
  'conversation.sla_breached',
  'message.created',
  'message.updated',
  'message.deleted',
  'offline_request.created',
]

let s: TestServer
let clock: FakeClock
let receiver: Receiver
let admin: string
let inboxId: string
let endpointId: string
let secret: string
let op: { token: string; id: string }

const ok = okBody
const of = (conversationId: string) => (r: Received[]) =>
  r.filter((x) => x.event.conversationId === conversationId)

async function deliveries(id = endpointId, query = '') {
  return (await ok(s.http(`/api/webhooks/${id}/deliveries?limit=100${query}`, { token: admin })))
    .deliveries as any[]
}

beforeAll(async () => {
  clock = new FakeClock(Date.now())
  receiver = startReceiver()
  s = await startTestServer({
    clock,
    env: {
      WEBHOOK_ALLOW_HOSTS: '127.0.0.1',
      WEBHOOK_TIMEOUT_MS: '1000',
      // The fake clock walks days: sessions must outlive the walk.
      OPERATOR_SESSION_TTL: String(7 * 86400),
    },
  })
  admin = await s.adminToken()
  inboxId = await s.defaultInboxId()
  await ok(
    s.http(`/api/admin/inboxes/${inboxId}`, {
      method: 'PATCH',
      token: admin,
      body: { settings: { rating: 'stars' } },
    }),
  )
  op = await s.operator()
})

afterAll(async () => {
  await s?.stop()
  receiver?.stop()
})

describe('endpoints', () => {
  test('an admin makes one; its secret is shown once; bad targets and bad input are refused', async () => {
    const created = await s.http('/api/webhooks', {
      token: admin,
      body: { inboxId, url: receiver.url, events: [...ALL_EVENTS].reverse(), description: 'CRM' },
    })
    expect(created.status).toBe(201)
    secret = created.body.secret
    endpointId = created.body.endpoint.id
    expect(secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/)
    expect(created.body.endpoint).toMatchObject({
      inboxId,
      url: receiver.url,
      description: 'CRM',
      events: ALL_EVENTS,
      enabled: true,
      status: 'active',
      secretHint: secret.slice(-4),
      pending: 0,
    })
    const listed = await s.http(`/api/webhooks?inboxId=${inboxId}`, { token: admin })
    expect(listed.body.endpoints.map((e: { id: string }) => e.id)).toEqual([endpointId])
    expect(JSON.stringify(listed.body)).not.toContain(secret.slice(6, 30))

    const refused = {
      'ftp://127.0.0.1/hook': 'https:// or http://',
      'http://user:pw@127.0.0.1/hook': 'user name or password',
      'http://10.0.0.1/hook': 'private network address',
      'http://169.254.169.254/latest/meta-data': 'private network address',
      'http://[::1]:9/hook': 'private network address',
      'http://[::ffff:192.168.1.1]/hook': 'private network address',
      'https://no-such-host.invalid/hook': 'does not resolve',
      'not a url': 'not valid',
    }
    for (const [url, message] of Object.entries(refused)) {
      const res = await s.http('/api/webhooks', {
        token: admin,
        body: { inboxId, url, events: ['message.created'] },
      })
      expect({ url, status: res.status, code: res.body.error?.code }).toEqual({
        url,
        status: 422,
        code: 'validation_failed',
      })
      expect(res.body.error.message).toContain(message)
    }
    for (const body of [
      { inboxId, url: receiver.url, events: [] },
      { inboxId, url: receiver.url, events: ['message.exploded'] },
      { inboxId, url: receiver.url, events: ['message.created'], secret: 'mine' },
      { inboxId, url: `${receiver.url}?${'x'.repeat(2100)}`, events: ['message.created'] },
    ]) {
      expect((await s.http('/api/webhooks', { token: admin, body })).status).toBe(422)
    }
    const unknownInbox = await s.http('/api/webhooks', {
      token: admin,
      body: { inboxId: 'no-such-inbox', url: receiver.url, events: ['message.created'] },
    })
    expect(unknownInbox.status).toBe(404)
    // Not an admin: nothing.
    expect((await s.http('/api/webhooks', { token: op.token })).status).toBe(403)
    expect(
      (
        await s.http('/api/webhooks', {
          token: op.token,
          body: { inboxId, url: receiver.url, events: ['message.created'] },
        })
      ).status,
    ).toBe(403)
    expect(
      (await s.http(`/api/webhooks/${endpointId}/deliveries`, { token: op.token })).status,
    ).toBe(403)
    const after = await s.http('/api/webhooks', { token: admin })
    expect(after.body.endpoints).toHaveLength(1)
  })
})

describe('delivery', () => {
  test('chat events arrive signed, in log order, once each; notes never', async () => {
    const { id, token } = await httpStart(s, undefined, 'hello, my order is late')
    await ok(
      s.http(`/api/conversations/${id}/assign`, { token: op.token, body: { operatorId: op.id } }),
    )
    const reply = await httpSend(s, op.token, id, 'r1', 'Looking into it')
    await ok(
      s.http(`/api/conversations/${id}/messages/${reply.messageId}`, {
        method: 'PATCH',
        token: op.token,
        body: { text: 'Looking into it now' },
      }),
    )
    const oops = await httpSend(s, op.token, id, 'r2', 'wrong chat, sorry')
    await ok(
      s.http(`/api/conversations/${id}/messages/${oops.messageId}`, {
        method: 'DELETE',
        token: op.token,
      }),
    )
    await ok(
      s.http(`/api/conversations/${id}/notes`, {
        token: op.token,
        body: { clientMsgId: 'n1', text: 'secret-note-text vip customer' },
      }),
    )
    await ok(
      s.http(`/api/conversations/${id}/status`, { token: op.token, body: { status: 'resolved' } }),
    )
    await ok(
      s.http(`/api/conversations/${id}/rating`, { token, body: { score: 5, comment: 'great' } }),
    )
    await ok(
      s.http(`/api/conversations/${id}/status`, { token: op.token, body: { status: 'open' } }),
    )
    await ok(
      s.http(`/api/conversations/${id}/status`, { token: op.token, body: { status: 'closed' } }),
    )
    await s.webhooks.drain()

    const got = of(id)(receiver.received)
    expect(got.map((r) => r.event.type)).toEqual([
      'conversation.created',
      'message.created',
      'conversation.assigned',
      'message.created',
      'message.updated',
      'message.created',
      'message.deleted',
      'conversation.resolved',
      'conversation.rated',
      'conversation.reopened',
      'conversation.closed',
    ])
    // One request per event, each id once, the ids the log's positions.
    expect(new Set(got.map((r) => r.event.id)).size).toBe(got.length)
    const seqs = got.map((r) => Number(r.event.id.split('.')[1]))
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b))
    for (const r of got) {
      expect(r.headers['content-type']).toBe('application/json')
      expect(r.headers['parley-event-id']).toBe(r.event.id)
      expect(r.headers['parley-event-type']).toBe(r.event.type)
      expect(r.headers['parley-delivery-attempt']).toBe('1')
      expect(verifySignature(r.headers['parley-signature'] ?? '', r.raw, secret, clock.now())).toBe(
        true,
      )
      // Another secret, another body, an old timestamp: refused.
      expect(
        verifySignature(r.headers['parley-signature'] ?? '', r.raw, 'whsec_other', clock.now()),
      ).toBe(false)
      expect(
        verifySignature(r.headers['parley-signature'] ?? '', `${r.raw} `, secret, clock.now()),
      ).toBe(false)
      expect(
        verifySignature(r.headers['parley-signature'] ?? '', r.raw, secret, clock.now() + 600_000),
      ).toBe(false)
      expect(r.event.inboxId).toBe(inboxId)
      expect(r.event.data.conversation.id).toBe(id)
    }
    expect(got.some((r) => r.raw.includes('secret-note-text'))).toBe(false)
    const [created, visitorMessage, assigned, replyEvent, edited] = got
    expect(created?.event.data.visitor.id).toBeString()
    expect(visitorMessage?.event.data.message).toMatchObject({
      text: 'hello, my order is late',
      author: { kind: 'visitor' },
    })
    expect(assigned?.event.data).toMatchObject({ assigneeId: op.id, reason: 'manual' })
    expect(replyEvent?.event.data.message.author).toEqual({ kind: 'operator', id: op.id })
    expect(edited?.event.data.message.text).toBe('Looking into it now')
    expect(got[6]?.event.data.message).toMatchObject({ id: oops.messageId, text: '' })
    expect(got[8]?.event.data.rating).toMatchObject({ score: 5, comment: 'great' })

    const log = await deliveries()
    expect(log.filter((d) => d.conversationId === id).every((d) => d.status === 'delivered')).toBe(
      true,
    )
    expect(log[0]).toMatchObject({
      attempts: 1,
      responseStatus: 200,
      responseSnippet: 'ok',
      error: null,
    })
    // A delivered row keeps no body.
    const dump = await rawTableDump(s)
    expect(dump.webhook_deliveries).not.toContain('hello, my order is late')
    expect(dump.webhook_outbox ?? '').toBe('')
  })

  test('triage is reported: priority, labels, attributes, snooze and its wake (issue 20)', async () => {
    const { id, token } = await httpStart(s, undefined, 'need help with billing')
    const label = (
      await ok(
        s.http(`/api/admin/inboxes/${inboxId}/labels`, {
          token: admin,
          body: { name: 'Billing', color: '#225588' },
        }),
      )
    ).label
    await ok(
      s.http(`/api/conversations/${id}/priority`, { token: op.token, body: { priority: 'high' } }),
    )
    await ok(
      s.http(`/api/conversations/${id}/labels`, { token: op.token, body: { add: [label.id] } }),
    )
    await ok(
      s.http(`/api/admin/inboxes/${inboxId}/attributes`, {
        token: admin,
        body: { scope: 'conversation', key: 'order_no', name: 'Order', type: 'text' },
      }),
    )
    await ok(
      s.http(`/api/conversations/${id}/attributes`, {
        token: op.token,
        method: 'PATCH',
        body: { attributes: { order_no: 'A-17' } },
      }),
    )
    await ok(s.http(`/api/conversations/${id}/snooze`, { token: op.token, body: {} }))
    await httpSend(s, token, id, 'v2', 'are you there?')
    await s.webhooks.drain()
    const got = of(id)(receiver.received).map((r) => r.event)
    expect(got.map((e) => e.type)).toEqual([
      'conversation.created',
      'message.created',
      'conversation.priority_changed',
      'conversation.labels_changed',
      'conversation.attributes_changed',
      'conversation.snoozed',
      'conversation.snoozed',
      'message.created',
    ])
    const [, , priority, labels, attributes, snoozed, woke] = got
    expect(priority?.data).toMatchObject({
      priority: 'high',
      previous: 'normal',
      by: { kind: 'operator', id: op.id },
      conversation: { id },
    })
    expect(labels?.data).toMatchObject({ labels: [label.id], added: [label.id], removed: [] })
    expect(attributes?.data).toMatchObject({
      changed: { order_no: 'A-17' },
      by: { kind: 'operator', id: op.id },
      conversation: { id, attributes: { order_no: 'A-17' } },
    })
    expect(snoozed?.data.snooze).toEqual({ until: null })
    expect(woke?.data).toMatchObject({ snooze: null, by: { kind: 'visitor' } })
  })

  test('an SLA breach is reported once, with its kind and deadline (issue 20)', async () => {
    const { id } = await httpStart(s, undefined, 'waiting for an answer')
    const policy = (
      await ok(
        s.http(`/api/admin/inboxes/${inboxId}/sla-policies`, {
          token: admin,
          body: { name: 'Webhook SLA', resolutionMinutes: 5 },
        }),
      )
    ).policy
    const applied = await ok(
      s.http(`/api/conversations/${id}/sla`, {
        token: op.token,
        method: 'PUT',
        body: { policyId: policy.id },
      }),
    )
    const due = applied.sla.resolutionDue as number
    await clock.advance(due - clock.now())
    await waitUntil('the breach is in the log', async () =>
      (await s.store.conversations.eventsAfter(id, 0, 100)).some(
        (e) => e.name === 'conversation.sla' && e.data.change === 'breached',
      ),
    )
    await s.webhooks.drain()
    const got = of(id)(receiver.received).filter(
      (r) => r.event.type === 'conversation.sla_breached',
    )
    expect(got).toHaveLength(1)
    expect(got[0]?.event.data).toMatchObject({
      kind: 'resolution',
      due,
      conversation: { id },
      sla: { policyId: policy.id, resolutionDue: null },
    })
  })

  test('an offline request is reported as such, with its contact and message', async () => {
    const visitor = await s.visitorToken(inboxId)
    await ok(
      s.http('/api/visitor/offline-requests', {
        token: visitor.token,
        body: { name: 'Ada L', email: 'ada@example.com', text: 'please call me back' },
      }),
    )
    await s.webhooks.drain()
    const request = receiver.received.find(
      (r) =>
        r.event.type === 'offline_request.created' && r.event.data.visitor.id === visitor.visitorId,
    )
    expect(request?.event.data).toMatchObject({
      visitor: { name: 'Ada L', email: 'ada@example.com' },
      message: { text: 'please call me back' },
      conversation: { offline: true },
    })
    expect(request?.event.id).toEndWith('.offline_request')
    const created = receiver.received.filter(
      (r) => r.event.conversationId === request?.event.conversationId,
    )
    expect(created.map((r) => r.event.type)).toEqual([
      'conversation.created',
      'offline_request.created',
      'message.created',
    ])
  })

  test('a failing receiver: backoff, the queue waits for its head, then it goes through in order', async () => {
    let failing = true
    receiver.respond = () =>
      failing ? new Response('down for maintenance', { status: 503 }) : new Response('ok')
    const { id, token } = await httpStart(s, undefined, 'first')
    await httpSend(s, token, id, 'm2', 'second')
    await s.webhooks.drain()
    // Only the head was tried; the rest wait behind it.
    expect(of(id)(receiver.received).map((r) => r.event.type)).toEqual(['conversation.created'])
    let log = (await deliveries()).filter((d) => d.conversationId === id)
    const head = log.find((d) => d.type === 'conversation.created')
    expect(head).toMatchObject({
      status: 'pending',
      attempts: 1,
      responseStatus: 503,
      responseSnippet: 'down for maintenance',
      error: 'HTTP 503',
    })
    expect(head.nextAttemptAt - clock.now()).toBeGreaterThanOrEqual(24_000)
    expect(head.nextAttemptAt - clock.now()).toBeLessThanOrEqual(36_000)
    expect(log.filter((d) => d.attempts === 0)).toHaveLength(2)
    // The retry after its backoff, failing again: twice as long the next time.
    await clock.advance(head.nextAttemptAt - clock.now())
    await s.webhooks.drain()
    log = (await deliveries()).filter((d) => d.conversationId === id)
    const again = log.find((d) => d.type === 'conversation.created')
    expect(again.attempts).toBe(2)
    expect(again.nextAttemptAt - clock.now()).toBeGreaterThanOrEqual(48_000)
    expect(of(id)(receiver.received).map((r) => r.event.type)).toEqual([
      'conversation.created',
      'conversation.created',
    ])
    const endpoint = (await ok(s.http(`/api/webhooks/${endpointId}`, { token: admin }))).endpoint
    expect(endpoint).toMatchObject({ status: 'active', lastError: 'HTTP 503', pending: 3 })
    failing = false
    await clock.advance(again.nextAttemptAt - clock.now())
    await s.webhooks.drain()
    const got = of(id)(receiver.received)
    expect(got.map((r) => [r.event.type, r.headers['parley-delivery-attempt']])).toEqual([
      ['conversation.created', '1'],
      ['conversation.created', '2'],
      ['conversation.created', '3'],
      ['message.created', '1'],
      ['message.created', '1'],
    ])
    expect(got.slice(3).map((r) => r.event.data.message.text)).toEqual(['first', 'second'])
    expect(got[0]?.event.id).toBe(got[2]?.event.id)
  })

  test('past the retry window a delivery fails and the endpoint shows failing, until a success', async () => {
    receiver.respond = () => new Response('nope', { status: 500 })
    const { id } = await httpStart(s, undefined, 'anyone there?')
    await s.webhooks.drain()
    // Walk a day and a bit, retry by retry.
    for (let i = 0; i < 200; i++) {
      const pending = (await deliveries(endpointId, '&status=pending')).filter(
        (d) => d.conversationId === id,
      )
      const next = Math.min(...pending.map((d) => d.nextAttemptAt))
      if (pending.length === 0 || !Number.isFinite(next)) break
      await clock.advance(Math.max(0, next - clock.now()))
      await s.webhooks.drain()
    }
    const log = (await deliveries()).filter((d) => d.conversationId === id)
    expect(log.map((d) => d.status)).toEqual(['failed', 'failed'])
    const head = log.find((d) => d.type === 'conversation.created')
    // Backoff doubling to an hour: about 30 attempts in 24 hours.
    expect(head.attempts).toBeGreaterThan(20)
    expect(head.attempts).toBeLessThan(40)
    let endpoint = (await ok(s.http(`/api/webhooks/${endpointId}`, { token: admin }))).endpoint
    expect(endpoint.status).toBe('failing')
    expect(endpoint.failingSince).toBeNumber()
    expect(endpoint.lastError).toBe('HTTP 500')
    receiver.respond = () => new Response('ok')
    await httpStart(s, undefined, 'back again')
    await s.webhooks.drain()
    endpoint = (await ok(s.http(`/api/webhooks/${endpointId}`, { token: admin }))).endpoint
    expect(endpoint).toMatchObject({ status: 'active', failingSince: null })
    // A failed delivery can be sent again by hand: same id, a new attempt.
    const redelivered = await ok(
      s.http(
        `/api/webhooks/${endpointId}/deliveries/${encodeURIComponent(head.eventId)}/redeliver`,
        { token: admin, body: {} },
      ),
    )
    expect(redelivered.delivery).toMatchObject({ status: 'pending', eventId: head.eventId })
    await s.webhooks.drain()
    const last = receiver.received.at(-1)
    expect(last?.event.id).toBe(head.eventId)
    expect(Number(last?.headers['parley-delivery-attempt'])).toBe(head.attempts + 1)
    expect((await deliveries()).find((d) => d.eventId === head.eventId).status).toBe('delivered')
  })

  test('redirects, timeouts and huge answers are failures, read no further than a snippet', async () => {
    const { id } = await httpStart(s, undefined, 'redirect me')
    receiver.respond = () =>
      new Response(null, { status: 302, headers: { location: 'http://169.254.169.254/' } })
    await s.webhooks.drain()
    let head = (await deliveries()).find((d) => d.conversationId === id && d.attempts === 1)
    expect(head).toMatchObject({
      status: 'pending',
      responseStatus: 302,
      error: 'redirect refused (to http://169.254.169.254/)',
    })
    // Only the receiver was asked: a redirect is not followed.
    expect(of(id)(receiver.received)).toHaveLength(1)
    receiver.respond = async () => {
      await Bun.sleep(3000)
      return new Response('late')
    }
    await clock.advance(head.nextAttemptAt - clock.now())
    await s.webhooks.drain()
    head = (await deliveries()).find((d) => d.eventId === head.eventId)
    expect(head).toMatchObject({ attempts: 2, responseStatus: null, error: 'timed out after 1 s' })
    expect(head.responseMs).toBeGreaterThanOrEqual(900)
    expect(head.responseMs).toBeLessThan(2900)
    receiver.respond = () => new Response('x'.repeat(5_000_000), { status: 500 })
    await clock.advance(head.nextAttemptAt - clock.now())
    await s.webhooks.drain()
    head = (await deliveries()).find((d) => d.eventId === head.eventId)
    expect(head.attempts).toBe(3)
    expect(head.responseSnippet).toBe('x'.repeat(500))
    receiver.respond = () => new Response('ok')
    await clock.advance(head.nextAttemptAt - clock.now())
    await s.webhooks.drain()
    expect((await deliveries()).find((d) => d.eventId === head.eventId).status).toBe('delivered')
  })

  test('a test event, a rotation signing with both secrets, then disabled gets nothing', async () => {
    const ping = await ok(s.http(`/api/webhooks/${endpointId}/ping`, { token: admin, body: {} }))
    expect(ping.delivery).toMatchObject({ type: 'ping', status: 'pending' })
    await s.webhooks.drain()
    const pinged = receiver.received.find((r) => r.event.id === ping.delivery.eventId)
    expect(pinged?.event).toMatchObject({
      type: 'ping',
      conversationId: null,
      data: { endpointId },
    })
    const rotated = await ok(
      s.http(`/api/webhooks/${endpointId}/rotate-secret`, {
        token: admin,
        body: { overlapHours: 2 },
      }),
    )
    expect(rotated.secret).not.toBe(secret)
    expect(rotated.endpoint.previousSecretUntil).toBe(clock.now() + 2 * 3_600_000)
    const { id } = await httpStart(s, undefined, 'after the rotation')
    await s.webhooks.drain()
    const signed = of(id)(receiver.received)[0]
    const header = signed?.headers['parley-signature'] ?? ''
    expect(header.match(/v1=/g)).toHaveLength(2)
    expect(verifySignature(header, signed?.raw ?? '', rotated.secret, clock.now())).toBe(true)
    expect(verifySignature(header, signed?.raw ?? '', secret, clock.now())).toBe(true)
    // After the overlap only the new one signs.
    await clock.advance(2 * 3_600_000 + 1000)
    const later = await httpStart(s, undefined, 'much later')
    await s.webhooks.drain()
    const newest = of(later.id)(receiver.received)[0]
    expect(newest?.headers['parley-signature']?.match(/v1=/g)).toHaveLength(1)
    expect(
      verifySignature(
        newest?.headers['parley-signature'] ?? '',
        newest?.raw ?? '',
        secret,
        clock.now(),
      ),
    ).toBe(false)
    secret = rotated.secret

    const disabled = await ok(
      s.http(`/api/webhooks/${endpointId}`, {
        method: 'PATCH',
        token: admin,
        body: { enabled: false },
      }),
    )
    expect(disabled.endpoint.status).toBe('disabled')
    const before = receiver.received.length
    await httpStart(s, undefined, 'nobody listens')
    await s.webhooks.drain()
    expect(receiver.received.length).toBe(before)
    expect(await s.store.webhooks.marks(10)).toEqual([])
    await ok(
      s.http(`/api/webhooks/${endpointId}`, {
        method: 'PATCH',
        token: admin,
        body: { enabled: true },
      }),
    )
  })

  test('an erasure cancels what was not sent, and nothing of it leaves afterwards', async () => {
    receiver.respond = () => new Response('busy', { status: 503 })
    const visitor = await s.visitorToken(inboxId)
    const { id } = await httpStart(s, visitor.token, 'my passport number is QX-erasable-771')
    await s.webhooks.drain()
    expect(
      (await deliveries(endpointId, '&status=pending')).some((d) => d.conversationId === id),
    ).toBe(true)
    await ok(s.http(`/api/admin/visitors/${visitor.visitorId}/erase`, { token: admin, body: {} }))
    // Whatever the conversation logged and was not fanned out yet goes nowhere either.
    await s.webhooks.drain()
    const log = (await deliveries()).filter((d) => d.conversationId === id)
    expect(log.length).toBeGreaterThan(0)
    expect(log.filter((d) => !(d.status === 'cancelled' && d.error === 'erased'))).toEqual([])
    receiver.respond = () => new Response('ok')
    await clock.advance(3_600_000)
    await s.webhooks.drain()
    const dump = await rawTableDump(s)
    expect(dump.webhook_deliveries).not.toContain('QX-erasable-771')
    const sentAfter = of(id)(receiver.received).filter((r) => r.raw.includes('QX-erasable-771'))
    // Only the failed first attempt (before the erasure) ever carried it.
    expect(sentAfter.length).toBeLessThanOrEqual(1)
  })

  test('an endpoint of another inbox; deleting one removes it and its log', async () => {
    const other = await ok(
      s.http('/api/admin/inboxes', { token: admin, body: { name: 'Other inbox' } }),
    )
    const otherInbox = other.inbox?.id ?? other.id
    const limited = await s.operator({ role: 'admin', inboxIds: [inboxId] })
    const made = await ok(
      s.http('/api/webhooks', {
        token: admin,
        body: { inboxId: otherInbox, url: receiver.url, events: ['message.created'] },
      }),
    )
    // With ELEVATED_SCOPE=all (the default) an admin's scope is every inbox.
    const res = await s.http(`/api/webhooks/${made.endpoint.id}`, { token: limited.token })
    expect(res.status).toBe(200)
    expect(
      (await s.http(`/api/webhooks/${made.endpoint.id}`, { method: 'DELETE', token: admin }))
        .status,
    ).toBe(204)
    expect((await s.http(`/api/webhooks/${made.endpoint.id}`, { token: admin })).status).toBe(404)
    expect(
      (await s.http(`/api/webhooks/${made.endpoint.id}/deliveries`, { token: admin })).status,
    ).toBe(404)
  })
})

describe('erasure and the outbox', () => {
  test('what an erased conversation logged but had not fanned out yet is never sent', async () => {
    const rx = startReceiver()
    const local = await startTestServer({ env: { WEBHOOK_ALLOW_HOSTS: '127.0.0.1' } })
    try {
      const token = await local.adminToken()
      const inbox = await local.defaultInboxId()
      await ok(
        local.http('/api/webhooks', {
          token,
          body: { inboxId: inbox, url: rx.url, events: ALL_EVENTS },
        }),
      )
      const visitor = await local.visitorToken(inbox)
      const { id } = await httpStart(local, visitor.token, 'first words')
      await local.webhooks.drain()
      const before = (await local.http(`/api/webhooks?inboxId=${inbox}`, { token })).body
      const endpoint = before.endpoints[0].id as string
      const list = async () =>
        (
          await ok(local.http(`/api/webhooks/${endpoint}/deliveries?limit=100`, { token }))
        ).deliveries.filter((d: { conversationId: string }) => d.conversationId === id)
      const sent = await list()
      expect(sent.length).toBeGreaterThan(0)
      // Nothing fans out on its own from here: the next message is logged, not yet sent.
      await local.webhooks.stop()
      await httpSend(local, visitor.token, id, 'late', 'my card is QX-late-553')
      await ok(local.http(`/api/admin/visitors/${visitor.visitorId}/erase`, { token, body: {} }))
      await local.webhooks.drain()
      expect(await list()).toEqual(sent)
      expect((await rawTableDump(local)).webhook_deliveries).not.toContain('QX-late-553')
      expect(rx.received.some((r) => r.raw.includes('QX-late-553'))).toBe(false)
    } finally {
      await local.stop()
      rx.stop()
    }
  })
})
