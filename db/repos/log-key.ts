/**
 * The log is keyed by its conversation's number (`events.conv_no`, `conversations.no`), not by
 * the conversation's id: reads that know an id find the number with a primary-key probe of
 * `conversations` inside the same statement, then read a range of the log's primary key.
 */
import { eq, sql, type Placeholder, type SQL, type SQLWrapper } from 'drizzle-orm'
import type { Tables } from '../sql/tables.ts'

/** The number of the conversation with id `id` (a value, a placeholder or SQL). */
export function conversationNo(
  c: Tables['conversations'],
  id: SQLWrapper | Placeholder | string,
): SQL<number> {
  return sql<number>`(select ${c.no} from ${c} where ${c.id} = ${id})`
}

/** Log rows of the conversation with id `id`: a range of the log's primary key. */
export function inLogOf(tables: Tables, id: SQLWrapper | Placeholder | string): SQL {
  return eq(tables.events.convNo, conversationNo(tables.conversations, id))
}
