/**
 * The Postgres schema as migrated matches the SQLite one (tables, columns, keys, indexes,
 * partial indexes included), and its indexes serve the lists and routing queries.
 * Registered by tests/db/postgres.test.ts.
 */
import { describe, expect, test } from 'bun:test'
import postgres from 'postgres'
import { openStore } from '../../../db/index.ts'
import { openSqlite } from '../../../db/sqlite/connection.ts'

/** Everything compared, keyed so that both sides can be sorted and compared as lists. */
interface Shape {
  columns: string[]
  indexes: string[]
  foreignKeys: string[]
}

/** `escalation_at is not null` whatever quoting, qualification and parentheses a side uses. */
function normalizePredicate(predicate: string | null): string {
  if (!predicate) return ''
  return ` where ${predicate
    .toLowerCase()
    .replace(/"\w+"\./g, '')
    // Postgres spells a string literal's type out ('pending'::text).
    .replace(/::text\b/g, '')
    .replace(/["()]/g, '')
    .trim()}`
}

function sqliteShape(): Shape {
  const handle = openSqlite(':memory:')
  try {
    const q = <T>(sql: string) => handle.client.query<T, []>(sql).all()
    const tables = q<{ name: string }>(
      // The search indexes differ by design (FTS5 tables and the indexer's mark here, GIN
      // expression indexes on Postgres: db/migrations/*/..._search.sql); tests/db/search.test.ts
      // covers both.
      `select name from sqlite_master where type = 'table'
        and name not like 'sqlite_%' and name not like '__drizzle%'
        and name not like 'message_search%' and name not like 'visitor_search%'
        and name not like 'help_search%' and name <> 'search_progress'`,
    ).map((t) => t.name)
    const shape: Shape = { columns: [], indexes: [], foreignKeys: [] }
    for (const table of tables) {
      const info = q<{ name: string; notnull: number; pk: number }>(`pragma table_info(${table})`)
      for (const c of info)
        shape.columns.push(`${table}.${c.name}${c.notnull || c.pk ? ' not null' : ''}`)
      const pk = info.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk)
      shape.indexes.push(`${table} primary key (${pk.map((c) => c.name).join(', ')})`)
      for (const fk of q<{ table: string; from: string; to: string; on_delete: string }>(
        `pragma foreign_key_list(${table})`,
      )) {
        shape.foreignKeys.push(
          `${table}.${fk.from} -> ${fk.table}.${fk.to} on delete ${fk.on_delete.toLowerCase()}`,
        )
      }
      for (const index of q<{ name: string; unique: number; origin: string; partial: number }>(
        `pragma index_list(${table})`,
      )) {
        if (index.origin === 'pk') continue
        const keys = q<{ name: string; desc: number; key: number }>(
          `pragma index_xinfo(${index.name})`,
        )
          .filter((k) => k.key === 1)
          .map((k) => `${k.name}${k.desc ? ' desc' : ''}`)
        const [definition] = q<{ sql: string }>(
          `select sql from sqlite_master where type = 'index' and name = '${index.name}'`,
        )
        const predicate = /\bwhere\b(.*)$/is.exec(definition?.sql ?? '')?.[1] ?? null
        shape.indexes.push(
          `${table} ${index.unique ? 'unique ' : ''}${index.name} (${keys.join(', ')})${normalizePredicate(predicate)}`,
        )
      }
    }
    return shape
  } finally {
    handle.close()
  }
}

