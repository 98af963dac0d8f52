/**
 * The inbox list's predicates (issue 16): one builder for the list and its counts, so a view's
 * count is the number of rows its list returns. Each condition is written twice, in SQL over
 * the stored columns and over a row in memory, side by side: rows whose summary is behind
 * their log (db/write-behind.ts) are tested in memory against the summary their log gives.
 */
import { and, eq, inArray, isNull, or, sql, type SQL } from 'drizzle-orm'
import { PRIORITY_RANK } from '../../protocol/index.ts'
import type { InboxFilter, InboxView } from '../../actors/ports.ts'
import type { Tables } from '../sql/tables.ts'
import { STATUS_RANK, type ConversationRow } from './rows.ts'

/** The counts `GET /api/inbox/counts` returns, each the size of one list view. */
export const INBOX_COUNTS = ['all', 'mine', 'unassigned', 'unanswered'] as const

export interface InboxPredicate {
  /** Every condition, in SQL (undefined: none). */
  where: SQL | undefined
  /** Only the conditions on fields never written behind (inbox, status, assignee). */
  stable: SQL | undefined
  /** Every condition, over a row. */
  test: (row: ConversationRow) => boolean
}

interface Condition {
  sql: SQL | undefined
  test: (row: ConversationRow) => boolean
  /** False for fields written behind the log (the unanswered flag). */
  stable: boolean
}

export function inboxPredicate(
  c: Tables['conversations'],
  filter: InboxFilter,
  view: InboxView,
  operatorId: string | undefined,
): InboxPredicate {
  const conditions: Condition[] = []
  const add = (sql: SQL | undefined, test: Condition['test'], stable = true) =>
    conditions.push({ sql, test, stable })
  const scope = filter.inboxIds
  if (scope !== null) add(inArray(c.inboxId, [...scope]), (r) => scope.includes(r.inboxId))
  const { inboxId, assigneeId, status } = filter
  if (inboxId !== undefined) add(eq(c.inboxId, inboxId), (r) => r.inboxId === inboxId)
  if (status !== undefined) {
    const rank = STATUS_RANK[status]
    add(eq(c.statusRank, rank), (r) => r.statusRank === rank)
  }
  if (assigneeId !== undefined)
    add(eq(c.assigneeId, assigneeId), (r) => r.assigneeId === assigneeId)
  const { labelId, priority } = filter
  if (labelId !== undefined) {
    // A JSON array of UUIDs: the quoted id appears in it exactly when the label is on it. The
    // id is escaped all the same (the route takes any short id).
    const quoted = `"${labelId}"`
    const pattern = `%${quoted.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`
    add(sql`${c.labels} like ${pattern} escape '\\'`, (r) => r.labels.includes(quoted))
  }
  if (priority !== undefined) {
    const rank = PRIORITY_RANK[priority]
    add(eq(c.priority, rank), (r) => r.priority === rank)
  }
  const attribute = filter.attribute
  if (attribute !== undefined) {
    // The column is JSON.stringify output: `"key":<value>` then `,` or `}` is that value and
    // nothing else (inside a string a quote is escaped). Values are escaped for LIKE.
    const exact = attribute.values.flatMap((value) => {
      const pair = `${JSON.stringify(attribute.key)}:${JSON.stringify(value)}`
      return [`${pair},`, `${pair}}`]
    })
    const escape = (text: string) => text.replace(/[\\%_]/g, (ch) => `\\${ch}`)
    add(
      exact.length > 0
        ? or(...exact.map((e) => sql`${c.attributes} like ${`%${escape(e)}%`} escape '\\'`))
        : sql`1 = 0`,
      (r) => r.attributes !== null && exact.some((e) => r.attributes!.includes(e)),
    )
  }
  const only = filter.conversationIds
  if (only !== undefined) {
    // An empty list matches nothing (an empty IN is not valid SQL everywhere).
    add(only.length > 0 ? inArray(c.id, [...only]) : sql`1 = 0`, (r) => only.includes(r.id))
  }
  const snoozed = filter.snoozed
  if (snoozed !== undefined) add(eq(c.snoozed, snoozed), (r) => r.snoozed === snoozed)
  if (filter.unansweredOnly) {
    add(eq(c.hasUnansweredIncoming, true), (r) => r.hasUnansweredIncoming, false)
  }
  switch (view) {
    case 'all':
      break
    case 'mine':
      if (operatorId === undefined) throw new Error('the mine view needs the operator')
      add(eq(c.assigneeId, operatorId), (r) => r.assigneeId === operatorId)
      break
    case 'unassigned':
      add(
        and(eq(c.statusRank, STATUS_RANK.open), isNull(c.assigneeId)),
        (r) => r.statusRank === STATUS_RANK.open && r.assigneeId === null,
      )
      break
  }
  return {
    where: and(...conditions.map((k) => k.sql)),
    stable: and(...conditions.filter((k) => k.stable).map((k) => k.sql)),
    test: (row) => conditions.every((k) => k.test(row)),
  }
}
