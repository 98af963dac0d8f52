/**
 * The inbox list's keyset cursor: the position of the last conversation of a page in the order
 * (status rank asc, last activity desc, id asc). Opaque to clients; the same on every dialect.
 */
import { and, eq, gt, gte, lt, or, type SQL } from 'drizzle-orm'
import { ParleyError, type Conversation } from '../../protocol/index.ts'
import type { Tables } from '../sql/tables.ts'
import { STATUS_RANK } from './rows.ts'

/** Position of a conversation in the inbox order. */
export interface InboxKey {
  rank: number
  activity: number
  id: string
}

export function encodeCursor(c: Conversation): string {
  const key = [STATUS_RANK[c.status], c.lastMessageAt ?? c.createdAt, c.id]
  return Buffer.from(JSON.stringify(key)).toString('base64url')
}

/** Throws bad_request for anything encodeCursor did not produce. */
export function decodeCursor(cursor: string): InboxKey {
  let parsed: unknown
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
  } catch {
    parsed = null
  }
  if (
    Array.isArray(parsed) &&
    parsed.length === 3 &&
    Number.isSafeInteger(parsed[0]) &&
    Number.isSafeInteger(parsed[1]) &&
    typeof parsed[2] === 'string'
  ) {
    return { rank: parsed[0], activity: parsed[1], id: parsed[2] }
  }
  throw new ParleyError('bad_request', 'invalid cursor')
}

/**
 * Rows strictly after `key` in the inbox order. Directions are mixed, so a row-value comparison
 * cannot express it; the leading `rank >= k` bound still lets the index seek to the cursor's
 * status instead of scanning from the start. A row inserted or moved since the previous page
 * lands either before the cursor (not shown again) or after it (shown once): pages never repeat
 * or skip the rows that stayed in place.
 */
export function afterKey(c: Tables['conversations'], key: InboxKey): SQL | undefined {
  return and(
    gte(c.statusRank, key.rank),
    or(
      gt(c.statusRank, key.rank),
      and(
        eq(c.statusRank, key.rank),
        or(
          lt(c.lastActivityAt, key.activity),
          and(eq(c.lastActivityAt, key.activity), gt(c.id, key.id)),
        ),
      ),
    ),
  )
}
