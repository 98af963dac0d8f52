/** The conversation's pure rules: text limits (C7), who may change a message (C6), shapes. */
import {
  MAX_TEXT_LENGTH,
  ParleyError,
  type Conversation,
  type Message,
  type Party,
  type ReadState,
} from '../../protocol/index.ts'
import type { ConversationRecord } from '../ports.ts'
import { newId } from '../runtime/index.ts'
import type { Principal } from './access.ts'

/** Non-empty after trimming, at most MAX_TEXT_LENGTH characters. */
export function checkText(text: string): void {
  if (text.length > MAX_TEXT_LENGTH) {
    throw new ParleyError('validation_failed', `text is longer than ${MAX_TEXT_LENGTH} characters`)
  }
  if (text.trim().length === 0) throw new ParleyError('validation_failed', 'text is empty')
}

/**
 * A message may be edited or deleted by its author only, while not deleted and while nobody
 * of the other side has read it (C6, seed 001 error codes).
 */
export function checkOwnUnread(
  principal: Principal,
  message: Message,
  readStates: Iterable<ReadState>,
): void {
  if (message.author.kind !== principal.kind || message.author.id !== principal.id) {
    throw new ParleyError('MESSAGE_ACTION_FORBIDDEN', 'only the author can change a message')
  }
  if (message.deletedAt !== null) {
    throw new ParleyError('MESSAGE_ALREADY_DELETED', 'the message was deleted')
  }
  for (const rs of readStates) {
    if (rs.reader.kind !== message.author.kind && rs.readSeq >= message.seq) {
      throw new ParleyError('MESSAGE_ALREADY_READ', 'the other side has already read the message')
    }
  }
}

export function newMessage(
  conversationId: string,
  author: Party,
  text: string,
  clientMsgId: string | null,
  seq: number,
  now: number,
): Message {
  return {
    id: newId(),
    conversationId,
    seq,
    author,
    text,
    clientMsgId,
    createdAt: now,
    editedAt: null,
    deletedAt: null,
    deletedBy: null,
  }
}

export function toWire(conv: ConversationRecord): Conversation {
  const { ownerEpoch: _epoch, locale: _locale, ...wire } = conv
  // As the store reads it back: a normal priority and no labels are absent. Most have neither
  // set: they take the path every message took before triage existed.
  if (
    wire.priority !== 'normal' &&
    wire.labels?.length !== 0 &&
    (wire.attributes === undefined || Object.keys(wire.attributes).length > 0)
  ) {
    return wire
  }
  const { priority, labels, attributes, ...rest } = wire
  return {
    ...rest,
    ...(priority !== undefined && priority !== 'normal' ? { priority } : {}),
    ...(labels !== undefined && labels.length > 0 ? { labels } : {}),
    ...(attributes !== undefined && Object.keys(attributes).length > 0 ? { attributes } : {}),
  }
}

/**
 * A conversation as its visitor sees it: without the team's triage (priority, labels,
 * attributes, SLA), and open while the team waits on them (pending, issue 20).
 */
export function forVisitor<C extends Conversation>(conv: C): C {
  const { priority: _p, labels: _l, attributes: _a, sla: _s, ...rest } = conv
  return (conv.status === 'pending' ? { ...rest, status: 'open' } : rest) as C
}
