/**
 * Automation rules (issue 20): when something happens to a conversation of an inbox (the
 * rule's `event`), and every one of its `conditions` holds, its `actions` are done to that
 * conversation, in order, by the system (`{kind: 'system', id: 'rule:<ruleId>/<depth>'}` in its
 * log). An inbox's enabled rules run in `position` order, each at most once per triggering
 * event, even across restarts and failover; an action of one rule may trigger others, at most
 * MAX_RULE_DEPTH rules deep (deeper is a loop: stopped and reported on the rule).
 *
 * Not exported from protocol/index.ts: valibot schemas stay out of the client bundles (the
 * panel imports the types only).
 */
import * as v from 'valibot'
import { ConversationPriority, ConversationStatus } from './model.ts'
import { LabelIds, MessageText } from './frames.ts'
import { wireString } from './strings.ts'
import { ATTRIBUTE_OPS, ATTRIBUTE_SCOPES, AttributeKey } from './attributes.ts'

/** The most rules one inbox defines. */
export const MAX_INBOX_RULES = 50
/** The most conditions and actions one rule holds. */
export const MAX_RULE_CONDITIONS = 10
export const MAX_RULE_ACTIONS = 10
/** The most operators one `notify` action alerts. */
export const MAX_NOTIFY_OPERATORS = 10
/** The longest rule name, in characters. */
export const MAX_RULE_NAME = 60
/** A chain of rules triggering one another stops at this depth (the first rule is depth 1). */
export const MAX_RULE_DEPTH = 3
/** The longest text a condition compares with (a URL or message text fragment). */
export const MAX_CONDITION_TEXT = 200
/** `conversation.waited`: the longest wait a rule may name (a week), in minutes. */
export const MAX_WAIT_MINUTES = 10_080
/**
 * Runs are remembered this long (then retention removes them); a wait that began longer ago
 * triggers no rule any more, so no rule acts twice on one wait.
 */
export const RULE_RUN_KEEP_DAYS = 90
/** A dry run looks back at most this many days, and at most this many conversations. */
export const MAX_DRY_RUN_DAYS = 30
export const MAX_DRY_RUN_CONVERSATIONS = 1000

/**
 * What triggers a rule:
 * - `conversation.created`: a visitor starts one (with its first message, if any).
 * - `message.created`: a message in it (the visitor's or an operator's: see the `author`
 *   condition).
 * - `conversation.updated`: its priority, labels, assignee, branch, snooze or status changed,
 *   or its visitor moved to another page.
 * - `conversation.resolved`: it was resolved.
 * - `conversation.waited`: its visitor has waited `waitMinutes` for a reply (once per wait).
 */
export const RULE_EVENTS = [
  'conversation.created',
  'message.created',
  'conversation.updated',
  'conversation.resolved',
  'conversation.waited',
] as const
export const RuleEvent = v.picklist(RULE_EVENTS)
export type RuleEvent = v.InferOutput<typeof RuleEvent>

const Id = v.pipe(wireString('id'), v.minLength(1), v.maxLength(64))
const Text = v.pipe(
  wireString('value'),
  v.trim(),
  v.minLength(1, 'the value is empty'),
  v.maxLength(MAX_CONDITION_TEXT, `the value is longer than ${MAX_CONDITION_TEXT} characters`),
)
const IsOrNot = v.picklist(['is', 'is_not'])

/** A custom attribute's value as a rule compares or sets it (checked against its type at save). */
const AttributeRuleValue = v.union([
  v.pipe(
    wireString('value'),
    v.maxLength(MAX_CONDITION_TEXT, `the value is longer than ${MAX_CONDITION_TEXT}`),
  ),
  v.pipe(v.number(), v.finite()),
  v.boolean(),
])

/**
 * One condition; a rule's conditions must all hold. Text comparisons ignore case. `page_url`
 * and `language` are the visitor's (their current page; the language their browser reports,
 * compared by its primary subtag: `ru` matches `ru-RU`); `country` is from their address;
 * `message_text` and `author` are the triggering message's (false for other events);
 * `business_hours` is whether the conversation's branch is open now by its schedule;
 * `attribute` tests a custom attribute of the visitor or the conversation.
 */
