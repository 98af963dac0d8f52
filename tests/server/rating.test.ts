/**
 * Ratings (C10) through the real server, on SQLite or Postgres (PARLEY_TEST_DB): off by
 * default; once an admin picks a scale, the visitor rates a resolved conversation over the
 * socket or HTTP, the rating is an event everyone subscribed sees, it can be changed for 7
 * days, a new resolution takes a new rating, and every bad score or caller is refused with a
 * typed error that stores nothing.
 */
import { describe, expect, test } from 'bun:test'
import { FakeClock } from '../../actors/index.ts'
import { useServers } from '../helpers/lifecycle.ts'
import { Observer, signIn } from '../helpers/routing.ts'
import type { TestServer } from '../helpers/server.ts'

const u = useServers()
const DAY = 24 * 3600_000

async function setScale(s: TestServer, rating: string) {
  const inboxId = await s.defaultInboxId()
  const res = await s.http(`/api/admin/inboxes/${inboxId}`, {
    method: 'PATCH',
    token: await s.adminToken(),
    body: { settings: { rating } },
  })
  expect(res.status).toBe(200)
}

/** A visitor's conversation, answered and resolved by an operator; the visitor's socket. */
async function resolvedConversation(s: TestServer) {
  const obs = await Observer.create(u, s)
  const a = await signIn(u, s)
  const { token } = await s.visitorToken()
  const visitor = await u.client(s, token)
  const started = await visitor.ok({ type: 'start', clientMsgId: 'c-1', text: 'help' })
  const id = started.conversation.id as string
  await obs.routed(id)
  await a.tab.ok({ type: 'send', conversationId: id, clientMsgId: 'a-1', text: 'Done!' })
  await a.tab.ok({ type: 'set_status', conversationId: id, status: 'resolved' })
  return { id, token, visitor, operator: a, obs }
}

describe('ratings (C10)', () => {
  test('rating - off by default: refused, nothing stored', async () => {
    const s = await u.server()
    const { id, visitor, obs } = await resolvedConversation(s)
    const res = await visitor.request({ type: 'rate', conversationId: id, score: 5 })
    expect(res).toMatchObject({ type: 'error', code: 'conflict' })
    expect((await obs.log(id)).some((e) => e.name === 'conversation.rated')).toBe(false)
  })

  test('rating - stars: rated after resolve, seen live by the operator, changed within 7 days, not after', async () => {
    const clock = new FakeClock()
    const s = await u.server({ clock })
    await setScale(s, 'stars')
    const availability = await s.http(
      `/api/visitor/availability?inboxId=${await s.defaultInboxId()}`,
    )
    expect(availability.body.rating).toBe('stars')
    const { id, token, visitor, operator, obs } = await resolvedConversation(s)
    await operator.tab.ok({ type: 'subscribe', conversationId: id, afterSeq: 0 })
    const seen = operator.tab.next((f) => f.type === 'event' && f.name === 'conversation.rated')

    const rated = await visitor.ok({
      type: 'rate',
      conversationId: id,
      score: 4,
      comment: '  Quick and kind  ',
    })
    expect(rated.rating).toMatchObject({
      scale: 'stars',
      score: 4,
      comment: 'Quick and kind',
      firstRatedAt: clock.now(),
    })
    const event = await seen
    expect(event.data).toMatchObject({ rating: rated.rating, by: { kind: 'visitor' } })
    expect(event.seq).toBe(rated.seq)
    // The operators leave before days pass: a connected operator's presence is confirmed every
    // minute of fake time (11,520 store writes over these 8 days, 20 s under CI's load).
    for (const tab of [operator.tab, obs.tab]) tab.close()
    await Promise.all([operator.tab.waitClosed(), obs.tab.waitClosed()])

    // Changed over HTTP, then over the socket two days later: the same resolution, the first
    // time kept.
    const changed = await s.http(`/api/conversations/${id}/rating`, {
      token,
      body: { score: 5, comment: null },
    })
    expect(changed.status).toBe(200)
    expect(changed.body.rating).toMatchObject({
      score: 5,
      comment: null,
      resolutionSeq: rated.rating.resolutionSeq,
      firstRatedAt: rated.rating.firstRatedAt,
    })
    await clock.advance(2 * DAY)
    const later = await visitor.ok({ type: 'rate', conversationId: id, score: 3 })
    expect(later.rating).toMatchObject({ score: 3, firstRatedAt: rated.rating.firstRatedAt })

    await clock.advance(6 * DAY)
    const late = await visitor.request({ type: 'rate', conversationId: id, score: 1 })
    expect(late).toMatchObject({ type: 'error', code: 'conflict' })
  })

  test('rating - a reopened and again resolved conversation takes a new rating; a declined one is stored as null', async () => {
    const s = await u.server()
    await setScale(s, 'nps')
    const { id, visitor, operator } = await resolvedConversation(s)
    const first = await visitor.ok({ type: 'rate', conversationId: id, score: null })
    expect(first.rating.score).toBeNull()

    // Writing again reopens it: no rating while open.
    await visitor.ok({ type: 'send', conversationId: id, clientMsgId: 'c-2', text: 'one more' })
    const open = await visitor.request({ type: 'rate', conversationId: id, score: 9 })
    expect(open).toMatchObject({ type: 'error', code: 'conflict' })
    await operator.tab.ok({ type: 'set_status', conversationId: id, status: 'closed' })
    const second = await visitor.ok({ type: 'rate', conversationId: id, score: 10 })
    expect(second.rating.resolutionSeq).toBeGreaterThan(first.rating.resolutionSeq)
    expect(second.rating).toMatchObject({ scale: 'nps', score: 10 })
  })

  test('rating - bad scores, long comments, operators and strangers are refused and store nothing', async () => {
    const s = await u.server()
    await setScale(s, 'thumbs')
    const { id, visitor, operator, obs } = await resolvedConversation(s)
    const refusals: Array<[Record<string, unknown>, string]> = [
      [{ score: 2 }, 'validation_failed'],
      [{ score: 0.5 }, 'validation_failed'],
      [{ score: -1 }, 'validation_failed'],
      [{ score: '1' }, 'validation_failed'],
      [{ score: 1, comment: 'x'.repeat(1001) }, 'validation_failed'],
      [{}, 'validation_failed'],
    ]
    for (const [fields, code] of refusals) {
      const res = await visitor.request({ type: 'rate', conversationId: id, ...fields })
      expect(res).toMatchObject({ type: 'error', code })
    }
    const byOperator = await operator.tab.request({ type: 'rate', conversationId: id, score: 1 })
    expect(byOperator).toMatchObject({ type: 'error', code: 'forbidden' })
    const { token: strangerToken } = await s.visitorToken()
    const stranger = await u.client(s, strangerToken)
    const foreign = await stranger.request({ type: 'rate', conversationId: id, score: 1 })
    expect(foreign).toMatchObject({ type: 'error', code: 'not_found' })
    expect((await obs.log(id)).some((e) => e.name === 'conversation.rated')).toBe(false)

    const badSetting = await s.http(`/api/admin/inboxes/${await s.defaultInboxId()}`, {
      method: 'PATCH',
      token: await s.adminToken(),
      body: { settings: { rating: 'emoji' } },
    })
    expect(badSetting.status).toBe(422)
  })
})
