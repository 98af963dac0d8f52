/**
 * Ratings in reports and drill-downs (issue 19) on a real store: the "rated" drill-down pages
 * (newest first, a conversation once per page even when rated after two resolutions) and the
 * newest comments, read a page at a time from the store, equal the same taken from every rating
 * (the straightforward way); the report's rating figures equal sums over every rating.
 */
import { afterAll, describe, expect, test } from 'bun:test'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { AnalyticsLogEvent, AnalyticsProjection, Store } from '../../actors/ports.ts'
import { openStore } from '../../db/index.ts'
import { ANALYTICS_PAGE } from '../../protocol/analytics.ts'
import { foldConversation } from '../../server/analytics/fold.ts'
import { AnalyticsService } from '../../server/analytics/report.ts'

const BASE = Date.UTC(2026, 5, 1)
const MINUTE = 60_000
const N = 140
const admin = { kind: 'operator', id: 'admin', role: 'admin', inboxIds: ['inbox-a'] } as never

interface Given {
  id: string
  at: number
  score: number | null
  comment: string | null
}

/** Conversation i: created, resolved, rated; every 7th resolved and rated again much later. */
function log(i: number): { events: AnalyticsLogEvent[]; given: Given[] } {
  const id = `c-${String(i).padStart(4, '0')}`
  const created = BASE + i * MINUTE
  // Some share a rating time: the cursor's tie-break is the conversation id.
  const ratedAt = (k: number) => created + 20 * MINUTE - (i % 3) * MINUTE + k * 300 * MINUTE
  const score = (k: number) => (i % 11 === 0 && k === 0 ? null : ((i + k) % 5) + 1)
  const comment = (k: number) => (i % 3 === 0 ? `comment ${i}/${k}` : i % 3 === 1 ? '' : null)
  const events = [
    {
      conversationId: id,
      seq: 1,
      at: created,
      name: 'conversation.created',
      data: {
        conversation: {
          id,
          inboxId: 'inbox-a',
          branchId: null,
          channel: 'widget',
          createdAt: created,
          status: 'open',
          assigneeId: 'op-1',
        },
      },
    },
  ] as unknown as AnalyticsLogEvent[]
  const given: Given[] = []
  const rounds = i % 7 === 0 ? 2 : 1
  for (let k = 0; k < rounds; k++) {
    const resolutionSeq = events.length + 1
    if (k > 0) {
      events.push({
        conversationId: id,
        seq: events.length + 1,
        at: ratedAt(k) - 2 * MINUTE,
        name: 'conversation.status',
        data: { status: 'open', by: { kind: 'visitor', id: 'v' } },
      } as never)
    }
    const seq = events.length + 1
    events.push({
      conversationId: id,
      seq,
      at: ratedAt(k) - MINUTE,
      name: 'conversation.status',
      data: { status: 'resolved', by: { kind: 'operator', id: 'op-1' } },
    } as never)
    events.push({
      conversationId: id,
      seq: seq + 1,
      at: ratedAt(k),
      name: 'conversation.rated',
      data: {
        rating: {
          resolutionSeq: k === 0 ? resolutionSeq : seq,
          scale: 'stars',
          score: score(k),
          comment: comment(k) || undefined,
          firstRatedAt: ratedAt(k),
        },
      },
    } as never)
    given.push({ id, at: ratedAt(k), score: score(k), comment: comment(k) || null })
  }
  return { events, given }
}

const newestFirst = (a: Given, b: Given) => b.at - a.at || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0)

const dir = mkdtempSync(join(tmpdir(), 'parley-ratings-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('analytics ratings', () => {
  test('ratings - rated pages, newest comments and rating figures equal the same taken from every rating', async () => {
    const store: Store = await openStore(`sqlite:${join(dir, 'ratings.db')}`)
    try {
      const logs = Array.from({ length: N }, (_, i) => log(i))
      const projections = logs
        .map((l) => foldConversation(null, l.events, () => null))
        .filter((p): p is AnalyticsProjection => p !== null)
      await store.analytics.apply(projections, [])
      const all = logs.flatMap((l) => l.given).sort(newestFirst)
      const clock = { now: () => BASE + 60 * 86_400_000, schedule: () => ({ cancel() {} }) }
      const service = new AnalyticsService({ store, clock: clock as never })
      const range = { from: BASE, to: BASE + 30 * 86_400_000, tz: 'UTC', interval: 'day' as const }

      // Pages as the whole list makes them: after the cursor, unique per page, newest first.
      const scored = all.filter((r) => r.score !== null)
      const pages: string[][] = []
      let cursor: string | undefined
      for (let guard = 0; guard < 20; guard++) {
        const page = await service.conversations(admin, {
          ...range,
          metric: 'rated',
          ...(cursor ? { cursor } : {}),
        })
        pages.push(page.items.map((c) => c.id))
        if (!page.next) break
        cursor = page.next
      }
      const expected: string[][] = []
      let after: Given | null = null
      for (;;) {
        const rest = scored.filter((r) => !after || newestFirst(after, r) < 0)
        const seen = new Set<string>()
        const unique = rest.filter((r) => !seen.has(r.id) && seen.add(r.id))
        const shown = unique.slice(0, ANALYTICS_PAGE)
        expected.push(shown.map((r) => r.id))
        if (unique.length <= ANALYTICS_PAGE) break
        after = shown.at(-1)!
      }
      expect(pages.length).toBeGreaterThan(2)
      expect(pages).toEqual(expected)

      const comments = await service.comments(admin, range)
      const commented = all.filter((r) => r.comment !== null)
      expect(commented.length).toBeGreaterThan(40)
      expect(comments.map((c) => `${c.conversationId} ${c.comment}`)).toEqual(
        commented.slice(0, 100).map((r) => `${r.id} ${r.comment}`),
      )

      const report = await service.report(admin, range)
      const stars = scored.map((r) => r.score!)
      const distribution = Array.from({ length: 6 }, (_, s) => stars.filter((x) => x === s).length)
      expect(report.totals.ratings.rated).toBe(stars.length)
      expect(report.totals.ratings.scales).toEqual([
        {
          scale: 'stars',
          count: stars.length,
          average: stars.reduce((a, b) => a + b, 0) / stars.length,
          distribution,
          nps: null,
        },
      ])
      const [operator] = report.operators
      expect(operator?.ratings).toBe(stars.length)
    } finally {
      await store.close()
    }
  })
})
