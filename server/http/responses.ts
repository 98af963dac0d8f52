/**
 * How a route documents itself for the OpenAPI document (openapi.ts): `detail: doc({...})`
 * with a summary, a tag, who may call it and its 2xx body as a valibot schema, converted to
 * JSON Schema 2020-12 here. Documentation only: a route's `response:` option would make Elysia
 * validate every answer at runtime (and strip or refuse unknown keys), which is not wanted.
 *
 * Documented shapes never forbid extra properties (`additionalProperties: false` is removed),
 * so adding a field to an answer never breaks a client that validates against the document;
 * required fields and their types are exact. Shapes used in several answers are named
 * (`COMPONENTS`) and referenced as `#/components/schemas/<Name>`.
 */
import { toJsonSchema, toJsonSchemaDefs, type ConversionConfig } from '@valibot/to-json-schema'
import type { DocumentDecoration } from 'elysia'
import * as v from 'valibot'
import { ApiToken } from '../../protocol/api-tokens.ts'
import {
  Attachment,
  Conversation,
  ERROR_CODES,
  InboxItem,
  Message,
  Party,
  Rating,
  ReadState,
  VisitorContext,
  VisitorConversation,
} from '../../protocol/index.ts'
import { WebhookDelivery, WebhookEndpoint } from '../../protocol/webhooks.ts'
import {
  AuditEntryShape,
  BranchShape,
  CannedReplyShape,
  GeoRuleShape,
  InboxSettingsShape,
  InboxShape,
  OperatorShape,
  ScheduleShape,
} from './shapes-admin.ts'
import { ErrorShape } from './shapes-common.ts'
import {
  ConversationEventShape,
  SendAckShape,
  TeamMemberShape,
  VisitorProfileShape,
} from './shapes-chat.ts'

/** A JSON Schema object as it appears in the document. */
export type JsonSchema = Record<string, unknown>

/**
 * Shapes shown under their own name in the document: those several answers share. Each
 * occurrence of one of these schema objects inside another becomes a `$ref`.
 */
export const COMPONENTS = {
  Error: ErrorShape,
  Party,
  Attachment,
  Message,
  Conversation,
  ReadState,
  Rating,
  VisitorContext,
  VisitorConversation,
  InboxItem,
  ConversationEvent: ConversationEventShape,
  SendAck: SendAckShape,
  VisitorProfile: VisitorProfileShape,
  TeamMember: TeamMemberShape,
  Operator: OperatorShape,
  Inbox: InboxShape,
  InboxSettings: InboxSettingsShape,
  Schedule: ScheduleShape,
  GeoRule: GeoRuleShape,
  Branch: BranchShape,
  CannedReply: CannedReplyShape,
  AuditEntry: AuditEntryShape,
  WebhookEndpoint,
  WebhookDelivery,
  ApiToken,
} satisfies Record<string, v.GenericSchema>

const CONVERSION: ConversionConfig = {
  target: 'draft-2020-12',
  // What JSON Schema cannot say (checks, transforms) is left out instead of failing.
  errorMode: 'ignore',
  definitions: COMPONENTS,
  overrideRef: ({ referenceId }) => `#/components/schemas/${referenceId}`,
}

/** Drops what a schema embedded in the document must not carry, and lets extra keys through. */
export function tidy(schema: unknown): JsonSchema {
  const walk = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(walk)
    if (value === null || typeof value !== 'object') return value
    const out: Record<string, unknown> = {}
    for (const [key, inner] of Object.entries(value)) {
      if (key === '$schema' || key === '$defs') continue
      if (key === 'additionalProperties' && inner === false) continue
      out[key] = walk(inner)
    }
    return out
  }
  return walk(schema) as JsonSchema
}

const converted = new WeakMap<object, JsonSchema>()

