/**
 * The operator actor through the real server (O2, O3, O4): status shared by every tab and
 * stored, presence with a grace period after the last connection, and the badge totals pushed
 * on the feed. Time-based behaviour runs on a FakeClock.
 */
import { describe, expect, test } from 'bun:test'
import { FakeClock } from '../../actors/index.ts'
import { httpSend } from '../helpers/http.ts'
import { useServers } from '../helpers/lifecycle.ts'
import {
  feedFrames,
  member,
  nextFeed,
  Observer,
  openTab,
  SECOND,
  signIn,
  visitorStarts,
  type Desk,
} from '../helpers/routing.ts'
import type { TestServer } from '../helpers/server.ts'

const u = useServers()

describe('operator status (O4)', () => {
  test('status - two tabs share it, over the socket and HTTP, and it survives a reconnect and a restart', async () => {
    const s = await u.server()
    const op = await member(s)
    const one = await openTab(u, s, op.token)
    const two = await openTab(u, s, op.token)
    expect(one.snapshot).toMatchObject({ status: 'online', present: true })
    expect(two.snapshot).toMatchObject({ status: 'online', present: true })

    const mark = [one.tab.frames.length, two.tab.frames.length] as const
    expect(await one.tab.ok({ type: 'set_operator_status', status: 'away' })).toEqual({
      status: 'away',
      present: true,
    })
    expect((await nextFeed(two.tab, 'status', mark[1])).data).toEqual({
      status: 'away',
      present: true,
    })
    expect((await nextFeed(one.tab, 'status', mark[0])).data.status).toBe('away')
    const badges = await s.http('/api/me/badges', { token: op.token })
    expect(badges.status).toBe(200)
    expect(badges.body).toMatchObject({ status: 'away', present: true })

    const put = await s.http('/api/me/status', {
      method: 'PUT',
      token: op.token,
      body: { status: 'busy' },
    })
    expect(put.body).toEqual({ status: 'busy', present: true })
    for (const tab of [one.tab, two.tab]) {
      expect((await nextFeed(tab, 'status', 0, (d) => d.status === 'busy')).data.present).toBe(true)
    }

    one.tab.close()
    two.tab.close()
    await Promise.all([one.tab.waitClosed(), two.tab.waitClosed()])
    expect((await openTab(u, s, op.token)).snapshot.status).toBe('busy')

    const restarted = await u.restart(s)
    const after = await openTab(u, restarted, op.token)
    expect(after.snapshot).toMatchObject({ status: 'busy', present: true })
  })

  test('status - only operators have one: visitors are refused, bad values are validation errors', async () => {
    const s = await u.server()
    const visitor = await u.client(s, (await s.visitorToken()).token)
    for (const frame of [
      { type: 'set_operator_status', status: 'away' },
      { type: 'feed_subscribe' },
    ])
      expect(await visitor.request(frame)).toMatchObject({ type: 'error', code: 'forbidden' })
    const op = await member(s)
    const tab = await u.client(s, op.token)
    expect(await tab.request({ type: 'set_operator_status', status: 'asleep' })).toMatchObject({
      type: 'error',
      code: 'validation_failed',
    })
    const put = await s.http('/api/me/status', {
      method: 'PUT',
      token: op.token,
      body: { status: 'asleep' },
    })
    expect(put.status).toBe(422)
    expect((await s.http('/api/me/badges')).status).toBe(401)
  })
})

