/**
 * SQLite migrations: a database created by an older release opens with the current code,
 * upgrades at start and keeps its rows. Older versions are rebuilt with drizzle's own migrator
 * from a prefix of the journal, so the file looks exactly as that release left it.
 */
import { Database } from 'bun:sqlite'
import { afterAll, describe, expect, test } from 'bun:test'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { drizzle } from 'drizzle-orm/bun-sqlite'
import { migrate } from 'drizzle-orm/bun-sqlite/migrator'
import { openStore } from '../../db/index.ts'
import { T0, conversation, inbox, operator } from './fixtures.ts'
import { expectFoldedHistory, writeMessagesTheOldWay } from './specs/folded-history.ts'
import { expectNumberedLog, writeLogBeforeNumbers } from './specs/numbered-log.ts'
import { journalPrefix, readJournal } from './specs/journal-prefix.ts'

const MIGRATIONS = join(import.meta.dir, '..', '..', 'db', 'migrations', 'sqlite')

const journal = readJournal(MIGRATIONS)

const dir = mkdtempSync(join(tmpdir(), 'parley-migrations-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** Creates a database at `path` with only the first `count` migrations applied. */
function createAtVersion(path: string, count: number): Database {
  const client = new Database(path, { create: true })
  migrate(drizzle({ client }), { migrationsFolder: journalPrefix(MIGRATIONS, count, dir) })
  return client
}

describe('sqlite migrations', () => {
  test('migrations - a database at the first version upgrades at start and keeps its rows', async () => {
    const path = join(dir, 'first-version.db')
    const old = createAtVersion(path, 1)
    // Rows as the first release wrote them: no operator status, no escalation column.
    old.run(
      `insert into inboxes (id, name, identity_secret, settings, created_at, updated_at)
       values ('inbox-1', 'Inbox inbox-1', 'secret-inbox-1', ?, ?, ?)`,
      [JSON.stringify(inbox('inbox-1').settings), T0, T0],
    )
    old.run(
      `insert into operators (id, email, name, role, can_chat, active, password_hash,
         created_at, updated_at)
       values ('o1', 'o1@example.com', 'Operator o1', 'operator', 1, 1, '$argon2id$v=19$fake',
         ?, ?)`,
      [T0, T0],
    )
    old.run(
      `insert into conversations (id, inbox_id, visitor_id, status, status_rank, assignee_id,
         last_seq, has_unanswered_incoming, last_message_at, last_activity_at, created_at,
         updated_at)
       values ('c1', 'inbox-1', 'visitor-1', 'open', 0, null, 2, 1, ?, ?, ?, ?)`,
      [T0 + 2000, T0 + 2000, T0, T0],
    )
    old.run(
      `insert into messages (id, conversation_id, seq, author_kind, author_id, text, created_at)
       values ('c1-m2', 'c1', 2, 'visitor', 'visitor-1', 'hello', ?)`,
      [T0 + 2000],
    )
    // The first release wrote each message's event with the message in its data.
    old.run(
      `insert into events (conversation_id, seq, name, data, at, message_id)
       values ('c1', 2, 'message.created', ?, ?, 'c1-m2')`,
      [
        JSON.stringify({
          message: {
            id: 'c1-m2',
            conversationId: 'c1',
            seq: 2,
            author: { kind: 'visitor', id: 'visitor-1' },
            text: 'hello',
            clientMsgId: null,
            createdAt: T0 + 2000,
            editedAt: null,
            deletedAt: null,
            deletedBy: null,
          },
        }),
        T0 + 2000,
      ],
    )
    old.close()

    const store = await openStore(path)
    try {
      expect(await store.operators.getById('o1')).toEqual(operator('o1', { status: 'online' }))
      expect((await store.conversations.loadConversation('c1'))?.conversation).toEqual(
        conversation('c1', {
          lastSeq: 2,
          hasUnansweredIncoming: true,
          lastMessageAt: T0 + 2000,
          escalationAt: null,
          // Unanswered: the waiting time its log gives (migration 0016's backfill).
          waitingSince: T0 + 2000,
        }),
      )
      // The new table and indexes work on the old rows.
      await store.inboxes.setMembers('inbox-1', ['o1'])
      expect(await store.inboxes.inboxesOf('o1')).toEqual(['inbox-1'])
      expect(await store.queries.queuedConversations('inbox-1', 'inbox-1', 10)).toEqual([
        { id: 'c1', createdAt: T0 },
      ])
      expect(await store.queries.operatorBadges('o1', ['inbox-1'])).toEqual([
        { conversationId: 'c1', readSeq: 0, unread: 1, hasUnansweredIncoming: true, lastSeq: 2 },
      ])
    } finally {
      await store.close()
    }

    const check = new Database(path, { readonly: true })
    try {
      const applied = check.query('select hash from __drizzle_migrations').all()
      expect(applied).toHaveLength(journal.entries.length)
    } finally {
      check.close()
    }
  })

  test('migrations - a database from before the log was keyed by number reads back complete', async () => {
    const before = journal.entries.findIndex((e) => e.tag === '0050_log_conversation_number')
    expect(before).toBeGreaterThan(0)
    const path = join(dir, 'before-numbers.db')
    const old = createAtVersion(path, before)
    await writeLogBeforeNumbers({
      run: (statement, params) => old.run(statement, params as never[]),
      placeholder: () => '?',
    })
    // The old rows are in the full-text index already (by rowid), as the indexer left them.
    old.run("insert into message_search(message_search) values ('rebuild')")
    old.run(
      "update search_progress set indexed_to = (select max(rowid) from events) where name = 'messages'",
    )
    old.close()
    const store = await openStore(path)
    try {
      await expectNumberedLog(store)
    } finally {
      await store.close()
    }
    const check = new Database(path)
    try {
      // Numbered in the order the rows were inserted; the index is whole.
      expect(check.query('select id, no from conversations order by no').all()).toEqual([
        { id: 'num-c', no: 1 },
        { id: 'num-a', no: 2 },
        { id: 'num-b', no: 3 },
        { id: 'num-new', no: 4 },
      ])
      // FTS5 compares its index with the rows it names (by rowid): it throws on a mismatch.
      expect(() =>
        check.run("insert into message_search(message_search) values ('integrity-check')"),
      ).not.toThrow()
    } finally {
      check.close()
    }
  })

  test('migrations - a database from before the log held the messages reads back complete', async () => {
    const path = join(dir, 'before-fold.db')
    const before = journal.entries.findIndex((e) => e.tag === '0004_fold_messages_into_log')
    expect(before).toBeGreaterThan(0)
    const old = createAtVersion(path, before)
    await writeMessagesTheOldWay({
      run: (sql, params) => old.run(sql, params as never[]),
      placeholder: () => '?',
    })
    old.close()

    const store = await openStore(path)
    try {
      await expectFoldedHistory(store)
    } finally {
      await store.close()
    }
  })
})
