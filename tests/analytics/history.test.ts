/**
 * Analytics (issue 19) against an independent computation: a seeded, scripted history of a
 * support team over three days across the spring DST switch (visitors starting conversations in
 * and out of hours, automatic replies, operator replies, resolutions, reopenings, closings,
 * transfers, escalations by timer, ratings, deleted messages, an erased visitor), built through
 * the real server on a FakeClock (SQLite, and Postgres in CI's second pass). Every figure of the
 * report, in several time zones (whole-hour, 45-minute and negative half-hour offsets), by day,
 * week and month, and for one operator, must equal tests/analytics/reference.ts's computation
 * over the raw event logs. Then a rebuild from scratch gives the same figures.
 */
import { describe, expect, test } from 'bun:test'
import { FakeClock } from '../../actors/index.ts'
import type { Schedule } from '../../actors/inbox/schedule.ts'
import { useServers } from '../helpers/lifecycle.ts'
import { MINUTE, Observer, signIn, type Desk } from '../helpers/routing.ts'
import type { TestServer } from '../helpers/server.ts'
import { reference, referenceLoad, type Range, type RawEvent } from './reference.ts'

const u = useServers()
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR
/** The load reference's sampling step. */
const LOAD_STEP = 15_000
/** Friday 27 March 2026, 06:00 UTC; Europe switches to summer time on Sunday 29th, 01:00 UTC. */
const START = Date.UTC(2026, 2, 27, 6, 0)

const SCHEDULE: Schedule = {
  timeZone: 'Europe/Berlin',
  week: {
    mon: [{ from: '09:00', to: '18:00' }],
    tue: [{ from: '09:00', to: '18:00' }],
    wed: [{ from: '09:00', to: '18:00' }],
    thu: [{ from: '09:00', to: '18:00' }],
    fri: [{ from: '09:00', to: '18:00' }],
    sat: [{ from: '10:00', to: '14:00' }],
  },
  exceptions: [],
}