export const RuleCondition = v.variant('field', [
  v.strictObject({ field: v.literal('branch'), op: IsOrNot, value: Id }),
  v.strictObject({
    field: v.literal('country'),
    op: IsOrNot,
    value: v.pipe(wireString('value'), v.regex(/^[A-Z]{2}$/, 'an ISO 3166-1 alpha-2 code')),
  }),
  v.strictObject({
    field: v.literal('language'),
    op: IsOrNot,
    value: v.pipe(wireString('value'), v.regex(/^[a-z]{2,3}$/, 'a language code such as en')),
  }),
  v.strictObject({
    field: v.literal('page_url'),
    op: v.picklist(['contains', 'not_contains', 'starts_with']),
    value: Text,
  }),
  v.strictObject({
    field: v.literal('message_text'),
    op: v.picklist(['contains', 'not_contains']),
    value: Text,
  }),
  v.strictObject({
    field: v.literal('author'),
    op: IsOrNot,
    value: v.picklist(['visitor', 'operator']),
  }),
  v.strictObject({ field: v.literal('label'), op: v.picklist(['has', 'has_not']), value: Id }),
  v.strictObject({
    field: v.literal('priority'),
    op: v.picklist(['is', 'is_not', 'at_least']),
    value: ConversationPriority,
  }),
  v.strictObject({ field: v.literal('status'), op: IsOrNot, value: ConversationStatus }),
  /** An operator of the inbox, or null: nobody. */
  v.strictObject({ field: v.literal('assignee'), op: IsOrNot, value: v.nullable(Id) }),
  v.strictObject({ field: v.literal('business_hours'), op: v.literal('is'), value: v.boolean() }),
  /**
   * A custom attribute of the visitor or the conversation (protocol/attributes.ts for the
   * ops). `value` is null for `set`/`not_set` and else of the attribute's type (checked at save
   * against the inbox's definition); an attribute deleted since reads as not set.
   */
  v.pipe(
    v.strictObject({
      field: v.literal('attribute'),
      scope: v.picklist(ATTRIBUTE_SCOPES),
      key: AttributeKey,
      op: v.picklist(ATTRIBUTE_OPS),
      value: v.nullable(AttributeRuleValue),
    }),
    v.check(
      (c) => (c.op === 'set' || c.op === 'not_set') === (c.value === null),
      'value is null for set and not_set, and only for them',
    ),
  ),
])
export type RuleCondition = v.InferOutput<typeof RuleCondition>
export type RuleConditionField = RuleCondition['field']

const SomeLabels = v.pipe(LabelIds, v.minLength(1, 'labelIds is empty'))

/** What a rule does; each is what an operator could do by hand (see protocol/macros.ts). */
export const RuleAction = v.variant('type', [
  v.strictObject({ type: v.literal('add_labels'), labelIds: SomeLabels }),
  v.strictObject({ type: v.literal('remove_labels'), labelIds: SomeLabels }),
  v.strictObject({ type: v.literal('set_priority'), priority: ConversationPriority }),
  /** A message to the visitor, by the system (it answers nothing: the visitor still waits). */
  v.strictObject({ type: v.literal('send_message'), text: MessageText }),
  /** A private note for the team. */
  v.strictObject({ type: v.literal('add_note'), text: MessageText }),
  /** To an operator of the inbox, or to nobody (`null`). */
  v.strictObject({
    type: v.literal('assign'),
    to: v.nullable(
      v.pipe(
        Id,
        v.check((id) => id !== 'me', 'a rule assigns to an operator of the inbox or to nobody'),
      ),
    ),
  }),
  /** To a branch of the inbox: its first free operator takes it (R4). */
  v.strictObject({ type: v.literal('transfer'), branchId: Id }),
  /** Snooze for `minutes`, or (null) until the visitor writes. Open conversations only. */
  v.strictObject({
    type: v.literal('snooze'),
    minutes: v.nullable(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(527_040))),
  }),
  v.strictObject({
    type: v.literal('set_status'),
    status: v.picklist(['pending', 'resolved', 'closed']),
  }),
  /**
   * Run it under this SLA policy of the inbox (protocol/sla.ts); nothing when it already runs
   * under it.
   */
  v.strictObject({ type: v.literal('apply_sla'), policyId: Id }),
  /**
   * Set a conversation attribute of the inbox (protocol/attributes.ts) to `value`, or (null)
   * clear it; checked against its definition at save and again when it runs. Nothing when it
   * holds that value already.
   */
  v.strictObject({
    type: v.literal('set_attribute'),
    key: AttributeKey,
    value: v.nullable(AttributeRuleValue),
  }),
  /**
   * Post a `rule.triggered` event (the rule, the trigger, the conversation) to this webhook
   * endpoint of the inbox, signed and retried like any delivery. HTTP endpoints only.
   */
  v.strictObject({ type: v.literal('webhook'), endpointId: Id }),
  /**
   * Tell teammates: a private note mentioning 1 to 10 operators of the inbox; each gets an
   * alert and finds it in their Mentions list.
   */
  v.strictObject({
    type: v.literal('notify'),
    operatorIds: v.pipe(
      v.array(Id),
      v.minLength(1, 'operatorIds is empty'),
      v.maxLength(MAX_NOTIFY_OPERATORS, `at most ${MAX_NOTIFY_OPERATORS} operators`),
      v.check((ids) => new Set(ids).size === ids.length, 'operatorIds repeats an operator'),
    ),
    text: MessageText,
  }),
])
export type RuleAction = v.InferOutput<typeof RuleAction>

