/**
 * The inbox list's orders and keyset cursors (issue 16). A cursor is the position of a page's
 * last conversation in the list's order, tagged with the order it belongs to. Opaque to
 * clients; the same on every dialect.
 */
import { and, asc, desc, eq, gt, gte, lt, or, sql, type SQL } from 'drizzle-orm'
import type { InboxSort } from '../../actors/ports.ts'
import { ParleyError } from '../../protocol/index.ts'
import type { Tables } from '../sql/tables.ts'
import type { ConversationRow } from './rows.ts'

/**
 * The waiting key of a row where nobody waits: after every real time, so those rows follow the
 * waiting ones (and keep the activity order among themselves). Fits a JS number and a bigint.
 */
export const NOT_WAITING = Number.MAX_SAFE_INTEGER

type Column = Tables['conversations']

/** One part of an order: its SQL, its direction, and the same value read from a row. */
interface KeyPart {
  sql: (c: Column) => SQL
  descending: boolean
  of: (row: ConversationRow) => number | string
}

const rank: KeyPart = {
  sql: (c) => sql`${c.statusRank}`,
  descending: false,
  of: (r) => r.statusRank,
}
const activity: KeyPart = {
  sql: (c) => sql`${c.lastActivityAt}`,
  descending: true,
  of: (r) => r.lastActivityAt,
}
const id: KeyPart = { sql: (c) => sql`${c.id}`, descending: false, of: (r) => r.id }
const waiting: KeyPart = {
  sql: (c) => sql`coalesce(${c.waitingSince}, ${sql.raw(String(NOT_WAITING))})`,
  descending: false,
  of: (r) => r.waitingSince ?? NOT_WAITING,
}

const priority: KeyPart = {
  sql: (c) => sql`${c.priority}`,
  descending: false,
  of: (r) => r.priority,
}

/**
 * activity: status rank asc (open, resolved, closed), last activity desc, id asc.
 * waiting: status rank asc, waiting since asc (rows where nobody waits last), then as activity.
 * priority: status rank asc, priority rank asc (most urgent first), then as activity.
 */
const ORDERS: Record<InboxSort, readonly KeyPart[]> = {
  activity: [rank, activity, id],
  waiting: [rank, waiting, activity, id],
  priority: [rank, priority, activity, id],
}

export type InboxKey = (number | string)[]

export function keyOf(sort: InboxSort, row: ConversationRow): InboxKey {
  return ORDERS[sort].map((part) => part.of(row))
}

/** The list order over rows in memory (the same as `orderBy` in SQL). */
export function compareRows(sort: InboxSort, a: ConversationRow, b: ConversationRow): number {
  for (const part of ORDERS[sort]) {
    const x = part.of(a)
    const y = part.of(b)
    if (x === y) continue
    const less = x < y ? -1 : 1
    return part.descending ? -less : less
  }
  return 0
}

/** Whether `row` comes strictly after `key` in the order. */
export function isAfter(sort: InboxSort, row: ConversationRow, key: InboxKey): boolean {
  const parts = ORDERS[sort]
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] as KeyPart
    const x = part.of(row)
    const y = key[i] as number | string
    if (x === y) continue
    return part.descending ? x < y : x > y
  }
  return false
}

export function orderBy(c: Column, sort: InboxSort): SQL[] {
  return ORDERS[sort].map((part) => (part.descending ? desc(part.sql(c)) : asc(part.sql(c))))
}

export function encodeCursor(sort: InboxSort, row: ConversationRow): string {
  return Buffer.from(JSON.stringify([sort, ...keyOf(sort, row)])).toString('base64url')
}

/** Throws bad_request for anything encodeCursor did not produce for this order. */
export function decodeCursor(sort: InboxSort, cursor: string): InboxKey {
  let parsed: unknown
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
  } catch {
    parsed = null
  }
  const parts = ORDERS[sort]
  if (Array.isArray(parsed) && parsed.length === parts.length + 1 && parsed[0] === sort) {
    const key = parsed.slice(1) as unknown[]
    const valid = parts.every((part, i) =>
      part === id ? typeof key[i] === 'string' : Number.isSafeInteger(key[i]),
    )
    if (valid) return key as InboxKey
  }
  throw new ParleyError('bad_request', 'invalid cursor')
}

/**
 * Rows strictly after `key` in the order. Directions are mixed, so a row-value comparison
 * cannot express it; the leading `rank >= k` bound still lets an index seek to the cursor's
 * status. A row inserted or moved since the previous page lands either before the cursor (not
 * shown again) or after it (shown once): pages never repeat or skip the rows that stayed.
 */
export function afterKey(c: Column, sort: InboxSort, key: InboxKey): SQL | undefined {
  const parts = ORDERS[sort]
  const after = (i: number): SQL | undefined => {
    const part = parts[i] as KeyPart
    const value = key[i] as number | string
    const column = part.sql(c)
    const beyond = part.descending ? lt(column, value) : gt(column, value)
    if (i === parts.length - 1) return beyond
    return or(beyond, and(eq(column, value), after(i + 1)))
  }
  return and(gte(c.statusRank, key[0] as number), after(0))
}
