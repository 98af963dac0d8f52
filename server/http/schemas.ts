/**
 * Request schemas shared by the HTTP routes (valibot, via Elysia's Standard Schema support).
 * Every string field is built on `wireString`: well-formed Unicode and no NUL, as in frames.
 */
import * as v from 'valibot'
import { CampaignGapMinutes } from '../../protocol/campaigns.ts'
import { AA_CONTRAST, contrastWithWhite } from '../../protocol/model.ts'
import {
  MAX_ORIGIN_LENGTH,
  MAX_TEXT_LENGTH,
  normalizeAllowedOrigins,
  wireString,
} from '../../protocol/index.ts'

export const Id = v.pipe(wireString('id'), v.minLength(1), v.maxLength(64))
/** A visitor token or operator session token given in a body. */
export const Token = v.pipe(wireString('token'), v.maxLength(2048))

/**
 * Free text in a query string (a search): Elysia's query parser splits a value with a comma
 * into an array when the schema is not its own (`q=parcel, refund` arrives as two strings);
 * this joins it back, so a comma is just a character of the text.
 */
export function queryText(name: string, maxLength: number) {
  return v.pipe(
    v.union([v.string(), v.array(v.string())]),
    v.transform((value) => (Array.isArray(value) ? value.join(',') : value)),
    wireString(name),
    v.maxLength(maxLength, `${name}: at most ${maxLength} characters`),
  )
}

/** A non-negative integer given as a query-string value. */
export const QueryInt = v.pipe(
  wireString('value'),
  v.regex(/^\d{1,15}$/, 'must be a non-negative integer'),
  v.transform(Number),
)

export const QueryBool = v.pipe(
  v.picklist(['true', 'false', '1', '0']),
  v.transform((s) => s === 'true' || s === '1'),
)

export const Email = v.pipe(
  wireString('email'),
  v.trim(),
  v.toLowerCase(),
  v.maxLength(254),
  v.email('must be an email address'),
)
export const Password = v.pipe(
  wireString('password'),
  v.minLength(10, 'must be at least 10 characters'),
  v.maxLength(1024),
)
export const Role = v.picklist(['operator', 'supervisor', 'admin'])
export const Name = v.pipe(wireString('name'), v.trim(), v.minLength(1), v.maxLength(100))
/** What visitors see for an operator ("Anna"). */
export const DisplayName = v.pipe(
  wireString('displayName'),
  v.trim(),
  v.minLength(1),
  v.maxLength(50),
)

/** A phone number as people write it: digits, spaces, brackets, dashes, an optional leading +. */
export const Phone = v.pipe(
  wireString('phone'),
  v.trim(),
  v.regex(/^\+?[0-9][0-9 ().-]{3,28}[0-9]$/, 'must be a phone number'),
)
/** An attribute's key: lower-case letters, digits and underscores, starting with a letter. */
export const AttributeKey = v.pipe(
  v.string(),
  v.regex(/^[a-z][a-z0-9_]{0,31}$/, 'must be a-z, 0-9 or _, at most 32, starting with a letter'),
)
/** An attribute's value: short text, a finite number or yes/no. */
export const AttributeValue = v.union([
  v.pipe(wireString('value'), v.trim(), v.maxLength(500)),
  v.pipe(v.number(), v.finite()),
  v.boolean(),
])

const FormLabel = v.strictObject({
  en: v.pipe(wireString('label'), v.trim(), v.minLength(1), v.maxLength(100)),
  ru: v.pipe(wireString('label'), v.trim(), v.minLength(1), v.maxLength(100)),
})
const PreChatField = v.pipe(
  v.strictObject({
    key: AttributeKey,
    type: v.picklist(['text', 'select', 'email', 'phone']),
    label: FormLabel,
    required: v.boolean(),
    options: v.optional(
      v.pipe(
        v.array(v.pipe(wireString('option'), v.trim(), v.minLength(1), v.maxLength(100))),
        v.minLength(1),
        v.maxLength(50),
      ),
    ),
  }),
  v.check((f) => f.key !== 'email' || f.type === 'email', 'the email field has type email'),
  v.check((f) => f.key !== 'phone' || f.type === 'phone', 'the phone field has type phone'),
  v.check(
    (f) => (f.type === 'email' || f.type === 'phone' ? f.key === f.type : true),
    'types email and phone belong to the email and phone fields',
  ),
  v.check((f) => f.key !== 'name' || f.type === 'text', 'the name field has type text'),
  v.check(
    (f) => (f.type === 'select') === (f.options !== undefined),
    'a select field has options, and only a select field',
  ),
)
/** A short text in both widget languages, each at most `max` characters (may be empty). */
const ShortTexts = (max: number) =>
  v.strictObject({
    en: v.pipe(wireString('text'), v.trim(), v.maxLength(max)),
    ru: v.pipe(wireString('text'), v.trim(), v.maxLength(max)),
  })

/** The pre-chat form (identity and context): at most 10 questions, each key once. */
export const PreChatForm = v.strictObject({
  mode: v.picklist(['off', 'before', 'after']),
  fields: v.pipe(
    v.array(PreChatField),
    v.maxLength(10),
    v.check(
      (fields) => new Set(fields.map((f) => f.key)).size === fields.length,
      'each field key appears once',
    ),
  ),
})

