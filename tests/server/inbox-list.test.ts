/**
 * The operators' triage list (issue 16) through the real server, on SQLite or Postgres
 * (PARLEY_TEST_DB): views, filters and both orders page to the end without a gap or a repeat;
 * every count equals the rows its view lists, also for summaries still behind their log; each
 * row carries its visitor, newest message and assignee from a fixed number of reads per page;
 * an operator sees only the inboxes of their scope; bad parameters get a typed error.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import type { SqlDialect } from '../../db/sql/dialect.ts'
import { generatedVisitorName, type InboxItem } from '../../protocol/index.ts'
import { httpSend, httpStart } from '../helpers/http.ts'
import { startTestServer, type TestServer } from '../helpers/server.ts'

/** What the test knows of each seeded conversation. */
interface Seeded {
  id: string
  token: string
  inboxId: string
  status: 'open' | 'pending' | 'resolved' | 'closed'
  assigneeId: string | null
  unanswered: boolean
}

type Op = { id: string; token: string }
type Filter = { status?: string; unanswered?: boolean; inbox?: string; assignee?: string }
const VIEWS = ['all', 'mine', 'unassigned'] as const
const STATUSES = [undefined, 'open', 'pending', 'resolved', 'closed'] as const

let s: TestServer
let inboxA: string
let inboxB: string
let both: Op // member of A and B
let onlyA: Op
let onlyB: Op
let admin: Op
const seeded: Seeded[] = []

async function ok(res: Promise<{ status: number; body: any }>, status = 200) {
  const r = await res
  if (r.status !== status) throw new Error(`${r.status} ${JSON.stringify(r.body)}`)
  return r.body
}

function query(params: Record<string, string | boolean | number | undefined>): string {
  const q = new URLSearchParams()
  for (const [k, v] of Object.entries(params)) if (v !== undefined) q.set(k, String(v))
  const text = q.toString()
  return text ? `?${text}` : ''
}

/** Every row of a view, paged to the end with small pages; fails on a repeated row. */
async function walk(
  op: Op,
  params: Filter & { view?: string; sort?: string },
  limit = 2,
): Promise<InboxItem[]> {
  const rows: InboxItem[] = []
  let cursor: string | undefined
  for (let pages = 0; pages < 100; pages++) {
    const body = await ok(s.http(`/api/inbox${query({ ...params, limit, cursor })}`, op))
    rows.push(...body.items)
    if (body.nextCursor === null) break
    cursor = body.nextCursor
  }
  expect(new Set(rows.map((r) => r.id)).size).toBe(rows.length)
  return rows
}

function counts(op: Op, filter: Filter) {
  return ok(s.http(`/api/inbox/counts${query(filter)}`, op))
}

/** What a view should list for an operator of this scope, from the seeded model. */
function expected(scope: string[] | null, opId: string, view: string, filter: Filter): string[] {
  return seeded
    .filter(
      (c) =>
        (scope === null || scope.includes(c.inboxId)) &&
        (filter.status === undefined || c.status === filter.status) &&
        (!filter.unanswered || c.unanswered) &&
        (view !== 'mine' || c.assigneeId === opId) &&
        (view !== 'unassigned' || (c.status === 'open' && c.assigneeId === null)),
    )
    .map((c) => c.id)
    .sort()
}

async function start(inboxId: string, text: string): Promise<Seeded> {
  const visitor = await s.visitorToken(inboxId)
  const { id, token } = await httpStart(s, visitor.token, text)
  const c: Seeded = { id, token, inboxId, status: 'open', assigneeId: null, unanswered: true }
  seeded.push(c)
  return c
}

async function answer(c: Seeded, op: Op, text = 'answer') {
  await httpSend(s, op.token, c.id, crypto.randomUUID(), text)
  c.unanswered = false
}

async function ask(c: Seeded, text = 'question') {
  await httpSend(s, c.token, c.id, crypto.randomUUID(), text)
  c.unanswered = true
  c.status = 'open'
}

async function assign(c: Seeded, to: Op) {
  await ok(s.http(`/api/conversations/${c.id}/assign`, { ...admin, body: { operatorId: to.id } }))
  c.assigneeId = to.id
}

