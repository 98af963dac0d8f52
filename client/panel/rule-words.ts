/**
 * The words of automation rules (issue 20): their events, the fields their conditions look at
 * and how each compares (a custom attribute by its type), as msg() keys shown with `t()`. Also
 * how a new condition of a field starts. Only the rules' on-demand chunk loads it.
 */
import type { AttributeType } from './attributes/index.ts'
import { locale, msg } from './i18n.ts'
import type { RuleCondition, RuleEvent } from './rules-api.ts'

export type Field = RuleCondition['field']
export type Op = RuleCondition['op']

/** Each event in words, in the order the select offers them. */
export const EVENTS: ReadonlyArray<[RuleEvent, string]> = [
  ['conversation.created', msg('A conversation starts')],
  ['message.created', msg('A message is sent')],
  ['conversation.updated', msg('A conversation changes')],
  ['conversation.resolved', msg('A conversation is resolved')],
  ['conversation.waited', msg('The visitor has waited')],
]

export const OP_NAMES: Record<Op, string> = {
  is: msg('is'),
  is_not: msg('is not'),
  contains: msg('contains'),
  not_contains: msg('does not contain'),
  starts_with: msg('starts with'),
  has: msg('has'),
  has_not: msg('does not have'),
  at_least: msg('is at least'),
  greater: msg('is greater than'),
  less: msg('is less than'),
  set: msg('is set'),
  not_set: msg('is not set'),
}

const IS: readonly Op[] = ['is', 'is_not']

/** Each field: its name, the comparisons it allows, and its value when the row starts. */
export const FIELDS: Record<
  Field,
  [name: string, ops: readonly Op[], start: RuleCondition['value']]
> = {
  branch: [msg('Branch'), IS, ''],
  label: [msg('Label'), ['has', 'has_not'], ''],
  assignee: [msg('Assignee'), IS, null],
  priority: [msg('Priority'), ['is', 'is_not', 'at_least'], 'high'],
  status: [msg('Status'), IS, 'open'],
  business_hours: [msg('Business hours'), ['is'], true],
  page_url: [msg('Page URL'), ['contains', 'not_contains', 'starts_with'], ''],
  message_text: [msg('Message text'), ['contains', 'not_contains'], ''],
  author: [msg('Message author'), IS, 'visitor'],
  country: [msg('Country'), IS, ''],
  language: [msg('Language'), IS, ''],
  attribute: [msg('Attribute'), ['is'], ''],
}

/** The comparisons a custom attribute's type allows (issue 20). */
export const ATTRIBUTE_OPS: Record<AttributeType, readonly Op[]> = {
  text: ['is', 'is_not', 'contains', 'set', 'not_set'],
  link: ['is', 'is_not', 'contains', 'set', 'not_set'],
  number: ['is', 'is_not', 'greater', 'less', 'set', 'not_set'],
  date: ['is', 'is_not', 'greater', 'less', 'set', 'not_set'],
  list: ['is', 'is_not', 'set', 'not_set'],
  checkbox: ['is', 'set', 'not_set'],
}

/** A new condition on a field (its first comparison, its starting value). */
export function freshCondition(field: Field): RuleCondition {
  // An attribute's: the row chooses which, then how it compares.
  if (field === 'attribute') {
    return { field, scope: 'conversation', key: '', op: 'is', value: '' }
  }
  const [, ops, value] = FIELDS[field]
  return { field, op: ops[0], value } as RuleCondition
}

/** "6 Dec 2026, 09:05" in the UI language. */
export const dateTime = (at: number) =>
  new Date(at).toLocaleString(locale(), { dateStyle: 'medium', timeStyle: 'short' })