/** The JSON Schema of a documented answer, named components as `$ref`s. */
export function jsonSchemaOf(schema: v.GenericSchema): JsonSchema {
  let json = converted.get(schema)
  if (!json) {
    json = tidy(toJsonSchema(schema, CONVERSION))
    converted.set(schema, json)
  }
  return json
}

/**
 * The JSON Schema of a request body, query or path parameters, as clients must send them:
 * strict objects stay strict (the server refuses unknown keys). Elysia's generator calls this
 * for every route's valibot schemas (openapi.ts).
 */
export function requestSchemaOf(schema: v.GenericSchema): JsonSchema {
  const { $schema: _dialect, ...json } = toJsonSchema(schema, {
    target: 'draft-2020-12',
    errorMode: 'ignore',
  })
  return json
}

/** `components.schemas` of the document. */
export function componentSchemas(): Record<string, JsonSchema> {
  const defs = toJsonSchemaDefs(COMPONENTS, CONVERSION)
  return Object.fromEntries(Object.entries(defs).map(([name, schema]) => [name, tidy(schema)]))
}

/**
 * The document's tags, in the order the docs page lists them. A route names one of these.
 */
export const TAGS = {
  auth: 'Operator sign-in, sign-out, password and "who am I".',
  setup: 'First run: creating the first admin.',
  visitor: "The widget's calls: visitor sessions, availability, the visitor's conversations.",
  conversations: 'One conversation: messages, notes, status, assignment, read marks.',
  attachments: 'Files on messages: upload, signed links, download.',
  inbox: "The operators' conversation list, its counts and the inboxes' teams.",
  search: 'Full-text search over conversations.',
  me: "The signed-in operator's status, badges, profile and picture.",
  overview: "The supervisors' live overview.",
  analytics: 'Reports on conversations, responses, ratings and load (supervisors, admins).',
  admin: 'Operators, inboxes, members and visitor sessions (admins).',
  branches: "Inbox branches, their hours and the inbox's routing (admins).",
  canned: 'Saved replies, personal and shared.',
  help: 'The help center: categories, articles, revisions, search (issue 21).',
  labels:
    "An inbox's labels, custom attributes, macros and rules for its conversations (issue 20).",
  webhooks: 'Webhook endpoints and their delivery log (admins).',
  tokens: 'API tokens for integrations (admins).',
  audit: 'The audit trail (admins).',
  'data-requests': "Data-subject requests: find, export and erase a visitor's data (admins).",
  realtime: 'Server-sent events and long-poll fallbacks of the WebSocket.',
  ops: 'Health, readiness and metrics.',
} as const
export type Tag = keyof typeof TAGS

/**
 * Who may call an operation: `metrics` the metrics scraper; `public` anyone, no token;
 * `optional` with a token or without; `any` any token; `visitor` a visitor token;
 * `participant` the visitor of the conversation or an operator who may see it; `operator` an
 * operator's session or API token; `session` a signed-in operator only; `elevated` supervisors
 * and admins; `admin` admins.
 */
export type Access =
  | 'metrics'
  | 'public'
  | 'optional'
  | 'any'
  | 'visitor'
  | 'participant'
  | 'operator'
  | 'session'
  | 'elevated'
  | 'admin'

const ACCESS_TEXT: Record<Access, string> = {
  metrics: 'The METRICS_TOKEN bearer token (not an operator or API token).',
  public: 'Public: no token.',
  optional: 'A token is optional.',
  any: "Any token: a visitor's, an operator's session or an API token.",
  session: 'A signed-in operator (a session token from sign-in; an API token is refused).',
  visitor: 'Visitors only (a visitor token).',
  participant:
    'The visitor of the conversation, or an operator who may see it (its inbox is in their scope).',
  operator: 'Operators only.',
  elevated: 'Supervisors and admins only.',
  admin: 'Admins only.',
}

/** A 2xx answer that is not JSON: a file, a stream, a CSV. */
export interface RawContent {
  /** Its media type, or the ones it may have. */
  type: string | readonly string[]
  description: string
}

