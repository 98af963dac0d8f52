/**
 * Fault injection on the real services, for tests/faults: end a node's Postgres connections the
 * way an operator or a failover would, hold a table lock, read what the store really holds.
 */
import { Database } from 'bun:sqlite'
import postgres from 'postgres'
import type { StoredMessage } from './chat-load.ts'

/** A short-lived admin connection for one step of a test. */
async function withAdmin<T>(url: string, fn: (sql: postgres.Sql) => Promise<T>): Promise<T> {
  const sql = postgres(url, { max: 1, onnotice: () => {} })
  try {
    return await fn(sql)
  } finally {
    await sql.end({ timeout: 1 })
  }
}

/**
 * `pg_terminate_backend` on every connection to `database` (only those whose application_name
 * is `application`, when given: one node of several). Returns how many were ended.
 */
export function terminateBackends(
  adminUrl: string,
  database: string,
  application?: string,
): Promise<number> {
  return withAdmin(adminUrl, async (sql) => {
    const rows = await sql<{ ended: boolean }[]>`
      select pg_terminate_backend(pid) as ended from pg_stat_activity
      where datname = ${database} and pid <> pg_backend_pid()
        and (${application ?? null}::text is null or application_name = ${application ?? null})`
    return rows.filter((r) => r.ended).length
  })
}

/** Every message of the database at `url` (the log's message.created rows). */
export function storedMessages(url: string): Promise<StoredMessage[]> {
  return withAdmin(
    url,
    (sql) =>
      sql<StoredMessage[]>`
      select message_id as id, conversation_id as "conversationId", seq::int as seq,
        client_msg_id as "clientMsgId", text
      from events where name = 'message.created' order by conversation_id, seq`,
  )
}

/** Every message of the SQLite file at `path` (read-only; the server may be stopped or dead). */
export function storedMessagesIn(path: string): StoredMessage[] {
  const db = new Database(path, { readonly: true })
  try {
    return db
      .query(
        `select message_id as id, conversation_id as conversationId, seq,
           client_msg_id as clientMsgId, text
         from events where name = 'message.created' order by conversation_id, seq`,
      )
      .all() as StoredMessage[]
  } finally {
    db.close()
  }
}

/** The fields of a conversation summary that its log determines. */
export interface Summary {
  lastSeq: number
  lastMessageAt: number | null
  hasUnansweredIncoming: boolean
  lastActivityAt: number
}

/**
 * Each conversation's stored summary in a SQLite file beside the summary its log implies (the
 * newest seq; the newest message's time; the author of the newest message by a person, as
 * automatic replies answer nothing), and whether a mark says it is behind.
 */
export function summariesIn(
  path: string,
): { id: string; stored: Summary; fromLog: Summary; marked: boolean }[] {
  const db = new Database(path, { readonly: true })
  try {
    const rows = db
      .query(
        `select c.id, c.last_seq, c.last_message_at, c.has_unanswered_incoming,
           c.last_activity_at, c.created_at,
           (select max(seq) from events e where e.conversation_id = c.id) as log_seq,
           (select at from events e where e.conversation_id = c.id and name = 'message.created'
             order by seq desc limit 1) as message_at,
           (select author_kind from events e where e.conversation_id = c.id
             and name = 'message.created' and author_kind <> 'system'
             order by seq desc limit 1) as message_author,
           exists (select 1 from pending_projections p where p.conversation_id = c.id) as marked
         from conversations c order by c.id`,
      )
      .all() as Record<string, number | string | null>[]
    return rows.map((r) => ({
      id: String(r.id),
      stored: {
        lastSeq: Number(r.last_seq),
        lastMessageAt: r.last_message_at === null ? null : Number(r.last_message_at),
        hasUnansweredIncoming: r.has_unanswered_incoming === 1,
        lastActivityAt: Number(r.last_activity_at),
      },
      fromLog: {
        lastSeq: Number(r.log_seq),
        lastMessageAt: r.message_at === null ? null : Number(r.message_at),
        hasUnansweredIncoming: r.message_author === 'visitor',
        lastActivityAt: Number(r.message_at ?? r.created_at),
      },
      marked: r.marked === 1,
    }))
  } finally {
    db.close()
  }
}

/**
 * Holds `lock table <table> in access exclusive mode` in an open transaction until release():
 * every write to that table (and every read of it) waits meanwhile, as behind a stuck migration.
 */
export async function holdTableLock(
  url: string,
  table: string,
): Promise<{ release(): Promise<void> }> {
  const sql = postgres(url, { max: 1, onnotice: () => {} })
  const { promise: released, resolve: release } = Promise.withResolvers<void>()
  const { promise: locked, resolve: onLocked } = Promise.withResolvers<void>()
  const done = sql
    .begin(async (tx) => {
      await tx.unsafe(`lock table "${table.replace(/"/g, '')}" in access exclusive mode`)
      onLocked()
      await released
    })
    .finally(() => sql.end({ timeout: 1 }))
  await Promise.race([locked, done])
  return {
    async release() {
      release()
      await done
    },
  }
}

/**
 * Analytics (issue 19) as the SQLite file at `path` holds it: the conversations whose log has
 * events neither counted (`projected_seq`) nor marked (directly, or through a summary mark the
 * repair turns into one), and the visitor messages counted against those in the log.
 */
export function analyticsIn(path: string): {
  lost: string[]
  marks: number
  counted: number
  logged: number
} {
  const db = new Database(path, { readonly: true })
  try {
    const lost = db
      .query(
        `select c.id as id from conversations c
         left join analytics_conversations a on a.conversation_id = c.id
         where coalesce(a.projected_seq, 0) < (select max(seq) from events e where e.conversation_id = c.id)
           and not exists (select 1 from analytics_marks m where m.conversation_id = c.id)
           and not exists (select 1 from pending_projections p where p.conversation_id = c.id)`,
      )
      .all() as { id: string }[]
    const one = (sql: string) => (db.query(sql).get() as { n: number | null }).n ?? 0
    return {
      lost: lost.map((r) => r.id),
      marks: one('select count(*) as n from analytics_marks'),
      counted: one(
        `select sum(value) as n from analytics_series
         where dim = '' and grain = 0 and metric = 'visitor_messages'`,
      ),
      logged: one(
        `select count(*) as n from events where name = 'message.created' and author_kind = 'visitor'`,
      ),
    }
  } finally {
    db.close()
  }
}