async function setStatus(c: Seeded, status: 'pending' | 'resolved' | 'closed') {
  await ok(s.http(`/api/conversations/${c.id}/status`, { ...admin, body: { status } }))
  c.status = status
}

beforeAll(async () => {
  // Summaries are held for 10 s: those written after the first flush below stay behind.
  s = await startTestServer({ env: { SUMMARY_FLUSH_MS: '10000' } })
  const adminToken = await s.adminToken()
  inboxA = await s.defaultInboxId()
  inboxB = (await ok(s.http('/api/admin/inboxes', { token: adminToken, body: { name: 'B' } }), 201))
    .id
  admin = { id: '', token: adminToken }
  admin.id = (await ok(s.http('/api/auth/me', admin))).operator?.id ?? ''
  both = await s.operator({ inboxIds: [inboxA, inboxB] })
  onlyA = await s.operator({ inboxIds: [inboxA] })
  onlyB = await s.operator({ inboxIds: [inboxB] })

  // A mix of inboxes, statuses, assignees, answered and not.
  const a = []
  for (let i = 0; i < 6; i++) a.push(await start(inboxA, `question A${i}`))
  const b = []
  for (let i = 0; i < 5; i++) b.push(await start(inboxB, `question B${i}`))
  const [a0, a1, a2, a3, a4, a5] = a as [Seeded, Seeded, Seeded, Seeded, Seeded, Seeded]
  const [b0, b1, b2, b3, b4] = b as [Seeded, Seeded, Seeded, Seeded, Seeded]
  await assign(a0, both)
  await assign(a1, onlyA)
  await assign(b0, both)
  await assign(b1, onlyB)
  await answer(a0, both)
  await answer(b1, onlyB)
  await answer(a2, onlyA)
  await setStatus(a3, 'resolved')
  await setStatus(b2, 'closed')
  await assign(a4, both)
  await answer(a4, both)
  await setStatus(a4, 'resolved')
  await setStatus(b0, 'pending') // assigned, answered: waits on the visitor
  await setStatus(b4, 'pending') // unassigned: out of the unassigned view
  // Every summary written; from here on message summaries are held (behind their log).
  await s.store.repairSummaries()
  await ask(a0, 'a follow-up') // answered -> unanswered, behind
  await answer(a1, onlyA, 'on it') // unanswered -> answered, behind
  await answer(b0, both) // behind
  await ask(b1, 'still there?') // behind
  await answer(b3, onlyB)
  await ask(b3, 'thanks, one more') // behind: waits again since this message
  await ask(a4, 'it broke again') // reopens (a status change goes at once)
  await answer(a5, onlyA)
  await setStatus(a5, 'closed')
})

afterAll(async () => {
  await s.stop()
})