describe('presence (O4)', () => {
  test('presence - available until the last tab closes plus 15 s of grace; on return the queue drains to them', async () => {
    const clock = new FakeClock()
    const s = await u.server({ clock })
    const obs = await Observer.create(u, s)
    const op = await member(s)
    const first = await openTab(u, s, op.token)
    const second = await openTab(u, s, op.token)

    first.tab.close()
    await first.tab.waitClosed()
    const withOneTab = await visitorStarts(s)
    await obs.assigned(withOneTab.id, op.id)
    expect(feedFrames(second.tab, 'status').filter((f) => !f.data.present)).toEqual([])

    second.tab.close()
    await second.tab.waitClosed()
    await clock.advance(10 * SECOND)
    const me = () => s.http('/api/me/badges', { token: op.token }).then((r) => r.body)
    expect(await me()).toMatchObject({ status: 'online', present: true })
    const duringGrace = await visitorStarts(s)
    await obs.assigned(duringGrace.id, op.id)

    await clock.advance(6 * SECOND)
    expect(await me()).toMatchObject({ status: 'online', present: false })
    const afterGrace = await visitorStarts(s)
    expect(await obs.assigneeNow(afterGrace.id)).toBeNull()

    await openTab(u, s, op.token)
    await obs.assigned(afterGrace.id, op.id)
  })

  test('presence - a tab that reconnects within the grace keeps the operator present throughout', async () => {
    const clock = new FakeClock()
    const s = await u.server({ clock })
    const obs = await Observer.create(u, s)
    const op = await member(s)
    const { tab } = await openTab(u, s, op.token)
    tab.close()
    await tab.waitClosed()
    await clock.advance(14 * SECOND)
    const back = await openTab(u, s, op.token)
    expect(back.snapshot).toMatchObject({ status: 'online', present: true })
    await clock.advance(60 * SECOND)
    const conv = await visitorStarts(s)
    await obs.assigned(conv.id, op.id)
    expect(feedFrames(back.tab, 'status').filter((f) => !f.data.present)).toEqual([])
  })
})

