/**
 * Online time by status (issue 19; docs/analytics.md "Online time") through the real server on
 * a FakeClock (SQLite, and Postgres in CI's second pass): an operator's tabs, status changes and
 * the grace period after the last tab become connected time per status, per operator, summed
 * over the team and per day; an inbox's report counts its members only; the time going on
 * is confirmed every minute, so a node that dies leaves at most a minute uncounted.
 */
import { describe, expect, test } from 'bun:test'
import { FakeClock } from '../../actors/index.ts'
import { useServers } from '../helpers/lifecycle.ts'
import { MINUTE, member, openTab } from '../helpers/routing.ts'
import type { TestServer } from '../helpers/server.ts'

const u = useServers()
const HOUR = 60 * MINUTE
/** Monday 1 June 2026, 09:00 UTC. */
const START = Date.UTC(2026, 5, 1, 9, 0)
const GRACE = 15_000

/** A query string of numbers and strings. */
const query = (q: Record<string, string | number>) =>
  new URLSearchParams(Object.entries(q).map(([k, v]) => [k, String(v)]))

async function report(s: TestServer, token: string, q: Record<string, string | number>) {
  const qs = query(q)
  const res = await s.http(`/api/analytics/report?${qs}`, { token })
  expect(res.status).toBe(200)
  return res.body
}

describe('online time by status', () => {
  test('presence - tabs, statuses and the grace period become time per status, per operator, per day; an inbox counts its members only', async () => {
    const clock = new FakeClock(START)
    const s = await u.server({ clock, env: { ANALYTICS_EVERY_MS: '0' } })
    const admin = await s.adminToken()
    const inboxId = await s.defaultInboxId()
    const a = await member(s)
    const b = await member(s)
    // Another inbox's operator.
    const otherInbox = await s.http('/api/admin/inboxes', {
      method: 'POST',
      token: admin,
      body: { name: 'Elsewhere' },
    })
    expect(otherInbox.status).toBe(201)
    const c = await s.operator({ inboxIds: [otherInbox.body.id] })

    const tabA = (await openTab(u, s, a.token)).tab
    const tabC = (await openTab(u, s, c.token)).tab
    await clock.advance(20 * MINUTE)
    const tabB = (await openTab(u, s, b.token)).tab
    await clock.advance(10 * MINUTE)
    await tabA.ok({ type: 'set_operator_status', status: 'away' })
    await clock.advance(20 * MINUTE)
    await tabA.ok({ type: 'set_operator_status', status: 'busy' })
    await clock.advance(20 * MINUTE)
    await tabA.ok({ type: 'set_operator_status', status: 'online' })
    await clock.advance(30 * MINUTE)
    // A leaves: present for the grace period after the last tab, then not.
    tabA.close()
    await tabA.waitClosed()
    // The operator's actor answers after it took the disconnection (its mailbox is in order).
    expect((await s.http('/api/me/badges', { token: a.token })).status).toBe(200)
    await clock.advance(HOUR)
    // A comes back for ten minutes, busy (the status stays what they chose).
    const put = await s.http('/api/me/status', {
      method: 'PUT',
      token: a.token,
      body: { status: 'busy' },
    })
    expect(put.body).toEqual({ status: 'busy', present: false })
    const again = (await openTab(u, s, a.token)).tab
    await clock.advance(10 * MINUTE)
    again.close()
    await again.waitClosed()
    expect((await s.http('/api/me/badges', { token: a.token })).status).toBe(200)
    await clock.advance(MINUTE)
    const now = clock.now()
    expect(now).toBe(START + 171 * MINUTE)

    const q = { from: START - HOUR, to: START + 5 * HOUR, tz: 'UTC', interval: 'day' }
    const body = await report(s, admin, q)
    const rowOf = (id: string) => body.operators.find((r: any) => r.key === id)
    // A: online 0-30 and 70-100 min plus the grace, away 30-50, busy 50-70 and again 160-170
    // min (set while away from the panel) plus the grace.
    expect(rowOf(a.id).presence).toEqual({
      onlineMs: 60 * MINUTE + GRACE,
      awayMs: 20 * MINUTE,
      busyMs: 30 * MINUTE + GRACE,
    })
    // B and C: connected from their tab on, confirmed every minute up to now.
    expect(rowOf(b.id).presence).toEqual({ onlineMs: 151 * MINUTE, awayMs: 0, busyMs: 0 })
    expect(rowOf(c.id).presence).toEqual({ onlineMs: 171 * MINUTE, awayMs: 0, busyMs: 0 })
    const online = (60 + 151 + 171) * MINUTE + GRACE
    expect(body.totals.presence).toEqual({
      onlineMs: online,
      awayMs: 20 * MINUTE,
      busyMs: 30 * MINUTE + GRACE,
    })
    expect(body.series.map((e: any) => e.onlineMs)).toEqual([online])
    // The previous period (the five hours before) had nobody.
    expect(body.previous.presence).toEqual({ onlineMs: 0, awayMs: 0, busyMs: 0 })

    // Half the range: each span clipped to it.
    const firstHour = await report(s, admin, { ...q, from: START, to: START + HOUR })
    expect(firstHour.totals.presence).toEqual({
      onlineMs: (30 + 40 + 60) * MINUTE,
      awayMs: 20 * MINUTE,
      busyMs: 10 * MINUTE,
    })

    // One inbox: its members (A and B), not C.
    const theirs = await report(s, admin, { ...q, inbox: inboxId })
    expect(theirs.operators.find((r: any) => r.key === c.id)).toBeUndefined()
    expect(theirs.totals.presence.onlineMs).toBe((60 + 151) * MINUTE + GRACE)
    // One operator.
    const onlyB = await report(s, admin, { ...q, operator: b.id })
    expect(onlyB.totals.presence).toEqual({ onlineMs: 151 * MINUTE, awayMs: 0, busyMs: 0 })

    // CSV: the operators table carries the seconds.
    const csv = await s.http(`/api/analytics/export?${query({ ...q, table: 'operators' })}`, {
      token: admin,
    })
    expect(csv.status).toBe(200)
    const [header, ...lines] = String(csv.body).trim().split('\r\n')
    const columns = header!.split(',')
    const line = lines.find((l) => l.startsWith(b.id))!.split(',')
    expect(line[columns.indexOf('online_s')]).toBe(String(151 * 60))

    // A node that dies without a word: the time going on was confirmed a minute ago at most.
    const rows = await s.store.analytics.presenceIn(START, now + 1)
    const going = rows.filter((r) => r.operatorId === b.id)
    expect(going.map((r) => r.untilAt)).toEqual([now])
    tabB.close()
    tabC.close()
  })
})