async function postgresShape(url: string): Promise<Shape> {
  const sql = postgres(url, { max: 1, onnotice: () => {} })
  try {
    const columns = await sql<{ t: string; c: string; nullable: string }[]>`
      select table_name as t, column_name as c, is_nullable as nullable
      from information_schema.columns where table_schema = 'public'
        -- The help search's stored document (postgres 0050), beside SQLite's FTS5 table.
        and not (table_name = 'help_articles' and column_name = 'search_doc')`
    const indexes = await sql<
      {
        t: string
        name: string
        unique: boolean
        primary: boolean
        predicate: string | null
        keys: string[]
      }[]
    >`
      select t.relname as t, i.relname as name, ix.indisunique as unique, ix.indisprimary as primary,
        pg_get_expr(ix.indpred, ix.indrelid) as predicate,
        array(select a.attname || case when (ix.indoption[k.n - 1] & 1) = 1 then ' desc' else '' end
          from unnest(ix.indkey) with ordinality as k(attnum, n)
          join pg_attribute a on a.attrelid = ix.indrelid and a.attnum = k.attnum
          -- Key columns only: INCLUDE columns are Postgres's (covering), checked on their own.
          where k.n <= ix.indnkeyatts
          order by k.n) as keys
      from pg_index ix
      join pg_class i on i.oid = ix.indexrelid
      join pg_class t on t.oid = ix.indrelid
      join pg_namespace ns on ns.oid = t.relnamespace
      where ns.nspname = 'public' and i.relname not in ('events_search_idx', 'visitors_search_idx', 'help_articles_search_idx')`
    const foreignKeys = await sql<{ t: string; c: string; rt: string; rc: string; del: string }[]>`
      select cl.relname as t, a.attname as c, rcl.relname as rt, ra.attname as rc,
        case con.confdeltype when 'c' then 'cascade' when 'a' then 'no action' when 'n' then 'set null' else con.confdeltype::text end as del
      from pg_constraint con
      join pg_class cl on cl.oid = con.conrelid
      join pg_class rcl on rcl.oid = con.confrelid
      join pg_attribute a on a.attrelid = con.conrelid and a.attnum = con.conkey[1]
      join pg_attribute ra on ra.attrelid = con.confrelid and ra.attnum = con.confkey[1]
      where con.contype = 'f'`
    return {
      columns: columns.map((c) => `${c.t}.${c.c}${c.nullable === 'NO' ? ' not null' : ''}`),
      indexes: indexes.map((i) =>
        i.primary
          ? `${i.t} primary key (${i.keys.join(', ')})`
          : `${i.t} ${i.unique ? 'unique ' : ''}${i.name} (${i.keys.join(', ')})${normalizePredicate(i.predicate)}`,
      ),
      foreignKeys: foreignKeys.map((f) => `${f.t}.${f.c} -> ${f.rt}.${f.rc} on delete ${f.del}`),
    }
  } finally {
    await sql.end({ timeout: 1 })
  }
}

const sorted = (shape: Shape): Shape => ({
  columns: shape.columns.toSorted(),
  indexes: shape.indexes.toSorted(),
  foreignKeys: shape.foreignKeys.toSorted(),
})

/**
 * The plan of each query (the repository's SQL, with values), on 2,000 conversations and 20,000
 * messages seeded and analyzed in a transaction that is rolled back. `sorts`: the planner may
 * sort the few rows an index found; the paginated lists must come in index order. Postgres
 * does not take `assignee_id is null` as an equality for ordering (SQLite does), so the routing
 * queue always sorts its rows.
 */
const plans: Array<{ name: string; sql: string; index: RegExp; sorts?: boolean }> = [
  {
    name: 'the inbox order',
    sql: `select * from conversations where inbox_id = 'i1'
      order by status_rank, last_activity_at desc, id limit 11`,
    index: /conversations_inbox_order_idx/,
  },
  {
    name: 'the unanswered filter',
    sql: `select * from conversations where has_unanswered_incoming = true
      order by status_rank, last_activity_at desc, id limit 11`,
    index: /conversations_unanswered_idx/,
  },
  {
    name: 'the routing queue',
    sql: `select id, created_at from conversations where inbox_id = 'i1' and status_rank = 0
      and assignee_id is null order by created_at, id limit 5`,
    index: /conversations_routing_idx/,
    sorts: true,
  },
  {
    name: 'pending escalations (a partial index)',
    sql: `select id, assignee_id, escalation_at from conversations where inbox_id = 'i1'
      and escalation_at is not null and status_rank = 0 and assignee_id is not null
      order by escalation_at, id`,
    index: /conversations_escalation_idx/,
    sorts: true,
  },
  {
    name: 'unread counts (a range of the log)',
    sql: `select count(*) from events where conv_no = (select no from conversations where id = 'c1')
      and seq > 3 and seq <= 9
      and name = 'message.created' and author_kind = 'visitor' and deleted_at is null`,
    index: /events_conv_no_seq_pk/,
  },
  {
    name: 'an idempotent send (a partial index)',
    sql: `select * from events where conv_no = (select no from conversations where id = 'c1')
      and author_kind = 'operator' and author_id = 'a' and client_msg_id = 'k8'`,
    index: /events_client_msg_uq/,
  },
  {
    name: 'a message by id (a partial index)',
    sql: `select * from events where message_id = 'm8' and conversation_id = 'c9'`,
    index: /events_message_uq/,
  },
  {
    name: 'replay and history pages',
    sql: `select * from events where conv_no = (select no from conversations where id = 'c1')
      and seq > 0 order by seq limit 256`,
    index: /events_conv_no_seq_pk/,
    // The seed gives a conversation 10 rows: the planner may sort what the index found.
    sorts: true,
  },
]

