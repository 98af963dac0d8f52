/**
 * Web Push to operators (issue 20), against a push service on loopback that checks every
 * push's VAPID signature and decrypts its payload with the browser keys it made: the
 * encryption matches RFC 8291's worked example byte for byte; operators register browsers
 * (bad keys, private endpoints, visitors and API tokens refused); the installation's keys are
 * made once and survive a restart; mentions, new conversations, assignments and visitor
 * messages reach the right operators (none while busy); a push service's 5xx is retried later
 * and its 410 removes the subscription. On SQLite or Postgres (PARLEY_TEST_DB).
 */
import { afterAll, describe, expect, test } from 'bun:test'
import { FakeClock } from '../../actors/index.ts'
import { encryptPayload, vapidAuthorization } from '../../server/push/crypto.ts'
import { httpSend, httpStart } from '../helpers/http.ts'
import { useServers } from '../helpers/lifecycle.ts'
import { waitUntil } from '../helpers/processes.ts'
import { startPushService, vapidProblem } from '../helpers/push-endpoint.ts'
import type { TestServer } from '../helpers/server.ts'

const u = useServers()
const service = startPushService()
afterAll(() => service.stop())

const ENV = { WEBHOOK_ALLOW_HOSTS: '127.0.0.1' }

async function ok(res: Promise<{ status: number; body: any }>, status = 200) {
  const r = await res
  if (r.status !== status) throw new Error(`${r.status} ${JSON.stringify(r.body)}`)
  return r.body
}

function register(s: TestServer, token: string, sub: unknown) {
  return s.http('/api/me/push/subscriptions', { token, body: sub })
}

/** Sends what is due and waits until `n` pushes reached the endpoint. */
async function pushed(s: TestServer, endpoint: string, n: number) {
  await waitUntil(`${n} pushes to ${endpoint}`, async () => {
    await s.push.drain()
    return service.messagesTo(endpoint).length >= n
  })
  return service.messagesTo(endpoint)
}

