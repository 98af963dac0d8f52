/**
 * Partial updates of conversations and messages. A patch sets only the fields it names, so
 * each distinct set of fields gets its own statement, described once and cached (at most a few
 * dozen). Conversation patches of a batch that name the same fields share one UpdateMany.
 */
import { and, eq, sql } from 'drizzle-orm'
import type { ConversationPatch, MessagePatch } from '../../actors/ports.ts'
import { PRIORITY_RANK, ParleyError } from '../../protocol/index.ts'
import { queryStep, updateStep, type SqlDialect, type Step } from '../sql/dialect.ts'
import {
  bound,
  field,
  param,
  update,
  updateMany,
  type Params,
  type Query,
  type SetValues,
  type UpdateMany,
} from '../sql/statements.ts'
import { attributesColumn, slaColumns, STATUS_RANK, type ConversationRow } from './rows.ts'

/** Written as a Record so that a field added to ConversationPatch fails to compile here. */
const conversationPatchKeys = Object.keys({
  status: true,
  assigneeId: true,
  lastSeq: true,
  hasUnansweredIncoming: true,
  waitingSince: true,
  lastMessageAt: true,
  escalationAt: true,
  updatedAt: true,
  branchId: true,
  priority: true,
  labels: true,
  attributes: true,
  sla: true,
  snooze: true,
} satisfies Record<keyof ConversationPatch, true>) as (keyof ConversationPatch)[]

/** Columns of a message's log row that a MessagePatch may set. */
const messagePatchKeys = ['text', 'editedAt', 'deletedAt', 'deletedByKind', 'deletedById'] as const
type MessagePatchColumn = (typeof messagePatchKeys)[number]

/** One conversation's patch, ready to join the others of its batch. */
export interface ConversationUpdate {
  id: string
  /** The patched fields, in a fixed order: equal sets share a statement. */
  keys: (keyof ConversationPatch)[]
  /** The key and the new values, by column. */
  row: Params
}

/** Builds each distinct statement once, on first use. */
class Cache<K extends string, T> {
  readonly #built = new Map<string, T>()
  constructor(private readonly build: (keys: K[]) => T) {}

  get(keys: K[]): T {
    const signature = keys.join(',')
    let found = this.#built.get(signature)
    if (!found) this.#built.set(signature, (found = this.build(keys)))
    return found
  }
}

/** The update of `id`, or null when the patch names no field. */
export function conversationUpdate(
  id: string,
  patch: ConversationPatch,
): ConversationUpdate | null {
  const row: Params = { id }
  const keys = conversationPatchKeys.filter((key) => patch[key] !== undefined)
  for (const key of keys) row[key] = patch[key]
  if (patch.status !== undefined) row.statusRank = STATUS_RANK[patch.status]
  // Stored as the rank the queue and the list sort by, and as a JSON array.
  if (patch.priority !== undefined) row.priority = PRIORITY_RANK[patch.priority]
  if (patch.labels !== undefined) row.labels = JSON.stringify(patch.labels)
  if (patch.attributes !== undefined) row.attributes = attributesColumn(patch.attributes)
  if (patch.sla !== undefined) Object.assign(row, slaColumns(patch.sla))
  if (patch.snooze !== undefined) {
    delete row.snooze
    row.snoozed = patch.snooze !== null
    row.snoozedUntil = patch.snooze?.until ?? null
  }
  return keys.length === 0 ? null : { id, keys, row }
}

export class ConversationPatches {
  readonly #statements: Cache<keyof ConversationPatch, UpdateMany<'conversations'>>

  constructor(db: SqlDialect) {
    const c = db.tables.conversations
    this.#statements = new Cache((keys) => {
      // Derived and split columns: the status's rank, the snooze's flag and time, the SLA's
      // state and earliest deadline.
      const columns: (keyof ConversationRow)[] = keys.flatMap((key) =>
        key === 'status'
          ? (['status', 'statusRank'] as const)
          : key === 'snooze'
            ? (['snoozed', 'snoozedUntil'] as const)
            : key === 'sla'
              ? (['sla', 'slaDue'] as const)
              : [key],
      )
      // The status rank and last activity are derived columns the lists sort by.
      return updateMany('conversations', 'id', columns, {
        ...(keys.includes('lastMessageAt') && {
          lastActivityAt: (incoming) => sql`coalesce(${incoming('lastMessageAt')}, ${c.createdAt})`,
        }),
      })
    })
  }

  /**
   * The steps for a batch's updates, in order: one statement per set of fields, and a
   * conversation patched twice gets its later patch in a later statement.
   */
  steps(updates: readonly ConversationUpdate[]): Step[] {
    const rounds: Map<string, ConversationUpdate[]>[] = []
    const lastRound = new Map<string, number>()
    for (const u of updates) {
      const index = (lastRound.get(u.id) ?? -1) + 1
      lastRound.set(u.id, index)
      const round = (rounds[index] ??= new Map())
      const signature = u.keys.join(',')
      round.set(signature, [...(round.get(signature) ?? []), u])
    }
    return rounds.flatMap((round) =>
      [...round.values()].map((group) =>
        updateStep(
          this.#statements.get(group[0]?.keys ?? []),
          group.map((u) => u.row),
          (updated) => requireUpdated(group, updated),
        ),
      ),
    )
  }
}

