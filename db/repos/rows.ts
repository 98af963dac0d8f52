/** Row <-> wire mapping shared by the repositories. Wire objects carry exactly the wire fields. */
import type { ConversationRecord } from '../../actors/ports.ts'
import { PRIORITY_RANK } from '../../protocol/index.ts'
import { nextSlaDue, type ConversationSla } from '../../protocol/sla.ts'
import type {
  Conversation,
  ConversationEvent,
  ConversationPriority,
  ConversationStatus,
  Message,
  Note,
  ReadState,
  StoredEventData,
  VisitorLocation,
} from '../../protocol/index.ts'
import { and, eq, gt, like, ne, sql, type SQL } from 'drizzle-orm'
import { AUTO_REPLY_AUTHOR, WAITING_CLIENT_ID_PREFIX } from '../../actors/ports.ts'
import type { NewRow, Rows, Tables } from '../sql/tables.ts'

export type ConversationRow = Rows['conversations']
export type ReadStateRow = Rows['readStates']
export type EventRow = Rows['events']

/** Sort rank of a status in the inbox list: open first, closed last. */
/** The list's status order (open first); migration 0046 moved resolved and closed for pending. */
export const STATUS_RANK: Record<ConversationStatus, number> = {
  open: 0,
  pending: 1,
  resolved: 2,
  closed: 3,
}

export function toConversation(row: ConversationRow): Conversation {
  return {
    id: row.id,
    inboxId: row.inboxId,
    visitorId: row.visitorId,
    status: row.status,
    assigneeId: row.assigneeId,
    lastSeq: row.lastSeq,
    hasUnansweredIncoming: row.hasUnansweredIncoming,
    waitingSince: row.waitingSince,
    lastMessageAt: row.lastMessageAt,
    escalationAt: row.escalationAt,
    // Rows from before branches belong to their inbox's first branch, whose id is the inbox's.
    branchId: row.branchId ?? row.inboxId,
    location: locationOf(row),
    offline: row.offline,
    ...(row.channel !== 'widget' ? { channel: row.channel } : {}),
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    ...(row.erasedAt !== null ? { erasedAt: row.erasedAt } : {}),
    ...(row.priority !== PRIORITY_RANK.normal ? { priority: priorityOf(row.priority) } : {}),
    ...(row.labels !== '[]' ? { labels: labelsOf(row.labels) } : {}),
    ...(row.attributes !== null ? { attributes: attributesOf(row.attributes) } : {}),
    ...(row.sla !== null ? { sla: JSON.parse(row.sla) as ConversationSla } : {}),
    ...(row.snoozed ? { snooze: { until: row.snoozedUntil } } : {}),
    ...(row.campaignId !== null ? { campaignId: row.campaignId } : {}),
  }
}

const PRIORITIES = Object.keys(PRIORITY_RANK) as ConversationPriority[]

/** The priority a stored rank stands for (a rank out of range reads as normal). */
export function priorityOf(rank: number): ConversationPriority {
  return PRIORITIES.find((p) => PRIORITY_RANK[p] === rank) ?? 'normal'
}

/** The label ids a `labels` column holds. */
export function labelsOf(column: string): string[] {
  const parsed: unknown = JSON.parse(column)
  return Array.isArray(parsed) ? parsed.filter((x): x is string => typeof x === 'string') : []
}

/** The attribute values an `attributes` column holds (a value of another shape is dropped). */
export function attributesOf(column: string): Record<string, string | number | boolean> {
  const parsed: unknown = JSON.parse(column)
  const out: Record<string, string | number | boolean> = {}
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return out
  for (const [key, value] of Object.entries(parsed)) {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
      out[key] = value
    }
  }
  return out
}

/** The columns of a conversation's SLA: the state as JSON and its earliest pending deadline. */
export function slaColumns(sla: ConversationSla | null | undefined): {
  sla: string | null
  slaDue: number | null
} {
  return sla ? { sla: JSON.stringify(sla), slaDue: nextSlaDue(sla) } : { sla: null, slaDue: null }
}

