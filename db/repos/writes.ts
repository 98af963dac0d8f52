/**
 * Applies a ConversationWrite with prepared statements. Synchronous on purpose: it runs inside
 * the dialect's transaction callback, once per unit of a group-committed batch.
 */
import { and, eq, getTableColumns, sql, type Placeholder, type Table } from 'drizzle-orm'
import type { SQLiteColumn, SQLiteUpdateSetSource } from 'drizzle-orm/sqlite-core'
import type { ConversationPatch, ConversationWrite, MessagePatch } from '../../actors/ports.ts'
import { ParleyError } from '../../server/protocol/index.ts'
import * as t from '../schema.sqlite.ts'
import type { SqliteDb } from '../sqlite.ts'
import { STATUS_RANK, conversationRow, eventRow, messageRow } from './rows.ts'

/** A prepared statement that reports the rows it touched (via `returning`). */
interface PreparedPatch {
  all(values: Record<string, unknown>): unknown[]
}

/** Columns of a message row that a MessagePatch may set. */
const messagePatchKeys = ['text', 'editedAt', 'deletedAt', 'deletedByKind', 'deletedById'] as const
type MessagePatchColumn = (typeof messagePatchKeys)[number]

/** Written as a Record so that a field added to ConversationPatch fails to compile here. */
const conversationPatchKeys = Object.keys({
  status: true,
  assigneeId: true,
  lastSeq: true,
  hasUnansweredIncoming: true,
  lastMessageAt: true,
  escalationAt: true,
  updatedAt: true,
} satisfies Record<keyof ConversationPatch, true>) as (keyof ConversationPatch)[]

/** Insert values with one named placeholder per column, so a statement can be prepared once. */
function placeholdersFor<T extends Table>(
  table: T,
): { [K in keyof T['$inferInsert']]: Placeholder } {
  const entries = Object.keys(getTableColumns(table)).map((key) => [key, sql.placeholder(key)])
  // Object.fromEntries loses the key type; the keys are exactly the table's columns.
  return Object.fromEntries(entries) as { [K in keyof T['$inferInsert']]: Placeholder }
}

/**
 * In an upsert, the larger of the stored and the incoming value. CASE rather than SQLite's
 * two-argument max() because Postgres spells that greatest().
 */
function keepHigher(column: SQLiteColumn) {
  const incoming = sql.raw(`excluded.${column.name}`)
  return sql`case when ${incoming} > ${column} then ${incoming} else ${column} end`
}

/** A placeholder usable in an update's `set` (whose type accepts SQL, not bare placeholders). */
function bound(name: string) {
  return sql`${sql.placeholder(name)}`
}

/** Prepares one UPDATE per distinct set of patched columns (at most a few dozen), lazily. */
class PatchCache<K extends string> {
  readonly #cache = new Map<string, PreparedPatch>()
  constructor(private readonly build: (keys: K[]) => PreparedPatch) {}

  /** `keys` must come in a fixed order so that equal sets share a statement. */
  get(keys: K[]): PreparedPatch {
    const signature = keys.join(',')
    let statement = this.#cache.get(signature)
    if (!statement) {
      statement = this.build(keys)
      this.#cache.set(signature, statement)
    }
    return statement
  }
}

export class ConversationWriter {
  readonly #insertConversation
  readonly #insertMessage
  readonly #upsertReadState
  readonly #insertEvent
  readonly #conversationPatches: PatchCache<keyof ConversationPatch>
  readonly #messagePatches: PatchCache<MessagePatchColumn>

  constructor(private readonly db: SqliteDb) {
    this.#insertConversation = db
      .insert(t.conversations)
      .values(placeholdersFor(t.conversations))
      .prepare()
    this.#insertMessage = db.insert(t.messages).values(placeholdersFor(t.messages)).prepare()
    this.#insertEvent = db.insert(t.events).values(placeholdersFor(t.events)).prepare()
    // Watermarks only move up: a late or replayed receipt must not un-read anything.
    const rs = t.readStates
    this.#upsertReadState = db
      .insert(rs)
      .values(placeholdersFor(rs))
      .onConflictDoUpdate({
        target: [rs.conversationId, rs.readerKind, rs.readerId],
        set: { deliveredSeq: keepHigher(rs.deliveredSeq), readSeq: keepHigher(rs.readSeq) },
      })
      .prepare()
    this.#conversationPatches = new PatchCache((keys) => this.#prepareConversationPatch(keys))
    this.#messagePatches = new PatchCache((keys) => this.#prepareMessagePatch(keys))
  }