function requireUpdated(group: ConversationUpdate[], updated: readonly { key: unknown }[]) {
  const found = new Set(updated.map((row) => row.key))
  const missing = group.find((u) => !found.has(u.id))
  if (missing) throw new ParleyError('not_found', `conversation ${missing.id} not found`)
}

/** Summary fields a log append changes; the only ones written behind (db/write-behind.ts). */
export const PROJECTED_KEYS = [
  'lastSeq',
  'hasUnansweredIncoming',
  'waitingSince',
  'lastMessageAt',
  'updatedAt',
] as const
export type ProjectedKey = (typeof PROJECTED_KEYS)[number]

/** A conversation's summary as its log stands at `lastSeq` (the fields that changed in it). */
export type Projection = { id: string; lastSeq: number } & Partial<
  Pick<ConversationPatch, Exclude<ProjectedKey, 'lastSeq'>>
>

/**
 * Written-behind summaries. Each is a prefix of the log, so one only replaces an older one
 * (`last_seq < :lastSeq`): a late flush or a repair racing a live owner never moves a summary
 * back, and nothing needs fencing. Those of a batch that set the same fields share one
 * statement (one UPDATE ... FROM unnest on Postgres).
 */
export class ProjectionUpdates {
  readonly #statements: Cache<ProjectedKey, UpdateMany<'conversations'>>

  constructor(db: SqlDialect) {
    const c = db.tables.conversations
    this.#statements = new Cache((keys) =>
      updateMany(
        'conversations',
        'id',
        keys,
        {
          ...(keys.includes('lastMessageAt') && {
            lastActivityAt: (incoming) =>
              sql`coalesce(${incoming('lastMessageAt')}, ${c.createdAt})`,
          }),
        },
        (incoming) => sql`${c.lastSeq} < ${incoming('lastSeq')}`,
      ),
    )
  }

  steps(projections: readonly Projection[]): Step[] {
    const groups = new Map<string, { keys: ProjectedKey[]; rows: Params[] }>()
    for (const projection of projections) {
      const keys = PROJECTED_KEYS.filter((key) => projection[key] !== undefined)
      const signature = keys.join(',')
      const group = groups.get(signature) ?? { keys, rows: [] }
      group.rows.push({ ...projection })
      groups.set(signature, group)
    }
    return [...groups.values()].map(({ keys, rows }) =>
      updateStep(this.#statements.get(keys), rows),
    )
  }
}

export class MessagePatches {
  readonly #statements: Cache<MessagePatchColumn, Query<{ id: string | null }>>

  constructor(db: SqlDialect) {
    const e = db.tables.events
    this.#statements = new Cache((keys) => {
      const set: SetValues<'events'> = {}
      for (const key of keys) set[key] = bound(key)
      // The message.created row is the message (events_message_uq).
      const where = and(eq(e.messageId, param('id')), eq(e.conversationId, param('conversationId')))
      return update('events', set, where, { id: field(e.messageId) })
    })
  }

  /** The step for one planned patch (the message must belong to the conversation). */
  step(patch: MessageUpdate): Step {
    return queryStep(this.#statements.get(patch.keys), patch.values, (rows) => {
      if (rows.length === 0) throw new ParleyError('not_found', `message ${patch.id} not found`)
    })
  }
}

/** One message's patch as plain data: the columns it sets, in a fixed order, and the values. */
export interface MessageUpdate {
  id: string
  keys: MessagePatchColumn[]
  /** The message id, its conversation id and the new values, by column. */
  values: Params
}

/** Validates the patch and plans it; null when it names no field. */
export function messageUpdate(conversationId: string, patch: MessagePatch): MessageUpdate | null {
  if (patch.text !== undefined) validateText(patch.text)
  const fields: Record<MessagePatchColumn, unknown> = {
    text: patch.text,
    editedAt: patch.editedAt,
    deletedAt: patch.deletedAt,
    deletedByKind: patch.deletedBy?.kind,
    deletedById: patch.deletedBy?.id,
  }
  const values: Params = { id: patch.id, conversationId }
  const keys = messagePatchKeys.filter((key) => fields[key] !== undefined)
  for (const key of keys) values[key] = fields[key]
  return keys.length === 0 ? null : { id: patch.id, keys, values }
}

/** SQLite would store U+0000 but Postgres text cannot: refused on both, so they agree. */
export function validateText(text: string): void {
  if (text.includes('\u0000')) {
    throw new ParleyError('validation_failed', 'text contains a NUL character')
  }
}