/** The column for a conversation's attributes: null when it holds none. */
export function attributesColumn(
  attributes: Record<string, string | number | boolean> | undefined,
): string | null {
  return attributes && Object.keys(attributes).length > 0 ? JSON.stringify(attributes) : null
}

function locationOf(row: ConversationRow): VisitorLocation | null {
  return row.country === null ? null : { country: row.country, region: row.region, city: row.city }
}

export function toConversationRecord(row: ConversationRow): ConversationRecord {
  return {
    ...toConversation(row),
    branchId: row.branchId ?? row.inboxId,
    location: locationOf(row),
    locale: row.locale === 'ru' || row.locale === 'en' ? row.locale : null,
    ownerEpoch: row.ownerEpoch,
  }
}

export function conversationRow(c: ConversationRecord): NewRow<'conversations'> {
  return {
    id: c.id,
    inboxId: c.inboxId,
    visitorId: c.visitorId,
    status: c.status,
    statusRank: STATUS_RANK[c.status],
    assigneeId: c.assigneeId,
    lastSeq: c.lastSeq,
    hasUnansweredIncoming: c.hasUnansweredIncoming,
    lastMessageAt: c.lastMessageAt,
    lastActivityAt: c.lastMessageAt ?? c.createdAt,
    waitingSince: c.waitingSince ?? null,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
    ownerEpoch: c.ownerEpoch,
    escalationAt: c.escalationAt,
    branchId: c.branchId,
    country: c.location?.country ?? null,
    region: c.location?.region ?? null,
    city: c.location?.city ?? null,
    offline: c.offline ?? false,
    channel: c.channel ?? 'widget',
    locale: c.locale ?? null,
    erasedAt: c.erasedAt ?? null,
    priority: PRIORITY_RANK[c.priority ?? 'normal'],
    labels: JSON.stringify(c.labels ?? []),
    attributes: attributesColumn(c.attributes),
    ...slaColumns(c.sla),
    snoozed: c.snooze != null,
    snoozedUntil: c.snooze?.until ?? null,
    campaignId: c.campaignId ?? null,
  }
}

/** Message columns of a log row, as a message.created row holds them. */
type MessageColumns = Pick<
  EventRow,
  | 'conversationId'
  | 'seq'
  | 'at'
  | 'messageId'
  | 'authorKind'
  | 'authorId'
  | 'text'
  | 'clientMsgId'
  | 'editedAt'
  | 'deletedAt'
  | 'deletedByKind'
  | 'deletedById'
  | 'attachments'
>

/**
 * The message a `message.created` row holds, in its current state. A deleted message keeps its
 * row, but its text and files never leave the store.
 */
export function toMessage(row: MessageColumns): Message {
  if (row.messageId === null || row.authorKind === null || row.authorId === null) {
    throw new Error(`log row ${row.conversationId}/${row.seq} holds no message`)
  }
  return {
    id: row.messageId,
    conversationId: row.conversationId,
    seq: row.seq,
    author: { kind: row.authorKind, id: row.authorId },
    text: row.deletedAt === null ? (row.text ?? '') : '',
    ...(row.deletedAt === null && row.attachments?.length ? { attachments: row.attachments } : {}),
    clientMsgId: row.clientMsgId,
    createdAt: row.at,
    editedAt: row.editedAt,
    deletedAt: row.deletedAt,
    deletedBy:
      row.deletedByKind !== null && row.deletedById !== null
        ? { kind: row.deletedByKind, id: row.deletedById }
        : null,
  }
}

/** The note a `note.created` row holds. */
export function toNote(row: MessageColumns & Pick<EventRow, 'data'>): Note {
  if (row.messageId === null || row.authorKind === null || row.authorId === null) {
    throw new Error(`log row ${row.conversationId}/${row.seq} holds no note`)
  }
  const mentions = (row.data as { mentions?: unknown } | null)?.mentions
  return {
    id: row.messageId,
    conversationId: row.conversationId,
    seq: row.seq,
    author: { kind: row.authorKind, id: row.authorId },
    text: row.text ?? '',
    mentions: Array.isArray(mentions) ? mentions.filter((m) => typeof m === 'string') : [],
    clientMsgId: row.clientMsgId,
    createdAt: row.at,
  }
}

