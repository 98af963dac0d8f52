/**
 * Custom attributes (issue 20): an inbox defines typed attributes of its visitors and of its
 * conversations; operators, the widget SDK (`setAttributes`), pre-chat forms, rules and the API
 * set their values; the panel shows and edits them, the list filters by them, rules test them.
 *
 * A value is stored as JSON: text, a date (`YYYY-MM-DD`), a list choice and a link as strings,
 * a number as a number, a checkbox as a boolean. `attributeValue` is the one check every writer
 * goes through: it reads what a client sent into that stored form, or says what is wrong.
 *
 * A visitor attribute key nobody defined stays free-form (the SDK's untyped attributes); a
 * conversation attribute must be defined. Not exported from protocol/index.ts: valibot schemas
 * stay out of the client bundles (the panel imports types and `attributeValue` only).
 */
import * as v from 'valibot'
import { wireString } from './strings.ts'

export const ATTRIBUTE_TYPES = ['text', 'number', 'date', 'list', 'checkbox', 'link'] as const
export type AttributeType = (typeof ATTRIBUTE_TYPES)[number]
export const ATTRIBUTE_SCOPES = ['visitor', 'conversation'] as const
export type AttributeScope = (typeof ATTRIBUTE_SCOPES)[number]

/** The most attributes an inbox defines, per scope. */
export const MAX_INBOX_ATTRIBUTES = 50
/** The most values one conversation holds (as many as can be defined). */
export const MAX_CONVERSATION_ATTRIBUTES = MAX_INBOX_ATTRIBUTES
/** The most choices of a list attribute, and the longest choice. */
export const MAX_ATTRIBUTE_OPTIONS = 50
export const MAX_ATTRIBUTE_OPTION = 100
/** The longest text or link value, in characters. */
export const MAX_ATTRIBUTE_TEXT = 500
/** The longest attribute name. */
export const MAX_ATTRIBUTE_NAME = 60
/** Keys the visitor's own fields use: not attributes. */
export const RESERVED_ATTRIBUTE_KEYS = ['name', 'email', 'phone'] as const

/** A stored value. */
export type AttributeValue = string | number | boolean

/** An attribute an inbox defines. `options` are the choices of a list (empty for other types). */
export interface AttributeDefinition {
  id: string
  inboxId: string
  scope: AttributeScope
  /** How values are keyed (in `setAttributes`, the API, forms, rules): a-z, 0-9, _. */
  key: string
  /** What the panel shows. */
  name: string
  type: AttributeType
  options: string[]
  createdAt: number
  updatedAt: number
}

export const AttributeKey = v.pipe(
  v.string(),
  v.regex(/^[a-z][a-z0-9_]{0,31}$/, 'must be a-z, 0-9 or _, at most 32, starting with a letter'),
)

const Name = v.pipe(
  wireString('name'),
  v.trim(),
  v.minLength(1, 'the name is empty'),
  v.maxLength(MAX_ATTRIBUTE_NAME, `the name is longer than ${MAX_ATTRIBUTE_NAME} characters`),
  v.check((s) => !/[\p{Cc}\p{Cf}]/u.test(s), 'the name holds control characters'),
)

const Options = v.pipe(
  v.array(
    v.pipe(
      wireString('option'),
      v.trim(),
      v.minLength(1, 'a choice is empty'),
      v.maxLength(MAX_ATTRIBUTE_OPTION, `a choice is longer than ${MAX_ATTRIBUTE_OPTION}`),
      v.check((s) => !/[\p{Cc}\p{Cf}]/u.test(s), 'a choice holds control characters'),
    ),
  ),
  v.minLength(1, 'a list has at least one choice'),
  v.maxLength(MAX_ATTRIBUTE_OPTIONS, `a list has at most ${MAX_ATTRIBUTE_OPTIONS} choices`),
  v.check((o) => new Set(o).size === o.length, 'a choice is repeated'),
)

/** The body that defines an attribute. */
export const AttributeInput = v.pipe(
  v.strictObject({
    scope: v.picklist(ATTRIBUTE_SCOPES),
    key: v.pipe(
      AttributeKey,
      v.check(
        (k) => !(RESERVED_ATTRIBUTE_KEYS as readonly string[]).includes(k),
        'name, email and phone are the visitor’s own fields',
      ),
    ),
    name: Name,
    type: v.picklist(ATTRIBUTE_TYPES),
    options: v.optional(Options),
  }),
  v.check(
    (a) => (a.type === 'list') === (a.options !== undefined),
    'options are given for a list, and only for it',
  ),
)
export type AttributeInput = v.InferOutput<typeof AttributeInput>

/** What may change once defined: the name, and a list's choices (key, scope and type stay). */
export const AttributePatch = v.pipe(
  v.strictObject({ name: v.optional(Name), options: v.optional(Options) }),
  v.check((p) => Object.keys(p).length > 0, 'nothing to change'),
)
export type AttributePatch = v.InferOutput<typeof AttributePatch>

