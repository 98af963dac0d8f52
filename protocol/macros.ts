/**
 * Macros (issue 20): a named list of actions an operator runs on a conversation in one click
 * ("refund request": a label, priority high, a reply, to the billing branch). Each action is
 * what an operator could do by hand, done in order with the runner's rights.
 */
import * as v from 'valibot'
import { ConversationPriority } from './model.ts'
import { LabelIds, MessageText } from './frames.ts'
import { wireString } from './strings.ts'

/** The most actions one macro holds. */
export const MAX_MACRO_ACTIONS = 10
/** The most macros one inbox defines. */
export const MAX_INBOX_MACROS = 100
/** The longest macro name, in characters. */
export const MAX_MACRO_NAME = 60

const Id = v.pipe(wireString('id'), v.minLength(1), v.maxLength(64))
const SomeLabels = v.pipe(LabelIds, v.minLength(1, 'labelIds is empty'))

export const MacroAction = v.variant('type', [
  v.strictObject({ type: v.literal('add_labels'), labelIds: SomeLabels }),
  v.strictObject({ type: v.literal('remove_labels'), labelIds: SomeLabels }),
  v.strictObject({ type: v.literal('set_priority'), priority: ConversationPriority }),
  /** A reply to the visitor. */
  v.strictObject({ type: v.literal('send_message'), text: MessageText }),
  /** A private note for the team. */
  v.strictObject({ type: v.literal('add_note'), text: MessageText }),
  /** To whoever runs it (`me`), to an operator of the inbox, or to nobody (`null`). */
  v.strictObject({ type: v.literal('assign'), to: v.union([v.literal('me'), v.null(), Id]) }),
  /** To a branch of the inbox: its first free operator takes it (R4). */
  v.strictObject({ type: v.literal('transfer'), branchId: Id }),
  /** Snooze for `minutes` (1 minute to a year), or (null) until the visitor writes. */
  v.strictObject({
    type: v.literal('snooze'),
    minutes: v.nullable(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(527_040))),
  }),
  v.strictObject({
    type: v.literal('set_status'),
    status: v.picklist(['pending', 'resolved', 'closed']),
  }),
])
export type MacroAction = v.InferOutput<typeof MacroAction>

export const MacroActions = v.pipe(
  v.array(MacroAction),
  v.minLength(1, 'a macro does at least one thing'),
  v.maxLength(MAX_MACRO_ACTIONS, `a macro holds at most ${MAX_MACRO_ACTIONS} actions`),
)

export const MacroName = v.pipe(
  wireString('name'),
  v.trim(),
  v.minLength(1, 'the name is empty'),
  v.maxLength(MAX_MACRO_NAME, `the name is longer than ${MAX_MACRO_NAME} characters`),
  v.check((s) => !/[\p{Cc}\p{Cf}]/u.test(s), 'the name holds control characters'),
)

/** A macro as every reader sees it. */
export interface Macro {
  id: string
  inboxId: string
  name: string
  actions: MacroAction[]
  createdBy: string | null
  createdAt: number
  updatedAt: number
}