/** A small deterministic generator (mulberry32), so a failure replays exactly. */
function random(seed: number) {
  let a = seed
  return () => {
    a = (a + 0x6d2b79f5) | 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

interface Live {
  id: string
  visitor: string
  visitorId: string
  messages: string[]
}

async function buildHistory(s: TestServer, clock: FakeClock, ops: Desk[]) {
  const admin = await s.adminToken()
  const inboxId = await s.defaultInboxId()
  const patched = await s.http(`/api/admin/inboxes/${inboxId}`, {
    method: 'PATCH',
    token: admin,
    body: { settings: { rating: 'stars' } },
  })
  expect(patched.status).toBe(200)
  const branch = await s.http(`/api/admin/branches/${inboxId}`, {
    method: 'PATCH',
    token: admin,
    body: {
      schedule: SCHEDULE,
      settings: {
        firstReply: { on: true, text: { en: 'Thanks, one moment.', ru: 'Спасибо, минутку.' } },
      },
    },
  })
  expect(branch.status).toBe(200)
  const next = random(19)
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!
  const live: Live[] = []
  let n = 0
  let steps = 0
  const call = (path: string, token: string, body?: unknown, method?: string) =>
    s.http(path, { token, body, method })
  const end = START + 3 * DAY
  while (clock.now() < end) {
    const roll = next()
    if (roll < 0.2 || live.length === 0) {
      const session = await s.visitorToken()
      const res = await call('/api/visitor/conversations', session.token, { text: `help ${++n}` })
      if (res.status === 201) {
        live.push({
          id: res.body.conversation.id,
          visitor: session.token,
          visitorId: session.visitorId,
          messages: [],
        })
      }
    } else {
      const c = pick(live)
      const op = pick(ops)
      if (roll < 0.4) {
        await call(`/api/conversations/${c.id}/messages`, c.visitor, {
          clientMsgId: `v${++n}`,
          text: 'more',
        })
      } else if (roll < 0.65) {
        const res = await call(`/api/conversations/${c.id}/messages`, op.token, {
          clientMsgId: `o${++n}`,
          text: 'answer',
        })
        if (res.status === 201) c.messages.push(res.body.messageId)
      } else if (roll < 0.75) {
        await call(`/api/conversations/${c.id}/status`, op.token, { status: 'resolved' })
      } else if (roll < 0.78) {
        await call(`/api/conversations/${c.id}/status`, op.token, { status: 'closed' })
      } else if (roll < 0.82) {
        await call(`/api/conversations/${c.id}/status`, op.token, { status: 'open' })
      } else if (roll < 0.87) {
        await call(`/api/conversations/${c.id}/rating`, c.visitor, {
          score: 1 + Math.floor(next() * 5),
          comment: next() < 0.5 ? '=cmd|"/c calc"!A1 fine' : null,
        })
      } else if (roll < 0.91) {
        const other = ops.find((o) => o !== op)!
        await call(`/api/conversations/${c.id}/transfer`, op.token, {
          to: { operatorId: other.id },
        })
      } else if (roll < 0.93 && c.messages.length > 0) {
        await call(
          `/api/conversations/${c.id}/messages/${c.messages[0]}`,
          op.token,
          undefined,
          'DELETE',
        )
      }
    }
    // Quiet minutes to an hour and a half: escalations of unopened assignments fire meanwhile.
    await clock.advance(Math.floor(next() * 90 + 1) * MINUTE)
    // Counted now and then along the way, as the projector does: later folds start from the
    // stored figures (a first response, an assignment or a move after a conversation counted).
    if (++steps % 6 === 0) await s.analytics.catchUp()
  }
  // One visitor erased: their conversations' content goes, their figures stay.
  const erased = live[1]!
  const res = await s.http(`/api/admin/visitors/${erased.visitorId}/erase`, {
    method: 'POST',
    token: admin,
  })
  expect(res.status).toBe(200)
  return live
}

/** Every conversation's whole log, read from the store (the source of truth), until it is still. */
async function allLogs(s: TestServer, ids: readonly string[]): Promise<Map<string, RawEvent[]>> {
  const logs = new Map<string, RawEvent[]>()
  for (const id of ids) {
    const events = await s.store.conversations.eventsAfter(id, 0, 100_000)
    logs.set(id, events as RawEvent[])
  }
  return logs
}

async function report(s: TestServer, token: string, query: Record<string, string | number>) {
  const qs = new URLSearchParams(Object.entries(query).map(([k, v]) => [k, String(v)]))
  const res = await s.http(`/api/analytics/report?${qs}`, { token })
  expect(res.status).toBe(200)
  return res.body
}

function compare(body: any, expected: ReturnType<typeof reference>, range: Range) {
  const { ratings, ...totals } = expected.totals
  const label = `${range.tz} ${range.interval} ${range.operator ?? ''}`
  expect({ range: label, ...body.totals }).toMatchObject({ range: label, ...totals })
  expect(body.totals.ratings.rated).toBe(ratings.rated)
  expect(body.totals.ratings.asked).toBe(ratings.asked)
  const stars = body.totals.ratings.scales.find((x: any) => x.scale === 'stars')
  expect(stars?.average ?? null).toBe(ratings.starsAverage)
  if (stars) expect(stars.distribution).toEqual(ratings.starsDistribution)
  expect(body.heatmap).toEqual(expected.heatmap)
  expect(body.heatmapConversations).toEqual(expected.heatmapConversations)
  for (const entry of body.series) {
    const want = expected.series.get(entry.label) ?? {
      conversations: 0,
      resolved: 0,
      visitorMessages: 0,
      operatorMessages: 0,
      firstResponseMedianMs: null,
    }
    expect({ label: entry.label, ...want }).toEqual({
      label: entry.label,
      conversations: entry.conversations,
      resolved: entry.resolved,
      visitorMessages: entry.visitorMessages,
      operatorMessages: entry.operatorMessages,
      firstResponseMedianMs: entry.firstResponseMedianMs,
    })
  }
  // Every period with data is in the series.
  const labels = new Set(body.series.map((e: any) => e.label))
  for (const key of expected.series.keys()) expect(labels.has(key)).toBe(true)
  for (const [id, want] of expected.operators) {
    const row = body.operators.find((r: any) => r.key === id)
    expect({ id, ...want }).toEqual({
      id,
      assigned: row?.assigned ?? 0,
      resolved: row?.resolved ?? 0,
      operatorMessages: row?.operatorMessages ?? 0,
      firstResponseMedianMs: row?.firstResponse.medianMs ?? null,
      conversations: row?.conversations ?? 0,
      ratings: row?.ratings ?? 0,
      ratingAverage: row?.ratingAverage ?? null,
    })
  }
}

/** Operator load against the sampled reference (exact: every change lies on its grid). */
function compareLoad(body: any, expected: ReturnType<typeof referenceLoad>, range: Range) {
  const label = `${range.tz} ${range.interval} ${range.operator ?? ''}`
  expect({ range: label, ...body.totals.load }).toEqual({ range: label, ...expected.totals })
  for (const entry of body.series) {
    const want = expected.series.get(entry.label)
    expect({ label: entry.label, ...want }).toEqual({
      label: entry.label,
      average: entry.loadAverage,
      peak: entry.loadPeak,
    })
  }
  for (const [id, want] of expected.operators) {
    const row = body.operators.find((r: any) => r.key === id)
    expect({ id, ...want }).toEqual({ id, ...row?.load })
  }
}

describe('analytics against an independent computation', () => {
  test('analytics - a three-day history across DST: every figure in four zones, three intervals and one operator matches; a rebuild gives the same', async () => {
    const clock = new FakeClock(START)
    const s = await u.server({
      clock,
      env: { ANALYTICS_EVERY_MS: '0', OPERATOR_SESSION_TTL: String(7 * 86400) },
    })
    const obs = await Observer.create(u, s)
    const ops = [await signIn(u, s), await signIn(u, s)]
    const live = await buildHistory(s, clock, ops)
    const ids = live.map((c) => c.id)
    // Every routing decision queued by the last steps is made (it appends to the logs).
    for (const id of ids) await obs.settled(id)
    await s.analytics.catchUp()
    const logs = await allLogs(s, ids)
    expect(await s.store.analytics.oldestMark()).toBeNull()
    const kinds = new Set(
      [...logs.values()]
        .flat()
        .map(
          (e) =>
            `${e.name}:${e.data?.reason ?? e.data?.status ?? e.data?.message?.author?.kind ?? ''}`,
        ),
    )
    // The history holds what the figures are about.
    for (const kind of [
      'message.created:visitor',
      'message.created:operator',
      'message.created:system',
      'conversation.status:resolved',
      'conversation.status:open',
      'conversation.assigned:escalation',
      'conversation.assigned:transfer',
      'conversation.rated:',
      'conversation.erased:',
    ]) {
      expect([kind, kinds.has(kind)]).toEqual([kind, true])
    }
    // The load reference samples every LOAD_STEP: exact only if every change lies on it.
    const offGrid = [...logs.values()].flat().filter((e) => e.at % LOAD_STEP !== 0)
    expect(offGrid.map((e) => `${e.name} ${e.at}`)).toEqual([])
    const scheduleOf = () => SCHEDULE
    const token = obs.token
    const ranges: Range[] = [
      { from: START - 6 * HOUR, to: START + 4 * DAY, tz: 'Europe/Berlin', interval: 'day' },
      { from: START - 6 * HOUR, to: START + 4 * DAY, tz: 'Asia/Kathmandu', interval: 'day' },
      { from: START - 6 * HOUR, to: START + 4 * DAY, tz: 'America/St_Johns', interval: 'week' },
      { from: START, to: START + 2 * DAY + 15 * MINUTE, tz: 'UTC', interval: 'month' },
      // Mid-history: conversations held since before the range (still open or not) count in it.
      { from: START + DAY + 30 * MINUTE, to: START + 3 * DAY, tz: 'UTC', interval: 'day' },
      {
        from: START,
        to: START + 4 * DAY,
        tz: 'Europe/Berlin',
        interval: 'day',
        operator: ops[0]!.id,
      },
    ]
    const loads = new Map<Range, ReturnType<typeof referenceLoad>>()
    const check = async () => {
      for (const r of ranges) {
        const body = await report(s, token, {
          from: r.from,
          to: r.to,
          tz: r.tz,
          interval: r.interval,
          ...(r.operator ? { operator: r.operator } : {}),
        })
        compare(body, reference(logs, r, scheduleOf), r)
        if (!loads.has(r)) loads.set(r, referenceLoad(logs, r, clock.now(), LOAD_STEP))
        compareLoad(body, loads.get(r)!, r)
        if (r.operator) {
          // Two filters read the full cross-product counts; every conversation here is the
          // widget's, so the figures are the same.
          const both = await report(s, token, {
            from: r.from,
            to: r.to,
            tz: r.tz,
            interval: r.interval,
            operator: r.operator,
            channel: 'widget',
          })
          compare(both, reference(logs, r, scheduleOf), r)
        }
      }
    }
    await check()
    // Something was counted at all.
    const whole = await report(s, token, { from: START - 6 * HOUR, to: START + 4 * DAY, tz: 'UTC' })
    expect(whole.totals.conversations).toBe(live.length)
    expect(whole.totals.firstResponse.count).toBeGreaterThan(3)
    expect(whole.totals.load.peak).toBeGreaterThan(1)
    expect(whole.totals.load.average).toBeGreaterThan(0)
    expect(whole.totals.firstResponseBusiness.medianMs).toBeLessThanOrEqual(
      whole.totals.firstResponse.medianMs,
    )

    // Rebuilt from nothing: the same figures.
    const marked = await s.store.analytics.reset()
    expect(marked).toBe(live.length)
    await s.analytics.catchUp()
    expect(await allLogs(s, ids)).toEqual(logs)
    await check()
  }, 120_000)
})