export function toReadState(row: ReadStateRow): ReadState {
  return {
    reader: { kind: row.readerKind, id: row.readerId },
    deliveredSeq: row.deliveredSeq,
    readSeq: row.readSeq,
  }
}

/** What message rows store in `data`: the message itself lives in the row's columns. */
const NO_DATA = {} as StoredEventData['data']

const NO_MESSAGE = {
  messageId: null,
  messageSeq: null,
  authorKind: null,
  authorId: null,
  text: null,
  clientMsgId: null,
  editedAt: null,
  deletedAt: null,
  deletedByKind: null,
  deletedById: null,
  attachments: null,
} satisfies Partial<EventRow>

/**
 * The log row of an event. A `message.created` row is the message (its columns); a
 * `message.updated` row points at that row by seq, so the log holds each message once and
 * replay reads its current state (edits and deletes applied) from one place.
 */
export function eventRow(e: ConversationEvent): NewRow<'events'> {
  const base = { conversationId: e.conversationId, seq: e.seq, name: e.name, at: e.at }
  if (e.name === 'message.created') {
    const m = e.data.message
    return {
      ...base,
      data: NO_DATA,
      ...NO_MESSAGE,
      messageId: m.id,
      authorKind: m.author.kind,
      authorId: m.author.id,
      text: m.text,
      clientMsgId: m.clientMsgId,
      editedAt: m.editedAt,
      deletedAt: m.deletedAt,
      deletedByKind: m.deletedBy?.kind ?? null,
      deletedById: m.deletedBy?.id ?? null,
      attachments: m.attachments?.length ? m.attachments : null,
    }
  }
  if (e.name === 'message.updated') {
    return { ...base, data: NO_DATA, ...NO_MESSAGE, messageSeq: e.data.message.seq }
  }
  if (e.name === 'note.created') {
    // A note's row holds it like a message's (id, author, text, client id: idempotent notes);
    // `data` keeps only its mentions. Reads of messages filter by name and never see it.
    const n = e.data.note
    return {
      ...base,
      data: { mentions: n.mentions } as unknown as StoredEventData['data'],
      ...NO_MESSAGE,
      messageId: n.id,
      authorKind: n.author.kind,
      authorId: n.author.id,
      text: n.text,
      clientMsgId: n.clientMsgId,
    }
  }
  return { ...base, data: e.data, ...NO_MESSAGE }
}

/**
 * Rebuilds a stored event. A message event carries its message's current state: from its own
 * row (message.created) or from the message.created row it points at (`target`, for
 * message.updated), so replay never hands out text that was edited away or deleted since.
 */
export function toEvent(row: EventRow, target?: EventRow): ConversationEvent {
  const base = { conversationId: row.conversationId, seq: row.seq, at: row.at }
  if (row.name === 'message.created') {
    return { ...base, name: 'message.created', data: { message: toMessage(row) } }
  }
  if (row.name === 'message.updated') {
    if (!target) throw new Error(`log row ${row.conversationId}/${row.seq} lost its message`)
    return { ...base, name: 'message.updated', data: { message: toMessage(target) } }
  }
  if (row.name === 'note.created')
    return { ...base, name: 'note.created', data: { note: toNote(row) } }
  // The store wrote name and data together from one ConversationEvent; the pair matches.
  return { ...base, name: row.name, data: row.data } as ConversationEvent
}

/** The summary fields a log append changes, as a log tail sets them. */
export interface LogSummary {
  lastSeq: number
  updatedAt: number
  lastMessageAt?: number
  hasUnansweredIncoming?: boolean
  /** Since when the visitor waits, after the tail (see Conversation.waitingSince). */
  waitingSince: number | null
}

