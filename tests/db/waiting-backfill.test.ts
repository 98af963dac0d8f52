/**
 * Migration 0016 (SQLite) / 0015 (Postgres): conversations stored before `waiting_since` existed
 * get the waiting time their log gives (first visitor message after the last operator
 * message), unanswered ones only; automatic replies (system messages) are no answer.
 */
import { Database } from 'bun:sqlite'
import { afterAll, describe, expect, test } from 'bun:test'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { drizzle } from 'drizzle-orm/bun-sqlite'
import { migrate } from 'drizzle-orm/bun-sqlite/migrator'
import { openStore } from '../../db/index.ts'
import { journalPrefix, readJournal } from './specs/journal-prefix.ts'

const dir = mkdtempSync(join(tmpdir(), 'parley-waiting-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const T0 = 1_700_000_000_000

/** Each conversation's log: [seq, author kind] of its messages, at T0 + seq seconds. */
const LOGS: Record<string, { unanswered: boolean; messages: Array<[number, string]> }> = {
  // Visitor, operator, visitor, visitor: waits since the first visitor message after the reply.
  replied: {
    unanswered: true,
    messages: [
      [2, 'visitor'],
      [3, 'operator'],
      [4, 'visitor'],
      [5, 'visitor'],
    ],
  },
  // Never answered: since the first message; an automatic reply in between changes nothing.
  never: {
    unanswered: true,
    messages: [
      [2, 'visitor'],
      [3, 'system'],
      [4, 'visitor'],
    ],
  },
  // Answered last: nobody waits.
  answered: {
    unanswered: false,
    messages: [
      [2, 'visitor'],
      [3, 'operator'],
    ],
  },
}
const EXPECTED = { replied: T0 + 4000, never: T0 + 2000, answered: null }

describe('waiting_since backfill', () => {
  test('migration - unanswered conversations stored before it wait since their log says; answered ones do not', async () => {
    const migrations = join(import.meta.dir, '..', '..', 'db', 'migrations', 'sqlite')
    const journal = readJournal(migrations)
    const at = journal.entries.findIndex((entry) => entry.tag.endsWith('_waiting_since_backfill'))
    expect(at).toBeGreaterThan(0)
    const path = join(dir, 'backfill.db')
    const client = new Database(path, { create: true })
    migrate(drizzle({ client }), { migrationsFolder: journalPrefix(migrations, at, dir) })
    for (const [id, log] of Object.entries(LOGS)) {
      client.run(
        `insert into conversations (id, inbox_id, visitor_id, status, status_rank, last_seq,
           has_unanswered_incoming, last_activity_at, created_at, updated_at)
         values (?, 'inbox-1', 'visitor-1', 'open', 0, ?, ?, ?, ?, ?)`,
        [id, log.messages.length + 1, log.unanswered ? 1 : 0, T0, T0, T0],
      )
      for (const [seq, kind] of log.messages) {
        client.run(
          `insert into events (conversation_id, seq, name, data, at, message_id, author_kind,
             author_id, text)
           values (?, ?, 'message.created', '{}', ?, ?, ?, 'x', 'hello')`,
          [id, seq, T0 + seq * 1000, `${id}-${seq}`, kind],
        )
      }
    }
    client.close()
    const store = await openStore(`sqlite:${path}`)
    await store.close()
    const after = new Database(path, { readonly: true })
    try {
      const rows = after
        .query<{ id: string; waiting_since: number | null }, []>(
          'select id, waiting_since from conversations order by id',
        )
        .all()
      expect(Object.fromEntries(rows.map((r) => [r.id, r.waiting_since]))).toEqual(EXPECTED)
    } finally {
      after.close()
    }
  })
})
