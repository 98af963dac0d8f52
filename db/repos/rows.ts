/** Row <-> wire mapping shared by the repositories. Wire objects carry exactly the wire fields. */
import type { ConversationRecord } from '../../actors/ports.ts'
import type {
  Conversation,
  ConversationEvent,
  ConversationStatus,
  Message,
  ReadState,
} from '../../protocol/index.ts'
import type { Rows } from '../sql/tables.ts'

export type ConversationRow = Rows['conversations']
export type MessageRow = Rows['messages']
export type ReadStateRow = Rows['readStates']
export type EventRow = Rows['events']

/** Sort rank of a status in the inbox list: open first, closed last. */
export const STATUS_RANK: Record<ConversationStatus, number> = { open: 0, resolved: 1, closed: 2 }

export function toConversation(row: ConversationRow): Conversation {
  return {
    id: row.id,
    inboxId: row.inboxId,
    visitorId: row.visitorId,
    status: row.status,
    assigneeId: row.assigneeId,
    lastSeq: row.lastSeq,
    hasUnansweredIncoming: row.hasUnansweredIncoming,
    lastMessageAt: row.lastMessageAt,
    escalationAt: row.escalationAt,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  }
}

export function toConversationRecord(row: ConversationRow): ConversationRecord {
  return { ...toConversation(row), ownerEpoch: row.ownerEpoch }
}

export function conversationRow(c: ConversationRecord): ConversationRow {
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
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
    ownerEpoch: c.ownerEpoch,
    escalationAt: c.escalationAt,
  }
}

/** A deleted message keeps its row, but its text never leaves the store. */
export function toMessage(row: MessageRow): Message {
  return {
    id: row.id,
    conversationId: row.conversationId,
    seq: row.seq,
    author: { kind: row.authorKind, id: row.authorId },
    text: row.deletedAt === null ? row.text : '',
    clientMsgId: row.clientMsgId,
    createdAt: row.createdAt,
    editedAt: row.editedAt,
    deletedAt: row.deletedAt,
    deletedBy:
      row.deletedByKind !== null && row.deletedById !== null
        ? { kind: row.deletedByKind, id: row.deletedById }
        : null,
  }
}

export function messageRow(m: Message): MessageRow {
  return {
    id: m.id,
    conversationId: m.conversationId,
    seq: m.seq,
    authorKind: m.author.kind,
    authorId: m.author.id,
    text: m.text,
    clientMsgId: m.clientMsgId,
    createdAt: m.createdAt,
    editedAt: m.editedAt,
    deletedAt: m.deletedAt,
    deletedByKind: m.deletedBy?.kind ?? null,
    deletedById: m.deletedBy?.id ?? null,
  }
}

export function toReadState(row: ReadStateRow): ReadState {
  return {
    reader: { kind: row.readerKind, id: row.readerId },
    deliveredSeq: row.deliveredSeq,
    readSeq: row.readSeq,
  }
}

export function eventRow(e: ConversationEvent): EventRow {
  const messageId =
    e.name === 'message.created' || e.name === 'message.updated' ? e.data.message.id : null
  return {
    conversationId: e.conversationId,
    seq: e.seq,
    name: e.name,
    data: e.data,
    at: e.at,
    messageId,
  }
}

/**
 * Rebuilds a stored event. `messageDeleted` comes from the joined message row: replay must not
 * hand out text that was deleted after the event was stored.
 */
export function toEvent(
  row: Pick<EventRow, 'conversationId' | 'seq' | 'name' | 'data' | 'at'>,
  messageDeleted: boolean,
): ConversationEvent {
  // The store wrote name and data together from one ConversationEvent; the pair matches.
  const event = {
    name: row.name,
    data: row.data,
    conversationId: row.conversationId,
    seq: row.seq,
    at: row.at,
  } as ConversationEvent
  if (messageDeleted && (event.name === 'message.created' || event.name === 'message.updated')) {
    event.data = { message: { ...event.data.message, text: '' } }
  }
  return event
}