const SEED = [
  `insert into conversations select 'c' || g, 'i' || (g % 10), 'v' || g,
     case when g % 3 = 0 then 'open' else 'resolved' end, case when g % 3 = 0 then 0 else 1 end,
     case when g % 5 = 0 then null else 'o' || (g % 7) end, 10, g % 2 = 0, g, g, g, g, 0,
     case when g % 11 = 0 then g end
   from generate_series(1, 2000) g`,
  `insert into events (conv_no, conversation_id, seq, name, data, at, message_id, author_kind,
       author_id, text, client_msg_id, deleted_at)
     select (select no from conversations where id = 'c' || (g % 2000 + 1)),
       'c' || (g % 2000 + 1), g, 'message.created', '{}', g, 'm' || g,
       case when g % 2 = 0 then 'visitor' else 'operator' end, 'a', 't', 'k' || g,
       case when g % 20 = 0 then g end
     from generate_series(1, 20000) g`,
  'analyze conversations',
  'analyze events',
]

/** Every plan's text, in the order of `plans`, from one seeded transaction. */
async function explainAll(url: string): Promise<string[]> {
  const sql = postgres(url, { max: 1, onnotice: () => {} })
  const details: string[] = []
  try {
    await sql
      .begin(async (tx) => {
        for (const statement of SEED) await tx.unsafe(statement)
        for (const { sql: query } of plans) {
          const rows = await tx.unsafe(`explain ${query}`)
          details.push(rows.map((row) => String(row['QUERY PLAN'])).join('\n'))
        }
        throw new Error('roll back the seed')
      })
      .catch((error: unknown) => {
        if (!(error instanceof Error && error.message === 'roll back the seed')) throw error
      })
    return details
  } finally {
    await sql.end({ timeout: 1 })
  }
}

export function postgresSchemaSpecs(url: string): void {
  describe('postgres schema', () => {
    test('postgres schema - same tables, columns, keys and indexes as SQLite', async () => {
      const store = await openStore(url)
      await store.close()
      expect(sorted(await postgresShape(url))).toEqual(sorted(sqliteShape()))
    })

    test('postgres schema - the count tables carry their value in their keys (index-only scans)', async () => {
      // SQLite's count tables are WITHOUT ROWID (their rows are their keys); here a range of
      // counts would otherwise fetch a heap page per row (migration 0033).
      const sql = postgres(url, { max: 1, onnotice: () => {} })
      try {
        const rows = await sql<{ t: string; included: string[] }[]>`
          select t.relname as t, array(
            select a.attname from unnest(ix.indkey) with ordinality as k(attnum, n)
            join pg_attribute a on a.attrelid = ix.indrelid and a.attnum = k.attnum
            where k.n > ix.indnkeyatts order by k.n) as included
          from pg_index ix join pg_class t on t.oid = ix.indrelid
          where ix.indisprimary
            and t.relname in ('analytics_series', 'analytics_days', 'analytics_buckets')`
        expect(rows.map((r) => `${r.t} include (${r.included.join(', ')})`).toSorted()).toEqual([
          'analytics_buckets include (value)',
          'analytics_days include (value)',
          'analytics_series include (value)',
        ])
      } finally {
        await sql.end({ timeout: 1 })
      }
    })

    let explained: Promise<string[]> | null = null
    for (const [i, { name, index, sorts }] of plans.entries()) {
      test(`postgres schema - ${name} is served by an index`, async () => {
        explained ??= explainAll(url)
        const detail = (await explained)[i]
        expect(detail).toMatch(index)
        expect(detail).not.toContain('Seq Scan')
        if (!sorts) expect(detail).not.toMatch(/\bSort\b/)
      })
    }
  })
}