/**
 * What a tail of the log (events in seq order) does to a conversation's summary: the newest
 * seq and time, from its newest message the last activity, and from its newest message by a
 * person the unanswered flag (a visitor's message is unanswered until an operator writes;
 * automatic replies change nothing), and since when the visitor waits, from `waitingSince`
 * before the tail (an operator message ends a wait, a visitor message starts one if none
 * runs). Null for an empty tail. The actor sets the same fields the same way when it appends
 * (actors/conversation/actor.ts).
 */
export function summarizeTail(
  tail: readonly Pick<EventRow, 'seq' | 'at' | 'name' | 'authorKind'>[],
  waitingSince: number | null,
): LogSummary | null {
  const last = tail[tail.length - 1]
  if (!last) return null
  let waiting = waitingSince
  for (const e of tail) {
    if (e.name !== 'message.created') continue
    if (e.authorKind === 'operator') waiting = null
    else if (e.authorKind === 'visitor') waiting ??= e.at
  }
  const summary: LogSummary = { lastSeq: last.seq, updatedAt: last.at, waitingSince: waiting }
  const message = tail.findLast((e) => e.name === 'message.created')
  if (message) summary.lastMessageAt = message.at
  // Automatic replies (system) answer nothing: the newest message of a person decides.
  const spoken = tail.findLast((e) => e.name === 'message.created' && e.authorKind !== 'system')
  if (spoken) summary.hasUnansweredIncoming = spoken.authorKind === 'visitor'
  return summary
}

/**
 * The same summary in SQL, for a query over conversations (`c`): each a probe of the end of the
 * conversation's log primary-key range. Used where a stored summary may be behind its log.
 */
export function logSummarySql(tables: Tables): {
  lastSeq: SQL<number>
  lastMessageAt: SQL<number | null>
  /** The author kind of the newest message by a person (automatic replies skipped). */
  lastMessageAuthor: SQL<string | null>
} {
  const { conversations: c, events: e } = tables
  const lastMessage = and(eq(e.convNo, c.no), eq(e.name, 'message.created'))
  const newest = (column: SQL, where = lastMessage) =>
    sql`(select ${column} from ${e} where ${where} order by ${e.seq} desc limit 1)`
  return {
    lastSeq: sql`(select max(${e.seq}) from ${e} where ${eq(e.convNo, c.no)})`.mapWith(Number),
    lastMessageAt: newest(sql`${e.at}`).mapWith((v: unknown) => (v === null ? null : Number(v))),
    lastMessageAuthor: newest(
      sql`${e.authorKind}`,
      and(lastMessage, ne(e.authorKind, 'system')),
    ).mapWith((v: unknown) => (v === null ? null : String(v))),
  }
}

/**
 * The visitor's current wait for an answer (R7), over conversations (`c`): when it began (the
 * time of the first visitor message after the last operator message; null when nothing waits)
 * and whether the automatic waiting reply for it is stored (a system message with a client id
 * `waiting:<since>` after that operator message). Probes of the conversation's log range.
 */
export function waitingSql(tables: Tables): {
  since: SQL<number | null>
  replied: SQL<boolean>
} {
  const { conversations: c, events: e } = tables
  const answeredSeq = sql`coalesce((select ${e.seq} from ${e} where ${and(
    eq(e.convNo, c.no),
    eq(e.name, 'message.created'),
    eq(e.authorKind, 'operator'),
  )} order by ${e.seq} desc limit 1), 0)`
  const since = sql`(select min(${e.at}) from ${e} where ${and(
    eq(e.convNo, c.no),
    gt(e.seq, answeredSeq),
    eq(e.name, 'message.created'),
    eq(e.authorKind, 'visitor'),
  )})`
  const replied = sql`exists (select 1 from ${e} where ${and(
    eq(e.convNo, c.no),
    gt(e.seq, answeredSeq),
    eq(e.authorKind, 'system'),
    eq(e.authorId, AUTO_REPLY_AUTHOR),
    like(e.clientMsgId, `${WAITING_CLIENT_ID_PREFIX}%`),
  )})`
  return {
    since: since.mapWith((v: unknown) => (v === null ? null : Number(v))),
    replied: replied.mapWith((v: unknown) => v === true || v === 1),
  }
}
