/** Runs the repository suite against real SQLite files, plus SQLite-only checks. */
import { afterAll, describe, expect, test } from 'bun:test'
import { existsSync, statSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Store } from '../../actors/ports.ts'
import { openStore } from '../../db/index.ts'
import { openSqlite } from '../../db/sqlite/connection.ts'
import { repositorySuite } from './repository-suite.ts'

const dir = mkdtempSync(join(tmpdir(), 'parley-db-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const paths = new WeakMap<Store, string>()
let opened = 0

async function freshStore(): Promise<Store> {
  const path = join(dir, `store-${++opened}.db`)
  const store = await openStore(`sqlite:${path}`)
  paths.set(store, path)
  return store
}

/** Another store (its own connection) on the file `store` was opened on. */
async function twin(store: Store): Promise<Store> {
  const path = paths.get(store)
  if (!path) throw new Error('store was not opened by this file')
  const again = await openStore(path)
  paths.set(again, path)
  return again
}

repositorySuite({
  name: 'sqlite',
  fresh: freshStore,
  async reopen(store) {
    await store.close()
    return twin(store)
  },
  twin,
})

describe('openStore (sqlite)', () => {
  test('openStore - accepts sqlite:, file: and plain paths, creating parent folders', async () => {
    for (const url of [
      `sqlite:${join(dir, 'a', 'one.db')}`,
      `file:${join(dir, 'b', 'two.db')}`,
      join(dir, 'c', 'd', 'three.db'),
      ':memory:',
    ]) {
      const store = await openStore(url)
      await store.ping()
      await store.close()
    }
    expect(existsSync(join(dir, 'c', 'd', 'three.db'))).toBe(true)
  })

  test('openStore - an unknown scheme is rejected', async () => {
    await expect(openStore('mysql://localhost/parley')).rejects.toThrow('unsupported database URL')
  })
})

describe('sqlite connection', () => {
  test('sqlite - opens in WAL mode with full sync, foreign keys and a busy timeout', () => {
    const handle = openSqlite(join(dir, 'pragmas', 'p.db'))
    try {
      const pragma = (name: string) =>
        Object.values(
          handle.client.query<Record<string, unknown>, []>(`pragma ${name}`).get() ?? {},
        )[0]
      expect(pragma('journal_mode')).toBe('wal')
      expect(pragma('synchronous')).toBe(2)
      expect(pragma('foreign_keys')).toBe(1)
      expect(pragma('busy_timeout')).toBe(2000)
    } finally {
      handle.close()
    }
  })

  test('sqlite - checkpoints run on a worker thread: the log reaches the database file', async () => {
    const path = join(dir, 'checkpoint', 'c.db')
    const handle = openSqlite(path)
    try {
      const pragma = (sql: string) =>
        handle.client.query<Record<string, number>, []>(sql).get() ?? {}
      // The main connection does not checkpoint by itself any more.
      expect(Object.values(pragma('pragma wal_autocheckpoint'))[0]).toBe(0)
      handle.client.run('create table filler (id integer primary key, v text)')
      const insert = handle.client.prepare('insert into filler (v) values (?)')
      handle.transaction(() => {
        for (let i = 0; i < 2000; i++) insert.run('x'.repeat(500))
      })
      const before = statSync(path).size
      // Within a few rounds the worker has copied the log into the database file. The file
      // grows page by page while a checkpoint runs, so wait for the whole log, not the first page.
      const deadline = Date.now() + 5000
      while (statSync(path).size <= before + 500_000 && Date.now() < deadline) await Bun.sleep(50)
      expect(statSync(path).size).toBeGreaterThan(before + 500_000)
    } finally {
      handle.close()
    }
  })

  // The SQL mirrors listInbox's ORDER BY; it checks the schema's indexes serve that order.
  test('sqlite - the inbox order is served by an index without a sort', () => {
    const handle = openSqlite(':memory:')
    try {
      const order = 'order by status_rank, last_activity_at desc, id limit 11'
      for (const where of ['', 'where inbox_id = ?', 'where has_unanswered_incoming = 1']) {
        const plan = handle.client
          .query<{ detail: string }, []>(
            `explain query plan select * from conversations ${where} ${order}`,
          )
          .all()
          .map((row) => row.detail)
        expect(plan.join('; ')).toMatch(/USING INDEX conversations_/)
        expect(plan.join('; ')).not.toContain('TEMP B-TREE')
      }
    } finally {
      handle.close()
    }
  })

  /**
   * One row per routing or badge query, with the SQL mirroring the repository's; each must
   * seek an index, never scan a table or sort. Badges sort their few rows by id, which is fine.
   */
  const routingPlans: Array<{ name: string; sql: string; uses: RegExp[]; sorts?: boolean }> = [
    {
      name: 'openCountsByAssignee',
      sql: `select assignee_id, count(*) from conversations
        where inbox_id = ? and status_rank = 0 and assignee_id is not null group by assignee_id`,
      uses: [/SEARCH conversations USING COVERING INDEX conversations_routing_idx/],
    },
    {
      name: 'queuedConversations',
      sql: `select id, created_at from conversations
        where inbox_id = ? and status_rank = 0 and assignee_id is null
        order by created_at, id limit ?`,
      uses: [/SEARCH conversations USING COVERING INDEX conversations_routing_idx/],
    },
    {
      name: 'pendingEscalations',
      sql: `select id, assignee_id, escalation_at from conversations
        where inbox_id = ? and escalation_at is not null and status_rank = 0
          and assignee_id is not null
        order by escalation_at, id`,
      uses: [/SEARCH conversations USING INDEX conversations_escalation_idx/],
    },
    {
      name: 'waitingConversations',
      sql: `select c.id, c.branch_id,
          (select min(e.at) from events e where e.conv_no = c.no
            and e.seq > coalesce((select o.seq from events o where o.conv_no = c.no
              and o.name = 'message.created' and o.author_kind = 'operator'
              order by o.seq desc limit 1), 0)
            and e.name = 'message.created' and e.author_kind = 'visitor')
        from conversations c
        where c.inbox_id = ? and c.status_rank = 0 and c.last_activity_at >= ?`,
      uses: [
        /SEARCH c USING (COVERING )?INDEX conversations_inbox_order_idx \(inbox_id=\? AND status_rank=\? AND last_activity_at>\?\)/,
        /SEARCH e USING INDEX sqlite_autoindex_events_1 \(conv_no=\? AND seq>\?\)/,
        /SEARCH o USING INDEX sqlite_autoindex_events_1 \(conv_no=\?\)/,
      ],
    },
    {
      name: 'recentFirstResponses',
      sql: `select
          (select e.at from events e where e.conv_no = c.no
            and e.name = 'message.created' and e.author_kind = 'visitor' order by e.seq limit 1),
          (select e.at from events e where e.conv_no = c.no
            and e.name = 'message.created' and e.author_kind = 'operator' order by e.seq limit 1)
        from conversations c
        where c.branch_id = ? and c.created_at >= ? and c.offline = 0
        order by c.created_at desc limit ?`,
      uses: [
        /SEARCH c USING INDEX conversations_branch_created_idx \(branch_id=\? AND created_at>\?\)/,
        /SEARCH e USING INDEX sqlite_autoindex_events_1 \(conv_no=\?\)/,
      ],
    },
    {
      name: 'countVisitorMessagesAfter',
      sql: `select count(*) from events
        where conv_no = (select no from conversations where id = ?)
          and seq > ? and seq <= ? and name = 'message.created'
          and author_kind = 'visitor' and deleted_at is null`,
      uses: [
        /SEARCH events USING INDEX sqlite_autoindex_events_1 \(conv_no=\? AND seq>\? AND seq<\?\)/,
      ],
    },
    {
      name: 'operatorBadges',
      sql: `select c.id, coalesce(rs.read_seq, 0),
          (select count(*) from events e where e.conv_no = c.no
            and e.seq > coalesce(rs.read_seq, 0) and e.name = 'message.created'
            and e.author_kind = 'visitor' and e.deleted_at is null),
          c.has_unanswered_incoming
        from conversations c
        left join read_states rs on rs.conversation_id = c.id
          and rs.reader_kind = 'operator' and rs.reader_id = ?
        where c.inbox_id in (?, ?) and c.status_rank = 0
          and (c.assignee_id = ? or c.assignee_id is null)
        order by c.id`,
      uses: [
        /SEARCH c USING (COVERING )?INDEX conversations_\w+ \(inbox_id=\? AND status_rank=\?/,
        /SEARCH rs USING INDEX sqlite_autoindex_read_states_1/,
        /SEARCH e USING INDEX sqlite_autoindex_events_1 \(conv_no=\? AND seq>\?\)/,
      ],
      sorts: true,
    },
    {
      name: 'findMessageByClientId',
      sql: `select * from events where conv_no = (select no from conversations where id = ?)
        and author_kind = ? and author_id = ? and client_msg_id = ?`,
      uses: [
        /SEARCH events USING INDEX events_client_msg_uq \(conv_no=\? AND author_kind=\? AND author_id=\? AND client_msg_id=\?\)/,
      ],
    },
    {
      name: 'getMessage',
      sql: 'select * from events where message_id = ? and conversation_id = ?',
      uses: [/SEARCH events USING INDEX events_message_uq \(message_id=\?\)/],
    },
    {
      name: 'eventsAfter',
      sql: `select * from events where conv_no = (select no from conversations where id = ?)
        and seq > ? order by seq limit ?`,
      uses: [/SEARCH events USING INDEX sqlite_autoindex_events_1 \(conv_no=\? AND seq>\?\)/],
    },
    {
      name: 'listMessages',
      sql: `select * from events where conv_no = (select no from conversations where id = ?)
        and name = 'message.created' and seq < ? order by seq desc limit ?`,
      uses: [/SEARCH events USING INDEX sqlite_autoindex_events_1 \(conv_no=\? AND seq<\?\)/],
    },
    {
      name: 'inboxesOf',
      sql: 'select inbox_id from inbox_members where operator_id = ? order by inbox_id',
      uses: [/SEARCH inbox_members USING COVERING INDEX inbox_members_operator_idx/],
    },
  ]

  for (const plan of routingPlans) {
    test(`sqlite - ${plan.name} is served by an index`, () => {
      const handle = openSqlite(':memory:')
      try {
        const params = Array.from(plan.sql.matchAll(/\?/g), () => 'x')
        const detail = handle.client
          .query<{ detail: string }, string[]>(`explain query plan ${plan.sql}`)
          .all(...params)
          .map((row) => row.detail)
          .join('; ')
        for (const pattern of plan.uses) expect(detail).toMatch(pattern)
        expect(detail).not.toMatch(/SCAN (conversations|events|c|e)\b/)
        if (!plan.sorts) expect(detail).not.toContain('TEMP B-TREE')
      } finally {
        handle.close()
      }
    })
  }
})
