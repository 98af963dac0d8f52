/**
 * The SQLite writer thread: its own connection to the store's file, on which it commits the
 * group-committed conversation writes the store hands it (plain PlannedWrites) and the plain
 * rows of its single-table inserts (account writes: a new visitor, a session), with the same
 * statements, checks and durability (WAL, synchronous=FULL) as the main connection would. The
 * event loop meanwhile goes on serving sockets; only the plain data of each batch crosses.
 */
import { ConversationWriter, type PlannedWrite } from '../repos/writes.ts'
import type { SqlDialect } from '../sql/dialect.ts'
import { insertInto, type Insert, type Params } from '../sql/statements.ts'
import type { TableName } from '../sql/tables.ts'
import { openSqlite, type SqliteHandle } from './connection.ts'
import { sqliteDialect } from './dialect.ts'
import { crossError, type FromWriter, type ToWriter } from './writer-protocol.ts'

declare const self: Worker

let handle: SqliteHandle | null = null
let dialect: SqlDialect | null = null
let writer: ConversationWriter | null = null

const post = (message: FromWriter) => self.postMessage(message)

self.onmessage = (event: MessageEvent<ToWriter>) => {
  const message = event.data
  switch (message.type) {
    case 'open':
      try {
        handle = openSqlite(message.path, { role: 'writer' })
        dialect = sqliteDialect(handle)
        writer = new ConversationWriter(dialect)
        post({ type: 'ready' })
      } catch (error) {
        post({ type: 'open_failed', error: crossError(error) })
      }
      return
    case 'commit':
      void commit(message.id, message.units)
      return
    case 'insert':
      void insertRows(message.id, message.table, message.doNothing, message.rows)
      return
    case 'close':
      void close()
      return
  }
}

async function commit(id: number, json: string) {
  try {
    if (!dialect || !writer) throw new Error('the writer thread has no open database')
    const units = JSON.parse(json) as PlannedWrite[]
    // Synchronous inside: bun:sqlite runs the whole transaction before this returns, so the
    // batches of this thread never interleave.
    await dialect.transaction(writer.batch(units))
    post({ type: 'committed', id })
  } catch (error) {
    post({ type: 'failed', id, error: crossError(error) })
  }
}

/** One description per table and conflict rule: the dialect compiles each once. */
const inserts = new Map<string, Insert<TableName>>()

async function insertRows(id: number, table: TableName, doNothing: boolean, json: string) {
  try {
    if (!dialect) throw new Error('the writer thread has no open database')
    const key = `${table} ${doNothing}`
    let insert = inserts.get(key)
    if (!insert) {
      insert = insertInto(table, doNothing ? { doNothing: true } : undefined)
      inserts.set(key, insert)
    }
    await dialect.transaction([{ insert, rows: JSON.parse(json) as Params[] }])
    post({ type: 'committed', id })
  } catch (error) {
    post({ type: 'failed', id, error: crossError(error) })
  }
}

async function close() {
  const closing = handle
  handle = null
  dialect = null
  writer = null
  try {
    await closing?.close()
  } finally {
    post({ type: 'closed' })
  }
}