describe('Web Push (issue 20)', () => {
  test('push crypto - RFC 8291 worked example byte for byte; the VAPID header verifies', () => {
    // RFC 8291, Appendix A.
    const body = encryptPayload(
      Buffer.from('When I grow up, I want to be a watermelon'),
      {
        p256dh:
          'BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4',
        auth: 'BTBZMqHH6r4Tts7J_aSIgg',
      },
      {
        salt: Buffer.from('DGv6ra1nlYgDCS1FRnbzlw', 'base64url'),
        senderPrivateKey: Buffer.from('yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw', 'base64url'),
      },
    )
    expect(body.toString('base64url')).toBe(
      'DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A_yl95bQpu6cVPTpK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxsj_Qulcy4a-fN',
    )
    const keys = {
      publicKey:
        'BP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A8',
      privateKey: 'yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw',
    }
    const now = Date.now()
    const header = vapidAuthorization('https://push.example.net/x/y', keys, 'mailto:a@b.c', now)
    expect(vapidProblem(header, 'https://push.example.net', now)).toBeNull()
    expect(vapidProblem(header, 'https://other.example.net', now)).toContain('aud')
    const forged = header.replace(/k=\S+$/, `k=${'B'.repeat(87)}`)
    expect(vapidProblem(forged, 'https://push.example.net', now)).not.toBeNull()
  })

  test('push subscriptions - operators register browsers; bad keys, private endpoints, visitors and API tokens are refused; the keys survive a restart', async () => {
    const first = await u.server({ env: ENV })
    const inboxId = await first.defaultInboxId()
    const op = await first.operator({ inboxIds: [inboxId] })
    const state = await ok(first.http('/api/me/push', { token: op.token }))
    expect(Buffer.from(state.publicKey, 'base64url')).toHaveLength(65)
    expect(state.subscriptions).toEqual([])
    const sub = service.subscription()
    const made = await ok(register(first, op.token, sub), 201)
    expect(made.subscription).toMatchObject({ origin: service.origin })
    // Again: the same one.
    expect((await ok(register(first, op.token, sub), 201)).subscription.id).toBe(
      made.subscription.id,
    )
    for (const bad of [
      { ...sub, keys: { ...sub.keys, p256dh: Buffer.alloc(65, 4).toString('base64url') } },
      { ...sub, keys: { ...sub.keys, auth: 'c2hvcnQ' } },
      { ...sub, endpoint: 'http://10.1.2.3/push/x' },
      { ...sub, endpoint: 'ftp://127.0.0.1/x' },
      { endpoint: sub.endpoint },
    ]) {
      expect((await register(first, op.token, bad)).status, JSON.stringify(bad)).toBe(422)
    }
    const visitor = await first.visitorToken(inboxId)
    expect((await register(first, visitor.token, service.subscription())).status).toBe(403)
    const pat = await ok(
      first.http('/api/tokens', {
        token: await first.adminToken(),
        body: { name: 'crm', scope: 'read' },
      }),
      201,
    )
    expect((await register(first, pat.secret, service.subscription())).status).toBe(403)
    const s = await u.restart(first)
    const again = await ok(s.http('/api/me/push', { token: op.token }))
    expect(again.publicKey).toBe(state.publicKey)
    expect(again.subscriptions.map((x: any) => x.id)).toEqual([made.subscription.id])
    await ok(
      s.http(`/api/me/push/subscriptions/${made.subscription.id}`, {
        token: op.token,
        method: 'DELETE',
      }),
    )
    expect((await ok(s.http('/api/me/push', { token: op.token }))).subscriptions).toEqual([])
    expect(
      (
        await s.http(`/api/me/push/subscriptions/${made.subscription.id}`, {
          token: op.token,
          method: 'DELETE',
        })
      ).status,
    ).toBe(404)
  })

  test('push delivery - mentions, new conversations and visitor messages reach the right browsers, signed and encrypted; busy operators get none', async () => {
    const s = await u.server({ env: ENV })
    const inboxId = await s.defaultInboxId()
    const anna = await s.operator({ inboxIds: [inboxId] })
    const ben = await s.operator({ inboxIds: [inboxId] })
    const carl = await s.operator({ inboxIds: [inboxId] })
    const annaSub = service.subscription()
    const benSub = service.subscription()
    const carlSub = service.subscription()
    await ok(register(s, anna.token, annaSub), 201)
    await ok(register(s, ben.token, benSub), 201)
    await ok(register(s, carl.token, carlSub), 201)
    await ok(
      s.http('/api/me/status', { token: carl.token, method: 'PUT', body: { status: 'busy' } }),
    )

    // A new conversation nobody has: the inbox's team (not the busy one).
    const conv = await httpStart(s, undefined, 'is anyone there?')
    const [created] = await pushed(s, annaSub.endpoint, 1)
    expect(created).toMatchObject({
      kind: 'new_conversation',
      conversationId: conv.id,
      title: 'New conversation',
      body: 'is anyone there?',
      url: `/panel/#c/${conv.id}`,
      tag: conv.id,
    })
    await pushed(s, benSub.endpoint, 1)

    // Anna takes it; a visitor message then goes to her only.
    await ok(
      s.http(`/api/conversations/${conv.id}/assign`, {
        token: anna.token,
        body: { operatorId: anna.id },
      }),
    )
    await httpSend(s, conv.token, conv.id, 'v2', 'my order #1042')
    const annas = await pushed(s, annaSub.endpoint, 2)
    expect(annas.at(-1)).toMatchObject({ kind: 'message', body: 'my order #1042' })

    // Ben mentions Carl and Anna in a note: Anna gets it, busy Carl does not.
    await ok(
      s.http(`/api/conversations/${conv.id}/notes`, {
        token: ben.token,
        body: { clientMsgId: 'n1', text: '@anna @carl look', mentions: [anna.id, carl.id] },
      }),
      201,
    )
    const mentioned = await pushed(s, annaSub.endpoint, 3)
    expect(mentioned.at(-1)).toMatchObject({ kind: 'mentioned', body: '@anna @carl look' })
    await s.push.drain()
    expect(service.messagesTo(carlSub.endpoint)).toEqual([])
    expect(service.messagesTo(benSub.endpoint).map((m: any) => m.kind)).toEqual([
      'new_conversation',
    ])
    // Every push to this service was signed and encrypted as it expects.
    expect(service.received.filter((r) => r.problem !== null)).toEqual([])
  })

  test('push subscribe later - an assignee without a subscription gets nothing; once registered, the next visitor message reaches the browser', async () => {
    const s = await u.server({ env: ENV })
    const inboxId = await s.defaultInboxId()
    const dana = await s.operator({ inboxIds: [inboxId] })
    const conv = await httpStart(s, undefined, 'hello?')
    await ok(
      s.http(`/api/conversations/${conv.id}/assign`, {
        token: dana.token,
        body: { operatorId: dana.id },
      }),
    )
    // No subscription yet: known as such after this message, and nothing is queued.
    await httpSend(s, conv.token, conv.id, 'v2', 'first')
    await waitUntil(
      'the assignee known to have no subscription',
      () => !s.push.mayNotify([dana.id]),
    )
    const sub = service.subscription()
    await ok(register(s, dana.token, sub), 201)
    // Registering on this node forgets what was known: the next message is pushed.
    expect(s.push.mayNotify([dana.id])).toBe(true)
    await httpSend(s, conv.token, conv.id, 'v3', 'second')
    const [got] = await pushed(s, sub.endpoint, 1)
    expect(got).toMatchObject({ kind: 'message', conversationId: conv.id, body: 'second' })
  })

  test("push quiet hours - none in the operator's quiet hours but a test; their zone, across midnight; bad spans are refused", async () => {
    // Monday 2026-12-07 22:30 in Moscow (19:30 UTC).
    const clock = new FakeClock(Date.parse('2026-12-07T19:30:00Z'))
    const s = await u.server({ env: ENV, clock })
    // A push service on the same clock: it checks the VAPID token's expiry against it.
    const service = startPushService({ now: () => clock.now() })
    const pushed = async (endpoint: string, n: number) => {
      await waitUntil(`${n} pushes to ${endpoint}`, async () => {
        await s.push.drain()
        return service.messagesTo(endpoint).length >= n
      })
      return service.messagesTo(endpoint)
    }
    try {
      const inboxId = await s.defaultInboxId()
      const anna = await s.operator({ inboxIds: [inboxId] })
      const ben = await s.operator({ inboxIds: [inboxId] })
      const annaSub = service.subscription()
      const benSub = service.subscription()
      await ok(register(s, anna.token, annaSub), 201)
      await ok(register(s, ben.token, benSub), 201)
      const quiet = (token: string, quietHours: unknown) =>
        s.http('/api/me/push/quiet-hours', { token, method: 'PUT', body: { quietHours } })
      for (const bad of [
        { from: '22:00', to: '22:00', timeZone: 'Europe/Moscow' },
        { from: '24:00', to: '08:00', timeZone: 'Europe/Moscow' },
        { from: '7:00', to: '08:00', timeZone: 'Europe/Moscow' },
        { from: '22:00', to: '08:00', timeZone: 'Mars/Olympus' },
        { from: '22:00', to: '08:00' },
      ]) {
        expect((await quiet(anna.token, bad)).status).toBe(422)
      }
      expect((await ok(s.http('/api/me/push', { token: anna.token }))).quietHours).toBeNull()
      const night = { from: '22:00', to: '08:00', timeZone: 'Europe/Moscow' }
      expect(await ok(quiet(anna.token, night))).toEqual({ quietHours: night })
      expect((await ok(s.http('/api/me/push', { token: anna.token }))).quietHours).toEqual(night)

      // 22:30 in Moscow: Ben is pushed, Anna is not; a test she asks for still reaches her.
      const first = await httpStart(s, undefined, 'late question')
      await pushed(benSub.endpoint, 1)
      await s.push.drain()
      expect(service.messagesTo(annaSub.endpoint)).toEqual([])
      await ok(s.http('/api/me/push/test', { token: anna.token, body: {} }))
      expect((await pushed(annaSub.endpoint, 1)).map((m: any) => m.kind)).toEqual(['test'])

      // 08:10 the next morning: out of her quiet hours.
      await clock.advance(9 * 60 * 60_000 + 40 * 60_000)
      const second = await httpStart(s, undefined, 'morning question')
      const annas = await pushed(annaSub.endpoint, 2)
      expect(annas.at(-1)).toMatchObject({ kind: 'new_conversation', conversationId: second.id })
      expect(first.id).not.toBe(second.id)

      // Null: pushes at any hour again.
      expect(await ok(quiet(anna.token, null))).toEqual({ quietHours: null })
    } finally {
      service.stop()
    }
  })

  test('push retries - a push service error is tried again later; a subscription it forgot is removed', async () => {
    const clock = new FakeClock(Date.now())
    const s = await u.server({ clock, env: ENV })
    const inboxId = await s.defaultInboxId()
    const op = await s.operator({ inboxIds: [inboxId] })
    const sub = service.subscription()
    await ok(register(s, op.token, sub), 201)
    service.answer(503)
    await ok(s.http('/api/me/push/test', { token: op.token, body: {} }))
    await waitUntil('the first attempt', async () => {
      await s.push.drain()
      return service.received.some((r) => r.path === new URL(sub.endpoint).pathname)
    })
    expect(service.messagesTo(sub.endpoint)).toHaveLength(1)
    // Not again before its backoff.
    await s.push.drain()
    expect(service.messagesTo(sub.endpoint)).toHaveLength(1)
    await clock.advance(10_000)
    const both = await pushed(s, sub.endpoint, 2)
    expect(both.map((m: any) => m.kind)).toEqual(['test', 'test'])
    // The service forgets it: the next push removes the subscription.
    service.expire(sub.endpoint)
    await ok(s.http('/api/me/push/test', { token: op.token, body: {} }))
    await waitUntil('the subscription is removed', async () => {
      await s.push.drain()
      return (await s.store.push.list(op.id)).length === 0
    })
    const none = await s.http('/api/me/push/test', { token: op.token, body: {} })
    expect(none.status).toBe(409)
  })

  test('push sessions - a browser signed out gets no more pushes: its subscription goes with its session', async () => {
    const s = await u.server({ env: ENV })
    const inboxId = await s.defaultInboxId()
    const op = await s.operator({ inboxIds: [inboxId] })
    const sub = service.subscription()
    await ok(register(s, op.token, sub), 201)
    await httpStart(s, undefined, 'first')
    await pushed(s, sub.endpoint, 1)
    await ok(s.http('/api/auth/logout', { token: op.token, body: {} }))
    await httpStart(s, undefined, 'second')
    await waitUntil('the subscription is removed', async () => {
      await s.push.drain()
      return (await s.store.push.list(op.id)).length === 0
    })
    expect(service.messagesTo(sub.endpoint)).toHaveLength(1)
  })
})
