/**
 * The operators' list (issue 16) on SQLite over a large inbox: the first page, a deep page and
 * the view counts, as `GET /api/inbox` and `/api/inbox/counts` read them (the repository calls
 * and the row details, without HTTP), next to a baseline measured in the same run on the same
 * database: one history page of one conversation.
 *
 *   node_modules/.bin/bun bench/inbox-list.ts
 *
 * Environment: PARLEY_LIST_OPEN (default 10000) open conversations, plus as many resolved and
 * closed ones together; PARLEY_LIST_RUNS (default 50) runs per read. Target: the first page in
 * < 100 ms server time with 10,000 open conversations.
 */
import { Database } from 'bun:sqlite'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openStore } from '../db/index.ts'
import { inboxItems } from '../server/inbox-items.ts'
import { timedRuns } from './lib/stats.ts'

const OPEN = Number(process.env.PARLEY_LIST_OPEN ?? 10_000)
const RUNS = Number(process.env.PARLEY_LIST_RUNS ?? 50)
const PER_CONVERSATION = 6
const T0 = Date.UTC(2026, 0, 1)
const OPERATORS = 20

async function seed(path: string): Promise<number> {
  await (await openStore(`sqlite:${path}`)).close()
  const db = new Database(path)
  db.run(`insert into inboxes (id, name, identity_secret, settings, created_at, updated_at)
    values ('bench', 'Bench', 'secret', '{}', ${T0}, ${T0})`)
  const operator = db.prepare(`insert into operators (id, email, name, role, can_chat, active,
      password_hash, created_at, updated_at) values (?, ?, ?, 'operator', 1, 1, 'x', ${T0}, ${T0})`)
  const visitor = db.prepare(`insert into visitors (id, inbox_id, created_at, name, email)
    values (?, 'bench', ${T0}, ?, ?)`)
  const conversation = db.prepare(`insert into conversations (id, inbox_id, visitor_id, status,
      status_rank, assignee_id, last_seq, has_unanswered_incoming, last_message_at,
      last_activity_at, created_at, updated_at, branch_id, waiting_since)
    values (?, 'bench', ?, ?, ?, ?, ?, ?, ?, ?, ${T0}, ${T0}, 'bench', ?)`)
  const event = db.prepare(`insert into events (conversation_id, seq, name, data, at, message_id,
      author_kind, author_id, text) values (?, ?, 'message.created', '{}', ?, ?, ?, ?, ?)`)
  const total = OPEN * 2
  db.transaction(() => {
    for (let o = 0; o < OPERATORS; o++)
      operator.run(`op${o}`, `op${o}@example.com`, `Operator ${o}`)
    for (let i = 0; i < total; i++) {
      const status = i < OPEN ? 'open' : i % 2 === 0 ? 'resolved' : 'closed'
      const rank = status === 'open' ? 0 : status === 'resolved' ? 1 : 2
      const assignee = i % 3 === 0 ? null : `op${i % OPERATORS}`
      const unanswered = i % 4 === 0
      const last = T0 + i * 1000 + PER_CONVERSATION * 100
      visitor.run(`v${i}`, i % 5 === 0 ? null : `Visitor ${i}`, `v${i}@example.com`)
      conversation.run(
        `c${i}`,
        `v${i}`,
        status,
        rank,
        assignee,
        PER_CONVERSATION + 1,
        unanswered ? 1 : 0,
        last,
        last,
        unanswered ? last - 100 : null,
      )
      for (let seq = 2; seq <= PER_CONVERSATION + 1; seq++) {
        const visitorSide = seq % 2 === 0
        event.run(
          `c${i}`,
          seq,
          T0 + i * 1000 + seq * 100,
          `m${i}-${seq}`,
          visitorSide ? 'visitor' : 'operator',
          visitorSide ? `v${i}` : (assignee ?? 'op0'),
          `message ${seq} of conversation ${i}`,
        )
      }
    }
  })()
  db.run('PRAGMA wal_checkpoint(TRUNCATE)')
  db.close()
  return total
}

const dir = mkdtempSync(join(tmpdir(), 'parley-list-bench-'))
try {
  const path = join(dir, 'list.db')
  const seeded = await seed(path)
  const store = await openStore(`sqlite:${path}`)
  try {
    const q = store.queries
    const base = { inboxIds: ['bench'], unansweredOnly: false, operatorId: 'op1' }
    const page = async (opts: Partial<Parameters<typeof q.listInbox>[0]> = {}) => {
      const listed = await q.listInbox({ ...base, cursor: null, limit: 30, ...opts })
      return inboxItems(q, listed.items)
    }
    // A cursor 100 pages deep, for the deep page.
    let cursor: string | null = null
    for (let i = 0; i < 100; i++) {
      cursor = (await q.listInbox({ ...base, cursor, limit: 30 })).nextCursor
    }
    const reads: Array<[string, () => Promise<unknown>]> = [
      ['baseline: one history page (listMessages, 30)', () => q.listMessages('c7', { limit: 30 })],
      ['first page, all, last activity (30 rows + details)', () => page()],
      ['first page, mine', () => page({ view: 'mine' })],
      ['first page, unassigned', () => page({ view: 'unassigned' })],
      ['first page, unanswered only', () => page({ unansweredOnly: true })],
      ['first page, waiting longest', () => page({ sort: 'waiting' })],
      ['page 101, all', () => q.listInbox({ ...base, cursor, limit: 30 })],
      ['counts (all, mine, unassigned, unanswered)', () => q.countInbox(base)],
    ]
    const rows: Record<string, string>[] = []
    let baseline = NaN
    for (const [what, run] of reads) {
      const t = await timedRuns(run, RUNS, 5)
      if (Number.isNaN(baseline)) baseline = t.p50
      rows.push({
        what,
        p50: `${t.p50.toFixed(2)} ms`,
        p95: `${t.p95.toFixed(2)} ms`,
        'p50/baseline': `${(t.p50 / baseline).toFixed(1)}x`,
      })
    }
    console.log(
      `\ninbox list over ${seeded} conversations (${OPEN} open), ${RUNS} runs each ` +
        `(target: first page < 100 ms)`,
    )
    console.table(rows)
  } finally {
    await store.close()
  }
} finally {
  rmSync(dir, { recursive: true, force: true })
}
