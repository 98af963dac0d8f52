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