export interface DocInput {
  summary: string
  tag: Tag
  description?: string
  access: Access
  /** The 2xx JSON body. */
  ok?: v.GenericSchema
  /** Its status; 200 unless told. */
  status?: number
  /** What the 2xx answer is, in a few words. */
  okDescription?: string
  /**
   * Another status with the same body (a retried create answers 200 instead of 201), or with
   * a body of its own (`schema`).
   */
  alsoStatus?: { status: number; description: string; schema?: v.GenericSchema }
  /** A 2xx body that is not JSON (instead of, or beside, `ok`). */
  raw?: RawContent
  /** The operation answers 204 with no body. */
  noContent?: boolean
  /** Error statuses beyond the ones every operation of its kind has (openapi.ts adds those). */
  errors?: number[]
  /** A JSON body the route reads without a schema option (the realtime frames). */
  body?: { schema: v.GenericSchema; description: string }
  /** A body the route reads itself (uploads): not a JSON schema of the route. */
  upload?: { field: string; description: string }
}

/** The `detail` of a route: summary, tag, security and documented responses. */
export function doc(input: DocInput): DocumentDecoration {
  const status = String(input.status ?? 200)
  const responses: Record<string, unknown> = {}
  const content: Record<string, unknown> = {}
  if (input.ok) content['application/json'] = { schema: jsonSchemaOf(input.ok) }
  for (const type of [input.raw?.type ?? []].flat()) content[type] = {}
  if (input.noContent) responses['204'] = { description: input.okDescription ?? 'Done; no body.' }
  else
    responses[status] = {
      description: input.okDescription ?? input.raw?.description ?? 'Success.',
      content,
    }
  if (input.alsoStatus) {
    const { status: also, description, schema } = input.alsoStatus
    responses[String(also)] = {
      description,
      content: schema ? { 'application/json': { schema: jsonSchemaOf(schema) } } : content,
    }
  }
  for (const code of input.errors ?? []) responses[String(code)] = errorResponse(String(code))
  const detail: Record<string, unknown> = {
    summary: input.summary,
    description: [input.description, ACCESS_TEXT[input.access]].filter(Boolean).join('\n\n'),
    tags: [input.tag],
    responses,
    // Machine-readable, beside the sentence in the description.
    'x-parley-access': input.access,
  }
  if (input.access === 'public') detail.security = []
  if (input.access === 'metrics') detail.security = [{ metricsToken: [] }]
  if (input.access === 'optional') detail.security = [{}, { bearer: [] }]
  if (input.body) {
    detail.requestBody = {
      required: true,
      description: input.body.description,
      content: { 'application/json': { schema: requestSchemaOf(input.body.schema) } },
    }
  }
  if (input.upload) {
    detail.requestBody = {
      required: true,
      description: input.upload.description,
      content: {
        'multipart/form-data': {
          schema: {
            type: 'object',
            properties: { [input.upload.field]: { type: 'string', contentMediaType: '*/*' } },
            required: [input.upload.field],
          },
        },
      },
    }
  }
  // JSON Schema 2020-12 objects are what OpenAPI 3.1 takes; Elysia types `detail` with the
  // OpenAPI 3.0 object shapes, which know neither `const` nor type arrays.
  return detail as DocumentDecoration
}

/** Codes of the WebSocket's frames: no HTTP answer carries them. */
const SOCKET_ONLY = new Set(['invalid_frame', 'unknown_type', 'frame_too_large'])

/** An error answer: the error body, with the codes its status stands for. */
export function errorResponse(status: string): JsonSchema {
  const codes = Object.entries(ERROR_CODES)
    .filter(([code]) => !SOCKET_ONLY.has(code))
    .filter(([, e]) => (status === '5XX' ? e.status >= 500 : String(e.status) === status))
    .map(([code]) => `\`${code}\``)
  return {
    description: codes.length > 0 ? `Error: ${codes.join(', ')}.` : 'Error.',
    content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
  }
}