  /** Applies every part of one write; throws (and the caller rolls back) on any failure. */
  apply(write: ConversationWrite): void {
    const id = write.conversationId
    if (write.create) {
      if (write.create.id !== id) throw mismatch('create', write.create.id, id)
      this.#insertConversation.run(conversationRow(write.create))
    }
    if (write.update) this.#updateConversation(id, write.update)
    for (const message of write.insertMessages ?? []) {
      if (message.conversationId !== id) throw mismatch('message', message.conversationId, id)
      this.#insertMessage.run(messageRow(message))
    }
    for (const patch of write.updateMessages ?? []) this.#updateMessage(id, patch)
    for (const state of write.readStates ?? []) {
      this.#upsertReadState.run({
        conversationId: id,
        readerKind: state.reader.kind,
        readerId: state.reader.id,
        deliveredSeq: state.deliveredSeq,
        readSeq: state.readSeq,
      })
    }
    for (const event of write.events) {
      if (event.conversationId !== id) throw mismatch('event', event.conversationId, id)
      this.#insertEvent.run(eventRow(event))
    }
  }

  #updateConversation(id: string, patch: ConversationPatch): void {
    const values: Record<string, unknown> = { id }
    const keys: (keyof ConversationPatch)[] = []
    for (const key of conversationPatchKeys) {
      if (patch[key] === undefined) continue
      keys.push(key)
      values[key] = patch[key]
    }
    if (patch.status !== undefined) values.statusRank = STATUS_RANK[patch.status]
    if (keys.length === 0) return
    const touched = this.#conversationPatches.get(keys).all(values)
    if (touched.length === 0) throw new ParleyError('not_found', `conversation ${id} not found`)
  }

  #updateMessage(conversationId: string, patch: MessagePatch): void {
    const fields: Record<MessagePatchColumn, unknown> = {
      text: patch.text,
      editedAt: patch.editedAt,
      deletedAt: patch.deletedAt,
      deletedByKind: patch.deletedBy?.kind,
      deletedById: patch.deletedBy?.id,
    }
    const values: Record<string, unknown> = { id: patch.id, conversationId }
    const keys: MessagePatchColumn[] = []
    for (const key of messagePatchKeys) {
      if (fields[key] === undefined) continue
      keys.push(key)
      values[key] = fields[key]
    }
    if (keys.length === 0) return
    const touched = this.#messagePatches.get(keys).all(values)
    if (touched.length === 0) throw new ParleyError('not_found', `message ${patch.id} not found`)
  }

  #prepareConversationPatch(keys: (keyof ConversationPatch)[]): PreparedPatch {
    const c = t.conversations
    const set: SQLiteUpdateSetSource<typeof c> = {}
    for (const key of keys) set[key] = bound(key)
    if (keys.includes('status')) set.statusRank = bound('statusRank')
    if (keys.includes('lastMessageAt')) {
      set.lastActivityAt = sql`coalesce(${sql.placeholder('lastMessageAt')}, ${c.createdAt})`
    }
    return this.db
      .update(c)
      .set(set)
      .where(eq(c.id, sql.placeholder('id')))
      .returning({ id: c.id })
      .prepare()
  }

  #prepareMessagePatch(keys: MessagePatchColumn[]): PreparedPatch {
    const m = t.messages
    const set: SQLiteUpdateSetSource<typeof m> = {}
    for (const key of keys) set[key] = bound(key)
    return this.db
      .update(m)
      .set(set)
      .where(
        and(
          eq(m.id, sql.placeholder('id')),
          eq(m.conversationId, sql.placeholder('conversationId')),
        ),
      )
      .returning({ id: m.id })
      .prepare()
  }
}

function mismatch(part: string, got: string, expected: string): Error {
  return new Error(`write for conversation ${expected} carries a ${part} of conversation ${got}`)
}