/** A set of values to write: null removes one. At most MAX_INBOX_ATTRIBUTES at once. */
export const AttributeChanges = v.pipe(
  v.record(
    AttributeKey,
    v.nullable(
      v.union([
        v.pipe(
          wireString('value'),
          v.maxLength(MAX_ATTRIBUTE_TEXT, `a value is longer than ${MAX_ATTRIBUTE_TEXT}`),
        ),
        v.pipe(v.number(), v.finite()),
        v.boolean(),
      ]),
    ),
  ),
  v.check(
    (a) => Object.keys(a).length <= MAX_INBOX_ATTRIBUTES,
    `at most ${MAX_INBOX_ATTRIBUTES} attributes at once`,
  ),
)
export type AttributeChanges = Record<string, AttributeValue | null>

/**
 * What a client sent for an attribute of this type, in its stored form, or (a string) what is
 * wrong with it. Numbers, checkboxes and dates are also read from strings (a form's inputs are
 * text): "42", "true"/"false", "2026-12-31".
 */
export function attributeValue(
  def: Pick<AttributeDefinition, 'type' | 'options'>,
  raw: unknown,
): { value: AttributeValue } | { error: string } {
  switch (def.type) {
    case 'text': {
      if (typeof raw !== 'string') return { error: 'must be text' }
      const text = raw.trim()
      if (text.length === 0) return { error: 'is empty' }
      if (text.length > MAX_ATTRIBUTE_TEXT) {
        return { error: `is longer than ${MAX_ATTRIBUTE_TEXT} characters` }
      }
      if (!text.isWellFormed() || /[\u0000-\u0008\u000b-\u001f\u007f]/.test(text)) {
        return { error: 'holds control characters' }
      }
      return { value: text }
    }
    case 'number': {
      const n =
        typeof raw === 'number'
          ? raw
          : typeof raw === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(raw)
            ? Number(raw)
            : NaN
      return Number.isFinite(n) ? { value: n } : { error: 'must be a number' }
    }
    case 'date': {
      if (typeof raw !== 'string') return { error: 'must be a date (YYYY-MM-DD)' }
      const day = raw.trim()
      const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day)
      if (!m) return { error: 'must be a date (YYYY-MM-DD)' }
      const date = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])))
      return date.toISOString().slice(0, 10) === day
        ? { value: day }
        : { error: 'is not a day of the calendar' }
    }
    case 'list': {
      const choice = typeof raw === 'string' ? raw.trim() : null
      return choice !== null && def.options.includes(choice)
        ? { value: choice }
        : { error: 'is not one of the choices' }
    }
    case 'checkbox':
      if (typeof raw === 'boolean') return { value: raw }
      if (raw === 'true' || raw === 'false') return { value: raw === 'true' }
      return { error: 'must be true or false' }
    case 'link': {
      if (typeof raw !== 'string') return { error: 'must be a link' }
      const link = raw.trim()
      if (link.length > MAX_ATTRIBUTE_TEXT) {
        return { error: `is longer than ${MAX_ATTRIBUTE_TEXT} characters` }
      }
      let url: URL
      try {
        url = new URL(link)
      } catch {
        return { error: 'must be an http(s) link' }
      }
      return url.protocol === 'http:' || url.protocol === 'https:'
        ? { value: link }
        : { error: 'must be an http(s) link' }
    }
  }
}

/**
 * A rule condition on an attribute (protocol/rules.ts): `is`/`is_not` compare the value
 * (text ignoring case), `contains` a text's fragment, `greater`/`less` a number or a date,
 * `set`/`not_set` whether it has a value (their `value` is null).
 */
export const ATTRIBUTE_OPS = [
  'is',
  'is_not',
  'contains',
  'greater',
  'less',
  'set',
  'not_set',
] as const
export type AttributeOp = (typeof ATTRIBUTE_OPS)[number]

/** Whether a stored value (undefined: none) satisfies `op value`. */
export function attributeHolds(
  op: AttributeOp,
  stored: AttributeValue | undefined,
  value: AttributeValue | null,
): boolean {
  switch (op) {
    case 'set':
      return stored !== undefined
    case 'not_set':
      return stored === undefined
    case 'is':
    case 'is_not': {
      const same =
        stored !== undefined &&
        (typeof stored === 'string' && typeof value === 'string'
          ? stored.toLowerCase() === value.toLowerCase()
          : stored === value)
      return same === (op === 'is')
    }
    case 'contains':
      return (
        typeof stored === 'string' &&
        typeof value === 'string' &&
        stored.toLowerCase().includes(value.toLowerCase())
      )
    case 'greater':
    case 'less': {
      if (stored === undefined || value === null || typeof stored !== typeof value) return false
      if (typeof stored === 'boolean') return false
      return op === 'greater' ? stored > value : stored < value
    }
  }
}
