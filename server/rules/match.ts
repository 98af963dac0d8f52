/**
 * Automation rules (issue 20): which rule events a log event is, who caused it, and whether a
 * rule's conditions hold for a conversation. Pure: the runner (runner.ts) gathers the facts.
 */
import {
  PRIORITY_RANK,
  type Conversation,
  type ConversationEvent,
  type Message,
  type Party,
  type VisitorContext,
} from '../../protocol/index.ts'
import type { RuleCondition, RuleEvent } from '../../protocol/rules.ts'
import { attributeHolds, type AttributeValue } from '../../protocol/attributes.ts'

/** The rule events a log event triggers (none for most of the log). */
export function ruleEventsOf(e: ConversationEvent): RuleEvent[] {
  switch (e.name) {
    case 'conversation.created':
      return ['conversation.created']
    case 'message.created':
      return ['message.created']
    case 'conversation.status':
      return e.data.status === 'resolved'
        ? ['conversation.updated', 'conversation.resolved']
        : ['conversation.updated']
    case 'conversation.assigned':
    case 'conversation.priority':
    case 'conversation.labels':
    case 'conversation.snoozed':
    case 'conversation.context':
    case 'conversation.attributes':
      return ['conversation.updated']
    default:
      return []
  }
}

/** The party a rule acts as: its id and how deep in a chain of rules it runs (1: first). */
export function ruleParty(ruleId: string, depth: number): Party {
  return { kind: 'system', id: `rule:${ruleId}/${depth}` }
}

/** Who did what the event records; null when it records nobody. */
export function authorOf(e: ConversationEvent): Party | null {
  switch (e.name) {
    case 'message.created':
      return e.data.message.author
    case 'note.created':
      return e.data.note.author
    case 'conversation.status':
    case 'conversation.assigned':
    case 'conversation.priority':
    case 'conversation.labels':
    case 'conversation.snoozed':
    case 'conversation.attributes':
      return e.data.by
    default:
      return null
  }
}

/**
 * The rule whose action the event is and that rule's depth, when a rule caused it; null when
 * a person or the rest of the system did.
 */
export function causeOf(e: ConversationEvent): { ruleId: string; depth: number } | null {
  const by = authorOf(e)
  if (by?.kind !== 'system') return null
  const m = /^rule:(.+)\/(\d+)$/.exec(by.id)
  return m ? { ruleId: m[1]!, depth: Number(m[2]) } : null
}

/** What the conditions are checked against. */
export interface RuleFacts {
  conversation: Conversation
  /** The triggering message; null for other events. */
  message: Message | null
  /** The visitor's newest context (page, language); null when none was reported. */
  context: VisitorContext | null
  /** Whether the conversation's branch is open now; asked only by `business_hours`. */
  businessHours: () => boolean
  /** The visitor's attributes; read only for visitor `attribute` conditions (else null). */
  visitorAttributes?: Readonly<Record<string, AttributeValue>> | null
}

/** Conditions that need the visitor's attributes (read from the store only for them). */
export function needsVisitor(conditions: readonly RuleCondition[]): boolean {
  return conditions.some((c) => c.field === 'attribute' && c.scope === 'visitor')
}

/** Conditions that need the visitor's context (read from the log only for them). */
export function needsContext(conditions: readonly RuleCondition[]): boolean {
  return conditions.some((c) => c.field === 'page_url' || c.field === 'language')
}

/** True when every condition holds. */
export function conditionsHold(conditions: readonly RuleCondition[], facts: RuleFacts): boolean {
  return conditions.every((c) => holds(c, facts))
}

function holds(c: RuleCondition, f: RuleFacts): boolean {
  const conv = f.conversation
  switch (c.field) {
    case 'branch':
      return (conv.branchId === c.value) === (c.op === 'is')
    case 'country':
      return ((conv.location?.country ?? null) === c.value) === (c.op === 'is')
    case 'language': {
      const primary = f.context?.language?.toLowerCase().split(/[-_]/)[0] ?? null
      return (primary === c.value) === (c.op === 'is')
    }
    case 'page_url': {
      const url = f.context?.url?.toLowerCase() ?? null
      const value = c.value.toLowerCase()
      if (c.op === 'not_contains') return url === null || !url.includes(value)
      if (url === null) return false
      return c.op === 'contains' ? url.includes(value) : url.startsWith(value)
    }
    case 'message_text': {
      if (!f.message) return false
      const found = f.message.text.toLowerCase().includes(c.value.toLowerCase())
      return found === (c.op === 'contains')
    }
    case 'author':
      if (!f.message) return false
      return (f.message.author.kind === c.value) === (c.op === 'is')
    case 'label':
      return (conv.labels ?? []).includes(c.value) === (c.op === 'has')
    case 'priority': {
      const priority = conv.priority ?? 'normal'
      if (c.op === 'at_least') return PRIORITY_RANK[priority] <= PRIORITY_RANK[c.value]
      return (priority === c.value) === (c.op === 'is')
    }
    case 'status':
      return (conv.status === c.value) === (c.op === 'is')
    case 'assignee':
      return (conv.assigneeId === c.value) === (c.op === 'is')
    case 'business_hours':
      return f.businessHours() === c.value
    case 'attribute': {
      const values = c.scope === 'visitor' ? f.visitorAttributes : conv.attributes
      return attributeHolds(c.op, values?.[c.key], c.value)
    }
  }
}