export const RuleName = v.pipe(
  wireString('name'),
  v.trim(),
  v.minLength(1, 'the name is empty'),
  v.maxLength(MAX_RULE_NAME, `the name is longer than ${MAX_RULE_NAME} characters`),
  v.check((s) => !/[\p{Cc}\p{Cf}]/u.test(s), 'the name holds control characters'),
)

export const RuleConditions = v.pipe(
  v.array(RuleCondition),
  v.maxLength(MAX_RULE_CONDITIONS, `a rule holds at most ${MAX_RULE_CONDITIONS} conditions`),
)
export const RuleActions = v.pipe(
  v.array(RuleAction),
  v.minLength(1, 'a rule does at least one thing'),
  v.maxLength(MAX_RULE_ACTIONS, `a rule holds at most ${MAX_RULE_ACTIONS} actions`),
)
export const WaitMinutes = v.pipe(
  v.number(),
  v.integer(),
  v.minValue(1, 'waitMinutes is at least 1'),
  v.maxValue(MAX_WAIT_MINUTES, `waitMinutes is at most ${MAX_WAIT_MINUTES}`),
)

/** The body that adds a rule (and, partly, changes one). */
export const RuleInput = v.pipe(
  v.strictObject({
    name: RuleName,
    enabled: v.optional(v.boolean(), true),
    event: RuleEvent,
    /** Required for `conversation.waited`, refused for the others. */
    waitMinutes: v.optional(v.nullable(WaitMinutes), null),
    conditions: v.optional(RuleConditions, []),
    actions: RuleActions,
  }),
  v.check(
    (r) => (r.event === 'conversation.waited') === (r.waitMinutes !== null),
    'waitMinutes is set for conversation.waited, and only for it',
  ),
)
export type RuleInput = v.InferOutput<typeof RuleInput>

/** A rule as every reader sees it. */
export interface Rule {
  id: string
  inboxId: string
  name: string
  enabled: boolean
  /** Order among the inbox's rules, from 0. */
  position: number
  event: RuleEvent
  waitMinutes: number | null
  conditions: RuleCondition[]
  actions: RuleAction[]
  createdBy: string | null
  createdAt: number
  updatedAt: number
  /** How many times it ran (all its actions done), and when it last did. */
  runs: number
  lastRunAt: number | null
  /** Why it last failed or was stopped (a loop, an action that no longer fits); null after a run. */
  lastError: { at: number; message: string } | null
}

/** What a dry run answers: how many recent conversations the rule's conditions match now. */
export interface RuleDryRun {
  /** Conversations looked at (of the inbox, created in the last `days`, newest first). */
  examined: number
  matched: number
  /** The first matches, newest first (at most 20). */
  conversations: { id: string; createdAt: number; status: ConversationStatus }[]
}