describe('inbox list', () => {
  test('inbox list - every view, status and unanswered filter: the rows are the seeded ones and the count equals them', async () => {
    expect(s.store.stats().summariesHeld).toBeGreaterThan(0)
    const principals: Array<[Op, string[] | null]> = [
      [both, [inboxA, inboxB]],
      [onlyB, [inboxB]],
      [admin, null],
    ]
    for (const [op, scope] of principals) {
      for (const status of STATUSES) {
        for (const unanswered of [false, true]) {
          const filter: Filter = { status, unanswered: unanswered || undefined }
          const n = await counts(op, filter)
          const listed = await walk(op, { ...filter, view: 'all', unanswered: true })
          expect(n.unanswered).toBe(listed.length)
          for (const view of VIEWS) {
            for (const sort of ['activity', 'waiting']) {
              const rows = await walk(op, { ...filter, view, sort })
              expect(rows.map((r) => r.id).sort()).toEqual(expected(scope, op.id, view, filter))
              expect(n[view]).toBe(rows.length)
            }
          }
        }
      }
    }
    // The assignee and inbox filters narrow the same way, in the list and in the counts.
    const narrowed = { inbox: inboxA, assignee: both.id }
    const rows = await walk(admin, { ...narrowed, view: 'all' })
    expect(rows.map((r) => r.id).sort()).toEqual(
      seeded
        .filter((c) => c.inboxId === inboxA && c.assigneeId === both.id)
        .map((c) => c.id)
        .sort(),
    )
    expect((await counts(admin, narrowed)).all).toBe(rows.length)
  })

  test('inbox list - activity order: open, pending, resolved, closed, newest first; waiting order: longest waiting first, then the rest by activity', async () => {
    const activity = await walk(admin, { view: 'all' }, 3)
    const rank = { open: 0, pending: 1, resolved: 2, closed: 3 }
    for (let i = 1; i < activity.length; i++) {
      const [p, c] = [activity[i - 1] as InboxItem, activity[i] as InboxItem]
      const ok =
        rank[p.status] < rank[c.status] ||
        (rank[p.status] === rank[c.status] &&
          (p.lastMessageAt ?? p.createdAt) >= (c.lastMessageAt ?? c.createdAt))
      expect(ok).toBe(true)
    }
    const waiting = await walk(admin, { view: 'all', status: 'open', sort: 'waiting' }, 3)
    const since = waiting.map((r) => r.waitingSince ?? null)
    const firstIdle = since.indexOf(null)
    const waits = firstIdle === -1 ? since : since.slice(0, firstIdle)
    expect(waits.length).toBeGreaterThan(2)
    expect([...waits].sort((x, y) => (x ?? 0) - (y ?? 0))).toEqual(waits)
    if (firstIdle !== -1) expect(since.slice(firstIdle).every((w) => w === null)).toBe(true)
    // Waiting is exactly the unanswered flag, and starts at the first unanswered message.
    for (const row of waiting) expect(row.waitingSince != null).toBe(row.hasUnansweredIncoming)
    const b3 = seeded[9] as Seeded
    const row = waiting.find((r) => r.id === b3.id)
    expect(row?.waitingSince).toBe(row?.lastMessage?.at)
  })

  test('inbox list - waitingSince is the first visitor message after the last operator message, also once written', async () => {
    const c = await start(inboxA, 'first')
    await answer(c, onlyA)
    await ask(c, 'second')
    const afterAnswer = (await walk(admin, { view: 'all' })).find((r) => r.id === c.id)
    const startedAt = afterAnswer?.lastMessage?.at
    await ask(c, 'third')
    const read = async () => (await walk(admin, { view: 'all' })).find((r) => r.id === c.id)
    const behind = await read()
    expect(behind?.waitingSince).toBe(startedAt)
    expect(behind?.lastMessage?.at).toBeGreaterThanOrEqual(startedAt ?? 0)
    await s.store.repairSummaries()
    expect((await read())?.waitingSince).toBe(startedAt)
    await answer(c, onlyA)
    expect((await read())?.waitingSince).toBeNull()
  })

  test('inbox list - each row carries its visitor label, newest message and assignee', async () => {
    const named = await start(inboxB, 'hello from Ann')
    await ok(
      s.http('/api/visitor/profile', {
        token: named.token,
        method: 'PATCH',
        body: { name: 'Ann Lee' },
      }),
    )
    const mailed = await start(inboxB, 'hello by mail')
    await ok(
      s.http('/api/visitor/profile', {
        token: mailed.token,
        method: 'PATCH',
        body: { email: 'kim@example.com' },
      }),
    )
    const anonymous = await start(inboxB, 'x'.repeat(300))
    await assign(named, onlyB)
    await answer(named, onlyB, 'Hi Ann')
    const deleted = await httpSend(s, mailed.token, mailed.id, 'to-delete', 'oops')
    await ok(
      s.http(`/api/conversations/${mailed.id}/messages/${deleted.messageId}`, {
        method: 'DELETE',
        token: mailed.token,
      }),
    )
    const rows = new Map((await walk(onlyB, { view: 'all' }, 50)).map((r) => [r.id, r]))
    const me = await ok(s.http('/api/auth/me', onlyB))
    expect(rows.get(named.id)).toMatchObject({
      visitor: { name: 'Ann Lee', email: null, label: 'Ann Lee' },
      lastMessage: { authorKind: 'operator', authorId: onlyB.id, text: 'Hi Ann', deleted: false },
      assignee: { id: onlyB.id, name: String(me.operator.name).split(' ')[0] },
    })
    expect(rows.get(mailed.id)).toMatchObject({
      visitor: { name: null, email: 'kim@example.com', label: 'kim@example.com' },
      lastMessage: { authorKind: 'visitor', text: '', deleted: true, attachment: null },
      assignee: null,
    })
    const anon = rows.get(anonymous.id)
    const visitorId = anon?.visitorId ?? ''
    expect(anon?.visitor).toEqual({
      name: null,
      email: null,
      label: generatedVisitorName(visitorId),
    })
    expect(generatedVisitorName(visitorId)).toMatch(/^[A-Z][a-z]+ [A-Z][a-z]+ \d{1,2}$/)
    expect(anon?.lastMessage?.text).toBe('x'.repeat(140))
  })

  test('inbox list - a page costs the same few reads whatever its size', async () => {
    const db = Reflect.get(s.store.queries, 'db') as SqlDialect
    const all = db.all.bind(db)
    let reads = 0
    db.all = ((...args: Parameters<SqlDialect['all']>) => {
      // The store's background work (the analytics projector's rounds, repairs) reads through
      // the same dialect and may land inside a request, in every one of them on a loaded
      // machine: only the reads made on the listing's behalf (its async stack) are counted.
      if (/\blistInbox\b/.test(new Error().stack ?? '')) reads++
      return all(...args)
    }) as SqlDialect['all']
    try {
      const cost = async (limit: number) => {
        await s.store.repairSummaries()
        reads = 0
        const body = await ok(s.http(`/api/inbox?limit=${limit}`, admin))
        expect(body.items.length).toBe(Math.min(limit, seeded.length))
        return reads
      }
      // Two reads for the list (rows behind their log, the page), four for the details (the
      // assignees' only when the page has any): never one per row.
      for (const limit of [1, 5, 20]) expect(await cost(limit)).toBeLessThanOrEqual(6)
    } finally {
      db.all = all
    }
  })

  test('inbox list - an operator sees only the inboxes of their scope', async () => {
    const rows = await walk(onlyB, { view: 'all' }, 50)
    expect(rows.length).toBeGreaterThan(0)
    expect(rows.every((r) => r.inboxId === inboxB)).toBe(true)
    const forbidden = await s.http(`/api/inbox?inbox=${inboxA}`, onlyB)
    expect(forbidden.status).toBe(403)
    expect(forbidden.body.error.code).toBe('forbidden')
    expect((await s.http(`/api/inbox/counts?inbox=${inboxA}`, onlyB)).status).toBe(403)
    expect((await counts(onlyB, {})).all).toBe(rows.length)
    // The inboxes it may filter by: its own, named.
    expect((await ok(s.http('/api/inboxes', onlyB))).inboxes).toEqual([{ id: inboxB, name: 'B' }])
    const ofAdmin = (await ok(s.http('/api/inboxes', admin))).inboxes as Array<{ id: string }>
    expect(ofAdmin.map((i) => i.id).sort()).toEqual([inboxA, inboxB].sort())
  })

  test('inbox list - bad parameters get a typed error', async () => {
    const cases: Array<[string, number, string]> = [
      ['/api/inbox?view=everything', 422, 'validation_failed'],
      ['/api/inbox?sort=oldest', 422, 'validation_failed'],
      ['/api/inbox?status=waiting', 422, 'validation_failed'],
      ['/api/inbox?unanswered=maybe', 422, 'validation_failed'],
      ['/api/inbox?limit=-1', 422, 'validation_failed'],
      ['/api/inbox?assignee=', 422, 'validation_failed'],
      ['/api/inbox?colour=red', 422, 'validation_failed'],
      ['/api/inbox/counts?view=mine', 422, 'validation_failed'],
      ['/api/inbox?cursor=not-a-cursor', 400, 'bad_request'],
    ]
    for (const [path, status, code] of cases) {
      const res = await s.http(path, admin)
      expect([path, res.status, res.body?.error?.code]).toEqual([path, status, code])
    }
    // A cursor of one order is refused by the other.
    const page = await ok(s.http('/api/inbox?limit=1&sort=activity', admin))
    const crossed = await s.http(`/api/inbox?limit=1&sort=waiting&cursor=${page.nextCursor}`, admin)
    expect([crossed.status, crossed.body.error.code]).toEqual([400, 'bad_request'])
    expect((await s.http('/api/inbox')).status).toBe(401)
  })
})
