/**
 * Which log events a webhook reports, and what it posts for each (issue 17; the shapes are in
 * docs/webhooks.md). Bodies are built when the dispatcher fans an event out, from the log as it
 * is then: an edited, deleted or erased message is never sent in a form it no longer has.
 */
import type { VisitorRecord } from '../../actors/index.ts'
import type { Conversation, ConversationEvent } from '../../protocol/index.ts'
import type { WebhookEventType } from '../../protocol/webhooks.ts'

/** What a receiver gets: one event per request. */
export interface WebhookPayload {
  /** Stable across attempts and endpoints: receivers dedupe by it. */
  id: string
  /** `rule.triggered`: an automation rule's webhook action (issue 20), to its endpoint only. */
  type: WebhookEventType | 'ping' | 'rule.triggered'
  /** When it happened (ms since the epoch). */
  createdAt: number
  inboxId: string
  conversationId: string | null
  data: Record<string, unknown>
}

/** The webhook events a log event is reported as (none for most of the log). */
export function webhookTypesOf(e: ConversationEvent): WebhookEventType[] {
  switch (e.name) {
    case 'conversation.created':
      return e.data.conversation.offline
        ? ['conversation.created', 'offline_request.created']
        : ['conversation.created']
    case 'conversation.assigned':
      return ['conversation.assigned']
    case 'conversation.status':
      return [
        e.data.status === 'resolved'
          ? 'conversation.resolved'
          : e.data.status === 'closed'
            ? 'conversation.closed'
            : e.data.status === 'pending'
              ? 'conversation.pending'
              : 'conversation.reopened',
      ]
    case 'conversation.rated':
      return ['conversation.rated']
    case 'conversation.priority':
      return ['conversation.priority_changed']
    case 'conversation.labels':
      return ['conversation.labels_changed']
    case 'conversation.attributes':
      return ['conversation.attributes_changed']
    case 'conversation.sla':
      return e.data.change === 'breached' ? ['conversation.sla_breached'] : []
    case 'conversation.snoozed':
      return ['conversation.snoozed']
    case 'message.created':
      return ['message.created']
    case 'message.updated': {
      // The row names the message; deleted by this very event when its deletion is not later.
      const { deletedAt } = e.data.message
      return [deletedAt !== null && deletedAt <= e.at ? 'message.deleted' : 'message.updated']
    }
    default:
      return []
  }
}

/**
 * What a write's events may be reported as, before the store has them: a change of a message
 * may turn out an edit or a deletion, a new conversation an offline request.
 */
export function mayReport(e: ConversationEvent): readonly WebhookEventType[] {
  if (e.name === 'message.updated') return ['message.updated', 'message.deleted']
  if (e.name === 'conversation.created') return ['conversation.created', 'offline_request.created']
  return webhookTypesOf(e)
}

/** The id of one reported event: the conversation's log position (and the kind, if two share it). */
export function eventIdOf(e: ConversationEvent, type: WebhookEventType): string {
  const base = `${e.conversationId}.${e.seq}`
  return type === 'offline_request.created' ? `${base}.offline_request` : base
}

/** What the visitor told us, as a receiver sees it (empty once erased). */
function visitorOf(visitor: VisitorRecord | null, id: string) {
  return {
    id,
    name: visitor?.name ?? null,
    email: visitor?.email ?? null,
    phone: visitor?.phone ?? null,
    externalId: visitor?.externalId ?? null,
    attributes: visitor?.attributes ?? {},
  }
}

/**
 * The body of one reported event. `conversation` is the conversation as it is when the event is
 * sent; the event's own fields say what this event changed. `page` is the log page the event
 * came from (an offline request's message is the event after it).
 */
export function payloadOf(
  type: WebhookEventType,
  e: ConversationEvent,
  ctx: {
    conversation: Conversation
    visitor: VisitorRecord | null
    page: readonly ConversationEvent[]
  },
): WebhookPayload {
  const { conversation } = ctx
  const envelope = {
    id: eventIdOf(e, type),
    type,
    createdAt: e.at,
    inboxId: conversation.inboxId,
    conversationId: conversation.id,
  }
  const data = ((): Record<string, unknown> => {
    switch (e.name) {
      case 'conversation.created': {
        const visitor = visitorOf(ctx.visitor, conversation.visitorId)
        if (type === 'offline_request.created') {
          const first = ctx.page.find((x) => x.name === 'message.created' && x.seq > e.seq)
          const message = first?.name === 'message.created' ? first.data.message : null
          return { conversation, visitor, message }
        }
        return { conversation, visitor, context: e.data.context ?? null }
      }
      case 'conversation.assigned':
        return { conversation, ...e.data }
      case 'conversation.status':
        return { conversation, status: e.data.status, by: e.data.by }
      case 'conversation.rated':
        return { conversation, rating: e.data.rating, by: e.data.by }
      case 'conversation.priority':
      case 'conversation.labels':
      case 'conversation.snoozed':
      case 'conversation.attributes':
        return { conversation, ...e.data }
      case 'conversation.sla':
        return { conversation, kind: e.data.kind, due: e.data.due, sla: e.data.sla }
      case 'message.created':
      case 'message.updated':
        return { conversation, message: e.data.message }
      default:
        return { conversation }
    }
  })()
  return { ...envelope, data }
}