describe('badges (O2, O3)', () => {
  /** The first badges frame on the desk's feed since mark; GET /api/me/badges must agree. */
  async function badgesAfter(s: TestServer, desk: Desk, mark: number) {
    const frame = await nextFeed(desk.tab, 'badges', mark)
    const http = await s.http('/api/me/badges', { token: desk.token })
    expect(http.body.badges).toEqual(frame.data)
    return frame.data
  }

  test('badges - unread and unanswered totals stay right through send, read, reply, transfer, resolve and reopen', async () => {
    const s = await u.server()
    const obs = await Observer.create(u, s)
    const o = await signIn(u, s)
    const p = await signIn(u, s)
    await p.tab.ok({ type: 'set_operator_status', status: 'away' }) // routing gives o the work
    const mark = (d: Desk) => d.tab.frames.length

    let m = mark(o)
    const conv = await visitorStarts(s, 'hello')
    expect(await badgesAfter(s, o, m)).toEqual({ unread: 1, unanswered: 1 })
    await obs.assigned(conv.id, o.id)

    m = mark(o)
    const asked = await httpSend(s, conv.token, conv.id, 'v2', 'anyone there?')
    expect(await badgesAfter(s, o, m)).toEqual({ unread: 2, unanswered: 1 })
    const line = await nextFeed(o.tab, 'conversation', m, (d) => d.change === 'message')
    expect(line.data).toMatchObject({ unread: 2, conversation: { id: conv.id } })

    m = mark(o)
    await o.tab.ok({ type: 'read', conversationId: conv.id, seq: asked.seq })
    expect(await badgesAfter(s, o, m)).toEqual({ unread: 0, unanswered: 1 })

    m = mark(o)
    await httpSend(s, o.token, conv.id, 'o1', 'here, how can I help?')
    expect(await badgesAfter(s, o, m)).toEqual({ unread: 0, unanswered: 0 })

    m = mark(o)
    await httpSend(s, conv.token, conv.id, 'v3', 'my order is late')
    expect(await badgesAfter(s, o, m)).toEqual({ unread: 1, unanswered: 1 })

    // Transferred to p: it leaves o's badge set and enters p's, with p's own watermark (none).
    const [mo, mp] = [mark(o), mark(p)]
    await o.tab.ok({ type: 'assign', conversationId: conv.id, operatorId: p.id })
    expect(await badgesAfter(s, o, mo)).toEqual({ unread: 0, unanswered: 0 })
    expect(await badgesAfter(s, p, mp)).toEqual({ unread: 3, unanswered: 1 })
    const snapshot = await s.http('/api/me/badges', { token: p.token })
    expect(snapshot.body.unread).toEqual({ [conv.id]: 3 })

    m = mark(p)
    await p.tab.ok({ type: 'set_status', conversationId: conv.id, status: 'resolved' })
    expect(await badgesAfter(s, p, m)).toEqual({ unread: 0, unanswered: 0 })

    // The visitor writes again: the conversation reopens and counts once per unread message.
    m = mark(p)
    await httpSend(s, conv.token, conv.id, 'v4', 'it arrived broken')
    await nextFeed(p.tab, 'conversation', m, (d) => d.change === 'message')
    expect(await badgesAfter(s, p, m)).toEqual({ unread: 4, unanswered: 1 })
    expect(feedFrames(p.tab, 'badges', m).map((f) => f.data)).toEqual([
      { unread: 4, unanswered: 1 },
    ])
    expect(feedFrames(o.tab, 'badges').map((f) => f.data)).toEqual([
      { unread: 1, unanswered: 1 },
      { unread: 2, unanswered: 1 },
      { unread: 0, unanswered: 1 },
      { unread: 0, unanswered: 0 },
      { unread: 1, unanswered: 1 },
      { unread: 0, unanswered: 0 },
    ])
  })

  test('badges - a visitor deleting an unread message takes it off the count', async () => {
    const s = await u.server()
    const o = await signIn(u, s)
    const conv = await visitorStarts(s, 'hello')
    await nextFeed(o.tab, 'badges', 0, (d) => d.unread === 1)
    const oops = await httpSend(s, conv.token, conv.id, 'v2', 'wrong chat, sorry')
    await nextFeed(o.tab, 'badges', 0, (d) => d.unread === 2)
    const m = o.tab.frames.length
    const deleted = await s.http(`/api/conversations/${conv.id}/messages/${oops.messageId}`, {
      method: 'DELETE',
      token: conv.token,
    })
    expect(deleted.status).toBe(200)
    expect(await badgesAfter(s, o, m)).toEqual({ unread: 1, unanswered: 1 })
  })

  test('badges - joining or leaving an inbox pushes the new totals', async () => {
    const s = await u.server()
    const obs = await Observer.create(u, s)
    const op = await s.operator({ inboxIds: [] })
    const { tab, snapshot } = await openTab(u, s, op.token)
    await tab.ok({ type: 'set_operator_status', status: 'away' })
    expect(snapshot.badges).toEqual({ unread: 0, unanswered: 0 })
    const conv = await visitorStarts(s, 'anyone?')
    expect(await obs.assigneeNow(conv.id)).toBeNull()

    const inboxId = await s.defaultInboxId()
    const admin = await s.adminToken()
    const members = (await s.http(`/api/admin/inboxes/${inboxId}/members`, { token: admin })).body
      .operatorIds as string[]
    const put = (operatorIds: string[]) =>
      s.http(`/api/admin/inboxes/${inboxId}/members`, {
        method: 'PUT',
        token: admin,
        body: { operatorIds },
      })
    const desk = { ...op, tab }
    let m = tab.frames.length
    expect((await put([...members, op.id])).status).toBe(200)
    expect(await badgesAfter(s, desk, m)).toEqual({ unread: 1, unanswered: 1 })
    m = tab.frames.length
    expect((await put(members)).status).toBe(200)
    expect(await badgesAfter(s, desk, m)).toEqual({ unread: 0, unanswered: 0 })
  })

  test('badges - a waiting unassigned conversation counts for every member, an assigned one only for its assignee', async () => {
    const s = await u.server()
    const obs = await Observer.create(u, s)
    const o = await signIn(u, s)
    const p = await signIn(u, s)
    for (const d of [o, p]) await d.tab.ok({ type: 'set_operator_status', status: 'away' })
    const marks = [o.tab.frames.length, p.tab.frames.length]
    const conv = await visitorStarts(s, 'anyone?')
    expect(await badgesAfter(s, o, marks[0]!)).toEqual({ unread: 1, unanswered: 1 })
    expect(await badgesAfter(s, p, marks[1]!)).toEqual({ unread: 1, unanswered: 1 })
    expect(await obs.assigneeNow(conv.id)).toBeNull()

    const m = p.tab.frames.length
    await o.tab.ok({ type: 'assign', conversationId: conv.id, operatorId: o.id })
    expect(await badgesAfter(s, p, m)).toEqual({ unread: 0, unanswered: 0 })
    expect((await s.http('/api/me/badges', { token: o.token })).body.badges).toEqual({
      unread: 1,
      unanswered: 1,
    })
  })
})