export const InboxSettingsPatch = v.strictObject({
  /** The inbox's e-mail address for the e-mail channel (issue 17, I5); null: none. */
  emailAddress: v.optional(
    v.nullable(
      v.pipe(
        wireString('emailAddress'),
        v.trim(),
        v.toLowerCase(),
        v.maxLength(254),
        v.check(
          (a) => /^[^@\s<>"]+@[^@\s<>"]+\.[^@\s<>"]+$/.test(a),
          'emailAddress: not an e-mail address',
        ),
      ),
    ),
  ),
  /**
   * Sites the widget may run on (S3): normalized, deduplicated; `[]` any site, `null` not
   * chosen (no site: the panel's preview only). A bad entry refuses the whole patch, naming it.
   */
  allowedOrigins: v.optional(
    v.nullable(
      v.pipe(
        v.array(v.pipe(v.string(), v.maxLength(MAX_ORIGIN_LENGTH + 20))),
        v.rawTransform(({ dataset, addIssue, NEVER }) => {
          const result = normalizeAllowedOrigins(dataset.value)
          if (result.ok) return result.origins
          addIssue({ message: result.reason })
          return NEVER
        }),
      ),
    ),
  ),
  escalationMinutes: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(1440))),
  maxOpenPerOperator: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(1000))),
  visitorMessagesPerMinute: v.optional(
    v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(600)),
  ),
  /** Days a resolved conversation may sit idle before it is closed; 0: never; at most 10 years. */
  closeResolvedAfterDays: v.optional(
    v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(3650)),
  ),
  /** When visitors must solve a challenge (S4); field by field, unnamed fields stay. */
  captcha: v.optional(
    v.strictObject({
      mode: v.optional(v.picklist(['off', 'auto', 'always'])),
      sessionsPer10Min: v.optional(
        v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(100_000)),
      ),
      conversationsPer10Min: v.optional(
        v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(100_000)),
      ),
      messagesPerMinute: v.optional(
        v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(600)),
      ),
    }),
  ),
  /** Days an open conversation may go without a message before it is resolved; 0: never. */
  autoResolveAfterDays: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(365))),
  /** What the visitor is told then, per language; empty: nothing. */
  autoResolveMessage: v.optional(ShortTexts(MAX_TEXT_LENGTH)),
  /** Days a closed conversation is kept before its content is erased; 0: never; at most 10 years. */
  eraseClosedAfterDays: v.optional(
    v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(3650)),
  ),
  /** Proactive messages (issue 20): at most one per visitor in this many minutes; 0: no gap. */
  campaignGapMinutes: v.optional(CampaignGapMinutes),
  /** 1 KiB to 1 GiB. */
  attachmentMaxBytes: v.optional(
    v.pipe(v.number(), v.integer(), v.minValue(1024), v.maxValue(1024 * 1024 * 1024)),
  ),
  /** 1 KiB to 10 GiB (10 files of the largest size); independent of attachmentMaxBytes. */
  attachmentMaxMessageBytes: v.optional(
    v.pipe(v.number(), v.integer(), v.minValue(1024), v.maxValue(10 * 1024 * 1024 * 1024)),
  ),
  /** MIME types as the server sniffs them; HTML is never allowed (it would run on our origin). */
  attachmentTypes: v.optional(
    v.pipe(
      v.array(
        v.pipe(
          v.string(),
          v.regex(
            /^[a-z0-9][a-z0-9!#$&^_.+-]{0,63}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,127}$/,
            'not a MIME type',
          ),
          v.check(
            (t) => t !== 'text/html' && t !== 'application/xhtml+xml',
            'HTML cannot be allowed',
          ),
        ),
      ),
      v.maxLength(100),
    ),
  ),
  /** How visitors rate a resolved conversation (C10). */
  rating: v.optional(v.picklist(['off', 'stars', 'thumbs', 'nps'])),
  preChat: v.optional(PreChatForm),
  appearance: v.optional(
    v.strictObject({
      title: v.optional(ShortTexts(80)),
      accentColor: v.optional(
        v.pipe(
          v.string(),
          v.regex(/^#[0-9a-fA-F]{6}$/, 'must be a color #rrggbb'),
          v.toLowerCase(),
          v.check(
            (c) => contrastWithWhite(c) >= AA_CONTRAST,
            (issue) =>
              `white text on ${String(issue.input)} has contrast ${contrastWithWhite(String(issue.input)).toFixed(2)}:1; WCAG AA needs 4.5:1`,
          ),
        ),
      ),
      position: v.optional(v.picklist(['right', 'left'])),
      launcherLabel: v.optional(ShortTexts(40)),
      language: v.optional(v.picklist(['auto', 'en', 'ru'])),
      showReplyTime: v.optional(v.boolean()),
      showQueuePosition: v.optional(v.boolean()),
    }),
  ),
})

/** The page a visitor is on, as the widget reports it (proactive messages match it). */
export const CampaignPageUrl = v.pipe(
  v.string(),
  v.maxLength(2048, 'the address is longer than 2048 characters'),
  v.url('must be a URL'),
  v.check((u) => /^https?:/i.test(u), 'must be an http or https URL'),
)
